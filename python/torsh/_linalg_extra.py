"""torch.linalg.matrix_exp / torch.matrix_exp, torch.linalg.householder_product /
torch.orgqr, written with torsh ops (so autograd differentiates them through their parts), and
torch.geqrf (LAPACK, torsh::geqrf; like torch, it has no derivative)."""
import collections
import math

import torsh
from torsh import _C

__all__ = ["geqrf", "matrix_exp", "householder_product"]

# Taylor degree of matrix_exp after scaling the matrix to 1-norm <= 1: the truncation error is
# below 1 / 19! (1e-17), under double's rounding.
_EXP_DEGREE = 18


def _check_tensor(fn, name, value):
    if not isinstance(value, torsh.Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position 1) must be Tensor, not "
                        f"{type(value).__name__}")


def matrix_exp(A):
    """torch.linalg.matrix_exp: the exponential of each square matrix of A (float, double or
    complex): the matrix scaled by 2^-s to 1-norm <= 1, a degree-18 Taylor polynomial in Horner
    form, then s squarings. Differentiable (through the products)."""
    _check_tensor("linalg_matrix_exp", "A", A)
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_exp: The input tensor A must have at least 2 "
                           "dimensions.")
    n = A.size(-1)
    if A.size(-2) != n:
        raise RuntimeError(f"linalg.matrix_exp: A must be batches of square matrices, but they "
                           f"are {A.size(-2)} by {n} matrices")
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"matrix_exp: Expected a floating point or complex tensor as input. "
                           f"Got {_cpp_name(A.dtype)}")
    if A.numel() == 0:
        return A.clone()
    if n == 1:
        return A.exp()
    norm = float(A.detach().abs().sum(-2).amax())  # the largest 1-norm of the batch
    squarings = max(0, math.ceil(math.log2(norm))) if norm > 1 else 0
    X = A / (2.0 ** squarings) if squarings else A
    eye = torsh.eye(n, dtype=A.dtype)
    E = eye.expand(A.shape)
    for k in range(_EXP_DEGREE, 0, -1):
        E = eye + torsh.matmul(X, E) / k
    for _ in range(squarings):
        E = torsh.matmul(E, E)
    return E


_SCALAR_TYPE_NAMES = {
    "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
    "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _cpp_name(dtype):
    """torch's ScalarType name of a dtype ("Float", "Long", ...), as its error messages say."""
    name = repr(dtype)[len("torch."):]
    return _SCALAR_TYPE_NAMES.get(name, name)


class _NoReflectors(torsh.autograd.Function):
    """householder_product with no reflector: the identity's columns, and no gradient."""

    @staticmethod
    def forward(ctx, A, tau):
        return torsh.eye(A.size(-2), A.size(-1), dtype=A.dtype).expand(A.shape).clone()

    @staticmethod
    def backward(ctx, grad):
        return None, None


def householder_product(A, tau, *, out=None):
    """torch.linalg.householder_product: the first n columns of H_1 ... H_k, H_i = I - tau_i
    v_i v_i^H with v_i column i of A below the diagonal and 1 on it (LAPACK's orgqr), for A
    (..., m, n), m >= n >= k, tau (..., k). Differentiable (through the rank-1 updates)."""
    _check_tensor("linalg_householder_product", "input", A)
    fn = "torch.linalg.householder_product"
    if A.dim() < 2:
        raise RuntimeError(f"{fn}: input must have at least 2 dimensions.")
    m, n = A.size(-2), A.size(-1)
    if m < n:
        raise RuntimeError(f"{fn}: input.shape[-2] must be greater than or equal to "
                           f"input.shape[-1]")
    if tau.dim() >= 1 and n < tau.size(-1):
        raise RuntimeError(f"{fn}: input.shape[-1] must be greater than or equal to "
                           f"tau.shape[-1]")
    if tau.dim() != A.dim() - 1:
        raise RuntimeError(f"{fn}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.dim()} and input.ndim is equal to {A.dim()}")
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(f"{fn}: Expected batch dimensions of tau to be equal to "
                           f"input.shape[:-2], but got {list(tau.shape[:-1])}")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"{fn}: tau dtype {_cpp_name(tau.dtype)} does not match input dtype "
                           f"{_cpp_name(A.dtype)}")
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"\"orgqr_cpu\" not implemented for '{_cpp_name(A.dtype)}'")
    eye = torsh.eye(m, n, dtype=A.dtype)
    V = A.tril(-1) + eye  # the reflectors' vectors, unit diagonal
    if tau.size(-1) == 0 and (A.requires_grad or tau.requires_grad) and torsh.is_grad_enabled():
        Q = _NoReflectors.apply(A, tau)  # in the graph, with no gradient (torch's None)
    else:
        Q = eye.expand(A.shape)
    for i in reversed(range(tau.size(-1))):
        v = V[..., :, i:i + 1]
        t = tau[..., i:i + 1].unsqueeze(-1)
        vh = v.conj().transpose(-2, -1) if v.is_complex() else v.transpose(-2, -1)
        Q = Q - torsh.matmul(t * v, torsh.matmul(vh, Q))
    if out is not None:
        out.resize_(Q.shape).copy_(Q)
        return out
    return Q


_geqrf_fields = collections.namedtuple("geqrf", ["a", "tau"])


class _GeqrfResult(_geqrf_fields):
    """torch.return_types.geqrf: (a, tau)."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.return_types.geqrf(\na={self.a!r},\ntau={self.tau!r})"


_GeqrfResult.__name__ = _GeqrfResult.__qualname__ = "geqrf"
_GeqrfResult.__module__ = "torsh.return_types"


class _GeqrfBackward(torsh.autograd.Function):
    """Gives geqrf's results a history whose backward raises, as torch's GeqrfBackward0."""

    @staticmethod
    def forward(ctx, A):
        return _C._geqrf(A)

    @staticmethod
    def backward(ctx, grad_a, grad_tau):
        raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


def geqrf(input, *, out=None):
    """torch.geqrf: LAPACK's QR factorisation of each matrix, as (a, tau): R on and above a's
    diagonal, the Householder vectors below it, their scales in tau."""
    _check_tensor("geqrf", "input", input)
    if input.dim() < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    if input.requires_grad and torsh.is_grad_enabled():
        res = _GeqrfBackward.apply(input)
    else:
        res = _C._geqrf(input)
    if out is not None:
        for dst, src in zip(out, res):
            dst.resize_(src.shape).copy_(src)
        return _GeqrfResult(*out)
    return _GeqrfResult(*res)


def _install():
    torsh.matrix_exp = matrix_exp
    torsh.Tensor.matrix_exp = matrix_exp
    torsh.orgqr = householder_product
    torsh.Tensor.orgqr = lambda self, input2: householder_product(self, input2)
    torsh.linalg.matrix_exp = matrix_exp
    torsh.linalg.householder_product = householder_product
    torsh.geqrf = geqrf
    torsh.Tensor.geqrf = geqrf
    torsh.return_types.geqrf = _GeqrfResult
