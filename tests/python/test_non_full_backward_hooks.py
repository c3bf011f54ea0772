"""The deprecated non-full module backward hooks (Module.register_backward_hook,
nn.modules.module.register_module_backward_hook) and the Node.register_hook they stand on, against
torch 1.13: the hook runs on the grad_fn of forward's first output, sees that node's gradients
(grad_input) and the output's (grad_output), may replace grad_input, warns as torch warns, and
comes off with its handle. Grad-CAM and guided backpropagation are the programs that use it."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from conftest import record


def _shapes(grads):
    return [None if g is None else tuple(g.shape) for g in grads]


def _run(L, build, x_shape, replace=None):
    L.manual_seed(0)
    model, target = build(L)
    calls = []

    def hook(module, grad_input, grad_output):
        calls.append((type(module).__name__, _shapes(grad_input), _shapes(grad_output),
                      [round(float(g.double().sum()), 5) for g in grad_output if g is not None]))
        if replace is not None:
            return tuple(None if g is None else replace(L, g) for g in grad_input)
        return None
    handle = target.register_backward_hook(hook)
    x = L.linspace(-2, 2, int(np.prod(x_shape))).reshape(x_shape).requires_grad_(True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        y = model(x)
    y.pow(2).sum().backward()
    grad = x.grad.double().numpy().copy()
    handle.remove()
    x.grad = None
    model(x).pow(2).sum().backward()  # removed: no call
    return calls, [str(m.message) for m in w], grad


def _linear(L):
    m = L.nn.Sequential(L.nn.Linear(6, 5), L.nn.Tanh(), L.nn.Linear(5, 3))
    return m, m[0]


def _conv_relu(L):
    m = L.nn.Sequential(L.nn.Conv2d(2, 3, 3), L.nn.ReLU(), L.nn.Flatten(), L.nn.Linear(27, 2))
    return m, m[0]


def _relu(L):
    m = L.nn.Sequential(L.nn.Linear(6, 4), L.nn.ReLU(), L.nn.Linear(4, 2))
    return m, m[1]


@pytest.mark.parametrize("build, shape", [(_linear, (4, 6)), (_conv_relu, (2, 2, 5, 5)),
                                          (_relu, (3, 6))])
def test_hook_sees_torchs_gradients(build, shape):
    record("non-full backward hook")
    (ct, wt, gt), (cs, ws, gs) = _run(torch, build, shape), _run(torsh, build, shape)
    assert cs == ct
    assert ws == wt
    np.testing.assert_allclose(gs, gt, rtol=1e-5, atol=1e-6)


def test_guided_backprop_replaces_grad_input():
    record("non-full backward hook")

    def clamp(L, g):
        return L.clamp(g, min=0.0)
    (ct, _, gt), (cs, _, gs) = (_run(L, _relu, (3, 6), replace=clamp) for L in (torch, torsh))
    assert cs == ct
    np.testing.assert_allclose(gs, gt, rtol=1e-5, atol=1e-6)


def _global_kind(L, value=None, set_=False):
    """The kind of the global backward hooks (full, non-full, unset), which outlives the hooks'
    handles in both libraries: read, or set to `value`."""
    holder, key = ((torch.nn.modules.module.__dict__, "_global_is_full_backward_hook")
                   if L is torch else (torsh.nn.modules._backward_hook._GLOBAL_KIND, "is_full"))
    old = holder[key]
    if set_:
        holder[key] = value
    return old


def test_hook_kinds_do_not_mix_and_global_hooks_run():
    for L in (torch, torsh):
        saved = _global_kind(L, None, set_=True)  # other tests may have set a kind
        m = L.nn.Linear(2, 2)
        m.register_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError, match="Cannot use both"):
            m.register_full_backward_hook(lambda *a: None)
        seen = []
        h = L.nn.modules.module.register_module_backward_hook(
            lambda mod, gi, go: seen.append(type(mod).__name__))
        try:
            with pytest.raises(RuntimeError, match="global Module hook"):
                L.nn.modules.module.register_module_full_backward_hook(lambda *a: None)
            lin = L.nn.Linear(2, 2)
            lin(L.ones(1, 2, requires_grad=True)).sum().backward()
            with pytest.raises(RuntimeError, match="dead Module"):  # hooks hold it weakly
                L.nn.Linear(2, 2)(L.ones(1, 2, requires_grad=True)).sum().backward()
        finally:
            h.remove()
            _global_kind(L, saved, set_=True)
        assert seen == ["Linear"]


def test_node_register_hook_replaces_and_counts():
    def run(L):
        x = L.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = (x * 3).exp()
        log = []

        def hook(gi, go):
            log.append((_shapes(gi), _shapes(go)))
            return (gi[0] * 0 + 1, *gi[1:])
        h = y.grad_fn.next_functions[0][0].register_hook(hook)
        y.sum().backward()
        out = [log, x.grad.tolist()]
        h.remove()
        x.grad = None
        y = (x * 3).exp()
        y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="incorrect number of values"):
            y.sum().backward()
        return out
    assert run(torsh) == run(torch)
