"""torch.linalg: the norms (vector_norm, matrix_norm for 'fro' and ord 1, -1, inf, -inf),
multi_dot, cross, qr (with the legacy torch.qr / Tensor.qr) and solve_triangular (with the
legacy torch.triangular_solve / Tensor.triangular_solve). The SVD-based norms (matrix
'nuc', 2, -2) are left for the linalg ops and raise."""
import collections
import math

import torsh
from torsh import _C
from torsh._legacy_types import _cpp_name


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.vector_norm: the ord-norm of x over dim (every dim when None)."""
    if isinstance(dim, int):
        dim = [dim]
    kw = {}
    if dtype is not None:
        kw["dtype"] = dtype
    if out is not None:
        kw["out"] = out
    return _C.linalg_vector_norm(x, ord, dim, keepdim, **kw)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """torch.linalg.matrix_norm: 'fro', 'nuc' or ord in (1, -1, 2, -2, inf, -inf) over the two
    dims (nuc and +-2 from the singular values)."""
    if not isinstance(A, _C.Tensor):
        raise TypeError(f"linalg_matrix_norm(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(A).__name__}")
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    else:
        if abs(ord) not in (1.0, 2.0, math.inf):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    dim = list(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {tuple(dim)}")
    nd = A.dim()
    for d in dim:
        if d < -nd or d >= nd:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, "
                             f"{nd - 1}], but got {d})")
    dim = [d + nd if d < 0 else d for d in dim]
    if dim[0] == dim[1]:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor "
                           f"as input. Got {str(A.dtype)[6:].capitalize()}")
    if ord == "nuc" or (not isinstance(ord, str) and abs(ord) == 2.0):
        # the singular values of the two dims moved last
        B = A.movedim((dim[0], dim[1]), (-2, -1))
        if dtype is not None:
            B = B.to(dtype)
        S = torsh.linalg.svdvals(B)
        r = S.sum(-1) if ord == "nuc" else (S.amax(-1) if ord > 0 else S.amin(-1))
        if keepdim:
            r = r.unsqueeze(min(dim)).unsqueeze(max(dim))
        if out is not None:
            out.resize_(r.shape).copy_(r)
            return out
        return r
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if abs(ord) == math.inf:
        dim = [dim[1], dim[0]]
    d0, d1 = dim
    if not keepdim and d0 < d1:
        d1 -= 1
    s = vector_norm(A, 1.0, [d0], keepdim, dtype=dtype)
    kw = {} if out is None else {"out": out}
    return _C.amax(s, d1, keepdim, **kw) if ord > 0 else _C.amin(s, d1, keepdim, **kw)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.norm: a vector norm (ord a number or None, dim an int or None on 1-D) or a
    matrix norm (ord a string, or dim a 2-tuple, or 2-D input with ord given)."""
    if dim is not None:
        dim = [dim] if isinstance(dim, int) else list(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {dim}")
    elif ord is not None and A.dim() not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.dim()}D.")
    if ord is not None and ((dim is not None and len(dim) == 2) or
                            (dim is None and A.dim() == 2)):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype,
                           out=out)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: ord={ord!r} needs a 2-D input or a 2-tuple dim")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def multi_dot(tensors, *, out=None):
    """torch.linalg.multi_dot: the product of the tensors in the cheapest order (the first may
    be 1-D, a row; the last 1-D, a column)."""
    if out is None:
        return _C.linalg_multi_dot(list(tensors))
    return _C.linalg_multi_dot(list(tensors), out=out)


def cross(input, other, *, dim=-1, out=None):
    """torch.linalg.cross: the cross product along dim (of size 3), inputs broadcast."""
    if out is None:
        return _C.linalg_cross(input, other, dim=dim)
    return _C.linalg_cross(input, other, dim=dim, out=out)


def qr(A, mode="reduced", *, out=None):
    """torch.linalg.qr: A = QR with Q orthonormal columns and R upper triangular, per matrix of
    a batch (float and double; LAPACK's geqrf + orgqr, as torch). mode 'reduced', 'complete' or
    'r' (R only, Q empty). Differentiable for real inputs in modes 'reduced' and 'complete'
    (the latter when rows <= cols), as torch."""
    if not isinstance(mode, str):
        raise TypeError(f"linalg_qr(): argument 'mode' (position 2) must be str, not "
                        f"{type(mode).__name__}")
    res = _C.linalg_qr(A, mode)
    if out is None:
        return res
    for dst, src in zip(out, res):
        if dst.dtype != src.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {_cpp_name(src.dtype)}, "
                               f"but got {_cpp_name(dst.dtype)} instead")
    for dst, src in zip(out, res):
        dst.resize_(src.shape).copy_(src)
    return type(res)(tuple(out))


_qr_fields = collections.namedtuple("qr", ["Q", "R"])


class _QrResult(_qr_fields):
    """torch.return_types.qr: (Q, R) of the legacy torch.qr."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.return_types.qr(\nQ={self.Q!r},\nR={self.R!r})"


_QrResult.__name__ = _QrResult.__qualname__ = "qr"
_QrResult.__module__ = "torsh.return_types"


_QR_WARNED = []


def _legacy_qr(input, some=True, *, out=None, _position=2):
    """torch.qr (deprecated in torch for linalg.qr): some=True is mode 'reduced', False
    'complete'. Warns once per process, as torch."""
    if not isinstance(some, bool):
        raise TypeError(f"qr(): argument 'some' (position {_position}) must be bool, not "
                        f"{type(some).__name__}")
    if not _QR_WARNED:
        _QR_WARNED.append(True)
        import warnings
        warnings.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in "
                      "a future PyTorch release.\nThe boolean parameter 'some' has been replaced "
                      "with a string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be "
                      "replaced with\nQ, R = torch.linalg.qr(A, 'reduced' if some else "
                      "'complete')")
    return _QrResult(*qr(input, "reduced" if some else "complete", out=out))


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """torch.linalg.solve_triangular: X with A X = B (left) or X A = B, reading only A's upper
    or lower triangle (unitriangular: its diagonal taken as ones); batches broadcast."""
    if out is None:
        return _C.linalg_solve_triangular(A, B, upper=upper, left=left,
                                          unitriangular=unitriangular)
    return _C.linalg_solve_triangular(A, B, upper=upper, left=left, unitriangular=unitriangular,
                                      out=out)


_ts_fields = collections.namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


class _TriangularSolveResult(_ts_fields):
    """torch.return_types.triangular_solve: (solution, cloned_coefficient)."""
    __slots__ = ()

    def __repr__(self):
        return (f"torch.return_types.triangular_solve(\nsolution={self.solution!r},\n"
                f"cloned_coefficient={self.cloned_coefficient!r})")


_TriangularSolveResult.__name__ = _TriangularSolveResult.__qualname__ = "triangular_solve"
_TriangularSolveResult.__module__ = "torsh.return_types"
_TS_WARNED = []


def _triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """torch.triangular_solve (deprecated in torch for linalg.solve_triangular): the solution X
    of op(A) X = input, op(A) = A or A^T, and a copy of A. Warns once per process, as torch."""
    if not _TS_WARNED:
        _TS_WARNED.append(True)
        import warnings
        warnings.warn("torch.triangular_solve is deprecated in favor of "
                      "torch.linalg.solve_triangular and will be removed in a future PyTorch "
                      "release.\ntorch.linalg.solve_triangular has its arguments reversed and "
                      "does not return a copy of one of the inputs.\nX = "
                      "torch.triangular_solve(B, A).solution\nshould be replaced with\nX = "
                      "torch.linalg.solve_triangular(A, B).")
    coef = A.mT if transpose else A
    x = _C.linalg_solve_triangular(coef, input, upper=upper != bool(transpose),
                                   unitriangular=unitriangular)
    clone = A.clone()
    if out is not None:
        for dst, src in zip(out, (x, clone)):
            dst.resize_(src.shape).copy_(src)
        return _TriangularSolveResult(*out)
    return _TriangularSolveResult(x, clone)


_VANDER_FLOATS = ("torch.float32", "torch.float64", "torch.complex64", "torch.complex128")
_VANDER_INTS = ("torch.uint8", "torch.int8", "torch.int16", "torch.int32", "torch.int64")
_VANDER_BAD = {"torch.bool": "Bool", "torch.float16": "Half", "torch.bfloat16": "BFloat16",
               "torch.complex32": "ComplexHalf"}


def vander(x, *, N=None):
    """torch.linalg.vander: x[..., i] ** j for j = 0 .. N-1 in a new last dim (N defaults to
    x.shape[-1]; a 0-dim x counts as one element). Integer inputs give int64, as cumprod
    does; float and complex keep their dtype."""
    if not isinstance(x, _C.Tensor):
        raise TypeError(f"linalg_vander(): argument 'x' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    if N is not None:
        if isinstance(N, bool) or (isinstance(N, _C.Tensor) and N.is_floating_point()):
            raise TypeError(f"linalg_vander(): argument 'N' must be int, not "
                            f"{type(N).__name__}")
        try:
            N = N.__index__()
        except (AttributeError, TypeError, RuntimeError, ValueError):
            raise TypeError(f"linalg_vander(): argument 'N' must be int, not "
                            f"{type(N).__name__}") from None
    dt = str(x.dtype)
    if dt not in _VANDER_FLOATS and dt not in _VANDER_INTS:
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer "
                           f"tensors, but got {_VANDER_BAD.get(dt, dt[6:])}")
    if x.dim() == 0:
        x = x.unsqueeze(-1)
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    shape = tuple(x.shape) + (n - 1,)
    base = x.unsqueeze(-1).expand(shape)
    if x.is_complex():
        # no complex cumprod kernel: the same running product, one power at a time
        powers = [x]
        for _ in range(n - 2):
            powers.append(powers[-1] * x)
        higher = torsh.stack(powers, -1)
    else:
        higher = torsh.cumprod(base, -1)
    ones = higher.new_ones(tuple(x.shape) + (1,))
    return torsh.cat([ones, higher], -1)


def _install():
    import torsh
    torsh.qr = _legacy_qr
    torsh.Tensor.qr = lambda self, some=True: _legacy_qr(self, some, _position=1)
    torsh.return_types.qr = _QrResult
    torsh.triangular_solve = _triangular_solve
    torsh.Tensor.triangular_solve = (
        lambda self, A, upper=True, transpose=False, unitriangular=False:
        _triangular_solve(self, A, upper, transpose, unitriangular))
    torsh.return_types.triangular_solve = _TriangularSolveResult


_install()
