"""Sample generators of the sorting and selection ops (sort, argsort, msort, topk, kthvalue,
median, nanmedian, mode, quantile, nanquantile), wired into test_ops.py's SAMPLERS. Each yields
(args, kwargs, label). Ties, NaN, -0.0 and long lines (past the small-sort cutoffs) are in every
kind, so torch's tie order and index choice are compared exactly."""
import numpy as np

from oracle import DTYPES, FLOATS, Pair, layouts, make, values

NAN, INF = float("nan"), float("inf")
SPECIAL = np.array([[1.0, NAN, 3.0, 0.0, -INF, INF, 2.0, 2.0, -0.0, NAN],
                    [0.0, -0.0, 1.0, INF, INF, -1.0, NAN, 5.0, 1.0, 0.0]])


def _ties(rng, shape, lo=0, hi=3):
    return np.floor(rng.uniform(lo, hi, shape))


def _inputs(rng, dtypes=DTYPES):
    """(label, Pair, dims) inputs: plain of every dtype, ties, long tie-heavy lines, NaN rows,
    and the layouts (0-dim, empty, transposed, stepped, expanded)."""
    for dt in dtypes:
        yield f"{dt}", make(values(rng, (3, 4, 5), dt), dt), [0, 1, -1]
    for dt in dtypes:
        for label, y in layouts(rng, dt):
            yield f"{dt},{label}", y, [0, -1]
    for dt in ["float32", "float64", "int64", "int32", "uint8", "int8", "int16", "float16",
               "bfloat16"]:
        yield f"{dt} ties", make(_ties(rng, (4, 12)), dt), [0, 1]
        yield f"{dt} long ties", make(_ties(rng, (3, 300), 0, 20), dt), [1]
    for dt in ["float32", "float64", "float16", "bfloat16"]:
        yield f"{dt} special", make(SPECIAL, dt), [0, 1]
    yield "float32 long", make(rng.uniform(-5, 5, (2, 700)), "float32"), [1, 0]
    # Long float32 lines (the radix path): one NaN, -0.0 and infinities without ties; then with
    # ties (-0.0 and 0.0, two NaNs) for the unstable fallback.
    one = rng.uniform(-5, 5, (3, 200))
    one[:, 3], one[:, 10], one[:, 20], one[:, 30] = NAN, -0.0, INF, -INF
    yield "float32 long special", make(one, "float32"), [1]
    two = one.copy()
    two[:, 40], two[:, 50] = NAN, 0.0
    yield "float32 long special ties", make(two, "float32"), [1]
    yield "float32 long tiled", make(np.tile(SPECIAL, (1, 10)), "float32"), [1]
    yield "bool long", make(rng.random((2, 100)) > 0.5, "bool"), [1]


def samples_sort(meta, rng):
    """sort/argsort (and the .stable overloads: stable= always given, keyword only)."""
    stables = [False, True] if meta.get("stable") else [None]
    for label, x, dims in _inputs(rng):
        for d in dims:
            for desc in [False, True]:
                for st in stables:
                    kw = {"dim": d, "descending": desc}
                    if st is not None:
                        kw["stable"] = st
                    yield (x,), kw, f"[{label} dim={d} desc={desc} stable={st}]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    kw = {"stable": True} if meta.get("stable") else {}
    yield (x,), kw, "[defaults]"
    if not meta.get("stable"):
        yield (x, 0, True), {}, "[positional dim, descending]"
        yield (x, 0), {}, "[positional dim]"
    else:
        if not meta.get("required"):
            yield (x,), {"stable": None}, "[stable=None]"
    yield (x,), {**kw, "dim": 2}, "[dim out of range]"
    yield (x,), {**kw, "dim": -3}, "[negative dim out of range]"


def samples_msort(meta, rng):
    for label, x, _ in _inputs(rng):
        yield (x,), {}, f"[{label}]"


def samples_topk(meta, rng):
    for dt in ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "float16",
               "bfloat16"]:
        x = make(values(rng, (3, 4, 6), dt), dt)
        for k, d in [(1, -1), (3, -1), (6, 2), (0, -1), (2, 0), (4, 1)]:
            for largest in [True, False]:
                yield (x, k, d, largest), {}, f"[{dt} k={k} dim={d} largest={largest}]"
            yield (x, k), {"dim": d, "sorted": False}, f"[{dt} k={k} dim={d} unsorted]"
        for label, y in layouts(rng, dt):
            n = 1 if y.t.dim() == 0 else y.t.shape[-1]
            for k in sorted({0, 1, min(2, n), n}):
                yield (y, k), {}, f"[{dt},{label} k={k}]"
                yield (y, k), {"largest": False, "sorted": False}, f"[{dt},{label} k={k} smallest]"
        # Ties on both paths: the heap (k * 64 <= n) and nth_element (k * 64 > n).
        for shape, k in [((3, 400), 3), ((3, 400), 6), ((4, 30), 5), ((4, 30), 1), ((2, 129), 2)]:
            t = make(_ties(rng, shape, 0, 6), dt)
            for largest in [True, False]:
                for srt in [True, False]:
                    yield (t, k), {"largest": largest, "sorted": srt}, \
                        f"[{dt} ties {shape} k={k} largest={largest} sorted={srt}]"
    for dt in ["float32", "float64", "float16", "bfloat16"]:
        for k in [1, 3, 10]:
            for largest in [True, False]:
                yield (make(SPECIAL, dt), k), {"largest": largest}, f"[{dt} special k={k}]"
                yield (make(SPECIAL, dt), k, 1, largest, False), {}, f"[{dt} special unsorted]"
        big = rng.uniform(-3, 3, (2, 700))
        big[:, ::7] = NAN
        for k in [2, 10, 11, 50]:
            yield (make(big, dt), k), {}, f"[{dt} NaN long k={k}]"
            yield (make(big, dt), k), {"largest": False}, f"[{dt} NaN long smallest k={k}]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, 5), {}, "[k > size]"
    yield (x, -1), {}, "[k < 0]"
    yield (x, 1, 2), {}, "[dim out of range]"
    yield (make(values(rng, (3, 4), "bool"), "bool"), 1), {}, "[bool]"


def _reduce_samples(rng, dtypes, with_k=False, skip_stride0=False):
    """(args, kwargs, label) of dim reductions (kthvalue's k drawn per line length).
    skip_stride0: no input whose reduced dim has stride 0 (torch 1.13's median.dim reads
    unrelated memory there: docs/bit_identical.md)."""
    def k_of(n, i):
        return [1, n, max(1, (n + 1) // 2), max(1, n - 1)][i % 4] if with_k else None

    i = 0
    for label, x, dims in _inputs(rng, dtypes):
        for d in dims:
            for keepdim in [False, True]:
                n = 1 if x.t.dim() == 0 else x.t.shape[d]
                if skip_stride0 and x.t.dim() > 0 and x.t.stride(d) == 0 and n > 1:
                    continue
                i += 1
                if with_k:
                    if n == 0:
                        continue
                    yield (x, k_of(n, i), d, keepdim), {}, f"[{label} dim={d} keepdim={keepdim}]"
                else:
                    yield (x, d, keepdim), {}, f"[{label} dim={d} keepdim={keepdim}]"


def samples_kthvalue(meta, rng):
    dts = [d for d in DTYPES if d != "bool"]
    yield from _reduce_samples(rng, dts, with_k=True)
    for dt in FLOATS:
        for k in range(1, 11):
            yield (make(SPECIAL, dt), k), {}, f"[{dt} special k={k}]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, 1), {"dim": 0, "keepdim": True}, "[keywords]"
    yield (x, 5), {}, "[k > size]"
    yield (x, 0), {}, "[k = 0]"
    yield (x, 1, 2), {}, "[dim out of range]"
    yield (make(values(rng, (0, 3), "float32"), "float32"), 1, 0), {}, "[empty dim]"
    yield (make(values(rng, (3,), "bool"), "bool"), 1), {}, "[bool]"


def samples_median_all(meta, rng):
    for label, x, _ in _inputs(rng, [d for d in DTYPES if d != "bool"]):
        yield (x,), {}, f"[{label}]"
    allnan = np.full((2, 3), NAN)
    yield (make(allnan, "float32"),), {}, "[all NaN]"
    yield (make(np.array([1.0, NAN, 2.0, 0.5]), "float64"),), {}, "[one NaN]"
    yield (make(values(rng, (3,), "bool"), "bool"),), {}, "[bool]"


def samples_median_dim(meta, rng):
    yield from _reduce_samples(rng, [d for d in DTYPES if d != "bool"], skip_stride0=True)
    rows = np.array([[NAN, NAN, NAN], [1.0, NAN, 0.0], [NAN, 2.0, NAN], [3.0, 1.0, 2.0]])
    for dt in FLOATS:
        yield (make(rows, dt), 1), {}, f"[{dt} NaN rows]"
        yield (make(rows, dt), 0, True), {}, f"[{dt} NaN cols]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x,), {"dim": 0}, "[dim keyword]"
    yield (x, 2), {}, "[dim out of range]"
    yield (make(values(rng, (0, 3), "float32"), "float32"), 0), {}, "[empty dim]"
    yield (make(values(rng, (3,), "bool"), "bool"), 0), {}, "[bool]"


def samples_mode(meta, rng):
    yield from _reduce_samples(rng, DTYPES)
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x,), {}, "[defaults]"
    yield (x,), {"keepdim": True}, "[keepdim keyword]"
    for dt in FLOATS:
        yield (make(np.array([[NAN, NAN, 1.0, 1.0], [NAN, 2.0, NAN, 2.0]]), dt),), {}, \
            f"[{dt} NaN ties]"
    yield (x, 2), {}, "[dim out of range]"
    yield (make(values(rng, (0, 3), "float32"), "float32"), 0), {}, "[empty dim]"


def samples_quantile(meta, rng):
    scalar = meta.get("scalar")

    def qs(dt):
        if scalar:
            return [("q=0.3", 0.3), ("q=0.71", 0.71), ("q=1", 1.0), ("q=0", 0.0), ("q=0.5", 0.5)]
        out = [("q=[0.3,0.71]", make(np.array([0.3, 0.71]), dt)),
               ("q=0.4 0-dim", make(np.array(0.4), dt)),
               ("q=[0,0.5,1]", make(np.array([0.0, 0.5, 1.0]), dt))]
        return out

    for dt in ["float32", "float64"]:
        x = make(values(rng, (3, 4, 5), dt), dt)
        for ql, q in qs(dt):
            for d in [None, 0, -1, 1]:
                for keepdim in [False, True]:
                    yield (x, q, d, keepdim), {}, f"[{dt} {ql} dim={d} keepdim={keepdim}]"
            for interp in ["linear", "lower", "higher", "midpoint", "nearest"]:
                yield (x, q), {"dim": 1, "interpolation": interp}, f"[{dt} {ql} {interp}]"
                yield (x, q), {"interpolation": interp}, f"[{dt} {ql} {interp} all]"
        ql, q = qs(dt)[0]
        for label, y in layouts(rng, dt):
            yield (y, q), {}, f"[{dt},{label}]"
            if y.t.dim() >= 1:
                yield (y, q, 0), {}, f"[{dt},{label} dim=0]"
                yield (y, q, -1, True), {}, f"[{dt},{label} dim=-1 keepdim]"
        rows = np.array([[NAN, NAN, NAN, NAN], [1.0, NAN, 0.0, 4.0], [NAN, 2.0, NAN, 3.0],
                         [3.0, 1.0, 2.0, 2.0]])
        for interp in ["linear", "lower", "nearest"]:
            yield (make(rows, dt), q, 1), {"interpolation": interp}, f"[{dt} NaN rows {interp}]"
            yield (make(rows, dt), q), {"interpolation": interp}, f"[{dt} NaN all {interp}]"
        yield (make(_ties(rng, (3, 9)), dt), q, 1), {}, f"[{dt} ties]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    q = qs("float32")[0][1]
    yield (make(values(rng, (3, 4), "int64"), "int64"), 0.5 if scalar else q), {}, "[int input]"
    yield (make(values(rng, (0,), "float32"), "float32"), q), {}, "[empty input]"
    yield (x, q, 2), {}, "[dim out of range]"
    yield (x, q), {"interpolation": "cubic"}, "[bad interpolation]"
    yield (make(values(rng, (3, 4), "float16"), "float16"), q), {}, "[float16 input]"
    if scalar:
        yield (x, 1.5), {}, "[q > 1]"
        yield (x, -0.1), {}, "[q < 0]"
    else:
        yield (x, make(np.array([0.5, 1.5]), "float32")), {}, "[q > 1]"
        yield (x, make(np.array([[0.5]]), "float32")), {}, "[2-d q]"
        yield (x, make(np.array([0.5]), "float64")), {}, "[q of another dtype]"


def _sorted(rng, shape, dt):
    v = np.sort(values(rng, shape, dt, (-5, 5)), axis=-1)
    return make(v, dt)


def _search_values(rng, dt, shape):
    """Values of dt: random, equal to boundary values (ties), below and above every boundary."""
    if dt == "bool":
        return make(values(rng, shape, dt), dt)
    v = np.floor(rng.uniform(-7, 7, shape)) if dt not in FLOATS else \
        np.where(rng.random(shape) < 0.4, np.floor(rng.uniform(-6, 6, shape)),
                 rng.uniform(-7, 7, shape))
    return make(v, dt)


def samples_searchsorted(meta, rng):
    """searchsorted(sorted_sequence, values): 1-d and batched boundaries, ties, NaN, right/side,
    out_int32, sorter, mixed dtypes, every layout of the values; (Scalar overload: Python
    numbers)."""
    scalar = meta.get("scalar")
    dts = [d for d in DTYPES if d != "bool"]
    for dt in dts:
        b1 = _sorted(rng, (7,), dt)
        bn = _sorted(rng, (2, 3, 6), dt)
        for kw in [{}, {"right": True}, {"side": "right"}, {"side": "left"}, {"out_int32": True},
                   {"right": True, "side": "right", "out_int32": True}]:
            if scalar:
                for v in [0, 2, -1.5, 3.25, 100]:
                    yield (b1, v), kw, f"[{dt} scalar {v} {kw}]"
                continue
            yield (b1, _search_values(rng, dt, (3, 4))), kw, f"[{dt} 1-d {kw}]"
            yield (bn, _search_values(rng, dt, (2, 3, 5))), kw, f"[{dt} batched {kw}]"
        if scalar:
            continue
        for label, y in layouts(rng, dt):
            yield (b1, y), {}, f"[{dt},{label} values]"
            if y.t.dim() >= 1:
                yield (b1, y), {"right": True}, f"[{dt},{label} values right]"
        st = _sorted(rng, (3, 8), dt)
        yield (Pair(st.t[:, ::2], st.s[:, ::2]), _search_values(rng, dt, (3, 5))), {}, \
            f"[{dt} stepped boundaries]"
        raw = make(values(rng, (2, 6), dt), dt)
        order = Pair(raw.t.argsort(-1), raw.s.argsort(-1))
        for right in [False, True]:
            yield (raw, _search_values(rng, dt, (2, 4))), {"sorter": order, "right": right}, \
                f"[{dt} sorter right={right}]"
    if scalar:
        b = _sorted(rng, (5,), "int64")
        yield (b, True), {}, "[bool scalar]"
        yield (make(np.array([1.0, 2.0, NAN]), "float32"), NAN), {}, "[NaN scalar]"
        yield (make(np.array([[1.0, 2.0]]), "float32"), 1.5), {}, "[2-d boundaries, scalar]"
        return
    special = make(np.array([-INF, -1.0, 0.0, 0.0, 2.0, INF, NAN]), "float32")
    vals = make(np.array([NAN, -INF, INF, -0.0, 0.0, 2.0, 5.0]), "float32")
    for kw in [{}, {"right": True}]:
        yield (special, vals), kw, f"[special {kw}]"
    yield (_sorted(rng, (6,), "int64"), _search_values(rng, "float64", (4,))), {}, "[int/float]"
    yield (_sorted(rng, (6,), "float32"), _search_values(rng, "int32", (4,))), {}, "[float/int]"
    yield (_sorted(rng, (6,), "int16"), make(values(rng, (4,), "bool"), "bool")), {}, "[bool values]"
    yield (_sorted(rng, (6,), "float32"), make(np.array(2.5), "float64")), {}, "[0-dim float64]"
    yield (_sorted(rng, (6,), "int32"), make(np.array(3.0), "int64")), {}, "[0-dim int64]"
    yield (_sorted(rng, (2, 0), "float32"), _search_values(rng, "float32", (2, 3))), {}, \
        "[empty boundaries]"
    b = _sorted(rng, (6,), "float32")
    v = _search_values(rng, "float32", (4,))
    yield (b, v), {"side": "middle"}, "[bad side]"
    yield (b, v), {"side": "left", "right": True}, "[side and right opposite]"
    yield (_sorted(rng, (2, 6), "float32"), _search_values(rng, "float32", (3, 4))), {}, \
        "[batch dims differ]"
    yield (_sorted(rng, (2, 6), "float32"), make(np.array(1.0), "float32")), {}, "[0-dim values]"
    yield (make(np.array(1.0), "float32"), v), {}, "[0-dim boundaries]"
    yield (make(values(rng, (4,), "bool"), "bool"), make(values(rng, (3,), "bool"), "bool")), \
        {}, "[bool]"
    yield (b, v), {"sorter": make(np.array([0, 1, 2, 3, 4, 5]), "int32")}, "[int32 sorter]"
    yield (b, v), {"sorter": make(np.array([0, 1, 2]), "int64")}, "[short sorter]"


def samples_bucketize(meta, rng):
    """bucketize(values, boundaries): 1-d boundaries only; (Scalar overload: Python numbers)."""
    scalar = meta.get("scalar")
    for dt in [d for d in DTYPES if d != "bool"]:
        b = _sorted(rng, (7,), dt)
        for kw in [{}, {"right": True}, {"out_int32": True}]:
            if scalar:
                for v in [0, 2, -1.5, 3.25]:
                    yield (v, b), kw, f"[{dt} scalar {v} {kw}]"
                continue
            yield (_search_values(rng, dt, (3, 4)), b), kw, f"[{dt} {kw}]"
        if not scalar:
            for label, y in layouts(rng, dt):
                yield (y, b), {}, f"[{dt},{label}]"
    b2 = _sorted(rng, (2, 3), "float32")
    if scalar:
        yield (1.0, b2), {}, "[2-d boundaries]"
        return
    yield (_search_values(rng, "float32", (2, 4)), b2), {}, "[2-d boundaries]"
    yield (make(np.array([NAN, 1.0, INF]), "float64"),
           make(np.array([-1.0, 1.0, 1.0, NAN]), "float64")), {"right": True}, "[NaN]"
