"""Reliability regressions from the fresh fuzz run of seed 777001 (the ops added for the breadth
issue): each case runs the same call in torch and torsh and asserts the same outcome (exception
type, or values, dtype and shape), with test_reliability.py's helper."""
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
