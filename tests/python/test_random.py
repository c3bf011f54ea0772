"""Random streams: with the same seed torsh must give exactly torch's values (bit for bit)."""
import numpy as np
import pytest
import torch

import torsh
from conftest import record

SEEDS = [0, 1, 42, 2**31 + 7]
SIZES = [1, 5, 15, 16, 17, 31, 33, 100, 1000]


def same_stream(seed, calls):
    torch.manual_seed(seed)
    t = [c(torch) for c in calls]
    torsh.manual_seed(seed)
    s = [c(torsh) for c in calls]
    for a, b in zip(t, s):
        record("random")
        assert str(a.dtype)[6:] == repr(b.dtype)[6:]
        np.testing.assert_array_equal(b.numpy(), a.numpy())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
def test_rand_randn(seed, n):
    same_stream(seed, [lambda m: m.rand(n), lambda m: m.randn(n),
                       lambda m: m.rand(n, dtype=m.float64), lambda m: m.randn(n, dtype=m.float64),
                       lambda m: m.randn(2, n)])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
def test_randint_randperm(seed, n):
    same_stream(seed, [lambda m: m.randint(10, (n,)), lambda m: m.randint(-5, 1000003, (n,)),
                       lambda m: m.randint(0, 2**40, (n,)), lambda m: m.randperm(n),
                       lambda m: m.randint(3, (n,), dtype=m.int32)])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
def test_inplace_distributions(seed, n):
    same_stream(seed, [lambda m: m.empty(n).bernoulli_(0.3), lambda m: m.empty(n).uniform_(-2, 3),
                       lambda m: m.empty(n, dtype=m.float64).normal_(1.5, 2.0),
                       lambda m: m.empty(n).normal_(-1, 0.5),
                       lambda m: m.empty(n, dtype=m.float64).bernoulli_(0.7),
                       lambda m: m.empty(n, dtype=m.int64).random_(0, 7)])


def test_generator_objects_are_independent():
    g1, g2 = torch.Generator().manual_seed(3), torsh.Generator().manual_seed(3)
    torch.manual_seed(9)
    torsh.manual_seed(9)
    a = [torch.rand(4, generator=g1), torch.randn(20, generator=g1), torch.rand(3)]
    b = [torsh.rand(4, generator=g2), torsh.randn(20, generator=g2), torsh.rand(3)]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(y.numpy(), x.numpy())


def test_default_seed_matches_torch_default_generator():
    """A fresh generator starts from torch's default seed."""
    a = torch.rand(5, generator=torch.Generator())
    b = torsh.rand(5, generator=torsh.Generator())
    np.testing.assert_array_equal(b.numpy(), a.numpy())


def test_bad_arguments():
    with pytest.raises(RuntimeError):
        torsh.empty(3).normal_(0, -1)
    with pytest.raises(RuntimeError):
        torsh.randint(5, 2, (3,))
    with pytest.raises(RuntimeError):
        torsh.empty(3).bernoulli_(1.5)
