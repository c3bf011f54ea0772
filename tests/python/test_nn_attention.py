"""The fused scaled dot-product attention (_scaled_dot_product_flash_attention_for_cpu), which
F.scaled_dot_product_attention and nn.MultiheadAttention (without weights) take for float and
double inputs: values, log-sum-exp and gradients against the float64 formula in torch (torch 1.13
has no fused attention), on shapes that span several blocks of query rows, causal masks with
L != S, broadcast bool and float masks and fully masked rows; double backward by finite
differences; and which calls take the fused kernel."""
import math

import numpy as np
import pytest
import torch

import torsh
import torsh.nn.functional as SF

FUSED = torsh._C._scaled_dot_product_flash_attention_for_cpu


def rnd(shape, seed, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def reference(q, k, v, mask=None, causal=False, scale=None):
    """softmax(q k^T * scale + bias) v in torch float64 and the scores' log-sum-exp."""
    factor = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    s = q @ k.transpose(-2, -1) * factor
    if causal:
        keep = torch.ones(s.size(-2), s.size(-1), dtype=torch.bool).tril()
        s = s.masked_fill(keep.logical_not(), float("-inf"))
    if mask is not None:
        s = s.masked_fill(mask.logical_not(), float("-inf")) if mask.dtype == torch.bool \
            else s + mask
    return torch.softmax(s, -1) @ v, torch.logsumexp(s, -1)


CASES = [
    # (q shape, k shape, Ev, mask kind, mask shape, causal, scale)
    ((2, 3, 150, 16), (2, 3, 130, 16), 8, None, None, False, None),
    ((2, 200, 8), (2, 200, 8), 8, None, None, True, None),
    ((2, 2, 100, 8), (2, 2, 70, 8), 5, None, None, True, 0.2),   # L > S, causal
    ((2, 2, 70, 8), (2, 2, 140, 8), 5, None, None, True, None),  # L < S, causal
    ((3, 130, 8), (3, 90, 8), 6, "bool", (130, 90), False, None),
    ((2, 4, 66, 8), (2, 4, 80, 8), 4, "bool", (2, 1, 66, 80), False, None),
    ((2, 4, 66, 8), (2, 4, 80, 8), 4, "float", (4, 66, 80), False, 0.7),
    ((2, 4, 66, 8), (2, 4, 80, 8), 4, "float", (80,), False, None),
    ((65, 4), (3, 4), 2, None, None, False, None),  # unbatched
]


def inputs(case, dtype, seed=0):
    qs, ks, ev, kind, mshape, causal, scale = case
    arrays = [rnd(qs, seed), rnd(ks, seed + 1), rnd(ks[:-1] + (ev,), seed + 2)]
    mt = ms = None
    if kind == "bool":
        m = rnd(mshape, seed + 3, 0.0, 1.0) > 0.4
        m[..., 0] = True
        mt, ms = torch.tensor(m), torsh.tensor(m)
    elif kind == "float":
        m = rnd(mshape, seed + 3)
        mt, ms = torch.tensor(m), torsh.tensor(m, dtype=getattr(torsh, dtype))
    return arrays, mt, ms, causal, scale


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_fused_matches_formula(case, dtype):
    arrays, mt, ms, causal, scale = inputs(case, dtype)
    tol = dict(rtol=2e-5, atol=2e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    xt = [torch.tensor(a, requires_grad=True) for a in arrays]
    xs = [torsh.tensor(a, dtype=getattr(torsh, dtype), requires_grad=True) for a in arrays]
    rt, lt = reference(*xt, mask=mt, causal=causal, scale=scale)
    rs, ls = FUSED(*xs, is_causal=causal, attn_mask=ms, scale=scale)
    assert rs.grad_fn.name() == "ScaledDotProductFlashAttentionForCpuBackward0"
    assert str(rs.dtype) == f"torch.{dtype}" and tuple(rs.shape) == tuple(rt.shape)
    assert tuple(ls.shape) == tuple(lt.shape)
    np.testing.assert_allclose(rs.detach().numpy(), rt.detach().numpy(), **tol)
    np.testing.assert_allclose(ls.detach().numpy(), lt.detach().numpy(), **tol)
    # the public function takes the same kernel and gives the same bits
    fs = SF.scaled_dot_product_attention(*xs, attn_mask=ms, is_causal=causal, scale=scale)
    assert fs.grad_fn.name() == "ScaledDotProductFlashAttentionForCpuBackward0"
    assert np.array_equal(fs.detach().numpy(), rs.detach().numpy())
    w = rnd(tuple(rt.shape), 9)
    gt = torch.autograd.grad((rt * torch.tensor(w)).sum(), xt)
    gs = torsh.autograd.grad((rs * torsh.tensor(w, dtype=rs.dtype)).sum(), xs)
    for name, a, b in zip("qkv", gt, gs):
        np.testing.assert_allclose(b.numpy(), a.numpy(), err_msg=name, **tol)


def test_fully_masked_row_is_nan_as_the_formula():
    arrays = [rnd((2, 70, 4), 1), rnd((2, 9, 4), 2), rnd((2, 9, 3), 3)]
    m = np.ones((70, 9), dtype=bool)
    m[66] = False
    rt, _ = reference(*(torch.tensor(a) for a in arrays), mask=torch.tensor(m))
    rs = SF.scaled_dot_product_attention(*(torsh.tensor(a) for a in arrays),
                                         attn_mask=torsh.tensor(m))
    assert np.isnan(rt.numpy()[:, 66]).all() and np.isnan(rs.numpy()[:, 66]).all()
    keep = np.arange(70) != 66
    np.testing.assert_allclose(rs.numpy()[:, keep], rt.numpy()[:, keep], rtol=1e-10, atol=1e-12)


def test_no_keys_gives_zeros_as_the_formula():
    q, k, v = torsh.randn(2, 5, 4), torsh.randn(2, 0, 4), torsh.randn(2, 0, 3)
    out, lse = FUSED(q, k, v)
    assert tuple(out.shape) == (2, 5, 3) and (out == 0).all().item()
    assert torsh.isinf(lse).all().item()


@pytest.mark.parametrize("causal,kind", [(False, None), (True, None), (False, "bool"),
                                         (False, "float")])
def test_gradcheck_and_gradgradcheck(causal, kind):
    arrays = [rnd((2, 5, 3), 4), rnd((2, 6, 3), 5), rnd((2, 6, 2), 6)]
    mask = None
    if kind == "bool":
        m = rnd((5, 6), 7, 0, 1) > 0.4
        m[:, 0] = True
        mask = torsh.tensor(m)
    elif kind == "float":
        mask = torsh.tensor(rnd((1, 5, 6), 7))
    xs = [torsh.tensor(a, requires_grad=True) for a in arrays]

    def f(q, k, v):
        return FUSED(q, k, v, is_causal=causal, attn_mask=mask)[0]

    assert torsh.autograd.gradcheck(f, xs)
    assert torsh.autograd.gradgradcheck(f, xs)


def test_which_calls_take_the_fused_kernel():
    q, k, v = (torsh.randn(2, 3, 8, 4, requires_grad=True) for _ in range(3))
    name = "ScaledDotProductFlashAttentionForCpuBackward0"
    assert SF.scaled_dot_product_attention(q, k, v).grad_fn.name() == name
    assert SF.scaled_dot_product_attention(q.double(), k.double(), v.double(),
                                           is_causal=True).grad_fn.name() == name
    # dropout, half precision and broadcast batch dims use the formula
    assert SF.scaled_dot_product_attention(q, k, v, dropout_p=0.5).grad_fn.name() != name
    assert SF.scaled_dot_product_attention(q.bfloat16(), k.bfloat16(),
                                           v.bfloat16()).grad_fn.name() != name
    assert SF.scaled_dot_product_attention(q, k[:1], v[:1]).grad_fn.name() != name
    # a float mask that needs its gradient uses the formula, which gives it one
    m = torsh.zeros(8, 8, requires_grad=True)
    out = SF.scaled_dot_product_attention(q, k, v, attn_mask=m)
    assert out.grad_fn.name() != name
    out.sum().backward()
    assert m.grad is not None and tuple(m.grad.shape) == (8, 8)


def test_bad_input_raises_naming_the_op():
    q, k, v = torsh.randn(2, 4, 3), torsh.randn(2, 5, 3), torsh.randn(2, 5, 2)
    with pytest.raises(RuntimeError, match="_scaled_dot_product_flash_attention_for_cpu.*dropout"):
        FUSED(q, k, v, 0.1)
    with pytest.raises(RuntimeError, match=r"_scaled_dot_product_flash_attention_for_cpu.*\[3, 5, 3\]"):
        FUSED(q, torsh.randn(3, 5, 3), v)
    with pytest.raises(RuntimeError, match="_scaled_dot_product_flash_attention_for_cpu.*dtype"):
        FUSED(q.half(), k.half(), v.half())
    with pytest.raises(RuntimeError, match="should not be set when is_causal=True"):
        FUSED(q, k, v, is_causal=True, attn_mask=torsh.ones(4, 5, dtype=torsh.bool))
    with pytest.raises(RuntimeError):
        FUSED(q, k, v, attn_mask=torsh.ones(3, 5, dtype=torsh.bool))  # not broadcastable


@pytest.mark.parametrize("kpm", [False, True])
def test_multihead_attention_without_weights_matches_torch(kpm):
    """need_weights=False takes the fused kernel (torch 2.x's path); outputs and gradients equal
    torch 1.13's formula, with bool attn_mask and key_padding_mask (True = masked)."""
    e, h, l, n = 16, 4, 70, 2
    torch.manual_seed(0)
    mt = torch.nn.MultiheadAttention(e, h).double()
    ms = torsh.nn.MultiheadAttention(e, h).double()
    ms.load_state_dict({k: torsh.tensor(v.numpy()) for k, v in mt.state_dict().items()})
    x = rnd((l, n, e), 3)
    am = np.triu(np.ones((l, l), dtype=bool), 1)
    pad = np.zeros((n, l), dtype=bool)
    pad[1, -5:] = True
    xt, xs = torch.tensor(x, requires_grad=True), torsh.tensor(x, requires_grad=True)
    kt = dict(key_padding_mask=torch.tensor(pad)) if kpm else {}
    ks = dict(key_padding_mask=torsh.tensor(pad)) if kpm else {}
    ot, wt = mt(xt, xt, xt, attn_mask=torch.tensor(am), need_weights=False, **kt)
    os_, ws = ms(xs, xs, xs, attn_mask=torsh.tensor(am), need_weights=False, **ks)
    assert wt is None and ws is None
    np.testing.assert_allclose(os_.detach().numpy(), ot.detach().numpy(), rtol=1e-10, atol=1e-12)
    ot.sum().backward()
    os_.sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-11)
    for (name, pt), (_, ps) in zip(mt.named_parameters(), ms.named_parameters()):
        np.testing.assert_allclose(ps.grad.numpy(), pt.grad.numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=name)


def test_logsumexp_output_gets_its_gradient():
    """The fused op's second output is the scores' logsumexp; its gradient (p per score) joins
    the output's."""
    arrays = [rnd((2, 70, 4), 11), rnd((2, 9, 4), 12), rnd((2, 9, 3), 13)]
    xt = [torch.tensor(a, requires_grad=True) for a in arrays]
    xs = [torsh.tensor(a, requires_grad=True) for a in arrays]
    rt, lt = reference(*xt)
    rs, ls = FUSED(*xs)
    w = rnd((2, 70), 14)
    gt = torch.autograd.grad(rt.sum() + (lt * torch.tensor(w)).sum(), xt)
    gs = torsh.autograd.grad(rs.sum() + (ls * torsh.tensor(w)).sum(), xs)
    for a, b in zip(gt, gs):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-10, atol=1e-12)
    # the logsumexp alone, and through double backward
    gl = torsh.autograd.grad((FUSED(*xs)[1] * torsh.tensor(w)).sum(), xs[0])[0]
    np.testing.assert_allclose(gl.numpy(), torch.autograd.grad(
        (reference(*xt)[1] * torch.tensor(w)).sum(), xt[0])[0].numpy(), rtol=1e-10, atol=1e-12)
    small = [torsh.tensor(rnd(s, 20 + i), requires_grad=True)
             for i, s in enumerate(((1, 3, 2), (1, 4, 2), (1, 4, 2)))]
    assert torsh.autograd.gradgradcheck(lambda q, k, v: FUSED(q, k, v)[1], small)


def test_mask_broadcasting_beyond_the_batch_uses_the_formula():
    q, k, v = (torsh.tensor(rnd(s, i)) for i, s in enumerate(((2, 3, 4), (2, 5, 4), (2, 5, 4))))
    m = torsh.ones(6, 2, 3, 5, dtype=torsh.bool)
    out = SF.scaled_dot_product_attention(q, k, v, attn_mask=m)
    assert tuple(out.shape) == (6, 2, 3, 4)
    np.testing.assert_allclose(out[0].numpy(), SF.scaled_dot_product_attention(q, k, v).numpy(),
                               rtol=1e-12, atol=1e-12)
    with pytest.raises(RuntimeError, match="gives attn_mask no gradient"):
        FUSED(q, k, v, attn_mask=torsh.zeros(3, 5, dtype=torsh.float64, requires_grad=True))
