"""Wishart(df, covariance_matrix | precision_matrix | scale_tril): the distribution of
sums of df outer products of Gaussian vectors, over positive-definite matrices."""
import math
import warnings
from numbers import Number

import torsh
from torsh.autograd.function import Function
from torsh.distributions import constraints
from torsh.distributions._linalg import precision_to_scale_tril
from torsh.distributions.chi2 import Chi2
from torsh.distributions.exp_family import ExponentialFamily
from torsh.distributions.utils import lazy_property

__all__ = ["Wishart"]

_LOG_2 = math.log(2)


def _mvdigamma(x, p):
    """The multivariate digamma: sum_{i < p} digamma(x - i / 2)."""
    assert bool(x.gt((p - 1) / 2).all()), "Wrong domain for multivariate digamma function."
    halves = torsh.arange(p, dtype=x.dtype, device=x.device).div(2)
    return torsh.digamma(x.unsqueeze(-1) - halves.expand(tuple(x.shape) + (-1,))).sum(-1)


def _clamp_above_eps(x):
    return x.clamp(min=torsh.finfo(x.dtype).eps)


def _sum_to(t, shape):
    """t summed down to `shape` (the inverse of broadcasting t's source to t's shape)."""
    shape = tuple(shape)
    while t.dim() > len(shape):
        t = t.sum(0)
    for d, n in enumerate(shape):
        if n == 1 and t.shape[d] != 1:
            t = t.sum(d, keepdim=True)
    return t


class _CholeskySolve(Function):
    """cholesky_solve(b, l) = (l l^T)^-1 b for lower l, differentiated as torch 1.13's
    cholesky_solve is: in every entry of l, as if A = l l^T were formed from the full matrix
    (torsh.cholesky_solve, two triangular solves, gives the upper entries zero gradient)."""

    @staticmethod
    def forward(ctx, b, l):
        x = torsh.cholesky_solve(b, l)
        ctx.save_for_backward(l, x)
        ctx.shapes = (tuple(b.shape), tuple(l.shape))
        return x

    @staticmethod
    def backward(ctx, grad):
        l, x = ctx.saved_tensors
        b_shape, l_shape = ctx.shapes
        grad_b = torsh.cholesky_solve(grad, l)
        # dX = -A^-1 (dl l^T + l dl^T) X, so grad_l = -(grad_b X^T + X grad_b^T) l
        common = torsh.matmul(grad_b, x.mT)
        grad_l = -torsh.matmul(common + common.mT, l)
        return _sum_to(grad_b, b_shape), _sum_to(grad_l, l_shape)


def _cholesky_solve(b, l):
    return _CholeskySolve.apply(b, l)


class Wishart(ExponentialFamily):
    """Density proportional to det(X)^((df - p - 1) / 2) exp(-trace(S^-1 X) / 2) on p x p
    positive-definite X, with df > p - 1 and exactly one of the positive-definite scale S
    (`covariance_matrix`), its inverse (`precision_matrix`) or its lower Cholesky factor
    (`scale_tril`). Samples by the Bartlett decomposition.

    As torch 1.13's, rsample takes every sample that passes the positive-definite check for a
    "singular" one (it warns "Singular sample detected." and draws it again, up to
    max_try_correction times): kept so that a seed gives torch's samples. Unlike torch's,
    rsample with a non-empty sample_shape can be differentiated. The df constraint
    (greater_than(p - 1)) is set on the instance, where torch rewrites the class's dict."""
    arg_constraints = {"covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky,
                       "df": constraints.greater_than(0)}
    support = constraints.positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, df, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        assert (covariance_matrix is not None) + (scale_tril is not None) + \
            (precision_matrix is not None) == 1, \
            "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified."
        param = next(p for p in (covariance_matrix, precision_matrix, scale_tril)
                     if p is not None)
        if param.dim() < 2:
            raise ValueError("scale_tril must be at least two-dimensional, with optional "
                             "leading batch dimensions")
        if isinstance(df, Number):
            batch_shape = torsh.Size(tuple(param.shape[:-2]))
            self.df = torsh.tensor(df, dtype=param.dtype, device=param.device)
        else:
            batch_shape = torsh.Size(tuple(torsh.broadcast_shapes(tuple(param.shape[:-2]),
                                                                  tuple(df.shape))))
            self.df = df.expand(batch_shape)
        event_shape = torsh.Size(tuple(param.shape[-2:]))
        p = event_shape[-1]
        if bool(self.df.le(p - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = "
                             f"{p - 1}.")
        matrix_shape = tuple(batch_shape) + (-1, -1)
        if scale_tril is not None:
            self.scale_tril = param.expand(matrix_shape)
        elif covariance_matrix is not None:
            self.covariance_matrix = param.expand(matrix_shape)
        else:
            self.precision_matrix = param.expand(matrix_shape)
        self.arg_constraints = dict(type(self).arg_constraints,
                                    df=constraints.greater_than(p - 1))
        if bool(self.df.lt(p).any()):
            warnings.warn("Low df values detected. Singular samples are highly likely to "
                          "occur for ndim - 1 < df < ndim.")
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        self._batch_dims = [-(x + 1) for x in range(len(self._batch_shape))]
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = torsh.linalg.cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = precision_to_scale_tril(precision_matrix)
        self._dist_chi2 = self._bartlett_chi2(batch_shape)

    def _bartlett_chi2(self, batch_shape):
        """Chi2(df - i) for the i-th diagonal entry of the Bartlett factor."""
        tril = self._unbroadcasted_scale_tril
        steps = torsh.arange(self._event_shape[-1], dtype=tril.dtype, device=tril.device)
        return Chi2(df=self.df.unsqueeze(-1) - steps.expand(tuple(batch_shape) + (-1,)))

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Wishart, _instance)
        batch_shape = torsh.Size(batch_shape)
        cov_shape = tuple(batch_shape) + tuple(self.event_shape)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(batch_shape)
        new._batch_dims = [-(x + 1) for x in range(len(batch_shape))]
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(cov_shape))
        if "arg_constraints" in self.__dict__:
            new.arg_constraints = self.arg_constraints
        new._event_shape = self._event_shape
        new._dist_chi2 = new._bartlett_chi2(batch_shape)
        super(Wishart, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape)

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        l = self._unbroadcasted_scale_tril
        return torsh.matmul(l, l.transpose(-2, -1)).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        tril = self._unbroadcasted_scale_tril
        identity = torsh.eye(self._event_shape[-1], dtype=tril.dtype, device=tril.device)
        return _cholesky_solve(identity, tril).expand(self._matrix_shape())

    def _df_matrix(self):
        return self.df.view(tuple(self._batch_shape) + (1, 1))

    @property
    def mean(self):
        return self._df_matrix() * self.covariance_matrix

    @property
    def mode(self):
        factor = self.df - self.covariance_matrix.shape[-1] - 1
        factor = torsh.where(factor <= 0, torsh.full_like(factor, math.nan), factor)
        return factor.view(tuple(self._batch_shape) + (1, 1)) * self.covariance_matrix

    @property
    def variance(self):
        v = self.covariance_matrix
        diag = v.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix() * (v.pow(2) + diag.unsqueeze(-1) * diag.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape=torsh.Size()):
        """S = L A A^T L^T, A lower triangular with sqrt(Chi2(df - i)) on its diagonal and
        N(0, 1) below (drawn in that order: the chi-squares, then the normals)."""
        p = self._event_shape[-1]
        noise = _clamp_above_eps(self._dist_chi2.rsample(sample_shape).sqrt())
        noise = noise.diag_embed(dim1=-2, dim2=-1)
        i, j = torsh.tril_indices(p, p, offset=-1)
        noise[..., i, j] = torsh.randn(
            tuple(sample_shape) + tuple(self._batch_shape) + (p * (p - 1) // 2,),
            dtype=noise.dtype, device=noise.device)
        chol = torsh.matmul(self._unbroadcasted_scale_tril, noise)
        return torsh.matmul(chol, chol.transpose(-2, -1))

    def _over_batch(self, flags):
        """flags (sample_shape + batch_shape) reduced over the batch dims with any()."""
        for _ in self._batch_dims:
            flags = flags.any(-1)
        return flags

    def rsample(self, sample_shape=torsh.Size(), max_try_correction=None):
        if max_try_correction is None:
            max_try_correction = 10
        sample_shape = torsh.Size(sample_shape)
        sample = self._bartlett_sampling(sample_shape)
        # torch 1.13's check (kept for its samples): "singular" here means positive definite
        is_singular = self._over_batch(self.support.check(sample))
        if bool(is_singular.any()):
            warnings.warn("Singular sample detected.")
            for _ in range(max_try_correction):
                sample_new = self._bartlett_sampling(is_singular[is_singular].shape)
                sample[is_singular] = sample_new
                is_singular_new = self._over_batch(~self.support.check(sample_new))
                # a new mask, not torch's in-place update of the one index_put saved (which
                # makes torch's backward fail)
                updated = is_singular.clone()
                updated[is_singular] = is_singular_new
                is_singular = updated
                if not bool(is_singular.any()):
                    break
        return sample

    def _log_det_scale_half(self):
        """log det(L) = log det(scale) / 2."""
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        nu = self.df
        p = self._event_shape[-1]
        trace = _cholesky_solve(value, self._unbroadcasted_scale_tril).diagonal(
            dim1=-2, dim2=-1).sum(dim=-1)
        return (-nu * (p * _LOG_2 / 2 + self._log_det_scale_half()) -
                torsh.mvlgamma(nu / 2, p=p) +
                (nu - p - 1) / 2 * torsh.linalg.slogdet(value).logabsdet -
                trace / 2)

    def entropy(self):
        nu = self.df
        p = self._event_shape[-1]
        return ((p + 1) * (p * _LOG_2 / 2 + self._log_det_scale_half()) +
                torsh.mvlgamma(nu / 2, p=p) -
                (nu - p - 1) / 2 * _mvdigamma(nu / 2, p=p) +
                nu * p / 2)

    @property
    def _natural_params(self):
        nu = self.df
        p = self._event_shape[-1]
        return -self.precision_matrix / 2, (nu - p - 1) / 2

    def _log_normalizer(self, x, y):
        p = self._event_shape[-1]
        return ((y + (p + 1) / 2) * (-torsh.linalg.slogdet(-2 * x).logabsdet + _LOG_2 * p) +
                torsh.mvlgamma(y + (p + 1) / 2, p=p))
