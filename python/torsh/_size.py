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
