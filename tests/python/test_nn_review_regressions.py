"""Regressions from the review of the convolution/pooling/normalisation ops, checked against
torch: transposed convolutions whose output_padding reaches past the stride (values and
gradients), inconsistent sizes given to the backward ops (an error, never a read past a
buffer), avg_pool1d's argument lengths, batch_norm on an empty batch, and the dtypes torch 1.13
refuses."""
import numpy as np
import pytest
import torch

import torsh

AVG_POOL2D = {torch: torch._C._nn.avg_pool2d, torsh: torsh.avg_pool2d}  # where each keeps it


def pair(shape, seed):
    x = torch.from_numpy(np.random.RandomState(seed).randn(*shape)).requires_grad_()
    return x, torsh.from_numpy(x.detach().numpy().copy()).requires_grad_()


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("op", [1, 2])
def test_conv_transpose_output_padding_past_stride(k, op):
    (xt, xs), (wt, ws) = pair((2, 2, 4), 0), pair((2, 3, k), 1)
    kw = dict(stride=1, dilation=3, output_padding=op)
    yt = torch.nn.functional.conv_transpose1d(xt, wt, **kw)
    ys = torsh.nn.functional.conv_transpose1d(xs, ws, **kw)
    np.testing.assert_allclose(ys.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.RandomState(2).randn(*yt.shape)
    yt.backward(torch.from_numpy(g))
    ys.backward(torsh.from_numpy(g))
    np.testing.assert_allclose(xs.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ws.grad.numpy(), wt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: torsh.convolution_backward_input(torsh.ones(1, 2, 5, 5), torsh.ones(2, 1, 1, 1),
                                             [1, 1, 3, 3], [1], [0], [1], False, 1),
    lambda: torsh.convolution_backward_input(torsh.ones(1, 2, 3, 3), torsh.ones(2, 1, 3, 3),
                                             [4, 1, 5, 5], [1], [0], [1], False, 1),
    lambda: torsh.convolution_backward_weight(torsh.ones(1, 2, 3, 3), torsh.ones(1, 1, 5, 5),
                                              [2, 4, 3, 3], [1], [0], [1], False, 1),
    lambda: torsh._C._adaptive_avg_pool2d_backward(torsh.ones(4, 3, 2, 2),
                                                   torsh.ones(1, 3, 8, 8)),
])
def test_backward_ops_refuse_inconsistent_sizes(call):
    with pytest.raises(RuntimeError):
        call()


@pytest.mark.parametrize("kw", [dict(padding=()), dict(stride=(1, 1)), dict(padding=(1, 1))])
def test_avg_pool1d_argument_lengths_like_torch(kw):
    msgs = []
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError) as e:
            lib.avg_pool1d(lib.ones(1, 1, 4), 2, **kw)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_batch_norm_empty_batch_keeps_running_stats():
    for lib in (torch, torsh):
        m = lib.nn.BatchNorm2d(3)
        out = m(lib.empty(0, 3, 4, 4))
        assert tuple(out.shape) == (0, 3, 4, 4)
        assert m.running_mean.tolist() == [0.0, 0.0, 0.0]
        assert m.running_var.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("call", [
    lambda L: L.conv2d(L.ones(1, 1, 4, 4, dtype=L.float16), L.ones(1, 1, 3, 3, dtype=L.float16)),
    lambda L: AVG_POOL2D[L](L.ones(1, 1, 4, 4, dtype=L.int32), 2),
])
def test_dtypes_torch_refuses_raise(call):
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError):
            call(lib)


def test_int64_avg_pool_truncates_like_torch():
    x = torch.arange(-8, 8).view(1, 1, 4, 4) * 7
    np.testing.assert_array_equal(torsh.avg_pool2d(torsh.from_numpy(x.numpy()), 3, 1, 1).numpy(),
                                  torch._C._nn.avg_pool2d(x, 3, 1, 1).numpy())


# found by the fuzzer (tests/fuzz, seeds 20261129-20261131) on the new nn ops
@pytest.mark.parametrize("factor", [1 << 40, 1 << 62])
def test_pixel_shuffle_huge_factor_raises_instead_of_crashing(factor):
    with pytest.raises(RuntimeError):
        torsh.pixel_shuffle(torsh.zeros(5, 1, 2, dtype=torsh.int32), factor)


def test_loss_dtypes_follow_torch():
    x = torch.tensor([[0, 3, 1], [2, 0, 5]], dtype=torch.uint8)
    t = torch.tensor([[1, -1, -1], [-1, 1, -1]])
    a = torch.hinge_embedding_loss(x, t, 1.0, 0)
    b = torsh.hinge_embedding_loss(torsh.from_numpy(x.numpy()), torsh.from_numpy(t.numpy()), 1.0, 0)
    assert str(a.dtype) == repr(b.dtype)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    xi = torch.randn(3, 4).bfloat16()
    ti = torch.randint(0, 4, (3, 4), dtype=torch.int16)
    a = torch.poisson_nll_loss(xi, ti, True, True, 1e-8, 0)
    b = torsh.poisson_nll_loss(torsh.from_numpy(xi.float().numpy()).bfloat16(),
                               torsh.from_numpy(ti.numpy()), True, True, 1e-8, 0)
    assert str(a.dtype) == repr(b.dtype)
    np.testing.assert_allclose(b.float().numpy(), a.float().numpy(), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("eps", [-1.278, 1e-8, 3.0, float("nan")])
def test_cosine_similarity_eps_like_torch(eps):
    x1, x2 = torch.tensor([[0.7, 0.1], [1e-9, 0.0]]), torch.tensor([[2.0, 0.3], [1.0, 1.0]])
    a = torch.cosine_similarity(x1, x2, 1, eps)
    b = torsh.cosine_similarity(torsh.from_numpy(x1.numpy()), torsh.from_numpy(x2.numpy()), 1, eps)
    np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6, equal_nan=True)
    a0 = torch.cosine_similarity(torch.tensor([1.0, 2.0]), torch.tensor(3.0, dtype=torch.float64), 0)
    b0 = torsh.cosine_similarity(torsh.tensor([1.0, 2.0]), torsh.tensor(3.0, dtype=torsh.float64), 0)
    assert str(a0.dtype) == repr(b0.dtype)
