"""Dirichlet(concentration): a distribution over the probability simplex."""
import torsh
import torsh.nn.functional as F
from torsh.distributions import constraints
from torsh.distributions._sampling import sample_dirichlet
from torsh.distributions.exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """Density prod x_i^(a_i - 1) / B(a) over the simplex of the last dim (a =
    concentration). rsample draws torch's samples for a seed; its gradient is the implicit
    reparameterisation one (see torsh.distributions._sampling)."""
    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = torsh.Size(batch_shape)
        new.concentration = self.concentration.expand(tuple(batch_shape) +
                                                      tuple(self.event_shape))
        super(Dirichlet, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        return sample_dirichlet(self.concentration.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (torsh.xlogy(self.concentration - 1.0, value).sum(-1) +
                torsh.lgamma(self.concentration.sum(-1)) -
                torsh.lgamma(self.concentration).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        concentrationm1 = (self.concentration - 1).clamp(min=0.)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        # every a_i < 1: the density peaks at a vertex, the largest a_i's
        all_below_one = (self.concentration < 1).all(-1, keepdim=True)
        vertex = F.one_hot(concentrationm1.argmax(-1), concentrationm1.shape[-1]).to(mode.dtype)
        return torsh.where(all_below_one, vertex, mode)

    @property
    def variance(self):
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self):
        k = self.concentration.size(-1)
        a0 = self.concentration.sum(-1)
        return (torsh.lgamma(self.concentration).sum(-1) - torsh.lgamma(a0) -
                (k - a0) * torsh.digamma(a0) -
                ((self.concentration - 1.0) * torsh.digamma(self.concentration)).sum(-1))

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - torsh.lgamma(x.sum(-1))
