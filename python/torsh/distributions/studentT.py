"""StudentT(df, loc, scale)."""
import math

import torsh
from torsh.distributions import constraints
from torsh.distributions.chi2 import Chi2
from torsh.distributions.distribution import Distribution
from torsh.distributions.utils import _standard_normal, broadcast_all

__all__ = ["StudentT"]


class StudentT(Distribution):
    """loc + scale * X / sqrt(Z / df) with X ~ N(0, 1) and Z ~ Chi2(df)."""
    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        m = self.loc.clone()
        return torsh.where(self.df <= 1, torsh.full_like(m, math.nan), m)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        finite = self.scale.pow(2) * self.df / (self.df - 2)
        m = torsh.where(self.df > 2, finite, self.df.clone())
        m = torsh.where((self.df <= 2) & (self.df > 1), torsh.full_like(m, math.inf), m)
        return torsh.where(self.df <= 1, torsh.full_like(m, math.nan), m)

    def __init__(self, df, loc=0., scale=1., validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        batch_shape = self.df.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(StudentT, _instance)
        batch_shape = torsh.Size(batch_shape)
        new.df = self.df.expand(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new._chi2 = self._chi2.expand(batch_shape)
        super(StudentT, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=torsh.Size()):
        shape = self._extended_shape(sample_shape)
        x = _standard_normal(shape, dtype=self.df.dtype, device=self.df.device)
        z = self._chi2.rsample(sample_shape)
        y = x * torsh.rsqrt(z / self.df)
        return self.loc + self.scale * y

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi) +
             torsh.lgamma(0.5 * self.df) - torsh.lgamma(0.5 * (self.df + 1.)))
        return -0.5 * (self.df + 1.) * torsh.log1p(y ** 2. / self.df) - z

    def entropy(self):
        lbeta = torsh.lgamma(0.5 * self.df) + math.lgamma(0.5) - \
            torsh.lgamma(0.5 * (self.df + 1))
        return (self.scale.log() +
                0.5 * (self.df + 1) * (torsh.digamma(0.5 * (self.df + 1)) -
                                       torsh.digamma(0.5 * self.df)) +
                0.5 * self.df.log() + lbeta)
