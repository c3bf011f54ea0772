"""torsh.distributions against torch.distributions (torch 1.13): shapes, constraints, moments,
log_prob/cdf/icdf/entropy, samples drawn with the same seed, rsample gradients, expand,
kl_divergence, transforms, and the errors raised for invalid arguments and values."""
import math
import warnings

import numpy as np
import pytest
import torch

import torsh
from dist_oracle import (T, assert_same_error, assert_same_error_type, close, outcome,  # noqa: F401
                         same, to_np)




# name -> make(lib, dtype, grad): (distribution, [parameters])
def _normal(lib, dt, g):
    p = [T(lib, [[0.0, 1.5, -2.0], [0.3, -0.7, 4.0]], dt, g), T(lib, [1.0, 0.5, 2.5], dt, g)]
    return lib.distributions.Normal(*p), p


def _normal_scalar(lib, dt, g):
    return lib.distributions.Normal(0.5, 2.0), []


def _categorical_probs(lib, dt, g):
    p = [T(lib, [[0.1, 0.2, 0.7], [2.0, 1.0, 1.0], [0.0, 0.5, 0.5]], dt, g)]
    return lib.distributions.Categorical(probs=p[0]), p


def _categorical_logits(lib, dt, g):
    p = [T(lib, [[0.1, -2.0, 3.0, 0.5], [1.0, 1.0, 1.0, 1.0]], dt, g)]
    return lib.distributions.Categorical(logits=p[0]), p


def _bernoulli_probs(lib, dt, g):
    p = [T(lib, [0.1, 0.5, 0.0, 0.9, 1.0], dt, g)]
    return lib.distributions.Bernoulli(probs=p[0]), p


def _bernoulli_logits(lib, dt, g):
    p = [T(lib, [[-3.0, 0.0, 2.5], [10.0, -0.2, 0.7]], dt, g)]
    return lib.distributions.Bernoulli(logits=p[0]), p


def _uniform(lib, dt, g):
    p = [T(lib, [-1.0, 0.0, 2.0], dt, g), T(lib, [1.0, 0.5, 7.0], dt, g)]
    return lib.distributions.Uniform(*p), p


def _laplace(lib, dt, g):
    p = [T(lib, [0.0, -1.0, 3.0], dt, g), T(lib, [1.0, 0.3, 2.0], dt, g)]
    return lib.distributions.Laplace(*p), p


def _exponential(lib, dt, g):
    p = [T(lib, [[0.5, 1.0], [2.0, 10.0]], dt, g)]
    return lib.distributions.Exponential(p[0]), p


def _poisson(lib, dt, g):
    p = [T(lib, [0.5, 3.0, 12.0, 0.0], dt, g)]
    return lib.distributions.Poisson(p[0]), p


def _gamma(lib, dt, g):
    p = [T(lib, [0.3, 1.0, 2.5, 9.0], dt, g), T(lib, [1.0, 2.0, 0.5, 3.0], dt, g)]
    return lib.distributions.Gamma(*p), p


def _beta(lib, dt, g):
    p = [T(lib, [0.5, 2.0, 5.0], dt, g), T(lib, [0.7, 3.0, 1.5], dt, g)]
    return lib.distributions.Beta(*p), p


def _dirichlet(lib, dt, g):
    p = [T(lib, [[0.5, 2.0, 3.0], [1.0, 1.0, 7.0]], dt, g)]
    return lib.distributions.Dirichlet(p[0]), p


def _one_hot(lib, dt, g):
    p = [T(lib, [[0.1, 0.2, 0.7], [0.25, 0.25, 0.5]], dt, g)]
    return lib.distributions.OneHotCategorical(probs=p[0]), p


def _binomial(lib, dt, g):
    p = [T(lib, [5.0, 20.0, 100.0, 40.0], dt), T(lib, [0.3, 0.6, 0.05, 0.9], dt, g)]
    return lib.distributions.Binomial(total_count=p[0], probs=p[1]), p[1:]


def _binomial_logits(lib, dt, g):
    p = [T(lib, [-1.0, 0.5, 3.0], dt, g)]
    return lib.distributions.Binomial(10, logits=p[0]), p


def _mvn_tril(lib, dt, g):
    p = [T(lib, [[0.0, 1.0, -1.0], [2.0, 0.5, 0.0]], dt, g),
         T(lib, [[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.2, 0.7]], dt, g)]
    return lib.distributions.MultivariateNormal(p[0], scale_tril=p[1]), p


def _mvn_cov(lib, dt, g):
    p = [T(lib, [1.0, -2.0, 0.5], dt, g),
         T(lib, [[[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]],
                 [[1.0, 0.0, 0.0], [0.0, 3.0, 0.9], [0.0, 0.9, 1.0]]], dt, g)]
    return lib.distributions.MultivariateNormal(p[0], covariance_matrix=p[1]), p


def _mvn_prec(lib, dt, g):
    p = [T(lib, [0.5, -0.5], dt, g), T(lib, [[2.0, -0.6], [-0.6, 1.0]], dt, g)]
    return lib.distributions.MultivariateNormal(p[0], precision_matrix=p[1]), p


def _independent(lib, dt, g):
    p = [T(lib, [[0.0, 1.0, 2.0], [-1.0, 0.5, 0.1]], dt, g),
         T(lib, [[1.0, 2.0, 0.5], [0.2, 1.0, 3.0]], dt, g)]
    return lib.distributions.Independent(lib.distributions.Normal(*p), 1), p


def _log_normal(lib, dt, g):
    p = [T(lib, [0.0, 1.0, -0.5], dt, g), T(lib, [1.0, 0.25, 0.6], dt, g)]
    return lib.distributions.LogNormal(*p), p


def _transformed(lib, dt, g):
    D = lib.distributions
    p = [T(lib, [0.0, 1.0], dt, g), T(lib, [1.0, 0.5], dt, g)]
    ts = [D.transforms.AffineTransform(0.5, -2.0), D.transforms.SigmoidTransform()]
    return D.TransformedDistribution(D.Normal(*p), ts), p


def _transformed_tanh(lib, dt, g):
    D = lib.distributions
    p = [T(lib, [0.3, -1.0], dt, g), T(lib, [0.5, 0.2], dt, g)]
    return D.TransformedDistribution(D.Normal(*p), [D.transforms.TanhTransform()]), p


def _cauchy(lib, dt, g):
    p = [T(lib, [0.0, -1.0, 3.0], dt, g), T(lib, [1.0, 0.3, 2.0], dt, g)]
    return lib.distributions.Cauchy(*p), p


def _half_normal(lib, dt, g):
    p = [T(lib, [[1.0, 0.3], [2.0, 5.0]], dt, g)]
    return lib.distributions.HalfNormal(p[0]), p


def _half_cauchy(lib, dt, g):
    p = [T(lib, [1.0, 0.3, 2.0], dt, g)]
    return lib.distributions.HalfCauchy(p[0]), p


def _geometric(lib, dt, g):
    p = [T(lib, [0.3, 0.9, 1.0, 0.05], dt, g)]
    return lib.distributions.Geometric(p[0]), p


def _geometric_logits(lib, dt, g):
    p = [T(lib, [-1.0, 0.0, 2.5], dt, g)]
    return lib.distributions.Geometric(logits=p[0]), p


def _gumbel(lib, dt, g):
    p = [T(lib, [0.0, -1.0, 3.0], dt, g), T(lib, [1.0, 0.3, 2.0], dt, g)]
    return lib.distributions.Gumbel(*p), p


def _chi2(lib, dt, g):
    p = [T(lib, [0.5, 1.0, 3.0, 10.0], dt, g)]
    return lib.distributions.Chi2(p[0]), p


def _student_t(lib, dt, g):
    p = [T(lib, [0.8, 1.5, 3.0, 30.0], dt, g), T(lib, [0.0, 1.0, -2.0, 0.5], dt, g),
         T(lib, [1.0, 0.5, 2.0, 1.5], dt, g)]
    return lib.distributions.StudentT(*p), p


def _multinomial(lib, dt, g):
    p = [T(lib, [[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]], dt, g)]
    return lib.distributions.Multinomial(7, probs=p[0]), p


def _mixture(lib, dt, g):
    D = lib.distributions
    p = [T(lib, [[0.3, 0.7], [0.5, 0.5], [0.9, 0.1]], dt, g),
         T(lib, [[-1.0, 1.0], [0.0, 3.0], [2.0, -2.0]], dt, g), T(lib, [0.5, 1.5], dt, g)]
    return D.MixtureSameFamily(D.Categorical(probs=p[0]), D.Normal(p[1], p[2])), p


def _mixture_vector(lib, dt, g):
    D = lib.distributions
    p = [T(lib, [0.2, 0.3, 0.5], dt, g), T(lib, [[0.0, 1.0], [2.0, -1.0], [0.5, 0.5]], dt, g)]
    return D.MixtureSameFamily(D.Categorical(logits=p[0]),
                               D.Independent(D.Normal(p[1], 1.0), 1)), p


CASES = {
    "Normal": _normal, "Normal-scalar": _normal_scalar,
    "Categorical-probs": _categorical_probs, "Categorical-logits": _categorical_logits,
    "Bernoulli-probs": _bernoulli_probs, "Bernoulli-logits": _bernoulli_logits,
    "Uniform": _uniform, "Laplace": _laplace, "Exponential": _exponential,
    "Poisson": _poisson, "Gamma": _gamma, "Beta": _beta, "Dirichlet": _dirichlet,
    "OneHotCategorical": _one_hot, "Binomial": _binomial, "Binomial-logits": _binomial_logits,
    "MVN-scale_tril": _mvn_tril, "MVN-covariance": _mvn_cov, "MVN-precision": _mvn_prec,
    "Independent": _independent, "LogNormal": _log_normal,
    "TransformedDistribution": _transformed, "Transformed-tanh": _transformed_tanh,
    "Cauchy": _cauchy, "HalfNormal": _half_normal, "HalfCauchy": _half_cauchy,
    "Geometric": _geometric, "Geometric-logits": _geometric_logits, "Gumbel": _gumbel,
    "Chi2": _chi2, "StudentT": _student_t, "Multinomial": _multinomial,
    "MixtureSameFamily": _mixture, "MixtureSameFamily-vector": _mixture_vector,
}
RSAMPLE = [k for k in CASES if k not in ("Categorical-probs", "Categorical-logits",
                                         "Bernoulli-probs", "Bernoulli-logits", "Poisson",
                                         "OneHotCategorical", "Binomial", "Binomial-logits",
                                         "Normal-scalar", "Geometric", "Geometric-logits",
                                         "Multinomial", "MixtureSameFamily",
                                         "MixtureSameFamily-vector")]
# torch's samplers run per element in Python here: keep their sample counts modest
DTYPES = ["float32", "float64"]


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
    if a.has_enumerate_support:
        for expand in (True, False):
            compare_outcome(lambda d: d.enumerate_support(expand), a, b, rtol=0, atol=0)


def values_for(a, b, shape=(3,)):
    """Points of a's support: torch samples (seeded), the same values as a torsh tensor."""
    torch.manual_seed(123)
    with torch.no_grad():
        v = a.sample(shape)
    return v, torsh.from_numpy(v.numpy().copy())


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_log_prob(name, dtype):
    (a, _), (b, _) = build(name, dtype)
    va, vb = values_for(a, b)
    close(a.log_prob(va), b.log_prob(vb), rtol=2e-5, atol=1e-5)
    # one value broadcast against the batch
    close(a.log_prob(va[0]), b.log_prob(vb[0]), rtol=2e-5, atol=1e-5)
    if a.has_enumerate_support:
        compare_outcome(lambda d: d.log_prob(d.enumerate_support()), a, b, rtol=2e-5,
                        atol=1e-5)


@pytest.mark.parametrize("name", CASES)
def test_cdf_icdf(name):
    (a, _), (b, _) = build(name, "float64")
    va, vb = values_for(a, b)
    compare_outcome(lambda d: d.cdf(va if d is a else vb), a, b, rtol=1e-6, atol=1e-7)
    q = [0.01, 0.3, 0.5, 0.77, 0.999]
    qa = torch.tensor(q, dtype=torch.float64).reshape((-1,) + (1,) * len(a.batch_shape))
    qb = torsh.tensor(q, dtype=torsh.float64).reshape((-1,) + (1,) * len(b.batch_shape))
    if compare_outcome(lambda d: d.icdf(qa if d is a else qb), a, b, rtol=1e-6, atol=1e-7):
        # cdf inverts icdf
        close(a.cdf(a.icdf(qa)), b.cdf(b.icdf(qb)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", [0, 7])
def test_same_seed_same_samples(name, dtype, seed):
    """With the same seed, sample() draws torch's values and leaves the generator where
    torch leaves it (checked by drawing again afterwards, including a cached normal)."""
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
        if x.dtype in (torch.float32, torch.float64) and x.numel() and \
                not bool(torch.all(x == x.round())):
            # continuous draws composed with the same ops: equal up to the last bit
            close(x, y, rtol=2e-6, atol=1e-7)
        else:
            same(x, y)


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
    # torch's Gamma/Beta/Dirichlet gradients are approximations of the same implicit
    # derivative torsh evaluates numerically
    rtol = 2e-3 if name in ("Gamma", "Beta", "Dirichlet", "Chi2", "StudentT") else 2e-5
    for ga, gb in zip(*grads):
        close(ga, gb, rtol=rtol, atol=1e-5)


@pytest.mark.parametrize("name", CASES)
def test_log_prob_and_entropy_gradients(name):
    grads = []
    for lib in (torch, torsh):
        d, params = CASES[name](lib, "float64", True)
        torch.manual_seed(3)
        with torch.no_grad():
            v = CASES[name](torch, "float64", False)[0].sample((2,))
        v = v if lib is torch else torsh.from_numpy(v.numpy().copy())
        total = d.log_prob(v).sum()
        try:
            total = total + d.entropy().sum()
        except NotImplementedError:
            pass
        params = [p for p in params if p.requires_grad]
        if params:
            grads.append(lib.autograd.grad(total, params, allow_unused=True))
        else:
            grads.append(())
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
    va, vb = values_for(ea, eb, ())
    close(ea.log_prob(va), eb.log_prob(vb), rtol=2e-5, atol=1e-5)
    torch.manual_seed(1)
    torsh.manual_seed(1)
    sa, sb = ea.sample((2,)), eb.sample((2,))
    assert tuple(sb.shape) == tuple(sa.shape)
    close(sa.double(), sb.double(), rtol=2e-6, atol=1e-6)
    compare_outcome(lambda d: d.mean, ea, eb)
    # an incompatible shape: the same exception type (torsh's expand words it its own way)
    for bad in [(5, 7), (3,) + tuple(a.batch_shape[:-1]) + (9,)]:
        ra = outcome(lambda lib: a.expand(bad), None)
        rb = outcome(lambda lib: b.expand(bad), None)
        assert ra[0] == rb[0], (ra, rb)


def test_categorical_normalises_probs_and_logits():
    (a, _), (b, _) = build("Categorical-probs")
    close(a.probs, b.probs)
    close(a.logits, b.logits)
    (a, _), (b, _) = build("Categorical-logits")
    close(a.logits, b.logits)
    close(a.probs, b.probs)
    (a, _), (b, _) = build("Bernoulli-logits")
    close(a.probs, b.probs)
    (a, _), (b, _) = build("Bernoulli-probs")
    close(a.logits, b.logits)
    # lazily built: probs is not computed until asked for
    d = torsh.distributions.Categorical(logits=torsh.zeros(3))
    assert "probs" not in d.__dict__
    d.probs
    assert "probs" in d.__dict__


def test_categorical_sample_stream_many_rows():
    probs = [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1], [0.0, 0.0, 1.0, 0.0]]
    for shape in [(), (5,), (2, 3)]:
        torch.manual_seed(11)
        a = torch.distributions.Categorical(torch.tensor(probs)).sample(shape)
        torsh.manual_seed(11)
        b = torsh.distributions.Categorical(torsh.tensor(probs)).sample(shape)
        same(a, b)


@pytest.mark.parametrize("alpha", [[0.01, 0.2, 0.999], [1.0, 1.5, 3.0], [20.0, 300.0, 5e4]])
@pytest.mark.parametrize("dtype", DTYPES)
def test_gamma_sampler_matches_torch(alpha, dtype):
    for seed in (0, 1, 2):
        out = []
        for lib in (torch, torsh):
            lib.manual_seed(seed)
            c = T(lib, alpha, dtype).expand(64, 3)
            d = lib.distributions.Gamma(c, T(lib, 1.0, dtype))
            out.append((d.sample(), lib.randn(3, dtype=getattr(lib, dtype))))
        same(out[0][0], out[1][0])
        same(out[0][1], out[1][1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_dirichlet_and_beta_samplers_match_torch(dtype):
    conc = [[0.1, 0.1, 0.2], [1.0, 5.0, 0.5], [30.0, 2.0, 1.0]]
    for seed in (0, 3):
        out = []
        for lib in (torch, torsh):
            lib.manual_seed(seed)
            d = lib.distributions.Dirichlet(T(lib, conc, dtype))
            e = lib.distributions.Beta(T(lib, [0.3, 2.0], dtype), T(lib, [0.5, 9.0], dtype))
            out.append((d.sample((20,)), e.sample((20,)), lib.rand(2)))
        for x, y in zip(*out):
            same(x, y)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binomial_sampler_matches_torch(dtype):
    rng = np.random.RandomState(0)
    counts = rng.randint(0, 300, size=400).astype(float).tolist()
    probs = rng.uniform(0, 1, size=400).tolist()
    probs[:4] = [0.0, 1.0, 0.5, 0.05]
    out = []
    for lib in (torch, torsh):
        lib.manual_seed(2)
        d = lib.distributions.Binomial(T(lib, counts, dtype), T(lib, probs, dtype))
        out.append((d.sample(), lib.rand(2)))
    same(out[0][0], out[1][0])
    same(out[0][1], out[1][1])


def test_gamma_grad_extreme_concentrations():
    for alpha in ([0.02, 0.5], [50.0, 2000.0]):
        grads = []
        for lib in (torch, torsh):
            c = T(lib, alpha, "float64", True)
            lib.manual_seed(4)
            x = lib.distributions.Gamma(c, T(lib, [1.0, 1.0], "float64")).rsample((30,))
            x.sum().backward()
            grads.append(c.grad)
        close(grads[0], grads[1], rtol=2e-3, atol=1e-12)


@pytest.mark.parametrize("pair", [
    ("Normal", "Normal"), ("Categorical-probs", "Categorical-probs"),
    ("Categorical-logits", "Categorical-logits"), ("Bernoulli-probs", "Bernoulli-probs"),
    ("Uniform", "Uniform"), ("MVN-scale_tril", "MVN-covariance"),
    ("MVN-covariance", "MVN-scale_tril"), ("Independent", "Independent"),
    ("Beta", "Beta"), ("Gamma", "Gamma"), ("Dirichlet", "Dirichlet"),
    ("Laplace", "Laplace"), ("Exponential", "Exponential"), ("Poisson", "Poisson"),
    ("OneHotCategorical", "OneHotCategorical"), ("LogNormal", "LogNormal"),
    ("Binomial", "Binomial"),
])
def test_kl_divergence(pair):
    """KL(p || q) with p and q of the same family and different parameters, both orders."""
    p_name, q_name = pair

    def pq(lib):
        p, _ = CASES[p_name](lib, "float64", True)
        q, _ = CASES[q_name](lib, "float64", True)
        # q gets different parameters: expand a p-shaped copy of a shifted distribution
        q2 = _shifted(lib, q)
        return p, q2
    pa, qa = pq(torch)
    pb, qb = pq(torsh)
    close(torch.distributions.kl_divergence(pa, qa), torsh.distributions.kl_divergence(pb, qb),
          rtol=1e-6, atol=1e-8)
    close(torch.distributions.kl_divergence(qa, pa), torsh.distributions.kl_divergence(qb, pb),
          rtol=1e-6, atol=1e-8)
    close(torch.distributions.kl_divergence(pa, pa), torsh.distributions.kl_divergence(pb, pb),
          rtol=1e-6, atol=1e-8)


def _shifted(lib, d):
    """A distribution of d's family with other parameter values."""
    D = lib.distributions
    if isinstance(d, D.LogNormal):
        return D.LogNormal(d.loc * 0.5 + 0.2, d.scale * 1.3)
    if isinstance(d, D.Independent):
        return D.Independent(_shifted(lib, d.base_dist), d.reinterpreted_batch_ndims)
    if isinstance(d, D.MultivariateNormal):
        return D.MultivariateNormal(d.loc.flip(-1) + 0.3, scale_tril=d.scale_tril * 0.8)
    if isinstance(d, D.OneHotCategorical):
        return D.OneHotCategorical(probs=d.probs.flip(-1))
    if isinstance(d, D.Categorical):
        return D.Categorical(probs=d.probs.flip(-1) + 0.05)
    if isinstance(d, D.Bernoulli):
        return D.Bernoulli(probs=d.probs.flip(-1))
    if isinstance(d, D.Binomial):
        return D.Binomial(d.total_count, probs=d.probs.flip(-1))
    if isinstance(d, D.Uniform):
        return D.Uniform(d.low - 0.5, d.high.flip(-1) + 3.0)
    if isinstance(d, D.Beta):
        return D.Beta(d.concentration0, d.concentration1 + 0.5)
    if isinstance(d, D.Dirichlet):
        return D.Dirichlet(d.concentration.flip(-1))
    if isinstance(d, D.Gamma):
        return D.Gamma(d.concentration.flip(-1), d.rate + 1.0)
    if isinstance(d, D.Exponential):
        return D.Exponential(d.rate.flip(-1))
    if isinstance(d, D.Poisson):
        return D.Poisson(d.rate.flip(-1) + 0.5)
    if isinstance(d, D.Laplace):
        return D.Laplace(d.loc.flip(-1), d.scale + 0.5)
    return type(d)(d.loc.flip(-1) * 0.5, d.scale.flip(-1) + 0.2)


def test_kl_gradients_and_cross_family_pairs():
    def run(lib):
        D = lib.distributions
        loc = T(lib, [0.0, 1.0, 3.0], "float64", True)
        scale = T(lib, [1.0, 2.0, 0.5], "float64", True)
        rate = T(lib, [0.5, 2.0, 1.0], "float64", True)
        conc = T(lib, [0.5, 2.0, 3.0], "float64", True)
        kls = [D.kl_divergence(D.Normal(loc, scale), D.Normal(loc * 0.3, scale.flip(0))),
               D.kl_divergence(D.Uniform(loc - 1, loc + scale), D.Normal(loc * 0.5, scale)),
               D.kl_divergence(D.Exponential(rate), D.Gamma(conc, rate.flip(0))),
               D.kl_divergence(D.Gamma(conc, rate), D.Exponential(rate.flip(0)))]
        total = sum(k.sum() for k in kls)
        return kls + list(lib.autograd.grad(total, [loc, scale, rate, conc]))
    for a, b in zip(run(torch), run(torsh)):
        close(a, b, rtol=1e-6, atol=1e-8)


def test_kl_registry_and_errors():
    D = torsh.distributions
    assert_same_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Normal(0., 1.), lib.distributions.Categorical(lib.ones(3))))
    # (torch's message has a run of spaces from a line continuation; the type is compared)
    assert_same_error_type(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Poisson(lib.ones(2)), lib.distributions.Normal(0., 1.)))
    assert_same_error_type(lambda lib: lib.distributions.register_kl(3, lib.distributions.Normal))

    class MyNormal(D.Normal):
        pass

    p, q = MyNormal(torsh.zeros(2), torsh.ones(2)), D.Normal(torsh.ones(2), torsh.ones(2))
    close(torch.distributions.kl_divergence(torch.distributions.Normal(torch.zeros(2),
                                                                        torch.ones(2)),
                                            torch.distributions.Normal(torch.ones(2),
                                                                       torch.ones(2))),
          D.kl_divergence(p, q))

    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return torsh.full(tuple(p.batch_shape), 42.0)
    try:
        assert D.kl_divergence(p, q).tolist() == [42.0, 42.0]
        # the more specific registration wins only for MyNormal
        assert D.kl_divergence(q, p).tolist() != [42.0, 42.0]
    finally:
        from torsh.distributions import kl
        del kl._KL_REGISTRY[MyNormal, D.Normal]
        kl._KL_MEMOIZE.clear()


def test_exponential_family_generic_entropy_and_bregman_kl():
    for name in ("Normal", "Gamma", "Beta", "Dirichlet", "Exponential", "Bernoulli-probs"):
        (a, _), (b, _) = build(name, "float64")
        compare_outcome(lambda d: (torch if d is a else torsh).distributions.ExponentialFamily
                        .entropy(d), a, b, rtol=1e-6, atol=1e-8)
        a2, b2 = _shifted(torch, a), _shifted(torsh, b)
        from torch.distributions.kl import _kl_expfamily_expfamily as ta
        from torsh.distributions.kl import _kl_expfamily_expfamily as tb
        close(ta(a, a2), tb(b, b2), rtol=1e-6, atol=1e-8)


TRANSFORMS = {
    "Exp": lambda T_: T_.ExpTransform(),
    "Affine": lambda T_: T_.AffineTransform(1.5, -0.5),
    "Affine-tensor": lambda T_: T_.AffineTransform(
        T_.__dict__["_lib"].tensor([0.0, 1.0, 2.0]), T_.__dict__["_lib"].tensor([2.0, -1.0, 0.5])),
    "Affine-event": lambda T_: T_.AffineTransform(
        0.0, T_.__dict__["_lib"].tensor([2.0, 3.0, 0.5]), event_dim=1),
    "Sigmoid": lambda T_: T_.SigmoidTransform(),
    "Tanh": lambda T_: T_.TanhTransform(),
    "Softplus": lambda T_: T_.SoftplusTransform(),
    "Power": lambda T_: T_.PowerTransform(2.5),
    "Abs": lambda T_: T_.AbsTransform(),
    "Compose": lambda T_: T_.ComposeTransform([T_.AffineTransform(0.3, 2.0), T_.ExpTransform()]),
    "Inverse-Exp": lambda T_: T_.ExpTransform().inv,
    "Independent": lambda T_: T_.IndependentTransform(T_.SigmoidTransform(), 1),
    "StickBreaking": lambda T_: T_.StickBreakingTransform(),
    "Softmax": lambda T_: T_.SoftmaxTransform(),
    "Reshape": lambda T_: T_.ReshapeTransform((3,), (3, 1)),
}


class _Namespace:
    def __init__(self, lib):
        self.__dict__.update(vars(lib.distributions.transforms))
        self.__dict__["_lib"] = lib


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transforms(name):
    ta = TRANSFORMS[name](_Namespace(torch))
    tb = TRANSFORMS[name](_Namespace(torsh))
    assert repr(tb) == repr(ta)
    assert repr(tb.domain) == repr(ta.domain)
    assert repr(tb.codomain) == repr(ta.codomain)
    assert tb.bijective == ta.bijective
    data = [[0.3, 1.2, 2.0], [0.05, 0.7, 1.5]]
    if name == "Inverse-Exp":
        data = [[0.3, 1.2, 2.0], [0.05, 0.7, 4.5]]
    xa = torch.tensor(data, dtype=torch.float64)
    xb = torsh.tensor(data, dtype=torsh.float64)
    ya, yb = ta(xa), tb(xb)
    close(ya, yb, rtol=1e-7, atol=1e-9)
    if name not in ("Abs", "Softmax"):
        close(ta.inv(ya), tb.inv(yb), rtol=1e-6, atol=1e-8)
    if name != "Softmax" and name != "Abs":
        close(ta.log_abs_det_jacobian(xa, ya), tb.log_abs_det_jacobian(xb, yb),
              rtol=1e-6, atol=1e-8)
    assert tuple(tb.forward_shape(torsh.Size([2, 3]))) == \
        tuple(ta.forward_shape(torch.Size([2, 3])))
    compare_outcome(lambda t: t.sign, ta, tb)
    assert (tb == TRANSFORMS[name](_Namespace(torsh))) == \
        (ta == TRANSFORMS[name](_Namespace(torch)))


def test_transform_cache_and_inverse_identity():
    for lib in (torch, torsh):
        t = lib.distributions.transforms.TanhTransform(cache_size=1)
        x = lib.tensor([30.0])
        y = t(x)
        assert t.inv(y) is x  # atanh(1.0) would be inf: the cache returns x itself
        assert t.inv.inv is t
    assert_same_error(lambda lib: lib.distributions.transforms.ExpTransform(cache_size=2))


def test_transformed_distribution_errors_and_cdf_sign():
    assert_same_error(lambda lib: lib.distributions.TransformedDistribution(
        lib.distributions.Normal(0., 1.), 3))
    assert_same_error(lambda lib: lib.distributions.TransformedDistribution(
        lib.distributions.Normal(0., 1.), [3]))
    # a decreasing transform flips the cdf
    (a, _), (b, _) = build("TransformedDistribution", "float64")
    v = [0.2, 0.9]
    close(a.cdf(torch.tensor(v, dtype=torch.float64)),
          b.cdf(torsh.tensor(v, dtype=torsh.float64)), rtol=1e-7)


def test_mvn_matrices_and_cholesky():
    for name in ("MVN-scale_tril", "MVN-covariance", "MVN-precision"):
        (a, _), (b, _) = build(name, "float64")
        for attr in ("scale_tril", "covariance_matrix", "precision_matrix"):
            close(getattr(a, attr), getattr(b, attr), rtol=1e-7, atol=1e-10)
    from torsh.distributions import _linalg
    rng = np.random.RandomState(0)
    m = rng.randn(3, 5, 5)
    spd = m @ m.transpose(0, 2, 1) + 0.5 * np.eye(5)
    close(torch.linalg.cholesky(torch.from_numpy(spd)),
          _linalg.cholesky(torsh.from_numpy(spd)), rtol=1e-10, atol=1e-12)
    bad = spd.copy()
    bad[1] = -bad[1]
    ea = outcome(lambda _: torch.linalg.cholesky(torch.from_numpy(bad)), None)
    eb = outcome(lambda _: _linalg.cholesky(torsh.from_numpy(bad)), None)
    assert ea[0] == "_LinAlgError"  # torch's RuntimeError subclass; torsh raises RuntimeError
    assert eb == ("RuntimeError", ea[1])
    # gradient through the covariance (torch's cholesky gradient is symmetric)
    values = rng.randn(4, 5)
    grads = []
    for lib in (torch, torsh):
        cov = lib.tensor(spd[0], requires_grad=True)
        d = lib.distributions.MultivariateNormal(lib.zeros(5, dtype=lib.float64),
                                                 covariance_matrix=cov)
        (d.log_prob(lib.tensor(values)).sum() + d.entropy()).backward()
        grads.append(cov.grad)
    close(grads[0], grads[1], rtol=1e-7, atol=1e-10)


def test_mvn_rsample_stream_and_batch_broadcast():
    out = []
    for lib in (torch, torsh):
        loc = lib.zeros(4, 1, 3)
        tril = lib.tensor([[1.0, 0.0, 0.0], [0.4, 0.5, 0.0], [0.1, -0.2, 2.0]]).expand(2, 3, 3)
        d = lib.distributions.MultivariateNormal(loc, scale_tril=tril)
        lib.manual_seed(9)
        x = d.rsample((5,))
        out.append((x, d.log_prob(x), d.entropy(), d.variance))
        assert tuple(x.shape) == (5, 4, 2, 3)
    for x, y in zip(*out):
        close(x, y, rtol=1e-5, atol=1e-6)


INVALID = [
    lambda D, lib: D.Normal(0., -1.),
    lambda D, lib: D.Normal(lib.tensor([0., 1.]), lib.tensor([1., -1.])),
    lambda D, lib: D.Normal(lib.tensor([0., float("nan")]), 1.),
    lambda D, lib: D.Normal(lib.zeros(2), lib.ones(3)),
    lambda D, lib: D.Bernoulli(),
    lambda D, lib: D.Bernoulli(probs=0.3, logits=0.1),
    lambda D, lib: D.Bernoulli(lib.tensor([1.5])),
    lambda D, lib: D.Categorical(lib.tensor([-1., 2.])),
    lambda D, lib: D.Categorical(lib.tensor(0.5)),
    lambda D, lib: D.Categorical(logits=lib.tensor(0.5)),
    lambda D, lib: D.Categorical(),
    lambda D, lib: D.Uniform(1., 0.),
    lambda D, lib: D.Uniform(lib.tensor([0., 2.]), lib.tensor([1., 1.])),
    lambda D, lib: D.Exponential(lib.tensor([0.0])),
    lambda D, lib: D.Laplace(0., 0.),
    lambda D, lib: D.Poisson(lib.tensor([-1.0])),
    lambda D, lib: D.Gamma(lib.tensor([1.0]), lib.tensor([-2.0])),
    lambda D, lib: D.Beta(lib.tensor([0.0]), lib.tensor([1.0])),
    lambda D, lib: D.Dirichlet(lib.tensor(1.)),
    lambda D, lib: D.Dirichlet(lib.tensor([1., 0.])),
    lambda D, lib: D.Binomial(lib.tensor([2.5]), lib.tensor([0.5])),
    lambda D, lib: D.Binomial(10),
    lambda D, lib: D.OneHotCategorical(lib.tensor([0.5, -0.1])),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2)),
    lambda D, lib: D.MultivariateNormal(lib.tensor(0.), lib.eye(2)),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.eye(2), scale_tril=lib.eye(2)),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.tensor([[1., 2.], [2., 1.]])),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), lib.tensor([[1., 0.5], [0., 1.]])),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), scale_tril=lib.tensor([[1., 1.],
                                                                             [0., 1.]])),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), scale_tril=lib.ones(2)),
    lambda D, lib: D.MultivariateNormal(lib.zeros(2), precision_matrix=-lib.eye(2)),
    lambda D, lib: D.Independent(D.Normal(lib.zeros(2), 1.), 2),
    lambda D, lib: D.LogNormal(0., -1.),
    lambda D, lib: D.Normal(0., 1.).sample(3),
    lambda D, lib: D.Categorical(lib.ones(3)).sample(lib.Size([0])),
]


@pytest.mark.parametrize("i", range(len(INVALID)))
def test_invalid_arguments(i):
    assert_same_error(lambda lib: INVALID[i](lib.distributions, lib))


INVALID_VALUES = [
    ("Normal", lambda lib: lib.tensor(float("nan"))),
    ("Normal", lambda lib: lib.zeros(4, 3, 2)),
    ("Normal", lambda lib: lib.zeros(5, 3)),
    ("Normal", lambda lib: 1.0),
    ("Bernoulli-probs", lambda lib: lib.tensor([0.3])),
    ("Categorical-probs", lambda lib: lib.tensor([3])),
    ("Categorical-probs", lambda lib: lib.tensor([-1])),
    ("Uniform", lambda lib: lib.tensor([0.0, 0.0, 8.0])),
    ("Exponential", lambda lib: lib.tensor(-1.0)),
    ("Poisson", lambda lib: lib.tensor([1.5, 2.0, 0.0, 1.0])),
    ("Gamma", lambda lib: lib.tensor([-0.5])),
    ("Beta", lambda lib: lib.tensor([1.5])),
    ("Dirichlet", lambda lib: lib.tensor([0.5, 0.5, 0.5])),
    ("Dirichlet", lambda lib: lib.tensor([0.5, 0.5])),
    ("OneHotCategorical", lambda lib: lib.tensor([1.0, 1.0, 0.0])),
    ("Binomial", lambda lib: lib.tensor([6.0, 1.0, 1.0, 1.0])),
    ("MVN-scale_tril", lambda lib: lib.zeros(2)),
    ("MVN-scale_tril", lambda lib: lib.tensor([0.0, float("nan"), 1.0])),
    ("Independent", lambda lib: lib.zeros(2)),
    ("LogNormal", lambda lib: lib.tensor([1.0, -1.0, 1.0])),
    ("Transformed-tanh", lambda lib: lib.tensor([1.5, 0.0])),
]


@pytest.mark.parametrize("i", range(len(INVALID_VALUES)))
def test_invalid_values(i):
    name, make = INVALID_VALUES[i]

    def run(lib):
        d, _ = CASES[name](lib, "float32", False)
        return d.log_prob(make(lib))
    assert_same_error(run)


def test_cdf_validates_and_validate_args_off():
    assert_same_error(lambda lib: lib.distributions.Exponential(lib.tensor([1.0])).cdf(
        lib.tensor([-1.0])))
    for lib in (torch, torsh):
        d = lib.distributions.Normal(lib.tensor(0.0), lib.tensor(-1.0), validate_args=False)
        assert math.isnan(float(d.log_prob(lib.tensor(0.0))))
        lib.distributions.Bernoulli(lib.tensor([0.5]), validate_args=False).log_prob(
            lib.tensor([0.3]))


def test_set_default_validate_args():
    for lib in (torch, torsh):
        D = lib.distributions
        try:
            D.Distribution.set_default_validate_args(False)
            D.Normal(0., -1.)  # no error now
            with pytest.raises(ValueError):
                D.Normal(0., -1., validate_args=True)
        finally:
            D.Distribution.set_default_validate_args(True)
        with pytest.raises(ValueError):
            D.Normal(0., -1.)
    assert_same_error_type(lambda lib: lib.distributions.Distribution.set_default_validate_args(
        "yes"))


def test_constraints():
    C, Ct = torsh.distributions.constraints, torch.distributions.constraints
    cases = [
        ("real", [[0.0, float("nan"), float("inf")]]),
        ("positive", [[0.0, 1.0, -1.0]]), ("nonnegative", [[0.0, 1.0, -1.0]]),
        ("unit_interval", [[0.0, 1.0, 1.5]]), ("boolean", [[0.0, 1.0, 0.5]]),
        ("nonnegative_integer", [[0.0, 3.0, 1.5, -1.0]]), ("positive_integer", [[0.0, 2.0]]),
        ("simplex", [[0.2, 0.8], [0.5, 0.6]]), ("one_hot", [[0.0, 1.0], [1.0, 1.0]]),
        ("real_vector", [[0.0, float("nan")], [1.0, 2.0]]),
        ("lower_cholesky", [[[1.0, 0.0], [2.0, 3.0]], [[1.0, 1.0], [0.0, 1.0]]]),
        ("lower_triangular", [[[1.0, 0.0], [2.0, -3.0]], [[1.0, 1.0], [0.0, 1.0]]]),
        ("positive_definite", [[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [2.0, 1.0]]]),
        ("positive_semidefinite", [[[1.0, 1.0], [1.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]]]),
        ("symmetric", [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 2.0], [0.0, 1.0]]]),
        ("square", [[[1.0, 2.0], [2.0, 1.0]]]),
    ]
    for name, data in cases:
        a = getattr(Ct, name).check(torch.tensor(data))
        b = getattr(C, name).check(torsh.tensor(data))
        same(a, b)
        assert repr(getattr(C, name)) == repr(getattr(Ct, name))
    for make in (lambda c: c.interval(0, 2), lambda c: c.half_open_interval(0., 2.),
                 lambda c: c.greater_than(1.), lambda c: c.greater_than_eq(1.),
                 lambda c: c.less_than(1.), lambda c: c.integer_interval(0, 2),
                 lambda c: c.independent(c.positive, 1)):
        a, b = make(Ct), make(C)
        assert repr(a) == repr(b)
        same(a.check(torch.tensor([[0.0, 1.0, 2.0]])), b.check(torsh.tensor([[0.0, 1.0, 2.0]])))
        assert (a.event_dim, a.is_discrete) == (b.event_dim, b.is_discrete)
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    assert_same_error(lambda lib: lib.distributions.constraints.dependent.check(lib.zeros(1)))
    assert_same_error(lambda lib: lib.distributions.constraints.dependent.event_dim)


def test_utils():
    from torch.distributions import utils as ua
    from torsh.distributions import utils as ub
    a = ua.broadcast_all(torch.tensor([1.0, 2.0], dtype=torch.float64), 3)
    b = ub.broadcast_all(torsh.tensor([1.0, 2.0], dtype=torsh.float64), 3)
    for x, y in zip(a, b):
        same(x, y)
    same(ua.broadcast_all(1, 2.5)[0], ub.broadcast_all(1, 2.5)[0])
    assert_same_error(lambda lib: (ua if lib is torch else ub).broadcast_all("x"))
    p = [[0.0, 0.3, 0.7]]
    close(ua.probs_to_logits(torch.tensor(p)), ub.probs_to_logits(torsh.tensor(p)))
    close(ua.probs_to_logits(torch.tensor(p), True), ub.probs_to_logits(torsh.tensor(p), True))
    close(ua.logits_to_probs(torch.tensor(p)), ub.logits_to_probs(torsh.tensor(p)))
    m = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
    for diag in (0, -1, 1):
        va = ua.tril_matrix_to_vec(torch.tensor(m), diag)
        vb = ub.tril_matrix_to_vec(torsh.tensor(m), diag)
        same(va, vb)
        same(ua.vec_to_tril_matrix(va, diag), ub.vec_to_tril_matrix(vb, diag))


def test_sample_n_warns_and_default_arg_constraints_warning():
    class NoConstraints(torsh.distributions.Distribution):
        pass
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        NoConstraints(validate_args=True)
    assert any("does not define `arg_constraints`" in str(x.message) for x in w)
    torch.manual_seed(0)
    torsh.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(torch.distributions.Normal(0., 1.).sample_n(3),
             torsh.distributions.Normal(0., 1.).sample_n(3))


def test_one_hot_straight_through_and_mode():
    out = []
    for lib in (torch, torsh):
        p = lib.tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]], requires_grad=True)
        d = lib.distributions.OneHotCategoricalStraightThrough(probs=p)
        lib.manual_seed(1)
        x = d.rsample((4,))
        (x * lib.arange(3.0)).sum().backward()
        out.append((x, p.grad, d.mode))
    for x, y in zip(*out):
        close(x, y)


def test_dirichlet_mode_all_below_one():
    c = [[0.5, 0.3, 0.9], [2.0, 3.0, 0.5]]
    close(torch.distributions.Dirichlet(torch.tensor(c)).mode,
          torsh.distributions.Dirichlet(torsh.tensor(c)).mode)


def test_binomial_inhomogeneous_total_count():
    assert_same_error(lambda lib: lib.distributions.Binomial(
        lib.tensor([2.0, 3.0]), lib.tensor([0.5, 0.5])).entropy())
    assert_same_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Binomial(lib.tensor([2.0]), lib.tensor([0.5])),
        lib.distributions.Binomial(lib.tensor([3.0]), lib.tensor([0.5]))))


def _family(lib, name, shift):
    """One distribution of each family with KL pairs, three batch entries; shift moves the
    parameters (and puts some Uniform mass outside the other supports)."""
    D = lib.distributions

    def t(x):
        return lib.tensor(x, dtype=lib.float64)
    s = shift
    return {
        "Normal": lambda: D.Normal(t([0.3 + s, -0.5, 2.0]), t([1.0, 0.5 + s, 2.0])),
        "Laplace": lambda: D.Laplace(t([0.3, -0.5 + s, 2.0]), t([1.0 + s, 0.5, 2.0])),
        "Gumbel": lambda: D.Gumbel(t([0.3, -0.5, 2.0 + s]), t([1.0, 0.5 + s, 2.0])),
        "Exponential": lambda: D.Exponential(t([0.3 + s, 1.5, 2.0])),
        "Gamma": lambda: D.Gamma(t([0.7, 1.5 + s, 3.0]), t([0.3 + s, 1.5, 2.0])),
        "Beta": lambda: D.Beta(t([0.7 + s, 1.5, 3.0]), t([1.3, 1.5, 0.6 + s])),
        "Uniform": lambda: D.Uniform(t([0.1, -0.5 + s, 0.05]), t([0.9, 0.5, 0.99 + s])),
        "Poisson": lambda: D.Poisson(t([0.7 + s, 1.5, 3.0])),
        "Bernoulli": lambda: D.Bernoulli(t([0.7, 0.2 + s, 0.5])),
        "Binomial": lambda: D.Binomial(t([5., 5., 5.]), t([0.7, 0.2 + s, 0.5])),
        "Cauchy": lambda: D.Cauchy(t([0.3 + s, -0.5, 2.0]), t([1.0, 0.5, 2.0 + s])),
        "Geometric": lambda: D.Geometric(t([0.3 + s, 0.5, 0.9])),
        "HalfNormal": lambda: D.HalfNormal(t([1.0 + s, 0.5, 2.0])),
    }[name]()


FAMILIES = ["Normal", "Laplace", "Gumbel", "Exponential", "Gamma", "Beta", "Uniform",
            "Poisson", "Bernoulli", "Binomial", "Cauchy", "Geometric", "HalfNormal"]


@pytest.mark.parametrize("p_name", FAMILIES)
def test_kl_divergence_between_families(p_name):
    """Every (p, q) pair of these families: the same value (including inf), or the same
    NotImplementedError, as torch."""
    for q_name in FAMILIES:
        for shift in (0.1, 0.0):
            ra = outcome(lambda _: torch.distributions.kl_divergence(
                _family(torch, p_name, 0.0), _family(torch, q_name, shift)), None)
            rb = outcome(lambda _: torsh.distributions.kl_divergence(
                _family(torsh, p_name, 0.0), _family(torsh, q_name, shift)), None)
            assert ra[0] == rb[0], (q_name, ra, rb)
            if ra[0] == "ok":
                close(ra[1], rb[1], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_constraint_registry(registry):
    def cases(C):
        return [C.real, C.positive, C.nonnegative, C.greater_than(2.), C.greater_than_eq(1.),
                C.less_than(3.), C.unit_interval, C.interval(-1., 2.),
                C.half_open_interval(0., 1.), C.simplex, C.independent(C.positive, 1),
                C.real_vector, C.lower_cholesky, C.boolean]
    ta = getattr(torch.distributions, registry)
    tb = getattr(torsh.distributions, registry)
    x = [[0.3, -1.2, 2.0], [0.05, 0.7, -1.5], [1.0, 2.0, -0.5]]
    for ca, cb in zip(cases(torch.distributions.constraints),
                      cases(torsh.distributions.constraints)):
        ra, rb = outcome(lambda _: ta(ca), None), outcome(lambda _: tb(cb), None)
        assert (ra[0], ra[0] == "ok" or ra[1]) == (rb[0], rb[0] == "ok" or rb[1])
        if ra[0] != "ok":
            continue
        fa, fb = ra[1], rb[1]
        assert repr(fb) == repr(fa)
        ya, yb = fa(torch.tensor(x, dtype=torch.float64)), fb(torsh.tensor(x,
                                                                       dtype=torsh.float64))
        close(ya, yb, rtol=1e-7, atol=1e-9)
        assert bool(cb.check(yb).all())
        close(fa.inv(ya), fb.inv(yb), rtol=1e-6, atol=1e-8)
        if fa.bijective:
            close(fa.log_abs_det_jacobian(torch.tensor(x, dtype=torch.float64), ya),
                  fb.log_abs_det_jacobian(torsh.tensor(x, dtype=torsh.float64), yb),
                  rtol=1e-6, atol=1e-8)
