"""unbind, split, split_with_sizes and chunk return views that share one backward node, as in
torch (UnbindBackward0, SplitBackward0, SplitWithSizesBackward0): the node names, gradients with
some pieces unused, second derivatives, integer inputs, and torch's error for an in-place change
of one of the views while it is recorded."""
import numpy as np
import pytest
import torch

import torsh


def both(seed=0, shape=(6, 4)):
    a = np.random.default_rng(seed).normal(size=shape)
    return (torch.tensor(a, requires_grad=True), torsh.tensor(a, requires_grad=True))


CASES = {
    "unbind0": lambda t: t.unbind(0),
    "unbind1": lambda t: t.unbind(1),
    "split2": lambda t: t.split(2),
    "split4_dim1": lambda t: t.split(3, 1),
    "split_sizes": lambda t: t.split([1, 0, 5]),
    "chunk3_dim1": lambda t: t.chunk(3, 1),
    "chunk4": lambda t: t.chunk(4),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pieces_gradients_and_node_names(name):
    xa, xb = both()
    pa, pb = CASES[name](xa), CASES[name](xb)
    assert [p.grad_fn.name() for p in pb] == [p.grad_fn.name() for p in pa]
    assert all(p._base is xa for p in pa) and len(pa) == len(pb)
    # some pieces unused, one used twice, one through a nonlinearity
    la = (pa[0] * 3).sum() + (pa[-1] ** 2).sum() + pa[-1].sin().sum()
    lb = (pb[0] * 3).sum() + (pb[-1] ** 2).sum() + pb[-1].sin().sum()
    la.backward()
    lb.backward()
    np.testing.assert_allclose(xb.grad.numpy(), xa.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["unbind0", "split_sizes", "chunk3_dim1"])
def test_second_derivative(name):
    _, xb = both(1, (6, 3))
    f = CASES[name]

    def fn(x):
        pieces = f(x)
        return sum(((p ** 3) * (i + 1)).sum() for i, p in enumerate(pieces))

    assert torsh.autograd.gradcheck(fn, (xb,))
    assert torsh.autograd.gradgradcheck(fn, (xb,))


def test_integer_and_no_grad_inputs_are_plain_views():
    for lib in (torch, torsh):
        n = lib.arange(6).reshape(2, 3)
        parts = n.unbind(0)
        assert parts[1].grad_fn is None and parts[1].tolist() == [3, 4, 5]
        parts[1].add_(10)  # a view: the base changes
        assert n.tolist() == [[0, 1, 2], [13, 14, 15]]


def test_in_place_on_a_recorded_view_raises_as_torch():
    for lib in (torch, torsh):
        x = lib.randn(4, 3, requires_grad=True)
        y = x * 1
        with pytest.raises(RuntimeError, match="Output 1 of UnbindBackward0 is a view and is "
                                               "being modified inplace"):
            y.unbind(0)[1].mul_(2)
        with pytest.raises(RuntimeError, match="Output 0 of SplitBackward0 is a view"):
            y.chunk(2)[0].zero_()
        with lib.no_grad():
            y.unbind(0)[2].mul_(0)  # not recorded: allowed, and the base changes
        assert float(y[2].abs().sum()) == 0.0
