"""out= on torch.sum/prod/mean over dims, matmul, mm, bmm, softmax, log_softmax, index_select,
argmax, argmin, all, any, lerp, conj_physical, nonzero, renorm, isin and ldexp against torch 1.13: values written into out, out returned, the dtype rules
(out's dtype as the reductions' computation dtype, the same dtype elsewhere), resizing with
torch's warning, the autograd refusal, out=None, and the overloads that have no out=."""
import warnings

import pytest
import torch

import torsh
from conftest import record


def _run(L, call, x, out):
    """What a call with out= does: the outcome, out's shape/dtype/values, identity, warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = call(L, x, out)
        except (RuntimeError, TypeError) as e:
            return type(e).__name__, str(e).split(" - ")[0]
    values = [round(v, 4) for v in out.flatten().tolist()]
    return ("ok", tuple(out.shape), str(out.dtype).replace("torsh", "torch"), r is out, values,
            sorted({str(w.message)[:60] for w in caught}))  # torch's lerp warns twice


CASES = {
    "sum": (lambda L, x, o: L.sum(x, 0, out=o), None),
    "sum_keepdim": (lambda L, x, o: L.sum(x, dim=1, keepdim=True, out=o), None),
    "sum_into_double": (lambda L, x, o: L.sum(x, 0, out=o), "float64"),
    "sum_without_dim": (lambda L, x, o: L.sum(x, out=o), None),
    "mean": (lambda L, x, o: L.mean(x, 1, out=o), None),
    "mean_into_long": (lambda L, x, o: L.mean(x, 1, out=o), "int64"),
    "mean_without_dim": (lambda L, x, o: L.mean(x, out=o), None),
    "prod": (lambda L, x, o: L.prod(x, 0, out=o), None),
    "prod_into_long": (lambda L, x, o: L.prod(x * 7, 0, out=o), "int64"),
    "matmul": (lambda L, x, o: L.matmul(x, x.t(), out=o), None),
    "matmul_into_double": (lambda L, x, o: L.matmul(x, x.t(), out=o), "float64"),
    "matmul_vectors": (lambda L, x, o: L.matmul(x[0], x[1], out=o), None),
    "mm": (lambda L, x, o: L.mm(x, x.t(), out=o), None),
    "bmm": (lambda L, x, o: L.bmm(x[None], x.t()[None], out=o), None),
    "softmax": (lambda L, x, o: L.softmax(x, 0, out=o), None),
    "log_softmax": (lambda L, x, o: L.log_softmax(x, 1, out=o), None),
    "index_select": (lambda L, x, o: L.index_select(x, 0, L.tensor([0, 2]), out=o), None),
    "index_select_into_double": (
        lambda L, x, o: L.index_select(x, 0, L.tensor([0, 2]), out=o), "float64"),
    "argmax": (lambda L, x, o: L.argmax(x, 0, out=o), "int64"),
    "argmax_into_float": (lambda L, x, o: L.argmax(x, 0, out=o), None),
    "argmin": (lambda L, x, o: L.argmin(x, 1, out=o), "int64"),
    "all_dim": (lambda L, x, o: L.all(x, 1, out=o), "bool"),
    "any": (lambda L, x, o: L.any(x, out=o), "bool"),
    "any_into_float": (lambda L, x, o: L.any(x, out=o), None),
    "all_uint8": (lambda L, x, o: L.all(x.to(L.uint8), 0, out=o), "uint8"),
    "lerp": (lambda L, x, o: L.lerp(x, x * 2, 0.5, out=o), None),
    "lerp_into_double": (lambda L, x, o: L.lerp(x, x * 2, 0.5, out=o), "float64"),
    "lerp_into_long": (lambda L, x, o: L.lerp(x, x * 2, 0.5, out=o), "int64"),
    "conj_physical": (lambda L, x, o: L.conj_physical(x, out=o), None),
    "conj_physical_into_double": (lambda L, x, o: L.conj_physical(x, out=o), "float64"),
    # functions written in Python (torsh/_out.py)
    "nonzero": (lambda L, x, o: L.nonzero(x, out=o), "int64"),
    "nonzero_into_float": (lambda L, x, o: L.nonzero(x, out=o), None),
    "renorm": (lambda L, x, o: L.renorm(x, 1, 0, 1, out=o), None),
    "renorm_into_double": (lambda L, x, o: L.renorm(x, 1, 0, 1, out=o), "float64"),
    "isin": (lambda L, x, o: L.isin(x, x[0], out=o), "bool"),
    "isin_into_float": (lambda L, x, o: L.isin(x, x[0], out=o), None),
    "ldexp": (lambda L, x, o: L.ldexp(x, L.tensor([1]), out=o), None),
    "ldexp_into_double": (lambda L, x, o: L.ldexp(x, L.tensor([1]), out=o), "float64"),
    "ldexp_into_long": (lambda L, x, o: L.ldexp(x, L.tensor([1]), out=o), "int64"),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("out_shape", [(0,), (5,)])
def test_out_matches_torch(name, out_shape):
    call, dtype = CASES[name]
    record("out_variants")

    def run(L):
        x = L.arange(12.0).reshape(3, 4) / 7
        out = L.empty(out_shape, dtype=getattr(L, dtype or "float32")).fill_(0)
        return _run(L, call, x, out)
    assert run(torsh) == run(torch)


@pytest.mark.parametrize("op", ["sum", "mm"])
def test_out_refuses_inputs_that_require_grad(op):
    def run(L):
        a = L.ones(3, requires_grad=True)
        call = (lambda o: L.sum(a, 0, out=o)) if op == "sum" else (
            lambda o: L.mm(a[None], a[:, None], out=o))
        with pytest.raises(RuntimeError) as info:
            call(L.empty(0))
        with L.no_grad():
            value = call(L.empty(0)).tolist()
        return str(info.value), value
    assert run(torsh) == run(torch)


def test_out_none_is_no_out():
    def run(L):
        x = L.arange(6.0).reshape(2, 3)
        return [L.sum(x, 0, out=None).tolist(), L.matmul(x, x.t(), out=None).tolist(),
                L.softmax(x, 1, out=None).shape]
    assert run(torsh) == run(torch)
