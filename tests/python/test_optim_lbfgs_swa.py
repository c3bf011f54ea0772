"""torsh.optim.LBFGS and torsh.optim.swa_utils against torch 1.13 on the same problems.

LBFGS is checked two ways:
- on one-parameter problems every operation is elementwise (a dot product of one element has
  no summation order), so torsh must reproduce torch bit for bit: every step's loss and
  parameter, the number of evaluations and iterations, and the whole state (types included);
- on models (linear and logistic regression, a small MLP) the flat dot products differ from
  torch's BLAS in the last bit (torsh.dot fuses multiply-add, torch's BLAS does not), which
  L-BFGS amplifies: float64 runs still agree to ~1e-10 relative, float32 runs to a few
  sqrt(float32 eps) (near a minimum the parameters are only defined to that precision, and
  line searches in rounding noise may take different branches)."""
import copy
import warnings

import numpy as np
import pytest

import torch
import torsh
from torsh.utils.data import DataLoader, TensorDataset


def to_torsh(t):
    return torsh.from_numpy(t.detach().numpy().copy())


def copy_params(src, dst):
    with torsh.no_grad():
        for a, b in zip(src.parameters(), dst.parameters()):
            b.copy_(to_torsh(a))


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


def compare_state(ours, ref, rtol=0.0, path="state"):
    """Same structure, key order, Python types and tensor dtypes/shapes; values equal (rtol 0)
    or close, tensors relative to the largest magnitude of the reference."""
    if isinstance(ref, torch.Tensor):
        assert isinstance(ours, torsh.Tensor), (path, type(ours))
        assert str(ours.dtype) == str(ref.dtype) and tuple(ours.shape) == tuple(ref.shape), path
        a, b = ref.detach().numpy(), ours.detach().numpy()
        if rtol == 0.0:
            np.testing.assert_array_equal(b, a, err_msg=path)
        else:
            scale = float(np.abs(a).max()) if a.size else 0.0
            np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol * scale, err_msg=path)
    elif isinstance(ref, dict):
        assert isinstance(ours, dict) and list(ours) == list(ref), (path, list(ours), list(ref))
        for k in ref:
            compare_state(ours[k], ref[k], rtol, f"{path}[{k!r}]")
    elif isinstance(ref, (list, tuple)):
        assert type(ours) is type(ref) and len(ours) == len(ref), (path, ours, ref)
        for i, (b, a) in enumerate(zip(ours, ref)):
            compare_state(b, a, rtol, f"{path}[{i}]")
    else:
        assert type(ours) is type(ref), (path, type(ours), type(ref))
        if rtol == 0.0 or not isinstance(ref, float):
            assert ours == ref, (path, ours, ref)
        else:
            np.testing.assert_allclose(ours, ref, rtol=rtol, err_msg=path)


# ---------------------------------------------------------------------------------------------
# LBFGS on one parameter: bit for bit


def scalar_loss(x):
    return ((x * x - 2.0) ** 2 + 0.5 * x + 0.1 * x ** 3).sum()


# one-parameter objectives built from exactly rounded ops only (torsh's pow with exponents
# other than 2 and 3 is not bitwise torch's, so x^6 is written as products)
SCALAR_LOSSES = {
    "quartic": scalar_loss,
    # three minima and steep walls: the zoom phase swaps the bracket ends
    "sextic": lambda x: ((x * x) * (x * x) * (x * x) - 5 * (x * x) * (x * x) + 4 * x * x
                         + 0.3 * x).sum(),
    # a kink at the minimum: zoom steps land near the bracket ends and are moved inside
    "kink": lambda x: (3 * (x - 1).abs() + x * x).sum(),
    "hinges": lambda x: (4 * (x - 0.5).relu() + 2 * (-x - 0.2).relu() + 0.1 * x * x).sum(),
}


def make_closure(opt, loss_fn, *args):
    def closure():
        opt.zero_grad()
        loss = loss_fn(*args)
        loss.backward()
        return loss
    return closure


SCALAR_CONFIGS = [
    dict(lr=0.05, max_iter=3, history_size=2),
    dict(lr=0.2, max_iter=20, tolerance_change=1e-20, tolerance_grad=1e-20),
    dict(lr=1, max_iter=3, history_size=2, line_search_fn="strong_wolfe"),
    dict(lr=2, max_iter=20, tolerance_change=1e-20, tolerance_grad=1e-20,
         line_search_fn="strong_wolfe"),
    dict(lr=0.7, max_iter=6, max_eval=9, history_size=4, line_search_fn="strong_wolfe"),
    dict(),
]


def scalar_pair(x0, dtype):
    xa = torch.tensor([x0], dtype=getattr(torch, dtype), requires_grad=True)
    xb = torsh.tensor([x0], dtype=getattr(torsh, dtype), requires_grad=True)
    return xa, xb


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", SCALAR_CONFIGS, ids=str)
@pytest.mark.parametrize("x0", [3.0, -0.3, 0.9])
@pytest.mark.parametrize("loss", sorted(SCALAR_LOSSES))
def test_lbfgs_one_parameter_bitwise(dtype, kw, x0, loss):
    xa, xb = scalar_pair(x0, dtype)
    oa = torch.optim.LBFGS([xa], **kw)
    ob = torsh.optim.LBFGS([xb], **kw)
    assert repr(ob) == repr(oa)
    fn = SCALAR_LOSSES[loss]
    ca, cb = make_closure(oa, fn, xa), make_closure(ob, fn, xb)
    for step in range(25):
        la, lb = oa.step(ca), ob.step(cb)
        assert lb.item() == la.item(), step
        assert xb.item() == xa.item(), step
        compare_state(ob.state_dict(), oa.state_dict())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("lr", [1, 0.3, 5])
@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_unbounded_line_search(dtype, lr, line_search_fn):
    """A linear objective: the line search extrapolates until it runs out of its 25 trials
    (and the cubic interpolation meets negative discriminants)."""
    xa, xb = scalar_pair(0.9, dtype)
    kw = dict(lr=lr, max_iter=5, line_search_fn=line_search_fn)
    oa, ob = torch.optim.LBFGS([xa], **kw), torsh.optim.LBFGS([xb], **kw)

    def fn(x):
        return (-2 * x).sum()
    ca, cb = make_closure(oa, fn, xa), make_closure(ob, fn, xb)
    for step in range(3):
        assert ob.step(cb).item() == oa.step(ca).item(), step
        assert xb.item() == xa.item(), step
    compare_state(ob.state_dict(), oa.state_dict())


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", SCALAR_CONFIGS[:4], ids=str)
def test_lbfgs_load_torch_state_dict_and_continue(dtype, kw):
    """torch runs a few steps; its parameter and state_dict go (through numpy) into a fresh
    torsh optimizer, and both continue identically."""
    xa, _ = scalar_pair(2.5, dtype)
    oa = torch.optim.LBFGS([xa], **kw)
    ca = make_closure(oa, scalar_loss, xa)
    for _ in range(3):
        oa.step(ca)
    xb = torsh.tensor([xa.item()], dtype=getattr(torsh, dtype), requires_grad=True)
    ob = torsh.optim.LBFGS([xb], **dict(kw, lr=123.0))
    ob.load_state_dict(state_to_torsh(oa.state_dict()))
    assert ob.param_groups[0]["lr"] == oa.param_groups[0]["lr"]
    assert ob.param_groups[0]["params"][0] is xb
    compare_state(ob.state_dict(), oa.state_dict())
    cb = make_closure(ob, scalar_loss, xb)
    for step in range(10):
        assert ob.step(cb).item() == oa.step(ca).item(), step
        assert xb.item() == xa.item(), step
    compare_state(ob.state_dict(), oa.state_dict())


def test_lbfgs_state_dict_round_trip():
    """A torsh state_dict loaded into a new optimizer over a copy continues exactly as the
    uninterrupted run."""
    kw = dict(lr=1, max_iter=4, history_size=3, line_search_fn="strong_wolfe")
    x = torsh.tensor([2.5], dtype=torsh.float64, requires_grad=True)
    opt = torsh.optim.LBFGS([x], **kw)
    closure = make_closure(opt, scalar_loss, x)
    for _ in range(2):
        opt.step(closure)
    y = x.detach().clone().requires_grad_(True)
    opt2 = torsh.optim.LBFGS([y], **kw)
    saved = opt.state_dict()
    opt2.load_state_dict(saved)
    closure2 = make_closure(opt2, scalar_loss, y)
    for _ in range(5):
        assert opt.step(closure).item() == opt2.step(closure2).item()
        assert x.item() == y.item()
    # the loaded state was copied, not shared
    assert opt2.state[y]["d"] is not opt.state[x]["d"]


def test_lbfgs_parameter_without_grad_and_early_exit():
    xa, xb = scalar_pair(1.7, "float64")
    ua = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    ub = torsh.zeros(3, dtype=torsh.float64, requires_grad=True)
    oa = torch.optim.LBFGS([xa, ua], line_search_fn="strong_wolfe")
    ob = torsh.optim.LBFGS([xb, ub], line_search_fn="strong_wolfe")
    ca, cb = make_closure(oa, scalar_loss, xa), make_closure(ob, scalar_loss, xb)
    for _ in range(4):
        assert ob.step(cb).item() == oa.step(ca).item()
        assert xb.item() == xa.item()
    assert ub.grad is None and ub.tolist() == [0.0, 0.0, 0.0]
    compare_state(ob.state_dict(), oa.state_dict())

    # a zero gradient at the start: one evaluation, no iteration, the loss returned as is
    za = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    zb = torsh.zeros(4, dtype=torsh.float64, requires_grad=True)
    oa, ob = torch.optim.LBFGS([za]), torsh.optim.LBFGS([zb])
    la = oa.step(make_closure(oa, lambda z: (z ** 2).sum(), za))
    lb = ob.step(make_closure(ob, lambda z: (z ** 2).sum(), zb))
    assert isinstance(lb, torsh.Tensor) and lb.item() == la.item()
    compare_state(ob.state_dict(), oa.state_dict())


def test_lbfgs_errors_and_defaults():
    for lib in (torch, torsh):
        a = lib.zeros(2, requires_grad=True)
        b = lib.zeros(2, requires_grad=True)
        with pytest.raises(ValueError, match="parameter groups"):
            lib.optim.LBFGS([{"params": [a]}, {"params": [b]}])
        opt = lib.optim.LBFGS([a], line_search_fn="armijo")
        with pytest.raises(RuntimeError, match="strong_wolfe"):
            opt.step(make_closure(opt, lambda x: ((x - 1) ** 2).sum(), a))
    for kw in [dict(), dict(max_iter=7), dict(max_iter=9, max_eval=3, history_size=4)]:
        oa = torch.optim.LBFGS([torch.zeros(1, requires_grad=True)], **kw)
        ob = torsh.optim.LBFGS([torsh.zeros(1, requires_grad=True)], **kw)
        assert ob.defaults == oa.defaults
        assert repr(ob) == repr(oa)
    assert torsh.optim.LBFGS.__name__ == "LBFGS"


# ---------------------------------------------------------------------------------------------
# LBFGS on models


def problem_pair(kind, dtype):
    """The same model (weights copied through numpy), loss and data in torch and in torsh: two
    tuples (model, loss(model, x, y), x, y)."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    tdt = getattr(torch, dtype)
    if kind == "mlp":
        ma = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
        mb = torsh.nn.Sequential(torsh.nn.Linear(5, 8), torsh.nn.Tanh(), torsh.nn.Linear(8, 3))
        x, y = torch.randn(16, 5, generator=g), torch.randn(16, 3, generator=g).to(tdt)
    else:
        outputs = 2 if kind == "linreg" else 3
        ma, mb = torch.nn.Linear(6, outputs), torsh.nn.Linear(6, outputs)
        x = torch.randn(32, 6, generator=g)
        y = (torch.randn(32, 2, generator=g).to(tdt) if kind == "linreg"
             else torch.randint(0, 3, (32,), generator=g))
    x = x.to(tdt)
    ma, mb = ma.to(tdt), mb.to(getattr(torsh, dtype))
    copy_params(ma, mb)

    def loss_of(lib):
        def loss_fn(m, x, y):
            out = m(x)
            if kind == "logreg":
                return lib.nn.functional.cross_entropy(out, y) + 1e-2 * (m.weight ** 2).sum()
            return ((out - y) ** 2).mean()
        return loss_fn
    return (ma, loss_of(torch), x, y), (mb, loss_of(torsh), to_torsh(x), to_torsh(y))


# (problem, dtype, steps, tolerance relative to the largest parameter magnitude)
MODEL_CASES = [
    ("linreg", "float64", 20, 1e-12), ("logreg", "float64", 20, 1e-12),
    ("mlp", "float64", 20, 2e-10),
    ("linreg", "float32", 20, 2e-3), ("logreg", "float32", 20, 2e-3),
    ("mlp", "float32", 6, 1e-3),
]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("kind,dtype,steps,tol", MODEL_CASES, ids=str)
def test_lbfgs_models_match_torch(kind, dtype, steps, tol, line_search_fn):
    (ma, fa, xa, ya), (mb, fb, xb, yb) = problem_pair(kind, dtype)
    kw = dict(lr=1 if line_search_fn else 0.3, max_iter=4, history_size=5,
              line_search_fn=line_search_fn)
    oa, ob = torch.optim.LBFGS(ma.parameters(), **kw), torsh.optim.LBFGS(mb.parameters(), **kw)
    ca, cb = make_closure(oa, fa, ma, xa, ya), make_closure(ob, fb, mb, xb, yb)
    for step in range(steps):
        la, lb = oa.step(ca).item(), ob.step(cb).item()
        np.testing.assert_allclose(lb, la, rtol=tol * 10, err_msg=f"loss at step {step}")
        for (name, pa), pb in zip(ma.named_parameters(), mb.parameters()):
            a = pa.detach().numpy()
            np.testing.assert_allclose(pb.detach().numpy(), a, rtol=tol,
                                       atol=tol * np.abs(a).max(),
                                       err_msg=f"{name} at step {step}")
    sa, sb = oa.state_dict(), ob.state_dict()
    if dtype == "float64":
        # the same path: the same evaluations, iterations and history, values close
        compare_state(sb, sa, rtol=1e-8)
    else:
        assert list(sb["state"][0]) == list(sa["state"][0])
        for key in ("d", "prev_flat_grad", "H_diag"):
            assert str(sb["state"][0][key].dtype) == str(sa["state"][0][key].dtype)


def test_lbfgs_model_load_torch_state_dict_float64():
    (ma, fa, xa, ya), (mb, fb, xb, yb) = problem_pair("mlp", "float64")
    kw = dict(max_iter=5, history_size=4, line_search_fn="strong_wolfe")
    oa = torch.optim.LBFGS(ma.parameters(), **kw)
    ca = make_closure(oa, fa, ma, xa, ya)
    for _ in range(3):
        oa.step(ca)
    copy_params(ma, mb)
    ob = torsh.optim.LBFGS(mb.parameters(), **kw)
    ob.load_state_dict(state_to_torsh(oa.state_dict()))
    compare_state(ob.state_dict(), oa.state_dict())
    cb = make_closure(ob, fb, mb, xb, yb)
    for _ in range(8):
        np.testing.assert_allclose(ob.step(cb).item(), oa.step(ca).item(), rtol=1e-10)
    for pa, pb in zip(ma.parameters(), mb.parameters()):
        a = pa.detach().numpy()
        np.testing.assert_allclose(pb.detach().numpy(), a, rtol=1e-10,
                                   atol=1e-10 * np.abs(a).max())
    compare_state(ob.state_dict(), oa.state_dict(), rtol=1e-8)


# ---------------------------------------------------------------------------------------------
# swa_utils.AveragedModel


def bn_net_pair(dtype):
    """A Linear-BatchNorm1d-ReLU-Linear net in torch and the same weights in torsh."""
    torch.manual_seed(3)
    nets = [L.Sequential(L.Linear(4, 6), L.BatchNorm1d(6), L.ReLU(), L.Linear(6, 2))
            for L in (torch.nn, torsh.nn)]
    ma, mb = nets[0].to(getattr(torch, dtype)), nets[1].to(getattr(torsh, dtype))
    copy_params(ma, mb)
    return ma, mb


def ema(avg, new, num_averaged):
    return 0.75 * avg + 0.25 * new


@pytest.mark.parametrize("use_buffers", [False, True])
@pytest.mark.parametrize("avg_fn", [None, ema], ids=["mean", "ema"])
def test_averaged_model_injected_weights_match_torch(use_buffers, avg_fn):
    """Weights written straight into the model before each update: the averages must be
    torch's to the last bit."""
    ma, mb = bn_net_pair("float64")
    swa_a = torch.optim.swa_utils.AveragedModel(ma, avg_fn=avg_fn, use_buffers=use_buffers)
    swa_b = torsh.optim.swa_utils.AveragedModel(mb, avg_fn=avg_fn, use_buffers=use_buffers)
    g = torch.Generator().manual_seed(5)
    for step in range(6):
        with torch.no_grad(), torsh.no_grad():
            for ta, tb in zip(list(ma.parameters()) + list(ma.buffers()),
                              list(mb.parameters()) + list(mb.buffers())):
                if ta.is_floating_point():
                    ta.copy_(torch.randn(ta.shape, generator=g, dtype=ta.dtype))
                else:
                    ta.fill_(step)
                tb.copy_(to_torsh(ta))
        swa_a.update_parameters(ma)
        swa_b.update_parameters(mb)
        compare_state(swa_b.state_dict(), swa_a.state_dict())
    assert str(swa_b.n_averaged.dtype) == "torch.int64" and swa_b.n_averaged.item() == 6


@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model_training_loop_matches_torch(use_buffers):
    ma, mb = bn_net_pair("float64")
    swa_a = torch.optim.swa_utils.AveragedModel(ma, use_buffers=use_buffers)
    swa_b = torsh.optim.swa_utils.AveragedModel(mb, use_buffers=use_buffers)
    oa = torch.optim.SGD(ma.parameters(), lr=0.1, momentum=0.9)
    ob = torsh.optim.SGD(mb.parameters(), lr=0.1, momentum=0.9)
    sched_a = torch.optim.swa_utils.SWALR(oa, swa_lr=0.02, anneal_epochs=3)
    sched_b = torsh.optim.swa_utils.SWALR(ob, swa_lr=0.02, anneal_epochs=3)
    g = torch.Generator().manual_seed(9)
    for step in range(12):
        x = torch.randn(8, 4, generator=g, dtype=torch.float64)
        y = torch.randn(8, 2, generator=g, dtype=torch.float64)
        for model, opt, xx, yy in ((ma, oa, x, y), (mb, ob, to_torsh(x), to_torsh(y))):
            opt.zero_grad()
            ((model(xx) - yy) ** 2).mean().backward()
            opt.step()
        swa_a.update_parameters(ma)
        swa_b.update_parameters(mb)
        sched_a.step()
        sched_b.step()
        assert ob.param_groups[0]["lr"] == oa.param_groups[0]["lr"]
        compare_state(swa_b.state_dict(), swa_a.state_dict(), rtol=1e-12)
    x = torch.randn(5, 4, generator=g, dtype=torch.float64)
    swa_a.eval()
    swa_b.eval()
    np.testing.assert_allclose(swa_b(to_torsh(x)).detach().numpy(),
                               swa_a(x).detach().numpy(), rtol=1e-12)


def test_averaged_model_copies_the_module():
    ma, mb = bn_net_pair("float32")
    swa = torsh.optim.swa_utils.AveragedModel(mb, device="cpu")
    ref = torch.optim.swa_utils.AveragedModel(ma, device="cpu")
    assert list(swa.state_dict()) == list(ref.state_dict())
    assert [n for n, _ in swa.named_parameters()] == [n for n, _ in ref.named_parameters()]
    for p_swa, p in zip(swa.parameters(), mb.parameters()):
        assert p_swa is not p
        np.testing.assert_array_equal(p_swa.detach().numpy(), p.detach().numpy())
    with torsh.no_grad():
        next(mb.parameters()).add_(1.0)
    assert not np.array_equal(next(swa.parameters()).detach().numpy(),
                              next(mb.parameters()).detach().numpy())
    assert swa.n_averaged.item() == 0 and str(swa.n_averaged.device) == "cpu"
    swa.update_parameters(mb)
    np.testing.assert_array_equal(next(swa.parameters()).detach().numpy(),
                                  next(mb.parameters()).detach().numpy())
    assert isinstance(swa, torsh.nn.Module) and swa.module is not mb


# ---------------------------------------------------------------------------------------------
# swa_utils.SWALR


def two_group_optimizers(lrs=(0.5, 0.1)):
    pa = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    pb = [torsh.zeros(2, requires_grad=True), torsh.zeros(3, requires_grad=True)]
    oa = torch.optim.SGD([{"params": [pa[0]], "lr": lrs[0]}, {"params": [pa[1]], "lr": lrs[1]}],
                         lr=1.0)
    ob = torsh.optim.SGD([{"params": [pb[0]], "lr": lrs[0]}, {"params": [pb[1]], "lr": lrs[1]}],
                         lr=1.0)
    return oa, ob


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 4, 10])
@pytest.mark.parametrize("swa_lr", [0.05, [0.3, 0.01]], ids=str)
def test_swalr_matches_torch(strategy, anneal_epochs, swa_lr):
    oa, ob = two_group_optimizers()
    sa = torch.optim.swa_utils.SWALR(oa, swa_lr, anneal_epochs=anneal_epochs,
                                     anneal_strategy=strategy)
    sb = torsh.optim.swa_utils.SWALR(ob, swa_lr, anneal_epochs=anneal_epochs,
                                     anneal_strategy=strategy)
    assert [g["lr"] for g in ob.param_groups] == [g["lr"] for g in oa.param_groups]
    assert [g["swa_lr"] for g in ob.param_groups] == [g["swa_lr"] for g in oa.param_groups]
    for _ in range(14):
        oa.step()
        ob.step()
        sa.step()
        sb.step()
        assert sb.get_last_lr() == sa.get_last_lr()
        assert [g["lr"] for g in ob.param_groups] == [g["lr"] for g in oa.param_groups]
    assert sb.last_epoch == sa.last_epoch and sb._step_count == sa._step_count
    assert sorted(sb.state_dict()) == sorted(sa.state_dict())


def test_swalr_after_another_scheduler():
    """The usual SWA schedule: cosine annealing first, then SWALR from whatever lr it left."""
    oa, ob = two_group_optimizers()
    ca = torch.optim.lr_scheduler.CosineAnnealingLR(oa, T_max=20)
    cb = torsh.optim.lr_scheduler.CosineAnnealingLR(ob, T_max=20)
    sa = torch.optim.swa_utils.SWALR(oa, swa_lr=0.01, anneal_epochs=5, anneal_strategy="linear")
    sb = torsh.optim.swa_utils.SWALR(ob, swa_lr=0.01, anneal_epochs=5, anneal_strategy="linear")
    for epoch in range(16):
        oa.step()
        ob.step()
        if epoch < 6:
            ca.step()
            cb.step()
        else:
            sa.step()
            sb.step()
        assert [g["lr"] for g in ob.param_groups] == [g["lr"] for g in oa.param_groups], epoch


def test_swalr_errors_and_warning():
    for lib in (torch, torsh):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
        with pytest.raises(ValueError, match="anneal_strategy"):
            lib.optim.swa_utils.SWALR(opt, 0.1, anneal_strategy="exp")
        with pytest.raises(ValueError, match="anneal_epochs"):
            lib.optim.swa_utils.SWALR(opt, 0.1, anneal_epochs=-1)
        with pytest.raises(ValueError, match="anneal_epochs"):
            lib.optim.swa_utils.SWALR(opt, 0.1, anneal_epochs=2.5)
        with pytest.raises(ValueError, match="same length"):
            lib.optim.swa_utils.SWALR(opt, [0.1, 0.2])
        sched = lib.optim.swa_utils.SWALR(opt, 0.05)
        with pytest.warns(UserWarning, match="get_last_lr"):
            sched.get_lr()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            sched.step()
    ours = torsh.optim.swa_utils.SWALR(torsh.optim.SGD([torsh.zeros(1, requires_grad=True)],
                                                       lr=0.1), 0.05)
    assert isinstance(ours, torsh.optim.lr_scheduler._LRScheduler)


# ---------------------------------------------------------------------------------------------
# swa_utils.update_bn


def conv_bn_pair(dtype):
    """A small conv net with BatchNorm2d (momentum 0.3) and BatchNorm1d, in both libraries."""
    torch.manual_seed(4)
    nets = [L.Sequential(L.Conv2d(2, 3, 3, padding=1), L.BatchNorm2d(3, momentum=0.3),
                         L.ReLU(), L.Flatten(), L.Linear(3 * 5 * 5, 4), L.BatchNorm1d(4),
                         L.Tanh(), L.Linear(4, 1))
            for L in (torch.nn, torsh.nn)]
    ma, mb = nets[0].to(getattr(torch, dtype)), nets[1].to(getattr(torsh, dtype))
    copy_params(ma, mb)
    return ma, mb


@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-12), ("float32", 1e-5)])
@pytest.mark.parametrize("batches", ["tensors", "pairs"])
def test_update_bn_matches_torch(dtype, rtol, batches):
    ma, mb = conv_bn_pair(dtype)
    g = torch.Generator().manual_seed(8)
    x = (torch.randn(30, 2, 5, 5, generator=g) * 3 + 1).to(getattr(torch, dtype))
    y = torch.randn(30, 1, generator=g).to(getattr(torch, dtype))
    if batches == "tensors":
        loader_a = list(x.split(7))
        loader_b = [to_torsh(t) for t in loader_a]
    else:
        loader_a = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y),
                                               batch_size=7)
        loader_b = DataLoader(TensorDataset(to_torsh(x), to_torsh(y)), batch_size=7)
    for m in (ma, mb):
        m.eval()
        m[1].running_mean.fill_(5.0)
        m[1].num_batches_tracked.fill_(17)
    torch.optim.swa_utils.update_bn(loader_a, ma)
    torsh.optim.swa_utils.update_bn(loader_b, mb, device="cpu")
    compare_state(mb.state_dict(), ma.state_dict(), rtol=rtol)
    assert not mb.training and not mb[1].training
    assert mb[1].momentum == ma[1].momentum == 0.3 and mb[5].momentum == ma[5].momentum


def test_update_bn_without_batchnorm_is_a_no_op():
    net = torsh.nn.Sequential(torsh.nn.Linear(3, 2))
    net.eval()
    before = copy.deepcopy(net.state_dict())
    torsh.optim.swa_utils.update_bn([torsh.ones(2, 3)], net)
    assert not net.training
    compare_state(net.state_dict(), {k: torch.from_numpy(v.numpy()) for k, v in
                                     before.items()})
