"""torsh.nn.utils fusion (conv/linear + BatchNorm), skip_init and
convert_conv2d_weight_memory_format, plus torsh.utils.checkpoint.get/set_device_states, each
compared with torch on the same weights (copied through numpy)."""
import numpy as np
import pytest
import torch
import torch.nn.utils.fusion as pfusion

import torsh
import torsh.nn.utils.fusion as tfusion
import torsh.utils.checkpoint as tcheckpoint
import torch.utils.checkpoint as pcheckpoint


def _to_torsh(t):
    return torsh.from_numpy(t.detach().numpy().copy())


def _copy_module(p_mod, t_mod):
    """Gives the torsh module the torch module's parameters and buffers."""
    t_mod.load_state_dict({k: _to_torsh(v) for k, v in p_mod.state_dict().items()})


def _close(t_tensor, p_tensor, tol=1e-5):
    np.testing.assert_allclose(t_tensor.detach().numpy(), p_tensor.detach().numpy(),
                               rtol=tol, atol=tol)


def _bn_pair(cls_name, n, affine=True, seed=0):
    torch.manual_seed(seed)
    p_bn = getattr(torch.nn, cls_name)(n, affine=affine, eps=1e-3)
    with torch.no_grad():
        p_bn.running_mean.copy_(torch.randn(n))
        p_bn.running_var.copy_(torch.rand(n) + 0.5)
        if affine:
            p_bn.weight.copy_(torch.randn(n))
            p_bn.bias.copy_(torch.randn(n))
    t_bn = getattr(torsh.nn, cls_name)(n, affine=affine, eps=1e-3)
    _copy_module(p_bn, t_bn)
    return p_bn.eval(), t_bn.eval()


CONV_CASES = [
    # (conv class, args, bn class, input shape, transpose, bias)
    ("Conv2d", (3, 4, 3), "BatchNorm2d", (2, 3, 7, 6), False, True),
    ("Conv2d", (3, 4, 3), "BatchNorm2d", (2, 3, 7, 6), False, False),
    ("Conv2d", (4, 6, 3), "BatchNorm2d", (1, 4, 5, 5), False, True),   # groups below
    ("Conv1d", (2, 5, 3), "BatchNorm1d", (3, 2, 9), False, True),
    ("ConvTranspose2d", (3, 5, 3), "BatchNorm2d", (2, 3, 4, 5), True, True),
    ("ConvTranspose2d", (3, 5, 2), "BatchNorm2d", (2, 3, 4, 4), True, False),
]


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_fuse_conv_bn_eval_matches_torch(case):
    cls, args, bn_cls, shape, transpose, bias = CONV_CASES[case]
    kwargs = {"bias": bias}
    if case == 2:
        kwargs["groups"] = 2
    torch.manual_seed(case)
    p_conv = getattr(torch.nn, cls)(*args, **kwargs).eval()
    t_conv = getattr(torsh.nn, cls)(*args, **kwargs).eval()
    _copy_module(p_conv, t_conv)
    p_bn, t_bn = _bn_pair(bn_cls, args[1], seed=case + 10)

    p_fused = pfusion.fuse_conv_bn_eval(p_conv, p_bn, transpose=transpose)
    t_fused = torsh.nn.utils.fuse_conv_bn_eval(t_conv, t_bn, transpose=transpose)
    assert type(t_fused) is type(t_conv) and t_fused is not t_conv
    assert type(t_fused.weight) is torsh.nn.Parameter
    assert type(t_fused.bias) is torsh.nn.Parameter
    assert tuple(t_fused.weight.shape) == tuple(p_fused.weight.shape)
    _close(t_fused.weight, p_fused.weight)
    _close(t_fused.bias, p_fused.bias)
    # the original conv is untouched
    _close(t_conv.weight, p_conv.weight, 0)
    assert (t_conv.bias is None) == (not bias)

    x = np.random.RandomState(case).randn(*shape).astype(np.float32)
    px, tx = torch.from_numpy(x), torsh.from_numpy(x)
    with torch.no_grad(), torsh.no_grad():
        _close(t_fused(tx), p_fused(px), 1e-4)
        _close(t_fused(tx), t_bn(t_conv(tx)), 1e-4)  # fused == unfused


@pytest.mark.parametrize("bias", [True, False])
def test_fuse_linear_bn_eval_matches_torch(bias):
    torch.manual_seed(3)
    p_lin = torch.nn.Linear(6, 4, bias=bias).eval()
    t_lin = torsh.nn.Linear(6, 4, bias=bias).eval()
    _copy_module(p_lin, t_lin)
    p_bn, t_bn = _bn_pair("BatchNorm1d", 4, seed=5)
    p_fused = pfusion.fuse_linear_bn_eval(p_lin, p_bn)
    t_fused = tfusion.fuse_linear_bn_eval(t_lin, t_bn)
    assert type(t_fused) is torsh.nn.Linear and t_fused is not t_lin
    assert type(t_fused.weight) is torsh.nn.Parameter
    _close(t_fused.weight, p_fused.weight)
    _close(t_fused.bias, p_fused.bias)
    x = np.random.RandomState(1).randn(5, 6).astype(np.float32)
    with torch.no_grad(), torsh.no_grad():
        tx = torsh.from_numpy(x)
        _close(t_fused(tx), p_fused(torch.from_numpy(x)), 1e-4)
        _close(t_fused(tx), t_bn(t_lin(tx)), 1e-4)


def _rand(rs, *shape):
    return rs.randn(*shape).astype(np.float64)


@pytest.mark.parametrize("missing", [(), ("conv_b",), ("bn_w", "bn_b"),
                                     ("conv_b", "bn_w", "bn_b")])
@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_weights_with_missing_parts(missing, transpose):
    rs = np.random.RandomState(7)
    w_shape = (3, 4, 2, 2) if not transpose else (4, 3, 2, 2)
    arrays = {"conv_w": _rand(rs, *w_shape), "conv_b": _rand(rs, 3), "bn_rm": _rand(rs, 3),
              "bn_rv": rs.rand(3) + 0.5, "bn_w": _rand(rs, 3), "bn_b": _rand(rs, 3)}

    def args(lib):
        a = {k: (None if k in missing else lib.from_numpy(v.copy())) for k, v in arrays.items()}
        return (a["conv_w"], a["conv_b"], a["bn_rm"], a["bn_rv"], 1e-5, a["bn_w"], a["bn_b"],
                transpose)

    pw, pb = pfusion.fuse_conv_bn_weights(*args(torch))
    tw, tb = tfusion.fuse_conv_bn_weights(*args(torsh))
    assert tw.dtype == torsh.float64 and tb.dtype == torsh.float64
    assert type(tw) is torsh.nn.Parameter and tw.requires_grad and tb.requires_grad
    _close(tw, pw, 1e-12)
    _close(tb, pb, 1e-12)


@pytest.mark.parametrize("has_bias", [True, False])
def test_fuse_linear_bn_weights(has_bias):
    rs = np.random.RandomState(11)
    arrays = [_rand(rs, 3, 5), _rand(rs, 3), _rand(rs, 3), rs.rand(3) + 0.5, _rand(rs, 3),
              _rand(rs, 3)]

    def args(lib):
        a = [lib.from_numpy(v.copy()) for v in arrays]
        if not has_bias:
            a[1] = None
        return a[0], a[1], a[2], a[3], 1e-3, a[4], a[5]

    pw, pb = pfusion.fuse_linear_bn_weights(*args(torch))
    tw, tb = tfusion.fuse_linear_bn_weights(*args(torsh))
    assert type(tw) is torsh.nn.Parameter and type(tb) is torsh.nn.Parameter
    _close(tw, pw, 1e-12)
    _close(tb, pb, 1e-12)


def test_fusion_requires_eval_mode():
    for lib, fusion in ((torch, pfusion), (torsh, tfusion)):
        conv, bn = lib.nn.Conv2d(2, 3, 1), lib.nn.BatchNorm2d(3)
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            fusion.fuse_conv_bn_eval(conv, bn.eval())
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            fusion.fuse_conv_bn_eval(conv.eval(), bn.train())
        lin, bn1 = lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3)
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            fusion.fuse_linear_bn_eval(lin, bn1)


def test_exports_match_torch():
    assert torsh.nn.utils.fuse_conv_bn_eval is tfusion.fuse_conv_bn_eval
    assert torsh.nn.utils.fuse_conv_bn_weights is tfusion.fuse_conv_bn_weights
    assert torsh.nn.utils.fusion is tfusion
    for name in ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "skip_init",
                 "convert_conv2d_weight_memory_format", "fusion", "memory_format"]:
        assert hasattr(torch.nn.utils, name)
        assert callable(getattr(torsh.nn.utils, name)) or name in ("fusion", "memory_format")
    for name in ["fuse_linear_bn_eval", "fuse_linear_bn_weights"]:
        assert callable(getattr(pfusion, name)) and callable(getattr(tfusion, name))
    mf = torsh.nn.utils.memory_format
    assert mf.convert_conv2d_weight_memory_format is \
        torsh.nn.utils.convert_conv2d_weight_memory_format


# ---------------------------------------------------------------- skip_init

SKIP_CASES = [
    ("Linear", (5, 3), {}),
    ("Linear", (), {"in_features": 6, "out_features": 2, "bias": False}),
    ("Conv2d", (3, 8, 3), {"dtype": "float64"}),
    ("BatchNorm2d", (4,), {}),
    ("Embedding", (10, 4), {}),
]


@pytest.mark.parametrize("case", range(len(SKIP_CASES)))
def test_skip_init_shapes_and_rng(case):
    cls, args, kwargs = SKIP_CASES[case]
    results = {}
    for lib in (torch, torsh):
        kw = dict(kwargs)
        if "dtype" in kw:
            kw["dtype"] = getattr(lib, kw["dtype"])
        lib.manual_seed(123)
        m = lib.nn.utils.skip_init(getattr(lib.nn, cls), *args, **kw)
        # the global RNG was not advanced by construction
        after = lib.rand(4).tolist()
        lib.manual_seed(123)
        assert lib.rand(4).tolist() == after
        assert type(m) is getattr(lib.nn, cls)
        params = [(n, tuple(p.shape), repr(p.dtype), p.requires_grad, type(p).__name__)
                  for n, p in m.named_parameters()]
        bufs = [(n, tuple(b.shape), repr(b.dtype)) for n, b in m.named_buffers()]
        results[lib.__name__] = (params, bufs, m.training)
    assert results["torsh"] == results["torch"]


def test_skip_init_keeps_parameter_objects_and_trains():
    m = torsh.nn.utils.skip_init(torsh.nn.Linear, 3, 2)
    assert set(m._parameters) == {"weight", "bias"}
    with torsh.no_grad():
        m.weight.fill_(0.5)
        m.bias.fill_(-1.0)
    out = m(torsh.ones(1, 3))
    assert out.tolist() == [[0.5, 0.5]]
    out.sum().backward()
    assert m.weight.grad.tolist() == [[1.0] * 3] * 2


def test_skip_init_errors_match_torch():
    class NoDevice(torsh.nn.Module):
        def __init__(self, n):
            super().__init__()

    class PNoDevice(torch.nn.Module):
        def __init__(self, n):
            super().__init__()

    for lib, no_device in ((torch, PNoDevice), (torsh, NoDevice)):
        with pytest.raises(RuntimeError, match="Expected a Module"):
            lib.nn.utils.skip_init(int, 3)
        with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
            lib.nn.utils.skip_init(no_device, 3)
        with pytest.raises(TypeError):
            lib.nn.utils.skip_init(lib.nn.Linear(2, 2), 3)  # an instance, not a class


def test_skip_init_restores_rng_when_construction_fails():
    class Draws(torsh.nn.Module):
        def __init__(self, device=None):
            super().__init__()
            torsh.rand(3)
            raise ValueError("bad")

    torsh.manual_seed(5)
    expect = torsh.rand(2).tolist()
    torsh.manual_seed(5)
    with pytest.raises(ValueError):
        torsh.nn.utils.skip_init(Draws)
    assert torsh.rand(2).tolist() == expect


# ---------------------------------------------------------------- memory format

def _model(lib):
    return lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3), lib.nn.BatchNorm2d(4),
                             lib.nn.Sequential(lib.nn.ConvTranspose2d(4, 2, 2)),
                             lib.nn.Conv2d(2, 2, 1))


def test_convert_conv2d_weight_memory_format_matches_torch():
    torch.manual_seed(0)
    p_model, t_model = _model(torch).eval(), _model(torsh).eval()
    _copy_module(p_model, t_model)
    t_params = [id(p) for p in t_model.parameters()]
    x = np.random.RandomState(0).randn(2, 3, 6, 6).astype(np.float32)
    for fmt in ("channels_last", "contiguous_format"):
        p_ret = torch.nn.utils.convert_conv2d_weight_memory_format(p_model, getattr(torch, fmt))
        t_ret = torsh.nn.utils.convert_conv2d_weight_memory_format(t_model, getattr(torsh, fmt))
        assert p_ret is p_model and t_ret is t_model
        assert [id(p) for p in t_model.parameters()] == t_params  # same Parameter objects
        for (n, tp), (_, pp) in zip(t_model.named_parameters(), p_model.named_parameters()):
            assert tp.stride() == pp.stride(), n
            assert tuple(tp.shape) == tuple(pp.shape)
            _close(tp, pp, 0)
        fmt_t = getattr(torsh, fmt)
        assert t_model[0].weight.is_contiguous(memory_format=fmt_t)
        assert t_model[2][0].weight.is_contiguous(memory_format=fmt_t)
        with torch.no_grad(), torsh.no_grad():
            _close(t_model(torsh.from_numpy(x)), p_model(torch.from_numpy(x)), 1e-4)


def test_convert_conv2d_weight_memory_format_leaves_other_layers():
    m = torsh.nn.Sequential(torsh.nn.Linear(4, 4), torsh.nn.Conv1d(2, 2, 3))
    before = [p.stride() for p in m.parameters()]
    torsh.nn.utils.convert_conv2d_weight_memory_format(m, torsh.channels_last)
    assert [p.stride() for p in m.parameters()] == before
    conv = torsh.nn.Conv2d(3, 5, 2)
    torsh.nn.utils.memory_format.convert_conv2d_weight_memory_format(conv, torsh.channels_last)
    assert conv.weight.stride() == (12, 1, 6, 3)


# ---------------------------------------------------------------- checkpoint device states

def test_device_states_on_cpu_match_torch():
    for args in [(), (1, "x", None)]:
        assert tcheckpoint.get_device_states(*args) == pcheckpoint.get_device_states(*args)
    t_out = tcheckpoint.get_device_states(torsh.randn(2), torsh.ones(3, requires_grad=True), 4)
    p_out = pcheckpoint.get_device_states(torch.randn(2), torch.ones(3, requires_grad=True), 4)
    assert t_out == p_out == ([], [])
    assert type(t_out) is tuple and type(t_out[0]) is list and type(t_out[1]) is list
    torsh.manual_seed(1)
    assert tcheckpoint.set_device_states([], []) is None
    assert pcheckpoint.set_device_states([], []) is None
    assert torsh.rand(2).tolist() == (torsh.manual_seed(1), torsh.rand(2))[1].tolist()


@pytest.mark.parametrize("fmt", ["preserve_format", "channels_last_3d"])
def test_convert_conv2d_weight_memory_format_bad_format(fmt):
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError):
            lib.nn.utils.convert_conv2d_weight_memory_format(lib.nn.Conv2d(2, 2, 1),
                                                             getattr(lib, fmt))
