"""torch.asarray: a tensor over obj's memory when obj is a tensor, a NumPy array or a buffer and
no copy or conversion is asked for; otherwise a copy (a sequence or scalar is always copied).

Two deliberate differences from torch 1.13, where 1.13's behaviour contradicts its own
documentation: a NumPy scalar gives a 0-d tensor of its dtype (1.13 reads its bytes as a buffer
of float32), and asarray(t) of a tensor that requires grad returns t.detach() (1.13 clears
requires_grad on the caller's tensor in place and returns it)."""
import warnings

import numpy as np

import torsh
from torsh._C import Tensor
from torsh._frombuffer import frombuffer

__all__ = ["asarray"]

_SCALAR_TYPE = {
    "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
    "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}
_WARNED_READONLY = []


def _scalar_type(dtype):
    name = repr(dtype)[len("torch."):]
    return _SCALAR_TYPE.get(name, name)


def _check_args(dtype, device, copy):
    if dtype is not None and not isinstance(dtype, torsh.dtype):
        raise TypeError(f"asarray(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    if copy is not None and not isinstance(copy, bool):
        raise TypeError(f"asarray(): argument 'copy' must be bool, not {type(copy).__name__}")
    if device is None or isinstance(device, torsh.device):
        return device
    if isinstance(device, (str, int)) and not isinstance(device, bool):
        return torsh.device(device)
    raise TypeError(f"asarray(): argument 'device' must be torch.device, not "
                    f"{type(device).__name__}")


def _has_buffer(obj):
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """Converts obj (a tensor, NumPy array or scalar, buffer, Python scalar or sequence) to a
    tensor. copy=None shares memory when dtype and device allow, copy=True always copies,
    copy=False raises ValueError where sharing is impossible. A buffer's bytes are read as
    dtype (the default dtype when None)."""
    device = _check_args(dtype, device, copy)
    tensor, readonly = None, False
    if isinstance(obj, Tensor):
        tensor = obj
    elif isinstance(obj, np.ndarray):
        tensor, readonly = torsh.from_numpy(obj), not obj.flags.writeable
    elif isinstance(obj, np.generic):
        tensor = torsh.from_numpy(np.array(obj))
    elif _has_buffer(obj):
        tensor = frombuffer(obj, dtype=dtype if dtype is not None else torsh.get_default_dtype(),
                            requires_grad=requires_grad)

    if tensor is not None:
        wrong_device = device is not None and device != tensor.device
        wrong_dtype = dtype is not None and dtype != tensor.dtype
        if copy or (copy is None and (wrong_device or wrong_dtype)):
            if wrong_device or wrong_dtype:
                tensor = tensor.to(device=device if device is not None else tensor.device,
                                   dtype=dtype if dtype is not None else tensor.dtype,
                                   copy=bool(copy))
            else:
                tensor = tensor.clone()
        else:
            if wrong_device:
                raise ValueError(f"can't alias tensor from device '{tensor.device}' to "
                                 f"'{device}'.")
            if wrong_dtype:
                raise ValueError(f"can't alias tensor with dtype '{_scalar_type(tensor.dtype)}' "
                                 f"into dtype '{_scalar_type(dtype)}'.")
            if readonly and not _WARNED_READONLY:
                _WARNED_READONLY.append(True)
                warnings.warn("The given NumPy array is not writable, and PyTorch does not "
                              "support non-writable tensors. This means writing to this tensor "
                              "will result in undefined behavior. You may want to copy the "
                              "array to protect its data or make it writable before converting "
                              "it to a tensor. This type of warning will be suppressed for the "
                              "rest of this program.", UserWarning, stacklevel=2)
    else:
        if copy is False:
            raise ValueError("can't alias arbitrary sequence into a tensor.")
        tensor = torsh.tensor(obj, dtype=dtype, device=device)

    if requires_grad:
        if not tensor.requires_grad:
            tensor.requires_grad_(True)
    elif tensor.requires_grad:
        tensor = tensor.detach()
    return tensor
