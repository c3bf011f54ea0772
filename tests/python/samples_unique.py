"""Sample generators of unique, unique_consecutive, bincount, histc and histogram, wired into
test_ops.py's SAMPLERS. Each yields (args, kwargs, label). Ties, every dtype (those torch refuses
included: the error type must match), 0-dim, empty and strided layouts, and invalid arguments."""
import numpy as np

from oracle import DTYPES, FLOATS, Pair, layouts, make, values

NAN, INF = float("nan"), float("inf")


def _ties(rng, shape, lo=0, hi=4):
    return np.floor(rng.uniform(lo, hi, shape))


def _inputs(rng):
    """(label, Pair) inputs of every dtype: ties, layouts, a long tie-heavy line."""
    for dt in DTYPES:
        yield f"{dt} ties", make(_ties(rng, (3, 4, 5)), dt)
        for label, x in layouts(rng, dt):
            yield f"{dt},{label}", x
        yield f"{dt} long", make(_ties(rng, (700,), -30, 30), dt)
    for dt in ["float32", "float64", "bfloat16"]:
        # -0.0 and 0.0: torch keeps the first seen (bfloat16 both: its hash takes the bits)
        yield f"{dt} signed zeros", make(np.array([0.0, -0.0, 1.0, -0.0, 0.0, -1.0]), dt)
        yield f"{dt} signed zeros 2", make(np.array([-0.0, 2.0, 0.0, 0.0]), dt)


def samples_unique(meta, rng):
    """_unique2, sorted or in torch 1.13's hash-set order (sorted=False); NaN (float32/64: a
    bfloat16 NaN converted by torch has other bits than torsh's, and the hash takes the bits)."""
    for label, x in _inputs(rng):
        for inv, cnt in [(False, False), (True, False), (False, True), (True, True)]:
            for srt in [True, False]:
                yield (x,), {"sorted": srt, "return_inverse": inv, "return_counts": cnt}, \
                    f"[{label} {srt} {inv} {cnt}]"
    nans = np.array([3.0, NAN, 1.0, NAN, 3.0, -0.0, 0.0, NAN, -INF, INF, 1.0])
    for dt in ["float32", "float64"]:
        for srt in [True, False]:
            yield (make(nans, dt),), {"sorted": srt, "return_inverse": True, "return_counts": True}, \
                f"[{dt} nan sorted={srt}]"
    x = make(_ties(rng, (4, 3)), "int64")
    yield (x, True, True, True), {}, "[positional]"
    yield (x,), {"sorted": None}, "[sorted=None]"
    yield (x,), {"return_inverse": 1}, "[int flag]"
    yield ([1, 2],), {}, "[list input]"


def samples_unique_consecutive(meta, rng):
    """unique_consecutive, flattened and along each dim (NaN and -0.0 included: the runs are
    torch's comparisons)."""
    for label, x in _inputs(rng):
        nd = x.t.dim()
        for dim in [None] + list(range(-nd, nd)) + [nd]:
            for inv, cnt in [(False, False), (True, True), (True, False), (False, True)]:
                kw = {"return_inverse": inv, "return_counts": cnt, "dim": dim}
                yield (x,), kw, f"[{label} dim={dim}]"
    runs = np.array([[1.0, 1.0, NAN, NAN, 2.0, -0.0, 0.0, 2.0],
                     [1.0, 1.0, NAN, NAN, 2.0, 0.0, 0.0, 2.0]])
    for dt in FLOATS:
        for dim in [None, 0, 1]:
            yield (make(runs, dt),), {"return_counts": True, "return_inverse": True, "dim": dim}, \
                f"[{dt} nan runs dim={dim}]"
    rows = make(np.repeat(_ties(rng, (5, 3), 0, 2), 2, axis=0), "int64")
    yield (rows,), {"dim": 0, "return_counts": True}, "[repeated rows]"
    yield (rows, True, True, 1), {}, "[positional]"
    yield (make(np.zeros((0, 0)), "float32"),), {"dim": 0}, "[two empty dims]"
    yield (make(np.zeros((2, 0)), "float32"),), {"dim": 0}, "[empty dim not selected]"


def samples_bincount(meta, rng):
    for dt in DTYPES:
        x = make(_ties(rng, (20,), 0, 8), dt)
        yield (x,), {}, f"[{dt}]"
        yield (x,), {"minlength": 12}, f"[{dt} minlength]"
    x = make(_ties(rng, (30,), 0, 6), "int64")
    for wdt in DTYPES:
        w = make(values(rng, (30,), wdt), wdt)
        yield (x, w), {}, f"[weights {wdt}]"
        yield (x,), {"weights": w, "minlength": 9}, f"[weights {wdt} minlength]"
    p = make(_ties(rng, (4, 6), 0, 5), "int64")
    yield (Pair(p.t[:, 1], p.s[:, 1]),), {}, "[strided]"
    wp = make(values(rng, (6, 4), "float64"), "float64")
    yield (Pair(p.t[1], p.s[1]), Pair(wp.t[:, 2], wp.s[:, 2])), {}, "[strided weights]"
    yield (make(np.zeros((0,)), "int64"),), {}, "[empty]"
    yield (make(np.zeros((0,)), "int64"),), {"minlength": 3}, "[empty minlength]"
    yield (make(np.zeros((0,)), "int64"), make(np.zeros((0,)), "float32")), {"minlength": 3}, \
        "[empty weights]"
    yield (make(np.array([1000.0, 3.0]), "int32"),), {}, "[large value]"
    yield (make(np.array([255.0, 0.0]), "uint8"),), {}, "[uint8 255]"
    yield (make(np.array([1.0, -1.0]), "int64"),), {}, "[negative]"
    yield (make(np.array([[1.0, 2.0]]), "int64"),), {}, "[2-D]"
    yield (make(np.array(3.0), "int64"),), {}, "[0-dim]"
    yield (x,), {"minlength": -1}, "[negative minlength]"
    yield (x, make(np.ones(29), "float32")), {}, "[weights length]"
    yield (x, make(np.ones((30, 1)), "float32")), {}, "[2-D weights]"


def _hist_inputs(rng):
    for dt in DTYPES:
        yield f"{dt}", make(values(rng, (4, 5), dt), dt)
    for dt in ["float32", "float64", "bfloat16"]:
        for label, x in layouts(rng, dt):
            yield f"{dt},{label}", x
        yield f"{dt} edges", make(np.array([0.0, 1.0, 2.0, 2.5, 4.0, -1.0, 4.0, 3.999]), dt)
        yield f"{dt} special", make(np.array([NAN, 1.0, INF, -INF, 0.5, 2.0]), dt)
        yield f"{dt} constant", make(np.full((5,), 2.0), dt)
        yield f"{dt} long", make(rng.normal(0, 3, (2000,)), dt)


def samples_histc(meta, rng):
    for label, x in _hist_inputs(rng):
        for bins, lo, hi in [(100, 0, 0), (4, 0, 0), (7, -2, 3), (3, 1, 1), (1, -1, 1), (5, 0, 10)]:
            yield (x,), {"bins": bins, "min": lo, "max": hi}, f"[{label} {bins} {lo} {hi}]"
    x = make(values(rng, (6,), "float32"), "float32")
    yield (x, 3, 0.5, 1), {}, "[positional]"
    yield (x,), {}, "[defaults]"
    yield (x,), {"bins": 0}, "[bins 0]"
    yield (x,), {"bins": -2}, "[bins negative]"
    yield (x,), {"bins": 3, "min": 3, "max": 1}, "[max below min]"
    yield (x,), {"bins": 3, "min": 0, "max": INF}, "[infinite max]"
    yield (x,), {"bins": 3, "min": NAN, "max": 1}, "[nan min]"


def samples_histogram(meta, rng):
    for label, x in _hist_inputs(rng):
        dt = label.split(" ")[0].split(",")[0]
        if meta.get("bin_ct"):
            for bins, kw in [(4, {}), (100, {}), (6, {"range": (-2.0, 3.0)}),
                             (3, {"range": (1, 1)}),
                             (5, {"range": [0, 10], "density": True}), (4, {"density": True})]:
                yield (x, bins), kw, f"[{label} {bins} {kw}]"
        else:
            for edges in [[-3.0, 0.0, 1.0, 2.5, 5.0], [0.0, 1.0], [-1.0, -1.0, 0.0, 3.0, 3.0]]:
                e = make(np.array(edges), dt)
                yield (x, e), {}, f"[{label} {edges}]"
                yield (x,), {"bins": e, "density": True}, f"[{label} {edges} density]"
        w = make(values(rng, tuple(x.t.shape), dt, (0, 2)), dt)
        bins = 5 if meta.get("bin_ct") else make(np.array([-4.0, -1.0, 0.5, 2.0, 4.0]), dt)
        yield (x, bins), {"weight": w}, f"[{label} weight]"
        yield (x, bins), {"weight": w, "density": True}, f"[{label} weight density]"
    x = make(values(rng, (6,), "float32"), "float32")
    bins = 3 if meta.get("bin_ct") else make(np.array([0.0, 1.0, 2.0]), "float32")
    yield (x, bins), {"weight": make(np.ones(6), "float64")}, "[weight dtype]"
    yield (x, bins), {"weight": make(np.ones(5), "float32")}, "[weight numel]"
    yield (x, bins), {"weight": make(np.ones((2, 3)), "float32")}, "[weight 2-D]"
    if meta.get("bin_ct"):
        yield (x,), {}, "[defaults]"
        yield (x, 0), {}, "[bins 0]"
        yield (x, 3), {"range": (3.0, 0.0)}, "[min above max]"
        yield (x, 3), {"range": (0.0, INF)}, "[infinite range]"
        yield (x, 3), {"range": (0.0, 1.0, 2.0)}, "[range of 3]"
        yield (make(np.array([NAN, 1.0]), "float32"), 3), {}, "[nan data range]"
        yield (make(np.zeros((0,)), "float32"), 3), {}, "[empty]"
    else:
        yield (x, make(np.array([0.0, 1.0]), "float64")), {}, "[bins dtype]"
        yield (x, make(np.array([[0.0, 1.0]]), "float32")), {}, "[2-D bins]"
        yield (x, make(np.array([0.0]), "float32")), {}, "[one edge]"
        yield (x, make(np.zeros((0,)), "float32")), {}, "[no edges]"
        yield (x, make(np.array([3.0, 1.0, 0.0]), "float32")), {}, "[decreasing edges]"
