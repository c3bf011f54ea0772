"""VonMises(loc, concentration): the circular normal distribution on angles."""
import math

import torsh
from torsh.distributions import constraints
from torsh.distributions.distribution import Distribution
from torsh.distributions.utils import broadcast_all, lazy_property

__all__ = ["VonMises"]

# Abramowitz & Stegun 9.8.1-9.8.4: polynomial approximations of I0 and I1, one for
# x < 3.75 (in t = (x / 3.75)^2) and one for x >= 3.75 (in t = 3.75 / x), the latter of
# sqrt(x) exp(-x) I(x). Coefficients lowest order first.
_BESSEL_SMALL = {
    0: (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813),
    1: (0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411),
}
_BESSEL_LARGE = {
    0: (0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706,
        0.02635537, -0.01647633, 0.00392377),
    1: (0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967,
        -0.02895312, 0.01787654, -0.00420059),
}


def _horner(t, coefficients):
    """sum_k coefficients[k] * t**k, evaluated from the highest order down."""
    result = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = c + t * result
    return result


def _log_bessel_i(x, order):
    """log I_order(x) for x > 0 and order 0 or 1 (the approximations torch uses)."""
    assert order in (0, 1)
    small = _horner((x / 3.75) * (x / 3.75), _BESSEL_SMALL[order])
    if order == 1:
        small = x.abs() * small
    small = small.log()
    large = x - 0.5 * x.log() + _horner(3.75 / x, _BESSEL_LARGE[order]).log()
    return torsh.where(x < 3.75, small, large)


def _best_fisher(loc, concentration, proposal_r, x):
    """Best & Fisher's (1979) wrapped-Cauchy rejection sampler: every round draws three
    uniforms per element (one rand of shape (3,) + x.shape) and fills the elements accepted
    for the first time; the result is shifted by loc and wrapped into [-pi, pi)."""
    done = torsh.zeros(tuple(x.shape), dtype=torsh.bool, device=loc.device)
    while not bool(done.all()):
        u = torsh.rand((3,) + tuple(x.shape), dtype=loc.dtype, device=loc.device)
        u1, u2, u3 = u.unbind()
        z = torsh.cos(math.pi * u1)
        f = (1 + proposal_r * z) / (proposal_r + z)
        c = concentration * (proposal_r - f)
        accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
        if bool(accept.any()):
            x = torsh.where(accept, (u3 - 0.5).sign() * f.acos(), x)
            done = done | accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    """Density exp(concentration * cos(x - loc)) / (2 pi I0(concentration)). loc and values
    may be any real numbers, read as angles modulo 2 pi; samples lie in [-pi, pi). mean and
    variance are the circular ones. No rsample, entropy or cdf (as torch 1.13)."""
    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        batch_shape = self.loc.shape
        # the wrapped-Cauchy envelope of the sampler
        tau = 1 + (1 + 4 * self.concentration ** 2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * self.concentration)
        self._proposal_r = (1 + rho ** 2) / (2 * rho)
        super().__init__(batch_shape, torsh.Size(), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * torsh.cos(value - self.loc) - math.log(2 * math.pi) -
                _log_bessel_i(self.concentration, order=0))

    def sample(self, sample_shape=torsh.Size()):
        with torsh.no_grad():
            shape = tuple(self._extended_shape(sample_shape))
            x = torsh.empty(shape, dtype=self.loc.dtype, device=self.loc.device)
            return _best_fisher(self.loc, self.concentration, self._proposal_r, x)

    def expand(self, batch_shape):
        # torch's VonMises.expand has no _instance: it builds a new VonMises
        try:
            return super().expand(batch_shape)
        except NotImplementedError:
            validate_args = self.__dict__.get("_validate_args")
            loc = self.loc.expand(batch_shape)
            concentration = self.concentration.expand(batch_shape)
            return type(self)(loc, concentration, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        return 1 - (_log_bessel_i(self.concentration, order=1) -
                    _log_bessel_i(self.concentration, order=0)).exp()
