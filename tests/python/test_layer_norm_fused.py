"""layer_norm's fused kernels (native_layer_norm: float/double rows, Highway) against torch:
values, the three gradients (fused when no graph is recorded), second derivatives (torsh ops over
recomputed statistics), layouts, and the composite fallback for other dtypes."""
import numpy as np
import pytest
import torch

import torsh

SHAPES = [((4, 7), (7,)), ((3, 5, 6), (5, 6)), ((2, 3, 1030), (1030,)), ((5,), (5,)),
          ((1, 1, 8), (8,)), ((64, 33), (33,))]


def run(lib, x, w, b, g, ns, affine, layout, create_graph=False):
    X = lib.tensor(x, requires_grad=True)
    W = lib.tensor(w, requires_grad=True) if affine in ("both", "weight") else None
    B = lib.tensor(b, requires_grad=True) if affine == "both" else None
    xin = X
    if layout == "transposed":  # a non-contiguous input of the same shape
        xin = X.transpose(0, -1).contiguous().transpose(0, -1) * 1
    y = lib.nn.functional.layer_norm(xin, ns, W, B, 1e-5)
    gout = lib.tensor(g) if layout != "expanded" else lib.tensor(g).sum() * lib.ones_like(y)
    wrt = [t for t in (X, W, B) if t is not None]
    grads = lib.autograd.grad(y, wrt, gout, create_graph=create_graph)
    return [y.detach()] + list(grads), wrt


@pytest.mark.parametrize("shape,ns", SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "expanded"])
def test_forward_and_gradients(shape, ns, dtype, affine, layout):
    rng = np.random.default_rng(sum(shape))
    x, g = (rng.standard_normal(shape) * 3 + 1).astype(dtype), rng.standard_normal(shape).astype(dtype)
    w, b = rng.standard_normal(ns).astype(dtype), rng.standard_normal(ns).astype(dtype)
    t, _ = run(torch, x, w, b, g, ns, affine, layout)
    s, _ = run(torsh, x, w, b, g, ns, affine, layout)
    tol = 2e-5 if dtype == "float32" else 1e-12
    for a, c in zip(t, s):
        assert repr(c.dtype) == repr(a.dtype) and tuple(c.shape) == tuple(a.shape)
        np.testing.assert_allclose(c.numpy(), a.numpy(), rtol=tol, atol=tol * 10)


@pytest.mark.parametrize("affine", ["both", "none"])
def test_second_derivatives(affine):
    rng = np.random.default_rng(7)
    x, g = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 4, 5))
    w, b = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    out = []
    for lib in (torch, torsh):
        first, wrt = run(lib, x, w, b, g, (4, 5), affine, "contiguous", create_graph=True)
        loss = sum((d * d).sum() for d in first[1:])
        out.append(lib.autograd.grad(loss, wrt, allow_unused=True))
    for a, c in zip(*out):
        assert (a is None) == (c is None)  # the bias's gradient does not depend on anything
        if a is not None:
            np.testing.assert_allclose(c.numpy(), a.numpy(), rtol=1e-9, atol=1e-10)


def test_gradcheck_float64():
    x = torsh.randn(3, 6, dtype=torsh.float64, requires_grad=True)
    w = torsh.randn(6, dtype=torsh.float64, requires_grad=True)
    b = torsh.randn(6, dtype=torsh.float64, requires_grad=True)
    f = lambda x, w, b: torsh.nn.functional.layer_norm(x, (6,), w, b)  # noqa: E731
    assert torsh.autograd.gradcheck(f, (x, w, b))
    assert torsh.autograd.gradgradcheck(f, (x, w, b))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_sixteen_bit_inputs_take_the_composite(dtype):
    x = np.random.default_rng(3).standard_normal((4, 8)).astype(np.float32)
    # torch 1.13 has no float16 layer_norm on CPU: its float32 result rounded is the reference
    t = torch.tensor(x).to(getattr(torch, dtype))
    t = (torch.nn.functional.layer_norm(t.float(), (8,)).to(t.dtype) if dtype == "float16"
         else torch.nn.functional.layer_norm(t, (8,)))
    s = torsh.nn.functional.layer_norm(torsh.tensor(x).to(getattr(torsh, dtype)), (8,))
    assert repr(s.dtype) == repr(t.dtype)
    np.testing.assert_allclose(s.float().numpy(), t.float().numpy(), rtol=1e-2, atol=1e-2)


def test_native_layer_norm_statistics_and_errors():
    x = np.random.default_rng(4).standard_normal((2, 3, 4))
    t = torch.native_layer_norm(torch.tensor(x), [4], None, None, 1e-5)
    s = torsh.native_layer_norm(torsh.tensor(x), [4], None, None, 1e-5)
    for a, c in zip(t, s):
        assert tuple(c.shape) == tuple(a.shape)
        np.testing.assert_allclose(c.numpy(), a.numpy(), rtol=1e-12, atol=1e-12)
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError):
            lib.nn.functional.layer_norm(lib.ones(2, 3), (4,))
        with pytest.raises(RuntimeError):
            lib.nn.functional.layer_norm(lib.ones(2, 3), (3,), lib.ones(4))


@pytest.mark.parametrize("shape,ns", [((6, 5), (5,)), ((2, 3, 4, 5), (4, 5)), ((1, 7), (7,))])
@pytest.mark.parametrize("how", ["sum", "row_expanded", "partly_expanded"])
def test_gradient_broadcast_along_rows(shape, ns, how):
    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape)
    w, b = rng.standard_normal(ns), rng.standard_normal(ns)
    row = rng.standard_normal(ns)
    part = rng.standard_normal(shape[1:]) if len(shape) > 2 else row
    grads = []
    for lib in (torch, torsh):
        X, W, B = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        y = lib.nn.functional.layer_norm(X, ns, W, B)
        if how == "sum":
            y.sum().backward()
        elif how == "row_expanded":  # strides 0 on every leading dim
            y.backward(lib.tensor(row).expand(shape))
        else:  # broadcast along the first dim only
            y.backward(lib.tensor(part).expand(shape))
        grads.append([t.grad.numpy() for t in (X, W, B)])
    for a, c in zip(*grads):
        np.testing.assert_allclose(c, a, rtol=1e-11, atol=1e-12)
