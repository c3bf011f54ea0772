"""torch.gradient, rsub, nuclear_norm, frobenius_norm, cholesky_solve, cholesky_inverse,
igamma/igammac, get_device and set_warn_always against torch 1.13 (values and gradients)."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(21)


def both(fn, *arrays, grad=True, tol=1e-10):
    res = []
    for L in (torch, torsh):
        ts = [L.tensor(a, requires_grad=grad and np.issubdtype(np.asarray(a).dtype, np.floating))
              for a in arrays]
        out = fn(L, *ts)
        outs = out if isinstance(out, tuple) else (out,)
        gs = []
        if grad:
            loss = sum((o * L.tensor(np.cos(np.arange(o.numel())).reshape(tuple(o.shape)))).sum()
                       for o in outs)
            gs = [g.numpy() for g in L.autograd.grad(loss, [t for t in ts if t.requires_grad])]
        res.append(([o.detach().numpy() for o in outs], gs))
    record("extra api2")
    (a, ga), (b, gb) = res
    assert len(a) == len(b)
    for u, v in zip(a + ga, b + gb):
        assert u.shape == v.shape and u.dtype == v.dtype, (u.shape, v.shape, u.dtype, v.dtype)
        np.testing.assert_allclose(v, u, rtol=tol, atol=tol)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient(edge_order):
    f = rng.standard_normal((5, 6))
    both(lambda L, t: L.gradient(t, edge_order=edge_order), f)
    both(lambda L, t: L.gradient(t, spacing=0.5, dim=1, edge_order=edge_order), f)
    both(lambda L, t: L.gradient(t, spacing=[2.0, 0.25], edge_order=edge_order), f)
    coords = np.cumsum(rng.uniform(0.5, 1.5, 6))
    both(lambda L, t: L.gradient(t, spacing=(L.tensor(coords),), dim=1, edge_order=edge_order),
         f)
    both(lambda L, t: L.gradient(t, dim=0, edge_order=edge_order), np.arange(12).reshape(4, 3),
         grad=False)


def test_small_functions():
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    both(lambda L, x, y: L.rsub(x, y, alpha=2), a, b)
    both(lambda L, x: L.rsub(x, 2.5), a)
    both(lambda L, x: L.nuclear_norm(x), a)
    both(lambda L, x: L.nuclear_norm(x, (0, 2), True), rng.standard_normal((2, 3, 4)))
    both(lambda L, x: L.frobenius_norm(x, (0, 1)), a)
    s = rng.standard_normal((2, 4, 4))
    s = s @ np.swapaxes(s, -1, -2) + 4 * np.eye(4)
    rhs = rng.standard_normal((2, 4, 3))
    for upper in (False, True):
        both(lambda L, m, r: L.cholesky_solve(r, L.linalg.cholesky(m, upper=upper), upper), s,
             rhs, tol=1e-9)
        both(lambda L, m: L.cholesky_inverse(L.linalg.cholesky(m, upper=upper), upper), s,
             tol=1e-9)
    x, y = rng.uniform(0.5, 3, (5,)), rng.uniform(0.5, 3, (5,))
    both(lambda L, p, q: L.igamma(p, q), x, y, grad=False, tol=1e-7)
    both(lambda L, p, q: L.igammac(p, q), x, y, grad=False, tol=1e-7)
    assert torsh.get_device(torsh.ones(1)) == torch.get_device(torch.ones(1)) == -1
    torsh.set_warn_always(True)
    assert torsh.is_warn_always_enabled()
    torsh.set_warn_always(False)
    assert not torsh.is_warn_always_enabled()


def test_tensor_methods():
    a = rng.standard_normal((3, 4))
    b = rng.standard_normal((4,))
    for L in (torch, torsh):
        x = L.tensor(a)
        outs = [x.clone().apply_(lambda v: v * 2 + 1), x.clone().map_(L.tensor(b), lambda u, v: u - v),
                x.clone().map2_(L.tensor(a), L.tensor(b), lambda u, v, w: u * v + w),
                x.abs().clone().polygamma_(1), x.abs().clone().igamma_(L.tensor(a).abs() + 1)]
        outs += list(x.unsafe_chunk(2, 1)) + list(x.unsafe_split(3, 1))
        outs += list(x.unsafe_split_with_sizes([1, 3], 1))
        if L is torch:
            ref = [o.numpy() for o in outs]
            names = x.names
        else:
            record("tensor methods")
            for u, v in zip(ref, [o.numpy() for o in outs]):
                np.testing.assert_allclose(v, u, rtol=1e-10, atol=1e-10)
            assert x.names == names == (None, None) and not x.has_names()
