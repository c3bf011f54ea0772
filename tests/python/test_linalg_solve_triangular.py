"""torsh.linalg.solve_triangular (and the legacy torch.triangular_solve / Tensor.triangular_solve)
against torch: left and right solves, upper and lower, unit diagonals, broadcast batches, mixed
dtypes, empty matrices, out=, the errors, and the gradients of A and B (BLAS trsm, as torch)."""
import numpy as np
import pytest
import torch

import torsh
from nn_pairs import raises_like, to_torsh


def close(b, a, tol=1e-10):
    assert tuple(b.shape) == tuple(a.shape) and str(b.dtype) == str(a.dtype)
    np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=tol, atol=tol)


def well_conditioned(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(shape, dtype=dtype, generator=g)
    return a + 3 * torch.eye(shape[-1], dtype=dtype)  # a triangle with a strong diagonal


@pytest.mark.parametrize("a_shape,b_shape,left", [
    ((3, 3), (3, 2), True), ((3, 3), (2, 3), False), ((2, 1, 4, 4), (5, 4, 3), True),
    ((4, 4), (2, 3, 4), False), ((1, 1), (1, 6), True), ((0, 0), (0, 2), True),
    ((3, 3), (3, 0), True), ((0, 3, 3), (3, 1), True)])
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_solve_triangular_matches_torch(a_shape, b_shape, left, upper, unitriangular, dtype):
    a = well_conditioned(a_shape, dtype, 1)
    b = torch.randn(b_shape, dtype=dtype, generator=torch.Generator().manual_seed(2))
    ref = torch.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular)
    got = torsh.linalg.solve_triangular(to_torsh(a), to_torsh(b), upper=upper, left=left,
                                        unitriangular=unitriangular)
    close(got, ref, 1e-4 if dtype == torch.float32 else 1e-10)


def test_mixed_dtypes_out_and_legacy_form():
    a, b = well_conditioned((3, 3), torch.float64, 3), torch.randn(3, 2)
    close(torsh.linalg.solve_triangular(to_torsh(a), to_torsh(b), upper=True),
          torch.linalg.solve_triangular(a, b, upper=True))
    out = torsh.empty(0, dtype=torsh.float64)
    r = torsh.linalg.solve_triangular(to_torsh(a), to_torsh(b.double()), upper=False, out=out)
    assert r is out
    close(out, torch.linalg.solve_triangular(a, b.double(), upper=False))
    for transpose in (False, True):
        for upper in (True, False):
            ref = torch.triangular_solve(b.double(), a, upper=upper, transpose=transpose)
            got = torsh.triangular_solve(to_torsh(b.double()), to_torsh(a), upper=upper,
                                         transpose=transpose)
            assert type(got).__name__ == "triangular_solve"
            close(got.solution, ref.solution)
            close(got.cloned_coefficient, ref.cloned_coefficient)
    close(to_torsh(b.double()).triangular_solve(to_torsh(a), False).solution,
          b.double().triangular_solve(a, False).solution)


def test_singular_matrix_gives_inf_and_nan_as_torch():
    a, b = torch.zeros(3, 3), torch.randn(3, 2, generator=torch.Generator().manual_seed(0))
    ref = torch.linalg.solve_triangular(a, b, upper=True)
    got = torsh.linalg.solve_triangular(to_torsh(a), to_torsh(b), upper=True)
    np.testing.assert_array_equal(np.isnan(got.numpy()), np.isnan(ref.numpy()))
    np.testing.assert_array_equal(np.isinf(got.numpy()), np.isinf(ref.numpy()))


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.linalg.solve_triangular(t(torch.randn(3)), t(torch.randn(3, 2)),
                                               upper=True),
    lambda lib, t: lib.linalg.solve_triangular(t(torch.randn(3, 3)), t(torch.randn(3)),
                                               upper=True),
    lambda lib, t: lib.linalg.solve_triangular(t(torch.randn(3, 2)), t(torch.randn(3, 2)),
                                               upper=True),
    lambda lib, t: lib.linalg.solve_triangular(t(torch.randn(3, 3)), t(torch.randn(4, 3)),
                                               upper=True),
    lambda lib, t: lib.linalg.solve_triangular(t(torch.randn(3, 3)), t(torch.randn(3, 4)),
                                               upper=True, left=False),
    lambda lib, t: lib.linalg.solve_triangular(t(torch.ones(3, 3, dtype=torch.int32)),
                                               t(torch.ones(3, 2, dtype=torch.int32)), upper=True),
    lambda lib, t: lib.linalg.solve_triangular(t(torch.randn(3, 3)), t(torch.randn(3, 2)),
                                               upper=True, out=lib.empty(1, dtype=lib.int64)),
])
def test_errors_match_torch(call):
    raises_like(lambda: call(torch, lambda v: v), lambda: call(torsh, to_torsh))


def test_batch_mismatch_error_names_the_op_and_sizes():
    def call(lib):
        lib.linalg.solve_triangular(lib.randn(2, 3, 3), lib.randn(4, 3, 2), upper=True)
    raises_like(lambda: call(torch), lambda: call(torsh), match_message=False)
    with pytest.raises(RuntimeError) as e:
        call(torsh)
    # torch's message, prefixed with the op's name
    assert str(e.value) == ("linalg.solve_triangular(): The size of tensor a (4) must match the "
                            "size of tensor b (2) at non-singleton dimension 0")


def test_upper_is_required():
    with pytest.raises(TypeError):
        torsh.linalg.solve_triangular(torsh.eye(2), torsh.ones(2, 1))


@pytest.mark.parametrize("a_shape,b_shape,left", [((3, 3), (3, 2), True), ((3, 3), (2, 3), False),
                                                  ((2, 3, 3), (3, 4), True),
                                                  ((3, 3), (2, 4, 3), False)])
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
def test_gradients_match_torch(a_shape, b_shape, left, upper, unitriangular):
    a = well_conditioned(a_shape, torch.float64, 7)
    b = torch.randn(b_shape, dtype=torch.float64, generator=torch.Generator().manual_seed(8))
    grads = []
    for lib, conv in ((torch, lambda v: v.clone()), (torsh, to_torsh)):
        ta, tb = conv(a).requires_grad_(), conv(b).requires_grad_()
        x = lib.linalg.solve_triangular(ta, tb, upper=upper, left=left,
                                        unitriangular=unitriangular)
        w = lib.linspace(-1, 2, x.numel(), dtype=lib.float64).reshape(x.shape)
        (x * w).sum().backward()
        grads.append((ta.grad, tb.grad))
    close(grads[1][0], grads[0][0])
    close(grads[1][1], grads[0][1])


def test_gradcheck_and_gradgradcheck():
    a = (torsh.randn(3, 3, dtype=torsh.float64) + 3 * torsh.eye(3, dtype=torsh.float64))
    a.requires_grad_()
    b = torsh.randn(3, 2, dtype=torsh.float64, requires_grad=True)
    for left in (True, False):
        bb = b if left else b.detach().mT.contiguous().requires_grad_()
        fn = (lambda x, y, left=left: torsh.linalg.solve_triangular(x, y, upper=False,
                                                                    left=left))
        assert torsh.autograd.gradcheck(fn, (a, bb))
        assert torsh.autograd.gradgradcheck(fn, (a, bb))
