"""torch.as_tensor: no copy where torch makes none (a tensor of the same dtype, a NumPy array of a
matching dtype), a conversion or a copy otherwise, compared with torch."""
import numpy as np
import pytest
import torch

import torsh
from test_reliability import same


@pytest.mark.parametrize("lib", [torch, torsh])
def test_tensor_of_same_dtype_is_returned_itself(lib):
    x = lib.ones(2)
    assert lib.as_tensor(x) is x
    assert lib.as_tensor(x, dtype=lib.float32, device="cpu") is x


@pytest.mark.parametrize("lib", [torch, torsh])
def test_numpy_array_shares_memory_only_without_a_conversion(lib):
    a = np.arange(3.0)
    lib.as_tensor(a)[0] = 5
    b = np.arange(3.0)
    lib.as_tensor(b, dtype=lib.float32)[0] = 9
    assert a.tolist() == [5.0, 1.0, 2.0] and b.tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("data", [[1, 2], [1.5, 2], 3.5, [[True, False]], [], 7])
@pytest.mark.parametrize("dtype", [None, "float64", "int32", "bool"])
def test_values_and_dtypes_match_torch(data, dtype):
    same(lambda L: L.as_tensor(data, dtype=None if dtype is None else getattr(L, dtype)))
    same(lambda L: L.as_tensor(np.array(data), dtype=None if dtype is None else getattr(L, dtype)))


def test_conversion_keeps_the_graph():
    def f(L):
        y = L.ones(2, requires_grad=True)
        z = L.as_tensor(y, dtype=L.float64)
        (z * L.tensor([2.0, 3.0], dtype=L.float64)).sum().backward()
        return str(z.dtype), z.requires_grad, y.grad
    same(f)
