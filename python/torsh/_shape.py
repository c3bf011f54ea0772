"""Shape functions that torch writes in Python (variadic arguments, torch.Size results) and the
transposing properties Tensor.T, .mT, .H, .mH."""
import warnings

from torsh import _C
from torsh._C import Tensor
from torsh._size import Size


_split = _C.split


def split(tensor, split_size_or_sections, dim=0):
    """torch.split: views of tensor in pieces of one size, or of the listed sizes."""
    return _split(tensor, split_size_or_sections, dim)


def broadcast_tensors(*tensors):
    """torch.broadcast_tensors(*tensors): views of the tensors expanded to their common shape."""
    return _C.broadcast_tensors(tensors)


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: the shape that tensors of the given shapes broadcast to."""
    for shape in shapes:
        if not isinstance(shape, (int, tuple, list)):
            raise RuntimeError("Input shapes should be of type ints, a tuple of ints, or a list "
                               "of ints, got ", shape)
    norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    result = [1] * max([len(s) for s in norm], default=0)
    for shape in norm:
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension "
                                   f"({shape[i]}): ({shape[i]})")
            if shape[i] == 1 or shape[i] == result[i]:
                continue
            if result[i] != 1:
                raise RuntimeError("Shape mismatch: objects cannot be broadcast to a single shape")
            result[i] = shape[i]
    return Size(result)


def _tensors_arg(tensors):
    """torch's variadic form: f(a, b) and f([a, b]) (a single tensor stays a tensor)."""
    return tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors


def _atleast(fn):
    def f(*tensors):
        if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
            return fn(tensors[0])
        return fn(list(_tensors_arg(tensors)))
    f.__name__ = fn.__name__
    f.__doc__ = f"torch.{fn.__name__}(*tensors): a tensor, or a tuple for several."
    return f


atleast_1d = _atleast(_C.atleast_1d)
atleast_2d = _atleast(_C.atleast_2d)
atleast_3d = _atleast(_C.atleast_3d)


def meshgrid(*tensors, indexing=None):
    """torch.meshgrid: expanded views; indexing 'ij' (the default, with torch's warning) or 'xy'."""
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    return _C.meshgrid(list(_tensors_arg(tensors)), indexing=indexing)


def cartesian_prod(*tensors):
    """torch.cartesian_prod(*tensors): the rows of the cartesian product."""
    return _C.cartesian_prod(list(tensors))


def block_diag(*tensors):
    """torch.block_diag(*tensors): the tensors as the blocks of a block-diagonal matrix."""
    return _C.block_diag(list(tensors))


_warned_T = [False]


def _T(self):
    n = self.dim()
    if n != 2 and n != 0 and not _warned_T[0]:
        _warned_T[0] = True
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                      "shape is deprecated and it will throw an error in a future release. "
                      "Consider `x.mT` to transpose batches of matrices or `x.permute(*torch."
                      "arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                      UserWarning, stacklevel=2)
    return self.permute(list(range(n - 1, -1, -1)))


def _mT(self):
    if self.dim() == 0:  # torch 1.13 returns a 0-dim tensor's alias
        return self.permute([])
    if self.dim() < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    return self.transpose(-2, -1)


def _H(self):
    n = self.dim()
    if n != 2 and n != 0:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D "
                           "tensor." + (" For batches of matrices, consider using tensor.mH"
                                        if n > 2 else ""))
    t = self.transpose(-2, -1) if n == 2 else self.permute([])
    return t.conj() if t.is_complex() else t  # a conjugated copy: torsh has no conjugate bit


def _mH(self):
    if self.dim() == 0:  # torch 1.13 returns a 0-dim tensor's alias
        return self.permute([])
    if self.dim() < 2:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. "
                           f"Got {self.dim()}-D tensor.")
    t = self.transpose(-2, -1)
    return t.conj() if t.is_complex() else t  # a conjugated copy: torsh has no conjugate bit


def adjoint(input):
    """torch.adjoint / Tensor.adjoint(): the conjugate transpose of the last two dims (for
    complex tensors a copy, as torsh has no conjugate bit)."""
    if input.dim() < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {input.dim()}-D tensor.")
    return _mH(input)


Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.H = property(_H)
Tensor.mH = property(_mH)
Tensor.adjoint = adjoint
