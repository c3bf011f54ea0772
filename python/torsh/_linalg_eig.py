"""torch.linalg.eig and eigvals over LAPACK geev (torsh::linalg_geev on the column-major copy
torch makes, so the values are torch's bits): complex eigenvalues and right eigenvectors of a
real square matrix (unit 2-norm, largest component real, as LAPACK normalises them).

Their derivative needs complex linear solves, which torsh does not have yet: differentiating
through eig or eigvals raises a RuntimeError (never a silent zero)."""
import torsh
from torsh import _C
from torsh._linalg_decomp import _check, _flat, _needs_grad, _result_type, _results
from torsh._linalg_solve import LinAlgError, _write_out

__all__ = ["eig", "eigvals"]

_Eig = _result_type("linalg_eig", ["eigenvalues", "eigenvectors"])


def _geev(A, compute_v):
    a, batch = _flat(A.detach())
    wr, wi, vr, info = _C._linalg_geev(a, compute_v)
    if bool((info > 0).any()):
        raise LinAlgError("linalg.eig: The algorithm failed to converge because the input "
                          "matrix is ill-conditioned or has too many repeated eigenvalues "
                          f"(error code: {int(info.max())}).")
    cdtype = torsh.complex128 if A.dtype == torsh.float64 else torsh.complex64
    w = torsh.complex(wr, wi).to(cdtype)
    if not compute_v:
        return w.reshape(*batch, A.size(-1)), None
    # a complex pair (wi > 0 then its conjugate) is stored as the columns re, im
    n = A.size(-1)
    re, im = vr.clone(), torsh.zeros_like(vr)
    wi_np = wi.numpy()
    vr_np = vr.numpy()
    re_np, im_np = re.numpy(), im.numpy()
    for b in range(wi_np.shape[0]):
        j = 0
        while j < n:
            if wi_np[b, j] != 0 and j + 1 < n:
                re_np[b, :, j] = re_np[b, :, j + 1] = vr_np[b, :, j]
                im_np[b, :, j] = vr_np[b, :, j + 1]
                im_np[b, :, j + 1] = -vr_np[b, :, j + 1]
                j += 2
            else:
                j += 1
    V = torsh.complex(torsh.from_numpy(re_np.copy()), torsh.from_numpy(im_np.copy())).to(cdtype)
    return w.reshape(*batch, n), V.reshape(*batch, n, n)


class _NoDerivative(torsh.autograd.Function):
    """Passes its values through; differentiating raises."""

    @staticmethod
    def forward(ctx, A, *values):
        copies = tuple(v.clone() for v in values)
        return copies if len(copies) > 1 else copies[0]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError("linalg.eig: the derivative of eig / eigvals is not implemented in "
                           "torsh (it needs complex linear solves)")


def eig(A, *, out=None):
    """torch.linalg.eig: (eigenvalues, eigenvectors) as complex tensors, A V = V diag(w)."""
    _check("eig", A)
    w, V = _geev(A, True)
    if _needs_grad(A):
        w, V = _NoDerivative.apply(A, w, V)
    return _results(_Eig, out, w, V)


def eigvals(A, *, out=None):
    """torch.linalg.eigvals: the complex eigenvalues, in LAPACK's order."""
    _check("eigvals", A)
    w, _ = _geev(A, False)
    if _needs_grad(A):
        w = _NoDerivative.apply(A, w)
    return _write_out(out, w)


def _install():
    torsh.linalg.eig = eig
    torsh.linalg.eigvals = eigvals
