"""torsh.special: the orthogonal polynomials.
"""
import torsh
from torsh.special._common import _prep_binary, _where, _write_out


# ---------------------------------------------------------------------------------------------
# orthogonal polynomials (not differentiable in torch 1.13). n is truncated to an integer as
# torch's static_cast<int64_t> does; the three-term recurrences run over the degrees up to the
# largest n among the elements that need them, and each element keeps the value at its n.

def _recurrence(p0, p1, nf, need, step):
    """Values of degree n from P_0 = p0, P_1 = p1 and P_d = step(d, P_{d-2}, P_{d-1})."""
    out = _where(nf == 0, p0, p1)
    need = need & (nf >= 2)
    if not bool(need.any()):
        return out
    top = int(nf[need].max().item())
    p, q = p0, p1
    for d in range(2, top + 1):
        r = step(d, p, q)
        out = _where(nf == d, r, out)
        p, q = q, r
    return out


def _poly_prep(fname, x, n):
    a, b, at, bt = _prep_binary(fname, x, n, names=("x", "n"))
    x, n = torsh.broadcast_tensors(a, b)
    nf = torsh.trunc(n)
    even = torsh.fmod(nf, 2) == 0
    return x, n, nf, even


def _poly_finish(fname, x, n, r, out):
    return _write_out(fname, r, out, (x, n), differentiable=False)


def _poly(fname, body):
    def f(x, n, *, out=None):
        xt, _, nf, even = _poly_prep(fname, x, n)
        with torsh.no_grad():
            xt = xt.detach()
            nf = nf.detach()
            r = body(xt, nf, even)
            r = _where(nf < 0, torsh.zeros_like(r), r)
        return _poly_finish(fname, x, n, r, out)
    f.__name__ = fname
    f.__qualname__ = fname
    f.__doc__ = f"torch.special.{fname}(x, n, *, out=None)."
    return f


def _sign_even(even, v):
    return _where(even, v, -v)


def _cheb_t(x, nf, even):
    one = torsh.ones_like(x)
    ax = torsh.abs(x)
    trig_mask = (nf > 6) & (ax < 1)
    edge = ax == 1
    r = _recurrence(one, x, nf, ~trig_mask & ~edge, lambda d, p, q: (x + x) * q - p)
    r = _where(trig_mask, torsh.cos(nf * torsh.acos(x)), r)
    return _where(edge, _where((x > 0) | even, one, -one), r)


def _cheb_u(x, nf, even):
    one = torsh.ones_like(x)
    ax = torsh.abs(x)
    trig_mask = (nf > 8) & (ax < 1)
    edge = ax == 1
    r = _recurrence(one, x + x, nf, ~trig_mask & ~edge, lambda d, p, q: (x + x) * q - p)
    ac = torsh.acos(x)
    s = torsh.sin(ac)
    trig = _where(s != 0, torsh.sin((nf + 1) * ac) / s, (nf + 1) * torsh.cos((nf + 1) * ac) / x)
    r = _where(trig_mask, trig, r)
    return _where(edge, _where((x > 0) | even, nf + 1, -(nf + 1)), r)


def _cheb_v(x, nf, even):
    one = torsh.ones_like(x)
    ax = torsh.abs(x)
    trig_mask = (nf > 8) & (ax < 1)
    edge = ax == 1
    r = _recurrence(one, x + x - 1.0, nf, ~trig_mask & ~edge, lambda d, p, q: (x + x) * q - p)
    ac = torsh.acos(x)
    odd_val = _sign_even(even, nf + nf + 1)
    trig = _where(torsh.sin(ac / 2.0) != 1, torsh.cos((nf + 0.5) * ac) / torsh.cos(ac / 2.0),
                  odd_val)
    r = _where(trig_mask, trig, r)
    return _where(edge, _where(x > 0, one, odd_val), r)


def _cheb_w(x, nf, even):
    one = torsh.ones_like(x)
    ax = torsh.abs(x)
    trig_mask = (nf > 8) & (ax < 1)
    edge = ax == 1
    r = _recurrence(one, x + x + 1.0, nf, ~trig_mask & ~edge, lambda d, p, q: (x + x) * q - p)
    ac = torsh.acos(x)
    edge_val = _where(x > 0, nf + nf + 1, _sign_even(even, one))
    trig = _where(torsh.cos(ac / 2.0) != 1, torsh.sin((nf + 0.5) * ac) / torsh.sin(ac / 2.0),
                  edge_val)
    r = _where(trig_mask, trig, r)
    return _where(edge, edge_val, r)


def _shifted(x, nf, even, kind):
    one = torsh.ones_like(x)
    y = x + x - 1.0
    limit = 4 if kind == "w" else 6
    trig_mask = (nf > limit) & (torsh.abs(y) < 1)
    edge = (x == 1) | (x == 0)
    p1 = {"t": y, "u": y + y, "v": y + y - 1.0, "w": y + y + 1.0}[kind]
    r = _recurrence(one, p1, nf, ~trig_mask & ~edge, lambda d, p, q: (y + y) * q - p)
    ac = torsh.acos(y)
    if kind == "t":
        trig = torsh.cos(nf * ac)
        at1, at0 = one, _sign_even(even, one)
    elif kind == "u":
        s = torsh.sin(ac)
        trig = _where(s != 0, torsh.sin((nf + 1) * ac) / s,
                      (nf + 1) * torsh.cos((nf + 1) * ac) / y)
        at1, at0 = nf + 1, _sign_even(even, nf + 1)
    elif kind == "v":
        at1, at0 = one, _sign_even(even, nf + nf + 1)
        trig = _where(torsh.sin(ac / 2.0) != 1, torsh.cos((nf + 0.5) * ac) / torsh.cos(ac / 2.0),
                      at0)
    else:
        at1, at0 = nf + nf + 1, _sign_even(even, one)
        trig = _where(torsh.cos(ac / 2.0) != 1, torsh.sin((nf + 0.5) * ac) / torsh.sin(ac / 2.0),
                      at0)
    r = _where(trig_mask, trig, r)
    r = _where(x == 0, at0, r)
    return _where(x == 1, at1, r)


def _hermite_h(x, nf, even):
    return _recurrence(torsh.ones_like(x), x + x, nf, torsh.ones_like(x, dtype=torsh.bool),
                       lambda d, p, q: (x + x) * q - (2 * (d - 1)) * p)


def _hermite_he(x, nf, even):
    return _recurrence(torsh.ones_like(x), x, nf, torsh.ones_like(x, dtype=torsh.bool),
                       lambda d, p, q: x * q - (d - 1) * p)


def _laguerre(x, nf, even):
    one = torsh.ones_like(x)
    edge = x == 0
    r = _recurrence(one, 1.0 - x, nf, ~edge,
                    lambda d, p, q: ((2 * (d - 1) + (1.0 - x)) * q - (d - 1) * p) / d)
    return _where(edge, one, r)


def _legendre(x, nf, even):
    one = torsh.ones_like(x)
    edge = torsh.abs(x) == 1
    r = _recurrence(one, x, nf, ~edge,
                    lambda d, p, q: ((2 * (d - 1) + 1) * x * q - (d - 1) * p) / d)
    return _where(edge, _where((x > 0) | even, one, -one), r)


chebyshev_polynomial_t = _poly("chebyshev_polynomial_t", _cheb_t)
chebyshev_polynomial_u = _poly("chebyshev_polynomial_u", _cheb_u)
chebyshev_polynomial_v = _poly("chebyshev_polynomial_v", _cheb_v)
chebyshev_polynomial_w = _poly("chebyshev_polynomial_w", _cheb_w)
shifted_chebyshev_polynomial_t = _poly("shifted_chebyshev_polynomial_t",
                                       lambda x, n, e: _shifted(x, n, e, "t"))
shifted_chebyshev_polynomial_u = _poly("shifted_chebyshev_polynomial_u",
                                       lambda x, n, e: _shifted(x, n, e, "u"))
shifted_chebyshev_polynomial_v = _poly("shifted_chebyshev_polynomial_v",
                                       lambda x, n, e: _shifted(x, n, e, "v"))
shifted_chebyshev_polynomial_w = _poly("shifted_chebyshev_polynomial_w",
                                       lambda x, n, e: _shifted(x, n, e, "w"))
hermite_polynomial_h = _poly("hermite_polynomial_h", _hermite_h)
hermite_polynomial_he = _poly("hermite_polynomial_he", _hermite_he)
laguerre_polynomial_l = _poly("laguerre_polynomial_l", _laguerre)
legendre_polynomial_p = _poly("legendre_polynomial_p", _legendre)
