"""torsh.distributions' CorrCholeskyTransform, CatTransform, StackTransform and
CumulativeDistributionTransform, the biject_to/transform_to registrations for corr_cholesky,
cat and stack, and the half_cauchy module, against torch.distributions (torch 1.13): values,
inverses, log|det J|, gradients, shapes, properties, TransformedDistribution log_prob and
the exceptions raised on bad input."""
import math

import numpy as np
import pytest
import torch

import torsh
from dist_oracle import assert_same_error, assert_same_error_type, close, outcome, to_np


def tensor(lib, a, grad=False):
    t = lib.tensor(np.asarray(a))
    return t.requires_grad_() if grad else t


def run_transform(lib, make, x_np, w_seed=0):
    """Forward, inverse, log|det J| and the gradient of a weighted sum of y and log|det J|
    with respect to x (and to the transform's parameters, when make returns any)."""
    made = make(lib)
    t, params = made if isinstance(made, tuple) else (made, [])
    x = tensor(lib, x_np, grad=True)
    y = t(x)
    x_back = t.inv(y)
    ladj = t.log_abs_det_jacobian(x, y)
    inv_ladj = t.inv.log_abs_det_jacobian(y, x)
    w = np.random.RandomState(w_seed).uniform(0.5, 1.5, size=tuple(y.shape))
    loss = (y * tensor(lib, w)).sum() + ladj.sum()
    grads = lib.autograd.grad(loss, [x] + params, allow_unused=True)
    return {"y": y, "x_back": x_back, "ladj": ladj, "inv_ladj": inv_ladj,
            "grads": grads}


def compare_transform(make, x_np, rtol=1e-5, atol=1e-6):
    a = run_transform(torch, make, x_np)
    b = run_transform(torsh, make, x_np)
    for key in ("y", "x_back", "ladj", "inv_ladj"):
        close(a[key].detach(), b[key].detach(), rtol=rtol, atol=atol)
    for ga, gb in zip(a["grads"], b["grads"]):
        assert (ga is None) == (gb is None)
        if ga is not None:
            close(ga, gb, rtol=rtol, atol=atol)
    return a, b


# ---------------------------------------------------------------- CorrCholeskyTransform

@pytest.mark.parametrize("batch", [(), (4,), (2, 3)])
@pytest.mark.parametrize("n", [1, 3, 6, 10])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_corr_cholesky_against_torch(batch, n, dtype):
    x = np.random.RandomState(n + len(batch)).randn(*batch, n).astype(dtype)
    a, b = compare_transform(lambda lib: lib.distributions.CorrCholeskyTransform(), x,
                             rtol=1e-4 if dtype == "float32" else 1e-9,
                             atol=1e-5 if dtype == "float32" else 1e-10)
    d = round((0.25 + 2 * n) ** 0.5 + 0.5)
    assert tuple(b["y"].shape) == batch + (d, d)
    # the inverse recovers x; the result is a correlation Cholesky factor
    np.testing.assert_allclose(to_np(b["x_back"]), x, rtol=1e-3, atol=1e-4)
    assert bool(torsh.distributions.constraints.corr_cholesky.check(b["y"].detach()).all())


def test_corr_cholesky_large_inputs_stay_finite():
    x = np.array([[30.0, -30.0, 5.0], [-8.0, 0.0, 40.0]])
    compare_transform(lambda lib: lib.distributions.CorrCholeskyTransform(), x,
                      rtol=1e-6, atol=1e-8)


def test_corr_cholesky_hand_value():
    # D = 2: y = [[1, 0], [tanh x, sqrt(1 - tanh^2 x)]], log|dy21/dx| = log(1 - tanh^2 x)
    t = torsh.distributions.CorrCholeskyTransform()
    x = torsh.tensor([0.3], dtype=torsh.float64)
    y = t(x)
    r = math.tanh(0.3)
    np.testing.assert_allclose(to_np(y), [[1.0, 0.0], [r, math.sqrt(1 - r * r)]], rtol=1e-12)
    np.testing.assert_allclose(float(t.log_abs_det_jacobian(x, y)), math.log(1 - r * r),
                               rtol=1e-12)


def test_corr_cholesky_properties():
    for lib in (torch, torsh):
        t = lib.distributions.CorrCholeskyTransform()
        assert t.bijective is True
        assert t.domain is lib.distributions.constraints.real_vector
        assert t.codomain is lib.distributions.constraints.corr_cholesky
        assert (t.domain.event_dim, t.codomain.event_dim) == (1, 2)
        assert repr(t) == "CorrCholeskyTransform()"
        assert t.inv.inv is t
        assert t.inv.domain is t.codomain and t.inv.codomain is t.domain
        # torch does not define __eq__ for it: equality is identity
        assert t == t and t != lib.distributions.CorrCholeskyTransform()
        cached = t.with_cache(1)
        assert type(cached) is type(t) and cached._cache_size == 1
        x = lib.zeros(3)
        assert cached.inv(cached(x)) is x
    for fn in (lambda lib: lib.distributions.CorrCholeskyTransform().sign,
               lambda lib: lib.distributions.CorrCholeskyTransform().event_dim,
               lambda lib: lib.distributions.CorrCholeskyTransform(cache_size=2)):
        assert_same_error(fn)


@pytest.mark.parametrize("shape", [(1,), (3,), (6,), (2, 10), (4, 5, 15), (0,)])
def test_corr_cholesky_shapes(shape):
    t_a = torch.distributions.CorrCholeskyTransform()
    t_b = torsh.distributions.CorrCholeskyTransform()
    fa = t_a.forward_shape(torch.Size(shape))
    fb = t_b.forward_shape(torsh.Size(shape))
    assert isinstance(fb, torsh.Size) and tuple(fb) == tuple(fa)
    assert tuple(t_b.inverse_shape(fb)) == tuple(t_a.inverse_shape(fa)) == shape
    assert tuple(t_b.forward_shape(shape)) == tuple(fa)
    assert tuple(t_b.inv.forward_shape(fb)) == shape


@pytest.mark.parametrize("fn", [
    lambda lib: lib.distributions.CorrCholeskyTransform()(lib.tensor(0.5)),
    lambda lib: lib.distributions.CorrCholeskyTransform()(lib.zeros(2, 4)),
    lambda lib: lib.distributions.CorrCholeskyTransform()(lib.zeros(5)),
    lambda lib: lib.distributions.CorrCholeskyTransform()(lib.zeros(3, 7)),
    lambda lib: lib.distributions.CorrCholeskyTransform().inv(lib.zeros(3)),
    lambda lib: lib.distributions.CorrCholeskyTransform().log_abs_det_jacobian(
        lib.zeros(0), lib.eye(1)),
    lambda lib: lib.distributions.CorrCholeskyTransform().forward_shape(()),
    lambda lib: lib.distributions.CorrCholeskyTransform().forward_shape((4,)),
    lambda lib: lib.distributions.CorrCholeskyTransform().inverse_shape((3,)),
    lambda lib: lib.distributions.CorrCholeskyTransform().inverse_shape((3, 4)),
])
def test_corr_cholesky_errors(fn):
    assert_same_error(fn)


def test_corr_cholesky_one_by_one():
    for lib in (torch, torsh):
        t = lib.distributions.CorrCholeskyTransform()
        y = t(lib.zeros(2, 0))
        assert tuple(y.shape) == (2, 1, 1) and bool((y == 1).all())
        assert tuple(t.inv(y).shape) == (2, 0)


# ---------------------------------------------------------------- CatTransform

def _cat_simple(dim):
    def make(lib):
        T = lib.distributions.transforms
        return T.CatTransform([T.ExpTransform(), T.AffineTransform(1.0, -2.0),
                               T.SigmoidTransform()], dim=dim, lengths=[2, 1, 3])
    return make


def _cat_params(lib):
    T = lib.distributions.transforms
    scale = lib.tensor([0.5, 3.0], dtype=lib.float64).requires_grad_()
    t = T.CatTransform([T.AffineTransform(0.0, scale), T.TanhTransform()], dim=-1,
                       lengths=[2, 2])
    return t, [scale]


def _cat_event(dim):
    # parts with event_dim 1 and 0: the log-dets of the 0-event part are summed first
    def make(lib):
        T = lib.distributions.transforms
        return T.CatTransform([T.IndependentTransform(T.SigmoidTransform(), 1),
                               T.ExpTransform(), T.AffineTransform(0.5, 2.0, event_dim=1)],
                              dim=dim, lengths=[2, 1, 2])
    return make


def _cat_nested(lib):
    T = lib.distributions.transforms
    inner = T.CatTransform([T.ExpTransform(), T.identity_transform], dim=0, lengths=[2, 2])
    return T.CatTransform([inner, inner], dim=0, lengths=[4, 4])


@pytest.mark.parametrize("make,shape", [
    (_cat_simple(0), (6,)), (_cat_simple(0), (6, 3)), (_cat_simple(1), (4, 6)),
    (_cat_simple(-1), (2, 3, 6)), (_cat_simple(-2), (5, 6, 2)), (_cat_params, (3, 4)),
    (_cat_event(0), (5, 4)), (_cat_event(1), (3, 5, 4)), (_cat_event(-1), (2, 5)),
    (_cat_event(-2), (5, 3)), (_cat_nested, (8,)), (_cat_nested, (8, 2)),
])
def test_cat_against_torch(make, shape):
    x = np.random.RandomState(len(shape)).randn(*shape)
    compare_transform(make, x, rtol=1e-9, atol=1e-10)


def test_cat_hand_value():
    T = torsh.distributions.transforms
    t = T.CatTransform([T.ExpTransform(), T.AffineTransform(0.0, 3.0)], dim=0, lengths=[1, 2])
    x = torsh.tensor([0.0, 1.0, -2.0], dtype=torsh.float64)
    y = t(x)
    np.testing.assert_allclose(to_np(y), [1.0, 3.0, -6.0])
    np.testing.assert_allclose(to_np(t.log_abs_det_jacobian(x, y)),
                               [0.0, math.log(3.0), math.log(3.0)])


def test_cat_properties():
    for lib in (torch, torsh):
        T = lib.distributions.transforms
        C = lib.distributions.constraints
        t = T.CatTransform([T.ExpTransform(), T.AffineTransform(0.0, 2.0)], dim=1,
                           lengths=[1, 2])
        assert t.bijective is True and t.event_dim == 0 and t.length == 3
        assert isinstance(t.domain, type(C.cat([C.real])))
        assert t.domain.cseq == [C.real, C.real] and t.domain.lengths == [1, 2]
        assert t.codomain.cseq[0] is C.positive and t.codomain.dim == 1
        assert repr(t) == "CatTransform()" and t != T.CatTransform(t.transforms, 1, [1, 2])
        assert T.CatTransform([T.ExpTransform(), T.AbsTransform()]).bijective is False
        assert T.CatTransform([T.StickBreakingTransform(), T.ExpTransform()]).event_dim == 1
        assert t.lengths == [1, 2] and T.CatTransform([T.ExpTransform()] * 3).lengths == [1] * 3
        cached = t.with_cache(1)
        assert cached._cache_size == 1 and all(p._cache_size == 1 for p in cached.transforms)
        assert t.with_cache(0) is t
        check = t.codomain.check(lib.tensor([[1.0, -2.0, 3.0], [-1.0, 5.0, 0.0]]))
        assert check.tolist() == [[True, True, True], [False, True, True]]
    assert_same_error(lambda lib: lib.distributions.CatTransform([
        lib.distributions.ExpTransform()]).sign)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.distributions.CatTransform([lib.distributions.ExpTransform()],
                                               lengths=[1, 2]),
    lambda lib: lib.distributions.CatTransform([1]),
    lambda lib: _cat_simple(1)(lib)(lib.zeros(2, 5)),
    lambda lib: _cat_simple(2)(lib)(lib.zeros(2, 6)),
    lambda lib: _cat_simple(0)(lib).inv(lib.zeros(5)),
    lambda lib: _cat_simple(0)(lib).log_abs_det_jacobian(lib.zeros(6), lib.zeros(7)),
])
def test_cat_errors(fn):
    assert_same_error_type(fn)


# ---------------------------------------------------------------- StackTransform

def _stack(dim):
    def make(lib):
        T = lib.distributions.transforms
        return T.StackTransform([T.ExpTransform(), T.AffineTransform(-1.0, 0.5),
                                 T.TanhTransform()], dim=dim)
    return make


def _stack_event(lib):
    T = lib.distributions.transforms
    return T.StackTransform([T.IndependentTransform(T.SigmoidTransform(), 1),
                             T.AffineTransform(1.0, 3.0, event_dim=1)], dim=0)


@pytest.mark.parametrize("make,shape", [
    (_stack(0), (3,)), (_stack(0), (3, 4)), (_stack(1), (4, 3)), (_stack(-1), (2, 5, 3)),
    (_stack(1), (2, 3, 5)), (_stack_event, (2, 3)), (_stack_event, (2, 4, 3)),
])
def test_stack_against_torch(make, shape):
    x = np.random.RandomState(sum(shape)).randn(*shape)
    compare_transform(make, x, rtol=1e-9, atol=1e-10)


def test_stack_properties():
    for lib in (torch, torsh):
        T = lib.distributions.transforms
        C = lib.distributions.constraints
        t = _stack(1)(lib)
        assert t.bijective is True and t.event_dim == 0 and t.dim == 1
        assert t.codomain.cseq[0] is C.positive and t.codomain.dim == 1
        assert repr(t.inv) == "_InverseTransform(StackTransform())"
        assert T.StackTransform([T.ExpTransform(), T.AbsTransform()]).bijective is False
        cached = t.with_cache(1)
        assert all(p._cache_size == 1 for p in cached.transforms)
        check = t.codomain.check(lib.tensor([[1.0, 5.0, 0.5], [-1.0, 0.0, 2.0]]))
        assert check.tolist() == [[True, True, True], [False, True, False]]
        assert t != _stack(1)(lib) and t == t
    assert_same_error(lambda lib: _stack(0)(lib).sign)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.distributions.StackTransform([None]),
    lambda lib: _stack(1)(lib)(lib.zeros(2)),
    lambda lib: _stack(0)(lib)(lib.zeros(4, 3)),
    lambda lib: _stack(0)(lib).inv(lib.zeros(2)),
    lambda lib: _stack(0)(lib).log_abs_det_jacobian(lib.zeros(3), lib.zeros(2)),
])
def test_stack_errors(fn):
    assert_same_error_type(fn)


# ---------------------------------------------------------------- CumulativeDistributionTransform

def _cdf(name):
    def make(lib):
        D = lib.distributions
        loc = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64).requires_grad_()
        scale = lib.tensor([1.0, 0.5, 2.0], dtype=lib.float64).requires_grad_()
        dist = {"normal": lambda: D.Normal(loc, scale),
                "laplace": lambda: D.Laplace(loc, scale),
                "cauchy": lambda: D.Cauchy(loc, scale),
                "logistic": lambda: D.Gumbel(loc, scale)}[name]()
        return D.CumulativeDistributionTransform(dist), [loc, scale]
    return make


@pytest.mark.parametrize("name", ["normal", "laplace", "cauchy"])
@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 1, 3)])
def test_cdf_transform_against_torch(name, shape):
    x = np.random.RandomState(len(shape)).randn(*shape)
    compare_transform(_cdf(name), x, rtol=1e-8, atol=1e-10)


def test_cdf_transform_exponential():
    def make(lib):
        rate = lib.tensor([0.5, 2.0], dtype=lib.float64).requires_grad_()
        return lib.distributions.CumulativeDistributionTransform(
            lib.distributions.Exponential(rate)), [rate]
    x = np.random.RandomState(3).uniform(0.1, 3.0, size=(5, 2))
    compare_transform(make, x, rtol=1e-8, atol=1e-10)


def test_cdf_transform_hand_value():
    t = torsh.distributions.CumulativeDistributionTransform(torsh.distributions.Normal(0.0, 1.0))
    x = torsh.tensor([0.0, 1.0])
    np.testing.assert_allclose(to_np(t(x)), [0.5, 0.8413447], rtol=1e-6)
    np.testing.assert_allclose(to_np(t.log_abs_det_jacobian(x, t(x))),
                               [-0.5 * math.log(2 * math.pi), -0.5 - 0.5 * math.log(2 * math.pi)],
                               rtol=1e-6)


def test_cdf_transform_properties():
    for lib in (torch, torsh):
        D = lib.distributions
        dist = D.Exponential(lib.tensor([1.0, 2.0]))
        t = D.CumulativeDistributionTransform(dist)
        assert t.sign == 1 and t.bijective is True and t.event_dim == 0
        assert t.domain is dist.support and t.codomain is D.constraints.unit_interval
        assert t.inv.sign == 1
        cached = t.with_cache(1)
        assert cached._cache_size == 1 and cached.distribution is dist
        assert t.with_cache(0) is t
        assert t != D.CumulativeDistributionTransform(dist)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.distributions.CumulativeDistributionTransform(
        lib.distributions.Exponential(lib.tensor([1.0, 2.0]), validate_args=True))(
        lib.tensor([-1.0, 1.0])),
    lambda lib: lib.distributions.CumulativeDistributionTransform(
        lib.distributions.Normal(0.0, 1.0)).with_cache(3),
])
def test_cdf_transform_errors(fn):
    assert_same_error_type(fn)


# ---------------------------------------------------------------- TransformedDistribution

def _corr_td(lib, batch, n):
    D = lib.distributions
    loc = lib.tensor(np.linspace(-1.0, 1.0, int(np.prod(batch + (n,)))).reshape(batch + (n,)))
    base = D.Independent(D.Normal(loc, 0.7), 1)
    return D.TransformedDistribution(base, [D.CorrCholeskyTransform()])


@pytest.mark.parametrize("batch,n", [((), 1), ((), 3), ((2,), 6), ((2, 3), 3)])
def test_transformed_corr_cholesky_log_prob(batch, n):
    x = np.random.RandomState(n).randn(4, *batch, n)
    got = {}
    for lib in (torch, torsh):
        td = _corr_td(lib, batch, n)
        y = td.transforms[0](lib.tensor(x))
        got[lib.__name__] = (td, y, td.log_prob(y))
    ta, ya, lpa = got["torch"]
    tb, yb, lpb = got["torsh"]
    assert tuple(tb.batch_shape) == tuple(ta.batch_shape)
    assert tuple(tb.event_shape) == tuple(ta.event_shape)
    close(ya, yb, rtol=1e-9, atol=1e-12)
    close(lpa, lpb, rtol=1e-9, atol=1e-10)
    assert tuple(tb.sample((5,)).shape) == tuple(ta.sample((5,)).shape)


def test_transformed_corr_cholesky_same_seed_sample():
    torch.manual_seed(7)
    torsh.manual_seed(7)
    a = _corr_td(torch, (2,), 3).rsample((3,))
    b = _corr_td(torsh, (2,), 3).rsample((3,))
    close(a, b, rtol=1e-9, atol=1e-12)


def test_gaussian_copula_log_prob():
    tril = [[1.0, 0.0], [0.6, 0.8]]
    u = np.random.RandomState(5).uniform(0.05, 0.95, size=(6, 2))
    got = []
    for lib in (torch, torsh):
        D = lib.distributions
        scale_tril = lib.tensor(tril, dtype=lib.float64).requires_grad_()
        base = D.MultivariateNormal(lib.zeros(2, dtype=lib.float64), scale_tril=scale_tril)
        copula = D.TransformedDistribution(
            base, [D.CumulativeDistributionTransform(D.Normal(0.0, 1.0))])
        lp = copula.log_prob(lib.tensor(u))
        grad, = lib.autograd.grad(lp.sum(), [scale_tril])
        got.append((copula, lp, grad))
    (ca, lpa, ga), (cb, lpb, gb) = got
    assert tuple(cb.event_shape) == tuple(ca.event_shape) == (2,)
    close(lpa.detach(), lpb.detach(), rtol=1e-9, atol=1e-10)
    close(ga, gb, rtol=1e-8, atol=1e-10)


def test_transformed_cat_stack_log_prob():
    x = np.random.RandomState(2).randn(3, 4)
    for build in (lambda lib: lib.distributions.CatTransform(
                      [lib.distributions.ExpTransform(), lib.distributions.SigmoidTransform()],
                      dim=-1, lengths=[1, 3]),
                  lambda lib: lib.distributions.StackTransform(
                      [lib.distributions.ExpTransform()] * 2
                      + [lib.distributions.TanhTransform()] * 2, dim=1)):
        out = []
        for lib in (torch, torsh):
            D = lib.distributions
            td = D.TransformedDistribution(D.Normal(lib.zeros(3, 4, dtype=lib.float64), 1.0),
                                           [build(lib)])
            out.append(td.log_prob(build(lib)(lib.tensor(x))))
        close(out[0], out[1], rtol=1e-9, atol=1e-10)


# ---------------------------------------------------------------- biject_to / transform_to

def test_biject_to_corr_cholesky_round_trip():
    x = np.random.RandomState(11).randn(5, 6)
    for registry in ("biject_to", "transform_to"):
        t_a = getattr(torch.distributions, registry)(torch.distributions.constraints.corr_cholesky)
        t_b = getattr(torsh.distributions, registry)(torsh.distributions.constraints.corr_cholesky)
        assert type(t_b).__name__ == type(t_a).__name__ == "CorrCholeskyTransform"
        y = t_b(torsh.tensor(x))
        close(t_a(torch.tensor(x)), y, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(to_np(t_b.inv(y)), x, rtol=1e-7, atol=1e-9)
        assert bool(torsh.distributions.constraints.corr_cholesky.check(y).all())
        corr = y @ y.mT
        np.testing.assert_allclose(to_np(corr.diagonal(dim1=-2, dim2=-1)), np.ones((5, 4)),
                                   rtol=1e-12)


def _constraints(lib):
    C = lib.distributions.constraints
    return {
        "cat": C.cat([C.positive, C.real, C.unit_interval, C.greater_than(2.0)], dim=-1,
                     lengths=[2, 1, 1, 2]),
        "stack": C.stack([C.positive, C.interval(-1.0, 3.0), C.less_than(1.0)], dim=0),
        "nested": C.stack([C.cat([C.positive, C.real], dim=0, lengths=[2, 1]),
                           C.cat([C.real, C.unit_interval], dim=0, lengths=[1, 2])], dim=1),
    }


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name,shape", [("cat", (3, 6)), ("cat", (6,)), ("stack", (3, 4)),
                                        ("nested", (3, 2))])
def test_registry_cat_stack(registry, name, shape):
    def make(lib):
        return getattr(lib.distributions, registry)(_constraints(lib)[name])
    assert type(make(torsh)).__name__ == type(make(torch)).__name__
    x = np.random.RandomState(len(shape)).randn(*shape)
    a, b = compare_transform(make, x, rtol=1e-9, atol=1e-10)
    assert bool(_constraints(torsh)[name].check(b["y"].detach()).all())
    np.testing.assert_allclose(to_np(b["x_back"]), x, rtol=1e-6, atol=1e-8)


def test_registry_cat_not_bijective_part():
    def fn(lib):
        C = lib.distributions.constraints
        return lib.distributions.biject_to(C.cat([C.lower_cholesky]))
    assert_same_error(fn)
    for lib in (torch, torsh):
        C = lib.distributions.constraints
        t = lib.distributions.transform_to(C.stack([C.simplex, C.lower_cholesky], dim=0))
        assert type(t).__name__ == "StackTransform"
        assert [type(p).__name__ for p in t.transforms] == ["SoftmaxTransform",
                                                            "LowerCholeskyTransform"]


# ---------------------------------------------------------------- names and modules

def test_exported_names_match_torch():
    for mod_a, mod_b in ((torch.distributions, torsh.distributions),
                         (torch.distributions.transforms, torsh.distributions.transforms),
                         (torch.distributions.constraint_registry,
                          torsh.distributions.constraint_registry)):
        missing = set(mod_a.__all__) - set(mod_b.__all__)
        assert not missing, (mod_a.__name__, missing)
    for name in torch.distributions.constraints.__all__:
        assert hasattr(torsh.distributions.constraints, name), name
    for name in ("CatTransform", "StackTransform", "CorrCholeskyTransform",
                 "CumulativeDistributionTransform"):
        assert getattr(torsh.distributions, name) is getattr(torsh.distributions.transforms,
                                                             name)
    keys = [sorted(k.__name__ for k in lib.distributions.biject_to._registry)
            for lib in (torch, torsh)]
    assert keys[0] == keys[1]
    keys = [sorted(k.__name__ for k in lib.distributions.transform_to._registry)
            for lib in (torch, torsh)]
    assert keys[0] == keys[1]


def test_half_cauchy_module():
    import torsh.distributions.half_cauchy as hc
    from torsh.distributions.half_cauchy import HalfCauchy
    assert HalfCauchy is torsh.distributions.HalfCauchy is hc.HalfCauchy
    assert torsh.distributions.half_cauchy is hc
    assert HalfCauchy.__module__ == "torsh.distributions.half_cauchy"
    from torsh.distributions.half_normal import HalfCauchy as same_class
    assert same_class is HalfCauchy
    scale = [0.5, 2.0]
    v = [[0.3, 1.0], [2.5, 0.1]]
    a = torch.distributions.half_cauchy.HalfCauchy(torch.tensor(scale)).log_prob(torch.tensor(v))
    b = hc.HalfCauchy(torsh.tensor(scale)).log_prob(torsh.tensor(v))
    close(a, b)
    def bad_scale(lib):
        return lib.distributions.half_cauchy.HalfCauchy(-1.0, validate_args=True)
    assert outcome(bad_scale, torch)[0] == outcome(bad_scale, torsh)[0] == "ValueError"
