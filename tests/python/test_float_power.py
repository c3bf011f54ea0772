"""float_power's out= and in-place forms against torch: float64 (complex128) results, the dtype
checks, number operands and the gradient through float_power_."""
import numpy as np
import pytest
import torch

import torsh

CASES = [
    lambda L: L.float_power(L.arange(4.0), 2, out=L.empty(4, dtype=L.float64)),
    lambda L: L.float_power(L.arange(4.0), 2, out=L.empty(4)),
    lambda L: L.float_power(L.arange(4), L.arange(4.0) / 2, out=L.empty(0, dtype=L.float64)),
    lambda L: L.float_power(2, L.arange(3), out=L.empty(3, dtype=L.float64)),
    lambda L: L.float_power(L.arange(3.0), 1j),
    lambda L: L.float_power(L.arange(3.0), 2, out=L.empty(3, dtype=L.complex128)),
    lambda L: L.ones(2, dtype=L.complex64).float_power(2),
    lambda L: L.arange(3.0).float_power_(2),
    lambda L: L.arange(3.0, dtype=L.float64).float_power_(L.tensor([0.5, 2, 3])),
    lambda L: L.arange(3.0, dtype=L.float64).float_power_(2.5),
    lambda L: L.arange(3, dtype=L.float64).float_power_(1j),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_float_power_out_and_inplace(i):
    res = []
    for lib in (torch, torsh):
        try:
            res.append(CASES[i](lib))
        except Exception as e:  # noqa: BLE001 - compared with torch's exception
            res.append(e)
    t, s = res
    if isinstance(t, Exception):
        assert type(s).__name__ == type(t).__name__ and str(s) == str(t)
        return
    assert repr(s.dtype) == repr(t.dtype)
    np.testing.assert_array_equal(s.numpy(), t.numpy())


def test_float_power_inplace_gradient():
    grads = []
    for lib in (torch, torsh):
        x = lib.tensor([1.5, 2.0, 0.25], dtype=lib.float64, requires_grad=True)
        y = x * 1
        y.float_power_(lib.tensor([3.0, 0.5, 2.0], dtype=lib.float64))
        y.sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-14)
