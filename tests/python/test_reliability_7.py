"""Reliability regressions from the fresh fuzz run of seed 4093179: the order in which addr and
addcdiv's backward round their products in float16/bfloat16, compared with torch through
test_reliability.py's helper."""
import pytest
import torch

import torsh
from test_reliability import same


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_addcdiv_backward_divides_value_by_tensor2(dtype):
    """torch's formulas: grad * (value / tensor2) and -grad * (value * tensor1 / tensor2**2),
    each step rounded to the 16-bit dtype (1 / 3.67 first, then * 3, gives another bfloat16)."""
    def f(L):
        d = getattr(L, dtype)
        s = L.tensor([[-5.0, -6.0, 9.0], [10.0, -9.0, 7.0]], dtype=d, requires_grad=True)
        t1 = L.tensor([[-1.1559, -1.2585, 1.9446], [4.1391, -0.4445, 0.1974]],
                      dtype=L.float64, requires_grad=True)
        t2 = L.tensor(3.6705, dtype=d, requires_grad=True)
        r = L.addcdiv(s, t1, t2, value=3)
        r.backward(L.tensor([[1.0, -0.5, 2.0], [0.25, 3.0, -1.5]], dtype=L.float64))
        return r, s.grad, t1.grad, t2.grad
    same(f)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_addr_rounds_alpha_times_vec1_first(dtype):
    """torch's kernel: beta * self + (alpha * vec1) * vec2 in the result dtype, alpha and beta
    held in it: in float16 -3.505 * -60000 overflows to inf before vec2's zero makes it NaN."""
    def f(L):
        d = getattr(L, dtype)
        s = L.tensor([-0.194, 3.502, -2.166, -0.6206], dtype=d)
        v1 = L.tensor([-0.0, -60000.0, 1.779, -2.045], dtype=d)
        v2 = L.tensor([True, False, False, True])
        return L.addr(s, v1, v2, beta=-3, alpha=-3.505)
    same(f)


def test_addr_16bit_alpha_is_rounded():
    """alpha = 1.0009 is 1.0 in float16, so the products are vec1 * vec2 unscaled."""
    def f(L):
        v = L.tensor([1.5, 2.25, -3.0], dtype=L.float16)
        return L.addr(L.zeros(3, 3, dtype=L.float16), v, v, beta=0.3, alpha=1.0009)
    same(f)
