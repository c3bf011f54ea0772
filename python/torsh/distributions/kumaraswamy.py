"""Kumaraswamy(concentration1, concentration0): the Kumaraswamy distribution on [0, 1]."""
import math

import torsh
from torsh.distributions import constraints
from torsh.distributions.transformed_distribution import TransformedDistribution
from torsh.distributions.transforms import AffineTransform, PowerTransform
from torsh.distributions.uniform import Uniform
from torsh.distributions.utils import broadcast_all, euler_constant

__all__ = ["Kumaraswamy"]


def _moment(a, b, n):
    """E[X^n] = b B(1 + n / a, b), through lgamma."""
    shifted = 1 + n / a
    return b * torsh.exp(torsh.lgamma(shifted) + torsh.lgamma(b) - torsh.lgamma(shifted + b))


class Kumaraswamy(TransformedDistribution):
    """Density a b x^(a-1) (1 - x^a)^(b-1) on [0, 1] (a = concentration1, b =
    concentration0): the inverse cdf (1 - (1 - u)^(1/b))^(1/a) applied to a Uniform(0, 1)
    draw u, as in torch (same samples for a seed)."""
    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1,
                                                                 concentration0)
        base_dist = Uniform(torsh.full_like(self.concentration0, 0),
                            torsh.full_like(self.concentration0, 1),
                            validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()),
                      AffineTransform(loc=1., scale=-1.),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(batch_shape)
        new.concentration0 = self.concentration0.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _moment(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        a, b = self.concentration1, self.concentration0
        # torch 1.13's log-space expression (log1p(-b) makes it nan for b > 1, so torch's
        # mode is nan there too); nan wherever a < 1 or b < 1
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        log_mode = torsh.where((b < 1) | (a < 1), torsh.full_like(log_mode, math.nan),
                               log_mode)
        return log_mode.exp()

    @property
    def variance(self):
        return (_moment(self.concentration1, self.concentration0, 2) -
                torsh.pow(self.mean, 2))

    def entropy(self):
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        harmonic = torsh.digamma(self.concentration0 + 1) + euler_constant
        return (t0 + t1 * harmonic - torsh.log(self.concentration1) -
                torsh.log(self.concentration0))
