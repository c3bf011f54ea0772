"""The fused optimizer steps (torsh._C._fused_adam_ / _fused_sgd_, under torch.optim's Adam,
AdamW and SGD): the same trajectory as torch's single-tensor path on contiguous float32/float64
parameters, the op-by-op path where a tensor does not qualify (and the fused call then changes
nothing), and the step counts and momentum buffers in torch's state format."""
import numpy as np
import pytest
import torch

import torsh


def _run(lib, opt_name, kw, dtype, steps=30, transposed=False):
    gen = np.random.default_rng(0)
    w0 = gen.standard_normal((6, 5))
    b0 = gen.standard_normal(5)
    w = lib.tensor(w0.T.copy() if transposed else w0, dtype=getattr(lib, dtype))
    if transposed:
        w = w.t()  # a non-contiguous parameter: the op-by-op path
    w.requires_grad_(True)
    b = lib.tensor(b0, dtype=getattr(lib, dtype), requires_grad=True)
    opt = getattr(lib.optim, opt_name)([w, b], **kw)
    for k in range(steps):
        x = lib.tensor(gen.standard_normal((4, 6)), dtype=getattr(lib, dtype))
        loss = ((x @ w + b) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return w.detach().numpy(), b.detach().numpy(), opt.state_dict()


CASES = [
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "betas": (0.8, 0.9)}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.3, "amsgrad": True}),
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
]


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(name, kw, dtype, transposed):
    wt, bt, st = _run(torch, name, kw, dtype, transposed=transposed)
    ws, bs, ss = _run(torsh, name, kw, dtype, transposed=transposed)
    # float32: the model's forward and backward may round differently from torch's; the update
    # formulas alone agree to the bit (test_optim.py's injected gradients)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ws, wt, **tol)
    np.testing.assert_allclose(bs, bt, **tol)
    for key in st["state"]:
        for field, vt in st["state"][key].items():
            vs = ss["state"][key][field]
            if vt is None:  # SGD without momentum keeps a None buffer
                assert vs is None, field
                continue
            np.testing.assert_allclose(vs.numpy(), vt.numpy(), err_msg=field, **tol)
            assert str(vs.dtype) == str(vt.dtype), field


def test_fused_call_refuses_and_changes_nothing():
    p = torsh.ones(3, 4).t()  # not contiguous
    g, m, v = torsh.ones(4, 3), torsh.zeros(4, 3), torsh.zeros(4, 3)
    step = torsh.tensor(0.0)
    assert not torsh._C._fused_adam_([p], [g], [m], [v], [], [step], 0.1, 0.9, 0.999, 0.0,
                                     1e-8, False, False, False)
    assert step.item() == 0.0 and (p == 1).all().item() and (m == 0).all().item()
    q = torsh.ones(4, 3)
    args = ([q], [g], [m], [v], [], [step], 0.1, 0.9, 0.999, 0.0, 1e-8, False, False, False)
    assert not torsh._C._fused_adam_(*args)  # grad mode records: the op-by-op path
    with torsh.no_grad():
        assert torsh._C._fused_adam_(*args)
        assert step.item() == 1.0 and q._version == 1 and m._version == 2  # torch's counts
        assert torsh._C._fused_sgd_([q], [g.half()], [None], 0.0, 0.9, 0.1, 0.0, False,
                                    False) is None
        bufs = torsh._C._fused_sgd_([q], [g], [None], 0.0, 0.9, 0.1, 0.0, False, False)
        assert bufs is not None and torsh.equal(bufs[0], g)


def test_duplicated_parameter_and_differentiable_steps_match_torch():
    """A parameter listed twice gets two updates with their own step counts, and a step under
    grad mode (differentiable) records, as torch's op-by-op path does: the fused call refuses."""
    for name, kw in (("Adam", {"lr": 0.1}), ("AdamW", {"lr": 0.1}),
                     ("SGD", {"lr": 0.1, "momentum": 0.9})):
        res = []
        for lib in (torch, torsh):
            p = lib.tensor([1.0, -2.0], requires_grad=True)
            opt = getattr(lib.optim, name)([p, p], **kw)
            for _ in range(3):
                p.grad = lib.tensor([0.5, -1.5])
                opt.step()
            res.append(p.detach().numpy())
        np.testing.assert_allclose(res[1], res[0], rtol=1e-6, err_msg=name)
    res = []
    for lib in (torch, torsh):
        v = lib.tensor([1.0, 2.0], requires_grad=True)
        p = lib.tensor([0.5, 0.5], requires_grad=True).clone()
        p.grad = 2 * v
        lib.optim.SGD([p], lr=0.1, weight_decay=0.5, differentiable=True).step()
        res.append(lib.autograd.grad(p.sum(), v)[0].numpy())
    np.testing.assert_allclose(res[1], res[0])


ADAPTIVE = [
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01,
                 "initial_accumulator_value": 0.1}, "_fused_adagrad_"),
    ("Adagrad", {"lr": 0.1, "maximize": True}, "_fused_adagrad_"),
    ("RMSprop", {"lr": 0.01}, "_fused_rmsprop_"),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01}, "_fused_rmsprop_"),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "alpha": 0.9,
                 "maximize": True}, "_fused_rmsprop_"),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.01}, "_fused_adadelta_"),
    ("Adadelta", {"maximize": True}, "_fused_adadelta_"),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.01}, "_fused_adamax_"),
    ("Adamax", {"lr": 0.01, "maximize": True}, "_fused_adamax_"),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.01, "momentum_decay": 0.01}, "_fused_nadam_"),
    ("RAdam", {"lr": 0.01}, "_fused_radam_"),  # rectified after step 5
    ("RAdam", {"lr": 0.01, "betas": (0.9, 0.9), "weight_decay": 0.01}, "_fused_radam_"),
    ("ASGD", {"lr": 0.05, "lambd": 1e-3, "alpha": 0.5, "t0": 10, "weight_decay": 0.01},
     "_fused_asgd_"),
    ("ASGD", {"lr": 0.05, "t0": 5, "maximize": True}, "_fused_asgd_"),
    ("Rprop", {"lr": 0.02, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.5)}, "_fused_rprop_"),
    ("Rprop", {"lr": 0.02, "maximize": True}, "_fused_rprop_"),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}, "_fused_adam_"),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, "_fused_sgd_"),
]


def _injected_run(opt_name, kw, dtype, steps=25):
    """Parameters (one of them large enough to split over the threads) and their state after
    `steps` steps on injected gradients, some of them exactly zero (Rprop's sign rule)."""
    gen = np.random.default_rng(3)
    ps = [torsh.tensor(gen.standard_normal(s), dtype=getattr(torsh, dtype)).requires_grad_()
          for s in ((7, 3), (11,), (70000,))]
    opt = getattr(torsh.optim, opt_name)(ps, **kw)
    for k in range(steps):
        for p in ps:
            g = gen.standard_normal(p.shape) * (1 + k % 3)
            g[::5] = 0.0
            p.grad = torsh.tensor(g, dtype=p.dtype)
        opt.step()
    state = [{key: (v.clone() if isinstance(v, torsh.Tensor) else v)
              for key, v in opt.state[p].items()} for p in ps]
    return [p.detach().clone() for p in ps], state


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw,fn", ADAPTIVE, ids=[f"{n}{i}" for i, (n, _, _) in
                                                      enumerate(ADAPTIVE)])
def test_fused_step_is_bitwise_the_op_by_op_step(name, kw, fn, dtype, monkeypatch):
    """Every optimizer's one-pass C++ step runs (the call returns a fused result) and leaves the
    same bits in the parameters and every state entry as the op-by-op path."""
    calls = []
    real = getattr(torsh._C, fn)

    def spy(*a, **k):
        r = real(*a, **k)
        calls.append(r is not None and r is not False)
        return r

    monkeypatch.setattr(torsh._C, fn, spy)
    fused_p, fused_s = _injected_run(name, kw, dtype)
    assert calls and all(calls), f"{fn} did not run the step"
    monkeypatch.setattr(torsh.optim.optimizer, "_FUSED_STEPS", False)
    n = len(calls)
    ref_p, ref_s = _injected_run(name, kw, dtype)
    assert len(calls) == n  # the reference ran op by op
    for a, b in zip(fused_p, ref_p):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    for sa, sb in zip(fused_s, ref_s):
        assert sa.keys() == sb.keys()
        for key in sa:
            va, vb = sa[key], sb[key]
            if isinstance(va, torsh.Tensor):
                assert va.dtype == vb.dtype, key
                np.testing.assert_array_equal(va.numpy(), vb.numpy(), err_msg=key)
            else:
                assert va == vb, key


def test_adaptive_fused_calls_refuse_and_change_nothing():
    """A tensor that does not qualify (here a non-contiguous state) leaves everything as it was,
    step counts and NAdam's mu_product included."""
    p, g = torsh.ones(4, 3), torsh.full((4, 3), 0.5)
    bad = torsh.zeros(3, 4).t()
    step, mu_product = torsh.tensor(0.0), torsh.tensor(1.0)
    with torsh.no_grad():
        assert not torsh._C._fused_nadam_([p], [g], [bad], [torsh.zeros(4, 3)], [mu_product],
                                          [step], 0.9, 0.999, 0.01, 0.0, 4e-3, 1e-8)
        assert not torsh._C._fused_adagrad_([p], [g.double()], [torsh.zeros(4, 3)], [step], 0.1,
                                            0.0, 0.0, 1e-10, False)
        assert not torsh._C._fused_rmsprop_([p], [g], [torsh.zeros(4, 3)], [], [bad], 0.01, 0.99,
                                            1e-8, 0.0, 0.9, False, False)
    assert step.item() == 0.0 and mu_product.item() == 1.0 and (p == 1).all().item()
    assert p._version == 0 and step._version == 0


def _both_paths_and_torch(run, monkeypatch):
    """run(lib) under the fused path, the op-by-op path and torch."""
    out = [run(torsh)]
    monkeypatch.setattr(torsh.optim.optimizer, "_FUSED_STEPS", False)
    out.append(run(torsh))
    out.append(run(torch))
    return out


def test_rprop_clamp_with_min_above_max_and_step_size_version(monkeypatch):
    """clamp_(min, max) gives max when min > max (torch does not validate step_sizes); the
    step_size state starts at version 1 as torch's in-place fill leaves it."""
    def run(lib):
        p = lib.tensor([0.1, 0.2, 0.3]).requires_grad_()
        opt = lib.optim.Rprop([p], lr=0.5, step_sizes=(1.0, 0.5))
        for g in ([1.0, -2.0, 0.5], [2.0, -1.0, -0.5]):
            p.grad = lib.tensor(g)
            opt.step()
        st = opt.state[p]["step_size"]
        return p.detach().numpy().tolist(), st.numpy().tolist(), st._version
    fused, op, ref = _both_paths_and_torch(run, monkeypatch)
    assert fused == ref and op == ref


def test_step_counts_in_the_step_tensors_dtype(monkeypatch):
    """A float32 step tensor stops counting at 2^24 (step_t += 1 in float32): the fused steps
    use that value, as the op-by-op path and torch do."""
    def run(lib):
        res = []
        for name, kw in (("ASGD", {"lr": 0.1, "t0": 2.0 ** 24 - 3}),
                         ("Adagrad", {"lr": 0.1, "lr_decay": 1.0})):
            p = lib.tensor([1.0, 2.0], dtype=lib.float64).requires_grad_()
            opt = getattr(lib.optim, name)([p], **kw)
            p.grad = lib.tensor([1.0, -1.0], dtype=lib.float64)
            opt.step()
            opt.state[p]["step"].fill_(2.0 ** 24)
            opt.step()
            st = opt.state[p]
            res.append((p.detach().numpy().tolist(), st["step"].item(),
                        st["mu"].item() if "mu" in st else None))
        return res
    fused, op, ref = _both_paths_and_torch(run, monkeypatch)
    assert fused == ref and op == ref
