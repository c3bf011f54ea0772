"""Advanced indexing against torch: any mix of ints, slices, None, Ellipsis, bool masks and
several index tensors in one subscript (where the broadcast dims go), get and set, index_put_
with accumulate, gradients, and errors."""
import numpy as np
import pytest
import torch

import torsh
from oracle import check


def T(m, v, **k):
    return m.tensor(v, **k)


# Each case: a function of (library, x) giving the subscript.
CASES = {
    "two_adjacent": lambda m, x: (T(m, [0, 1, 1]), T(m, [2, 0, 1])),
    "two_broadcast": lambda m, x: (T(m, [[0], [1]]), T(m, [0, 2, 1])),
    "three": lambda m, x: (T(m, [1, 0]), T(m, [2, 1]), T(m, [3, 0])),
    "non_adjacent": lambda m, x: (T(m, [0, 1]), slice(None), T(m, [3, 1])),
    "non_adjacent_bcast": lambda m, x: (T(m, [[0], [1]]), slice(1, 3), T(m, [3, 1, 0])),
    "slice_then_two": lambda m, x: (slice(None), T(m, [0, 2]), T(m, [1, 3])),
    "int_between": lambda m, x: (T(m, [1, 0]), 1, T(m, [2, 3])),
    "int_first": lambda m, x: (1, T(m, [2, 0]), T(m, [3, 3])),
    "none_before": lambda m, x: (None, T(m, [1, 0]), slice(None), T(m, [0, 2])),
    "ellipsis_tensor": lambda m, x: (Ellipsis, T(m, [0, 3])),
    "tensor_ellipsis_tensor": lambda m, x: (T(m, [1, 0]), Ellipsis, T(m, [0, 3])),
    "mask_and_tensor": lambda m, x: (T(m, [True, False]), T(m, [2, 0])),
    "mask_2d_and_tensor": lambda m, x: (x.sum(-1) > 20, T(m, [0, 3, 1, 2, 0, 1])[:int((x.sum(-1) > 20).sum())]),
    "zero_dim_index": lambda m, x: (T(m, 1), slice(None), T(m, [0, 1])),
    "negative": lambda m, x: (T(m, [-1, -2]), T(m, [-3, 0])),
    "lists": lambda m, x: ([0, 1], [1, 2]),
    "empty": lambda m, x: (T(m, [], dtype=m.int64), T(m, [], dtype=m.int64)),
    "out_of_range": lambda m, x: (T(m, [0, 2]), T(m, [0, 0])),
    "bad_broadcast": lambda m, x: (T(m, [0, 1]), T(m, [0, 1, 2])),
    "too_many": lambda m, x: (T(m, [0]), T(m, [0]), T(m, [0]), T(m, [0])),
    # Python bools are advanced indices over a new dim: they broadcast with each other and with
    # index tensors (found by tests/fuzz).
    "bools": lambda m, x: (False, True),
    "bool_true": lambda m, x: True,
    "bool_and_list": lambda m, x: ([], False),
    "bool_between": lambda m, x: (slice(None), True, [0, 1]),
    "bool_int": lambda m, x: (1, True, slice(None), T(m, [2, 0])),
}


def base(m):
    return m.from_numpy(np.arange(24, dtype=np.float64).reshape(2, 3, 4))


@pytest.mark.parametrize("case", sorted(CASES))
def test_getitem(case):
    def get(m):
        x = base(m)
        return x[CASES[case](m, x)]
    check("getitem " + case, lambda: get(torch), lambda: get(torsh), ())


@pytest.mark.parametrize("case", sorted(CASES))
def test_setitem_scalar_and_tensor(case):
    def put_scalar(m):
        x = base(m)
        x[CASES[case](m, x)] = -1.0
        return x

    def put_tensor(m):
        x = base(m)
        idx = CASES[case](m, x)
        shape = x[idx].shape
        x[idx] = m.arange(float(np.prod(shape)), dtype=m.float64).reshape(shape) * -1
        return x
    check("setitem scalar " + case, lambda: put_scalar(torch), lambda: put_scalar(torsh), ())
    if case not in ("out_of_range", "bad_broadcast", "too_many"):
        check("setitem tensor " + case, lambda: put_tensor(torch), lambda: put_tensor(torsh), ())


def test_setitem_broadcast_value_and_dtype():
    def f(m):
        x = base(m)
        x[T(m, [0, 1]), :, T(m, [1, 2])] = T(m, [7, 8, 9], dtype=m.float64)  # value broadcast
        x[x > 20] = T(m, [[5.0]], dtype=m.float64)  # leading 1 dims dropped
        x[T(m, [1])] = 3  # Python scalars take the tensor's dtype
        return x
    check("setitem broadcast", lambda: f(torch), lambda: f(torsh), ())

    def other_dtype(m):
        x = base(m)
        x[T(m, [0, 1]), :, T(m, [1, 2])] = T(m, [7, 8, 9], dtype=m.int32)
    check("setitem value of another dtype", lambda: other_dtype(torch), lambda: other_dtype(torsh), ())

    def bad(m):
        x = base(m)
        x[T(m, [0, 1]), T(m, [0, 1])] = m.ones(3, 3, dtype=m.float64)
    check("setitem bad value shape", lambda: bad(torch), lambda: bad(torsh), ())


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_(accumulate):
    def f(m):
        x = base(m)
        idx = (T(m, [0, 1, 0, 0]), T(m, [2, 0, 2, 2]))
        vals = m.ones(4, 4, dtype=m.float64) * T(m, [[1.0], [2.0], [3.0], [4.0]])
        x.index_put_(idx, vals, accumulate=accumulate)
        y = x.index_put((T(m, [1]),), T(m, 0.5, dtype=m.float64))
        return x if not accumulate else (x, y)
    check("index_put_", lambda: f(torch), lambda: f(torsh), ())


def test_augmented_assignment():
    def f(m):
        x = base(m)
        idx = T(m, [0, 1, 1])
        x[idx, T(m, [0, 0, 2])] += 100.0
        return x
    check("x[i, j] += v", lambda: f(torch), lambda: f(torsh), ())


def test_gradients_through_several_indices():
    def f(m):
        x = m.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
        y = x[T(m, [0, 1, 1]), :, T(m, [3, 0, 3])]  # non-adjacent: broadcast dim first
        z = x[:, T(m, [[0], [2]]), T(m, [1, 1, 2])]  # adjacent, broadcast 2x3
        w = x * 1.0
        w[T(m, [1, 0]), T(m, [2, 2])] = x[0, 0, :2].reshape(2, 1) * 3  # index_put_ on a non-leaf
        (y.pow(2).sum() + z.sum() + w.sum()).backward()
        return x.grad
    a, b = f(torch), f(torsh)
    np.testing.assert_allclose(b.numpy(), a.numpy())


def test_gradient_names():
    xt = torch.ones(3, 4, requires_grad=True)
    xs = torsh.ones(3, 4, requires_grad=True)
    assert xs[torsh.tensor([0, 2]), torsh.tensor([1, 1])].grad_fn.name() == \
        type(xt[torch.tensor([0, 2]), torch.tensor([1, 1])].grad_fn).__name__
    assert xs.index_put((torsh.tensor([0]),), torsh.tensor(1.0)).grad_fn.name() == \
        type(xt.index_put((torch.tensor([0]),), torch.tensor(1.0)).grad_fn).__name__


def test_index_tensor_not_mutated():
    """Negative entries are wrapped inside the kernel, never written back into the index."""
    for m in (torch, torsh):
        x = m.arange(10.0)
        b = m.tensor([-1, -3, 2])
        x[b]
        x[b] = 0.0
        assert b.tolist() == [-1, -3, 2]


def test_gradcheck_index_and_index_put():
    torsh.manual_seed(0)
    x = torsh.rand(3, 4, dtype=torsh.float64, requires_grad=True)
    v = torsh.rand(2, dtype=torsh.float64, requires_grad=True)
    i, j = torsh.tensor([0, 2]), torsh.tensor([3, 1])
    assert torsh.autograd.gradcheck(lambda a: a[i, :, None][:, j], (x,))
    assert torsh.autograd.gradcheck(lambda a, b: a.index_put((i, j), b, accumulate=True), (x, v))
    assert torsh.autograd.gradcheck(lambda a, b: a.index_put((i, j), b), (x, v))
    assert torsh.autograd.gradgradcheck(lambda a: (a[i, j] ** 2), (x,))


def test_tensor_of_a_tensor_is_detached():
    # torch.tensor(t) copies outside the graph (found by tests/fuzz).
    for m in (torch, torsh):
        src = m.ones(2, requires_grad=True)
        r = m.tensor(src)
        assert not r.requires_grad and r.is_leaf and r.grad_fn is None
        assert m.tensor(src, requires_grad=True).requires_grad
