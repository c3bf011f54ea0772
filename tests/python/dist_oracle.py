"""Comparison helpers shared by the torch.distributions tests: values (to a tolerance or bit for
bit, with dtype and shape), and exceptions (type, or type and message) against torch."""
import numpy as np
import torch

import torsh


def to_np(t):
    if isinstance(t, (torch.Tensor, torsh.Tensor)):
        return t.detach().numpy()
    return np.asarray(t)


def close(a, b, rtol=1e-5, atol=1e-6):
    """b (torsh) equals a (torch) in dtype, shape and values (nan and inf where a has them)."""
    assert isinstance(b, torsh.Tensor), type(b)
    assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
    assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
    np.testing.assert_allclose(to_np(b), to_np(a), rtol=rtol, atol=atol, equal_nan=True)


def same(a, b):
    """Bit-identical values, same dtype and shape."""
    assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
    assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
    np.testing.assert_array_equal(to_np(b), to_np(a))


def outcome(fn, lib):
    try:
        return "ok", fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return type(e).__name__, str(e)


def assert_same_error(fn):
    a = outcome(fn, torch)
    b = outcome(fn, torsh)
    assert a[0] != "ok", a
    assert (b[0], b[1]) == (a[0], a[1])


def assert_same_error_type(fn):
    a = outcome(fn, torch)
    b = outcome(fn, torsh)
    assert a[0] != "ok", a
    assert b[0] == a[0], (a, b)


def T(lib, data, dtype="float32", grad=False):
    t = lib.tensor(data, dtype=getattr(lib, dtype))
    return t.requires_grad_() if grad else t
