"""torsh.nn.utils weight_norm, spectral_norm, parametrize and parametrizations against torch
1.13: with the same seed, the same initial state (spectral norm's random u and v included),
state_dict keys and values, outputs and gradients over SGD steps in train and eval mode, and
removal."""
import copy
import pickle
from collections import OrderedDict

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


def assert_state_equal(st, ss, rtol=1e-5, atol=1e-6):
    assert list(ss.keys()) == list(st.keys())
    for k in st:
        assert_close(st[k], ss[k], rtol, atol)


def state(m):
    return OrderedDict((k, to_np(v)) for k, v in m.state_dict().items())


def make(lib, kind, seed=0):
    lib.manual_seed(seed)
    return {
        "linear": lambda: lib.nn.Linear(5, 4),
        "conv1d": lambda: lib.nn.Conv1d(3, 4, 3),
        "conv2d": lambda: lib.nn.Conv2d(2, 3, (2, 3)),
        "convT2d": lambda: lib.nn.ConvTranspose2d(3, 2, 3, stride=2),
    }[kind]()


INPUT_SHAPES = {"linear": (6, 5), "conv1d": (2, 3, 7), "conv2d": (2, 2, 5, 6),
                "convT2d": (2, 3, 3, 4), "square4": (6, 4)}


def train(lib, m, kind, steps=3, lr=0.1, eval_after=True):
    """SGD steps on mean(y^2); records outputs, parameter grads and state_dicts per step, then
    (optionally) eval outputs twice."""
    lib.manual_seed(100)
    x = lib.randn(*INPUT_SHAPES[kind])
    opt = lib.optim.SGD(m.parameters(), lr=lr)
    rec = []
    for _ in range(steps):
        opt.zero_grad()
        y = m(x)
        (y * y).mean().backward()
        rec.append((to_np(y), [(n, to_np(p.grad)) for n, p in m.named_parameters()], state(m)))
        opt.step()
    evals = []
    if eval_after:
        m.eval()
        evals = [to_np(m(x)), to_np(m(x)), state(m)]
        m.train()
    return rec, evals


def assert_runs_equal(rt, rs, rtol=1e-4, atol=1e-5):
    (rect, evt), (recs, evs) = rt, rs
    assert len(rect) == len(recs)
    for (yt, gt, st), (ys, gs, ss) in zip(rect, recs):
        assert_close(yt, ys, rtol, atol)
        assert [n for n, _ in gs] == [n for n, _ in gt]
        for (_, a), (_, b) in zip(gt, gs):
            assert_close(a, b, rtol, atol)
        assert_state_equal(st, ss, rtol, atol)
    if evt:
        assert_close(evt[0], evs[0], rtol, atol)
        assert_close(evt[1], evs[1], rtol, atol)
        assert_state_equal(evt[2], evs[2], rtol, atol)


# weight_norm (hook-based)

WN_CASES = [("linear", 0), ("linear", 1), ("linear", None), ("conv1d", 0), ("conv1d", 2),
            ("conv2d", 1), ("conv2d", None), ("conv2d", -2), ("convT2d", 0)]


@pytest.mark.parametrize("kind,dim", WN_CASES)
def test_weight_norm_matches_torch(kind, dim):
    def run(lib):
        m = lib.nn.utils.weight_norm(make(lib, kind), dim=dim)
        info = (list(m.state_dict().keys()), [n for n, _ in m.named_parameters()],
                tuple(m.weight_g.shape), type(m.weight).__name__, m.weight.grad_fn is not None)
        return info, state(m), train(lib, m, kind)

    (it, st, rt), (is_, ss, rs) = run(torch), run(torsh)
    assert is_[0] == it[0] == ["bias", "weight_g", "weight_v"]
    assert is_[1:3] == it[1:3]
    assert is_[3] == "Tensor" and is_[4] == it[4] is True
    assert_state_equal(st, ss)
    assert_runs_equal(rt, rs)


@pytest.mark.parametrize("kind,dim", [("linear", 0), ("conv2d", None)])
def test_remove_weight_norm(kind, dim):
    def run(lib):
        m = lib.nn.utils.weight_norm(make(lib, kind), dim=dim)
        train(lib, m, kind, steps=2, eval_after=False)
        lib.nn.utils.remove_weight_norm(m)
        kinds = [(n, type(p).__name__) for n, p in m.named_parameters()]
        return kinds, len(m._forward_pre_hooks), state(m), train(lib, m, kind, steps=2)

    (kt, ht, st, rt), (ks, hs, ss, rs) = run(torch), run(torsh)
    assert ks == kt and hs == ht == 0
    assert_state_equal(st, ss)
    assert_runs_equal(rt, rs)


def test_weight_norm_errors():
    for lib in (torch, torsh):
        m = lib.nn.utils.weight_norm(lib.nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            lib.nn.utils.weight_norm(m)
        with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
            lib.nn.utils.remove_weight_norm(m, "bias")
        lib.nn.utils.weight_norm(m, "bias")  # another parameter is fine


def test_weight_norm_state_dict_loads_across_libraries():
    src = torch.nn.utils.weight_norm(make(torch, "linear", seed=1))
    dst = torsh.nn.utils.weight_norm(make(torsh, "linear", seed=2))
    dst.load_state_dict(OrderedDict((k, torsh.from_numpy(to_np(v)))
                                    for k, v in src.state_dict().items()))
    x = np.random.RandomState(0).randn(3, 5).astype(np.float32)
    assert_close(to_np(src(torch.from_numpy(x))), to_np(dst(torsh.from_numpy(x))))


# spectral_norm (hook-based)

SN_CASES = [("linear", {}), ("linear", {"n_power_iterations": 3}), ("conv2d", {}),
            ("conv1d", {"dim": 1, "eps": 1e-6}), ("convT2d", {}), ("convT2d", {"dim": 0})]


@pytest.mark.parametrize("kind,kwargs", SN_CASES)
def test_spectral_norm_matches_torch(kind, kwargs):
    def run(lib):
        m = make(lib, kind)
        lib.manual_seed(42)  # u and v are drawn from here
        lib.nn.utils.spectral_norm(m, **kwargs)
        sd = m.state_dict()
        info = (list(sd.keys()), [n for n, _ in m.named_parameters()],
                [n for n, _ in m.named_buffers()], dict(sd._metadata[""]))
        return info, state(m), train(lib, m, kind, steps=4)

    (it, st, rt), (is_, ss, rs) = run(torch), run(torsh)
    assert is_ == it
    assert it[0] == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert_state_equal(st, ss)  # the random initial u and v are torch's
    assert_runs_equal(rt, rs)


def test_spectral_norm_eval_leaves_u_v_and_uses_them():
    def run(lib):
        m = make(lib, "linear")
        lib.nn.utils.spectral_norm(m)
        m.eval()
        u0 = to_np(m.weight_u)
        lib.manual_seed(1)
        x = lib.randn(2, 5, requires_grad=True)
        y = m(x)
        y.sum().backward()
        return u0, to_np(m.weight_u), to_np(y), to_np(x.grad), to_np(m.weight_orig.grad)

    rt, rs = run(torch), run(torsh)
    np.testing.assert_array_equal(rs[0], rs[1])
    for a, b in zip(rt, rs):
        assert_close(a, b)


def test_remove_spectral_norm():
    def run(lib):
        m = make(lib, "conv2d")
        lib.nn.utils.spectral_norm(m)
        train(lib, m, "conv2d", steps=2, eval_after=False)
        lib.nn.utils.remove_spectral_norm(m)
        sd = m.state_dict()
        info = ([(n, type(p).__name__) for n, p in m.named_parameters()],
                [n for n, _ in m.named_buffers()], len(m._forward_pre_hooks),
                len(m._state_dict_hooks), dict(sd._metadata[""]))
        return info, state(m), train(lib, m, "conv2d", steps=2)

    (it, st, rt), (is_, ss, rs) = run(torch), run(torsh)
    assert is_ == it
    assert_state_equal(st, ss)
    assert_runs_equal(rt, rs)


def test_remove_spectral_norm_removes_the_load_hook():
    # A deliberate difference: torch 1.13 wraps load_state_dict pre-hooks, so its
    # remove_spectral_norm misses the SpectralNormLoadStateDictPreHook and the module then
    # rejects its own state_dict ("Missing key(s): weight_orig, weight_u"). torsh removes it.
    m = torsh.nn.utils.spectral_norm(torsh.nn.Linear(2, 2))
    torsh.nn.utils.remove_spectral_norm(m)
    assert len(m._load_state_dict_pre_hooks) == 0
    assert repr(m.load_state_dict(m.state_dict())) == "<All keys matched successfully>"


def test_spectral_norm_errors():
    for lib in (torch, torsh):
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
            lib.nn.utils.spectral_norm(m)
        with pytest.raises(ValueError, match="spectral_norm of 'bias' not found"):
            lib.nn.utils.remove_spectral_norm(m, "bias")
        with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
            lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2), n_power_iterations=0)
        with pytest.raises(ValueError, match="cannot be applied as parameter `bias` is None"):
            lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2, bias=False), name="bias")


@pytest.mark.parametrize("with_metadata", [True, False])
def test_spectral_norm_state_dict_round_trip(with_metadata):
    def run(lib):
        src = lib.nn.utils.spectral_norm(make(lib, "linear", seed=1))
        train(lib, src, "linear", steps=2, eval_after=False)
        dst = lib.nn.utils.spectral_norm(make(lib, "linear", seed=2))
        sd = src.state_dict()
        if not with_metadata:
            sd = OrderedDict(sd)  # no _metadata: a version-less dict already in this layout
        result = dst.load_state_dict(sd)
        dst.eval()
        return repr(result), state(dst), to_np(dst(lib.ones(2, 5)))

    rt, rs = run(torch), run(torsh)
    assert rs[0] == rt[0]
    assert_state_equal(rt[1], rs[1])
    assert_close(rt[2], rs[2])


# parametrize

def _symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def _scale(lib, s):
    class Scale(lib.nn.Module):
        def forward(self, X):
            return X * s

        def right_inverse(self, A):
            return A / s
    return Scale()


def _split(lib):
    class Split(lib.nn.Module):  # weight = a + b, originals (a, b)
        def forward(self, a, b):
            return a + b

        def right_inverse(self, w):
            return w * 0.25, w * 0.75
    return Split()


def test_register_parametrization_matches_torch():
    def run(lib):
        P = lib.nn.utils.parametrize
        lib.manual_seed(0)
        m = lib.nn.Linear(4, 4)
        weight_obj = m.weight
        P.register_parametrization(m, "weight", _symmetric(lib))
        P.register_parametrization(m, "weight", _scale(lib, 2.0))
        info = (type(m).__name__, type(m).__bases__[0].__name__, P.is_parametrized(m),
                P.is_parametrized(m, "weight"), P.is_parametrized(m, "bias"),
                list(m.state_dict().keys()), [n for n, _ in m.named_parameters()],
                m.parametrizations.weight.original is weight_obj,
                P.type_before_parametrizations(m).__name__, repr(m))
        return info, state(m), to_np(m.weight), train(lib, m, "square4")

    (it, st, wt, rt), (is_, ss, ws, rs) = run(torch), run(torsh)
    assert is_ == it
    assert_state_equal(st, ss)
    assert_close(wt, ws)
    assert_runs_equal(rt, rs)


def test_parametrization_assignment_and_cache():
    def run(lib):
        P = lib.nn.utils.parametrize
        lib.manual_seed(1)
        m = lib.nn.Linear(3, 3)
        P.register_parametrization(m, "weight", _symmetric(lib))
        P.register_parametrization(m, "weight", _scale(lib, 3.0))
        lib.manual_seed(2)
        m.weight = lib.randn(3, 3)  # through the right inverses
        w, orig = to_np(m.weight), to_np(m.parametrizations.weight.original)
        fresh = m.weight is m.weight
        with P.cached():
            a = m.weight
            cached_same = a is m.weight
            with P.cached():
                nested_same = a is m.weight
        return w, orig, fresh, cached_same, nested_same, m.weight is a

    rt, rs = run(torch), run(torsh)
    assert_close(rt[0], rs[0])
    assert_close(rt[1], rs[1])
    assert rs[2:] == rt[2:] == (False, True, True, False)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations(leave):
    def run(lib):
        P = lib.nn.utils.parametrize
        lib.manual_seed(3)
        m = lib.nn.Linear(3, 3)
        weight_obj = m.weight
        P.register_parametrization(m, "weight", _symmetric(lib))
        P.register_parametrization(m, "bias", _scale(lib, 2.0))
        P.remove_parametrizations(m, "weight", leave_parametrized=leave)
        mid = (type(m).__name__, list(m.state_dict().keys()), m.weight is weight_obj,
               type(m.weight).__name__)
        P.remove_parametrizations(m, "bias")
        end = (type(m).__name__, hasattr(m, "parametrizations"), list(m.state_dict().keys()))
        return mid, end, state(m)

    rt, rs = run(torch), run(torsh)
    assert rs[:2] == rt[:2]
    assert_state_equal(rt[2], rs[2])


def test_parametrization_with_several_originals():
    def run(lib):
        P = lib.nn.utils.parametrize
        m = make(lib, "linear")
        P.register_parametrization(m, "weight", _split(lib))
        keys = list(m.state_dict().keys())
        kinds = [type(p).__name__ for p in m.parametrizations.weight.parameters()]
        r = train(lib, m, "linear")
        with pytest.raises(ValueError, match="Cannot leave unparametrized"):
            P.remove_parametrizations(m, "weight", leave_parametrized=False)
        P.remove_parametrizations(m, "weight")
        return keys, kinds, r, state(m), type(m).__name__

    rt, rs = run(torch), run(torsh)
    assert rs[0] == rt[0] and rs[1] == rt[1] and rs[4] == rt[4] == "Linear"
    assert_runs_equal(rt[2], rs[2])
    assert_state_equal(rt[3], rs[3])


def test_parametrize_a_buffer():
    def run(lib):
        P = lib.nn.utils.parametrize
        m = lib.nn.BatchNorm1d(3)
        with lib.no_grad():
            m.running_var.copy_(lib.tensor([1.0, 2.0, 4.0]))
        P.register_parametrization(m, "running_var", _scale(lib, 2.0))
        info = (list(m.state_dict().keys()), [n for n, _ in m.named_buffers()],
                [n for n, _ in m.named_parameters()])
        m.eval()
        lib.manual_seed(0)
        y = m(lib.randn(4, 3))
        P.remove_parametrizations(m, "running_var")
        return info, to_np(y), state(m), [n for n, _ in m.named_buffers()]

    rt, rs = run(torch), run(torsh)
    assert rs[0] == rt[0] and rs[3] == rt[3]
    assert_close(rt[1], rs[1])
    assert_state_equal(rt[2], rs[2])


def test_parametrize_errors():
    for lib in (torch, torsh):
        P = lib.nn.utils.parametrize

        class Shrink(lib.nn.Module):
            def forward(self, X):
                return X[:-1]

        class ToDouble(lib.nn.Module):
            def forward(self, X):
                return X.double()

        with pytest.raises(ValueError, match="may not change the shape"):
            P.register_parametrization(lib.nn.Linear(2, 3), "weight", Shrink())
        with pytest.raises(ValueError, match="may not change the dtype"):
            P.register_parametrization(lib.nn.Linear(2, 3), "weight", ToDouble())
        m = P.register_parametrization(lib.nn.Linear(2, 3), "weight", Shrink(), unsafe=True)
        assert tuple(m.weight.shape) == (2, 2)
        with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
            P.register_parametrization(lib.nn.Linear(2, 3), "nothing", Shrink())
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            P.remove_parametrizations(lib.nn.Linear(2, 3), "weight")
        m = P.register_parametrization(lib.nn.Linear(2, 2), "weight", Shrink(), unsafe=True)
        with pytest.raises(RuntimeError, match="does not implement right_inverse"):
            m.weight = lib.ones(1, 2)
        m = P.register_parametrization(lib.nn.Linear(2, 2), "weight", _scale(lib, 2.0))
        with pytest.raises(RuntimeError, match="Serialization of parametrized modules"):
            pickle.dumps(m)


def test_parametrized_module_deepcopy_and_transfer():
    def run(lib):
        P = lib.nn.utils.parametrize
        m = make(lib, "linear")
        P.register_parametrization(m, "weight", _scale(lib, 2.0))
        c = copy.deepcopy(m)
        same_data = c.parametrizations.weight.original.data_ptr() == \
            m.parametrizations.weight.original.data_ptr()
        lib.manual_seed(9)
        other = lib.nn.Linear(5, 4)
        P.transfer_parametrizations_and_params(m, other)
        shared = other.parametrizations.weight.original is m.parametrizations.weight.original
        return (type(c).__name__, same_data, type(other).__name__, shared, state(c),
                to_np(other.weight))

    rt, rs = run(torch), run(torsh)
    assert rs[:4] == rt[:4]
    assert_state_equal(rt[4], rs[4])
    assert_close(rt[5], rs[5])


# parametrizations

@pytest.mark.parametrize("kind,kwargs", [("linear", {}), ("conv2d", {"n_power_iterations": 2}),
                                         ("convT2d", {}), ("conv1d", {"dim": -1})])
def test_parametrizations_spectral_norm_matches_torch(kind, kwargs):
    def run(lib):
        m = make(lib, kind)
        lib.manual_seed(42)
        lib.nn.utils.parametrizations.spectral_norm(m, **kwargs)
        info = (type(m).__name__, list(m.state_dict().keys()))
        return info, state(m), train(lib, m, kind, steps=3)

    (it, st, rt), (is_, ss, rs) = run(torch), run(torsh)
    assert is_ == it
    assert_state_equal(st, ss, rtol=1e-4, atol=1e-5)
    assert_runs_equal(rt, rs)


def test_parametrizations_spectral_norm_of_a_vector():
    def run(lib):
        m = make(lib, "linear")
        lib.nn.utils.parametrizations.spectral_norm(m, name="bias")
        return list(m.state_dict().keys()), to_np(m.bias)

    (kt, bt), (ks, bs) = run(torch), run(torsh)
    assert ks == kt
    assert_close(bt, bs)


@pytest.mark.parametrize("kind,dim", [("linear", 0), ("conv2d", 1), ("conv1d", None)])
def test_parametrizations_weight_norm_against_hook_weight_norm(kind, dim):
    # torch 1.13 has only the hook-based version: the same function, with g and v stored as
    # original0 and original1.
    mt = torch.nn.utils.weight_norm(make(torch, kind), dim=dim)
    ms = torsh.nn.utils.parametrizations.weight_norm(make(torsh, kind), dim=dim)
    names = {"bias": "bias", "weight_g": "parametrizations.weight.original0",
             "weight_v": "parametrizations.weight.original1"}
    assert list(ms.state_dict().keys()) == list(names.values())
    assert type(ms).__name__ == "Parametrized" + type(mt).__name__
    (rect, evt), (recs, evs) = train(torch, mt, kind), train(torsh, ms, kind)
    for (yt, gt, st), (ys, gs, ss) in zip(rect + [evt], recs + [evs]):
        assert_close(yt, ys, 1e-4, 1e-5)
        if isinstance(gt, list):  # a training step (the eval record has a second output)
            assert dict(gs).keys() == {names[n] for n, _ in gt}
            for n, g in gt:
                assert_close(g, dict(gs)[names[n]], 1e-4, 1e-5)
        for k, v in st.items():
            assert_close(v, ss[names[k]], 1e-4, 1e-5)

    # a state_dict of the hook-based version loads into the parametrized one
    fresh = torsh.nn.utils.parametrizations.weight_norm(make(torsh, kind, seed=5), dim=dim)
    fresh.load_state_dict(OrderedDict((k, torsh.from_numpy(to_np(v)))
                                      for k, v in mt.state_dict().items()))
    x = np.random.RandomState(1).randn(*INPUT_SHAPES[kind]).astype(np.float32)
    assert_close(to_np(mt(torch.from_numpy(x))), to_np(fresh(torsh.from_numpy(x))), 1e-5, 1e-5)


# RMSNorm (torch 2.4; torch 1.13 has none): a float64 numpy reference, gradcheck, and torch's
# autograd on the same formula written from torch ops.

def rms_reference(x, n_dims, weight, eps):
    x = x.astype(np.float64)
    axes = tuple(range(x.ndim - n_dims, x.ndim))
    y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight.astype(np.float64)


RMS_CASES = [((2, 5), (5,), True, None), ((3, 2, 4), (2, 4), True, 1e-3),
             ((4, 6), 6, False, None), ((2, 3, 4, 5), (3, 4, 5), True, 0.5),
             ((7,), (7,), True, None)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,normalized,affine,eps", RMS_CASES)
def test_rms_norm_forward_matches_reference(shape, normalized, affine, eps, dtype):
    rng = np.random.RandomState(0)
    x = rng.randn(*shape).astype(dtype)
    n_dims = 1 if isinstance(normalized, int) else len(normalized)
    w = (rng.rand(*shape[len(shape) - n_dims:]) + 0.5).astype(dtype) if affine else None
    eps_used = np.finfo(dtype).eps if eps is None else eps
    ref = rms_reference(x, n_dims, w, eps_used)
    out = torsh.nn.functional.rms_norm(torsh.from_numpy(x), normalized,
                                       None if w is None else torsh.from_numpy(w), eps)
    assert out.dtype == getattr(torsh, dtype)
    np.testing.assert_allclose(to_np(out), ref, rtol=1e-5 if dtype == "float32" else 1e-12,
                               atol=1e-6 if dtype == "float32" else 1e-12)
    m = torsh.nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine,
                         dtype=getattr(torsh, dtype))
    if affine:
        with torsh.no_grad():
            m.weight.copy_(torsh.from_numpy(w))
    np.testing.assert_allclose(to_np(m(torsh.from_numpy(x))), to_np(out), rtol=0, atol=0)


def test_rms_norm_eps_matters_and_zero_input():
    # An all-zero row gives 0 (not NaN) thanks to eps; a large eps shrinks the output.
    x = np.zeros((2, 3))
    x[1] = [1.0, -2.0, 2.0]
    out = torsh.nn.functional.rms_norm(torsh.from_numpy(x), (3,), eps=1.0)
    np.testing.assert_allclose(to_np(out), rms_reference(x, 1, None, 1.0), rtol=1e-12)
    assert np.all(to_np(out)[0] == 0)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_rms_norm_low_precision_computes_in_float32(dtype):
    rng = np.random.RandomState(1)
    x32 = rng.randn(3, 8).astype(np.float32)
    x = torsh.from_numpy(x32).to(getattr(torsh, dtype))
    w = torsh.from_numpy((rng.rand(8) + 0.5).astype(np.float32)).to(getattr(torsh, dtype))
    out = torsh.nn.functional.rms_norm(x, (8,), w)
    assert out.dtype == getattr(torsh, dtype)
    ref = rms_reference(to_np(x.float()), 1, to_np(w.float()), np.finfo(np.float32).eps)
    tol = 1e-2 if dtype == "float16" else 4e-2
    np.testing.assert_allclose(to_np(out.float()), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("shape,normalized,affine,eps", RMS_CASES)
def test_rms_norm_gradcheck(shape, normalized, affine, eps):
    torsh.manual_seed(0)
    x = torsh.randn(*shape, dtype=torsh.float64, requires_grad=True)
    n_dims = 1 if isinstance(normalized, int) else len(normalized)
    inputs = [x]
    if affine:
        inputs.append((torsh.rand(*shape[len(shape) - n_dims:], dtype=torsh.float64) + 0.5)
                      .requires_grad_())
    fn = (lambda a, w: torsh.nn.functional.rms_norm(a, normalized, w, eps)) if affine else \
        (lambda a: torsh.nn.functional.rms_norm(a, normalized, None, eps))
    assert torsh.autograd.gradcheck(fn, tuple(inputs), eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("shape,normalized,affine,eps", RMS_CASES)
def test_rms_norm_gradients_match_torch_formula(shape, normalized, affine, eps):
    rng = np.random.RandomState(2)
    x = rng.randn(*shape)
    n_dims = 1 if isinstance(normalized, int) else len(normalized)
    w = rng.rand(*shape[len(shape) - n_dims:]) + 0.5
    g = rng.randn(*shape)
    eps_used = np.finfo(np.float64).eps if eps is None else eps
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    dims = tuple(range(len(shape) - n_dims, len(shape)))
    yt = xt * torch.rsqrt(xt.pow(2).mean(dims, keepdim=True) + eps_used)
    if affine:
        yt = yt * wt
    yt.backward(torch.tensor(g))
    xs, ws = torsh.tensor(x, requires_grad=True), torsh.tensor(w, requires_grad=True)
    ys = torsh.nn.functional.rms_norm(xs, normalized, ws if affine else None, eps)
    ys.backward(torsh.tensor(g))
    np.testing.assert_allclose(to_np(ys), to_np(yt), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(to_np(xs.grad), to_np(xt.grad), rtol=1e-10, atol=1e-12)
    if affine:
        np.testing.assert_allclose(to_np(ws.grad), to_np(wt.grad), rtol=1e-10, atol=1e-12)


def test_rms_norm_module_and_errors():
    m = torsh.nn.RMSNorm([3, 4])
    assert repr(m) == "RMSNorm((3, 4), eps=None, elementwise_affine=True)"
    assert list(m.state_dict().keys()) == ["weight"]
    np.testing.assert_array_equal(to_np(m.weight), np.ones((3, 4), np.float32))
    m2 = torsh.nn.RMSNorm(5, eps=1e-4, elementwise_affine=False)
    assert repr(m2) == "RMSNorm((5,), eps=0.0001, elementwise_affine=False)"
    assert m2.weight is None and list(m2.state_dict().keys()) == []
    F = torsh.nn.functional
    with pytest.raises(RuntimeError, match="expected input with shape"):
        F.rms_norm(torsh.ones(2, 3), (4,))
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape"):
        F.rms_norm(torsh.ones(2, 3), (3,), torsh.ones(2))
    with pytest.raises(RuntimeError, match="at least 1-dimensional"):
        F.rms_norm(torsh.ones(2, 3), ())
