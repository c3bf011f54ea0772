"""nn.utils.parametrizations.orthogonal and the linear algebra under it (torch.geqrf,
torch.linalg.householder_product / torch.orgqr, torch.linalg.matrix_exp / torch.matrix_exp)
against torch 1.13: values, gradients, errors, and the parametrized modules' weights, names and
training steps from the same seed."""
import numpy as np
import pytest
import torch

import torsh
from nn_pairs import raises_like, to_torsh


def close(b, a, tol):
    assert tuple(b.shape) == tuple(a.shape) and str(b.dtype) == str(a.dtype)
    np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=tol, atol=tol)


def rand(shape, dtype=torch.float64, seed=0, scale=1.0):
    return torch.randn(shape, dtype=dtype, generator=torch.Generator().manual_seed(seed)) * scale


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 5, 2), (1, 1), (0, 3)])
def test_geqrf_matches_torch(shape):
    a = rand(shape)
    ra, rt = torch.geqrf(a)
    ga, gt = torsh.geqrf(to_torsh(a))
    close(ga, ra, 1e-12)
    close(gt, rt, 1e-12)
    assert type(torsh.geqrf(to_torsh(a))).__name__ == "geqrf"
    close(to_torsh(a).geqrf()[0], ra, 1e-12)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.geqrf(t(torch.randn(3))),
    lambda lib, t: lib.geqrf(t(torch.randn(3, 3)).requires_grad_())[0].sum().backward(),
    lambda lib, t: lib.linalg.householder_product(t(torch.randn(3, 4)), t(torch.randn(2))),
    lambda lib, t: lib.linalg.householder_product(t(torch.randn(4, 3)), t(torch.randn(4))),
    lambda lib, t: lib.linalg.householder_product(t(torch.randn(3, 2)),
                                                  t(torch.randn(2, dtype=torch.float64))),
    lambda lib, t: lib.linalg.householder_product(t(torch.randn(2, 3, 2)), t(torch.randn(2))),
    lambda lib, t: lib.linalg.householder_product(t(torch.randn(2, 3, 2)), t(torch.randn(3, 2))),
    lambda lib, t: lib.linalg.householder_product(t(torch.randn(3)), t(torch.randn(2))),
    lambda lib, t: lib.linalg.matrix_exp(t(torch.randn(3))),
    lambda lib, t: lib.linalg.matrix_exp(t(torch.randn(3, 2))),
    lambda lib, t: lib.matrix_exp(t(torch.ones(2, 2, dtype=torch.int64))),
])
def test_errors_match_torch(call):
    raises_like(lambda: call(torch, lambda v: v), lambda: call(torsh, to_torsh))


@pytest.mark.parametrize("shape,k", [((5, 3), 3), ((4, 4), 2), ((2, 6, 3), 3), ((3, 3), 0)])
def test_householder_product_values_and_gradients(shape, k):
    a, tau = rand(shape, seed=1), rand(shape[:-2] + (k,), seed=2)
    ref = torch.linalg.householder_product(a, tau)
    got = torsh.linalg.householder_product(to_torsh(a), to_torsh(tau))
    close(got, ref, 1e-12)
    close(torsh.orgqr(to_torsh(a), to_torsh(tau)), ref, 1e-12)
    grads = []
    for lib, conv in ((torch, lambda v: v.clone()), (torsh, to_torsh)):
        x, t = conv(a).requires_grad_(), conv(tau).requires_grad_()
        q = lib.linalg.householder_product(x, t)
        w = lib.linspace(-1, 1, q.numel(), dtype=lib.float64).reshape(q.shape)
        (q * w).sum().backward()
        grads.append((x.grad, t.grad))
    for ours, ref in zip(grads[1], grads[0]):
        if ref is None:  # no reflector: torch's result is in the graph but gives no gradient
            assert ours is None
        else:
            close(ours, ref, 1e-10)


@pytest.mark.parametrize("scale", [0.01, 1.0, 3.0, 40.0])
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (1, 1), (0, 2, 2), (6, 6)])
def test_matrix_exp_matches_torch(shape, scale):
    a = rand(shape, seed=3, scale=scale)
    ref = torch.linalg.matrix_exp(a)
    got = torsh.linalg.matrix_exp(to_torsh(a))
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-9,
                               atol=1e-9 * max(1.0, float(ref.abs().max()) if ref.numel() else 1))
    close(torsh.matrix_exp(to_torsh(a.float())), torch.matrix_exp(a.float()),
          1e-4 * max(1.0, float(ref.abs().max()) if ref.numel() else 1))


def test_matrix_exp_gradient_and_skew_symmetric_is_orthogonal():
    a = rand((2, 4, 4), seed=4)
    grads = []
    for lib, conv in ((torch, lambda v: v.clone()), (torsh, to_torsh)):
        x = conv(a).requires_grad_()
        e = lib.linalg.matrix_exp(x)
        (e * lib.linspace(-1, 2, e.numel(), dtype=lib.float64).reshape(e.shape)).sum().backward()
        grads.append(x.grad)
    close(grads[1], grads[0], 1e-9)
    s = to_torsh(a) - to_torsh(a).mT
    q = torsh.matrix_exp(s)
    close(q.mT @ q, torsh.eye(4, dtype=torsh.float64).expand(2, 4, 4), 1e-12)
    x = to_torsh(rand((3, 3), seed=5)).requires_grad_()
    assert torsh.autograd.gradcheck(torsh.linalg.matrix_exp, (x,))


def _model(lib, kind):
    lib.manual_seed(11)
    layer = {"square": lambda: lib.nn.Linear(5, 5), "tall": lambda: lib.nn.Linear(3, 6),
             "wide": lambda: lib.nn.Linear(6, 3),
             "batch": lambda: lib.nn.Conv2d(2, 2, 3)}[kind]()
    return layer


@pytest.mark.parametrize("kind,map_,trivial", [
    ("square", None, True), ("tall", None, True), ("wide", None, True),
    ("square", "householder", True), ("tall", "matrix_exp", True),
    ("square", "householder", False), ("tall", "householder", False),
    ("square", "cayley", True), ("wide", "cayley", True),
    ("batch", None, True)])
def test_orthogonal_parametrization_matches_torch(kind, map_, trivial):
    mods = []
    for lib in (torch, torsh):
        m = _model(lib, kind)
        lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map=map_,
                                                  use_trivialization=trivial)
        mods.append(m)
    mt, ms = mods
    assert [n for n, _ in ms.named_parameters()] == [n for n, _ in mt.named_parameters()]
    assert list(ms.state_dict().keys()) == list(mt.state_dict().keys())
    close(ms.weight, mt.weight, 1e-5)
    w = ms.weight.detach().flatten(0, -3) if ms.weight.dim() > 2 else ms.weight.detach()
    small = min(w.shape[-2:])
    gram = w.mT @ w if w.size(-2) >= w.size(-1) else w @ w.mT
    close(gram, torsh.eye(small).expand(gram.shape), 1e-5)
    # training steps keep matching torch (and the weight orthogonal)
    shape = {"square": (4, 5), "tall": (4, 3), "wide": (4, 6), "batch": (2, 2, 5, 5)}[kind]
    x = rand(shape, dtype=torch.float32, seed=6)
    opts = (torch.optim.SGD(mt.parameters(), lr=0.1), torsh.optim.SGD(ms.parameters(), lr=0.1))
    for _ in range(3):
        for lib, m, opt, xi in ((torch, mt, opts[0], x), (torsh, ms, opts[1], to_torsh(x))):
            opt.zero_grad()
            (m(xi) ** 2).mean().backward()
            opt.step()
    close(ms.weight, mt.weight, 1e-4)
    for (n, pt), (_, ps) in zip(mt.named_parameters(), ms.named_parameters()):
        close(ps, pt, 1e-4)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 3), name="bias"),
    lambda lib: lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 3), name="nothing"),
    lambda lib: lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 3), "weight", "qr"),
    lambda lib: setattr(lib.nn.utils.parametrizations.orthogonal(
        lib.nn.Linear(3, 3), use_trivialization=False), "weight", lib.eye(3)),
    lambda lib: setattr(lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 3)), "weight",
                        lib.ones(2, 2)),
])
def test_orthogonal_errors_match_torch(call):
    raises_like(lambda: call(torch), lambda: call(torsh))
