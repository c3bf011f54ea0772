"""Known, documented differences between torsh and torch that the fuzzer's classifier accepts.

Each rule names the ops it covers, the class of mismatch (VALUE, DTYPE-SHAPE, EXCEPTION), a
substring of the mismatch detail and the reason; docs/fuzzing.md lists them. A mismatch a rule
covers is counted as KNOWN, not as a mismatch. Keep this list short: a rule is a decision that
the difference is deliberate (or out of scope), not a place to park bugs."""

# Ops whose values are unspecified: only dtype and shape are compared.
VALUE_FREE = {"empty", "empty_like", "new_empty"}

RULES = [
    # (id, ops (None: any), class, detail substring, reason)
    ("alloc-failure", None, "EXCEPTION", "MemoryError",
     "an allocation beyond the fuzzer's address-space limit raises MemoryError in torsh (the "
     "C++ std::bad_alloc), RuntimeError in torch (its allocator's own message)"),
    ("torch-missing-kernel", None, "EXCEPTION", "not implemented for '",
     "torch 1.13 has no CPU kernel for some op/dtype pairs (float16 exp, sin, clamp, "
     "bernoulli_...; bfloat16 prod and eye; bool arange, linspace, randperm, matmul) and raises "
     "'\"op\" not implemented for ...'; torsh computes them (float16/bfloat16 in float, rounded "
     "once, as torch does on GPU and in later releases)"),
    ("torch-internal-assert", None, "EXCEPTION", "INTERNAL ASSERT FAILED",
     "torch 1.13 fails its own internal assert (e.g. isDifferentiableType for an integer "
     "result of a grad-requiring input); torsh returns the result"),
    ("torch-log1p-overflow", {"log1p"}, "VALUE", "inf",
     "torch 1.13's vectorised float32 log1p returns inf for x above ~1e38 (x + 1 overflows "
     "inside it); torsh returns the true value (about 88.6)"),
]


def match(call, cls, detail):
    """The id of the rule covering this mismatch, or None."""
    for rid, ops, rcls, sub, _ in RULES:
        if rcls == cls and (ops is None or call["op"] in ops) and sub in detail:
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


KNOWN_CRASHES = [
    # (id, predicate(call), why): none open. The issue-7 size-overflow and clamp/mean-with-grad
    # crashes are fixed; their calls now count as crashes again if they ever come back.
]


def known_crash(call):
    """The id of the issue-7 rule covering a crash or hang of this call, or None."""
    for rid, pred, _ in KNOWN_CRASHES:
        if pred(call):
            return rid
    return None
