"""torsh.Size: the shape of a tensor, a tuple that prints like torch.Size."""
import operator

_INT64_MIN, _INT64_MAX = -2 ** 63, 2 ** 63 - 1


def _as_size_item(i, s):
    """An entry of torch.Size(...): an int, or anything with __index__ (a NumPy integer, a
    one-element integer tensor), in int64's range; torch's errors otherwise."""
    if type(s) is not int:
        try:
            s = operator.index(s)
        except TypeError:
            raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is "
                            f"'{_type_name(s)}')") from None
    if not _INT64_MIN <= s <= _INT64_MAX:
        raise RuntimeError("Overflow when unpacking long")
    return s


def _type_name(obj):
    t = type(obj)
    return t.__name__ if t.__module__ in ("builtins", "torsh._C") else \
        f"{t.__module__}.{t.__qualname__}"


class Size(tuple):
    def __new__(cls, sizes=()):
        # Tensor.shape builds its Size natively; this checks what user code passes.
        return tuple.__new__(cls, [_as_size_item(i, s) for i, s in enumerate(sizes)])

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    def __reduce__(self):
        return (Size, (tuple(self),))

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return tuple.__new__(Size, r) if isinstance(item, slice) else r

    # torch.Size arithmetic stays a Size when the Size is on the left (and for n * size); a
    # tuple on the left gives a tuple, as torch's
    def __add__(self, other):
        return tuple.__new__(Size, tuple.__add__(self, other))

    def __mul__(self, n):
        return tuple.__new__(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__
