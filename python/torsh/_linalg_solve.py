"""torch.linalg.solve, torch.linalg.inv (and torch.inverse / Tensor.inverse) over LAPACK's gesv
(torsh::linalg_gesv): torch 1.13's argument rules (a batch of vectors when B has one dim less
than A and A's leading shape, broadcast batches, left=False for X A = B), its errors (a singular
matrix raises torch.linalg.LinAlgError, a RuntimeError), and its derivatives: for A X = B,
gB = solve(A^T, gX) and gA = -gB X^T, written with solve itself so they differentiate again."""
import math

import torsh
from torsh import _C

__all__ = ["LinAlgError", "solve", "inv"]


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a linear-algebra routine failed on its input (a singular
    matrix, for solve and inv)."""


_LinAlgError.__module__ = "torch._C"
LinAlgError = _LinAlgError

_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
          "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
          "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _name(dtype):
    n = repr(dtype)[len("torch."):]
    return _NAMES.get(n, n)


def _singular(op, info, batched, inverse):
    """Raises torch's error for the first singular matrix (info: LAPACK's per matrix)."""
    bad = (info > 0).nonzero()
    if bad.numel() == 0:
        return
    b = int(bad[0, 0])
    where = f"(Batch element {b}): " if batched else ""
    if inverse:
        raise _LinAlgError(f"{op}: {where}The diagonal element {int(info[b])} is zero, the "
                           "inversion could not be completed because the input matrix is "
                           "singular.")
    raise _LinAlgError(f"torch.{op}: {where}The solver failed because the input matrix is "
                       "singular.")


class _Solve(torsh.autograd.Function):
    """X with A X = B for same-shaped batches A [..., n, n], B [..., n, k]."""

    @staticmethod
    def forward(ctx, A, B, op, inverse):
        batch = A.shape[:-2]
        n, k = A.size(-1), B.size(-1)
        count = math.prod(batch)
        x, info = _C._linalg_gesv(A.reshape(count, n, n), B.reshape(count, n, k))
        _singular(op, info, len(batch) > 0, inverse)
        x = x.reshape(B.shape)
        ctx.save_for_backward(A, x)  # the output: its history gives the second derivative
        return x

    @staticmethod
    def backward(ctx, grad):
        A, x = ctx.saved_tensors
        gB = _solve_same(A.mT, grad, "linalg.solve", False)
        gA = -torsh.matmul(gB, x.mT)
        return gA, gB, None, None


def _solve_same(A, B, op, inverse):
    if A.requires_grad or B.requires_grad:
        return _Solve.apply(A, B, op, inverse)
    with torsh.no_grad():
        return _Solve.forward(_NoCtx(), A, B, op, inverse)


class _NoCtx:
    def save_for_backward(self, *tensors):
        pass


def _check_square(op, A):
    if not isinstance(A, torsh.Tensor):
        raise TypeError(f"linalg_{op}(): argument 'A' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"linalg.{op}: The input tensor A must have at least 2 dimensions.")
    if A.size(-1) != A.size(-2):
        raise RuntimeError(f"linalg.{op}: A must be batches of square matrices, but they are "
                           f"{A.size(-2)} by {A.size(-1)} matrices")
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"linalg.{op}: Expected a floating point or complex tensor as input. "
                           f"Got {_name(A.dtype)}")
    if A.dtype not in (torsh.float32, torsh.float64):
        raise RuntimeError(f"linalg.{op}: torsh solves float and double matrices only, got "
                           f"{_name(A.dtype)}")


def _write_out(out, result):
    if out is None:
        return result
    if out.dtype != result.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {_name(result.dtype)}, but got "
                           f"{_name(out.dtype)} instead")
    out.resize_(result.shape).copy_(result)
    return out


def solve(A, B, *, left=True, out=None):
    """torch.linalg.solve: X with A X = B (X A = B when left=False), A square (batches
    broadcast); B is a batch of vectors when it has one dim less than A and A's leading shape.
    A singular A raises torch.linalg.LinAlgError."""
    _check_square("solve", A)
    if not isinstance(B, torsh.Tensor):
        raise TypeError(f"linalg_solve(): argument 'B' (position 2) must be Tensor, not "
                        f"{type(B).__name__}")
    if A.dtype != B.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {_name(A.dtype)} and B of type {_name(B.dtype)} instead")
    n = A.size(-1)
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        if B.size(-1) != n or not left:  # a vector is a column: no X A = B for it (torch)
            raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                               f"{'AX = B' if left else 'XA = B'} ({A.size(-2)}x{n} and "
                               f"{B.size(-1)}x1)")
        Bm = B.unsqueeze(-1)
    else:
        if B.dim() < 2 or (B.size(-2) if left else B.size(-1)) != n:
            rows, cols = (B.size(-2), B.size(-1)) if B.dim() >= 2 else (B.size(-1), 1)
            raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                               f"{'AX = B' if left else 'XA = B'} ({A.size(-2)}x{n} and "
                               f"{rows}x{cols})")
        Bm = B if left else B.mT
    coef = A if left else A.mT
    batch = torsh.broadcast_shapes(tuple(coef.shape[:-2]), tuple(Bm.shape[:-2]))
    coef = coef.expand(*batch, n, n)
    Bm = Bm.expand(*batch, n, Bm.size(-1))
    x = _solve_same(coef, Bm, "linalg.solve", False)
    if vector:
        x = x.squeeze(-1)
    elif not left:
        x = x.mT
    return _write_out(out, x)


def inv(A, *, out=None):
    """torch.linalg.inv: the inverse of each square matrix of A (solve with the identity); a
    singular matrix raises torch.linalg.LinAlgError."""
    _check_square("inv", A)
    n = A.size(-1)
    eye = torsh.eye(n, dtype=A.dtype).expand(A.shape)
    return _write_out(out, _solve_same(A, eye, "linalg.inv", True))


def _inverse(input, *, out=None):
    """torch.inverse: torch.linalg.inv."""
    return inv(input, out=out)


def _install():
    torsh.linalg.solve = solve
    torsh.linalg.inv = inv
    torsh.linalg.LinAlgError = LinAlgError
    torsh.inverse = _inverse
    torsh.Tensor.inverse = lambda self: inv(self)
