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
