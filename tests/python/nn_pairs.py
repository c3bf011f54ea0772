"""Shared by the nn tests: the same module built in torch and in torsh from the same seed."""
import torch

import torsh


def build_pair(builder, seed=0):
    """builder(lib, lib.nn) in torch, then in torsh, each after manual_seed(seed)."""
    torch.manual_seed(seed)
    a = builder(torch, torch.nn)
    torsh.manual_seed(seed)
    b = builder(torsh, torsh.nn)
    return a, b


# Helpers for the layer tests (test_nn_conv, test_nn_pool, test_nn_norm).

def to_torsh(t):
    """A torsh copy of a torch tensor (same dtype and values, no graph)."""
    return torsh.from_numpy(t.detach().numpy().copy())


def to_np(t):
    return t.detach().numpy()


def assert_close(b, a, rtol=1e-7, atol=1e-9):
    """torsh tensor b against torch tensor a: shape, dtype and values."""
    import numpy as np
    assert tuple(b.shape) == tuple(a.shape), (tuple(b.shape), tuple(a.shape))
    assert str(b.dtype) == str(a.dtype), (b.dtype, a.dtype)
    np.testing.assert_allclose(to_np(b), to_np(a), rtol=rtol, atol=atol)


def run_pair(a, b, x, grad_seed=0, rtol=1e-7, atol=1e-9, **kwargs):
    """Forward both modules on x (a torch tensor), compare outputs, then backward the same
    random cotangent and compare the input's and every parameter's gradient. Returns the
    outputs (torch's, torsh's)."""
    xa = x.detach().clone().requires_grad_(x.is_floating_point())
    xb = to_torsh(x).requires_grad_(x.is_floating_point())
    ya, yb = a(xa, **kwargs), b(xb, **kwargs)
    assert_close(yb, ya, rtol, atol)
    gen = torch.Generator().manual_seed(grad_seed)
    g = torch.randn(ya.shape, dtype=ya.dtype, generator=gen)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    if x.is_floating_point():
        assert_close(xb.grad, xa.grad, rtol, atol)
    names_a = [n for n, _ in a.named_parameters()]
    assert [n for n, _ in b.named_parameters()] == names_a
    for (n, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters()):
        if pa.grad is None:
            assert pb.grad is None, n
        else:
            assert_close(pb.grad, pa.grad, rtol, atol)
    return ya, yb


def assert_same_state(b, a, rtol=0, atol=0):
    """Same state_dict keys in the same order, same dtypes and (within tolerance) values."""
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sb) == list(sa)
    for k in sa:
        assert_close(sb[k], sa[k], rtol, atol)


def raises_like(fa, fb, match_message=True):
    """fa() (torch) must raise; fb() (torsh) must raise the same exception type and, when
    match_message, the same message."""
    import pytest
    with pytest.raises(Exception) as ea:
        fa()
    with pytest.raises(Exception) as eb:
        fb()
    assert type(eb.value) is type(ea.value), (type(eb.value), type(ea.value), str(eb.value))
    if match_message:
        assert str(eb.value) == str(ea.value)
