"""F.grid_sample, F.ctc_loss / nn.CTCLoss, F.fractional_max_pool2d/3d / nn.FractionalMaxPool2d/3d
and F.scaled_dot_product_attention against torch 1.13: values, dtypes, shapes, indices,
gradients (torch.autograd.grad vs torsh.autograd.grad), float64 gradcheck and exception types.

torch 1.13 has no scaled_dot_product_attention; it is checked against a float64 reference
composed in torch (matmul + softmax + F.dropout) and torch 1.13's private
F._scaled_dot_product_attention, and its errors against torch 2.x's documented exception types."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import torsh
import torsh.nn.functional as SF
from torsh.nn import _functional_attention
from conftest import record


def rnd(shape, seed=0, lo=-3.0, hi=3.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def pair(a, dtype="float64", requires_grad=False):
    t = torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    s = torsh.tensor(a, dtype=getattr(torsh, dtype), requires_grad=requires_grad)
    return t, s


def close(a, b, what, rtol=1e-7, atol=1e-10):
    record(what)
    assert str(a.dtype) == str(b.dtype), f"{what}: dtype {a.dtype} vs {b.dtype}"
    a, b = a.detach().numpy(), b.detach().numpy()
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def tols(dtype, scale=1.0):
    return dict(rtol=1e-4 * scale, atol=1e-5 * scale) if dtype == "float32" else \
        dict(rtol=1e-9 * scale, atol=1e-11 * scale)


def check_grads(what, rt, rs, xt, xs, dtype, scale=1.0, seed=99):
    """Gradients of a random weighting of the outputs w.r.t. the given inputs."""
    w = rnd(tuple(rt.shape), seed)
    wt, ws = pair(w, dtype)
    gt = torch.autograd.grad((rt * wt).sum(), xt)
    gs = torsh.autograd.grad((rs * ws).sum(), xs)
    for i, (a, b) in enumerate(zip(gt, gs)):
        close(a, b, f"{what} grad{i}", **tols(dtype, scale))


def raises_like(ft, fs):
    """torsh raises the exception type torch raises; returns torch's message."""
    with pytest.raises(Exception) as et:
        ft()
    with pytest.raises(Exception) as es:
        fs()
    assert type(es.value) is type(et.value), (es.value, et.value)
    return str(et.value), str(es.value)


# grid_sample

GRID_2D = [(m, p, a) for m in ("bilinear", "nearest", "bicubic")
           for p in ("zeros", "border", "reflection") for a in (False, True)]
GRID_3D = [(m, p, a) for m in ("bilinear", "nearest")
           for p in ("zeros", "border", "reflection") for a in (False, True)]


def _grid_case(dims, seed, spread=1.6):
    if dims == 4:
        return rnd((2, 3, 4, 5), seed), rnd((2, 6, 7, 2), seed + 1, -spread, spread)
    return rnd((2, 2, 3, 4, 5), seed), rnd((2, 3, 2, 4, 3), seed + 1, -spread, spread)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,padding,align", GRID_2D)
def test_grid_sample_2d(mode, padding, align, dtype):
    a, g = _grid_case(4, 3)
    it, is_ = pair(a, dtype, True)
    gt, gs = pair(g, dtype, True)
    rt = F.grid_sample(it, gt, mode, padding, align)
    rs = SF.grid_sample(is_, gs, mode, padding, align)
    what = f"grid_sample 2d {mode} {padding} {align} {dtype}"
    close(rt, rs, what, **tols(dtype))
    check_grads(what, rt, rs, [it, gt], [is_, gs], dtype, scale=10.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode,padding,align", GRID_3D)
def test_grid_sample_3d(mode, padding, align, dtype):
    a, g = _grid_case(5, 5)
    it, is_ = pair(a, dtype, True)
    gt, gs = pair(g, dtype, True)
    rt = F.grid_sample(it, gt, mode, padding, align)
    rs = SF.grid_sample(is_, gs, mode, padding, align)
    what = f"grid_sample 3d {mode} {padding} {align} {dtype}"
    close(rt, rs, what, **tols(dtype))
    check_grads(what, rt, rs, [it, gt], [is_, gs], dtype, scale=10.0)


SPECIAL = [-1.0, 1.0, 0.0, -3.5, 5.25, -7.0, 2.0, 1.5, -1.25, 0.5, 11.0, -0.75]


@pytest.mark.parametrize("dims", [4, 5])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_borders_and_far_points(dims, padding, align):
    """Grid points on the borders, on pixel centres and far outside, where the padding's
    clipping and reflection set the gradient (torch counts borders as outside)."""
    rng = np.random.default_rng(7)
    sizes = (3, 4) if dims == 4 else (2, 3, 4)
    a = rnd((1, 2) + sizes, 8)
    pts = np.array([(x, y) for x in SPECIAL for y in SPECIAL[:6]])
    if dims == 5:
        pts = np.concatenate([pts, rng.choice(SPECIAL, (len(pts), 1))], axis=1)
    g = pts.reshape((1,) + (1,) * (dims - 3) + (len(pts), dims - 2))
    modes = ("bilinear", "nearest", "bicubic") if dims == 4 else ("bilinear", "nearest")
    for mode in modes:
        it, is_ = pair(a, "float64", True)
        gt, gs = pair(g, "float64", True)
        rt = F.grid_sample(it, gt, mode, padding, align)
        rs = SF.grid_sample(is_, gs, mode, padding, align)
        what = f"grid_sample special {dims} {mode} {padding} {align}"
        close(rt, rs, what, rtol=1e-12, atol=1e-12)
        check_grads(what, rt, rs, [it, gt], [is_, gs], "float64")


@pytest.mark.parametrize("align", [False, True])
def test_grid_sample_unit_spatial_sizes(align):
    a = rnd((2, 3, 1, 4), 1)
    g = rnd((2, 3, 5, 2), 2, -2.5, 2.5)
    for mode in ("bilinear", "nearest", "bicubic"):
        for padding in ("zeros", "border", "reflection"):
            it, is_ = pair(a, "float64", True)
            gt, gs = pair(g, "float64", True)
            rt = F.grid_sample(it, gt, mode, padding, align)
            rs = SF.grid_sample(is_, gs, mode, padding, align)
            what = f"grid_sample unit {mode} {padding} {align}"
            close(rt, rs, what, rtol=1e-12, atol=1e-12)
            check_grads(what, rt, rs, [it, gt], [is_, gs], "float64")


def test_grid_sample_noncontiguous_and_affine_grid():
    a = rnd((2, 5, 4, 3), 4)  # used transposed: (2, 3, 4, 5)
    theta = rnd((2, 2, 3), 5, -1.0, 1.0)
    for align in (False, True):
        it, is_ = pair(a, "float64", True)
        tt, ts = pair(theta, "float64", True)
        xt, xs = it.permute(0, 3, 2, 1), is_.permute(0, 3, 2, 1)
        gt = F.affine_grid(tt, [2, 3, 6, 7], align_corners=align)
        gs = SF.affine_grid(ts, [2, 3, 6, 7], align_corners=align)
        rt = F.grid_sample(xt, gt, align_corners=align)
        rs = SF.grid_sample(xs, gs, align_corners=align)
        close(rt, rs, "grid_sample affine", rtol=1e-12, atol=1e-12)
        check_grads("grid_sample affine", rt, rs, [it, tt], [is_, ts], "float64")
        # a grid that is a strided view
        g = rnd((2, 7, 6, 2), 6, -1.2, 1.2)
        gt2, gs2 = pair(g, "float64")
        rt = F.grid_sample(xt, gt2.transpose(1, 2), "bicubic", "reflection", align)
        rs = SF.grid_sample(xs, gs2.transpose(1, 2), "bicubic", "reflection", align)
        close(rt, rs, "grid_sample strided grid", rtol=1e-12, atol=1e-12)


def test_grid_sample_nonfinite_input_out_of_bounds():
    """Points outside the input read an exact zero (torch's masked gather), even when the
    input holds inf or NaN."""
    a = rnd((1, 2, 3, 4), 1)
    a[0, 0, 0, 0] = np.inf
    a[0, 1, 0, 0] = np.nan
    g = np.array([[[[-5.0, -5.0], [7.0, 0.2], [0.1, -9.0], [0.3, 0.4]]]])
    for mode in ("bilinear", "nearest", "bicubic"):
        it, is_ = pair(a)
        gt, gs = pair(g)
        close(F.grid_sample(it, gt, mode, "zeros", False),
              SF.grid_sample(is_, gs, mode, "zeros", False), f"grid_sample nonfinite {mode}",
              rtol=1e-12, atol=1e-12)


def test_grid_sample_empty():
    cases = [((0, 3, 4, 5), (0, 6, 7, 2)), ((2, 3, 4, 5), (2, 0, 7, 2)),
             ((2, 0, 4, 5), (2, 6, 7, 2)), ((0, 2, 3, 4, 5), (0, 1, 2, 2, 3))]
    for ishape, gshape in cases:
        it, is_ = pair(np.zeros(ishape), "float32")
        gt, gs = pair(np.zeros(gshape), "float32")
        close(F.grid_sample(it, gt, align_corners=False),
              SF.grid_sample(is_, gs, align_corners=False), "grid_sample empty")


def test_grid_sample_align_corners_default_warns():
    a, g = _grid_case(4, 9)
    it, is_ = pair(a)
    gt, gs = pair(g)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        rs = SF.grid_sample(is_, gs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rt = F.grid_sample(it, gt)
    close(rt, rs, "grid_sample default align_corners", rtol=1e-12, atol=1e-12)
    close(F.grid_sample(it, gt, align_corners=False), rs, "grid_sample align_corners=False",
          rtol=1e-12, atol=1e-12)


def test_grid_sample_gradcheck():
    a = torsh.tensor(rnd((1, 2, 3, 4), 1), dtype=torsh.float64, requires_grad=True)
    g = torsh.tensor(rnd((1, 3, 2, 2), 2, -0.9, 0.9), dtype=torsh.float64, requires_grad=True)
    a3 = torsh.tensor(rnd((1, 1, 2, 3, 3), 3), dtype=torsh.float64, requires_grad=True)
    g3 = torsh.tensor(rnd((1, 2, 1, 2, 3), 4, -0.9, 0.9), dtype=torsh.float64,
                      requires_grad=True)
    for mode in ("bilinear", "bicubic"):
        for padding in ("zeros", "border", "reflection"):
            assert torsh.autograd.gradcheck(
                lambda x, y: SF.grid_sample(x, y, mode, padding, False), (a, g))
    for padding in ("zeros", "reflection"):
        assert torsh.autograd.gradcheck(
            lambda x, y: SF.grid_sample(x, y, "bilinear", padding, True), (a3, g3))


def test_grid_sample_errors():
    def both(fn, ishape, gshape, dtype="float32", gdtype=None, **kw):
        it, is_ = pair(np.zeros(ishape), dtype)
        gt, gs = pair(np.zeros(gshape), gdtype or dtype)
        kw.setdefault("align_corners", False)
        msg_t, msg_s = raises_like(lambda: fn(F, it, gt, **kw), lambda: fn(SF, is_, gs, **kw))
        return msg_t, msg_s

    def call(lib, x, g, **kw):
        return lib.grid_sample(x, g, **kw)

    both(call, (2, 3, 4, 5), (2, 6, 7, 2), mode="linear")
    both(call, (2, 3, 4, 5), (2, 6, 7, 2), padding_mode="constant")
    for ishape, gshape in [((1, 3, 4, 5), (2, 6, 7, 2)), ((2, 3, 4, 5), (2, 6, 7, 1)),
                           ((2, 3, 0, 5), (2, 6, 7, 2)), ((2, 3, 4, 5), (2, 7, 2)),
                           ((2, 4, 5), (2, 5, 1)), ((3, 4, 5), (6, 7, 2)),
                           ((2, 3, 1, 1, 4, 5), (2, 1, 3, 4, 5, 4))]:
        msg_t, msg_s = both(call, ishape, gshape)
        assert msg_s == msg_t
    msg_t, msg_s = both(call, (2, 3, 2, 4, 5), (2, 3, 4, 5, 3), mode="bicubic")
    assert msg_s == msg_t
    for dtype in ("float16", "bfloat16"):
        msg_t, msg_s = both(call, (2, 3, 4, 5), (2, 6, 7, 2), dtype)
        assert msg_s == msg_t
        both(call, (2, 3, 2, 4, 5), (2, 3, 4, 5, 3), dtype)
    msg_t, msg_s = both(call, (2, 3, 4, 5), (2, 6, 7, 2), "float32", "float64")
    assert msg_s == msg_t


# ctc_loss

def _ctc_data(seed, t=8, n=4, c=5, s=4, il=(8, 7, 3, 5), tl=(4, 3, 2, 0)):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((t, n, c))
    targets = rng.integers(1, c, (n, s))
    targets[0, 1] = targets[0, 0]  # a repeat: needs a blank between
    targets[-1, 1] = targets[-1, 0]
    if n > 2:
        targets[2, 1] = targets[2, 0]  # with il 3 and a repeat of length 2: feasible only just
    return logits, targets, list(il), list(tl)


def _concat(targets, tl):
    return np.concatenate([targets[b, :tl[b]] for b in range(len(tl))]).astype(np.int64)


def _lengths(kind, il, tl, lib):
    if kind == "tensor":
        return lib.tensor(il), lib.tensor(tl)
    if kind == "int32":
        return lib.tensor(il, dtype=lib.int32), lib.tensor(tl, dtype=lib.int32)
    if kind == "tuple":
        return tuple(il), tuple(tl)
    return list(il), list(tl)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("layout", ["padded", "concatenated"])
def test_ctc_loss(dtype, reduction, zero_infinity, layout):
    # batch 2 (il 2, repeated labels) has no alignment: an infinite loss
    logits, targets, il, tl = _ctc_data(11, il=(8, 7, 2, 5))
    tg = targets if layout == "padded" else _concat(targets, tl)
    for kind in ("tensor", "list") if layout == "padded" else ("tuple", "int32"):
        xt, xs = pair(logits, dtype, True)
        lpt, lps = xt.log_softmax(2), xs.log_softmax(2)
        rt = F.ctc_loss(lpt, torch.tensor(tg), *_lengths(kind, il, tl, torch),
                        reduction=reduction, zero_infinity=zero_infinity)
        rs = SF.ctc_loss(lps, torsh.tensor(tg), *_lengths(kind, il, tl, torsh),
                         reduction=reduction, zero_infinity=zero_infinity)
        what = f"ctc_loss {dtype} {reduction} {zero_infinity} {layout} {kind}"
        close(rt, rs, what, **tols(dtype))
        # gradients w.r.t. the log_probs (torch's exp(lp) - posterior) and the logits
        check_grads(what, rt, rs, [lpt, xt], [lps, xs], dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ctc_loss_leaf_log_probs_and_module(dtype):
    logits, targets, il, tl = _ctc_data(3, t=12, n=3, c=6, s=5, il=(12, 9, 11), tl=(5, 1, 4))
    lp = torch.tensor(logits).log_softmax(2).numpy()
    for blank in (0, 3, 5):
        tg = np.where(targets == blank, (blank + 1) % 6, targets)
        lpt, lps = pair(lp, dtype, True)
        mt = torch.nn.CTCLoss(blank=blank, reduction="sum")
        ms = torsh.nn.CTCLoss(blank=blank, reduction="sum")
        rt = mt(lpt, torch.tensor(tg), torch.tensor(il), torch.tensor(tl))
        rs = ms(lps, torsh.tensor(tg), torsh.tensor(il), torsh.tensor(tl))
        what = f"CTCLoss blank={blank} {dtype}"
        close(rt, rs, what, **tols(dtype))
        check_grads(what, rt, rs, [lpt], [lps], dtype)
    assert repr(torsh.nn.CTCLoss()) == repr(torch.nn.CTCLoss())
    assert torsh.nn.CTCLoss(zero_infinity=True).zero_infinity
    assert torsh.nn.CTCLoss(reduction="none").reduction == "none"


def test_ctc_loss_batch_first_view():
    """log_probs as the (T, N, C) transpose of an (N, T, C) tensor, targets a strided view."""
    logits, targets, il, tl = _ctc_data(13)
    xt, xs = pair(logits.transpose(1, 0, 2).copy(), "float32", True)
    lpt, lps = xt.log_softmax(2).transpose(0, 1), xs.log_softmax(2).transpose(0, 1)
    rt = F.ctc_loss(lpt, torch.tensor(np.repeat(targets, 2, axis=1))[:, ::2], il, tl)
    rs = SF.ctc_loss(lps, torsh.tensor(np.repeat(targets, 2, axis=1))[:, ::2], il, tl)
    close(rt, rs, "ctc_loss batch-first view", **tols("float32"))
    check_grads("ctc_loss batch-first view", rt, rs, [xt], [xs], "float32")


def test_ctc_loss_unbatched_and_target_dtypes():
    logits, targets, il, tl = _ctc_data(5, n=1, il=(8,), tl=(3,))
    for reduction in ("none", "mean", "sum"):
        xt, xs = pair(logits[:, 0], "float64", True)
        for tgt_t, tgt_s, lt, ls in [
                (torch.tensor(targets[0, :3]), torsh.tensor(targets[0, :3]),
                 (torch.tensor(8), torch.tensor(3)), (torsh.tensor(8), torsh.tensor(3))),
                (torch.tensor(targets[:1]), torsh.tensor(targets[:1]), ([8], [3]), ([8], [3]))]:
            lpt, lps = xt.log_softmax(1), xs.log_softmax(1)
            rt = F.ctc_loss(lpt, tgt_t, *lt, reduction=reduction)
            rs = SF.ctc_loss(lps, tgt_s, *ls, reduction=reduction)
            close(rt, rs, f"ctc_loss unbatched {reduction}", rtol=1e-12, atol=1e-12)
            check_grads("ctc_loss unbatched", rt, rs, [xt], [xs], "float64")
    # int32 and float targets are converted to int64 first
    logits, targets, il, tl = _ctc_data(6)
    xt, xs = pair(logits, "float32")
    lpt, lps = xt.log_softmax(2), xs.log_softmax(2)
    for conv in ("int32", "float32"):
        rt = F.ctc_loss(lpt, torch.tensor(targets).to(getattr(torch, conv)), il, tl,
                        reduction="none")
        rs = SF.ctc_loss(lps, torsh.tensor(targets).to(getattr(torsh, conv)), il, tl,
                         reduction="none")
        close(rt, rs, f"ctc_loss targets {conv}", **tols("float32"))


def test_ctc_loss_longer_sequences_float32():
    logits, targets, il, tl = _ctc_data(21, t=40, n=3, c=7, s=12, il=(40, 33, 25),
                                        tl=(12, 9, 3))
    xt, xs = pair(logits * 2.0, "float32", True)
    rt = F.ctc_loss(xt.log_softmax(2), torch.tensor(targets), il, tl)
    rs = SF.ctc_loss(xs.log_softmax(2), torsh.tensor(targets), il, tl)
    close(rt, rs, "ctc_loss long", rtol=1e-5, atol=1e-5)
    check_grads("ctc_loss long", rt, rs, [xt], [xs], "float32")


def test_ctc_loss_gradcheck():
    logits, targets, il, tl = _ctc_data(8, t=6, n=3, c=4, s=3, il=(6, 5, 4), tl=(3, 2, 0))
    x = torsh.tensor(logits, dtype=torsh.float64, requires_grad=True)
    tg = torsh.tensor(targets)
    for reduction in ("none", "mean"):
        assert torsh.autograd.gradcheck(
            lambda v: SF.ctc_loss(v.log_softmax(2), tg, il, tl, reduction=reduction), (x,))


def test_ctc_loss_errors():
    logits, targets, il, tl = _ctc_data(2)
    lt, ls = pair(logits, "float32")
    tt, ts = torch.tensor(targets), torsh.tensor(targets)

    def both(fn):
        return raises_like(lambda: fn(F, torch, lt, tt), lambda: fn(SF, torsh, ls, ts))

    same_message = [
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, il, tl, blank=5),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, il, tl, blank=-1),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, il[:3], tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, il, tl[:2]),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg[:, :1], il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg[:3], il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg.reshape(-1)[:4], il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, [9, 7, 3, 5], tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg[None], il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp[0], tg, il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp[:, 0, 0], tg, il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp[None], tg, il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp.half(), tg, il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp.double().to(m.bfloat16), tg, il, tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, m.tensor(il).float(), m.tensor(tl)),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, m.tensor(il), m.tensor(tl) > 0),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, il, tl, reduction="average"),
    ]
    for fn in same_message:
        msg_t, msg_s = both(fn)
        assert msg_s == msg_t
    type_errors = [
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, tuple(il), m.tensor(tl)),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, m.tensor(il), tl),
        lambda f, m, lp, tg: f.ctc_loss(lp, tg, [8.0, 7, 3, 5], tl),
        lambda f, m, lp, tg: f.ctc_loss(lp[:, 0], tg[0], 8, 4),
    ]
    for fn in type_errors:
        msg_t, msg_s = both(fn)
        assert msg_s.split(" - ")[0] == msg_t.split(" - ")[0]


# fractional max pooling

FMP_CASES = [
    (2, (2, 3, 9, 8), 2, (4, 5), None),
    (2, (2, 3, 17, 13), 3, None, 0.5),
    (2, (3, 10, 11), (2, 3), (5, 4), None),
    (2, (1, 2, 7, 7), (3, 2), 1, None),
    (2, (2, 2, 6, 6), 2, (5, 5), None),
    (3, (2, 2, 6, 9, 8), 2, (3, 4, 5), None),
    (3, (2, 5, 7, 9), (2, 3, 2), None, (0.5, 0.6, 0.7)),
    (3, (1, 1, 4, 4, 4), 1, 3, None),
]


def _fmp(lib, nd):
    return getattr(lib, f"fractional_max_pool{nd}d")


def _samples_shape(nd, shape):
    return (1 if len(shape) == nd + 1 else shape[0], shape[-nd - 1], nd)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("nd,shape,kernel,out,ratio", FMP_CASES)
def test_fractional_max_pool(nd, shape, kernel, out, ratio, dtype):
    a = rnd(shape, 4)
    samples = rnd(_samples_shape(nd, shape), 5, 0.0, 1.0)
    it, is_ = pair(a, dtype, True)
    st, ss = pair(samples, dtype)
    rt, idt = _fmp(F, nd)(it, kernel, out, ratio, True, st)
    rs, ids = _fmp(SF, nd)(is_, kernel, out, ratio, True, ss)
    what = f"fractional_max_pool{nd}d {shape} {kernel} {dtype}"
    close(rt, rs, what, rtol=0, atol=0)
    close(idt, ids, what + " indices", rtol=0, atol=0)
    check_grads(what, rt, rs, [it], [is_], dtype)
    close(_fmp(F, nd)(it, kernel, out, ratio, _random_samples=st),
          _fmp(SF, nd)(is_, kernel, out, ratio, _random_samples=ss), what + " no indices",
          rtol=0, atol=0)


@pytest.mark.parametrize("nd,shape,kernel,out,ratio", FMP_CASES)
def test_fractional_max_pool_seeded_samples(nd, shape, kernel, out, ratio):
    """Without _random_samples both draw torch.rand(N, C, nd) from the seeded generator."""
    a = rnd(shape, 6)
    for dtype in ("float32", "float64"):
        it, is_ = pair(a, dtype)
        torch.manual_seed(123)
        torsh.manual_seed(123)
        rt, idt = _fmp(F, nd)(it, kernel, out, ratio, return_indices=True)
        rs, ids = _fmp(SF, nd)(is_, kernel, out, ratio, return_indices=True)
        close(rt, rs, f"fractional_max_pool{nd}d seeded", rtol=0, atol=0)
        close(idt, ids, f"fractional_max_pool{nd}d seeded indices", rtol=0, atol=0)


def test_fractional_max_pool_noncontiguous():
    a = rnd((2, 9, 8, 3), 12)  # used as (2, 3, 8, 9) through a permutation
    samples = rnd((2, 3, 2), 13, 0.0, 1.0)
    it, is_ = pair(a, "float64", True)
    st, ss = pair(samples)
    xt, xs = it.permute(0, 3, 2, 1), is_.permute(0, 3, 2, 1)
    rt, idt = F.fractional_max_pool2d(xt, 2, (4, 5), return_indices=True,
                                      _random_samples=st)
    rs, ids = SF.fractional_max_pool2d(xs, 2, (4, 5), return_indices=True,
                                       _random_samples=ss)
    close(rt, rs, "fractional_max_pool2d permuted", rtol=0, atol=0)
    close(idt, ids, "fractional_max_pool2d permuted indices", rtol=0, atol=0)
    check_grads("fractional_max_pool2d permuted", rt, rs, [it], [is_], "float64")


def test_fractional_max_pool_ties_nan_inf():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, (2, 3, 10, 9)).astype(np.float64)  # many ties
    a[0, 0, 2:4, 1:5] = np.nan
    a[0, 1, 0, 0] = np.nan
    a[1, 2] = -np.inf
    a[1, 1, :3] = np.inf
    samples = rnd((2, 3, 2), 7, 0.0, 1.0)
    it, is_ = pair(a, "float64", True)
    st, ss = pair(samples)
    for kernel, out in ((2, (5, 4)), (3, (4, 6))):
        rt, idt = F.fractional_max_pool2d(it, kernel, out, return_indices=True,
                                          _random_samples=st)
        rs, ids = SF.fractional_max_pool2d(is_, kernel, out, return_indices=True,
                                           _random_samples=ss)
        close(rt, rs, "fractional_max_pool2d ties", rtol=0, atol=0)
        close(idt, ids, "fractional_max_pool2d ties indices", rtol=0, atol=0)
        check_grads("fractional_max_pool2d ties", rt, rs, [it], [is_], "float64")
    a3 = rng.integers(0, 2, (1, 2, 5, 6, 5)).astype(np.float32)
    a3[0, 1, 1:3] = np.nan
    s3 = rnd((1, 2, 3), 8, 0.0, 1.0)
    it, is_ = pair(a3, "float32")
    st, ss = pair(s3, "float32")
    rt, idt = F.fractional_max_pool3d(it, 2, (3, 4, 3), return_indices=True, _random_samples=st)
    rs, ids = SF.fractional_max_pool3d(is_, 2, (3, 4, 3), return_indices=True,
                                       _random_samples=ss)
    close(rt, rs, "fractional_max_pool3d ties", rtol=0, atol=0)
    close(idt, ids, "fractional_max_pool3d ties indices", rtol=0, atol=0)


def test_fractional_max_pool_empty_and_extreme_samples():
    samples = rnd((2, 3, 2), 1, 0.0, 1.0)
    for shape, out, smp in [((0, 3, 9, 8), 4, samples[:0]), ((2, 3, 9, 8), 0, samples),
                            ((2, 3, 9, 8), (4, 3), samples * 0.0),
                            ((2, 3, 9, 8), (4, 3), samples * 0.0 + 0.999999)]:
        it, is_ = pair(rnd(shape, 2), "float32")
        st, ss = pair(smp, "float32")
        rt, idt = F.fractional_max_pool2d(it, 2, out, return_indices=True, _random_samples=st)
        rs, ids = SF.fractional_max_pool2d(is_, 2, out, return_indices=True, _random_samples=ss)
        close(rt, rs, "fractional_max_pool2d edge", rtol=0, atol=0)
        close(idt, ids, "fractional_max_pool2d edge indices", rtol=0, atol=0)


def test_fractional_max_pool_gradcheck():
    x = torsh.tensor(rnd((1, 2, 7, 6), 3), dtype=torsh.float64, requires_grad=True)
    s = torsh.tensor(rnd((1, 2, 2), 4, 0.0, 1.0), dtype=torsh.float64)
    assert torsh.autograd.gradcheck(
        lambda v: SF.fractional_max_pool2d(v, 2, (4, 3), _random_samples=s), (x,))
    assert torsh.autograd.gradgradcheck(
        lambda v: SF.fractional_max_pool2d(v, 2, (4, 3), _random_samples=s), (x,))
    x3 = torsh.tensor(rnd((1, 1, 5, 4, 5), 5), dtype=torsh.float64, requires_grad=True)
    s3 = torsh.tensor(rnd((1, 1, 3), 6, 0.0, 1.0), dtype=torsh.float64)
    assert torsh.autograd.gradcheck(
        lambda v: SF.fractional_max_pool3d(v, 2, (3, 2, 3), _random_samples=s3), (x3,))


def test_fractional_max_pool_modules():
    a = rnd((2, 3, 9, 8), 9)
    samples = rnd((2, 3, 2), 10, 0.0, 1.0)
    it, is_ = pair(a, "float32", True)
    st, ss = pair(samples, "float32")
    mt = torch.nn.FractionalMaxPool2d(3, output_size=(4, 3), return_indices=True,
                                      _random_samples=st)
    ms = torsh.nn.FractionalMaxPool2d(3, output_size=(4, 3), return_indices=True,
                                      _random_samples=ss)
    assert ms.kernel_size == mt.kernel_size and ms.output_size == mt.output_size
    assert list(ms.state_dict().keys()) == list(mt.state_dict().keys())
    (rt, idt), (rs, ids) = mt(it), ms(is_)
    close(rt, rs, "FractionalMaxPool2d", rtol=0, atol=0)
    close(idt, ids, "FractionalMaxPool2d indices", rtol=0, atol=0)
    check_grads("FractionalMaxPool2d", rt, rs, [it], [is_], "float32")
    # ratio and seeded sampling
    mt = torch.nn.FractionalMaxPool3d(2, output_ratio=0.5)
    ms = torsh.nn.FractionalMaxPool3d(2, output_ratio=0.5)
    assert ms.output_ratio == mt.output_ratio == (0.5, 0.5, 0.5)
    assert ms.kernel_size == mt.kernel_size
    a3 = rnd((2, 2, 6, 8, 7), 11)
    it, is_ = pair(a3, "float32")
    torch.manual_seed(9)
    torsh.manual_seed(9)
    close(mt(it), ms(is_), "FractionalMaxPool3d ratio", rtol=0, atol=0)
    assert repr(ms) == repr(mt)
    for kwargs in ({}, {"output_size": 3, "output_ratio": 0.5}, {"output_ratio": (0.5, 1.0)},
                   {"output_ratio": 0.0}):
        raises_like(lambda: torch.nn.FractionalMaxPool2d(2, **kwargs),
                    lambda: torsh.nn.FractionalMaxPool2d(2, **kwargs))
        kw3 = {k: (v if not isinstance(v, tuple) else v + (0.5,)) for k, v in kwargs.items()}
        raises_like(lambda: torch.nn.FractionalMaxPool3d(2, **kw3),
                    lambda: torsh.nn.FractionalMaxPool3d(2, **kw3))


def test_fractional_max_pool_errors():
    a = rnd((2, 3, 9, 8), 1)
    a3 = rnd((2, 3, 4, 9, 8), 1)
    samples = rnd((2, 3, 2), 2, 0.0, 1.0)
    samples3 = rnd((2, 3, 3), 2, 0.0, 1.0)

    def both(nd, arr, smp, *args, dtype="float32", sdtype=None, **kw):
        it, is_ = pair(arr, dtype)
        st, ss = (None, None) if smp is None else pair(smp, sdtype or dtype)
        return raises_like(
            lambda: _fmp(F, nd)(it, *args, _random_samples=st, **kw),
            lambda: _fmp(SF, nd)(is_, *args, _random_samples=ss, **kw))

    same_message = [
        (2, a, samples, 2), (2, a, samples, 2, (4, 5, 6)), (2, a, samples, (2, 2, 2), 4),
        (2, a, samples, 2, None, 1.5), (2, a, samples, 5, 6), (2, a, samples, 2, (4, 8)),
        (2, a[0, 0], samples[:1, :1], 2, 3), (2, a[0, 0, 0], samples[:1, :1], 2, 3),
        (2, a[:, :0], samples, 2, 4), (2, a, samples, 2, -1),
        (3, a3, samples3, 2, 3), (3, a3, samples3, 2, (2, 8, 7)), (3, a3, samples3, 2, (2, 7, 7)),
        (3, a3, samples3, 2, (2, 7)), (3, a3, samples3, (2, 2), (2, 7, 6)),
        (3, a3[0, 0], samples3[:1, :1], 2, (2, 7, 6)), (3, a3[:, :0], samples3, 2, (1, 2, 2)),
        (3, a3, samples3, 2),
    ]
    for case in same_message:
        msg_t, msg_s = both(*case)
        assert msg_s == msg_t
    for dtype in ("float16", "bfloat16"):
        msg_t, msg_s = both(2, a, samples, 2, 4, dtype=dtype)
        assert msg_s == msg_t
        msg_t, msg_s = both(3, a3, samples3, 2, (2, 7, 6), dtype=dtype)
        assert msg_s == msg_t
    msg_t, msg_s = both(2, a, samples, 2, 4, sdtype="float64")
    assert msg_s == msg_t
    both(2, a, samples, 2.5, 4)
    both(2, a, samples, 2, 4.0)
    both(2, a[0, 0], None, 2, 4)  # (H, W) input: no channel dim to draw samples for
    both(3, a3[0, 0], None, 2, 2)


# scaled_dot_product_attention

def sdpa_reference(q, k, v, mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch 2.x's documented reference: softmax(q k^T * scale + bias) v."""
    length, source = q.size(-2), k.size(-2)
    factor = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(length, source, dtype=q.dtype)
    if is_causal:
        keep = torch.ones(length, source, dtype=torch.bool).tril()
        bias = bias.masked_fill(keep.logical_not(), float("-inf"))
    if mask is not None:
        if mask.dtype == torch.bool:
            bias = bias.masked_fill(mask.logical_not(), float("-inf"))
        else:
            bias = bias + mask
    attn = torch.softmax(q @ k.transpose(-2, -1) * factor + bias, dim=-1)
    if dropout_p > 0.0:
        attn = F.dropout(attn, dropout_p, training=True)
    return attn @ v


SDPA_CASES = [
    # (q shape, k shape, v shape, mask kind, mask shape, causal, scale)
    ((2, 3, 10, 4), (2, 3, 9, 4), (2, 3, 9, 5), None, None, False, None),
    ((2, 3, 10, 4), (2, 3, 9, 4), (2, 3, 9, 5), None, None, True, None),
    ((2, 3, 7, 4), (2, 3, 11, 4), (2, 3, 11, 6), None, None, True, 0.3),
    ((4, 6, 8), (4, 5, 8), (4, 5, 3), "bool", (6, 5), False, None),
    ((2, 3, 6, 8), (2, 3, 5, 8), (2, 3, 5, 2), "bool", (2, 1, 6, 5), False, None),
    ((2, 3, 6, 8), (2, 3, 5, 8), (2, 3, 5, 2), "float", (2, 3, 6, 5), False, 1.5),
    ((2, 3, 6, 8), (2, 3, 5, 8), (2, 3, 5, 2), "float", (1, 5), False, None),
    ((6, 4), (5, 4), (5, 3), "float", (6, 5), False, None),
    ((2, 1, 6, 4), (3, 5, 4), (3, 5, 2), None, None, False, None),  # broadcast batch dims
]


def _sdpa_inputs(case, dtype, seed=0):
    qs, ks, vs, kind, mshape, causal, scale = case
    arrays = [rnd(s, seed + i, -1.5, 1.5) for i, s in enumerate((qs, ks, vs))]
    mt = ms = None
    if kind == "bool":
        m = rnd(mshape, seed + 7, 0.0, 1.0) > 0.35
        m[..., 0] = True  # no fully masked row
        mt, ms = torch.tensor(m), torsh.tensor(m)
    elif kind == "float":
        mt, ms = pair(rnd(mshape, seed + 7), dtype)
    return arrays, mt, ms, causal, scale


@pytest.mark.parametrize("blocked", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", SDPA_CASES, ids=[str(i) for i in range(len(SDPA_CASES))])
def test_sdpa(case, dtype, blocked, monkeypatch):
    if blocked:  # a few query rows per block
        monkeypatch.setattr(_functional_attention, "_SDPA_BLOCK_ELEMENTS", 40)
    arrays, mt, ms, causal, scale = _sdpa_inputs(case, dtype)
    xt = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    xs = [torsh.tensor(a, dtype=getattr(torsh, dtype), requires_grad=True) for a in arrays]
    mref = mt if mt is None or mt.dtype == torch.bool else mt.double()
    rt = sdpa_reference(*xt, mask=mref, is_causal=causal, scale=scale)
    rs = SF.scaled_dot_product_attention(*xs, attn_mask=ms, is_causal=causal, scale=scale)
    what = f"sdpa {case[3]} {causal} {dtype} {blocked}"
    assert str(rs.dtype) == f"torch.{dtype}"
    close(rt.to(getattr(torch, dtype)), rs, what, **tols(dtype))
    w = rnd(tuple(rt.shape), 5)
    gt = torch.autograd.grad((rt * torch.tensor(w)).sum(), xt)
    gs = torsh.autograd.grad((rs * torsh.tensor(w, dtype=getattr(torsh, dtype))).sum(), xs)
    for a, b in zip(gt, gs):
        close(a.to(getattr(torch, dtype)), b, what + " grad", **tols(dtype))


def test_sdpa_against_torch_private_and_mha_pieces():
    """torch 1.13's F._scaled_dot_product_attention (bool masks, causal) and the attention step
    of F.multi_head_attention_forward."""
    arrays = [rnd(s, i, -1.5, 1.5) for i, s in enumerate(((3, 7, 4), (3, 6, 4), (3, 6, 5)))]
    m = rnd((7, 6), 9, 0.0, 1.0) > 0.3
    m[:, 0] = True
    for mask, causal in ((None, False), (m, False), (None, True)):
        xt = [torch.tensor(a, requires_grad=True) for a in arrays]
        xs = [torsh.tensor(a, requires_grad=True) for a in arrays]
        rt, _ = F._scaled_dot_product_attention(
            *xt, None if mask is None else torch.tensor(mask), 0.0, False, causal)
        rs = SF.scaled_dot_product_attention(
            *xs, None if mask is None else torsh.tensor(mask), is_causal=causal)
        close(rt, rs, "sdpa vs torch private", rtol=1e-12, atol=1e-12)
        check_grads("sdpa vs torch private", rt, rs, xt, xs, "float64")
    # MHA with a float mask and no projections' bias: out_proj(sdpa(per-head q, k, v))
    e, h, l, s, n = 8, 2, 5, 6, 3
    q, k, v = rnd((l, n, e), 1), rnd((s, n, e), 2), rnd((s, n, e), 3)
    w_in, w_out = rnd((3 * e, e), 4, -0.5, 0.5), rnd((e, e), 5, -0.5, 0.5)
    fmask = rnd((l, s), 6)
    ref, _ = F.multi_head_attention_forward(
        torch.tensor(q), torch.tensor(k), torch.tensor(v), e, h, torch.tensor(w_in), None, None,
        None, False, 0.0, torch.tensor(w_out), None, attn_mask=torch.tensor(fmask))
    qs, ks, vs = (torsh.tensor(x) for x in (q, k, v))
    wq, wk, wv = torsh.tensor(w_in).chunk(3)

    def heads(x, w, length):
        return (x @ w.t()).reshape(length, n * h, e // h).transpose(0, 1)
    o = SF.scaled_dot_product_attention(heads(qs, wq, l), heads(ks, wk, s), heads(vs, wv, s),
                                        attn_mask=torsh.tensor(fmask))
    o = o.transpose(0, 1).reshape(l, n, e) @ torsh.tensor(w_out).t()
    close(ref, o, "sdpa in mha", rtol=1e-12, atol=1e-12)


def test_sdpa_dropout_matches_torch_stream():
    arrays = [rnd(s, i, -1.5, 1.5) for i, s in enumerate(((2, 3, 7, 4), (2, 3, 6, 4),
                                                         (2, 3, 6, 5)))]
    for p in (0.3, 0.75):
        xt = [torch.tensor(a, requires_grad=True) for a in arrays]
        xs = [torsh.tensor(a, requires_grad=True) for a in arrays]
        torch.manual_seed(17)
        torsh.manual_seed(17)
        rt = sdpa_reference(*xt, dropout_p=p)
        rs = SF.scaled_dot_product_attention(*xs, dropout_p=p)
        close(rt, rs, "sdpa dropout", rtol=1e-12, atol=1e-12)
        check_grads("sdpa dropout", rt, rs, xt, xs, "float64")
        torch.manual_seed(18)
        torsh.manual_seed(18)
        rt, _ = F._scaled_dot_product_attention(xt[0][0], xt[1][0], xt[2][0], None, p, False,
                                                False)
        rs = SF.scaled_dot_product_attention(xs[0][0], xs[1][0], xs[2][0], dropout_p=p)
        close(rt, rs, "sdpa dropout vs torch private", rtol=1e-12, atol=1e-12)
    xs = [torsh.tensor(a) for a in arrays]
    out = SF.scaled_dot_product_attention(*xs, dropout_p=1.0)
    assert float(out.abs().sum()) == 0.0


def test_sdpa_blocked_dropout_and_no_grad(monkeypatch):
    monkeypatch.setattr(_functional_attention, "_SDPA_BLOCK_ELEMENTS", 64)
    arrays = [rnd(s, i, -1.5, 1.5) for i, s in enumerate(((2, 30, 4), (2, 20, 4), (2, 20, 3)))]
    xt = [torch.tensor(a) for a in arrays]
    xs = [torsh.tensor(a) for a in arrays]
    with torsh.no_grad():
        rs = SF.scaled_dot_product_attention(*xs, is_causal=True)
    close(sdpa_reference(*xt, is_causal=True), rs, "sdpa blocked no_grad", rtol=1e-12,
          atol=1e-12)
    # blocked dropout: each kept weight is scaled by 1 / (1 - p), dropped ones are zero
    torsh.manual_seed(3)
    p = 0.5
    v_eye = torsh.eye(20, dtype=torsh.float64).expand(2, 20, 20)
    dropped = SF.scaled_dot_product_attention(xs[0], xs[1], v_eye, dropout_p=p)
    clean = SF.scaled_dot_product_attention(xs[0], xs[1], v_eye)
    ratio = (dropped / clean).numpy()
    assert set(np.unique(np.round(ratio, 9))) <= {0.0, 2.0}
    assert 0.3 < float((ratio == 0).mean()) < 0.7


def test_sdpa_enable_gqa_and_fully_masked_rows():
    q, k, v = rnd((2, 4, 5, 3), 1), rnd((2, 2, 6, 3), 2), rnd((2, 2, 6, 2), 3)
    xt = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    xs = [torsh.tensor(a, requires_grad=True) for a in (q, k, v)]
    rt = sdpa_reference(xt[0], xt[1].repeat_interleave(2, dim=1),
                        xt[2].repeat_interleave(2, dim=1))
    rs = SF.scaled_dot_product_attention(*xs, enable_gqa=True)
    close(rt, rs, "sdpa gqa", rtol=1e-12, atol=1e-12)
    check_grads("sdpa gqa", rt, rs, xt, xs, "float64")
    m = np.ones((5, 6), dtype=bool)
    m[2] = False
    rt = sdpa_reference(*(torch.tensor(a) for a in (q, k[:, :1], v[:, :1])),
                        mask=torch.tensor(m))
    rs = SF.scaled_dot_product_attention(*(torsh.tensor(a) for a in (q, k[:, :1], v[:, :1])),
                                         attn_mask=torsh.tensor(m))
    close(rt, rs, "sdpa fully masked row", rtol=1e-12, atol=1e-12)
    assert np.isnan(rs.numpy()[:, :, 2]).all()


def test_sdpa_gradcheck():
    xs = [torsh.tensor(rnd(s, i, -1.0, 1.0), dtype=torsh.float64, requires_grad=True)
          for i, s in enumerate(((1, 2, 4, 3), (1, 2, 5, 3), (1, 2, 5, 2)))]
    mask = torsh.tensor(rnd((4, 5), 9), dtype=torsh.float64)
    assert torsh.autograd.gradcheck(
        lambda q, k, v: SF.scaled_dot_product_attention(q, k, v, attn_mask=mask), xs)
    assert torsh.autograd.gradcheck(
        lambda q, k, v: SF.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.7), xs)


def test_sdpa_errors():
    """torch 1.13 has no scaled_dot_product_attention: these are torch 2.x's exception types."""
    q, k, v = (torsh.tensor(rnd(s, i)) for i, s in enumerate(((2, 4, 3), (2, 5, 3), (2, 5, 2))))
    f = SF.scaled_dot_product_attention
    with pytest.raises(RuntimeError, match="same dtype"):
        f(q.float(), k, v)
    with pytest.raises(RuntimeError, match="at least 2 dimensional"):
        f(q[0, 0], k, v)
    with pytest.raises(RuntimeError, match="attn_mask dtype"):
        f(q, k, v, attn_mask=torsh.ones((4, 5), dtype=torsh.int64))
    with pytest.raises(RuntimeError, match="should not be set when is_causal=True"):
        f(q, k, v, attn_mask=torsh.ones((4, 5), dtype=torsh.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="dropout probability"):
        f(q, k, v, dropout_p=1.5)
    with pytest.raises(RuntimeError):
        f(q, k[..., :2], v)  # E mismatch: the matmul's error
    with pytest.raises(TypeError):
        f(q, k, v, None, 0.0, False, 0.5)  # scale is keyword-only
