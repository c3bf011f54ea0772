"""Shape ops beyond the table's differential samples (tests/python/samples_shape.py): views
share storage with their input and copies do not (writes compared with torch), Tensor.T / mT /
H / mH, torch.broadcast_shapes, and out= / in-place forms."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from oracle import check, make, values

VIEWS_AND_COPIES = {
    "split": lambda x: x.split(2, 1),
    "split_sizes": lambda x: x.split([1, 2], 1),
    "split_with_sizes": lambda x: x.split_with_sizes([2, 1], 1),
    "chunk": lambda x: x.chunk(2, -1),
    "unbind": lambda x: x.unbind(1),
    "tensor_split": lambda x: x.tensor_split(2, 2),
    "tensor_split_indices": lambda x: x.tensor_split([1], 1),
    "hsplit": lambda x: x.hsplit(3),
    "vsplit": lambda x: x.vsplit([1]),
    "dsplit": lambda x: x.dsplit(2),
    "narrow_tensor": lambda x: x.narrow(1, torch_or_torsh(x).tensor(1), 2),
    "movedim": lambda x: x.movedim(0, -1),
    "moveaxis": lambda x: x.moveaxis([0, 1], [1, 0]),
    "swapaxes": lambda x: x.swapaxes(0, 2),
    "swapdims": lambda x: x.swapdims(1, 2),
    "broadcast_to": lambda x: x[:, :1].broadcast_to(2, 3, 4),
    "broadcast_tensors": lambda x: torch_or_torsh(x).broadcast_tensors(x, x[0]),
    "view_as": lambda x: x.view_as(torch_or_torsh(x).zeros(6, 4)),
    "reshape_as": lambda x: x.reshape_as(torch_or_torsh(x).zeros(4, 6)),
    "unflatten": lambda x: x.unflatten(2, (2, 2)),
    "ravel": lambda x: x.ravel(),
    "ravel (copy)": lambda x: x.transpose(0, 1).ravel(),
    "diagonal": lambda x: x.diagonal(1, 1, 2),
    "T": lambda x: x[0].T,
    "mT": lambda x: x.mT,
    "H": lambda x: x[0].H,
    "mH": lambda x: x.mH,
    "flip": lambda x: x.flip(0),
    "fliplr": lambda x: x.fliplr(),
    "flipud": lambda x: x.flipud(),
    "roll": lambda x: x.roll(1, 1),
    "rot90": lambda x: x.rot90(1, [1, 2]),
    "rot90 k=0": lambda x: x.rot90(0),
    "tril": lambda x: x.tril(),
    "triu": lambda x: x.triu(1),
    "diag": lambda x: x[0].diag(),
    "diag_embed": lambda x: x.diag_embed(),
    "diagflat": lambda x: x.diagflat(),
    "diagonal_scatter": lambda x: x[0].diagonal_scatter(x[0].diagonal()),
    "trace": lambda x: x[0].trace(),
    "unfold": lambda x: x.unfold(2, 2, 1),
    "as_strided": lambda x: x.as_strided((2, 2), (1, 4), 1),
    "atleast_3d": lambda x: torch_or_torsh(x).atleast_3d(x[0]),
    "atleast_1d list": lambda x: torch_or_torsh(x).atleast_1d([x[0, 0], x[1]]),
    "meshgrid": lambda x: torch_or_torsh(x).meshgrid(x[0, 0], x[1, 1], indexing="xy"),
    "repeat": lambda x: x.repeat(1, 1, 1),
    "tile": lambda x: x.tile((1,)),
    "repeat_interleave": lambda x: x.repeat_interleave(1, 0),
    "hstack": lambda x: torch_or_torsh(x).hstack([x]),
    "vstack": lambda x: torch_or_torsh(x).vstack([x[0]]),
    "dstack": lambda x: torch_or_torsh(x).dstack([x]),
    "column_stack": lambda x: torch_or_torsh(x).column_stack([x[0]]),
    "concat": lambda x: torch_or_torsh(x).concat([x]),
    "cartesian_prod": lambda x: torch_or_torsh(x).cartesian_prod(x[0, 0], x[0, 1]),
    "combinations": lambda x: torch_or_torsh(x).combinations(x[0, 0]),
    "block_diag": lambda x: torch_or_torsh(x).block_diag(x[0]),
    "narrow_copy": lambda x: x.narrow_copy(1, 0, 2),
    "select_scatter": lambda x: x.select_scatter(x[0], 0, 1),
    "slice_scatter": lambda x: x.slice_scatter(x[:1], 0, start=0, end=1, step=1),
}


def torch_or_torsh(x):
    return torch if isinstance(x, torch.Tensor) else torsh


@pytest.mark.parametrize("name", list(VIEWS_AND_COPIES))
def test_writes_through_results(name):
    """Writing into every result reaches the input exactly when torch's result is a view."""
    op = VIEWS_AND_COPIES[name]

    def run(x):
        x = x.clone()
        r = op(x)
        for i, t in enumerate(r if isinstance(r, tuple) else (r,)):
            if t.numel() and not (t.dim() and 0 in t.stride()):  # expanded: not writable
                t.add_(100 * (i + 1))
        return x
    x = make(np.arange(24.0).reshape(2, 3, 4), "float32")
    check(name, run, run, [x])


@pytest.mark.parametrize("shape", [(), (3,), (3, 4), (2, 3, 4), (2, 1, 3, 4)])
@pytest.mark.parametrize("attr", ["T", "mT", "H", "mH"])
def test_transpose_properties(attr, shape):
    x = make(values(np.random.default_rng(0), shape, "float32"), "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check("Tensor." + attr, lambda t: getattr(t, attr), lambda t: getattr(t, attr), [x])


def test_T_deprecation_warning():
    """torch 1.13 warns (once) when x.T reverses other than 2 dims."""
    torsh._shape._warned_T[0] = False
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torsh.zeros(2, 3, 4).T
        torsh.zeros(2, 3).T
    assert len(w) == 1 and "x.T" in str(w[0].message)


@pytest.mark.parametrize("shapes", [
    [(3, 1), (1, 4)], [(2, 3, 4), (4,), ()], [3, (2, 1)], [(5,)], [], [[2, 1], (1, 2)],
    [(0, 3), (1, 3)], [(3,), (4,)], [(2, -1)], ["ab"], [(1,), 2.0]])
def test_broadcast_shapes(shapes):
    def f(lib):
        def g(*s):
            r = lib.broadcast_shapes(*s)
            assert type(r).__name__ == "Size"
            return tuple(r)
        return g
    check("broadcast_shapes", f(torch), f(torsh), shapes)


@pytest.mark.parametrize("dt", ["float32", "int64", "bool"])
def test_diag_out(dt):
    rng = np.random.default_rng(1)
    for shape, k in [((4,), 0), ((4,), -1), ((3, 5), 1), ((3, 5), -2)]:
        x = make(values(rng, shape, dt), dt)

        def f(lib):
            def g(t):
                o = lib.empty(0, dtype=t.dtype)
                r = lib.diag(t, k, out=o)
                assert r is o
                return o
            return g
        check("diag(out=)", f(torch), f(torsh), [x], {}, f"[{dt} {shape} {k}]")
    x = make(values(rng, (3,), "float32"), "float32")
    check("diag(out=)", lambda t: torch.diag(t, out=torch.empty(0, dtype=torch.float64)),
          lambda t: torsh.diag(t, out=torsh.empty(0, dtype=torsh.float64)), [x], {}, "[dtype]")


@pytest.mark.parametrize("name", ["tril", "triu"])
def test_tri_inplace_on_views(name):
    """tril_/triu_ on a transposed and a sliced view write through to the base."""
    def f(t):
        t = t.clone()
        getattr(t.t(), name + "_")(1)
        getattr(t[1:, ::2], name + "_")(-1)
        return t
    x = make(values(np.random.default_rng(2), (5, 6), "float64"), "float64")
    check(name + "_", f, f, [x])


STACKS = ["cat", "stack", "concat", "concatenate", "hstack", "vstack", "row_stack", "dstack",
          "column_stack"]


@pytest.mark.parametrize("name", STACKS)
def test_stack_out(name):
    """out= of the cat family: resized, written, returned; a dtype it cannot hold raises."""
    rng = np.random.default_rng(3)
    a = make(values(rng, (2, 3), "float32"), "float32")
    b = make(values(rng, (2, 3), "int64"), "int64")
    for out_dt, ins in [("float32", [a, a]), ("float64", [a, b]), ("int64", [b, b]),
                        ("int64", [a, b])]:
        def f(lib):
            def g(*ts):
                o = lib.empty(0, dtype=getattr(lib, out_dt))
                r = getattr(lib, name)(list(ts), out=o)
                assert r is o
                return o
            return g
        check(name + "(out=)", f(torch), f(torsh), ins, {}, f"[{out_dt}]")


def test_narrow_copy_out():
    x = make(values(np.random.default_rng(4), (4, 5), "float32"), "float32")

    def f(lib):
        def g(t):
            o = lib.empty(0)
            assert lib.narrow_copy(t, 1, 1, 3, out=o) is o
            return o
        return g
    check("narrow_copy(out=)", f(torch), f(torsh), [x])


def test_meshgrid_indexing_warning():
    """Without indexing=, torch warns and uses "ij"."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = torsh.meshgrid(torsh.arange(3), torsh.arange(2))
    assert len(w) == 1 and "indexing" in str(w[0].message)
    assert tuple(g[0].shape) == (3, 2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torsh.meshgrid(torsh.arange(3), indexing="xy")
    assert not w


def test_split_keywords():
    """torch.split's Python argument names (split_size_or_sections), Tensor.split's (split_size)."""
    x = make(values(np.random.default_rng(5), (5, 4), "float32"), "float32")
    check("split", lambda t: torch.split(t, split_size_or_sections=[2, 3], dim=0),
          lambda t: torsh.split(t, split_size_or_sections=[2, 3], dim=0), [x])
    check("split", lambda t: t.split(split_size=3, dim=1), lambda t: t.split(split_size=3, dim=1),
          [x])
