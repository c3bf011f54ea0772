"""Samples of the creation and conversion section of ops/ops.yaml (new_*, range, logspace,
type_as, mvlgamma): each sampler yields (args, kwargs, label) for test_ops.py."""
import numpy as np

from oracle import Pair, make, values


def samples_new_factory(meta, rng):
    """self.new_zeros(size, ...) and friends: dtype defaults to self's; sizes as a sequence,
    varargs, empty and 0-dim; fill values of every kind for new_full."""
    for dt in ["float32", "float64", "int64", "int32", "uint8", "bool", "float16", "bfloat16"]:
        x = make(values(rng, (2, 3), dt), dt)
        for size in [(2, 3), (0,), (), [4]]:
            for kw in [{}, {"dtype": "int32"}, {"dtype": "float64"}, {"dtype": "bool"}]:
                yield (x, size), kw, f"[{dt} {size} {kw}]"
        yield (x, (-1, 2)), {}, f"[{dt} negative size]"
    x = make(values(rng, (3,), "int64"), "int64")
    yield (x, (2, 2)), {"requires_grad": True}, "[int requires_grad]"
    # requires_grad=True on floats: test_creation.py (the suite compares detached values)


def samples_new_full(meta, rng):
    """self.new_full(size, fill): self's dtype whatever the fill value's type."""
    for dt in ["float32", "float64", "int64", "int32", "uint8", "bool", "float16", "bfloat16"]:
        x = make(values(rng, (2, 3), dt), dt)
        for size in [(2, 3), (0,), ()]:
            for fill in [7, 2.5, True, -1]:
                yield (x, size, fill), {}, f"[{dt} {size} {fill!r}]"
                yield (x, size, fill), {"dtype": "float64"}, f"[{dt} {size} {fill!r} f64]"
    x = make(values(rng, (2,), "int8"), "int8")
    yield (x, (2,), 300), {}, "[int8 overflowing fill]"
    yield (x, (2,), "a"), {}, "[str fill]"


def samples_range(meta, rng):
    for args in [(1, 4), (0, 5, 2), (0, 1, 0.25), (1.5, -2.5, -0.5), (0, 1, 0.3), (3, 3),
                 (-2, 7, 3)]:
        for kw in [{}, {"dtype": "float64"}, {"dtype": "int64"}, {"dtype": "int32"}]:
            yield args, kw, f"[{args} {kw}]"
    yield (1, 4, 1.5), {"dtype": "int16"}, "[int16 truncated step]"
    yield (0, 5, 0), {}, "[zero step]"
    yield (5, 0, 1), {}, "[wrong sign]"
    yield (0, float("inf")), {}, "[infinite end]"
    yield (0, 1), {"dtype": "bool"}, "[bool]"
    yield (0, 1), {"dtype": "float16"}, "[float16]"


def samples_logspace(meta, rng):
    for args in [(0, 2, 5), (-1, 1, 7), (2, 2, 1), (0, 3, 0), (1.5, -2.5, 6), (0, 10, 2)]:
        for kw in [{}, {"dtype": "float64"}, {"dtype": "int64"}, {"base": 2},
                   {"base": 2.5, "dtype": "float64"}, {"dtype": "float16"}, {"dtype": "bfloat16"},
                   {"dtype": "uint8"}, {"dtype": "bool"}]:
            yield args, kw, f"[{args} {kw}]"
    yield (-2, 3, 7), {"base": 2, "dtype": "int8"}, "[int8 base 2]"
    yield (0, 4, 5), {"base": 3, "dtype": "int32"}, "[int32 base 3]"
    yield (0, 1, -1), {}, "[negative steps]"
    yield (0, 1, 3), {"dtype": "bool"}, "[bool]"


def samples_type_as(meta, rng):
    for a in ["float32", "float64", "int64", "bool", "float16"]:
        for b in ["float32", "float64", "int32", "bool", "bfloat16"]:
            x = make(values(rng, (2, 3), a), a)
            yield (x, make(values(rng, (1,), b), b)), {}, f"[{a} as {b}]"


def samples_mvlgamma(meta, rng):
    for p in [1, 2, 3, 5]:
        lo = (p - 1) / 2 + 0.2
        for dt in ["float32", "float64"]:
            for shape in [(4,), (2, 3), ()]:
                x = make(rng.uniform(lo, lo + 6, shape), dt)
                yield (x, p), {}, f"[{dt} {shape} p={p}]"
            t = make(rng.uniform(lo, lo + 6, (3, 4)), dt)
            yield (Pair(t.t.t(), t.s.t()), p), {}, f"[{dt} transposed p={p}]"
        for dt in ["int64", "int32", "uint8"]:
            x = make(np.floor(rng.uniform(lo + 1, lo + 8, (5,))), dt)
            yield (x, p), {}, f"[{dt} p={p}]"
        for dt in ["float16", "bfloat16"]:
            x = make(rng.uniform(lo, lo + 4, (5,)), dt)
            yield (x, p), {}, f"[{dt} p={p}]"
    x = make(rng.uniform(1, 3, (3,)), "float32")
    yield (x, 0), {}, "[p=0]"
    yield (x, -1), {}, "[p=-1]"
    yield (make(values(rng, (3,), "bool"), "bool"), 1), {}, "[bool]"
    yield (make(np.array([0.4, 2.0, 0.0, -1.5]), "float64"), 2), {}, "[below (p-1)/2]"
