"""out= on the factories (empty, zeros, ones, full, arange, linspace, eye, rand, randn, randint,
randperm; range and logspace had it): each case runs in torch and torsh and must agree on the
values, dtype and shape of the result, that the result is the out object itself, and on the
exception type. torch's rules: the result takes out's dtype; out is resized to the result's
sizes, except that the range-like ops keep out's shape when the element count matches; a dtype=
given beside out= must be out's."""
import pytest
import torch

import torsh
from test_reliability import same


def _seeded(L, fn):
    L.manual_seed(0)
    return fn()


CASES = {
    "logspace_dtype_mismatch": lambda L: L.logspace(0, 1, 5, out=L.empty(0), dtype=L.int64),
    "logspace_dtype_match": lambda L: L.logspace(0, 1, 5, out=L.empty(0), dtype=L.float32),
    "zeros_dtype_mismatch": lambda L: L.zeros(3, out=L.empty(0), dtype=L.int64),
    "zeros_resized_int32": lambda L: L.zeros((2, 3), out=L.empty(5, dtype=L.int32)),
    "ones_into_strided": lambda L: L.ones(2, 3, out=L.empty(6)[::2]),
    "full_float_into_int": lambda L: L.full((2,), 3.5, out=L.empty(0, dtype=L.int64)),
    "full_int_into_float": lambda L: L.full((2,), 3, out=L.empty(0)),
    "arange_int_into_float": lambda L: L.arange(5, out=L.empty(0)),
    "arange_step_truncated": lambda L: L.arange(1, 2.5, 0.5, out=L.empty(0, dtype=L.int64)),
    "arange_start_end": lambda L: L.arange(2, 7, out=L.empty(0, dtype=L.int16)),
    "arange_keeps_shape": lambda L: L.arange(6, out=L.empty(3, 2)),
    "arange_into_stepped": lambda L: L.arange(5, out=L.zeros(10)[::2]),
    "arange_into_transposed": lambda L: L.arange(0.5, 6, out=L.zeros(2, 3).t()),
    "arange_into_stepped_resized": lambda L: L.arange(7, out=L.zeros(10)[::2]),
    "arange_int8_wraps": lambda L: L.arange(-300, 300, 7, out=L.empty(0, dtype=L.int8)),
    "arange_reshapes_on_count": lambda L: L.arange(5.0, out=L.empty(3, 2)),
    "linspace_into_int": lambda L: L.linspace(0, 1, 5, out=L.empty(0, dtype=L.int64)),
    "linspace_keeps_shape": lambda L: L.linspace(0, 1, 4, out=L.empty(2, 2)),
    "eye_resized": lambda L: L.eye(3, out=L.empty(9)),
    "eye_bool": lambda L: L.eye(2, 3, out=L.empty(0, dtype=L.bool)),
    "eye_into_transposed": lambda L: L.eye(2, 3, out=L.zeros(3, 2).t()),
    "empty_shape": lambda L: L.empty(2, 3, out=L.empty(0)).shape,
    "rand": lambda L: _seeded(L, lambda: L.rand(3, out=L.empty(0))),
    "rand_into_transposed": lambda L: _seeded(L, lambda: L.rand(3, 2, out=L.empty(2, 3).t())),
    "randn_float64": lambda L: _seeded(L, lambda: L.randn(2, 2, out=L.empty(0, dtype=L.float64))),
    "randint_int32": lambda L: _seeded(L, lambda: L.randint(10, (5,),
                                                            out=L.empty(0, dtype=L.int32))),
    "randint_low_float": lambda L: _seeded(L, lambda: L.randint(3, 10, (5,), out=L.empty(0))),
    "randperm_int64": lambda L: _seeded(L, lambda: L.randperm(6, out=L.empty(0, dtype=L.int64))),
    "randperm_float": lambda L: _seeded(L, lambda: L.randperm(6, out=L.empty(0))),
    "zeros_requires_grad_beside_out": lambda L: L.zeros(3, out=L.empty(0), requires_grad=True),
    "zeros_expand_mismatch": lambda L: L.zeros(3, out=L.empty(0).expand(3)),
    "arange_into_expanded": lambda L: L.arange(3, out=L.zeros(1).expand(3)),
    "rand_into_int": lambda L: L.rand(3, out=L.empty(0, dtype=L.int64)),
    "range_into_int": lambda L: L.range(0, 4, out=L.empty(0, dtype=L.int64)),
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(CASES))
def test_factory_out(name):
    same(lambda L: CASES[name](L))


@pytest.mark.parametrize("make", [
    lambda L, o: L.zeros(2, out=o), lambda L, o: L.arange(4, out=o),
    lambda L, o: L.linspace(0, 1, 3, out=o), lambda L, o: L.eye(2, out=o),
    lambda L, o: L.rand(2, out=o), lambda L, o: L.full((1,), 7, out=o)])
def test_factory_out_returns_the_out_object(make):
    for L in (torch, torsh):
        o = L.empty(0)
        assert make(L, o) is o


REVIEW_CASES = {
    "zeros_requires_grad": lambda L: L.zeros(3, out=L.empty(0), requires_grad=True).requires_grad,
    "arange_requires_grad": lambda L: L.arange(3.0, out=L.empty(0),
                                                requires_grad=True).requires_grad,
    "empty_memory_format_refused": lambda L: L.empty(2, 3, out=L.empty(0),
                                                     memory_format=L.contiguous_format),
    "range_bfloat16_count_in_float": lambda L: L.range(0, 0.3, 0.1, dtype=L.bfloat16),
    "range_bfloat16_out": lambda L: L.range(-5, 5, out=L.empty(0, dtype=L.bfloat16)),
    "logspace_int64_extremes": lambda L: L.logspace(-2**63, 2**63 - 1, 3, dtype=L.int64),
    "empty_strided_overflow_then_zero": lambda L: L.empty_strided((5, 0), (2**62, 1)).shape,
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(REVIEW_CASES))
def test_factory_review_cases(name):
    same(lambda L: REVIEW_CASES[name](L))
