"""torsh.Size: the shape of a tensor, a tuple that prints like torch.Size."""


class Size(tuple):
    def __repr__(self):
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    # torch.Size arithmetic stays a Size when the Size is on the left (and for n * size); a
    # tuple on the left gives a tuple, as torch's
    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__
