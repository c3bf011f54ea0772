"""Samples for the shape ops (src/ops/shape.cpp, src/ops/shape_diag.cpp), used by test_ops.py:
every dtype on every layout (0-dim, empty, contiguous, transposed, stepped, expanded), 3-d
inputs, and invalid calls (bad dims, sizes that do not divide, negative sections, ...) whose
exception type must match torch's."""
import numpy as np

from oracle import DTYPES, Pair, layouts, make, values


def f32(rng, shape, dt="float32"):
    return make(values(rng, shape, dt), dt)


def scalar(v, dt):
    p = make(np.array([v]), dt)
    return Pair(p.t.reshape(()), p.s.reshape(()))


def all_layouts(rng, dtypes=DTYPES):
    """(dtype, label, input) over the dtype matrix and layouts(), plus 3-d permuted inputs."""
    for dt in dtypes:
        for label, x in layouts(rng, dt):
            yield dt, label, x
        p = make(values(rng, (4, 3, 5), dt), dt)
        yield dt, "3d permuted", Pair(p.t.permute(2, 0, 1), p.s.permute(2, 0, 1))


def first_float(rng):
    """Small float32 inputs first, so that gradcheck picks them."""
    yield "f32 mat", f32(rng, (4, 6))
    yield "f32 3d", f32(rng, (2, 3, 4))


def samples_narrow_tensor(meta, rng):
    x = f32(rng, (4, 5))
    for label, start in [("0-dim int64", scalar(1, "int64")), ("0-dim int32", scalar(2, "int32")),
                         ("0-dim negative", scalar(-2, "int64")),
                         ("0-dim float", scalar(1.0, "float32")),
                         ("1-d", make(np.array([1]), "int64"))]:
        yield (x, 1, start, 2), {}, f"[{label}]"


def samples_split(meta, rng):
    for label, x in first_float(rng):
        yield (x, 2), {}, f"[{label}]"
        yield (x, 3, 1), {}, f"[{label} dim=1]"
    for dt, label, x in all_layouts(rng):
        yield (x, 2), {}, f"[{dt},{label}]"
        yield (x, 3, -1), {}, f"[{dt},{label} dim=-1]"
    x = f32(rng, (5, 4))
    yield (x, 5), {}, "[whole]"
    yield (x, 7), {}, "[larger than dim]"
    yield (x, 0), {}, "[zero size]"
    yield (f32(rng, (0, 3)), 0), {}, "[zero size, empty dim]"
    yield (x, -1), {}, "[negative size]"
    yield (x, 2, 2), {}, "[dim out of range]"


def samples_split_sizes(meta, rng):
    for label, x in first_float(rng):
        yield (x, [1, 3]), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        n = x.t.shape[0] if x.t.dim() else 1
        yield (x, [1, n - 1]), {}, f"[{dt},{label}]"
        yield (x, [n]), {}, f"[{dt},{label} one]"
    x = f32(rng, (5, 4))
    yield (x, [1, 1, 2], 1), {}, "[dim=1]"
    yield (x, [0, 5, 0]), {}, "[zeros]"
    yield (x, (2, 3)), {}, "[tuple]"
    yield (x, [2, 2]), {}, "[bad sum]"
    yield (x, [-1, 6]), {}, "[negative]"
    yield (x, [2, 3], 3), {}, "[dim out of range]"


def samples_chunk(meta, rng):
    for label, x in first_float(rng):
        yield (x, 2), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x, 3), {}, f"[{dt},{label}]"
        yield (x, 2, -1), {}, f"[{dt},{label} dim=-1]"
    x = f32(rng, (6, 5))
    for c in [1, 4, 5, 6, 7, 100]:
        yield (x, c), {}, f"[chunks={c}]"
    yield (f32(rng, (0, 3)), 3), {}, "[empty dim]"
    yield (x, 0), {}, "[zero chunks]"
    yield (x, -1), {}, "[negative chunks]"
    yield (x, 2, 2), {}, "[dim out of range]"


def samples_unbind(meta, rng):
    for label, x in first_float(rng):
        yield (x, 1), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"
        yield (x, -1), {}, f"[{dt},{label} dim=-1]"
    yield (f32(rng, (2, 3)), 2), {}, "[dim out of range]"


def samples_tensor_split(meta, rng):
    for label, x in first_float(rng):
        yield (x, 3), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x, 3), {}, f"[{dt},{label}]"
        yield (x, 2, -1), {}, f"[{dt},{label} dim=-1]"
    x = f32(rng, (7, 4))
    for s in [1, 2, 7, 9]:
        yield (x, s), {}, f"[sections={s}]"
    yield (x, 0), {}, "[zero sections]"
    yield (x, -2), {}, "[negative sections]"
    yield (x, 2, 3), {}, "[dim out of range]"


def samples_tensor_split_indices(meta, rng):
    for label, x in first_float(rng):
        yield (x, [1, 3]), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x, [1, 2]), {}, f"[{dt},{label}]"
    x = f32(rng, (7, 4))
    for idx in [[3], [-1], [3, 1], [2, 10], [0, 0, 7], [], (1, 2)]:
        yield (x, idx), {}, f"[{idx}]"
    yield (x, [1, 2], 1), {}, "[dim=1]"
    yield (x, [1], 2), {}, "[dim out of range]"


def samples_tensor_split_tensor(meta, rng):
    x = f32(rng, (7, 4))
    yield (x, scalar(3, "int64")), {}, "[0-dim sections]"
    yield (x, make(np.array([1, 4]), "int64")), {}, "[1-d indices]"
    yield (x, make(np.array([1, 3]), "int64"), 1), {}, "[1-d indices dim=1]"
    yield (Pair(x.t.t(), x.s.t()), make(np.array([2]), "int64")), {}, "[transposed]"
    yield (x, make(np.array([1.0, 2.0]), "float32")), {}, "[float indices]"
    yield (x, make(np.array([1, 2]), "int32")), {}, "[int32 indices]"
    yield (x, make(np.array([[1, 2]]), "int64")), {}, "[2-d indices]"
    yield (x, scalar(0, "int64")), {}, "[zero sections]"
    yield (scalar(1.0, "float32"), scalar(2, "int64")), {}, "[0-dim self]"


def samples_hsplit(meta, rng):
    for shape in [(4, 6, 2), (6, 4), (6,), (2, 2, 4)]:
        x = f32(rng, shape)
        yield (x, 2), {}, f"[{shape} 2]"
        yield (x, [1, 3]), {}, f"[{shape} [1, 3]]"
        yield (x, 3), {}, f"[{shape} 3]"
    for dt, label, x in all_layouts(rng):
        yield (x, 1), {}, f"[{dt},{label}]"
        yield (x, [1]), {}, f"[{dt},{label} [1]]"
    x = f32(rng, (5, 5, 5))
    yield (x, 2), {}, "[does not divide]"
    yield (x, 0), {}, "[zero sections]"
    yield (x, -1), {}, "[negative sections]"


def samples_flip(meta, rng):
    for label, x in first_float(rng):
        yield (x, [0, 1]), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        nd = x.t.dim()
        yield (x, [0] if nd else []), {}, f"[{dt},{label}]"
        yield (x, list(range(nd))), {}, f"[{dt},{label} all]"
        yield (x, [-1]), {}, f"[{dt},{label} -1]"
    x = f32(rng, (3, 4, 5))
    yield (x, (2, 0)), {}, "[tuple]"
    yield (x, []), {}, "[no dims]"
    yield (x, [0, 0]), {}, "[repeated]"
    yield (x, [0, -3]), {}, "[repeated negative]"
    yield (x, [3]), {}, "[dim out of range]"


def samples_fliplr(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"


def samples_roll(meta, rng):
    for label, x in first_float(rng):
        yield (x, 1), {}, f"[{label} flattened]"
        yield (x, (1, -2), (0, 1)), {}, f"[{label} two dims]"
    for dt, label, x in all_layouts(rng):
        yield (x, 2), {}, f"[{dt},{label} flattened]"
        if x.t.dim():
            yield (x, -3, 0), {}, f"[{dt},{label} dim 0]"
            yield (x, 7, -1), {}, f"[{dt},{label} dim -1]"
    x = f32(rng, (3, 4, 5))
    yield (x, (1, 2, 3), (0, 1, 2)), {}, "[three dims]"
    yield (x, (1, 1), (0, 0)), {}, "[same dim twice]"
    yield (x, 0, 1), {}, "[zero shift]"
    yield (x, 100, 2), {}, "[large shift]"
    yield (x, 1, 3), {}, "[dim out of range]"
    yield (x, (1, 2), 0), {}, "[shifts and dims differ]"
    yield (x, (1, 2)), {}, "[two shifts, no dims]"
    yield (x, []), {}, "[no shifts]"


def samples_rot90(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x, 1), {}, f"[{dt},{label}]"
    x = f32(rng, (3, 4, 5))
    for k in [0, 1, 2, 3, 4, -1, -3, 7]:
        yield (x, k), {}, f"[k={k}]"
        yield (x, k, [2, 0]), {}, f"[k={k} dims=[2, 0]]"
    yield (x, 1, [-1, -2]), {}, "[negative dims]"
    yield (x, 1, [0]), {}, "[one dim]"
    yield (x, 1, [0, 1, 2]), {}, "[three dims]"
    yield (x, 1, [1, 1]), {}, "[same dims]"
    yield (x, 1, [0, -3]), {}, "[same dim wrapped]"
    yield (x, 1, [0, 3]), {}, "[dim out of range]"
    yield (f32(rng, (4,)), 1), {}, "[1-d]"


def samples_movedim(meta, rng):
    for label, x in first_float(rng):
        yield (x, 0, -1), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        if x.t.dim():
            yield (x, 0, -1), {}, f"[{dt},{label}]"
    x = f32(rng, (2, 3, 4, 5))
    for src, dst in [(1, 3), (-1, 0), ([0, 1], [2, 3]), ([3, 0], [0, 3]), ((0, 2), (1, 0)),
                     ([], []), ([0, 0], [1, 2]), ([0, 1], [2, 2]), ([0], [1, 2]), (4, 0),
                     (0, -5)]:
        yield (x, src, dst), {}, f"[{src}->{dst}]"
    yield (scalar(1.5, "float32"), 0, -1), {}, "[0-dim]"


def samples_broadcast_tensors(meta, rng):
    shapes = [[(3, 1), (1, 4)], [(2, 3, 4), (4,), ()], [(5,)], [(0, 3), (1, 3)],
              [(3,), (4,)], [(2, 1, 3), (2, 3)]]
    for dt in ["float32", "float64", "int64", "bool", "float16"]:
        for ss in shapes:
            yield tuple(make(values(rng, s, dt), dt) for s in ss), {}, f"[{dt} {ss}]"
    a = f32(rng, (4, 3))
    yield (Pair(a.t.t(), a.s.t()), f32(rng, (2, 1, 4))), {}, "[transposed]"
    yield (), {}, "[none]"


def samples_view_as(meta, rng):
    x = f32(rng, (2, 3, 4))
    for shape in [(6, 4), (24,), (4, 3, 2), (5, 5)]:
        yield (x, f32(rng, shape)), {}, f"[{shape}]"
    tr = Pair(x.t.transpose(0, 2), x.s.transpose(0, 2))
    yield (tr, f32(rng, (24,))), {}, "[transposed]"
    yield (scalar(1.0, "float32"), f32(rng, (1, 1))), {}, "[0-dim]"
    for dt, label, x in all_layouts(rng):
        yield (x, make(values(rng, (int(np.prod(x.t.shape)),), "int64"), "int64")), {}, \
            f"[{dt},{label} flat]"


def samples_unflatten(meta, rng):
    x = f32(rng, (2, 12))
    for dim, sizes in [(1, (3, 4)), (1, (-1, 4)), (-1, (2, 2, 3)), (0, (1, 2)), (1, [12]),
                       (1, (5, 5)), (1, ()), (1, (-1, -1)), (2, (3, 4)), (1, (0, -1))]:
        yield (x, dim, sizes), {}, f"[{dim} {sizes}]"
    tr = Pair(x.t.t(), x.s.t())
    yield (tr, 0, (3, 4)), {}, "[transposed]"
    for dt, label, y in all_layouts(rng):
        if y.t.dim():
            yield (y, 0, (1, -1)), {}, f"[{dt},{label}]"


def samples_ravel(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"


def samples_tril(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
        yield (x, -1), {}, f"[{label} -1]"
    for dt, label, x in all_layouts(rng):
        for k in [0, 1, -2]:
            yield (x, k), {}, f"[{dt},{label} {k}]"
    x = f32(rng, (2, 3, 5))
    for k in [-5, -3, 2, 4, 10, -10]:
        yield (x, k), {}, f"[3d {k}]"
    nan = np.full((3, 3), np.nan)
    yield (make(nan, "float32"),), {}, "[nan]"


def samples_diagonal(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
        yield (x, 1, -1, 0), {}, f"[{label} 1,-1,0]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"
        yield (x, -1), {}, f"[{dt},{label} -1]"
    x = f32(rng, (3, 4, 5))
    for off, d1, d2 in [(0, 0, 2), (2, 2, 0), (-2, 1, 2), (5, 0, 1), (-4, 0, 1), (0, 1, 1),
                        (0, -1, 2), (0, 3, 0)]:
        yield (x, off, d1, d2), {}, f"[{off},{d1},{d2}]"


def samples_diagonal_scatter(meta, rng):
    x = f32(rng, (3, 4))
    for off in [0, 1, 2, -1, -2]:
        n = len(np.diagonal(np.zeros((3, 4)), off))
        yield (x, f32(rng, (n,)), off), {}, f"[{off}]"
    y = f32(rng, (2, 3, 4))
    yield (y, f32(rng, (2, 3)), 0, 1, 2), {}, "[3d]"
    yield (y, f32(rng, (4, 2)), 0, 0, 1), {}, "[3d dims 0,1]"
    for dt in DTYPES:
        yield (make(values(rng, (3, 3), dt), dt), make(values(rng, (3,), dt), dt)), {}, f"[{dt}]"
    tr = Pair(x.t.t(), x.s.t())
    yield (tr, f32(rng, (3,))), {}, "[transposed]"
    s = f32(rng, (1,))
    yield (x, Pair(s.t.expand(3), s.s.expand(3))), {}, "[expanded src]"
    yield (x, f32(rng, (4,))), {}, "[bad src size]"
    yield (x, make(values(rng, (3,), "int64"), "int64")), {}, "[int src]"
    yield (x, f32(rng, (3,)), 0, 1, 1), {}, "[same dims]"


def samples_diag_embed(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
        yield (x, 1, 0, 2), {}, f"[{label} 1,0,2]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"
        yield (x, -2), {}, f"[{dt},{label} -2]"
    x = f32(rng, (2, 3))
    yield (x, 0, 0, 0), {}, "[same dims]"
    yield (x, 0, 3, 0), {}, "[dim out of range]"


def samples_diagflat(meta, rng):
    for label, x in first_float(rng):
        yield (x,), {}, f"[{label}]"
        yield (x, -2), {}, f"[{label} -2]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"
        yield (x, 1), {}, f"[{dt},{label} 1]"


def samples_diag(meta, rng):
    yield (f32(rng, (4,)),), {}, "[1-d]"
    yield (f32(rng, (3, 5)), 1), {}, "[2-d 1]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"
        if label != "empty":  # torch 1.13 raises a numel overflow for diag(empty, -1)
            yield (x, -1), {}, f"[{dt},{label} -1]"
        yield (x, 2), {}, f"[{dt},{label} 2]"


def samples_trace(meta, rng):
    yield (f32(rng, (3, 5)),), {}, "[f32]"
    for dt, label, x in all_layouts(rng):
        yield (x,), {}, f"[{dt},{label}]"


def samples_repeat(meta, rng):
    for label, x in first_float(rng):
        yield (x, (2, 1)) if x.t.dim() == 2 else (x, (1, 2, 2)), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        nd = x.t.dim()
        yield (x, (2,) * nd), {}, f"[{dt},{label}]"
        yield (x, (3, 1) + (2,) * nd), {}, f"[{dt},{label} leading]"
    x = f32(rng, (2, 3))
    yield (x, (1, 1)), {}, "[ones]"
    yield (x, (0, 2)), {}, "[zero]"
    yield (x, (2,)), {}, "[too few]"
    yield (x, (2, -1)), {}, "[negative]"
    yield (scalar(1.5, "float32"), ()), {}, "[0-dim no repeats]"
    yield (scalar(1.5, "float32"), (3,)), {}, "[0-dim]"


def samples_tile(meta, rng):
    for label, x in first_float(rng):
        yield (x, (2,)), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x, (2,)), {}, f"[{dt},{label}]"
        yield (x, (2, 1, 2)), {}, f"[{dt},{label} more]"
    x = f32(rng, (2, 3))
    yield (x, ()), {}, "[no dims]"
    yield (x, (0,)), {}, "[zero]"
    yield (x, (-1,)), {}, "[negative]"


def samples_repeat_interleave_indices(meta, rng):
    for dt in ["int64", "int32"]:
        yield (make(np.array([1, 0, 3, 2]), dt),), {}, f"[{dt}]"
        yield (make(np.array([2, 1]), dt),), {"output_size": 3}, f"[{dt} output_size]"
    yield (scalar(3, "int64"),), {}, "[0-dim]"
    yield (make(np.zeros((0,)), "int64"),), {}, "[empty]"
    yield (make(np.array([1, -1]), "int64"),), {}, "[negative]"
    yield (make(np.array([1.0, 2.0]), "float32"),), {}, "[float]"
    yield (make(np.array([[1, 2]]), "int64"),), {}, "[2-d]"
    yield (make(np.array([2, 1]), "int64"),), {"output_size": 4}, "[wrong output_size]"


def samples_repeat_interleave(meta, rng):
    x = f32(rng, (3, 4))
    yield (x, make(np.array([1, 0, 2]), "int64"), 0), {}, "[dim 0]"
    yield (x, make(np.array([2, 1, 1, 3]), "int64"), 1), {}, "[dim 1]"
    yield (x, make(np.array([1, 2, 0, 1]), "int32"), -1), {}, "[int32 repeats]"
    yield (x, scalar(2, "int64"), 0), {}, "[0-dim repeats]"
    yield (x, make(np.array([2]), "int64")), {}, "[flattened one repeat]"
    yield (x, make(np.arange(12) % 3, "int64")), {}, "[flattened]"
    yield (x, make(np.array([1, 2, 3]), "int64"), 0), {"output_size": 6}, "[output_size]"
    for dt, label, y in all_layouts(rng):
        yield (y, scalar(2, "int64"), 0), {}, f"[{dt},{label}]"
    yield (x, make(np.array([1, 2]), "int64"), 0), {}, "[wrong count]"
    yield (x, make(np.array([1, -1, 2]), "int64"), 0), {}, "[negative]"
    yield (x, make(np.array([1.0, 1.0, 2.0]), "float32"), 0), {}, "[float repeats]"
    yield (x, make(np.array([1, 1, 2]), "int64"), 2), {}, "[dim out of range]"


def samples_repeat_interleave_int(meta, rng):
    for label, x in first_float(rng):
        yield (x, 2, 0), {}, f"[{label}]"
    for dt, label, x in all_layouts(rng):
        yield (x, 2), {}, f"[{dt},{label} flattened]"
        yield (x, 3, 0), {}, f"[{dt},{label} dim 0]"
    x = f32(rng, (2, 3))
    yield (x, 0, 1), {}, "[zero]"
    yield (x, -1, 1), {}, "[negative]"
    yield (x, 2, 1), {"output_size": 6}, "[output_size]"
    yield (x, 2, 5), {}, "[dim out of range]"


def samples_stacks(meta, rng):
    for shapes in [[(3,), (3,)], [(2, 3), (2, 3)], [(2, 3), (2, 1)], [(2, 3, 2), (2, 3, 2)],
                   [(), ()], [(2, 3), (4, 3)], [(3,), (2, 3)], [(3,)], [(0, 3), (0, 3)],
                   [(2,), (3,)]]:
        for dt in ["float32", "int64"]:
            yield ([make(values(rng, s, dt), dt) for s in shapes],), {}, f"[{dt} {shapes}]"
    a = f32(rng, (3, 2))
    yield ([Pair(a.t.t(), a.s.t()), f32(rng, (2, 3))],), {}, "[transposed]"
    yield ([f32(rng, (2, 3)), make(values(rng, (2, 3), "int32"), "int32")],), {}, "[promote]"
    yield ([],), {}, "[empty list]"


def samples_atleast(meta, rng):
    for shape in [(), (3,), (2, 3), (2, 3, 4), (1, 2, 1, 2), (0,)]:
        x = f32(rng, shape)
        yield (x,), {}, f"[{shape}]"
        yield ([x, f32(rng, ())],), {}, f"[list {shape}]"
        yield (x, make(values(rng, (2,), "int64"), "int64")), {}, f"[varargs {shape}]"
    yield ((f32(rng, (2,)),),), {}, "[tuple of one]"
    yield ([],), {}, "[empty list]"


def samples_meshgrid(meta, rng):
    a, b, c = f32(rng, (3,)), f32(rng, (4,)), f32(rng, (2,))
    for ix in ["ij", "xy"]:
        yield (a, b), {"indexing": ix}, f"[2 {ix}]"
        yield (a, b, c), {"indexing": ix}, f"[3 {ix}]"
        yield (a,), {"indexing": ix}, f"[1 {ix}]"
        yield ([a, b],), {"indexing": ix}, f"[list {ix}]"
        yield (a, scalar(1.0, "float32")), {"indexing": ix}, f"[0-dim {ix}]"
        yield (a, f32(rng, (0,))), {"indexing": ix}, f"[empty {ix}]"
    for dt in ["int64", "bool", "float16"]:
        yield (make(values(rng, (3,), dt), dt), make(values(rng, (2,), dt), dt)), \
            {"indexing": "ij"}, f"[{dt}]"
    s = f32(rng, (8,))
    yield (Pair(s.t[::2], s.s[::2]), a), {"indexing": "xy"}, "[stepped]"
    yield (a, f32(rng, (2, 2))), {"indexing": "ij"}, "[2-d]"
    yield (a, make(values(rng, (2,), "int64"), "int64")), {"indexing": "ij"}, "[mixed dtypes]"
    yield (a, b), {"indexing": "ji"}, "[bad indexing]"
    yield ([],), {"indexing": "ij"}, "[empty list]"


def samples_cartesian_prod(meta, rng):
    a, b, c = f32(rng, (3,)), f32(rng, (2,)), f32(rng, (2,))
    yield (a, b), {}, "[2]"
    yield (a, b, c), {}, "[3]"
    yield (a,), {}, "[1]"
    yield (a, f32(rng, (0,))), {}, "[empty]"
    for dt in ["int64", "bool"]:
        yield (make(values(rng, (3,), dt), dt), make(values(rng, (2,), dt), dt)), {}, f"[{dt}]"
    yield (a, f32(rng, (2, 2))), {}, "[2-d]"
    yield (a, scalar(1.0, "float32")), {}, "[0-dim]"


def samples_combinations(meta, rng):
    x = f32(rng, (4,))
    for r in [2, 1, 3, 4, 5, 0]:
        for wr in [False, True]:
            yield (x, r, wr), {}, f"[r={r} {wr}]"
    for dt in ["int64", "bool", "float16"]:
        yield (make(values(rng, (3,), dt), dt),), {}, f"[{dt}]"
    s = f32(rng, (8,))
    yield (Pair(s.t[::3], s.s[::3]),), {}, "[stepped]"
    yield (f32(rng, (0,)),), {}, "[empty]"
    yield (x, -1), {}, "[negative r]"
    yield (f32(rng, (2, 2)),), {}, "[2-d]"
    yield (scalar(1.0, "float32"),), {}, "[0-dim]"


def samples_block_diag(meta, rng):
    yield (f32(rng, (2, 3)), f32(rng, (1, 2))), {}, "[2-d]"
    yield (f32(rng, (2, 2)), f32(rng, (3,)), scalar(2.0, "float32")), {}, "[1-d, 0-dim]"
    yield (f32(rng, (2, 3)),), {}, "[one]"
    yield (f32(rng, (2, 3)), make(values(rng, (2, 2), "int64"), "int64")), {}, "[promote]"
    yield (f32(rng, (0, 3)), f32(rng, (2, 0))), {}, "[empty]"
    a = f32(rng, (3, 2))
    yield (Pair(a.t.t(), a.s.t()), f32(rng, (1, 1))), {}, "[transposed]"
    for dt in ["int64", "bool", "float16"]:
        yield (make(values(rng, (2, 2), dt), dt), make(values(rng, (1, 3), dt), dt)), {}, f"[{dt}]"
    yield (), {}, "[none]"
    yield (f32(rng, (2, 2, 2)),), {}, "[3-d]"


def samples_unfold(meta, rng):
    for label, x in first_float(rng):
        yield (x, 1, 2, 1), {}, f"[{label}]"
        yield (x, 0, 2, 3), {}, f"[{label} step 3]"
    for dt, label, x in all_layouts(rng):
        yield (x, 0, 1, 1), {}, f"[{dt},{label}]"
        yield (x, -1, 2, 2), {}, f"[{dt},{label} -1]"
    x = f32(rng, (3, 5))
    yield (x, 1, 5, 1), {}, "[whole]"
    yield (x, 1, 0, 1), {}, "[size 0]"
    yield (x, 1, 6, 1), {}, "[too large]"
    yield (x, 1, 2, 0), {}, "[step 0]"
    yield (x, 1, -1, 1), {}, "[negative size]"
    yield (x, 2, 1, 1), {}, "[dim out of range]"
    yield (scalar(1.5, "float32"), 0, 1, 1), {}, "[0-dim]"
    yield (scalar(1.5, "float32"), 0, 2, 1), {}, "[0-dim too large]"


def samples_select_scatter(meta, rng):
    x = f32(rng, (3, 4))
    yield (x, f32(rng, (4,)), 0, 1), {}, "[dim 0]"
    yield (x, f32(rng, (3,)), 1, -1), {}, "[dim 1]"
    yield (Pair(x.t.t(), x.s.t()), f32(rng, (3,)), 0, 2), {}, "[transposed]"
    for dt in DTYPES:
        yield (make(values(rng, (2, 3), dt), dt), make(values(rng, (3,), dt), dt), 0, 0), {}, \
            f"[{dt}]"
    yield (x, f32(rng, (3,)), 0, 1), {}, "[bad src size]"
    yield (x, f32(rng, (4,)), 0, 3), {}, "[index out of range]"
    yield (x, f32(rng, (4,)), 2, 0), {}, "[dim out of range]"


def samples_slice_scatter(meta, rng):
    # start, end and step all given, by keyword: torch 1.13's binding reads garbage for the ones
    # left out (or passed by position), so only full calls are compared.
    x = f32(rng, (4, 6))
    kw = lambda s, e, st=1: {"start": s, "end": e, "step": st}  # noqa: E731
    yield (x, f32(rng, (2, 6)), 0), kw(0, 2), "[dim 0]"
    yield (x, f32(rng, (4, 2)), 1), kw(1, 5, 2), "[stepped]"
    yield (x, f32(rng, (1, 6)), 0), kw(-1, 4), "[negative start]"
    yield (x, f32(rng, (4, 6)), 0), kw(0, 100), "[end beyond]"
    yield (x, f32(rng, (4, 0)), 1), kw(4, 2), "[empty slice]"
    yield (Pair(x.t.t(), x.s.t()), f32(rng, (6, 2)), 1), kw(2, 4), "[transposed self]"
    src = f32(rng, (2, 4))
    yield (x, Pair(src.t.t(), src.s.t()), 1), kw(2, 4), "[transposed src]"
    for dt in DTYPES:
        yield (make(values(rng, (2, 3), dt), dt), make(values(rng, (2, 1), dt), dt), 1), \
            kw(1, 2), f"[{dt}]"
    yield (x, f32(rng, (4, 6)), 0), kw(1, 4), "[bad src size]"
    yield (x, f32(rng, (4, 6)), 2), kw(0, 1), "[dim out of range]"
    yield (x, f32(rng, (4, 6)), 0), kw(0, 4, 0), "[zero step]"


def samples_tri_indices(meta, rng):
    for args in [(3, 3), (4, 3), (3, 5, 1), (3, 5, -1), (4, 4, 10), (4, 4, -10), (0, 3), (1, 1)]:
        yield args, {}, f"[{args}]"
    yield (3, 4), {"dtype": "int32"}, "[int32]"
    yield (3, 4), {"dtype": "float32"}, "[float32]"
    yield (-1, 3), {}, "[negative row]"


def samples_as_strided(meta, rng):
    x = f32(rng, (3, 4))
    yield (x, (2, 2), (1, 2)), {}, "[2x2]"
    yield (x, (3, 3), (1, 1)), {}, "[overlapping]"
    yield (x, (2, 3), (4, 1), 1), {}, "[offset]"
    yield (x, (4, 3), (1, 4)), {}, "[transposing]"
    yield (x, (12,), (1,)), {}, "[flat]"
    yield (x, (), ()), {}, "[0-dim]"
    yield (x, (0, 3), (3, 1)), {}, "[empty]"
    yield (x, (3, 2), (0, 1)), {}, "[zero stride]"
    for dt, label, y in all_layouts(rng):
        yield (y, (1,), (1,)), {}, f"[{dt},{label}]"
    y = f32(rng, (4, 6))
    yield (Pair(y.t[1:, ::2], y.s[1:, ::2]), (2, 2), (6, 2)), {}, "[view keeps its offset]"
    yield (Pair(y.t[1:], y.s[1:]), (2, 2), (6, 1), 0), {}, "[view, offset 0]"
    yield (x, (2, 2), (1,)), {}, "[length mismatch]"
    yield (x, (2, 2), (-1, 1)), {}, "[negative stride]"
    yield (x, (4, 4), (4, 1)), {}, "[out of bounds]"
    yield (x, (2,), (1,), -1), {}, "[negative offset]"
    yield (x, (2,), (1,), 11), {}, "[offset out of bounds]"
