"""The Python core against torch: repr, promotion, numpy interop, indexing, conversions, errors."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record
from oracle import DTYPES, Pair, assert_same, check, make

ALL = DTYPES


def both(expr):
    """Evaluates expr (a function of the module) in both libraries."""
    return expr(torch), expr(torsh)


@pytest.mark.parametrize("data", [
    [[1.0, 2.0], [3.0, 4.0]], [1, 2, 3], [True, False], 3.5, 7, [1.5, 2, -3], [1e-5, 1.0],
    [1e9, 1.0], [0.0, -0.0], [float("nan"), 1.0, float("inf"), -float("inf")], [], [[]],
    [123456.0, 0.001], [1.0, 10.0, 100.0, 1000.0, 10000.0], list(range(2000)),
    [[0.1 * i for i in range(12)] for _ in range(3)], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
    [2.0**40, 3.0], [-1.25, 2.5e-3]])
@pytest.mark.parametrize("dtype", [None, "float64", "int32", "float16", "bool", "bfloat16", "uint8"])
def test_repr_matches_torch(data, dtype):
    if dtype in ("uint8",) and "nan" in repr(data):
        return
    kw = {} if dtype is None else {"dtype": dtype}
    try:
        t = torch.tensor(data, **{k: getattr(torch, v) for k, v in kw.items()})
    except Exception:  # noqa: BLE001 - torch refuses the combination; so must torsh
        with pytest.raises(Exception):
            torsh.tensor(data, **{k: getattr(torsh, v) for k, v in kw.items()})
        return
    s = torsh.tensor(data, **{k: getattr(torsh, v) for k, v in kw.items()})
    record("repr")
    assert repr(s) == repr(t)


def test_repr_of_views_and_large_tensors():
    for f in [lambda m: m.arange(24).view(2, 3, 4).float() / 7, lambda m: m.arange(3000).view(30, 100),
              lambda m: m.arange(20).view(4, 5).t(), lambda m: m.zeros(0, 3, dtype=m.int32),
              lambda m: m.ones(2, 3, dtype=m.float64)[:, 1:], lambda m: m.eye(3, dtype=m.int8)]:
        a, b = both(f)
        record("repr")
        assert repr(b) == repr(a)


def test_promotion_table():
    for x in ALL:
        for y in ALL:
            record("promote_types")
            assert repr(torsh.promote_types(getattr(torsh, x), getattr(torsh, y))) == \
                repr(torch.promote_types(getattr(torch, x), getattr(torch, y)))


@pytest.mark.parametrize("dt", ALL)
def test_result_type_with_scalars_and_0dim(dt):
    rng = np.random.default_rng(0)
    t = make(rng.uniform(-3, 3, (2,)), dt)
    for other in [1, 2.5, True, make(np.array(1.0), "float64"), make(np.array(1), "int64"),
                  make(np.array(1), "int8"), make(np.array(True), "bool"),
                  make(np.array(1.0), "float16")]:
        check("result_type", torch.result_type, torsh.result_type, (t, other))


def test_numpy_zero_copy_both_ways():
    s = torsh.arange(6, dtype=torsh.float32).view(2, 3)
    n = s.numpy()
    n[0, 0] = 42
    assert s[0, 0].item() == 42
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = torsh.from_numpy(a)
    t[1, 2] = -1
    assert a[1, 2] == -1
    tt = torsh.from_numpy(a.T)  # strided view, still no copy
    assert tt.stride() == (1, 3) and tt[2, 1].item() == -1
    with pytest.raises(TypeError):
        torsh.from_numpy(np.zeros(2, dtype=np.uint16))
    with pytest.raises(TypeError):
        torsh.ones(2, dtype=torsh.bfloat16).numpy()


def test_tolist_item_and_conversions():
    for f in [lambda m: m.tensor([[1.5, 2], [3, 4]]).tolist(), lambda m: m.arange(5).tolist(),
              lambda m: m.tensor([True, False]).tolist(), lambda m: m.tensor(2.5).item(),
              lambda m: m.tensor(3).item(), lambda m: float(m.tensor([2.5])),
              lambda m: int(m.tensor([7])), lambda m: bool(m.tensor([1])), lambda m: len(m.zeros(4, 2)),
              lambda m: m.zeros(2, 3).shape, lambda m: m.zeros(2, 3).size(1), lambda m: m.zeros(2, 3).dim(),
              lambda m: m.zeros(2, 3).t().stride(), lambda m: m.zeros(2, 3).numel(),
              lambda m: m.zeros(2, 3).dtype.is_floating_point, lambda m: repr(m.zeros(2, 3).shape),
              lambda m: m.zeros(2, 3).t().is_contiguous(), lambda m: m.zeros(2, 3).T.shape]:
        a, b = both(f)
        record("conversions")
        if isinstance(a, torch.Size):
            assert tuple(a) == tuple(b)
        else:
            assert a == b, (a, b)


INDICES = [0, -1, 1, (0, 1), (slice(None), 1), slice(1, None), slice(None, None, 2),
           (Ellipsis, 0), (None, 0), (0, None, slice(1, 3)), (slice(None), None), Ellipsis,
           (1, Ellipsis, 2), True, (slice(-2, None), slice(None, -1)), 5, (0, 0, 0, 0),
           slice(10, 20), (slice(None), slice(None), slice(None))]


@pytest.mark.parametrize("idx", INDICES, ids=repr)
def test_getitem_and_setitem(idx):
    base = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = make(base, "float32")
    check("__getitem__", lambda t, i: t[i], lambda t, i: t[i], (x, idx))

    def setter(value):
        def f(t, i):
            t = t.clone()
            t[i] = value
            return t
        return f
    check("__setitem__", setter(-7.0), setter(-7.0), (x, idx))


def test_getitem_returns_views():
    s = torsh.zeros(3, 4)
    v = s[1]
    v += 5
    assert s.sum().item() == 20
    s[:, 0] = torsh.arange(3).float()
    assert s[2, 0].item() == 2


def test_errors_have_torch_types():
    x = Pair(torch.zeros(2, 3), torsh.zeros(2, 3))
    check("errors", lambda t: t.sum(5), lambda t: t.sum(5), (x,))
    check("errors", lambda t: t.view(4), lambda t: t.view(4), (x,))
    check("errors", lambda t: t.t().view(6), lambda t: t.t().view(6), (x,))
    check("errors", lambda t: t[3], lambda t: t[3], (x,))
    check("errors", lambda t: t.permute(0), lambda t: t.permute(0), (x,))
    check("errors", lambda t: t.add("a"), lambda t: t.add("a"), (x,))
    check("errors", lambda t: t + "a", lambda t: t + "a", (x,))
    check("errors", lambda t: t.item(), lambda t: t.item(), (x,))
    with pytest.raises(RuntimeError, match="add"):
        torsh.zeros(2) + torsh.zeros(3)
    with pytest.raises(TypeError):
        torsh.zeros("a")


def test_inplace_operators_keep_identity():
    s = torsh.ones(3)
    before = id(s)
    s += 1
    s *= 2
    assert id(s) == before and s.tolist() == [4.0, 4.0, 4.0]
    r = s.add_(1)
    assert r.tolist() == [5.0, 5.0, 5.0]


def test_import_as_torch_runs_a_small_script():
    import torsh as torch_alias  # noqa: F401 - the point is the alias
    t = torch_alias
    t.manual_seed(0)
    w = t.randn(4, 3)
    x = t.rand(8, 4)
    y = t.relu(x @ w).sum(dim=1)
    torch.manual_seed(0)
    w2 = torch.randn(4, 3)
    x2 = torch.rand(8, 4)
    y2 = torch.relu(x2 @ w2).sum(dim=1)
    assert_same(y2, y, "script")


def test_transcendental_accuracy_in_ulp():
    """float32 exp/log/tanh/sigmoid against float64 references, in units in the last place."""
    x = np.concatenate([np.linspace(-12, 12, 400001), np.logspace(-8, 1, 20000),
                        -np.logspace(-8, 1, 20000)]).astype(np.float32)
    pos = np.abs(x) + np.float32(1e-3)
    cases = {"tanh": (x, np.tanh, 8), "exp": (x, np.exp, 4), "sigmoid": (x, lambda v: 1 / (1 + np.exp(-v)), 4),
             "log": (pos, np.log, 4)}
    for name, (inp, ref_fn, bound) in cases.items():
        got = getattr(torsh, name)(torsh.from_numpy(inp)).numpy().astype(np.float64)
        ref = ref_fn(inp.astype(np.float64))
        ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
        record("ulp")
        assert np.max(np.abs(got - ref) / ulp) <= bound, name


ADVANCED = ["long", "list", "neg", "2d_long", "mask_full", "mask_dim1", "mask_prefix", "after_slice",
            "with_int", "ellipsis", "int32", "empty_list", "bool_list", "out_of_range", "bad_mask",
            "two_tensors"]


def adv_index(m, case, x):
    t = lambda v, **k: m.tensor(v, **k)  # noqa: E731
    return {
        "long": lambda: (t([1, 0, 1]),),
        "list": lambda: ([2, 0],),
        "neg": lambda: (t([-1, 0]),),
        "2d_long": lambda: (t([[0, 1], [1, 1]]),),
        "mask_full": lambda: (x > 10,),
        "mask_dim1": lambda: ((slice(None), t([True, False, True])),),
        "mask_prefix": lambda: (t([[True, False, True], [False, False, True]]),),
        "after_slice": lambda: ((slice(None), slice(1, None), t([3, 0])),),
        "with_int": lambda: ((1, t([2, 2])),),
        "ellipsis": lambda: ((Ellipsis, t([0, 3])),),
        "int32": lambda: (t([1, 0], dtype=m.int32),),
        "empty_list": lambda: ([],),
        "bool_list": lambda: ([True, False],),
        "out_of_range": lambda: (t([2]),),
        "bad_mask": lambda: (t([True, False, True]),),
        "two_tensors": lambda: ((t([0, 1]), t([1, 2])),),
    }[case]()[0]


@pytest.mark.parametrize("case", ADVANCED)
def test_advanced_indexing_matches_torch(case):
    base = np.arange(24, dtype=np.float64).reshape(2, 3, 4)

    def get(m):
        x = m.from_numpy(base.copy())
        return x[adv_index(m, case, x)]

    def put(m):
        x = m.from_numpy(base.copy())
        x[adv_index(m, case, x)] = -1.0
        return x

    check("advanced __getitem__", lambda: get(torch), lambda: get(torsh), ())
    check("advanced __setitem__", lambda: put(torch), lambda: put(torsh), ())


def test_advanced_indexing_gradients():
    def f(m):
        x = m.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
        y = x[m.tensor([2, 0, 2])] * 2
        z = y[y > 10].sum() + x[:, [1, 1]].sum()
        w = x * 1.0
        w[w < 3] = 0.0
        (z + w.sum()).backward()
        return x.grad
    a, b = f(torch), f(torsh)
    np.testing.assert_allclose(b.numpy(), a.numpy())
