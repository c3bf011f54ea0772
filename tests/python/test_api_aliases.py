"""torch's alias names (absolute, arccos, divide, greater, ...) as functions, methods and
in-place methods, and its top-level in-place functions (torch.abs_(t) & co.), against torch
1.13 on the same inputs: values, dtypes, shapes, exception types, gradients, and that the
in-place forms return the same object."""
import numpy as np
import pytest

from api_compare import T, same, same_draws, same_grad

RNG = np.random.default_rng(7)
GENERAL = [[-1.5, 0.3, 2.0, -0.0], 0.25, [], RNG.standard_normal((2, 3)) * 3]
UNIT = [[-0.9, 0.3, 0.0, 0.75], -0.5, [], RNG.uniform(-1, 1, (2, 3)), [1.0, -1.0, 1.5]]
ABOVE_ONE = [[1.0, 1.5, 7.0], 2.5, [], 1 + RNG.uniform(0, 3, (3, 2)), [0.5]]
INTS = [[-3, 0, 4], 5, []]
# rtol per input dtype for the transcendental aliases (libm differences of an ulp or two)
TOL = {"float16": 1e-3, "float32": 2e-6, "float64": 1e-14, "int64": 2e-6, "int32": 2e-6}

UNARY = {
    "absolute": ("abs", GENERAL), "arccos": ("acos", UNIT), "arccosh": ("acosh", ABOVE_ONE),
    "arcsin": ("asin", UNIT), "arcsinh": ("asinh", GENERAL), "arctan": ("atan", GENERAL),
    "arctanh": ("atanh", UNIT), "negative": ("neg", GENERAL),
}
# torch's top-level in-place alias functions
TOP_INPLACE_ALIASES = ["arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
                       "negative_"]


# (torch 1.13's CPU kernels of the inverse trig functions have no float16 version)
@pytest.mark.parametrize("alias,dtype", [
    (a, d) for a in sorted(UNARY) for d in ["float32", "float64", "int64", "float16"]
    if d != "float16" or a in ("absolute", "negative")])
def test_unary_alias_function_and_method(alias, dtype):
    _, samples = UNARY[alias]
    for x in samples + (INTS if dtype == "int64" else []):
        tol = TOL[dtype]
        same(lambda L: getattr(L, alias)(T(L, x, dtype)), rtol=tol)
        same(lambda L: getattr(T(L, x, dtype), alias)(), rtol=tol)
        same(lambda L: getattr(L, alias)(T(L, x, dtype)[..., None].expand(*np.shape(x), 2)),
             rtol=tol)


@pytest.mark.parametrize("alias", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_unary_alias_inplace_method(alias, dtype):
    for x in UNARY[alias][1] + (INTS if dtype == "int64" else []):
        def fn(L):
            t = T(L, x, dtype)
            r = getattr(t, alias + "_")()
            return r is t, t
        same(fn, rtol=TOL[dtype])


@pytest.mark.parametrize("name", TOP_INPLACE_ALIASES)
def test_top_level_inplace_aliases(name):
    alias = name[:-1]
    for dtype in ["float32", "float64", "int64"]:
        for x in UNARY[alias][1]:
            def fn(L):
                t = T(L, x, dtype)
                r = getattr(L, name)(t)
                return r is t, t
            same(fn, rtol=TOL[dtype])
    same(lambda L: getattr(L, name)([0.5]))
    same(lambda L: getattr(L, name)(T(L, [0.5], requires_grad=True)))


@pytest.mark.parametrize("alias", sorted(UNARY))
def test_unary_alias_gradients(alias):
    x = UNARY[alias][1][3]
    same_grad(lambda L, t: getattr(L, alias)(t), x, rtol=1e-12)
    same_grad(lambda L, t: getattr(t, alias)(), x, rtol=1e-12)
    if alias not in ("arccosh", "arcsinh", "arctanh"):  # torch 1.13: no in-place derivative
        same_grad(lambda L, t: getattr(t * 1, alias + "_")(), x, rtol=1e-12)


def test_unary_alias_out_and_errors():
    same(lambda L: L.absolute(T(L, [-1.0, 2.0]), out=L.empty(2)))
    same(lambda L: L.arccos(T(L, [0.5]), out=L.empty(0, dtype=L.float64)))
    same(lambda L: L.absolute([1.0]))
    same(lambda L: L.negative(T(L, [True, False])))
    same(lambda L: T(L, [True]).negative_())
    same(lambda L: L.absolute(T(L, [True, False])))


BINARY = {"divide": "div", "multiply": "mul", "subtract": "sub", "greater": "gt",
          "greater_equal": "ge", "less": "lt", "less_equal": "le", "not_equal": "ne"}
PAIRS = [
    ([1.5, -2.0, 3.0], [0.5, -2.0, 7.0]),
    (RNG.standard_normal((2, 3)), RNG.standard_normal(3)),
    (RNG.standard_normal((3, 1)), RNG.standard_normal((1, 4))),
    (2.5, [1.0, 2.5, -4.0]),
    ([], []),
    (np.zeros((0, 3)), [1.0, 2.0, 3.0]),
]


@pytest.mark.parametrize("alias", sorted(BINARY))
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float64", "float32"),
                                    ("int64", "int64"), ("int32", "float32"),
                                    ("int64", "float64")])
def test_binary_alias_tensor_pairs(alias, dtypes):
    da, db = dtypes
    for a, b in PAIRS + [([7, -7, 3], [2, 2, -3])]:
        if da.startswith("int") or db.startswith("int"):
            a, b = np.round(np.asarray(a, dtype=float) * 3), np.round(np.asarray(b, float) * 3)
            b = np.where(b == 0, 1, b)
        same(lambda L: getattr(L, alias)(T(L, a, da), T(L, b, db)))
        same(lambda L: getattr(T(L, a, da), alias)(T(L, b, db)))

        def inplace(L):
            t = T(L, a, da)
            r = getattr(t, alias + "_")(T(L, b, db))
            return r is t, t
        same(inplace)


@pytest.mark.parametrize("alias", sorted(BINARY))
def test_binary_alias_scalars(alias):
    for x in [[1.5, -2.0, 3.0], 0.5, []]:
        for s in [2, -1.5, True]:
            for dtype in ["float32", "int64"]:
                same(lambda L: getattr(L, alias)(T(L, x, dtype), s))
                same(lambda L: getattr(T(L, x, dtype), alias)(s))


def test_divide_rounding_modes():
    for mode in [None, "trunc", "floor"]:
        for da, db in [("float32", "float32"), ("int64", "int64"), ("int32", "int64"),
                       ("float64", "int64")]:
            a = [7, -7, 7, -7, 0, 5]
            b = [2, 2, -2, -2, 3, 5]
            same(lambda L: L.divide(T(L, a, da), T(L, b, db), rounding_mode=mode))
            same(lambda L: T(L, a, da).divide(T(L, b, db), rounding_mode=mode))
            same(lambda L: L.divide(T(L, a, da), 2, rounding_mode=mode))

            def inplace(L):
                t = T(L, a, da)
                r = t.divide_(T(L, b, db), rounding_mode=mode)
                return r is t, t
            same(inplace)
        same(lambda L: L.divide(T(L, [1.0, -1.0, 0.0]), T(L, [0.0, 0.0, 0.0]),
                                rounding_mode=mode))
    same(lambda L: L.divide(T(L, [1, 2]), T(L, [0, 1]), rounding_mode="floor"))
    same(lambda L: L.divide(T(L, [1, 2]), T(L, [0, 1]), rounding_mode="trunc"))
    same(lambda L: L.divide(T(L, [1.0]), T(L, [2.0]), rounding_mode="round"))
    same(lambda L: L.divide(T(L, [1.0]), T(L, [2.0]), out=L.empty(1)))


def test_subtract_alpha_and_errors():
    same(lambda L: L.subtract(T(L, [1.0, 2.0]), T(L, [3.0, 4.0]), alpha=2))
    same(lambda L: L.subtract(T(L, [1, 2]), T(L, [3, 4]), alpha=3))
    same(lambda L: T(L, [1.0, 2.0]).subtract(T(L, [[3.0], [4.0]]), alpha=-0.5))
    same(lambda L: T(L, [1.0, 2.0]).subtract_(T(L, [3.0, 4.0]), alpha=2))
    same(lambda L: L.subtract(T(L, [1, 2]), T(L, [3, 4]), alpha=0.5))
    same(lambda L: L.subtract(T(L, [True]), T(L, [False])))
    same(lambda L: L.subtract(T(L, [1.0, 2.0]), T(L, [1.0, 2.0, 3.0])))
    same(lambda L: T(L, [1.0]).subtract_(T(L, [1.0, 2.0])))
    same(lambda L: T(L, [1]).multiply_(T(L, [1.5])))
    same(lambda L: T(L, [1]).divide_(T(L, [2])))
    same(lambda L: L.multiply(T(L, [1.0]), "a"))


def test_comparison_aliases_out_and_nan():
    nan = float("nan")
    for alias in ["greater", "greater_equal", "less", "less_equal", "not_equal"]:
        same(lambda L: getattr(L, alias)(T(L, [nan, 1.0, 2.0]), T(L, [nan, 1.0, 1.0])))
        same(lambda L: getattr(L, alias)(T(L, [1.0, 2.0]), T(L, 1.5),
                                         out=L.empty(2, dtype=L.bool)))


@pytest.mark.parametrize("alias", ["divide", "multiply", "subtract"])
def test_binary_alias_gradients(alias):
    a, b = RNG.standard_normal((2, 3)), RNG.uniform(0.5, 2, (3,))
    same_grad(lambda L, x, y: getattr(L, alias)(x, y), a, b)
    same_grad(lambda L, x, y: getattr(x, alias)(y), a, b)
    same_grad(lambda L, x, y: getattr(x * 1, alias + "_")(y), a, b)
    if alias == "divide":
        same_grad(lambda L, x, y: L.divide(x, y, rounding_mode="floor"), a, b)
    if alias == "subtract":
        same_grad(lambda L, x, y: L.subtract(x, y, alpha=2.5), a, b)


# top-level in-place functions: (name, input sample, input dtype, extra args as f(L))
POS = [0.5, 1.5, 3.0]
MIXED = [-1.7, -0.2, 0.0, 0.6, 2.5]
INPLACE_CASES = [
    ("abs_", MIXED, "float32", None), ("abs_", [-3, 4], "int64", None),
    ("acos_", [-0.5, 0.2], "float32", None), ("acosh_", POS + [1.0], "float64", None),
    ("asin_", [-0.5, 0.2], "float32", None), ("asinh_", MIXED, "float32", None),
    ("atan_", MIXED, "float64", None), ("atanh_", [-0.5, 0.2], "float32", None),
    ("ceil_", MIXED, "float32", None), ("clamp_", MIXED, "float32", lambda L: (-0.5, 0.5)),
    ("clamp_", [-3, 1, 9], "int64", lambda L: (0, 4)),
    ("clamp_min_", MIXED, "float32", lambda L: (0.1,)),
    ("clamp_max_", MIXED, "float64", lambda L: (0.1,)),
    ("clip_", MIXED, "float32", lambda L: (-1, 1)),
    ("cos_", MIXED, "float32", None), ("cosh_", MIXED, "float64", None),
    ("deg2rad_", [90.0, -180.0], "float32", None), ("erf_", MIXED, "float64", None),
    ("erfc_", MIXED, "float64", None), ("exp_", MIXED, "float64", None),
    ("exp2_", MIXED, "float64", None), ("expm1_", MIXED, "float64", None),
    ("floor_", MIXED, "float32", None), ("frac_", MIXED, "float32", None),
    ("log_", POS, "float64", None), ("log10_", POS, "float64", None),
    ("log1p_", POS, "float64", None), ("log2_", POS, "float64", None),
    ("neg_", MIXED, "float32", None), ("neg_", [1, -2], "int32", None),
    ("rad2deg_", MIXED, "float64", None), ("reciprocal_", POS, "float64", None),
    ("relu_", MIXED, "float32", None), ("round_", [0.5, 1.5, -2.5, 2.4], "float32", None),
    ("rsqrt_", POS, "float64", None), ("sigmoid_", MIXED, "float64", None),
    ("sin_", MIXED, "float64", None), ("sinc_", MIXED, "float64", None),
    ("sinh_", MIXED, "float64", None), ("sqrt_", POS, "float64", None),
    ("square_", MIXED, "float32", None), ("tan_", MIXED, "float64", None),
    ("tanh_", MIXED, "float64", None), ("trunc_", MIXED, "float32", None),
    ("fix_", MIXED, "float32", None), ("fill_", MIXED, "float32", lambda L: (2.5,)),
    ("fill_", [1, 2], "int64", lambda L: (T(L, 7),)), ("zero_", MIXED, "float64", None),
    ("nan_to_num_", [float("nan"), float("inf"), -float("inf"), 1.0], "float32", None),
    ("nan_to_num_", [float("nan"), float("inf")], "float64", lambda L: (0.5, 9.0, -9.0)),
    ("logit_", [0.1, 0.5, 0.9], "float64", None),
    ("logit_", [0.0, 0.5, 1.0], "float64", lambda L: (0.25,)),
    ("i0_", MIXED, "float64", None),
    ("xlogy_", [0.0, 1.0, 2.0], "float64", lambda L: (T(L, [0.0, 3.0, 0.5], "float64"),)),
    ("xlogy_", [0.0, 1.0, 2.0], "float64", lambda L: (2.0,)),
    ("gcd_", [12, -18, 0], "int64", lambda L: (T(L, [8, 12, 5]),)),
    ("lcm_", [4, -6, 0], "int64", lambda L: (T(L, [6, 4, 5]),)),
    ("ldexp_", [1.0, -2.5, 3.0], "float32", lambda L: (T(L, [1, -2, 0]),)),
    ("index_put_", [1.0, 2.0, 3.0], "float32",
     lambda L: ((T(L, [0, 2]),), T(L, [9.0, 8.0]))),
    ("index_put_", [1.0, 2.0, 3.0], "float32",
     lambda L: ((T(L, [0, 0]),), T(L, [9.0, 8.0]), True)),
    ("addmv_", [1.0, 2.0], "float32",
     lambda L: (T(L, [[1.0, 2.0], [3.0, 4.0]]), T(L, [0.5, -1.0]))),
    ("detach_", MIXED, "float32", None),
]


@pytest.mark.parametrize("case", INPLACE_CASES, ids=lambda c: c[0])
def test_top_level_inplace_functions(case):
    name, x, dtype, extra = case

    def fn(L):
        t = T(L, x, dtype)
        r = getattr(L, name)(t, *(extra(L) if extra else ()))
        return r is t, t
    same(fn, rtol=1e-6 if dtype == "float32" else 1e-12, atol=1e-30)

    def zero_dim(L):
        t = T(L, x[1], dtype)
        r = getattr(L, name)(t, *(extra(L) if extra else ()))
        return r is t, t
    if name != "index_put_":
        same(zero_dim, rtol=1e-6, atol=1e-30)
    same(lambda L: getattr(L, name)(list(x), *(extra(L) if extra else ())))


def test_top_level_inplace_errors_and_autograd():
    same(lambda L: L.sqrt_(T(L, [4, 9])))
    same(lambda L: L.exp_(T(L, [1.0], requires_grad=True)))
    same(lambda L: L.clamp_(T(L, [1.0, 2.0])))
    same(lambda L: L.gcd_(T(L, [1.5]), T(L, [2.0])))
    same(lambda L: L.addmv_(T(L, [1.0]), T(L, [[1.0, 2.0]]), T(L, [1.0])))
    x = RNG.uniform(0.5, 2, (2, 3))
    for name in ["exp_", "sqrt_", "sigmoid_", "tanh_", "log_", "neg_", "sin_", "reciprocal_"]:
        same_grad(lambda L, t: getattr(L, name)(t * 1), x)
    same_grad(lambda L, t: L.clamp_(t * 1, 0.8, 1.5), x)
    same_grad(lambda L, t, s: L.xlogy_(t * 1, s), x, x[::-1].copy())
    same_grad(lambda L, t: L.nan_to_num_(L.log(t - 1)), x)


def test_activation_inplace_functions():
    x = [-2.0, -0.5, 0.0, 0.7, 3.0]

    def run(name, *args):
        def fn(L):
            t = T(L, x)
            r = getattr(L, name)(t, *args)
            return r is t, t
        same(fn, rtol=1e-6)
    run("selu_")
    run("celu_")
    run("celu_", 0.5)
    run("threshold_", 0.1, 20.0)
    run("rrelu_")
    run("rrelu_", 0.1, 0.2, False)
    same(lambda L: L.selu(T(L, x)), rtol=1e-6)
    same(lambda L: L.celu(T(L, x), 2.0), rtol=1e-6)
    same(lambda L: L.celu(T(L, x), 0))
    same(lambda L: L.celu_(T(L, x), 0))
    same(lambda L: L.selu_(T(L, [1, 2])))
    same(lambda L: L.selu([1.0]))
    same(lambda L: L.rrelu(T(L, [1, 2])))
    same(lambda L: L.rrelu(T(L, x), 0.3, 0.1))
    for seed in [0, 5]:
        same_draws(lambda L: L.rrelu(T(L, x), 0.1, 0.3, True), seed)
        same_draws(lambda L: L.rrelu_(T(L, x), 0.1, 0.3, True), seed)
    same_grad(lambda L, t: L.selu_(t * 1), x)
    same_grad(lambda L, t: L.celu_(t * 1, 1.5), x)
    same_grad(lambda L, t: L.threshold_(t * 1, 0.1, 20.0), x)


def test_dropout_inplace_and_alpha_variants():
    x = np.arange(1.0, 25.0).reshape(4, 6)
    for seed in [0, 3]:
        for name in ["dropout_", "alpha_dropout_", "feature_alpha_dropout_",
                     "feature_dropout_"]:
            def fn(L):
                t = T(L, x)
                r = getattr(L, name)(t, 0.4, True)
                return r is t, t
            same_draws(fn, seed, rtol=1e-6)
            same_draws(lambda L: getattr(L, name)(T(L, x), 0.4, False), seed)
        for name in ["alpha_dropout", "feature_alpha_dropout", "feature_dropout"]:
            same_draws(lambda L: getattr(L, name)(T(L, x), 0.3, True), seed, rtol=1e-6)
            same_draws(lambda L: getattr(L, name)(T(L, x), 0.0, True), seed)
            same_draws(lambda L: getattr(L, name)(T(L, x), 1.0, True), seed)
    for name in ["dropout_", "alpha_dropout", "alpha_dropout_", "feature_dropout",
                 "feature_alpha_dropout", "feature_alpha_dropout_"]:
        same(lambda L: getattr(L, name)(T(L, x), 1.5, True))
        same(lambda L: getattr(L, name)(T(L, x), -0.5, False))
    same(lambda L: L.feature_alpha_dropout(T(L, [1.0, 2.0]), 0.5, True))
    same(lambda L: L.feature_dropout(T(L, [1.0, 2.0]), 0.5, False))
    same(lambda L: L.dropout_([1.0], 0.5, True))


def test_detach_is_neg_and_unbatched_inplace_dropout2d():
    same(lambda L: L.detach(T(L, [1.0, 2.0], requires_grad=True)))
    same(lambda L: L.detach([1.0]))
    same(lambda L: L.is_neg(T(L, [1.0])))
    same(lambda L: L.is_neg(1.0))

    def dropout2d(L):  # its unbatched in-place path runs Tensor.unsqueeze_ / squeeze_
        x = L.ones(3, 2, 2)
        r = L.nn.functional.dropout2d(x, 0.5, True, inplace=True)
        return r is x, x
    for seed in [0, 1]:
        same_draws(dropout2d, seed)
