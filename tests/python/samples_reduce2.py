"""Sample generators of the statistics reductions (var/std correction=, aminmax, logsumexp,
count_nonzero, ...), wired into test_ops.py's SAMPLERS. Each yields (args, kwargs, label)."""
import numpy as np

from oracle import FLOATS, Pair, layouts, make, values


def samples_reduce_correction(meta, rng):
    """var/std(_mean).correction: dim (int, list, None), correction=, keepdim=."""
    for dt in FLOATS:
        x = make(values(rng, (3, 4, 5), dt), dt)
        for dims in [0, -1, (0, 2), None, ()]:
            for c in [None, 0, 1, 2]:
                yield (x, dims), {"correction": c}, f"[{dt} dim={dims} correction={c}]"
            yield (x, dims), {"correction": 1, "keepdim": True}, f"[{dt} dim={dims} keepdim]"
        for label, y in layouts(rng, dt):
            yield (y, None), {"correction": 0}, f"[{dt},{label} all]"
            if y.t.dim() >= 1:
                yield (y, 0), {"correction": 1}, f"[{dt},{label} dim=0]"
                yield (y, -1), {"keepdim": True}, f"[{dt},{label} dim=-1 keepdim]"
    big = make(rng.uniform(-3, 3, (300, 257)) + 100.0, "float32")  # a mean far from 0
    for d in [0, 1, None]:
        yield (big, d), {"correction": 1}, f"[big offset dim={d}]"
    x = make(values(rng, (2, 3), "float32"), "float32")
    yield (x, 2), {"correction": 1}, "[dim out of range]"
    yield (make(values(rng, (2, 3), "int64"), "int64"), 1), {"correction": 1}, "[int input]"
    yield (x, 1), {"correction": 1.5}, "[float correction]"


def samples_aminmax(meta, rng):
    for dt in FLOATS + ["int64", "int32", "int8", "uint8", "bool"]:
        for label, y in layouts(rng, dt):
            yield (y,), {}, f"[{dt},{label} all]"
            yield (y,), {"keepdim": True}, f"[{dt},{label} all keepdim]"
            if y.t.dim() >= 1:
                yield (y,), {"dim": 0}, f"[{dt},{label} dim=0]"
                yield (y,), {"dim": -1, "keepdim": True}, f"[{dt},{label} dim=-1 keepdim]"
    nan = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 1.0]])
    for d in [None, 0, 1]:
        yield (make(nan, "float32"),), {"dim": d}, f"[nan dim={d}]"
    yield (make(values(rng, (2, 3), "float32"), "float32"),), {"dim": 2}, "[dim out of range]"
    yield (make(values(rng, (2, 3), "float32"), "float32"), 1), {}, "[positional dim]"


def samples_count_nonzero(meta, rng):
    for dt in FLOATS + ["int64", "int32", "int8", "uint8", "bool"]:
        z = values(rng, (3, 4, 5), dt)
        z.reshape(-1)[::3] = 0
        x = make(z, dt)
        for dims in [None, 0, -1, [0, 2], (1,), [], [2, 0, 1]]:
            yield (x,) if dims is None else (x, dims), {}, f"[{dt} dim={dims}]"
        for label, y in layouts(rng, dt):
            yield (y,), {}, f"[{dt},{label}]"
            if y.t.dim() >= 1:
                yield (y, 0), {}, f"[{dt},{label} dim=0]"
                yield (y, [-1]), {}, f"[{dt},{label} dim=[-1]]"
    nan = np.array([[np.nan, 0.0, -0.0], [1e-40, 0.0, np.inf]])
    yield (make(nan, "float32"), 1), {}, "[nan, -0, denormal]"
    x = make(values(rng, (2, 3), "float32"), "float32")
    yield (x, 2), {}, "[dim out of range]"
    yield (x, [0, 0]), {}, "[repeated dim]"
    yield (x,), {"dim": 1}, "[dim keyword]"


def samples_reduce_all_stats(meta, rng):
    """reduce_all's samples after three plain ones (the first usable samples are gradchecked:
    a 0-dim input has no finite variance gradient, in torch either)."""
    from test_ops import samples_reduce_all
    for dt in ["float32", "float64"]:
        for shape in [(3, 4), (5,)]:
            yield (make(values(rng, shape, dt), dt),), {}, f"[{dt},{shape}]"
    yield from samples_reduce_all(meta, rng)


INF = float("inf")


def samples_reduce_norm(meta, rng):
    """torch.norm(input, p, dim, keepdim, dtype=): numeric p (2, 1, inf, -inf, 0, 3, 0.5),
    'fro', 'nuc' (over two dims, and of a 2-d input)."""
    for dt in FLOATS:
        x = make(values(rng, (3, 4, 5), dt), dt)
        for p in [2, 1, INF, -INF, 0, 3, 0.5, 1.5, "fro"]:
            yield (x, p), {}, f"[{dt} p={p}]"
        if dt in ("float32", "float64"):
            yield (x, "nuc"), {"dim": (0, 2)}, f"[{dt} p=nuc dim]"
            yield (make(values(rng, (4, 3), dt), dt), "nuc"), {}, f"[{dt} p=nuc 2-d]"
            for dims in [0, -1, (0, 2), [1]]:
                yield (x, p, dims, True), {}, f"[{dt} p={p} dim={dims} keepdim]"
                yield (x, p, dims), {}, f"[{dt} p={p} dim={dims}]"
        for label, y in layouts(rng, dt):
            yield (y,), {}, f"[{dt},{label}]"
            yield (y, 1), {}, f"[{dt},{label} p=1]"
            if y.t.dim() >= 1:
                yield (y, INF, 0), {}, f"[{dt},{label} inf dim=0]"
                yield (y, 3, -1, True), {}, f"[{dt},{label} p=3 dim=-1]"
    z = make(np.array([[0.0, 1.0, -2.0], [0.0, 0.0, 0.0]]), "float64")
    for p in [2, 1, INF, 3, 0.5, 0]:
        yield (z, p, 1), {}, f"[zeros p={p}]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, 2, 1), {"dtype": "float64"}, "[dtype=float64]"
    yield (x, 2), {"dtype": "float64"}, "[dtype= over everything]"
    yield (x, "fro", (0, 1)), {}, "[fro two dims]"
    yield (x, "fro"), {"dtype": "float64"}, "[fro dtype]"
    yield (x, "fro", (0, 1, 0)), {}, "[fro three dims]"
    yield (x, "bogus"), {}, "[bad string]"
    yield (x, 2, 1), {"dtype": "int64"}, "[int dtype]"
    yield (make(values(rng, (3,), "int64"), "int64"),), {}, "[int input]"
    yield (x, 2, 2), {}, "[dim out of range]"


def samples_cumulative(meta, rng):
    big = [1, -1, 2, 0.5] if meta.get("moderate") else None
    for dt in FLOATS + ["int64", "int32", "int8", "uint8", "bool"]:
        x = make(values(rng, (3, 4, 5), dt), dt)
        for d in [0, 1, 2, -1]:
            yield (x, d), {}, f"[{dt} dim={d}]"
        for label, y in layouts(rng, dt):
            yield (y, 0), {}, f"[{dt},{label} dim=0]"
            yield (y, -1), {}, f"[{dt},{label} dim=-1]"
    for dt in ["float32", "float64"]:
        v = rng.choice(big, (40, 300)) if big else rng.uniform(-2, 2, (40, 300))
        y = make(v, dt)
        yield (y, 1), {}, f"[{dt} long rows]"
        yield (y, 0), {}, f"[{dt} long cols]"
        t = make(v.T.copy(), dt)
        yield (Pair(t.t.t(), t.s.t()), 1), {}, f"[{dt} transposed]"
    special = np.array([[1.0, np.nan, 3.0, 0.0, -np.inf, np.inf, 2.0, 2.0],
                        [0.0, 0.0, 1.0, np.inf, np.inf, -1.0, np.nan, 5.0]])
    for dt in FLOATS:
        yield (make(special, dt), 1), {}, f"[{dt} special]"
    z = make(np.array([[1.0, 0.0, 3.0, 2.0], [0.0, 2.0, 0.0, 1.5], [2.0, 3.0, 1.0, 0.5]]),
             "float64")
    yield (z, 1), {}, "[zeros]"
    if not meta.get("no_dtype"):
        yield (make(values(rng, (3, 4), "int32"), "int32"), 1), {"dtype": "float64"}, "[dtype=]"
    x = make(values(rng, (2, 3), "float32"), "float32")
    yield (x, 2), {}, "[dim out of range]"
    yield (x,), {}, "[no dim]"


def samples_diff(meta, rng):
    """diff(input, n, dim, prepend, append): every layout, n beyond the size, bool (xor),
    prepend/append with promotion, bad inputs."""
    for dt in FLOATS + ["int64", "int32", "uint8", "bool"]:
        x = make(values(rng, (3, 5), dt), dt)
        for n, d in [(1, -1), (2, 1), (1, 0), (0, -1), (5, 1), (-1, 0)]:
            yield (x, n, d), {}, f"[{dt} n={n} dim={d}]"
        for label, y in layouts(rng, dt):
            yield (y,), {}, f"[{dt},{label}]"
            if y.t.dim() >= 1:
                yield (y, 1, 0), {}, f"[{dt},{label} dim=0]"
        p = make(values(rng, (3, 2), dt), dt)
        yield (x,), {"prepend": p, "append": p}, f"[{dt} prepend+append]"
        yield (x, 2), {"append": p}, f"[{dt} append n=2]"
        yield (x, 0), {"prepend": p}, f"[{dt} prepend n=0]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, 1, 1), {"prepend": make(values(rng, (3, 1), "int64"), "int64")}, "[promote]"
    yield (x,), {"prepend": make(values(rng, (4,), "float32"), "float32")}, "[bad prepend dims]"
    yield (make(values(rng, (), "float32"), "float32"),), {}, "[0-dim]"
    yield (x, 1, 2), {}, "[dim out of range]"
    yield (x, 1, 0), {"append": make(values(rng, (2, 3), "float32"), "float32")}, "[bad append]"
