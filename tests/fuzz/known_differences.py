"""Known, documented differences between torsh and torch that the fuzzer's classifier accepts.

Each rule names the ops it covers, the class of mismatch (VALUE, DTYPE-SHAPE, EXCEPTION), a
substring of the mismatch detail and the reason; docs/fuzzing.md lists them. A mismatch a rule
covers is counted as KNOWN, not as a mismatch. Keep this list short: a rule is a decision that
the difference is deliberate (or out of scope), not a place to park bugs."""

# Ops whose values are unspecified: only dtype and shape are compared.
VALUE_FREE = {"empty", "empty_like", "new_empty", "empty_strided"}

FLOAT16 = {"float16", "bfloat16"}
MATMUL_OPS = {"mm", "bmm", "matmul", "__matmul__", "inner", "tensordot", "einsum"}


def _num(v):
    """A Python number argument as a float (None for anything else)."""
    if isinstance(v, dict) and "F" in v:
        return float(v["F"])
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return None


def _arg(call, i, name):
    if name in call["kwargs"]:
        return call["kwargs"][name]
    return call["args"][i] if len(call["args"]) > i else None


def _specs(call):
    return [v["T"] for v in _all_values(call) if isinstance(v, dict) and "T" in v]


def _data(spec):
    import child  # the fuzzer's own builder: the exact input values of the call
    return child.base_array(spec)[0].astype("float64")


def _missing_kernel(call, detail):
    # torch raised "not implemented for '...'" (in the call or in backward) and torsh did not.
    return "not implemented for " in detail and (
        detail.startswith("only torch raised") or
        (detail.startswith("backward: torch ('RuntimeError'") and detail.endswith("vs torsh None")))


def _log1p_overflow(call, detail):
    x = call["args"][0]
    limit = {"float32": 1e38, "bfloat16": 1e38, "float64": 1e307}
    return (isinstance(x, dict) and "T" in x and x["T"]["dtype"] in limit and
            bool((_data(x["T"]) > limit[x["T"]["dtype"]]).any()))


def _prod_grad_special(call, detail):
    # the gradient of prod where the input holds a zero or a non-finite value, or is 16-bit
    import numpy as np
    x = call["args"][0]
    if not (detail.startswith("grad") and isinstance(x, dict) and "T" in x):
        return False
    d = _data(x["T"])
    return bool((d == 0).any() or (~np.isfinite(d)).any() or x["T"]["dtype"] in FLOAT16)


def _product_overflow_order(call, detail):
    # a product whose partial products overflow next to zeros, inf or NaN: inf * 0 is NaN in
    # one order and 0 in another
    import numpy as np
    x = call["args"][0]
    if not (detail.startswith("result") and isinstance(x, dict) and "T" in x):
        return False
    d = _data(x["T"])
    special = (d == 0).any() or (~np.isfinite(d)).any()
    # the partial products can overflow when the factors above 1 multiply past the dtype's max
    logmax = {"float64": 709.7, "float16": 11.09}.get(x["T"]["dtype"], 88.7)
    a = np.abs(d[np.isfinite(d)].astype(np.float64))
    return bool(special and np.log(a[a > 1]).sum() > logmax)


EPS = {"float16": 2.0 ** -11, "bfloat16": 2.0 ** -8, "float32": 2.0 ** -24, "float64": 2.0 ** -53}


def _ill_conditioned_sum(call, detail):
    # terms that cancel: the rounding of the running sum (n * eps * sum|x|) is larger than the
    # comparison's tolerance on the true sum, so the result depends on the summation order
    import math
    import numpy as np
    x = call["args"][0]
    if not (isinstance(x, dict) and "T" in x):
        return False
    d = _data(x["T"])
    want = call["kwargs"].get("dtype")
    dt = want["D"] if isinstance(want, dict) and "D" in want else x["T"]["dtype"]
    big = {"float64": 1e300, "float32": 1e37, "bfloat16": 1e37, "float16": 1e3}.get(dt, 1e37)
    if np.isinf(d).any() and (np.abs(d[np.isfinite(d)]) > big).any():
        return True  # a partial sum may overflow to inf and meet -inf (NaN) in one order only
    d = d[np.isfinite(d)]
    if d.size == 0 or not np.abs(d).max() > 0:
        return False
    s = d / np.abs(d).max()
    eps = EPS.get(dt, 2.0 ** -24)  # integers are summed in float32 by mean, or exactly
    if dt not in EPS and call["op"] == "sum" and not isinstance(want, dict):
        return False
    return float(np.abs(s).sum()) * eps * s.size > 1e-4 * abs(math.fsum(s))


def _sum_or_mean_output(call, detail):
    # var_mean/std_mean: only their mean (result[1]) is a sum
    if call["op"] in ("var_mean", "std_mean") and not detail.startswith("result[1]"):
        return False
    return _ill_conditioned_sum(call, detail)


def _var_correction_overflow(call, detail):
    c = call["kwargs"].get("correction")
    return isinstance(c, int) and not isinstance(c, bool) and abs(c) >= 2 ** 62


def _int_requires_grad(call, detail):
    x = call["args"][0]
    return (detail.startswith("result: requires_grad True vs False") and isinstance(x, dict) and
            "T" in x and not x["T"]["dtype"].startswith(("float", "bfloat")))


def _empty_clone_strides(call, detail):  # the fuzzer clones its inputs
    x = call["args"][0]
    return isinstance(x, dict) and "T" in x and 0 in x["T"]["shape"]


def _pow_exponent(call, detail):
    # a float32 result and an exponent that float32 rounds (torch's tail uses it unrounded)
    e = _num(_arg(call, 1, "exponent"))
    x = call["args"][0]
    if e is None or e != e or not (isinstance(x, dict) and "T" in x):
        return False
    import numpy as np
    dt = x["T"]["dtype"]
    f32 = dt == "float32" or (dt not in FLOAT16 | {"float64"} and
                              isinstance(_arg(call, 1, "exponent"), (float, dict)))
    # the backward takes self ** (e - 1): the same split when float32 cannot hold e - 1
    back = call.get("backward") and float(np.float32(e - 1)) != e - 1
    return f32 and (float(np.float32(e)) != e or bool(back))


def _index_fill_empty_dim(call, detail):
    x, d = call["args"][0], _arg(call, 1, "dim")
    if not (isinstance(x, dict) and "T" in x and isinstance(d, int)):
        return False
    shape = x["T"]["shape"] or [1]
    return (detail.startswith("torch RuntimeError vs torsh IndexError") and
            -len(shape) <= d < len(shape) and shape[d] == 0)


def _empty_matmul(call, detail):
    return (detail.startswith("only torsh raised RuntimeError") and "to have the same dtype" in detail
            and any(0 in t["shape"] for t in _specs(call)))


def _named_overload(call, detail):
    # torch binds a str or None dim to its named-tensor (Dimname) overload and raises there
    if not detail.startswith("torch RuntimeError vs torsh TypeError"):
        return False
    got = detail.split("got (", 1)[1].split(")", 1)[0] if "got (" in detail else ""
    if any(g.split("=")[-1] in ("str", "NoneType") for g in got.split(", ")):
        return True
    # a list of str dims (torch's DimnameList)
    dims = [v for v in call["args"][1:] + list(call["kwargs"].values()) if isinstance(v, dict)
            and "L" in v]
    return any(v["L"] and all(isinstance(x, str) for x in v["L"]) for v in dims)


def _subscript_entries(call):
    idx = call["args"][1] if len(call["args"]) > 1 else None
    if isinstance(idx, dict) and "Tu" in idx:
        return idx["Tu"]
    return [idx]


def _zero_dim_slice(call, detail):
    # a slice of a 0-dim tensor: torch reads the size of a dim it does not have
    x = call["args"][0]
    return (isinstance(x, dict) and "T" in x and x["T"]["shape"] == [] and
            any(isinstance(e, dict) and "S" in e for e in _subscript_entries(call)))


def _mask_then_more(call, detail):
    # a bool mask of two or more dims followed by other subscript entries
    items = _subscript_entries(call)
    for k, e in enumerate(items):
        if (isinstance(e, dict) and "T" in e and e["T"]["dtype"] == "bool" and
                len(e["T"]["shape"]) >= 2 and k + 1 < len(items)):
            return True
    return False


def _floor_subnormal_divisor(call, detail):
    # div(..., rounding_mode='floor'), remainder or fmod with a subnormal divisor (a tensor, or
    # a number next to a float64 tensor)
    import numpy as np
    tiny = {"float32": 1.1754944e-38, "bfloat16": 1.1754944e-38, "float64": 2.2250738585072014e-308}
    b, a = _arg(call, 1, "other"), _arg(call, 0, "self")
    floor = call["kwargs"].get("rounding_mode") == "floor" or call["op"] in {"remainder", "__mod__",
                                                                              "fmod"}
    if not floor:
        return False
    if isinstance(b, dict) and "T" in b:
        d, dt = np.abs(_data(b["T"])), b["T"]["dtype"]
    elif _num(b) is not None and isinstance(a, dict) and "T" in a:
        d, dt = np.abs(np.array([_num(b)])), a["T"]["dtype"]
    else:
        return False
    return dt in tiny and bool(((d > 0) & (d < tiny[dt])).any())


def _negative_expand(call, detail):
    items = [v for v in _all_values(call) if isinstance(v, int) and not isinstance(v, bool)]
    return any(v < -1 for v in items)


def _bf16_nan_bits(call, detail):
    # a bfloat16 tensor holding NaN (copysign: either operand, the sign source is the second)
    import numpy as np
    return any(isinstance(x, dict) and "T" in x and x["T"]["dtype"] == "bfloat16" and
               bool(np.isnan(_data(x["T"])).any()) for x in call["args"][:2])


def _sub_alpha_min(call, detail):
    return call["kwargs"].get("alpha") == -2 ** 63


def _alpha_16bit(call, detail):
    a = _num(call["kwargs"].get("alpha"))
    floats = [t["dtype"] for t in _specs(call)[:2] if t["dtype"] in FLOAT16 | {"float32", "float64"}]
    return a is not None and abs(a) != 1 and bool(floats) and all(f in FLOAT16 for f in floats)


def _median_expanded(call, detail):
    # median/nanmedian along a dim of an expanded (stride-0) input
    x = call["args"][0] if call["args"] else None
    return isinstance(x, dict) and "T" in x and x["T"]["layout"] == "expand"


def _nonfinite_matmul(call, detail):
    # inf in the inputs, or products that overflow: whether inf - inf (NaN) arises depends on
    # the summation order
    import numpy as np
    specs = _specs(call)[:2]
    if any(np.isinf(_data(t)).any() for t in specs):
        return True
    big = [np.abs(_data(t)).max(initial=0.0) for t in specs]
    limit = {"float64": 1e307, "float16": 6e4}.get(specs[0]["dtype"] if specs else "", 3e38)
    return len(big) == 2 and float(big[0]) * float(big[1]) > limit / 64


def _polygamma_wide_n(call, detail):
    n = _num(_arg(call, 0, "n"))
    return n is not None and not -2 ** 31 <= n < 2 ** 31


def _slice_scatter_keywords(call, detail):
    # start, end or step left out: torch 1.13's binding reads garbage for them
    names = ("start", "end", "step")
    given = [len(call["args"]) > 3 + i or n in call["kwargs"] for i, n in enumerate(names)]
    return not all(given)


def _nonsquare_trace(call, detail):
    x = _arg(call, 0, "self")
    return isinstance(x, dict) and "T" in x and len(set(x["T"]["shape"])) > 1


def _int_atan2_operand(call, detail):
    return any(t["dtype"].startswith(("int", "uint")) or t["dtype"] == "bool" for t in _specs(call))


def _norm_16bit_root(call, detail):
    # a p-norm computed in float16/bfloat16: the input's dtype, the dtype= it is cast to, or
    # the dtype of out= (torch 1.13 casts the input to it)
    p = _num(_arg(call, 1, "p"))
    x = _arg(call, 0, "self")
    dt = call["kwargs"].get("dtype")
    dt = dt.get("D", dt) if isinstance(dt, dict) else dt
    out = call["kwargs"].get("out")
    in16 = isinstance(x, dict) and "T" in x and (x["T"]["dtype"] in FLOAT16 and dt is None)
    out16 = isinstance(out, dict) and "T" in out and out["T"]["dtype"] in FLOAT16
    return ((in16 or out16 or str(dt).replace("torch.", "") in FLOAT16) and p is not None and
            abs(p) != float("inf"))


def _norm_p_float32(call, detail):
    # a floating p that float32 does not hold exactly (0.032, -1e-310)
    import numpy as np
    p = _arg(call, 1, "p")
    p = _num(p) if not isinstance(p, (int, bool)) else None
    return p is not None and p == p and float(np.float32(p)) != p


# The position of `reduction` among the positional arguments of the loss ops.
_REDUCTION_POS = {"mse_loss": 2, "l1_loss": 2, "smooth_l1_loss": 2, "huber_loss": 2, "kl_div": 2,
                  "nll_loss": 3, "cross_entropy_loss": 3, "binary_cross_entropy": 3,
                  "binary_cross_entropy_with_logits": 4, "hinge_embedding_loss": 3,
                  "margin_ranking_loss": 4, "cosine_embedding_loss": 4, "soft_margin_loss": 2,
                  "multi_margin_loss": 5, "multilabel_margin_loss": 2, "triplet_margin_loss": 7}


def _loss_default_reduction_raises(call, detail):
    # the same binding default: torsh's mean of an integer loss raises where torch's unreduced
    # result does not
    pos = _REDUCTION_POS.get(call["op"])
    return pos is not None and len(call["args"]) <= pos and "reduction" not in call["kwargs"] \
        and detail.startswith("only torsh raised")


def _loss_default_reduction(call, detail):
    # torch 1.13's Python binding reads the schema default `reduction=Mean` as 0 (none) when a
    # loss op is called directly; torsh defaults to mean, as libtorch's C++ and torch.nn.functional
    pos = _REDUCTION_POS.get(call["op"])
    return pos is not None and len(call["args"]) <= pos and "reduction" not in call["kwargs"] \
        and detail.startswith("result: torch")


def _floor_quotient_overflow(call, detail):
    # a floor division whose quotient overflows the dtype (finite operands)
    import numpy as np
    specs = [v["T"] if isinstance(v, dict) and "T" in v else None for v in call["args"][:2]]
    if specs[0] is None or call["op"] in {"div", "divide"} and \
            call["kwargs"].get("rounding_mode") != "floor":
        return False
    a = _data(specs[0])
    b = _data(specs[1]) if specs[1] is not None else _num(call["args"][1])
    if b is None:
        return False
    big = {"float16": 65504.0, "bfloat16": 3.39e38, "float32": 3.4e38}.get(specs[0]["dtype"], 1.7e308)
    with np.errstate(all="ignore"):
        q = np.abs(np.asarray(a) / np.asarray(b))
        fin = np.isfinite(a) & np.isfinite(b) & (np.asarray(b) != 0)
    return bool(((q >= big) & fin).any())


def _masked_scatter_memory_order(call, detail):
    x = _arg(call, 0, "self")
    strided = isinstance(x, dict) and "T" in x and x["T"]["layout"] not in ("contig", "offset")
    if call["op"] == "masked_select":
        return strided and detail.startswith("grad")
    return strided and call["kind"] == "inplace"


def _tri_strided_out(call, detail):
    out = call["kwargs"].get("out")
    return (call["kind"] == "out" and isinstance(out, dict) and "T" in out and
            out["T"]["layout"] not in ("contig", "offset"))


def _addcdiv_int_divisor(call, detail):
    t2 = _arg(call, 2, "tensor2")
    return ((detail.startswith("backward: torch ('RuntimeError', \"result type Float can't be cast")
             or detail.startswith("backward: torch ('RuntimeError', 'value cannot be converted"))
            and isinstance(t2, dict) and "T" in t2 and
            t2["T"]["dtype"] not in ("float32", "float64", "float16", "bfloat16"))


def _unique_consecutive_positional_flags(call, detail):
    return len(call["args"]) > 1


def _logit_wide_eps(call, detail):
    eps = _arg(call, 1, "eps")
    eps = float(eps) if isinstance(eps, bool) else _num(eps)
    return eps is not None and eps > 0.5


def _logit_grad_signed_zero(call, detail):
    # the gradient at x = -0.0 (special fills hold it) without eps: torsh -inf, torch's tail +inf
    eps = _arg(call, 1, "eps")
    eps = float(eps) if isinstance(eps, bool) else _num(eps)
    x = _arg(call, 0, "self")
    return (detail.startswith("grad") and (eps is None or eps < 0) and isinstance(x, dict)
            and "T" in x and x["T"]["fill"] == "special")


def _inner_int_size1(call, detail):
    # inner of integer tensors whose contracted (last) dim has size 1
    specs = [t for t in _specs(call)[:2]]
    return len(specs) == 2 and all(t["dtype"].startswith(("int", "uint", "bool")) and t["shape"] and
                                   t["shape"][-1] == 1 for t in specs)


def _cat_one_into_strided(call, detail):
    ts = _arg(call, 0, "tensors")
    out = call["kwargs"].get("out")
    return (isinstance(ts, dict) and len(ts.get("L", [])) == 1 and isinstance(out, dict) and
            "T" in out and out["T"]["layout"] != "contig")


def _tri_indices_huge(call, detail):
    return any(abs(v) >= 2 ** 62 for v in (_num(a) for a in call["args"]) if v is not None)


def _aminmax_0dim_keepdim(call, detail):
    x = _arg(call, 0, "self")
    return (isinstance(x, dict) and "T" in x and x["T"]["shape"] == []
            and call["kwargs"].get("keepdim") is True)


def _non_bool_mask(call, detail):
    m = _arg(call, 1, "mask")
    return isinstance(m, dict) and "T" in m and m["T"]["dtype"] not in ("bool", "uint8")


def _constant_var(call, detail):
    # var/std (and their _mean forms) of an input whose values are all equal
    import numpy as np
    x = _arg(call, 0, "self")
    if not (isinstance(x, dict) and "T" in x and
            x["T"]["dtype"] in ("float32", "float64", "float16", "bfloat16")):
        return False
    d = _data(x["T"])
    if d.size > 0 and bool(np.isfinite(d).all()) and float(np.ptp(d)) == 0.0:
        return True
    # or, reduced whole, whose sum overflows the dtype (torch's mean in that dtype is then inf)
    dim = _arg(call, 1, "dim")
    if not (dim is None or isinstance(dim, bool) or dim == []):
        return False
    big = {"float64": 1.79e308, "float16": 65504.0}.get(x["T"]["dtype"], 3.4e38)
    with np.errstate(all="ignore"):
        return bool(np.isfinite(d).all()) and float(np.abs(d.astype(np.float64)).sum()) > big


RULES = [
    # (id, ops (None: any), class (None: any), detail substring or predicate(call, detail),
    #  reason)
    ("alloc-failure", None, "EXCEPTION", "MemoryError",
     "an allocation beyond the fuzzer's address-space limit raises MemoryError in torsh (the "
     "C++ std::bad_alloc), RuntimeError in torch (its allocator's own message)"),
    ("torch-missing-kernel", None, "EXCEPTION", _missing_kernel,
     "torch 1.13 has no CPU kernel for some op/dtype pairs (float16 exp, sin, clamp, "
     "bernoulli_, log in pow's backward...; bfloat16 prod and eye; bool arange, linspace, "
     "randperm, matmul) and raises '\"op\" not implemented for ...'; torsh computes them "
     "(float16/bfloat16 in float, rounded once, as torch does on GPU and in later releases)"),
    ("torch-internal-assert", None, "EXCEPTION", "INTERNAL ASSERT FAILED",
     "torch 1.13 fails its own internal assert (e.g. isDifferentiableType for an integer "
     "result of a grad-requiring input); torsh returns the result"),
    ("torch-log1p-overflow", {"log1p"}, "VALUE", _log1p_overflow,
     "torch 1.13's vectorised log1p returns inf for x above ~1e38 in float32 and bfloat16 and "
     "above ~2e307 in float64 (x + 1 overflows inside it); torsh returns the true value (about "
     "88.6 and 709.2)"),
    ("torch-prod-grad-zeros", {"prod", "cumprod"}, "VALUE", _prod_grad_special,
     "prod's gradient where the input holds zeros or non-finite values: torch 1.13 returns "
     "zeros for a whole-tensor product with two or more zeros (outside create_graph) and "
     "otherwise takes exclusive cumulative products; torsh computes the product of the other "
     "elements from the product of the non-zeros and the zeros, which differs where that product "
     "overflows or holds inf/NaN, and by rounding in float16/bfloat16"),
    ("float-product-order", {"prod"}, "VALUE", _product_overflow_order,
     "a product whose partial products overflow next to zeros, inf or NaN depends on the order "
     "of multiplication (inf * 0 is NaN in one order, 0 in another), which differs between "
     "torch's and torsh's reduction kernels"),
    ("float-sum-order", {"sum", "mean", "nansum", "nanmean", "var_mean", "std_mean"}, "VALUE",
     _sum_or_mean_output,
     "a floating sum whose terms cancel (1e308 and -1e308, or int64 extremes, next to small "
     "values) depends on the summation order, which differs between torch's and torsh's "
     "reduction kernels: the rounding error bound exceeds the comparison's tolerance"),
    ("torch-int-requires-grad", {"fill_", "copy_"}, "DTYPE-SHAPE", _int_requires_grad,
     "torch 1.13 marks an integer or bool tensor as requiring grad after fill_/copy_ from a "
     "tensor that requires grad (its backward then fails an internal assert); torsh leaves it "
     "not requiring grad, as integer tensors cannot require gradients"),
    ("clone-strides", {"stride", "view"}, None, _empty_clone_strides,
     "clone() returns contiguous strides in torsh; torch preserves the strides of a "
     "non-overlapping dense tensor (an empty one from numpy keeps its 0 strides, which "
     "view(dtype) then refuses). No "
     "memory_format machinery yet: docs/migration.md lists it"),
    ("torch-zero-dim-slice", {"__getitem__", "__setitem__"}, "EXCEPTION", _zero_dim_slice,
     "torch 1.13's subscript with one slice on a 0-dim tensor reads the size of a dim the "
     "tensor does not have (past the end of its size array), so whether it raises depends on "
     "memory; torsh raises IndexError (too many indices)"),
    ("torch-mask-advances-one-dim", {"__getitem__", "__setitem__"}, None, _mask_then_more,
     "torch 1.13 applies the subscript entries after a bool mask of k >= 2 dims one dim after "
     "the mask's first (x[m2d, 0] selects inside the masked dims and then fails the mask's shape "
     "check, or returns another shape; x[m2d, ..., 0] selects the wrong dim); torsh follows numpy's rule, the mask taking "
     "k dims"),
    ("no-sparse-grad", {"gather", "embedding"}, "EXCEPTION",
     lambda call, detail: detail.startswith("backward: torch") and "Sparse" in detail and
     detail.endswith("vs torsh None"),
     "torsh has no sparse tensors: gather(..., sparse_grad=True) gives the same gradient values "
     "as a dense tensor, where torch gives a sparse one"),
    ("torch-fmod-subnormal", {"div", "divide", "remainder", "__mod__", "fmod"}, "VALUE",
     _floor_subnormal_divisor,
     "torch 1.13's vectorised float32 fmod (inside floor division and remainder) returns NaN "
     "for a subnormal divisor, its scalar tail the true remainder; torsh computes the "
     "remainder everywhere"),
    ("torch-expand-negative-size", {"expand"}, "EXCEPTION", _negative_expand,
     "torch 1.13's expand lets some negative sizes other than -1 through (a 0-dim or empty "
     "tensor expanded to [0, -3] has a dim of size -3); torsh refuses every such size"),
    ("bf16-nan-bits", {"view", "signbit", "copysign"}, "VALUE", _bf16_nan_bits,
     "torch 1.13's vectorised float-to-bfloat16 conversion writes NaN as 0xffff, its scalar one "
     "as 0x7fc0 (torsh's everywhere); both are NaN, told apart only through view(dtype), "
     "signbit and copysign"),
    ("torch-var-correction-overflow", {"var", "std", "var_mean", "std_mean"}, "VALUE",
     _var_correction_overflow,
     "with a correction near -2**63 torch 1.13's whole-tensor var/std computes N - correction in "
     "int64, which wraps (a zero divisor: inf); its per-dim path and torsh compute it in floating "
     "point (a tiny finite result)"),
    ("torch-pow-exponent-path", {"pow", "__pow__"}, "VALUE", _pow_exponent,
     "torch 1.13's float32 pow(tensor, number) uses the exponent rounded to float32 in its "
     "vectorised loop and unrounded (double) in its scalar tail, so one tensor mixes both "
     "(x.pow(-1e-310) on 40 negative values: 1 then nan); torsh rounds it to float32 everywhere"),
    ("torch-index-select-0dim", {"index_select"}, "EXCEPTION",
     "Index to scalar can have only 1 value",
     "torch 1.13's index_select of a 0-dim tensor with an index of more or fewer than one "
     "element returns a 0-dim tensor (its first value, or uninitialised memory; with several "
     "elements it writes past its 1-element result); torsh raises IndexError as later releases"),
    ("torch-index-fill-empty-dim", {"index_fill", "index_copy"}, "EXCEPTION", _index_fill_empty_dim,
     "torch 1.13's index_fill and index_copy on a dim of size 0 fail restriding self before "
     "checking the "
     "index (RuntimeError 'setStorage: ... out of bounds for storage of size 0'); torsh raises "
     "the IndexError of the out-of-range index"),
    ("torch-index-fill-0dim-grad", {"index_fill"}, "VALUE",
     lambda call, detail: detail.startswith("grad") and isinstance(call["args"][0], dict) and
     "T" in call["args"][0] and call["args"][0]["T"]["shape"] == [],
     "torch 1.13's index_fill backward for a tensor value runs index_select on a 0-dim "
     "gradient, whose 0-dim bug (torch-index-select-0dim) returns a value even for an empty "
     "index; torsh's value gradient is the sum over the filled positions (0 for none)"),
    ("torch-index-fill-backward", {"index_fill"}, "EXCEPTION",
     lambda call, detail: detail.startswith("backward: torch (") and
     detail.endswith("vs torsh None") and any(m in detail for m in (
         "index out of range in self", "INDICES element is out of DATA bounds",
         "self indexing axis dim should be positive")),
     "torch 1.13's index_fill backward for a tensor value runs index_select on the index, which "
     "refuses the negative indices the forward accepted; torsh returns the gradient"),
    ("torch-clamp-backward-broadcast", {"clamp", "clip"}, "EXCEPTION",
     lambda call, detail: detail.startswith("backward: torch ('RuntimeError', \"output with") and
     "doesn't match the broadcast shape" in detail and detail.endswith("vs torsh None"),
     "torch 1.13's clamp backward combines its masks in place (logical_and_), which fails when "
     "min/max broadcast to a larger shape than self; torsh returns the gradients"),
    ("torch-kron-view", {"kron"}, "EXCEPTION",
     lambda call, detail: detail.startswith("only torch raised RuntimeError: view size is not"),
     "torch 1.13's kron views its product (_unsafe_view) and raises for layouts no view can "
     "regroup (a transposed input beside another); torsh reshapes and returns the product"),
    ("torch-empty-matmul-dtype", MATMUL_OPS, "EXCEPTION", _empty_matmul,
     "torch 1.13 skips mm/bmm's same-dtype check when an operand is empty and returns zeros; "
     "torsh raises as later releases"),
    ("named-tensor-overloads", None, "EXCEPTION", _named_overload,
     "torch binds a str or None dim to its named-tensor (Dimname) overload and raises "
     "RuntimeError from there; torsh has no named tensors and raises TypeError for the argument"),
    ("torch-sub-alpha-int64-min", {"sub", "subtract"}, "VALUE", _sub_alpha_min,
     "torch 1.13's sub negates alpha as an int64, so alpha=-2**63 stays -2**63 and the result "
     "has the wrong sign; torsh negates it exactly"),
    ("torch-16bit-alpha-rounding", {"add", "sub"}, "VALUE", _alpha_16bit,
     "for float16/bfloat16 operands torch 1.13's scalar loop rounds alpha * other to 16 bits "
     "before adding, its vectorised loop does not; torsh rounds once (the difference is one "
     "16-bit ulp, visible when out= is float32 or float64)"),
    ("torch-median-stride0", {"median", "nanmedian"}, "VALUE", _median_expanded,
     "torch 1.13's median/nanmedian along a dim reads the line as if its stride were 1 when "
     "the input is expanded (stride 0), returning values and indices of unrelated memory; torsh "
     "returns the median of the line"),
    ("torch-sorter-unchecked", {"searchsorted"}, "EXCEPTION", "sorter index out of range",
     "torch 1.13 does not check searchsorted's sorter values and reads outside the boundaries "
     "for an index out of range; torsh raises RuntimeError, as later torch releases"),
    ("matmul-nonfinite-order", MATMUL_OPS, "VALUE", _nonfinite_matmul,
     "with inf in the inputs, or products that overflow to inf, whether an inf - inf (NaN) "
     "arises depends on the BLAS kernel's summation order, which differs between torch's and "
     "torsh's batched paths"),
    ("torch-sgn-backward", {"sgn"}, "VALUE", lambda call, detail: detail.startswith("grad"),
     "torch 1.13's real sgn backward computes grad/|x| - (grad/x)*sgn(x), which is not 0 for "
     "every gradient; torsh returns 0, the derivative of sgn (docs/bit_identical.md)"),
    ("torch-trace-backward-nonsquare", {"trace"}, "VALUE", _nonsquare_trace,
     "torch 1.13's trace backward fills every (cols + 1)-th element of the flattened input, so "
     "a tall matrix gets gradient off the diagonal (a 5x3 input: (4, 0)); torsh fills the "
     "diagonal"),
    ("torch-atan2-int-grad", {"atan2", "arctan2"}, "VALUE", _int_atan2_operand,
     "torch 1.13's atan2 backward squares an integer operand in its own dtype (uint8 200 * 200 "
     "wraps); torsh squares it in the result's floating dtype"),
    ("torch-16bit-norm-rounding", {"norm"}, "VALUE", _norm_16bit_root,
     "torch 1.13 computes a float16/bfloat16 p-norm (also a float32 input written to a 16-bit "
     "out=) in 16 bits: p and the running sum are rounded to 16 bits (p = 70000 is inf in "
     "float16, so the norm is 1; 4096 ones give 2048 for p = 1); torsh computes in float and "
     "rounds once, as later torch releases"),
    ("torch-loss-default-reduction", set(_REDUCTION_POS), "DTYPE-SHAPE", _loss_default_reduction,
     "torch 1.13's Python binding of the loss ops called directly (torch.kl_div, "
     "torch.binary_cross_entropy_with_logits, torch._C._nn.mse_loss, ...) reads the schema "
     "default reduction=Mean as none; torsh's top-level loss functions default to mean, as "
     "libtorch's C++ API and torch.nn.functional do (pass reduction to get the same result)"),
    ("torch-loss-default-reduction-raises", set(_REDUCTION_POS), "EXCEPTION",
     _loss_default_reduction_raises,
     "the binding default above: with torsh's mean reduction an integer loss raises mean()'s "
     "dtype error, where torch 1.13 returns the unreduced loss"),
    ("torch-floor-divide-overflow",
     {"floor_divide", "__floordiv__", "div", "divide", "remainder", "__mod__", "fmod"}, "VALUE",
     _floor_quotient_overflow,
     "where a floor division's quotient of finite operands overflows, torch 1.13's vectorised "
     "loop returns NaN (floor(inf) - inf), its scalar loop and torsh inf; its vectorised float64 "
     "fmod (a - trunc(a / b) * b) likewise returns NaN where torsh's fmod is exact"),
    ("torch-masked-scatter-memory-order", {"masked_scatter", "masked_select"}, "VALUE",
     _masked_scatter_memory_order,
     "torch 1.13's in-place masked_scatter_ fills a non-contiguous self in memory order (and "
     "masked_select's backward uses it, permuting the gradient of a strided input); torsh fills "
     "logical order, as torch's out-of-place masked_scatter"),
    ("torch-tri-strided-out", {"tril", "triu"}, "VALUE", _tri_strided_out,
     "torch 1.13's tril/triu into a non-contiguous out= of the right shape write only its first "
     "numel elements' worth of batches in memory order (the rest keep their old values); torsh "
     "writes every element"),
    ("torch-addcdiv-int-divisor-backward", {"addcdiv"}, "EXCEPTION", _addcdiv_int_divisor,
     "torch 1.13's addcdiv backward for tensor1 raises \"result type Float can't be cast to the "
     "desired output type Long\" (or, for a fractional value, \"value cannot be converted to "
     "type uint8_t\") when tensor2 is an integer or bool tensor (its value / tensor2 step); "
     "torsh returns the gradient grad * value / tensor2"),
    ("torch-cumprod-16bit-backward", {"cumprod"}, "EXCEPTION",
     "masked_scatter: expected self and source to have same dtypes",
     "torch 1.13's cumprod backward for a float16/bfloat16 input with dtype=float32 raises in "
     "its masked_scatter step; torsh returns the gradient in the input's dtype"),
    ("torch-unique-consecutive-positional", {"unique_consecutive"}, None,
     _unique_consecutive_positional_flags,
     "torch 1.13's torch.unique_consecutive front end dispatches on the wrong positional "
     "argument: unique_consecutive(x, True) returns (output, an empty tensor) instead of the "
     "inverse; keywords work. torsh reads the flags in the documented order"),
    ("torch-inner-int-size1", {"inner"}, None, _inner_int_size1,
     "torch 1.13's inner of integer tensors with a contracted dim of size 1 raises \"expected "
     "scalar type Long but found Char\" (an int64 result where an operand is empty); torsh "
     "computes it in the inputs' dtype, as for any other size (and refuses bool, which torch's "
     "size-1 path multiplies elementwise)"),
    ("torch-cat-one-into-strided-out",
     {"cat", "concat", "concatenate", "vstack", "row_stack", "hstack", "dstack", "column_stack"},
     "VALUE", _cat_one_into_strided,
     "torch 1.13's cat of a single tensor into a stepped out= of one row leaves out unwritten "
     "(also through vstack/hstack/dstack/column_stack, which call it); torsh writes it"),
    ("torch-tri-indices-overflow", {"tril_indices", "triu_indices"}, None, _tri_indices_huge,
     "with a row count, column count or offset of 2**62 or more torch 1.13's size arithmetic "
     "overflows (a negative dimension, a storage overflow, or a full triangle for an offset "
     "past the matrix); torsh clamps the offset to the matrix and checks the result's size"),
    ("torch-logit-eps-above-half", {"logit"}, "VALUE", _logit_wide_eps,
     "with eps above 1/2 (lower bound above the upper) torch 1.13's vector loop clamps every "
     "value to 1 - eps and its scalar tail takes x < eps ? eps : x > 1 - eps ? 1 - eps : x; "
     "torsh clamps everywhere, as the vector loop"),
    ("torch-logit-grad-signed-zero", {"logit"}, "VALUE", _logit_grad_signed_zero,
     "without eps torch 1.13's logit gradient is dy * inf at x == 0 in its scalar tail (+inf at "
     "-0.0) and dy / (x * (1 - x)) in its vector loop (-inf at -0.0), so it depends on the "
     "tensor's length; torsh divides everywhere, as the vector loop"),
    ("torch-aminmax-0dim-keepdim", {"aminmax"}, "DTYPE-SHAPE", _aminmax_0dim_keepdim,
     "torch 1.13's aminmax of a 0-dim tensor with keepdim=True resizes its results to shape [1] "
     "(with its 'output was resized' warning); torsh keeps the 0-dim shape, as amax and max do"),
    ("masks-bool-or-uint8", {"masked_fill", "masked_scatter"}, "EXCEPTION", _non_bool_mask,
     "torch 1.13 reads a mask that is neither bool nor uint8 as raw bytes (a float mask of ones "
     "fills nothing); torsh raises, as later releases (docs/bit_identical.md)"),
    ("torch-var-float-mean", {"var", "std", "var_mean", "std_mean"}, "VALUE", _constant_var,
     "torch 1.13 takes a full floating reduction's mean in the input's dtype, so the variance "
     "of equal values is a rounding residue (1e-7 relative in float32, 1e-2 in bfloat16, with a "
     "gradient of order 1 through std, or inf where dim=() divides by 0; and inf where the sum "
     "overflows the dtype: std of 3e38, 3e38, 0 in float32); torsh accumulates in double and "
     "gives 0 (gradient 0 or NaN, as torch's where its mean is exact), or the finite std"),
    ("torch-norm-p-float32", {"norm"}, "VALUE", _norm_p_float32,
     "torch 1.13's norm kernel converts a floating p to float32 (0.032 acts as "
     "0.03200000152, -1e-310 as 0, the count of nonzeros); torsh keeps p a double"),
    ("torch-polygamma-int32-n", {"polygamma"}, "VALUE", _polygamma_wide_n,
     "torch 1.13's polygamma kernel narrows n to a 32-bit int (2**31 becomes -2**31, giving "
     "NaN); torsh uses n as given"),
    ("torch-slice-scatter-keywords", {"slice_scatter"}, None, _slice_scatter_keywords,
     "torch 1.13's slice_scatter binding reads garbage for start, end or step left out "
     "(slice_scatter(a, src, 0, 1, 3) takes a src of one element, into [1:2]; with all three "
     "given it works); torsh applies the defaults (docs/bit_identical.md)"),
]


def match(call, cls, detail):
    """The id of the rule covering this mismatch, or None."""
    for rid, ops, rcls, sub, _ in RULES:
        if (rcls is not None and rcls != cls) or (ops is not None and call["op"] not in ops):
            continue
        if sub(call, detail) if callable(sub) else sub in detail:
            return rid
    return None


# ---- crashes and hangs already filed (issue 7) and being fixed elsewhere ---------------------
# A CRASH or HANG one of these covers is reported as "known" and does not fail the CI pass.
# Delete a rule as soon as its fix lands: the fuzzer then holds the fix in place.
FACTORIES = {"empty", "zeros", "ones", "full", "rand", "randn", "randint", "randperm", "eye",
             "arange", "linspace", "empty_like", "zeros_like", "ones_like", "full_like",
             "expand", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor"}


def _values(v):
    if isinstance(v, (list, tuple)):
        for x in v:
            yield from _values(x)
    elif isinstance(v, dict):
        for k in ("L", "Tu"):
            for x in v.get(k, []):
                yield from _values(x)
        if "T" in v:
            yield v
    else:
        yield v


def _all_values(call):
    for v in call["args"] + list(call["kwargs"].values()):
        yield from _values(v)


def _huge_int(call):
    return any(isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2 ** 31
               for v in _all_values(call))


def _grad(call):
    return any(isinstance(v, dict) and v["T"]["grad"] for v in _all_values(call))


def _huge_fill(call):
    if call["op"] in {"arange", "range", "linspace", "logspace"}:
        nums = [_num(v) for v in call["args"]]
        nums = [v for v in nums if v is not None]
        if call["op"] in {"linspace", "logspace"}:
            return len(nums) >= 3 and nums[2] >= 2 ** 28
        start, end, step = (0.0, nums[0], 1.0) if len(nums) == 1 else (nums + [1.0])[:3]
        return len(nums) >= 1 and step != 0 and abs((end - start) / step) >= 2 ** 28
    sizes = [v for v in _all_values(call) if isinstance(v, int) and not isinstance(v, bool)]
    n = 1
    for v in sizes:
        n *= max(v, 1)
    fills = {"ones", "zeros", "full", "new_ones", "new_zeros", "new_full", "new_empty", "empty"}
    return ((call["op"] in {"randn", "rand", "randint", "normal_", "uniform_"} and n >= 2 ** 30)
            or (call["op"] in fills and n >= 2 ** 31))


KNOWN_CRASHES = [
    # (id, predicate(call), why). The issue-7 size-overflow and clamp/mean-with-grad crashes
    # are fixed; their calls count as crashes again if they ever come back.
    ("slow-huge-fill", _huge_fill,
     "not a hang: 2**30 or more random values, 2**31 or more filled ones (ones, new_ones, "
     "full, ...), or an arange/range/linspace/logspace of 2**28 or more elements (gigabytes, "
     "then compared through numpy), can take over the 20 s limit "
     "in both libraries on a loaded 2-core machine (randn([2**31, 1], dtype=float16): torch "
     "75 s, torsh 70 s; arange(-3, 2**31, 3) alone: torch 4.6 s, torsh 3-6 s)"),
]


def known_crash(call):
    """The id of the issue-7 rule covering a crash or hang of this call, or None."""
    for rid, pred, _ in KNOWN_CRASHES:
        if pred(call):
            return rid
    return None
