"""Tensor.storage() / torch.TypedStorage / torch.is_storage against torch 1.13: the whole storage
under a view (size, bytes, address, dtype, values), shared memory both ways, indexing, fill_,
copy_, clone and printing."""
import pytest
import torch

import torsh
from conftest import record


def _both(fn):
    record("storage")
    ref, ours = fn(torch), fn(torsh)
    assert ours == ref
    return ref


def test_storage_of_a_view_is_the_whole_storage():
    def run(L):
        base = L.arange(12.0).reshape(3, 4)
        t = base[1, 1:3]
        s = t.storage()
        return (len(s), s.size(), s.nbytes(), s.element_size(), str(s.dtype), str(s.device),
                s.data_ptr() == t.data_ptr() - t.storage_offset() * t.element_size(),
                s.data_ptr() == base.storage().data_ptr(), s.tolist(), s[5], s[-1],
                L.is_storage(s), L.is_storage(t), s.is_shared(), s.get_device())
    _both(run)


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "uint8", "float16"])
def test_storage_values_and_repr(dtype):
    def run(L):
        t = L.tensor([1, 0, 3], dtype=getattr(L, dtype))
        s = t.storage()
        with pytest.raises(RuntimeError, match="slices are only supported"):
            s[0:2]
        return repr(s), list(s)
    _both(run)


def test_storage_writes_share_memory():
    def run(L):
        t = L.zeros(2, 3)
        s = t.t().storage()
        s[4] = 7.0
        c = s.clone()
        c[0] = -1.0
        s2 = L.ones(6).storage()
        t2 = L.zeros(6)
        t2.storage().copy_(s2)
        return t.tolist(), c.tolist(), t2.tolist(), L.zeros(4).storage().fill_(2.5).tolist()
    _both(run)


def test_storage_index_errors():
    for L in (torch, torsh):
        s = L.zeros(3).storage()
        with pytest.raises(IndexError):
            s[3]
        with pytest.raises(IndexError):
            s[-4]
