"""Gamma(concentration, rate)."""
from numbers import Number

import torsh
from torsh.distributions import constraints
from torsh.distributions._sampling import standard_gamma
from torsh.distributions.exp_family import ExponentialFamily
from torsh.distributions.utils import broadcast_all

__all__ = ["Gamma"]


class Gamma(ExponentialFamily):
    """Density rate^c x^(c-1) exp(-rate x) / Gamma(c) on x >= 0 (c = concentration).
    rsample draws torch's samples for a seed; its gradient in concentration is the implicit
    reparameterisation one (see torsh.distributions._sampling)."""
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        if isinstance(concentration, Number) and isinstance(rate, Number):
            batch_shape = torsh.Size()
        else:
            batch_shape = self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gamma, _instance)
        batch_shape = torsh.Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        super(Gamma, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=torsh.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        with torsh.no_grad():  # keep draws away from 0 (the gradient is unaffected)
            value.clamp_(min=torsh.finfo(value.dtype).tiny)
        return value

    def log_prob(self, value):
        value = torsh.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (torsh.xlogy(self.concentration, self.rate) +
                torsh.xlogy(self.concentration - 1, value) -
                self.rate * value - torsh.lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - torsh.log(self.rate) + torsh.lgamma(self.concentration) +
                (1.0 - self.concentration) * torsh.digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return torsh.lgamma(x + 1) + (x + 1) * torsh.log(-y.reciprocal())
