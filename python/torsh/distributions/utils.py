"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits, the
lazily computed attribute, and summing the rightmost dims."""
from functools import update_wrapper
from numbers import Number

import torsh
import torsh.nn.functional as F

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant

__all__ = ["broadcast_all", "clamp_probs", "euler_constant", "lazy_property",
           "logits_to_probs", "probs_to_logits", "tril_matrix_to_vec", "vec_to_tril_matrix"]


def is_tensor_like(x):
    return isinstance(x, torsh.Tensor) or hasattr(x, "__torch_function__")


def broadcast_all(*values):
    """The values broadcast to one shape: Python numbers become tensors of the first tensor's
    dtype (the default dtype when every value is a number)."""
    if not all(is_tensor_like(v) or isinstance(v, Number) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(is_tensor_like(v) for v in values):
        options = dict(dtype=torsh.get_default_dtype())
        for v in values:
            if isinstance(v, torsh.Tensor):
                options = dict(dtype=v.dtype, device=v.device)
                break
        values = [v if is_tensor_like(v) else torsh.tensor(v, **options) for v in values]
    return torsh.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    """N(0, 1) draws of `shape`, one normal_ fill (the stream torch's rsample uses)."""
    return torsh.empty(tuple(shape), dtype=dtype, device=device).normal_()


def _sum_rightmost(value, dim):
    """value summed over its `dim` rightmost dimensions."""
    if dim == 0:
        return value
    required_shape = tuple(value.shape[:value.dim() - dim]) + (-1,)
    return value.reshape(required_shape).sum(-1)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid for a binary variable, softmax over the last dim
    otherwise."""
    if is_binary:
        return torsh.sigmoid(logits)
    return F.softmax(logits, dim=-1)


def clamp_probs(probs):
    """probs clamped into [eps, 1 - eps] of its dtype."""
    eps = torsh.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (clamped away from 0 and 1 first): log(p) - log1p(-p) for a
    binary variable, log(p) otherwise."""
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return torsh.log(ps_clamped) - torsh.log1p(-ps_clamped)
    return torsh.log(ps_clamped)


class lazy_property:
    """A property computed on first access and then stored on the instance (computed with
    gradients enabled, so it keeps its link to the parameters)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with torsh.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def expand_probs_or_logits(self, new, shape):
    """Sets on new (an expand() result) whichever of self's probs and logits are set, expanded
    to shape, with new._param the parameter the distribution was built from."""
    for name in ("probs", "logits"):
        if name in self.__dict__:
            setattr(new, name, getattr(self, name).expand(shape))
            new._param = getattr(new, name)


def tril_matrix_to_vec(mat, diag=0):
    """The lower-triangular entries (row by row, up to diagonal `diag`) of the last two dims
    as a vector."""
    n = mat.shape[-1]
    if not -n <= diag < n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    return mat[..., torsh.tensor(rows), torsh.tensor(cols)]


def vec_to_tril_matrix(vec, diag=0):
    """Inverse of tril_matrix_to_vec: a square matrix whose lower triangle (to diagonal
    `diag`) holds vec, zeros elsewhere."""
    m = vec.shape[-1]
    # m = n(n+1)/2 + diag*n - ... solved for the smallest n that fits
    n = 0
    while True:
        count = sum(1 for i in range(n) for j in range(n) if j - i <= diag)
        if count == m:
            break
        if count > m:
            raise ValueError("Incorrect size of vec: cannot form a lower-triangular matrix")
        n += 1
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    flat = torsh.zeros(tuple(vec.shape[:-1]) + (n * n,), dtype=vec.dtype)
    index = torsh.tensor([i * n + j for i, j in zip(rows, cols)])
    flat = flat.index_add(-1, index, vec)
    return flat.reshape(tuple(vec.shape[:-1]) + (n, n))
