"""Reliability regressions from the fresh fuzz run of seed 112611: each case runs the same call in
torch and torsh and asserts the same outcome (exception type, or values, dtype and shape), with
test_reliability.py's helper."""
import math

import numpy as np

import pytest
import torch

import torsh
from test_reliability import same

INF, NAN = float("inf"), float("nan")


def test_square_gradient_overflows_as_torch():
    """torch's pow backward doubles self before scaling by grad: 2 * -1e308 is -inf even when
    the incoming gradient is below 1."""
    def f(L):
        x = L.tensor([2.5, -1e308, 1e-40, INF], dtype=L.float64, requires_grad=True)
        x.square().backward(L.tensor([0.9, 0.885, -3.0, 0.5], dtype=L.float64))
        return x.grad
    same(f)


def test_copysign_gradient_ratio_first():
    """torch scales grad by result / self (zeroed where self is 0): no overflow of grad * result
    and a signed zero where self is zero."""
    def f(L):
        a = L.tensor([3e38, -0.0, 0.0, 2.0, NAN], requires_grad=True)
        b = L.tensor([-3.0, 1.0, -1.0, -7.0, 1.0], dtype=L.bfloat16, requires_grad=True)
        L.copysign(a, b).backward(L.tensor([-1.6, -2.0, 3.0, 1.0, 1.0]))
        return a.grad, b.grad, [math.copysign(1.0, v) for v in a.grad.tolist()]
    same(f)


@pytest.mark.parametrize("p", [5, 3, 1.5, float("-inf"), float("inf"), 0.5])
def test_norm_dtype_gradient_in_result_dtype(p):
    """norm(..., dtype=) differentiates in the result's dtype (torch casts self first): a float16
    -60000 raised to p - 1 overflows float16 but not float32, and the inf norms' equality test
    compares values of the result's dtype."""
    def f(L):
        x = L.tensor([[-60000.0, 2.0234375], [0.6083984375, -3.951171875]], dtype=L.float16)
        x.requires_grad_(True)
        r = x.norm(p, [0], True, dtype=L.float32)
        r.backward(L.tensor([[0.5, -1.25]]))
        if not math.isinf(p):  # 16-bit p-norms round differently (docs/fuzzing.md)
            return r.detach(), x.grad
        y = L.tensor([[0.574, -1.4966, 1.908], [0.911, 0.645, 2.023]], requires_grad=True)
        s = y.norm(p, [0], True, dtype=L.bfloat16)
        s.sum().backward()
        return r.detach(), x.grad, s.detach(), y.grad
    same(f)


@pytest.mark.parametrize("p", [None, 3, -4, float("inf")])
@pytest.mark.parametrize("dtype,out_dtype", [(None, "float64"), ("float16", "float64"),
                                             ("float16", "float32"), ("float64", "float16"),
                                             (None, "float16")])
def test_norm_out_computes_in_out_dtype(p, dtype, out_dtype):
    """torch.norm(out=) computes in out's dtype whatever dtype= says: no float32 overflow of
    3e38 ** 2 into a float64 out, no float16 rounding into a float32 out."""
    def f(L):
        x = L.tensor([[-2.5282537937164307, 6.391958713531494, 3e38, -3e38]])
        out = L.empty(0, dtype=getattr(L, out_dtype))
        kw = {} if dtype is None else {"dtype": getattr(L, dtype)}
        r = L.norm(x, p, [-1], True, out=out, **kw)
        return r, out
    same(f)


def test_norm_out_of_integer_input_needs_dtype():
    same(lambda L: L.norm(L.tensor([3, 4]), 2, [0], out=L.empty(0, dtype=L.float32)))


@pytest.mark.parametrize("dtype", ["bool", "float16", "bfloat16", "int64", "float64", "uint8"])
def test_copy_of_one_broadcast_element(dtype):
    """A copy whose source is one element broadcast (repeat of a 0-dim tensor, expand) fills:
    same values for every dtype, into strided and transposed destinations, and from an element
    of the destination itself."""
    def f(L):
        dt = getattr(L, dtype)
        big = 2 ** 62 + 1 if dtype == "int64" else 1
        one = L.tensor(big, dtype=dt)
        r1 = one.repeat([3, 2])
        dst = L.zeros(4, 6, dtype=dt)[:, ::2].t()
        dst.copy_(one.reshape(1, 1).expand(3, 4))
        own = L.arange(6).to(dt).reshape(2, 3)
        own.copy_(own[1, 2].expand(2, 3))
        return r1, dst, own
    same(f)


@pytest.mark.parametrize("op", ["tril", "triu"])
def test_tri_out_of_the_right_shape_keeps_its_strides(op):
    """An out= of the result's shape is written through its own strides (torch's resize_ keeps
    the strides when the sizes do not change); an expanded one is refused."""
    def f(L):
        x = L.arange(20.0).reshape(5, 2, 2)
        out = L.full((5, 2, 2), 7.0).transpose(1, 2)
        r = getattr(L, op)(x, out=out)
        return r, out, out.stride(), r.data_ptr() == out.data_ptr()
    same(f)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        getattr(torsh, op)(torsh.ones(2, 3, 3), out=torsh.zeros(1, 3, 3).expand(2, 3, 3))


# ---- exception types and check order (seed 112611's largest EXCEPTION groups) ----------------

def _t(L, shape, dtype="float32"):
    return L.arange(float(max(1, int(np.prod(shape))))).reshape(-1)[:int(np.prod(shape))] \
        .reshape(shape).to(getattr(L, dtype))


CHECK_ORDER = {
    "narrow_copy start past end": lambda L: L.narrow_copy(_t(L, (4,)), 0, 6, 0),
    "narrow_copy dim too large": lambda L: L.narrow_copy(_t(L, (4,)), 1, 0, 1),
    "narrow_copy negative start": lambda L: L.narrow_copy(_t(L, (4,)), 0, -6, 1),
    "narrow_copy length past end": lambda L: L.narrow_copy(_t(L, (4,)), 0, 3, 2),
    "narrow_copy out dtype": lambda L: L.narrow_copy(_t(L, (4,)), 0, 0, 2,
                                                     out=L.empty(0, dtype=L.int64)),
    "narrow_copy 0-dim": lambda L: L.narrow_copy(_t(L, ()), 0, 0, 1),
    "diag beyond the matrix": lambda L: L.diag(_t(L, (4, 4)), 5),
    "diag below the matrix": lambda L: L.diag(_t(L, (4, 4)), -7),
    "diag at the edge": lambda L: L.diag(_t(L, (4, 4)), 4),
    "unflatten 0-dim": lambda L: _t(L, ()).unflatten(0, [-1]),
    "unflatten empty sizes first": lambda L: _t(L, (1, 3)).unflatten(-3, []),
    "triu of an empty vector": lambda L: L.triu(_t(L, (0,)), 2),
    "tril out dtype before dims": lambda L: L.tril(_t(L, ()), 2, out=L.empty(0, dtype=L.int64)),
    "repeat_interleave 0-dim with dim": lambda L: L.repeat_interleave(_t(L, ()), 2, 0),
    "repeat_interleave float repeats": lambda L: L.repeat_interleave(_t(L, (3,)),
                                                                     _t(L, (3,))),
    "repeat_interleave 2-d repeats": lambda L: _t(L, (2, 1)).repeat_interleave(
        _t(L, (2, 1), "int64"), 2 ** 40),
    "repeat_interleave empty ignores output_size": lambda L: L.repeat_interleave(
        _t(L, (2, 0, 3)), 5, 1, output_size=-2),
    "repeat_interleave output_size mismatch": lambda L: L.repeat_interleave(
        _t(L, (3,)), 2, output_size=4),
    "repeat_interleave negative without output_size": lambda L: L.repeat_interleave(
        _t(L, (3,)), -2),
    "slice_scatter 0-dim": lambda L: L.slice_scatter(_t(L, ()), _t(L, ()), 0, 0, 1, 1),
    "slice_scatter dim before step": lambda L: L.slice_scatter(_t(L, (1,)), _t(L, (1,)), 5, 0, 1,
                                                               0),
    "slice_scatter zero step": lambda L: L.slice_scatter(_t(L, (3,)), _t(L, (3,)), 0, 0, 3, 0),
    "diff out negative n": lambda L: L.diff(_t(L, (4,), "uint8"), -1, out=L.empty(8).byte()),
    "diff out empty dim": lambda L: L.diff(_t(L, (0, 7)), 4, -2, out=L.empty(0, 7)),
    "diff out wider dtype": lambda L: L.diff(_t(L, (5, 5), "float16"),
                                             out=L.empty(0, dtype=L.bfloat16)),
    "diff bool out float": lambda L: L.diff(_t(L, (4,), "bool"), out=L.empty(0, dtype=L.float64)),
    "diff n=0 out dtype": lambda L: L.diff(_t(L, (2, 3)), 0, out=L.empty(0, dtype=L.float64)),
    "diff n=0 append shape": lambda L: L.diff(_t(L, (1, 3, 2)), 0, -3, append=_t(L, (0, 2, 3))),
    "diff dim before prepend rank": lambda L: L.diff(_t(L, (0, 7)), dim=-2 ** 31 - 1,
                                                     prepend=_t(L, ())),
    "nansum dtype must be out's": lambda L: L.nansum(_t(L, (2, 2)), [-1], dtype=L.float16,
                                                     out=L.empty(0)),
    "nansum out wider": lambda L: L.nansum(_t(L, (2, 3)), 1, out=L.empty(0, dtype=L.float64)),
    "nansum bool into float": lambda L: L.nansum(_t(L, (4, 2), "bool"), keepdim=True,
                                                 out=L.empty(0)),
    "nansum int8 into int8": lambda L: L.nansum(_t(L, (6, 3), "int8"), out=L.empty(
        0, dtype=L.int8)),
    "nanmean dtype must be out's": lambda L: L.nanmean(_t(L, (3,)), dtype=L.float64,
                                                       out=L.empty(0)),
    "nanmean out wider": lambda L: L.nanmean(_t(L, (3, 2)), 0, out=L.empty(0, dtype=L.float64)),
    "cummax 0-dim any dim": lambda L: _t(L, ()).cummax(5),
    "cummin empty any dim": lambda L: L.cummin(_t(L, (0, 3)), 2 ** 40),
    "roll 0-dim": lambda L: L.roll(_t(L, ()), [0], [-1]),
    "roll empty any dim": lambda L: L.roll(_t(L, (0, 3)), [1], [-3]),
    "roll 0-dim flattened": lambda L: L.roll(_t(L, ()), 1),
    "norm of a string": lambda L: L.norm("abc"),
    "repeat negative count of an empty dim": lambda L: _t(L, (3, 0)).repeat([0, -2]),
    "repeat negative count": lambda L: _t(L, (2, 3)).repeat([1, -2]),
    "tile negative count of an empty dim": lambda L: L.tile(_t(L, (0,)), [-1]),
    "cumsum bool dtype of a 0-dim": lambda L: _t(L, (), "int64").cumsum(0, dtype=L.bool),
    "cumprod bool of an empty": lambda L: L.cumprod(_t(L, (5, 0, 2), "bool"), -1),
    "cumsum bool dtype": lambda L: _t(L, (1, 5)).cumsum(0, dtype=L.bool),
    "heaviside out dtype": lambda L: L.heaviside(_t(L, (3,)), _t(L, (3,)),
                                                 out=L.empty(0, dtype=L.float64)),
    "tensor_split dim before sections": lambda L: L.tensor_split(_t(L, (1, 1, 5)), -2, 2 ** 62),
    "lerp weight overflows float": lambda L: _t(L, (2,)).lerp(_t(L, (2,)), 1e300),
    "addcmul value overflows uint8": lambda L: L.addcmul(_t(L, (2,), "uint8"), _t(L, (2,), "uint8"),
                                                         _t(L, (2,), "uint8"), value=-0.906),
    "addcmul value overflows float": lambda L: L.addcmul(_t(L, (2,)), _t(L, (2,)), _t(L, (2,)),
                                                         value=1e300),
    "addcdiv value overflows float": lambda L: L.addcdiv(_t(L, (2,), "int64"), _t(L, (2,)),
                                                         _t(L, (2,)), value=1e300),
    "norm of None with out": lambda L: L.norm(None, out=L.empty(0)),
}


@pytest.mark.parametrize("case", sorted(CHECK_ORDER))
def test_exception_type_and_order(case):
    same(lambda L: CHECK_ORDER[case](L))


@pytest.mark.parametrize("out", ["float32", "int64", "float64", "transposed", "expanded",
                                 "same shape transposed"])
def test_take_along_dim_out(out):
    def f(L):
        x = L.arange(6.0).reshape(2, 3)
        o = {"float32": lambda: L.empty(0), "int64": lambda: L.empty(0, dtype=L.int64),
             "float64": lambda: L.empty(0, dtype=L.float64),
             "transposed": lambda: L.zeros(2, 3).t(),
             "expanded": lambda: L.zeros(1, 2).expand(2, 2),
             "same shape transposed": lambda: L.zeros(2, 2).t()}[out]()
        r = L.take_along_dim(x, L.tensor([[0, 2], [1, 0]]), 1, out=o)
        flat = L.take_along_dim(x, L.tensor([5, 0]), out=L.empty(0))
        return r, o, o.stride(), r.data_ptr() == o.data_ptr(), flat
    same(f)
