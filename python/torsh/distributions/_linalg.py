"""The small dense linear algebra MultivariateNormal needs (torsh has no linalg.cholesky or
triangular solves yet), written with torsh ops so autograd runs through it: a column-by-column
Cholesky, forward substitution, and their uses. Loops run over the matrix size, so they suit
the small event sizes of distributions, not large matrices."""
import torsh


def _symmetrised_lower(a):
    """The symmetric matrix read from a's lower triangle (what LAPACK's lower Cholesky reads),
    whose gradient is the symmetric one torch's cholesky gives."""
    sym = (a + a.mT) / 2
    lower = a.tril() + a.tril(-1).mT
    return sym + (lower - sym).detach()


def _cholesky_columns(a):
    """Columns of the lower Cholesky factor of a (read from its lower triangle), and the
    per-matrix pivots before their square root (<= 0 or nan where a is not positive
    definite)."""
    n = a.shape[-1]
    rows = torsh.arange(n)
    cols, pivots = [], []
    for j in range(n):
        col = a[..., :, j]
        if j:
            prev = torsh.stack(cols, -1)  # (..., n, j)
            col = col - (prev * prev[..., j:j + 1, :]).sum(-1)
        pivot = col[..., j]
        pivots.append(pivot)
        below = (rows >= j).to(a.dtype)
        cols.append(col / pivot.sqrt().unsqueeze(-1) * below)
    return cols, pivots


def cholesky_info(a):
    """linalg.cholesky_ex(a).info: 0 where a is positive definite, else the order of the
    first leading minor that is not (int32, a's batch shape)."""
    with torsh.no_grad():
        _, pivots = _cholesky_columns(_symmetrised_lower(a))
        info = torsh.zeros(tuple(a.shape[:-2]), dtype=torsh.int32)
        for j in reversed(range(len(pivots))):
            info = torsh.where(~(pivots[j] > 0), torsh.full_like(info, j + 1), info)
    return info


def cholesky(a):
    """linalg.cholesky(a): the lower-triangular L with L @ L.mT == a, for a symmetric
    positive-definite (batch of) matrix; RuntimeError as torch's when it is not."""
    if a.dim() < 2:
        raise RuntimeError("linalg.cholesky: The input tensor A must have at least 2 "
                           "dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.cholesky: A must be batches of square matrices, but they "
                           f"are {a.shape[-2]} by {a.shape[-1]} matrices")
    info = cholesky_info(a)
    if bool((info != 0).any()):
        flat = info.reshape(-1).tolist()
        batch = next(i for i, v in enumerate(flat) if v != 0)
        prefix = f"(Batch element {batch}): " if a.dim() > 2 else ""
        raise RuntimeError(f"linalg.cholesky: {prefix}The factorization could not be completed "
                           f"because the input is not positive-definite (the leading minor of "
                           f"order {flat[batch]} is not positive-definite).")
    cols, _ = _cholesky_columns(_symmetrised_lower(a))
    return torsh.stack(cols, -1)


def solve_lower(l, b):
    """X with l @ X == b for lower-triangular l (..., n, n) and b (..., n, k), batch dims
    broadcast (forward substitution, one row at a time)."""
    n = l.shape[-1]
    rows = []
    for i in range(n):
        r = b[..., i, :]
        if i:
            prev = torsh.stack(rows, -2)  # (..., i, k)
            r = r - (l[..., i, :i].unsqueeze(-1) * prev).sum(-2)
        rows.append(r / l[..., i, i].unsqueeze(-1))
    return torsh.stack(rows, -2)


def solve_lower_vec(l, x):
    """y with l @ y == x for lower-triangular l (..., n, n) and a vector x (..., n)."""
    n = l.shape[-1]
    ys = []
    for i in range(n):
        r = x[..., i]
        if i:
            r = r - (l[..., i, :i] * torsh.stack(ys, -1)).sum(-1)
        ys.append(r / l[..., i, i])
    return torsh.stack(ys, -1)


def batch_mv(bmat, bvec):
    """Matrix-vector products over broadcast batch dims."""
    return torsh.matmul(bmat, bvec.unsqueeze(-1)).squeeze(-1)


def batch_mahalanobis(bl, bx):
    """The squared Mahalanobis distance x^T (L L^T)^{-1} x over broadcast batch dims."""
    return solve_lower_vec(bl, bx).pow(2).sum(-1)


def tril_inverse(l):
    """The inverse of a lower-triangular matrix."""
    n = l.shape[-1]
    eye = torsh.eye(n, dtype=l.dtype).expand(tuple(l.shape))
    return solve_lower(l, eye)


def cholesky_inverse(l):
    """(L L^T)^{-1} from its lower Cholesky factor L."""
    l_inv = tril_inverse(l)
    return torsh.matmul(l_inv.mT, l_inv)


def precision_to_scale_tril(p):
    """The lower Cholesky factor of P^{-1}. With flip(P) = Lf Lf^T, P = U U^T for the
    upper-triangular U = flip(Lf), so P^{-1} = L L^T for the lower-triangular L = (U^T)^{-1}."""
    lf = cholesky(torsh.flip(p, (-2, -1)))
    l_inv = torsh.flip(lf, (-2, -1)).mT
    return tril_inverse(l_inv)
