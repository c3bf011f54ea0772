"""Runs the same call in torch and torsh and compares results (shape, dtype, values, errors)."""
import math

import numpy as np
import torch

import torsh

from conftest import record

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
          "bool"]
FLOATS = ["float32", "float64", "float16", "bfloat16"]


def tol(dtype):
    return {"float16": (1e-3, 1e-3), "bfloat16": (1e-2, 1e-2), "float32": (1e-5, 1e-6),
            "float64": (1e-10, 1e-12)}.get(dtype, (0, 0))


class Pair:
    """The same value in both libraries."""

    def __init__(self, t, s):
        self.t, self.s = t, s

    def __repr__(self):
        if isinstance(self.t, torch.Tensor):
            return f"T{tuple(self.t.shape)}:{str(self.t.dtype)[6:]}:s{self.t.stride()}"
        return repr(self.t)


def make(arr, dtype):
    """Tensors from a numpy array (float64 values), converted to dtype in each library."""
    base = np.ascontiguousarray(arr)
    return Pair(torch.from_numpy(base.copy()).to(getattr(torch, dtype)),
                torsh.from_numpy(base.copy()).to(getattr(torsh, dtype)))


def values(rng, shape, dtype, domain=(-5, 5)):
    lo, hi = domain
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype in ("uint8",):
        lo, hi = max(lo, 0), max(hi, 1)
    if dtype in FLOATS:
        return rng.uniform(lo, hi, shape)
    return np.floor(rng.uniform(lo, hi + 1, shape))


def layouts(rng, dtype, domain=(-5, 5)):
    """Inputs of one dtype: 0-dim, empty, plain, transposed, stepped-slice, expanded."""
    v = lambda shape: values(rng, shape, dtype, domain)  # noqa: E731
    out = [("scalar0d", make(v(()), dtype)), ("empty", make(v((0, 3)), dtype)),
           ("vec", make(v((5,)), dtype)), ("mat", make(v((3, 4)), dtype))]
    p = make(v((4, 3)), dtype)
    out.append(("transposed", Pair(p.t.t(), p.s.t())))
    p = make(v((3, 8)), dtype)
    out.append(("stepped", Pair(p.t[:, ::2], p.s[:, ::2])))
    p = make(v((1, 4)), dtype)
    out.append(("expanded", Pair(p.t.expand(3, 4), p.s.expand(3, 4))))
    return out


def to_numpy_t(x):
    if x.dtype == torch.bfloat16:
        x = x.float()
    return x.detach().numpy()


def to_numpy_s(x):
    if x.dtype == torsh.bfloat16:
        x = x.float()
    return x.numpy()


def assert_same(t_out, s_out, where):
    if isinstance(t_out, (tuple, list)):
        assert isinstance(s_out, (tuple, list)) and len(t_out) == len(s_out), where
        for a, b in zip(t_out, s_out):
            assert_same(a, b, where)
        return
    if isinstance(t_out, torch.dtype):
        assert repr(t_out) == repr(s_out), f"{where}: {s_out!r} vs torch {t_out!r}"
        return
    if not isinstance(t_out, torch.Tensor):
        assert not isinstance(s_out, torsh.Tensor), where
        if isinstance(t_out, float) and math.isnan(t_out):
            assert math.isnan(s_out), where
        else:
            assert t_out == s_out, where
        return
    assert isinstance(s_out, torsh.Tensor), f"{where}: expected a Tensor, got {type(s_out)}"
    assert tuple(t_out.shape) == tuple(s_out.shape), f"{where}: shape {tuple(s_out.shape)} vs {tuple(t_out.shape)}"
    td, sd = str(t_out.dtype)[6:], repr(s_out.dtype)[6:]
    assert td == sd, f"{where}: dtype {sd} vs torch {td}"
    a, b = to_numpy_t(t_out), to_numpy_s(s_out)
    rtol, atol = tol(td)
    if td in ("float16", "bfloat16") and a.size:
        # 16-bit results of reductions lose absolute, not relative, precision on cancellation.
        finite = np.abs(a.astype(np.float64))[np.isfinite(a.astype(np.float64))]
        atol = max(atol, rtol * (finite.max() if finite.size else 0))
    if rtol == 0:
        np.testing.assert_array_equal(b, a, err_msg=where)
    else:
        np.testing.assert_allclose(b.astype(np.float64), a.astype(np.float64), rtol=rtol,
                                   atol=atol, equal_nan=True, err_msg=where)


def unwrap(x, side):
    if isinstance(x, Pair):
        return getattr(x, side)
    if isinstance(x, (list, tuple)):
        return type(x)(unwrap(i, side) for i in x)
    if isinstance(x, dict):
        return {k: unwrap(v, side) for k, v in x.items()}
    if x in DTYPES:
        return getattr(torch if side == "t" else torsh, x)
    return x


def check(op, fn_t, fn_s, args, kwargs=None, where=""):
    """Calls fn in both libraries; same result or the same exception type."""
    kwargs = kwargs or {}
    record(op)
    where = f"{op}{where} args={args} kwargs={kwargs}"
    try:
        t_out = fn_t(*unwrap(args, "t"), **unwrap(kwargs, "t"))
    except Exception as e:  # noqa: BLE001 - any torch error is the expectation
        try:
            s_out = fn_s(*unwrap(args, "s"), **unwrap(kwargs, "s"))
        except Exception as e2:  # noqa: BLE001
            assert type(e2) is type(e) or isinstance(e2, type(e)), \
                f"{where}: torsh raised {type(e2).__name__} ({e2}), torch {type(e).__name__} ({e})"
            return
        if "not implemented for 'Half'" in str(e) or "not implemented for 'BFloat16'" in str(e):
            # torch 1.13 lacks some 16-bit CPU kernels; torsh has them: compare with torch in
            # float32, rounded to the 16-bit type once, as torsh computes.
            low = torch.float16 if "'Half'" in str(e) else torch.bfloat16
            up = lambda x: x.float() if isinstance(x, torch.Tensor) and x.dtype == low else x  # noqa: E731
            ref = fn_t(*[up(a) for a in unwrap(args, "t")], **unwrap(kwargs, "t"))
            down = lambda x: x.to(low) if isinstance(x, torch.Tensor) and x.is_floating_point() else x  # noqa: E731
            ref = type(ref)([down(r) for r in ref]) if isinstance(ref, tuple) else down(ref)
            assert_same(ref, s_out, where + " (vs torch in float32)")
            return
        raise AssertionError(f"{where}: torch raised {type(e).__name__}: {e}; torsh did not")
    s_out = fn_s(*unwrap(args, "s"), **unwrap(kwargs, "s"))
    assert_same(t_out, s_out, where)


def _leafify(x, side, rng_weights):
    """Copies float tensor args into fresh leaves requiring grad (same values in both libs)."""
    if isinstance(x, Pair):
        t = getattr(x, side)
        if t.dtype in (torch.float32, torch.float64, torsh.float32, torsh.float64):
            return t.detach().clone().requires_grad_(True), True
        return t, False
    if isinstance(x, (list, tuple)):
        items = [_leafify(i, side, rng_weights) for i in x]
        return type(x)(i for i, _ in items), any(f for _, f in items)
    return unwrap(x, side), False


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for i in x for leaf in _leaves(i)]
    return [x] if hasattr(x, "requires_grad") and x.requires_grad and x.is_leaf else []


def check_grad(op, fn_t, fn_s, args, kwargs=None, where="", check_name=True):
    """Gradients of a weighted sum of the outputs, w.r.t. every float input, against
    torch.autograd.grad; and the grad_fn name of the output."""
    kwargs = kwargs or {}
    targs = [_leafify(a, "t", None)[0] for a in args]
    sargs = [_leafify(a, "s", None)[0] for a in args]
    tl, sl = _leaves(targs), _leaves(sargs)
    if not tl:
        return
    try:
        t_out = fn_t(*targs, **unwrap(kwargs, "t"))
    except Exception:  # noqa: BLE001 - invalid samples are checked by check()
        return
    s_out = fn_s(*sargs, **unwrap(kwargs, "s"))
    t_outs = t_out if isinstance(t_out, (tuple, list)) else (t_out,)
    s_outs = s_out if isinstance(s_out, (tuple, list)) else (s_out,)
    t_diff = [o for o in t_outs if isinstance(o, torch.Tensor) and o.requires_grad]
    s_diff = [o for o in s_outs if isinstance(o, torsh.Tensor) and o.requires_grad]
    where = f"grad of {op}{where} args={args} kwargs={kwargs}"
    assert len(t_diff) == len(s_diff), f"{where}: {len(s_diff)} differentiable outputs vs {len(t_diff)}"
    if not t_diff:
        return
    record(op + ".grad")
    tn = type(t_diff[0].grad_fn).__name__ if t_diff[0].grad_fn is not None else None
    sn = type(s_diff[0].grad_fn).__name__ if s_diff[0].grad_fn is not None else None
    # Composite ops record their parts; torch's decomposition (and so the name) may differ.
    assert sn == tn or not check_name, f"{where}: grad_fn {sn} vs torch {tn}"
    rng = np.random.default_rng(3)
    weights = [rng.uniform(0.5, 1.5, tuple(o.shape)) for o in t_diff]
    t_w = [torch.from_numpy(w).to(o.dtype) for w, o in zip(weights, t_diff)]
    s_w = [torsh.from_numpy(w).to(o.dtype) for w, o in zip(weights, s_diff)]
    try:
        t_grads = torch.autograd.grad(t_diff, tl, t_w, allow_unused=True)
    except RuntimeError as e:
        if "not implemented for 'Half'" in str(e) or "'BFloat16'" in str(e):
            return  # torch 1.13 lacks this 16-bit backward kernel; nothing to compare with
        # torch has no derivative here (e.g. scatter with reduce=): torsh must raise too.
        try:
            torsh.autograd.grad(s_diff, sl, s_w, allow_unused=True)
        except RuntimeError:
            return
        raise AssertionError(f"{where}: torch's backward raised ({e}); torsh's did not")
    s_grads = torsh.autograd.grad(s_diff, sl, s_w, allow_unused=True)
    for i, (a, b) in enumerate(zip(t_grads, s_grads)):
        if a is None:
            assert b is None or float(b.abs().sum()) == 0, f"{where}: input {i} grad should be None"
            continue
        assert b is not None, f"{where}: input {i} got no gradient"
        assert_same(a, b, f"{where} input {i}")


def inplace(name):
    """x.name_(...) on a clone of x, checking that it returns self (for check())."""
    def f(a, *rest, **kw):
        a = a.clone()
        op = getattr(a, name + "_", None)
        if op is None and isinstance(a, torch.Tensor) and hasattr(torch._C._nn, name + "_"):
            # torch keeps nn ops' in-place forms (silu_, elu_) in torch._C._nn, not on Tensor
            r = getattr(torch._C._nn, name + "_")(a, *rest, **kw)
        else:
            r = getattr(a, name + "_")(*rest, **kw)
        assert r is a, "in-place op must return self"
        return a
    return f
