"""torch.testing: assert_close (with torch 1.13's default tolerances, checks and error
messages), make_tensor, and the deprecated assert_allclose."""
import cmath
import collections.abc
import math
import warnings

import numpy as np

import torsh

__all__ = ["assert_close", "make_tensor", "assert_allclose"]

# {dtype name: (rtol, atol)}; other dtypes compare exactly
_TOLERANCES = {"float16": (0.001, 1e-5), "bfloat16": (0.016, 1e-5),
               "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: "int64", float: "float64", complex: "complex128"}


class _Failure(Exception):
    """A comparison failure: the exception type to raise, its message, and where in nested
    inputs it happened."""

    def __init__(self, kind, msg, where=()):
        super().__init__(msg)
        self.kind, self.msg, self.where = kind, msg, where

    def error(self, msg=None):
        if isinstance(msg, str):
            return self.kind(msg)
        text = self.msg
        if self.where:
            text += "\n\nThe failure occurred for item " + \
                "".join(str([item]) for item in self.where)
        return self.kind(msg(text) if callable(msg) else text)


class _Unsupported(Exception):
    pass


def _name(dtype):
    return repr(dtype)[6:]


def _tolerances(dtype_names, rtol, atol, where):
    if (rtol is None) != (atol is None):
        raise _Failure(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                                   f"but got no {'rtol' if rtol is None else 'atol'}.", where)
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(n, (0.0, 0.0)) for n in dtype_names]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _mismatch_msg(kind, rtol, atol, abs_diff, rel_diff, abs_idx=None, rel_idx=None, extra=None):
    exact = rtol == 0 and atol == 0

    def line(what, diff, idx, tol):
        text = (f"{what.title()} difference: {diff}" if idx is None
                else f"Greatest {what} difference: {diff} at index {idx}")
        return text + ("" if exact else f" (up to {tol} allowed)") + "\n"

    msg = f"{kind} are not {'equal' if exact else 'close'}!\n\n"
    if extra:
        msg += extra.strip() + "\n"
    msg += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def _scalar_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg("Scalars", rtol, atol, abs_diff, rel_diff)


def _unravel(flat, shape):
    index = []
    for size in reversed(shape):
        flat, mod = divmod(flat, size)
        index.append(mod)
    return tuple(reversed(index))


def _tensor_msg(actual, expected, mismatches, rtol, atol):
    total, count = int(mismatches.sum().item()), mismatches.numel()
    extra = f"Mismatched elements: {total} / {count} ({total / count:.1%})"
    a, b = actual.flatten(), expected.flatten()
    matches = ~mismatches.flatten()
    abs_diff = torsh.abs(a - b)
    abs_diff[matches] = 0
    max_abs, abs_idx = torsh.max(abs_diff, 0)
    rel_diff = abs_diff / torsh.abs(b)
    rel_diff[matches] = 0
    max_rel, rel_idx = torsh.max(rel_diff, 0)
    shape = tuple(mismatches.shape)
    return _mismatch_msg("Tensor-likes", rtol, atol, max_abs.item(), max_rel.item(),
                         _unravel(int(abs_idx), shape), _unravel(int(rel_idx), shape), extra)


def _none_pair(actual, expected, **_):
    if actual is not None and expected is not None:
        raise _Unsupported

    def compare():
        if not (actual is None and expected is None):
            return f"None mismatch: {actual} is not {expected}"
        return None
    return compare


def _bool_pair(actual, expected, **_):
    kinds = (bool, np.bool_)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)):
        raise _Unsupported
    a, e = bool(actual), bool(expected)
    return lambda: None if a is e else f"Booleans mismatch: {a} is not {e}"


def _number_pair(actual, expected, *, rtol, atol, equal_nan, check_dtype, where, **_):
    kinds = (int, float, complex, np.number)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)):
        raise _Unsupported
    a, e = [x.item() if isinstance(x, np.number) else x for x in (actual, expected)]
    rtol, atol = _tolerances([_NUMBER_DTYPES[type(a)], _NUMBER_DTYPES[type(e)]], rtol, atol,
                             where)

    def compare():
        if check_dtype and type(a) is not type(e):
            return f"The (d)types do not match: {type(a)} != {type(e)}."
        if a == e or (equal_nan and cmath.isnan(a) and cmath.isnan(e)):
            return None
        diff = abs(a - e)
        if cmath.isfinite(diff) and diff <= atol + rtol * abs(e):
            return None
        return _scalar_msg(a, e, rtol, atol)
    return compare


def _as_tensor(x):
    if isinstance(x, torsh.Tensor):
        return x
    try:
        return torsh.as_tensor(x)
    except Exception:
        raise _Unsupported from None


def _tensor_pair(actual, expected, *, rtol, atol, equal_nan, check_device, check_dtype,
                 check_stride, allow_subclasses, where):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        raise _Unsupported
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Unsupported
    actual, expected = _as_tensor(actual), _as_tensor(expected)
    rtol, atol = _tolerances([_name(actual.dtype), _name(expected.dtype)], rtol, atol, where)

    def differ(attribute, a, b):
        return f"The values for attribute '{attribute}' do not match: {a} != {b}."

    def compare():
        if actual.shape != expected.shape:
            return differ("shape", actual.shape, expected.shape)
        if check_stride and actual.stride() != expected.stride():
            return differ("stride()", actual.stride(), expected.stride())
        if check_device and actual.device != expected.device:
            return differ("device", actual.device, expected.device)
        if check_dtype and actual.dtype != expected.dtype:
            return differ("dtype", actual.dtype, expected.dtype)
        with torsh.no_grad():
            return _compare_values(actual.detach(), expected.detach(), rtol, atol, equal_nan)
    return compare


def _compare_values(a, e, rtol, atol, equal_nan):
    if a.dtype != e.dtype:
        common = torsh.promote_types(a.dtype, e.dtype)
        a, e = a.to(common), e.to(common)
    # compared in the widest dtype of the category (bool counts as integral)
    wide = (torsh.complex128 if a.dtype.is_complex else
            torsh.float64 if a.dtype.is_floating_point else torsh.int64)
    a, e = a.to(wide), e.to(wide)
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if bool(matches.all().item()):
        return None
    if a.dim() == 0:
        return _scalar_msg(a.item(), e.item(), rtol, atol)
    return _tensor_msg(a, e, ~matches, rtol, atol)


def _isclose(a, e, rtol, atol, equal_nan):
    """torch.isclose; complex values are compared here by the modulus of their difference
    (torsh's isclose ignores the imaginary parts)."""
    if not a.dtype.is_complex:
        return torsh.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    close = a == e
    if equal_nan:
        close = close | (torsh.isnan(a) & torsh.isnan(e))
    error = torsh.abs(a - e)
    return close | (torsh.isfinite(error) & (error <= atol + rtol * torsh.abs(e)))


_PAIRS = (_none_pair, _bool_pair, _number_pair, _tensor_pair)


def _originate(actual, expected, where, options):
    """One comparison per leaf of nested sequences and mappings, as (compare, where); raises
    the first structural mismatch, or a TypeError for a leaf no comparison handles."""
    seq = collections.abc.Sequence
    if isinstance(actual, seq) and isinstance(expected, seq) and \
            not isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Failure(AssertionError, f"The length of the sequences mismatch: "
                                           f"{len(actual)} != {len(expected)}", where)
        out = []
        for i in range(len(actual)):
            out += _originate(actual[i], expected[i], where + (i,), options)
        return out
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        a_keys, e_keys = set(actual.keys()), set(expected.keys())
        if a_keys != e_keys:
            raise _Failure(AssertionError, "The keys of the mappings do not match:\n"
                           f"Missing keys in the actual mapping: {sorted(e_keys - a_keys)}\n"
                           f"Additional keys in the actual mapping: "
                           f"{sorted(a_keys - e_keys)}", where)
        keys = a_keys
        try:
            keys = sorted(keys)
        except Exception:
            pass
        out = []
        for k in keys:
            out += _originate(actual[k], expected[k], where + (k,), options)
        return out
    for pair in _PAIRS:
        try:
            return [(pair(actual, expected, where=where, **options), where)]
        except _Unsupported:
            continue
    raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type "
                              f"{type(actual)} and {type(expected)}.", where)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raises AssertionError unless actual and expected (tensors, numbers, bools, None, or
    sequences and mappings of them) are close: |actual - expected| <= atol + rtol *
    |expected| elementwise, with shape, dtype and device equal (dtype and device checks can be
    turned off). rtol and atol default per dtype as torch's (float32: 1.3e-6 and 1e-5; float64:
    1e-7 and 1e-7; integers: exact). `msg` replaces the message (a callable edits it)."""
    __tracebackhide__ = True
    del check_layout
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                   check_dtype=check_dtype, check_stride=check_stride,
                   allow_subclasses=allow_subclasses)
    try:
        leaves = _originate(actual, expected, (), options)
    except _Failure as f:
        raise f.error() from None
    for compare, where in leaves:
        problem = compare()
        if problem is not None:
            raise _Failure(AssertionError, problem, where).error(msg) from None


# float limits of make_tensor's dtypes: (lowest, highest, tiny)
_FLOAT_LIMITS = {
    "float16": (-65504.0, 65504.0, 6.103515625e-05),
    "bfloat16": (-3.3895313892515355e+38, 3.3895313892515355e+38, 1.1754943508222875e-38),
    "float32": (-3.4028234663852886e+38, 3.4028234663852886e+38, 1.1754943508222875e-38),
    "float64": (-1.7976931348623157e+308, 1.7976931348623157e+308, 2.2250738585072014e-308)}
_INT_LIMITS = {"uint8": (0, 255), "int8": (-128, 127), "int16": (-2 ** 15, 2 ** 15 - 1),
               "int32": (-2 ** 31, 2 ** 31 - 1), "int64": (-2 ** 63, 2 ** 63 - 1)}
_COMPLEX_PARTS = {"complex64": "float32", "complex128": "float64"}


def _low_high(low, high, lowest, highest, default_low, default_high, integral):
    low = default_low if low is None else low
    high = default_high if high is None else high
    if low != low or high != high:
        raise ValueError("make_tensor: one of low or high was NaN!")
    if low > high:
        raise ValueError("make_tensor: low must be weakly less than high!")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    return (math.floor(low), math.ceil(high)) if integral else (low, high)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False):
    """A tensor of `shape` with values drawn uniformly from [low, high) (per-dtype defaults
    as torch's: [-9, 9) for floats, [-9, 10) for signed integers, [0, 10) for uint8, {0, 1}
    for bool), from the same random stream as torch's."""
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(shape)
    name = _name(dtype)
    floating = name in _FLOAT_LIMITS or name in _COMPLEX_PARTS
    if requires_grad and not floating:
        raise ValueError("make_tensor: requires_grad must be False for integral dtype")
    if name == "bool":
        result = torsh.randint(0, 2, shape, device=device, dtype=dtype)
    elif name in _INT_LIMITS:
        lowest, highest = _INT_LIMITS[name]
        low, high = _low_high(low, high, lowest, highest, 0 if name == "uint8" else -9, 10,
                              True)
        result = torsh.randint(low, high, shape, device=device, dtype=dtype)
    elif floating:
        part = _COMPLEX_PARTS.get(name, name)
        lowest, highest, _ = _FLOAT_LIMITS[part]
        low, high = _low_high(low, high, lowest, highest, -9, 9, False)

        def draw():
            r = torsh.rand(shape, device=device, dtype=getattr(torsh, part))
            return high * r + low * (1 - r)

        result = draw() if part == name else torsh.complex(draw(), draw())
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        "torch.testing.make_tensor(). To request support, file an issue at: "
                        "https://github.com/pytorch/pytorch/issues")
    if noncontiguous and result.numel() > 1:
        result = torsh.repeat_interleave(result, 2, dim=-1)[..., ::2]
    if exclude_zero:
        if not floating:
            replace = torsh.tensor(1, dtype=dtype)
        else:
            tiny = _FLOAT_LIMITS[_COMPLEX_PARTS.get(name, name)][2]
            replace = torsh.tensor(tiny if name not in _COMPLEX_PARTS else complex(tiny, tiny),
                                   dtype=dtype)
        result[result == 0] = replace
    if floating:
        result.requires_grad_(requires_grad)
    return result


_ALLCLOSE_TOLERANCES = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5),
                        "float64": (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated torch.testing.assert_allclose: assert_close without the dtype check, NaNs
    equal, and looser default tolerances."""
    warnings.warn("torch.testing.assert_allclose() is deprecated since 1.12 and will be "
                  "removed in 1.14. Use torch.testing.assert_close() instead. For detailed "
                  "upgrade instructions see https://github.com/pytorch/pytorch/issues/61844.",
                  FutureWarning)
    if not isinstance(actual, torsh.Tensor):
        actual = torsh.tensor(actual)
    if not isinstance(expected, torsh.Tensor):
        expected = torsh.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_ALLCLOSE_TOLERANCES.get(_name(t.dtype), (0.0, 0.0))
                 for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
