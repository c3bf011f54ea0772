"""unique and the histograms beyond the table-driven samples (tests/python/samples_unique.py):
the torch.unique / unique_consecutive front ends and their methods (result structure for every
flag combination, dim=), sorted=False and NaN inputs (torch 1.13's hash-set order and NaN
bookkeeping), histogram's named tuple and out=, histc's out=, and no-grad behaviour."""
import numpy as np
import pytest
import torch

import torsh
from oracle import DTYPES, Pair, check, layouts, make

FLAGS = [(False, False), (True, False), (False, True), (True, True)]


def _ties(rng, shape, lo=0, hi=4):
    return np.floor(rng.uniform(lo, hi, shape))


def _call(name, method):
    def f(lib):
        return (lambda x, *a, **k: getattr(x, name)(*a, **k)) if method else getattr(lib, name)
    return f


@pytest.mark.parametrize("method", [False, True])
@pytest.mark.parametrize("dt", DTYPES)
def test_unique_front_end(dt, method):
    """torch.unique / Tensor.unique: a tensor alone or the tuple the flags ask for; flattened
    and along every dim, on every layout."""
    rng = np.random.default_rng(1)
    f = _call("unique", method)
    inputs = [("ties", make(_ties(rng, (4, 3, 2)), dt))] + layouts(rng, dt)
    rows = np.repeat(_ties(rng, (3, 4), 0, 2), 2, axis=0)[[0, 3, 1, 5, 2, 4]]
    inputs.append(("repeated rows", make(rows, dt)))
    for label, x in inputs:
        nd = x.t.dim()
        for dim in [None] + list(range(-nd, nd)):
            for inv, cnt in FLAGS:
                kw = {"return_inverse": inv, "return_counts": cnt}
                if dim is not None:
                    kw["dim"] = dim
                check("unique", f(torch), f(torsh), (x,), kw, f"[{label}]")
        check("unique", f(torch), f(torsh), (x,), {"dim": nd}, f"[{label} dim out of range]")
    x = make(_ties(rng, (5,)), dt)
    if not method:
        check("unique", torch.unique, torsh.unique, (x, True, True, True, 0), {}, "[positional]")
        check("unique", torch.unique, torsh.unique, (x, True, True), {}, "[positional inverse]")
        check("unique", torch.unique, torsh.unique, (x, True, False, True), {}, "[positional]")
    else:
        check("unique", f(torch), f(torsh), (x, True, True, True, 0), {}, "[positional]")


@pytest.mark.parametrize("method", [False, True])
def test_unique_consecutive_front_end(method):
    rng = np.random.default_rng(2)
    f = _call("unique_consecutive", method)
    for dt in ["float32", "int64", "bool", "bfloat16", "float16"]:
        x = make(_ties(rng, (6, 3), 0, 2), dt)
        for dim in [None, 0, 1, -1]:
            for inv, cnt in FLAGS:
                kw = {"return_inverse": inv, "return_counts": cnt, "dim": dim}
                check("unique_consecutive", f(torch), f(torsh), (x,), kw, f"[{dt}]")
        check("unique_consecutive", f(torch), f(torsh), (x, True, True, 0), {}, "[positional]")


@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int32", "int16", "int8", "uint8",
                                "bool", "bfloat16"])
def test_unique_unsorted(dt):
    """sorted=False: torch 1.13's hash-set order, reproduced (libstdc++'s unordered_set)."""
    rng = np.random.default_rng(3)
    for n in [1, 7, 50, 3000]:
        x = make(_ties(rng, (n,), -40, 40), dt)
        check("unique", torch.unique, torsh.unique, (x,),
              {"sorted": False, "return_inverse": True, "return_counts": True}, f"[{dt} n={n}]")


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_unique_nan(dt):
    """torch 1.13's NaN results (each NaN a value, placed where std::sort leaves it, with count 0
    and inverse 0), reproduced; along a dim NaN rows are each unique."""
    rng = np.random.default_rng(9)
    a = _ties(rng, (400,), -5, 5)
    a[rng.random(400) < 0.1] = np.nan
    for srt in [True, False]:
        check("unique", torch.unique, torsh.unique, (make(a, dt),),
              {"sorted": srt, "return_inverse": True, "return_counts": True}, f"[{dt} {srt}]")
    rows = make(np.array([[np.nan, 1.0], [np.nan, 1.0], [0.0, 1.0], [0.0, 1.0]]), dt)
    check("unique", torch.unique, torsh.unique, (rows,),
          {"dim": 0, "return_inverse": True, "return_counts": True}, f"[{dt} nan rows]")


def test_unique_long_rows():
    """Along a dim with torch's comparator over many rows (its std::sort, so equal rows keep
    torch's representative and order)."""
    rng = np.random.default_rng(4)
    for dt in ["float32", "int64", "bfloat16"]:
        a = _ties(rng, (400, 3), 0, 3)
        a[rng.random((400, 3)) < 0.02] = -0.0 if dt != "int64" else 0.0
        x = make(a, dt)
        for dim in [0, 1]:
            check("unique", torch.unique, torsh.unique, (x,),
                  {"dim": dim, "return_inverse": True, "return_counts": True}, f"[{dt}]")
        tr = Pair(x.t.t(), x.s.t())
        check("unique", torch.unique, torsh.unique, (tr,),
              {"dim": 1, "return_inverse": True, "return_counts": True}, f"[{dt} transposed]")


def test_no_grad_paths():
    """Outputs require grad as in torch; backward raises torch's exception type."""
    def run(lib, op):
        x = lib.tensor([3.0, 1.0, 3.0, 2.0], requires_grad=True)
        out = {
            "unique": lambda: lib.unique(x, return_inverse=True, return_counts=True),
            "unique_dim": lambda: lib.unique(x, dim=0, return_inverse=True),
            "unique_consecutive": lambda: lib.unique_consecutive(x, return_counts=True),
            "histc": lambda: (lib.histc(x, bins=3),),
            "histogram": lambda: tuple(lib.histogram(x, 3)),
            "bincount": lambda: (lib.bincount(lib.tensor([0, 2, 2, 1]), x),),
        }[op]()
        out = out if isinstance(out, tuple) else (out,)
        flags = [t.requires_grad for t in out]
        names = [type(t.grad_fn).__name__ if t.grad_fn is not None else None for t in out]
        try:
            out[0].sum().backward()
            err = None
        except Exception as e:  # noqa: BLE001 - the type is compared
            err = type(e).__name__
        return flags, names, err
    for op in ["unique", "unique_dim", "unique_consecutive", "histc", "histogram", "bincount"]:
        assert run(torsh, op) == run(torch, op), op


def test_histogram_named_tuple():
    x = np.random.default_rng(5).uniform(-1, 1, (3, 4))
    rt = torch.histogram(torch.from_numpy(x), 4)
    rs = torsh.histogram(torsh.from_numpy(x), 4)
    assert type(rs).__name__ == type(rt).__name__ == "histogram"
    assert rs.n_fields == rt.n_fields == 2
    np.testing.assert_array_equal(rs.hist.numpy(), rt.hist.numpy())
    np.testing.assert_array_equal(rs.bin_edges.numpy(), rt.bin_edges.numpy())
    h, e = rs
    assert h is rs.hist and e is rs.bin_edges
    rs2 = torsh.from_numpy(x).histogram(torsh.from_numpy(np.array([-1.0, 0.0, 1.0])))
    rt2 = torch.from_numpy(x).histogram(torch.from_numpy(np.array([-1.0, 0.0, 1.0])))
    np.testing.assert_array_equal(rs2.hist.numpy(), rt2.hist.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
def test_histc_out(dtype):
    rng = np.random.default_rng(6)
    x = make(rng.uniform(-3, 3, (3, 5)), dtype)

    def with_out(lib, out_dtype):
        def f(*a, **kw):
            o = lib.empty(0, dtype=getattr(lib, out_dtype))
            r = lib.histc(*a, out=o, **kw)
            assert r is o, "out= must return the object passed"
            return o
        return f
    for out_dtype in [dtype, "float64" if dtype != "float64" else "float32"]:
        check("histc(out=)", with_out(torch, out_dtype), with_out(torsh, out_dtype), (x,),
              {"bins": 6}, f"[{dtype} out {out_dtype}]")


def test_large_inputs():
    """Past the kernels' single-thread sizes: histogram counts (exact in float) and bincount."""
    rng = np.random.default_rng(7)
    a = rng.normal(0, 2, (200_000,))
    for dt in ["float32", "float64"]:
        x = make(a, dt)
        check("histc", torch.histc, torsh.histc, (x,), {"bins": 37}, f"[{dt}]")
        check("histogram", torch.histogram, torsh.histogram, (x, 50), {}, f"[{dt}]")
        check("histogram", torch.histogram, torsh.histogram, (x, 50), {"range": (-1.0, 1.0)},
              f"[{dt} range]")
    i = make(np.floor(rng.uniform(0, 1000, (100_000,))), "int64")
    check("bincount", torch.bincount, torsh.bincount, (i,), {}, "[large]")
    check("unique", torch.unique, torsh.unique, (i,),
          {"return_inverse": True, "return_counts": True}, "[large]")
    check("unique", torch.unique, torsh.unique, (make(a, "float64"),),
          {"return_inverse": True, "return_counts": True}, "[large float]")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histogram_out(dtype):
    rng = np.random.default_rng(8)
    x = make(rng.uniform(-3, 3, (3, 5)), dtype)
    edges = make(np.array([-2.0, 0.0, 1.0, 3.0]), dtype)

    def with_out(lib, hist_dtype, edges_dtype):
        def f(*a, **kw):
            o = (lib.empty(0, dtype=getattr(lib, hist_dtype)),
                 lib.empty(2, dtype=getattr(lib, edges_dtype)))
            r = lib.histogram(*a, out=o, **kw)
            assert r[0] is o[0] and r[1] is o[1], "out= must return the objects passed"
            return tuple(r)
        return f
    other = "float64" if dtype != "float64" else "float32"
    for hd, ed in [(dtype, dtype), (other, dtype), (dtype, other)]:
        for args, kw in [((x, 4), {}), ((x, edges), {"density": True}),
                         ((x, 3), {"range": (0, 1), "weight": x})]:
            check("histogram(out=)", with_out(torch, hd, ed), with_out(torsh, hd, ed), args, kw,
                  f"[{dtype} out {hd} {ed}]")


def test_histogram_out_of_input_requiring_grad():
    """torch allows out= here (histogram has no derivative to refuse): same values."""
    def f(lib):
        x = lib.tensor([1.0, 2.0, 3.0, 2.5], requires_grad=True)
        o = (lib.empty(0), lib.empty(0))
        r = lib.histogram(x, 3, out=o)
        return r[0].detach(), r[1].detach()
    check("histogram(out=)", lambda: f(torch), lambda: f(torsh), [], {}, "[requires grad]")


def test_unnamed_results_are_plain_tuples():
    """Ops whose schema leaves its returns unnamed return a tuple, as torch (_unique2,
    unique_consecutive, var_mean); named ones a torch.return_types named tuple."""
    for name, args in [("_unique2", ()), ("unique_consecutive", ()), ("var_mean", ()),
                       ("histogram", (2,))]:
        rt = getattr(torch, name)(torch.ones(3), *args)
        rs = getattr(torsh, name)(torsh.ones(3), *args) if name != "unique_consecutive" else \
            torsh._C.unique_consecutive(torsh.ones(3))
        if name == "unique_consecutive":
            rt = torch._VF.unique_consecutive(torch.ones(3))
        assert (type(rt) is tuple) == (type(rs) is tuple), name
        assert type(rs).__name__ == type(rt).__name__, name
