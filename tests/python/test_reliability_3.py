"""Reliability regressions from the last fresh fuzz runs and the indexing walk-through: each case
runs the same call in torch and torsh and asserts the same outcome (exception type, or values,
dtype and shape), with test_reliability.py's helper."""
import numpy as np
import pytest
import torch

import torsh
from test_reliability import same

LIBS = (torch, torsh)


# ---- list and array subscripts: numpy's sequence-as-tuple rule, float lists as int64 ------------

SUBSCRIPTS = [
    [[1], [0]],             # a list of lists is a tuple of two index lists
    [0, slice(None)],       # a list holding a slice is a tuple
    [0, None],
    [0, Ellipsis],
    [[1, 0]] * 40,          # 32 or more items: one index list again
    [1, 0] * 20,
    [1.5, 0.2],             # floats truncated to int64 indices
    [[1.0], [2.0]],
    [1e30],                 # overflow refused
    [],
]


@pytest.mark.parametrize("i", range(len(SUBSCRIPTS)))
def test_list_subscript_get(i):
    same(lambda L: L.arange(6).reshape(3, 2)[SUBSCRIPTS[i]])


@pytest.mark.parametrize("i", range(len(SUBSCRIPTS)))
def test_list_subscript_set(i):
    def f(L):
        y = L.arange(6).reshape(3, 2)
        y[SUBSCRIPTS[i]] = 7
        return y
    same(f)


@pytest.mark.parametrize("arr", [np.array([[1], [0]]), np.array([1.5, 0.2]),
                                 np.array([1, 0], dtype=np.int32), np.array([1, 0, 1], dtype=np.uint8),
                                 np.array([True, False, True])])
def test_array_subscript(arr):
    same(lambda L: L.arange(6).reshape(3, 2)[arr])


def test_float_list_index_put_checks_value_dtype_first():
    def f(L, v):
        y = L.zeros(2, 3, dtype=L.int16)
        y[[1.5, 2]] = v(L)
        return y
    same(lambda L: f(L, lambda L: L.ones(3)))                    # dtype mismatch first
    same(lambda L: f(L, lambda L: L.ones(3, dtype=L.int16)))     # then index 2 out of bounds


# ---- index_add: torch's order of checks for self of two or more dims ----------------------------

@pytest.mark.parametrize("self_shape,index,src_shape", [
    ((3, 0), [-1], (1, 5)), ((0, 2), [0], (1, 2)), ((3, 0), [5], (1, 3)), ((3, 0), [5], (1, 0)),
    ((3, 2), [5], (1, 3)), ((3, 2), [5], (1, 1)), ((3, 1), [1], (1, 4)), ((3,), [5], (1,)),
    ((3, 2), [1], (1, 1)),
])
def test_index_add_check_order(self_shape, index, src_shape):
    same(lambda L: L.zeros(*self_shape).index_add(0, L.tensor(index), L.ones(*src_shape)))


# ---- pow with a number base writes out= -------------------------------------------------------

@pytest.mark.parametrize("base,exp_dtype,out_dtype", [
    (2, "float32", "float32"), (2.5, "int64", "float32"), (2.5, "int64", "int64"),
    (1.0, "int64", "int64"), (1, "float32", "float64"), (3, "int64", "int64"),
    (True, "int64", "int64"), (2, "float32", "int64"),
])
def test_pow_number_base_out(base, exp_dtype, out_dtype):
    def f(L):
        e = L.tensor([[0, 1, 2]], dtype=getattr(L, exp_dtype))
        out = L.full((5,), 9, dtype=getattr(L, out_dtype))
        r = L.pow(base, e, out=out)
        assert r is out
        return out
    same(f)


# ---- int64 values beyond 2**53 ------------------------------------------------------------------

def test_linspace_one_step_keeps_int64_start():
    same(lambda L: L.linspace(2**63 - 1, -1.16, 1, dtype=L.int64))
    same(lambda L: L.linspace(2**62 + 1, 5, 1, dtype=L.int64))


@pytest.mark.parametrize("vals", [[2**63 - 1, 2**62 + 1], [-2**63], [2**53 + 1, -(2**53) - 1, 7]])
def test_int64_repr_exact(vals):
    assert repr(torsh.tensor(vals)) == repr(torch.tensor(vals))
    assert str(torsh.tensor(vals[0])) == str(torch.tensor(vals[0]))


# ---- fuzz seed 27182818 -------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "int64", "int32", "int16", "float16", "bool"])
def test_random_full_64bit_range(dtype):
    """random_(-2**63) without `to`: the raw 64-bit draw as an int64, converted, for every dtype."""
    def f(L):
        L.manual_seed(3)
        return L.zeros(3, 1, 5, dtype=getattr(L, dtype))[::2].random_(-2**63, None)
    same(f)


@pytest.mark.parametrize("index", [[-2, 2, 0], [0, 2, 9], [0, 2, 1]])
def test_index_add_first_index_before_alpha(index):
    same(lambda L: L.zeros(4, 1, 5, dtype=L.int32).index_add_(
        2, L.tensor(index), L.ones(4, 1, 3, dtype=L.int32), alpha=float("inf")))


def test_expand_numel_overflow_with_zero_size():
    same(lambda L: L.zeros(10, 0, 1, 5, 1, dtype=L.int64)[::2].expand(
        [2**62, 5, 0, 1, 5, 1]).shape)


@pytest.mark.parametrize("fn", ["tril_indices", "triu_indices"])
@pytest.mark.parametrize("args", [(4, 3, 1), (3, 5, -2), (5, 5, 10), (2**40, 7, 2**40),
                                  (2**40, 7, -2**41)])
def test_tri_indices_huge_sizes_fail_fast(fn, args):
    """Huge requests fail in the allocator (or are empty) at once, as torch, never loop."""
    same(lambda L: getattr(L, fn)(*args).shape)
