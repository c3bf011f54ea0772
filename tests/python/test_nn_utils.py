"""torsh.nn.utils against torch.nn.utils 1.13: gradient clipping (returned norm and scaled
gradients, every norm type) and parameter/vector conversion."""
import numpy as np
import pytest
import torch

import torsh


def model_with_grads(lib, scale):
    lib.manual_seed(3)
    m = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2))
    lib.manual_seed(4)
    (m(lib.randn(6, 4)) * scale).sum().backward()
    return m


def grads(m):
    return [p.grad.detach().numpy().copy() for p in m.parameters()]


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, float("inf")])
@pytest.mark.parametrize("max_norm", [0.1, 1e6])
def test_clip_grad_norm(norm_type, max_norm):
    mt, ms = model_with_grads(torch, 10.0), model_with_grads(torsh, 10.0)
    nt = torch.nn.utils.clip_grad_norm_(mt.parameters(), max_norm, norm_type)
    ns = torsh.nn.utils.clip_grad_norm_(ms.parameters(), max_norm, norm_type)
    np.testing.assert_allclose(ns.item(), nt.item(), rtol=1e-5)
    for a, b in zip(grads(mt), grads(ms)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_edges():
    # no gradients: a zero norm; one tensor instead of a list; a non-finite norm
    assert torsh.nn.utils.clip_grad_norm_([torsh.ones(2, requires_grad=True)], 1.0).item() == 0
    p = torsh.ones(3, requires_grad=True)
    (p * torsh.tensor([3.0, 4.0, 0.0])).sum().backward()
    assert torsh.nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), np.array([3, 4, 0]) / (5 + 1e-6), rtol=1e-6)
    q = torsh.ones(2, requires_grad=True)
    (q * float("inf")).sum().backward()
    with pytest.raises(RuntimeError):
        torsh.nn.utils.clip_grad_norm_([q], 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    mt, ms = model_with_grads(torch, 10.0), model_with_grads(torsh, 10.0)
    torch.nn.utils.clip_grad_value_(mt.parameters(), 0.5)
    torsh.nn.utils.clip_grad_value_(ms.parameters(), 0.5)
    for a, b in zip(grads(mt), grads(ms)):  # tanh's last bit differs before the clamp
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)
        assert np.abs(b).max() <= 0.5


def test_parameters_to_vector_and_back():
    mt, ms = model_with_grads(torch, 1.0), model_with_grads(torsh, 1.0)
    vt = torch.nn.utils.parameters_to_vector(mt.parameters())
    vs = torsh.nn.utils.parameters_to_vector(ms.parameters())
    np.testing.assert_array_equal(vs.detach().numpy(), vt.detach().numpy())
    new = np.arange(vt.numel(), dtype=np.float32)
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new), mt.parameters())
    torsh.nn.utils.vector_to_parameters(torsh.from_numpy(new), ms.parameters())
    for a, b in zip(mt.parameters(), ms.parameters()):
        np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
        assert type(b).__name__ == "Parameter" and b.requires_grad
    with pytest.raises(TypeError):
        torsh.nn.utils.vector_to_parameters([1.0], ms.parameters())
