"""torsh.linalg.vander against torch.linalg.vander (torch 1.13): values for several shapes,
batch dims and N, the dtype rules (integers -> int64, floats and complex kept), gradients
(including at zero) and the errors on bad input."""
import numpy as np
import pytest
import torch

import torsh
from dist_oracle import assert_same_error, assert_same_error_type, close, same, to_np


def _input(lib, shape, dtype, seed=0):
    rs = np.random.RandomState(seed)
    if dtype.startswith("complex"):
        a = rs.randn(*shape) + 1j * rs.randn(*shape)
    elif dtype.startswith(("int", "uint")):
        a = rs.randint(0 if dtype == "uint8" else -4, 5, size=shape)
    else:
        a = rs.randn(*shape)
    return lib.tensor(np.asarray(a), dtype=getattr(lib, dtype))


@pytest.mark.parametrize("shape", [(), (1,), (4,), (3, 5), (2, 3, 4), (2, 0), (0,)])
@pytest.mark.parametrize("N", [None, 2, 3, 6])
def test_vander_float_values(shape, N):
    kw = {} if N is None else {"N": N}
    a = torch.linalg.vander(_input(torch, shape, "float64"), **kw) \
        if (N is not None or (shape and shape[-1] > 1)) else None
    if a is None:
        assert_same_error(lambda lib: lib.linalg.vander(_input(lib, shape, "float64"), **kw))
        return
    b = torsh.linalg.vander(_input(torsh, shape, "float64"), **kw)
    close(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_vander_keeps_float_dtype(dtype):
    a = torch.linalg.vander(_input(torch, (3, 4), dtype, 1), N=5)
    b = torsh.linalg.vander(_input(torsh, (3, 4), dtype, 1), N=5)
    close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_vander_integers_become_int64(dtype):
    a = torch.linalg.vander(_input(torch, (2, 4), dtype, 2), N=4)
    b = torsh.linalg.vander(_input(torsh, (2, 4), dtype, 2), N=4)
    assert str(b.dtype) == "torch.int64"
    same(a, b)


def test_vander_hand_values():
    v = torsh.linalg.vander(torsh.tensor([2.0, -1.0, 0.5]))
    np.testing.assert_array_equal(to_np(v), [[1, 2, 4], [1, -1, 1], [1, 0.5, 0.25]])
    v = torsh.linalg.vander(torsh.tensor(3), N=4)
    assert tuple(v.shape) == (1, 4) and v.tolist() == [[1, 3, 9, 27]]


def test_vander_matches_numpy_increasing():
    x = np.random.RandomState(4).randn(5)
    got = torsh.linalg.vander(torsh.tensor(x), N=7)
    np.testing.assert_allclose(to_np(got), np.vander(x, 7, increasing=True), rtol=1e-12)


@pytest.mark.parametrize("shape,N", [((4,), None), ((3, 4), 5), ((2, 2, 3), 2), ((), 4)])
def test_vander_grad(shape, N):
    kw = {} if N is None else {"N": N}
    x_np = np.random.RandomState(7).randn(*shape)
    if shape:
        x_np.flat[0] = 0.0  # the derivative at 0 must come out right too
    grads = []
    for lib in (torch, torsh):
        x = lib.tensor(x_np).requires_grad_()
        v = lib.linalg.vander(x, **kw)
        w = lib.tensor(np.random.RandomState(8).randn(*tuple(v.shape)))
        g, = lib.autograd.grad((v * w).sum(), [x])
        grads.append(g)
    close(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_vander_gradcheck():
    x = torsh.tensor([0.5, -1.5, 2.0], dtype=torsh.float64).requires_grad_()
    assert torsh.autograd.gradcheck(lambda t: torsh.linalg.vander(t, N=4), (x,))


def test_vander_complex_grad():
    x_np = np.array([1 + 1j, -0.5 + 2j])
    grads = []
    for lib in (torch, torsh):
        x = lib.tensor(x_np).requires_grad_()
        v = lib.linalg.vander(x, N=4)
        g, = lib.autograd.grad(v.abs().sum(), [x])
        grads.append(g)
    close(grads[0], grads[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N=1),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N=0),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N=-3),
    lambda lib: lib.linalg.vander(lib.tensor([1.0])),
    lambda lib: lib.linalg.vander(lib.tensor(2.0)),
    lambda lib: lib.linalg.vander(lib.zeros(2, 0)),
    lambda lib: lib.linalg.vander(lib.tensor([True, False]), N=3),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0], dtype=lib.float16), N=3),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0], dtype=lib.bfloat16), N=3),
    lambda lib: lib.linalg.vander(lib.tensor([True, False]), N=1),
])
def test_vander_errors(fn):
    assert_same_error(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), 3),
    lambda lib: lib.linalg.vander([1.0, 2.0]),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N=2.5),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N=True),
    lambda lib: lib.linalg.vander(lib.tensor([1.0, 2.0]), N="3"),
])
def test_vander_argument_type_errors(fn):
    assert_same_error_type(fn)


def test_vander_int_like_N():
    for N in (np.int64(3), torch.tensor(3)):
        a = torch.linalg.vander(torch.tensor([1.0, 2.0]), N=N)
        n = N if isinstance(N, np.integer) else torsh.tensor(3)
        b = torsh.linalg.vander(torsh.tensor([1.0, 2.0]), N=n)
        close(a, b)
