"""Reliability regressions from the fresh fuzz run of seed 777001 (the ops added for the breadth
issue): each case runs the same call in torch and torsh and asserts the same outcome (exception
type, or values, dtype and shape), with test_reliability.py's helper."""
import numpy as np
import pytest
import torch

import torsh
from test_reliability import same


@pytest.mark.parametrize("op", ["signbit", "isposinf", "isneginf"])
@pytest.mark.parametrize("out_dtype", ["bool", "float32", "int64"])
def test_bool_predicates_write_only_bool_out(op, out_dtype):
    def f(L):
        out = L.empty(3, dtype=getattr(L, out_dtype))
        return getattr(L, op)(L.tensor([-1.0, float("inf"), -float("inf")]), out=out)
    same(f, None if out_dtype == "bool" else "does not support non-boolean outputs")


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "bool"])
def test_invert_refuses_floating(dtype):
    same(lambda L: ~L.tensor([1, 0, 1], dtype=getattr(L, dtype)))


@pytest.mark.parametrize("op", ["heaviside", "floor_divide", "nextafter"])
def test_ops_without_derivative_require_grad_and_refuse_backward(op):
    """torch marks the result as requiring grad and raises in backward (RuntimeError for ops
    with no derivative entry, NotImplementedError for nextafter's declared-missing one)."""
    def f(L):
        a = L.tensor([[-5.0, 2.0]], requires_grad=True)
        b = L.tensor(0.5, requires_grad=True)
        r = getattr(L, op)(a * 1, b)
        assert r.requires_grad
        r.sum().backward()
    same(f)


@pytest.mark.parametrize("bounds", [(1, None), (None, 1), (1, 1)])
def test_clip_tensor_bounds_are_differentiable(bounds):
    def f(L):
        x = L.tensor([[-5.0, 2.0], [0.5, 3.0]], requires_grad=True)
        b = [None if v is None else L.full((1, 2), 0.7, requires_grad=True) for v in bounds]
        r = x.clip(*b)
        r.backward(L.ones(2, 2))
        return r.detach(), x.grad, [v.grad for v in b if v is not None]
    same(f)


@pytest.mark.parametrize("op", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "bfloat16"])
def test_logical_ops_read_nan_as_true(op, dtype):
    vals = [float("nan"), 0.0, 1.0, float("nan"), -0.0, 2.0, 0.0, float("nan")] * 5
    same(lambda L: getattr(L, op)(L.tensor(vals, dtype=getattr(L, dtype)),
                                  L.tensor(vals[::-1], dtype=getattr(L, dtype))))


@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("dtypes", [("float32", "bfloat16", "float32"),
                                    ("bool", "bool", "bfloat16"),
                                    ("float16", "float64", "float32")])
def test_addc_compute_in_common_dtype(op, dtypes):
    def f(L):
        a, b, c = (L.tensor([[0.3, -1.7, 2.9, 1.0]], dtype=getattr(L, d)) for d in dtypes)
        return getattr(L, op)(a, b, c + 2 if op == "addcdiv" else c, value=1.738)
    same(f)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32"])
def test_var_of_values_near_max_does_not_overflow(dtype):
    big = {"float16": 6e4, "bfloat16": 3e38, "float32": 3e38}[dtype]
    same(lambda L: L.std_mean(L.tensor([[-0.0, big], [big, 1.0], [-0.5, -big]],
                                        dtype=getattr(L, dtype)), 0, keepdim=True))


@pytest.mark.parametrize("op", ["clamp_min", "clamp_max"])
def test_clamp_one_bound_out_dtype_and_overflow(op):
    same(lambda L: getattr(L, op)(L.tensor([1, 5]), -5, out=L.empty(2, dtype=L.float16)),
         "Found dtype Half but expected Long")
    same(lambda L: getattr(L.tensor([1, 5], dtype=L.int32), op + "_")(-2**63),
         "without overflow")
    same(lambda L: getattr(L, op)(L.tensor([1, 5]), 2.5, out=L.empty(2)))


@pytest.mark.parametrize("prop", ["mT", "mH", "T", "H"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_matrix_transpose_properties_of_scalars(prop, shape):
    same(lambda L: getattr(L.arange(6.0)[:max(1, len(shape) and 6)].reshape(shape) if shape
                           else L.tensor(1.5), prop))


# ---- fuzz seed 777002 ---------------------------------------------------------------------------

INF = float("inf")
NEXT_FROM = [INF, 2.6094, -2.6094, 0.0, -0.0, 1.0, -INF, 65504.0, float("nan"), 3.0, 6e-8]
NEXT_TO = [0.0, 0.0, 5.0, -1.0, 1.0, INF, 0.0, INF, 1.0, 3.0, 0.0]


@pytest.mark.parametrize("dtype", ["bfloat16", "float32", "float64"])
def test_nextafter_steps_one_unit_of_the_dtype(dtype):
    same(lambda L: L.nextafter(L.tensor(NEXT_FROM, dtype=getattr(L, dtype)),
                               L.tensor(NEXT_TO, dtype=getattr(L, dtype))))


def test_nextafter_float16_against_numpy():
    """torch 1.13 has no float16 nextafter: numpy's is the reference."""
    a, b = np.array(NEXT_FROM, np.float16), np.array(NEXT_TO, np.float16)
    got = torsh.nextafter(torsh.tensor(NEXT_FROM, dtype=torsh.float16),
                          torsh.tensor(NEXT_TO, dtype=torsh.float16))
    np.testing.assert_array_equal(got.numpy(), np.nextafter(a, b))


@pytest.mark.parametrize("w", [-1.363, 0.3, 0.5, 1.7])
def test_lerp_negative_weight_counts_from_self(w):
    inf = float("inf")
    same(lambda L: L.lerp(L.tensor([2.0, -3e38, 1.0] * 14), L.tensor([inf, inf, -inf] * 14), w))
    same(lambda L: L.lerp(L.tensor([2.0, -3e38, 1.0]), L.tensor([inf, inf, -inf]),
                          L.full((3,), w)))


@pytest.mark.parametrize("eps", [0.83, 0.5, 0.2, None])
def test_logit_eps(eps):
    """32 elements: torch's vector loop (its scalar tail treats eps above 1/2 differently)."""
    same(lambda L: L.logit(L.tensor([0.1, 0.9, 0.5, 0.83, 0.17, -1.0, 2.0, 0.6] * 4), eps))


@pytest.mark.parametrize("other", [1.349, 0.0, -1.0, 0.5])
def test_xlogy_self_gradient_at_zero(other):
    def f(L):
        x = L.tensor([0.0, 1.0, -0.0, 2.0], requires_grad=True)
        L.xlogy(x, other).backward(L.tensor([1.0, 1.0, 0.5, 2.0]))
        y = L.tensor([0.0, 1.0], requires_grad=True)
        L.xlogy(y, L.tensor([other, other])).sum().backward()
        return x.grad, y.grad
    same(f)


def test_norm_p_in_accumulation_type_and_checks():
    same(lambda L: L.norm(L.tensor([2.3, 2.5, 0.99], dtype=L.float64), -1e-310, [0], True,
                          dtype=L.float32))
    same(lambda L: L.tensor([1.5, 0.0, 2.0], dtype=L.float16).norm(-1e-310))
    same(lambda L: L.norm(L.tensor([3, 4]), 2, [0], dtype=L.float32))
    same(lambda L: L.norm(L.tensor([3, 4])))
    same(lambda L: L.norm(L.tensor([3.0, 4.0]), False))


def test_norm_zero_has_no_gradient():
    def f(L):
        x = L.tensor([[1.0, 0.0]], requires_grad=True)
        x.norm(0).backward()
        return x.grad
    same(f)


@pytest.mark.parametrize("correction", [-1, 0, 1])
def test_var_of_empty_is_nan(correction):
    same(lambda L: L.var(L.zeros(1, 0), [], correction=correction))
    same(lambda L: L.var_mean(L.zeros(2, 0), 1, correction=correction))


def test_addc_gradients_take_torch_formulas():
    def f(L, op):
        a = L.tensor([0.5, 1.0, 2.0], requires_grad=True)
        b = L.tensor([1e200, -3.0, 2.5], dtype=L.float64, requires_grad=True)
        c = L.tensor([1e200, 0.7, -1.3], dtype=L.float64, requires_grad=True)
        getattr(L, op)(a, b, c, value=-3).sum().backward()
        return a.grad, b.grad, c.grad
    same(lambda L: f(L, "addcmul"))
    same(lambda L: f(L, "addcdiv"))


def test_integer_floor_division_of_min_by_minus_one_wraps():
    """torch dies of SIGFPE here; torsh wraps as two's complement negation does."""
    lo = -2**63
    t = torsh.tensor([lo, 2**63 - 1, 0, -1])
    assert (t // -1).tolist() == [lo, -(2**63 - 1), 0, 1]
    assert torsh.div(t, -1, rounding_mode="trunc").tolist() == [lo, -(2**63 - 1), 0, 1]
    s = torsh.tensor([-2**31, 2**31 - 1, 0, -1], dtype=torsh.int32)
    assert (s // -1).tolist() == [-2**31, -(2**31 - 1), 0, 1]



@pytest.mark.parametrize("dtype", ["float32", "int32", "int64"])
def test_masks_other_than_bool_and_uint8_are_refused(dtype):
    """torch 1.13 reads such masks as raw bytes (a float mask of ones fills nothing); torsh
    refuses them, as later torch releases (docs/bit_identical.md)."""
    x = torsh.zeros(2, 3)
    m = torsh.ones(2, 3, dtype=getattr(torsh, dtype))
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_fill(m, 1.0)
    with pytest.raises(RuntimeError, match="only supports boolean masks"):
        x.masked_scatter(m, torsh.ones(6))


def test_masked_scatter_and_select_grad_follow_logical_order():
    """torch 1.13's in-place masked_scatter_ (and so masked_select's backward) fills a
    non-contiguous self in memory order; torsh fills it in logical (row-major) order, as torch's
    out-of-place masked_scatter does (docs/bit_identical.md)."""
    m = np.array([[1, 1, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], bool)
    src = np.arange(1.0, 6.0)
    want = np.zeros((4, 3))
    want[m] = src
    x = torsh.zeros(3, 4, dtype=torsh.float64).t()
    x.masked_scatter_(torsh.from_numpy(m), torsh.from_numpy(src))
    np.testing.assert_array_equal(x.numpy(), want)
    ref = torch.zeros(3, 4, dtype=torch.float64).t().masked_scatter(torch.from_numpy(m),
                                                                    torch.from_numpy(src))
    np.testing.assert_array_equal(ref.numpy(), want)
    y = torsh.zeros(3, 4, dtype=torsh.float64, requires_grad=True)
    y.t().masked_select(torsh.from_numpy(m)).backward(torsh.from_numpy(src))
    np.testing.assert_array_equal(y.grad.t().numpy(), want)


@pytest.mark.parametrize("dtype", ["int16", "uint8", "int64", "bool"])
def test_isclose_integers_do_not_wrap(dtype):
    vals = {"int16": ([32767, -1, 8, 0], [-32768, 32767, 10, 5]),
            "uint8": ([8, 0, 255, 3], [10, 5, 0, 3]),
            "int64": ([2**62, -1, 8, 0], [-2**62, 2**62, 10, 5]),
            "bool": ([True, False, True, False], [True, True, False, False])}[dtype]
    for kw in ({}, {"rtol": 1.596}, {"atol": 2.0}):
        same(lambda L: L.isclose(L.tensor(vals[0], dtype=getattr(L, dtype)),
                                 L.tensor(vals[1], dtype=getattr(L, dtype)), **kw))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_lcm_narrows_like_torch(dtype):
    same(lambda L: L.lcm(L.tensor([32767 if dtype != "int8" else 127, 6, -4, 0, 255 if dtype == "uint8" else 9],
                                  dtype=getattr(L, dtype)),
                         L.tensor([-6 if dtype != "uint8" else 6, 4, 6, 3, 7], dtype=getattr(L, dtype))))


def test_lerp_gradients_take_torch_formulas():
    """An inf weight: torch's formulas give inf gradients; a where over both branches gave NaN."""
    def f(L):
        x = L.tensor([1.5], dtype=L.float64, requires_grad=True)
        e = L.tensor([-2.4, 0.9, 3.4], dtype=L.float64, requires_grad=True)
        w = L.tensor([float("inf"), 1.1, 0.1], dtype=L.float64, requires_grad=True)
        x.expand(3).lerp(e, w).backward(L.tensor([0.5, -1.0, 2.0], dtype=L.float64))
        return x.grad, e.grad, w.grad
    same(f)


def test_uint8_masks_hold_only_zero_and_one():
    m = [1, 2, 0]
    same(lambda L: L.zeros(3).masked_select(L.tensor(m, dtype=L.uint8)))
    same(lambda L: L.zeros(3).masked_select(L.tensor([1, 0, 1], dtype=L.uint8)))
