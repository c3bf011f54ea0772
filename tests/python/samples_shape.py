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
