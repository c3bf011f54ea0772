"""out=(values, indices) of the multi-output ops: the results written into the given tensors,
returned as torch.return_types holding those very objects; torch's dtype and arity errors."""
import pytest

from test_reliability import same

CALLS = {
    "sort": lambda L, x: L.sort(x, 1, descending=True),
    "sort.stable": lambda L, x: L.sort(x, stable=True, dim=0),
    "topk": lambda L, x: L.topk(x, 2),
    "kthvalue": lambda L, x: L.kthvalue(x, 2, 1, True),
    "max.dim": lambda L, x: L.max(x, 0),
    "min.dim": lambda L, x: L.min(x, 1, keepdim=True),
    "median.dim": lambda L, x: L.median(x, 1),
    "nanmedian.dim": lambda L, x: L.nanmedian(x, 0),
    "mode": lambda L, x: L.mode(x, 1),
    "cummax": lambda L, x: L.cummax(x, 1),
    "cummin": lambda L, x: L.cummin(x, 0),
}


def _x(L):
    return L.tensor([[3.0, 1.0, 2.0, 2.0], [0.0, 5.0, float("nan"), 4.0], [1.0, 1.0, 7.0, -2.0]])


def _with_out(op, outs):
    """The op's call with out= appended (keyword-only in torch)."""
    return lambda L, x: CALLS[op](_OutLib(L, outs(L)), x)


class _OutLib:
    """A stand-in for the library whose ops append out= to every call."""

    def __init__(self, L, out):
        self.L, self.out = L, out

    def __getattr__(self, name):
        fn = getattr(self.L, name)
        return lambda *a, **k: fn(*a, out=self.out, **k)


@pytest.mark.parametrize("op", sorted(CALLS))
@pytest.mark.parametrize("layout", ["empty", "right shape", "wrong shape", "transposed"])
def test_out_pair(op, layout):
    def f(L):
        x = _x(L)
        expect = CALLS[op](L, x)
        v, i = {"empty": lambda: (L.empty(0), L.empty(0, dtype=L.int64)),
                "right shape": lambda: (L.zeros(expect[0].shape), L.zeros(expect[1].shape,
                                                                          dtype=L.int64)),
                "wrong shape": lambda: (L.zeros(7), L.zeros(2, 2, dtype=L.int64)),
                "transposed": lambda: (L.zeros(tuple(reversed(expect[0].shape))).t(),
                                       L.zeros(tuple(reversed(expect[1].shape)),
                                               dtype=L.int64).t())}[layout]()
        r = _with_out(op, lambda L: (v, i))(L, x)
        assert r[0] is v and r[1] is i and r.values is v and r.indices is i
        return expect, v, i
    same(f)


@pytest.mark.parametrize("bad", ["values dtype", "indices dtype", "one tensor", "three",
                                 "not a tuple"])
def test_out_pair_errors(bad):
    def f(L):
        x = _x(L)
        v, i = L.empty(0), L.empty(0, dtype=L.int64)
        out = {"values dtype": (L.empty(0, dtype=L.float64), i),
               "indices dtype": (v, L.empty(0, dtype=L.int32)), "one tensor": (v,),
               "three": (v, i, i), "not a tuple": v}[bad]
        return L.topk(x, 2, out=out)
    same(f)


def test_aminmax_out():
    def f(L):
        x = _x(L).nan_to_num()
        lo, hi = L.empty(0), L.empty(0)
        r = L.aminmax(x, dim=0, out=(lo, hi))
        assert r.min is lo and r.max is hi
        return lo, hi
    same(f)


def test_out_pair_refuses_grad():
    def f(L):
        x = _x(L).requires_grad_(True)
        return L.sort(x, out=(L.empty(0), L.empty(0, dtype=L.int64)))
    same(f)
