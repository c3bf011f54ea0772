"""torch.linalg's LU family over LAPACK getrf (torsh::linalg_getrf on the column-major copy torch
makes, so LU and pivots are torch's bits): lu_factor(_ex), lu, lu_unpack, lu_solve and the
legacy torch.lu / torch.lu_unpack / torch.lu_solve. The derivative of the factorisation is torch
1.13's linalg_lu_backward for square matrices, written with triangular solves (rectangular
factorisations raise when differentiated); lu_unpack and lu_solve are compositions of
differentiable torsh ops."""
import numpy as np

import torsh
from torsh import _C
from torsh._linalg_decomp import (_check, _first_failure, _flat, _needs_grad, _result_type,
                                  _results)
from torsh._linalg_solve import LinAlgError, _write_out

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_solve"]

_LuFactor = _result_type("linalg_lu_factor", ["LU", "pivots"])
_LuFactorEx = _result_type("linalg_lu_factor_ex", ["LU", "pivots", "info"])
_Lu = _result_type("linalg_lu", ["P", "L", "U"])
_LuUnpack = _result_type("lu_unpack", ["P", "L", "U"])
_LuWithInfo = _result_type("_lu_with_info", ["LU", "pivots", "info"])


def _getrf(A):
    a, batch = _flat(A)
    lu, piv, info = _C._linalg_getrf(a)
    k = min(A.size(-2), A.size(-1))
    return lu.reshape(A.shape), piv.reshape(*batch, k), info.reshape(batch).to(torsh.int32)


def _permutation(pivots, m, dtype):
    """The permutation matrices P [..., m, m] with A = P L U for LAPACK's 1-based pivots."""
    piv = pivots.detach().reshape(-1, pivots.size(-1)).numpy() if pivots.dim() else \
        np.zeros((1, 0), np.int32)
    mats = np.zeros((piv.shape[0], m, m))
    for b in range(piv.shape[0]):
        perm = np.arange(m)
        for i, p in enumerate(piv[b]):
            j = int(p) - 1
            perm[i], perm[j] = perm[j], perm[i]
        mats[b, perm, np.arange(m)] = 1.0
    return torsh.from_numpy(mats).to(dtype).reshape(*pivots.shape[:-1], m, m)


def _unpack_LU(LU):
    m, n = LU.size(-2), LU.size(-1)
    k = min(m, n)
    L = LU[..., :, :k].tril(-1) + torsh.eye(m, k, dtype=LU.dtype)
    U = LU[..., :k, :].triu()
    return L, U


class _LuFactorFn(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A):
        LU, piv, info = _getrf(A)
        ctx.save_for_backward(LU, piv)
        ctx.mark_non_differentiable(piv, info)
        return LU, piv, info

    @staticmethod
    def backward(ctx, gLU, gpiv, ginfo):
        LU, piv = ctx.saved_tensors
        m, n = LU.size(-2), LU.size(-1)
        if m != n:
            raise RuntimeError("linalg.lu_factor: the derivative of a rectangular LU "
                               "factorisation is not implemented in torsh")
        L, U = _unpack_LU(LU)
        P = _permutation(piv, m, LU.dtype)
        # torch's linalg_lu_backward (m == n): gA = P L^{-H} (L^H gL o tril_-1 + gU U^H o triu)
        # U^{-H}, with gL the strictly lower part of gLU and gU its upper part
        gL, gU = gLU.tril(-1), gLU.triu()
        gR = torsh.matmul(L.mT, gL).tril(-1) + torsh.matmul(gU, U.mT).triu()
        gA = torsh.linalg.solve_triangular(L.mT, gR, upper=True, unitriangular=True)
        gA = torsh.linalg.solve_triangular(U.mT, gA, upper=False, left=False)
        return torsh.matmul(P, gA)


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """torch.linalg.lu_factor_ex: (LU, pivots, info), LAPACK's compact LU with partial
    pivoting; info > 0 marks an exactly zero pivot."""
    _check("lu_factor_ex", A, square=False)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    if _needs_grad(A):
        LU, piv, info = _LuFactorFn.apply(A)
    else:
        LU, piv, info = _getrf(A)
    if check_errors:
        _raise_zero_pivot("torch.linalg.lu_factor_ex", info)
    return _results(_LuFactorEx, out, LU, piv, info, check_dtype=False)


def _raise_zero_pivot(op, info):
    failure = _first_failure(info)
    if failure is None:
        return
    where, j = failure
    raise LinAlgError(f"{op}: {where}U[{j},{j}] is zero and using it on lu_solve would result "
                      "in a division by zero. If you still want to perform the factorization, "
                      "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_factor(A, *, pivot=True, out=None):
    """torch.linalg.lu_factor: (LU, pivots); an exactly singular matrix raises LinAlgError."""
    LU, piv, info = lu_factor_ex(A, pivot=pivot)
    _raise_zero_pivot("torch.linalg.lu_factor", info)
    return _results(_LuFactor, out, LU, piv, check_dtype=False)


def _lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """torch.lu_unpack: (P, L, U) from lu_factor's result (empty tensors for the parts not
    asked for)."""
    m = LU_data.size(-2)
    if unpack_data:
        L, U = _unpack_LU(LU_data)
    else:
        L = U = torsh.empty(0, dtype=LU_data.dtype)
    P = _permutation(LU_pivots, m, LU_data.dtype) if unpack_pivots else \
        torsh.empty(0, dtype=LU_data.dtype)
    return _results(_LuUnpack, out, P, L, U)


def lu(A, *, pivot=True, out=None):
    """torch.linalg.lu: (P, L, U) with A = P L U."""
    LU, piv, _ = lu_factor_ex(A, pivot=pivot)
    P, L, U = _lu_unpack(LU, piv)
    return _results(_Lu, out, P, L, U)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """torch.linalg.lu_solve: X with A X = B (X A = B when not left; A^H for adjoint), A given
    by lu_factor's (LU, pivots); triangular solves, differentiable in LU and B."""
    _check("lu_solve", LU)
    P, L, U = _lu_unpack(LU, pivots)
    if not left:  # X A = B  <=>  A^H X^H = B^H
        X = lu_solve(LU, pivots, B.mT, left=True, adjoint=not adjoint)
        return _write_out(out, X.mT)
    if adjoint:  # A^H = U^H L^H P^H
        Y = torsh.linalg.solve_triangular(U.mT, B, upper=False)
        Y = torsh.linalg.solve_triangular(L.mT, Y, upper=True, unitriangular=True)
        return _write_out(out, torsh.matmul(P, Y))
    Y = torsh.matmul(P.mT, B)
    Y = torsh.linalg.solve_triangular(L, Y, upper=False, unitriangular=True)
    return _write_out(out, torsh.linalg.solve_triangular(U, Y, upper=True))


def _lu_legacy(A, pivot=True, get_infos=False, out=None):
    """torch.lu (deprecated, warns as torch): (LU, pivots), raising on an exactly singular
    matrix, or _lu_with_info(LU, pivots, info) with get_infos."""
    import warnings
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                  "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.")
    LU, piv, info = lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    return _LuWithInfo(LU, piv, info) if get_infos else (LU, piv)


def _lu_solve_legacy(b, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve(b, LU_data, LU_pivots): linalg.lu_solve with the old argument order."""
    return lu_solve(LU_data, LU_pivots, b, out=out)


def _install():
    for name in __all__:
        setattr(torsh.linalg, name, globals()[name])
    torsh.lu_unpack = _lu_unpack
    torsh.lu = _lu_legacy
    torsh.lu_solve = _lu_solve_legacy
    torsh.Tensor.lu = lambda self, pivot=True, get_infos=False: _lu_legacy(self, pivot, get_infos)
    torsh.Tensor.lu_solve = lambda self, LU_data, LU_pivots: _lu_solve_legacy(self, LU_data,
                                                                             LU_pivots)


# ---- lstsq ----------------------------------------------------------------------------------

_Lstsq = _result_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq: the least-squares (minimum-norm when underdetermined) solution X of
    A X = B, as pinv(A, rtol=rcond) B (differentiable: torch 1.13's derivative is the pinv
    one), with torch's outputs per driver: rank (not for 'gels'), the squared residuals (m > n,
    full rank; not for the default 'gelsy') and the singular values ('gelsd', 'gelss')."""
    from torsh._linalg_decomp import pinv, svdvals
    if driver is None:
        driver = "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, "
                           "gelsd, gelss)")
    _check("lstsq", A, square=False)
    if not isinstance(B, torsh.Tensor):
        raise TypeError(f"linalg_lstsq(): argument 'b' (position 2) must be Tensor, not "
                        f"{type(B).__name__}")
    if A.dtype != B.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same "
                           f"dtype, but got input's dtype {A.dtype} and other's dtype {B.dtype}")
    vector = B.dim() == A.dim() - 1
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.dim() < 2 or Bm.size(-2) != A.size(-2):
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.size(-2), A.size(-1)
    if rcond is None:
        rcond = torsh.finfo(A.dtype).eps * max(m, n)
    X = torsh.matmul(pinv(A, rtol=rcond), Bm)
    batch = tuple(X.shape[:-2])
    empty = torsh.empty(0, dtype=A.dtype)
    with torsh.no_grad():
        S = svdvals(A)
        top = S.amax(-1, keepdim=True) if S.size(-1) else torsh.zeros_like(S[..., :1])
        rank = (S > rcond * top).sum(-1)
    full = m > n and bool((rank == n).all())
    if driver != "gelsy" and full:
        with torsh.no_grad():  # only the solution is differentiable (torch)
            residuals = ((torsh.matmul(A, X) - Bm) ** 2).sum(-2)
        if vector:
            residuals = residuals.squeeze(-1)
    else:
        residuals = empty
    if driver == "gels":
        rank = torsh.empty(0, dtype=torsh.int64)
    else:
        rank = rank.expand(batch) if rank.dim() < len(batch) else rank
    sv = S.expand(*batch, S.size(-1)) if driver in ("gelsd", "gelss") else empty
    return _Lstsq(X.squeeze(-1) if vector else X, residuals, rank, sv)


__all__ += ["lstsq"]
