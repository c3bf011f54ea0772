"""Reliability regressions (issue 7): each case runs the same call in torch and torsh and asserts
the same outcome: the same exception type (and message where torch's wording is the contract),
or the same values, dtype and shape."""
import math

import numpy as np
import pytest
import torch

import torsh

LIBS = (torch, torsh)


def outcome(fn, lib):
    try:
        return "ok", fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return "raise", e


def to_plain(x):
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape),
                x.detach().to(x.dtype if x.dtype not in (torch.bfloat16, torsh.bfloat16)
                              else (torch.float32 if isinstance(x, torch.Tensor)
                                    else torsh.float32)).numpy().tolist())
    if isinstance(x, (tuple, list)):
        return tuple(to_plain(v) for v in x)
    return x


def same(fn, msg=None):
    """Asserts fn(torch) and fn(torsh) agree; msg: a substring both error messages contain."""
    (kt, rt), (ks, rs) = outcome(fn, torch), outcome(fn, torsh)
    assert kt == ks, f"torch: {kt} {rt!r}; torsh: {ks} {rs!r}"
    if kt == "raise":
        assert type(rt) is type(rs), f"torch raised {rt!r}, torsh raised {rs!r}"
        if msg is not None:
            assert msg in str(rt), str(rt)
            assert msg in str(rs), str(rs)
        return
    pt, ps = to_plain(rt), to_plain(rs)
    assert _equal(pt, ps), f"torch: {pt}\ntorsh: {ps}"


def _equal(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-6 * abs(a)
    return type(a) is type(b) and a == b


# ---- segfaults with gradients --------------------------------------------------------------

def _clamp_upper_only(L):
    a = L.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    b = L.tensor([0.0, 1.0, 1.0])
    y = L.clamp(a, None, b)
    y.sum().backward()
    return y.detach(), a.grad


def _clamp_lower_only_method(L):
    a = L.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    b = L.tensor([0.0, 1.0, 1.0], requires_grad=True)
    y = a.clamp(b, None)
    y.sum().backward()
    return y.detach(), a.grad, b.grad


def _mean_0dim(dim):
    def f(L):
        a = L.tensor(2.5, requires_grad=True)
        y = L.mean(a, dim)
        y.backward()
        return y.detach(), a.grad
    return f


@pytest.mark.parametrize("fn", [_clamp_upper_only, _clamp_lower_only_method, _mean_0dim(0),
                                _mean_0dim(-1)])
def test_no_segfault_with_gradients(fn):
    same(fn)


# ---- sizes checked for overflow ------------------------------------------------------------

BIG = [(2**62,), (2**31, 2**31), (2**32, 2**32), (2**62, 2**62, 0)]


@pytest.mark.parametrize("shape", BIG)
@pytest.mark.parametrize("make", ["empty", "zeros", "ones", "rand", "randn"])
def test_creation_size_overflow_raises(make, shape):
    same(lambda L: getattr(L, make)(*shape).shape, msg="overflow")


@pytest.mark.parametrize("fn", [
    lambda L: L.full((2**62,), 1.0),
    lambda L: L.arange(2**62),
    lambda L: L.linspace(0, 1, 2**62),
    lambda L: L.eye(2**32, 2**32),
    lambda L: L.zeros(1).expand(2**62).contiguous(),
    lambda L: L.zeros(1).expand(2**62).clone(),
    lambda L: L.zeros(1).expand(2**62) + 1,
    lambda L: L.zeros(1).expand(2**32, 2**32),
    lambda L: L.zeros(1, 1).expand(2**32, 1) + L.zeros(1, 1).expand(1, 2**32),
])
def test_size_overflow_raises(fn):
    same(fn, msg="overflow")


def test_cat_of_huge_expands_raises():
    same(lambda L: L.cat([L.zeros(1).expand(2**62)] * 2))


@pytest.mark.parametrize("shape", [(2**40,), (2**38, 4)])
def test_allocation_failure_is_torchs_out_of_memory_error(shape):
    same(lambda L: L.empty(*shape), msg="can't allocate memory: you tried to allocate")


def test_zero_numel_shapes_with_huge_dims_are_fine():
    same(lambda L: L.zeros(2**62, 0, 2**62).shape)
    same(lambda L: L.zeros(2**31, 0, 2**31).shape)


# ---- indexing does not mutate its index --------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda L: (lambda a, b: (a[b], b))(L.arange(5.0), L.tensor([-1, -2])),
    lambda L: (lambda a, b: (a[b, -2], b))(L.arange(15.0).reshape(5, 3), L.tensor([-1, -2])),
])
def test_index_leaves_negative_indices_unchanged(fn):
    same(fn)


# ---- overlapping outputs ------------------------------------------------------------------

INTERNAL = "more than one element of the written-to tensor refers to a single memory location"
PARTIAL = "some elements of the input tensor and the written-to tensor refer to a single memory"


def _expanded(L):
    return L.tensor([0.5]).expand(39)


@pytest.mark.parametrize("fn", [
    lambda L: (lambda a: L.abs(a, out=a))(_expanded(L)),
    lambda L: (lambda a: L.le(a, L.tensor(0.0), out=a))(_expanded(L)),
    lambda L: L.zeros(1).expand(5).add_(1),
    lambda L: L.zeros(1).expand(5).mul_(L.ones(5)),
    lambda L: L.zeros(1).expand(5).copy_(L.ones(5)),
    lambda L: L.zeros(3, 1).expand(3, 5).clamp_(0, 1),
    lambda L: L.zeros(1).expand(5).normal_(),
    lambda L: L.zeros(1).expand(5).uniform_(),
    lambda L: L.zeros(1).expand(5).random_(0, 5),
])
def test_internal_overlap_of_written_tensor_raises(fn):
    same(fn, msg=INTERNAL)


def _shift(L):
    x = L.arange(5.0)
    x[1:] = x[:-1]
    return x


@pytest.mark.parametrize("fn", [
    _shift,
    lambda L: (lambda x: x[1:].add_(x[:-1]))(L.arange(6.0)),
    lambda L: (lambda x: L.add(x[:3], 1, out=x[1:4]))(L.arange(6.0)),
    lambda L: (lambda x: x[1:4].copy_(x[0:3]))(L.arange(6.0)),
    lambda L: (lambda z: z.add_(z.t()))(L.ones(3, 3)),
])
def test_partial_overlap_of_input_and_output_raises(fn):
    same(fn, msg=PARTIAL)


@pytest.mark.parametrize("fn", [
    lambda L: (lambda a: a.add_(a))(L.arange(5.0)),
    lambda L: (lambda x: L.add(x, 1, out=x.view(6)))(L.arange(6.0)),
    lambda L: (lambda x: L.add(x[::2], 1, out=x[1::2]))(L.arange(6.0)),
    lambda L: (lambda x: x[1:4].copy_(x[0:1].expand(3)))(L.arange(6.0)),
    lambda L: L.zeros(1).expand(5).fill_(1),
    lambda L: L.zeros(1).expand(5).zero_(),
    lambda L: L.zeros(0, 1).expand(0, 5).add_(1),
    lambda L: L.zeros(1).expand(1).exp_(),
    lambda L: (lambda x: x.copy_(x.view(6)))(L.arange(6.0)),
])
def test_full_or_no_overlap_is_allowed(fn):
    same(fn)


# ---- out= dtype rules -------------------------------------------------------------------

DTYPES = ["int64", "int32", "float32", "float64", "bfloat16", "bool"]
OUT_OPS = {
    "neg": lambda L, a, o: L.neg(a, out=o),
    "abs": lambda L, a, o: L.abs(a, out=o),
    "exp": lambda L, a, o: L.exp(a, out=o),
    "sqrt": lambda L, a, o: L.sqrt(a, out=o),
    "clamp": lambda L, a, o: L.clamp(a, 0, 1, out=o),
    "add": lambda L, a, o: L.add(a, a, out=o),
    "mul": lambda L, a, o: L.mul(a, a, out=o),
    "div": lambda L, a, o: L.div(a, a, out=o),
    "maximum": lambda L, a, o: L.maximum(a, a, out=o),
    "lt": lambda L, a, o: L.lt(a, a, out=o),
}


@pytest.mark.parametrize("op", sorted(OUT_OPS))
@pytest.mark.parametrize("din", DTYPES)
@pytest.mark.parametrize("dout", DTYPES)
def test_out_dtype_rules(op, din, dout):
    def f(L):
        a = L.tensor([1, 2, 3]).to(getattr(L, din))
        o = L.empty(3, dtype=getattr(L, dout))
        OUT_OPS[op](L, a, o)
        return o
    (kt, rt), (ks, rs) = outcome(f, torch), outcome(f, torsh)
    assert kt == ks, f"torch: {kt} {rt!r}; torsh: {ks} {rs!r}"
    if kt == "raise":
        assert type(rt) is type(rs)


def test_out_dtype_message():
    same(lambda L: L.neg(L.tensor([1, 2]), out=L.empty(2)), msg="Found dtype Float but expected Long")
    same(lambda L: L.clamp(L.tensor([1.0], dtype=L.bfloat16), 0, 1, out=L.empty(1)),
         msg="Found dtype Float but expected BFloat16")


# ---- random fills follow torch's order ------------------------------------------------------

def _seeded(body):
    def f(L):
        L.manual_seed(0)
        return body(L)
    return f


@pytest.mark.parametrize("fill", [
    lambda t: t.normal_(), lambda t: t.uniform_(), lambda t: t.random_(0, 100),
    lambda t: t.normal_(2.0, 3.0), lambda t: t.random_(), lambda t: t.random_(7),
])
@pytest.mark.parametrize("view", [
    lambda L: L.empty(3, 4).t(),
    lambda L: L.empty(5, 6)[::2, 1::2],
    lambda L: L.empty(4, 5, 6).permute(2, 0, 1),
    lambda L: L.empty(20)[::3],
    lambda L: L.empty(6, 8).t()[1:],
    lambda L: L.empty(40, 3).t(),
])
def test_random_fill_order_on_strided_tensors(fill, view):
    same(_seeded(lambda L: fill(view(L))))


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32", "float64", "int64", "int32",
                                   "int16", "int8", "uint8", "bool"])
@pytest.mark.parametrize("args", [(), (0, 100), (-5, 5), (3,), (5, None), (0, 2**40), (1, 2)])
def test_random_bounds_per_dtype(dtype, args):
    same(_seeded(lambda L: L.empty(17, dtype=getattr(L, dtype)).random_(*args)))


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16", "int64"])
def test_randint_wide_range(dtype):
    same(_seeded(lambda L: L.randint(3, 2**40, (6,), dtype=getattr(L, dtype))))


def test_random_out_of_range_for_dtype_raises():
    same(lambda L: L.empty(3, dtype=L.int8).random_(0, 1000))
    same(lambda L: L.empty(3).random_(5, 3))


# ---- NaN handling ------------------------------------------------------------------------

NAN = float("nan")


@pytest.mark.parametrize("fn", [
    lambda L: L.clamp(L.tensor([1.0, 2.0, NAN]), NAN),
    lambda L: L.clamp(L.tensor([1.0, 2.0, NAN]), None, NAN),
    lambda L: L.clamp(L.tensor([1.0, 2.0, NAN]), NAN, 1.5),
    lambda L: L.clamp(L.tensor([1.0, 2.0, NAN]), 0.5, 1.5),
    lambda L: L.clamp(L.tensor([1.0, 2.0]), L.tensor([NAN, 0.0])),
    lambda L: L.clamp(L.tensor([1.0, 2.0]), L.tensor([0.0, 0.0]), L.tensor([NAN, 3.0])),
])
def test_clamp_nan(fn):
    same(fn)


@pytest.mark.parametrize("op", ["maximum", "minimum"])
def test_extremum_gradient_with_nan(op):
    def f(L):
        a = L.tensor([1.0, NAN, 3.0, 2.0], requires_grad=True)
        b = L.tensor([NAN, 2.0, 3.0, 1.0], requires_grad=True)
        getattr(L, op)(a, b).sum().backward()
        return a.grad, b.grad
    same(f)


@pytest.mark.parametrize("base", [False, True, 0, 2, 0.0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_base_pow_gradient(base, dtype):
    def f(L):
        a = L.tensor([-1.5, -1.0, 0.0, 0.3, 2.0], dtype=getattr(L, dtype), requires_grad=True)
        (base ** a).sum().backward()
        return a.grad
    same(f)


def test_tensor_pow_exponent_gradient_at_zero_base():
    def f(L):
        b = L.tensor([0.0, 0.0, 0.0, 2.0], dtype=L.float64)
        e = L.tensor([-1.0, 0.0, 1.5, 0.3], dtype=L.float64, requires_grad=True)
        L.pow(b, e).sum().backward()
        return e.grad
    same(f)


@pytest.mark.parametrize("args", [(-1.5, math.inf, 50), (-math.inf, 1.0, 5), (0.0, NAN, 4)])
def test_linspace_non_finite(args):
    same(lambda L: L.linspace(*args))


# ---- silently wrong numbers ------------------------------------------------------------------

@pytest.mark.parametrize("start,length", [(-2, 2), (-5, 3), (1, 2), (-1, 1)])
def test_narrow_backward_with_negative_start(start, length):
    def f(L):
        a = L.arange(5.0, requires_grad=True)
        a.narrow(0, start, length).sum().backward()
        return a.grad
    same(f)


@pytest.mark.parametrize("x,y", [([1.0], [math.inf]), ([math.inf], [math.inf]),
                                 ([-math.inf], [math.inf]), ([1.0], [1.0 + 1e-9]),
                                 ([NAN], [NAN]), ([1, 2], [1, 3]), ([1e10], [1.00001e10])])
def test_allclose(x, y):
    same(lambda L: L.allclose(L.tensor(x), L.tensor(y)))
    same(lambda L: L.allclose(L.tensor(x), L.tensor(y), equal_nan=True))


def test_allclose_mixed_dtypes_raises():
    same(lambda L: L.allclose(L.tensor([1.0]), L.tensor([1.0], dtype=L.float64)))


@pytest.mark.parametrize("v", [1e38, -1e38, 1e18, 2.5, -2.5])
def test_int_of_large_float_tensor(v):
    same(lambda L: int(L.tensor(v)))


@pytest.mark.parametrize("args,dtype", [
    ((7.5,), "int64"), ((7.5,), "int32"), ((0.5, 7.5), "int64"), ((-0.5, 3.5), "int64"),
    ((0, 5, 0.5), "int64"), ((0, 5, 1.5), "int64"), ((0, 5, 1.5), "int16"),
    ((-2**62, 2**62, 2**60), "int64"), ((-2**63, 2**63 - 1, 2**62), "int64"),
    ((0, 5, 1.5), "float32"), ((7.5,), "float64"),
])
def test_arange_length(args, dtype):
    same(lambda L: L.arange(*args, dtype=getattr(L, dtype)))


@pytest.mark.parametrize("value,dtype", [
    (300, "int8"), (-129, "int8"), (127, "int8"), (-1, "uint8"), (-256, "uint8"), (256, "uint8"),
    (300.5, "int8"), (2, "bool"), (1e300, "float32"), (math.inf, "float32"), (70000, "float16"),
    (2**40, "int32"), (1e39, "bfloat16"),
])
def test_full_value_out_of_range(value, dtype):
    same(lambda L: L.full((2,), value, dtype=getattr(L, dtype)))


def test_from_numpy_big_endian_raises():
    arr = np.arange(3, dtype=">i4")
    same(lambda L: L.from_numpy(arr))
    same(lambda L: L.tensor(arr))
    same(lambda L: L.from_numpy(np.arange(3, dtype="<i4")))


@pytest.mark.parametrize("depth", [100, 128, 129, 100000])
def test_deeply_nested_list(depth):
    nested = 1
    for _ in range(depth):
        nested = [nested]
    same(lambda L: L.tensor(nested).dim())


# ---- overloads torch accepts --------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda L: L.where(L.tensor([1, 0, 2])),
    lambda L: L.where(L.tensor([[True, False], [False, True]])),
    lambda L: L.where(L.tensor(True)),
    lambda L: L.where(L.tensor([True, False]), 1.0, 0.0),
    lambda L: L.where(L.tensor([True, False]), 1, 0),
    lambda L: L.where(L.tensor([True, False]), L.tensor([1, 2]), 0.5),
    lambda L: L.where(L.tensor([True, False]), 2, L.tensor([1.0, 2.0])),
    lambda L: L.tensor([1, 2]).where(L.tensor([True, False]), 0),
    lambda L: L.where(L.tensor([True, False]), L.tensor([1, 2]), L.tensor([1.0, 2.0])),
    lambda L: L.max(L.tensor([1.0, 5.0]), L.tensor([3.0, 2.0])),
    lambda L: L.min(L.tensor([1.0, 5.0]), L.tensor([3, 2])),
    lambda L: L.tensor([1.0, 5.0]).max(L.tensor([3.0, 2.0])),
    lambda L: L.tensor([1.0, 5.0]).min(L.tensor([3.0, 2.0])),
    lambda L: L.nonzero(L.tensor([[1, 0], [0, 2]]), as_tuple=True),
    lambda L: L.tensor([[1, 0], [0, 2]]).nonzero(as_tuple=True),
    lambda L: L.tensor([[1, 0], [0, 2]]).nonzero(as_tuple=False),
    lambda L: L.nonzero(L.tensor(0), as_tuple=True),
])
def test_overloads(fn):
    same(fn)


def test_where_scalar_gradient():
    def f(L):
        a = L.tensor([1.0, 2.0], requires_grad=True)
        L.where(L.tensor([True, False]), a, 0.0).sum().backward()
        return a.grad
    same(f)


# ---- exception types ---------------------------------------------------------------------

@pytest.mark.parametrize("fn", [
    lambda L: (L.randn(3, requires_grad=True) * 1)[1:].detach_(),
    lambda L: int(L.tensor([1, 2])),
    lambda L: float(L.tensor([1.0, 2.0])),
    lambda L: L.set_num_threads(0),
    lambda L: L.tensor([2, 3]) ** -1,
    lambda L: L.manual_seed(2**64),
    lambda L: L.manual_seed(-2**63 - 1),
    lambda L: L.Generator().manual_seed(2**64),
])
def test_exception_types(fn):
    same(fn)


@pytest.mark.parametrize("seed", [2**64 - 1, -1, 2**63, -2**63])
def test_manual_seed_range(seed):
    def f(L):
        L.manual_seed(seed)
        return L.initial_seed(), L.rand(3)
    same(f)
