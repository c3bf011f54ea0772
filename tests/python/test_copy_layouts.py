"""Copies into a contiguous tensor from every layout the CPU copy kernel special-cases (whole
blocks, rows of a permutation, 32 x 32 tiles of a transpose), and cat's block copies, compared
with torch on tensors large enough to take those paths and to split across threads."""
import pytest
import torch

import torsh
from test_reliability import same


@pytest.fixture(autouse=True)
def _restore_threads():
    before = torch.get_num_threads(), torsh.get_num_threads()
    yield
    # torsh first: both set the OpenMP runtime's thread count they share, torch's must be last
    torsh.set_num_threads(before[1])
    torch.set_num_threads(before[0])

DTYPES = ["float32", "float64", "int8", "int16", "bool", "bfloat16"]

VIEWS = {
    "transpose2d": lambda t: t.reshape(96, 70).t(),
    "transpose_batched": lambda t: t.reshape(4, 48, 35).transpose(1, 2),
    "permute_rows": lambda t: t.reshape(4, 24, 2, 35).permute(2, 0, 1, 3),
    "permute_tiles": lambda t: t.reshape(4, 24, 2, 35).permute(3, 1, 0, 2),
    "stepped_rows": lambda t: t.reshape(96, 70)[::2, 3:60],
    "stepped_transpose": lambda t: t.reshape(96, 70)[::3].t(),
    "expanded_rows": lambda t: t.reshape(96, 70)[:1].expand(5, 70),
}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_contiguous_of_views(dtype, view, threads):
    def f(L):
        L.set_num_threads(threads)
        t = (L.arange(96 * 70) % 251).to(getattr(L, dtype))
        v = VIEWS[view](t)
        return v.contiguous(), v.clone(), L.empty(v.shape, dtype=v.dtype).copy_(v)
    same(f)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("threads", [1, 2])
def test_cat_blocks(dim, threads):
    def f(L):
        L.set_num_threads(threads)
        parts = [(L.arange(600 * 7) + 1000 * k).reshape(600, 7).float() for k in range(5)]
        parts[2] = parts[2].t().contiguous().t()  # one non-contiguous input
        return L.cat(parts, dim)
    same(f)


def test_clone_of_a_large_tensor_splits_across_threads():
    def f(L):
        L.set_num_threads(2)
        return (L.arange(1 << 20) * 3).clone()
    same(f)
