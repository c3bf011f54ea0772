"""NegativeBinomial(total_count, probs or logits)."""
import torsh
import torsh.nn.functional as F
from torsh.distributions import constraints
from torsh.distributions.distribution import Distribution
from torsh.distributions.gamma import Gamma
from torsh.distributions.utils import (broadcast_all, expand_probs_or_logits, lazy_property,
                                       logits_to_probs, probs_to_logits)

__all__ = ["NegativeBinomial"]


class NegativeBinomial(Distribution):
    """The number of successes before `total_count` failures in Bernoulli(probs) trials
    (total_count may be any nonnegative real). Draws are Poisson(Gamma(total_count,
    exp(-logits))) as in torch, so a seed gives torch's samples."""
    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0., 1.),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.total_count, self.probs, = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits, = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = self._param.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(NegativeBinomial, _instance)
        batch_shape = torsh.Size(batch_shape)
        new.total_count = self.total_count.expand(batch_shape)
        expand_probs_or_logits(self, new, batch_shape)
        super(NegativeBinomial, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._param.new_empty(*args, **kwargs)

    @property
    def mean(self):
        return self.total_count * torsh.exp(self.logits)

    @property
    def mode(self):
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.)

    @property
    def variance(self):
        return self.mean / torsh.sigmoid(-self.logits)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.size()

    @lazy_property
    def _gamma(self):
        # unvalidated: total_count may be 0
        return Gamma(concentration=self.total_count, rate=torsh.exp(-self.logits),
                     validate_args=False)

    def sample(self, sample_shape=torsh.Size()):
        with torsh.no_grad():
            rate = self._gamma.sample(sample_shape=sample_shape)
            return torsh.poisson(rate)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_unnormalized_prob = (self.total_count * F.logsigmoid(-self.logits) +
                                 value * F.logsigmoid(self.logits))
        log_normalization = (-torsh.lgamma(self.total_count + value) +
                             torsh.lgamma(1. + value) + torsh.lgamma(self.total_count))
        # total_count = value = 0: probability 1 (lgamma(0) terms cancel)
        log_normalization = torsh.where(self.total_count + value == 0.,
                                        torsh.zeros_like(log_normalization),
                                        log_normalization)
        return log_unnormalized_prob - log_normalization
