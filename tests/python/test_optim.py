"""torsh.optim against torch.optim (1.13): the same model and data in both libraries, the same
optimizer options, parameters compared every few steps, state_dict structure and values, and a
torch state_dict loaded into torsh mid-run.

Two kinds of runs: gradients written straight into .grad (the update formulas alone; they
agree with torch to the last bit, checked with rtol 1e-13 / 1e-6), and a small MLP trained
end to end (float64: rtol 1e-12, float32: rtol 1e-5, with an absolute floor proportional to
the tensor's largest magnitude, because the model's forward/backward differ from torch's in
the last bit of some reductions and adaptive optimizers amplify that on near-zero entries)."""
import numpy as np
import pytest

import torch
import torsh

RTOL = {"float64": 1e-12, "float32": 1e-5}
# absolute tolerance as a fraction of the largest magnitude in the compared array: values that
# pass near zero (a weight crossing zero, a gradient component of 1e-7) carry the absolute
# error of their neighbours, not a relative one
ATOL_SCALE = {"float64": 1e-13, "float32": 1e-5}

# (optimizer name, options); each runs in float64 and float32
CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3)),
    ("SGD", dict(lr=0.005, momentum=0.5, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.05)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, maximize=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, capturable=False, eps=1e-6)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
    ("Adagrad", dict(lr=0.1, maximize=True, eps=1e-6)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, alpha=0.9, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.01)),
    ("Adadelta", dict(lr=0.5, maximize=True, eps=1e-5)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.01)),
    ("Adamax", dict(lr=0.01, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, weight_decay=0.01, momentum_decay=0.01)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.9), weight_decay=0.01)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-3, alpha=0.5, t0=10, weight_decay=0.01)),
    ("ASGD", dict(lr=0.05, t0=5, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-4, 0.5))),
    ("Rprop", dict(lr=0.02, maximize=True)),
]
IDS = [f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)]


def to_torsh(t):
    return torsh.from_numpy(t.detach().numpy().copy())


def state_to_numpy(x):
    """A state_dict with every tensor (torch's or torsh's) as a numpy array, tuples as lists."""
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        return x.detach().numpy().copy()
    if isinstance(x, dict):
        return {k: state_to_numpy(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [state_to_numpy(v) for v in x]
    return x


def state_to_torsh(x):
    """A torch state_dict converted through numpy into torsh tensors."""
    if isinstance(x, torch.Tensor):
        return torsh.from_numpy(x.detach().numpy().copy())
    if isinstance(x, dict):
        return {k: state_to_torsh(v) for k, v in x.items()}
    if isinstance(x, list):
        return [state_to_torsh(v) for v in x]
    if isinstance(x, tuple):
        return tuple(state_to_torsh(v) for v in x)
    return x


def assert_state_equal(sb, sa, dtype):
    """torsh's state_dict sb against torch's sa: same keys, same types, close values."""
    nb, na = state_to_numpy(sb), state_to_numpy(sa)
    _compare(nb, na, dtype, "state_dict")


def _compare(b, a, dtype, path):
    if isinstance(a, dict):
        assert isinstance(b, dict), path
        assert list(b.keys()) == list(a.keys()), (path, list(b.keys()), list(a.keys()))
        for k in a:
            _compare(b[k], a[k], dtype, f"{path}[{k!r}]")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(b) == len(a), path
        for i, (x, y) in enumerate(zip(b, a)):
            _compare(x, y, dtype, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), (path, type(b))
        assert b.dtype == a.dtype and b.shape == a.shape, (path, b.dtype, a.dtype, b.shape)
        np.testing.assert_allclose(b, a, rtol=RTOL[dtype], atol=_atol(a, dtype), err_msg=path)
    else:
        assert type(b) is type(a), (path, type(b), type(a))
        if isinstance(a, float):
            np.testing.assert_allclose(b, a, rtol=1e-15, err_msg=path)
        else:
            assert b == a, (path, b, a)


def _atol(a, dtype):
    return ATOL_SCALE[dtype] * (float(np.abs(a).max()) if a.size else 0.0)


def make_models(dtype):
    """The same small MLP in torch and torsh (torsh's weights copied through numpy), plus an
    extra parameter that never gets a gradient (optimizers must skip it)."""
    torch.manual_seed(0)
    tdt = getattr(torch, dtype)
    ma = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    ma = ma.to(tdt)
    mb = torsh.nn.Sequential(torsh.nn.Linear(5, 8), torsh.nn.ReLU(), torsh.nn.Linear(8, 3))
    mb = mb.to(getattr(torsh, dtype))
    with torsh.no_grad():
        for pa, pb in zip(ma.parameters(), mb.parameters()):
            pb.copy_(to_torsh(pa))
    ua = torch.nn.Parameter(torch.ones(2, dtype=tdt))
    ub = torsh.nn.Parameter(torsh.ones(2, dtype=getattr(torsh, dtype)))
    return ma, mb, ua, ub


def make_data(dtype, n=16):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(n, 5, generator=g).to(getattr(torch, dtype))
    y = torch.randn(n, 3, generator=g).to(getattr(torch, dtype))
    return (x, y), (to_torsh(x), to_torsh(y))


def train_step(lib, model, opt, x, y, closure=False):
    def loss_fn():
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        return loss
    if closure:
        return opt.step(loss_fn).item()
    loss = loss_fn()
    opt.step()
    return loss.item()


def params_of(model, extra):
    return list(model.parameters()) + [extra]


def assert_params_close(ma, mb, dtype, step):
    for (n, pa), pb in zip(ma.named_parameters(), mb.parameters()):
        a = pa.detach().numpy()
        np.testing.assert_allclose(pb.detach().numpy(), a, rtol=RTOL[dtype],
                                   atol=_atol(a, dtype), err_msg=f"{n} at step {step}")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_training_matches_torch(name, kw, dtype):
    ma, mb, ua, ub = make_models(dtype)
    (xa, ya), (xb, yb) = make_data(dtype)
    oa = getattr(torch.optim, name)(params_of(ma, ua), **kw)
    ob = getattr(torsh.optim, name)(params_of(mb, ub), **kw)
    assert repr(ob) == repr(oa)
    steps = 40
    for step in range(steps):
        la = train_step(torch, ma, oa, xa, ya, closure=step % 7 == 3)
        lb = train_step(torsh, mb, ob, xb, yb, closure=step % 7 == 3)
        np.testing.assert_allclose(lb, la, rtol=RTOL[dtype] * 10)
        if step % 5 == 4:
            assert_params_close(ma, mb, dtype, step)
    assert ub.grad is None and torch.equal(ua, torch.ones(2, dtype=ua.dtype))
    np.testing.assert_array_equal(ub.detach().numpy(), ua.detach().numpy())
    assert_state_equal(ob.state_dict(), oa.state_dict(), dtype)
    assert repr(ob) == repr(oa)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_injected_gradients_match_torch(name, kw, dtype):
    """Gradients written straight into .grad (no model, so no forward/backward rounding
    differences): isolates the update formulas, which must agree to the last bits."""
    g = torch.Generator().manual_seed(2)
    tdt = getattr(torch, dtype)
    pa = [torch.randn(7, 3, generator=g, dtype=tdt).requires_grad_(),
          torch.randn(11, generator=g, dtype=tdt).requires_grad_()]
    pb = [to_torsh(p).requires_grad_() for p in pa]
    oa = getattr(torch.optim, name)(pa, **kw)
    ob = getattr(torsh.optim, name)(pb, **kw)
    rtol = {"float64": 1e-13, "float32": 1e-6}[dtype]
    for step in range(60):
        for a, b in zip(pa, pb):
            ga = torch.randn(a.shape, generator=g, dtype=tdt) * (1 + step % 3)
            a.grad = ga
            b.grad = to_torsh(ga)
        oa.step()
        ob.step()
        for a, b in zip(pa, pb):
            x = a.detach().numpy()
            np.testing.assert_allclose(b.detach().numpy(), x, rtol=rtol,
                                       atol=rtol * 1e-2 * np.abs(x).max(), err_msg=f"step {step}")
    assert_state_equal(ob.state_dict(), oa.state_dict(), dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_load_torch_state_dict_and_continue(name, kw, dtype):
    """Run torch for a while; load its parameters and optimizer state_dict into a fresh torch
    optimizer and (through numpy) into a fresh torsh one, then continue both identically."""
    ma, mb, ua, ub = make_models(dtype)
    (xa, ya), (xb, yb) = make_data(dtype)
    oa = getattr(torch.optim, name)(params_of(ma, ua), **kw)
    for _ in range(12):
        train_step(torch, ma, oa, xa, ya)
    mc, _, uc, _ = make_models(dtype)
    with torch.no_grad():
        for pa, pc in zip(ma.parameters(), mc.parameters()):
            pc.copy_(pa)
    with torsh.no_grad():
        for pa, pb in zip(ma.parameters(), mb.parameters()):
            pb.copy_(to_torsh(pa))
    other = dict(kw, lr=0.123)
    oc = getattr(torch.optim, name)(params_of(mc, uc), **other)
    ob = getattr(torsh.optim, name)(params_of(mb, ub), **other)
    saved = oa.state_dict()
    oc.load_state_dict(saved)
    ob.load_state_dict(state_to_torsh(saved))
    assert ob.param_groups[0]["lr"] == oa.param_groups[0]["lr"]
    assert ob.param_groups[0]["params"][0] is next(mb.parameters())
    assert_state_equal(ob.state_dict(), oc.state_dict(), dtype)
    for step in range(15):
        train_step(torch, mc, oc, xa, ya)
        train_step(torsh, mb, ob, xb, yb)
        if step % 5 == 4:
            assert_params_close(mc, mb, dtype, step)
    assert_state_equal(ob.state_dict(), oc.state_dict(), dtype)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_param_groups_with_options(name):
    """Two groups with their own lr (and weight decay): defaults fill in the rest."""
    ma, mb, ua, ub = make_models("float64")
    (xa, ya), (xb, yb) = make_data("float64")
    la, lb = list(ma.parameters()), list(mb.parameters())
    kw = dict(lr=0.05) if name == "SGD" else {}

    def groups(ps, u):
        return [{"params": ps[:2], "lr": 0.02, "weight_decay": 0.1}, {"params": ps[2:] + [u]}]
    oa = getattr(torch.optim, name)(groups(la, ua), **kw)
    ob = getattr(torsh.optim, name)(groups(lb, ub), **kw)
    assert repr(ob) == repr(oa)
    assert [sorted(g) for g in ob.param_groups] == [sorted(g) for g in oa.param_groups]
    for step in range(25):
        train_step(torch, ma, oa, xa, ya)
        train_step(torsh, mb, ob, xb, yb)
    assert_params_close(ma, mb, "float64", 25)
    assert_state_equal(ob.state_dict(), oa.state_dict(), "float64")
