"""ContinuousBernoulli(probs or logits): the continuous Bernoulli distribution on [0, 1]
(Loaiza-Ganem and Cunningham, 2019)."""
import math
from numbers import Number

import torsh
from torsh.distributions import constraints
from torsh.distributions.exp_family import ExponentialFamily
from torsh.distributions.utils import (broadcast_all, clamp_probs, expand_probs_or_logits,
                                       lazy_property, logits_to_probs, probs_to_logits)
from torsh.nn.functional import binary_cross_entropy_with_logits

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ExponentialFamily):
    """Density C(p) p^x (1 - p)^(1 - x) on [0, 1], with exactly one of `probs` (p, in (0, 1))
    or `logits` given. Near p = 1/2 (inside `lims`) the normaliser, moments, cdf and icdf use
    the Taylor expansions torch uses. Draws are icdf(U) for U ~ Uniform(0, 1)."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, Number)
            self.probs, = broadcast_all(probs)
            # probs is clamped into (0, 1) below, so it is checked first (as torch does,
            # whenever validate_args is given at all, even False)
            if validate_args is not None:
                if not bool(self.arg_constraints["probs"].check(self.probs).all()):
                    raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            is_scalar = isinstance(logits, Number)
            self.logits, = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = torsh.Size() if is_scalar else self._param.size()
        self._lims = lims
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(ContinuousBernoulli, _instance)
        new._lims = self._lims
        batch_shape = torsh.Size(batch_shape)
        expand_probs_or_logits(self, new, batch_shape)
        super(ContinuousBernoulli, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._param.new_empty(*args, **kwargs)

    def _outside_unstable_region(self):
        return torsh.le(self.probs, self._lims[0]) | torsh.gt(self.probs, self._lims[1])

    def _cut_probs(self):
        """probs, with the values inside the unstable region replaced by lims[0]."""
        return torsh.where(self._outside_unstable_region(), self.probs,
                           self._lims[0] * torsh.ones_like(self.probs))

    def _cont_bern_log_norm(self):
        """log C(p) as a function of probs."""
        cut = self._cut_probs()
        below = torsh.where(torsh.le(cut, 0.5), cut, torsh.zeros_like(cut))
        above = torsh.where(torsh.ge(cut, 0.5), cut, torsh.ones_like(cut))
        log_norm = torsh.log(torsh.abs(torsh.log1p(-cut) - torsh.log(cut))) - torsh.where(
            torsh.le(cut, 0.5), torsh.log1p(-2.0 * below), torsh.log(2.0 * above - 1.0))
        x = torsh.pow(self.probs - 0.5, 2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return torsh.where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / (torsh.log1p(-cut) - torsh.log(cut))
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * torsh.pow(x, 2)) * x
        return torsh.where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return torsh.sqrt(self.variance)

    @property
    def variance(self):
        cut = self._cut_probs()
        variances = (cut * (cut - 1.0) / torsh.pow(1.0 - 2.0 * cut, 2) +
                     1.0 / torsh.pow(torsh.log1p(-cut) - torsh.log(cut), 2))
        x = torsh.pow(self.probs - 0.5, 2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128. / 945.0 * x) * x
        return torsh.where(self._outside_unstable_region(), variances, taylor)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=torsh.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        u = torsh.rand(shape, dtype=self.probs.dtype, device=self.probs.device)
        with torsh.no_grad():
            return self.icdf(u)

    def rsample(self, sample_shape=torsh.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        u = torsh.rand(shape, dtype=self.probs.dtype, device=self.probs.device)
        return self.icdf(u)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return (-binary_cross_entropy_with_logits(logits, value, reduction="none") +
                self._cont_bern_log_norm())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (torsh.pow(cut, value) * torsh.pow(1.0 - cut, 1.0 - value) + cut - 1.0) / \
            (2.0 * cut - 1.0)
        unbounded = torsh.where(self._outside_unstable_region(), cdfs, value)
        return torsh.where(torsh.le(value, 0.0), torsh.zeros_like(value),
                           torsh.where(torsh.ge(value, 1.0), torsh.ones_like(value), unbounded))

    def icdf(self, value):
        cut = self._cut_probs()
        return torsh.where(
            self._outside_unstable_region(),
            (torsh.log1p(-cut + value * (2.0 * cut - 1.0)) - torsh.log1p(-cut)) /
            (torsh.log(cut) - torsh.log1p(-cut)),
            value)

    def entropy(self):
        log_probs0 = torsh.log1p(-self.probs)
        log_probs1 = torsh.log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        """log C as a function of the natural parameter (the logits)."""
        unstable_lo, unstable_hi = self._lims[0] - 0.5, self._lims[1] - 0.5
        outside = torsh.le(x, unstable_lo) | torsh.gt(x, unstable_hi)
        cut = torsh.where(outside, x, unstable_lo * torsh.ones_like(x))
        log_norm = torsh.log(torsh.abs(torsh.exp(cut) - 1.0)) - torsh.log(torsh.abs(cut))
        taylor = 0.5 * x + torsh.pow(x, 2) / 24.0 - torsh.pow(x, 4) / 2880.0
        return torsh.where(outside, log_norm, taylor)
