"""Module full backward hooks and the lazy modules against torch 1.13: what the hooks see and in
which order, replaced grad_input, handles; lazy shape inference, initialisation (same seed, same
weights), the class after the first forward, state_dict and repr."""
import copy
import warnings

import numpy as np
import pytest
import torch

import torsh


def to_np(t):
    return None if t is None else t.detach().numpy().copy()


def assert_close(a, b, rtol=1e-5, atol=1e-6):
    if a is None or b is None:
        assert a is None and b is None
        return
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def assert_records_equal(rt, rs):
    assert len(rt) == len(rs)
    for (nt, git, got), (ns, gis, gos) in zip(rt, rs):
        assert nt == ns
        assert len(git) == len(gis) and len(got) == len(gos)
        for a, b in zip(git + got, gis + gos):
            assert_close(a, b)


def recorder(records, tag=None):
    def hook(module, grad_input, grad_output):
        assert isinstance(grad_input, tuple) and isinstance(grad_output, tuple)
        name = tag or type(module).__name__
        records.append((name, [to_np(g) for g in grad_input], [to_np(g) for g in grad_output]))
    return hook


# Full backward hooks

def _linear_case(lib):
    lib.manual_seed(0)
    lin = lib.nn.Linear(3, 2)
    rec = []
    lin.register_full_backward_hook(recorder(rec))
    x = lib.randn(4, 3, requires_grad=True)
    out = lin(x)
    (out * out).sum().backward()
    return rec, to_np(x.grad), type(out.grad_fn).__name__, [to_np(p.grad) for p in lin.parameters()]


def test_full_backward_hook_linear():
    rt, gt, nt, pt = _linear_case(torch)
    rs, gs, ns, ps = _linear_case(torsh)
    assert_records_equal(rt, rs)
    assert ns == nt == "BackwardHookFunctionBackward"
    assert_close(gt, gs)
    for a, b in zip(pt, ps):
        assert_close(a, b)


def _mixed_args_case(lib):
    class M(lib.nn.Module):
        def forward(self, a, b, idx, k, scale=2.0):
            return a[idx] * b[idx] * k * scale, a.sum() * 3, "tag"

    rec = []
    m = M()
    m.register_full_backward_hook(recorder(rec))
    lib.manual_seed(1)
    a = lib.randn(5, requires_grad=True)
    b = lib.randn(5)  # no grad: a zero entry, as torch's materialised gradient
    idx = lib.tensor([0, 3, 3])
    y, s, tag = m(a, b, idx, 4, scale=0.5)
    assert tag == "tag"
    y.sum().backward()  # s unused: None in grad_output
    return rec, to_np(a.grad)


def test_full_backward_hook_non_tensor_args_and_unused_outputs():
    rt, gt = _mixed_args_case(torch)
    rs, gs = _mixed_args_case(torsh)
    assert_records_equal(rt, rs)
    assert rs[0][1][3] is None and rs[0][2][1] is None and rs[0][2][2] is None
    assert_close(gt, gs)


def _unused_input_case(lib):
    class M(lib.nn.Module):
        def forward(self, a, b):
            return a * 2

    rec = []
    m = M()
    m.register_full_backward_hook(recorder(rec))
    a = lib.ones(3, requires_grad=True)
    b = lib.ones(2, requires_grad=True)
    m(a, b).sum().backward()
    return rec, to_np(a.grad), to_np(b.grad)


def test_full_backward_hook_input_without_gradient_flow():
    rt, at, bt = _unused_input_case(torch)
    rs, as_, bs = _unused_input_case(torsh)
    assert_records_equal(rt, rs)
    assert_close(at, as_)
    assert_close(bt, bs)


def _order_case(lib):
    order = []
    lib.manual_seed(2)
    net = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2))
    for i, sub in enumerate(net):
        sub.register_full_backward_hook(recorder(order, "child%d.a" % i))
        sub.register_full_backward_hook(recorder(order, "child%d.b" % i))
    net.register_full_backward_hook(recorder(order, "net"))
    x = lib.randn(3, 4, requires_grad=True)
    net(x).pow(2).sum().backward()
    return order


def test_full_backward_hook_call_order_and_values():
    rt, rs = _order_case(torch), _order_case(torsh)
    assert [r[0] for r in rs] == [r[0] for r in rt]
    assert_records_equal(rt, rs)


def _shared_and_branching_case(lib):
    order = []
    lib.manual_seed(0)
    a, b, c = lib.nn.Linear(3, 3), lib.nn.Tanh(), lib.nn.Sigmoid()
    for name, m in (("a", a), ("b", b), ("c", c)):
        m.register_full_backward_hook(recorder(order, name))
    x = lib.randn(2, 3, requires_grad=True)
    h = a(x)
    y = b(h) + c(h) * a(h).sum()  # a used twice, two branches from h
    y.sum().backward()
    return order, to_np(x.grad)


def test_full_backward_hook_shared_module_and_branches():
    (rt, gt), (rs, gs) = _shared_and_branching_case(torch), _shared_and_branching_case(torsh)
    assert [r[0] for r in rs] == [r[0] for r in rt]
    assert_records_equal(rt, rs)
    assert_close(gt, gs)


def _global_case(lib, mod):
    order = []
    h_global = mod.register_module_full_backward_hook(recorder(order, "global"))
    try:
        lin = lib.nn.Linear(2, 2)
        lin.register_full_backward_hook(recorder(order, "local"))
        lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    finally:
        h_global.remove()
    lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    return [r[0] for r in order]


def test_global_full_backward_hook_runs_first_and_removes():
    from torch.nn.modules import module as torch_module
    from torsh.nn.modules import module as torsh_module
    assert _global_case(torsh, torsh_module) == _global_case(torch, torch_module)


def _replace_case(lib, how):
    lib.manual_seed(3)
    lin = lib.nn.Linear(3, 3)
    seen = []

    def double(module, grad_input, grad_output):
        return tuple(None if g is None else g * 2 for g in grad_input)

    def zero_out(module, grad_input, grad_output):
        return (None,)

    def observe(module, grad_input, grad_output):
        seen.append(to_np(grad_input[0]))

    if how == "double":
        lin.register_full_backward_hook(double)
        lin.register_full_backward_hook(observe)  # sees the doubled gradient
    else:
        lin.register_full_backward_hook(zero_out)
    x = lib.randn(2, 3, requires_grad=True)
    y = (lin(x) * 3).sum()
    y.backward()
    return to_np(x.grad), seen, to_np(lin.weight.grad)


@pytest.mark.parametrize("how", ["double", "none"])
def test_full_backward_hook_replaces_grad_input(how):
    gt, st, wt = _replace_case(torch, how)
    gs, ss, ws = _replace_case(torsh, how)
    assert_close(gt, gs)
    assert len(st) == len(ss)
    for a, b in zip(st, ss):
        assert_close(a, b)
    assert_close(wt, ws)  # the module's own parameters are untouched by the hook


def _remove_case(lib):
    rec = []
    lin = lib.nn.Linear(2, 2)
    h = lin.register_full_backward_hook(recorder(rec))
    lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    h.remove()
    out = lin(lib.ones(1, 2, requires_grad=True))
    name = type(out.grad_fn).__name__
    out.sum().backward()
    with lin.register_full_backward_hook(recorder(rec)):
        lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    return len(rec), name, len(lin._backward_hooks)


def test_full_backward_hook_handle_remove():
    assert _remove_case(torsh) == _remove_case(torch)


def _no_input_grad_case(lib, ret):
    rec = []
    lib.manual_seed(4)
    lin = lib.nn.Linear(3, 2)
    lin.register_full_backward_hook(recorder(rec))
    if ret is not None:
        lin.register_full_backward_hook(lambda m, gi, go: ret(lib))
    lin(lib.randn(2, 3)).sum().backward()
    return rec, to_np(lin.weight.grad)


def test_full_backward_hook_no_input_requires_grad():
    (rt, wt), (rs, ws) = _no_input_grad_case(torch, None), _no_input_grad_case(torsh, None)
    assert_records_equal(rt, rs)
    assert rs[0][1] == [None]
    assert_close(wt, ws)
    _no_input_grad_case(torsh, lambda lib: (None,))  # all-None is accepted
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError, match="no input requires gradient"):
            _no_input_grad_case(lib, lambda lib: (lib.ones(2, 3),))


def test_full_backward_hook_wrong_number_of_grads():
    for lib in (torch, torsh):
        lin = lib.nn.Linear(2, 2)
        lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="invalid number of grad_input"):
            lin(lib.ones(1, 2, requires_grad=True)).sum().backward()


def _grad_api_case(lib):
    rec = []
    lib.manual_seed(5)
    m = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.Sigmoid())
    m[0].register_full_backward_hook(recorder(rec))
    x = lib.randn(2, 3, requires_grad=True)
    (gx,) = lib.autograd.grad(m(x).sum(), [x])
    with lib.no_grad():
        out = m(x)
    return rec, to_np(gx), out.grad_fn is None, out.requires_grad


def test_full_backward_hook_with_autograd_grad_and_no_grad():
    rt, gt, *ft = _grad_api_case(torch)
    rs, gs, *fs = _grad_api_case(torsh)
    assert_records_equal(rt, rs)
    assert_close(gt, gs)
    assert fs == ft


def _forward_hook_interplay(lib):
    rec = []
    lin = lib.nn.Linear(2, 2, bias=False)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
    lin.register_forward_hook(lambda m, i, o: o * 10)
    lin.register_full_backward_hook(recorder(rec))
    x = lib.tensor([[1.0, -1.0]], requires_grad=True)
    lin(x).sum().backward()
    return rec, to_np(x.grad)


def test_full_backward_hook_sees_forward_hook_output():
    (rt, gt), (rs, gs) = _forward_hook_interplay(torch), _forward_hook_interplay(torsh)
    assert_records_equal(rt, rs)
    assert_close(gt, gs)


def test_full_and_non_full_hooks_do_not_mix():
    for lib in (torch, torsh):
        m = lib.nn.ReLU()
        m.register_full_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError, match="Cannot use both"):
            m.register_backward_hook(lambda *a: None)


# Lazy modules

LAZY_CASES = [
    ("LazyLinear", (5,), {}, (2, 7)),
    ("LazyLinear", (3,), {"bias": False}, (4, 2, 6)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 9)),
    ("LazyConv1d", (4, 3), {"groups": 2, "padding_mode": "reflect", "padding": 1}, (6, 9)),
    ("LazyConv2d", (6, (2, 3)), {"stride": 2, "bias": False}, (2, 3, 7, 8)),
    ("LazyConv3d", (2, 2), {"dilation": 2}, (1, 2, 5, 6, 5)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2, "output_padding": 1}, (2, 5, 6)),
    ("LazyConvTranspose2d", (4, 3), {"groups": 2}, (1, 6, 4, 5)),
    ("LazyConvTranspose3d", (3, 2), {}, (1, 2, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (6, 4)),
    ("LazyBatchNorm1d", (), {"momentum": None}, (6, 4, 3)),
    ("LazyBatchNorm2d", (), {"affine": False}, (3, 2, 4, 4)),
    ("LazyBatchNorm3d", (), {"track_running_stats": False}, (2, 3, 2, 3, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"affine": False, "track_running_stats": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {"eps": 1e-3}, (2, 2, 3, 3, 2)),
]


def _lazy(lib, name, args, kwargs, seed=0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib.manual_seed(seed)
        return getattr(lib.nn, name)(*args, **kwargs)


def _lazy_run(lib, name, args, kwargs, shape):
    m = _lazy(lib, name, args, kwargs)
    before = dict(repr=repr(m), cls=type(m).__name__, uninit=m.has_uninitialized_params(),
                  keys=list(m.state_dict().keys()),
                  lazy=[type(v).__name__ for v in m.state_dict().values()],
                  params=[type(p).__name__ for p in m.parameters()])
    lib.manual_seed(7)
    x = lib.randn(*shape, requires_grad=True)
    lib.manual_seed(0)  # the initialisation draws from here, as a fresh regular layer's would
    y = m(x)
    (y * y).sum().backward()
    after = dict(repr=repr(m), cls=type(m).__name__, hooks=len(m._forward_pre_hooks),
                 pre=len(m._load_state_dict_pre_hooks), has_hook=hasattr(m, "_initialize_hook"),
                 params=[type(p).__name__ for p in m.parameters()])
    state = {k: to_np(v) for k, v in m.state_dict().items()}
    grads = [to_np(p.grad) for p in m.parameters()]
    y2 = m(x.detach())  # the second call runs the regular forward
    return before, after, to_np(y), to_np(x.grad), state, grads, to_np(y2)


@pytest.mark.parametrize("name,args,kwargs,shape", LAZY_CASES)
def test_lazy_module_matches_torch(name, args, kwargs, shape):
    rt = _lazy_run(torch, name, args, kwargs, shape)
    rs = _lazy_run(torsh, name, args, kwargs, shape)
    assert rs[0] == rt[0]
    assert rs[1] == rt[1]
    assert rs[1]["cls"] == name[len("Lazy"):]
    for a, b in zip(rt[2:4], rs[2:4]):
        assert_close(a, b, rtol=1e-4, atol=1e-5)
    assert list(rs[4]) == list(rt[4])
    for k in rt[4]:
        assert_close(rt[4][k], rs[4][k], rtol=1e-5, atol=1e-6)
    for a, b in zip(rt[5] + [rt[6]], rs[5] + [rs[6]]):
        assert_close(a, b, rtol=1e-4, atol=1e-4)


def test_lazy_weights_equal_a_regular_layer_with_the_same_seed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torsh.manual_seed(11)
        lazy = torsh.nn.LazyConv2d(5, 3)
        lazy(torsh.zeros(1, 4, 6, 6))
    torch.manual_seed(11)
    ref = torch.nn.Conv2d(4, 5, 3)
    assert_close(to_np(ref.weight), to_np(lazy.weight))
    assert_close(to_np(ref.bias), to_np(lazy.bias))


def test_uninitialized_parameter_and_buffer():
    from torsh.nn.parameter import is_lazy
    for lib in (torch, torsh):
        p = lib.nn.UninitializedParameter()
        b = lib.nn.UninitializedBuffer(dtype=lib.float64)
        assert repr(p) == "<UninitializedParameter>" and repr(b) == "<UninitializedBuffer>"
        assert isinstance(p, lib.nn.Parameter) and p.requires_grad and not b.requires_grad
        with pytest.raises(RuntimeError, match="Can't access the shape"):
            p.shape
        assert repr(copy.deepcopy(p)) == "<UninitializedParameter>"
        p.materialize((2, 3))
        b.materialize((4,), dtype=lib.float32)
        assert type(p) is lib.nn.Parameter and tuple(p.shape) == (2, 3) and p.requires_grad
        assert type(b) is lib.Tensor and b.dtype == lib.float32 and tuple(b.shape) == (4,)
    assert is_lazy(torsh.nn.UninitializedBuffer()) and not is_lazy(torsh.zeros(1))


def _load_initialized_case(lib):
    src = _lazy(lib, "LazyLinear", (3,), {}, seed=1)
    src(lib.ones(2, 4))
    sd = src.state_dict()
    dst = _lazy(lib, "LazyLinear", (3,), {}, seed=2)
    dst.load_state_dict(sd)
    cls_loaded = type(dst).__name__
    uninit = dst.has_uninitialized_params()
    out = dst(lib.ones(1, 4))  # no re-initialisation: the loaded weights stay
    return cls_loaded, uninit, type(dst).__name__, to_np(out), to_np(dst.weight)


def test_lazy_load_initialized_state_dict():
    rt, rs = _load_initialized_case(torch), _load_initialized_case(torsh)
    assert rs[:3] == rt[:3] == ("LazyLinear", False, "Linear")
    assert_close(rt[3], rs[3])
    assert_close(rt[4], rs[4])


def _load_lazy_case(lib):
    src = _lazy(lib, "LazyBatchNorm1d", (), {})
    dst = _lazy(lib, "LazyBatchNorm1d", (), {})
    result = dst.load_state_dict(src.state_dict())
    still = dst.has_uninitialized_params()
    inited = _lazy(lib, "BatchNorm1d", (3,), {})
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        inited.load_state_dict(src.state_dict())
    return repr(result), still


def test_lazy_load_uninitialized_state_dict():
    assert _load_lazy_case(torsh) == _load_lazy_case(torch)


def _convert_case(lib):
    m = _lazy(lib, "LazyBatchNorm1d", (), {})
    m.double()
    kinds = [type(t).__name__ for t in m.state_dict().values()]
    lib.manual_seed(3)
    x = lib.randn(4, 3, dtype=lib.float64)
    y = m(x)
    return kinds, y.dtype == lib.float64, m.running_mean.dtype == lib.float64, to_np(y), \
        to_np(m.running_var)


def test_lazy_dtype_conversion_before_initialisation():
    rt, rs = _convert_case(torch), _convert_case(torsh)
    assert rs[:3] == rt[:3]
    assert_close(rt[3], rs[3])
    assert_close(rt[4], rs[4])


def test_lazy_in_sequential_then_train():
    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lib.manual_seed(5)
            net = lib.nn.Sequential(lib.nn.LazyLinear(6), lib.nn.ReLU(), lib.nn.LazyLinear(2))
        lib.manual_seed(6)
        x = lib.randn(8, 4)
        net(x)  # dry run
        opt = lib.optim.SGD(net.parameters(), lr=0.1)
        losses = []
        for _ in range(3):
            opt.zero_grad()
            loss = net(x).pow(2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return repr(net), losses, [to_np(p) for p in net.parameters()]

    rt, rs = run(torch), run(torsh)
    assert rs[0] == rt[0]
    np.testing.assert_allclose(rs[1], rt[1], rtol=1e-5)
    for a, b in zip(rt[2], rs[2]):
        assert_close(a, b)


def test_lazy_errors():
    for lib in (torch, torsh):
        with pytest.raises(ValueError, match="divisible by groups"):
            _lazy(lib, "LazyConv1d", (4, 3), {"groups": 2})(lib.ones(1, 3, 5))
        with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\)"):
            _lazy(lib, "LazyConv2d", (4, 3), {})(lib.ones(5, 5))
        with pytest.raises(ValueError, match="uninitialized parameters"):
            lib.nn.utils.weight_norm(_lazy(lib, "LazyLinear", (3,), {}))
        with pytest.raises(ValueError, match="uninitialized parameters"):
            lib.nn.utils.spectral_norm(_lazy(lib, "LazyLinear", (3,), {}))


def test_lazy_construction_warns():
    for lib in (torch, torsh):
        with pytest.warns(UserWarning, match="Lazy modules are a new feature"):
            lib.nn.LazyLinear(3)
