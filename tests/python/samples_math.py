"""Samples for the pointwise math ops with arguments of their own (src/ops/math.cpp), used by
test_ops.py: every dtype and layout, special values, and invalid calls whose exception type must
match torch's."""
import numpy as np

from oracle import DTYPES, FLOATS, layouts, make, values

SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-3, 100.0,
                    -3.0, 0.25, 0.75, 1.0, 12345.678])


def samples_round_decimals(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            yield (x,), {"decimals": 2}, f"[{dt},{label}]"
    for dt in FLOATS:
        for d in [0, 1, 3, -1, -2]:
            yield (make(SPECIAL * 3.7, dt),), {"decimals": d}, f"[{dt} decimals={d}]"


def samples_nan_to_num(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            yield (x,), {}, f"[{dt},{label}]"
    for dt in FLOATS:
        x = make(SPECIAL, dt)
        yield (x,), {}, f"[{dt} defaults]"
        yield (x,), {"nan": 1.5, "posinf": 2.0, "neginf": -7.0}, f"[{dt} values]"
        yield (x,), {"posinf": 9.0}, f"[{dt} posinf only]"
        yield (x, 0.25), {}, f"[{dt} positional nan]"


def samples_logit(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt, (0.05, 0.95)):
            yield (x,), {}, f"[{dt},{label}]"
            yield (x,), {"eps": 0.1}, f"[{dt},{label} eps]"
    # no NaN here: torch 1.13's gradient at NaN with eps is NaN or 0 depending on whether its
    # vector loop runs (the tensor's length); torsh gives NaN on every layout
    for dt in FLOATS:
        x = make(np.array([0.0, 1.0, 0.5, -1.0, 2.0, 0.3, 0.01, 0.99]), dt)
        yield (x,), {}, f"[{dt} edges]"
        yield (x,), {"eps": 0.05}, f"[{dt} edges eps]"


def samples_polygamma(meta, rng):
    for n in [0, 1, 2, 3]:
        for dt in DTYPES:
            for label, x in layouts(rng, dt, (0.2, 6)):
                yield (n, x), {}, f"[n={n} {dt},{label}]"
        for dt in ["float32", "float64"]:
            x = make(np.array([0.0, -1.0, -1.5, 1e-3, 20.0, 0.5, 3.25, np.inf, np.nan]), dt)
            yield (n, x), {}, f"[n={n} {dt} special]"
    yield (-1, make(values(rng, (3,), "float32"), "float32")), {}, "[negative n]"


def samples_clamp_one(meta, rng):
    key = meta["which"]
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            yield (x, 1), {}, f"[{dt},{label}]"
        x = make(values(rng, (3, 4), dt), dt)
        yield (x, 0.5), {}, f"[{dt} float bound]"
        yield (x, True), {}, f"[{dt} bool bound]"
    x = make(np.array([np.nan, 1.0, -1.0, 3.0]), "float32")
    yield (x, 1.0), {}, "[nan self]"
    yield (x, float("nan")), {}, "[nan bound]"
    yield (x,), {key: 0.5}, "[keyword]"


def samples_lerp(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            end = make(values(rng, tuple(x.t.shape), dt), dt)
            yield (x, end, 0.3), {}, f"[{dt},{label} w=0.3]"
            yield (x, end, 0.7), {}, f"[{dt},{label} w=0.7]"
    for dt in ["float32", "float64"]:
        x = make(values(rng, (3, 4), dt), dt)
        end = make(values(rng, (1, 4), dt), dt)
        w = make(rng.uniform(-1, 2, (3, 1)), dt)
        yield (x, end, w), {}, f"[{dt} tensor weight]"
        yield (x, end, make(np.array([0.5]), dt)), {}, f"[{dt} weight 0.5]"
    x = make(values(rng, (3,), "float32"), "float32")
    yield (x, make(values(rng, (3,), "float64"), "float64"), 0.5), {}, "[end dtype]"
    yield (x, x, make(values(rng, (3,), "float64"), "float64")), {}, "[weight dtype]"
    yield (x, make(values(rng, (4,), "float32"), "float32"), 0.5), {}, "[bad broadcast]"


def samples_addc(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            shape = tuple(x.t.shape)
            t1 = make(values(rng, shape, dt), dt)
            t2 = make(values(rng, shape, dt, (0.5, 3)), dt)
            yield (x, t1, t2), {}, f"[{dt},{label}]"
            yield (x, t1, t2), {"value": 2}, f"[{dt},{label} value=2]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    t1 = make(values(rng, (1, 4), "float32"), "float32")
    t2 = make(values(rng, (3, 1), "float64", (1, 4)), "float64")
    yield (x, t1, t2), {"value": 0.5}, "[mixed dtypes]"
    i = make(values(rng, (3, 4), "int64"), "int64")
    yield (i, i, i), {"value": 2.5}, "[int, float value]"
    yield (x, t1, make(values(rng, (5,), "float32"), "float32")), {}, "[bad broadcast]"


def samples_isclose(meta, rng):
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            y = make(values(rng, tuple(x.t.shape), dt), dt)
            yield (x, y), {}, f"[{dt},{label}]"
            yield (x, x), {}, f"[{dt},{label} same]"
    a = make(np.array([1.0, np.nan, np.inf, -np.inf, 1e-9, 1.0, 100.0]), "float64")
    b = make(np.array([1.0 + 1e-6, np.nan, np.inf, np.inf, 0.0, 1.1, 100.001]), "float64")
    for kw in [{}, {"equal_nan": True}, {"rtol": 0.0, "atol": 0.0}, {"rtol": 0.2},
               {"atol": 1e-3}, {"rtol": -1.0}]:
        yield (a, b), kw, f"[special {kw}]"
    yield (a, make(np.array([1.0] * 7), "float32")), {}, "[dtype mismatch]"


def samples_signbit(meta, rng):
    """unary samples; bfloat16 special values without NaN (torch 1.13 converts numpy's NaN to
    bfloat16 with the sign bit set, torsh without: the inputs differ, not signbit)."""
    for dt in DTYPES:
        for label, x in layouts(rng, dt):
            yield (x,), {}, f"[{dt},{label}]"
    for dt in FLOATS:
        sp = SPECIAL[~np.isnan(SPECIAL)] if dt == "bfloat16" else SPECIAL
        yield (make(sp, dt),), {}, f"[{dt},special values]"
        yield (make(-sp, dt),), {}, f"[{dt},negated special values]"
