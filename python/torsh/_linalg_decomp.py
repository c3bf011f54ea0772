"""torch.linalg's factorisations over LAPACK (torsh::linalg_potrf / getrf / gesdd / syevd, the
routines torch's CPU kernels call, on column-major copies as torch makes them, so the factors
are torch's bits): cholesky(_ex), det, slogdet, logdet, svd, svdvals, eigh, eigvalsh, pinv,
matrix_rank, matrix_power, and the legacy torch.cholesky / torch.svd / torch.pinverse forms.

Derivatives are torch 1.13's formulas written with torsh ops (so they differentiate again where
torch's do): cholesky's Phi formula, det's (g det) A^{-T} (zero for an exactly singular matrix,
as torch 1.13 gives), eigh's and svd's spectral formulas, pinv's. det factorises A^T as torch
1.13 does (its bits); slogdet/logdet sum the logs in torsh's order (within rounding).
matrix_rank and matrix_power are compositions."""
import collections

import torsh
from torsh import _C
from torsh._linalg_solve import LinAlgError, _name, _write_out

__all__ = ["cholesky", "cholesky_ex", "det", "slogdet", "svd", "svdvals", "eigh", "eigvalsh",
           "pinv", "matrix_rank", "matrix_power"]


def _result_type(name, fields):
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{body})"
    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__})
    cls.__module__ = "torsh.return_types"
    setattr(torsh.return_types, name, cls)
    return cls


def _results(cls, out, *values, check_dtype=True):
    """cls(*values), or the values written into the out= tensors and cls(*out): a floating or
    complex result through _write_out (torch's dtype check, unless check_dtype is False), an
    integer one (info, pivots) resized and copied."""
    if out is None:
        return cls(*values)
    for o, r in zip(out, values):
        if check_dtype and (r.is_floating_point() or r.is_complex()):
            _write_out(o, r)
        else:
            o.resize_(r.shape).copy_(r)
    return cls(*out)


_CholeskyEx = _result_type("linalg_cholesky_ex", ["L", "info"])
_Slogdet = _result_type("linalg_slogdet", ["sign", "logabsdet"])
_SlogdetLegacy = _result_type("slogdet", ["sign", "logabsdet"])
_SvdResult = _result_type("linalg_svd", ["U", "S", "Vh"])
_SvdLegacy = _result_type("svd", ["U", "S", "V"])
_EighResult = _result_type("linalg_eigh", ["eigenvalues", "eigenvectors"])


def _check(op, A, square=True, name="A", any_dtype=False):
    if not isinstance(A, torsh.Tensor):
        raise TypeError(f"linalg_{op}(): argument '{name}' (position 1) must be Tensor, not "
                        f"{type(A).__name__}")
    if A.dim() < 2:
        raise RuntimeError(f"linalg.{op}: The input tensor {name} must have at least 2 "
                           "dimensions.")
    if square and A.size(-1) != A.size(-2):
        raise RuntimeError(f"linalg.{op}: {name} must be batches of square matrices, but they "
                           f"are {A.size(-2)} by {A.size(-1)} matrices")
    if any_dtype:
        return
    if not (A.is_floating_point() or A.is_complex()):
        raise RuntimeError(f"linalg.{op}: Expected a floating point or complex tensor as input. "
                           f"Got {_name(A.dtype)}")
    if A.dtype not in (torsh.float32, torsh.float64):
        raise RuntimeError(f"linalg.{op}: torsh factorises float and double matrices only, got "
                           f"{_name(A.dtype)}")


def _flat(A):
    batch = tuple(A.shape[:-2])
    count = 1
    for b in batch:
        count *= b
    return A.reshape(count, A.size(-2), A.size(-1)), batch


def _needs_grad(*tensors):
    return torsh.is_grad_enabled() and any(t.requires_grad for t in tensors)


# ---- cholesky -------------------------------------------------------------------------------

def _potrf(A, upper):
    a, batch = _flat(A)
    L, info = _C._linalg_potrf(a, upper)
    return L.reshape(A.shape), info.reshape(batch).to(torsh.int32)


class _Cholesky(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A, upper):
        L, info = _potrf(A, upper)
        ctx.upper = upper
        ctx.save_for_backward(L)
        ctx.mark_non_differentiable(info)
        return L, info

    @staticmethod
    def backward(ctx, gL, ginfo):
        L, = ctx.saved_tensors
        if ctx.upper:  # A = U^T U: work with L = U^T
            L, gL = L.mT, gL.mT
        # gA = L^{-T} Phi(L^T gL) L^{-1}, Phi: the lower triangle with the diagonal halved
        phi = torsh.matmul(L.mT, gL).tril()
        phi = phi - 0.5 * torsh.diag_embed(phi.diagonal(0, -2, -1))
        gA = torsh.linalg.solve_triangular(L.mT, phi, upper=True)
        gA = torsh.linalg.solve_triangular(L, gA, upper=False, left=False)
        return 0.5 * (gA + gA.mT), None


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """torch.linalg.cholesky_ex: (L, info), info[i] > 0 where matrix i is not positive-definite
    (the order of its first failing leading minor)."""
    _check("cholesky", A)
    if _needs_grad(A):
        L, info = _Cholesky.apply(A, upper)
    else:
        L, info = _potrf(A, upper)
    if check_errors:
        _raise_not_pd("linalg.cholesky_ex", info)
    return _results(_CholeskyEx, out, L, info)


def _first_failure(info):
    """(torch's "(Batch element i): " prefix, LAPACK's info) of the first matrix whose info is
    positive, or None."""
    flat = info.reshape(-1)
    bad = (flat > 0).nonzero()
    if bad.numel() == 0:
        return None
    i = int(bad[0, 0])
    return (f"(Batch element {i}): " if info.dim() else ""), int(flat[i])


def _raise_not_pd(op, info):
    failure = _first_failure(info)
    if failure is None:
        return
    where, order = failure
    raise LinAlgError(f"{op}: {where}The factorization could not be completed because the "
                      f"input is not positive-definite (the leading minor of order "
                      f"{order} is not positive-definite).")


def cholesky(A, *, upper=False, out=None):
    """torch.linalg.cholesky: L with A = L L^T (U with A = U^T U when upper), read from A's
    lower (upper) triangle; a matrix that is not positive-definite raises LinAlgError."""
    L, info = cholesky_ex(A, upper=upper)
    _raise_not_pd("linalg.cholesky", info)
    return _write_out(out, L)


def _cholesky_legacy(input, upper=False, *, out=None):
    """torch.cholesky (deprecated in torch): linalg.cholesky with upper."""
    return cholesky(input, upper=upper, out=out)


# ---- det, slogdet, logdet -------------------------------------------------------------------

def _lu_parts(A):
    """The diagonal of U and the permutation's sign (+-1) of each matrix, from getrf of A^T
    (det A^T = det A; torch 1.13's det factorises A's row-major storage as it is, which is
    A^T in column-major order)."""
    a, batch = _flat(A.mT)
    lu, piv, _ = _C._linalg_getrf(a)
    n = A.size(-1)
    diag = lu.diagonal(0, -2, -1)
    swaps = (piv != torsh.arange(1, n + 1, dtype=torsh.int32)).sum(-1)
    sign = 1.0 - 2.0 * (swaps % 2).to(A.dtype)
    return diag.reshape(*batch, n), sign.reshape(batch)


class _Det(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A):
        diag, sign = _lu_parts(A)
        d = diag.prod(-1) * sign
        ctx.save_for_backward(A, d)
        return d

    @staticmethod
    def backward(ctx, g):
        A, d = ctx.saved_tensors
        # torch's (g det) A^{-T}: zero for an exactly singular matrix (its LU has a zero
        # pivot), whose A is swapped for the identity so that the solve succeeds
        eye = torsh.eye(A.size(-1), dtype=A.dtype).expand(A.shape)
        singular = (d == 0)[..., None, None]
        safe = torsh.where(singular, eye, A)
        return (g * d)[..., None, None] * torsh.linalg.solve(safe.mT, eye)


def det(A, *, out=None):
    """torch.linalg.det: the determinant of each square matrix (LU: the product of U's
    diagonal and the permutation's sign, as torch)."""
    _check("det", A)
    if _needs_grad(A):
        return _write_out(out, _Det.apply(A))
    diag, sign = _lu_parts(A)
    return _write_out(out, diag.prod(-1) * sign)


class _Logabsdet(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A, logabs):
        ctx.save_for_backward(A)
        return logabs

    @staticmethod
    def backward(ctx, g):
        A, = ctx.saved_tensors
        inv_t = torsh.linalg.solve(A.mT, torsh.eye(A.size(-1), dtype=A.dtype).expand(A.shape))
        return g[..., None, None] * inv_t, None


def _slogdet_parts(A):
    with torsh.no_grad():
        diag, perm = _lu_parts(A)
        sign = torsh.sign(diag).prod(-1) * perm
        logabs = diag.abs().log().sum(-1)
    if _needs_grad(A):
        logabs = _Logabsdet.apply(A, logabs)
    return sign, logabs


def slogdet(A, *, out=None):
    """torch.linalg.slogdet: (sign, log|det|) of each square matrix; sign 0 and -inf for a
    singular one. Only logabsdet carries a gradient, A^{-T} (as torch)."""
    _check("slogdet", A)
    sign, logabs = _slogdet_parts(A)
    return _results(_Slogdet, out, sign, logabs)


def _slogdet_legacy(input):
    sign, logabs = slogdet(input)
    return _SlogdetLegacy(sign, logabs)


def _logdet(input):
    """torch.logdet: log det (NaN for a negative determinant, -inf for zero)."""
    _check("logdet", input)
    sign, logabs = _slogdet_parts(input)
    return torsh.where(sign < 0, torsh.full_like(logabs, float("nan")), logabs)


# ---- svd -----------------------------------------------------------------------------------

def _gesdd(A, full_matrices, compute_uv):
    a, batch = _flat(A)
    m, n = A.size(-2), A.size(-1)
    U, S, Vh, info = _C._linalg_gesdd(a, full_matrices, compute_uv)
    if bool((info > 0).any()):
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                          "matrix is ill-conditioned or has too many repeated singular values "
                          f"(error code: {int(info.max())}).")
    k = min(m, n)
    S = S.reshape(*batch, k)
    if not compute_uv:
        return None, S, None
    return U.reshape(*batch, *U.shape[-2:]), S, Vh.reshape(*batch, *Vh.shape[-2:])


class _Svd(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A, full_matrices):
        U, S, Vh = _gesdd(A, full_matrices, True)
        ctx.save_for_backward(U, S, Vh)
        ctx.shape = (A.size(-2), A.size(-1))
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        m, n = ctx.shape
        k = S.size(-1)
        U, Vh = U[..., :k], Vh[..., :k, :]
        gU = gU[..., :k] if gU is not None else None
        gVh = gVh[..., :k, :] if gVh is not None else None
        return _svd_backward(gU, gS, gVh, U, S, Vh, m, n), None


def _svd_backward(gU, gS, gVh, U, S, Vh, m, n):
    """torch 1.13's svd_backward for real matrices (reduced factors)."""
    k = S.size(-1)
    V = Vh.mT
    gV = gVh.mT if gVh is not None else None
    if gU is None and gV is None:
        return torsh.matmul(U * gS.unsqueeze(-2), Vh)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1)
    E = E + torsh.eye(k, dtype=S.dtype)  # 1 on the diagonal (where the difference is 0)
    ret = None
    if gU is not None:
        UhgU = torsh.matmul(U.mT, gU)
        ret = (UhgU - UhgU.mT) * S.unsqueeze(-2) / E
    if gV is not None:
        VhgV = torsh.matmul(V.mT, gV)
        term = S.unsqueeze(-1) * (VhgV - VhgV.mT) / E
        ret = term if ret is None else ret + term
    if gS is not None:
        ret = ret + torsh.diag_embed(gS)
    if m > k and gU is not None:
        gA = torsh.matmul(U, ret)
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - torsh.matmul(U, torsh.matmul(U.mT, gUSinv))
        return torsh.matmul(gA, Vh)
    if n > k and gV is not None:
        gA = torsh.matmul(ret, Vh)
        gVSinv = gV / S.unsqueeze(-2)
        gA = gA + gVSinv.mT - torsh.matmul(torsh.matmul(gVSinv.mT, V), Vh)
        return torsh.matmul(U, gA)
    return torsh.matmul(torsh.matmul(U, ret), Vh)


def svd(A, full_matrices=True, *, driver=None, out=None):
    """torch.linalg.svd: (U, S, Vh) with A = U diag(S) Vh, S descending (LAPACK gesdd, torch's
    bits). Gradients as torch 1.13 (full_matrices=True: through the first min(m, n) columns)."""
    _check("svd", A, square=False)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")
    if _needs_grad(A):
        U, S, Vh = _Svd.apply(A, full_matrices)
    else:
        U, S, Vh = _gesdd(A, full_matrices, True)
    return _results(_SvdResult, out, U, S, Vh)


def svdvals(A, *, driver=None, out=None):
    """torch.linalg.svdvals: the singular values, descending."""
    _check("svdvals", A, square=False)
    if _needs_grad(A):  # through svd, whose saved factors are outputs (second derivatives)
        return _write_out(out, _Svd.apply(A, False)[1])
    return _write_out(out, _gesdd(A, False, False)[1])


def _svd_legacy(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with V = Vh^T (reduced when some); without compute_uv, U and V are
    zeros of their full shapes, as torch."""
    _check("svd", input, square=False)
    if not compute_uv:
        S = svdvals(input)
        m, n = input.size(-2), input.size(-1)
        batch = tuple(input.shape[:-2])
        return _SvdLegacy(torsh.zeros(*batch, m, m, dtype=input.dtype), S,
                          torsh.zeros(*batch, n, n, dtype=input.dtype))
    U, S, Vh = svd(input, full_matrices=not some)
    return _results(_SvdLegacy, out, U, S, Vh.mT)


# ---- eigh ----------------------------------------------------------------------------------

def _syevd(A, upper, compute_v):
    a, batch = _flat(A)
    w, Q, info = _C._linalg_syevd(a, upper, compute_v)
    if bool((info > 0).any()):
        raise LinAlgError("linalg.eigh: The algorithm failed to converge because the input "
                          "matrix is ill-conditioned or has too many repeated eigenvalues "
                          f"(error code: {int(info.max())}).")
    n = A.size(-1)
    return w.reshape(*batch, n), (Q.reshape(A.shape) if compute_v else None)


def _check_uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO in ("U", "u")


class _Eigh(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A, upper):
        w, Q = _syevd(A, upper, True)
        ctx.save_for_backward(w, Q)
        return w, Q

    @staticmethod
    def backward(ctx, gw, gQ):
        w, Q = ctx.saved_tensors
        return _eigh_backward(gw, gQ, w, Q), None


def _eigh_backward(gw, gQ, w, Q):
    """torch 1.13's linalg_eig_backward for a symmetric input: Q (diag(gw) + skew / E) Q^T with
    skew the skew-symmetric half of Q^T gQ and E_ij = w_j - w_i off the diagonal."""
    n = w.size(-1)
    if gQ is None:
        return torsh.matmul(Q * gw.unsqueeze(-2), Q.mT)
    QhgQ = torsh.matmul(Q.mT, gQ)
    QhgQ = 0.5 * (QhgQ - QhgQ.mT)
    E = w.unsqueeze(-2) - w.unsqueeze(-1)
    off = 1.0 - torsh.eye(n, dtype=w.dtype)
    ret = torsh.where(off.bool(), QhgQ / torsh.where(off.bool(), E, torsh.ones_like(E)),
                      torsh.zeros_like(QhgQ))
    if gw is not None:
        ret = ret + torsh.diag_embed(gw)
    return torsh.matmul(torsh.matmul(Q, ret), Q.mT)


def eigh(A, UPLO="L", *, out=None):
    """torch.linalg.eigh: (eigenvalues ascending, eigenvectors as columns) of each symmetric
    matrix, read from its lower (UPLO='L') or upper triangle (LAPACK syevd, torch's bits)."""
    _check("eigh", A)
    upper = _check_uplo(UPLO)
    if _needs_grad(A):
        w, Q = _Eigh.apply(A, upper)
    else:
        w, Q = _syevd(A, upper, True)
    return _results(_EighResult, out, w, Q)


def eigvalsh(A, UPLO="L", *, out=None):
    """torch.linalg.eigvalsh: the eigenvalues of each symmetric matrix, ascending."""
    _check("eigvalsh", A)
    upper = _check_uplo(UPLO)
    if _needs_grad(A):  # through eigh, whose saved factors are outputs (second derivatives)
        return _write_out(out, _Eigh.apply(A, upper)[0])
    return _write_out(out, _syevd(A, upper, False)[0])


# ---- pinv, matrix_rank, matrix_power ---------------------------------------------------------

def _tolerance(S, m, n, atol, rtol, dtype):
    """torch's threshold: max(atol, rtol * largest singular value); rtol defaults to
    eps * max(m, n) when neither is given, to 0 when only atol is."""
    eps = torsh.finfo(dtype).eps
    if rtol is None:
        default = eps * max(m, n)
        if atol is None:
            rtol = default
        elif isinstance(atol, torsh.Tensor):  # element-wise: the default where atol <= 0
            rtol = torsh.where(atol > 0, torsh.zeros_like(atol, dtype=S.dtype),
                               torsh.full_like(atol, default, dtype=S.dtype))
        else:
            rtol = default if atol <= 0 else 0.0
    atol = 0.0 if atol is None else atol
    top = S.amax(-1, keepdim=True) if S.size(-1) > 0 else torsh.zeros_like(S[..., :1])
    rtol_t = rtol if not isinstance(rtol, torsh.Tensor) else rtol.unsqueeze(-1)
    atol_t = atol if not isinstance(atol, torsh.Tensor) else atol.unsqueeze(-1)
    return torsh.maximum(torsh.as_tensor(atol_t, dtype=S.dtype) * torsh.ones_like(top),
                         rtol_t * top)


def _pinv_value(A, atol, rtol, hermitian):
    m, n = A.size(-2), A.size(-1)
    if hermitian:
        w, Q = _syevd(A, False, True)
        tol = _tolerance(w.abs(), m, n, atol, rtol, A.dtype)
        keep = w.abs() > tol
        inv_w = torsh.where(keep, 1.0 / torsh.where(keep, w, torsh.ones_like(w)),
                            torsh.zeros_like(w))
        return torsh.matmul(Q * inv_w.unsqueeze(-2), Q.mT)
    U, S, Vh = _gesdd(A, False, True)
    tol = _tolerance(S, m, n, atol, rtol, A.dtype)
    keep = S > tol
    inv_s = torsh.where(keep, 1.0 / torsh.where(keep, S, torsh.ones_like(S)),
                        torsh.zeros_like(S))
    return torsh.matmul(Vh.mT * inv_s.unsqueeze(-2), U.mT)


class _Pinv(torsh.autograd.Function):
    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        P = _pinv_value(A, atol, rtol, hermitian)
        ctx.save_for_backward(A, P)
        return P

    @staticmethod
    def backward(ctx, g):
        A, P = ctx.saved_tensors
        return _pinv_backward(g, P, A), None, None, None


def _pinv_backward(g, P, A):
    """torch 1.13's pinv_backward (the derivative of the pseudoinverse, hermitian or not), the
    products grouped so that the matrices stay of the smaller dimension."""
    Ph, gh = P.mT, g.mT
    mm = torsh.matmul
    if A.size(-2) <= A.size(-1):
        K = mm(gh, P)
        KPh = mm(K, Ph)
        return -mm(P, K).mT + KPh - mm(mm(A, P), KPh) + mm(mm(Ph, P), gh - mm(K, A))
    K = mm(P, gh)
    PhK = mm(Ph, K)
    return -mm(K, P).mT + mm(mm(gh - mm(A, K), P), Ph) + PhK - mm(mm(PhK, P), A)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """torch.linalg.pinv: the pseudoinverse, from the SVD (eigh when hermitian) with the
    singular values at or under max(atol, rtol * largest) dropped; torch's pinv derivative."""
    _check("pinv", A, square=hermitian)
    if _needs_grad(A):
        return _write_out(out, _Pinv.apply(A, atol, rtol, hermitian))
    return _write_out(out, _pinv_value(A, atol, rtol, hermitian))


def _pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with rtol=rcond."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """torch.linalg.matrix_rank: the number of singular values (|eigenvalues| when hermitian)
    above max(atol, rtol * largest)."""
    _check("matrix_rank", A, square=hermitian)
    if tol is not None:
        atol, rtol = tol, 0.0
    with torsh.no_grad():
        S = eigvalsh(A).abs() if hermitian else svdvals(A)
        thr = _tolerance(S, A.size(-2), A.size(-1), atol, rtol, A.dtype)
        return _write_out(out, (S > thr).sum(-1))


def matrix_power(A, n, *, out=None):
    """torch.linalg.matrix_power: A^n by repeated squaring (the inverse's power for n < 0, the
    identity for n = 0)."""
    # Any dtype matmul takes (integers, bfloat16, complex), as torch; inv checks n < 0's.
    _check("matrix_power", A, any_dtype=True)
    if A.dtype == torsh.bool:
        raise RuntimeError('"addmm_impl_cpu_" not implemented for \'Bool\'')
    import numbers
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    n = int(n)
    if n == 0:  # as torch: a copy of A overwritten, so the result is in A's graph (zero grad)
        eye = torsh.eye(A.size(-1), dtype=A.dtype).expand(A.shape)
        return _write_out(out, A.clone(memory_format=torsh.contiguous_format).copy_(eye))
    if n < 0:
        A, n = torsh.linalg.inv(A), -n
    if n == 1:
        return _write_out(out, A.clone())
    result, z = None, None
    while n > 0:
        z = A if z is None else torsh.matmul(z, z)
        if n & 1:
            result = z if result is None else torsh.matmul(result, z)
        n >>= 1
    return _write_out(out, result)


def _install():
    for name in __all__:
        setattr(torsh.linalg, name, globals()[name])
    torsh.cholesky = _cholesky_legacy
    torsh.det = det
    torsh.logdet = _logdet
    torsh.slogdet = _slogdet_legacy
    torsh.svd = _svd_legacy
    torsh.pinverse = _pinverse
    torsh.matrix_power = matrix_power
    T = torsh.Tensor
    T.cholesky = lambda self, upper=False: _cholesky_legacy(self, upper)
    T.det = lambda self: det(self)
    T.logdet = lambda self: _logdet(self)
    T.slogdet = lambda self: _slogdet_legacy(self)
    T.svd = lambda self, some=True, compute_uv=True: _svd_legacy(self, some, compute_uv)
    T.pinverse = lambda self, rcond=1e-15: _pinverse(self, rcond)
    T.matrix_power = lambda self, n: matrix_power(self, n)


# ---- compositions: matmul, diagonal, vecdot, inv_ex, solve_ex, cond, tensorinv, tensorsolve --

_InvEx = _result_type("linalg_inv_ex", ["inverse", "info"])
_SolveEx = _result_type("linalg_solve_ex", ["result", "info"])


def _info_of(A):
    """LAPACK's getrf info per matrix (0, or the first exactly zero pivot's 1-based order)."""
    a, batch = _flat(A.detach())
    return _C._linalg_getrf(a)[2].reshape(batch).to(torsh.int32)


def inv_ex(A, *, check_errors=False, out=None):
    """torch.linalg.inv_ex: (inverse, info); a singular matrix gives info > 0 instead of an
    error (and an inverse of its (i, i) = inf / NaN, as LAPACK leaves it) unless check_errors."""
    _check("inv_ex", A)
    info = _info_of(A)
    if out is not None:
        return _results(_InvEx, out, *inv_ex(A, check_errors=check_errors))
    if check_errors or not bool((info > 0).any()):
        return _InvEx(torsh.linalg.inv(A), info)
    eye = torsh.eye(A.size(-1), dtype=A.dtype).expand(A.shape)
    safe = torsh.where((info > 0)[..., None, None], eye, A)
    result = torsh.linalg.inv(safe)
    result = torsh.where((info > 0)[..., None, None], torsh.full_like(result, float("nan")),
                         result)
    return _InvEx(result, info)


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """torch.linalg.solve_ex: (solution, info) (info > 0 for a singular matrix: NaN solution)."""
    _check("solve_ex", A)
    info = _info_of(A)
    if out is not None:
        return _results(_SolveEx, out, *solve_ex(A, B, left=left, check_errors=check_errors))
    if check_errors or not bool((info > 0).any()):
        return _SolveEx(torsh.linalg.solve(A, B, left=left), info)
    eye = torsh.eye(A.size(-1), dtype=A.dtype).expand(A.shape)
    bad = (info > 0)[..., None, None]
    x = torsh.linalg.solve(torsh.where(bad, eye, A), B, left=left)
    nan = torsh.full_like(x, float("nan"))
    x = torsh.where(bad if x.dim() == A.dim() else bad[..., 0], nan, x)
    return _SolveEx(x, info)


def matmul(input, other, *, out=None):
    """torch.linalg.matmul: torch.matmul."""
    return torsh.matmul(input, other, out=out) if out is not None else torsh.matmul(input, other)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dims by default."""
    return torsh.diagonal(A, offset, dim1, dim2)


def vecdot(x, y, *, dim=-1, out=None):
    """torch.linalg.vecdot: sum(conj(x) * y) over dim, broadcasting."""
    prod = (x.conj() if x.is_complex() else x) * y
    return _write_out(out, prod.sum(dim))


def cond(A, p=None, *, out=None):
    """torch.linalg.cond: the condition number in the p-norm (the ratio of the extreme singular
    values for p None, 2 or -2; norm(A) norm(inv(A)) for 'fro', 'nuc', inf, -inf, 1, -1)."""
    _check("cond", A, square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        S = svdvals(A)
        r = S[..., 0] / S[..., -1] if p != -2 else S[..., -1] / S[..., 0]
        return _write_out(out, r)
    # a singular matrix has condition number inf (torch), its inverse taken as the identity
    singular = (_info_of(A) > 0)
    eye = torsh.eye(A.size(-1), dtype=A.dtype).expand(A.shape)
    inv = torsh.linalg.inv(torsh.where(singular[..., None, None], eye, A))
    r = torsh.linalg.matrix_norm(A, p) * torsh.linalg.matrix_norm(inv, p)
    return _write_out(out, torsh.where(singular, torsh.full_like(r, float("inf")), r))


def tensorinv(A, ind=2, *, out=None):
    """torch.linalg.tensorinv: the inverse of A viewed as a matrix of its first ind dims by the
    rest, reshaped to A.shape[ind:] + A.shape[:ind]."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows = list(A.shape[:ind])
    cols = list(A.shape[ind:])
    m, n = 1, 1
    for v in rows:
        m *= v
    for v in cols:
        n *= v
    if m != n:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           "prod(self.shape[:ind]), but got "
                           f"{n} != {m}")
    return _write_out(out, torsh.linalg.inv(A.reshape(m, n)).reshape(*cols, *rows))


def tensorsolve(A, B, dims=None, *, out=None):
    """torch.linalg.tensorsolve: X with tensordot(A, X, X.dim()) = B (dims of A moved last
    first)."""
    if dims is not None:
        nd = A.dim()
        dims = [d % nd for d in dims]
        keep = [d for d in range(nd) if d not in dims]
        A = A.permute(*keep, *dims)
    rest = list(A.shape[B.dim():])
    n = 1
    for v in rest:
        n *= v
    m = B.numel()
    if m != n:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:"
                           f"]) == prod(self.shape[:other.ndim]), but got {n} != {m}")
    x = torsh.linalg.solve(A.reshape(m, n), B.reshape(m))
    return _write_out(out, x.reshape(rest))


__all__ += ["inv_ex", "solve_ex", "matmul", "diagonal", "vecdot", "cond", "tensorinv",
            "tensorsolve"]
