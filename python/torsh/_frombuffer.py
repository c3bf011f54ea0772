"""torch.frombuffer: a 1-D tensor over the memory of an object exposing the buffer protocol
(shared, not copied), with torch's argument checks; and the math constants torch exports."""
import math
import warnings

import numpy as np

import torsh

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan

_WARNED = []


_MISSING = object()


def _check_int(name, value):
    if not isinstance(value, int):
        raise TypeError(f"frombuffer(): argument '{name}' must be int, not {type(value).__name__}")


def frombuffer(buffer, *, dtype=_MISSING, count=-1, offset=0, requires_grad=False):
    if dtype is _MISSING:
        raise TypeError('frombuffer() missing 1 required positional arguments: "dtype"')
    if not isinstance(dtype, torsh.dtype):
        raise TypeError(f"frombuffer(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    _check_int("count", count)
    _check_int("offset", offset)
    size = torsh.empty(0, dtype=dtype).element_size()
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    if not view.c_contiguous:
        raise RuntimeError("could not retrieve buffer from object")
    length = view.nbytes
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % size != 0:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({size})")
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    if view.readonly and not _WARNED:
        _WARNED.append(True)
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors. This means you can write to the underlying "
                      "(supposedly non-writable) buffer using the tensor. You may want to copy "
                      "the buffer to protect its data or make it writable before converting it "
                      "to a tensor. This type of warning will be suppressed for the rest of this "
                      "program.")
    raw = np.frombuffer(buffer, dtype=np.uint8, count=count * size, offset=offset)
    t = torsh.from_numpy(raw).view(dtype)
    return t.requires_grad_(requires_grad) if requires_grad else t
