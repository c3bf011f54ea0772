"""torsh.optim.Optimizer's API against torch 1.13's: argument checks and their messages,
parameter groups, zero_grad, closures, state_dict/load_state_dict edge cases, repr."""
import warnings

import numpy as np
import pytest

import torch
import torsh

from test_optim import state_to_numpy, state_to_torsh, to_torsh

NAMES = ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta", "Adamax", "NAdam", "RAdam",
         "ASGD", "Rprop"]


def both(fn):
    """fn(lib) in torch and torsh: the results, or the (type, message) each raised."""
    out = []
    for lib in (torch, torsh):
        try:
            out.append(("ok", fn(lib)))
        except Exception as e:  # noqa: BLE001 - the exception itself is what is compared
            out.append((type(e).__name__, str(e)))
    return out


def assert_same_error(fn):
    a, b = both(fn)
    assert a[0] != "ok", a
    assert b == a


def param(lib, *shape):
    return lib.nn.Parameter(lib.zeros(*shape) if shape else lib.zeros(2))


BAD_ARGS = [
    ("SGD", dict(lr=-1)), ("SGD", dict(lr=0.1, momentum=-0.5)),
    ("SGD", dict(lr=0.1, weight_decay=-1)), ("SGD", dict(lr=0.1, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=-0.01)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-2)),
    ("AdamW", dict(lr=-1e-3)), ("AdamW", dict(betas=(0.9, 1.5))),
    ("Adagrad", dict(lr=-1)), ("Adagrad", dict(lr_decay=-1)),
    ("Adagrad", dict(initial_accumulator_value=-0.5)), ("Adagrad", dict(eps=-1)),
    ("RMSprop", dict(alpha=-0.1)), ("RMSprop", dict(momentum=-1)), ("RMSprop", dict(eps=-1)),
    ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(lr=-1)),
    ("Adamax", dict(betas=(0.9, 1.0))), ("NAdam", dict(momentum_decay=-1)),
    ("RAdam", dict(eps=-1e-8)), ("ASGD", dict(weight_decay=-1)), ("ASGD", dict(lr=-1)),
    ("Rprop", dict(etas=(1.5, 1.2))), ("Rprop", dict(etas=(0.5, 0.9))), ("Rprop", dict(lr=-1)),
]


@pytest.mark.parametrize("name,kw", BAD_ARGS)
def test_invalid_arguments(name, kw):
    assert_same_error(lambda lib: getattr(lib.optim, name)([param(lib)], **kw))


@pytest.mark.parametrize("make", [
    lambda lib: [],
    lambda lib: lib.zeros(3, requires_grad=True),
    lambda lib: [lib.zeros(2, requires_grad=True), 3],
    lambda lib: [{"params": [lib.zeros(2, requires_grad=True)]}, {"params": []}, 5],
    lambda lib: [lib.zeros(2, requires_grad=True) * 2],
    lambda lib: [{"params": {lib.zeros(2, requires_grad=True)}}],
    lambda lib: [(lambda p: [{"params": [p]}, {"params": [p]}])(
        lib.zeros(2, requires_grad=True))],
], ids=["empty", "tensor", "non-tensor", "group-not-dict", "non-leaf", "group-set",
        "shared"])
def test_invalid_params(make):
    def build(lib):
        ps = make(lib)
        if isinstance(ps, list) and len(ps) == 1 and isinstance(ps[0], list):
            ps = ps[0]
        return lib.optim.Adam(ps)
    assert_same_error(build)


def test_required_lr_and_duplicate_warning():
    assert_same_error(lambda lib: lib.optim.SGD([param(lib)]))
    assert_same_error(lambda lib: lib.optim.SGD([{"params": [param(lib)]}]))
    for lib in (torch, torsh):
        p = param(lib)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        assert any("duplicate parameters" in str(x.message) for x in w), lib


def test_param_groups_defaults_and_add_param_group():
    out = []
    for lib in (torch, torsh):
        a, b, c = param(lib, 3), param(lib, 2), param(lib, 4)
        opt = lib.optim.RMSprop([{"params": a, "lr": 0.5}, {"params": (b,)}], momentum=0.3)
        opt.add_param_group({"params": [c], "alpha": 0.7})
        groups = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
        assert opt.param_groups[0]["params"][0] is a and opt.param_groups[2]["params"] == [c]
        out.append((groups, opt.defaults, repr(opt)))
        try:
            opt.add_param_group({"params": [b]})
            out.append("no error")
        except ValueError as e:
            out.append(str(e))
    assert out[2:] == out[:2]


def test_zero_grad_in_place_and_set_to_none():
    for lib in (torch, torsh):
        p = param(lib, 3)
        opt = lib.optim.SGD([p], lr=0.1)
        (p * 2).sum().backward()
        g = p.grad
        opt.zero_grad()
        # 1.13 zeroes in place: the tensor taken before sees the zeros
        assert g.tolist() == [0.0, 0.0, 0.0] and p.grad.tolist() == [0.0, 0.0, 0.0], lib
        opt.zero_grad(set_to_none=True)
        assert p.grad is None
        opt.zero_grad()
        assert p.grad is None


def test_zero_grad_detaches_a_grad_with_history():
    for lib in (torch, torsh):
        p = param(lib, 2)
        x = lib.ones(2, requires_grad=True)
        p.grad = x * 3
        assert p.grad.grad_fn is not None
        lib.optim.SGD([p], lr=0.1).zero_grad()
        assert p.grad.grad_fn is None and not p.grad.requires_grad
        assert p.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("name", NAMES)
def test_step_closure_runs_with_grad_and_returns_loss(name):
    res = []
    for lib in (torch, torsh):
        p = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64))
        kw = {"lr": 0.1} if name == "SGD" else {}
        opt = getattr(lib.optim, name)([p], **kw)
        seen = []

        def closure():
            seen.append(lib.is_grad_enabled())
            opt.zero_grad()
            loss = (p ** 2).sum()
            loss.backward()
            return loss
        with lib.no_grad():
            loss = opt.step(closure)
        assert seen == [True]
        assert lib.is_grad_enabled()
        res.append((loss.item(), p.detach().numpy().copy()))
    assert res[1][0] == res[0][0]
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-15)


def test_step_runs_without_grad_recording():
    for lib in (torch, torsh):
        p = param(lib, 2)
        p.grad = lib.ones(2)
        opt = lib.optim.Adam([p])
        opt.step()
        assert p.grad_fn is None and p.is_leaf
        assert opt.state[p]["exp_avg"].requires_grad is False


def test_adagrad_state_exists_before_first_step():
    out = []
    for lib in (torch, torsh):
        p = param(lib, 2, 2)
        sd = lib.optim.Adagrad([p], initial_accumulator_value=0.25).state_dict()
        out.append(state_to_numpy(sd))
    assert str(out[1]) == str(out[0])


@pytest.mark.parametrize("bad", ["groups", "sizes"])
def test_load_state_dict_mismatch(bad):
    def run(lib):
        a, b = param(lib), param(lib)
        src = lib.optim.SGD([a, b], lr=0.1).state_dict()
        if bad == "groups":
            dst = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
        else:
            dst = lib.optim.SGD([a], lr=0.1)
        dst.load_state_dict(src)
    assert_same_error(run)


def test_load_state_dict_casts_state_but_not_step():
    """A float64 state loaded for float32 parameters: exp_avg/exp_avg_sq cast to float32,
    'step' kept as saved; the loaded dict itself is not aliased."""
    pa = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    src = torch.optim.Adam([pa], lr=0.1)
    pa.grad = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    src.step()
    saved = src.state_dict()
    saved["state"][0]["step"] = torch.tensor(1.0, dtype=torch.float64)
    res = []
    for lib, sd in ((torch, saved), (torsh, state_to_torsh(saved))):
        p = lib.nn.Parameter(lib.zeros(3))
        opt = lib.optim.Adam([p])
        opt.load_state_dict(sd)
        st = opt.state[p]
        assert st["exp_avg"] is not sd["state"][0]["exp_avg"]
        res.append({k: (str(v.dtype), v.tolist()) for k, v in st.items()})
        p.grad = lib.ones(3)
        opt.step()
        res.append(p.tolist())
    assert res[2:] == res[:2]


def test_load_old_format_integer_step():
    """A state_dict whose 'step' is a Python number is converted to a tensor on load."""
    pa = torch.nn.Parameter(torch.zeros(3))
    src = torch.optim.Adamax([pa])
    pa.grad = torch.ones(3)
    src.step()
    saved = src.state_dict()
    saved["state"][0]["step"] = 1
    res = []
    for lib, sd in ((torch, saved), (torsh, state_to_torsh(saved))):
        p = lib.nn.Parameter(lib.zeros(3))
        opt = lib.optim.Adamax([p])
        opt.load_state_dict(sd)
        step = opt.state[p]["step"]
        res.append((type(step).__name__, str(step.dtype), step.item()))
    assert res[1] == res[0]


@pytest.mark.parametrize("name", NAMES)
def test_repr_and_state_dict_of_fresh_optimizer(name):
    out = []
    for lib in (torch, torsh):
        kw = {"lr": 0.1} if name == "SGD" else {}
        opt = getattr(lib.optim, name)([param(lib), param(lib, 3)], **kw)
        out.append((repr(opt), str(state_to_numpy(opt.state_dict()))))
    assert out[1] == out[0]


def test_state_dict_shares_the_live_state_tensors():
    for lib in (torch, torsh):
        p = param(lib, 2)
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        p.grad = lib.ones(2)
        opt.step()
        assert opt.state_dict()["state"][0]["momentum_buffer"] is opt.state[p]["momentum_buffer"]


def test_optimizer_pickle_state_roundtrip():
    """__getstate__/__setstate__ as torch's (used by copy and multiprocessing)."""
    for lib in (torch, torsh):
        p = param(lib, 2)
        opt = lib.optim.SGD([p], lr=0.1)
        st = opt.__getstate__()
        assert sorted(st) == ["defaults", "param_groups", "state"]
        opt2 = lib.optim.SGD.__new__(lib.optim.SGD)
        del st["param_groups"][0]["nesterov"]
        opt2.__setstate__(st)
        assert opt2.param_groups[0]["nesterov"] is False


def test_grad_none_params_are_skipped_and_get_no_state():
    out = []
    for lib in (torch, torsh):
        a, b = param(lib, 2), param(lib, 2)
        opt = lib.optim.Adam([a, b], lr=0.1)
        a.grad = lib.tensor([1.0, -1.0])
        opt.step()
        out.append((list(opt.state_dict()["state"].keys()), b.tolist(), a.tolist()))
    assert out[1] == out[0]


def test_functional_module_names():
    for name in NAMES:
        assert getattr(torsh.optim, name).__name__ == name
    from torsh.optim.optimizer import Optimizer
    assert issubclass(torsh.optim.SGD, Optimizer) and torsh.optim.Optimizer is Optimizer
    from torsh.optim.sgd import sgd
    from torsh.optim.adam import adam  # noqa: F401
    p = to_torsh(torch.zeros(2))
    sgd([p], [torsh.ones(2)], [None], weight_decay=0, momentum=0, lr=0.5, dampening=0,
        nesterov=False, maximize=False)
    assert p.tolist() == [-0.5, -0.5]
