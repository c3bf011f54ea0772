"""The nn functional ops of the table (linear, softmax/log_softmax, activations, dropout,
layer_norm, embedding, losses) against torch 1.13: values, dtypes, gradients (first and, where
torch has them, second order), gradcheck/gradgradcheck in float64, and torch's exception types."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import torsh
from conftest import record

RED = {"none": 0, "mean": 1, "sum": 2}


def rnd(shape, seed=0, lo=-3.0, hi=3.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def both(a, requires_grad=False, dtype="float64"):
    t = torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    s = torsh.tensor(a, dtype=getattr(torsh, dtype), requires_grad=requires_grad)
    return t, s


def close(a, b, what, rtol=1e-6, atol=1e-7):
    record(what)
    a = a.detach().float().numpy() if a.dtype in (torch.float16, torch.bfloat16) else \
        a.detach().numpy()
    b = b.detach().float().numpy() if b.dtype in (torsh.float16, torsh.bfloat16) else \
        b.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def check_grads(name, ft, fs, arrays, grad_of=None, second=True):
    """Values, first derivatives of a weighted sum, and (second) the derivative of the gradients'
    squared norm, torch vs torsh, in float64."""
    grad_of = grad_of if grad_of is not None else range(len(arrays))
    ts, ss = [], []
    for i, a in enumerate(arrays):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            t, s = both(a, requires_grad=i in grad_of)
        else:
            t, s = torch.tensor(a), torsh.tensor(a)
        ts.append(t)
        ss.append(s)
    rt, rs = ft(*ts), fs(*ss)
    close(rt, rs, name)
    w = rnd(tuple(rt.shape), 99)
    wt, ws = both(w)
    xt = [ts[i] for i in grad_of]
    xs = [ss[i] for i in grad_of]
    gt = torch.autograd.grad((rt * wt).sum(), xt, create_graph=second)
    gs = torsh.autograd.grad((rs * ws).sum(), xs, create_graph=second)
    for a, b in zip(gt, gs):
        close(a, b, name + " grad")
    if second and all(g.requires_grad for g in gt):
        ht = torch.autograd.grad(sum((g * g).sum() for g in gt), xt, allow_unused=True)
        hs = torsh.autograd.grad(sum((g * g).sum() for g in gs), xs, allow_unused=True)
        for a, b in zip(ht, hs):
            if a is not None:
                close(a, b, name + " grad2", rtol=1e-5, atol=1e-6)


ACTIVATIONS = [
    ("gelu", lambda x: F.gelu(x), lambda x: torsh.gelu(x)),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: torsh.gelu(x, approximate="tanh")),
    ("silu", F.silu, torsh.silu),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2), lambda x: torsh.leaky_relu(x, 0.2)),
    ("elu", lambda x: F.elu(x, 0.7), lambda x: torsh.elu(x, 0.7)),
    ("softplus", lambda x: F.softplus(x, 2, 3), lambda x: torsh.softplus(x, 2, 3)),
    ("hardtanh", lambda x: F.hardtanh(x, -0.5, 1.5), lambda x: torsh.hardtanh(x, -0.5, 1.5)),
    ("softmax", lambda x: F.softmax(x, 1), lambda x: torsh.softmax(x, 1)),
    ("log_softmax", lambda x: F.log_softmax(x, 0), lambda x: torsh.log_softmax(x, 0)),
    ("softmax_neg_dim", lambda x: x.softmax(-1), lambda x: x.softmax(-1)),
]


@pytest.mark.parametrize("name,ft,fs", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation(name, ft, fs):
    x = rnd((5, 7), 1)
    check_grads(name, ft, fs, [x])
    x[0, :3] = [0.0, 1e-9, -40.0]  # kinks: first derivatives only (torch's second ones there
    check_grads(name, ft, fs, [x], second=False)  # are its own convention)
    # float32, a transposed input, special values
    sp = np.array([[np.nan, np.inf, -np.inf, 0.0, -0.0, 30.0, -30.0]])
    for arr in (x.astype(np.float32), sp.astype(np.float32)):
        t, s = torch.from_numpy(arr), torsh.from_numpy(arr)
        close(ft(t), fs(s), name + " float32", rtol=2e-6, atol=1e-6)
        close(ft(t.t()), fs(s.t()), name + " transposed", rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name,ft,fs", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_gradcheck(name, ft, fs):
    x = torsh.tensor(rnd((3, 4), 2), dtype=torsh.float64, requires_grad=True)
    assert torsh.autograd.gradcheck(fs, (x,))
    assert torsh.autograd.gradgradcheck(fs, (x,))


def test_activation_dtypes_and_errors():
    for dt in ("bfloat16", "float16"):
        a = rnd((4, 6), 3).astype(np.float32)
        t, s = torch.from_numpy(a).to(getattr(torch, dt)), torsh.from_numpy(a).to(getattr(torsh, dt))
        for name, ft, fs in ACTIVATIONS[:5]:
            try:
                ref = ft(t)
            except RuntimeError:  # torch 1.13 lacks some float16 CPU kernels
                ref = ft(t.float()).to(t.dtype)
            close(ref, fs(s), f"{name} {dt}", rtol=1e-2, atol=1e-2)
    i = torch.arange(4), torsh.arange(4)
    for ft, fs in ((F.gelu, torsh.gelu), (F.silu, torsh.silu), (lambda x: F.softmax(x, 0),
                                                                 lambda x: torsh.softmax(x, 0))):
        with pytest.raises(RuntimeError):
            ft(i[0])
        with pytest.raises(RuntimeError):
            fs(i[1])
    with pytest.raises(RuntimeError):
        torsh.gelu(torsh.ones(2), approximate="fast")
    with pytest.raises(IndexError):
        torsh.softmax(torsh.ones(2, 3), 2)
    # softmax with dtype= converts first
    a = rnd((3, 4), 4).astype(np.float32)
    close(torch.softmax(torch.from_numpy(a), 1, dtype=torch.float64),
          torsh.softmax(torsh.from_numpy(a), 1, dtype=torsh.float64), "softmax dtype")
    # in-place and out= variants
    x = torsh.from_numpy(a.copy())
    r = x.leaky_relu_(0.3)
    assert r is x
    close(F.leaky_relu(torch.from_numpy(a), 0.3), x, "leaky_relu_")
    o = torsh.empty(0)
    assert torsh.leaky_relu(torsh.from_numpy(a), 0.1, out=o) is o


def test_linear():
    x, w, b = rnd((3, 5), 5), rnd((4, 5), 6), rnd((4,), 7)
    check_grads("linear", F.linear, torsh.linear, [x, w, b])
    check_grads("linear no bias", F.linear, torsh.linear, [x, w])
    x3 = rnd((2, 3, 5), 8)
    check_grads("linear 3d", F.linear, torsh.linear, [x3, w, b])
    check_grads("linear 1d", F.linear, torsh.linear, [rnd((5,), 9), w, b])
    with pytest.raises(RuntimeError):
        F.linear(torch.ones(3, 4), torch.ones(4, 5))
    with pytest.raises(RuntimeError):
        torsh.linear(torsh.ones(3, 4), torsh.ones(4, 5))


def test_layer_norm():
    x, w, b = rnd((4, 3, 6), 10), rnd((3, 6), 11), rnd((3, 6), 12)
    check_grads("layer_norm", lambda x, w, b: F.layer_norm(x, (3, 6), w, b, 1e-5),
                lambda x, w, b: torsh.layer_norm(x, [3, 6], w, b, 1e-5), [x, w, b])
    check_grads("layer_norm no affine", lambda x: F.layer_norm(x, (6,)),
                lambda x: torsh.layer_norm(x, [6]), [x])
    with pytest.raises(RuntimeError):
        F.layer_norm(torch.ones(2, 3), (4,))
    with pytest.raises(RuntimeError):
        torsh.layer_norm(torsh.ones(2, 3), [4])


def test_embedding():
    w = rnd((6, 3), 13)
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    check_grads("embedding", lambda w, i: F.embedding(i, w), lambda w, i: torsh.embedding(w, i),
                [w, idx], grad_of=[0])
    for pad, freq in ((2, False), (None, True), (1, True)):
        tw, sw = both(w, True)
        rt = F.embedding(torch.tensor(idx), tw, padding_idx=pad, scale_grad_by_freq=freq)
        rs = torsh.embedding(sw, torsh.tensor(idx), -1 if pad is None else pad, freq)
        close(rt, rs, "embedding pad")
        gw = rnd(tuple(rt.shape), 14)
        (gt,) = torch.autograd.grad((rt * torch.tensor(gw)).sum(), tw)
        (gs,) = torsh.autograd.grad((rs * torsh.tensor(gw)).sum(), sw)
        close(gt, gs, f"embedding grad pad={pad} freq={freq}")
    with pytest.raises(RuntimeError):
        torsh.embedding(torsh.ones(3, 2), torsh.ones(2))
    with pytest.raises(IndexError):
        torsh.embedding(torsh.ones(3, 2), torsh.tensor([3]))


def test_dropout_matches_torch_stream():
    a = rnd((64, 33), 15)
    for p in (0.0, 0.3, 0.5, 1.0):
        torch.manual_seed(11)
        torsh.manual_seed(11)
        t, s = both(a, True)
        rt, rs = F.dropout(t, p), torsh.dropout(s, p, True)
        close(rt, rs, f"dropout p={p}")
        (gt,) = torch.autograd.grad(rt.sum(), t)
        (gs,) = torsh.autograd.grad(rs.sum(), s)
        close(gt, gs, f"dropout grad p={p}")
    x = torsh.ones(3)
    assert torsh.dropout(x, 0.5, False).data_ptr() == x.data_ptr()  # eval: the input itself
    with pytest.raises(RuntimeError):
        torsh.dropout(x, 1.5, True)


def test_regression_losses():
    x, y = rnd((4, 5), 16), rnd((4, 5), 17)
    for red in ("none", "mean", "sum"):
        for name, ft, fs in (
                ("mse", F.mse_loss, torsh.mse_loss), ("l1", F.l1_loss, torsh.l1_loss),
                ("smooth_l1", lambda a, b, reduction: F.smooth_l1_loss(a, b, reduction=reduction,
                                                                      beta=0.5),
                 lambda a, b, r: torsh.smooth_l1_loss(a, b, r, 0.5)),
                ("huber", lambda a, b, reduction: F.huber_loss(a, b, reduction=reduction,
                                                              delta=0.7),
                 lambda a, b, r: torsh.huber_loss(a, b, r, 0.7))):
            # second order: only mse against torch (torch 1.13's abs double backward, through
            # its real sgn backward, is wrong for non-unit gradients); gradgradcheck below
            check_grads(f"{name} {red}", lambda a, b: ft(a, b, reduction=red),
                        lambda a, b: fs(a, b, RED[red]), [x, y], second=name == "mse")
            xs = torsh.tensor(x[:2, :3], requires_grad=True)
            ys = torsh.tensor(y[:2, :3])
            assert torsh.autograd.gradgradcheck(lambda a: fs(a, ys, RED[red]), (xs,))


def test_classification_losses():
    x = rnd((6, 5), 18)
    tgt = np.array([1, 0, 4, 2, 3, 4])
    wc = rnd((5,), 19, 0.1, 2.0)
    for red in ("none", "mean", "sum"):
        r = RED[red]
        # nll is linear in its input: no second derivative to compare (torch's gradient still
        # requires grad through its backward op; torsh's does not)
        check_grads(f"nll {red}", lambda a, t: F.nll_loss(a, t, reduction=red),
                    lambda a, t: torsh.nll_loss(a, t, None, r), [x, tgt], grad_of=[0],
                    second=False)
        check_grads(f"nll weight ignore {red}",
                    lambda a, t, w: F.nll_loss(a, t, w, reduction=red, ignore_index=4),
                    lambda a, t, w: torsh.nll_loss(a, t, w, r, 4), [x, tgt, wc], grad_of=[0],
                    second=False)
        for ls in (0.0, 0.2):
            check_grads(f"ce {red} ls={ls}",
                        lambda a, t, w: F.cross_entropy(a, t, w, reduction=red,
                                                        label_smoothing=ls, ignore_index=0),
                        lambda a, t, w: torsh.cross_entropy_loss(a, t, w, r, 0, ls),
                        [x, tgt, wc], grad_of=[0])
        probs = np.exp(rnd((6, 5), 20))
        probs /= probs.sum(1, keepdims=True)
        check_grads(f"ce probs {red}", lambda a, p: F.cross_entropy(a, p, reduction=red),
                    lambda a, p: torsh.cross_entropy_loss(a, p, None, r), [x, probs])
        # [N, C, d] inputs
        x3, t3 = rnd((2, 4, 3), 21), np.array([[0, 3, 1], [2, 2, 0]])
        check_grads(f"ce 3d {red}", lambda a, t: F.cross_entropy(a, t, reduction=red),
                    lambda a, t: torsh.cross_entropy_loss(a, t, None, r), [x3, t3],
                    grad_of=[0])
        p, y = 1 / (1 + np.exp(-x)), rnd((6, 5), 22, 0, 1)
        check_grads(f"bce {red}", lambda a, b: F.binary_cross_entropy(a, b, reduction=red),
                    lambda a, b: torsh.binary_cross_entropy(a, b, None, r), [p, y])
        pw = rnd((5,), 23, 0.5, 2)
        check_grads(f"bce logits {red}",
                    lambda a, b, w: F.binary_cross_entropy_with_logits(a, b, pos_weight=w,
                                                                       reduction=red),
                    lambda a, b, w: torsh.binary_cross_entropy_with_logits(a, b, None, w, r),
                    [x, y, pw], grad_of=[0, 1])
        lp = x - np.log(np.exp(x).sum(1, keepdims=True))
        check_grads(f"kl {red}", lambda a, b: F.kl_div(a, b, reduction=red),
                    lambda a, b: torsh.kl_div(a, b, r), [lp, probs])
        check_grads(f"kl log_target {red}",
                    lambda a, b: F.kl_div(a, b, reduction=red, log_target=True),
                    lambda a, b: torsh.kl_div(a, b, r, log_target=True), [lp, np.log(probs)])


def test_loss_errors():
    x = torsh.zeros(3, 4)
    for bad in (torsh.tensor([0, 4, 1]), torsh.tensor([-1, 0, 1])):
        with pytest.raises((IndexError, RuntimeError)):
            torsh.nll_loss(x, bad)
    with pytest.raises(RuntimeError):
        torsh.nll_loss(x, torsh.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="Expected input batch_size"):  # as F.nll_loss
        torsh.nll_loss(x, torsh.tensor([0, 1]))
    with pytest.raises(RuntimeError):
        torsh.binary_cross_entropy(torsh.tensor([1.5]), torsh.tensor([1.0]))
    with pytest.raises(RuntimeError):
        torsh.binary_cross_entropy_with_logits(torsh.ones(3), torsh.ones(2))
    # every target ignored: torch's mean is NaN
    r = torsh.nll_loss(x, torsh.tensor([-100, -100, -100]))
    assert np.isnan(r.item())


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
@pytest.mark.parametrize("name,ft,fs", ACTIVATIONS[:7], ids=[a[0] for a in ACTIVATIONS[:7]])
def test_activation_same_bits_on_every_layout(name, ft, fs, dtype):
    """The activations' functors give the same bits for the same values whatever the layout
    (contiguous, transposed, stepped, expanded), as every pointwise op of the table."""
    a = rnd((37, 19), 30)
    a[0, :4] = [np.nan, np.inf, -np.inf, 0.0]
    x = torsh.from_numpy(a).to(getattr(torsh, dtype))
    ref = fs(x).float().numpy().tobytes()
    wide = torsh.zeros(37, 38, dtype=x.dtype)
    wide[:, ::2] = x
    for label, v in (("transposed", x.t().contiguous().t()), ("stepped", wide[:, ::2])):
        record(name + " layouts")
        assert fs(v).float().numpy().tobytes() == ref, f"{name} {label}"
    row = x[3:4]
    assert fs(row.expand(37, 19)).float().numpy().tobytes() == \
        fs(row.expand(37, 19).contiguous()).float().numpy().tobytes()


def test_bce_gradient_at_zero_and_one():
    """torch's formula: finite gradients where the input is exactly 0 or 1 (sigmoid saturates
    there in float32)."""
    x, t = [0.0, 1.0, 0.5, 1e-30], [0.0, 1.0, 1.0, 1.0]
    for red in ("none", "mean", "sum"):
        res = []
        for lib, f in ((torch, lambda a, b: F.binary_cross_entropy(a, b, reduction=red)),
                       (torsh, lambda a, b: torsh.binary_cross_entropy(a, b, None, RED[red]))):
            a = lib.tensor(x, dtype=lib.float64, requires_grad=True)
            out = f(a, lib.tensor(t, dtype=lib.float64))
            (g,) = lib.autograd.grad(out.sum(), a)
            res.append((out.detach().tolist(), g.tolist()))
        record("bce edges")
        np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-12)
        np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-12)
        assert np.isfinite(res[1][1]).all()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ls", [0.0, 0.1])
def test_all_targets_ignored(weighted, ls):
    """Every target equal to ignore_index: the mean is NaN as torch's, the gradients zero (not
    NaN), so a padding-only batch does not poison the parameters."""
    x = rnd((3, 4), 31)
    w = rnd((4,), 32, 0.5, 2)
    res = []
    for lib in (torch, torsh):
        a = lib.tensor(x, dtype=lib.float64, requires_grad=True)
        tgt = lib.full((3,), 2, dtype=lib.int64)
        wt = lib.tensor(w, dtype=lib.float64) if weighted else None
        if lib is torch:
            out = F.cross_entropy(a, tgt, wt, ignore_index=2, label_smoothing=ls)
        else:
            out = torsh.cross_entropy_loss(a, tgt, wt, 1, 2, ls)
        (g,) = lib.autograd.grad(out, a)
        res.append((out.item(), g.tolist()))
    record("ce all ignored")
    assert np.isnan(res[0][0]) and np.isnan(res[1][0])
    np.testing.assert_array_equal(res[1][1], res[0][1])


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "int64", "int32"])
@pytest.mark.parametrize("threshold", [0, 0.5, -1, 2])
def test_threshold_backward_against_aten(dtype, threshold):
    # ReLU's backward kernel: zero where self <= threshold (a NaN self lets grad through), with
    # aten's dtype and value on strided and broadcast inputs.
    gen = torch.Generator().manual_seed(11)
    g = (torch.randn(6, 9, generator=gen) * 10).to(getattr(torch, dtype))
    x = (torch.randn(6, 9, generator=gen) * 3).to(getattr(torch, dtype))
    x.view(-1)[::5] = 0
    if dtype.startswith("float"):
        x.view(-1)[3] = float("nan")
    tg = torsh.tensor(g.float().numpy()).to(getattr(torsh, dtype))
    tx = torsh.tensor(x.float().numpy()).to(getattr(torsh, dtype))
    cases = [((g, x), (tg, tx)), ((g.t(), x.t()), (tg.t(), tx.t())), ((g, x[:1]), (tg, tx[:1]))]
    for (gg, xx), (tgg, txx) in cases:  # contiguous, transposed, self broadcast along rows
        want = torch.ops.aten.threshold_backward(gg, xx, threshold)
        got = torsh.threshold_backward(tgg, txx, threshold)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_array_equal(got.float().numpy(), want.float().numpy())


CE_CASES = [  # (input shape, weight?, ignore_index, reduction)
    ((7, 5), False, -100, "mean"), ((7, 5), True, -100, "mean"), ((7, 5), True, 2, "sum"),
    ((7, 5), False, 1, "none"), ((33, 300), True, -100, "mean"), ((5,), False, -100, "mean"),
    ((5,), True, -100, "none"), ((0, 4), False, -100, "sum"), ((4, 3), False, 1, "mean"),
    ((16, 50), False, -100, "none"),  # logits spread over +-150: exp arguments below -87
]


@pytest.mark.parametrize("shape,weighted,ignore,reduction", CE_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropy_fused_rows(shape, weighted, ignore, reduction, dtype):
    # The fused kernel (class indices, [N, C] or [C]): torch's values and gradients; in torsh
    # the same bits as log_softmax + nll_loss, the two ops torch's cross_entropy is made of.
    rng = np.random.default_rng(sum(shape) + len(reduction))
    x = rng.normal(0, 50 if shape == (16, 50) else 3, shape)
    c = shape[-1]
    t = rng.integers(0, c, shape[:-1])
    if shape == (4, 3):
        t[:] = 1  # every target ignored: the mean is NaN, the gradient zero
    w = rng.uniform(0.2, 2, c) if weighted else None
    xa, xb = both(x, True, dtype)
    ta, tb = torch.tensor(t), torsh.tensor(t)
    wa, wb = (both(w, False, dtype) if weighted else (None, None))
    la = F.cross_entropy(xa, ta, weight=wa, ignore_index=ignore, reduction=reduction)
    lb = torsh.nn.functional.cross_entropy(xb, tb, weight=wb, ignore_index=ignore,
                                           reduction=reduction)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    assert tuple(lb.shape) == tuple(la.shape) and str(lb.dtype) == str(la.dtype)
    np.testing.assert_allclose(lb.detach().numpy(), la.detach().numpy(), **tol)
    composite = torsh.nn.functional.nll_loss(torsh.log_softmax(xb.detach(), -1), tb, weight=wb,
                                             ignore_index=ignore, reduction=reduction)
    if dtype == "float64":  # the same exp and sums: the same bits
        np.testing.assert_array_equal(lb.detach().numpy(), composite.numpy())
    else:  # float32 rows take a faster exp, within 2 ulp
        np.testing.assert_allclose(lb.detach().numpy(), composite.numpy(), rtol=1e-6, atol=1e-6)
    g = rng.normal(size=la.shape)
    la.backward(torch.tensor(g, dtype=la.dtype))
    lb.backward(torsh.tensor(g, dtype=lb.dtype))
    np.testing.assert_allclose(xb.grad.numpy(), xa.grad.numpy(), **tol)


def test_cross_entropy_fused_rows_second_order_and_errors():
    x = torsh.tensor(np.random.default_rng(3).normal(size=(4, 6)), requires_grad=True)
    t = torsh.tensor([0, 5, 2, 2])
    w = torsh.tensor(np.linspace(0.5, 2, 6))
    assert torsh.autograd.gradcheck(
        lambda v: torsh.nn.functional.cross_entropy(v, t, weight=w, ignore_index=2), (x,))
    assert torsh.autograd.gradgradcheck(
        lambda v: torsh.nn.functional.cross_entropy(v, t, weight=w, reduction="sum"), (x,))
    for lib in (torch, torsh):
        with pytest.raises(IndexError, match="Target 6 is out of bounds"):
            lib.nn.functional.cross_entropy(lib.zeros(3, 6), lib.tensor([0, 6, 1]))
        with pytest.raises(IndexError, match="Target -1 is out of bounds"):
            lib.nn.functional.cross_entropy(lib.zeros(3, 6), lib.tensor([0, -1, 1]))


def test_cross_entropy_fused_rows_edge_cases_against_torch():
    # An ignored row with large logits gets a zero gradient (not 0 * inf); targets whose weights
    # are all 0 make the mean's gradient NaN as torch's; the node is named as torch's.
    for dtype, big in (("float32", 100.0), ("float64", 800.0)):
        x = np.array([[big, 0.0, 1.0], [0.0, 1.0, 2.0]])
        t = np.array([-100, 1])
        xa, xb = both(x, True, dtype)
        la = F.cross_entropy(xa, torch.tensor(t))
        lb = torsh.nn.functional.cross_entropy(xb, torsh.tensor(t))
        assert lb.grad_fn.name() == la.grad_fn.name() == "NllLossBackward0"
        la.backward()
        lb.backward()
        np.testing.assert_allclose(xb.grad.numpy(), xa.grad.numpy(), rtol=1e-6, atol=1e-7)
        assert not np.signbit(xb.grad.numpy()[0]).any()
    x = rnd((3, 4), 7)
    w = np.array([0.0, 1.0, 1.0, 1.0])
    xa, xb = both(x, True)
    F.cross_entropy(xa, torch.tensor([0, 0, 0]), weight=torch.tensor(w)).backward()
    torsh.nn.functional.cross_entropy(xb, torsh.tensor([0, 0, 0]), weight=torsh.tensor(w)).backward()
    assert np.isnan(xa.grad.numpy()).all() and np.isnan(xb.grad.numpy()).all()
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument "
                                               "'weight'"):
            lib.nn.functional.cross_entropy(lib.zeros(2, 3), lib.tensor([0, 1]),
                                            weight=lib.ones(3, requires_grad=True))


def test_threshold_backward_converts_the_threshold_as_torch():
    g = torch.ones(3, dtype=torch.bfloat16)
    x = torch.tensor([0.1, 0.2, -1.0], dtype=torch.bfloat16)
    want = torch.ops.aten.threshold_backward(g, x, 0.1)  # 0.1 rounded to bfloat16 first
    got = torsh.threshold_backward(torsh.ones(3, dtype=torsh.bfloat16),
                                   torsh.tensor([0.1, 0.2, -1.0]).to(torsh.bfloat16), 0.1)
    np.testing.assert_array_equal(got.float().numpy(), want.float().numpy())
    for lib in (torch, torsh):
        i8 = lib.tensor([1, 2, 3], dtype=lib.int8)
        with pytest.raises(RuntimeError, match="value cannot be converted to type int8_t without "
                                               "overflow"):
            (torch.ops.aten.threshold_backward if lib is torch else torsh.threshold_backward)(
                i8, i8, 300)
