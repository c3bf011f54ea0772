"""Derives the float32 erf coefficients in src/ops/functors/math-inl.h.

Two pieces on |x|, the sign restored after:
- |x| < 1: erf(x) = x + x Q(u), u = x^2, Q of degree 6 fitted to erf(x)/x - 1 with absolute error
  (the final x + x Q is one fused multiply-add, so Q's rounding is scaled down by |Q| < 0.16);
- 1 <= |x| <= 4: erf(x) = 1 - exp(-x^2) R(t), t = 1/x, R of degree 8 fitted to erfc(x) exp(x^2)
  with relative error; past 4, where erfc(x) < 2**-25, the same formula at 4 rounds to 1.
Each fit is a minimax approximation by Lawson's iteratively reweighted least squares on
Chebyshev-distributed points. Prints the coefficients as float32 literals, the fits' errors and
the worst float32 error in ulp of a simulation of the kernel (fused multiply-adds, exp rounded
once) against double erf. Run with /usr/bin/python3 (numpy)."""
import math

import numpy as np

SPLIT, TOP = 1.0, 4.0


def lawson(f, var, lo, hi, deg, relative, n=4000, iters=60):
    k = np.arange(n)
    x = (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)
    y = np.array([f(v) for v in x])
    v = np.vander(var(x), deg + 1, increasing=True)
    scale = np.abs(y) if relative else np.ones(n)
    w = np.ones(n)
    for _ in range(iters):
        sw = np.sqrt(w) / scale
        c, *_ = np.linalg.lstsq(v * sw[:, None], y * sw, rcond=None)
        err = np.abs(v @ c - y) / scale
        w = w * err
        w /= w.sum()
    return c, err.max()


def horner(c, t):
    r = np.full_like(t, np.float32(c[-1]))
    for k in range(len(c) - 2, -1, -1):  # one rounding per step: a fused multiply-add
        r = (r.astype(np.float64) * t + np.float64(np.float32(c[k]))).astype(np.float32)
    return r


def simulate(q, r, x):
    np.seterr(all="ignore")  # 1/0 in the large piece's lanes that the small one keeps
    ax = np.abs(x)
    u = (ax.astype(np.float64) * ax).astype(np.float32)
    small = (horner(q, u).astype(np.float64) * ax + ax).astype(np.float32)
    xb = np.minimum(ax, np.float32(TOP))
    t = (np.float32(1) / xb).astype(np.float32)
    e = np.exp(-(xb.astype(np.float64) * xb).astype(np.float32).astype(np.float64))
    large = (1.0 - e.astype(np.float32).astype(np.float64) * horner(r, t)).astype(np.float32)
    return np.where(ax < SPLIT, small, large)


def main():
    q, eq = lawson(lambda v: math.erf(v) / v - 1, lambda x: x * x, 1e-9, SPLIT, 6, False)
    r, er = lawson(lambda v: math.erfc(v) * math.exp(v * v), lambda x: 1 / x, SPLIT, TOP, 8, True)
    print("Q:", ", ".join(f"{np.float32(c)!r}f" for c in q), f"(abs error {eq:.2e})")
    print("R:", ", ".join(f"{np.float32(c)!r}f" for c in r), f"(rel error {er:.2e})")
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(0, 4.5, 2_000_000), 10 ** rng.uniform(-12, 0, 200_000),
                        np.linspace(0.99, 1.01, 100_001)]).astype(np.float32)
    ref = np.array([math.erf(float(v)) for v in x])
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    err = np.abs(simulate(q, r, x) - ref) / ulp
    print(f"worst float32 error {err.max():.2f} ulp at x = {x[err.argmax()]!r}, mean {err.mean():.3f}")


if __name__ == "__main__":
    main()
