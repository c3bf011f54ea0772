"""torch._foreach_*: an op applied to every tensor of a list (the multi-tensor form EMA and
optimizer code calls): unary ops, add/sub/mul/div with a number, a list of numbers or a list of
tensors (add/sub with alpha), maximum/minimum, addcmul/addcdiv, norm and zero_. The out-of-place
forms return a tuple; the in-place ones (trailing underscore) write each tensor and return None."""
import torsh

_UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1",
          "floor", "frac", "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal",
          "round", "sigmoid", "sin", "sinh", "sqrt", "tan", "tanh", "trunc")


def _check(name, tensors, overload):
    if len(tensors) == 0:
        raise NotImplementedError(
            "There were no tensor arguments to this function (e.g., you passed an empty list of "
            f"Tensors), but no fallback function is registered for schema aten::_foreach_{name}."
            f"{overload}.  This usually means that this function requires a non-empty list of "
            "Tensors, or that you (the operator writer) forgot to register a fallback function.")


def _pairs(name, tensors, other, overload_of_list="List"):
    """(tensor, operand) pairs for the Scalar, ScalarList and List overloads."""
    tensors = list(tensors)
    if isinstance(other, (list, tuple)):
        overload = overload_of_list if other and isinstance(other[0], torsh.Tensor) \
            else "ScalarList"
        _check(name, tensors, overload)
        if len(other) != len(tensors):
            if overload == "ScalarList":
                raise RuntimeError("Tensor list must have same number of elements as scalar "
                                   "list.")
            raise RuntimeError(f"Tensor lists must have the same number of tensors, got "
                               f"{len(tensors)} and {len(other)}")
        return list(zip(tensors, other))
    _check(name, tensors, "Scalar")
    return [(t, other) for t in tensors]


def _unary(name):
    fn = getattr(torsh, name)

    def out_of_place(tensors):
        _check(name, list(tensors), "")
        return tuple(fn(t) for t in tensors)

    def in_place(tensors):
        _check(name + "_", list(tensors), "")
        for t in tensors:
            getattr(t, name + "_")()
    return out_of_place, in_place


def _binary(name):
    fn = getattr(torsh, name)
    takes_alpha = name in ("add", "sub")  # alpha scales a tensor operand (the List overload)

    def apply(t, o, alpha, inplace):
        kwargs = {"alpha": alpha} if takes_alpha and isinstance(o, torsh.Tensor) else {}
        if not inplace:
            return fn(t, o, **kwargs)
        if name in ("maximum", "minimum"):  # no in-place method
            return t.copy_(fn(t, o))
        return getattr(t, name + "_")(o, **kwargs)

    if takes_alpha:
        def out_of_place(tensors, other, *, alpha=1):
            return tuple(apply(t, o, alpha, False) for t, o in _pairs(name, tensors, other))

        def in_place(tensors, other, *, alpha=1):
            for t, o in _pairs(name + "_", tensors, other):
                apply(t, o, alpha, True)
    else:
        def out_of_place(tensors, other):
            return tuple(apply(t, o, 1, False) for t, o in _pairs(name, tensors, other))

        def in_place(tensors, other):
            for t, o in _pairs(name + "_", tensors, other):
                apply(t, o, 1, True)
    return out_of_place, in_place


def _addc(name):
    fn = getattr(torsh, name)

    def values(tensors, value):
        if isinstance(value, (list, tuple)):
            return [v for _, v in _pairs(name, tensors, list(value))]
        _check(name, list(tensors), "Scalar")
        return [value] * len(tensors)

    def out_of_place(tensors, tensor1, tensor2, value=1):
        vs = values(tensors, value)
        return tuple(fn(t, a, b, value=v) for t, a, b, v in zip(tensors, tensor1, tensor2, vs))

    def in_place(tensors, tensor1, tensor2, value=1):
        for t, a, b, v in zip(tensors, tensor1, tensor2, values(tensors, value)):
            getattr(t, name + "_")(a, b, value=v)
    return out_of_place, in_place


def _foreach_norm(tensors, ord=2):
    _check("norm", list(tensors), "Scalar")
    return tuple(torsh.linalg.vector_norm(t, ord) for t in tensors)


def _foreach_zero_(tensors):
    _check("zero_", list(tensors), "")
    for t in tensors:
        t.zero_()


def install():
    made = {"_foreach_norm": _foreach_norm, "_foreach_zero_": _foreach_zero_}
    for name in _UNARY:
        made[f"_foreach_{name}"], made[f"_foreach_{name}_"] = _unary(name)
    for name in ("add", "sub", "mul", "div", "maximum", "minimum"):
        made[f"_foreach_{name}"], made[f"_foreach_{name}_"] = _binary(name)
    for name in ("addcmul", "addcdiv"):
        made[f"_foreach_{name}"], made[f"_foreach_{name}_"] = _addc(name)
    for key, fn in made.items():
        fn.__name__ = key
        setattr(torsh, key, fn)
