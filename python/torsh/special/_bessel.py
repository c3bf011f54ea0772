"""torsh.special: the modified Bessel functions i0e, i1, i1e and the Bessel, modified
Bessel and Airy functions.
"""
import math

import torsh
from torsh.special._common import (
    _chb_loop, _chbevl, _full, _horner, _prep_unary, _unary, _where, _write_out)
from torsh.special._coeffs import (
    _AIRY_AI_AD, _AIRY_AI_AFD, _AIRY_AI_AFN, _AIRY_AI_AGD, _AIRY_AI_AGN, _AIRY_AI_AN,
    _BESSEL_J0_PP, _BESSEL_J0_PQ, _BESSEL_J0_QP, _BESSEL_J0_QQ, _BESSEL_J0_RP, _BESSEL_J0_RQ,
    _BESSEL_J1_PP, _BESSEL_J1_PQ, _BESSEL_J1_QP, _BESSEL_J1_QQ, _BESSEL_J1_RP, _BESSEL_J1_RQ,
    _BESSEL_Y0_PP, _BESSEL_Y0_PQ, _BESSEL_Y0_QP, _BESSEL_Y0_QQ, _BESSEL_Y0_YP, _BESSEL_Y0_YQ,
    _BESSEL_Y1_PP, _BESSEL_Y1_PQ, _BESSEL_Y1_QP, _BESSEL_Y1_QQ, _BESSEL_Y1_YP, _BESSEL_Y1_YQ,
    _I0E_A_C, _I0E_B_C, _I1E_A_C, _I1E_A_C_F32, _I1E_B_C, _I1E_B_C_F32, _MODIFIED_BESSEL_I0_A,
    _MODIFIED_BESSEL_I0_B, _MODIFIED_BESSEL_I1_A, _MODIFIED_BESSEL_I1_B, _MODIFIED_BESSEL_K0_A,
    _MODIFIED_BESSEL_K0_B, _MODIFIED_BESSEL_K1_A, _MODIFIED_BESSEL_K1_B,
    _SCALED_MODIFIED_BESSEL_K0_A, _SCALED_MODIFIED_BESSEL_K0_B, _SCALED_MODIFIED_BESSEL_K1_A,
    _SCALED_MODIFIED_BESSEL_K1_B)


# ---------------------------------------------------------------------------------------------
# modified Bessel functions of the first kind: i0e, i1, i1e

def _i1e_coeffs(x):
    if x.dtype == torsh.float32:
        return _I1E_A_C_F32, _I1E_B_C_F32
    return _I1E_A_C, _I1E_B_C


def _i0e_fwd(x):
    ax = torsh.abs(x)
    a = _chbevl(ax / 2.0 - 2.0, _I0E_A_C)
    b = _chbevl(32.0 / ax - 2.0, _I0E_B_C) / torsh.sqrt(ax)
    return _where(ax <= 8.0, a, b)


def _i1_fwd(x, scaled):
    ax = torsh.abs(x)
    ca, cb = _i1e_coeffs(x)
    e = 1.0 if scaled else torsh.exp(ax)
    a = e * ax * _chbevl(ax / 2.0 - 2.0, ca) if not scaled else _chbevl(ax / 2.0 - 2.0, ca) * ax
    b = e * _chbevl(32.0 / ax - 2.0, cb) / torsh.sqrt(ax) if not scaled else \
        _chbevl(32.0 / ax - 2.0, cb) / torsh.sqrt(ax)
    r = _where(ax <= 8.0, a, b)
    return _where(x < 0, -r, r)


def _tiny_safe(x):
    eps = torsh.finfo(x.dtype).eps
    big = torsh.abs(x) > eps
    return big, _where(big, x, _full(x, eps))


def _i1_bwd(g, x, r):
    big, s = _tiny_safe(x)
    gx = torsh.i0(s) - r * s.reciprocal()
    return g * _where(big, gx, _full(gx, 0.5))


def _i1e_bwd(g, x, r):
    big, s = _tiny_safe(x)
    gx = _i0e_fwd(s) - r * (s.sgn() + s.reciprocal())
    return g * _where(big, gx, _full(gx, 0.5))


def i0e(input, *, out=None):
    """The exponentially scaled modified Bessel function of order 0, exp(-|x|) i0(x)."""
    x = _prep_unary("i0e", input, extra=("bfloat16",))
    if x.dtype == torsh.bfloat16:
        r = _unary(x.float(), _i0e_fwd, lambda g, x, r: g * (_i1_fwd(x, True) - x.sgn() * r))
        r = r.to(torsh.bfloat16)
    else:
        r = _unary(x, _i0e_fwd, lambda g, x, r: g * (_i1_fwd(x, True) - x.sgn() * r))
    return _write_out("i0e", r, out, (input,))


def i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1."""
    x = _prep_unary("i1", input)
    r = _unary(x, lambda x: _i1_fwd(x, False), _i1_bwd)
    return _write_out("i1", r, out, (input,))


def i1e(input, *, out=None):
    """The exponentially scaled modified Bessel function of order 1, exp(-|x|) i1(x)."""
    x = _prep_unary("i1e", input)
    r = _unary(x, lambda x: _i1_fwd(x, True), _i1e_bwd)
    return _write_out("i1e", r, out, (input,))


# ---------------------------------------------------------------------------------------------
# Bessel, modified Bessel and Airy functions (not differentiable in torch 1.13)

def _nondiff_unary(fname, fwd, arg="input"):
    def f(input, *, out=None):
        x = _prep_unary(fname, input, arg=arg)
        with torsh.no_grad():
            r = fwd(x.detach())
        return _write_out(fname, r, out, (input,), differentiable=False)
    f.__name__ = fname
    f.__qualname__ = fname
    return f


def _nondiff_unary_x(fname, fwd):
    """The same for the ops whose argument torch names x."""
    g = _nondiff_unary(fname, fwd, arg="x")

    def f(x, *, out=None):
        return g(x, out=out)
    f.__name__ = fname
    f.__qualname__ = fname
    return f


_PIO4 = 0.785398163397448309615660845819875721
_3PIO4 = 2.356194490192344928846982537459627163
_SQ2OPI = 0.797884560802865355879892119868763737
_TWOOPI = 0.636619772367581343075535053490057448


def _j0_fwd(x):
    x = torsh.abs(x)
    xx = x * x
    small = (xx - 5.78318596294678452118e+00) * (xx - 3.04712623436620863991e+01) * \
        _horner(xx, _BESSEL_J0_RP) / _horner(xx, _BESSEL_J0_RQ)
    small = _where(x < 0.00001, 1.0 - xx / 4.0, small)
    z = 25.0 / xx
    big = (_horner(z, _BESSEL_J0_PP) / _horner(z, _BESSEL_J0_PQ) * torsh.cos(x - _PIO4) -
           5.0 / x * (_horner(z, _BESSEL_J0_QP) / _horner(z, _BESSEL_J0_QQ)) *
           torsh.sin(x - _PIO4)) * _SQ2OPI / torsh.sqrt(x)
    return _where(x <= 5.0, small, big)


def _j1_fwd(x0):
    x = torsh.abs(x0)
    xx = x * x
    small = _horner(xx, _BESSEL_J1_RP) / _horner(xx, _BESSEL_J1_RQ) * x * \
        (xx - 1.46819706421238932572e+01) * (xx - 4.92184563216946036703e+01)
    z = 5.0 / x * (5.0 / x)
    big = (_horner(z, _BESSEL_J1_PP) / _horner(z, _BESSEL_J1_PQ) * torsh.cos(x - _3PIO4) -
           5.0 / x * (_horner(z, _BESSEL_J1_QP) / _horner(z, _BESSEL_J1_QQ)) *
           torsh.sin(x - _3PIO4)) * _SQ2OPI / torsh.sqrt(x)
    r = _where(x <= 5.0, small, big)
    return _where(x0 < 0, -r, r)


def _y0_fwd(x):
    xx = x * x
    xs = _where(x > 0, x, _full(x, 1.0))
    small = _horner(xx, _BESSEL_Y0_YP) / _horner(xx, _BESSEL_Y0_YQ) + \
        _TWOOPI * torsh.log(xs) * _j0_fwd(x)
    small = _where(x < 0, _full(x, math.nan), small)
    small = _where(x == 0, _full(x, -math.inf), small)
    z = 25.0 / xx
    big = (_horner(z, _BESSEL_Y0_PP) / _horner(z, _BESSEL_Y0_PQ) * torsh.sin(x - _PIO4) +
           5.0 / x * (_horner(z, _BESSEL_Y0_QP) / _horner(z, _BESSEL_Y0_QQ)) *
           torsh.cos(x - _PIO4)) * _SQ2OPI / torsh.sqrt(x)
    return _where(x <= 5.0, small, big)


def _y1_fwd(x):
    xx = x * x
    xs = _where(x > 0, x, _full(x, 1.0))
    small = x * (_horner(xx, _BESSEL_Y1_YP) / _horner(xx, _BESSEL_Y1_YQ)) + \
        _TWOOPI * (_j1_fwd(x) * torsh.log(xs) - 1.0 / x)
    small = _where(x < 0, _full(x, math.nan), small)
    small = _where(x == 0, _full(x, -math.inf), small)
    z = 5.0 / x * (5.0 / x)
    big = (_horner(z, _BESSEL_Y1_PP) / _horner(z, _BESSEL_Y1_PQ) * torsh.sin(x - _3PIO4) +
           5.0 / x * (_horner(z, _BESSEL_Y1_QP) / _horner(z, _BESSEL_Y1_QQ)) *
           torsh.cos(x - _3PIO4)) * _SQ2OPI / torsh.sqrt(x)
    return _where(x <= 5.0, small, big)


def _mi0_fwd(x):
    ax = torsh.abs(x)
    e = torsh.exp(ax)
    a = e * _chb_loop(ax / 2.0 - 2.0, _MODIFIED_BESSEL_I0_A)
    b = e * _chb_loop(32.0 / ax - 2.0, _MODIFIED_BESSEL_I0_B) / torsh.sqrt(ax)
    return _where(ax <= 8.0, a, b)


def _mi1_fwd(x):
    ax = torsh.abs(x)
    e = torsh.exp(ax)
    a = _chb_loop(ax / 2.0 - 2.0, _MODIFIED_BESSEL_I1_A) * ax * e
    b = e * _chb_loop(32.0 / ax - 2.0, _MODIFIED_BESSEL_I1_B) / torsh.sqrt(ax)
    r = _where(ax <= 8.0, a, b)
    return _where(x < 0, -r, r)


def _k_fwd(x, order, scaled):
    xs = _where(x > 0, x, _full(x, 1.0))
    if order == 0:
        ca, cb = ((_SCALED_MODIFIED_BESSEL_K0_A, _SCALED_MODIFIED_BESSEL_K0_B) if scaled else
                  (_MODIFIED_BESSEL_K0_A, _MODIFIED_BESSEL_K0_B))
        small = _chb_loop(xs * xs - 2.0, ca) - torsh.log(0.5 * xs) * _mi0_fwd(xs)
    else:
        ca, cb = ((_SCALED_MODIFIED_BESSEL_K1_A, _SCALED_MODIFIED_BESSEL_K1_B) if scaled else
                  (_MODIFIED_BESSEL_K1_A, _MODIFIED_BESSEL_K1_B))
        small = torsh.log(0.5 * xs) * _mi1_fwd(xs) + _chb_loop(xs * xs - 2.0, ca) / xs
    big = _chb_loop(8.0 / xs - 2.0, cb) / torsh.sqrt(xs)
    if scaled:
        small = small * torsh.exp(xs)
    else:
        big = torsh.exp(-xs) * big
    r = _where(x <= 2.0, small, big)
    r = _where(x < 0, _full(x, math.nan), r)
    r = _where(x == 0, _full(x, math.inf), r)
    return _where(torsh.isnan(x), x, r)


def _airy_fwd(x):
    one = torsh.ones_like(x)
    # x < -2.09: the oscillating asymptotic form
    xn = _where(x < -2.09, x, -one * 3.0)
    sq = torsh.sqrt(-xn)
    zeta_n = -2.0 * xn * sq / 3.0
    z = 1.0 / zeta_n
    zz = z * z
    t = zeta_n + 0.25 * math.pi
    neg = 5.64189583547756286948e-01 / torsh.sqrt(sq) * (
        torsh.sin(t) * (1.0 + zz * _horner(zz, _AIRY_AI_AFN) / _horner(zz, _AIRY_AI_AFD)) -
        torsh.cos(t) * (z * _horner(zz, _AIRY_AI_AGN) / _horner(zz, _AIRY_AI_AGD)))
    # x >= 2.09: the exponentially decaying asymptotic form
    xp = _where(x >= 2.09, x, one * 3.0)
    zeta = 2.0 * xp * torsh.sqrt(xp) / 3.0
    iz = 1.0 / zeta
    pos = 5.64189583547756286948e-01 * (_horner(iz, _AIRY_AI_AN) / _horner(iz, _AIRY_AI_AD)) / \
        (2.0 * torsh.sqrt(torsh.sqrt(xp)) * torsh.exp(zeta))
    # |x| < 2.09: the Maclaurin series, each element stopping where torch's loop stops
    xm = _where((x >= -2.09) & (x < 2.09), x, torsh.zeros_like(x))
    f = torsh.ones_like(x)
    g = xm
    k = torsh.ones_like(x)
    m = torsh.ones_like(x)
    n = xm
    zc = xm * xm * xm
    eps = torsh.finfo(x.dtype).eps
    active = torsh.ones_like(x, dtype=torsh.bool)
    for _ in range(200):
        m = m * zc
        k = k + 1.0
        m = m / k
        n = n * zc
        k = k + 1.0
        n = n / k
        m = m / k
        f = _where(active, f + m, f)
        k = k + 1.0
        n = n / k
        g = _where(active, g + n, g)
        active = active & (torsh.abs(m / f) > eps)
        if not bool(active.any()):
            break
    mid = 0.355028053887817239260 * f - 0.258819403792806798405 * g
    r = _where(x < -2.09, neg, _where(x >= 2.09, pos, mid))
    r = _where(x > 103.892, torsh.zeros_like(x), r)
    r = _where(torsh.isinf(x), _full(x, math.nan), r)
    return _where(torsh.isnan(x), x, r)


def _sph_j0_fwd(x):
    xx = x * x
    small = 1.0 + xx * (-1.0 / 6.0 + xx * (1.0 / 120.0 + xx * (-1.0 / 5040.0 + xx * (
        1.0 / 362880.0 + xx * (-1.0 / 39916800.0 + xx * (1.0 / 6227020800.0))))))
    xs = _where(torsh.abs(x) < 0.5, _full(x, 1.0), x)
    r = _where(torsh.abs(x) < 0.5, small, torsh.sin(xs) / xs)
    return _where(torsh.isinf(x), torsh.zeros_like(x), r)


airy_ai = _nondiff_unary_x("airy_ai", _airy_fwd)
bessel_j0 = _nondiff_unary("bessel_j0", _j0_fwd)
bessel_j1 = _nondiff_unary("bessel_j1", _j1_fwd)
bessel_y0 = _nondiff_unary("bessel_y0", _y0_fwd)
bessel_y1 = _nondiff_unary("bessel_y1", _y1_fwd)
modified_bessel_i0 = _nondiff_unary("modified_bessel_i0", _mi0_fwd)
modified_bessel_i1 = _nondiff_unary("modified_bessel_i1", _mi1_fwd)
modified_bessel_k0 = _nondiff_unary("modified_bessel_k0", lambda x: _k_fwd(x, 0, False))
modified_bessel_k1 = _nondiff_unary("modified_bessel_k1", lambda x: _k_fwd(x, 1, False))
scaled_modified_bessel_k0 = _nondiff_unary_x("scaled_modified_bessel_k0",
                                             lambda x: _k_fwd(x, 0, True))
scaled_modified_bessel_k1 = _nondiff_unary_x("scaled_modified_bessel_k1",
                                             lambda x: _k_fwd(x, 1, True))
spherical_bessel_j0 = _nondiff_unary_x("spherical_bessel_j0", _sph_j0_fwd)
