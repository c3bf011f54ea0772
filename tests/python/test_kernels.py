"""Functor kernels: the same values give the same bits whatever the layout, for every pointwise
op of the table (gradcheck of every differentiable op of the table: test_gradcheck.py)."""
import os

import numpy as np
import pytest
import yaml

import torsh
from conftest import ROOT, record
from schema import parse_schema

with open(os.path.join(ROOT, "ops", "ops.yaml")) as f:
    TABLE = yaml.safe_load(f)

POINTWISE = [e for e in TABLE if e.get("test", {}).get("kind") in ("unary", "binary")]


def name_of(e):
    return parse_schema(e["func"]).name


def domain_of(e):
    meta = e["test"]
    if meta.get("kind") == "binary":
        return (0.5, 3) if meta.get("pow") else (-5, 5)
    return tuple(meta.get("domain", (-5, 5)))


def layouts(base):
    """The same 2-d values as contiguous, transposed and stepped tensors."""
    rows, cols = base.shape
    yield "contiguous", base.contiguous()
    yield "transposed", base.t().contiguous().t()
    wide = torsh.zeros(rows, 2 * cols, dtype=base.dtype)
    wide[:, ::2] = base
    yield "stepped", wide[:, ::2]


def bits(t):
    return t.contiguous().view(-1).numpy().tobytes() if t.dtype not in (
        torsh.float16, torsh.bfloat16) else t.float().contiguous().view(-1).numpy().tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("entry", POINTWISE, ids=name_of)
def test_same_bits_on_every_layout(entry, dtype):
    name = name_of(entry)
    lo, hi = domain_of(entry)
    rng = np.random.default_rng(7)
    vals = rng.uniform(lo, hi, (37, 19))
    vals[0, :4] = [np.nan, np.inf, -np.inf, 0.0]
    if entry["test"].get("nonzero_rhs"):
        vals[vals == 0] = 1
    yv = rng.uniform(max(lo, 0.5) if entry["test"].get("nonzero_rhs") else lo, hi, (37, 19))
    if entry["test"].get("int_only"):
        # integer-only ops (bitwise, gcd): each float dtype stands for an integer one
        dtype = {"float32": "int64", "float64": "int32", "float16": "int16",
                 "bfloat16": "uint8"}[dtype]
        vals, yv = np.nan_to_num(vals * 7).round() % 100, (yv * 7).round() % 8
    dt = getattr(torsh, dtype)
    x = torsh.from_numpy(vals).to(dt)
    y = torsh.from_numpy(yv).to(dt)
    f = getattr(torsh, name)
    args = (lambda a, b: f(a)) if entry["test"]["kind"] == "unary" else f
    ref = bits(args(x, y))
    for label, xl in layouts(x):
        for label2, yl in layouts(y):
            got = args(xl, yl)
            record(name + " layouts")
            assert bits(got) == ref, f"{name}({label}, {label2}) differs from contiguous"
    # a broadcast row and a stride-0 expanded input give the bits of the materialised row
    row = x[3:4]
    exp = row.expand(37, 19)
    assert bits(args(exp, y)) == bits(args(exp.contiguous(), y)), f"{name}(expanded)"


def test_erf_float32_within_1_5_ulp():
    """The float32 erf kernel (tools/approx/fit_erf.py) against torch's float64 erf: at most 1.5
    ulp over [-5, 5] and tiny values, around the pieces' split at 1 and the clamp at 4; exact
    at 0, -0, +-inf and NaN."""
    import torch
    rng = np.random.default_rng(3)
    x = np.concatenate([np.linspace(-5, 5, 400001), np.linspace(0.999, 1.001, 20001),
                        np.linspace(3.9, 4.1, 20001), 10 ** rng.uniform(-40, 0, 100000),
                        -(10 ** rng.uniform(-40, 0, 1000))]).astype(np.float32)
    got = torsh.erf(torsh.from_numpy(x)).numpy().astype(np.float64)
    ref = torch.erf(torch.from_numpy(x).double()).numpy()
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    assert (np.abs(got - ref) / ulp).max() <= 1.5
    special = torsh.tensor([0.0, -0.0, float("inf"), -float("inf"), float("nan")])
    out = torsh.erf(special).tolist()
    assert out[:4] == [0.0, 0.0, 1.0, -1.0] and np.isnan(out[4])
    assert np.signbit(torsh.erf(special)[1].item())
