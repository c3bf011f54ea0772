"""Custom autograd Functions as torch runs them: one gradient per forward output reaches
backward (zeros for unused and non-differentiable tensor outputs unless
set_materialize_grads(False)), and backward's results are checked (count, None for non-tensor
inputs, shapes). Each test runs on torch and on torsh with the same assertions."""
import pytest
import torch

import torsh

LIBS = pytest.mark.parametrize("lib", [torch, torsh], ids=["torch", "torsh"])


@LIBS
def test_unused_output_gets_zero_gradient(lib):
    seen = []

    class Two(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append(g2)
            return g1 * 2 + g2 * 3

    x = lib.ones(2, requires_grad=True)
    a, _ = Two.apply(x)
    a.sum().backward()
    assert seen[0].tolist() == [0.0, 0.0]
    assert x.grad.tolist() == [2.0, 2.0]


@LIBS
def test_non_differentiable_output_is_passed_to_backward(lib):
    seen = []

    class MaxArg(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            i = x.argmax()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return x.max(), i

        @staticmethod
        def backward(ctx, g, gi):
            seen.append(gi)
            (i,) = ctx.saved_tensors
            return lib.zeros(3).index_fill(0, i.reshape(1), 1.0) * g

    x = lib.tensor([1.0, 5.0, 2.0], requires_grad=True)
    m, i = MaxArg.apply(x)
    assert m.requires_grad and not i.requires_grad
    m.backward()
    assert seen[0].dtype == lib.int64 and seen[0].item() == 0
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


@LIBS
def test_set_materialize_grads_false_passes_none(lib):
    seen = []

    class NoMat(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append(g2)
            return g1 * 2

    z = lib.ones(2, requires_grad=True)
    NoMat.apply(z)[0].sum().backward()
    assert seen == [None] and z.grad.tolist() == [2.0, 2.0]


@LIBS
def test_trailing_none_gradients_are_accepted(lib):
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None, None

    y = lib.ones(2, requires_grad=True)
    Scale.apply(y, 3).sum().backward()
    assert y.grad.tolist() == [3.0, 3.0]


def _bad(lib, kind):
    class Bad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return (x * k).sum() if kind == "shape" else x * k

        @staticmethod
        def backward(ctx, g):
            if kind == "count":
                return (g,)
            if kind == "position":
                return g, g
            return lib.ones(5), None

    x = lib.ones(2, 3, requires_grad=True)
    Bad.apply(x, 3).sum().backward()


@pytest.mark.parametrize("kind,message", [
    ("count", "returned an incorrect number of gradients (expected 2, got 1)"),
    ("position", "returned a gradient different than None at position 2, but the corresponding "
                 "forward input was not a Variable"),
    ("shape", "BadBackward returned an invalid gradient at index 0 - got [5] but expected shape "
              "compatible with [2, 3]"),
])
def test_bad_backward_results_raise_like_torch(kind, message):
    for lib in (torch, torsh):
        with pytest.raises(RuntimeError) as info:
            _bad(lib, kind)
        assert message in str(info.value), (lib.__name__, str(info.value))
