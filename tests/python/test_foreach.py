"""torch._foreach_* against torch 1.13: every unary op (out of place and in place), the binary
ops with a number, a list of numbers and a list of tensors (alpha), maximum/minimum,
addcmul/addcdiv, norm, zero_, and the errors for empty and mismatched lists."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

UNARY = ["abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1",
         "floor", "frac", "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal",
         "round", "sigmoid", "sin", "sinh", "sqrt", "tan", "tanh", "trunc"]


def _lists(L, positive=False):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(0.1 if positive else -0.9, 0.9, size=s) for s in ((3,), (2, 4), ())]
    return [L.tensor(a, dtype=L.float32) for a in arrays]


def _values(ts):
    return None if ts is None else [np.asarray(t.tolist(), dtype=np.float64) for t in ts]


def _close(a, b):
    assert (a is None) == (b is None)
    if a is not None:
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    record("_foreach")
    positive = name in ("log", "log10", "log2", "sqrt", "reciprocal", "lgamma")
    for inplace in (False, True):
        out = []
        for L in (torch, torsh):
            ts = _lists(L, positive)
            r = getattr(L, f"_foreach_{name}{'_' if inplace else ''}")(ts)
            out.append((_values(r), _values(ts)))
        _close(out[0][0], out[1][0])
        _close(out[0][1], out[1][1])


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "maximum", "minimum"])
@pytest.mark.parametrize("kind", ["scalar", "scalars", "tensors", "tensors_alpha"])
def test_binary(name, kind):
    record("_foreach")
    if name in ("maximum", "minimum") and kind != "tensors":
        pytest.skip("torch 1.13 has only the list form of _foreach_maximum/minimum")
    if kind == "tensors_alpha" and name not in ("add", "sub"):
        pytest.skip("alpha belongs to add and sub")
    for inplace in (False, True):
        out = []
        for L in (torch, torsh):
            ts = _lists(L)
            other = {"scalar": 0.5, "scalars": [2.0, -1.0, 3.0]}.get(kind) or _lists(L, True)
            kw = {"alpha": 2.5} if kind == "tensors_alpha" else {}
            r = getattr(L, f"_foreach_{name}{'_' if inplace else ''}")(ts, other, **kw)
            out.append((_values(r), _values(ts)))
        _close(out[0][0], out[1][0])
        _close(out[0][1], out[1][1])


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("value", [1, 0.5, [2.0, -1.0, 0.25]])
def test_addc_norm_zero(name, value):
    record("_foreach")
    out = []
    for L in (torch, torsh):
        ts, a, b = _lists(L), _lists(L), _lists(L, True)
        r = getattr(L, f"_foreach_{name}")(ts, a, b, value)
        getattr(L, f"_foreach_{name}_")(ts, a, b, value)
        n = L._foreach_norm(ts)
        n1 = L._foreach_norm(ts, 1)
        L._foreach_zero_(a)
        out.append([_values(r), _values(ts), _values(n), _values(n1), _values(a)])
    for x, y in zip(*out):
        _close(x, y)


def test_errors_match():
    for L in (torch, torsh):
        ts = _lists(L)
        with pytest.raises(RuntimeError, match="same number of elements as scalar list"):
            L._foreach_add(ts, [1.0])
        with pytest.raises(NotImplementedError, match="no tensor arguments"):
            L._foreach_add([], 1.0)
        with pytest.raises(RuntimeError):
            L._foreach_mul(ts, ts[:2])
