"""CPU autocast (torch.autocast("cpu"), torch.cpu.amp.autocast) against torch 1.13: the dtype
every listed op returns for float32, bfloat16 and float64 arguments, values to bfloat16
rounding, a training step's loss and gradients, the per-thread state, nesting, the decorator,
the weight-cast cache, and no wrapper left behind outside autocast."""
import threading

import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(0)
A = rng.standard_normal((4, 4)).astype(np.float32)
B = rng.standard_normal((4, 4)).astype(np.float32)
A3 = rng.standard_normal((2, 4, 4)).astype(np.float32)
X4 = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
W4 = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
X5 = rng.standard_normal((1, 2, 4, 4, 4)).astype(np.float32)
X3 = rng.standard_normal((2, 3, 8)).astype(np.float32)
SPD = (A @ A.T + 4 * np.eye(4)).astype(np.float32)
P = (1 / (1 + np.exp(-A))).astype(np.float32)


def t(L, a, d):
    return L.tensor(a).to(getattr(L, d))


# name -> fn(L, d): the op under autocast with floating arguments of dtype d
OPS = {
    # lower precision
    "F.linear": lambda L, d: L.nn.functional.linear(t(L, A, d), t(L, B, d), t(L, A[0], d)),
    "mm": lambda L, d: L.mm(t(L, A, d), t(L, B, d)),
    "matmul": lambda L, d: L.matmul(t(L, A, d), t(L, B, d)),
    "@": lambda L, d: t(L, A, d) @ t(L, B, d),
    "Tensor.mm": lambda L, d: t(L, A, d).mm(t(L, B, d)),
    "Tensor.matmul": lambda L, d: t(L, A, d).matmul(t(L, B, d)),
    "bmm": lambda L, d: L.bmm(t(L, A3, d), t(L, A3, d)),
    "addmm": lambda L, d: L.addmm(t(L, A, d), t(L, A, d), t(L, B, d)),
    "baddbmm": lambda L, d: L.baddbmm(t(L, A3, d), t(L, A3, d), t(L, A3, d)),
    "addbmm": lambda L, d: L.addbmm(t(L, A, d), t(L, A3, d), t(L, A3, d)),
    "conv1d": lambda L, d: L.nn.functional.conv1d(t(L, X3, d), t(L, W4[:2, :, 0], d)),
    "conv2d": lambda L, d: L.nn.functional.conv2d(t(L, X4, d), t(L, W4, d)),
    "torch.conv2d": lambda L, d: L.conv2d(t(L, X4, d), t(L, W4, d)),
    "conv3d": lambda L, d: L.nn.functional.conv3d(t(L, X5, d), t(L, X5[0, :, :3, :3, :3][None].repeat(2, 0), d)),
    "einsum": lambda L, d: L.einsum("ij,jk->ik", t(L, A, d), t(L, B, d)),
    "tensordot": lambda L, d: L.tensordot(t(L, A, d), t(L, B, d), 1),
    "multi_dot": lambda L, d: L.linalg.multi_dot([t(L, A, d), t(L, B, d), t(L, A, d)]),
    # float32
    "mse_loss": lambda L, d: L.nn.functional.mse_loss(t(L, A, d), t(L, B, d)),
    "l1_loss": lambda L, d: L.nn.functional.l1_loss(t(L, A, d), t(L, B, d)),
    "cross_entropy": lambda L, d: L.nn.functional.cross_entropy(t(L, A, d), L.tensor([0, 1, 2, 3])),
    "nll_loss": lambda L, d: L.nn.functional.nll_loss(t(L, A, d), L.tensor([0, 1, 2, 3])),
    "bce": lambda L, d: L.nn.functional.binary_cross_entropy(t(L, P, d), t(L, P.T.copy(), d)),
    "bce_logits": lambda L, d: L.nn.functional.binary_cross_entropy_with_logits(t(L, A, d), t(L, P, d)),
    "smooth_l1": lambda L, d: L.nn.functional.smooth_l1_loss(t(L, A, d), t(L, B, d)),
    "huber": lambda L, d: L.nn.functional.huber_loss(t(L, A, d), t(L, B, d)),
    "kl_div": lambda L, d: L.nn.functional.kl_div(t(L, A, d), t(L, P, d), reduction="batchmean"),
    "soft_margin": lambda L, d: L.nn.functional.soft_margin_loss(t(L, A, d), t(L, B, d)),
    "margin_ranking": lambda L, d: L.nn.functional.margin_ranking_loss(t(L, A[0], d), t(L, B[0], d), L.ones(4)),
    "poisson_nll": lambda L, d: L.nn.functional.poisson_nll_loss(t(L, A, d), t(L, P, d)),
    "cosine_embedding": lambda L, d: L.nn.functional.cosine_embedding_loss(t(L, A, d), t(L, B, d), L.ones(4)),
    "hinge": lambda L, d: L.nn.functional.hinge_embedding_loss(t(L, A, d), L.ones(4, 4)),
    "triplet": lambda L, d: L.nn.functional.triplet_margin_loss(t(L, A, d), t(L, B, d), t(L, P, d)),
    "multi_margin": lambda L, d: L.nn.functional.multi_margin_loss(t(L, A, d), L.tensor([0, 1, 2, 3])),
    "conv_transpose1d": lambda L, d: L.nn.functional.conv_transpose1d(t(L, X3, d), t(L, W4[:3, :2, 0], d)),
    "conv_transpose2d_f32": lambda L, d: L.nn.functional.conv_transpose2d(t(L, X4, d), t(L, W4.transpose(1, 0, 2, 3).copy(), d)),
    "avg_pool3d": lambda L, d: L.nn.functional.avg_pool3d(t(L, X5, d), 2),
    "max_pool3d": lambda L, d: L.nn.functional.max_pool3d(t(L, X5, d), 2),
    "adaptive_avg_pool3d": lambda L, d: L.nn.functional.adaptive_avg_pool3d(t(L, X5, d), 2),
    "pad_reflect": lambda L, d: L.nn.functional.pad(t(L, X3, d), (1, 1), mode="reflect"),
    "pad_replicate": lambda L, d: L.nn.functional.pad(t(L, X4, d), (1, 1, 1, 1), mode="replicate"),
    "pad_constant": lambda L, d: L.nn.functional.pad(t(L, X3, d), (1, 1)),
    "grid_sample": lambda L, d: L.nn.functional.grid_sample(t(L, X4, d), t(L, X4[:, :2].transpose(0, 2, 3, 1) / 3, d), align_corners=False),
    "prod": lambda L, d: t(L, A, d).prod(),
    "cdist": lambda L, d: L.cdist(t(L, A, d), t(L, B, d)),
    "trace": lambda L, d: L.trace(t(L, A, d)),
    "inverse": lambda L, d: L.inverse(t(L, SPD, d)),
    "linalg.inv": lambda L, d: L.linalg.inv(t(L, SPD, d)),
    "linalg.solve": lambda L, d: L.linalg.solve(t(L, SPD, d), t(L, B, d)),
    "linalg.cholesky": lambda L, d: L.linalg.cholesky(t(L, SPD, d)),
    "linalg.qr": lambda L, d: L.linalg.qr(t(L, A, d))[1],
    "quantile": lambda L, d: L.quantile(t(L, A, d), 0.5),
    "fft.rfft": lambda L, d: L.fft.rfft(t(L, A, d)).real,
    "linalg.svd": lambda L, d: L.linalg.svd(t(L, A, d))[1],
    "linalg.eigh": lambda L, d: L.linalg.eigh(t(L, SPD, d))[0],
    # the widest type
    "cat": lambda L, d: L.cat([t(L, A, d), L.tensor(B)]),
    "stack": lambda L, d: L.stack([t(L, A, d), L.tensor(B)]),
    # not in any list: unchanged
    "relu": lambda L, d: L.nn.functional.relu(t(L, A, d)),
    "softmax": lambda L, d: L.softmax(t(L, A, d), 1),
    "layer_norm": lambda L, d: L.nn.functional.layer_norm(t(L, A, d), (4,)),
    "add": lambda L, d: t(L, A, d) + L.tensor(B),
    "sum": lambda L, d: t(L, A, d).sum(),
}


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float64"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_op_under_autocast(name, dtype):
    if name == "conv_transpose2d_f32" and dtype == "bfloat16":
        pytest.skip("torch 1.13's bfloat16 conv_transpose2d checks the wrong channel count")
    outs = []
    for L in (torch, torsh):
        with L.autocast("cpu"):
            outs.append(OPS[name](L, dtype))
    a, b = outs
    record(f"autocast {name} {dtype}")
    assert str(b.dtype) == str(a.dtype), (name, dtype, a.dtype, b.dtype)
    tol = 1e-5 if a.dtype == torch.float64 else 3e-2
    np.testing.assert_allclose(b.float().numpy(), a.float().numpy(), rtol=tol, atol=tol)


def _train_step(L):
    L.manual_seed(0)
    m = L.nn.Sequential(L.nn.Conv2d(3, 4, 3), L.nn.ReLU(), L.nn.MaxPool2d(2), L.nn.Flatten(),
                        L.nn.Linear(36, 10))
    opt = L.optim.SGD(m.parameters(), lr=0.1)
    x = L.tensor(X4[:, :, :8, :8])
    y = L.tensor([3, 7])
    with L.autocast("cpu", dtype=L.bfloat16):
        out = m(x)
        loss = L.nn.functional.cross_entropy(out, y)
    dtypes = (out.dtype, loss.dtype)
    loss.backward()
    grads = [p.grad.clone() for p in m.parameters()]
    opt.step()
    return dtypes, loss.item(), grads, [p.detach().clone() for p in m.parameters()]


def test_training_step_matches_torch():
    (dt, lt, gt, pt), (ds, ls, gs, ps) = _train_step(torch), _train_step(torsh)
    record("autocast training step")
    assert [str(v) for v in ds] == [str(v) for v in dt] == ["torch.bfloat16", "torch.float32"]
    assert abs(ls - lt) < 2e-2 * max(1.0, abs(lt))
    for a, b in zip(gt, gs):
        assert str(b.dtype) == str(a.dtype) == "torch.float32"
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=5e-2, atol=5e-2)
    for a, b in zip(pt, ps):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-2, atol=1e-2)


def test_state_is_per_thread_and_nests():
    for L in (torch, torsh):
        seen = []
        with L.autocast("cpu"):
            th = threading.Thread(target=lambda: seen.append(
                (L.is_autocast_cpu_enabled(), (L.ones(2, 2) @ L.ones(2, 2)).dtype)))
            th.start()
            th.join()
            inner = (L.ones(2, 2) @ L.ones(2, 2)).dtype
            with L.autocast("cpu", enabled=False):
                off = (L.ones(2, 2) @ L.ones(2, 2)).dtype, L.is_autocast_cpu_enabled()
            back = (L.ones(2, 2) @ L.ones(2, 2)).dtype
        after = (L.ones(2, 2) @ L.ones(2, 2)).dtype, L.is_autocast_cpu_enabled()
        record(f"autocast threads {L.__name__}")
        assert str(seen[0][1]) == "torch.float32" and seen[0][0] is False
        assert str(inner) == str(back) == "torch.bfloat16"
        assert str(off[0]) == "torch.float32" and off[1] is False
        assert str(after[0]) == "torch.float32" and after[1] is False


def test_decorator_and_cpu_amp_spelling():
    for L in (torch, torsh):
        @L.autocast("cpu")
        def f(a, b):
            return a @ b

        @L.cpu.amp.autocast()
        def g(a, b):
            return L.mm(a, b)
        assert str(f(L.ones(2, 2), L.ones(2, 2)).dtype) == "torch.bfloat16"
        assert str(g(L.ones(2, 2), L.ones(2, 2)).dtype) == "torch.bfloat16"
        assert not L.is_autocast_cpu_enabled()


def test_no_wrappers_outside_autocast():
    names = [(torsh, "mm"), (torsh.nn.functional, "linear"), (torsh.nn.functional, "pad"),
             (torsh.nn.functional, "cross_entropy"), (torsh, "cat")]
    before = [getattr(o, n) for o, n in names]
    before_mm = torsh.Tensor.__dict__["__matmul__"]
    with torsh.autocast("cpu"):
        assert torsh.mm is not before[0]
    assert [getattr(o, n) for o, n in names] == before
    assert torsh.Tensor.__dict__["__matmul__"] is before_mm


def test_weight_cast_cache():
    """Within one region a weight's bfloat16 copy is made once (torch's cache); the gradient
    reaches the float32 weight through every use; leaving the region drops the copy."""
    w = torsh.ones(3, 3, requires_grad=True)
    x = torsh.ones(2, 3)
    with torsh.autocast("cpu"):
        y = torsh.nn.functional.linear(x, w) + torsh.nn.functional.linear(x, w)
        first = torsh.amp._cpu_autocast._cache().get(id(w))
        assert first is not None and first[1].dtype == torsh.bfloat16
    y.sum().backward()
    assert w.grad.dtype == torsh.float32
    np.testing.assert_array_equal(w.grad.numpy(), np.full((3, 3), 4.0, np.float32))
    assert torsh.amp._cpu_autocast._cache() == {}


def test_modules_calling_linear_directly():
    """Attention, transformer and recurrent modules reach torch.linear without F: cast too."""
    outs = []
    for L in (torch, torsh):
        L.manual_seed(0)
        x = L.tensor(A3[:, :, :4].copy()).float()
        mha = L.nn.MultiheadAttention(4, 1)
        enc = L.nn.TransformerEncoderLayer(4, 1, 8)
        cell = L.nn.RNNCell(4, 4)
        with L.autocast("cpu"):
            outs.append([str(mha(x, x, x)[0].dtype), str(enc(x).dtype), str(cell(x[0]).dtype)])
    record("autocast modules")
    assert outs[0] == outs[1], outs
