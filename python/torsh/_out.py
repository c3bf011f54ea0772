"""out= for public functions written in Python: the result is computed as usual, then written
into ``out`` with torch's rules (the autograd refusal, the op's dtype rule, the resize with
torch's deprecation warning when ``out`` had elements), and ``out`` itself is returned."""
import warnings

import torsh
from torsh._random_extra import _scalar_type

# torch's C++ type names, as its out= dtype messages print them
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}
def _short(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def check_grad(op, *tensors):
    """torch refuses out= when grad mode is on and an input requires grad."""
    if torsh.is_grad_enabled() and any(isinstance(t, torsh.Tensor) and t.requires_grad
                                       for t in tensors):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")


def write(op, out, result, rule="same"):
    """Writes result into out. rule: "same" (out must have result's dtype), "cast" (anything
    torch.can_cast allows) or "nonzero" (int64 only, with nonzero's message)."""
    if not isinstance(out, torsh.Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    rd, od = _short(result.dtype), _short(out.dtype)
    if rd != od:
        if rule == "cast":
            if not torsh.can_cast(result.dtype, out.dtype):
                raise RuntimeError(f"result type {_scalar_type(result.dtype)} can't be cast to "
                                   f"the desired output type {_scalar_type(out.dtype)}")
        elif rule == "nonzero":
            raise RuntimeError(f"nonzero: Expected out tensor to have scalar type Long but got "
                               f"scalar type{_scalar_type(out.dtype)}")
        else:
            raise RuntimeError(f"Expected out tensor to have dtype {_CPP_NAMES[rd]}, but got "
                               f"{_CPP_NAMES[od]} instead")
    if tuple(out.shape) != tuple(result.shape):
        if out.numel() != 0:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(result.shape)}. This behavior is deprecated, and in a future PyTorch "
                f"release outputs will not be resized unless they have zero elements. You can "
                f"explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                f"with t.resize_(0).", UserWarning, stacklevel=3)
        out.resize_(result.shape)
    with torsh.no_grad():
        out.copy_(result)
    return out
