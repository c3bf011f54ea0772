"""Samples for the gather/scatter/index_add family (src/ops/scatter.cpp), used by test_ops.py:
every dtype, each dim, repeated indices, non-contiguous self/index/src, 0-dim and empty
operands, and invalid calls (bounds, dtypes, shapes) whose exception type must match torch's."""
import numpy as np

from oracle import DTYPES, Pair, make, values


def scalar(v, dt):
    """A 0-dim tensor (make() gives numpy's at-least-1-d arrays)."""
    p = make(np.array([v]), dt)
    return Pair(p.t.reshape(()), p.s.reshape(()))


def long_index(rng, shape, hi, lo=0):
    return make(np.floor(rng.uniform(lo, hi, shape)), "int64")


def transposed(p):
    return Pair(p.t.transpose(0, -1), p.s.transpose(0, -1))


def samples_gather(meta, rng):
    for dt in DTYPES:
        x = make(values(rng, (3, 4, 5), dt), dt)
        for dim in [0, 1, 2, -1]:
            shape = [2, 3, 4]
            shape[dim] = 6  # the index may be longer than self along dim
            yield (x, dim, long_index(rng, shape, x.t.shape[dim])), {}, f"[{dt} dim={dim}]"
    x = make(values(rng, (4, 6), "float32"), "float32")
    xt = transposed(make(values(rng, (6, 4), "float64"), "float64"))
    yield (xt, 1, long_index(rng, (3, 5), 6)), {}, "[transposed self]"
    yield (Pair(x.t[:, ::2], x.s[:, ::2]), 0, long_index(rng, (5, 2), 4)), {}, "[stepped self]"
    yield (x, 1, transposed(long_index(rng, (5, 4), 6))), {}, "[transposed index]"
    e = long_index(rng, (1, 3), 6)
    yield (x, 1, Pair(e.t.expand(4, 3), e.s.expand(4, 3))), {}, "[expanded index]"
    yield (x, 0, long_index(rng, (0, 3), 4)), {}, "[empty index]"
    yield (scalar(rng.uniform(-5, 5), "float32"), 0, scalar(0.0, "int64")), {}, "[0-dim]"
    yield (scalar(rng.uniform(-5, 5), "float32"), -1, make(np.array([0.0]), "int64")), {}, "[0-dim self, 1-d index]"
    yield (make(values(rng, (5,), "int64"), "int64"), 0, long_index(rng, (1000,), 5)), {}, "[long index]"
    yield (x, 1, make(np.array([[0.0, 6.0]]), "int64")), {}, "[out of bounds]"
    yield (x, 1, make(np.array([[0.0, -1.0]]), "int64")), {}, "[negative]"
    yield (x, 1, make(np.array([[0.0, 1.0]]), "int32")), {}, "[int32 index]"
    yield (x, 1, make(np.array([0.0, 1.0]), "int64")), {}, "[1-d index]"
    yield (x, 0, long_index(rng, (2, 7), 4)), {}, "[index wider than self]"
    yield (x, 2, long_index(rng, (2, 2), 4)), {}, "[bad dim]"


def scatter_operands(rng, dt, shape=(3, 4, 5)):
    x = make(values(rng, shape, dt), dt)
    for dim in [0, 1, -1]:
        ishape = [2, 3, 4]
        ishape[dim] = 5  # repeated indices along dim
        src_shape = [6, 6, 6]
        yield x, dim, long_index(rng, ishape, x.t.shape[dim]), make(values(rng, src_shape, dt), dt)


def scatter_layouts(rng, value=None):
    """Non-contiguous operands and invalid calls (src, or value when given)."""
    x = make(values(rng, (4, 6), "float32"), "float32")
    s = make(values(rng, (6, 6), "float32"), "float32")
    last = (lambda p: value) if value is not None else (lambda p: p)  # noqa: E731
    yield (transposed(make(values(rng, (6, 4), "float32"), "float32")), 1,
           long_index(rng, (3, 5), 6), last(s)), "[transposed self]"
    yield (Pair(x.t[:, ::2], x.s[:, ::2]), 0, long_index(rng, (5, 2), 4), last(s)), "[stepped self]"
    yield (x, 1, transposed(long_index(rng, (5, 4), 6)), last(transposed(s))), "[transposed index, src]"
    e = long_index(rng, (1, 3), 6)
    yield (x, 1, Pair(e.t.expand(4, 3), e.s.expand(4, 3)), last(s)), "[expanded index]"
    yield (x, 0, long_index(rng, (0, 3), 4), last(s)), "[empty index]"
    z = scalar(rng.uniform(-5, 5), "float32")
    yield (z, 0, scalar(0.0, "int64"), last(z)), "[0-dim]"
    yield (x, 1, make(np.array([[0.0, 6.0]]), "int64"), last(s)), "[out of bounds]"
    yield (x, 1, make(np.array([[0.0, -1.0]]), "int64"), last(s)), "[negative]"
    yield (x, 1, make(np.array([[0.0, 1.0]]), "int32"), last(s)), "[int32 index]"
    yield (x, 1, make(np.array([0.0, 1.0]), "int64"), last(s)), "[1-d index]"
    yield (x, 0, long_index(rng, (2, 7), 4), last(s)), "[index wider than self]"
    yield (x, 2, long_index(rng, (2, 2), 4), last(s)), "[bad dim]"
    if value is None:
        yield (x, 1, long_index(rng, (4, 3), 6), make(values(rng, (4, 2), "float32"), "float32")), "[src too small]"
        yield (x, 1, long_index(rng, (4, 3), 6), make(values(rng, (6, 6), "float64"), "float64")), "[src dtype]"
        yield (x, 1, long_index(rng, (4, 3), 6), z), "[0-dim src]"


def samples_scatter(meta, rng):
    for dt in DTYPES:
        for x, dim, i, src in scatter_operands(rng, dt):
            yield (x, dim, i, src), {}, f"[{dt} dim={dim}]"
    for args, label in scatter_layouts(rng):
        yield args, {}, label


def samples_scatter_value(meta, rng):
    for dt in DTYPES:
        for x, dim, i, _ in scatter_operands(rng, dt):
            for v in [2.5, 3, True]:
                yield (x, dim, i, v), {}, f"[{dt} dim={dim} value={v}]"
    for args, label in scatter_layouts(rng, value=-1.5):
        yield args, {}, label
    yield from value_overflow_samples(rng)


def value_overflow_samples(rng, tensor_value=False):
    """Values outside the dtype's range raise (checked conversion); -max..-1 wrap into uint8."""
    for dt, v in [("uint8", 300), ("uint8", -255), ("uint8", -256), ("uint8", 255.5),
                  ("int8", -129), ("int16", 40000), ("int32", 2.0 ** 31), ("float16", 1e6),
                  ("float16", float("inf")), ("bfloat16", 1e39), ("float32", 1e39), ("bool", 5)]:
        x = make(values(rng, (3, 4), dt), dt)
        i = make(np.array([[0.0, 2.0]]), "int64") if not tensor_value else make(np.array([1.0]), "int64")
        yield (x, 1, i, v), {}, f"[{dt} value={v}]"


def samples_scatter_reduce_arg(meta, rng):
    for dt in DTYPES:
        for x, dim, i, src in scatter_operands(rng, dt):
            for r in ["add", "multiply"]:
                yield (x, dim, i, src), {"reduce": r}, f"[{dt} dim={dim} {r}]"
    for args, label in scatter_layouts(rng):
        yield args, {"reduce": "multiply"}, label
    x, dim, i, src = next(scatter_operands(rng, "float32"))
    yield (x, dim, i, src), {"reduce": "mean"}, "[bad reduce]"
    for r in ["add", "multiply"]:  # the Scalar overload
        yield (x, dim, i, 1.5), {"reduce": r}, f"[value {r}]"


def samples_scatter_reduce(meta, rng):
    for dt in DTYPES:
        for x, dim, i, src in scatter_operands(rng, dt):
            for r in ["sum", "prod", "mean", "amax", "amin"]:
                for inc in [True, False]:
                    yield (x, dim, i, src, r), {"include_self": inc}, f"[{dt} dim={dim} {r} {inc}]"
    for args, label in scatter_layouts(rng):
        yield args + ("amax",), {}, label
    x, dim, i, src = next(scatter_operands(rng, "float32"))
    yield (x, dim, i, src, "max"), {}, "[bad reduce]"
    nan = make(np.array([[np.nan, 1.0, 2.0, 3.0]]), "float32")
    yield (nan, 1, make(np.array([[1.0, 1.0, 0.0]]), "int64"),
           make(np.array([[np.nan, 5.0, 7.0]]), "float32"), "amax"), {}, "[nan]"


def index_operands(rng, dt, unique):
    x = make(values(rng, (3, 4, 5), dt), dt)
    for dim in [0, 1, -1]:
        n = x.t.shape[dim]
        idx = rng.permutation(n)[:n - 1] if unique else np.floor(rng.uniform(0, n, n + 2))
        shape = [3, 4, 5]
        shape[dim] = len(idx)
        yield x, dim, make(idx.astype(np.float64), "int64"), make(values(rng, shape, dt), dt)


def index_errors(rng):
    x = make(values(rng, (3, 4), "float32"), "float32")
    s = make(values(rng, (2, 4), "float32"), "float32")
    yield (x, 0, make(np.array([0.0, 3.0]), "int64"), s), "[out of range]"
    yield (x, 0, make(np.array([0.0, -1.0]), "int64"), s), "[negative]"
    yield (x, 0, make(np.array([[0.0, 1.0]]), "int64"), s), "[2-d index]"
    yield (x, 0, make(np.array([0.0, 1.0]), "float32"), s), "[float index]"
    yield (x, 0, make(np.array([0.0, 1.0]), "int32"), s), "[int32 index]"
    yield (x, 0, make(np.array([0.0, 1.0, 2.0]), "int64"), s), "[index longer than source]"
    yield (x, 0, make(np.array([0.0, 1.0]), "int64"), make(values(rng, (2, 5), "float32"), "float32")), "[slice shape]"
    yield (x, 0, make(np.array([0.0, 1.0]), "int64"), make(values(rng, (2, 4), "float64"), "float64")), "[dtype]"
    yield (x, 2, make(np.array([0.0, 1.0]), "int64"), s), "[bad dim]"
    yield (transposed(make(values(rng, (4, 3), "float32"), "float32")), 1,
           make(np.array([3.0, 0.0]), "int64"), transposed(make(values(rng, (2, 3), "float32"), "float32"))), "[transposed]"
    yield (Pair(x.t[:, ::2], x.s[:, ::2]), 1, make(np.array([1.0]), "int64"),
           make(values(rng, (3, 1), "float32"), "float32")), "[stepped self]"
    z = scalar(rng.uniform(-5, 5), "float32")
    yield (z, 0, make(np.array([0.0]), "int64"), z), "[0-dim]"
    yield (make(values(rng, (5,), "float32"), "float32"), 0, make(np.array([2.0]), "int64"), z), "[0-dim source]"
    yield (x, 0, make(np.zeros(0), "int64"), make(values(rng, (0, 4), "float32"), "float32")), "[empty index]"


def samples_index_add(meta, rng):
    for dt in DTYPES:
        for x, dim, i, src in index_operands(rng, dt, unique=False):
            yield (x, dim, i, src), {}, f"[{dt} dim={dim}]"
            yield (x, dim, i, src), {"alpha": 2}, f"[{dt} dim={dim} alpha=2]"
    x, dim, i, src = next(index_operands(rng, "float64", unique=False))
    yield (x, dim, i, src), {"alpha": -0.5}, "[alpha=-0.5]"
    for args, label in index_errors(rng):
        yield args, {}, label
    x = make(values(rng, (3, 4), "float32"), "float32")
    i = make(np.array([2.0, 0.0, 2.0]), "int64")
    yield (x, 0, i, make(values(rng, (3, 1), "float32"), "float32")), {}, "[broadcast source]"
    yield (x, 0, i, make(values(rng, (3,), "float32"), "float32")), {}, "[1-d source]"
    yield (x, 1, scalar(2.0, "int64"), make(values(rng, (3, 1), "float32"), "float32")), {}, "[0-dim index]"


def samples_index_copy(meta, rng):
    for dt in DTYPES:
        for x, dim, i, src in index_operands(rng, dt, unique=True):
            yield (x, dim, i, src), {}, f"[{dt} dim={dim}]"
    for args, label in index_errors(rng):
        yield args, {}, label


def samples_index_fill(meta, rng, tensor_value=False):
    for dt in DTYPES:
        for x, dim, i, _ in index_operands(rng, dt, unique=False):
            for v in [2.5, -1, True]:
                val = scalar(float(v), dt) if tensor_value else v
                yield (x, dim, i, val), {}, f"[{dt} dim={dim} value={v}]"
    x = make(values(rng, (3, 4), "float32"), "float32")
    v = scalar(1.5, "float64") if tensor_value else 1.5
    cases = [([4.0], "out of bounds"), ([[0.0]], "2-d index"), (2.0, "0-dim index")]
    if not tensor_value:
        # torch 1.13's backward for a tensor value raises on negative indices (index_select
        # inside its formula); torsh returns the gradient. Negative indices are checked here.
        cases += [([0.0, -1.0], "negative"), ([-4.0], "negative bound")]
    for idx, label in cases:
        i = scalar(idx, "int64") if isinstance(idx, float) else make(np.array(idx), "int64")
        yield (x, 1, i, v), {}, f"[{label}]"
    yield (x, 1, make(np.array([0.0]), "int32"), v), {}, "[int32 index]"
    yield (x, 2, make(np.array([0.0]), "int64"), v), {}, "[bad dim]"
    yield (transposed(x), 1, make(np.array([2.0, 0.0]), "int64"), v), {}, "[transposed]"
    yield (scalar(rng.uniform(-5, 5), "float32"), 0, make(np.array([0.0]), "int64"), v), {}, "[0-dim]"
    if tensor_value:
        yield (x, 1, make(np.array([0.0]), "int64"), make(np.array([1.5]), "float32")), {}, "[1-d value]"
    else:
        yield from value_overflow_samples(rng, tensor_value=True)


def samples_index_fill_tensor(meta, rng):
    yield from samples_index_fill(meta, rng, tensor_value=True)


INDEX_FAMILY = ("scatter", "scatter_value", "scatter_reduce_arg", "scatter_reduce", "index_add",
                "index_copy", "index_fill", "index_fill_tensor")


def index_family_operands(kind, rng, dt):
    """Operands after self (3x4 of dtype dt) for the in-place and out= checks."""
    if kind.startswith("scatter"):
        idx = long_index(rng, (3, 2), 4)
        last = 2.5 if kind == "scatter_value" else make(values(rng, (3, 4), dt), dt)
        extra = [1, idx, last] + (["amax"] if kind == "scatter_reduce" else [])
        return extra, {"reduce": "add"} if kind == "scatter_reduce_arg" else {}
    idx = make(np.array([2.0, 0.0]), "int64")
    if kind == "index_fill":
        return [0, idx, -1.5], {}
    if kind == "index_fill_tensor":
        return [0, idx, scalar(2.5, dt)], {}
    return [0, idx, make(values(rng, (2, 4), dt), dt)], {"alpha": 2} if kind == "index_add" else {}
