"""torsh.linalg.solve and torsh.linalg.inv (torch.inverse, Tensor.inverse) against torch 1.13:
left and right solves, batches of vectors, broadcast batches, float and double, empty matrices,
out=, the errors (a singular matrix raises torch.linalg.LinAlgError with torch's message), and
the gradients (LAPACK gesv, as torch)."""
import numpy as np
import pytest
import torch

import torsh
from nn_pairs import to_torsh


def close(b, a, tol):
    assert tuple(b.shape) == tuple(a.shape) and str(b.dtype) == str(a.dtype)
    np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=tol, atol=tol)


def rand(shape, dtype=torch.float64, seed=0):
    return torch.randn(shape, dtype=dtype, generator=torch.Generator().manual_seed(seed))


def well(shape, dtype=torch.float64, seed=0):
    return rand(shape, dtype, seed) + 3 * torch.eye(shape[-1], dtype=dtype)


@pytest.mark.parametrize("a_shape,b_shape,left", [
    ((3, 3), (3, 2), True), ((3, 3), (2, 3), False), ((3, 3), (3,), True),
    ((2, 3, 3), (2, 3), True), ((2, 3, 3), (3, 3), True), ((2, 1, 4, 4), (5, 4, 2), True),
    ((4, 4), (2, 3, 4), False), ((0, 3, 3), (3, 1), True), ((0, 0), (0, 2), True),
    ((1, 1), (1, 1), True)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_solve_matches_torch(a_shape, b_shape, left, dtype):
    a, b = well(a_shape, dtype, 1), rand(b_shape, dtype, 2)
    ref = torch.linalg.solve(a, b, left=left)
    got = torsh.linalg.solve(to_torsh(a), to_torsh(b), left=left)
    close(got, ref, 1e-4 if dtype == torch.float32 else 1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1), (0, 2, 2)])
def test_inv_matches_torch(shape):
    a = well(shape, seed=3)
    close(torsh.linalg.inv(to_torsh(a)), torch.linalg.inv(a), 1e-10)
    close(torsh.inverse(to_torsh(a)), torch.inverse(a), 1e-10)
    close(to_torsh(a).inverse(), a.inverse(), 1e-10)
    out = torsh.empty(0, dtype=torsh.float64)
    assert torsh.linalg.inv(to_torsh(a), out=out) is out
    close(out, torch.linalg.inv(a), 1e-10)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.linalg.solve(t(torch.zeros(3, 3)), t(torch.randn(3, 2))),
    lambda lib, t: lib.linalg.solve(t(torch.zeros(2, 3, 3)), t(torch.randn(2, 3, 1))),
    lambda lib, t: lib.linalg.inv(t(torch.zeros(2, 2))),
    lambda lib, t: lib.linalg.inv(t(torch.zeros(2, 2, 2))),
    lambda lib, t: lib.linalg.inv(t(torch.randn(3))),
    lambda lib, t: lib.linalg.inv(t(torch.randn(3, 2))),
    lambda lib, t: lib.linalg.solve(t(torch.randn(3, 3)), t(torch.randn(3, 2)), left=False),
    lambda lib, t: lib.linalg.solve(t(torch.randn(3, 3)), t(torch.randn(4, 2))),
    lambda lib, t: lib.linalg.solve(t(torch.randn(3, 2)), t(torch.randn(3, 2))),
    lambda lib, t: lib.linalg.solve(t(torch.randn(3, 3, dtype=torch.float64)),
                                    t(torch.randn(3, 2))),
    lambda lib, t: lib.linalg.solve(t(torch.ones(3, 3, dtype=torch.int32)),
                                    t(torch.ones(3, 2, dtype=torch.int32))),
    lambda lib, t: lib.linalg.solve(t(torch.randn(3)), t(torch.randn(3))),
    lambda lib, t: lib.linalg.solve(t(torch.randn(3, 3)), t(torch.randn(3)), left=False),
])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as ref:
        call(torch, lambda v: v)
    with pytest.raises(Exception) as got:
        call(torsh, to_torsh)
    # torch.linalg.LinAlgError is torch._C._LinAlgError: the same name and bases, not the same
    # class object; other errors are the builtin types
    assert type(got.value).__name__ == type(ref.value).__name__
    assert isinstance(got.value, RuntimeError) == isinstance(ref.value, RuntimeError)
    assert str(got.value) == str(ref.value)


def test_singular_error_is_a_linalg_error():
    with pytest.raises(torsh.linalg.LinAlgError):
        torsh.linalg.solve(torsh.zeros(2, 2), torsh.ones(2))
    assert issubclass(torsh.linalg.LinAlgError, RuntimeError)
    assert torsh.linalg.LinAlgError.__name__ == torch.linalg.LinAlgError.__name__


@pytest.mark.parametrize("a_shape,b_shape,left", [((3, 3), (3, 2), True), ((3, 3), (2, 3), False),
                                                  ((3, 3), (3,), True), ((2, 3, 3), (3, 4), True),
                                                  ((2, 3, 3), (2, 3), True)])
def test_solve_gradients_match_torch(a_shape, b_shape, left):
    a, b = well(a_shape, seed=4), rand(b_shape, seed=5)
    grads = []
    for lib, conv in ((torch, lambda v: v.clone()), (torsh, to_torsh)):
        ta, tb = conv(a).requires_grad_(), conv(b).requires_grad_()
        x = lib.linalg.solve(ta, tb, left=left)
        (x * lib.linspace(-1, 2, x.numel(), dtype=lib.float64).reshape(x.shape)).sum().backward()
        grads.append((ta.grad, tb.grad))
    close(grads[1][0], grads[0][0], 1e-10)
    close(grads[1][1], grads[0][1], 1e-10)


def test_inv_gradient_and_second_derivatives():
    a = well((2, 3, 3), seed=6)
    grads = []
    for lib, conv in ((torch, lambda v: v.clone()), (torsh, to_torsh)):
        ta = conv(a).requires_grad_()
        i = lib.linalg.inv(ta)
        (i * lib.linspace(-1, 2, i.numel(), dtype=lib.float64).reshape(i.shape)).sum().backward()
        grads.append(ta.grad)
    close(grads[1], grads[0], 1e-10)
    x = to_torsh(well((3, 3), seed=7)).requires_grad_()
    y = to_torsh(rand((3, 2), seed=8)).requires_grad_()
    assert torsh.autograd.gradcheck(torsh.linalg.solve, (x, y))
    assert torsh.autograd.gradgradcheck(torsh.linalg.solve, (x, y))
    assert torsh.autograd.gradcheck(torsh.linalg.inv, (x,))


@pytest.mark.parametrize("call", [
    lambda lib, a, b: lib.linalg.qr(a.mT)[1],
    lambda lib, a, b: lib.linalg.qr(a.mT)[0],
    lambda lib, a, b: lib.geqrf(a.mT)[0],
    lambda lib, a, b: lib.linalg.solve(a.mT, b.mT),
    lambda lib, a, b: lib.linalg.inv(a.mT),
    lambda lib, a, b: lib.linalg.solve_triangular(a.mT, b.mT, upper=False),
    lambda lib, a, b: lib.linalg.solve_triangular(a, b.mT, upper=True),
])
def test_transposed_inputs_are_read_not_overwritten(call):
    """LAPACK overwrites its matrices: a transposed input (whose transpose is contiguous) must
    be copied first, and the results must be those of the matrix it shows."""
    a, b = well((4, 4), seed=9), rand((2, 4), seed=10)
    sa, sb = to_torsh(a), to_torsh(b)
    ref = call(torch, a, b)
    got = call(torsh, sa, sb)
    close(got, ref, 1e-10)
    np.testing.assert_array_equal(sa.numpy(), a.numpy())
    np.testing.assert_array_equal(sb.numpy(), b.numpy())
