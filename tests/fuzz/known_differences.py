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
    ("half-kernels", None, "EXCEPTION", "not implemented for 'Half'",
     "torch 1.13 has no CPU float16 kernel for many ops (exp, sin, clamp, bernoulli_, ...); "
     "torsh computes float16 in float and rounds once, as torch does on GPU and in later "
     "releases"),
]


def match(call, cls, detail):
    """The id of the rule covering this mismatch, or None."""
    for rid, ops, rcls, sub, _ in RULES:
        if rcls == cls and (ops is None or call["op"] in ops) and sub in detail:
            return rid
    return None
