"""Regression tests against torch for autograd defects: values saved for gradients that are never
computed (false "modified by an inplace operation" errors), activation checkpointing (captured
tensors, both modes, RNG state) and the CPU generator state API."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint

import torsh
import torsh.utils.checkpoint
from conftest import record

LIBS = (torch, torsh)


def arr(shape, seed):
    return np.random.default_rng(seed).uniform(-1.5, 1.5, shape)


def t(m, a, requires_grad=False):
    x = m.from_numpy(np.array(a, dtype=np.float64))
    if requires_grad:
        x.requires_grad_(True)
    return x


def outcome(fn, m):
    """fn(m) as ("ok", result) or ("error", exception type)."""
    try:
        return "ok", fn(m)
    except (RuntimeError, ValueError, TypeError) as e:
        return "error", type(e)


def same_outcome(fn, tol=1e-10):
    """fn behaves alike in torch and torsh: both raise the same exception type, or both return
    the same tensors (None where torch gives None)."""
    record("autograd_defects")
    (kt, rt), (ks, rs) = outcome(fn, torch), outcome(fn, torsh)
    assert (kt, rt if kt == "error" else None) == (ks, rs if ks == "error" else None), (rt, rs)
    if kt == "ok":
        rt = rt if isinstance(rt, (tuple, list)) else (rt,)
        rs = rs if isinstance(rs, (tuple, list)) else (rs,)
        assert len(rt) == len(rs)
        for a, b in zip(rt, rs):
            if a is None or b is None:
                assert a is None and b is None, (a, b)
            else:
                np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=tol,
                                           atol=tol)
    return kt


# ---- saved values only for gradients that will be computed -----------------------------------

def _setitem_chain(m):
    x = t(m, arr((4, 4), 0), True)
    y = x.clone()
    y[1:3, ::2] = 5.0
    y[0] = y[3] * 2
    y.sum().backward()
    return x.grad


def _mul_modify(which):
    def f(m):
        a = t(m, arr((3, 4), 1), True)
        b = t(m, arr((3, 4), 2))
        a2 = a.clone()
        c = a2 * b  # only a2's gradient is computed: needs b, not a2
        (a2 if which == "unneeded" else b).add_(1.0)
        (c * c).sum().backward()
        return a.grad
    return f


def _div_modify(which):
    def f(m):
        a = t(m, arr((3, 4), 3), True)
        b = t(m, arr((3, 4), 4)) + 3.0
        a2 = a.clone()
        c = a2 / b  # only self's gradient: grad / other
        (a2 if which == "unneeded" else b).mul_(2.0)
        c.sum().backward()
        return a.grad
    return f


def _divisor_grad_only(m):
    a = t(m, arr((3, 4), 5))
    b = t(m, arr((3, 4), 6), True)
    b2 = b + 3.0
    a2 = a.clone()
    c = a2 / b2  # only other's gradient: needs self and other
    a2.mul_(2.0)  # self is needed: torch raises
    c.sum().backward()
    return b.grad


def _pow_result(m):
    base = t(m, arr((5,), 7), True)
    e = t(m, arr((5,), 8))
    r = (base + 2.0).pow(e)  # the exponent needs no gradient: result is not saved
    r.mul_(3.0)
    r.sum().backward()
    return base.grad


def _pow_result_needed(m):
    base = t(m, arr((5,), 9)) + 2.0
    e = t(m, arr((5,), 10), True)
    r = base.pow(e)  # the exponent's gradient needs result
    r.mul_(3.0)
    r.sum().backward()
    return e.grad


def _mm_modify(m):
    a = t(m, arr((3, 4), 11), True)
    w = t(m, arr((4, 2), 12))
    a2 = a.clone()
    h = a2.mm(w)  # only self's gradient: needs mat2, not self
    a2.zero_()
    h.sum().backward()
    return a.grad


def _mm_mat2_only(m):
    a = t(m, arr((3, 4), 13))
    w = t(m, arr((4, 2), 14), True)
    w2 = w * 1.0
    h = a.mm(w2)  # only mat2's gradient: needs self, not mat2
    w2.zero_()
    h.sum().backward()
    return w.grad


def _inplace_mul(m):
    a = t(m, arr((3, 4), 15), True)
    b = t(m, arr((3, 4), 16))
    y = a.clone()
    y.mul_(b)  # self's gradient needs other only; the old self is not kept
    z = y * b  # needs b only
    y.add_(1.0)
    (z + y).sum().backward()
    return a.grad


def _where_unused_branch(m):
    c = t(m, arr((6,), 17)) > 0
    a = t(m, arr((6,), 18), True)
    b = t(m, arr((6,), 19))
    a2 = a.clone()
    r = m.where(c, a2, b)
    b.add_(1.0)  # where saves only the condition
    a2.add_(1.0)
    r.sum().backward()
    return a.grad


def _clamp_tensor_bounds(m):
    x = t(m, arr((6,), 20), True)
    lo = t(m, arr((6,), 21)) - 1.0
    hi = t(m, arr((6,), 22)) + 1.0
    r = x.clamp(lo, hi)
    lo.add_(0.5)  # x's gradient needs min and max: torch raises
    r.sum().backward()
    return x.grad


@pytest.mark.parametrize("fn", [
    _setitem_chain, _mul_modify("unneeded"), _mul_modify("needed"), _div_modify("unneeded"),
    _div_modify("needed"), _divisor_grad_only, _pow_result, _pow_result_needed, _mm_modify,
    _mm_mat2_only, _inplace_mul, _where_unused_branch, _clamp_tensor_bounds,
], ids=["setitem_chain", "mul_unneeded", "mul_needed", "div_unneeded", "div_needed",
        "divisor_grad_only", "pow_result", "pow_result_needed", "mm_self_only", "mm_mat2_only",
        "inplace_mul", "where_branch", "clamp_tensor_bounds"])
def test_saves_only_what_computed_gradients_need(fn):
    same_outcome(fn)


def test_brief_example_runs_in_both():
    # The case from the defect report must work (torch does), not merely match.
    assert same_outcome(_setitem_chain) == "ok"


# ---- generator state --------------------------------------------------------------------------

def _draws(m):
    m.manual_seed(1234)
    m.rand(3)
    m.randn(5)  # leaves a cached normal sample
    m.randn(3, dtype=m.float64)


def test_get_rng_state_matches_torch_bytes():
    record("rng_state")
    for m in LIBS:
        _draws(m)
    st, ss = torch.get_rng_state(), torsh.get_rng_state()
    assert ss.dtype == torsh.uint8 and tuple(ss.shape) == tuple(st.shape)
    np.testing.assert_array_equal(ss.numpy(), st.numpy())
    g_t, g_s = torch.Generator().manual_seed(5), torsh.Generator().manual_seed(5)
    np.testing.assert_array_equal(g_s.get_state().numpy(), g_t.get_state().numpy())


def test_set_rng_state_replays_like_torch():
    record("rng_state")
    _draws(torch)
    state = torch.get_rng_state()
    expect = (torch.randn(7), torch.rand(4, dtype=torch.float64))
    for m in LIBS:
        m.manual_seed(99)
        m.randn(11)
    torsh.set_rng_state(torsh.from_numpy(state.numpy().copy()))
    torch.set_rng_state(state)
    assert torsh.initial_seed() == torch.initial_seed()
    got = (torsh.randn(7), torsh.rand(4, dtype=torsh.float64))
    again = (torch.randn(7), torch.rand(4, dtype=torch.float64))
    for e, a, g in zip(expect, again, got):
        np.testing.assert_array_equal(g.numpy(), e.numpy())
        np.testing.assert_array_equal(g.numpy(), a.numpy())
    # Generator objects: get_state / set_state round trip.
    g = torsh.Generator().manual_seed(3)
    s = g.get_state()
    first = torsh.rand(4, generator=g)
    g.set_state(s)
    np.testing.assert_array_equal(torsh.rand(4, generator=g).numpy(), first.numpy())


@pytest.mark.parametrize("bad", ["float", "short", "garbage"])
def test_set_rng_state_rejects_bad_states_like_torch(bad):
    def f(m):
        s = m.get_rng_state()
        if bad == "float":
            s = s.to(m.float32)
        elif bad == "short":
            s = s[:100].clone()
        else:
            s = s.clone()
            s[8:12] = 0  # left = 0: not a valid mt19937 state
        m.set_rng_state(s)
    same_outcome(f)


# ---- checkpoint -------------------------------------------------------------------------------

def ckpt(m):
    return m.utils.checkpoint.checkpoint


def _captured(reentrant, kind, outside=False):
    def f(m):
        x = t(m, arr((3, 3), 30), True)
        p = t(m, arr((3, 3), 31), True)
        w = p if kind == "leaf" else p.exp()
        out = ckpt(m)(lambda a: (a @ w).tanh() @ w, x, use_reentrant=reentrant)
        loss = out.sum()
        if outside:
            loss = loss + (w * w).sum()
        loss.backward()
        return x.grad, p.grad
    return f


@pytest.mark.parametrize("reentrant", [True, False])
@pytest.mark.parametrize("kind,outside", [("leaf", False), ("leaf", True), ("nonleaf", False),
                                          ("nonleaf", True)])
def test_checkpoint_gives_captured_tensors_gradients(reentrant, kind, outside):
    kt = same_outcome(_captured(reentrant, kind, outside))
    if kind == "leaf" or not outside or not reentrant:
        assert kt == "ok"


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_input_sharing_a_captured_parameter(reentrant):
    # The checkpointed input depends on w, which the function also captures: w's gradient
    # arrives both through the recomputation and through the outer graph.
    def f(m):
        x = t(m, arr((2, 3), 32), True)
        w = t(m, arr((3, 3), 33), True)
        h = (x @ w).tanh()
        out = ckpt(m)(lambda a: (a @ w).sigmoid() * a, h, use_reentrant=reentrant)
        (out.sum() + h.sum()).backward()
        return x.grad, w.grad
    assert same_outcome(f) == "ok"


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_matches_plain_gradients(reentrant):
    def f(m, use):
        x = t(m, arr((3, 4), 34), True)
        w = t(m, arr((4, 4), 35), True)
        b = t(m, arr((4,), 36), True)
        fn = lambda a, bias: ((a @ w + bias).tanh() @ w).exp()  # noqa: E731
        out = ckpt(m)(fn, x, b, use_reentrant=reentrant) if use else fn(x, b)
        out.sum().backward()
        return x.grad, w.grad, b.grad
    plain = f(torsh, False)
    got = f(torsh, True)
    for a, b in zip(plain, got):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-12, atol=1e-12)
    same_outcome(lambda m: f(m, True))


@pytest.mark.parametrize("reentrant", [True, False])
@pytest.mark.parametrize("preserve", [True, False])
def test_checkpoint_rng_state_like_torch(reentrant, preserve):
    # A random op inside the checkpoint: recomputation sees the forward's random numbers when
    # preserve_rng_state=True, and the generator continues after backward as in torch.
    def f(m):
        m.manual_seed(2024)
        x = t(m, arr((4, 5), 37), True)
        w = t(m, arr((5, 5), 38), True)

        def fn(a):
            keep = m.rand(a.shape, dtype=m.float64)
            return ((a @ w) * keep).tanh() @ w
        out = ckpt(m)(fn, x, use_reentrant=reentrant, preserve_rng_state=preserve)
        m.rand(3)  # the generator moves on between forward and backward
        out.sum().backward()
        after = m.rand(6, dtype=m.float64)
        return x.grad, w.grad, after
    same_outcome(f, tol=1e-12)


def test_checkpoint_preserved_rng_matches_plain_run():
    def f(use):
        torsh.manual_seed(7)
        x = t(torsh, arr((3, 3), 39), True)

        def fn(a):
            return (a * torsh.rand(a.shape, dtype=torsh.float64)).exp()
        out = ckpt(torsh)(fn, x) if use else fn(x)
        out.sum().backward()
        return x.grad
    np.testing.assert_allclose(f(True).numpy(), f(False).numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_with_autograd_grad_like_torch(reentrant):
    # torch refuses .grad() through a reentrant checkpoint; the non-reentrant one supports it.
    def f(m):
        x = t(m, arr((3,), 40), True)
        w = t(m, arr((3,), 41), True)
        out = ckpt(m)(lambda a: (a * w).exp(), x, use_reentrant=reentrant)
        return m.autograd.grad(out.sum(), [x, w])
    same_outcome(f)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_backward_with_inputs_like_torch(reentrant):
    def f(m):
        x = t(m, arr((3,), 42), True)
        w = t(m, arr((3,), 43), True)
        out = ckpt(m)(lambda a: (a * w).tanh(), x, use_reentrant=reentrant)
        out.sum().backward(inputs=[w])
        return x.grad, w.grad
    same_outcome(f)


def test_checkpoint_non_reentrant_double_backward():
    def f(m):
        x = t(m, arr((4,), 44), True)
        w = t(m, arr((4,), 45), True)
        out = ckpt(m)(lambda a: (a * w).exp() * a, x, use_reentrant=False)
        gx, = m.autograd.grad(out.sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        return x.grad, w.grad
    assert same_outcome(f) == "ok"


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_kwargs_and_non_tensor_args_like_torch(reentrant):
    def f(m):
        x = t(m, arr((3,), 46), True)
        out = ckpt(m)(lambda a, k, scale=1.0: (a * k * scale).exp(), x, 3, scale=0.5,
                      use_reentrant=reentrant)
        out.sum().backward()
        return x.grad
    same_outcome(f)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_no_input_requires_grad_like_torch(reentrant):
    # Reentrant: the output does not require grad (torch warns), so backward raises.
    # Non-reentrant: the captured w still gets its gradient.
    def f(m):
        x = t(m, arr((3,), 47))
        w = t(m, arr((3,), 48), True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = ckpt(m)(lambda a: (a * w).exp(), x, use_reentrant=reentrant)
        out.sum().backward()
        return w.grad
    same_outcome(f)


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_tuple_output_one_unused(reentrant):
    def f(m):
        x = t(m, arr((3,), 49), True)
        w = t(m, arr((3,), 50), True)
        a, b = ckpt(m)(lambda v: ((v * w).exp(), (v + w).tanh()), x, use_reentrant=reentrant)
        a.sum().backward()
        return x.grad, w.grad
    same_outcome(f)


@pytest.mark.parametrize("outer,inner", [(True, True), (False, False), (False, True),
                                         (True, False)])
def test_nested_checkpoints_like_torch(outer, inner):
    def f(m):
        x = t(m, arr((2, 3), 51), True)
        w = t(m, arr((3, 3), 52), True)

        def block(a):
            h = ckpt(m)(lambda b: (b @ w).tanh(), a, use_reentrant=inner)
            return (h @ w).sigmoid() * h
        out = ckpt(m)(block, x, use_reentrant=outer)
        out.sum().backward()
        return x.grad, w.grad
    same_outcome(f)


# ---- saved tensor hooks -----------------------------------------------------------------------

def test_saved_tensors_hooks_like_torch():
    # Tensors go through pack/unpack (here: to numpy and back); gradients, first and second
    # order, match torch, and the same tensors are packed.
    def f(m):
        shapes = []

        def pack(x):
            shapes.append(tuple(x.shape))
            return x.detach().numpy().copy()

        def unpack(a):
            return m.from_numpy(a)
        x = t(m, arr((3,), 53), True)
        w = t(m, arr((3,), 54), True)
        with m.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = ((x * w).exp() * x).sum()
        gx, = m.autograd.grad(y, x, create_graph=True)
        (gx * gx).sum().backward()
        return x.grad, w.grad, m.tensor(sorted(shapes), dtype=m.float64)
    assert same_outcome(f) == "ok"


def test_saved_tensors_hooks_skip_version_checks_like_torch():
    # With hooks, a packed tensor is not version-checked: what unpack returns is used.
    def f(m):
        a = t(m, arr((4,), 55), True)
        b = t(m, arr((4,), 56), True)
        with m.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
            a2 = a * 1.0
            y = (a2 * b).sum()
        with m.no_grad():
            a2.mul_(2.0)
        y.backward()
        return a.grad, b.grad
    assert same_outcome(f) == "ok"


def test_saved_tensors_unpack_hook_must_return_a_tensor():
    def f(m):
        a = t(m, arr((4,), 57), True)
        with m.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: 3):
            y = (a * a).sum()
        y.backward()
        return a.grad
    same_outcome(f)
