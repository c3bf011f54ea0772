"""torch.fft: discrete Fourier transforms over three primitives, as torch builds them: complex to
complex, real to complex (one-sided or full) and complex to real (from the one-sided half).

The transforms run in numpy's pocketfft (the algorithm torch's CPU build uses, computed here in
double precision and rounded to the result's dtype: float32 inputs agree with torch to float
rounding, not bit for bit). Each primitive is an autograd Function whose backward is torch's
(the adjoint transform; for real input, the one-sided gradient zero-extended or its doubled
middle), written with the primitives themselves, so second derivatives work too. torch's
argument rules: n / s resize the input (zero padding or truncation) before the transform, dim
defaults, norm in {"backward", "ortho", "forward"}, integer and bool inputs promoted to the
default float dtype, out=."""
import math

import numpy as np

import torsh

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn",
           "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_NONE, _ROOT_N, _N = 0, 1, 2


def _norm_mode(norm, forward):
    if norm is None or norm == "backward":
        return _NONE if forward else _N
    if norm == "forward":
        return _N if forward else _NONE
    if norm == "ortho":
        return _ROOT_N
    raise RuntimeError(f"Invalid normalization mode: \"{norm}\"")


def _scale(result, mode, n):
    if mode == _NONE or n == 0:
        return result
    return result * (1.0 / (math.sqrt(n) if mode == _ROOT_N else n))


def _complex_of(dtype):
    return torsh.complex128 if dtype in (torsh.float64, torsh.complex128) else torsh.complex64


def _real_of(dtype):
    return torsh.float64 if dtype in (torsh.float64, torsh.complex128) else torsh.float32


def _np(t):
    return t.detach().resolve_conj().numpy() if t.is_complex() else t.detach().numpy()


def _from_np(a, dtype):
    return torsh.from_numpy(np.ascontiguousarray(a)).to(dtype)


class _C2C(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, x, dims, mode, forward):
        ctx.args = (dims, mode, forward)
        a = _np(x)
        r = np.fft.fftn(a, axes=dims) if forward else np.fft.ifftn(a, axes=dims, norm="forward")
        n = math.prod(x.size(d) for d in dims)
        return _scale(_from_np(r, x.dtype), mode, n)

    @staticmethod
    def backward(ctx, g):
        dims, mode, forward = ctx.args
        return _c2c(g, dims, mode, not forward), None, None, None


class _R2C(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, x, dims, mode, onesided):
        ctx.args = (dims, mode, onesided, x.size(dims[-1]))
        a = _np(x)
        r = np.fft.rfftn(a, axes=dims) if onesided else np.fft.fftn(a, axes=dims)
        n = math.prod(x.size(d) for d in dims)
        return _scale(_from_np(r, _complex_of(x.dtype)), mode, n)

    @staticmethod
    def backward(ctx, g):
        dims, mode, onesided, last = ctx.args
        if onesided and g.size(dims[-1]) < last:
            pad = list(g.shape)
            pad[dims[-1]] = last - g.size(dims[-1])
            g = torsh.cat([g, torsh.zeros(pad, dtype=g.dtype)], dims[-1])
        return torsh.real(_c2c(g, dims, mode, False)), None, None, None


class _C2R(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, x, dims, mode, last):
        ctx.args = (dims, mode)
        r = np.fft.irfftn(_np(x), s=[x.size(d) for d in dims[:-1]] + [last], axes=dims,
                          norm="forward")
        n = math.prod([x.size(d) for d in dims[:-1]] + [last])
        return _scale(_from_np(r, _real_of(x.dtype)), mode, n)

    @staticmethod
    def backward(ctx, g):
        dims, mode = ctx.args
        gi = _r2c(g, dims, mode, True)
        # the conjugate-symmetric entries the half stands for count twice
        double = g.size(dims[-1]) - gi.size(dims[-1])
        if double > 0:
            d = dims[-1]
            k = gi.size(d)
            gi = torsh.cat([gi.narrow(d, 0, 1), gi.narrow(d, 1, double) * 2,
                            gi.narrow(d, 1 + double, k - 1 - double)], d)
        return gi, None, None, None


def _c2c(x, dims, mode, forward):
    return _C2C.apply(x, dims, mode, forward)


def _r2c(x, dims, mode, onesided):
    return _R2C.apply(x, dims, mode, onesided)


def _c2r(x, dims, mode, last):
    return _C2R.apply(x, dims, mode, last)


# ---- argument handling ------------------------------------------------------------------------

def _check_input(op, x):
    if not isinstance(x, torsh.Tensor):
        raise TypeError(f"fft_{op}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    if x.dtype == torsh.float16:
        raise RuntimeError("Unsupported dtype Half")
    if x.dtype == torsh.bfloat16:
        raise RuntimeError("Unsupported dtype BFloat16")
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(torsh.get_default_dtype())
    return x


def _wrap_dim(op, d, ndim):
    if ndim == 0:
        raise RuntimeError(f"fft_{op}: a 0-dimensional tensor has no dimension to transform")
    if not -ndim <= d < max(ndim, 1):
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, "
                         f"{ndim - 1}], but got {d})")
    return d % ndim if ndim else 0


def _dims_and_sizes(op, x, s, dim):
    """torch's canonicalisation: s gives the sizes of the last len(s) dims (or of dim), -1
    keeping a dim's size; no s and no dim: every dim."""
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        dims = [_wrap_dim(op, d, x.dim()) for d in dims]
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"fft_{op}: FFT dims must be unique")
    if s is not None:
        s = list(s)
        if dim is None:
            if len(s) > x.dim():
                raise RuntimeError(f"fft_{op}: Got shape with {len(s)} values but input tensor "
                                   f"only has {x.dim()} dimensions.")
            dims = list(range(x.dim() - len(s), x.dim()))
        elif len(s) != len(dims):
            raise RuntimeError(f"When given, dim and shape arguments must have the same length")
        sizes = [x.size(d) if v == -1 else v for d, v in zip(dims, s)]
    else:
        if dim is None:
            dims = list(range(x.dim()))
        sizes = [x.size(d) for d in dims]
    for v in sizes:
        if v <= 0:
            raise RuntimeError(f"Invalid number of data points ({v}) specified")
    return dims, sizes


def _resize(x, dims, sizes):
    """Zero-pads or truncates x along dims to sizes (differentiable)."""
    for d, n in zip(dims, sizes):
        have = x.size(d)
        if have > n:
            x = x.narrow(d, 0, n)
        elif have < n:
            pad = list(x.shape)
            pad[d] = n - have
            x = torsh.cat([x, torsh.zeros(pad, dtype=x.dtype)], d)
    return x


def _out(out, result):
    if out is None:
        return result
    if out.dtype != result.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {result.dtype}, but got "
                           f"{out.dtype} instead")
    out.resize_(result.shape).copy_(result)
    return out


# ---- complex-to-complex -------------------------------------------------------------------

def _fftn_c2c(op, x, s, dim, norm, forward, out):
    x = _check_input(op, x)
    dims, sizes = _dims_and_sizes(op, x, s, dim)
    x = _resize(x, dims, sizes)
    if not x.is_complex():
        x = x.to(_complex_of(x.dtype))
    if not dims:
        return _out(out, x.clone())
    return _out(out, _c2c(x, dims, _norm_mode(norm, forward), forward))


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """torch.fft.fft: the 1-D discrete Fourier transform along dim."""
    return _fftn_c2c("fft", input, None if n is None else [n], [dim], norm, True, out)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """torch.fft.ifft: the 1-D inverse transform along dim."""
    return _fftn_c2c("ifft", input, None if n is None else [n], [dim], norm, False, out)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _fftn_c2c("fft2", input, s, dim, norm, True, out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _fftn_c2c("ifft2", input, s, dim, norm, False, out)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """torch.fft.fftn: the N-D transform over dim (the last len(s) dims, or all)."""
    return _fftn_c2c("fftn", input, s, dim, norm, True, out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    return _fftn_c2c("ifftn", input, s, dim, norm, False, out)


# ---- real-to-complex and back ------------------------------------------------------------------

def _real_input(op, x):
    x = _check_input(op, x)
    if x.is_complex():
        raise RuntimeError(f"{op} expects a real input tensor, but got {str(x.dtype)[6:].capitalize()}")
    return x


def _rfftn(op, x, s, dim, norm, out):
    x = _real_input(op, x)
    dims, sizes = _dims_and_sizes(op, x, s, dim)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    x = _resize(x, dims, sizes)
    return _out(out, _r2c(x, dims, _norm_mode(norm, True), True))


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """torch.fft.rfft: the one-sided transform of a real signal (n // 2 + 1 frequencies)."""
    return _rfftn("rfft", input, None if n is None else [n], [dim], norm, out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _rfftn("rfftn", input, s, dim, norm, out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _rfftn("rfftn", input, s, dim, norm, out)


def _irfftn(op, x, s, dim, norm, forward, conj, out):
    x = _check_input(op, x)
    raw_last = None if s is None else list(s)[-1]
    if s is not None:  # the last size is the output's: the input's half is checked below
        s = list(s)[:-1] + [-1]
    dims, sizes = _dims_and_sizes(op, x, s, dim)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    last = 2 * (x.size(dims[-1]) - 1) if raw_last in (None, -1) else raw_last
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    x = _resize(x, dims, sizes[:-1] + [last // 2 + 1])
    if not x.is_complex():
        x = x.to(_complex_of(x.dtype))
    if conj:
        x = x.conj()
    return _out(out, _c2r(x, dims, _norm_mode(norm, forward), last))


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """torch.fft.irfft: the real signal of length n (default 2 (m - 1)) whose one-sided
    transform is input."""
    return _irfftn("irfft", input, None if n is None else [n], [dim], norm, False, False, out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _irfftn("irfftn", input, s, dim, norm, False, False, out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _irfftn("irfftn", input, s, dim, norm, False, False, out)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """torch.fft.hfft: the real transform of a Hermitian-symmetric signal given by its half."""
    return _irfftn("hfft", input, None if n is None else [n], [dim], norm, True, True, out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _irfftn("hfftn", input, s, dim, norm, True, True, out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _irfftn("hfftn", input, s, dim, norm, True, True, out)


def _ihfftn(op, x, s, dim, norm, out):
    x = _real_input(op, x)
    dims, sizes = _dims_and_sizes(op, x, s, dim)
    if not dims:
        raise RuntimeError(f"{op} must transform at least one axis")
    x = _resize(x, dims, sizes)
    return _out(out, _r2c(x, dims, _norm_mode(norm, False), True).conj().resolve_conj())


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """torch.fft.ihfft: the inverse of hfft (the conjugated one-sided inverse transform)."""
    return _ihfftn("ihfft", input, None if n is None else [n], [dim], norm, out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _ihfftn("ihfftn", input, s, dim, norm, out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _ihfftn("ihfftn", input, s, dim, norm, out)


# ---- helpers -------------------------------------------------------------------------------

def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.fft.fftfreq: the sample frequencies [0, 1, ..., -1] / (d n)."""
    dtype = dtype or torsh.get_default_dtype()
    r = torsh.arange(n, dtype=dtype)
    if n > 0:
        r = torsh.where(r < (n + 1) // 2, r, r - n) * (1.0 / (n * d))
    r.requires_grad_(requires_grad)
    return _out(out, r)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """torch.fft.rfftfreq: the non-negative sample frequencies of rfft, [0, ..., n // 2] /
    (d n)."""
    dtype = dtype or torsh.get_default_dtype()
    r = torsh.arange(n // 2 + 1 if n > 0 else 0, dtype=dtype)
    if n > 0:
        r = r * (1.0 / (n * d))
    r.requires_grad_(requires_grad)
    return _out(out, r)


def _shift(x, dim, sign):
    if dim is None:
        dim = list(range(x.dim()))
    elif isinstance(dim, int):
        dim = [dim]
    dim = list(dim)
    shifts = [sign * (x.size(d) // 2) for d in dim]
    return torsh.roll(x, shifts, dim)


def fftshift(input, dim=None):
    """torch.fft.fftshift: rolls the zero frequency to the centre (by n // 2 per dim)."""
    return _shift(input, dim, 1)


def ifftshift(input, dim=None):
    """torch.fft.ifftshift: the inverse of fftshift (by -(n // 2) per dim)."""
    return _shift(input, dim, -1)
