"""Sorting and selection beyond the table-driven samples (tests/python/samples_sort.py): named
tuple results, out= of msort/quantile/nanquantile, and long random lines (ties, NaN, every
layout) compared index for index with torch."""
import numpy as np
import pytest
import torch

import torsh
from oracle import Pair, check, make

OPS = ["sort", "topk", "kthvalue", "median", "nanmedian", "mode"]


@pytest.mark.parametrize("name", OPS)
def test_named_tuple(name):
    args = {"sort": (), "topk": (2,), "kthvalue": (2,), "median": (0,), "nanmedian": (0,),
            "mode": ()}[name]
    x = np.random.default_rng(0).uniform(-1, 1, (3, 4))
    rt = getattr(torch, name)(torch.from_numpy(x), *args)
    rs = getattr(torsh, name)(torsh.from_numpy(x), *args)
    assert type(rs).__name__ == type(rt).__name__ == name
    assert rs.n_fields == rt.n_fields == 2
    np.testing.assert_array_equal(rs.indices.numpy(), rt.indices.numpy())
    v, i = rs
    assert v is rs.values and i is rs.indices


def _with_out(lib, name, dtype, out_shape=None):
    def f(*a, **kw):
        o = lib.empty(0, dtype=getattr(lib, dtype))
        if out_shape is not None:
            o = lib.zeros(*out_shape[0], dtype=getattr(lib, dtype)).expand(*out_shape[1])
        r = getattr(lib, name)(*a, out=o, **kw)
        assert r is o, "out= must return the object passed"
        return o
    return f


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_out_variants(dtype):
    rng = np.random.default_rng(1)
    x = make(rng.uniform(-3, 3, (3, 5)), dtype)
    q = make(np.array([0.25, 0.5]), dtype if dtype != "int64" else "float32")
    cases = [("msort", (x,), {}), ("quantile", (x, q), {"dim": 1}),
             ("quantile", (x, 0.3), {}), ("nanquantile", (x, q, 0, True), {}),
             ("nanquantile", (x, 0.7), {"dim": -1, "interpolation": "midpoint"})]
    for name, args, kw in cases:
        for out_dtype in [dtype, "float64" if dtype != "float64" else "float32"]:
            check(name + "(out=)", _with_out(torch, name, out_dtype),
                  _with_out(torsh, name, out_dtype), args, kw, f"[{dtype} out {out_dtype}]")
    # An out= whose elements share memory (expanded) is refused, as in torch.
    check("msort(out=)", _with_out(torch, "msort", dtype, ((1, 5), (3, 5))),
          _with_out(torsh, "msort", dtype, ((1, 5), (3, 5))), (x,), {}, "[expanded out]")


@pytest.mark.parametrize("seed", range(4))
def test_long_lines_against_torch(seed):
    """Random line lengths (past every small-size cutoff), ties, NaN and transposed layouts:
    sort (stable or not), topk (both of torch's paths), kthvalue, median, mode, index for
    index."""
    rng = np.random.default_rng(100 + seed)
    for trial in range(25):
        n, r = int(rng.integers(1, 2500)), int(rng.integers(1, 4))
        kind = trial % 3
        a = rng.uniform(-1, 1, (n, r)) if kind == 0 else np.floor(rng.uniform(0, 40, (n, r)))
        if kind == 2:
            a[rng.random((n, r)) < 0.05] = np.nan
        dt = ["float32", "float64", "int32"][trial % 3] if kind == 1 else \
            ["float32", "float64"][trial % 2]
        p = make(a, dt)
        x = Pair(p.t.t(), p.s.t())  # lines of stride r
        for desc in [False, True]:
            for st in [False, True]:
                check("sort", torch.sort, torsh.sort, (x,),
                      {"dim": 1, "descending": desc, "stable": st}, f"[n={n}]")
        k = int(rng.integers(0, min(n, 60) + 1))
        for largest in [True, False]:
            for srt in [True, False]:
                check("topk", torch.topk, torsh.topk, (x, k, 1, largest, srt), {}, f"[n={n}]")
        check("kthvalue", torch.kthvalue, torsh.kthvalue, (x, int(rng.integers(1, n + 1)), 1),
              {}, f"[n={n}]")
        check("median", torch.median, torsh.median, (x, 1), {}, f"[n={n}]")
        check("nanmedian", torch.nanmedian, torsh.nanmedian, (x, 1), {}, f"[n={n}]")
        check("mode", torch.mode, torsh.mode, (x, 1), {}, f"[n={n}]")
