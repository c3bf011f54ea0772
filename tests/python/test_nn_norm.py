"""torsh.nn normalisation layers (BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, GroupNorm) and
F.batch_norm / F.instance_norm / F.group_norm against torch.nn 1.13: parameters and buffers,
state_dict, running statistics over several training steps, eval outputs, gradients, reprs
and errors."""
import warnings
from collections import OrderedDict

import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import (build_pair, to_torsh, assert_close, run_pair, assert_same_state,
                      raises_like)
from torsh import nn
from torsh.nn import functional as F

F64 = dict(rtol=1e-7, atol=1e-9)
F32 = dict(rtol=1e-4, atol=1e-5)


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def data(shape, seed, dtype=torch.float64):
    """Inputs with a per-channel offset and scale, so the statistics are not all ~(0, 1)."""
    x = randn(*shape, seed=seed, dtype=dtype)
    if len(shape) >= 2:
        c = shape[1]
        view = [1, c] + [1] * (len(shape) - 2)
        x = x * torch.linspace(0.5, 3.0, c, dtype=dtype).view(view) + \
            torch.linspace(-2.0, 2.0, c, dtype=dtype).view(view)
    return x


# Construction

CONSTRUCT = [
    "BatchNorm1d(4)", "BatchNorm1d(3, eps=1e-3, momentum=None)",
    "BatchNorm2d(5, affine=False)", "BatchNorm2d(3, track_running_stats=False)",
    "BatchNorm3d(2, momentum=0.3, affine=False, track_running_stats=False)",
    "InstanceNorm1d(4)", "InstanceNorm2d(3, affine=True)",
    "InstanceNorm2d(3, track_running_stats=True)",
    "InstanceNorm3d(2, eps=1e-4, momentum=0.2, affine=True, track_running_stats=True)",
    "GroupNorm(2, 4)", "GroupNorm(3, 6, eps=1e-3, affine=False)", "GroupNorm(1, 5)",
]


@pytest.mark.parametrize("expr", CONSTRUCT)
def test_construction_repr_parameters_and_buffers(expr):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=2)
    assert repr(b) == repr(a)
    assert_same_state(b, a)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]
    assert [n for n, _ in b.named_buffers()] == [n for n, _ in a.named_buffers()]
    for name in ("running_mean", "running_var", "num_batches_tracked", "weight", "bias"):
        if hasattr(a, name):
            assert (getattr(b, name) is None) == (getattr(a, name) is None), name
    if getattr(a, "num_batches_tracked", None) is not None:
        assert b.num_batches_tracked.dtype == torsh.int64
        assert tuple(b.num_batches_tracked.shape) == ()
        assert not b.num_batches_tracked.requires_grad
    for attr in ("num_features", "eps", "momentum", "affine", "track_running_stats",
                 "num_groups", "num_channels"):
        if hasattr(a, attr):
            assert getattr(b, attr) == getattr(a, attr), attr


def test_float64_construction():
    a, b = build_pair(lambda lib, libnn: libnn.BatchNorm2d(3, dtype=lib.float64), seed=0)
    assert_same_state(b, a)
    assert b.running_mean.dtype == torsh.float64 and b.weight.dtype == torsh.float64
    assert b.num_batches_tracked.dtype == torsh.int64


def test_constructor_errors():
    raises_like(lambda: torch.nn.GroupNorm(3, 4), lambda: nn.GroupNorm(3, 4))


# BatchNorm: training steps, running stats, eval

BN_CASES = [
    ("BatchNorm1d(4)", (6, 4)),
    ("BatchNorm1d(3)", (5, 3, 7)),
    ("BatchNorm1d(3, momentum=None)", (5, 3, 4)),
    ("BatchNorm1d(4, affine=False)", (8, 4)),
    ("BatchNorm2d(3)", (4, 3, 5, 6)),
    ("BatchNorm2d(3, momentum=0.5, eps=1e-3)", (2, 3, 4, 4)),
    ("BatchNorm2d(2, momentum=None, affine=False)", (3, 2, 3, 5)),
    ("BatchNorm2d(3, track_running_stats=False)", (4, 3, 5, 6)),
    ("BatchNorm3d(2)", (3, 2, 3, 4, 2)),
    ("BatchNorm3d(2, track_running_stats=False, affine=False)", (2, 2, 3, 3, 2)),
]


def _sgd(module, lr, lib):
    with lib.no_grad():
        for p in module.parameters():
            if p.grad is not None:
                p -= lr * p.grad
                p.grad = None


@pytest.mark.parametrize("expr,shape", BN_CASES)
def test_batch_norm_training_steps_then_eval(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr[:-1] + ", dtype=lib.float64)"),
                      seed=0)
    for step in range(4):
        run_pair(a, b, data(shape, seed=10 + step), grad_seed=step, **F64)
        assert_same_state(b, a, **F64)
        _sgd(a, 0.1, torch)
        _sgd(b, 0.1, torsh)
    if a.track_running_stats:
        assert int(b.num_batches_tracked) == int(a.num_batches_tracked) == 4
    a.eval()
    b.eval()
    run_pair(a, b, data(shape, seed=20), grad_seed=9, **F64)
    assert_same_state(b, a, **F64)  # eval leaves the running stats alone
    # a batch of one is fine in eval mode
    one = (1,) + shape[1:]
    run_pair(a, b, data(one, seed=21), **F64)


@pytest.mark.parametrize("expr,shape", BN_CASES[::3])
def test_batch_norm_float32(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=0)
    for step in range(3):
        run_pair(a, b, data(shape, seed=30 + step, dtype=torch.float32), **F32)
        assert_same_state(b, a, **F32)
    a.eval()
    b.eval()
    run_pair(a, b, data(shape, seed=33, dtype=torch.float32), **F32)


def test_batch_norm_state_dict_round_trip_and_old_version():
    a = torch.nn.BatchNorm2d(3, dtype=torch.float64)
    for s in range(3):
        a(data((4, 3, 2, 5), seed=s))
    a.eval()
    sd = a.state_dict()
    b = nn.BatchNorm2d(3, dtype=torsh.float64)
    b.load_state_dict(OrderedDict((k, to_torsh(v)) for k, v in sd.items()))
    assert_same_state(b, a)
    b.eval()
    x = data((2, 3, 4, 4), seed=7)
    assert_close(b(to_torsh(x)), a(x), **F64)
    # torsh's state_dict records the version (2) and loads into torch
    sb = b.state_dict()
    assert sb._metadata[""]["version"] == a.state_dict()._metadata[""]["version"]
    c = torch.nn.BatchNorm2d(3, dtype=torch.float64)
    c.load_state_dict(OrderedDict((k, torch.from_numpy(v.numpy().copy()))
                                  for k, v in sb.items()))
    assert_same_state(b, c)
    # a version-1 state dict (no num_batches_tracked) loads with num_batches_tracked = 0
    old = OrderedDict((k, v) for k, v in sd.items() if k != "num_batches_tracked")
    old._metadata = OrderedDict([("", {"version": 1})])
    a2 = torch.nn.BatchNorm2d(3, dtype=torch.float64)
    a2.load_state_dict(old)
    old_b = OrderedDict((k, to_torsh(v)) for k, v in old.items())
    old_b._metadata = OrderedDict([("", {"version": 1})])
    b2 = nn.BatchNorm2d(3, dtype=torsh.float64)
    b2.num_batches_tracked.fill_(5)
    b2.load_state_dict(old_b)
    assert_same_state(b2, a2)


def test_batch_norm_reset_and_buffers_follow_dtype_conversion():
    a, b = build_pair(lambda lib, libnn: libnn.BatchNorm1d(3), seed=0)
    run_pair(a, b, data((5, 3), seed=1, dtype=torch.float32), **F32)
    a.reset_running_stats()
    b.reset_running_stats()
    assert_same_state(b, a)
    a.double()
    b.double()
    assert_same_state(b, a)
    assert b.running_mean.dtype == torsh.float64 and b.num_batches_tracked.dtype == torsh.int64


def test_batch_norm_in_a_conv_net():
    def build(lib, libnn):
        return libnn.Sequential(libnn.Conv2d(2, 4, 3, padding=1, dtype=lib.float64),
                                libnn.BatchNorm2d(4, dtype=lib.float64), libnn.ReLU(),
                                libnn.MaxPool2d(2),
                                libnn.Conv2d(4, 3, 3, dtype=lib.float64),
                                libnn.BatchNorm2d(3, momentum=None, dtype=lib.float64),
                                libnn.AdaptiveAvgPool2d(1), libnn.Flatten())
    a, b = build_pair(build, seed=3)
    for step in range(3):
        run_pair(a, b, data((4, 2, 8, 8), seed=step), grad_seed=step, **F64)
        _sgd(a, 0.05, torch)
        _sgd(b, 0.05, torsh)
        assert_same_state(b, a, **F64)
    a.eval()
    b.eval()
    run_pair(a, b, data((2, 2, 8, 8), seed=9), **F64)


BN_ERRORS = [
    ("BatchNorm1d(3)", (3,)),
    ("BatchNorm1d(3)", (2, 3, 4, 5)),
    ("BatchNorm2d(3)", (2, 3, 4)),
    ("BatchNorm3d(3)", (2, 3, 4, 5)),
    ("BatchNorm1d(3)", (1, 3)),          # one value per channel in training
    ("BatchNorm2d(3)", (1, 3, 1, 1)),
]


@pytest.mark.parametrize("expr,shape", BN_ERRORS)
def test_batch_norm_input_errors(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=0)
    x = randn(*shape, dtype=torch.float32)
    raises_like(lambda: a(x), lambda: b(to_torsh(x)))


def test_batch_norm_channel_mismatch():
    a, b = build_pair(lambda lib, libnn: libnn.BatchNorm2d(3), seed=0)
    x = randn(2, 4, 3, 3, dtype=torch.float32)
    raises_like(lambda: a(x), lambda: b(to_torsh(x)), match_message=False)


# F.batch_norm

# (eval mode without running stats is an error: test_functional_batch_norm_eval_without_stats)
@pytest.mark.parametrize("training,stats", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("affine", [True, False])
def test_functional_batch_norm(training, affine, stats):
    x = data((4, 3, 5), seed=1)
    rm, rv = randn(3, seed=2), randn(3, seed=3).abs() + 0.5
    w, bias = randn(3, seed=4), randn(3, seed=5)
    rm_a, rv_a = (rm.clone(), rv.clone()) if stats else (None, None)
    rm_b, rv_b = (to_torsh(rm), to_torsh(rv)) if stats else (None, None)
    leaves_a = [x.clone().requires_grad_()]
    if affine:
        leaves_a += [w.clone().requires_grad_(), bias.clone().requires_grad_()]
    leaves_b = [to_torsh(t).requires_grad_() for t in leaves_a]
    wa, ba = (leaves_a[1], leaves_a[2]) if affine else (None, None)
    wb, bb = (leaves_b[1], leaves_b[2]) if affine else (None, None)
    ya = TF.batch_norm(leaves_a[0], rm_a, rv_a, wa, ba, training, 0.3, 1e-4)
    yb = F.batch_norm(leaves_b[0], rm_b, rv_b, wb, bb, training, 0.3, 1e-4)
    assert_close(yb, ya, **F64)
    if stats:
        assert_close(rm_b, rm_a, **F64)
        assert_close(rv_b, rv_a, **F64)
    g = randn(*ya.shape, seed=6)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    for la, lb in zip(leaves_a, leaves_b):
        assert_close(lb.grad, la.grad, **F64)


def test_functional_batch_norm_eval_without_stats():
    x = randn(4, 3, dtype=torch.float32)
    raises_like(lambda: TF.batch_norm(x, None, None), lambda: F.batch_norm(to_torsh(x), None,
                                                                            None),
                match_message=False)


def test_functional_batch_norm_keywords_and_torsh_op():
    x = data((5, 2, 3), seed=1)
    rm, rv = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    rm_b, rv_b = to_torsh(rm), to_torsh(rv)
    ya = TF.batch_norm(x, rm, rv, training=True, momentum=0.2, eps=1e-3)
    yb = F.batch_norm(to_torsh(x), rm_b, rv_b, training=True, momentum=0.2, eps=1e-3)
    assert_close(yb, ya, **F64)
    assert_close(rm_b, rm, **F64)
    assert_close(rv_b, rv, **F64)
    ya = torch.batch_norm(x, None, None, rm, rv, False, 0.1, 1e-5, False)
    yb = torsh.batch_norm(to_torsh(x), None, None, rm_b, rv_b, False, 0.1, 1e-5, False)
    assert_close(yb, ya, **F64)


def test_functional_batch_norm_size_check():
    x = randn(1, 3, dtype=torch.float32)
    raises_like(lambda: TF.batch_norm(x, None, None, training=True),
                lambda: F.batch_norm(to_torsh(x), None, None, training=True))


# InstanceNorm

IN_CASES = [
    ("InstanceNorm1d(3)", (4, 3, 7)),
    ("InstanceNorm1d(3, affine=True)", (3, 6)),
    ("InstanceNorm1d(3, track_running_stats=True)", (4, 3, 5)),
    ("InstanceNorm2d(3)", (2, 3, 4, 5)),
    ("InstanceNorm2d(3, affine=True, eps=1e-3)", (3, 4, 5)),
    ("InstanceNorm2d(2, affine=True, track_running_stats=True, momentum=0.3)", (3, 2, 4, 4)),
    ("InstanceNorm3d(2)", (2, 2, 3, 4, 3)),
    ("InstanceNorm3d(2, affine=True, track_running_stats=True)", (2, 3, 4, 3)),
]


@pytest.mark.parametrize("expr,shape", IN_CASES)
def test_instance_norm_training_then_eval(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr[:-1] + ", dtype=lib.float64)"),
                      seed=0)
    for step in range(3):
        run_pair(a, b, data(shape, seed=40 + step), grad_seed=step, **F64)
        assert_same_state(b, a, **F64)
        _sgd(a, 0.1, torch)
        _sgd(b, 0.1, torsh)
    a.eval()
    b.eval()
    run_pair(a, b, data(shape, seed=50), **F64)
    assert_same_state(b, a, **F64)


def test_instance_norm_float32():
    a, b = build_pair(lambda lib, libnn: libnn.InstanceNorm2d(3, affine=True,
                                                              track_running_stats=True), seed=0)
    run_pair(a, b, data((2, 3, 5, 5), seed=1, dtype=torch.float32), **F32)
    assert_same_state(b, a, **F32)


@pytest.mark.parametrize("expr,shape", [
    ("InstanceNorm1d(3)", (3,)), ("InstanceNorm1d(3)", (2, 3, 4, 5)),
    ("InstanceNorm2d(3)", (3, 4)), ("InstanceNorm3d(2)", (2, 3, 4)),
    ("InstanceNorm2d(3)", (2, 3, 1, 1)),    # one spatial element in training
])
def test_instance_norm_input_errors(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=0)
    x = randn(*shape, dtype=torch.float32)
    raises_like(lambda: a(x), lambda: b(to_torsh(x)))


def test_instance_norm_rejects_pre_0_4_running_stats():
    a = torch.nn.InstanceNorm1d(3)
    b = nn.InstanceNorm1d(3)
    sd = OrderedDict([("running_mean", torch.zeros(3)), ("running_var", torch.ones(3))])
    sd._metadata = OrderedDict([("", {})])
    sd_b = OrderedDict((k, to_torsh(v)) for k, v in sd.items())
    sd_b._metadata = OrderedDict([("", {})])
    raises_like(lambda: a.load_state_dict(sd), lambda: b.load_state_dict(sd_b))


@pytest.mark.parametrize("use_input_stats", [True, False])
def test_functional_instance_norm(use_input_stats):
    x = data((2, 3, 4, 5), seed=1)
    rm, rv = randn(3, seed=2), randn(3, seed=3).abs() + 0.5
    w, bias = randn(3, seed=4), randn(3, seed=5)
    rm_b, rv_b = to_torsh(rm), to_torsh(rv)
    leaves_a = [x.clone().requires_grad_(), w.clone().requires_grad_(),
                bias.clone().requires_grad_()]
    leaves_b = [to_torsh(t).requires_grad_() for t in leaves_a]
    ya = TF.instance_norm(leaves_a[0], rm, rv, leaves_a[1], leaves_a[2], use_input_stats, 0.2,
                          1e-4)
    yb = F.instance_norm(leaves_b[0], rm_b, rv_b, leaves_b[1], leaves_b[2], use_input_stats,
                         0.2, 1e-4)
    assert_close(yb, ya, **F64)
    assert_close(rm_b, rm, **F64)
    assert_close(rv_b, rv, **F64)
    g = randn(*ya.shape, seed=6)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    for la, lb in zip(leaves_a, leaves_b):
        assert_close(lb.grad, la.grad, **F64)
    # defaults: no stats, no affine
    assert_close(F.instance_norm(to_torsh(x)), TF.instance_norm(x), **F64)


# GroupNorm

GN_CASES = [
    ("GroupNorm(2, 4)", (3, 4)),
    ("GroupNorm(2, 4)", (3, 4, 5)),
    ("GroupNorm(3, 6, eps=1e-3)", (2, 6, 4, 5)),
    ("GroupNorm(1, 3, affine=False)", (2, 3, 4, 4)),
    ("GroupNorm(4, 4)", (2, 4, 3, 2, 3)),
]


@pytest.mark.parametrize("expr,shape", GN_CASES)
def test_group_norm_forward_backward(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr[:-1] + ", dtype=lib.float64)"),
                      seed=0)
    # non-trivial affine parameters
    with torch.no_grad():
        for p in a.parameters():
            p.copy_(randn(*p.shape, seed=p.numel()))
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})
    run_pair(a, b, data(shape, seed=60), **F64)


def test_group_norm_float32():
    a, b = build_pair(lambda lib, libnn: libnn.GroupNorm(2, 6), seed=0)
    run_pair(a, b, data((3, 6, 4, 4), seed=1, dtype=torch.float32), **F32)


def test_functional_group_norm():
    x = data((2, 6, 5), seed=1)
    w, bias = randn(6, seed=2), randn(6, seed=3)
    for args in ((3,), (2, None, None), (3, to_torsh(w), to_torsh(bias), 1e-3)):
        targs = tuple(torch.from_numpy(a.numpy().copy()) if isinstance(a, torsh.Tensor) else a
                      for a in args)
        assert_close(F.group_norm(to_torsh(x), *args), TF.group_norm(x, *targs), **F64)
    assert_close(torsh.group_norm(to_torsh(x), 2, to_torsh(w), to_torsh(bias), 1e-5, True),
                 torch.group_norm(x, 2, w, bias, 1e-5, True), **F64)


@pytest.mark.parametrize("shape,groups,match", [
    ((2, 4, 3), 3, False),       # channels not divisible by groups (native check)
    ((1, 2), 2, True),           # one value per group (Python-side check)
    ((1, 4, 1), 4, True),
])
def test_group_norm_errors(shape, groups, match):
    x = randn(*shape, dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda: TF.group_norm(x, groups), lambda: F.group_norm(to_torsh(x), groups),
                    match_message=match)


def test_group_norm_channel_mismatch_in_module():
    a, b = build_pair(lambda lib, libnn: libnn.GroupNorm(2, 4), seed=0)
    x = randn(2, 6, 3, dtype=torch.float32)
    raises_like(lambda: a(x), lambda: b(to_torsh(x)), match_message=False)
