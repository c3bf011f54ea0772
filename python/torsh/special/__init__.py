"""torsh.special: the functions of PyTorch 1.13's torch.special.

The ops torsh already has (erf, digamma, i0, xlogy, softmax, ...) are called as they are. The
others are composed here from torsh tensor ops, vectorised (loops run over series terms or
polynomial degrees, never over elements), following the algorithms of torch 1.13's CPU kernels
(Cephes / SciPy / Boost rational and Chebyshev approximations, the same branch points and the
same special values), so that results agree with torch to a few ulps. Functions torch can
differentiate are differentiable here with torch's derivative formulas; the Bessel, Airy and
orthogonal-polynomial functions are not differentiable in torch 1.13 and return tensors that
do not require grad, as there.
"""
# The implementation lives in private submodules: _common (argument checks, out=, autograd glue,
# evaluation helpers), _coeffs (the approximation coefficients), _basic (pass-throughs and simple
# compositions), _bessel (Bessel, modified Bessel and Airy), _polynomials (orthogonal
# polynomials) and _gamma (zeta and the incomplete gamma functions).
from torsh.special._basic import (
    digamma, entr, erf, erfc, erfcx, erfinv, exp2, expit, expm1, gammaln, i0, log1p, log_ndtr,
    log_softmax, logit, logsumexp, multigammaln, ndtr, ndtri, polygamma, psi, round, sinc, softmax,
    xlog1py, xlogy)
from torsh.special._bessel import (
    airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, i0e, i1, i1e, modified_bessel_i0,
    modified_bessel_i1, modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0,
    scaled_modified_bessel_k1, spherical_bessel_j0)
from torsh.special._polynomials import (
    chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w,
    hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p,
    shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w)
from torsh.special._gamma import gammainc, gammaincc, zeta

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
    "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2",
    "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
    "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
    "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
    "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
    "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py",
    "xlogy", "zeta",
]
