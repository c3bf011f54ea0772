"""Samples for the masked and flat-index ops (src/ops/masked.cpp), used by test_ops.py: every
dtype, broadcast masks, non-contiguous operands, 0-dim and empty tensors, repeated and negative
flat indices, and invalid calls whose exception type must match torch's."""
import numpy as np

from oracle import DTYPES, Pair, make, values
from samples_index import long_index, scalar, transposed

MASKED_FAMILY = ("masked_fill", "masked_scatter", "put")


def mask(rng, shape):
    return make(rng.random(shape) > 0.5, "bool")


def stepped(p):
    return Pair(p.t[..., ::2], p.s[..., ::2])


def samples_masked_fill(meta, rng):
    tensor_value = meta.get("tensor_value", False)
    for dt in DTYPES:
        x = make(values(rng, (3, 4), dt), dt)
        for v in [2.5, -1, True]:
            val = scalar(float(v), dt) if tensor_value else v
            yield (x, mask(rng, (3, 4)), val), {}, f"[{dt} value={v}]"
        yield (x, mask(rng, (4,)), scalar(1.0, dt) if tensor_value else 1), {}, f"[{dt} broadcast mask]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    # value's gradient is a float32 sum (torch's order of addition differs from ours by an ulp),
    # so the mixed-dtype value goes with a mask that keeps the sum exact: one element
    yield (x, make(np.eye(3, 4, dtype=bool)[:1], "bool"), scalar(1.5, "float64") if tensor_value
           else 1.5), {}, "[float64 value]"
    v = scalar(1.5, "float32") if tensor_value else 1.5
    yield (x, mask(rng, (2, 3, 4)), v), {}, "[mask wider than self]"
    yield (transposed(x), mask(rng, (4, 3)), v), {}, "[transposed self]"
    yield (stepped(make(values(rng, (3, 8), "float64"), "float64")), mask(rng, (3, 4)), v), {}, "[stepped self]"
    yield (scalar(2.0, "float32"), scalar(1.0, "bool"), v), {}, "[0-dim]"
    yield (make(values(rng, (0, 4), "float32"), "float32"), mask(rng, (4,)), v), {}, "[empty]"
    yield (x, make(np.ones((3, 4)), "uint8"), v), {}, "[uint8 mask]"
    yield (x, mask(rng, (3, 5)), v), {}, "[bad mask shape]"
    if tensor_value:
        yield (x, mask(rng, (3, 4)), make(np.array([1.0]), "float32")), {}, "[1-d value]"
    else:
        yield (make(values(rng, (3, 4), "int8"), "int8"), mask(rng, (3, 4)), 300), {}, "[value overflows]"


def samples_masked_select(meta, rng):
    for dt in DTYPES:
        x = make(values(rng, (3, 4), dt), dt)
        yield (x, mask(rng, (3, 4))), {}, f"[{dt}]"
        yield (x, mask(rng, (2, 1, 4))), {}, f"[{dt} broadcast both]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    # (a transposed self: torch 1.13's gradient follows memory order, see test_reliability_4)
    yield (x, transposed(mask(rng, (4, 3)))), {}, "[transposed mask]"
    yield (scalar(2.0, "float32"), scalar(1.0, "bool")), {}, "[0-dim]"
    yield (make(values(rng, (0, 4), "float32"), "float32"), mask(rng, (4,))), {}, "[empty]"
    yield (x, make(np.ones((3, 4)), "uint8")), {}, "[uint8 mask]"
    yield (x, make(np.ones((3, 4)), "int32")), {}, "[int mask]"
    yield (x, mask(rng, (3, 5))), {}, "[bad mask shape]"


def samples_masked_scatter(meta, rng):
    for dt in DTYPES:
        x = make(values(rng, (3, 4), dt), dt)
        yield (x, mask(rng, (3, 4)), make(values(rng, (4, 4), dt), dt)), {}, f"[{dt}]"
        yield (x, mask(rng, (4,)), make(values(rng, (12,), dt), dt)), {}, f"[{dt} broadcast mask]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    src = make(values(rng, (2, 7), "float32"), "float32")
    yield (transposed(x), mask(rng, (4, 3)), src), {}, "[transposed self]"
    yield (x, mask(rng, (3, 4)), transposed(make(values(rng, (6, 3), "float32"), "float32"))), {}, "[transposed source]"
    yield (scalar(2.0, "float32"), scalar(1.0, "bool"), src), {}, "[0-dim]"
    yield (x, make(np.ones((3, 4), bool), "bool"), make(values(rng, (5,), "float32"), "float32")), {}, "[source too small]"
    yield (x, mask(rng, (3, 4)), make(values(rng, (20,), "float64"), "float64")), {}, "[dtype mismatch]"


def samples_take(meta, rng):
    for dt in DTYPES:
        x = make(values(rng, (3, 4), dt), dt)
        yield (x, long_index(rng, (2, 5), 12, -12)), {}, f"[{dt}]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (transposed(x), long_index(rng, (7,), 12)), {}, "[transposed self]"
    yield (x, transposed(long_index(rng, (4, 3), 12))), {}, "[transposed index]"
    yield (scalar(3.0, "float32"), scalar(0.0, "int64")), {}, "[0-dim]"
    yield (x, long_index(rng, (0, 3), 12)), {}, "[empty index]"
    yield (x, make(np.array([3.0, 12.0]), "int64")), {}, "[out of range]"
    yield (x, make(np.array([-13.0]), "int64")), {}, "[negative out of range]"
    yield (x, make(np.array([1.0]), "int32")), {}, "[int32 index]"
    yield (make(values(rng, (0,), "float32"), "float32"), make(np.array([0.0]), "int64")), {}, "[empty self]"


def samples_put(meta, rng):
    for dt in DTYPES:
        x = make(values(rng, (3, 4), dt), dt)
        idx = make(rng.permutation(12)[:5].astype(float) - 6, "int64")  # distinct, some negative
        src = make(values(rng, (5,), dt), dt)
        yield (x, idx, src), {}, f"[{dt}]"
        if dt != "bool":
            rep = long_index(rng, (2, 3), 12)
            yield (x, rep, make(values(rng, (6,), dt), dt), True), {}, f"[{dt} accumulate]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    idx = make(np.array([0.0, 5.0, -1.0]), "int64")
    yield (transposed(x), idx, make(values(rng, (3,), "float32"), "float32")), {}, "[transposed self]"
    yield (x, idx, make(values(rng, (1, 3), "float32"), "float32")), {}, "[2-d source]"
    yield (scalar(3.0, "float32"), scalar(0.0, "int64"), scalar(1.0, "float32")), {}, "[0-dim]"
    yield (x, idx, make(values(rng, (4,), "float32"), "float32")), {}, "[numel mismatch]"
    yield (x, make(np.array([12.0]), "int64"), make(np.array([1.0]), "float32")), {}, "[out of range]"
    yield (x, idx, make(values(rng, (3,), "float64"), "float64")), {}, "[dtype mismatch]"
    yield (x, make(np.array([1.0]), "int32"), make(np.array([1.0]), "float32")), {}, "[int32 index]"


def samples_take_along_dim(meta, rng):
    for dt in DTYPES:
        x = make(values(rng, (3, 4), dt), dt)
        yield (x, long_index(rng, (3, 2), 4), 1), {}, f"[{dt} dim=1]"
        yield (x, long_index(rng, (5, 4), 3), 0), {}, f"[{dt} dim=0]"
        yield (x, long_index(rng, (6,), 12)), {}, f"[{dt} flat]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    yield (x, long_index(rng, (1, 2), 4), -1), {}, "[broadcast index]"
    yield (make(values(rng, (3, 1), "float32"), "float32"), long_index(rng, (3, 4), 1), 0), {}, "[broadcast self]"
    yield (transposed(x), long_index(rng, (4, 2), 3), 1), {}, "[transposed self]"
    yield (scalar(3.0, "float32"), scalar(0.0, "int64"), 0), {}, "[0-dim]"
    yield (x, make(np.array([[0.0, 5.0]]), "int64"), 1), {}, "[out of range]"
    yield (x, make(np.array([[0.0]]), "int32"), 1), {}, "[int32 index]"
    yield (x, long_index(rng, (1, 1, 2), 3), 1), {}, "[dims differ]"
    yield (x, long_index(rng, (1, 2), 3), 2), {}, "[bad dim]"


def masked_operands(kind, rng, dt):
    """Operands after self (3x4 of dtype dt) for the in-place check."""
    if kind == "masked_fill":
        return [mask(rng, (3, 4)), 2.0 if dt != "bool" else True], {}
    if kind == "masked_scatter":
        return [mask(rng, (4,)), make(values(rng, (12,), dt), dt)], {}
    idx = make(np.array([2.0, 0.0, -1.0]), "int64")
    return [idx, make(values(rng, (3,), dt), dt)], {}


def samples_index_reduce(meta, rng):
    for dt in DTYPES:
        if dt == "bool":
            continue
        x = make(values(rng, (3, 4), dt), dt)
        for reduce in ["prod", "mean", "amax", "amin"]:
            for include_self in [True, False]:
                idx = make(np.array([2.0, 0.0, 2.0]), "int64")
                yield (x, 0, idx, make(values(rng, (3, 4), dt), dt), reduce), \
                    {"include_self": include_self}, f"[{dt} {reduce} self={include_self}]"
    x = make(values(rng, (3, 4), "float64"), "float64")
    src = make(values(rng, (3, 2), "float64"), "float64")
    yield (x, 1, make(np.array([3.0, 1.0]), "int32"), src, "mean"), {}, "[dim=1 int32 index]"
    yield (transposed(x), 0, make(np.array([1.0, 0.0]), "int64"), src, "prod"), {}, "[transposed self]"
    yield (make(values(rng, (5,), "float64"), "float64"), 0, make(np.array([4.0]), "int64"),
           scalar(2.0, "float64"), "amax"), {}, "[0-dim source]"
    yield (x, 1, make(np.array([3.0, 4.0]), "int64"), src, "prod"), {}, "[out of range]"
    yield (x, 1, make(np.array([-1.0, 0.0]), "int64"), src, "prod"), {}, "[negative]"
    yield (x, 1, make(np.array([0.0, 1.0]), "int64"), src, "sum"), {}, "[bad reduce]"
    yield (x, 1, make(np.array([0.0, 1.0, 2.0]), "int64"), src, "prod"), {}, "[count mismatch]"
    yield (x, 1, make(np.array([[0.0, 1.0]]), "int64"), src, "prod"), {}, "[2-d index]"
    yield (x, 1, make(np.array([0.0, 1.0]), "int64"), make(values(rng, (3, 2), "float32"), "float32"),
           "prod"), {}, "[dtype mismatch]"
