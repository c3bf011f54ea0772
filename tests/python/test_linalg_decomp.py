"""torch.linalg's LAPACK factorisations against torch 1.13: cholesky(_ex), det, slogdet, logdet,
svd, svdvals, eigh, eigvalsh, pinv, matrix_rank, matrix_power and the legacy torch.cholesky /
torch.svd / torch.pinverse / Tensor methods. The factors come from the same OpenBLAS LAPACK
calls on the same column-major copies, so they are compared bit for bit; gradients (torch's
formulas) to 1e-10 in double, plus gradcheck; errors by type and message."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(1234)
SHAPES = [(4, 4), (2, 3, 3), (2, 1, 5, 5), (0, 3, 3), (1, 1)]
RECT = [(5, 3), (3, 5), (2, 4, 2), (2, 2, 6)]


def spd(shape):
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def run(fn, arrays, grad=True):
    """fn's outputs in both libraries, and the gradients of a fixed weighting of them."""
    out = []
    for L in (torch, torsh):
        ts = [L.tensor(a, requires_grad=grad) for a in arrays]
        r = fn(L, *ts)
        rs = tuple(r) if isinstance(r, tuple) else (r,)
        gs = []
        if grad:
            loss = sum((x * L.tensor(np.cos(np.arange(x.numel())).reshape(tuple(x.shape)))).sum()
                       for x in rs if x.is_floating_point())
            gs = [g.numpy() for g in L.autograd.grad(loss, ts)]
        out.append(([x.detach().numpy() for x in rs], gs, type(r).__name__))
    return out


def check(name, fn, arrays, exact=True, grad=True, gtol=1e-10):
    (va, ga, ta), (vb, gb, tb) = run(fn, arrays, grad)
    record(f"linalg {name}")
    assert ta == tb, (ta, tb)
    for a, b in zip(va, vb):
        assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, b.dtype)
        if exact:
            np.testing.assert_array_equal(b, a, err_msg=name)
        else:
            np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12, err_msg=name)
    for a, b in zip(ga, gb):
        np.testing.assert_allclose(b, a, rtol=gtol, atol=gtol, err_msg=name + " grad")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(shape, upper):
    check("cholesky", lambda L, a: L.linalg.cholesky(a, upper=upper), [spd(shape)])
    check("cholesky_ex", lambda L, a: L.linalg.cholesky_ex(a, upper=upper), [spd(shape)],
          grad=False)
    check("torch.cholesky", lambda L, a: L.cholesky(a, upper), [spd(shape)])


@pytest.mark.parametrize("shape", SHAPES)
def test_det_slogdet_logdet(shape):
    a = rng.standard_normal(shape)
    grad = shape[0] != 0  # torch 1.13's det backward fails on an empty batch
    check("det", lambda L, x: L.linalg.det(x), [a], grad=grad)
    check("Tensor.det", lambda L, x: x.det(), [a], grad=grad)
    check("slogdet", lambda L, x: L.linalg.slogdet(x), [a], exact=False)
    check("torch.slogdet", lambda L, x: L.slogdet(x), [a], exact=False)
    check("logdet", lambda L, x: L.logdet(x), [spd(shape)], exact=False)


def test_det_of_singular_matrices():
    a = rng.standard_normal((3, 4, 4))
    a[..., 0] = a[..., 3]  # exactly singular in torch's LU for some, tiny det for others
    check("det singular", lambda L, x: L.linalg.det(x), [a])
    a = rng.standard_normal((4, 4))
    a[1] = 0  # an exactly zero row
    check("det zero row", lambda L, x: L.linalg.det(x), [a])
    check("logdet negative/zero", lambda L, x: L.logdet(x),
          [np.stack([-np.eye(3), np.diag([1.0, 0.0, 2.0])])], exact=False, grad=False)


@pytest.mark.parametrize("shape", SHAPES + RECT)
@pytest.mark.parametrize("full", [False, True])
def test_svd(shape, full):
    a = rng.standard_normal(shape)
    # with full matrices torch differentiates only through the first min(m, n) columns
    check("svd", lambda L, x: L.linalg.svd(x, full_matrices=full), [a],
          grad=not full or shape[-1] == shape[-2])
    check("svdvals", lambda L, x: L.linalg.svdvals(x), [a])
    check("torch.svd", lambda L, x: L.svd(x, some=not full), [a],
          grad=not full or shape[-1] == shape[-2])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh(shape, uplo):
    a = rng.standard_normal(shape)
    sym = a + np.swapaxes(a, -1, -2)
    check("eigh", lambda L, x: L.linalg.eigh(x, UPLO=uplo), [sym])
    check("eigvalsh", lambda L, x: L.linalg.eigvalsh(x, UPLO=uplo), [sym])


@pytest.mark.parametrize("shape", RECT + [(4, 4)])
def test_pinv_and_rank(shape):
    a = rng.standard_normal(shape)
    check("pinv", lambda L, x: L.linalg.pinv(x), [a], exact=False, gtol=1e-9)
    check("pinverse", lambda L, x: L.pinverse(x), [a], exact=False, gtol=1e-9)
    low = a.copy()
    low[..., -1] = low[..., 0]  # rank deficient
    check("matrix_rank", lambda L, x: L.linalg.matrix_rank(x), [low], grad=False)
    check("matrix_rank atol", lambda L, x: L.linalg.matrix_rank(x, atol=0.5, rtol=0.1), [a],
          grad=False)
    check("pinv rank deficient", lambda L, x: L.linalg.pinv(x), [low], exact=False, grad=False)


def test_pinv_hermitian():
    s = spd((2, 4, 4))
    check("pinv hermitian", lambda L, x: L.linalg.pinv(x, hermitian=True), [s], exact=False,
          gtol=1e-9)
    check("matrix_rank hermitian", lambda L, x: L.linalg.matrix_rank(x, hermitian=True), [s],
          grad=False)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -3])
def test_matrix_power(n):
    a = rng.standard_normal((2, 3, 3)) + 2 * np.eye(3)
    check("matrix_power", lambda L, x: L.linalg.matrix_power(x, n), [a], exact=False, gtol=1e-9)
    check("Tensor.matrix_power", lambda L, x: x.matrix_power(n), [a], exact=False, gtol=1e-9)


def test_float32():
    a = rng.standard_normal((3, 4, 4)).astype(np.float32)
    s = (a @ np.swapaxes(a, -1, -2) + 4 * np.eye(4)).astype(np.float32)
    for name, fn, arr in (("cholesky", lambda L, x: L.linalg.cholesky(x), s),
                          ("svd", lambda L, x: L.linalg.svd(x), a),
                          ("eigh", lambda L, x: L.linalg.eigh(x), s),
                          ("det", lambda L, x: L.linalg.det(x), a)):
        check(name + " f32", fn, [arr], grad=False)


def test_gradcheck():
    a = torsh.tensor(rng.standard_normal((2, 3, 3)), requires_grad=True)
    s = torsh.tensor(spd((3, 3)), requires_grad=True)
    r = torsh.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.det(x), (a,))
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.slogdet(x)[1], (a,))
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.cholesky(x + x.mT), (s,))
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.eigvalsh(x + x.mT), (s,))
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.svdvals(x), (r,))
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.pinv(x), (r,))
    # eigenvectors and singular vectors are defined up to sign: gauge-invariant functions
    assert torsh.autograd.gradcheck(
        lambda x: (lambda w, q: (q * w.unsqueeze(-2)) @ q.mT)(*torsh.linalg.eigh(x + x.mT)), (s,))
    assert torsh.autograd.gradcheck(
        lambda x: (lambda u, sv, vh: u @ vh)(*torsh.linalg.svd(x, full_matrices=False)), (r,))


def test_errors_match_torch():
    def same(fn, *arrays):
        errs = []
        for L in (torch, torsh):
            with pytest.raises(Exception) as e:
                fn(L, *[L.tensor(a) for a in arrays])
            errs.append(e.value)
        record("linalg error")
        assert isinstance(errs[1], RuntimeError) and isinstance(errs[0], RuntimeError)
        assert type(errs[1]).__name__ == type(errs[0]).__name__, errs
        return str(errs[0]), str(errs[1])

    not_pd = np.stack([np.eye(3), np.diag([1.0, -1.0, 1.0])])
    a, b = same(lambda L, x: L.linalg.cholesky(x), not_pd)
    assert a == b
    a, b = same(lambda L, x: L.linalg.cholesky(x), np.diag([1.0, 2.0, -3.0]))
    assert a == b
    same(lambda L, x: L.linalg.cholesky_ex(x, check_errors=True), not_pd)
    same(lambda L, x: L.linalg.det(x), np.zeros((2, 3)))
    same(lambda L, x: L.linalg.eigh(x), np.zeros(3))
    same(lambda L, x: L.linalg.svd(x), np.zeros(3))
    same(lambda L, x: L.linalg.cholesky(x), np.zeros((3, 3), dtype=np.int64))
    same(lambda L, x: L.linalg.eigh(x, UPLO="X"), np.eye(3))
    info = torsh.linalg.cholesky_ex(torsh.tensor(not_pd)).info
    assert info.tolist() == [0, 2] and info.dtype == torsh.int32


def test_compositions():
    a = rng.standard_normal((2, 4, 4))
    b = rng.standard_normal((2, 4, 3))
    check("linalg.matmul", lambda L, x, y: L.linalg.matmul(x, y), [a, b], exact=False)
    check("linalg.diagonal", lambda L, x: L.linalg.diagonal(x, offset=1), [a])
    check("linalg.vecdot", lambda L, x, y: L.linalg.vecdot(x, y, dim=-2), [a[..., :3], b],
          exact=False)
    check("inv_ex", lambda L, x: L.linalg.inv_ex(x), [a], exact=False, grad=False)
    check("solve_ex", lambda L, x, y: L.linalg.solve_ex(x, y), [a, b], exact=False, gtol=1e-9)
    for p in (None, 2, -2, "fro", "nuc", float("inf"), 1, -1):
        # torch 1.13's backward fails for the inverse-based p (an in-place write in inv_ex)
        check(f"cond {p}", lambda L, x: L.linalg.cond(x, p), [a], exact=False, gtol=1e-8,
              grad=p in (None, 2, -2))
    t = rng.standard_normal((4, 6, 8, 3))
    check("tensorinv", lambda L, x: L.linalg.tensorinv(x, ind=2), [t], exact=False, gtol=1e-8)
    s = rng.standard_normal((2, 3, 6))
    check("tensorsolve", lambda L, x, y: L.linalg.tensorsolve(x, y), [s, rng.standard_normal((2, 3))],
          exact=False, gtol=1e-8)
    sing = np.stack([np.eye(3), np.zeros((3, 3))])
    check("inv_ex singular", lambda L, x: L.linalg.inv_ex(x), [sing], exact=False, grad=False)


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (5, 3), (2, 3, 5)])
def test_lu_family(shape):
    a = rng.standard_normal(shape)
    square = shape[-1] == shape[-2]
    check("lu_factor", lambda L, x: L.linalg.lu_factor(x), [a], grad=square)
    check("lu_factor_ex", lambda L, x: L.linalg.lu_factor_ex(x), [a], grad=square)
    check("lu", lambda L, x: L.linalg.lu(x), [a], exact=False, grad=square, gtol=1e-9)
    check("torch.lu", lambda L, x: L.lu(x, get_infos=True), [a], grad=square)
    check("lu_unpack", lambda L, x: L.lu_unpack(*L.linalg.lu_factor(x)), [a], exact=False,
          grad=square, gtol=1e-9)
    if square:
        b = rng.standard_normal(shape[:-1] + (2,))
        for left, adjoint in ((True, False), (True, True), (False, False), (False, True)):
            bb = b if left else np.swapaxes(b, -1, -2)
            check(f"lu_solve {left} {adjoint}", lambda L, x, y: L.linalg.lu_solve(
                *L.linalg.lu_factor(x), y, left=left, adjoint=adjoint), [a, bb], exact=False,
                gtol=1e-9)
        check("torch.lu_solve", lambda L, x, y: L.lu_solve(y, *L.linalg.lu_factor(x)), [a, b],
              exact=False, gtol=1e-9)


def test_lu_errors():
    z = np.zeros((2, 3, 3))
    z[0] = np.eye(3)
    msgs = []
    for L in (torch, torsh):
        with pytest.raises(RuntimeError) as e:
            L.linalg.lu_factor(L.tensor(z))
        msgs.append(str(e.value))
        assert L.linalg.lu_factor_ex(L.tensor(z)).info.tolist() == [0, 1]
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("driver", [None, "gelsy", "gelsd", "gelss", "gels"])
@pytest.mark.parametrize("shape", [(5, 3), (2, 6, 4), (3, 5)])
def test_lstsq(driver, shape):
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape[:-1] + (2,))
    if driver == "gels" and shape[-2] < shape[-1]:
        return  # torch's gels needs full column rank (m >= n)
    check("lstsq", lambda L, x, y: L.linalg.lstsq(x, y, driver=driver), [a, b], exact=False,
          gtol=1e-9)


def test_lstsq_errors():
    for args in ((np.ones((5, 3)), np.ones((4, 2))),):
        for L in (torch, torsh):
            with pytest.raises(RuntimeError, match="should match"):
                L.linalg.lstsq(L.tensor(args[0]), L.tensor(args[1]))
            with pytest.raises(RuntimeError, match="driver"):
                L.linalg.lstsq(L.tensor(args[0]), L.tensor(args[0]), driver="foo")


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 5), (0, 2, 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_eig_and_eigvals(shape, dtype):
    a = rng.standard_normal(shape).astype(dtype)
    check("eig", lambda L, x: L.linalg.eig(x), [a], grad=False)
    check("eigvals", lambda L, x: L.linalg.eigvals(x), [a], grad=False)


def test_eig_derivative_raises():
    """torsh has no complex solve yet: differentiating eig raises instead of giving zeros."""
    x = torsh.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    for fn in (lambda t: torsh.linalg.eigvals(t), lambda t: torsh.linalg.eig(t)[1]):
        y = fn(x)
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="not implemented in torsh"):
            y.abs().sum().backward()


def test_second_derivatives_of_spectral_functions():
    a = rng.standard_normal((3, 4))
    s = spd((3, 3))
    cases = [("svdvals", lambda L, x: L.linalg.svdvals(x).pow(3).sum(), a),
             ("eigvalsh", lambda L, x: L.linalg.eigvalsh(x).pow(3).sum(), s),
             ("nuc", lambda L, x: L.linalg.matrix_norm(x, "nuc") ** 2, a),
             ("cond", lambda L, x: L.linalg.cond(x) ** 2, s)]
    w = rng.standard_normal(a.shape)
    for name, fn, arr in cases:
        res = []
        for L in (torch, torsh):
            x = L.tensor(arr, requires_grad=True)
            g, = L.autograd.grad(fn(L, x), x, create_graph=True)
            gg, = L.autograd.grad((g * L.tensor(w[:arr.shape[0], :arr.shape[1]])).sum(), x)
            res.append(gg.numpy())
        record(f"linalg second derivative {name}")
        np.testing.assert_allclose(res[1], res[0], rtol=1e-8, atol=1e-8, err_msg=name)


def test_review_edge_cases():
    # pinv / matrix_rank with a tensor atol of 0 keep the default rtol (torch)
    m = np.array([[1.0, 0.0], [0.0, 1e-17]])
    check("pinv atol tensor", lambda L, x: L.linalg.pinv(x, atol=L.tensor(0.0)), [m],
          exact=False, grad=False)
    check("rank atol tensor", lambda L, x: L.linalg.matrix_rank(x, atol=L.tensor(0.0)), [m],
          grad=False)
    # empty batches and empty matrices
    for shape in ((2, 0, 0), (0, 0)):
        z = np.zeros(shape)
        check("det empty", lambda L, x: L.linalg.det(x), [z], grad=False)
        check("slogdet empty", lambda L, x: L.linalg.slogdet(x), [z], grad=False)
        check("eigh empty", lambda L, x: L.linalg.eigh(x), [z], grad=False)
        check("cholesky empty", lambda L, x: L.linalg.cholesky(x), [z], grad=False)
    check("svd empty", lambda L, x: L.linalg.svd(x), [np.zeros((2, 0, 3))], grad=False)
    # cond of a singular matrix is inf
    sing = np.stack([np.eye(3), np.zeros((3, 3))])
    for p in ("fro", 1, float("inf")):
        check(f"cond singular {p}", lambda L, x: L.linalg.cond(x, p), [sing], exact=False,
              grad=False)
    # out= tuples
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    for L in (torch, torsh):
        o = (L.empty(0, dtype=L.float64), L.empty(0, dtype=L.int32))
        r = L.linalg.inv_ex(L.tensor(a), out=o)
        assert r[0] is o[0] and r[1] is o[1]
        o3 = tuple(L.empty(0, dtype=L.float64) for _ in range(3))
        r = L.svd(L.tensor(a), out=o3)
        assert all(x is y for x, y in zip(r, o3))
    np.testing.assert_allclose(torsh.frobenius_norm(torsh.ones(2, 3, 4)).numpy(),
                               torch.frobenius_norm(torch.ones(2, 3, 4)).numpy())
