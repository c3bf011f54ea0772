"""torch.nn.utils.parametrizations.orthogonal: a weight (or batch of matrices) kept orthogonal
(unitary) through one of three maps from an unconstrained matrix: the matrix exponential of a
skew-symmetric matrix, the Cayley transform, or a product of Householder reflectors. With
``use_trivialization`` (the default) the parametrization also keeps an orthogonal ``base`` and
the map starts at the identity, so registering leaves the weight's orthogonal part unchanged.

The behaviour follows torch 1.13's, step for step (the same random draws where torch draws):
the default map is ``matrix_exp`` for square or complex weights and ``householder`` otherwise,
``right_inverse`` makes a non-orthogonal weight orthogonal with geqrf + householder_product."""
from enum import Enum, auto

import torsh
from torsh import Tensor
from torsh._grad_mode import no_grad
from torsh.nn.modules.module import Module
from torsh.nn.utils import parametrize

__all__ = ["orthogonal"]


def _is_orthogonal(Q, eps=None):
    n, k = Q.size(-2), Q.size(-1)
    eye = torsh.eye(k, dtype=Q.dtype)
    eps = 10.0 * n * torsh.finfo(Q.dtype).eps
    return torsh.allclose(Q.mH @ Q, eye, atol=eps)


def _make_orthogonal(A):
    """The Q of A = QR with R's diagonal made positive (Q's columns signed to match)."""
    X, tau = torsh.geqrf(A)
    Q = torsh.linalg.householder_product(X, tau)
    return Q * X.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    base: Tensor

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        # X is tall (n >= k): n k - k (k - 1) / 2 free values
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = torsh.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH  # skew-symmetric (skew-hermitian)
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = torsh.matrix_exp(A)
            else:
                eye = torsh.eye(n, dtype=A.dtype)
                Q = torsh.linalg.solve(torsh.add(eye, A, alpha=-0.5),
                                       torsh.add(eye, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = torsh.linalg.householder_product(A, tau)
            # X's diagonal holds the reflections' signs (1 or -1), not differentiated
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    @no_grad()
    def right_inverse(self, Q):
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        Q_init = Q
        n, k = Q.size(-2), Q.size(-1)
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                          "or the Cayley parametrizations when "
                                          "use_trivialization=False.")
            # householder without a base: the reflectors of Q's QR factorisation, with the
            # signs of R's diagonal on the diagonal (so that forward gives Q back)
            A, tau = torsh.geqrf(Q)
            A.diagonal(dim1=-2, dim2=-1).sign_()
            A.diagonal(dim1=-2, dim2=-1)[tau == 0.0] *= -1
            return A.mT if transpose else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            # complete Q to an n x n orthogonal matrix
            N = torsh.randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype)
            Q = _make_orthogonal(torsh.cat([Q, N], dim=-1))
        self.base = Q
        # -I: the householder map gives the identity from it (and the exponential too)
        neg_eye = torsh.zeros_like(Q_init)
        neg_eye.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_eye


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    r"""Registers an orthogonal (unitary) parametrization of ``module.<name>``, a matrix or batch
    of matrices: ``orthogonal_map`` is "matrix_exp", "cayley" or "householder" (default:
    "matrix_exp" for square or complex weights, "householder" otherwise). Returns the module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} "
                         f"dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.size(-2) == weight.size(-1) or \
            weight.is_complex() else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f'Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
