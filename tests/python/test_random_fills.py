"""Tensor.exponential_/geometric_/cauchy_/log_normal_ and bernoulli_ with a tensor of
probabilities, and the legacy constructor torch.Tensor(...): against torch 1.13 on the same
seed (bit-equal samples, and the generator left at the same point of its stream), the same
exceptions for bad arguments."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from api_compare import plain_lists
from conftest import record

SEEDS = [0, 7, 2**31 + 7]
FLOATS = ["float32", "float64", "float16", "bfloat16"]


def outcome(fn, lib, seed):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lib.manual_seed(seed)
            r = fn(lib)
            return ("ok", plain_lists(r), plain_lists(lib.rand(3)))
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return (type(e).__name__, str(e).split("(Could")[0])


def same(fn, seed=0, message=True):
    ref, ours = outcome(fn, torch, seed), outcome(fn, torsh, seed)
    record("random_fills")
    if ref[0] != "ok" and not message:
        assert ours[0] == ref[0], (ours, ref)
    else:
        assert ours == ref


def _values_nan_equal(a, b):
    return np.array_equal(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                          equal_nan=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("fill", [
    lambda t: t.exponential_(),
    lambda t: t.exponential_(2.5),
    lambda t: t.exponential_(lambd=0.1),
    lambda t: t.geometric_(0.3),
    lambda t: t.geometric_(p=0.9),
    lambda t: t.cauchy_(),
    lambda t: t.cauchy_(1.0, 3.0),
    lambda t: t.cauchy_(median=-2, sigma=0.5),
    lambda t: t.log_normal_(),
    lambda t: t.log_normal_(0.5, 0.7),
    lambda t: t.log_normal_(mean=-1, std=0.25),
], ids=["exp", "exp2.5", "exp_kw", "geom", "geom_kw", "cauchy", "cauchy13", "cauchy_kw",
        "lognormal", "lognormal_args", "lognormal_kw"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "stepped", "scalar", "big"])
def test_fill_same_samples(fill, dtype, seed, layout):
    def run(L):
        d = getattr(L, dtype)
        if layout == "contiguous":
            t = L.empty(3, 5, dtype=d)
        elif layout == "transposed":
            t = L.empty(4, 6, dtype=d).t()
        elif layout == "stepped":
            t = L.empty(4, 10, dtype=d)[:, ::3]
        elif layout == "scalar":
            t = L.empty((), dtype=d)
        else:
            t = L.empty(1000, dtype=d)
        r = fill(t)
        assert r is t
        return t
    same(run, seed)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
@pytest.mark.parametrize("p", [0.01, 0.2, 0.75])
def test_geometric_integers(dtype, p):
    same(lambda L: L.empty(50, dtype=getattr(L, dtype)).geometric_(p), seed=3)


@pytest.mark.parametrize("call", [
    lambda L: L.empty(3).exponential_(-1),
    lambda L: L.empty(3).exponential_(float("nan")),
    lambda L: L.empty(3).exponential_(0),
    lambda L: L.empty(3).exponential_(float("inf")),
    lambda L: L.empty(3, dtype=L.int64).exponential_(),
    lambda L: L.empty(3, dtype=L.bool).exponential_(),
    lambda L: L.empty(3, dtype=L.complex64).exponential_(),
    lambda L: L.empty(3).geometric_(0),
    lambda L: L.empty(3).geometric_(1),
    lambda L: L.empty(3).geometric_(1.5),
    lambda L: L.empty(3).geometric_(-0.5),
    lambda L: L.empty(3, dtype=L.bool).geometric_(0.5),
    lambda L: L.empty(3, dtype=L.complex128).geometric_(0.5),
    lambda L: L.empty(3).cauchy_(0, 0),
    lambda L: L.empty(3).cauchy_(0, -1),
    lambda L: L.empty(3, dtype=L.int32).cauchy_(),
    lambda L: L.empty(3).log_normal_(0, 0),
    lambda L: L.empty(3).log_normal_(0, -1),
    lambda L: L.empty(3, dtype=L.int64).log_normal_(),
    lambda L: L.empty(0).exponential_(),
    lambda L: L.empty(0, 3).cauchy_(),
    lambda L: L.empty(3, requires_grad=True).exponential_(),
    lambda L: L.empty(3, requires_grad=True).geometric_(0.5),
    lambda L: L.empty(2).expand(3, 2).exponential_(),
], ids=lambda f: "")
def test_fill_arguments(call):
    same(call, message=False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("self_dtype", ["float32", "float64", "bfloat16", "int64", "uint8",
                                        "bool"])
@pytest.mark.parametrize("p_dtype", ["float32", "float64", "bfloat16"])
def test_bernoulli_tensor_p(seed, self_dtype, p_dtype):
    probs = np.random.default_rng(seed % 1000).random((4, 5))
    probs[0, 0], probs[1, 1] = 0.0, 1.0

    def run(L):
        p = L.tensor(probs).to(getattr(L, p_dtype))
        t = L.empty(4, 5, dtype=getattr(L, self_dtype))
        r = t.bernoulli_(p)
        assert r is t
        return t
    same(run, seed)


@pytest.mark.parametrize("call", [
    lambda L: L.empty(3, 4).bernoulli_(L.tensor([0.1, 0.5, 0.9, 0.3])),  # broadcast row
    lambda L: L.empty(3, 4).bernoulli_(L.tensor([[0.2], [0.8], [0.5]], dtype=L.float64)),
    lambda L: L.empty(4, 3).t().bernoulli_(L.full((3, 4), 0.4)),
    lambda L: L.empty(3, 4).bernoulli_(L.tensor(0.5)),
    lambda L: L.empty(3, 4).bernoulli_(p=L.full((4,), 0.7)),
    lambda L: L.empty(0, 4).bernoulli_(L.full((4,), 0.7)),
    lambda L: L.empty(3).bernoulli_(L.tensor([2.0, 0, 0])),
    lambda L: L.empty(3).bernoulli_(L.tensor([-0.1, 0, 0])),
    lambda L: L.empty(3).bernoulli_(L.tensor(float("nan"))),
    lambda L: L.empty(3).bernoulli_(L.rand(2)),
    lambda L: L.empty(3).bernoulli_(L.rand(2, 3)),
    lambda L: L.empty(3).bernoulli_(L.tensor([1, 0, 1])),
    lambda L: L.empty(3).bernoulli_(L.rand(3).half()),
    lambda L: L.empty(3).bernoulli_(L.rand(3, dtype=L.complex64)),
    lambda L: L.empty(3, dtype=L.float16).bernoulli_(L.rand(3)),
    lambda L: L.empty(3, dtype=L.complex64).bernoulli_(L.rand(3)),
    lambda L: L.empty(3).bernoulli_(0.25),
], ids=lambda f: "")
def test_bernoulli_tensor_p_cases(call):
    same(call, seed=11, message=False)


@pytest.mark.parametrize("call", [
    lambda L: L.Tensor(2, 3).shape,
    lambda L: L.Tensor(4).shape,
    lambda L: L.Tensor(0).shape,
    lambda L: L.Tensor().shape,
    lambda L: L.Tensor(L.Size([2, 3])).shape,
    lambda L: L.Tensor(size=(2,)).shape,
    lambda L: L.Tensor([1, 2]),
    lambda L: L.Tensor([[1, 2], [3, 4]]),
    lambda L: L.Tensor((2, 3)),
    lambda L: L.Tensor([True, False]),
    lambda L: L.Tensor(np.arange(3)),
    lambda L: L.Tensor(np.ones((2, 2), dtype=np.float64)),
    lambda L: L.Tensor(L.ones(2, dtype=L.int64)),
    lambda L: L.Tensor(L.ones(2, dtype=L.float64)),
    lambda L: L.Tensor(3, device="cpu").shape,
    lambda L: L.Tensor(2.5),
    lambda L: L.Tensor(2, "a"),
    lambda L: L.Tensor(-1),
    lambda L: L.Tensor([1, 2], dtype=L.float64),
    lambda L: L.Tensor(2, 3).dtype,
    lambda L: type(L.Tensor(2)) is L.Tensor,
    lambda L: isinstance(L.Tensor(2), L.Tensor),
], ids=lambda f: "")
def test_tensor_legacy_constructor(call):
    same(call, message=False)


def test_tensor_constructor_follows_default_dtype():
    def run(L):
        old = L.get_default_dtype()
        L.set_default_dtype(L.float64)
        try:
            return L.Tensor(2).dtype, L.Tensor([1, 2])
        finally:
            L.set_default_dtype(old)
    same(run)


def test_tensor_constructor_aliases():
    def run(L):
        x = L.ones(3, dtype=L.int64)
        y = L.Tensor(x)
        y[0] = 7
        w = L.ones(2, requires_grad=True)
        z = L.Tensor(w)
        return x, y.data_ptr() == x.data_ptr(), z.requires_grad, z is w
    same(run)


def test_tensor_constructor_as_parameter():
    """The pre-1.0 custom-layer idiom: Parameter(torch.Tensor(out, in)) then an init."""
    def run(L):
        w = L.nn.Parameter(L.Tensor(4, 3))
        L.nn.init.kaiming_uniform_(w, a=5 ** 0.5)
        b = L.nn.Parameter(L.Tensor(4))
        b.data.uniform_(-0.5, 0.5)
        return w, b, isinstance(w, L.nn.Parameter)
    same(run, seed=5)


@pytest.mark.parametrize("fill", [
    lambda t: t.exponential_(), lambda t: t.geometric_(0.5), lambda t: t.cauchy_(),
    lambda t: t.log_normal_(), lambda t: t.uniform_(), lambda t: t.normal_(),
    lambda t: t.bernoulli_(0.5), lambda t: t.bernoulli_(t.detach() * 0 + 0.5),
    lambda t: t.random_(5), lambda t: t.random_(1, 4), lambda t: t.random_(),
], ids=["exponential", "geometric", "cauchy", "log_normal", "uniform", "normal", "bernoulli",
        "bernoulli_tensor", "random_to", "random_from", "random"])
@pytest.mark.parametrize("view", [False, True])
def test_fill_cuts_the_gradient(fill, view):
    """A fill's values do not depend on what self held: the history before it gets zeros
    (torch's zeros_like(grad)), through a view's base too."""
    def run(L):
        a = L.ones(4, requires_grad=True)
        b = a * 2
        fill(b[:2] if view else b)
        (b * L.arange(4.0)).sum().backward()
        return a.grad
    same(run, seed=2)
