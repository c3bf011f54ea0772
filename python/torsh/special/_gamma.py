"""torsh.special: the Hurwitz zeta function and the regularized incomplete gamma functions.
"""
import math

import torsh
from torsh.special._common import _binary, _full, _horner, _prep_binary, _where, _write_out
from torsh.special._coeffs import _IGAM_D, _LANCZOS_DENOM, _LANCZOS_NUM, _ZETA_A


# ---------------------------------------------------------------------------------------------
# zeta: the Hurwitz zeta function by Euler-Maclaurin summation (Cephes), in float64

_MACHEP = 1.11022302462515654042E-16


def _zeta_fwd(x0, q0):
    dt = x0.dtype
    x, q = torsh.broadcast_tensors(x0.to(torsh.float64), q0.to(torsh.float64))
    s = torsh.pow(q, -x)
    a = q
    b = torsh.zeros_like(s)
    early = torsh.zeros_like(s, dtype=torsh.bool)
    qneg = q <= 0
    fixed = (x <= 1.0) | (qneg & ((q == torsh.floor(q)) | (x != torsh.floor(x))))
    inloop = ~fixed
    i = 0
    while bool(inloop.any()):
        i += 1
        a = _where(inloop, a + 1.0, a)
        b = _where(inloop, torsh.pow(a, -x), b)
        s = _where(inloop, s + b, s)
        conv = inloop & (-_MACHEP * s < b) & (b < _MACHEP * s)
        early = early | conv
        inloop = inloop & ~conv & ((a <= 9.0) | (i < 9))
    w = a
    done = early
    s = _where(done, s, s + b * w / (x - 1.0) - 0.5 * b)
    aa = torsh.ones_like(s)
    k = 0.0
    for c in _ZETA_A:
        aa = aa * (x + k)
        b = b / w
        t = aa * b / c
        s = _where(done, s, s + t)
        done = done | (torsh.abs(t / s) < _MACHEP)
        k += 1.0
        aa = aa * (x + k)
        b = b / w
        k += 1.0
    r = s
    r = _where(qneg & (x != torsh.floor(x)), _full(r, math.nan), r)
    r = _where(qneg & (q == torsh.floor(q)), _full(r, math.inf), r)
    r = _where(x < 1.0, _full(r, math.nan), r)
    r = _where(x == 1.0, _full(r, math.inf), r)
    return r.to(dt)


def _zeta_bwd(g, x, q, r, needs):
    if needs[0]:
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    return None, g * -x * _zeta_fwd(x + 1.0, q)


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function sum_k (k + other)^-input."""
    a, b, at, bt = _prep_binary("zeta", input, other)
    r = _binary(a, b, _zeta_fwd, _zeta_bwd, at, bt)
    return _write_out("zeta", r, out, (input, other))


# ---------------------------------------------------------------------------------------------
# gammainc / gammaincc: the regularized incomplete gamma functions, SciPy's algorithm as torch
# 1.13 has it (power series, continued fraction, and Temme's uniform asymptotic expansion for
# large a ~ x); each iteration runs over all elements of its regime, each element stopping where
# the scalar loop would.

_LANCZOS_G = 6.024680040776729583740234375


def _igam_eps(x):
    return 1.11022302462515654042E-16 if x.dtype == torsh.float64 else 5.9604644775390625E-8


def _lanczos_sum_expg_scaled(a):
    big = torsh.abs(a) > 1
    y = _where(big, 1.0 / a, a)
    num_f = _horner(y, _LANCZOS_NUM)
    den_f = _horner(y, _LANCZOS_DENOM)
    num_r = _horner(y, _LANCZOS_NUM[::-1])
    den_r = _horner(y, _LANCZOS_DENOM[::-1])
    return _where(big, num_r / den_r, num_f / den_f)


def _igam_fac(a, x):
    """x^a exp(-x) / gamma(a), without overflow."""
    maxlog = 7.09782712893383996843E2 if a.dtype == torsh.float64 else 88.72283905206835
    ax = a * torsh.log(x) - x - torsh.lgamma(a)
    far = _where(ax < -maxlog, torsh.zeros_like(ax), torsh.exp(ax))
    fac = a + _LANCZOS_G - 0.5
    res = torsh.sqrt(fac / 2.718281828459045) / _lanczos_sum_expg_scaled(a)
    r1 = res * torsh.exp(a - x) * torsh.pow(x / fac, a)
    num = x - a - _LANCZOS_G + 0.5
    numfac = num / fac
    r2 = res * torsh.exp(a * (torsh.log1p(numfac) - numfac) + x * (0.5 - _LANCZOS_G) / fac)
    near = _where((a < 200) & (x < 200), r1, r2)
    return _where(torsh.abs(a - x) > 0.4 * torsh.abs(a), far, near)


def _igam_series(a, x, mask):
    eps = _igam_eps(a)
    ax = _igam_fac(a, x)
    r = a
    c = torsh.ones_like(a)
    ans = torsh.ones_like(a)
    active = mask & (ax != 0)
    for _ in range(2000):
        if not bool(active.any()):
            break
        r = r + 1.0
        c = _where(active, c * x / r, c)
        ans = _where(active, ans + c, ans)
        active = active & ~(c <= eps * ans)
    return _where(ax == 0, torsh.zeros_like(a), ans * ax / a)


def _igamc_series(a, x, mask):
    eps = _igam_eps(a)
    fac = torsh.ones_like(a)
    total = torsh.zeros_like(a)
    active = mask.clone()
    for n in range(1, 2000):
        if not bool(active.any()):
            break
        fac = _where(active, fac * (-x / n), fac)
        term = fac / (a + n)
        total = _where(active, total + term, total)
        active = active & ~(torsh.abs(term) <= eps * torsh.abs(total))
    logx = torsh.log(x)
    term = -torsh.expm1(a * logx - torsh.lgamma(1 + a))
    return term - torsh.exp(a * logx - torsh.lgamma(a)) * total


def _igam_asymptotic(a, x, igam, mask):
    eps = _igam_eps(a)
    lam = x / a
    sigma = (x - a) / a
    e2 = torsh.sqrt(torsh.clamp(-2 * (torsh.log1p(sigma) - sigma), min=0))
    eta = _where(lam > 1, e2, _where(lam < 1, -e2, torsh.zeros_like(e2)))
    sgn = -1.0 if igam else 1.0
    res = 0.5 * torsh.erfc(sgn * eta * torsh.sqrt(a / 2))
    total = torsh.zeros_like(a)
    afac = torsh.ones_like(a)
    absold = _full(a, math.inf)
    active = mask.clone()
    for k in range(25):
        if not bool(active.any()):
            break
        ck = _horner(eta, _IGAM_D[k][::-1])
        term = ck * afac
        absterm = torsh.abs(term)
        active = active & ~(absterm > absold)
        total = _where(active, total + term, total)
        active = active & ~(absterm < eps * torsh.abs(total))
        absold = absterm
        afac = afac / a
    return res + sgn * torsh.exp(-0.5 * a * eta * eta) * total / \
        torsh.sqrt(2 * float(torsh.tensor(math.pi, dtype=torsh.float32)) * a)


def _igamc_cf(a, x, mask):
    f64 = a.dtype == torsh.float64
    eps = _igam_eps(a)
    big = 4.503599627370496e15 if f64 else 16777216.
    biginv = 2.22044604925031308085e-16 if f64 else 5.9604644775390625E-8
    ax = _igam_fac(a, x)
    y = 1.0 - a
    z = x + y + 1.0
    c = torsh.zeros_like(a)
    pkm2 = torsh.ones_like(a)
    qkm2 = x
    pkm1 = x + 1.0
    qkm1 = z * x
    ans = pkm1 / qkm1
    active = mask & (ax != 0)
    for _ in range(2000):
        if not bool(active.any()):
            break
        c = c + 1.0
        y = y + 1.0
        z = z + 2.0
        yc = y * c
        pk = pkm1 * z - pkm2 * yc
        qk = qkm1 * z - qkm2 * yc
        nz = qk != 0
        r = pk / _where(nz, qk, torsh.ones_like(qk))
        t = _where(nz, torsh.abs((ans - r) / r), torsh.ones_like(r))
        ans = _where(active & nz, r, ans)
        scale = _where(active & (torsh.abs(pk) > big), _full(pk, biginv), torsh.ones_like(pk))
        pkm2 = _where(active, pkm1, pkm2) * scale
        pkm1 = _where(active, pk, pkm1) * scale
        qkm2 = _where(active, qkm1, qkm2) * scale
        qkm1 = _where(active, qk, qkm1) * scale
        active = active & ~(t <= eps)
    return _where(ax == 0, torsh.zeros_like(a), ans * ax)


def _igam_regimes(a, x):
    ratio = torsh.abs(x - a) / a
    asym = ((a > 20) & (a < 200) & (ratio < 0.3)) | \
        ((a > 200) & (ratio < 4.5 / torsh.sqrt(a)))
    return asym


def _igammac_core(a, x, valid):
    """igammac where valid (a > 0, x > 0, both finite)."""
    asym = valid & _igam_regimes(a, x)
    rest = valid & ~asym
    logx = torsh.log(x)
    use_lower = _where(x > 1.1, x < a,
                       _where(x <= 0.5, -0.4 / logx < a, x * 1.1 < a))
    use_cf = rest & (x > 1.1) & ~(x < a)
    use_ser = rest & use_lower
    use_cser = rest & ~use_cf & ~use_ser
    r = torsh.zeros_like(a)
    if bool(asym.any()):
        r = _where(asym, _igam_asymptotic(a, x, False, asym), r)
    if bool(use_cf.any()):
        r = _where(use_cf, _igamc_cf(a, x, use_cf), r)
    if bool(use_ser.any()):
        r = _where(use_ser, 1.0 - _igam_series(a, x, use_ser), r)
    if bool(use_cser.any()):
        r = _where(use_cser, _igamc_series(a, x, use_cser), r)
    return r


def _igamma_core(a, x, valid):
    asym = valid & _igam_regimes(a, x)
    rest = valid & ~asym
    upper = rest & (x > 1.0) & (x > a)
    ser = rest & ~upper
    r = torsh.zeros_like(a)
    if bool(asym.any()):
        r = _where(asym, _igam_asymptotic(a, x, True, asym), r)
    if bool(upper.any()):
        r = _where(upper, 1.0 - _igammac_core(a, x, upper), r)
    if bool(ser.any()):
        r = _where(ser, _igam_series(a, x, ser), r)
    return r


def _igam_fwd(a0, x0, lower):
    dt = a0.dtype
    ct = dt if dt in (torsh.float32, torsh.float64) else torsh.float32
    a, x = torsh.broadcast_tensors(a0.to(ct), x0.to(ct))
    one, zero = torsh.ones_like(a), torsh.zeros_like(a)
    nan = _full(a, math.nan)
    valid = (a > 0) & (x > 0) & ~torsh.isinf(a) & ~torsh.isinf(x)
    a_s = _where(valid, a, one)
    x_s = _where(valid, x, one)
    r = (_igamma_core if lower else _igammac_core)(a_s, x_s, valid)
    lo, hi = (zero, one) if lower else (one, zero)
    r = _where(torsh.isnan(a) | torsh.isnan(x), nan, r)
    r = _where(torsh.isinf(x), hi, r)
    r = _where(torsh.isinf(a), _where(torsh.isinf(x), nan, lo), r)
    r = _where(x == 0, lo, r)
    r = _where(a == 0, _where(x > 0, hi, nan), r)
    r = _where((x < 0) | (a < 0), nan, r)
    return r.to(dt)


def _igam_bwd(sign, name):
    def bwd(g, a, x, r, needs):
        if needs[0]:
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        return None, sign * g * torsh.exp((a - 1) * torsh.log(x) - x - torsh.lgamma(a))
    return bwd


def gammainc(input, other, *, out=None):
    """The regularized lower incomplete gamma function P(input, other)."""
    a, b, at, bt = _prep_binary("gammainc", input, other, kernel="igamma_cpu",
                                extra=("float16", "bfloat16"), scalars=False, promote_int=False)
    r = _binary(a, b, lambda a, x: _igam_fwd(a, x, True), _igam_bwd(1.0, "igamma"))
    return _write_out("gammainc", r, out, (input, other))


def gammaincc(input, other, *, out=None):
    """The regularized upper incomplete gamma function Q(input, other)."""
    a, b, at, bt = _prep_binary("gammaincc", input, other, kernel="igammac_cpu",
                                extra=("float16", "bfloat16"), scalars=False, promote_int=False)
    r = _binary(a, b, lambda a, x: _igam_fwd(a, x, False), _igam_bwd(-1.0, "igammac"))
    return _write_out("gammaincc", r, out, (input, other))
