"""Shared helpers of torsh.special: argument checks, dtype handling, out=, the autograd
glue and the elementwise evaluation helpers.
"""
import torsh
from torsh.autograd.function import Function


_CNAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
           "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
           "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _dname(dtype):
    return repr(dtype).split(".")[-1]


def _cname(dtype):
    return _CNAMES.get(_dname(dtype), _dname(dtype))


def _is_tensor(x):
    return isinstance(x, torsh.Tensor)


def _check_tensor(fname, x, arg="input", pos=1):
    if not _is_tensor(x):
        raise TypeError(f"special_{fname}(): argument '{arg}' (position {pos}) must be Tensor, "
                        f"not {type(x).__name__}")


def _float_dtype(dtype):
    """The dtype an elementwise float op computes in: integers and bool promote to the
    default float dtype."""
    if dtype.is_floating_point or dtype.is_complex:
        return dtype
    return torsh.get_default_dtype()


def _check_kernel(kernel, dtype, extra=()):
    if _dname(dtype) not in ("float32", "float64") + tuple(extra):
        raise RuntimeError(f"\"{kernel}\" not implemented for '{_cname(dtype)}'")


def _write_out(fname, result, out, inputs, differentiable=True):
    """out= as torch writes it: no autograd through it, a castable dtype, resized to the
    result's shape."""
    if out is None:
        return result
    if not _is_tensor(out):
        raise TypeError(f"special_{fname}(): argument 'out' must be Tensor, not "
                        f"{type(out).__name__}")
    if differentiable and torsh.is_grad_enabled() and \
            any(_is_tensor(t) and t.requires_grad for t in tuple(inputs) + (out,)):
        raise RuntimeError(f"special_{fname}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    if not torsh.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {_cname(result.dtype)} can't be cast to the desired "
                           f"output type {_cname(out.dtype)}")
    with torsh.no_grad():
        torsh.cat([result.detach().to(out.dtype)], out=out)
    return out


# ---------------------------------------------------------------------------------------------
# autograd glue: forward computed without grad, backward with torch 1.13's formula

class _UnaryFn(Function):
    @staticmethod
    def forward(ctx, x, fwd, bwd):
        r = fwd(x)
        ctx.save_for_backward(x, r)
        ctx.bwd = bwd
        return r

    @staticmethod
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        return ctx.bwd(g, x, r), None, None


def _unary(x, fwd, bwd):
    if bwd is not None and torsh.is_grad_enabled() and x.requires_grad:
        return _UnaryFn.apply(x, fwd, bwd)
    with torsh.no_grad():
        return fwd(x.detach())


def _reduce_to(g, shape):
    if tuple(g.shape) != tuple(shape):
        g = g.sum_to_size(*shape) if len(shape) else g.sum()
    return g


class _BinaryFn(Function):
    @staticmethod
    def forward(ctx, a, b, fwd, bwd):
        r = fwd(a, b)
        ctx.save_for_backward(a, b, r)
        ctx.bwd = bwd
        return r

    @staticmethod
    def backward(ctx, g):
        a, b, r = ctx.saved_tensors
        ga, gb = ctx.bwd(g, a, b, r, ctx.needs_input_grad[:2])
        return (None if ga is None else _reduce_to(ga, a.shape),
                None if gb is None else _reduce_to(gb, b.shape), None, None)


def _binary(a, b, fwd, bwd, a_grad=True, b_grad=True):
    """a_grad/b_grad: whether each argument (a tensor the caller passed) may carry grad."""
    ga = a_grad and a.requires_grad
    gb = b_grad and b.requires_grad
    if bwd is not None and torsh.is_grad_enabled() and (ga or gb):
        return _BinaryFn.apply(a if ga else a.detach(), b if gb else b.detach(), fwd, bwd)
    with torsh.no_grad():
        return fwd(a.detach(), b.detach())


def _prep_unary(fname, x, kernel=None, extra=(), arg="input"):
    """x as a tensor of the dtype the op computes in (integers promote to float)."""
    _check_tensor(fname, x, arg)
    dt = _float_dtype(x.dtype)
    _check_kernel(kernel or f"{fname}_cpu", dt, extra)
    return x if x.dtype == dt else x.to(dt)


def _prep_binary(fname, a, b, kernel=None, extra=(), scalars=True, promote_int=True,
                 names=("input", "other")):
    """a, b as tensors of their common float dtype (torch's promotion, Python scalars as
    wrapped numbers); returns (a, b, a_is_tensor, b_is_tensor)."""
    at, bt = _is_tensor(a), _is_tensor(b)
    if not scalars or not (at or bt):
        if not at:
            raise TypeError(f"special_{fname}(): argument '{names[0]}' (position 1) must be "
                            f"Tensor, not {type(a).__name__}")
        if not bt:
            raise TypeError(f"special_{fname}(): argument '{names[1]}' (position 2) must be "
                            f"Tensor, not {type(b).__name__}")
    for v, is_t, nm, pos in ((a, at, names[0], 1), (b, bt, names[1], 2)):
        if not is_t and not isinstance(v, (bool, int, float)):
            raise TypeError(f"special_{fname}(): argument '{nm}' (position {pos}) must be "
                            f"Tensor, not {type(v).__name__}")
    dt = torsh.result_type(a, b)
    if promote_int:
        dt = _float_dtype(dt)
    _check_kernel(kernel or f"{fname}_cpu", dt, extra)
    a = a.to(dt) if at else torsh.tensor(a, dtype=dt)
    b = b.to(dt) if bt else torsh.tensor(b, dtype=dt)
    return a, b, at, bt


# ---------------------------------------------------------------------------------------------
# evaluation helpers (all elementwise, in the tensor's dtype)

def _horner(z, coeffs):
    """c[0] z^n + ... + c[n], started from 0 as the Cephes loops are."""
    r = z * 0.0
    for c in coeffs:
        r = r * z + c
    return r


def _chbevl(y, coeffs):
    """Cephes chbevl: the Chebyshev series sum with Clenshaw's recurrence."""
    b0 = torsh.full_like(y, coeffs[0])
    b1 = torsh.zeros_like(y)
    b2 = b1
    for c in coeffs[1:]:
        b2 = b1
        b1 = b0
        b0 = y * b1 - b2 + c
    return 0.5 * (b0 - b2)


def _chb_loop(y, coeffs):
    """The inline form of the same recurrence in the *_forward kernels: 0.5 (a - p)."""
    q = torsh.zeros_like(y)
    a = torsh.full_like(y, coeffs[0])
    p = q
    for c in coeffs[1:]:
        p = q
        q = a
        a = y * q - p + c
    return 0.5 * (a - p)


def _where(cond, a, b):
    return torsh.where(cond, a, b)


def _full(like, v):
    return torsh.full_like(like, v)
