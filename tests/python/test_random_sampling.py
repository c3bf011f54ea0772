"""torch.binomial and torch.poisson (the C++ samplers of torsh/random_sampling.h): with the same
seed, the same samples as torch 1.13 in every branch of the algorithms (inversion, BTRS, p > 1/2,
the degenerate cases), the generator left at the same point, and torch's errors."""
import warnings

import pytest
import torch

import torsh
from conftest import record

SEEDS = [0, 7, 123]


def _draw(lib, seed, fn):
    lib.manual_seed(seed)
    out = fn(lib)
    # repr of the floats: NaN equals NaN
    return repr(out.tolist()), str(out.dtype).split(".")[-1], lib.rand(2).tolist()


def _same(fn, seed):
    record("binomial/poisson")
    ref, ours = _draw(torch, seed, fn), _draw(torsh, seed, fn)
    assert ours == ref


def _params(lib, n, dtype, scale, seed=3):
    g = lib.Generator().manual_seed(seed)
    count = (lib.rand(n, generator=g, dtype=dtype) * scale).floor()
    prob = lib.rand(n, generator=g, dtype=dtype)
    return count, prob


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scale", [3, 40, 1000])  # inversion, both, mostly BTRS
@pytest.mark.parametrize("seed", SEEDS)
def test_binomial_same_samples(dtype, scale, seed):
    _same(lambda L: L.binomial(*_params(L, 400, getattr(L, dtype), scale)), seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_binomial_edges_and_generator(seed):
    def fn(L):
        count = L.tensor([0., 1., 10., 1000., 5., -1., 7., 20., 20., 1e6])
        prob = L.tensor([0.5, 1.0, 0.99, 0.001, 0.0, 0.5, float("nan"), 0.5, 0.9, 0.3])
        g = L.Generator().manual_seed(seed + 1)
        return L.cat([L.binomial(count, prob), L.binomial(count, prob.flip(0), generator=g)])
    _same(fn, seed)


def test_binomial_broadcasts_prob_with_torchs_warning():
    def fn(L):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = L.binomial(L.tensor([5., 20.]), L.tensor([[0.3], [0.6]]))
        assert any("was resized since it had shape [2]" in str(x.message) for x in w)
        return out
    for seed in SEEDS:
        _same(fn, seed)


@pytest.mark.parametrize("args, error", [
    (lambda L: (L.tensor([5., 2.]), L.tensor([0.3, 0.6], dtype=L.float64)), RuntimeError),
    (lambda L: (L.tensor([5, 2]), L.tensor([3, 6])), RuntimeError),
    (lambda L: (L.tensor([5., 2.]).half(), L.tensor([0.3, 0.6]).half()), RuntimeError),
    (lambda L: (L.tensor([5., 2.]), L.tensor([0.3, 0.6, 0.1])), RuntimeError),
    (lambda L: ([5., 2.], L.tensor([0.3, 0.6])), TypeError),
])
def test_binomial_errors(args, error):
    messages = []
    for L in (torch, torsh):
        with pytest.raises(error) as e:
            L.binomial(*args(L))
        messages.append(str(e.value).split("\n")[0])
    if error is RuntimeError:
        assert messages[1] == messages[0]


def test_binomial_has_no_derivative():
    for L in (torch, torsh):
        count = L.tensor([5., 20.], requires_grad=True)
        out = L.binomial(count, L.tensor([0.3, 0.6]))
        assert out.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::binomial is not "
                                               "implemented"):
            out.sum().backward()


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
@pytest.mark.parametrize("seed", SEEDS)
def test_poisson_same_samples(dtype, seed):
    def fn(L):
        g = L.Generator().manual_seed(seed)
        rates = L.rand(3000, generator=g) * 60 - 0.0  # both branches (rate < 10 and >= 10)
        rates[:5] = 0
        return L.poisson(rates.to(getattr(L, dtype)).reshape(60, 50).t())
    _same(fn, seed)


def test_poisson_gradient_is_zero_and_errors_match():
    for L in (torch, torsh):
        r = L.tensor([1.0, 12.0], requires_grad=True)
        L.poisson(r).sum().backward()
        assert r.grad.tolist() == [0.0, 0.0]
        with pytest.raises(RuntimeError, match="invalid Poisson rate"):
            L.poisson(L.tensor([-1.0]))
        with pytest.raises(RuntimeError, match='"poisson_cpu" not implemented for \'Long\''):
            L.poisson(L.tensor([1]))
