"""LKJCholesky(dim, concentration): the LKJ distribution over lower Cholesky factors of
correlation matrices."""
import math

import torsh
from torsh.distributions import constraints
from torsh.distributions.beta import Beta
from torsh.distributions.distribution import Distribution
from torsh.distributions.utils import broadcast_all

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """L with L @ L.mT a dim x dim correlation matrix M of density proportional to
    det(M)^(concentration - 1) (concentration == 1: uniform over correlation matrices).
    Sampled by the onion method (Lewandowski, Kurowicka and Joe 2009, section 3.2): row i
    of L is sqrt(y_i) times a uniform direction in the first i coordinates, y_i drawn from
    a Beta, and the diagonal entry completes the row to unit norm."""
    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim, concentration=1., validate_args=None):
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. "
                             f"Found dim={dim}.")
        self.dim = dim
        self.concentration, = broadcast_all(concentration)
        batch_shape = self.concentration.size()
        event_shape = torsh.Size((dim, dim))
        # the Beta(i / 2, concentration + (dim - 2 - i) / 2) of row i + 1 (rows 0 and 1 share
        # the i = 0 parameters), all rows drawn at once
        dtype, device = self.concentration.dtype, self.concentration.device
        marginal = self.concentration + 0.5 * (self.dim - 2)
        offset = torsh.arange(self.dim - 1, dtype=dtype, device=device)
        offset = torsh.cat([torsh.zeros((1,), dtype=dtype, device=device), offset])
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = torsh.Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(tuple(batch_shape) + (self.dim,))
        super(LKJCholesky, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=torsh.Size()):
        y = self._beta.sample(sample_shape).unsqueeze(-1)
        u = torsh.randn(tuple(self._extended_shape(sample_shape)), dtype=y.dtype,
                        device=y.device).tril(-1)
        # uniform directions in the strictly lower part of each row; row 0 has none (0 / 0)
        direction = u / u.norm(dim=-1, keepdim=True)
        first_row = torsh.arange(self.dim, device=u.device).eq(0).unsqueeze(-1)
        direction = torsh.where(first_row, torsh.zeros_like(direction), direction)
        w = torsh.sqrt(y) * direction
        tiny = torsh.finfo(w.dtype).tiny
        diagonal = torsh.clamp(1 - torsh.sum(w ** 2, dim=-1), min=tiny).sqrt()
        return w + torsh.diag_embed(diagonal)

    def log_prob(self, value):
        # density of L: prod_i L_ii^(2 (concentration - 1) + dim - i) for rows i = 2..dim
        # (det(M)^(concentration - 1) times the Jacobian of L -> L L^T), normalised by the
        # LKJ constant (Lewandowski et al., p. 1999)
        if self._validate_args:
            self._validate_sample(value)
        diagonal = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = torsh.arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = torsh.sum(order * diagonal.log(), dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = torsh.lgamma(alpha) * dm1
        numerator = torsh.mvlgamma(alpha - 0.5, dm1)
        # mvlgamma's pi term is (D-1)(D-2)/4 log(pi); the LKJ constant's is D(D-1)/4 log(pi)
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized - (pi_constant + numerator - denominator)
