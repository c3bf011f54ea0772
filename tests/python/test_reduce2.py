"""torsh.linalg.vector_norm / matrix_norm / norm (Python front ends over the table's
linalg_vector_norm and amax/amin) against torch: values, dtypes, errors and gradients."""
import math

import numpy as np
import pytest
import torch

import torsh
from oracle import FLOATS, Pair, check, check_grad, layouts, make, values

INF = math.inf


def _vector_norm_samples(rng):
    for dt in FLOATS:
        x = make(values(rng, (3, 4, 5), dt), dt)
        for ord in [2, 1, INF, -INF, 0, 3, 0.5]:
            yield (x, ord), {}
            yield (x, ord, (0, 2), True), {}
            yield (x, ord, -1), {}
        for label, y in layouts(rng, dt):
            yield (y,), {}
            if y.t.dim() >= 1:
                yield (y, 1, 0), {}
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, 2), {"dtype": "float64"}
    yield (x, 2, 1), {"dtype": "int64"}
    yield (make(values(rng, (0, 3), "float32"), "float32"), -INF), {}
    yield (make(values(rng, (0, 3), "float32"), "float32"), INF, 1), {}
    yield (make(values(rng, (0, 3), "float32"), "float32"), INF, 0), {}
    yield (make(values(rng, (3,), "int64"), "int64"),), {}


def _matrix_norm_samples(rng):
    for dt in ["float32", "float64"]:
        x = make(values(rng, (2, 3, 4), dt), dt)
        for ord in ["fro", 1, -1, INF, -INF]:
            yield (x, ord), {}
            yield (x, ord, (0, 2)), {}
            yield (x, ord, (-1, -2), True), {}
            yield (x,), {"ord": ord, "dim": (2, 1)}
        t = Pair(x.t.transpose(1, 2), x.s.transpose(1, 2))
        yield (t, 1), {}
    x = make(values(rng, (3, 4), "float32"), "float32")
    for bad in [3, "bogus"]:
        yield (x, bad), {}
    yield (make(values(rng, (3,), "float32"), "float32"),), {}
    yield (x, "fro", (0, 0)), {}
    yield (x, "fro", (0,)), {}
    yield (x, "fro", (0, 2)), {}
    yield (x, 1), {"dtype": "float64"}


def _linalg_norm_samples(rng):
    x2 = make(values(rng, (3, 4), "float64"), "float64")
    x3 = make(values(rng, (2, 3, 4), "float64"), "float64")
    v = make(values(rng, (5,), "float64"), "float64")
    yield (x2,), {}
    yield (x3,), {}
    yield (x2, "fro"), {}
    yield (x2, 1), {}
    yield (x2, INF), {}
    yield (v, 3), {}
    yield (x3, 1, (0, 2)), {}
    yield (x3, 2, 1), {}
    yield (x3, 1), {}


@pytest.mark.parametrize("name,samples", [
    ("vector_norm", _vector_norm_samples), ("matrix_norm", _matrix_norm_samples),
    ("norm", _linalg_norm_samples)])
def test_linalg_norms(name, samples):
    rng = np.random.default_rng(11)
    ft, fs = getattr(torch.linalg, name), getattr(torsh.linalg, name)
    for args, kwargs in samples(rng):
        check("linalg." + name, ft, fs, args, kwargs)
        check_grad("linalg." + name, ft, fs, args, kwargs, "", False)


@pytest.mark.parametrize("ord", ["nuc", 2, -2])
@pytest.mark.parametrize("dim,keepdim", [((-2, -1), False), ((0, 2), True), ((2, 0), False)])
def test_matrix_norm_svd_orders(ord, dim, keepdim):
    """The SVD-based matrix norms (the sum, largest or smallest singular value) against torch,
    values and gradients."""
    a = np.random.default_rng(5).standard_normal((3, 4, 5))
    res = []
    for L in (torch, torsh):
        x = L.tensor(a, requires_grad=True)
        y = L.linalg.matrix_norm(x, ord, dim=dim, keepdim=keepdim)
        z = L.linalg.norm(x, ord, dim=dim, keepdim=keepdim)
        g, = L.autograd.grad((y * L.arange(y.numel()).reshape(y.shape)).sum(), x)
        res.append((y.detach().numpy(), z.detach().numpy(), g.numpy()))
    for u, v in zip(*res):
        assert u.shape == v.shape
        np.testing.assert_allclose(v, u, rtol=1e-10, atol=1e-10)


def test_linalg_norm_out():
    rng = np.random.default_rng(12)
    x = make(values(rng, (3, 4), "float32"), "float32")

    def with_out(lib, fn):
        def f(a, *rest, **kw):
            o = lib.empty(0)
            r = getattr(lib.linalg, fn)(a, *rest, out=o, **kw)
            assert r is o
            return o
        return f
    check("linalg.vector_norm(out=)", with_out(torch, "vector_norm"),
          with_out(torsh, "vector_norm"), [x, 2, 1], {})
    check("linalg.matrix_norm(out=)", with_out(torch, "matrix_norm"),
          with_out(torsh, "matrix_norm"), [x, 1], {})


def test_var_dim1_large_matches_torch():
    """The benchmark's shape: var(dim=1) of [4096, 4096] float32 (vectorised two-pass path),
    also with a mean far from zero."""
    rng = np.random.default_rng(13)
    a = rng.standard_normal((4096, 4096)).astype(np.float32) + 1000.0
    r_t = torch.from_numpy(a).var(dim=1)
    r_s = torsh.from_numpy(a).var(dim=1)
    np.testing.assert_allclose(r_s.numpy(), r_t.numpy(), rtol=1e-4, atol=1e-6)
    r_t = torch.from_numpy(a).std(dim=0, correction=0)
    r_s = torsh.from_numpy(a).std(dim=0, correction=0)
    np.testing.assert_allclose(r_s.numpy(), r_t.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("ord", [2, 1, INF, 3, 0.5])
def test_vector_and_matrix_norm_gradcheck(ord):
    rng = np.random.default_rng(14)
    x = torsh.from_numpy(rng.uniform(0.5, 2, (3, 4)) * rng.choice([-1, 1], (3, 4)))
    x.requires_grad_(True)
    f = lambda t: torsh.linalg.vector_norm(t, ord, 1)  # noqa: E731
    assert torsh.autograd.gradcheck(f, (x,), eps=1e-6, atol=1e-5, rtol=1e-3)
    assert torsh.autograd.gradgradcheck(f, (x,), eps=1e-6, atol=1e-5, rtol=1e-3)
    if ord in (1, INF):
        g = lambda t: torsh.linalg.matrix_norm(t, ord)  # noqa: E731
        assert torsh.autograd.gradcheck(g, (x,), eps=1e-6, atol=1e-5, rtol=1e-3)
