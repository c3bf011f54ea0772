"""Tensor._version, Tensor._base and Tensor._is_view() against torch: fresh outputs start at
version 0, each user-level in-place op (an op's own internal writes excluded) adds 1 to the
counter its views share, and a recorded view knows the tensor it was taken from."""
import pytest
import torch

import torsh


def _history(lib):
    """The versions a short program goes through, in both libraries."""
    r = []
    x = lib.ones(3)
    r.append(x._version)
    x.add_(1)
    r.append(x._version)
    x[0] = 5
    r.append(x._version)
    x[lib.tensor([1, 2])] = lib.tensor([7.0, 8.0])
    r.append(x._version)
    y = x[1:]
    y.mul_(2)
    r.append((x._version, y._version))
    x.zero_()
    r.append(x._version)
    z = lib.ones(2, 3)
    z.copy_(lib.zeros(2, 3))
    r.append(z._version)
    w = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        w.add_(1)
        w.mul_(2)
    r.append(w._version)
    o = lib.ones(3)
    lib.add(o, o, out=o)
    r.append(o._version)
    q = lib.ones(2, 3)
    q.squeeze_()
    q.unsqueeze_(0)
    q.t_() if q.dim() == 2 else q.transpose_(0, 1)
    r.append(q._version)
    b = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
    b.float_power_(2)  # a composite in-place op
    r.append(b._version)
    u = lib.empty(4).uniform_()
    r.append(u._version)
    f = lib.full((2,), 3.0)
    r.append(f._version)
    for t in (lib.zeros(2), lib.arange(4), lib.eye(3), lib.tensor([1, 2]), x.clone(),
              x.to(lib.float64), x.t() if x.dim() == 2 else x.reshape(3, 1).t(),
              lib.cat([x, x]), lib.nn.functional.softmax(x, 0), x.sum(), lib.randn(3)):
        r.append(t._version)
    return r


def test_version_history_matches_torch():
    assert _history(torsh) == _history(torch)


@pytest.mark.parametrize("op", ["relu_", "clamp_", "sigmoid_", "fill_", "normal_", "index_fill_",
                                "masked_fill_", "scatter_", "sub_", "div_", "pow_"])
def test_one_in_place_op_is_one_version(op):
    def run(lib):
        x = lib.rand(4, 3)
        args = {"clamp_": (0.2, 0.8), "fill_": (1.0,), "normal_": (), "relu_": (),
                "sigmoid_": (), "index_fill_": (0, lib.tensor([1]), 2.0),
                "masked_fill_": (x > 0.5, 0.0), "scatter_": (0, lib.tensor([[0, 1, 2]]), 1.0),
                "sub_": (1.0,), "div_": (2.0,), "pow_": (2,)}[op]
        getattr(x, op)(*args)
        return x._version
    assert run(torsh) == run(torch) == 1


def test_composite_in_place_ops_are_seen_by_autograd():
    """float_power_ (a composite): a saved tensor it modifies raises at backward, and a view of
    the tensor it modifies gets the new history, as in torch."""
    for lib in (torch, torsh):
        a = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        base = a.clone()
        v = base[:2]
        base.float_power_(2)
        v.sum().backward()
        assert a.grad.tolist() == [2.0, 4.0, 0.0]
        b = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
        y = (a * b).sum()
        b.float_power_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


def test_base_and_is_view_match_torch():
    for lib in (torch, torsh):
        x = lib.ones(4, 4)
        v = x[1:][1:]
        assert v._is_view() and not x._is_view()
        assert x._base is None
        assert v._base.data_ptr() == x.data_ptr() and v._base.shape == x.shape
        # a view's base is the first tensor of the chain, not the view it was taken from
        assert tuple(v._base.shape) == (4, 4)
        assert x.clone()._base is None and x.reshape(16)._is_view()
        assert not (x + 1)._is_view()
