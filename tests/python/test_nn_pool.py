"""torsh.nn pooling and padding (MaxPool/AvgPool/LPPool/AdaptiveMax/AdaptiveAvg in 1-3 dims,
ConstantPad/ZeroPad/ReflectionPad/ReplicationPad and F.pad) against torch.nn 1.13: outputs,
indices, input gradients, reprs, functional options and errors."""
import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import to_torsh, assert_close, run_pair, raises_like
from torsh import nn
from torsh.nn import functional as F

F64 = dict(rtol=1e-7, atol=1e-9)
F32 = dict(rtol=1e-5, atol=1e-6)


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def pair(expr):
    return eval("torch.nn." + expr), eval("nn." + expr)


# reprs

REPRS = [
    "MaxPool1d(3)", "MaxPool1d(2, stride=1, padding=1, dilation=2, ceil_mode=True)",
    "MaxPool2d(3, stride=2)", "MaxPool2d((2, 3), (1, 2), (1, 1), return_indices=True)",
    "MaxPool3d(2, padding=1)",
    "AvgPool1d(3)", "AvgPool1d(4, 2, 1, ceil_mode=True, count_include_pad=False)",
    "AvgPool2d(2)", "AvgPool2d((2, 3), stride=(1, 2), padding=1, divisor_override=2)",
    "AvgPool3d(2, 1)", "LPPool1d(2, 3)", "LPPool2d(1.5, (2, 3), stride=2, ceil_mode=True)",
    "AdaptiveMaxPool1d(3)", "AdaptiveMaxPool2d((None, 4), return_indices=True)",
    "AdaptiveMaxPool3d(2)", "AdaptiveAvgPool1d(5)", "AdaptiveAvgPool2d(3)",
    "AdaptiveAvgPool3d((2, None, 1))",
    "ZeroPad2d(2)", "ZeroPad2d((1, 2, 3, 4))", "ConstantPad1d(2, 1.5)",
    "ConstantPad1d((1, 0), -1)", "ConstantPad2d((1, 2, 0, 1), 0.5)", "ConstantPad3d(1, 2.0)",
    "ReflectionPad1d(2)", "ReflectionPad2d((1, 0, 2, 1))", "ReflectionPad3d(1)",
    "ReplicationPad1d((3, 1))", "ReplicationPad2d(2)", "ReplicationPad3d((1, 2, 0, 1, 2, 0))",
]


@pytest.mark.parametrize("expr", REPRS)
def test_repr_and_attributes(expr):
    a, b = pair(expr)
    assert repr(b) == repr(a)
    assert list(b.state_dict()) == list(a.state_dict()) == []
    for attr in ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices",
                 "count_include_pad", "divisor_override", "norm_type", "output_size", "value"):
        if hasattr(a, attr):
            assert getattr(b, attr) == getattr(a, attr), attr


# Modules: forward, indices, backward

MODULE_CASES = [
    ("MaxPool1d(3)", (2, 3, 10)),
    ("MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)", (2, 3, 11)),
    ("MaxPool1d(2)", (3, 9)),
    ("MaxPool2d(2)", (2, 3, 8, 7)),
    ("MaxPool2d((3, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2))", (2, 2, 9, 8)),
    ("MaxPool2d(3, stride=2, ceil_mode=True)", (1, 2, 8, 8)),
    ("MaxPool2d(3, stride=2, padding=1)", (2, 7, 7)),
    ("MaxPool3d(2)", (1, 2, 4, 6, 5)),
    ("MaxPool3d((2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0), ceil_mode=True)",
     (2, 2, 5, 7, 6)),
    ("MaxPool3d(2, dilation=2)", (2, 5, 5, 6)),
    ("AvgPool1d(3)", (2, 3, 10)),
    ("AvgPool1d(4, stride=2, padding=2, ceil_mode=True, count_include_pad=False)",
     (2, 3, 11)),
    ("AvgPool1d(3, stride=2, padding=1)", (3, 9)),
    ("AvgPool2d(2)", (2, 3, 8, 7)),
    ("AvgPool2d((3, 2), stride=(2, 1), padding=1)", (2, 2, 9, 8)),
    ("AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)",
     (1, 2, 8, 8)),
    ("AvgPool2d(3, stride=2, padding=1, ceil_mode=True)", (1, 2, 8, 8)),
    ("AvgPool2d(2, divisor_override=3)", (2, 6, 7)),
    ("AvgPool2d(3, stride=1, padding=1, divisor_override=5)", (1, 2, 5, 5)),
    ("AvgPool3d(2)", (1, 2, 4, 6, 5)),
    ("AvgPool3d((2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0), count_include_pad=False)",
     (2, 2, 5, 7, 6)),
    ("AvgPool3d(3, stride=2, padding=1, ceil_mode=True, divisor_override=7)",
     (1, 2, 6, 6, 6)),
    ("AvgPool3d(2)", (2, 4, 4, 5)),
    ("AdaptiveAvgPool1d(4)", (2, 3, 10)),
    ("AdaptiveAvgPool1d(7)", (2, 3, 5)),
    ("AdaptiveAvgPool1d(3)", (3, 11)),
    ("AdaptiveAvgPool2d(3)", (2, 3, 8, 7)),
    ("AdaptiveAvgPool2d((5, 2))", (2, 2, 9, 8)),
    ("AdaptiveAvgPool2d((None, 3))", (2, 2, 6, 8)),
    ("AdaptiveAvgPool2d(1)", (4, 5, 5)),
    ("AdaptiveAvgPool3d(2)", (1, 2, 4, 6, 5)),
    ("AdaptiveAvgPool3d((3, None, 2))", (1, 2, 5, 4, 7)),
    ("AdaptiveMaxPool1d(4)", (2, 3, 10)),
    ("AdaptiveMaxPool1d(3)", (3, 11)),
    ("AdaptiveMaxPool2d(3)", (2, 3, 8, 7)),
    ("AdaptiveMaxPool2d((None, 2))", (2, 2, 6, 9)),
    ("AdaptiveMaxPool2d((4, 5))", (3, 7, 6)),
    ("AdaptiveMaxPool3d(2)", (1, 2, 4, 6, 5)),
    ("AdaptiveMaxPool3d((3, 2, None))", (2, 5, 4, 3)),
    ("LPPool1d(2, 3)", (2, 3, 10)),
    ("LPPool1d(3, 2, stride=1)", (2, 3, 9)),
    ("LPPool2d(2, 2)", (2, 3, 8, 6)),
    ("LPPool2d(3, (3, 2), stride=(2, 1), ceil_mode=True)", (1, 2, 9, 7)),
]


@pytest.mark.parametrize("expr,shape", MODULE_CASES)
def test_module_forward_backward_float64(expr, shape):
    a, b = pair(expr)
    run_pair(a, b, randn(*shape, seed=3), **F64)


@pytest.mark.parametrize("expr,shape", MODULE_CASES[::4])
def test_module_forward_backward_float32(expr, shape):
    a, b = pair(expr)
    run_pair(a, b, randn(*shape, seed=3, dtype=torch.float32), **F32)


@pytest.mark.parametrize("expr", ["LPPool1d(1.5, 3)", "LPPool2d(1.5, 2, stride=1)"])
def test_lp_pool_fractional_norm_on_positive_input(expr):
    a, b = pair(expr)
    shape = (2, 3, 9) if "1d" in expr else (2, 3, 6, 5)
    run_pair(a, b, randn(*shape, seed=4).abs() + 0.1, **F64)


INDEX_CASES = [
    ("MaxPool1d(3, stride=2, padding=1, return_indices=True)", (2, 3, 10)),
    ("MaxPool1d(2, return_indices=True)", (3, 9)),
    ("MaxPool2d(3, stride=2, padding=1, dilation=1, ceil_mode=True, return_indices=True)",
     (2, 2, 8, 9)),
    ("MaxPool2d((2, 3), dilation=(2, 1), return_indices=True)", (3, 7, 7)),
    ("MaxPool3d(2, stride=1, padding=1, return_indices=True)", (1, 2, 3, 4, 3)),
    ("AdaptiveMaxPool1d(4, return_indices=True)", (2, 3, 10)),
    ("AdaptiveMaxPool2d((3, None), return_indices=True)", (2, 2, 7, 5)),
    ("AdaptiveMaxPool3d(2, return_indices=True)", (2, 4, 5, 3)),
]


@pytest.mark.parametrize("expr,shape", INDEX_CASES)
def test_max_pool_return_indices(expr, shape):
    a, b = pair(expr)
    x = randn(*shape, seed=5)
    xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
    (ya, ia), (yb, ib) = a(xa), b(xb)
    assert_close(yb, ya, **F64)
    assert ib.dtype == torsh.int64
    assert_close(ib, ia, rtol=0, atol=0)
    assert not ib.requires_grad
    g = randn(*ya.shape, seed=6)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    assert_close(xb.grad, xa.grad, **F64)


def test_max_pool_gradient_with_ties_and_infinities():
    # Equal values in overlapping windows and -inf padding edges route gradients as torch.
    x = torch.tensor([[[[1., 1., 2., 2.], [1., 3., 3., 0.], [-float("inf"), 0., 0., 5.],
                        [4., 4., 4., 4.]]]], dtype=torch.float64)
    for kwargs in ({"kernel_size": 2, "stride": 1}, {"kernel_size": 3, "stride": 2,
                                                      "padding": 1}):
        xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
        (ya, ia) = TF.max_pool2d(xa, return_indices=True, **kwargs)
        (yb, ib) = F.max_pool2d(xb, return_indices=True, **kwargs)
        assert_close(yb, ya, rtol=0, atol=0)
        assert_close(ib, ia, rtol=0, atol=0)
        ya.sum().backward()
        yb.sum().backward()
        assert_close(xb.grad, xa.grad, rtol=0, atol=0)


# float32 max pooling takes vectorised row kernels for whole 2x2 / 3x3 windows (rows of 1-3, 4-7
# and 8+ outputs take different vector widths); borders, ceil_mode and padding mix them with the
# window walk. Values, indices and gradients must be torch's exactly, NaN and ties included.
FAST_MAX = [
    ((2, 3, 4, 4), dict(kernel_size=2)),
    ((2, 3, 6, 10), dict(kernel_size=2)),
    ((1, 2, 9, 17), dict(kernel_size=2, ceil_mode=True)),
    ((1, 2, 8, 34), dict(kernel_size=2, stride=2, padding=1)),
    ((2, 2, 28, 28), dict(kernel_size=2)),
    ((1, 1, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    ((1, 2, 11, 12), dict(kernel_size=3, stride=1)),
    ((1, 2, 6, 9), dict(kernel_size=(1, 2))),
    ((1, 2, 6, 9), dict(kernel_size=(2, 1), stride=(2, 3))),
    ((1, 2, 10, 40), dict(kernel_size=2, stride=(2, 3))),
]


@pytest.mark.parametrize("shape,kwargs", FAST_MAX)
def test_max_pool2d_float32_rows(shape, kwargs):
    x = randn(*shape, seed=3, dtype=torch.float32)
    flat = x.view(-1)
    flat[::7] = flat[1::7][: flat[::7].numel()]  # ties in and across windows
    flat[::13] = float("nan")
    flat[5::29] = float("-inf")
    flat[9::31] = float("inf")
    xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
    ya, ia = TF.max_pool2d(xa, return_indices=True, **kwargs)
    yb, ib = F.max_pool2d(xb, return_indices=True, **kwargs)
    assert_close(yb, ya, rtol=0, atol=0)
    assert_close(ib, ia, rtol=0, atol=0)
    assert_close(F.max_pool2d(to_torsh(x), **kwargs), ya.detach(), rtol=0, atol=0)
    g = randn(*ya.shape, seed=4, dtype=torch.float32)
    ya.backward(g)
    yb.backward(to_torsh(g))
    assert_close(xb.grad, xa.grad, rtol=0, atol=0)
    # a non-contiguous input (channels last) gives the same
    xc = to_torsh(x).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    assert_close(F.max_pool2d(xc, **kwargs), ya.detach(), rtol=0, atol=0)


# Functional forms and their options

FUNCTIONAL = [
    ("max_pool1d", (2, 3, 10), (3,), {}),
    ("max_pool1d", (2, 3, 10), (3, None, 1, 2, True), {}),
    ("max_pool1d", (2, 3, 10), (2,), {"stride": 3, "ceil_mode": True}),
    ("max_pool2d", (2, 3, 9, 8), ((3, 2),), {"stride": (2, 1), "padding": (1, 0)}),
    ("max_pool2d", (2, 3, 9, 8), (3, 2, 1, 2, True), {}),
    ("max_pool3d", (1, 2, 5, 6, 5), (2,), {"stride": (1, 2, 2), "dilation": (2, 1, 1)}),
    ("avg_pool1d", (2, 3, 10), (3,), {}),
    ("avg_pool1d", (2, 3, 10), (4, 3, 2, True, False), {}),
    ("avg_pool1d", (2, 3, 10), (3,), {"stride": None, "padding": 1}),
    ("avg_pool2d", (2, 3, 9, 8), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool2d", (2, 3, 9, 8), ((3, 2), (2, 1), (1, 0), False, False), {}),
    ("avg_pool2d", (2, 3, 9, 8), (3, 2, 1, True, True, 4), {}),
    ("avg_pool2d", (2, 3, 9, 8), (2,), {"divisor_override": 1}),
    ("avg_pool3d", (1, 2, 5, 6, 5), (2,), {"stride": 1, "padding": 1,
                                           "count_include_pad": False}),
    ("avg_pool3d", (1, 2, 5, 6, 5), (3, 2, 1, True, True, 10), {}),
    ("adaptive_avg_pool1d", (2, 3, 10), (4,), {}),
    ("adaptive_avg_pool2d", (2, 3, 9, 8), ((4, None),), {}),
    ("adaptive_avg_pool2d", (2, 3, 9, 8), (5,), {}),
    ("adaptive_avg_pool3d", (1, 2, 5, 6, 5), ((None, 4, 3),), {}),
    ("adaptive_max_pool1d", (2, 3, 10), (4,), {}),
    ("adaptive_max_pool2d", (2, 3, 9, 8), ((None, 3),), {}),
    ("adaptive_max_pool3d", (1, 2, 5, 6, 5), (3,), {}),
    ("lp_pool1d", (2, 3, 10), (2, 3), {}),
    ("lp_pool1d", (2, 3, 10), (2.0, 3, 2, True), {}),
    ("lp_pool2d", (2, 3, 9, 8), (2, (2, 3)), {"stride": 1}),
    ("lp_pool2d", (2, 3, 9, 8), (3, 3, 2), {"ceil_mode": True}),
]


@pytest.mark.parametrize("name,shape,args,kwargs", FUNCTIONAL)
def test_functional_pool(name, shape, args, kwargs):
    x = randn(*shape, seed=7)
    xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
    ya = getattr(TF, name)(xa, *args, **kwargs)
    yb = getattr(F, name)(xb, *args, **kwargs)
    assert_close(yb, ya, **F64)
    g = randn(*ya.shape, seed=8)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    assert_close(xb.grad, xa.grad, **F64)


@pytest.mark.parametrize("name,shape,args", [
    ("max_pool1d", (2, 3, 10), (3, 2, 1)),
    ("max_pool2d", (2, 3, 9, 8), (3, None, 1, 1, True)),
    ("max_pool3d", (1, 2, 5, 6, 5), (2,)),
    ("adaptive_max_pool1d", (2, 3, 10), (4,)),
    ("adaptive_max_pool2d", (2, 3, 9, 8), ((None, 3),)),
    ("adaptive_max_pool3d", (1, 2, 5, 6, 5), (3,)),
])
def test_functional_return_indices(name, shape, args):
    x = randn(*shape, seed=9)
    ya, ia = getattr(TF, name)(x, *args, return_indices=True)
    yb, ib = getattr(F, name)(to_torsh(x), *args, return_indices=True)
    assert_close(yb, ya, **F64)
    assert_close(ib, ia, rtol=0, atol=0)
    if name.startswith("max_pool"):
        ya2, ia2 = getattr(TF, name + "_with_indices")(x, *args)
        yb2, ib2 = getattr(F, name + "_with_indices")(to_torsh(x), *args)
        assert_close(yb2, ya2, **F64)
        assert_close(ib2, ia2, rtol=0, atol=0)
        # return_indices as the seventh positional argument
        full = list(args) + [None, 0, 1, False][len(args) - 1:]
        yb3, ib3 = getattr(F, name)(to_torsh(x), *full, True)
        assert_close(ib3, ia, rtol=0, atol=0)


def test_torsh_namespace_pool_ops():
    x = randn(2, 3, 9, 8, seed=1)
    xb = to_torsh(x)
    assert_close(torsh.max_pool2d(xb, [3, 3], [2, 2], [1, 1], [1, 1], True),
                 torch.max_pool2d(x, [3, 3], [2, 2], [1, 1], [1, 1], True), **F64)
    assert_close(torsh.avg_pool1d(xb[0], [3], [], [1], False, False),
                 torch.avg_pool1d(x[0], [3], [], [1], False, False), **F64)
    assert_close(torsh.adaptive_avg_pool1d(xb[0], [4]), torch.adaptive_avg_pool1d(x[0], [4]),
                 **F64)
    ya, ia = torch.adaptive_max_pool1d(x[0], [4])
    yb, ib = torsh.adaptive_max_pool1d(xb[0], [4])
    assert_close(yb, ya, **F64)
    assert_close(ib, ia, rtol=0, atol=0)


def test_pool_int_inputs_and_dtypes():
    # torch 1.13 averages int64 (rounding toward zero) but has no int64 max pooling on the CPU.
    x = torch.randint(-50, 50, (2, 3, 8, 8))
    assert_close(F.avg_pool2d(to_torsh(x), 3, 2, 1), TF.avg_pool2d(x, 3, 2, 1), rtol=0, atol=0)
    raises_like(lambda: TF.max_pool2d(x, 2), lambda: F.max_pool2d(to_torsh(x), 2),
                match_message=False)
    xf = randn(2, 3, 8, 8, dtype=torch.float32)
    for fn in ("avg_pool2d", "max_pool2d"):
        assert_close(getattr(F, fn)(to_torsh(xf), 3, 2, 1), getattr(TF, fn)(xf, 3, 2, 1),
                     **F32)
    assert_close(F.adaptive_avg_pool2d(to_torsh(xf), 3), TF.adaptive_avg_pool2d(xf, 3), **F32)


# Errors

POOL_ERRORS = [
    ("max_pool2d", (3,), (2,), {}),                       # input rank too small
    ("max_pool2d", (1, 1, 1, 3, 3), (2,), {}),            # input rank too large
    ("max_pool2d", (1, 1, 3, 3), (5,), {}),               # kernel larger than input
    ("max_pool2d", (1, 1, 4, 4), (2,), {"padding": 2}),   # pad more than half the kernel
    ("max_pool2d", (1, 1, 4, 4), (2,), {"stride": 0}),
    ("max_pool2d", (1, 1, 4, 4), ((2, 2, 2),), {}),       # kernel of the wrong length
    ("max_pool1d", (1, 1, 4), (0,), {}),
    ("max_pool3d", (1, 4, 4), (2,), {}),
    ("avg_pool2d", (1, 1, 4, 4), (2,), {"padding": 2}),
    ("avg_pool2d", (1, 1, 4, 4), (2,), {"divisor_override": 0}),
    ("avg_pool1d", (4,), (2,), {}),
    ("avg_pool3d", (1, 1, 2, 4, 4), (3,), {}),
    ("adaptive_avg_pool2d", (3,), ((None, 2),), {}),      # Python-side None resolution
    ("adaptive_avg_pool2d", (1, 2, 4, 4), ((2, 2, 2),), {}),
    ("adaptive_max_pool2d", (1, 2, 4, 4), (-1,), {}),
    ("adaptive_avg_pool1d", (4,), (2,), {}),
]


@pytest.mark.parametrize("name,shape,args,kwargs", POOL_ERRORS)
def test_pool_errors(name, shape, args, kwargs):
    x = randn(*shape, dtype=torch.float32)
    python_side = name.startswith("adaptive") and shape == (3,)
    raises_like(lambda: getattr(TF, name)(x, *args, **kwargs),
                lambda: getattr(F, name)(to_torsh(x), *args, **kwargs),
                match_message=python_side)


# Padding

PAD_MODULES = [
    ("ZeroPad2d(2)", (2, 3, 4, 5)),
    ("ZeroPad2d((1, 0, 2, 3))", (3, 4, 5)),
    ("ZeroPad2d((-1, 2, 0, -2))", (2, 3, 4, 5)),
    ("ConstantPad1d(2, 1.5)", (2, 3, 4)),
    ("ConstantPad1d((3, -1), -2.0)", (3, 4)),
    ("ConstantPad2d((1, 2, 0, 1), 0.5)", (2, 3, 4, 5)),
    ("ConstantPad3d(1, 2.0)", (1, 2, 3, 4, 5)),
    ("ConstantPad3d((1, 0, 2, 1, 0, 3), -1.0)", (2, 3, 4, 5)),
    ("ReflectionPad1d(2)", (2, 3, 5)),
    ("ReflectionPad1d((3, 1))", (3, 5)),
    ("ReflectionPad2d(2)", (2, 3, 4, 5)),
    ("ReflectionPad2d((1, 0, 3, 2))", (3, 4, 5)),
    ("ReflectionPad3d(1)", (1, 2, 3, 4, 5)),
    ("ReflectionPad3d((2, 1, 0, 2, 1, 1))", (2, 3, 4, 5)),
    ("ReplicationPad1d((3, 1))", (2, 3, 4)),
    ("ReplicationPad1d(2)", (3, 4)),
    ("ReplicationPad2d(2)", (2, 3, 4, 5)),
    ("ReplicationPad2d((0, 3, 1, 2))", (3, 4, 5)),
    ("ReplicationPad3d(1)", (1, 2, 3, 4, 5)),
    ("ReplicationPad3d((1, 2, 0, 1, 2, 0))", (2, 3, 4, 5)),
]


@pytest.mark.parametrize("expr,shape", PAD_MODULES)
def test_pad_module_forward_backward(expr, shape):
    a, b = pair(expr)
    ya, yb = run_pair(a, b, randn(*shape, seed=11), **F64)
    assert_close(yb, ya, rtol=0, atol=0)  # padding copies values: exact


F_PAD = [
    ((2, 3, 4, 5), (1, 2), "constant", None),
    ((2, 3, 4, 5), (1, 2, 3, 0), "constant", 2.5),
    ((2, 3, 4, 5), (1, 1, 1, 1, 1, 1, 1, 1), "constant", -1.0),
    ((2, 3, 4, 5), (-1, 0, 2, -2), "constant", 0.0),
    ((5,), (2, 3), "constant", 1.0),
    ((2, 3, 5), (2, 1), "reflect", None),
    ((2, 3, 4, 5), (2, 1, 3, 0), "reflect", None),
    ((1, 2, 3, 4, 5), (1, 2, 0, 1, 2, 1), "reflect", None),
    ((2, 3, 5), (2, 4), "replicate", None),
    ((2, 3, 4, 5), (0, 3, 1, 2), "replicate", None),
    ((1, 2, 3, 4, 5), (1, 2, 0, 1, 2, 1), "replicate", None),
    ((2, 3, 5), (2, 4), "circular", None),
    ((2, 3, 4, 5), (1, 3, 2, 0), "circular", None),
    ((1, 2, 3, 4, 5), (1, 2, 0, 1, 2, 1), "circular", None),
    ((2, 3, 4, 5), (-1, 2, 1, -1), "circular", None),
]


@pytest.mark.parametrize("shape,padding,mode,value", F_PAD)
def test_functional_pad(shape, padding, mode, value):
    x = randn(*shape, seed=12)
    xa, xb = x.clone().requires_grad_(), to_torsh(x).requires_grad_()
    if value is None:
        ya, yb = TF.pad(xa, padding, mode), F.pad(xb, padding, mode)
    else:
        ya, yb = TF.pad(xa, padding, mode, value), F.pad(xb, padding, mode=mode, value=value)
    assert_close(yb, ya, rtol=0, atol=0)
    g = randn(*ya.shape, seed=13)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    assert_close(xb.grad, xa.grad, **F64)


def test_pad_integer_tensor_and_constant_pad_nd():
    x = torch.arange(12).reshape(3, 4)
    assert_close(F.pad(to_torsh(x), (1, 2, 0, 1), value=7), TF.pad(x, (1, 2, 0, 1), value=7),
                 rtol=0, atol=0)
    xf = randn(2, 3, 4)
    assert_close(torsh.constant_pad_nd(to_torsh(xf), [1, 0, -1, 2], 3.0),
                 torch.constant_pad_nd(xf, [1, 0, -1, 2], 3.0), rtol=0, atol=0)
    assert_close(torsh.pad(to_torsh(xf), [1, 2], "reflect"),
                 torch._C._nn.pad(xf, [1, 2], "reflect"), rtol=0, atol=0)


PAD_ERRORS = [
    ((2, 3, 4), (1,), "constant", None),                 # odd length
    ((2, 3), (1, 1, 1, 1, 1, 1), "constant", None),      # longer than 2 * dims
    ((2, 3, 4), (1, 1), "mirror", None),                 # unknown mode
    ((2, 3, 4), (4, 0), "reflect", None),                # reflect pad >= input size
    ((2, 3, 4), (1, 1), "reflect", 2.0),                 # value with a non-constant mode
    ((4,), (1, 1), "replicate", None),                   # 1D input, non-constant mode
    ((2, 3, 4), (1, 1, 1, 1, 1, 1, 1, 1), "circular", None),
    ((2, 3, 4), (5, 0), "circular", None),               # circular pad > input size
]


@pytest.mark.parametrize("shape,padding,mode,value", PAD_ERRORS)
def test_pad_errors(shape, padding, mode, value):
    x = randn(*shape, dtype=torch.float32)
    raises_like(lambda: TF.pad(x, padding, mode, value),
                lambda: F.pad(to_torsh(x), padding, mode, value), match_message=False)


def test_pad_module_errors():
    for expr, shape in (("ReflectionPad2d(4)", (1, 2, 3, 3)), ("ReplicationPad1d(1)", (5,)),
                        ("ReflectionPad1d(1)", (2, 3, 4, 5))):
        a, b = pair(expr)
        x = randn(*shape, dtype=torch.float32)
        raises_like(lambda: a(x), lambda: b(to_torsh(x)), match_message=False)
