"""torsh.nn convolutions (Conv1d/2d/3d, ConvTranspose1d/2d/3d and their functional forms)
against torch.nn 1.13: default initialisation under the same seed, repr and state_dict,
outputs and input/parameter gradients, padding modes and 'same'/'valid', output_size, and the
exceptions raised for bad arguments and inputs."""
import pytest
import torch
import torch.nn.functional as TF

import torsh
from nn_pairs import (build_pair, to_torsh, assert_close, run_pair, assert_same_state,
                      raises_like)
from torsh import nn
from torsh.nn import functional as F

F64 = dict(rtol=1e-7, atol=1e-9)
F32 = dict(rtol=1e-4, atol=1e-5)


def randn(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


# Construction: default initialisation, repr, state_dict

CONSTRUCT = [
    "Conv1d(3, 6, 3)",
    "Conv1d(4, 4, 5, stride=2, padding=2, dilation=1, groups=4, bias=False)",
    "Conv1d(2, 4, 3, padding='same')",
    "Conv1d(2, 4, 4, padding='same', dilation=3, padding_mode='circular')",
    "Conv2d(3, 8, 3)",
    "Conv2d(4, 8, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1), groups=2)",
    "Conv2d(2, 3, 3, padding='valid')",
    "Conv2d(2, 3, 3, padding=1, padding_mode='reflect', bias=False)",
    "Conv2d(2, 4, 2, padding=(1, 0), padding_mode='replicate')",
    "Conv3d(2, 4, 3)",
    "Conv3d(2, 4, (1, 2, 3), dilation=(1, 2, 1), padding='same', bias=False)",
    "ConvTranspose1d(3, 5, 3)",
    "ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)",
    "ConvTranspose2d(4, 6, 3, stride=2, output_padding=1, groups=2, dilation=2)",
    "ConvTranspose2d(3, 2, (2, 3), bias=False)",
    "ConvTranspose3d(2, 3, 2, stride=(1, 2, 2), padding=(0, 1, 0))",
]


@pytest.mark.parametrize("expr", CONSTRUCT)
def test_default_init_repr_and_state_dict(expr):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=7)
    assert repr(b) == repr(a)
    assert_same_state(b, a)
    assert [type(p) for p in b.parameters()] == [nn.Parameter] * len(list(a.parameters()))
    for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                 "transposed", "output_padding", "groups", "padding_mode"):
        assert getattr(b, attr) == getattr(a, attr), attr
    assert list(b._reversed_padding_repeated_twice) == list(a._reversed_padding_repeated_twice)


def test_float64_construction_and_zero_fan_in():
    a, b = build_pair(lambda lib, libnn: libnn.Conv2d(2, 3, 3, dtype=lib.float64), seed=3)
    assert b.weight.dtype == torsh.float64 and b.bias.dtype == torsh.float64
    # torsh's float64 uniform_ can differ from torch's in the last bit (init is not the
    # subject here; test_nn_layers covers it).
    assert_same_state(b, a, rtol=1e-15, atol=0)
    a, b = build_pair(lambda lib, libnn: libnn.ConvTranspose1d(0, 2, 3), seed=3)
    assert tuple(b.weight.shape) == tuple(a.weight.shape) == (0, 2, 3)
    assert repr(b) == repr(a)


CONSTRUCT_ERRORS = [
    "Conv2d(3, 4, 3, groups=0)",
    "Conv2d(3, 4, 3, groups=2)",
    "Conv2d(4, 3, 3, groups=2)",
    "Conv2d(2, 4, 3, padding='full')",
    "Conv1d(2, 4, 3, stride=2, padding='same')",
    "Conv2d(2, 4, 3, padding_mode='mirror')",
    "ConvTranspose2d(2, 4, 3, padding_mode='reflect')",
    "ConvTranspose1d(2, 4, 3, groups=3)",
]


@pytest.mark.parametrize("expr", CONSTRUCT_ERRORS)
def test_constructor_errors_match_torch(expr):
    # torch formats a set (of padding modes or padding strings) into these messages: the set's
    # order follows the frozenset constant in each module's .pyc, so only the type is compared
    prints_a_set = "padding_mode=" in expr or "padding='" in expr
    raises_like(lambda: eval("torch.nn." + expr), lambda: eval("nn." + expr),
                match_message=not prints_a_set)


# Forward and backward against torch

CONV_CASES = [
    ("Conv1d(3, 6, 3)", (2, 3, 10)),
    ("Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)", (2, 4, 11)),
    ("Conv1d(3, 5, 4, padding='same')", (2, 3, 9)),
    ("Conv1d(3, 5, 4, padding='same', dilation=3)", (2, 3, 12)),
    ("Conv1d(3, 5, 3, padding='valid', bias=False)", (2, 3, 7)),
    ("Conv1d(2, 4, 3, padding=2, padding_mode='reflect')", (2, 2, 8)),
    ("Conv1d(2, 4, 3, padding=2, padding_mode='replicate')", (2, 2, 8)),
    ("Conv1d(2, 4, 3, padding=2, padding_mode='circular')", (2, 2, 8)),
    ("Conv1d(2, 4, 4, padding='same', padding_mode='reflect')", (2, 2, 8)),
    ("Conv1d(3, 6, 3)", (3, 10)),
    ("Conv2d(3, 8, 3)", (2, 3, 9, 8)),
    ("Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)",
     (2, 4, 10, 9)),
    ("Conv2d(6, 6, 3, groups=6, bias=False)", (2, 6, 7, 7)),
    ("Conv2d(2, 4, (3, 4), padding='same')", (2, 2, 7, 8)),
    ("Conv2d(2, 4, 3, padding=(1, 2), padding_mode='reflect')", (2, 2, 6, 7)),
    ("Conv2d(2, 4, 3, padding=1, padding_mode='replicate')", (1, 2, 6, 7)),
    ("Conv2d(2, 4, 3, padding=(2, 1), padding_mode='circular')", (2, 2, 6, 7)),
    ("Conv2d(2, 4, (2, 3), padding='same', padding_mode='circular')", (2, 2, 5, 6)),
    ("Conv2d(3, 4, 3, stride=2)", (3, 9, 9)),
    ("Conv3d(2, 4, 3)", (2, 2, 5, 6, 5)),
    ("Conv3d(4, 4, (1, 2, 3), stride=(1, 2, 1), padding=(0, 1, 1), dilation=(2, 1, 1), "
     "groups=2)", (2, 4, 4, 6, 5)),
    ("Conv3d(2, 3, 2, padding='same')", (1, 2, 4, 5, 3)),
    ("Conv3d(2, 3, 3, padding=1, padding_mode='replicate')", (1, 2, 4, 4, 3)),
    ("Conv3d(2, 3, 2)", (2, 4, 4, 3)),
]


@pytest.mark.parametrize("expr,shape", CONV_CASES)
def test_conv_forward_backward_float64(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr[:-1] + ", dtype=lib.float64)"),
                      seed=1)
    run_pair(a, b, randn(*shape, seed=2), **F64)


@pytest.mark.parametrize("expr,shape", CONV_CASES[::3])
def test_conv_forward_backward_float32(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=1)
    run_pair(a, b, randn(*shape, seed=2, dtype=torch.float32), **F32)


TRANSPOSE_CASES = [
    ("ConvTranspose1d(3, 5, 3)", (2, 3, 6)),
    ("ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)", (2, 4, 5)),
    ("ConvTranspose1d(3, 4, 2, stride=3, dilation=2, bias=False)", (2, 3, 4)),
    ("ConvTranspose1d(3, 5, 3)", (3, 6)),
    ("ConvTranspose2d(3, 4, 3)", (2, 3, 5, 4)),
    ("ConvTranspose2d(4, 6, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2), "
     "groups=2, dilation=(1, 2))", (2, 4, 4, 3)),
    ("ConvTranspose2d(2, 2, 3, stride=2, padding=1)", (2, 4, 4)),
    ("ConvTranspose3d(2, 3, 2)", (2, 2, 3, 3, 2)),
    ("ConvTranspose3d(2, 4, 3, stride=2, padding=1, output_padding=(1, 0, 1), groups=2)",
     (1, 2, 3, 2, 3)),
]


@pytest.mark.parametrize("expr,shape", TRANSPOSE_CASES)
def test_conv_transpose_forward_backward_float64(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr[:-1] + ", dtype=lib.float64)"),
                      seed=4)
    run_pair(a, b, randn(*shape, seed=5), **F64)


@pytest.mark.parametrize("expr,shape", TRANSPOSE_CASES[::4])
def test_conv_transpose_forward_backward_float32(expr, shape):
    a, b = build_pair(lambda lib, libnn: eval("libnn." + expr), seed=4)
    run_pair(a, b, randn(*shape, seed=5, dtype=torch.float32), **F32)


@pytest.mark.parametrize("output_size", [[11], [12], (2, 3, 12), [2, 3, 11]])
def test_conv_transpose1d_output_size(output_size):
    a, b = build_pair(lambda lib, libnn: libnn.ConvTranspose1d(3, 4, 3, stride=2, padding=1,
                                                               dtype=lib.float64), seed=0)
    ya, yb = run_pair(a, b, randn(2, 3, 6, seed=1), output_size=output_size, **F64)
    assert ya.shape[-1] == output_size[-1]


@pytest.mark.parametrize("output_size", [(9, 12), (10, 13), [1, 2, 10, 12]])
def test_conv_transpose2d_output_size(output_size):
    a, b = build_pair(lambda lib, libnn: libnn.ConvTranspose2d(
        2, 3, (3, 4), stride=(2, 3), padding=(1, 2), dilation=(1, 2), dtype=lib.float64),
        seed=0)
    run_pair(a, b, randn(1, 2, 5, 4, seed=1), output_size=output_size, **F64)


def test_conv_transpose3d_output_size_unbatched():
    a, b = build_pair(lambda lib, libnn: libnn.ConvTranspose3d(2, 2, 2, stride=2,
                                                               dtype=lib.float64), seed=0)
    run_pair(a, b, randn(2, 2, 3, 2, seed=1), output_size=(5, 7, 5), **F64)


@pytest.mark.parametrize("output_size", [(10,), (13,), (1, 2, 3, 11), (3, 10, 10)])
def test_conv_transpose_bad_output_size(output_size):
    a, b = build_pair(lambda lib, libnn: libnn.ConvTranspose1d(3, 4, 3, stride=2, padding=1),
                      seed=0)
    x = randn(2, 3, 6, dtype=torch.float32)
    raises_like(lambda: a(x, output_size), lambda: b(to_torsh(x), output_size))


def test_conv_module_with_loaded_state_dict():
    a = torch.nn.Conv2d(3, 4, 3, padding=1, dtype=torch.float64)
    b = nn.Conv2d(3, 4, 3, padding=1, dtype=torsh.float64)
    b.load_state_dict({k: to_torsh(v) for k, v in a.state_dict().items()})
    assert_same_state(b, a)
    run_pair(a, b, randn(2, 3, 5, 5, seed=9), **F64)


def test_conv_stack_training_step():
    def build(lib, libnn):
        return libnn.Sequential(libnn.Conv2d(2, 4, 3, padding=1, dtype=lib.float64),
                                libnn.ReLU(),
                                libnn.Conv2d(4, 4, 3, stride=2, groups=2, dtype=lib.float64),
                                libnn.Tanh(),
                                libnn.ConvTranspose2d(4, 2, 3, stride=2, dtype=lib.float64))
    a, b = build_pair(build, seed=5)
    x = randn(3, 2, 8, 8, seed=6)
    for step in range(3):
        ya, yb = a(x), b(to_torsh(x))
        assert_close(yb, ya, **F64)
        la, lb = ya.square().mean(), yb.square().mean()
        la.backward()
        lb.backward()
        with torch.no_grad():
            for p in a.parameters():
                p -= 0.1 * p.grad
                p.grad = None
        with torsh.no_grad():
            for p in b.parameters():
                p -= 0.1 * p.grad
                p.grad = None
        assert_same_state(b, a, **F64)


# Functional forms

FUNCTIONAL = [
    ("conv1d", (2, 4, 9), (6, 4, 3), {}),
    ("conv1d", (2, 4, 9), (6, 2, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}),
    ("conv1d", (2, 4, 9), (6, 4, 4), {"padding": "same", "dilation": 2}),
    ("conv1d", (2, 4, 9), (6, 4, 4), {"padding": "valid"}),
    ("conv1d", (4, 9), (6, 4, 3), {"padding": (2,)}),
    ("conv2d", (2, 3, 7, 8), (5, 3, 3, 2), {}),
    ("conv2d", (2, 4, 7, 8), (6, 2, 3, 3), {"stride": (2, 1), "padding": (1, 0),
                                            "dilation": (1, 2), "groups": 2}),
    ("conv2d", (2, 3, 7, 8), (5, 3, 2, 4), {"padding": "same"}),
    ("conv2d", (2, 3, 7, 8), (5, 3, 3, 3), {"padding": "same", "dilation": (2, 1)}),
    ("conv2d", (3, 7, 8), (5, 3, 3, 3), {"stride": 3, "padding": 2}),
    ("conv2d", (1, 1, 5, 5), (1, 1, 5, 5), {}),
    ("conv3d", (2, 2, 4, 5, 6), (4, 2, 2, 3, 2), {"stride": (1, 2, 1), "padding": 1}),
    ("conv3d", (2, 4, 4, 5, 6), (4, 1, 2, 2, 2), {"groups": 4, "dilation": 2}),
    ("conv3d", (2, 2, 4, 5, 6), (3, 2, 2, 2, 3), {"padding": "same"}),
    ("conv_transpose1d", (2, 4, 6), (4, 3, 3), {}),
    ("conv_transpose1d", (2, 4, 6), (4, 3, 3), {"stride": 2, "padding": 1,
                                                "output_padding": 1, "groups": 2,
                                                "dilation": 1}),
    ("conv_transpose1d", (4, 6), (4, 3, 2), {"stride": 3, "dilation": 2}),
    ("conv_transpose2d", (2, 4, 4, 5), (4, 2, 3, 2), {"stride": (2, 3), "padding": (1, 0),
                                                      "output_padding": (1, 2),
                                                      "groups": 2}),
    ("conv_transpose2d", (2, 3, 4, 5), (3, 2, 3, 3), {"dilation": 2, "padding": 2}),
    ("conv_transpose3d", (1, 2, 3, 2, 3), (2, 2, 2, 2, 2), {"stride": 2,
                                                            "output_padding": 1}),
]


@pytest.mark.parametrize("name,xshape,wshape,kwargs", FUNCTIONAL)
@pytest.mark.parametrize("with_bias", [True, False])
def test_functional_conv(name, xshape, wshape, kwargs, with_bias):
    x, w = randn(*xshape, seed=1), randn(*wshape, seed=2)
    out_channels = wshape[0] if not name.startswith("conv_transpose") else \
        wshape[1] * kwargs.get("groups", 1)
    bias = randn(out_channels, seed=3) if with_bias else None
    leaves_a = [x.clone().requires_grad_(), w.clone().requires_grad_()]
    if bias is not None:
        leaves_a.append(bias.clone().requires_grad_())
    leaves_b = [to_torsh(t).requires_grad_() for t in leaves_a]
    ba = leaves_a[2] if bias is not None else None
    bb = leaves_b[2] if bias is not None else None
    ya = getattr(TF, name)(leaves_a[0], leaves_a[1], ba, **kwargs)
    yb = getattr(F, name)(leaves_b[0], leaves_b[1], bb, **kwargs)
    assert_close(yb, ya, **F64)
    g = randn(*ya.shape, seed=4)
    (ya * g).sum().backward()
    (yb * to_torsh(g)).sum().backward()
    for la, lb in zip(leaves_a, leaves_b):
        assert_close(lb.grad, la.grad, **F64)


def test_functional_conv_positional_arguments_and_torsh_namespace():
    x, w, bias = randn(2, 4, 7, 6, seed=1), randn(6, 2, 3, 3, seed=2), randn(6, seed=3)
    ya = TF.conv2d(x, w, bias, (2, 1), (1, 2), (1, 2), 2)
    assert_close(F.conv2d(to_torsh(x), to_torsh(w), to_torsh(bias), (2, 1), (1, 2), (1, 2), 2),
                 ya, **F64)
    assert_close(torsh.conv2d(to_torsh(x), to_torsh(w), to_torsh(bias), (2, 1), (1, 2),
                              (1, 2), 2), ya, **F64)
    ya = torch.convolution(x, w, bias, [2, 1], [1, 2], [1, 2], False, [0, 0], 2)
    assert_close(torsh.convolution(to_torsh(x), to_torsh(w), to_torsh(bias), [2, 1], [1, 2],
                                   [1, 2], False, [0, 0], 2), ya, **F64)
    wt = randn(4, 3, 3, 2, seed=5)
    ya = torch.convolution(x, wt, None, [2, 2], [1, 0], [1, 1], True, [1, 0], 2)
    assert_close(torsh.convolution(to_torsh(x), to_torsh(wt), None, [2, 2], [1, 0], [1, 1],
                                   True, [1, 0], 2), ya, **F64)


def test_functional_conv_float32():
    x, w = randn(2, 3, 8, 8, seed=1, dtype=torch.float32), randn(4, 3, 3, 3, seed=2,
                                                                 dtype=torch.float32)
    assert_close(F.conv2d(to_torsh(x), to_torsh(w), padding=1),
                 TF.conv2d(x, w, padding=1), **F32)
    assert_close(F.conv_transpose2d(to_torsh(x), to_torsh(w.transpose(0, 1)), stride=2),
                 TF.conv_transpose2d(x, w.transpose(0, 1), stride=2), **F32)


def test_conv_on_non_contiguous_input():
    x = randn(2, 8, 9, 3, seed=1).permute(0, 3, 2, 1)[:, :, ::2]
    w = randn(4, 3, 2, 3, seed=2).transpose(2, 3)
    ya = TF.conv2d(x, w, padding=1)
    xb, wb = to_torsh(x.contiguous()), to_torsh(w.contiguous())
    xb_nc = to_torsh(randn(2, 8, 9, 3, seed=1)).permute(0, 3, 2, 1)[:, :, ::2]
    wb_nc = to_torsh(randn(4, 3, 2, 3, seed=2)).transpose(2, 3)
    assert_close(F.conv2d(xb, wb, padding=1), ya, **F64)
    assert_close(F.conv2d(xb_nc, wb_nc, padding=1), ya, **F64)


# Errors from bad inputs

def _err_pair(fn_torch, fn_torsh, *tensors, **kwargs):
    raises_like(lambda: fn_torch(*tensors, **kwargs),
                lambda: fn_torsh(*[to_torsh(t) for t in tensors], **kwargs),
                match_message=False)


@pytest.mark.parametrize("name,xshape,wshape,kwargs", [
    ("conv2d", (2, 3, 5, 5), (4, 2, 3, 3), {}),               # channel mismatch
    ("conv2d", (5, 5), (4, 1, 3, 3), {}),                     # input rank too small
    ("conv2d", (1, 2, 2, 5, 5), (4, 2, 3, 3), {}),            # input rank too large
    ("conv2d", (2, 3, 5, 5), (4, 3, 3), {}),                  # weight rank
    ("conv2d", (2, 3, 2, 2), (4, 3, 3, 3), {}),               # kernel larger than input
    ("conv2d", (2, 4, 5, 5), (4, 2, 3, 3), {"groups": 3}),    # groups do not divide
    ("conv2d", (2, 3, 5, 5), (4, 3, 3, 3), {"stride": 0}),    # non-positive stride
    ("conv2d", (2, 3, 5, 5), (4, 3, 3, 3), {"padding": -1}),  # negative padding
    ("conv2d", (2, 3, 5, 5), (4, 3, 3, 3), {"padding": "same", "stride": 2}),
    ("conv1d", (2, 3, 5), (4, 3, 3), {"padding": "full"}),
    ("conv1d", (2, 3, 5), (4, 3, 3), {"stride": (1, 1)}),     # wrong tuple length
    ("conv3d", (3, 5, 5), (4, 3, 3, 3, 3), {}),
    ("conv_transpose2d", (2, 3, 5, 5), (4, 2, 3, 3), {}),     # in_channels mismatch
    ("conv_transpose1d", (2, 4, 5), (4, 2, 3), {"stride": 2, "output_padding": 2}),
])
def test_functional_conv_errors(name, xshape, wshape, kwargs):
    _err_pair(getattr(TF, name), getattr(F, name), randn(*xshape, dtype=torch.float32),
              randn(*wshape, dtype=torch.float32), **kwargs)


def test_conv_module_input_errors():
    a, b = build_pair(lambda lib, libnn: libnn.Conv2d(3, 4, 3), seed=0)
    for shape in ((2, 4, 6, 6), (6, 6), (1, 1, 3, 6, 6)):
        x = randn(*shape, dtype=torch.float32)
        raises_like(lambda: a(x), lambda: b(to_torsh(x)), match_message=False)
    a, b = build_pair(lambda lib, libnn: libnn.Conv1d(2, 4, 3, padding=5,
                                                      padding_mode="reflect"), seed=0)
    x = randn(1, 2, 4, dtype=torch.float32)
    raises_like(lambda: a(x), lambda: b(to_torsh(x)), match_message=False)


def test_conv_dtype_mismatch_errors():
    x, w = randn(1, 2, 5, 5), randn(3, 2, 3, 3, dtype=torch.float32)
    _err_pair(TF.conv2d, F.conv2d, x, w)
    _err_pair(TF.conv2d, F.conv2d, x, randn(3, 2, 3, 3), randn(3, dtype=torch.float32))


@pytest.mark.parametrize("shape,weight", [((300, 3, 32, 32), (32, 3, 3, 3)),
                                          ((130, 1, 28, 28), (160, 1, 5, 5))])
def test_large_batch_forward_runs_in_slices_with_the_same_values(shape, weight):
    """Batches whose output exceeds 16 MiB run through oneDNN slice by slice (the last slice
    shorter); the values must be those of torch and of the last image computed alone."""
    g = torch.Generator().manual_seed(4)
    x, w, b = torch.randn(shape, generator=g), torch.randn(weight, generator=g), \
        torch.randn(weight[0], generator=g)
    ref = TF.conv2d(x, w, b, padding=1)
    with torsh.no_grad():
        got = F.conv2d(to_torsh(x), to_torsh(w), to_torsh(b), padding=1)
        last = F.conv2d(to_torsh(x[-1:]), to_torsh(w), to_torsh(b), padding=1)
    assert_close(got, ref, rtol=1e-4, atol=1e-4)
    assert_close(got[-1:], torch.from_numpy(last.numpy()), rtol=1e-5, atol=1e-5)
