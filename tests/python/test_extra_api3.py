"""The *_copy view copies, as_strided_ / as_strided_scatter, torch.fill, conj_physical_, the
resize family, Tensor.new, native_dropout / native_group_norm / native_norm / norm_except_dim,
the removed legacy linalg functions, and the aten forms of embedding_bag and ctc_loss, against
torch 1.13 (values, dtypes, layouts, gradients, errors)."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from conftest import record

rng = np.random.default_rng(33)


def _grad_of(L, outs, inputs):
    loss = sum((o * L.tensor(np.cos(np.arange(o.numel())).reshape(tuple(o.shape)),
                             dtype=o.dtype)).sum()
               for o in outs if o.is_floating_point())
    return [g.numpy() for g in L.autograd.grad(loss, inputs)]


def both(fn, *arrays, grad=True, tol=1e-6, strides=True):
    """fn(L, *tensors) in torch and torsh: the outputs (values, dtypes, shapes, strides) and
    the gradients of a weighted sum of them agree."""
    res = []
    for L in (torch, torsh):
        ts = [L.tensor(a, requires_grad=grad and np.asarray(a).dtype.kind == "f")
              for a in arrays]
        out = fn(L, *ts)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        gs = _grad_of(L, outs, [t for t in ts if t.requires_grad]) if grad else []
        res.append(([o.detach().numpy() for o in outs], [o.stride() for o in outs], gs))
    record("extra api3")
    (a, sa, ga), (b, sb, gb) = res
    assert len(a) == len(b)
    if strides:
        assert sa == sb, (sa, sb)
    for u, v in zip(a + ga, b + gb):
        assert u.shape == v.shape and u.dtype == v.dtype, (u.shape, v.shape, u.dtype, v.dtype)
        np.testing.assert_allclose(v, u, rtol=tol, atol=tol)


def same_error(fn, exc=RuntimeError, match=None):
    """Both libraries raise `exc`; torsh's message names the op (`match`)."""
    with pytest.raises(exc):
        fn(torch)
    with pytest.raises(exc, match=match):
        fn(torsh)


X = rng.standard_normal((3, 4)).astype(np.float32)
X3 = rng.standard_normal((2, 3, 4)).astype(np.float32)

COPIES = [
    ("alias_copy", lambda L, t: L.alias_copy(t)),
    ("as_strided_copy", lambda L, t: L.as_strided_copy(t, (2, 2), (1, 3), 1)),
    ("as_strided_copy_view", lambda L, t: L.as_strided_copy(t.t(), (2, 2), (1, 2))),
    ("diagonal_copy", lambda L, t: L.diagonal_copy(t, 1)),
    ("diagonal_copy_dims", lambda L, t: L.diagonal_copy(t, dim1=1, dim2=0, offset=-1)),
    ("expand_copy", lambda L, t: L.expand_copy(t[:, :1], (3, 5))),
    ("permute_copy", lambda L, t: L.permute_copy(t, (1, 0))),
    ("select_copy", lambda L, t: L.select_copy(t, 1, -1)),
    ("slice_copy", lambda L, t: L.slice_copy(t, 1, 1, None, 2)),
    ("slice_copy_neg", lambda L, t: L.slice_copy(t, -1, -3, 100, 1)),
    ("split_copy", lambda L, t: L.split_copy(t, 3, 1)),
    ("split_with_sizes_copy", lambda L, t: L.split_with_sizes_copy(t, [1, 2], 0)),
    ("squeeze_copy", lambda L, t: L.squeeze_copy(t[:1, None])),
    ("squeeze_copy_dim", lambda L, t: L.squeeze_copy(t[:1, None], 1)),
    ("t_copy", lambda L, t: L.t_copy(t)),
    ("transpose_copy", lambda L, t: L.transpose_copy(t, 0, 1)),
    ("unbind_copy", lambda L, t: L.unbind_copy(t, 1)),
    ("unfold_copy", lambda L, t: L.unfold_copy(t, 1, 2, 1)),
    ("unsqueeze_copy", lambda L, t: L.unsqueeze_copy(t, -1)),
    ("view_copy", lambda L, t: L.view_copy(t, (2, -1))),
    ("view_copy_nonviewable", lambda L, t: L.view_copy(t.t(), (12,))),
    ("view_as_real_copy", lambda L, t: L.view_as_real_copy(L.view_as_complex(t.reshape(6, 2)))),
]


@pytest.mark.parametrize("name,fn", COPIES, ids=[c[0] for c in COPIES])
def test_view_copies(name, fn):
    both(fn, X)


@pytest.mark.parametrize("name,fn", [("permute3", lambda L, t: L.permute_copy(t, (2, 0, 1))),
                                     ("transpose3", lambda L, t: L.transpose_copy(t, 0, 2)),
                                     ("diag3", lambda L, t: L.diagonal_copy(t, 0, 1, 2)),
                                     ("select3", lambda L, t: L.select_copy(t, 2, 1))])
def test_view_copies_3d(name, fn):
    both(fn, X3)


def test_view_copy_dtype_and_complex():
    both(lambda L, t: L.view_copy(t, L.int32), X, grad=False)
    c = (rng.standard_normal(5) + 1j * rng.standard_normal(5)).astype(np.complex64)
    both(lambda L, t: L.view_as_real_copy(t), c, grad=False)
    both(lambda L, t: L.view_as_complex_copy(t), X.reshape(6, 2), grad=False)


@pytest.mark.parametrize("name", ["t_copy", "permute_copy", "select_copy", "expand_copy",
                                  "unbind_copy", "split_copy", "view_copy"])
def test_copies_do_not_alias(name):
    fn = dict(COPIES)[name]
    x = torsh.tensor(X)
    out = fn(torsh, x)
    outs = list(out) if isinstance(out, tuple) else [out]
    before = [o.clone() for o in outs]
    x.add_(100.0)
    for o, b in zip(outs, before):
        assert torsh.equal(o, b)


def test_copy_out():
    for L in (torch, torsh):
        x = L.tensor(X)
        o = L.empty(4, 3, dtype=L.float64)
        assert L.t_copy(x, out=o) is o and o.dtype == L.float64
        np.testing.assert_allclose(o.numpy(), X.T, rtol=1e-6)
        o = L.zeros(2, 4, 3)  # out broadcasts the result, as torch 1.13's copy_ does
        L.t_copy(x, out=o)
        np.testing.assert_allclose(o.numpy(), np.broadcast_to(X.T, (2, 4, 3)), rtol=1e-6)
        o = L.empty(3, dtype=L.int64)
        L.select_copy(x, 1, 0, out=o)
        np.testing.assert_array_equal(o.numpy(), X[:, 0].astype(np.int64))
        outs = [L.empty(3, 2), L.empty(3, 2)]
        assert L.split_copy(x, 2, 1, out=outs) is None
        np.testing.assert_allclose(outs[1].numpy(), X[:, 2:], rtol=1e-6)
        outs = [L.empty(4) for _ in range(3)]
        assert L.unbind_copy(x, 0, out=outs) is None
        np.testing.assert_allclose(outs[2].numpy(), X[2], rtol=1e-6)
    record("extra api3")


def test_copy_errors():
    same_error(lambda L: L.t_copy(L.tensor(X), out=L.empty(1, 3)), match="t_copy|shape")
    same_error(lambda L: L.t_copy(L.tensor(X, requires_grad=True), out=L.empty(4, 3)),
               match="t_copy")
    same_error(lambda L: L.permute_copy(L.tensor(X), (0, 1), out=L.empty(3, 4,
                                                                         requires_grad=True)),
               match="permute_copy")
    same_error(lambda L: L.split_copy(L.tensor(X), 2, 1, out=[L.empty(3, 2)]),
               match="split_copy")
    same_error(lambda L: L.unbind_copy(L.tensor(X), 0, out=[L.empty(4)]), match="unbind_copy")
    same_error(lambda L: L.split_with_sizes_copy(L.tensor(X), [1, 1], 0),
               match="split_with_sizes")
    same_error(lambda L: L.select_copy(L.tensor(X), 1, 9), IndexError, match="select")
    same_error(lambda L: L.select_copy(L.tensor(X), 2, 0), IndexError, match="range")
    same_error(lambda L: L.t_copy(L.tensor(X3)), match="t")
    same_error(lambda L: L.view_as_real_copy(L.tensor(X)), match="view_as_real")
    same_error(lambda L: L.view_as_complex_copy(L.tensor(X)), match="view_as_complex|2")
    same_error(lambda L: L.view_copy(L.tensor(X), (5,)), match="view|shape|reshape")
    same_error(lambda L: L.expand_copy(L.tensor(X), (2, 4)), match="expand")
    same_error(lambda L: L.slice_copy(L.tensor(X), 0, 0, 2, 0), match="slice_copy")
    same_error(lambda L: L.as_strided_copy(L.tensor(X), (4, 4), (4, 1)),
               match="as_strided|storage|bounds")
    same_error(lambda L: L.split_copy(L.tensor(X), [1, 2]), TypeError, match="split_copy")
    same_error(lambda L: L.split_with_sizes_copy(L.tensor(X), 2), TypeError,
               match="split_with_sizes_copy")
    same_error(lambda L: L.squeeze_copy(L.tensor(X), (0, 1)), TypeError, match="squeeze_copy")


def test_detach_copy():
    both(lambda L, t: L.detach_copy(t), X, grad=False)
    for L in (torch, torsh):
        x = L.tensor(X, requires_grad=True)
        y = L.detach_copy(x)
        assert y.requires_grad and y.grad_fn is not None  # torch 1.13: no derivative
        with pytest.raises(RuntimeError, match="detach_copy"):
            y.sum().backward()
        o = L.empty(3, 4)
        assert L.detach_copy(x, out=o) is o  # out= allowed here
    record("extra api3")


# ---- as_strided_, as_strided_scatter, fill, conj_physical_, resize ---------------------------

def test_as_strided_inplace():
    for L in (torch, torsh):
        y = L.arange(12.).reshape(3, 4)
        r = L.as_strided_(y, (2, 2), (1, 3), 1)
        assert r is y and y.stride() == (1, 3) and y.storage_offset() == 1
        np.testing.assert_array_equal(y.numpy(), [[1., 4.], [2., 5.]])
        y = L.arange(12.).reshape(3, 4)
        assert y.as_strided_((2, 2), (1, 3)) is y
        np.testing.assert_array_equal(y.numpy(), [[0., 3.], [1., 4.]])
        with pytest.raises(RuntimeError, match="leaf"):
            L.tensor(X, requires_grad=True).as_strided_((2, 2), (1, 2))
        with pytest.raises(RuntimeError):
            L.as_strided_(L.tensor(X), (4, 4), (4, 1))
    record("extra api3")
    both(lambda L, t: (t * 2).as_strided_((2, 2), (1, 3), 1), X)
    both(lambda L, t: (t * 2)[1:].as_strided_((3, 2), (2, 3)), X)


def test_as_strided_scatter():
    src = rng.standard_normal((2, 2)).astype(np.float32)
    both(lambda L, t, s: L.as_strided_scatter(t, s, (2, 2), (1, 3), 1), X, src, grad=False)
    both(lambda L, t, s: L.as_strided_scatter(t.t(), s, (2, 2), (1, 3), 1), X, src,
         grad=False)
    both(lambda L, t, s: t.as_strided_scatter(s, (2, 2), (1, 3)), X, src, grad=False)
    # gradients: src's from torch; input's is zero where src was written (torch 1.13's
    # input gradient there reads uninitialised memory, so it is checked by hand)
    w = np.cos(np.arange(12)).reshape(3, 4).astype(np.float32)
    grads = []
    for L in (torch, torsh):
        x, s = L.tensor(X, requires_grad=True), L.tensor(src, requires_grad=True)
        (L.as_strided_scatter(x, s, (2, 2), (1, 3), 1) * L.tensor(w)).sum().backward()
        grads.append((x.grad.numpy(), s.grad.numpy()))
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-6)
    expect = w.copy().reshape(-1)
    expect[[1, 2, 4, 5]] = 0
    np.testing.assert_allclose(grads[1][0], expect.reshape(3, 4), rtol=1e-6)
    same_error(lambda L: L.as_strided_scatter(L.tensor(X), L.ones(3), (2, 2), (1, 3), 1),
               match="as_strided_scatter")


def test_fill():
    both(lambda L, t: L.fill(t, 3), X, strides=False)
    both(lambda L, t: L.fill(t.t(), 2.5), X)
    both(lambda L, t, v: L.fill(t, v), X, np.float32(1.5))
    both(lambda L, t: L.fill(t, 2.7), np.arange(3), grad=False)
    both(lambda L, t: L.fill(t, L.tensor(2, dtype=L.int64)), X)
    same_error(lambda L: L.fill(L.tensor(X), L.ones(2)), match="fill")
    for L in (torch, torsh):
        assert L.fill(L.tensor(X, requires_grad=True), 1.0).requires_grad
        assert not hasattr(L.tensor(X), "fill")


def test_conj_physical_():
    c = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
    for L in (torch, torsh):
        t = L.tensor(c)
        assert L.conj_physical_(t) is t
        np.testing.assert_array_equal(t.numpy(), np.conj(c))
        t = L.tensor(c)
        assert t.conj_physical_() is t
        np.testing.assert_array_equal(t.numpy(), np.conj(c))
        r = L.tensor(X)
        assert L.conj_physical_(r) is r
        np.testing.assert_array_equal(r.numpy(), X)
    record("extra api3")


def test_resize_as_():
    for L in (torch, torsh):
        y = L.arange(12.).reshape(3, 4)
        assert L.resize_as_(y, L.zeros(2, 2, dtype=L.int64)) is y
        np.testing.assert_array_equal(y.numpy(), [[0., 1.], [2., 3.]])
        y = L.arange(12.).reshape(3, 4)
        assert y.resize_as_(L.zeros(2, 3, 4, 5).to(memory_format=L.channels_last),
                            memory_format=L.preserve_format) is y
        assert y.stride() == (60, 1, 15, 3)
        for tmpl, fmt, st in [((3, 4), None, (1, 4)), ((3, 4), L.preserve_format, (3, 1)),
                              ((3, 4), L.contiguous_format, (3, 1)), ((2, 6), None, (2, 1))]:
            y = L.arange(12.).reshape(3, 4).t()  # (4, 3) with strides (1, 4)
            kw = {} if fmt is None else {"memory_format": fmt}
            L.resize_as_(y, L.zeros(tmpl).t(), **kw)
            assert y.stride() == st, (tmpl, fmt, y.stride())
        y = L.zeros(1, 2, 3, 2)
        L.resize_as_(y, L.zeros(1, 2, 3, 2).to(memory_format=L.channels_last),
                     memory_format=L.channels_last)
        assert y.stride() == (12, 1, 4, 2)
        y = L.arange(12.).reshape(3, 4)
        L.resize_as_(y, L.zeros(2, 3, 4, 5).to(memory_format=L.channels_last))
        assert y.stride() == (60, 20, 5, 1)
        with pytest.raises(RuntimeError, match="require grad"):
            L.resize_as_(L.tensor(X, requires_grad=True), L.zeros(2))
    record("extra api3")


@pytest.mark.filterwarnings("ignore:non-inplace resize")
def test_tensor_resize():
    both(lambda L, t: t.resize(2, 6), X)
    both(lambda L, t: t.t().resize(12), X)
    both(lambda L, t: t.resize_as(L.zeros(6, 2)), X)
    for L in (torch, torsh):
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            L.tensor(X).resize(4, 3)
        with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
            L.tensor(X).resize_as(L.zeros(12))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for bad in [(13,), ((2, 6),), (-1,)]:
                with pytest.raises(RuntimeError, match="resize"):
                    L.tensor(X).resize(*bad)
    record("extra api3")


def test_tensor_new():
    x64 = np.arange(6.).reshape(2, 3)
    for L in (torch, torsh):
        x = L.tensor(x64)
        r = x.new()
        assert r.shape == (0,) and r.dtype == L.float64
        assert x.new(2, 3).shape == (2, 3) and x.new(2, 3).dtype == L.float64
        assert x.new(L.Size([4, 1])).shape == (4, 1)
        assert x.new(L.Size([])).shape == ()
        np.testing.assert_array_equal(x.new((2, 3)).numpy(), [2., 3.])
        np.testing.assert_array_equal(x.new([[1, 2], [3, 4]]).numpy(), [[1., 2.], [3., 4.]])
        assert x.new(()).shape == (0,)
        np.testing.assert_array_equal(x.new(np.array([1, 2])).numpy(), [1., 2.])
        assert x.new([1, 2], device="cpu").dtype == L.float64
        i = L.arange(3).new([1.5, 2.7])
        assert i.dtype == L.int64 and i.tolist() == [1, 2]
        assert L.tensor([True]).new([1, 0]).dtype == L.bool
        a = x.new(x)  # an alias
        a[0, 0] = 42.0
        assert x[0, 0].item() == 42.0
        g = L.ones(2, requires_grad=True)
        assert g.new(g).requires_grad and not g.new(2).requires_grad
        with pytest.raises(TypeError):
            x.new(L.arange(4))
        with pytest.raises(TypeError, match="new"):
            x.new(2.5)
        with pytest.raises(TypeError, match="new"):
            x.new("a")
        with pytest.raises(TypeError, match="new"):
            x.new(None)
        with pytest.raises(TypeError, match="new"):
            x.new(2, 3.5)
        with pytest.raises(TypeError):
            x.new(2, dtype=L.float32)
        with pytest.raises(RuntimeError, match="negative dimension"):
            x.new(-1)
    record("extra api3")


# ---- native_* ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("p,train", [(0.5, True), (0.3, None), (0.3, False), (1.0, True),
                                     (0.0, True)])
def test_native_dropout(dtype, p, train):
    x = rng.standard_normal((4, 5)).astype(dtype)
    res = []
    for L in (torch, torsh):
        L.manual_seed(7)
        t = L.tensor(x, requires_grad=True)
        out, mask = L.native_dropout(t, p, train)
        assert mask.dtype == L.bool and out.dtype == t.dtype
        out.backward(L.tensor(np.cos(np.arange(20)).reshape(4, 5).astype(dtype)))
        res.append((out.detach().numpy(), mask.numpy(), t.grad.numpy(), L.rand(1).item()))
    record("extra api3")
    (o1, m1, g1, r1), (o2, m2, g2, r2) = res
    np.testing.assert_array_equal(m2, m1)
    np.testing.assert_allclose(o2, o1, rtol=1e-6)
    np.testing.assert_allclose(g2, g1, rtol=1e-6)
    assert r1 == r2  # the generator advanced alike


def test_native_dropout_edges():
    for L in (torch, torsh):
        e = L.empty(0, 3)
        o, m = L.native_dropout(e, 0.5, True)
        assert o is e and m.shape == (0, 3)
        x = L.tensor(X)
        o, m = L.native_dropout(x, 0.5, False)
        assert o is not x and bool(m.all())
    record("extra api3")
    same_error(lambda L: L.native_dropout(L.tensor(X), 1.5, True), match="native_dropout")
    same_error(lambda L: L.native_dropout(L.tensor(X), -0.5, True), match="native_dropout")
    same_error(lambda L: L.native_dropout(L.arange(6), 0.5, True), match="cast|Long")


@pytest.mark.parametrize("shape,group", [((2, 6, 3), 3), ((3, 4, 2, 2), 2), ((2, 4), 4)])
@pytest.mark.parametrize("affine", [True, False])
def test_native_group_norm(shape, group, affine):
    x = rng.standard_normal(shape)
    C = shape[1]
    HxW = int(np.prod(shape[2:]))
    arrays = [x] + ([rng.standard_normal(C), rng.standard_normal(C)] if affine else [])

    def fn(L, t, *wb):
        w, b = wb if wb else (None, None)
        return L.native_group_norm(t, w, b, shape[0], C, HxW, group, 1e-5)
    both(fn, *arrays, tol=1e-9, strides=False)
    if HxW * C // group > 1:  # one-element groups cancel badly in float
        both(lambda L, t, *wb: fn(L, t.float(), *[v.float() for v in wb]), *arrays, tol=2e-5,
             strides=False)


def test_native_group_norm_layouts():
    x = rng.standard_normal((2, 6, 3, 4))
    both(lambda L, t: L.native_group_norm(t.contiguous(memory_format=L.channels_last), None,
                                          None, 2, 6, 12, 3, 1e-5), x, tol=1e-9)
    same_error(lambda L: L.native_group_norm(L.tensor(x).transpose(2, 3), None, None, 2, 6, 12,
                                             3, 1e-5), match="native_group_norm.*contiguous")


def test_native_group_norm_errors():
    x = lambda L: L.tensor(X3)  # noqa: E731
    same_error(lambda L: L.native_group_norm(x(L), None, None, 2, 3, 4, 2, 1e-5),
               match="native_group_norm.*divisible")
    same_error(lambda L: L.native_group_norm(x(L), None, None, 2, 3, 5, 3, 1e-5),
               match="native_group_norm.*numel")
    same_error(lambda L: L.native_group_norm(x(L), L.ones(5), None, 2, 3, 4, 3, 1e-5),
               match="native_group_norm.*weight")
    same_error(lambda L: L.native_group_norm(x(L).double(), L.ones(3), None, 2, 3, 4, 3, 1e-5),
               match="native_group_norm.*Double")
    same_error(lambda L: L.native_group_norm(L.ones(2, 3, 4, dtype=L.int64), None, None, 2, 3,
                                             4, 3, 1e-5), match="native_group_norm.*Long")


def test_native_norm_is_sparse_only():
    for args in [(), (3,), (2, [1], True, None)]:
        same_error(lambda L: L.native_norm(L.tensor(X), *args), NotImplementedError,
                   match="native_norm")


@pytest.mark.parametrize("pow,dim", [(2, 0), (2, 1), (3, 2), (2, -1), (1, 0), (0, 0), (2, -2),
                                     (2, -3)])
def test_norm_except_dim(pow, dim):
    # torch has no gradient for the 0-"norm" (a count)
    both(lambda L, t: L.norm_except_dim(t, pow, dim), X3.astype(np.float64) + 0.5, tol=1e-9,
         grad=pow != 0)


def test_norm_except_dim_errors():
    same_error(lambda L: L.norm_except_dim(L.tensor(X3), 2, 5), IndexError, match="range")
    same_error(lambda L: L.norm_except_dim(L.arange(6).reshape(2, 3)),
               match="norm|floating")


# ---- removed legacy linear algebra -------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda L, a, b: L.solve(b, a), lambda L, a, b: b.solve(a),
    lambda L, a, b: L.eig(a), lambda L, a, b: a.eig(True),
    lambda L, a, b: L.lstsq(b, a), lambda L, a, b: b.lstsq(a),
    lambda L, a, b: L.matrix_rank(a)])
def test_removed_linalg(call):
    msgs = []
    for L in (torch, torsh):
        a, b = L.tensor(X[:3, :3]), L.tensor(X[:, :2])
        with pytest.raises(RuntimeError) as info:
            call(L, a, b)
        msgs.append(str(info.value))
    record("extra api3")
    assert msgs[0] == msgs[1] and "torch.linalg." in msgs[1]


@pytest.mark.parametrize("eigenvectors,upper", [(True, True), (True, False), (False, True),
                                                (False, False)])
def test_symeig(eigenvectors, upper):
    a = rng.standard_normal((2, 4, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both(lambda L, t: tuple(L.symeig(t, eigenvectors, upper)), a, tol=1e-9,
             grad=False, strides=False)
        both(lambda L, t: tuple(t.symeig(eigenvectors=eigenvectors, upper=upper)), a[0],
             tol=1e-9, grad=False, strides=False)
        if eigenvectors:  # eigenvalues and |eigenvectors| of symmetric input differentiate
            both(lambda L, t: (lambda r: (r[0], r[1].abs()))(L.symeig(t + t.mT, True, upper)),
                 a, tol=1e-8, strides=False)


def test_symeig_details():
    a = rng.standard_normal((3, 3))
    for L in (torch, torsh):
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("ignore")
            r = L.symeig(L.tensor(a))
            assert type(r).__name__ == "symeig" and r.eigenvectors.shape == (0,)
            out = (L.empty(0, dtype=L.float64), L.empty(0, dtype=L.float64))
            r = L.symeig(L.tensor(a), True, out=out)
            assert r.eigenvalues is out[0] and out[1].shape == (3, 3)
            t = L.tensor(a + a.T, requires_grad=True)
            e = L.symeig(t).eigenvalues
            with pytest.raises(RuntimeError, match="symeig.*eigvalsh"):
                e.sum().backward()
            with pytest.raises(RuntimeError, match="symeig"):
                L.symeig(L.zeros(2, 3))
            with pytest.raises(RuntimeError, match="symeig"):
                L.symeig(L.zeros(3))
            with pytest.raises(RuntimeError, match="symeig"):
                L.symeig(L.zeros(3, 3, dtype=L.int64))
    record("extra api3")


def test_symeig_warns_once():
    from torsh import _extra_api3
    _extra_api3._SYMEIG_WARNED.clear()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torsh.symeig(torsh.eye(2))
        torsh.symeig(torsh.eye(2))
    msgs = [str(x.message) for x in w if "symeig" in str(x.message)]
    assert len(msgs) == 1 and "torch.linalg.eigh" in msgs[0]


# ---- embedding_bag / ctc_loss ------------------------------------------------------------------

W = rng.standard_normal((6, 3)).astype(np.float32)
IDX = np.array([1, 2, 4, 5, 4, 3, 2, 0])


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("kw", [dict(offsets=[0, 2, 2, 5]), dict(offsets=[0, 2, 2, 5],
                                                                 padding_idx=2),
                                dict(offsets=[0, 2, 2, 5, 8], include_last_offset=True),
                                dict(offsets=[0, 3], padding_idx=-2),
                                dict(offsets=[0, 2, 2, 5], dtype="float64")])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_embedding_bag(mode, kw, requires_grad):
    kw = dict(kw)
    w = W.astype(kw.pop("dtype", "float32"))
    res = []
    for L in (torch, torsh):
        weight = L.tensor(w, requires_grad=requires_grad)
        outs = L.embedding_bag(weight, L.tensor(IDX), L.tensor(kw["offsets"]), False, mode,
                               False, None, kw.get("include_last_offset", False),
                               kw.get("padding_idx"))
        assert len(outs) == 4
        grads = []
        if requires_grad:
            outs[0].backward(L.tensor(np.cos(np.arange(outs[0].numel())).reshape(
                tuple(outs[0].shape)), dtype=outs[0].dtype))
            grads = [weight.grad.numpy()]
        res.append(([o.detach().numpy() for o in outs], grads))
    record("extra api3")
    (a, ga), (b, gb) = res
    for u, v in zip(a + ga, b + gb):
        assert u.shape == v.shape and u.dtype == v.dtype, (u.shape, v.shape)
        np.testing.assert_allclose(v, u, rtol=1e-6, atol=1e-6)


def test_embedding_bag_variants():
    psw = rng.random(8).astype(np.float32)
    for args in [(False, 0, False, psw), (False, 1, False, None)]:
        both(lambda L, w, i, o, *p: L.embedding_bag(w, i, o, *args[:3], *(p or [None])),
             W, IDX, np.array([0, 2, 2, 5]), *([args[3]] if args[3] is not None else []),
             grad=False)
    # int32 indices and offsets keep their dtype; mixed ones are promoted to int64
    both(lambda L, w, i, o: L.embedding_bag(w, i.int(), o.int(), False, 1, False, None), W, IDX,
         np.array([0, 2, 2, 5]), grad=False)
    both(lambda L, w, i, o: L.embedding_bag(w, i, o.int(), False, 2, False, None), W, IDX,
         np.array([0, 2, 2, 5]), grad=False)
    same_error(lambda L: L.embedding_bag(L.tensor(W), L.tensor(IDX), L.tensor([0, 2]), False, 1,
                                         False, L.ones(8)), match="embedding_bag")
    same_error(lambda L: L.embedding_bag(L.tensor(W), L.tensor(IDX).float(), L.tensor([0, 2]),
                                         False, 1, False, None), match="embedding_bag")
    same_error(lambda L: L.embedding_bag(L.tensor(W), L.tensor(IDX), L.tensor([1, 2]), False, 1,
                                         False, None), match="offsets")


def test_ctc_loss_aten_form():
    T_, N, C = 6, 2, 4
    lp = np.log(rng.dirichlet(np.ones(C), size=(T_, N)))
    tg, il, tl = np.array([[1, 2], [3, 3]]), np.array([6, 5]), np.array([2, 1])
    # torch 1.13's binding: the default reduction acts as none; 1 mean, 2 sum
    for extra in [(), (0, 0), (0, 1), (0, 2, True), (0, 3)]:
        both(lambda L, a, b, c, d: L.ctc_loss(a, b, c, d, *extra), lp, tg, il, tl, tol=1e-8)
    both(lambda L, a, b: L.ctc_loss(a, b, [6, 5], [2, 1], blank=0, reduction=1), lp, tg,
         tol=1e-8)
    both(lambda L, a, b: L.ctc_loss(a[:, 0], b[0], [6], [2]), lp, tg, tol=1e-8)
    same_error(lambda L: L.ctc_loss(L.tensor(lp), L.tensor(tg), L.tensor(il), L.tensor(tl), 0,
                                    "mean"), TypeError, match="ctc_loss")
