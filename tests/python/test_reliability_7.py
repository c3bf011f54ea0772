"""Reliability regressions from the fresh fuzz runs of seeds 4093179 and 6180339: the order in
which addr and addcdiv's backward round their products in float16/bfloat16, and tril/triu_indices
without columns, compared with torch through test_reliability.py's helper."""
import pytest
import torch

import torsh
from test_reliability import same


def run_child(code):
    """Runs code in a fresh interpreter importing this torsh (a crash fails the test, not the
    run); returns its stdout."""
    import subprocess
    import sys
    env = {"PYTHONPATH": torsh.__path__[0] + "/..", "PATH": "/usr/bin"}
    r = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_addcdiv_backward_divides_value_by_tensor2(dtype):
    """torch's formulas: grad * (value / tensor2) and -grad * (value * tensor1 / tensor2**2),
    each step rounded to the 16-bit dtype (1 / 3.67 first, then * 3, gives another bfloat16)."""
    def f(L):
        d = getattr(L, dtype)
        s = L.tensor([[-5.0, -6.0, 9.0], [10.0, -9.0, 7.0]], dtype=d, requires_grad=True)
        t1 = L.tensor([[-1.1559, -1.2585, 1.9446], [4.1391, -0.4445, 0.1974]],
                      dtype=L.float64, requires_grad=True)
        t2 = L.tensor(3.6705, dtype=d, requires_grad=True)
        r = L.addcdiv(s, t1, t2, value=3)
        r.backward(L.tensor([[1.0, -0.5, 2.0], [0.25, 3.0, -1.5]], dtype=L.float64))
        return r, s.grad, t1.grad, t2.grad
    same(f)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_addr_rounds_alpha_times_vec1_first(dtype):
    """torch's kernel: beta * self + (alpha * vec1) * vec2 in the result dtype, alpha and beta
    held in it: in float16 -3.505 * -60000 overflows to inf before vec2's zero makes it NaN."""
    def f(L):
        d = getattr(L, dtype)
        s = L.tensor([-0.194, 3.502, -2.166, -0.6206], dtype=d)
        v1 = L.tensor([-0.0, -60000.0, 1.779, -2.045], dtype=d)
        v2 = L.tensor([True, False, False, True])
        return L.addr(s, v1, v2, beta=-3, alpha=-3.505)
    same(f)


def test_addr_16bit_alpha_is_rounded():
    """alpha = 1.0009 is 1.0 in float16, so the products are vec1 * vec2 unscaled."""
    def f(L):
        v = L.tensor([1.5, 2.25, -3.0], dtype=L.float16)
        return L.addr(L.zeros(3, 3, dtype=L.float16), v, v, beta=0.3, alpha=1.0009)
    same(f)


@pytest.mark.parametrize("args", [(2**63 - 1, 0, -1), (2**40, 0, 5), (3, 0, -5)])
@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_tri_indices_of_no_columns_do_not_visit_rows(name, args):
    """With col == 0 every row is empty: the result is [2, 0] at once (seed 6180339 call 12023
    hung walking 2**63 empty rows)."""
    same(lambda L: getattr(L, name)(*args))


def test_tri_indices_empty_upper_with_negative_offset():
    same(lambda L: L.triu_indices(2**40, 0, -2**39))


# ---- seed 6180339's exception mismatches ---------------------------------------------------

OVERLAP = "more than one element of the written-to tensor refers to a single memory location"


@pytest.mark.parametrize("name", ["tril_", "triu_"])
def test_tri_inplace_on_expanded_self_refuses(name):
    """torch refuses a batched expanded self; a 2-D one torsh refuses too (torch races on it,
    docs/fuzzing.md), so the 4-D case is compared with torch."""
    def f(L):
        t = L.tensor([[[[6], [4], [9], [-7]]], [[[-2], [-4], [-7], [-10]]]], dtype=L.int32)
        return getattr(t.expand(2, 3, 4, 3), name)()
    same(f, OVERLAP)
    with pytest.raises(RuntimeError, match="written-to tensor"):
        getattr(torsh.tensor([[6], [4]]).expand(2, 3), name)()


@pytest.mark.parametrize("n", [1, 2, 4])
def test_diff_refuses_expanded_out_before_resizing(n):
    """torch's last step is sub_out, whose iterator checks the out before resizing it."""
    same(lambda L: L.diff(L.arange(20.).reshape(5, 4), n, 0, out=L.zeros(1, 1).expand(7, 4)),
         OVERLAP)


def test_diff_zero_steps_resizes_an_expanded_out():
    same(lambda L: L.diff(L.arange(20.).reshape(5, 4), 0, 0, out=L.zeros(1, 1).expand(7, 4)))


@pytest.mark.parametrize("reps", [[0, -2], [0, 3], [2, 0]])
def test_repeat_backward_with_a_zero_repeat_is_zeros(reps):
    """A zero repeat leaves self unused: zeros of self's shape (torch accepts [0, -2] on an
    empty input, forward and backward)."""
    def f(L):
        x = L.zeros(5, 0, requires_grad=True)
        r = x.repeat(reps)
        r.sum().backward()
        return r, x.grad
    same(f)
    same(lambda L: (lambda x: (x.tile(reps).sum().backward(), x.grad)[1])(
        L.zeros(5, 0, requires_grad=True)))


def test_repeat_backward_negative_repeat_without_zero_raises():
    def f(L):
        x = L.zeros(5, 0, requires_grad=True)
        x.repeat([1, -2]).sum().backward()
    same(f, "invalid shape dimension -2")


def test_addmm_inplace_needs_the_product_shape():
    same(lambda L: L.ones(5, 1).addmm_(L.ones(1, 1), L.zeros(1, 1)),
         "Bad in-place call: input tensor size [5, 1] and output tensor size [1, 1] should match")


def test_addmv_inplace_size_mismatch():
    same(lambda L: L.ones(5).addmv_(L.ones(1, 2), L.zeros(2)), "size mismatch, got 5, 1x2,2")
    same(lambda L: L.ones(1).addmv_(L.ones(5, 2), L.zeros(2)), "Bad in-place call")


def test_baddbmm_inplace_expands_self_to_the_result():
    same(lambda L: L.ones(2, 5, 1).baddbmm_(L.ones(2, 1, 2), L.zeros(2, 2, 1)),
         "The expanded size of the tensor (1) must match the existing size (5)")


def test_addr_inplace_size_mismatch():
    same(lambda L: L.ones(5, 3).addr_(L.ones(1), L.zeros(3)),
         "size mismatch, input: [5, 3], v1: [1], v2: [3]")


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int64", "float32", "bfloat16"])
@pytest.mark.parametrize("kw", [dict(beta=-1e-310), dict(beta=-0.5), dict(beta=255.5),
                                dict(beta=1e5), dict(alpha=300), dict(alpha=-300),
                                dict(alpha=1e39), dict(beta=-1)])
@pytest.mark.parametrize("op", ["addmm", "addmv", "baddbmm", "addbmm"])
def test_gemm_family_checks_beta_and_alpha_fit_the_dtype(op, kw, dtype):
    """torch converts beta and alpha to the kernel's type with its overflow check: uint8 refuses
    a negative float (-0.5, even -1e-310) and 255.5; int8 refuses 300; float refuses 1e39."""
    shapes = {"addmm": ((2, 2), (2, 2), (2, 2)), "addmv": ((2,), (2, 2), (2,)),
              "baddbmm": ((1, 2, 2), (1, 2, 2), (1, 2, 2)), "addbmm": ((2, 2), (1, 2, 2), (1, 2, 2))}

    def f(L):
        d = getattr(L, dtype)
        return getattr(L, op)(*(L.full(s, 3, dtype=d) for s in shapes[op]), **kw)
    same(f)


def test_addr_checks_alpha_fits_the_dtype():
    same(lambda L: L.addr(L.ones(2, 2, dtype=L.int8), L.ones(2, dtype=L.int8),
                          L.ones(2, dtype=L.int8), alpha=300), "without overflow")
    same(lambda L: L.addr(L.ones(2, 2), L.ones(2), L.ones(2), alpha=1e39), "without overflow")


def test_norm_checks_dims_before_a_bool_p():
    same(lambda L: L.norm(L.tensor(2.4), False, [1], False))


@pytest.mark.parametrize("decimals", [1, 2, 3, 4, -1, -2, 0])
def test_round_decimals_bfloat16_rounds_the_product(decimals):
    """torch's kernel runs in bfloat16: 10**d and x * 10**d are rounded to it before nearbyint
    (0.3496 * 10 is 3.5 there, which rounds to 4: seed 3141592 call 85868)."""
    same(lambda L: L.linspace(-300, 300, 20001).to(L.bfloat16).round(decimals=decimals))


@pytest.mark.parametrize("other", [float("nan"), -1.0, 0.0, 2.0])
def test_xlogy_number_other_gradient_masks_unless_positive(other):
    """With a number for other torch zeroes the gradient where self is 0 unless other > 0, so a
    NaN other gives 0 there (seed 3141592 call 30121); a tensor other keeps NaN."""
    def f(L):
        x = L.tensor([10.0, -3.0, 0.0, 1.0, -0.0, 5.0], requires_grad=True)
        L.xlogy(x, other).sum().backward()
        return x.grad
    same(f)

    def g(L):
        x = L.tensor([10.0, -3.0, 0.0, 1.0, -0.0, 5.0], requires_grad=True)
        L.xlogy(x, L.tensor(other)).sum().backward()
        return x.grad
    same(g)


# ---- seed 2718281 --------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [0, 1, 5, -3])
def test_diff_with_zero_order_does_not_read_dim(dim):
    """n = 0 copies self without reading dim (torch); a prepend still checks it."""
    same(lambda L: L.diff(L.tensor([-3, 4]), 0, dim))
    same(lambda L: L.diff(L.tensor([-3, 4]), 0, dim, prepend=L.tensor([1])))
    same(lambda L: L.diff(L.tensor([-3, 4]), 1, dim))


@pytest.mark.parametrize("case", [(-1.1558, "uint8"), (300, "int8"), (-1, "uint8"), (2.5, "int8"),
                                  (1e39, "float32")])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_scan_of_0dim_converts_its_value_checked(op, case):
    """torch fills a 0-dim input's result with its value: a checked conversion to dtype."""
    v, dt = case
    same(lambda L: getattr(L, op)(L.tensor(v, dtype=L.float64 if isinstance(v, float) else L.int64),
                                  0, dtype=getattr(L, dt)))


def test_masked_select_checks_out_before_resizing():
    m = [True, False, False, False, True]
    same(lambda L: L.masked_select(L.arange(5.), L.tensor(m), out=L.zeros(1).expand(5)), OVERLAP)
    same(lambda L: L.masked_select(L.arange(5.), L.tensor(m), out=L.zeros(1, dtype=L.int64)),
         "masked_select(): self and result must have the same scalar type")


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int64", "bfloat16"])
def test_range_fills_its_dtype_directly(dtype):
    """range writes each value converted from its accumulate type (no accumulate-type copy of
    the result: seed 2718281 ran out of memory there), into out in place when contiguous."""
    same(lambda L: L.range(-2.5, 200, 3.3, dtype=getattr(L, dtype)))
    same(lambda L: L.range(-2, 200, 3, out=L.zeros(3, dtype=getattr(L, dtype))))
    same(lambda L: L.range(0, 5, 1, out=L.zeros(3, 4, dtype=getattr(L, dtype))[:, :2]))


def test_range_result_memory_is_one_buffer():
    """2**28 float32 values (1 GiB) held once: the process grows by about 1 GiB, not 3 (a double
    buffer and a float copy)."""
    code = ("import resource, torsh; r = torsh.range(0, 2**28 - 1, 1); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    base = ("import resource, torsh; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    kb = [int(run_child(c)) for c in (code, base)]
    assert kb[0] - kb[1] < 1.5 * 2**20  # KiB: 1 GiB of values plus slack


@pytest.mark.parametrize("op", ["std", "var", "std_mean", "var_mean"])
@pytest.mark.parametrize("dim", [0, None])
def test_variance_of_values_whose_squares_overflow_float(op, dim):
    """float32 values near 1e20: their squares overflow float lanes, so the run is redone in
    double (torsh gave inf); std is finite, var is inf only where it exceeds float's range."""
    def f(L):
        x = L.tensor([1e20, -1e20, 3.0, 2e19])
        return getattr(L, op)(x) if dim is None else getattr(L, op)(x, dim)
    same(f)


def test_std_mean_of_values_near_float_max():
    same(lambda L: L.std_mean(L.tensor([[3e38, 3e38, -0.0], [0.74, -0.0, -2.61]])))
    same(lambda L: L.std(L.tensor([[3e38, 3e38, -0.0], [0.74, -0.0, -2.61]]), 1))


# ---- seed 1618033 --------------------------------------------------------------------------

def test_gather_refuses_an_expanded_out_of_the_result_shape():
    same(lambda L: L.gather(L.tensor([8, 7, -3]), 0, L.tensor([1, 2, 2]),
                            out=L.zeros(1, dtype=L.int64).expand(3)), OVERLAP)
    same(lambda L: L.gather(L.tensor([8.0, 7, -3]), 0, L.tensor([1, 2, 2]),
                            out=L.zeros(1).expand(5)))  # resized first: a fresh layout


def test_masked_select_uint8_values_unchecked_when_empty():
    m = [[2], [4], [8], [3], [9]]
    same(lambda L: L.masked_select(L.zeros(0, 5, 1), L.tensor(m, dtype=L.uint8)))
    same(lambda L: L.masked_select(L.zeros(2, 5, 1), L.tensor(m, dtype=L.uint8)),
         "Mask tensor can take 0 and 1 values only")


# ---- seed 4669201 --------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("r", [0, 1, 2, 3, 6])
@pytest.mark.parametrize("with_replacement", [False, True])
def test_combinations_match_torch(n, r, with_replacement):
    def f(L):
        x = (L.arange(n) * 1.5).requires_grad_(True)
        c = L.combinations(x, r, with_replacement=with_replacement)
        if c.numel():
            (c * L.arange(1, c.numel() + 1.0).reshape(c.shape)).sum().backward()
        return c, x.grad
    same(f)


def test_combinations_with_long_tuples_do_not_recurse():
    """Tuples 200,000 long (one input value, with replacement) were generated by a recursion that
    deep, which overflowed the stack (a segfault); torsh now counts them first and fills
    iteratively."""
    c = torsh.combinations(torsh.tensor([7]), 200000, with_replacement=True)
    assert tuple(c.shape) == (1, 200000) and c.min().item() == 7 == c.max().item()
    with pytest.raises(RuntimeError):  # C(2**40 + 2, 2**40) tuples: too large to allocate
        torsh.combinations(torsh.tensor([1, 2, 3]), 2**40, with_replacement=True)


def test_logit_eps_must_fit_the_kernel_type():
    same(lambda L: L.logit(L.zeros(0, 5, 4, dtype=L.bool), 1e300), "without overflow")
    same(lambda L: L.logit(L.zeros(2), 1e300), "without overflow")
    same(lambda L: L.logit(L.zeros(2, dtype=L.float64), 1e300))


def test_long_graph_is_freed_and_differentiated():
    """500,000 chained ops: freeing the graph recursed once per node and overflowed the stack
    (a segfault at about 300,000); torch frees it iteratively too. Checked in a child process,
    so a crash fails the test instead of the run."""
    code = ("import torsh\n"
            "x = torsh.ones(1, requires_grad=True)\n"
            "y = x\n"
            "for i in range(500000): y = y * 1.0\n"
            "del y\n"
            "y = x\n"
            "for i in range(500000): y = y + 1.0\n"
            "y.backward()\n"
            "print(x.grad.item(), y.item())\n")
    assert run_child(code).split() == ["1.0", "500001.0"]


def test_take_along_dim_checks_dim_count_first():
    same(lambda L: L.take_along_dim(L.tensor(-10), L.tensor([1, 2]), 0),
         "input and indices should have the same number of dimensions")
    same(lambda L: L.take_along_dim(L.rand(2, 3), L.tensor([[[1]]]), 4),
         "input and indices should have the same number of dimensions")
    same(lambda L: L.take_along_dim(L.rand(2, 3), L.tensor([[[1.0]]]), 0),
         "input and indices should have the same number of dimensions")
    same(lambda L: L.take_along_dim(L.rand(2, 3), L.tensor([[1]]), 4))


def test_long_chains_of_view_writes_are_freed():
    """300,000 in-place ops on views (each a CopySlices holding its op's node): freeing went one
    destructor deeper per op through the held node. Run in a child process."""
    code = ("import torsh\n"
            "x = torsh.ones(3, requires_grad=True)\n"
            "h = x * 1.0\n"
            "for i in range(300000): h[i % 3].mul_(1.0)\n"
            "h.sum().backward()\n"
            "del h\n"
            "print(x.grad.tolist())\n")
    assert run_child(code).split() == ["[1.0,", "1.0,", "1.0]"]


def test_baddbmm_inplace_needs_the_result_shape():
    same(lambda L: L.ones(1, 2, 2).baddbmm_(L.ones(4, 2, 2), L.ones(4, 2, 2), alpha=0),
         "Bad in-place call")
