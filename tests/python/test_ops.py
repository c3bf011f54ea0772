"""The differential suite: every op in ops/ops.yaml with a `test` entry, on every sample its
kind yields, compared with torch (values, shape, dtype, and the exception type on bad input)."""
import os
import zlib

import numpy as np
import pytest
import torch
import yaml

import torsh
from conftest import ROOT
import samples_index
import samples_math
import samples_shape
import samples_reduce2
import samples_masked
import samples_sort
import samples_linalg
import samples_unique
import samples_creation
import samples_nn
from oracle import DTYPES, FLOATS, Pair, check, check_grad, inplace, layouts, make, values
from samples_index import INDEX_FAMILY, index_family_operands
from samples_masked import MASKED_FAMILY, masked_operands
from schema import parse_schema

with open(os.path.join(ROOT, "ops", "ops.yaml")) as f:
    ENTRIES = [e for e in yaml.safe_load(f) if "test" in e]


def entry_id(e):
    return parse_schema(e["func"]).name + "." + (parse_schema(e["func"]).overload or "default")


def fn(lib, name):
    # torch keeps some table ops only in torch._C._nn (avg_pool2d, adaptive_max_pool2d: the aten
    # op the table mirrors, where torch.nn.functional's wrapper takes other arguments) or only in
    # torch.nn.functional: the reference is there
    if lib is torch and not hasattr(torch, name):
        return getattr(torch._C._nn, name, None) or getattr(torch.nn.functional, name)
    return getattr(lib, name)


def method(name):
    return lambda self, *a, **k: getattr(self, name)(*a, **k)


def dtypes_for(meta):
    ds = list(DTYPES)
    if meta.get("no_bool"):
        ds.remove("bool")
    if meta.get("floating_only"):
        ds = [d for d in ds if d in FLOATS]
    return ds


# ---- sample generators: each yields (args, kwargs, label) --------------------------------------
def samples_unary(meta, rng):
    domain = tuple(meta.get("domain", (-5, 5)))
    for dt in DTYPES:  # unsupported dtypes are samples too: the error type must match
        for label, x in layouts(rng, dt, domain):
            yield (x,), {}, f"[{dt},{label}]"
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 100.0, -100.0, 1e4,
                        -1e4, 0.5, -0.5, 89.0, -104.0, 710.0, -746.0, 3.0])
    for dt in FLOATS:
        yield (make(special, dt),), {}, f"[{dt},special values]"
        big = rng.uniform(domain[0], domain[1], (1000,))
        yield (make(big, dt),), {}, f"[{dt},1000 values]"


def samples_binary(meta, rng):
    dom = (0.5, 3) if meta.get("pow") else (-5, 5)
    nonzero = meta.get("nonzero_rhs")

    def rhs(shape, dt):
        v = values(rng, shape, dt, dom)
        if nonzero and dt not in FLOATS:
            v = np.where(v == 0, 1, v)
        return make(v, dt)

    shapes = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((), (3, 4)), ((3, 4), ()),
              ((0, 3), (1, 3)), ((2, 3, 4), (3, 1))]
    for dt in DTYPES:
        for sa, sb in shapes:
            yield (make(values(rng, sa, dt, dom), dt), rhs(sb, dt)), {}, f"[{dt},{sa},{sb}]"
        for label, x in layouts(rng, dt, dom):
            yield (x, rhs(tuple(x.t.shape), dt)), {}, f"[{dt},{label}]"
    mixed = [("int32", "float32"), ("uint8", "int8"), ("bool", "int64"), ("float16", "float32"),
             ("bfloat16", "float16"), ("int64", "float64"), ("int16", "uint8"), ("bool", "float16")]
    for da, db in mixed:
        yield (make(values(rng, (3, 4), da, dom), da), rhs((3, 4), db)), {}, f"[{da}+{db}]"
        yield (make(values(rng, (3, 4), da, dom), da), rhs((), db)), {}, f"[{da}+0d {db}]"
    for dt in ["float32", "int64", "int32", "uint8", "bool", "float16"]:
        for sc in [2, 2.5, True]:
            if nonzero and sc is True:
                continue
            yield (make(values(rng, (3, 4), dt, dom), dt), sc), {}, f"[{dt} with {sc!r}]"
    yield (make(values(rng, (3,), "float32"), "float32"),
           rhs((4,), "float32")), {}, "[bad broadcast]"
    if meta.get("alpha"):
        for dt in ["float32", "int64", "bool", "float64"]:
            for alpha in [2, 0.5, True]:
                a = make(values(rng, (3, 4), dt), dt)
                yield (a, rhs((3, 4), dt)), {"alpha": alpha}, f"[{dt} alpha={alpha}]"
    if meta.get("rounding_mode"):
        for dt in ["float32", "float64", "int64", "int32", "int8"]:
            for mode in ["trunc", "floor", None, "bogus"]:
                yield (make(values(rng, (3, 4), dt), dt), rhs((3, 4), dt)), \
                    {"rounding_mode": mode}, f"[{dt} {mode}]"


def samples_where(meta, rng):
    for dt in ["float32", "int64", "bool", "float16"]:
        cond = make(rng.random((3, 4)) > 0.5, "bool")
        yield (cond, make(values(rng, (3, 4), dt), dt), make(values(rng, (1, 4), dt), dt)), {}, dt
    cond = make(rng.random((3, 1)) > 0.5, "bool")
    yield (cond, make(values(rng, (3, 4), "int32"), "int32"),
           make(values(rng, (4,), "float32"), "float32")), {}, "mixed"
    yield (make(values(rng, (3,), "float32"), "float32"), make(values(rng, (3,), "float32"),
                                                               "float32"),
           make(values(rng, (3,), "float32"), "float32")), {}, "float cond"


def samples_clamp(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            yield (x,), {"min": -1, "max": 2}, f"[{dt},{label}]"
        x = make(values(rng, (3, 4), dt), dt)
        yield (x,), {"min": 0.5}, f"[{dt} min float]"
        yield (x,), {"max": 1}, f"[{dt} max int]"
        yield (x,), {"min": 3, "max": 1}, f"[{dt} min>max]"
    yield (make(values(rng, (3,), "float32"), "float32"),), {}, "[none]"


def view_pair(p, f):
    return Pair(f(p.t), f(p.s))


def reduce_layouts(rng, dt, meta):
    """Reduction inputs beyond layouts(): 3-D permuted and stepped, expanded, and sizes large
    enough for the vectorised, blocked and threaded paths. Long float sums get positive values
    (no cancellation; below 16-bit overflow); long products (moderate) get +-1 and rare 2, 1/2,
    whose products are exact in any order. Yields (label, input, dims to reduce)."""
    v = lambda shape, dom=(-5, 5): values(rng, shape, dt, dom)  # noqa: E731

    def big(shape):
        if meta.get("moderate"):
            pick = [1, -1, 2, 0.5] if dt in FLOATS else [1, -1, 2, 1]
            return make(rng.choice(pick, shape, p=[0.499, 0.499, 0.001, 0.001]), dt)
        if dt in FLOATS:
            return make(v(shape, (0.5, 1.5) if dt in ("float32", "float64") else (0.1, 0.5)), dt)
        return make(v(shape), dt)

    yield "3d permuted", view_pair(make(v((4, 3, 5)), dt), lambda t: t.permute(2, 0, 1)), \
        [0, 1, -1, (0, 2)]
    yield "3d stepped", view_pair(make(v((4, 6, 5)), dt), lambda t: t[:, ::2, 1:]), \
        [0, 1, 2, (1, 2)]
    yield "3d expanded", view_pair(make(v((4, 1, 5)), dt), lambda t: t.expand(4, 3, 5)), \
        [0, 1, (0, 1)]
    # Above the threading grain, below 65504 elements (torch's 16-bit mean divides in 16 bits).
    yield "big", big((240, 257)), [0, 1, -1]
    yield "big transposed", view_pair(big((257, 240)), lambda t: t.t()), [0, 1]
    yield "big stepped", view_pair(big((240, 771)), lambda t: t[:, ::3]), [0, 1]
    yield "wide", big((3, 20000)), [0, 1]
    yield "tall", big((20000, 3)), [0, 1]
    yield "long", big((60001,)), [0]
    yield "3d big permuted", view_pair(big((30, 40, 50)), lambda t: t.permute(1, 0, 2)), \
        [(0, 2), 1, 2, 0]


def special_inputs(rng, dt, meta):
    """NaNs (first NaN must win in max/argmax), ties (first index wins), zeros (prod, any).
    Positive values: long float sums without cancellation compare within float rounding."""
    if dt in FLOATS:
        x = rng.uniform(0.5, 1.5, (240, 257))
        x[5, 100] = x[200, 3] = x[200, 250] = x[7, 100] = np.nan
        yield "nan", make(x, dt)
        yield "nan transposed", view_pair(make(x.T.copy(), dt), lambda t: t.t())
        y = rng.uniform(0.5, 1.5, (5000,))
        y[4000] = y[4500] = np.nan
        yield "nan long", make(y, dt)
        ties = np.round(rng.uniform(0.5, 3.5, (257, 240))) / 4  # sums below 16-bit overflow
        yield "ties transposed", view_pair(make(ties, dt), lambda t: t.t())
        yield "ties long", make(np.round(rng.uniform(0.5, 3.5, (5000,))) / 4, dt)
        if dt in ("float32", "float64") and not meta.get("moderate"):
            # beyond the caches: the multi-stream sum kernel
            yield "very long", make(rng.uniform(0.5, 1.5, (300001,)), dt)
    if meta.get("zeros"):
        z = values(rng, (4, 5), dt)
        z[1, 2] = 0
        z[3, 0] = z[3, 4] = 0
        z[:, 3] = np.where(z[:, 3] == 0, 1, z[:, 3])
        yield "zeros", make(z, dt)
        yield "zeros transposed", view_pair(make(z.T.copy(), dt), lambda t: t.t())
        yield "all zero", make(np.zeros((3, 4)), dt)


def samples_reduce_all(meta, rng):
    for dt in dtypes_for(meta):
        for label, x in layouts(rng, dt):
            if meta.get("nonempty") and x.t.numel() == 0:
                continue
            yield (x,), {}, f"[{dt},{label}]"
        for label, x, _ in reduce_layouts(rng, dt, meta):
            yield (x,), {}, f"[{dt},{label}]"
        for label, x in special_inputs(rng, dt, meta):
            yield (x,), {}, f"[{dt},{label}]"
    if meta.get("nonempty"):
        yield (make(values(rng, (0, 3), "float32"), "float32"),), {}, "[empty]"
    else:
        yield (make(values(rng, (3, 4), "int32"), "int32"),), {"dtype": "float64"}, "[dtype=]"


def samples_reduce_dims(meta, rng):
    for dt in dtypes_for(meta):
        x = make(values(rng, (2, 3, 4), dt), dt)
        for dims in [0, 1, -1, (0, 2), (2, 0, 1), ()]:
            for keepdim in [False, True]:
                yield (x, dims, keepdim), {}, f"[{dt} dim={dims} keepdim={keepdim}]"
        for label, y in layouts(rng, dt):
            if y.t.dim() >= 1:
                yield (y, 0), {}, f"[{dt},{label}]"
                yield (y, -1, True), {}, f"[{dt},{label} dim=-1 keepdim]"
        for label, y, dims in reduce_layouts(rng, dt, meta):
            for i, d in enumerate(dims):
                yield (y, d, i % 2 == 1), {}, f"[{dt},{label} dim={d}]"
        for label, y in special_inputs(rng, dt, meta):
            yield (y, 0), {}, f"[{dt},{label} dim=0]"
            yield (y, -1), {}, f"[{dt},{label} dim=-1]"
        e = make(values(rng, (2, 0, 3), dt), dt)
        for dims in [1, 0, (0, 2), (0, 1)]:
            yield (e, dims, True), {}, f"[{dt},zero-size dim={dims}]"
    x = make(values(rng, (2, 3), "float32"), "float32")
    yield (x, 2), {}, "[dim out of range]"
    yield (x, (0, 0)), {}, "[repeated dim]"
    if not meta.get("floating_only"):
        yield (make(values(rng, (2, 3), "int8"), "int8"), 1), {"dtype": "float32"}, "[dtype=]"


def samples_reduce_dim(meta, rng):
    for dt in dtypes_for(meta):
        x = make(values(rng, (2, 3, 4), dt), dt)
        for d in [0, 1, 2, -1]:
            for keepdim in [False, True]:
                yield (x, d, keepdim), {}, f"[{dt} dim={d} keepdim={keepdim}]"
        for label, y in layouts(rng, dt):
            if y.t.numel() > 0 and y.t.dim() > 0:
                yield (y, -1), {}, f"[{dt},{label}]"
                yield (y, 0, True), {}, f"[{dt},{label} dim=0 keepdim]"
        for label, y, dims in reduce_layouts(rng, dt, meta):
            for i, d in enumerate(dims):
                if isinstance(d, int):
                    yield (y, d, i % 2 == 1), {}, f"[{dt},{label} dim={d}]"
        for label, y in special_inputs(rng, dt, meta):
            yield (y, 0), {}, f"[{dt},{label} dim=0]"
            yield (y, -1), {}, f"[{dt},{label} dim=-1]"
        e = make(values(rng, (0, 3), dt), dt)
        yield (e, 1), {}, f"[{dt},empty output]"
        if meta.get("dim_optional"):  # over everything: the index into the flattened tensor
            for label, y in layouts(rng, dt):
                if y.t.numel() > 0:
                    yield (y,), {}, f"[{dt},{label} all dims]"
            for label, y, _ in reduce_layouts(rng, dt, meta):
                yield (y,), {"keepdim": True}, f"[{dt},{label} all dims]"
            for label, y in special_inputs(rng, dt, meta):
                yield (y,), {}, f"[{dt},{label} all dims]"
    nan = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 1.0]])
    yield (make(nan, "float32"), 1), {}, "[nan]"
    yield (make(values(rng, (2, 3), "float32"), "float32"), 3), {}, "[dim out of range]"
    yield (make(values(rng, (2, 0), "float32"), "float32"), 1), {}, "[empty dim]"
    yield (make(values(rng, (), "float32"), "float32"), 0), {}, "[0-dim]"
    yield (make(values(rng, (), "float32"), "float32"), -1, True), {}, "[0-dim keepdim]"


def samples_view(meta, rng):
    x = make(values(rng, (2, 3, 4), "float32"), "float32")
    for shape in [(6, 4), (-1,), (4, -1), (2, 12), (24,), (1, 2, 1, 12), (5, 5), (-1, -1)]:
        yield (x, shape), {}, f"[{shape}]"
    tr = Pair(x.t.transpose(0, 2), x.s.transpose(0, 2))
    yield (tr, (4, 6)), {}, "[transposed]"
    yield (tr, (4, 3, 2)), {}, "[transposed same]"
    z = make(values(rng, (), "int64"), "int64")
    yield (z, (1,)), {}, "[0-dim]"
    e = make(values(rng, (0, 3), "int64"), "int64")
    yield (e, (3, 0)), {}, "[empty]"


def samples_permute(meta, rng):
    x = make(values(rng, (2, 3, 4), "float32"), "float32")
    for dims in [(2, 0, 1), (0, 1, 2), (-1, 0, 1), (0, 0, 1), (0, 1)]:
        yield (x, dims), {}, f"[{dims}]"


def samples_transpose(meta, rng):
    x = make(values(rng, (2, 3, 4), "int32"), "int32")
    for a, b in [(0, 1), (0, 2), (-1, 0), (1, 1), (0, 3)]:
        yield (x, a, b), {}, f"[{a},{b}]"
    yield (make(values(rng, (), "float32"), "float32"), 0, 0), {}, "[0-dim]"


def samples_t(meta, rng):
    for shape in [(), (3,), (3, 4), (2, 3, 4)]:
        yield (make(values(rng, shape, "float32"), "float32"),), {}, f"[{shape}]"


def samples_expand(meta, rng):
    x = make(values(rng, (3, 1), "float32"), "float32")
    for size in [(3, 4), (2, 3, 4), (-1, 4), (3, 1), (4, 4), (4,)]:
        yield (x, size), {}, f"[{size}]"


def samples_squeeze(meta, rng):
    for shape in [(1, 3, 1, 4), (), (1,), (3, 4), (0, 1)]:
        yield (make(values(rng, shape, "float32"), "float32"),), {}, f"[{shape}]"


def samples_squeeze_dim(meta, rng):
    x = make(values(rng, (1, 3, 1, 4), "float32"), "float32")
    for d in [0, 1, 2, -2, 4]:
        yield (x, d), {}, f"[{d}]"


def samples_unsqueeze(meta, rng):
    x = make(values(rng, (3, 4), "float32"), "float32")
    for d in [0, 1, 2, -1, -3, 3]:
        yield (x, d), {}, f"[{d}]"
    yield (make(values(rng, (), "float32"), "float32"), 0), {}, "[0-dim]"


def samples_flatten(meta, rng):
    x = make(values(rng, (2, 3, 4, 5), "float32"), "float32")
    for a, b in [(0, -1), (1, 2), (2, 1), (0, 0), (-2, -1), (0, 4)]:
        yield (x, a, b), {}, f"[{a},{b}]"
    yield (make(values(rng, (), "float32"), "float32"),), {}, "[0-dim]"
    tr = Pair(x.t.transpose(0, 3), x.s.transpose(0, 3))
    yield (tr, 1, 2), {}, "[transposed]"


def samples_select(meta, rng):
    x = make(values(rng, (2, 3, 4), "float32"), "float32")
    for d, i in [(0, 1), (1, -1), (2, 3), (2, 4), (3, 0), (-1, -5)]:
        yield (x, d, i), {}, f"[{d},{i}]"


def samples_narrow(meta, rng):
    for dt in ["float32", "int64"]:
        x = make(values(rng, (4, 5), dt), dt)
        for d, s, n in [(0, 1, 2), (1, 0, 5), (1, -2, 2), (0, 3, 2), (2, 0, 1)]:
            yield (x, d, s, n), {}, f"[{dt},{d},{s},{n}]"


def samples_cat(meta, rng):
    a = make(values(rng, (2, 3), "float32"), "float32")
    b = make(values(rng, (4, 3), "float32"), "float32")
    c = make(values(rng, (2, 5), "int64"), "int64")
    e = make(values(rng, (0,), "float32"), "float32")
    yield ([a, b],), {}, "[dim0]"
    yield ([a, c],), {"dim": 1}, "[dim1 promote]"
    yield ([a, e, b],), {}, "[legacy empty]"
    yield ([a, b],), {"dim": 1}, "[bad sizes]"
    yield ([],), {}, "[empty list]"
    yield ([a, make(values(rng, (2, 3, 1), "float32"), "float32")],), {}, "[bad ndim]"
    yield ([a, a],), {"dim": 2}, "[dim out of range]"
    t = Pair(a.t.t(), a.s.t())
    yield ([t, t],), {"dim": -1}, "[transposed]"


def samples_stack(meta, rng):
    a = make(values(rng, (2, 3), "float32"), "float32")
    b = make(values(rng, (2, 3), "float32"), "float32")
    for d in [0, 1, 2, -1, 3]:
        yield ([a, b],), {"dim": d}, f"[{d}]"
    yield ([a, make(values(rng, (3, 2), "float32"), "float32")],), {}, "[bad sizes]"


def samples_mm(meta, rng):
    for dt in ["float32", "float64", "int64", "int32", "float16", "bfloat16", "uint8"]:
        a = make(values(rng, (3, 4), dt), dt)
        b = make(values(rng, (4, 5), dt), dt)
        yield (a, b), {}, f"[{dt}]"
    a = make(values(rng, (4, 3), "float32"), "float32")
    b = make(values(rng, (5, 4), "float32"), "float32")
    yield (Pair(a.t.t(), a.s.t()), Pair(b.t.t(), b.s.t())), {}, "[transposed]"
    big = make(values(rng, (6, 8), "float32"), "float32")
    yield (Pair(big.t[::2, ::2], big.s[::2, ::2]), make(values(rng, (4, 2), "float32"),
                                                        "float32")), {}, "[stepped]"
    yield (make(values(rng, (3, 4), "float32"), "float32"),
           make(values(rng, (3, 4), "float32"), "float32")), {}, "[bad shapes]"
    yield (make(values(rng, (3, 4), "float32"), "float32"),
           make(values(rng, (4, 2), "float64"), "float64")), {}, "[dtype mismatch]"
    yield (make(values(rng, (0, 4), "float32"), "float32"),
           make(values(rng, (4, 2), "float32"), "float32")), {}, "[empty]"
    yield (make(values(rng, (3, 0), "float32"), "float32"),
           make(values(rng, (0, 2), "float32"), "float32")), {}, "[k=0]"


def samples_bmm(meta, rng):
    for dt in ["float32", "float64", "int64"]:
        yield (make(values(rng, (2, 3, 4), dt), dt), make(values(rng, (2, 4, 5), dt), dt)), {}, dt
    a = make(values(rng, (2, 4, 3), "float32"), "float32")
    yield (Pair(a.t.transpose(1, 2), a.s.transpose(1, 2)),
           make(values(rng, (2, 4, 2), "float32"), "float32")), {}, "[transposed]"
    yield (make(values(rng, (2, 3, 4), "float32"), "float32"),
           make(values(rng, (3, 4, 5), "float32"), "float32")), {}, "[bad batch]"


def samples_matmul(meta, rng):
    pairs = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3,)),
             ((5, 2, 3), (3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)),
             ((3,), (4,)), ((), (3,)), ((2, 3), (4, 5))]
    for sa, sb in pairs:
        yield (make(values(rng, sa, "float32"), "float32"),
               make(values(rng, sb, "float32"), "float32")), {}, f"[{sa}@{sb}]"
    yield (make(values(rng, (2, 3), "float64"), "float64"),
           make(values(rng, (3, 2), "float64"), "float64")), {}, "[f64]"


def samples_factory(meta, rng):
    for size in [(2, 3), (0,), ()]:
        for kw in [{}, {"dtype": "int32"}, {"dtype": "float64"}, {"dtype": "bool"}]:
            yield ("SIZE", size), kw, f"[{size} {kw}]"


def samples_like(meta, rng):
    for dt in ["float32", "int64", "bool", "float16"]:
        x = make(values(rng, (2, 3), dt), dt)
        yield (x,), {}, f"[{dt}]"
        yield (x,), {"dtype": "float64"}, f"[{dt}->f64]"


def samples_index_select(meta, rng):
    for dt in ["float32", "float64", "int64", "bool", "float16"]:
        x = make(values(rng, (3, 4, 2), dt), dt)
        for dim in [0, 1, -1]:
            n = x.t.shape[dim]
            for idx in [[0], [n - 1, 0, n - 1]]:  # negative: torch raises IndexError or
                # RuntimeError depending on the dim (two kernels); not compared
                yield (x, dim, make(np.array(idx), "int64")), {}, f"[{dt} dim={dim} {idx}]"
        yield (x, 1, make(np.array([1, 2]), "int32")), {}, f"[{dt} int32 index]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, 0, make(np.array([3]), "int64")), {}, "[out of range]"
    yield (x, 2, make(np.array([0]), "int64")), {}, "[bad dim]"
    yield (x, 0, make(np.array([[0, 1]]), "int64")), {}, "[2-D index]"
    yield (x, 0, make(np.array([0.0]), "float32")), {}, "[float index]"
    tr = Pair(x.t.t(), x.s.t())
    yield (tr, 0, make(np.array([2, 0]), "int64")), {}, "[transposed]"


SEED = int(os.environ.get("TORSH_TEST_SEED", "0"))
SAMPLERS = {k[len("samples_"):]: v for k, v in [*globals().items(), *vars(samples_index).items(),
                                                   *vars(samples_math).items(),
                                                   *vars(samples_shape).items(),
                                                   *vars(samples_reduce2).items(),
                                                   *vars(samples_masked).items(),
                                                   *vars(samples_sort).items(),
                                                   *vars(samples_linalg).items(),
                                                   *vars(samples_unique).items(),
                                                   *vars(samples_creation).items(),
                                                   *vars(samples_nn).items()]
            if k.startswith("samples_")}

FACTORY_ARGS = {
    "zeros": lambda size: (size,), "ones": lambda size: (size,),
    "full": lambda size: (size, 7), "arange": None, "linspace": None, "eye": None,
}


def factory_samples(name):
    if name == "arange":
        for args in [(5,), (2, 9), (1, 10, 3), (0.5, 3.2, 0.7), (10, 0, -2), (0, 1, 0.1),
                     (5, 1), (0, 5, 0)]:
            yield args, {}
            yield args, {"dtype": "float64"}
        yield (5,), {"dtype": "int32"}
    elif name == "linspace":
        for args in [(0, 1, 5), (-3, 7, 11), (2, 2, 1), (0, 10, 0), (1.5, -2.5, 7), (0, 1, -1)]:
            yield args, {}
            yield args, {"dtype": "float64"}
            yield args, {"dtype": "int64"}
    elif name == "eye":
        for args in [(3,), (2, 4), (0,), (-1,)]:
            yield args, {}
            yield args, {"dtype": "int64"}
    else:
        for size in [(2, 3), (0,), ()]:
            for kw in [{}, {"dtype": "int32"}, {"dtype": "float64"}, {"dtype": "bool"}]:
                yield FACTORY_ARGS[name](size), kw
        if name == "full":
            yield ((2,), 1.5), {}
            yield ((2,), True), {}


def float_accumulated_16bit(ft):
    """torch 1.13 rounds partial results of 16-bit reductions to 16 bits (always for
    non-contiguous inputs, and for reductions over several dims); torsh accumulates in float and
    rounds once. The reference for 16-bit inputs is torch on float32 copies, its floating result
    rounded once to the input's dtype (as check() does where torch lacks a 16-bit kernel)."""
    def f(x, *a, **k):
        if not (isinstance(x, torch.Tensor) and x.dtype in (torch.float16, torch.bfloat16)) \
                or "dtype" in k:
            return ft(x, *a, **k)
        low = x.dtype
        r = ft(x.float(), *a, **k)
        down = lambda t: t.to(low) if t.dtype == torch.float32 else t  # noqa: E731
        return type(r)(down(t) for t in r) if isinstance(r, tuple) else down(r)
    return f


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_op(entry):
    schema = parse_schema(entry["func"])
    meta = entry["test"]
    name = schema.name
    variants = entry.get("variants", ["function"])
    rng = np.random.default_rng(zlib.crc32(entry["func"].encode()) + SEED)
    if meta["kind"] == "factory":
        for args, kw in factory_samples(name):
            check(name, fn(torch, name), fn(torsh, name), args, kw)
        return
    callers = []
    if "function" in variants:
        callers.append(("", fn(torch, name), fn(torsh, name)))
    if "method" in variants:
        callers.append((".method", method(name), method(name)))
    if meta["kind"].startswith("reduce"):
        callers = [(suffix, float_accumulated_16bit(ft), fs) for suffix, ft, fs in callers]
    for args, kwargs, label in SAMPLERS[meta["kind"]](meta, rng):
        for suffix, ft, fs in callers:
            if suffix and not isinstance(args[0], Pair):
                continue
            if suffix and meta["kind"] in ("reduce_dims", "reduce_dim") and len(args) > 2:
                # keepdim as keyword on methods, exercising the keyword path
                check(name, ft, fs, args[:2], {**kwargs, "keepdim": args[2]}, suffix + label)
                continue
            check(name, ft, fs, args, kwargs, suffix + label)
            if not suffix and ("backward" in entry or entry.get("composite")) and \
                    meta.get("torch_grad", True):
                check_grad(name, ft, fs, args, kwargs, label, not entry.get("composite"))


def unwrap_t(v):
    return v.t if isinstance(v, Pair) else v


def binary_inplace_entries():
    return [e for e in ENTRIES if "inplace" in e.get("variants", [])]


@pytest.mark.parametrize("entry", binary_inplace_entries(), ids=entry_id)
def test_inplace_and_out(entry):
    """x.op_(y) writes into x (same result as torch, same dtype rules); op(..., out=o) too."""
    schema = parse_schema(entry["func"])
    name, meta = schema.name, entry["test"]
    rng = np.random.default_rng(7)
    kind = meta["kind"]
    for dt in ["float32", "float64", "int64", "int32", "bool"]:
        dom = (0.5, 3) if meta.get("pow") else (-5, 5)
        x = make(values(rng, (3, 4), dt, dom), dt)
        extra = []
        if kind == "binary":
            y = values(rng, (1, 4), dt, dom)
            if meta.get("nonzero_rhs") and dt not in FLOATS:
                y = np.where(y == 0, 1, y)
            extra = [make(y, dt)]
        kwargs = {"rounding_mode": "floor"} if meta.get("rounding_mode") else {}
        if kind == "clamp":
            kwargs = {"min": -1, "max": 1}
        if kind == "clamp_one":
            extra = [1]
        if kind in INDEX_FAMILY:
            extra, kwargs = index_family_operands(kind, rng, dt)
        if kind in MASKED_FAMILY:
            extra, kwargs = masked_operands(kind, rng, dt)
        if kind == "cumulative":
            extra = [1]  # dim

        check(name + "_", inplace(name), inplace(name), [x] + extra, kwargs, f"[{dt}]")
        if "out" in entry.get("variants", []):
            try:
                ref_dtype = str(fn(torch, name)(*[unwrap_t(v) for v in [x] + extra],
                                                **kwargs).dtype)[6:]
            except (RuntimeError, TypeError):
                ref_dtype = "float64"  # the call itself is invalid; errors are compared below

            def with_out(lib):
                def f(*a, **kw):
                    o = lib.empty(0, dtype=getattr(lib, ref_dtype))
                    f_out = getattr(torch._C._nn, name) if lib is torch and not hasattr(
                        torch, name) else getattr(lib, name)  # torch's nn ops' out= forms
                    r = f_out(*a, out=o, **kw)
                    assert r is o, "out= must return the object passed"
                    return o
                return f
            check(name + "(out=)", with_out(torch), with_out(torsh), [x] + extra, kwargs, f"[{dt}]")
    # In-place into a smaller tensor than the broadcast shape is an error.
    if kind == "binary":
        x = make(values(rng, (4,), "float32"), "float32")
        y = make(values(rng, (3, 4), "float32"), "float32")
        check(name + "_", lambda a, b: getattr(a.clone(), name + "_")(b),
              lambda a, b: getattr(a.clone(), name + "_")(b), [x, y], {}, "[broadcast out]")
        xi = make(values(rng, (3, 4), "int64"), "int64")
        check(name + "_", lambda a, b: getattr(a.clone(), name + "_")(b),
              lambda a, b: getattr(a.clone(), name + "_")(b), [xi, 2.5], {}, "[int self, float]")


@pytest.mark.parametrize("name,args", [
    ("scatter_", (1, [[0], [1]], 1.0)), ("scatter_add_", (1, [[0], [1]], "src")),
    ("index_add_", (0, [0], "src")), ("index_copy_", (0, [0], "src")), ("index_fill_", (1, [0], 2.0))])
def test_index_family_inplace_on_expanded(name, args):
    """Writing through an expanded self raises as in torch (index_fill_ is allowed there)."""
    def f(lib):
        x = lib.zeros(1, 3).expand(2, 3)
        dim, idx, last = args
        src = lib.ones(2, 1) if name == "scatter_add_" else lib.ones(1, 3)
        getattr(x, name)(dim, lib.tensor(idx), src if last == "src" else last)
        return x
    check(name, lambda: f(torch), lambda: f(torsh), [])
