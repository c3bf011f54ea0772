"""Training-mode batch_norm on contiguous float/double input runs torch's native_batch_norm: a
fused kernel (per-channel statistics accumulated in double, then the transform) with an explicit
backward. Outputs, gradients and running statistics against torch; torch.native_batch_norm's
own outputs; gradcheck and gradgradcheck (double backward through recomputed statistics)."""
import numpy as np
import pytest
import torch

import torsh

SHAPES = [(4, 3, 5, 6), (2, 5), (3, 4, 7), (1, 3, 2, 2, 2), (8, 2, 33)]


def _run(lib, x, w, b, rm, rv, gy, momentum):
    X = lib.tensor(x).requires_grad_()
    W = None if w is None else lib.tensor(w).requires_grad_()
    B = None if b is None else lib.tensor(b).requires_grad_()
    RM, RV = lib.tensor(rm), lib.tensor(rv)
    y = lib.nn.functional.batch_norm(X, RM, RV, W, B, training=True, momentum=momentum)
    (y * lib.tensor(gy)).sum().backward()
    out = {"y": y, "gx": X.grad, "rm": RM, "rv": RV}
    if W is not None:
        out["gw"] = W.grad
    if B is not None:
        out["gb"] = B.grad
    return {k: v.detach().numpy() for k, v in out.items()}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("affine", [True, False])
def test_training_matches_torch(dtype, shape, affine):
    gen = np.random.default_rng(sum(shape))
    x = (gen.standard_normal(shape) * 3 + 1).astype(dtype)
    c = shape[1]
    w = gen.standard_normal(c).astype(dtype) if affine else None
    b = gen.standard_normal(c).astype(dtype) if affine else None
    rm, rv = gen.standard_normal(c).astype(dtype), (gen.random(c) + 0.5).astype(dtype)
    gy = gen.standard_normal(shape).astype(dtype)
    ref = _run(torch, x, w, b, rm, rv, gy, 0.3)
    got = _run(torsh, x, w, b, rm, rv, gy, 0.3)
    assert ref.keys() == got.keys()
    tol = dict(rtol=2e-5, atol=2e-5) if dtype == "float32" else dict(rtol=1e-11, atol=1e-11)
    for k in ref:
        np.testing.assert_allclose(got[k], ref[k], err_msg=k, **tol)


def test_native_batch_norm_outputs_match_torch():
    gen = np.random.default_rng(1)
    x = gen.standard_normal((3, 4, 5))
    w, b = gen.standard_normal(4), gen.standard_normal(4)
    for training in (True, False):
        res = []
        for lib in (torch, torsh):
            rm, rv = lib.zeros(4, dtype=lib.float64), lib.ones(4, dtype=lib.float64)
            out = lib.native_batch_norm(lib.tensor(x), lib.tensor(w), lib.tensor(b), rm, rv,
                                        training, 0.1, 1e-5)
            res.append([t.numpy() for t in out] + [rm.numpy(), rv.numpy()])
        for a, e in zip(res[1], res[0]):
            assert a.shape == e.shape
            np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)


def test_gradcheck_and_gradgradcheck():
    x = torsh.randn(3, 2, 4, dtype=torsh.float64, requires_grad=True)
    w = torsh.randn(2, dtype=torsh.float64, requires_grad=True)
    b = torsh.randn(2, dtype=torsh.float64, requires_grad=True)

    def train(x, w, b):
        return torsh.nn.functional.batch_norm(x, None, None, w, b, training=True)

    rm, rv = torsh.randn(2, dtype=torsh.float64), torsh.rand(2, dtype=torsh.float64) + 0.5

    def evaluate(x, w, b):
        return torsh.native_batch_norm(x, w, b, rm, rv, False, 0.1, 1e-5)[0]

    for f in (train, evaluate):
        assert torsh.autograd.gradcheck(f, (x, w, b))
        assert torsh.autograd.gradgradcheck(f, (x, w, b))


def test_running_stats_do_not_bump_versions_and_errors_name_the_op():
    x = torsh.randn(4, 3, 5)
    rm, rv = torsh.zeros(3), torsh.ones(3)
    torsh.nn.functional.batch_norm(x, rm, rv, training=True)
    assert rm._version == 0 and rv._version == 0  # as torch: updated inside the kernel
    assert not torsh.equal(rm, torsh.zeros(3))
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 4"):
        torsh.native_batch_norm(x, None, None, torsh.zeros(4), torsh.ones(4), True, 0.1, 1e-5)
    for lib in (torch, torsh):  # torch reads input.size(1) first
        with pytest.raises(IndexError, match="Dimension out of range"):
            lib.native_batch_norm(lib.ones(3), None, None, None, None, True, 0.1, 1e-5)
        with pytest.raises(IndexError, match="Dimension out of range"):
            lib.nn.functional.batch_norm(lib.ones(3), None, None, training=True)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument "
                           "'running_mean'"):
            lib.nn.functional.batch_norm(lib.ones(2, 3), lib.zeros(3, requires_grad=True),
                                         lib.ones(3), training=True)


def test_bias_without_weight_gets_its_gradient():
    """Only a bias (no weight), in training and through native_batch_norm in evaluation."""
    x = np.random.default_rng(2).standard_normal((4, 3))
    res = []
    for lib in (torch, torsh):
        b = lib.zeros(3, dtype=lib.float64, requires_grad=True)
        X = lib.tensor(x)
        y = lib.nn.functional.batch_norm(X, None, None, None, b, training=True)
        g1 = lib.autograd.grad((y * y).sum() + y.sum(), b)[0]
        y = lib.native_batch_norm(X, None, b, lib.zeros(3, dtype=lib.float64),
                                  lib.ones(3, dtype=lib.float64), False, 0.1, 1e-5)[0]
        g2 = lib.autograd.grad((y * y).sum(), b)[0]
        res.append((g1.numpy(), g2.numpy()))
    for a, e in zip(res[1], res[0]):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("xd,pd", [("float32", "float64"), ("float64", "float32"),
                                   ("float32", "bfloat16"), ("float16", "float16"),
                                   ("bfloat16", "float32")])
def test_dtype_rules_match_torch(xd, pd):
    """torch's CPU rule: parameters of the input's dtype (or float for a bfloat16 input); no
    float16 batch norm."""
    outcome = []
    for lib in (torch, torsh):
        x = lib.randn(4, 3).to(getattr(lib, xd))
        p = lib.ones(3, dtype=getattr(lib, pd))
        try:
            y = lib.nn.functional.batch_norm(x, lib.zeros(3, dtype=getattr(lib, pd)), p, p, None,
                                             training=True)
            outcome.append(("ok", str(y.dtype)))
        except RuntimeError as e:
            outcome.append(("error", str(e).split(": ", 1)[-1] if "mixed" in str(e) else
                            "not implemented" in str(e)))
    assert outcome[1] == outcome[0]


@pytest.mark.parametrize("shape", [(), (1,), (3,)])
def test_low_rank_inputs_raise_as_torch(shape):
    """Below two dims torch's batch_norm first compares the statistics and parameters with a
    channel count of 0 (RuntimeError), then reads input.size(1) (IndexError); native_batch_norm
    checks the statistics' requires_grad first."""
    def outcome(lib, call):
        try:
            call(lib)
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            return type(e), str(e).split(": ")[-1][:40] if type(e) is RuntimeError else ""
        return None

    calls = [
        lambda lib: lib.batch_norm(lib.ones(shape), lib.ones(1), None, None, None, True, 0.1,
                                   1e-5, True),
        lambda lib: lib.batch_norm(lib.ones(shape), None, None, lib.zeros(2), None, True, 0.1,
                                   1e-5, True),
        lambda lib: lib.batch_norm(lib.ones(shape), None, None, None, None, True, 0.1, 1e-5,
                                   True),
        lambda lib: lib.native_batch_norm(lib.ones(shape), None, None, None,
                                          lib.ones(1, requires_grad=True), False, 0.1, 1e-5),
        lambda lib: lib.native_batch_norm(lib.ones(shape), None, None, None, None, True, 0.1,
                                          1e-5),
    ]
    for call in calls:
        got, want = outcome(torsh, call), outcome(torch, call)
        assert want is not None and got is not None
        assert got[0] is want[0], (shape, got, want)
        if want[0] is RuntimeError:
            assert got[1] == want[1], (shape, got, want)


@pytest.mark.parametrize("param_dtype", [None, "bfloat16", "float32"])
@pytest.mark.parametrize("training", [True, False])
def test_bfloat16_statistics_dtype_and_values_match_torch(param_dtype, training):
    """A bfloat16 input returns its statistics in bfloat16, or in float with float parameters;
    the output and the input gradient (computed from the returned statistics) as torch's."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    out = {}
    for lib in (torch, torsh):
        X = lib.tensor(x).bfloat16().requires_grad_()
        if param_dtype is None and not training:
            continue
        pd = None if param_dtype is None else getattr(lib, param_dtype)
        W = None if pd is None else lib.linspace(0.5, 1.5, 3).to(pd).requires_grad_()
        B = None if pd is None else lib.zeros(3, dtype=pd)
        RM = None if pd is None else lib.zeros(3, dtype=pd)
        RV = None if pd is None else lib.ones(3, dtype=pd)
        y, m, v = lib.native_batch_norm(X, W, B, RM, RV, training, 0.1, 1e-5)
        (y.float() * lib.arange(60).reshape(4, 3, 5).float().sin()).sum().backward()
        out[lib] = (y, m, v, X.grad)
    if not out:
        return
    (ty, tm, tv, tg), (oy, om, ov, og) = out[torch], out[torsh]
    assert str(om.dtype) == str(tm.dtype) and str(ov.dtype) == str(tv.dtype)
    assert tuple(om.shape) == tuple(tm.shape) and tuple(ov.shape) == tuple(tv.shape)
    np.testing.assert_allclose(oy.float().detach().numpy(), ty.float().detach().numpy(),
                               rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(og.float().numpy(), tg.float().numpy(), rtol=2e-2, atol=2e-2)


def test_channels_last_output_and_gradient_keep_the_layout():
    """torch.native_batch_norm on a channels_last input returns a channels_last output, and its
    input gradient is channels_last too."""
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 5)).astype(np.float32)
    got = {}
    for lib in (torch, torsh):
        X = lib.tensor(x).contiguous(memory_format=lib.channels_last).requires_grad_()
        y, _, _ = lib.native_batch_norm(X, None, None, None, None, True, 0.1, 1e-5)
        (y * lib.arange(120).reshape(2, 3, 4, 5).float().cos()).sum().backward()
        got[lib] = (y.stride(), X.grad.stride(), y.detach().numpy(), X.grad.numpy())
    assert got[torsh][:2] == got[torch][:2] == ((60, 1, 15, 3), (60, 1, 15, 3))
    np.testing.assert_allclose(got[torsh][2], got[torch][2], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got[torsh][3], got[torch][3], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda lib: lib.randn(2, 3, 4, 5).contiguous(memory_format=lib.channels_last),
    lambda lib: lib.randn(4, 3).t(),
    lambda lib: lib.randn(3, 1, 4).permute(2, 1, 0),
    lambda lib: lib.randn(4, 6)[:, ::2],
])
def test_leaf_gradients_follow_the_layout_contract(make):
    """torch's AccumulateGrad: a dense leaf's .grad has the leaf's strides, whatever layout the
    incoming gradient has; a non-dense leaf's is contiguous."""
    strides = {}
    for lib in (torch, torsh):
        w = make(lib).detach().requires_grad_()
        (w * 2).sum().backward()
        strides[lib] = (w.grad.stride(), w.grad.is_contiguous())
    assert strides[torsh] == strides[torch]
