"""The fused LSTM step (_thnn_fused_lstm_cell) that nn.LSTM's recurrence runs on: the same bits
as the step composed of torsh ops (the same sigmoid and tanh kernels, no contraction),
gradients against torch and finite differences (double backward included), and its checks.
nn.LSTM itself is compared with torch in test_nn_rnn.py."""
import numpy as np
import pytest
import torch

import torsh

FUSED = torsh._C._thnn_fused_lstm_cell


def rnd(shape, seed):
    return np.random.default_rng(seed).uniform(-2, 2, shape)


def composed(lib, ig, hg, cx, bi=None, bh=None):
    gates = hg + ig
    if bi is not None:
        gates = gates + bi + bh
    i, f, g, o = gates.chunk(4, 1)
    i, f, g, o = lib.sigmoid(i), lib.sigmoid(f), lib.tanh(g), lib.sigmoid(o)
    cy = f * cx + i * g
    return o * lib.tanh(cy), cy


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("h", [1, 5, 8, 37, 256])
def test_same_bits_as_the_composed_step(dtype, h):
    ig, hg, cx = (torsh.tensor(rnd(s, i), dtype=getattr(torsh, dtype))
                  for i, s in enumerate(((3, 4 * h), (3, 4 * h), (3, h))))
    hy, cy, ws = FUSED(ig, hg, cx)
    rh, rc = composed(torsh, ig, hg, cx)
    assert np.array_equal(hy.numpy(), rh.numpy()) and np.array_equal(cy.numpy(), rc.numpy())
    assert tuple(ws.shape) == (3, 4 * h) and not ws.requires_grad


@pytest.mark.parametrize("bias", [False, True])
def test_gradients_match_torch(bias):
    h = 7
    arrays = [rnd((4, 4 * h), 1), rnd((4, 4 * h), 2), rnd((4, h), 3)]
    if bias:
        arrays += [rnd((4 * h,), 4), rnd((4 * h,), 5)]
    xt = [torch.tensor(a, requires_grad=True) for a in arrays]
    xs = [torsh.tensor(a, requires_grad=True) for a in arrays]
    ht, ct = composed(torch, *xt)
    hs, cs, _ = FUSED(*xs)
    np.testing.assert_allclose(hs.detach().numpy(), ht.detach().numpy(), rtol=1e-12, atol=1e-14)
    wh, wc = torch.tensor(rnd((4, h), 6)), torch.tensor(rnd((4, h), 7))
    for use_h, use_c in ((True, True), (True, False), (False, True)):
        lt = (ht * wh).sum() * use_h + (ct * wc).sum() * use_c
        ls = (hs * torsh.tensor(wh.numpy())).sum() * use_h + \
            (cs * torsh.tensor(wc.numpy())).sum() * use_c
        gt = torch.autograd.grad(lt, xt, retain_graph=True)
        gs = torsh.autograd.grad(ls, xs, retain_graph=True)
        for a, b in zip(gt, gs):
            np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-10, atol=1e-12)


def test_gradcheck_and_gradgradcheck():
    xs = [torsh.tensor(rnd(s, 10 + i), requires_grad=True)
          for i, s in enumerate(((2, 8), (2, 8), (2, 2), (8,), (8,)))]
    assert torsh.autograd.gradcheck(lambda *a: FUSED(*a)[:2], xs)
    assert torsh.autograd.gradgradcheck(lambda *a: FUSED(*a)[:2], xs)


def test_bad_inputs_raise_naming_the_op():
    ig, cx = torsh.randn(3, 8), torsh.randn(3, 2)
    with pytest.raises(RuntimeError, match=r"_thnn_fused_lstm_cell.*\[3, 8\]"):
        FUSED(ig, torsh.randn(3, 4), cx)
    with pytest.raises(RuntimeError, match="_thnn_fused_lstm_cell.*dtype"):
        FUSED(ig.double(), ig, cx)
    with pytest.raises(RuntimeError, match="_thnn_fused_lstm_cell.*bias"):
        FUSED(ig, ig, cx, torsh.randn(7), torsh.randn(8))


LAYER = torsh._C._lstm_layer


def layer_reference(gi, h, c, w_hh, b_hh, reverse):
    """One direction of an LSTM layer in torch, step by step."""
    steps = gi.shape[0]
    outs = [None] * steps
    for k in range(steps):
        t = steps - 1 - k if reverse else k
        hg = h @ w_hh.t() + (b_hh if b_hh is not None else 0)
        h, c = composed(torch, gi[t], hg, c)
        outs[t] = h
    return torch.stack(outs), h, c


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [False, True])
def test_layer_matches_the_step_by_step_recurrence(reverse, bias):
    steps, b, h = 6, 3, 5
    arrays = [rnd((steps, b, 4 * h), 1), rnd((b, h), 2), rnd((b, h), 3), rnd((4 * h, h), 4) / 3]
    arrays.append(rnd((4 * h,), 5) if bias else None)
    xt = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    xs = [None if a is None else torsh.tensor(a, requires_grad=True) for a in arrays]
    ot, ht, ct = layer_reference(*xt, reverse)
    os_, hs, cs, cell_states, ws = LAYER(*xs, reverse)
    assert os_.grad_fn.name() == "StackBackward0"  # as torch's LSTM output
    assert not cell_states.requires_grad and not ws.requires_grad
    for a, r in ((os_, ot), (hs, ht), (cs, ct)):
        np.testing.assert_allclose(a.detach().numpy(), r.detach().numpy(), rtol=1e-12, atol=1e-13)
    wo, wh, wc = rnd((steps, b, h), 6), rnd((b, h), 7), rnd((b, h), 8)
    inputs_t = [x for x in xt if x is not None]
    inputs_s = [x for x in xs if x is not None]
    for use in ((1, 1, 1), (1, 0, 0), (0, 1, 0), (0, 0, 1)):
        lt = sum(u * (r * torch.tensor(w)).sum() for u, r, w in zip(use, (ot, ht, ct), (wo, wh, wc)))
        ls = sum(u * (r * torsh.tensor(w)).sum() for u, r, w in zip(use, (os_, hs, cs), (wo, wh, wc)))
        gt = torch.autograd.grad(lt, inputs_t, retain_graph=True)
        gs = torsh.autograd.grad(ls, inputs_s, retain_graph=True)
        for a, r in zip(gs, gt):
            np.testing.assert_allclose(a.numpy(), r.numpy(), rtol=1e-10, atol=1e-12)


def test_layer_gradcheck_and_gradgradcheck():
    xs = [torsh.tensor(rnd(s, 30 + i) / 2, requires_grad=True)
          for i, s in enumerate(((3, 2, 8), (2, 2), (2, 2), (8, 2), (8,)))]
    for reverse in (False, True):
        def f(*a):
            return LAYER(*a, reverse)[:3]
        assert torsh.autograd.gradcheck(f, xs)
        assert torsh.autograd.gradgradcheck(f, xs)


def test_layer_bad_inputs_raise_naming_the_op():
    with pytest.raises(RuntimeError, match=r"_lstm_layer.*\[4, 3\]"):
        LAYER(torsh.randn(5, 2, 8), torsh.randn(2, 2), torsh.randn(2, 2), torsh.randn(4, 3))
    with pytest.raises(RuntimeError, match="_lstm_layer.*dtype"):
        LAYER(torsh.randn(5, 2, 8), torsh.randn(2, 2).double(), torsh.randn(2, 2),
              torsh.randn(8, 2))
