"""Comparison helpers for the API tests: run one function in torch and in torsh and compare
results (dtype, shape, values, requires_grad), exception types, and gradients."""
import warnings

import numpy as np
import torch

import torsh
from conftest import record

LIBS = (torch, torsh)


def T(L, data, dtype=None, requires_grad=False):
    """A tensor of `data` in library L (dtype by name)."""
    if isinstance(data, np.ndarray):
        data = data.tolist()
    return L.tensor(data, dtype=None if dtype is None else getattr(L, dtype),
                    requires_grad=requires_grad)


def _plain(x):
    if isinstance(x, (tuple, list)):
        return tuple(_plain(v) for v in x)
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        name = str(x.dtype) if isinstance(x, torch.Tensor) else repr(x.dtype)
        d = x.detach()
        if name[6:] in ("float16", "bfloat16"):
            d = d.float()
        return ("tensor", name[6:], tuple(x.shape), d.numpy().copy(), x.requires_grad)
    if isinstance(x, (torch.dtype, torsh.dtype)):
        return ("dtype", str(x))
    return x


def plain_lists(x):
    """A comparable form of a result for `==`: tensors as (dtype name, shape, values as nested
    lists, requires_grad), 16-bit floats read as float32, containers elementwise."""
    if isinstance(x, (tuple, list)):
        return tuple(plain_lists(v) for v in x)
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        name = (str(x.dtype) if isinstance(x, torch.Tensor) else repr(x.dtype))[6:]
        d = x.detach()
        if name in ("float16", "bfloat16"):
            d = d.float()
        return ("tensor", name, tuple(x.shape), d.numpy().tolist(), x.requires_grad)
    if isinstance(x, (torch.Size, torsh.Size)):
        return tuple(x)
    if isinstance(x, (torch.dtype, torsh.dtype)):
        return ("dtype", str(x))
    return x


def outcome(fn, lib, plain=None):
    """('ok', result) or (exception type name, message) of fn(lib); plain converts the result
    for comparison (default: _plain)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", (plain or _plain)(fn(lib)))
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return (type(e).__name__, str(e))


def _match(ours, ref, rtol, atol, where="result"):
    if isinstance(ref, tuple) and ref[:1] == ("tensor",):
        assert isinstance(ours, tuple) and ours[:1] == ("tensor",), (where, ours, ref)
        assert ours[1:3] == ref[1:3], (where, "dtype/shape", ours[1:3], ref[1:3])
        assert ours[4] == ref[4], (where, "requires_grad", ours[4], ref[4])
        if rtol == 0 and atol == 0:
            np.testing.assert_array_equal(ours[3], ref[3], err_msg=where)
        else:
            np.testing.assert_allclose(ours[3], ref[3], rtol=rtol, atol=atol, equal_nan=True,
                                       err_msg=where)
    elif isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref), (where, ours, ref)
        for i, (o, r) in enumerate(zip(ours, ref)):
            _match(o, r, rtol, atol, f"{where}[{i}]")
    elif isinstance(ref, float) and (rtol or atol):
        assert abs(ours - ref) <= atol + rtol * abs(ref), (where, ours, ref)
    elif isinstance(ref, float) and ref != ref:
        assert ours != ours, (where, ours, ref)
    else:
        assert type(ours) is type(ref) and ours == ref, (where, ours, ref)


def same(fn, rtol=0, atol=0, messages=False, name="api"):
    """fn(torch) and fn(torsh) give the same result (within rtol/atol for values), or raise the
    same exception type (and message when `messages`)."""
    ref, ours = outcome(fn, torch), outcome(fn, torsh)
    record(name)
    if ref[0] != "ok":
        assert ours[0] == ref[0], (ours, ref)
        if messages:
            assert ours[1] == ref[1], (ours, ref)
        return ref
    assert ours[0] == "ok", (ours, ref)
    _match(ours[1], ref[1], rtol, atol)
    return ref


def grads(fn, arrays, lib, dtype="float64", seed=0):
    """The gradients of fn(lib, *leaves) for a fixed random cotangent, one per leaf."""
    leaves = [T(lib, a, dtype, requires_grad=True) for a in arrays]
    out = fn(lib, *leaves)
    if isinstance(out, (tuple, list)):
        out = out[0]
    cot = np.random.default_rng(seed).standard_normal(tuple(out.shape))
    out.backward(lib.tensor(cot.tolist(), dtype=out.dtype))
    return [leaf.grad for leaf in leaves]


def same_grad(fn, *arrays, rtol=1e-7, atol=1e-10, dtype="float64", name="api_grad"):
    """fn's gradients in torsh equal torch's (leaves of `dtype` made from `arrays`)."""
    same(lambda L: grads(fn, arrays, L, dtype), rtol=rtol, atol=atol, name=name)


def same_draws(fn, seed, rtol=0, atol=0):
    """fn draws the same samples in both libraries after manual_seed(seed), and leaves the
    default generator at the same point."""
    def run(L):
        L.manual_seed(seed)
        r = fn(L)
        return r, L.rand(3)
    ref = same(run, rtol=rtol, atol=atol, name="api_random")
    assert ref[0] == "ok", ref
