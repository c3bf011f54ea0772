"""Double backward through in-place ops on views (autograd's CopySlices and the rebased view's
AsStridedBackward): first and second derivatives against torch, and gradgradcheck."""
import pytest
import torch

import torsh


def case_slice_mul(lib, x):
    y = x.clone()
    y[1:3, ::2].mul_(x[0, :2] ** 2)
    return (y ** 2).sum() / 3


def case_view_used_after(lib, x):
    y = x.clone()
    v = y[1:3, ::2]
    v.mul_(x[0, :2])
    return (v ** 3).sum() + (y * x).sum()


def case_setitem(lib, x):
    y = x.clone()
    y[1] = x[0] * x[2]
    y[:, 0] = y[:, 1].exp()
    return (y.sin() * x).sum()


def case_view_of_view(lib, x):
    y = x * 1.5
    y[1:3][:, 1].add_(x[0, 0] ** 3)
    return (y ** 2).sum()


def case_permuted_base(lib, x):
    y = x.t().contiguous().t()
    y[0].mul_(x[1])  # y is dense but column-major: the gradient is rebuilt with its strides
    return (y * y * x).sum()


def case_diagonal(lib, x):
    y = x.clone()
    y.diagonal().mul_(x[:, 0].tanh())
    return y.pow(2).sum()


CASES = [case_slice_mul, case_view_used_after, case_setitem, case_view_of_view,
         case_permuted_base, case_diagonal]


def second(lib, case, data):
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    g, = lib.autograd.grad(case(lib, x), x, create_graph=True)
    gg, = lib.autograd.grad((g * g).sum(), x)
    return g.detach().tolist(), gg.tolist()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_double_backward_matches_torch(case):
    data = (torch.arange(16, dtype=torch.float64).reshape(4, 4) / 7 - 0.9).tolist()
    g_ref, gg_ref = second(torch, case, data)
    g, gg = second(torsh, case, data)
    assert torch.allclose(torch.tensor(g), torch.tensor(g_ref), rtol=1e-12, atol=1e-12)
    assert torch.allclose(torch.tensor(gg), torch.tensor(gg_ref), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_gradgradcheck(case):
    x = torsh.rand(4, 4, dtype=torsh.float64, requires_grad=True)
    assert torsh.autograd.gradgradcheck(lambda t: case(torsh, t), (x,))


def stale_transposed(lib, x):
    c = x.t().contiguous()
    y = c.t()  # a view taken before the in-place op below
    y[0].mul_(x[1])
    return (y * y * x).sum()


def stale_row(lib, x):
    c = x * 2
    r = c[1]  # taken before c changes
    c.add_(x.exp())
    return (r * x[2]).sum() + c.sum()


def stale_no_grad_write(lib, x):
    c = x * 1
    v = c[:, 1:3]
    with lib.no_grad():
        c[0, 1] = 5.0  # not recorded: v's gradient still flows to x, but not at [0, 1]
    return (v * v).sum()


@pytest.mark.parametrize("case", [stale_transposed, stale_row, stale_no_grad_write],
                         ids=lambda c: c.__name__)
def test_views_taken_before_an_inplace_op(case):
    """A view made before its storage is written in place gets its history from the base's
    current one (torch regenerates it lazily), for first and second derivatives."""
    data = (torch.arange(16, dtype=torch.float64).reshape(4, 4) / 5 - 1.1).tolist()
    for create_graph in (False, True):
        res = []
        for lib in (torch, torsh):
            x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
            g, = lib.autograd.grad(case(lib, x), x, create_graph=create_graph)
            res.append(torch.tensor(g.detach().tolist()))
        assert torch.allclose(res[0], res[1], rtol=1e-12, atol=1e-12), case.__name__
