"""torsh.special: the pass-throughs to ops torsh already has and the simple compositions
(entr, xlog1py, erfcx, ndtr, log_ndtr, ndtri).
"""
import math

import torsh
from torsh.special._common import (
    _binary, _check_tensor, _cname, _dname, _full, _horner, _prep_binary, _prep_unary, _unary,
    _where, _write_out)
from torsh.special._coeffs import _NDTRI_P0, _NDTRI_P1, _NDTRI_P2, _NDTRI_Q0, _NDTRI_Q1, _NDTRI_Q2


# ---------------------------------------------------------------------------------------------
# ops torsh already has

def _passthrough(fname, op):
    def f(input, *, out=None):
        if out is None:
            return op(input)
        return op(input, out=out)
    f.__name__ = fname
    f.__qualname__ = fname
    f.__doc__ = f"torch.special.{fname}(input, *, out=None): torsh.{op.__name__}."
    return f


erf = _passthrough("erf", torsh.erf)
erfc = _passthrough("erfc", torsh.erfc)
erfinv = _passthrough("erfinv", torsh.erfinv)
exp2 = _passthrough("exp2", torsh.exp2)
expm1 = _passthrough("expm1", torsh.expm1)
log1p = _passthrough("log1p", torsh.log1p)
digamma = _passthrough("digamma", torsh.digamma)
psi = _passthrough("psi", torsh.digamma)
gammaln = _passthrough("gammaln", torsh.lgamma)
expit = _passthrough("expit", torsh.sigmoid)
i0 = _passthrough("i0", torsh.i0)
sinc = _passthrough("sinc", torsh.sinc)


def round(input, *, decimals=0, out=None):  # noqa: A001 - torch's name
    """torch.special.round: torsh.round."""
    if out is None:
        return torsh.round(input, decimals=decimals)
    return torsh.round(input, decimals=decimals, out=out)


def logit(input, eps=None, *, out=None):
    """torch.special.logit: torsh.logit."""
    if out is None:
        return torsh.logit(input, eps)
    return torsh.logit(input, eps, out=out)


def polygamma(n, input, *, out=None):
    """torch.special.polygamma: torsh.polygamma."""
    if out is None:
        return torsh.polygamma(n, input)
    return torsh.polygamma(n, input, out=out)


def multigammaln(input, p, *, out=None):
    """torch.special.multigammaln: torsh.mvlgamma."""
    if out is None:
        return torsh.mvlgamma(input, p)
    return torsh.mvlgamma(input, p, out=out)


def xlogy(input, other, *, out=None):
    """torch.special.xlogy: torsh.xlogy."""
    if out is None:
        return torsh.xlogy(input, other)
    return torsh.xlogy(input, other, out=out)


def softmax(input, dim, dtype=None):
    """torch.special.softmax: torsh.softmax."""
    return torsh.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """torch.special.log_softmax: torsh.log_softmax."""
    return torsh.log_softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """torch.special.logsumexp: torsh.logsumexp."""
    if out is None:
        return torsh.logsumexp(input, dim, keepdim)
    return torsh.logsumexp(input, dim, keepdim, out=out)


# ---------------------------------------------------------------------------------------------
# entr, xlog1py

def _entr_fwd(x):
    pos = -x * torsh.log(_where(x > 0, x, _full(x, 1.0)))
    r = _where(x == 0, torsh.zeros_like(x), _full(x, -math.inf))
    r = _where(x > 0, pos, r)
    return _where(torsh.isnan(x), x, r)


def entr(input, *, out=None):
    """-x log(x) for x > 0, 0 at 0, -inf for x < 0."""
    x = _prep_unary("entr", input, extra=("bfloat16",))
    r = _unary(x, _entr_fwd, lambda g, x, r: g * (-(1 + x.log())))
    return _write_out("entr", r, out, (input,))


def _xlog1py_fwd(x, y):
    r = _where(x == 0, torsh.zeros_like(x * y), x * torsh.log1p(y))
    return _where(torsh.isnan(y), y + x * 0, r)


def _xlog1py_bwd(g, x, y, r, needs):
    ga = None
    if needs[0]:  # torch 1.13's formula
        ga = _xlog1py_fwd(g, y)
        ga = _where((x == 0) & (y <= -1), torsh.zeros_like(ga), ga)
    gb = g * x / (y + 1) if needs[1] else None
    return ga, gb


def xlog1py(input, other, *, out=None):
    """x * log1p(y), 0 where x == 0 (unless y is nan)."""
    a, b, at, bt = _prep_binary("xlog1py", input, other, extra=("float16", "bfloat16"))
    r = _binary(a, b, _xlog1py_fwd, _xlog1py_bwd, at, bt)
    return _write_out("xlog1py", r, out, (input, other))


# ---------------------------------------------------------------------------------------------
# erfcx, ndtr, log_ndtr, ndtri

_ISPI = 0.56418958354775628694807945156  # 1 / sqrt(pi)


def _erfcx_nonneg(x):
    """erfcx for x >= 0 in float64: exp(x^2) erfc(x) below 5 (relative error ~x^2 eps), the
    Laplace continued fraction 1/sqrt(pi) / (x + (1/2)/(x + (2/2)/(x + ...))) from 5 to 50,
    and its 5-term form above 50 (1 term above 5e7, as torch, against overflow)."""
    small = torsh.exp(x * x) * torsh.erfc(x)
    xs = torsh.clamp(x, min=5.0)
    f = xs
    for k in range(60, 0, -1):
        f = xs + (0.5 * k) / f
    cf = _ISPI / f
    xx = x * x
    big = _ISPI * (xx * (xx + 4.5) + 2) / (x * (xx * (xx + 5) + 3.75))
    r = _where(x < 5, small, cf)
    r = _where(x > 50, big, r)
    return _where(x > 5e7, _ISPI / x, r)


def _erfcx_fwd(x):
    dt = x.dtype
    x = x.to(torsh.float64)
    ax = torsh.abs(x)
    pos = _erfcx_nonneg(ax)
    neg = 2 * torsh.exp(x * x) - pos
    r = _where(x >= 0, pos, neg)
    r = _where(x < -26.7, _full(x, math.inf), r)
    return _where(torsh.isnan(x), x, r).to(dt)


def erfcx(input, *, out=None):
    """The scaled complementary error function exp(x^2) erfc(x)."""
    x = _prep_unary("erfcx", input)
    r = _unary(x, _erfcx_fwd,
               lambda g, x, r: (2.0 * x * r - 2.0 / math.sqrt(math.pi)) * g)
    return _write_out("erfcx", r, out, (input,))


def ndtr(input, *, out=None):
    """The standard normal CDF, 0.5 erfc(-x / sqrt(2)) (accurate in the lower tail, where
    torch's (1 + erf(x / sqrt(2))) / 2 loses all digits; the two agree to an absolute
    error below the dtype's epsilon)."""
    _check_tensor("ndtr", input)
    x = input if input.dtype.is_floating_point or input.dtype.is_complex else \
        input.to(torsh.get_default_dtype())
    if _dname(x.dtype) not in ("float32", "float64", "bfloat16"):
        raise RuntimeError(f"\"erf_vml_cpu\" not implemented for '{_cname(x.dtype)}'")
    r = 0.5 * torsh.erfc(x * -math.sqrt(0.5))
    if out is None:
        return r
    # torch's special_ndtr is a composite op: its out= copies the result in, with autograd
    _write_out("ndtr", r, out, (input,), differentiable=False)
    if r.requires_grad:
        out.copy_(r)
    return out


def _log_ndtr_fwd(x):
    dt = x.dtype
    x = x.to(torsh.float64)
    t = x * math.sqrt(0.5)
    lo = torsh.log(_erfcx_fwd(-t) / 2) - t * t
    hi = torsh.log1p(-torsh.erfc(t) / 2)
    return _where(x < -1.0, lo, hi).to(dt)


def log_ndtr(input, *, out=None):
    """log of the standard normal CDF, through erfcx below -1 (no underflow)."""
    x = _prep_unary("log_ndtr", input)
    r = _unary(x, _log_ndtr_fwd,
               lambda g, x, r: g / math.sqrt(2 * math.pi) * (r + x.pow(2) / 2).neg().exp())
    return _write_out("log_ndtr", r, out, (input,))


def _ndtri_fwd(y0):
    s2pi = 2.50662827463100050242E0
    e2 = 0.13533528323661269189  # exp(-2)
    code = ~(y0 > 1.0 - e2)
    y = _where(code, y0, 1.0 - y0)
    # central region
    yc = y - 0.5
    y2 = yc * yc
    central = (yc + yc * (y2 * _horner(y2, _NDTRI_P0) / _horner(y2, _NDTRI_Q0))) * s2pi
    # tails
    ys = _where(y > 0, y, _full(y, 0.5))
    x = torsh.sqrt(-2.0 * torsh.log(ys))
    x0 = x - torsh.log(x) / x
    z = 1.0 / x
    x1 = _where(x < 8.0, z * _horner(z, _NDTRI_P1) / _horner(z, _NDTRI_Q1),
                z * _horner(z, _NDTRI_P2) / _horner(z, _NDTRI_Q2))
    tail = x0 - x1
    tail = _where(code, -tail, tail)
    r = _where(y > e2, central, tail)
    r = _where((y0 < 0) | (y0 > 1), _full(r, math.nan), r)
    r = _where(y0 == 1, _full(r, math.inf), r)
    r = _where(y0 == 0, _full(r, -math.inf), r)
    return _where(torsh.isnan(y0), y0, r)


def ndtri(input, *, out=None):
    """The inverse of ndtr (Cephes' rational approximations, as torch)."""
    x = _prep_unary("ndtri", input)
    r = _unary(x, _ndtri_fwd,
               lambda g, x, r: g * math.sqrt(2 * math.pi) * (r.square() / 2).exp())
    return _write_out("ndtri", r, out, (input,))
