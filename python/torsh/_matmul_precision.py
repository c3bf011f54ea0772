"""torch.set_float32_matmul_precision / get_float32_matmul_precision, and the state behind
torch.backends.cuda.matmul.allow_tf32 (which torch ties to it: allow_tf32 is precision !=
'highest'). On CPU the precision changes nothing: torsh's float32 matmul always computes in
float32 (OpenBLAS SGEMM); the value is recorded for scripts that set and read it."""
import warnings

__all__ = ["set_float32_matmul_precision", "get_float32_matmul_precision"]

_precision = ["highest"]


def get_float32_matmul_precision():
    """'highest', 'high' or 'medium' (default 'highest')."""
    return _precision[0]


def set_float32_matmul_precision(precision):
    """Records 'highest', 'high' or 'medium'. Another string warns and changes nothing (torch
    prints that warning from C++); a non-string raises RuntimeError, as torch."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _precision[0] = precision
