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
