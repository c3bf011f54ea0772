"""Autograd through complex tensors, against torch 1.13: gradients follow torch's convention
(grad = dL/d(re z) + i dL/d(im z), the conjugate Wirtinger derivative times 2), real inputs of
complex results get real gradients, and views that change dtype (view_as_real, .real, .imag,
view_as_complex) carry gradients, in place too. Each case computes a real loss from the result
(weighted by fixed complex or real weights) and compares every input's gradient."""
import warnings

import numpy as np
import pytest
import torch

import torsh
from conftest import record

RNG = np.random.default_rng(20261127)


def _c(*shape, away=0.0):
    """Complex128 values; `away` keeps them off the origin (log, rsqrt, angle)."""
    z = RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)
    return z + away * np.sign(z.real + 1e-3)


def _r(*shape):
    return RNG.standard_normal(shape)


# name -> (input arrays, fn(L, *inputs)); the arrays are float64/complex128, made once
CASES = {
    # holomorphic unary
    "neg": ([_c(3, 4)], lambda L, z: -z),
    "exp": ([_c(3, 4)], lambda L, z: L.exp(z)),
    "log": ([_c(3, 4, away=0.5)], lambda L, z: L.log(z)),
    "log2": ([_c(5, away=0.5)], lambda L, z: L.log2(z)),
    "log10": ([_c(5, away=0.5)], lambda L, z: z.log10()),
    "sqrt": ([_c(3, 4, away=0.5)], lambda L, z: L.sqrt(z)),
    "rsqrt": ([_c(5, away=0.5)], lambda L, z: L.rsqrt(z)),
    "reciprocal": ([_c(5, away=0.5)], lambda L, z: L.reciprocal(z)),
    "sin": ([_c(3, 4)], lambda L, z: L.sin(z)),
    "cos": ([_c(3, 4)], lambda L, z: z.cos()),
    "tan": ([_c(5) * 0.5], lambda L, z: L.tan(z)),
    "asin": ([_c(5) * 0.5], lambda L, z: L.asin(z)),
    "acos": ([_c(5) * 0.5], lambda L, z: L.acos(z)),
    "atan": ([_c(5) * 0.5], lambda L, z: L.atan(z)),
    "sinh": ([_c(5)], lambda L, z: L.sinh(z)),
    "cosh": ([_c(5)], lambda L, z: L.cosh(z)),
    "tanh": ([_c(5) * 0.5], lambda L, z: L.tanh(z)),
    "asinh": ([_c(5) * 0.5], lambda L, z: L.asinh(z)),
    "acosh": ([_c(5, away=1.5)], lambda L, z: L.acosh(z)),
    "atanh": ([_c(5) * 0.5], lambda L, z: L.atanh(z)),
    "sigmoid": ([_c(5)], lambda L, z: L.sigmoid(z)),
    "square": ([_c(5)], lambda L, z: L.square(z)),
    "pow2": ([_c(5)], lambda L, z: z ** 2),
    "pow3": ([_c(5)], lambda L, z: L.pow(z, 3)),
    "pow_half": ([_c(5, away=0.5)], lambda L, z: z ** 0.5),
    "pow_neg": ([_c(5, away=0.5)], lambda L, z: z ** -1.5),
    "pow_complex_exp": ([_c(5, away=0.5)], lambda L, z: z ** (1 + 1j)),
    "pow_tensor": ([_c(5, away=0.5), _c(5) * 0.5], lambda L, z, w: z ** w),
    "pow_scalar_base": ([_c(5)], lambda L, z: 2 ** z),
    "pow_complex_base": ([_c(5)], lambda L, z: (1 + 2j) ** z),
    # not holomorphic
    "abs": ([_c(3, 4, away=0.2)], lambda L, z: L.abs(z)),
    "angle": ([_c(3, 4, away=0.2)], lambda L, z: L.angle(z)),
    "sgn": ([_c(3, 4, away=0.2)], lambda L, z: L.sgn(z)),
    "conj": ([_c(3, 4)], lambda L, z: L.conj(z) * z.sin()),
    "conj_physical": ([_c(3, 4)], lambda L, z: L.conj_physical(z)),
    "real": ([_c(3, 4)], lambda L, z: L.real(z * z)),
    "imag": ([_c(3, 4)], lambda L, z: L.imag(z.exp())),
    "real_imag_props": ([_c(3, 4)], lambda L, z: (z * z).real * (z + 1).imag),
    "view_as_real": ([_c(3, 4)], lambda L, z: L.view_as_real(z.exp())),
    "abs_square": ([_c(6)], lambda L, z: (z * z.conj()).real),
    # binary, with real operands too
    "add": ([_c(3, 4), _c(4)], lambda L, z, w: z + w),
    "add_alpha": ([_c(3, 4), _c(3, 4)], lambda L, z, w: L.add(z, w, alpha=2 - 1j)),
    "sub_alpha": ([_c(3, 4), _c(3, 4)], lambda L, z, w: L.sub(z, w, alpha=0.5j)),
    "mul": ([_c(3, 4), _c(3, 1)], lambda L, z, w: z * w),
    "mul_scalar": ([_c(3, 4)], lambda L, z: z * (2 - 3j)),
    "div": ([_c(3, 4), _c(4, away=0.5)], lambda L, z, w: z / w),
    "div_scalar": ([_c(3, 4)], lambda L, z: z / (1 + 1j)),
    "mul_real": ([_c(3, 4), _r(3, 4)], lambda L, z, x: z * x),
    "div_real": ([_r(3, 4), _c(3, 4, away=0.5)], lambda L, x, z: x / z),
    "add_real": ([_r(4), _c(3, 4)], lambda L, x, z: x + z),
    "where": ([_c(3, 4), _c(3, 4), _r(3, 4)], lambda L, z, w, x: L.where(x > 0, z, w)),
    # reductions
    "sum": ([_c(3, 4)], lambda L, z: (z * z).sum()),
    "sum_dim": ([_c(3, 4)], lambda L, z: z.exp().sum(1)),
    "mean": ([_c(3, 4)], lambda L, z: z.sin().mean()),
    "mean_dim": ([_c(3, 4, 2)], lambda L, z: L.mean(z * z, (0, 2), keepdim=True)),
    "var": ([_c(3, 4)], lambda L, z: z.var(1)),
    "std": ([_c(3, 4)], lambda L, z: L.std(z, None, correction=0)),
    "var_mean": ([_c(3, 4)], lambda L, z: L.var_mean(z, 0)[0] * L.var_mean(z, 0)[1]),
    "std_mean": ([_c(3, 4)], lambda L, z: L.std_mean(z, 1, keepdim=True)[0]),
    "norm": ([_c(3, 4)], lambda L, z: z.norm()),
    "norm_p1": ([_c(3, 4, away=0.1)], lambda L, z: z.norm(p=1, dim=0)),
    "vector_norm3": ([_c(3, 4)], lambda L, z: L.linalg.vector_norm(z, 3, dim=1)),
    "vector_norm_inf": ([_c(3, 4)], lambda L, z: L.linalg.vector_norm(z, float("inf"))),
    "matrix_norm": ([_c(3, 4)], lambda L, z: L.linalg.matrix_norm(z)),
    "matrix_norm_1": ([_c(3, 4, away=0.1)], lambda L, z: L.linalg.matrix_norm(z, 1)),
    "normalize": ([_c(3, 4)], lambda L, z: L.nn.functional.normalize(z)),
    "cumsum": ([_c(3, 4)], lambda L, z: z.cumsum(1) * L.cumsum(z, 0)),
    # products
    "mm": ([_c(3, 4), _c(4, 5)], lambda L, a, b: a @ b),
    "mm_transposed": ([_c(4, 3), _c(5, 4)], lambda L, a, b: L.mm(a.t(), b.t())),
    "bmm": ([_c(2, 3, 4), _c(2, 4, 5)], lambda L, a, b: L.bmm(a, b)),
    "matmul_vec": ([_c(3, 4), _c(4)], lambda L, a, v: L.matmul(a, v)),
    "matmul_batch": ([_c(2, 3, 4), _c(4, 2)], lambda L, a, b: a @ b),
    "mv": ([_c(3, 4), _c(4)], lambda L, a, v: L.mv(a, v)),
    "dot": ([_c(4), _c(4)], lambda L, a, b: L.dot(a, b)),
    "vdot": ([_c(4), _c(4)], lambda L, a, b: L.vdot(a, b)),
    "outer": ([_c(3), _c(4)], lambda L, a, b: L.outer(a, b)),
    "inner": ([_c(3, 4), _c(2, 4)], lambda L, a, b: L.inner(a, b)),
    "addmm": ([_c(3, 5), _c(3, 4), _c(4, 5)],
              lambda L, c, a, b: L.addmm(c, a, b, beta=1 - 1j, alpha=0.5 + 2j)),
    "addmv": ([_c(3), _c(3, 4), _c(4)], lambda L, c, a, v: L.addmv(c, a, v, alpha=1j)),
    "addr": ([_c(3, 4), _c(3), _c(4)], lambda L, c, a, b: L.addr(c, a, b, beta=2, alpha=1 + 1j)),
    "baddbmm": ([_c(2, 3, 5), _c(2, 3, 4), _c(2, 4, 5)],
                lambda L, c, a, b: L.baddbmm(c, a, b, alpha=2j)),
    "addbmm": ([_c(3, 5), _c(2, 3, 4), _c(2, 4, 5)],
               lambda L, c, a, b: L.addbmm(c, a, b, beta=0.5j)),
    "einsum": ([_c(2, 3, 4), _c(2, 4, 5)], lambda L, a, b: L.einsum("bij,bjk->bik", a, b)),
    "kron": ([_c(2, 2), _c(2, 3)], lambda L, a, b: L.kron(a, b)),
    "tensordot": ([_c(2, 3, 4), _c(4, 3)], lambda L, a, b: L.tensordot(a, b, ([1, 2], [1, 0]))),
    "trace": ([_c(4, 4)], lambda L, a: L.trace(a * a)),
    # shape and indexing
    "views": ([_c(2, 3, 4)], lambda L, z: z.transpose(0, 2).reshape(4, 6)[1:, ::2].exp()),
    "permute_expand": ([_c(3, 1)], lambda L, z: z.permute(1, 0).expand(4, 3) * 2),
    "cat_stack": ([_c(2, 3), _c(2, 3)], lambda L, a, b: L.stack([L.cat([a, b]), L.cat([b, a])])),
    "flip_roll": ([_c(3, 4)], lambda L, z: L.roll(L.flip(z, [0]), 1, 1) * z),
    "index": ([_c(5, 3)], lambda L, z: z[L.tensor([0, 2, 2, 4])] ** 2),
    "gather": ([_c(3, 4)], lambda L, z: L.gather(z, 1, L.tensor([[0, 0], [1, 3], [2, 1]]))),
    "index_select": ([_c(5, 3)], lambda L, z: L.index_select(z, 0, L.tensor([4, 1, 1]))),
    "masked_fill": ([_c(3, 4), _r(3, 4)], lambda L, z, x: z.masked_fill(x.detach() > 0, 1j) * x),
    "tril_diag": ([_c(4, 4)], lambda L, z: L.tril(z) + L.diag(L.diag(z))),
    "repeat_split": ([_c(2, 3)], lambda L, z: L.cat(z.repeat(2, 2).split(2, 1), 0)),
    "clone_contig": ([_c(3, 4)], lambda L, z: z.t().contiguous().clone() * z.t()),
    "cross": ([_c(2, 3), _c(2, 3)], lambda L, a, b: L.cross(a, b, dim=1)),
    "linalg_cross": ([_c(2, 3), _c(1, 3)], lambda L, a, b: L.linalg.cross(a, b)),
    "mH": ([_c(2, 3, 4)], lambda L, z: z.mH * z.mT),
    "H_adjoint": ([_c(3, 4)], lambda L, z: z.H @ z + (L.adjoint(z) * 2j) @ z),
    "as_strided": ([_c(3, 4)], lambda L, z: z.exp().as_strided((3, 3), (1, 2))),
    "index_add": ([_c(3, 4), _c(2, 4)],
                  lambda L, z, w: z.index_add(0, L.tensor([2, 2]), w, alpha=2.5)),
    "index_copy_fill": ([_c(3, 4), _c(3, 2)], lambda L, z, w: z.index_copy(
        1, L.tensor([3, 0]), w).index_fill(0, L.tensor([1]), 2 - 1j)),
    "scatter_value": ([_c(3, 4)], lambda L, z: z.scatter(1, L.tensor([[0], [2], [1]]), 1j)),
    "scatter_add": ([_c(2, 3), _c(2, 3)],
                    lambda L, z, w: z.scatter_add(1, L.tensor([[0, 0, 1], [2, 1, 0]]), w)),
    "take_put": ([_c(3, 4), _c(2)], lambda L, z, w: L.take(z, L.tensor([0, 5, 5])).sum() *
                 z.put(L.tensor([1, 4]), w)),
    "masked_scatter": ([_c(2, 3), _c(2, 3)], lambda L, z, w: z.masked_scatter(
        L.tensor([[True, False, True], [False, False, True]]), w)),
    "linear": ([_c(2, 3), _c(4, 3), _c(4)], lambda L, x, w, b: L.nn.functional.linear(x, w, b)),
    # in place
    "inplace_chain": ([_c(3, 4), _c(3, 4)],
                      lambda L, z, w: (z * 1).mul_(1 + 2j).add_(w, alpha=1j).sin_().div_(w + 3)),
    "inplace_real_part": ([_c(3, 4)], lambda L, z: L.view_as_complex(
        L.view_as_real(z * 1).mul_(L.tensor([2.0, -1.0]).to(z.real.dtype)))),
    # complex results of real inputs
    "complex": ([_r(3, 4), _r(4)], lambda L, x, y: L.complex(x, y).exp()),
    "polar": ([np.abs(_r(3, 4)) + 0.1, _r(3, 4)], lambda L, r, t: L.polar(r, t) ** 2),
    "view_as_complex": ([_r(3, 4, 2)], lambda L, x: L.view_as_complex(x) * (1 + 1j)),
    "to_complex": ([_r(3, 4)], lambda L, x: x.to(L.complex128).exp()),
    "real_times_complex_abs": ([_r(4), _c(4, away=0.2)], lambda L, x, z: (x * z).abs()),
}


def _loss(L, out, weights):
    w = L.tensor(weights[: out.numel()].reshape(tuple(out.shape)))
    if out.is_complex():
        return (out * w).real.sum() + (out * w.conj()).imag.sum() * 0.5
    return (out * w.real).sum()


def _grads(L, arrays, fn, dtype):
    ins = []
    for a in arrays:
        t = L.tensor(a)
        if np.iscomplexobj(a) and dtype == "complex64":
            t = t.to(L.complex64)
        elif not np.iscomplexobj(a) and dtype == "complex64":
            t = t.to(L.float32)
        ins.append(t.requires_grad_(True))
    out = fn(L, *ins)
    weights = np.random.default_rng(1).standard_normal(out.numel()) + \
        1j * np.random.default_rng(2).standard_normal(out.numel())
    _loss(L, out, weights).backward()
    res = []
    for t in ins:
        g = t.grad
        if g is None:
            res.append(None)
            continue
        g = g.detach()
        if isinstance(g, torch.Tensor):
            g = g.resolve_conj()
        res.append((str(g.dtype).split(".")[-1], g.numpy().copy()))
    return res


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_complex_gradients_match_torch(name, dtype):
    arrays, fn = CASES[name]
    ref = _grads(torch, arrays, fn, dtype)
    ours = _grads(torsh, arrays, fn, dtype)
    record("complex_autograd")
    tol = 1e-10 if dtype == "complex128" else 2e-4
    assert len(ref) == len(ours)
    for r, o in zip(ref, ours):
        assert (r is None) == (o is None)
        if r is None:
            continue
        assert r[0] == o[0]  # a real input gets a real gradient
        np.testing.assert_allclose(o[1], r[1], rtol=tol, atol=tol)


@pytest.mark.parametrize("name", sorted(CASES))
def test_complex_gradcheck(name):
    """torsh's gradcheck (real and imaginary parts of every input and output) on complex128."""
    arrays, fn = CASES[name]
    ins = [torsh.tensor(a).requires_grad_(True) for a in arrays]
    record("complex_autograd_gradcheck")
    assert torsh.autograd.gradcheck(lambda *xs: fn(torsh, *xs), ins)


def test_index_add_complex_alpha():
    """d(alpha * w)/dw is conj(alpha) in torch's convention; torch 1.13's index_add formula
    omits the conjugate (its gradient is alpha), so this case is checked by gradcheck and by
    the same expression written with mul, not against torch's index_add."""
    z, w = (torsh.tensor(a).requires_grad_(True) for a in (_c(3, 4), _c(2, 4)))
    idx = torsh.tensor([2, 0])
    assert torsh.autograd.gradcheck(lambda z, w: z.index_add(0, idx, w, alpha=1 - 1j), (z, w))
    z.index_add(0, idx, w, alpha=1 - 1j).abs().sum().backward()
    g_index_add = w.grad.clone()
    w.grad = None
    (z + torsh.zeros(3, 4, dtype=torsh.complex128).index_add(0, idx, w * (1 - 1j))).abs().sum() \
        .backward()
    np.testing.assert_allclose(g_index_add.numpy(), w.grad.numpy(), rtol=1e-12)


def test_gradcheck_catches_a_missing_conjugate():
    class Square(torsh.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return z * z

        @staticmethod
        def backward(ctx, g):
            (z,) = ctx.saved_tensors
            return g * 2 * z  # should be g * conj(2 z)

    z = torsh.tensor(_c(4)).requires_grad_(True)
    assert not torsh.autograd.gradcheck(Square.apply, (z,), raise_exception=False)
    assert torsh.autograd.gradgradcheck(lambda z: (z * z).sin(), (z,))


def test_inplace_on_complex_views():
    """In-place writes through .real/.imag/view_as_real of a non-leaf complex tensor."""
    def run(L):
        z = L.tensor(_c_fixed, requires_grad=True)
        y = z * 2
        y.real.mul_(3)
        y.imag.add_(y.real)
        L.view_as_real(y)[..., 0].sin_()
        w = y.clone()
        w.mul_(1 + 2j)
        w.imag.zero_()
        loss = (w * w.conj()).real.sum() + y.abs().sum()
        loss.backward()
        g = z.grad.detach()
        return g.resolve_conj().numpy() if isinstance(g, torch.Tensor) else g.numpy()
    np.testing.assert_allclose(run(torsh), run(torch), rtol=1e-10, atol=1e-10)


_c_fixed = _c(3, 4)


@pytest.mark.parametrize("fn", [
    lambda L, z: z.var(), lambda L, z: z.std(1, keepdim=True), lambda L, z: L.var_mean(z, 0),
    lambda L, z: L.std_mean(z, None, correction=0), lambda L, z: z.norm(),
    lambda L, z: L.linalg.vector_norm(z, 3, 1), lambda L, z: L.linalg.matrix_norm(z),
    lambda L, z: L.linalg.norm(z), lambda L, z: z.to(L.complex64).var(1),
    lambda L, z: z.norm(p=1, dim=0), lambda L, z: L.linalg.matrix_norm(z, -1),
    lambda L, z: z.cumsum(1), lambda L, z: z.t().cumsum(-1), lambda L, z: z[0, 0].cumsum(0),
    lambda L, z: L.cumsum(z.real, 0, dtype=L.complex128)])
def test_complex_statistics_are_real(fn):
    """var/std/norms of complex tensors: real results of the real dtype (var_mean's mean
    complex), equal to torch's; cumsum's complex running sums."""
    z = _c(3, 4)
    ours, ref = fn(torsh, torsh.tensor(z)), fn(torch, torch.tensor(z))
    ours, ref = (ours if isinstance(ours, tuple) else (ours,)), \
        (ref if isinstance(ref, tuple) else (ref,))
    for a, b in zip(ours, ref):
        assert repr(a.dtype)[6:] == str(b.dtype)[6:]
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_conjugate_transposes():
    """H, mH and adjoint conjugate complex tensors (torsh: a copy, torch: a conjugate view)."""
    z = _c(2, 3, 4)
    for expr in (lambda L, t: t.mH, lambda L, t: L.adjoint(t), lambda L, t: t.adjoint(),
                 lambda L, t: t[0].H):
        ours = expr(torsh, torsh.tensor(z)).numpy()
        ref = expr(torch, torch.tensor(z)).resolve_conj().numpy()
        np.testing.assert_array_equal(ours, ref)
    for L in (torch, torsh):
        with pytest.raises(RuntimeError, match="only supported on matrices"):
            L.adjoint(L.ones(3))


def test_complex_leaf_accumulates_and_grad_function():
    def run(L):
        z = L.tensor(_c_fixed, requires_grad=True)
        for _ in range(2):
            (z.exp() * z).abs().sum().backward()
        x = L.tensor(_c_fixed, requires_grad=True)
        y = x.sin()
        (g,) = L.autograd.grad(y, x, grad_outputs=L.ones_like(y) * (1 - 1j))
        return [t.detach().resolve_conj().numpy() for t in (z.grad, g)]
    for a, b in zip(run(torsh), run(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_complex_double_backward():
    def run(L):
        z = L.tensor(_c_fixed, requires_grad=True)
        loss = (z * z * z).abs().sum()
        (g,) = L.autograd.grad(loss, z, create_graph=True)
        (g * g.conj()).real.sum().backward()
        return z.grad.detach().resolve_conj().numpy()
    np.testing.assert_allclose(run(torsh), run(torch), rtol=1e-9)


@pytest.mark.parametrize("make", [
    lambda L: L.randn(3, dtype=L.complex64, requires_grad=True),
    lambda L: L.tensor([1 + 2j], requires_grad=True),
    lambda L: L.zeros(2, dtype=L.complex128).requires_grad_(),
], ids=["randn", "tensor", "requires_grad_"])
def test_complex_leaves(make):
    for L in (torch, torsh):
        t = make(L)
        assert t.requires_grad and t.is_leaf and t.grad_fn is None


def test_complex_scalar_root_takes_one():
    """torch 1.13 seeds an implicit backward of a complex scalar with 1 (no error)."""
    def run(L):
        z = L.tensor([1 + 1j, 2 - 0.5j], requires_grad=True)
        (z * z).sum().backward()
        return z.grad.detach().resolve_conj().numpy()
    np.testing.assert_allclose(run(torsh), run(torch))


def test_custom_function_with_complex_output():
    def run(L):
        class Cube(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * (3 * x * x).conj()

        z = L.tensor(_c_fixed, requires_grad=True)
        Cube.apply(z).abs().sum().backward()
        return z.grad.detach().resolve_conj().numpy()
    np.testing.assert_allclose(run(torsh), run(torch), rtol=1e-10)


def test_complex_out_variant_with_grad_raises():
    for L in (torch, torsh):
        x = L.ones(2, requires_grad=True)
        out = L.empty(2, dtype=L.complex64)
        with pytest.raises(RuntimeError, match="out="):
            L.complex(x, x, out=out)


def test_complex_view_of_real_base_at_odd_offset():
    """view_as_complex of a real tensor whose storage starts at an odd offset, written in place:
    the gradient of the multiplier equals finite differences (torch 1.13 gives 139 here, which
    its own finite differences contradict)."""
    def loss(c, requires_grad):
        y = torsh.arange(9.0, dtype=torsh.float64)[1:].detach()
        c = torsh.tensor(c, dtype=torsh.complex128, requires_grad=requires_grad)
        torsh.view_as_complex(y[1:7].view(3, 2)).mul_(c)
        out = (y * torsh.arange(8.0)).sum()
        if requires_grad:
            out.backward()
            return c.grad
        return out.item()
    g = loss(1 + 2j, True)
    e = 1e-6
    fd = complex((loss(1 + 2j + e, False) - loss(1 + 2j - e, False)) / (2 * e),
                 (loss(1 + 2j + 1j * e, False) - loss(1 + 2j - 1j * e, False)) / (2 * e))
    assert abs(g.item() - fd) < 1e-6


def test_anomaly_mode_sees_complex_nans():
    for L in (torch, torsh):
        z = L.tensor([0j, 1 + 0j], requires_grad=True)
        with pytest.raises(RuntimeError, match="returned nan values"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with L.autograd.detect_anomaly():
                    (z / z).abs().sum().backward()


def test_grad_output_must_match_complexness():
    for L in (torch, torsh):
        x = L.ones(2, requires_grad=True)
        z = L.ones(2, dtype=L.complex64, requires_grad=True)
        msg = "both grad_output and output are required to have the same dtype"
        with pytest.raises(RuntimeError, match=msg):
            (x * 2).backward(L.ones(2, dtype=L.complex64))
        with pytest.raises(RuntimeError, match=msg):
            L.autograd.grad(z * 2, z, L.ones(2))


def test_vector_norm_of_complex_with_complex_dtype():
    z = _c(2, 3)
    for fn in (lambda L, t: L.linalg.vector_norm(t, dtype=L.complex128),
               lambda L, t: L.linalg.norm(t.to(L.complex64), dtype=L.complex128)):
        a, b = fn(torsh, torsh.tensor(z)), fn(torch, torch.tensor(z))
        assert repr(a.dtype)[6:] == str(b.dtype)[6:]
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
