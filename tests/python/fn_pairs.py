"""Shared by test_nn_extra*: one functional call made in torch and in torsh on the same data."""
import warnings

import torch

from nn_pairs import to_torsh, assert_close


class Fixed:
    """Marks a tensor argument that must not require grad (a target, an index, ...)."""

    def __init__(self, t):
        self.t = t


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def rand(*shape, seed=0, dtype=torch.float64):
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _prepare(args):
    ta, tb = [], []
    for a in args:
        if isinstance(a, Fixed):
            ta.append(a.t.clone())
            tb.append(to_torsh(a.t))
        elif isinstance(a, torch.Tensor):
            req = a.is_floating_point()
            ta.append(a.detach().clone().requires_grad_(req))
            tb.append(to_torsh(a).requires_grad_(req))
        else:
            ta.append(a)
            tb.append(a)
    return ta, tb


def run_fn(fa, fb, *args, rtol=1e-7, atol=1e-9, grad=True, grad_seed=0, kwargs=None):
    """fa(*args) in torch against fb(*args) in torsh (tensor args copied; floating ones require
    grad unless wrapped in Fixed; tensors in kwargs are copied and never require grad): output
    shape, dtype and values; then one random cotangent backpropagated and the gradient of every
    such argument compared (None against None). Returns the two outputs."""
    kwargs = kwargs or {}
    kwargs_b = {k: (to_torsh(v) if isinstance(v, torch.Tensor) else v) for k, v in kwargs.items()}
    ta, tb = _prepare(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ya = fa(*ta, **kwargs)
        yb = fb(*tb, **kwargs_b)
    assert_close(yb, ya, rtol, atol)
    if grad and ya.requires_grad:
        assert yb.requires_grad
        gen = torch.Generator().manual_seed(grad_seed)
        g = torch.randn(ya.shape, dtype=ya.dtype, generator=gen)
        (ya * g).sum().backward()
        (yb * to_torsh(g)).sum().backward()
        for i, (a, b) in enumerate(zip(ta, tb)):
            if isinstance(a, torch.Tensor) and a.requires_grad:
                if a.grad is None:
                    assert b.grad is None, "argument {}: torch has no grad".format(i)
                else:
                    assert b.grad is not None, "argument {}: torsh has no grad".format(i)
                    assert_close(b.grad, a.grad, rtol, atol)
    return ya, yb


def same_warnings(fa, fb):
    """The messages of the warnings fa() (torch) and fb() (torsh) emit, which must be equal."""
    with warnings.catch_warnings(record=True) as wa:
        warnings.simplefilter("always")
        fa()
    with warnings.catch_warnings(record=True) as wb:
        warnings.simplefilter("always")
        fb()
    ma = [str(w.message) for w in wa]
    mb = [str(w.message) for w in wb]
    assert mb == ma
    return ma
