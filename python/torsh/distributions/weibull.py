"""Weibull(scale, concentration): scale * E^(1 / concentration) with E ~ Exponential(1)."""
import torsh
from torsh.distributions import constraints
from torsh.distributions.exponential import Exponential
from torsh.distributions.transformed_distribution import TransformedDistribution
from torsh.distributions.transforms import AffineTransform, PowerTransform
from torsh.distributions.utils import broadcast_all, euler_constant

__all__ = ["Weibull"]


class Weibull(TransformedDistribution):
    """The two-parameter Weibull distribution, density (k / s) (x / s)^(k-1) exp(-(x / s)^k)
    on x > 0 (s = scale, k = concentration). Draws push an Exponential(1) draw through
    x^(1/k) and a scaling, as torch's do."""
    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive

    def __init__(self, scale, concentration, validate_args=None):
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(torsh.ones_like(self.scale), validate_args=validate_args)
        super().__init__(base_dist, self._transforms(), validate_args=validate_args)

    def _transforms(self):
        return [PowerTransform(exponent=self.concentration_reciprocal),
                AffineTransform(loc=0, scale=self.scale)]

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Weibull, _instance)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        base_dist = self.base_dist.expand(batch_shape)
        super(Weibull, new).__init__(base_dist, new._transforms(), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.scale * torsh.exp(torsh.lgamma(1 + self.concentration_reciprocal))

    @property
    def mode(self):
        k = self.concentration
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self):
        r = self.concentration_reciprocal
        return self.scale.pow(2) * (torsh.exp(torsh.lgamma(1 + 2 * r)) -
                                    torsh.exp(2 * torsh.lgamma(1 + r)))

    def entropy(self):
        return (euler_constant * (1 - self.concentration_reciprocal) +
                torsh.log(self.scale * self.concentration_reciprocal) + 1)
