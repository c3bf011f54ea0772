"""torsh.nn max unpooling (F.max_unpool1d/2d/3d, MaxUnpool1d/2d/3d), channel shuffle
(F.channel_shuffle, nn.ChannelShuffle), CrossMapLRN2d, NLLLoss2d and F.selu_/celu_ against
torch 1.13: values, gradients, reprs and the exceptions for bad arguments."""
import pytest
import torch
import torch.nn.functional as TF

import torsh
from fn_pairs import Fixed, randn, run_fn, same_warnings
from nn_pairs import raises_like, to_torsh
from torsh import nn
from torsh.nn import functional as F

F64 = dict(rtol=1e-7, atol=1e-9)


def pooled(nd, shape, **kw):
    x = randn(*shape, seed=nd)
    pool = getattr(TF, "max_pool{}d".format(nd))
    y, idx = pool(x, return_indices=True, **kw)
    return y.detach(), idx


@pytest.mark.parametrize("nd,shape,kw,extra", [
    (1, (2, 3, 8), dict(kernel_size=2), {}),
    (1, (3, 8), dict(kernel_size=3, stride=2, padding=1), dict(output_size=[8])),
    (1, (2, 3, 9), dict(kernel_size=2), dict(output_size=[9])),
    (2, (2, 3, 6, 8), dict(kernel_size=2), {}),
    (2, (3, 5, 5), dict(kernel_size=3, stride=2, padding=1), {}),
    (2, (2, 3, 6, 7), dict(kernel_size=2), dict(output_size=(2, 3, 6, 7))),
    (3, (1, 2, 4, 6, 6), dict(kernel_size=2), {}),
    (3, (2, 4, 4, 5), dict(kernel_size=(2, 2, 3), stride=(2, 1, 2)), dict(output_size=[4, 4, 5])),
])
def test_max_unpool_matches_torch(nd, shape, kw, extra):
    y, idx = pooled(nd, shape, **kw)
    name = "max_unpool{}d".format(nd)
    fa = lambda v, i: getattr(TF, name)(v, i, kw["kernel_size"], kw.get("stride"),  # noqa: E731
                                         kw.get("padding", 0), **extra)
    fb = lambda v, i: getattr(F, name)(v, i, kw["kernel_size"], kw.get("stride"),  # noqa: E731
                                        kw.get("padding", 0), **extra)
    run_fn(fa, fb, y, Fixed(idx), **F64)
    ma = getattr(torch.nn, "MaxUnpool{}d".format(nd))(kw["kernel_size"], kw.get("stride"),
                                                      kw.get("padding", 0))
    mb = getattr(nn, "MaxUnpool{}d".format(nd))(kw["kernel_size"], kw.get("stride"),
                                               kw.get("padding", 0))
    assert repr(mb) == repr(ma)
    out_a = ma(y, idx, **extra)
    out_b = mb(to_torsh(y), to_torsh(idx), **extra)
    assert out_b.tolist() == out_a.tolist()


@pytest.mark.parametrize("call", [
    lambda F, t: F.max_unpool2d(t(randn(1, 2, 3, 3)), t(torch.zeros(1, 2, 3, 3, dtype=torch.long)),
                                2, output_size=[9, 9]),
    lambda F, t: F.max_unpool2d(t(randn(1, 2, 3, 3)), t(torch.zeros(1, 2, 3, 3, dtype=torch.long)),
                                2, output_size=[6]),
    lambda F, t: F.max_unpool2d(t(randn(1, 2, 3, 3)), t(torch.full((1, 2, 3, 3), 99)), 2),
    lambda F, t: F.max_unpool2d(t(randn(1, 2, 3, 3)), t(torch.zeros(1, 2, 3, 3, dtype=torch.int32)),
                                2),
    lambda F, t: F.max_unpool2d(t(randn(1, 2, 3, 3)), t(torch.zeros(1, 2, 3, 2, dtype=torch.long)),
                                2),
    lambda F, t: F.max_unpool3d(t(randn(2, 3, 3)), t(torch.zeros(2, 3, 3, dtype=torch.long)), 2),
    lambda F, t: F.channel_shuffle(t(randn(1, 4, 2, 2)), 3),
    lambda F, t: F.channel_shuffle(t(randn(1, 4, 2, 2)), 0),
    lambda F, t: F.channel_shuffle(t(randn(4, 2)), 2),
])
def test_bad_arguments_raise_like_torch(call):
    raises_like(lambda: call(TF, lambda v: v), lambda: call(F, to_torsh))


@pytest.mark.parametrize("shape,groups", [((1, 4, 2, 2), 2), ((2, 6, 3), 3), ((2, 6, 2, 1, 2), 2),
                                          ((3, 5, 4), 1)])
def test_channel_shuffle_matches_torch(shape, groups):
    x = randn(*shape, seed=7)
    ya = TF.channel_shuffle(x, groups)
    yb = F.channel_shuffle(to_torsh(x), groups)
    assert yb.tolist() == ya.tolist()
    ma, mb = torch.nn.ChannelShuffle(groups), nn.ChannelShuffle(groups)
    assert repr(mb) == repr(ma)
    assert mb(to_torsh(x)).tolist() == ma(x).tolist()
    # torch 1.13's op has no backward; torsh's is the permutation's adjoint: y[j] = x[p(j)] so
    # the gradient at p(j) is g[j], i.e. shuffling the gradient gives g back
    xb = to_torsh(x).requires_grad_()
    g = torsh.arange(float(x.numel()), dtype=torsh.float64).reshape(shape)
    (F.channel_shuffle(xb, groups) * g).sum().backward()
    assert F.channel_shuffle(xb.grad, groups).tolist() == g.tolist()


@pytest.mark.parametrize("size,shape", [(3, (2, 5, 3, 3)), (5, (1, 7, 2, 4)), (2, (2, 3, 2, 2)),
                                        (9, (1, 4, 3, 3))])
def test_cross_map_lrn2d_forward_matches_torch(size, shape):
    ma = torch.nn.CrossMapLRN2d(size, alpha=1e-2, beta=0.75, k=1)
    mb = nn.CrossMapLRN2d(size, alpha=1e-2, beta=0.75, k=1)
    assert repr(mb) == repr(ma)
    x = randn(*shape, seed=size)
    torch.testing.assert_close(torch.from_numpy(mb(to_torsh(x)).numpy()), ma(x))
    with pytest.raises(AssertionError):
        mb(to_torsh(randn(2, 3, 4)))


def test_nll_loss_2d_warns_and_matches():
    same_warnings(lambda: torch.nn.NLLLoss2d(), lambda: nn.NLLLoss2d())
    x = torch.log_softmax(randn(2, 3, 4, 4), 1)
    t = torch.randint(0, 3, (2, 4, 4), generator=torch.Generator().manual_seed(0))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ma, mb = torch.nn.NLLLoss2d(), nn.NLLLoss2d()
    assert isinstance(mb, nn.NLLLoss)
    assert abs(mb(to_torsh(x), to_torsh(t)).item() - ma(x, t).item()) < 1e-12


@pytest.mark.parametrize("name,args", [("selu_", ()), ("celu_", (0.7,))])
def test_inplace_functional_activations(name, args):
    x = randn(3, 4, seed=2)
    xa, xb = x.clone(), to_torsh(x)
    ra = getattr(TF, name)(xa, *args)
    rb = getattr(F, name)(xb, *args)
    assert rb is xb and ra is xa
    torch.testing.assert_close(torch.from_numpy(xb.numpy()), xa)
