"""torch.binomial (the same samples as torch for a seed, and the right distribution; the
sampler itself is torsh._random_extra's / the native one),
torch.histogramdd, the functional RNNs (torch.lstm / gru / rnn_tanh / rnn_relu, padded and
packed, and their cells) and torch.svd_lowrank / pca_lowrank against torch 1.13."""
import math

import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(44)


def same_error(fn, exc=RuntimeError, match=None):
    with pytest.raises(exc):
        fn(torch)
    with pytest.raises(exc, match=match):
        fn(torsh)


# ---- binomial ----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binomial_matches_torch_samples(dtype, seed):
    # both samplers (inversion below n*p = 10, BTRS above; p > 0.5 through 1 - p) and the edges
    count = np.array([5, 20, 100, 0, -1, 3, 1000, 7, 50, 1e6, 12, 40, 30, 2e4], dtype=dtype)
    prob = np.array([0.3, 0.6, 0.2, 0.5, 0.5, 1.0, 0.01, 0.99, 0.5, 0.3, 0.95, 0.7, 0.0, 0.999],
                    dtype=dtype)
    res = []
    for L in (torch, torsh):
        L.manual_seed(seed)
        s = L.binomial(L.tensor(count), L.tensor(prob))
        res.append((s.numpy(), L.rand(3).tolist()))  # and the generator moved on alike
    record("extra api4")
    assert res[0][1] == res[1][1]
    np.testing.assert_array_equal(res[1][0], res[0][0])
    assert res[1][0].dtype == np.dtype(dtype)


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
def test_binomial_many_and_generator():
    count = rng.integers(0, 300, (40, 50)).astype(np.float32)
    prob = rng.random((40, 50)).astype(np.float32)
    res = []
    for L in (torch, torsh):
        g = L.Generator()
        g.manual_seed(123)
        res.append(L.binomial(L.tensor(count), L.tensor(prob), generator=g).numpy())
        res.append(L.binomial(L.tensor(count[:1]), L.tensor(prob), generator=g).numpy())
    record("extra api4")
    np.testing.assert_array_equal(res[2], res[0])
    np.testing.assert_array_equal(res[3], res[1])  # prob broadcast over count's rows


@pytest.mark.parametrize("n,p", [(8, 0.3), (30, 0.2), (500, 0.5), (60, 0.9), (9, 0.97)])
def test_binomial_distribution(n, p):
    torsh.manual_seed(2024)
    k = 20000
    s = torsh.binomial(torsh.full((k,), float(n), dtype=torsh.float64),
                       torsh.full((k,), p, dtype=torsh.float64)).numpy()
    mean, var = n * p, n * p * (1 - p)
    assert np.all(s == np.round(s)) and s.min() >= 0 and s.max() <= n
    # 5 standard errors of the sample mean and variance
    assert abs(s.mean() - mean) < 5 * math.sqrt(var / k)
    assert abs(s.var() - var) < 5 * var * math.sqrt(2.0 / k) + 1e-12


def test_binomial_errors_and_grad():
    same_error(lambda L: L.binomial(L.ones(3, dtype=L.int64), L.ones(3, dtype=L.int64)),
               match="binomial")
    same_error(lambda L: L.binomial(L.ones(3), L.ones(3, dtype=L.float64)),
               match="Double|float64")
    same_error(lambda L: L.binomial(L.ones(6), L.ones(2) / 2), match="must match the size")
    same_error(lambda L: L.binomial(L.ones(3, dtype=L.float16), L.ones(3, dtype=L.float16)),
               match="binomial")
    for L in (torch, torsh):
        r = L.binomial(L.tensor([5., 5.]), L.tensor([float("nan"), 1.5]))
        assert math.isnan(r[0].item()) and r[1].item() == 5.0
        p = L.full((3,), 0.5, requires_grad=True)
        r = L.binomial(L.full((3,), 4.0), p)
        assert r.requires_grad
        with pytest.raises(RuntimeError, match="binomial"):
            r.sum().backward()
    record("extra api4")


# ---- histogramdd -------------------------------------------------------------------------------

PTS = rng.standard_normal((30, 2)).astype(np.float32)


def hist_both(make_args, tol=1e-6):
    res = []
    for L in (torch, torsh):
        args, kw = make_args(L)
        r = L.histogramdd(*args, **kw)
        assert type(r).__name__ == "histogramdd" and isinstance(r.bin_edges, tuple)
        res.append((r.hist.numpy(), [e.numpy() for e in r.bin_edges]))
    record("extra api4")
    (h1, e1), (h2, e2) = res
    assert h1.shape == h2.shape and h1.dtype == h2.dtype and len(e1) == len(e2)
    np.testing.assert_allclose(h2, h1, rtol=tol, atol=tol)
    for a, b in zip(e1, e2):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


@pytest.mark.parametrize("bins", [3, [3, 4], (2, 5), "tensors"])
@pytest.mark.parametrize("kw", [{}, {"density": True}, {"weight": True},
                                {"range": [-1.0, 1.0, -2.0, 2.0]},
                                {"range": (0, 1, 0, 1), "density": True, "weight": True}])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histogramdd(bins, kw, dtype):
    pts = PTS.astype(dtype)
    wts = rng.random(30).astype(dtype)
    edges = [np.array([-1., 0, 1], dtype=dtype), np.array([-2., 0, 0.5, 2], dtype=dtype)]

    def make(L):
        b = [L.tensor(e) for e in edges] if bins == "tensors" else bins
        k = dict(kw)
        if k.get("weight"):
            k["weight"] = L.tensor(wts)
        if bins == "tensors":
            k.pop("range", None)
        return (L.tensor(pts), b), k
    hist_both(make)


def test_histogramdd_shapes_and_edges():
    pts3 = rng.standard_normal((2, 5, 3))
    hist_both(lambda L: ((L.tensor(pts3), [2, 3, 2]), {}))
    hist_both(lambda L: ((L.tensor(PTS[:0]), 2), {}))  # empty: range [0, 1]
    hist_both(lambda L: ((L.tensor([[1., 1.], [1., 1.]]), 2), {}))  # widened by 0.5
    nan = float("nan")  # torch's kernel puts NaN into the last bin
    hist_both(lambda L: ((L.tensor([[1., nan], [0., 0.], [nan, 0.2], [0.2, nan]]), 2),
                         {"range": [0., 1., 0., 1.]}))
    hist_both(lambda L: ((L.tensor(PTS), [L.tensor([1., 0.]), L.tensor([0., 1.])]), {}))
    hist_both(lambda L: ((L.tensor([[0., 0.], [0.5, 1.0], [1.0, 1.0], [1.5, 0.2]]), 2),
                         {"range": [0., 1., 0., 1.]}))  # the right edge is inside
    hist_both(lambda L: ((L.zeros(4, 0), 2), {}))


def test_histogramdd_errors():
    x = lambda L: L.tensor(PTS)  # noqa: E731
    same_error(lambda L: L.histogramdd(L.tensor(PTS).double(), 3, weight=L.ones(30)),
               match="histogramdd.*same dtype")
    same_error(lambda L: L.histogramdd(x(L).long(), 3), match="histogramdd.*Long")
    same_error(lambda L: L.histogramdd(x(L), 3, range=[0., 1.]), match="histogramdd.*range")
    same_error(lambda L: L.histogramdd(x(L), 3, weight=L.ones(9)), match="histogramdd.*shape")
    same_error(lambda L: L.histogramdd(x(L), 3, range=[1., 0., 0., 1.]),
               match="histogramdd.*min should not exceed max")
    same_error(lambda L: L.histogramdd(x(L), 0), match="bins must be > 0")
    same_error(lambda L: L.histogramdd(x(L), -1), match="bins must be > 0")
    same_error(lambda L: L.histogramdd(x(L), [L.tensor([0.]), L.tensor([0., 1.])]),
               match="bins must be > 0")
    same_error(lambda L: L.histogramdd(x(L), [L.zeros(0), L.tensor([0., 1.])]),
               match="histogramdd.*at least 1 element")
    same_error(lambda L: L.histogramdd(x(L), [L.zeros(1, 2), L.tensor([0., 1.])]),
               match="histogramdd.*one dimension")
    same_error(lambda L: L.histogramdd(x(L), [L.tensor([0., 1.]).double(), L.tensor([0., 1.])]),
               match="histogramdd.*same dtype")
    same_error(lambda L: L.histogramdd(L.tensor([[1., float("inf")]]), 2),
               match="histogramdd.*not finite")
    same_error(lambda L: L.histogramdd(L.ones(5), 2), match="histogramdd.*2 dimensions")
    same_error(lambda L: L.histogramdd(L.ones(4, 3), [2, 3, 2.5]), TypeError,
               match="histogramdd.*bins")


# ---- functional RNNs ---------------------------------------------------------------------------

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _params(mode, I, H, layers, bidir, bias, proj=0):
    d = 2 if bidir else 1
    out, G = [], GATES[mode] * H
    real_h = proj or H
    for layer in range(layers):
        for _ in range(d):
            isz = I if layer == 0 else real_h * d
            out += [rng.uniform(-0.4, 0.4, (G, isz)), rng.uniform(-0.4, 0.4, (G, real_h))]
            if bias:
                out += [rng.uniform(-0.4, 0.4, G), rng.uniform(-0.4, 0.4, G)]
            if proj:
                out.append(rng.uniform(-0.4, 0.4, (proj, H)))
    return out


def rnn_both(mode, x, hx, params, call, tol=1e-9):
    res = []
    for L in (torch, torsh):
        L.manual_seed(5)
        xt = L.tensor(x, requires_grad=True)
        hs = [L.tensor(h, requires_grad=True) for h in hx]
        ps = [L.tensor(p, requires_grad=True) for p in params]
        outs = call(L, xt, hs, ps)
        loss = sum((o * L.tensor(np.cos(np.arange(o.numel())).reshape(tuple(o.shape)))).sum()
                   for o in outs)
        grads = L.autograd.grad(loss, [xt] + hs + ps)
        res.append(([o.detach().numpy() for o in outs], [g.numpy() for g in grads]))
    record("extra api4 " + mode)
    (a, ga), (b, gb) = res
    assert len(a) == len(b)
    for u, v in zip(a + ga, b + gb):
        assert u.shape == v.shape
        np.testing.assert_allclose(v, u, rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("layers,bidir,bias,batch_first,dropout",
                         [(1, False, True, False, 0.0), (2, True, True, True, 0.0),
                          (2, False, False, False, 0.0), (3, True, True, False, 0.4)])
def test_rnn_padded(mode, layers, bidir, bias, batch_first, dropout):
    T_, B, I, H = 5, 3, 4, 6
    d = 2 if bidir else 1
    x = rng.standard_normal((B, T_, I) if batch_first else (T_, B, I))
    hx = [rng.standard_normal((layers * d, B, H))] * (2 if mode == "lstm" else 1)
    params = _params(mode, I, H, layers, bidir, bias)

    def call(L, xt, hs, ps):
        h = tuple(hs) if mode == "lstm" else hs[0]
        return getattr(L, mode)(xt, h, ps, bias, layers, dropout, True, bidir, batch_first)
    rnn_both(mode, x, hx, params, call)


def test_lstm_projections():
    T_, B, I, H, P = 4, 2, 3, 5, 2
    x = rng.standard_normal((T_, B, I))
    hx = [rng.standard_normal((4, B, P)), rng.standard_normal((4, B, H))]
    params = _params("lstm", I, H, 2, True, True, proj=P)
    rnn_both("lstm", x, hx, params,
             lambda L, xt, hs, ps: L.lstm(xt, hs, ps, True, 2, 0.0, False, True, False))


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("bidir", [False, True])
def test_rnn_packed(mode, bidir):
    I, H, layers = 3, 4, 2
    d = 2 if bidir else 1
    batch_sizes = np.array([3, 3, 2, 1])
    data = rng.standard_normal((int(batch_sizes.sum()), I))
    hx = [rng.standard_normal((layers * d, 3, H))] * (2 if mode == "lstm" else 1)
    params = _params(mode, I, H, layers, bidir, True)

    def call(L, xt, hs, ps):
        h = hs if mode == "lstm" else hs[0]
        return getattr(L, mode)(xt, L.tensor(batch_sizes), h, ps, True, layers, 0.0, False,
                                bidir)
    rnn_both(mode, data, hx, params, call)


def test_rnn_errors():
    x = lambda L: L.zeros(2, 1, 3)  # noqa: E731
    ps = lambda L: [L.zeros(8, 3), L.zeros(8, 2), L.zeros(8)]  # noqa: E731
    same_error(lambda L: L.lstm(x(L), (L.zeros(1, 1, 2),), ps(L)[:2], False, 1, 0., False, False,
                                False), match="lstm")
    same_error(lambda L: L.gru(x(L), L.zeros(1, 1, 2), ps(L), True, 1, 0., False, False, False),
               match="gru")
    same_error(lambda L: L.rnn_tanh(x(L), L.zeros(1, 1, 2), [L.zeros(2, 4), L.zeros(2, 2)],
                                    False, 1, 0., False, False, False), match="rnn_tanh")


@pytest.mark.parametrize("mode", ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
@pytest.mark.parametrize("bias", [True, False])
def test_rnn_cells(mode, bias):
    B, I, H = 3, 4, 5
    G = GATES[mode[:-5]] * H
    x = rng.standard_normal((B, I))
    hx = [rng.standard_normal((B, H))] * (2 if mode == "lstm_cell" else 1)
    params = [rng.uniform(-0.4, 0.4, (G, I)), rng.uniform(-0.4, 0.4, (G, H))]
    if bias:
        params += [rng.uniform(-0.4, 0.4, G), rng.uniform(-0.4, 0.4, G)]

    def call(L, xt, hs, ps):
        h = tuple(hs) if mode == "lstm_cell" else hs[0]
        out = getattr(L, mode)(xt, h, *ps)
        return out if isinstance(out, tuple) else (out,)
    rnn_both(mode, x, hx, params, call)


def test_rnn_cell_errors():
    same_error(lambda L: L.gru_cell(L.zeros(2, 3), L.zeros(2, 4), L.zeros(12, 5),
                                    L.zeros(12, 4)), match="gru_cell")
    same_error(lambda L: L.rnn_tanh_cell(L.zeros(2, 3), L.zeros(3, 4), L.zeros(4, 3),
                                         L.zeros(4, 4)), match="rnn_tanh_cell")
    same_error(lambda L: L.lstm_cell(L.zeros(2, 3), (L.zeros(2, 4),), L.zeros(16, 3),
                                     L.zeros(16, 4)), match="lstm_cell")


# ---- svd_lowrank / pca_lowrank -----------------------------------------------------------------

def lowrank_both(fn, A, tol):
    res = []
    for L in (torch, torsh):
        L.manual_seed(11)
        res.append([t.numpy() for t in fn(L, L.tensor(A))])
    record("extra api4")
    for u, v in zip(*res):
        assert u.shape == v.shape and u.dtype == v.dtype
        np.testing.assert_allclose(v, u, rtol=tol, atol=tol)


@pytest.mark.parametrize("shape", [(20, 12), (12, 20), (3, 15, 10)])
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-9), ("float32", 2e-4)])
def test_svd_lowrank(shape, dtype, tol):
    k = 4
    A = (rng.standard_normal(shape[:-1] + (k,)) @ rng.standard_normal((k, shape[-1])))
    A = A.astype(dtype)
    lowrank_both(lambda L, t: L.svd_lowrank(t, q=6), A, tol)
    lowrank_both(lambda L, t: L.svd_lowrank(t, q=5, niter=1), A, tol)
    M = A.mean(axis=-2, keepdims=True).repeat(shape[-2], axis=-2)
    lowrank_both(lambda L, t: L.svd_lowrank(t, q=5, M=L.tensor(M)), A, tol)
    # and it is a rank-k factorisation of A
    U, S, V = torsh.svd_lowrank(torsh.tensor(A), q=6)
    approx = (U * S.unsqueeze(-2)) @ V.mT
    np.testing.assert_allclose(approx.numpy(), A, atol=50 * tol, rtol=50 * tol)


@pytest.mark.parametrize("kw", [{}, {"q": 3}, {"center": False}, {"niter": 0}])
def test_pca_lowrank(kw):
    A = rng.standard_normal((25, 8)) @ np.diag([5, 4, 3, 1, 0.1, 0.1, 0.1, 0.1])
    lowrank_both(lambda L, t: L.pca_lowrank(t, **kw), A, 1e-8)


def test_pca_lowrank_errors():
    same_error(lambda L: L.pca_lowrank(L.zeros(5, 4), q=5), ValueError, match="q")
    same_error(lambda L: L.pca_lowrank(L.zeros(5, 4), niter=-1), ValueError, match="niter")
