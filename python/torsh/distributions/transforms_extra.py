"""More transforms (kept out of transforms.py for its size): CorrCholeskyTransform,
CatTransform, StackTransform and CumulativeDistributionTransform. transforms.py re-exports
them, so they are reachable as torsh.distributions.transforms.X like torch's."""
import math

import torsh
import torsh.nn.functional as F
from torsh.distributions import constraints
from torsh.distributions.transforms import Transform
from torsh.distributions.utils import _sum_rightmost, lazy_property

__all__ = ["CatTransform", "CorrCholeskyTransform", "CumulativeDistributionTransform",
           "StackTransform"]


def _require(cond):
    # torch checks these with bare asserts: the same AssertionError here
    if not cond:
        raise AssertionError


def _strict_tril_index(d):
    """Flat (row-major) positions of the strictly lower triangle of a d x d matrix."""
    return [i * d + j for i in range(d) for j in range(i)]


def _side_from_count(shape, eps):
    """The matrix side D with D(D-1)/2 == count, with torch's vec_to_tril_matrix(diag=-1)
    error behaviour: a ValueError when the root rounds up, else the rounded root."""
    count = shape[-1]
    root = (1 + (1 + 8 * count) ** 0.5) / 2
    if round(root) - root > eps:
        raise ValueError(f"The size of last dimension is {count} which cannot be expressed as "
                         f"the lower triangular part of a square D x D matrix.")
    d = round(root)
    if d * (d - 1) // 2 != count:
        batch = [int(n) for n in shape[:-1]]
        raise RuntimeError(f"shape mismatch: value tensor of shape {batch + [count]} cannot "
                           f"be broadcast to indexing result of shape "
                           f"{batch + [d * (d - 1) // 2]}")
    return d


def _tril_to_vec(mat, diag):
    """The entries of mat's last two dims with col - row <= diag, row by row (torch's
    tril_matrix_to_vec, with its ValueError for a diag outside the matrix)."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows = [i for i in range(n) for j in range(n) if j - i <= diag]
    cols = [j for i in range(n) for j in range(n) if j - i <= diag]
    return mat[..., torsh.tensor(rows, dtype=torsh.int64), torsh.tensor(cols, dtype=torsh.int64)]


def _vec_to_strict_tril(vec, d):
    """A (..., d, d) matrix, zero on and above the diagonal, whose strict lower triangle is
    filled row by row from vec's last dim."""
    batch = tuple(vec.shape[:-1])
    flat = torsh.zeros(batch + (d * d,), dtype=vec.dtype)
    index = torsh.tensor(_strict_tril_index(d), dtype=torsh.int64)
    return flat.index_add(-1, index, vec).reshape(batch + (d, d))


class CorrCholeskyTransform(Transform):
    """R^(D(D-1)/2) -> Cholesky factors of D x D correlation matrices. The vector fills the
    strict lower triangle row by row; each entry is squashed by tanh to r in (-1, 1), and row
    i becomes a unit vector by signed stick breaking: y_ij = r_ij * sqrt(1 - sum_{k<j} y_ik^2)
    off the diagonal and y_ii = sqrt(1 - sum_{k<i} y_ik^2) on it."""
    domain = constraints.real_vector
    codomain = constraints.corr_cholesky
    bijective = True

    def _call(self, x):
        r = torsh.tanh(x)
        eps = torsh.finfo(r.dtype).eps
        r = r.clamp(min=-1 + eps, max=1 - eps)
        d = _side_from_count(r.shape, eps)
        r = _vec_to_strict_tril(r, d)
        # what is left of each row's unit length after the entries to its left
        left = (1 - r * r).sqrt().cumprod(-1)
        left = F.pad(left[..., :-1], [1, 0], value=1)
        r = r + torsh.eye(d, dtype=r.dtype)
        return r * left

    def _inverse(self, y):
        left = 1 - torsh.cumsum(y * y, dim=-1)
        left = F.pad(left[..., :-1], [1, 0], value=1)
        t = _tril_to_vec(y, diag=-1) / _tril_to_vec(left, diag=-1).sqrt()
        return ((1 + t) / (1 - t)).log() / 2

    def log_abs_det_jacobian(self, x, y, intermediates=None):
        # the map goes from D(D-1)/2 numbers to a D x D matrix: the determinant is the one of
        # x against the strict lower triangle of y (the rest of y is determined by it)
        left = 1 - (y * y).cumsum(dim=-1)
        # diag=-2 picks, for y_ij (j < i), the length left before column j
        stick = 0.5 * _tril_to_vec(left, diag=-2).log().sum(-1)
        # log(1 - tanh(x)^2), written stably
        tanh_part = -2 * (x + F.softplus(-2 * x) - math.log(2.)).sum(dim=-1)
        return stick + tanh_part

    def forward_shape(self, shape):
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattend lower-diagonal number")
        return shape[:-1] + (d, d)

    def inverse_shape(self, shape):
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return shape[:-2] + (d * (d - 1) // 2,)


class CatTransform(Transform):
    """Applies tseq[k] to the k-th consecutive slice of `dim` (of length lengths[k], 1 each by
    default) and concatenates the results, as torch.cat would."""

    def __init__(self, tseq, dim=0, lengths=None, cache_size=0):
        _require(all(isinstance(t, Transform) for t in tseq))
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.lengths = [1] * len(self.transforms) if lengths is None else list(lengths)
        _require(len(self.lengths) == len(self.transforms))
        self.dim = dim

    @lazy_property
    def event_dim(self):
        return max(t.event_dim for t in self.transforms)

    @lazy_property
    def length(self):
        return sum(self.lengths)

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        return CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    def _check_input(self, t):
        _require(-t.dim() <= self.dim < t.dim())
        _require(t.size(self.dim) == self.length)

    def _pieces(self, t):
        start = 0
        for length in self.lengths:
            yield t.narrow(self.dim, start, length)
            start = start + length

    def _call(self, x):
        self._check_input(x)
        return torsh.cat([f(piece) for f, piece in zip(self.transforms, self._pieces(x))],
                         dim=self.dim)

    def _inverse(self, y):
        self._check_input(y)
        return torsh.cat([f.inv(piece) for f, piece in zip(self.transforms, self._pieces(y))],
                         dim=self.dim)

    def log_abs_det_jacobian(self, x, y):
        self._check_input(x)
        self._check_input(y)
        terms = []
        for f, xs, ys in zip(self.transforms, self._pieces(x), self._pieces(y)):
            term = f.log_abs_det_jacobian(xs, ys)
            if f.event_dim < self.event_dim:
                term = _sum_rightmost(term, self.event_dim - f.event_dim)
            terms.append(term)
        # `dim` counted from the right, then moved past the event dims the terms lost:
        # still a batch dim -> the pieces are concatenated; inside the event -> summed
        dim = self.dim - x.dim() if self.dim >= 0 else self.dim
        dim = dim + self.event_dim
        if dim < 0:
            return torsh.cat(terms, dim=dim)
        total = 0
        for term in terms:
            total = total + term
        return total

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @constraints.dependent_property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)


class StackTransform(Transform):
    """Applies tseq[k] to x.select(dim, k) and stacks the results along dim, as torch.stack
    would."""

    def __init__(self, tseq, dim=0, cache_size=0):
        _require(all(isinstance(t, Transform) for t in tseq))
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.dim = dim

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        return StackTransform(self.transforms, self.dim, cache_size)

    def _slice(self, z):
        return [z.select(self.dim, i) for i in range(z.size(self.dim))]

    def _check_input(self, t):
        _require(-t.dim() <= self.dim < t.dim())
        _require(t.size(self.dim) == len(self.transforms))

    def _call(self, x):
        self._check_input(x)
        return torsh.stack([f(s) for s, f in zip(self._slice(x), self.transforms)],
                           dim=self.dim)

    def _inverse(self, y):
        self._check_input(y)
        return torsh.stack([f.inv(s) for s, f in zip(self._slice(y), self.transforms)],
                           dim=self.dim)

    def log_abs_det_jacobian(self, x, y):
        self._check_input(x)
        self._check_input(y)
        terms = [f.log_abs_det_jacobian(xs, ys)
                 for xs, ys, f in zip(self._slice(x), self._slice(y), self.transforms)]
        return torsh.stack(terms, dim=self.dim)

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @constraints.dependent_property
    def domain(self):
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @constraints.dependent_property
    def codomain(self):
        return constraints.stack([t.codomain for t in self.transforms], self.dim)


class CumulativeDistributionTransform(Transform):
    """y = distribution.cdf(x): maps the distribution's support onto (0, 1); the inverse is
    its icdf and log|dy/dx| its log density (e.g. a Gaussian copula from a
    MultivariateNormal base and Normal(0, 1) here)."""
    bijective = True
    codomain = constraints.unit_interval
    sign = +1

    def __init__(self, distribution, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self):
        return self.distribution.support

    def _call(self, x):
        return self.distribution.cdf(x)

    def _inverse(self, y):
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x, y):
        return self.distribution.log_prob(x)

    def with_cache(self, cache_size=1):
        if self._cache_size == cache_size:
            return self
        return CumulativeDistributionTransform(self.distribution, cache_size=cache_size)
