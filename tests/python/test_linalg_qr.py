"""torsh.linalg.qr (and the legacy torch.qr / Tensor.qr) against torch: every mode, batches,
empty and wide/tall matrices, float and double (LAPACK's geqrf + orgqr, as torch: the same
bits), the errors; nn.init.orthogonal_ built on it gives torch's weights from the same seed."""
import numpy as np
import pytest
import torch

import torsh
from nn_pairs import raises_like, to_torsh


def same(b, a):
    assert tuple(b.shape) == tuple(a.shape) and str(b.dtype) == str(a.dtype)
    np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-5 if a.dtype == torch.float32 else
                               1e-12, atol=1e-6 if a.dtype == torch.float32 else 1e-13)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 6, 2), (1, 1), (0, 3), (3, 0),
                                   (2, 0, 4, 4)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_qr_matches_torch(shape, mode, dtype):
    a = torch.randn(shape, dtype=dtype, generator=torch.Generator().manual_seed(1))
    qa, ra = torch.linalg.qr(a, mode)
    qb, rb = torsh.linalg.qr(to_torsh(a), mode)
    same(qb, qa)
    same(rb, ra)
    if mode != "r" and a.numel():
        recon = torsh.matmul(qb, rb)
        np.testing.assert_allclose(recon.numpy(), a.numpy(), atol=1e-5)


def test_qr_results_and_legacy_forms():
    a = torch.randn(4, 3, dtype=torch.float64)
    res = torsh.linalg.qr(to_torsh(a))
    assert type(res).__name__ == "linalg_qr" and res.Q.shape == (4, 3) and res.R.shape == (3, 3)
    for some, mode in ((True, "reduced"), (False, "complete")):
        qa, ra = torch.qr(a, some)
        legacy = torsh.qr(to_torsh(a), some)
        assert type(legacy).__name__ == "qr"
        same(legacy.Q, qa)
        same(legacy.R, ra)
        same(to_torsh(a).qr(some).R, ra)
    q, r = torsh.empty(0, dtype=torsh.float64), torsh.empty(0, dtype=torsh.float64)
    out = torsh.linalg.qr(to_torsh(a), out=(q, r))
    assert out.Q is q and out.R is r
    same(q, torch.linalg.qr(a).Q)


@pytest.mark.parametrize("call", [
    lambda lib, t: lib.linalg.qr(t(torch.randn(3))),
    lambda lib, t: lib.linalg.qr(t(torch.ones(3, 3, dtype=torch.long))),
    lambda lib, t: lib.linalg.qr(t(torch.randn(3, 3)), mode="full"),
    lambda lib, t: lib.linalg.qr(t(torch.randn(3, 3)), 4),
    lambda lib, t: lib.qr(t(torch.randn(3, 3)), 4),
    lambda lib, t: t(torch.randn(3, 3)).qr(1),
    lambda lib, t: lib.linalg.qr(t(torch.randn(3, 3, dtype=torch.float64)),
                                 out=(lib.empty(0), lib.empty(0))),
])
def test_qr_errors_match_torch(call):
    raises_like(lambda: call(torch, lambda v: v), lambda: call(torsh, to_torsh))


def _qr_loss(lib, a, mode, use):
    q, r = lib.linalg.qr(a, mode)
    wq = lib.linspace(-1, 1, q.numel(), dtype=a.dtype).reshape(q.shape)
    wr = lib.linspace(0.5, 2, r.numel(), dtype=a.dtype).reshape(r.shape)
    return ((q * wq).sum() if "Q" in use else 0) + ((r * wr).sum() if "R" in use else 0)


@pytest.mark.parametrize("shape", [(5, 3), (4, 4), (3, 5), (2, 4, 3), (2, 3, 6), (1, 1)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
@pytest.mark.parametrize("use", ["QR", "Q", "R"])
def test_qr_backward_matches_torch(shape, mode, use):
    if mode == "complete" and shape[-2] > shape[-1]:
        pytest.skip("not differentiable (checked in test_qr_backward_errors)")
    a = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    ta = a.clone().requires_grad_()
    _qr_loss(torch, ta, mode, use).backward()
    sa = to_torsh(a).requires_grad_()
    _qr_loss(torsh, sa, mode, use).backward()
    same(sa.grad, ta.grad)


def test_qr_gradcheck_and_gradgradcheck():
    a = torsh.randn(4, 3, dtype=torsh.float64, requires_grad=True)
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.qr(x), (a,))
    assert torsh.autograd.gradgradcheck(lambda x: torsh.linalg.qr(x), (a,))
    w = torsh.randn(3, 5, dtype=torsh.float64, requires_grad=True)
    assert torsh.autograd.gradcheck(lambda x: torsh.linalg.qr(x, "complete"), (w,))


@pytest.mark.parametrize("mode,shape", [("r", (4, 3)), ("complete", (5, 3))])
def test_qr_backward_errors(mode, shape):
    def run(lib, t):
        a = t(torch.randn(shape, dtype=torch.float64)).requires_grad_()
        q, r = lib.linalg.qr(a, mode)
        r.sum().backward()
    raises_like(lambda: run(torch, lambda v: v), lambda: run(torsh, to_torsh))


@pytest.mark.parametrize("shape,gain", [((6, 4), 1), ((4, 6), 1), ((3, 2, 5), 2.0), ((8, 8), 0.5)])
def test_orthogonal_init_matches_torch(shape, gain):
    torch.manual_seed(3)
    ta = torch.nn.init.orthogonal_(torch.empty(shape), gain=gain)
    torsh.manual_seed(3)
    tb = torsh.nn.init.orthogonal_(torsh.empty(shape), gain=gain)
    np.testing.assert_allclose(tb.numpy(), ta.numpy(), rtol=1e-6, atol=1e-7)
    torch.manual_seed(4)
    la = torch.nn.LSTM(3, 4)
    torsh.manual_seed(4)
    lb = torsh.nn.LSTM(3, 4)
    for (name, pa), (_, pb) in zip(la.named_parameters(), lb.named_parameters()):
        if name.startswith("bias"):
            continue
        torch.nn.init.orthogonal_(pa)
        torsh.nn.init.orthogonal_(pb)
        np.testing.assert_allclose(pb.detach().numpy(), pa.detach().numpy(), rtol=1e-6, atol=1e-7)
