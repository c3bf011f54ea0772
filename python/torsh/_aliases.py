"""torch's alias names (absolute, arccos, divide, greater, ...), its top-level in-place
functions (torch.abs_(t) is t.abs_(), the same object back), and the activations and
dropouts it exports at top level (torch.threshold, selu_, alpha_dropout, ...), bound to the
ops torsh has."""
import torsh
from torsh._C import Tensor
from torsh._random_extra import _scalar_type

__all__ = ["install"]

# torch's alias -> the torsh op it names: a function, a method, and the in-place method.
_ALIASES = {
    "absolute": "abs", "arccos": "acos", "arccosh": "acosh", "arcsin": "asin",
    "arcsinh": "asinh", "arctan": "atan", "arctanh": "atanh", "divide": "div",
    "multiply": "mul", "subtract": "sub", "negative": "neg", "greater": "gt",
    "greater_equal": "ge", "less": "lt", "less_equal": "le", "not_equal": "ne",
}

# torch's top-level in-place functions that are Tensor methods in torch (torch.X_(t, ...) is
# t.X_(...)); each is bound only where torsh's Tensor has the method.
_INPLACE = (
    "abs_", "acos_", "acosh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
    "clamp_min_", "clamp_max_", "clip_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp_",
    "exp2_", "expm1_", "floor_", "frac_", "log_", "log10_", "log1p_", "log2_", "neg_",
    "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_",
    "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "fill_", "zero_", "nan_to_num_",
    "logit_", "i0_", "xlogy_", "gcd_", "lcm_", "ldexp_", "fix_", "detach_", "index_put_",
    "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "negative_",
)


def _check_input(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def _inplace_function(name):
    """torch.<name>(input, ...): input.<name>(...), which returns input itself."""
    def fn(input, *args, **kwargs):
        _check_input(name, input)
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}(input, ...): input.{name}(...), in place; returns input."
    return fn


def detach(input):
    """torch.detach: input.detach()."""
    _check_input("detach", input)
    return input.detach()


def is_neg(input):
    """torch.is_neg: always False (torsh has no lazy negative bit)."""
    _check_input("is_neg", input)
    return False


# the activations and dropouts torch exports at top level, over torsh.nn.functional

def _nn():
    import torsh.nn.functional as F
    return F


def _check_p(p):
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def threshold(input, threshold, value):
    """torch.threshold: value where input <= threshold, else input (threshold and value cast to
    input's dtype first)."""
    _check_input("threshold", input)
    if input.dtype == torsh.bool:
        raise RuntimeError("\"threshold_cpu\" not implemented for 'Bool'")
    th = torsh.full((), threshold, dtype=input.dtype)  # torch's checked conversions
    return torsh.where(input <= th, torsh.full_like(input, value), input)


def threshold_(input, threshold, value):
    _check_input("threshold_", input)
    return input.copy_(globals()["threshold"](input, threshold, value))


def hardshrink(input, lambd=0.5):
    """torch.hardshrink: 0 where -lambd <= input <= lambd, else input (NaN passes)."""
    _check_input("hardshrink", input)
    if not input.is_floating_point():
        raise RuntimeError(f"\"hardshrink_cpu\" not implemented for "
                           f"'{_scalar_type(input.dtype)}'")
    lam = torsh.full((), lambd, dtype=input.dtype)
    inside = (input >= -lam) & (input <= lam)
    return torsh.where(inside, torsh.zeros_like(input), input)


def selu(input):
    _check_input("selu", input)
    return _nn().selu(input)


def selu_(input):
    _check_input("selu_", input)
    return _nn().selu(input, inplace=True)


def _check_celu(alpha):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")


def celu(input, alpha=1.0):
    _check_input("celu", input)
    _check_celu(alpha)
    return _nn().celu(input, alpha)


def celu_(input, alpha=1.0):
    _check_input("celu_", input)
    _check_celu(alpha)
    return _nn().celu(input, alpha, inplace=True)


def rrelu(input, lower=1. / 8, upper=1. / 3, training=False, generator=None):
    _check_input("rrelu", input)
    if generator is not None:
        raise RuntimeError("rrelu(): torsh draws from the default generator only")
    return _nn().rrelu(input, lower, upper, training)


def rrelu_(input, lower=1. / 8, upper=1. / 3, training=False, generator=None):
    _check_input("rrelu_", input)
    for pos, (arg, v) in enumerate((("lower", lower), ("upper", upper)), 2):
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise TypeError(f"rrelu_(): argument '{arg}' (position {pos}) must be Number, not "
                            f"{type(v).__name__}")
    if generator is not None:
        raise RuntimeError("rrelu_(): torsh draws from the default generator only")
    return _nn().rrelu_(input, lower, upper, training)


def _dropout_variant(name, feature, alpha, inplace):
    def fn(input, p, train):
        _check_input(name, input)
        if not isinstance(train, bool):
            raise TypeError(f"{name}(): argument 'train' (position 3) must be bool, not "
                            f"{type(train).__name__}")
        _check_p(p)
        if feature and input.dim() < 2 and 0 < p < 1 and train and input.numel():
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        if not (feature or alpha):
            return _nn().dropout(input, p, train, inplace=True)
        return _nn()._dropout_impl(input, p, train, inplace, feature, alpha)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}(input, p, train)"
    return fn


dropout_ = _dropout_variant("dropout_", False, False, True)
alpha_dropout = _dropout_variant("alpha_dropout", False, True, False)
alpha_dropout_ = _dropout_variant("alpha_dropout_", False, True, True)
feature_dropout = _dropout_variant("feature_dropout", True, False, False)
feature_dropout_ = _dropout_variant("feature_dropout_", True, False, True)
feature_alpha_dropout = _dropout_variant("feature_alpha_dropout", True, True, False)
feature_alpha_dropout_ = _dropout_variant("feature_alpha_dropout_", True, True, True)


_ACTIVATIONS = (threshold, threshold_, hardshrink, selu, selu_, celu, celu_, rrelu, rrelu_,
                dropout_, alpha_dropout, alpha_dropout_, feature_dropout, feature_dropout_,
                feature_alpha_dropout, feature_alpha_dropout_)


def install():
    ns = vars(torsh)
    for alias, op in _ALIASES.items():
        ns.setdefault(alias, getattr(torsh, op))
        if not hasattr(Tensor, alias):
            setattr(Tensor, alias, getattr(Tensor, op))
        if not hasattr(Tensor, alias + "_") and hasattr(Tensor, op + "_"):
            setattr(Tensor, alias + "_", getattr(Tensor, op + "_"))
    for name in _INPLACE:
        if name not in ns and hasattr(Tensor, name):
            ns[name] = _inplace_function(name)
    ns.setdefault("detach", detach)
    ns.setdefault("is_neg", is_neg)
    for fn in _ACTIVATIONS:
        ns.setdefault(fn.__name__, fn)
    if not hasattr(Tensor, "hardshrink"):
        Tensor.hardshrink = hardshrink
