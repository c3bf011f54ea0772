"""Memory ownership: memory torsh did not allocate (numpy arrays) is never freed or reused by
torsh, and torsh memory lent to numpy stays out of the cache. Each check also runs on torch,
which must pass it too."""
import gc
import sys

import numpy as np
import pytest

LIBS = ["torsh", "torch"]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("n", [1024, 2**20])  # a thread's small-block cache, the shared cache
def test_from_numpy_memory_is_never_freed_nor_reused(lib, n):
    m = __import__(lib)
    a = np.arange(n, dtype=np.float32)
    expected = a.copy()
    refs = sys.getrefcount(a)
    t = m.from_numpy(a)
    assert t.data_ptr() == a.ctypes.data
    view = t[1:]
    del t
    assert sys.getrefcount(a) > refs  # the view still holds the array
    del view
    gc.collect()
    assert sys.getrefcount(a) == refs  # released exactly once
    keep = [m.zeros(n) for _ in range(40)] + [m.ones(n) + 1 for _ in range(40)]
    assert all(k.data_ptr() != a.ctypes.data for k in keep)
    np.testing.assert_array_equal(a, expected)


@pytest.mark.parametrize("lib", LIBS)
def test_from_numpy_keeps_the_array_alive(lib):
    m = __import__(lib)
    a = np.arange(2**20, dtype=np.float64)
    expected = a.copy()
    t = m.from_numpy(a)
    del a
    gc.collect()
    keep = [m.zeros(2**20, dtype=m.float64) for _ in range(8)]
    np.testing.assert_array_equal(t.numpy(), expected)
    assert all(k.data_ptr() != t.data_ptr() for k in keep)


@pytest.mark.parametrize("lib", LIBS)
def test_tensor_from_numpy_copies_and_holds_no_reference(lib):
    m = __import__(lib)
    a = np.arange(4096, dtype=np.float32)
    refs = sys.getrefcount(a)
    t = m.tensor(a)
    assert t.data_ptr() != a.ctypes.data
    assert sys.getrefcount(a) == refs
    a[:] = -1
    np.testing.assert_array_equal(t.numpy(), np.arange(4096, dtype=np.float32))


@pytest.mark.parametrize("lib", LIBS)
def test_numpy_view_keeps_torsh_memory_out_of_the_cache(lib):
    m = __import__(lib)
    arr = (m.zeros(2**20) + 3).numpy()  # the tensor dies; the array owns its storage
    expected = np.full(2**20, 3, dtype=np.float32)
    keep = [m.zeros(2**20) for _ in range(8)]
    assert all(k.data_ptr() != arr.ctypes.data for k in keep)
    np.testing.assert_array_equal(arr, expected)
