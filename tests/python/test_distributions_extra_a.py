"""torsh.distributions' Pareto, Weibull, Kumaraswamy, ContinuousBernoulli, FisherSnedecor,
NegativeBinomial and LogisticNormal against torch.distributions (torch 1.13): shapes,
constraints, moments, log_prob/cdf/icdf/entropy, samples drawn with the same seed, rsample
gradients, expand, argument/value validation and the kl_divergence pairs torch registers."""
import math
import warnings

import numpy as np
import pytest
import torch

import torsh
from dist_oracle import (T, assert_same_error, assert_same_error_type, close, outcome,  # noqa: F401
                         same, to_np)




def from_torch(v):
    return torsh.from_numpy(v.detach().numpy().copy())


# name -> make(lib, dtype, grad): (distribution, [parameters])
def _pareto(lib, dt, g):
    p = [T(lib, [[1.0, 0.5, 2.0], [0.2, 3.0, 1.0]], dt, g), T(lib, [0.7, 2.5, 5.0], dt, g)]
    return lib.distributions.Pareto(*p), p


def _pareto_scalar(lib, dt, g):
    return lib.distributions.Pareto(1.5, 3.0), []


def _weibull(lib, dt, g):
    p = [T(lib, [1.0, 0.5, 2.0, 4.0], dt, g), T(lib, [0.7, 1.0, 2.5, 5.0], dt, g)]
    return lib.distributions.Weibull(*p), p


def _kumaraswamy(lib, dt, g):
    p = [T(lib, [0.5, 1.0, 2.0, 5.0], dt, g), T(lib, [[0.7, 2.5, 5.0, 1.0]], dt, g)]
    return lib.distributions.Kumaraswamy(*p), p


def _kumaraswamy_mode(lib, dt, g):
    # a, b >= 1 and b < 1: torch's mode expression (nan for b > 1, nan for b < 1)
    p = [T(lib, [2.0, 1.0, 3.0], dt, g), T(lib, [1.0, 1.0, 0.5], dt, g)]
    return lib.distributions.Kumaraswamy(*p), p


def _cb_probs(lib, dt, g):
    # 0.4995 and 0.5 fall in the unstable region (lims), where Taylor expansions are used
    p = [T(lib, [[0.1, 0.4995, 0.5, 0.8], [0.02, 0.3, 0.6, 0.999]], dt, g)]
    return lib.distributions.ContinuousBernoulli(probs=p[0]), p


def _cb_logits(lib, dt, g):
    p = [T(lib, [-3.0, -0.001, 0.0, 0.5, 4.0], dt, g)]
    return lib.distributions.ContinuousBernoulli(logits=p[0]), p


def _cb_lims(lib, dt, g):
    p = [T(lib, [0.3, 0.45, 0.55, 0.7], dt, g)]
    return lib.distributions.ContinuousBernoulli(probs=p[0], lims=(0.4, 0.6)), p


def _cb_scalar(lib, dt, g):
    return lib.distributions.ContinuousBernoulli(0.3), []


def _fisher(lib, dt, g):
    p = [T(lib, [1.0, 3.0, 6.0, 0.5], dt, g), T(lib, [2.0, 5.0, 9.0, 3.5], dt, g)]
    return lib.distributions.FisherSnedecor(*p), p


def _fisher_scalar(lib, dt, g):
    return lib.distributions.FisherSnedecor(4.0, 7.0), []


def _negbin_probs(lib, dt, g):
    p = [T(lib, [0.0, 1.0, 5.5, 20.0], dt, g), T(lib, [0.2, 0.5, 0.9, 0.0], dt, g)]
    return lib.distributions.NegativeBinomial(p[0], probs=p[1]), p


def _negbin_logits(lib, dt, g):
    p = [T(lib, [[2.0, 1.0, 5.5]], dt, g), T(lib, [[-1.0], [0.5], [2.0]], dt, g)]
    return lib.distributions.NegativeBinomial(p[0], logits=p[1]), p


def _negbin_int_count(lib, dt, g):
    p = [T(lib, [0.3, 0.7], dt, g)]
    return lib.distributions.NegativeBinomial(3, probs=p[0]), p


def _logistic_normal(lib, dt, g):
    p = [T(lib, [[0.0, 1.0, -1.0], [0.5, 0.2, 2.0]], dt, g), T(lib, [1.0, 0.5, 2.0], dt, g)]
    return lib.distributions.LogisticNormal(*p), p


def _logistic_normal_scalar(lib, dt, g):
    # a scalar base is expanded to batch shape (1,): events on the 2-simplex
    return lib.distributions.LogisticNormal(0.3, 1.5), []


CASES = {
    "Pareto": _pareto, "Pareto-scalar": _pareto_scalar, "Weibull": _weibull,
    "Kumaraswamy": _kumaraswamy, "Kumaraswamy-mode": _kumaraswamy_mode,
    "CB-probs": _cb_probs, "CB-logits": _cb_logits, "CB-lims": _cb_lims,
    "CB-scalar": _cb_scalar, "FisherSnedecor": _fisher,
    "FisherSnedecor-scalar": _fisher_scalar, "NegBin-probs": _negbin_probs,
    "NegBin-logits": _negbin_logits, "NegBin-int-count": _negbin_int_count,
    "LogisticNormal": _logistic_normal, "LogisticNormal-scalar": _logistic_normal_scalar,
}
DISCRETE = ("NegBin-probs", "NegBin-logits", "NegBin-int-count")
RSAMPLE = [k for k in CASES if k not in DISCRETE and not k.endswith("-scalar")]
DTYPES = ["float32", "float64"]
# torch's Gamma rsample gradient is an approximation of the implicit derivative torsh
# evaluates numerically (see torsh.distributions._sampling): they agree to ~1e-3
GAMMA_BASED = ("FisherSnedecor",)


def build(name, dtype="float32", grad=False):
    return CASES[name](torch, dtype, grad), CASES[name](torsh, dtype, grad)


def compare_outcome(fn, a, b, **tol):
    ra, rb = outcome(lambda _: fn(a), None), outcome(lambda _: fn(b), None)
    assert ra[0] == rb[0], (ra, rb)
    if ra[0] == "ok":
        if isinstance(ra[1], torch.Tensor):
            close(ra[1], rb[1], **tol)
        else:
            assert ra[1] == rb[1]
    return ra[0] == "ok"


def test_exported():
    for name in ("Pareto", "Weibull", "Kumaraswamy", "ContinuousBernoulli", "FisherSnedecor",
                 "NegativeBinomial", "LogisticNormal"):
        assert name in torsh.distributions.__all__
        cls = getattr(torsh.distributions, name)
        base = getattr(torch.distributions, name).__mro__[1].__name__
        assert cls.__mro__[1].__name__ == base


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_shapes_constraints_and_moments(name, dtype):
    (a, _), (b, _) = build(name, dtype)
    assert tuple(b.batch_shape) == tuple(a.batch_shape)
    assert tuple(b.event_shape) == tuple(a.event_shape)
    assert isinstance(b.batch_shape, torsh.Size)
    assert repr(b) == repr(a)
    assert repr(b.support) == repr(a.support)
    assert b.support.event_dim == a.support.event_dim
    assert b.support.is_discrete == a.support.is_discrete
    assert {k: repr(v) for k, v in b.arg_constraints.items()} == \
        {k: repr(v) for k, v in a.arg_constraints.items()}
    assert b.has_rsample == a.has_rsample
    assert b.has_enumerate_support == a.has_enumerate_support
    for prop in ("mean", "mode", "variance", "stddev"):
        compare_outcome(lambda d: getattr(d, prop), a, b, rtol=2e-5)
    compare_outcome(lambda d: d.entropy(), a, b, rtol=2e-5, atol=1e-5)
    compare_outcome(lambda d: d.perplexity(), a, b, rtol=2e-5, atol=1e-5)
    compare_outcome(lambda d: d.enumerate_support(), a, b)


def test_moment_edge_cases():
    """Infinite Pareto moments, undefined F moments, NaN Kumaraswamy modes."""
    for name, args in [("Pareto", ([1.0, 2.0, 3.0, 0.5], [0.5, 1.0, 2.0, 3.0])),
                       ("FisherSnedecor", ([1.0, 2.0, 3.0, 5.0], [1.0, 2.0, 4.0, 6.0])),
                       ("Weibull", ([1.0, 2.0], [0.5, 1.0]))]:
        a = getattr(torch.distributions, name)(*[torch.tensor(x) for x in args])
        b = getattr(torsh.distributions, name)(*[torsh.tensor(x) for x in args])
        for prop in ("mean", "mode", "variance"):
            close(getattr(a, prop), getattr(b, prop))
    a, b = build("Kumaraswamy-mode", "float64")
    assert bool(torch.isnan(a[0].mode).all())
    close(a[0].mode, b[0].mode)


def values_for(a, shape=(3,), seed=123):
    """Points of a's support: torch samples (seeded), and the same values as torsh."""
    torch.manual_seed(seed)
    with torch.no_grad():
        v = a.sample(shape)
    return v, from_torch(v)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_log_prob(name, dtype):
    (a, _), (b, _) = build(name, dtype)
    va, vb = values_for(a)
    close(a.log_prob(va), b.log_prob(vb), rtol=2e-5, atol=1e-5)
    # one value broadcast against the batch
    close(a.log_prob(va[0]), b.log_prob(vb[0]), rtol=2e-5, atol=1e-5)


def test_log_prob_special_values():
    """Boundary points: NegativeBinomial at total_count = value = 0, probs = 0; Pareto at
    its scale; Kumaraswamy and ContinuousBernoulli at 0 and 1; a LogisticNormal vertex."""
    def run(lib):
        D = lib.distributions
        nb = D.NegativeBinomial(T(lib, [0.0, 0.0, 2.0, 3.0]), probs=T(lib, [0.3, 0.0, 0.0, 0.5]))
        out = [nb.log_prob(T(lib, [0.0, 0.0, 0.0, 4.0])), nb.log_prob(T(lib, [[1.0], [0.0]])),
               D.Pareto(T(lib, [1.0, 2.0]), T(lib, [3.0, 0.5])).log_prob(T(lib, [1.0, 2.0])),
               D.Kumaraswamy(T(lib, [1.0, 2.0]), T(lib, [3.0, 0.5])).log_prob(
                   T(lib, [0.0, 1.0])),
               D.ContinuousBernoulli(T(lib, [0.2, 0.5, 0.9])).log_prob(T(lib, [[0.0], [1.0]])),
               D.Weibull(T(lib, [1.0]), T(lib, [0.5, 1.0, 3.0])).log_prob(T(lib, [1e-3]))]
        return out
    for x, y in zip(run(torch), run(torsh)):
        close(x, y, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", CASES)
def test_cdf_icdf(name):
    (a, _), (b, _) = build(name, "float64")
    va, vb = values_for(a)
    compare_outcome(lambda d: d.cdf(va if d is a else vb), a, b, rtol=1e-6, atol=1e-7)
    q = [0.01, 0.3, 0.5, 0.77, 0.999]
    qa = torch.tensor(q, dtype=torch.float64).reshape((-1,) + (1,) * len(a.batch_shape))
    qb = torsh.tensor(q, dtype=torsh.float64).reshape((-1,) + (1,) * len(b.batch_shape))
    if compare_outcome(lambda d: d.icdf(qa if d is a else qb), a, b, rtol=1e-6, atol=1e-7):
        close(a.cdf(a.icdf(qa)), b.cdf(b.icdf(qb)), rtol=1e-6, atol=1e-7)


def test_continuous_bernoulli_cdf_outside_support_without_validation():
    def run(lib):
        d = lib.distributions.ContinuousBernoulli(T(lib, [0.2, 0.5, 0.7]), validate_args=False)
        return d.cdf(T(lib, [[-0.5], [0.0], [0.25], [1.0], [1.5]]))
    close(run(torch), run(torsh), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", [0, 7])
def test_same_seed_same_samples(name, dtype, seed):
    """With the same seed, sample() draws torch's values and leaves the generator where
    torch leaves it (checked by drawing again afterwards, after a cached normal)."""
    (a, _), (b, _) = build(name, dtype)
    out = []
    for lib, d in ((torch, a), (torsh, b)):
        lib.manual_seed(seed)
        first = lib.randn(1)  # leaves a cached second normal in the generator
        s1 = d.sample()
        s2 = d.sample((4, 2))
        after = (lib.randn(1), lib.rand(3))
        out.append((first, s1, s2) + after)
    for x, y in zip(*out):
        if x.numel() and bool(torch.all(x == x.round())):
            same(x, y)  # counts
        else:
            # continuous draws composed with the same ops: equal up to the last bit
            close(x, y, rtol=2e-6, atol=1e-7)


def test_negative_binomial_sampler_many_draws():
    for seed in (1, 2):
        out = []
        for lib in (torch, torsh):
            lib.manual_seed(seed)
            d = lib.distributions.NegativeBinomial(T(lib, [0.5, 4.0, 30.0, 0.0]),
                                                   probs=T(lib, [0.9, 0.3, 0.6, 0.5]))
            out.append((d.sample((200,)), lib.rand(2)))
        same(out[0][0], out[1][0])
        same(out[0][1], out[1][1])


@pytest.mark.parametrize("name", RSAMPLE)
@pytest.mark.parametrize("dtype", DTYPES)
def test_rsample_values_and_gradients(name, dtype):
    grads = []
    samples = []
    for lib in (torch, torsh):
        d, params = CASES[name](lib, dtype, True)
        assert all(p.requires_grad for p in params)
        lib.manual_seed(5)
        x = d.rsample((3,))
        samples.append(x)
        w = lib.linspace(0.5, 1.5, x.numel(), dtype=x.dtype).reshape(tuple(x.shape))
        (x * w).sum().backward()
        grads.append([p.grad for p in params])
    close(samples[0], samples[1], rtol=2e-6, atol=1e-6)
    rtol = 2e-3 if name in GAMMA_BASED else 2e-5
    for ga, gb in zip(*grads):
        assert (ga is None) == (gb is None)
        if ga is not None:
            close(ga, gb, rtol=rtol, atol=1e-5)


@pytest.mark.parametrize("name", CASES)
def test_log_prob_and_entropy_gradients(name):
    grads = []
    for lib in (torch, torsh):
        d, params = CASES[name](lib, "float64", True)
        torch.manual_seed(3)
        with torch.no_grad():
            v = CASES[name](torch, "float64", False)[0].sample((2,))
        v = v if lib is torch else from_torch(v)
        total = d.log_prob(v).sum()
        for extra in (lambda: d.entropy(), lambda: d.mean, lambda: d.variance):
            try:
                total = total + extra().nan_to_num(0.0, 0.0, 0.0).sum()
            except NotImplementedError:
                pass
        params = [p for p in params if p.requires_grad]
        grads.append(lib.autograd.grad(total, params, allow_unused=True) if params else ())
    for ga, gb in zip(*grads):
        assert (ga is None) == (gb is None)
        if ga is not None:
            close(ga, gb, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", CASES)
def test_expand(name):
    (a, _), (b, _) = build(name)
    shape = (2,) + tuple(a.batch_shape)
    ea, eb = a.expand(shape), b.expand(torsh.Size(shape))
    assert type(eb).__name__ == type(ea).__name__
    assert tuple(eb.batch_shape) == tuple(ea.batch_shape)
    assert tuple(eb.event_shape) == tuple(ea.event_shape)
    assert eb._validate_args == ea._validate_args
    va, vb = values_for(ea, ())
    close(ea.log_prob(va), eb.log_prob(vb), rtol=2e-5, atol=1e-5)
    torch.manual_seed(1)
    torsh.manual_seed(1)
    sa, sb = ea.sample((2,)), eb.sample((2,))
    assert tuple(sb.shape) == tuple(sa.shape)
    close(sa.double(), sb.double(), rtol=2e-6, atol=1e-6)
    compare_outcome(lambda d: d.mean, ea, eb)
    compare_outcome(lambda d: d.variance, ea, eb)
    for bad in [(5, 7), (3,) + tuple(a.batch_shape[:-1]) + (9,)]:
        ra = outcome(lambda lib: a.expand(bad), None)
        rb = outcome(lambda lib: b.expand(bad), None)
        assert ra[0] == rb[0], (ra, rb)


def test_parameter_views():
    """The derived attributes torch exposes: probs/logits, param_shape, loc/scale,
    concentration_reciprocal, lims, support bounds."""
    (a, _), (b, _) = build("CB-probs", "float64")
    close(a.logits, b.logits)
    assert tuple(a.param_shape) == tuple(b.param_shape)
    (a, _), (b, _) = build("CB-logits", "float64")
    close(a.probs, b.probs)
    assert "probs" not in b.__dict__ or "probs" in a.__dict__
    (a, _), (b, _) = build("NegBin-probs", "float64")
    close(a.logits, b.logits)
    close(a.total_count, b.total_count)
    (a, _), (b, _) = build("NegBin-logits", "float64")
    close(a.probs, b.probs)
    assert tuple(a.param_shape) == tuple(b.param_shape)
    (a, _), (b, _) = build("NegBin-int-count", "float64")
    close(a.total_count, b.total_count)
    (a, _), (b, _) = build("LogisticNormal", "float64")
    close(a.loc, b.loc)
    close(a.scale, b.scale)
    (a, _), (b, _) = build("Weibull", "float64")
    close(a.concentration_reciprocal, b.concentration_reciprocal)
    (a, _), (b, _) = build("Pareto", "float64")
    close(a.support.lower_bound, b.support.lower_bound)
    (a, _), (b, _) = build("CB-lims", "float64")
    assert a._lims == b._lims
    assert a.expand((3, 4))._lims == b.expand((3, 4))._lims


def test_logistic_normal_matches_its_definition():
    """log(X / (1 - X.cumsum(-1)))[..., :-1] of a sample is the base Normal draw."""
    (a, _), (b, _) = build("LogisticNormal", "float64")
    torsh.manual_seed(4)
    x = b.sample((5,))
    torsh.manual_seed(4)
    y = torsh.distributions.Normal(b.loc, b.scale).sample((5,))
    z = (x / (1 - x.cumsum(-1)))[..., :-1].log()
    k = torsh.arange(3, 0, -1, dtype=torsh.float64).log()
    np.testing.assert_allclose(to_np(z + k), to_np(y), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(to_np(x.sum(-1)), np.ones((5, 2)), rtol=1e-12)


INVALID = [
    lambda D, lib: D.Pareto(lib.tensor([1.0, -1.0]), lib.tensor([1.0, 1.0])),
    lambda D, lib: D.Pareto(lib.tensor([1.0, 1.0]), lib.tensor([1.0, 0.0])),
    lambda D, lib: D.Pareto(1.0, -2.0),
    lambda D, lib: D.Weibull(lib.tensor([0.0]), lib.tensor([1.0])),
    lambda D, lib: D.Weibull(lib.tensor([1.0]), lib.tensor([-1.0])),
    lambda D, lib: D.Kumaraswamy(lib.tensor([1.0]), lib.tensor([0.0])),
    lambda D, lib: D.Kumaraswamy(lib.tensor([-1.0]), lib.tensor([1.0])),
    lambda D, lib: D.ContinuousBernoulli(lib.tensor([1.5]), validate_args=True),
    # torch checks probs whenever validate_args is given, even False
    lambda D, lib: D.ContinuousBernoulli(lib.tensor([-0.5]), validate_args=False),
    lambda D, lib: D.ContinuousBernoulli(lib.tensor([0.5]), lib.tensor([0.0])),
    lambda D, lib: D.ContinuousBernoulli(),
    lambda D, lib: D.ContinuousBernoulli(logits=lib.tensor([float("nan")])),
    lambda D, lib: D.FisherSnedecor(lib.tensor([0.0]), lib.tensor([1.0])),
    lambda D, lib: D.FisherSnedecor(1.0, -1.0),
    # the inner Gammas validate by default: validate_args=False does not reach them
    lambda D, lib: D.FisherSnedecor(lib.tensor([-1.0]), lib.tensor([1.0]),
                                    validate_args=False),
    lambda D, lib: D.NegativeBinomial(lib.tensor([-1.0]), lib.tensor([0.5])),
    lambda D, lib: D.NegativeBinomial(lib.tensor([1.0]), lib.tensor([1.0])),
    lambda D, lib: D.NegativeBinomial(lib.tensor([1.0]), lib.tensor([-0.1])),
    lambda D, lib: D.NegativeBinomial(lib.tensor([1.0])),
    lambda D, lib: D.NegativeBinomial(lib.tensor([1.0]), lib.tensor([0.5]),
                                      lib.tensor([0.0])),
    lambda D, lib: D.NegativeBinomial(lib.tensor([1.0]), logits=lib.tensor([float("nan")])),
    lambda D, lib: D.LogisticNormal(lib.zeros(2), lib.tensor([1.0, 0.0])),
    lambda D, lib: D.LogisticNormal(lib.tensor([float("nan")]), lib.tensor([1.0])),
]


@pytest.mark.parametrize("i", range(len(INVALID)))
def test_invalid_arguments(i):
    assert_same_error(lambda lib: INVALID[i](lib.distributions, lib))


def test_scalar_negative_binomial():
    a = torch.distributions.NegativeBinomial(2.0, 0.4)
    b = torsh.distributions.NegativeBinomial(2.0, 0.4)
    assert tuple(a.batch_shape) == tuple(b.batch_shape) == ()
    close(a.mean, b.mean)
    close(a.log_prob(torch.tensor([0.0, 3.0])), b.log_prob(torsh.tensor([0.0, 3.0])))


def test_continuous_bernoulli_default_validation_sees_clamped_probs():
    """With validate_args left as None, torch checks probs only after clamping it into
    (0, 1), so out-of-range probs are accepted (and clamped)."""
    a = torch.distributions.ContinuousBernoulli(torch.tensor([1.5, -0.5]))
    b = torsh.distributions.ContinuousBernoulli(torsh.tensor([1.5, -0.5]))
    close(a.probs, b.probs, rtol=0, atol=0)
    close(a.mean, b.mean)


def test_validate_args_off_accepts_invalid_parameters():
    for lib in (torch, torsh):
        D = lib.distributions
        D.Pareto(lib.tensor([-1.0]), lib.tensor([1.0]), validate_args=False)
        D.Weibull(lib.tensor([-1.0]), lib.tensor([1.0]), validate_args=False)
        D.NegativeBinomial(lib.tensor([-1.0]), lib.tensor([1.5]), validate_args=False)
        D.LogisticNormal(lib.zeros(2), -lib.ones(2), validate_args=False)
        D.Kumaraswamy(lib.tensor([-1.0]), lib.tensor([1.0]), validate_args=False)
        D.ContinuousBernoulli(logits=lib.tensor([float("nan")]), validate_args=False)
    # without validation the values are not checked either
    d = [lib.distributions.Pareto(lib.tensor([1.0]), lib.tensor([2.0]), validate_args=False)
         for lib in (torch, torsh)]
    close(d[0].log_prob(torch.tensor([0.5])), d[1].log_prob(torsh.tensor([0.5])))


INVALID_VALUES = [
    ("Pareto", lambda lib: lib.tensor([[1.0, 0.4, 2.0], [1.0, 3.0, 1.0]])),
    ("Pareto-scalar", lambda lib: lib.tensor(1.0)),
    ("Weibull", lambda lib: lib.tensor([1.0, 0.0, 1.0, 1.0])),
    ("Kumaraswamy", lambda lib: lib.tensor([0.5, 1.5, 0.5, 0.5])),
    ("CB-probs", lambda lib: lib.tensor([-0.1])),
    ("CB-logits", lambda lib: lib.tensor([0.5, 0.5])),
    ("FisherSnedecor", lambda lib: lib.tensor([1.0, -1.0, 1.0, 1.0])),
    ("NegBin-probs", lambda lib: lib.tensor([1.5, 2.0, 0.0, 1.0])),
    ("NegBin-logits", lambda lib: lib.tensor([-1.0])),
    ("LogisticNormal", lambda lib: lib.tensor([0.5, 0.5, 0.5, 0.5])),
    ("LogisticNormal", lambda lib: lib.tensor([0.5, 0.5, 0.0])),
]


@pytest.mark.parametrize("i", range(len(INVALID_VALUES)))
def test_invalid_values(i):
    name, make = INVALID_VALUES[i]

    def run(lib):
        d, _ = CASES[name](lib, "float32", False)
        return d.log_prob(make(lib))
    assert_same_error(run)


def test_cdf_validates_its_value():
    assert_same_error(lambda lib: lib.distributions.ContinuousBernoulli(
        lib.tensor([0.3])).cdf(lib.tensor([1.5])))
    assert_same_error(lambda lib: lib.distributions.Pareto(
        lib.tensor([1.0]), lib.tensor([2.0])).cdf(lib.tensor([0.5])))
    # Weibull's cdf validates x^k through the transforms: a negative x squared passes
    a, b = (lib.distributions.Weibull(lib.tensor([1.0]), lib.tensor([2.0])).cdf(
        lib.tensor([-0.5])) for lib in (torch, torsh))
    close(a, b)
    assert_same_error(lambda lib: lib.distributions.Weibull(
        lib.tensor([1.0]), lib.tensor([3.0])).cdf(lib.tensor([-0.5])))


# --- kl_divergence -------------------------------------------------------------------------

def _dists(lib):
    """Instances of every family in a registered pair, float64, batch shape (3,)."""
    D = lib.distributions

    def t(x):
        return T(lib, x, "float64")
    return {
        "Pareto": D.Pareto(t([1.0, 0.5, 2.0]), t([0.7, 2.5, 5.0])),
        "Pareto2": D.Pareto(t([0.8, 0.6, 2.5]), t([1.5, 3.0, 0.9])),
        "CB": D.ContinuousBernoulli(t([0.1, 0.4995, 0.8])),
        "CB2": D.ContinuousBernoulli(logits=t([2.0, -0.5, 0.0])),
        "Beta": D.Beta(t([0.5, 2.0, 5.0]), t([0.7, 3.0, 1.5])),
        "Exponential": D.Exponential(t([0.5, 2.0, 1.0])),
        "Gamma": D.Gamma(t([0.5, 2.0, 3.0]), t([1.0, 0.5, 2.0])),
        "Chi2": D.Chi2(t([1.0, 2.0, 5.0])),
        "Gumbel": D.Gumbel(t([0.0, 1.0, -1.0]), t([1.0, 0.5, 2.0])),
        "Laplace": D.Laplace(t([0.0, 1.0, -1.0]), t([1.0, 0.5, 2.0])),
        "Normal": D.Normal(t([0.0, 1.0, -1.0]), t([1.0, 0.5, 2.0])),
        # covers [0, 1] strictly, partly, exactly; and sits inside (0, 1)
        "Uniform": D.Uniform(t([-0.5, 0.2, 0.0]), t([1.5, 0.9, 1.0])),
        "UniformInside": D.Uniform(t([0.1, 0.2, 0.45]), t([0.6, 0.9, 0.55])),
        "UniformPositive": D.Uniform(t([1.0, 0.6, 3.0]), t([4.0, 0.9, 3.5])),
    }


KL_PAIRS = [
    ("Pareto", "Pareto2"), ("Pareto2", "Pareto"), ("Pareto", "Pareto"),
    ("CB", "CB2"), ("CB2", "CB"), ("CB", "CB"),
    ("Beta", "CB"), ("Beta", "Pareto"), ("CB", "Pareto"), ("CB", "Exponential"),
    ("CB", "Normal"), ("CB", "Uniform"), ("CB", "UniformInside"), ("CB2", "Uniform"),
    ("Exponential", "CB"), ("Exponential", "Pareto"), ("Gamma", "CB"), ("Gamma", "Pareto"),
    ("Chi2", "Pareto"), ("Gumbel", "CB"), ("Gumbel", "Pareto"), ("Laplace", "CB"),
    ("Laplace", "Pareto"), ("Normal", "CB"), ("Normal", "Pareto"), ("Pareto", "Beta"),
    ("Pareto", "CB"), ("Pareto", "Uniform"), ("Pareto", "Exponential"), ("Pareto", "Gamma"),
    ("Pareto2", "Exponential"), ("Pareto2", "Gamma"), ("Pareto", "Normal"),
    ("Pareto2", "Normal"), ("Uniform", "CB"), ("UniformInside", "CB"), ("Uniform", "Pareto"),
    ("UniformPositive", "Pareto"), ("UniformPositive", "Pareto2"),
]


@pytest.mark.parametrize("pair", KL_PAIRS)
def test_kl_divergence(pair):
    pa, qa = (_dists(torch)[k] for k in pair)
    pb, qb = (_dists(torsh)[k] for k in pair)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no ambiguous dispatch
        ka = torch.distributions.kl_divergence(pa, qa)
        kb = torsh.distributions.kl_divergence(pb, qb)
    close(ka, kb, rtol=1e-6, atol=1e-8)


def test_kl_gradients():
    def run(lib):
        D = lib.distributions
        scale = T(lib, [1.0, 0.5, 2.0], "float64", True)
        alpha = T(lib, [2.7, 3.5, 5.0], "float64", True)
        probs = T(lib, [0.1, 0.3, 0.8], "float64", True)
        rate = T(lib, [0.5, 2.0, 1.0], "float64", True)
        loc = T(lib, [0.0, 1.0, -1.0], "float64", True)
        p = D.Pareto(scale, alpha)
        kls = [D.kl_divergence(p, D.Pareto(scale * 0.5, alpha.flip(0))),
               D.kl_divergence(p, D.Gamma(alpha, rate)),
               D.kl_divergence(p, D.Normal(loc, rate)),
               D.kl_divergence(p, D.Exponential(rate)),
               D.kl_divergence(D.ContinuousBernoulli(probs),
                               D.ContinuousBernoulli(probs.flip(0))),
               D.kl_divergence(D.ContinuousBernoulli(probs), D.Normal(loc, rate)),
               D.kl_divergence(D.ContinuousBernoulli(probs), D.Exponential(rate)),
               D.kl_divergence(D.Beta(alpha, rate), D.ContinuousBernoulli(probs)),
               D.kl_divergence(D.Uniform(loc + 3, loc + 3 + rate), D.Pareto(scale, alpha)),
               D.kl_divergence(D.Uniform(probs * 0.1, probs * 0.1 + 0.05),
                               D.ContinuousBernoulli(probs))]
        total = sum(k.sum() for k in kls)
        return kls + list(lib.autograd.grad(total, [scale, alpha, probs, rate, loc]))
    for a, b in zip(run(torch), run(torsh)):
        close(a, b, rtol=1e-6, atol=1e-8)


def test_kl_through_transformed_distributions():
    """Weibull, Kumaraswamy and LogisticNormal have no pair of their own: KL goes through
    TransformedDistribution (equal transforms: base KL; different: NotImplementedError)."""
    for name in ("Weibull", "Kumaraswamy", "LogisticNormal"):
        (a, _), (b, _) = build(name, "float64")
        close(torch.distributions.kl_divergence(a, a), torsh.distributions.kl_divergence(b, b))
    assert_same_error_type(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Weibull(lib.tensor([1.0]), lib.tensor([2.0])),
        lib.distributions.Weibull(lib.tensor([1.0]), lib.tensor([3.0]))))
    # LogisticNormals share their (parameter-free) transform: the base Normals' KL
    a, b = (lib.distributions.kl_divergence(
        lib.distributions.LogisticNormal(lib.zeros(2), lib.ones(2)),
        lib.distributions.LogisticNormal(lib.ones(2), lib.ones(2) * 2)) for lib in (torch, torsh))
    close(a, b)
    assert_same_error_type(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.FisherSnedecor(1.0, 2.0), lib.distributions.FisherSnedecor(1.0, 2.0)))
    assert_same_error_type(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.NegativeBinomial(lib.tensor([1.0]), lib.tensor([0.5])),
        lib.distributions.NegativeBinomial(lib.tensor([1.0]), lib.tensor([0.5]))))
    # Pareto is a TransformedDistribution too, but its own pair wins
    assert_same_error_type(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.ContinuousBernoulli(lib.tensor([0.3])),
        lib.distributions.Gamma(lib.tensor([1.0]), lib.tensor([1.0]))))


def test_continuous_bernoulli_exponential_family():
    """The log normaliser in the natural parameter and the generic Bregman pieces."""
    (a, _), (b, _) = build("CB-logits", "float64")
    close(a._log_normalizer(*a._natural_params), b._log_normalizer(*b._natural_params),
          rtol=1e-9, atol=1e-12)
    close(a._cont_bern_log_norm(), b._cont_bern_log_norm(), rtol=1e-9, atol=1e-12)
    close(torch.distributions.ExponentialFamily.entropy(a),
          torsh.distributions.ExponentialFamily.entropy(b), rtol=1e-6, atol=1e-8)
    assert math.isclose(float(b.mean[2]), 0.5)
