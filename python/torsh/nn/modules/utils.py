"""torch.nn.modules.utils: the helpers that turn an int or a sequence into an n-tuple."""
import collections.abc

__all__ = []


def _ntuple(n, name="parse"):
    """A function that repeats a scalar n times and passes an iterable through as a tuple."""
    def to_tuple(value):
        if isinstance(value, collections.abc.Iterable):
            return tuple(value)
        return (value,) * n
    to_tuple.__name__ = name
    return to_tuple


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """(a, b) with n=2 -> (b, b, a, a): per-dim conv padding as F.pad's last-dim-first list."""
    out = []
    for value in reversed(tuple(t)):
        out.extend([value] * n)
    return tuple(out)


def _list_with_default(out_size, defaults):
    """An adaptive pool's output size with each None taken from the input's trailing sizes."""
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError("Input dimension should be at least {}".format(len(out_size) + 1))
    tail = list(defaults)[len(defaults) - len(out_size):]
    return [d if v is None else v for v, d in zip(out_size, tail)]


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Removes ``prefix`` from the keys of ``state_dict`` that start with it, in place (the
    "module." DataParallel/DDP put in front of every key), and from the keys of its
    ``_metadata``, where the wrapper's own entry ("module") becomes the root entry ("")."""
    for key in sorted(state_dict.keys()):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    # torch looks for the metadata under this key (and then reads the attribute)
    if "_metadata" in state_dict:
        metadata = state_dict._metadata
        for key in list(metadata.keys()):
            if not key:
                continue
            if key == prefix.replace(".", "") or key.startswith(prefix):
                metadata[key[len(prefix):]] = metadata.pop(key)
