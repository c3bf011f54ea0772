"""Derives the float32 tanh coefficients in src/ops/functors/simd_math.cpp.

tanh(x) / x is fitted on |x| <= 9 by a rational function P(z) / Q(z) of z = x^2 (degrees 4 and
4, Q(0) = 1) with iterated weighted linear least squares on Chebyshev-distributed points (the
Sanathanan-Koerner iteration, weights making the error relative). Prints the coefficients, the
maximum relative error of the fit and the worst float32 error in ulp over [-12, 12].
Run with /usr/bin/python3 (numpy)."""
import numpy as np

L = 9.0


def fit(x, npd=4, nqd=4, iters=30):
    f = np.tanh(x) / x
    z = x * x
    w = np.ones_like(z)
    for _ in range(iters):
        a = np.hstack([z[:, None] ** np.arange(npd + 1),
                       -(f[:, None] * z[:, None] ** np.arange(1, nqd + 1))])
        wt = 1.0 / (f * w)
        coef, *_ = np.linalg.lstsq(a * wt[:, None], f * wt, rcond=None)
        p, q = coef[:npd + 1], np.concatenate([[1.0], coef[npd + 1:]])
        w = np.polyval(q[::-1], z)
    return p, q, np.max(np.abs(np.polyval(p[::-1], z) / w / f - 1))


def float32_ulp_error(p, q):
    xf = np.concatenate([np.linspace(-12, 12, 4000001), np.logspace(-8, 1, 100000)])
    xf = xf.astype(np.float32)
    xc = np.clip(xf, np.float32(-L), np.float32(L))
    zf = xc * xc
    pp, qq = np.float32(p[-1]), np.float32(q[-1])
    for c in p[-2::-1]:
        pp = (pp * zf + np.float32(c)).astype(np.float32)
    for c in q[-2::-1]:
        qq = (qq * zf + np.float32(c)).astype(np.float32)
    r = (xc * (pp / qq)).astype(np.float64)
    ref = np.tanh(xf.astype(np.float64))
    return np.max(np.abs(r - ref) / np.spacing(np.abs(ref).astype(np.float32)))


def main():
    x = (1 - np.cos(np.linspace(0, np.pi, 20000))) / 2 * L
    p, q, rel = fit(x[x > 1e-6])
    print("P:", [float(v) for v in p])
    print("Q:", [float(v) for v in q])
    print(f"max relative error of the fit {rel:.3g}; float32 worst case "
          f"{float32_ulp_error(p, q):.2f} ulp")


if __name__ == "__main__":
    main()
