"""Reliability regressions from the fresh fuzz run of seed 5550123: gcd/lcm of INT_MIN and
addcmul's fused multiply-add, each compared with torch through test_reliability.py's helper
(lcm cases where torch itself traps are checked against hand-computed values)."""
import numpy as np

import pytest
import torch

import torsh
from test_reliability import same

INF, NAN = float("inf"), float("nan")
SMALL = [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 5, 6, 7, 9, 10, 127]


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64"])
def test_gcd_of_int_min_keeps_torch_signs(dtype):
    """torch's Euclid runs on |a| and |b| in the signed type: |INT_MIN| stays INT_MIN, and the
    remainders keep C's signs (gcd(-128, 6) is -2 in int8)."""
    lo = int(np.iinfo(dtype).min)
    a = [lo] * len(SMALL) + SMALL + [lo, lo, 0]
    b = SMALL + [lo] * len(SMALL) + [lo, 0, lo]

    def f(L):
        d = getattr(L, dtype)
        return L.gcd(L.tensor(a, dtype=d), L.tensor(b, dtype=d))
    same(f)


def test_gcd_strided_broadcast_out():
    def f(L):
        x = L.tensor([[-9223372036854775808, 6], [7, -9223372036854775808]])[:, :1]
        out = L.zeros(2, 2, dtype=L.int64)
        L.gcd(x, L.tensor([-6, 5]), out=out)
        return out
    same(f)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_lcm_of_int_min_does_not_trap(dtype):
    """gcd(INT_MIN, -5) is -1 and torch's INT_MIN / -1 traps (SIGFPE); torsh wraps the
    quotient: |INT_MIN * -5| wraps to INT_MIN."""
    lo = int(np.iinfo(dtype).min)
    d = getattr(torsh, dtype)
    r = torsh.lcm(torsh.tensor([lo, lo, 6], dtype=d), torsh.tensor([-5, 3, -4], dtype=d))
    assert r.tolist() == [lo, lo, 12]


def test_addcmul_infinite_self_beside_overflowing_product():
    """torch's addcmul is one fused multiply-add: -inf + (4 * -1.99) * -3e38 is -inf (the
    product is never rounded to inf), not NaN."""
    def f(L):
        s = L.tensor([-INF, INF, 1.0, -3e38, NAN])
        a = L.tensor([-1.99, 2.0, 1e38, 2.0, 1.0])
        b = L.tensor([-3e38, -3e38, 1e38, -1e38, 2.0])
        return L.addcmul(s, a, b, value=4)
    same(f)


@pytest.mark.parametrize("step", [1, 3])
def test_addcmul_single_rounding_float64(step):
    """One rounding for self + v * t1 * t2 (fma), as torch's compiled kernel: with
    a = 1 + 2**-30 and self = -(1 + 2**-29), a * a's lost 2**-60 is the result (0 unfused)."""
    def f(L):
        a = L.full((20,), 1 + 2**-30, dtype=L.float64)[::step]
        s = L.full((20,), -(1 + 2**-29), dtype=L.float64)[::step]
        return L.addcmul(s, a, a)
    same(f)
    assert torsh.addcmul(torsh.tensor([-(1 + 2**-29)], dtype=torsh.float64),
                         torsh.tensor([1 + 2**-30], dtype=torsh.float64),
                         torsh.tensor([1 + 2**-30], dtype=torsh.float64)).item() == 2.0**-60


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
def test_addcmul_integer_wraps(dtype):
    info = np.iinfo(dtype)
    s = [int(info.max), int(info.min), 3, -1 if info.min < 0 else 1]
    a = [int(info.max), int(info.max), 7, int(info.min)]
    b = [int(info.max), 2, 9, int(info.max)]

    def f(L):
        d = getattr(L, dtype)
        return L.addcmul(L.tensor(s, dtype=d), L.tensor(a, dtype=d), L.tensor(b, dtype=d),
                         value=3)
    same(f)


def test_addcmul_and_addcdiv_promote_and_broadcast():
    def f(L):
        s = L.tensor([[1, 2, 3]], dtype=L.int32)
        a = L.tensor([[0.5], [1.5]], dtype=L.float64)
        b = L.tensor([2.0, 4.0, -8.0], dtype=L.bfloat16)
        return L.addcmul(s, a, b, value=2), L.addcdiv(s, a, b, value=-0.5)
    same(f)


def test_addcdiv_bfloat16_in_float():
    def f(L):
        s = L.tensor([1.0, 3.0, -2.0, 0.1], dtype=L.bfloat16)
        a = L.tensor([1.0, 1.0, 7.0, 0.3], dtype=L.bfloat16)
        b = L.tensor([3.0, 0.0, -0.0, 0.7], dtype=L.bfloat16)
        return L.addcdiv(s, a, b, value=0.1)
    same(f)


def test_addcmul_inplace_and_out():
    def f(L):
        s = L.tensor([1.0, -INF, 2.0])
        a = L.tensor([2.0, -1.99, 1.0])
        b = L.tensor([3.0, -3e38, 0.5])
        out = L.empty(3)
        L.addcmul(s, a, b, value=4, out=out)
        s2 = s.clone()
        s2.addcmul_(a, b, value=4)
        return out, s2
    same(f)


def test_addcmul_grad():
    def f(L):
        s = L.tensor([1.0, 2.0], requires_grad=True)
        a = L.tensor([3.0, -1.0], requires_grad=True)
        b = L.tensor([0.5, 4.0], requires_grad=True)
        L.addcmul(s, a, b, value=2).sum().backward()
        return s.grad, a.grad, b.grad
    same(f)


def test_addcmul_value_checks():
    def f(L):
        x = L.ones(2, dtype=L.int8)
        return L.addcmul(x, x, x, value=1000)
    same(f)

    def g(L):
        x = L.ones(2, dtype=L.bool)
        return L.addcmul(x, x, x)
    same(g)


def test_addcmul_wider_out():
    """torch 1.13 fails an internal assert for a float32 addcmul into a float64 out; torsh
    casts the result, as for any out= of a wider dtype."""
    a = torsh.tensor([1.5, 2.0])
    out = torsh.zeros(2, dtype=torsh.float64)
    r = torsh.addcmul(a, a, a, value=2, out=out)
    assert r is out and out.dtype == torsh.float64 and out.tolist() == [6.0, 10.0]


@pytest.mark.parametrize("case", ["out_int", "inplace_int_self", "out_shape",
                                  "inplace_broadcast"])
def test_addcmul_out_and_inplace_dtype_rules(case):
    def f(L):
        a = L.tensor([1.5, 2.0])
        i = L.tensor([1, 2])
        if case == "out_int":
            return L.addcdiv(a, a, a, out=L.zeros(2, dtype=L.int64))
        if case == "inplace_int_self":
            return i.addcmul_(a, a)
        if case == "out_shape":
            out = L.zeros(5)
            return L.addcmul(a, a, a, out=out), out
        return a.addcmul_(L.ones(3, 2), a)
    same(f)


# ---- seed 6061727's mismatches -------------------------------------------------------------
CHECK_ORDER = {
    # var/std/nansum check each dim in turn (a repeat before a later out-of-range dim)
    "var_repeat_before_range": lambda L: L.var(L.ones(4, 3, 1, 1), [-2, 1, -2, -5], True),
    "var_mean_range": lambda L: L.var_mean(L.ones(4, 3, 1, 1), [0, 4]),
    "sum_range_first": lambda L: L.sum(L.ones(4, 3, 1, 1), [-2, 1, -2, -5]),
    "nansum_dim_before_dtype": lambda L: L.nansum(L.tensor(0.2), [1], dtype=L.int32),
    "take_out_dtype_first": lambda L: L.take(L.tensor([1, 2, 3, 4], dtype=L.int32), L.tensor([7]),
                                             out=L.tensor(0, dtype=L.uint8)),
    "take_empty_out_dtype_first": lambda L: L.take(L.ones(1, 2, 0), L.tensor([-4, 2]),
                                                   out=L.ones(1, 2, 0, dtype=L.uint8)),
    "take_into_expanded": lambda L: L.take(L.ones(3, 3), L.tensor([-1, 1]),
                                           out=L.tensor([[0.0]]).expand(3, 3)),
    "norm_int_dtype_with_out": lambda L: L.norm(L.tensor([-5.0]), 3, [0], True, dtype=L.int8,
                                                out=L.tensor(1.0)),
    "take_along_dim_no_dim_empty_float": lambda L: L.take_along_dim(L.ones(3, 2), L.ones(3, 0)),
    "take_along_dim_no_dim_float": lambda L: L.take_along_dim(L.ones(3, 2), L.ones(3, 1)),
    "amax_none_dim": lambda L: L.amax(L.tensor([[1.0, 5.0], [3.0, 2.0]]), None, False),
    "amin_none_dim_keepdim": lambda L: L.amin(L.tensor([[1.0, 5.0], [3.0, 2.0]]), None, True),
    "flip_none_refused": lambda L: L.flip(L.ones(2), None),
    "chunk_huge_count_of_empty": lambda L: L.chunk(L.ones(3, 0), 4611686018427387904, 1),
    "chunk_huge_count": lambda L: L.chunk(L.ones(3, 2), 4611686018427387904, 1),
    "addbmm_inplace_3d_self": lambda L: L.ones(1, 1, 7).addbmm_(L.ones(1, 1, 1), L.ones(1, 1, 7)),
    "list_iadd_0d": lambda L: [1.5, 2].__iadd__(L.tensor(-2)),
    "iter_0d": lambda L: list(L.tensor(3.0)),
    "iter_rows": lambda L: [r * 2 for r in L.arange(6).reshape(3, 2)],
    "unpack_1d": lambda L: tuple(L.tensor([4, 5])),
    "cumprod_into_expanded": lambda L: L.cumprod(L.tensor([[2, 3, -3, -8]], dtype=L.int16).t(), 0,
                                                 out=L.tensor([[0]], dtype=L.int16).expand(4, 1)),
    "cumsum_into_expanded": lambda L: L.cumsum(L.ones(4, 1), 0, out=L.zeros(1, 1).expand(4, 1)),
    "logit_subnormal_negative_eps": lambda L: L.logit(L.tensor([-10, -8, 3]), -1e-310),
    "logit_subnormal_eps_float64": lambda L: L.logit(L.tensor([-10.0, 0.5], dtype=L.float64),
                                                     -1e-310),
    "logspace_int64_extreme_bounds": lambda L: L.logspace(9223372036854775807, -1.723, 2,
                                                          out=L.empty(0, dtype=L.int64)),
    "logspace_int64_three": lambda L: L.logspace(9223372036854775807, True, 3, -1.672,
                                                 out=L.tensor([1, -7])),
}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", sorted(CHECK_ORDER))
def test_seed_6061727_mismatches(name):
    same(lambda L: CHECK_ORDER[name](L))


def test_logit_subnormal_eps_gradient():
    def f(L):
        x = L.tensor([-10.0, 0.25, 2.0], requires_grad=True)
        L.logit(x, -1e-310).sum().backward()
        return x.grad
    same(f)


@pytest.mark.parametrize("sizes,strides", [((0, 3, 5), (2**61 - 1, 2**62 - 1, 1)),
                                           ((3, 0), (2**62, 2**62)),
                                           ((3, 2), (2**62, 2**62)),
                                           ((1, 3), (2**63 - 9, 1))])
def test_empty_strided_huge_strides(sizes, strides):
    """torch sizes a strided tensor with a zero dim at 0 bytes (the dims after the zero are not
    checked), and a size-1 dim may carry any stride; its clone keeps working (libFuzzer's
    fuzz_views found the byte-stride overflow this exercises)."""
    def f(L):
        t = L.empty_strided(sizes, strides, dtype=L.float16)
        c = t.fill_(2).clone() if t.numel() < 10 else t
        return t.shape, t.stride(), c.sum()
    same(f)


@pytest.mark.parametrize("op", ["remainder", "bitwise_and", "bitwise_or", "bitwise_xor",
                                "bitwise_left_shift", "bitwise_right_shift", "float_power", "add"])
@pytest.mark.parametrize("form", ["numbers", "number_self", "number_self_out", "tensor_number"])
def test_scalar_self_overloads(op, form):
    """torch's Scalar-self overloads: torch.remainder(2, t) works, torch.remainder(2, 3) and
    torch.remainder(2, t, out=o) raise TypeError (add takes numbers anywhere)."""
    def f(L):
        t = L.tensor([3, 4])
        fn = getattr(L, op)
        if form == "numbers":
            return fn(2, 3)
        if form == "number_self":
            return fn(2, t)
        if form == "number_self_out":
            if op == "float_power":
                return fn(2, t)  # float_power's out= is not in torsh yet
            return fn(2, t, out=L.empty(2, dtype=L.int64))
        return fn(t, 2)
    same(f)


@pytest.mark.parametrize("case", ["huge_stride", "empty_huge_stride", "in_bounds",
                                  "out_of_bounds"])
def test_as_strided_size_arithmetic_is_checked(case):
    """Seed 9351742: as_strided's storage bound wrapped past int64 and let a view far outside
    its storage through (a segfault on reading it). torch raises "Storage size calculation
    overflowed"; a zero size needs no storage whatever the strides."""
    def f(L):
        if case == "huge_stride":
            return L.as_strided(L.ones(1, 1, 1), [4, 2, 2], [2, 0, 2**62])
        if case == "empty_huge_stride":
            return L.ones(4).as_strided([0, 3], [2**62, 2**62]).shape
        if case == "in_bounds":
            return L.arange(4.0).as_strided([2], [2], 1)
        return L.ones(4).as_strided([2], [2], 3)
    same(f)


def test_as_strided_huge_offset_refused():
    """torch 1.13 accepts a storage offset of 2**63 - 1 (its size arithmetic wraps) and crashes
    when the view is read; torsh refuses it."""
    with pytest.raises(RuntimeError, match="Storage size calculation overflowed"):
        torsh.ones(1, 1).as_strided([], [], 2**63 - 1)


# ---- arange in torch's arithmetic (seed 9351742, call 350) --------------------------------

@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("start,step,n", [
    (0.1, 0.1, 100), (1 / 3, 0.01, 257), (-2.3, 1 / 7, 33), (12345.678, 0.3, 1000),
    (-2147483649, 2147483648, 2), (7e-5, 1e-3, 70001), (1000.7, -0.37, 100003)])
def test_arange_bits_match_torch(threads, dtype, start, step, n):
    """Same bits as torch's CPU kernel: its accumulate type (float for 16-bit results, double
    otherwise), fused multiply-adds, and its vector blocks (each counted from its first element
    rounded to the dtype), per thread chunk."""
    end = start + step * n - step * 0.5
    got = {}
    for L in (torch, torsh):
        old = L.get_num_threads()
        L.set_num_threads(threads)
        try:
            got[L] = L.arange(start, end, step, dtype=getattr(L, dtype)).double().tolist()
        finally:
            L.set_num_threads(old)
    assert len(got[torch]) == len(got[torsh])
    diff = [(i, a, b) for i, (a, b) in enumerate(zip(got[torch], got[torsh])) if a != b]
    assert not diff, diff[:5]


def test_arange_float16_out_counts_in_float():
    """-2147483649 is -2**31 in float, so the second value is 0 (not -1) before rounding."""
    def f(L):
        out = L.empty(0, dtype=L.float16)[::2]
        return L.arange(-2147483649, -0.851, 2147483648, out=out)
    same(f)
