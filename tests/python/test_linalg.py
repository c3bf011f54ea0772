"""The linear-algebra basics beyond the table's samples (tests/python/samples_linalg.py): in-place
and out= forms, every 0-size combination of the matmul family, torch.linalg.cross and
torch.linalg.multi_dot, einsum's call forms, and GEMM-sized beta/alpha rules, against torch."""
import itertools

import numpy as np
import pytest
import torch

import torsh
from oracle import Pair, check, check_grad, inplace, make

RNG = np.random.default_rng(11)


def t(shape, dt="float32"):
    v = RNG.uniform(0.5, 2.0, shape) * RNG.choice([-1, 1], shape)
    if dt not in ("float32", "float64"):
        v = np.round(v * 2)
    return make(v, dt)


def nan(shape):
    return make(np.full(shape, np.nan), "float32")


ADD_FAMILY = {
    "addmm": ((2, 3), (2, 4), (4, 3)), "addmv": ((2,), (2, 3), (3,)),
    "addr": ((2, 3), (2,), (3,)), "baddbmm": ((2, 3, 5), (2, 3, 4), (2, 4, 5)),
    "addbmm": ((3, 5), (2, 3, 4), (2, 4, 5)),
}


def with_out(lib, name, dtype, fn=None):
    def f(*a, **kw):
        o = lib.empty(0, dtype=getattr(lib, dtype))
        r = (fn(lib) if fn else getattr(lib, name))(*a, out=o, **kw)
        assert r is o, "out= must return the object passed"
        return o
    return f


@pytest.mark.parametrize("name", sorted(ADD_FAMILY))
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int32"])
def test_add_family_inplace_and_out(name, dt):
    shapes = ADD_FAMILY[name]
    args = [t(s, dt) for s in shapes]
    for kw in [{}, {"beta": 0.5, "alpha": 2}, {"beta": 0}]:
        if name == "baddbmm" and kw.get("beta") == 0:
            continue  # torch's small baddbmm with beta=0 is flaky (test_baddbmm_beta0_ignores_self)
        if dt.startswith("int") and name == "addr" and kw.get("beta") == 0.5:
            continue  # addr refuses float scalars with integer tensors (checked below)
        check(name + "_", inplace(name), inplace(name), args, kw, f"[{dt}]")
        for odt in [dt, "float64" if dt != "float64" else "float32"]:
            check(name + "(out=)", with_out(torch, name, odt), with_out(torsh, name, odt), args,
                  kw, f"[{dt}->{odt}]")
    # in-place into a self that would need broadcasting, and into a self of another dtype
    small = t(shapes[0][1:] if len(shapes[0]) > 1 else (1,), dt)
    check(name + "_", inplace(name), inplace(name), [small] + args[1:], {},
          "[broadcast self]")
    other = "float64" if dt != "float64" else "float32"
    check(name + "_", inplace(name), inplace(name), [t(shapes[0], other)] + args[1:],
          {}, "[self dtype]")
    if dt.startswith("int"):
        check(name, getattr(torch, name), getattr(torsh, name), args, {"alpha": 0.5},
              "[float alpha]")


OUT_OPS = [
    ("dot", lambda lib: lib.dot, ((3,), (3,))), ("vdot", lambda lib: lib.vdot, ((3,), (3,))),
    ("mv", lambda lib: lib.mv, ((2, 3), (3,))), ("outer", lambda lib: lib.outer, ((2,), (3,))),
    ("ger", lambda lib: lib.ger, ((2,), (3,))), ("inner", lambda lib: lib.inner, ((2, 3), (4, 3))),
    ("kron", lambda lib: lib.kron, ((2, 2), (3,))),
    ("cross", lambda lib: lib.cross, ((2, 3), (2, 3))),
    ("linalg.cross", lambda lib: lib.linalg.cross, ((2, 3), (2, 3))),
    ("tensordot", lambda lib: lambda a, b, **kw: lib.tensordot(a, b, 1, **kw), ((2, 3), (3, 4))),
    ("multi_dot", lambda lib: lambda a, b, **kw: lib.linalg.multi_dot([a, b], **kw),
     ((2, 3), (3, 4))),
    ("chain_matmul", lambda lib: lib.chain_matmul, ((2, 3), (3, 4))),
]


@pytest.mark.parametrize("name,fn,shapes", OUT_OPS, ids=[o[0] for o in OUT_OPS])
def test_out_variants(name, fn, shapes):
    for dt in ["float32", "int64"]:
        args = [t(s, dt) for s in shapes]
        for odt in ["float32", "float64", "int64"]:
            check(name + "(out=)", with_out(torch, name, odt, fn), with_out(torsh, name, odt, fn),
                  args, {}, f"[{dt}->{odt}]")
    # out= of the wrong size is resized
    args = [t(s) for s in shapes]

    def sized(lib):
        def f(*a):
            o = lib.zeros(7)
            fn(lib)(*a, out=o)
            return o
        return f
    check(name + "(out=)", sized(torch), sized(torsh), args, {}, "[resized]")


def test_matmul_family_zero_sizes():
    """Every 0-size combination of mm, bmm, matmul, mv and dot: the result (zeros where the
    contracted dim is 0) or the error, as torch."""
    sizes = [0, 1, 3]
    for n, k, m in itertools.product(sizes, repeat=3):
        a, b = t((n, k)), t((k, m))
        check("mm", torch.mm, torsh.mm, [a, b], {}, f"[{n}x{k} @ {k}x{m}]")
        check("mv", torch.mv, torsh.mv, [a, t((k,))], {}, f"[{n}x{k} @ {k}]")
        check("dot", torch.dot, torsh.dot, [t((k,)), t((k,))], {}, f"[{k}]")
        for bs in sizes:
            check("bmm", torch.bmm, torsh.bmm, [t((bs, n, k)), t((bs, k, m))], {},
                  f"[{bs}x{n}x{k} @ {bs}x{k}x{m}]")
    shapes = [(0,), (3,), (5, 5, 0), (0, 5), (5, 0), (2, 0, 3), (2, 3, 0), (0, 3, 4), (4, 0),
              (1, 0, 2), (3, 0), (0, 0), (2, 1, 0, 3), (0, 2)]
    for sa, sb in itertools.product(shapes, repeat=2):
        check("matmul", torch.matmul, torsh.matmul, [t(sa), t(sb)], {}, f"[{sa} @ {sb}]")
    # the defect of issue 8: [5, 5, 0] @ [0, 5] is zeros [5, 5, 5]
    check("matmul", torch.matmul, torsh.matmul, [t((5, 5, 0)), t((0, 5))], {}, "[issue 8]")


def test_add_family_beta_alpha_at_gemm_sizes():
    """Above torch's small-product loop (k * n * m >= 400) GEMM ignores the product when
    alpha == 0 and self when beta == 0, NaN included; below it baddbmm propagates NaN."""
    for name, (s, a, b) in {"addmm": ((20, 30), (20, 10), (10, 30)),
                            "addmv": ((20,), (20, 30), (30,)),
                            "baddbmm": ((2, 20, 30), (2, 20, 10), (2, 10, 30)),
                            "addbmm": ((20, 30), (2, 20, 10), (2, 10, 30))}.items():
        f_t, f_s = getattr(torch, name), getattr(torsh, name)
        check(name, f_t, f_s, [t(s), nan(a), t(b)], {"alpha": 0}, "[NaN mat, alpha=0]")
        check(name, f_t, f_s, [nan(s), t(a), t(b)], {"beta": 0}, "[NaN self, beta=0]")
        check(name, f_t, f_s, [nan(s), t(a), t(b)], {"beta": 0, "alpha": 0}, "[both 0]")


def test_baddbmm_beta0_ignores_self():
    """torch 1.13's small baddbmm (k * n * m < 400) with beta=0 now and then returns values not
    derived from its inputs in this suite (NaN, or a finite self's values); the documented rule,
    which torsh follows, is alpha * bmm: checked against torch's bmm."""
    a, b = t((2, 3, 4)), t((2, 4, 5))
    for self_ in [t((2, 3, 5)), nan((2, 3, 5))]:
        for alpha in [1, 2.5]:
            want = torch.bmm(a.t, b.t) * alpha
            got = torsh.baddbmm(self_.s, a.s, b.s, beta=0, alpha=alpha)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
            got = self_.s.clone().baddbmm_(a.s, b.s, beta=0, alpha=alpha)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shapes,kw", [
    (((2, 3), (2, 3)), {}), (((3, 2), (3, 2)), {"dim": 0}), (((2, 3), (1, 3)), {}),
    (((4, 1, 3), (2, 3)), {}), (((3, 2), (3, 2)), {}), (((2, 3), (3,)), {}),
    (((2, 3), (2, 3)), {"dim": 2}), (((0, 3), (0, 3)), {})])
def test_linalg_cross(shapes, kw):
    for dt in ["float32", "float64", "int64", "bool"]:
        args = [t(s, dt) for s in shapes]
        check("linalg.cross", torch.linalg.cross, torsh.linalg.cross, args, kw, f"[{dt}]")
    args = [t(s, "float64") for s in shapes]
    check_grad("linalg.cross", torch.linalg.cross, torsh.linalg.cross, args, kw, "", True)


@pytest.mark.parametrize("shapes", [
    [(3,), (3, 4), (4,)], [(3,), (3, 4)], [(2, 3), (3,)], [(3,), (3,)], [(2, 3), (3, 4), (4, 2)],
    [(1, 5), (5, 2), (2, 6), (6, 3)], [(4, 2), (2, 6), (6, 1), (1, 5), (5, 3)],
    [(2, 0), (0, 3), (3, 2)], [(3, 3)], [], [(2, 3, 3), (3, 4)], [(2, 3), (4, 4)],
    [(2, 3), (3,), (3, 2)]])
def test_multi_dot(shapes):
    for dt in ["float32", "float64", "int64", "bool"]:
        args = [t(s, dt) for s in shapes]
        check("multi_dot", torch.linalg.multi_dot, torsh.linalg.multi_dot, [args], {}, f"[{dt}]")
    args = [t(s, "float64") for s in shapes]
    check_grad("multi_dot", torch.linalg.multi_dot, torsh.linalg.multi_dot, [args], {}, "",
               False)
    if shapes and all(0 not in s for s in shapes):
        check("multi_dot", torch.linalg.multi_dot, torsh.linalg.multi_dot,
              [[t(shapes[0]), t(shapes[-1], "float64")] if len(shapes) > 1 else []], {},
              "[dtype mismatch]")


def test_multi_dot_and_cross_gradcheck():
    xs = [torsh.randn(2, 3, dtype=torsh.float64, requires_grad=True),
          torsh.randn(3, 4, dtype=torsh.float64, requires_grad=True),
          torsh.randn(4, dtype=torsh.float64, requires_grad=True)]
    f = lambda a, b, c: torsh.linalg.multi_dot([a, b, c])  # noqa: E731
    assert torsh.autograd.gradcheck(f, xs) and torsh.autograd.gradgradcheck(f, xs)
    ys = [torsh.randn(2, 3, dtype=torsh.float64, requires_grad=True),
          torsh.randn(1, 3, dtype=torsh.float64, requires_grad=True)]
    g = lambda a, b: torsh.linalg.cross(a, b)  # noqa: E731
    assert torsh.autograd.gradcheck(g, ys) and torsh.autograd.gradgradcheck(g, ys)
    assert torsh.linalg.cross(*ys).grad_fn.name() == \
        type(torch.linalg.cross(torch.randn(2, 3, requires_grad=True), torch.randn(1, 3))
             .grad_fn).__name__


def test_einsum_call_forms():
    a, b = t((2, 3)), t((3, 4))
    check("einsum", lambda x, y: torch.einsum("ij,jk", [x, y]),
          lambda x, y: torsh.einsum("ij,jk", [x, y]), [a, b], {}, "[list]")
    check("einsum", lambda x, y: torch.einsum(x, [0, 1], y, [1, 2], [0, 2]),
          lambda x, y: torsh.einsum(x, [0, 1], y, [1, 2], [0, 2]), [a, b], {}, "[sublist]")
    check("einsum", lambda x: torch.einsum(x, [0, Ellipsis]),
          lambda x: torsh.einsum(x, [0, Ellipsis]), [t((2, 3, 4))], {}, "[sublist ellipsis]")
    check("einsum", lambda x, y: torch.einsum(x, [26, 1], y, [1, 27]),
          lambda x, y: torsh.einsum(x, [26, 1], y, [1, 27]), [a, b], {}, "[sublist lower]")
    check("einsum", lambda: torch.einsum("ij"), lambda: torsh.einsum("ij"), [], {}, "[no operand]")
    check("einsum", lambda: torch.einsum(), lambda: torsh.einsum(), [], {}, "[nothing]")
    # a 4-operand chain and a contraction with labels summed on one side first
    check("einsum", lambda *x: torch.einsum("ab,bc,cd,de->ae", *x),
          lambda *x: torsh.einsum("ab,bc,cd,de->ae", *x),
          [t((2, 3)), t((3, 4)), t((4, 2)), t((2, 5))], {}, "[chain of 4]")
    check("einsum", lambda *x: torch.einsum("abc,cd->d", *x),
          lambda *x: torsh.einsum("abc,cd->d", *x), [t((2, 3, 4)), t((4, 2))], {}, "[pre-sum]")
    # chains where the greedy order is not left to right (b,c first: a 2x2 intermediate instead
    # of 64x512), with gradients; an outer product in the middle; a shared batch label
    for eq, shapes in [("ij,jk,kl->il", [(64, 2), (2, 512), (512, 2)]),
                       ("ij,kl,jk->il", [(6, 2), (30, 3), (2, 30)]),
                       ("bij,bjk,bkl->bil", [(2, 9, 1), (2, 1, 40), (2, 40, 1)])]:
        args = [t(s, "float64") for s in shapes]  # the order changes float32 rounding
        check("einsum", lambda *x, eq=eq: torch.einsum(eq, *x),
              lambda *x, eq=eq: torsh.einsum(eq, *x), args, {}, f"[greedy {eq}]")
        check_grad("einsum", lambda *x, eq=eq: torch.einsum(eq, *x),
                   lambda *x, eq=eq: torsh.einsum(eq, *x), [make(np.random.default_rng(0)
                                                                 .normal(size=s), "float64")
                                                            for s in shapes],
                   check_name=False)  # the last node depends on the order (permute vs view)
    for dt in ["int32", "int16", "uint8"]:
        check("einsum", lambda *x: torch.einsum("abc,cd->d", *x),
              lambda *x: torsh.einsum("abc,cd->d", *x), [t((2, 3, 4), dt), t((4, 2), dt)], {},
              f"[pre-sum {dt}]")


def test_tensordot_dims_forms():
    a, b = t((2, 3, 4)), t((3, 4, 5))
    for dims in [2, [[1, 2], [0, 1]], ([1, 2], [0, 1])]:
        check("tensordot", lambda p, q: torch.tensordot(p, q, dims),
              lambda p, q: torsh.tensordot(p, q, dims), [a, b], {}, f"[{dims}]")
    for dims in [2, [[1, 2], [0, 1]]]:
        check("tensordot", lambda p, q: torch.tensordot(p, q, torch.tensor(dims)),
              lambda p, q: torsh.tensordot(p, q, torsh.tensor(dims)), [a, b], {},
              f"[tensor {dims}]")
    check("tensordot", lambda p, q: torch.tensordot(p, q, (1, 0)),
          lambda p, q: torsh.tensordot(p, q, (1, 0)), [t((2, 4)), t((4, 3))], {}, "[int pair]")


def test_kron_any_layout():
    """torch 1.13's kron views its product (_unsafe_view) and raises where the product's layout
    cannot be regrouped (e.g. a transposed input beside a 3-d one); torsh reshapes: compared
    with torch on contiguous copies of the same values."""
    for sa, sb in [((3, 2), (2, 1, 2)), ((5, 1), (5, 1)), ((2, 3), (1, 2, 2, 3))]:
        p, q = t(sa[::-1]), t(sb)
        got = torsh.kron(p.s.transpose(0, 1) if len(sa) == 2 else p.s, q.s)
        a = p.t.transpose(0, 1)
        want = torch.kron(a.flatten().clone().reshape(a.shape), q.t)  # standard strides
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
        o = torsh.empty(0)
        torsh.kron(p.s.transpose(0, 1), q.s, out=o)
        np.testing.assert_allclose(o.numpy(), want.numpy(), rtol=1e-6)
