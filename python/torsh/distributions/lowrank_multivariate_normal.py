"""LowRankMultivariateNormal(loc, cov_factor, cov_diag): the Gaussian whose covariance is
cov_factor @ cov_factor.mT + diag(cov_diag), and its KL divergences with itself and with
MultivariateNormal."""
import math

import torsh
from torsh.distributions import constraints
from torsh.distributions._linalg import batch_mahalanobis, batch_mv
from torsh.distributions.distribution import Distribution
from torsh.distributions.kl import register_kl
from torsh.distributions.multivariate_normal import MultivariateNormal
from torsh.distributions.utils import _standard_normal, lazy_property

__all__ = ["LowRankMultivariateNormal"]


def _eye_like(n, t):
    return torsh.eye(n, dtype=t.dtype, device=t.device)


def _capacitance_tril(W, D):
    """The lower Cholesky factor of the (rank x rank) capacitance I + W.mT diag(1/D) W."""
    Wt_Dinv = W.mT / D.unsqueeze(-2)
    K = torsh.matmul(Wt_Dinv, W) + _eye_like(W.shape[-1], W)
    return torsh.linalg.cholesky(K)


def _lowrank_logdet(W, D, cap_tril):
    """log det(W W^T + D) = log det(C) + log det(D) (matrix determinant lemma)."""
    return 2 * cap_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) + D.log().sum(-1)


def _lowrank_mahalanobis(W, D, x, cap_tril):
    """x^T (W W^T + D)^{-1} x by the Woodbury identity:
    x^T D^{-1} x - |C_L^{-1} W^T D^{-1} x|^2 with C = C_L C_L^T the capacitance."""
    Wt_Dinv_x = batch_mv(W.mT / D.unsqueeze(-2), x)
    return (x.pow(2) / D).sum(-1) - batch_mahalanobis(cap_tril, Wt_Dinv_x)


def _trace_XXT(m):
    """trace(m @ m.mT) over the batch: the sum of squares of the last two dims."""
    return m.pow(2).sum(-1).sum(-1)


class LowRankMultivariateNormal(Distribution):
    """The multivariate normal over the last dim of `loc` with covariance
    cov_factor @ cov_factor.mT + diag(cov_diag): cov_factor is (event, rank) per batch
    element and cov_diag positive. Log densities and entropies go through the small rank x
    rank capacitance matrix (Woodbury identity, matrix determinant lemma)."""
    arg_constraints = {"loc": constraints.real_vector,
                       "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = torsh.Size(tuple(loc.shape[-1:]))
        if cov_factor.dim() < 2:
            raise ValueError("cov_factor must be at least two-dimensional, "
                             "with optional leading batch dimensions")
        if tuple(cov_factor.shape[-2:-1]) != tuple(event_shape):
            raise ValueError(f"cov_factor must be a batch of matrices with shape "
                             f"{event_shape[0]} x m")
        if tuple(cov_diag.shape[-1:]) != tuple(event_shape):
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, self.cov_factor, cov_diag_ = torsh.broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1))
        except RuntimeError as e:
            raise ValueError(f"Incompatible batch shapes: loc {loc.shape}, cov_factor "
                             f"{cov_factor.shape}, cov_diag {cov_diag.shape}") from e
        self.loc = loc_[..., 0]
        self.cov_diag = cov_diag_[..., 0]
        batch_shape = torsh.Size(tuple(self.loc.shape[:-1]))
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(LowRankMultivariateNormal, _instance)
        batch_shape = torsh.Size(batch_shape)
        loc_shape = tuple(batch_shape) + tuple(self.event_shape)
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + tuple(self.cov_factor.shape[-1:]))
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        super(LowRankMultivariateNormal, new).__init__(batch_shape, self.event_shape,
                                                       validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _vector_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape)

    def _matrix_shape(self):
        return self._vector_shape() + tuple(self._event_shape)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        W, D = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (W.pow(2).sum(-1) + D).expand(self._vector_shape())

    @lazy_property
    def scale_tril(self):
        # W W^T + D = D^1/2 (I + D^-1/2 W W^T D^-1/2) D^1/2, whose middle factor has
        # eigenvalues >= 1: a well-conditioned matrix to factorise
        n = self._event_shape[0]
        d_sqrt = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        scaled = self._unbroadcasted_cov_factor / d_sqrt
        K = torsh.matmul(scaled, scaled.mT) + _eye_like(n, scaled)
        return (d_sqrt * torsh.linalg.cholesky(K)).expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        W = self._unbroadcasted_cov_factor
        cov = torsh.matmul(W, W.mT) + torsh.diag_embed(self._unbroadcasted_cov_diag)
        return cov.expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        # Woodbury: (W W^T + D)^-1 = D^-1 - A^T A with A = C_L^-1 W^T D^-1
        D = self._unbroadcasted_cov_diag
        Wt_Dinv = self._unbroadcasted_cov_factor.mT / D.unsqueeze(-2)
        A = torsh.linalg.solve_triangular(self._capacitance_tril, Wt_Dinv, upper=False)
        precision = torsh.diag_embed(D.reciprocal()) - torsh.matmul(A.mT, A)
        return precision.expand(self._matrix_shape())

    def rsample(self, sample_shape=torsh.Size()):
        shape = tuple(self._extended_shape(sample_shape))
        w_shape = shape[:-1] + tuple(self.cov_factor.shape[-1:])
        eps_w = _standard_normal(w_shape, dtype=self.loc.dtype, device=self.loc.device)
        eps_d = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return (self.loc + batch_mv(self._unbroadcasted_cov_factor, eps_w) +
                self._unbroadcasted_cov_diag.sqrt() * eps_d)

    def _log_det(self):
        return _lowrank_logdet(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                               self._capacitance_tril)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        m = _lowrank_mahalanobis(self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag,
                                 value - self.loc, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + self._log_det() + m)

    def entropy(self):
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + self._log_det())
        if len(self._batch_shape) == 0:
            return h
        return h.expand(tuple(self._batch_shape))


def _woodbury_factor(q):
    """A = C_L^-1 W^T D^-1 of q, so that inv(q.cov) = D^-1 - A^T A."""
    Wt_Dinv = q._unbroadcasted_cov_factor.mT / q._unbroadcasted_cov_diag.unsqueeze(-2)
    return torsh.linalg.solve_triangular(q._capacitance_tril, Wt_Dinv, upper=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Low Rank Multivariate Normals with"
                         "                          different event shapes cannot be computed")
    log_det_ratio = q._log_det() - p._log_det()
    mahalanobis = _lowrank_mahalanobis(q._unbroadcasted_cov_factor,
                                       q._unbroadcasted_cov_diag, q.loc - p.loc,
                                       q._capacitance_tril)
    # trace(inv(q.cov) p.cov) with inv(q.cov) = qD^-1 - A^T A and p.cov = pD + pW pW^T
    A = _woodbury_factor(q)
    qD, pD, pW = (q._unbroadcasted_cov_diag, p._unbroadcasted_cov_diag,
                  p._unbroadcasted_cov_factor)
    trace = ((pD / qD).sum(-1) + _trace_XXT(pW * qD.rsqrt().unsqueeze(-1)) -
             _trace_XXT(A * pD.sqrt().unsqueeze(-2)) - _trace_XXT(torsh.matmul(A, pW)))
    return 0.5 * (log_det_ratio + trace + mahalanobis - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two (Low Rank) Multivariate Normals with"
                         "                          different event shapes cannot be computed")
    p_tril = p._unbroadcasted_scale_tril
    log_det_ratio = q._log_det() - 2 * p_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    mahalanobis = _lowrank_mahalanobis(q._unbroadcasted_cov_factor,
                                       q._unbroadcasted_cov_diag, q.loc - p.loc,
                                       q._capacitance_tril)
    A = _woodbury_factor(q)
    trace = (_trace_XXT(p_tril * q._unbroadcasted_cov_diag.rsqrt().unsqueeze(-1)) -
             _trace_XXT(torsh.matmul(A, p_tril)))
    return 0.5 * (log_det_ratio + trace + mahalanobis - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two (Low Rank) Multivariate Normals with"
                         "                          different event shapes cannot be computed")
    q_tril = q._unbroadcasted_scale_tril
    log_det_ratio = 2 * q_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1) - p._log_det()
    mahalanobis = batch_mahalanobis(q_tril, q.loc - p.loc)
    # trace(inv(q.cov) p.cov) = |q_L^-1 pW|^2 + |q_L^-1 pD^1/2|^2
    batch = tuple(torsh.broadcast_shapes(tuple(q_tril.shape[:-2]),
                                         tuple(p._unbroadcasted_cov_factor.shape[:-2])))
    n = p.event_shape[0]
    q_tril = q_tril.expand(batch + (n, n))
    p_factor = p._unbroadcasted_cov_factor.expand(batch + (n, p.cov_factor.shape[-1]))
    p_diag = torsh.diag_embed(p._unbroadcasted_cov_diag.sqrt()).expand(batch + (n, n))
    trace = (_trace_XXT(torsh.linalg.solve_triangular(q_tril, p_factor, upper=False)) +
             _trace_XXT(torsh.linalg.solve_triangular(q_tril, p_diag, upper=False)))
    return 0.5 * (log_det_ratio + trace + mahalanobis - p.event_shape[0])
