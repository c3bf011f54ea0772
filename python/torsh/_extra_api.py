"""torch functions and Tensor methods that torsh composes from its own ops: finfo / iinfo,
dist, isin, trapezoid and friends, cov / corrcoef, vander, frexp / ldexp, the window
functions (from _windows.py), renorm, fill_diagonal_, sum_to_size, the in-place shape methods, and small queries
(is_signed, get_device, is_shared...).
Autograd follows from the ops each one is written with."""
import mmap
import warnings
import weakref
from collections import namedtuple

import numpy as np

import torsh
from torsh import _C
from torsh import _out
from torsh._C import Tensor
from torsh._random_extra import _scalar_type
from torsh._windows import (bartlett_window, blackman_window, hamming_window, hann_window,
                            kaiser_window)

__all__ = ["install"]


def _dtype_name(dtype):
    return repr(dtype)[6:]


def _check_tensor(fn, arg, pos, t):
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(t).__name__}")


def _check_arg(fn, arg, pos, value, kind):
    """torch's argument parser: `kind` is "int", "bool" or "Number"; a wrong type raises its
    TypeError (bools are not ints, tensors are not numbers)."""
    ok = {"int": isinstance(value, int) and not isinstance(value, bool),
          "bool": isinstance(value, bool),
          "Number": isinstance(value, (int, float)) and not isinstance(value, bool)}[kind]
    if not ok:
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be {kind}, not "
                        f"{type(value).__name__}")


def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def _slice(t, dim, start, stop=None):
    index = [slice(None)] * t.dim()
    index[dim] = slice(start, stop)
    return t[tuple(index)]


# finfo / iinfo

# bits, eps, max, smallest normal, resolution
_FINFO = {
    "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 0.001),
    "bfloat16": (16, 2.0 ** -7, (2 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126, 0.01),
    "float32": (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126, 1e-06),
    "float64": (64, 2.0 ** -52, (2 - 2.0 ** -52) * 2.0 ** 1023, 2.0 ** -1022, 1e-15),
}
_COMPLEX_REAL = {"complex64": "float32", "complex128": "float64"}
_IINFO = {"uint8": (8, 0, 255), "int8": (8, -128, 127), "int16": (16, -2 ** 15, 2 ** 15 - 1),
          "int32": (32, -2 ** 31, 2 ** 31 - 1), "int64": (64, -2 ** 63, 2 ** 63 - 1)}
_MISSING = object()
builtin_type = type  # finfo's and iinfo's argument is named `type`


class finfo:
    """torch.finfo: the numerical properties of a floating point dtype (a complex dtype gives
    its real part's); dtype is the name of that real type."""

    def __init__(self, type=_MISSING):  # noqa: A002 - torch's argument name
        if type is _MISSING:
            type = torsh.get_default_dtype()  # noqa: A001
        if not isinstance(type, torsh.dtype):
            raise TypeError(f"finfo(): argument 'type' (position 1) must be torch.dtype, not "
                            f"{builtin_type(type).__name__}")
        name = _COMPLEX_REAL.get(_dtype_name(type), _dtype_name(type))
        if name not in _FINFO:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        self.bits, self.eps, self.max, self.smallest_normal, self.resolution = _FINFO[name]
        self.min = -self.max
        self.tiny = self.smallest_normal
        self.dtype = name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """torch.iinfo: bits, min and max of an integer dtype."""

    def __init__(self, type):  # noqa: A002 - torch's argument name
        if not isinstance(type, torsh.dtype):
            raise TypeError(f"iinfo(): argument 'type' (position 1) must be torch.dtype, not "
                            f"{builtin_type(type).__name__}")
        name = _dtype_name(type)
        if name == "bool":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if name not in _IINFO:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        self.bits, self.min, self.max = _IINFO[name]
        self.dtype = name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    __str__ = __repr__



# small functions

def dist(input, other, p=2):
    """torch.dist: the p-norm of input - other (broadcast)."""
    _check_tensor("dist", "input", 1, input)
    _check_tensor("dist", "other", 2, other)
    return torsh.norm(input - other, p)


def is_nonzero(input):
    """torch.is_nonzero: the truth of a one-element tensor."""
    _check_tensor("is_nonzero", "input", 1, input)
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other):
    _check_tensor("is_same_size", "input", 1, input)
    _check_tensor("is_same_size", "other", 2, other)
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    """torch.is_signed: False for uint8 and bool, True for every other dtype."""
    _check_tensor("is_signed", "input", 1, input)
    return _dtype_name(input.dtype) not in ("uint8", "bool")


def is_inference(input):
    """torch.is_inference: whether input was created under inference_mode."""
    _check_tensor("is_inference", "input", 1, input)
    return input.is_inference()


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """torch.scalar_tensor: a 0-dim tensor of s, of the default dtype unless dtype is given."""
    del layout, pin_memory
    if isinstance(s, Tensor):
        s = s.item()
    dtype = torsh.get_default_dtype() if dtype is None else dtype
    if isinstance(s, complex) and not dtype.is_complex:
        if s.imag != 0:
            raise RuntimeError(f"value cannot be converted to type {dtype} without overflow")
        s = s.real
    return torsh.full((), s, dtype=dtype, device=device, requires_grad=requires_grad)


def _isin_operand(t, other):
    if isinstance(t, Tensor):
        return t
    return torsh.tensor(t).to(torsh.result_type(other, t))


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """torch.isin with out=."""
    if out is not None:
        return _out.write("isin", out, _isin(elements, test_elements, assume_unique=assume_unique,
                                               invert=invert))
    return _isin(elements, test_elements, assume_unique=assume_unique, invert=invert)


def _isin(elements, test_elements, *, assume_unique=False, invert=False):
    """torch.isin: whether each element of `elements` is in `test_elements` (either may be a
    Python number); a bool tensor of elements' shape."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__})")
    for t in (elements, test_elements):
        if isinstance(t, Tensor):
            if t.dtype.is_complex or _dtype_name(t.dtype) in ("bool", "bfloat16"):
                raise RuntimeError(f"Unsupported input type encountered for isin(): "
                                   f"{_scalar_type(t.dtype)}")
        elif isinstance(t, builtin_type(True)):
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    e = _isin_operand(elements, test_elements)
    test = _isin_operand(test_elements, elements)
    common = torsh.result_type(e, test)
    brute_force = test.numel() < 10.0 * pow(e.numel(), 0.145)  # torch's choice of kernel
    if _dtype_name(common) == "float16" and brute_force:
        raise RuntimeError("\"isin_default_cpu\" not implemented for 'Half'")
    with torsh.no_grad():
        flat = e.reshape(-1).to(common)
        if assume_unique and not brute_force:
            return _isin_sorted_unique(flat, test.reshape(-1).to(common), invert).view(e.shape)
        if test.numel() == 0:
            found = torsh.zeros(flat.shape, dtype=torsh.bool)
        else:
            table = torsh.sort(test.reshape(-1).to(common)).values
            pos = torsh.searchsorted(table, flat).clamp_(max=table.numel() - 1)
            found = table[pos] == flat
        found = found.reshape(e.shape)
    return found.logical_not() if invert else found


def _isin_sorted_unique(flat, test, invert):
    """torch's sorting kernel under assume_unique: an element is found when the next entry
    of the stably sorted concatenation equals it (so repeated elements give torch's answer
    too, though the contract leaves it open)."""
    everything = torsh.cat([flat, test])
    values, order = torsh.sort(everything, stable=True)
    dup = values[1:] != values[:-1] if invert else values[1:] == values[:-1]
    dup = torsh.cat([dup, torsh.full((1,), invert, dtype=torsh.bool)])
    mask = torsh.empty_like(dup)
    mask[order] = dup
    return mask[:flat.numel()]


def unflatten(input, dim, sizes):
    _check_tensor("unflatten", "input", 1, input)
    return input.unflatten(dim, sizes)


# integration

def _check_dx(fn, dx):
    if isinstance(dx, (complex, builtin_type(True))):
        raise RuntimeError(f"{fn}: Currently, we only support dx as a real number.")
    if isinstance(dx, Tensor):
        return dx.item()
    return dx


def _x_along(fn, x, y, dim):
    """x viewed so that its differences broadcast against y's along dim (torch's rules)."""
    if x.dim() == 1:
        if x.size(0) != y.size(dim):
            raise RuntimeError(f"{fn}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = x.size(0)
        x = x.view(shape)
    elif x.dim() < y.dim():
        x = x.view([1] * (y.dim() - x.dim()) + list(x.shape))
    return _slice(x, dim, 1) - _slice(x, dim, 0, -1)


def _no_bool(fn, *ts):
    if any(_dtype_name(t.dtype) == "bool" for t in ts):
        which = "`x` or `y`" if len(ts) > 1 else "`y`"
        raise RuntimeError(f"{fn}: received a bool input for {which}, but bool is not supported")


def _trapezoid(fn, y, x, dx, dim):
    _check_tensor(fn, "y", 1, y)
    dim = _wrap_dim(dim, y.dim())
    if x is not None and dx is not None:
        raise TypeError(f"{fn}() received an invalid combination of arguments: both x and dx")
    if y.size(dim) == 0:
        shape = list(y.shape)
        del shape[dim]
        return torsh.zeros(shape, dtype=y.dtype)
    if x is not None:
        _check_tensor(fn, "x", 2, x)
        _no_bool("trapezoid", y, x)
        d = _x_along("trapezoid", x, y, dim)
        return (d * (_slice(y, dim, 1) + _slice(y, dim, 0, -1))).sum(dim) / 2.
    _no_bool("trapezoid", y)
    dx = 1 if dx is None else _check_dx("trapezoid", dx)
    return (y.sum(dim) - (y.select(dim, 0) + y.select(dim, -1)) * 0.5) * float(dx)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """torch.trapezoid: the trapezoidal rule along dim, with sample points x or spacing dx."""
    return _trapezoid("trapezoid", y, x, dx, dim)


def trapz(y, x=None, *, dx=None, dim=-1):
    """torch.trapz: trapezoid (dx is a float here)."""
    if isinstance(dx, complex):
        raise TypeError("trapz(): argument 'dx' must be float, not complex")
    return _trapezoid("trapz", y, x, None if dx is None else float(dx), dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """torch.cumulative_trapezoid: the running trapezoidal integral along dim."""
    _check_tensor("cumulative_trapezoid", "y", 1, y)
    dim = _wrap_dim(dim, y.dim())
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid() received an invalid combination of arguments: "
                        "both x and dx")
    pair = _slice(y, dim, 0, -1) + _slice(y, dim, 1)
    if x is not None:
        _check_tensor("cumulative_trapezoid", "x", 2, x)
        _no_bool("cumulative_trapezoid", y, x)
        d = _x_along("cumulative_trapezoid", x, y, dim)
        return ((d * pair) / 2.).cumsum(dim)
    _no_bool("cumulative_trapezoid", y)
    dx = 1 if dx is None else _check_dx("cumulative_trapezoid", dx)
    return (float(dx) / 2. * pair).cumsum(dim)


# statistics

def _check_weights(name, w, n, integral):
    if w.dim() > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {w.dim()} dimensions")
    ok = (not w.is_floating_point() and not w.dtype.is_complex
          and _dtype_name(w.dtype) != "bool") if integral else w.is_floating_point()
    if not ok:
        kind = "integral" if integral else "floating point"
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with "
                           f"{_scalar_type(w.dtype)} dtype")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w.numel()} != {n}")
    if n != 0 and bool(w.min() < 0):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):
    """torch.cov: the covariance matrix of the rows (variables) of input, whose columns are
    observations, with optional frequency and observation weights."""
    _check_tensor("cov", "input", 1, input)
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.dim()} dimensions")
    if _dtype_name(input.dtype) == "bool":
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    n = x.size(1)
    w = None
    if fweights is not None:
        _check_weights("fweights", fweights, n, True)
        w = fweights
    if aweights is not None:
        _check_weights("aweights", aweights, n, False)
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = torsh.tensor(n, dtype=torsh.int64)
    else:
        w_sum = w.sum()
        if not bool(w_sum != 0):
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and correction != 0 and aweights is not None:
        norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm_factor = w_sum - correction
    if bool(norm_factor <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0", UserWarning, stacklevel=2)
        norm_factor = torsh.zeros_like(norm_factor)
    x = x - avg.unsqueeze(1)
    c = torsh.mm(x, (x if w is None else x * w).t().conj())
    return torsh.true_divide(c, norm_factor).squeeze()


def corrcoef(input):
    """torch.corrcoef: Pearson's correlation coefficients of the rows of input."""
    _check_tensor("corrcoef", "input", 1, input)
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but "
                           f"got an input with {input.dim()} dimensions")
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    std = torsh.sqrt(torsh.real(d) if d.dtype.is_complex else d)
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    if c.dtype.is_complex:
        return torsh.complex(torsh.real(c).clip(-1, 1), torsh.imag(c).clip(-1, 1))
    return c.clip(-1, 1)


def vander(x, N=None, increasing=False):
    """torch.vander: the Vandermonde matrix of the 1-D x (powers decreasing unless
    increasing); integer and bool inputs give int64."""
    _check_tensor("vander", "x", 1, x)
    if N is not None:
        _check_arg("vander", "N", 2, N, "int")
    _check_arg("vander", "increasing", 3, increasing, "bool")
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.size(0) if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = torsh.promote_types(x.dtype, torsh.int64)
    if n == 0:
        result = torsh.empty((x.size(0), 0), dtype=dtype)
    else:
        result = torsh.ones((x.size(0), 1), dtype=dtype)
        if n > 1:
            powers = x.to(dtype).unsqueeze(1).expand(x.size(0), n - 1).cumprod(1)
            result = torsh.cat([result, powers], 1)
    return result if increasing else result.flip(1)


# frexp / ldexp

_frexp_fields = namedtuple("frexp", ["mantissa", "exponent"])


class _FrexpResult(_frexp_fields):
    """torch.return_types.frexp: (mantissa, exponent)."""
    __slots__ = ()

    def __repr__(self):
        return (f"torch.return_types.frexp(\nmantissa={self.mantissa!r},\n"
                f"exponent={self.exponent!r})")


_FrexpResult.__name__ = _FrexpResult.__qualname__ = "frexp"
_FrexpResult.__module__ = "torsh.return_types"


def frexp(input):
    """torch.frexp: mantissa in [0.5, 1) and int32 exponent with input = mantissa * 2 **
    exponent (the mantissa carries the gradient)."""
    _check_tensor("frexp", "input", 1, input)
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    wide = torsh.float64 if _dtype_name(input.dtype) == "float64" else torsh.float32
    with torsh.no_grad():
        exponent = np.asarray(np.frexp(input.detach().to(wide).numpy())[1], dtype=np.int32)
    half = exponent // 2
    # two power-of-two factors, each finite, so subnormal inputs scale exactly
    s1 = torsh.from_numpy(np.asarray(np.ldexp(1.0, -half)))
    s2 = torsh.from_numpy(np.asarray(np.ldexp(1.0, half - exponent)))
    mantissa = (input.to(torsh.float64) * s1 * s2).to(input.dtype)
    return _FrexpResult(mantissa, torsh.from_numpy(exponent.copy(order="C")))


def ldexp(input, other, *, out=None):
    """torch.ldexp: input * 2 ** other."""
    _check_tensor("ldexp", "input", 1, input)
    _check_tensor("ldexp", "other", 2, other)
    if out is not None:
        _out.check_grad("ldexp", input, other)
        return _out.write("ldexp", out, input * torsh.pow(2.0, other), "cast")
    return input * torsh.pow(2.0, other)


def _tensor_ldexp_(self, other):
    _check_tensor("ldexp_", "other", 1, other)
    return self.mul_(torsh.pow(2.0, other))


def renorm(input, p, dim, maxnorm, *, out=None):
    """torch.renorm with out=."""
    if out is not None:
        _out.check_grad("renorm", input)
        return _out.write("renorm", out, _renorm(input, p, dim, maxnorm))
    return _renorm(input, p, dim, maxnorm)


def _renorm(input, p, dim, maxnorm):
    """torch.renorm: each slice along dim whose p-norm exceeds maxnorm is scaled to norm
    maxnorm (by maxnorm / (norm + 1e-7))."""
    _check_tensor("renorm", "input", 1, input)
    if isinstance(p, complex):
        raise RuntimeError("renorm: p must be real-valued")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if isinstance(maxnorm, complex):
        raise RuntimeError("renorm: maxnorm must be real-valued")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} "
                           f"dimensions")
    dim = _wrap_dim(dim, input.dim())
    reduce = [d for d in range(input.dim()) if d != dim]
    kw = {}
    if _dtype_name(input.dtype) in ("float16", "bfloat16"):
        kw["dtype"] = torsh.float32
    norm = torsh.linalg.vector_norm(input, float(p), reduce, True, **kw)
    factor = torsh.where(norm > maxnorm, maxnorm / (norm + 1e-7), torsh.ones_like(norm))
    return input * factor.to(input.dtype)


# Tensor methods

def _source(self, *others):
    """self as an out-of-place op's input whose result copy_ writes back into self: a clone
    when autograd records (the op's backward may keep its input, which copy_ overwrites)."""
    if torsh.is_grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad
                                       for t in (self,) + others):
        return self.clone()
    return self


def _renorm_(self, p, dim, maxnorm):
    return self.copy_(renorm(_source(self), p, dim, maxnorm))


def _lerp_(self, end, weight):
    """Tensor.lerp_: self + weight * (end - self), written into self."""
    src = _source(self, end, weight)
    shapes = [self.shape, end.shape] + ([weight.shape] if isinstance(weight, Tensor) else [])
    shape = torsh.broadcast_shapes(*shapes)
    if tuple(shape) != tuple(self.shape):
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           f"shape {list(shape)}")
    return self.copy_(torsh.lerp(src, end, weight))


def _rebind(self, node_name, view, inplace_op=True):
    """This Python tensor becomes `view` (the same memory, or a copy for share_memory_).
    Inside an autograd graph the new tensor gets a node that reshapes gradients back, as
    torch's SqueezeBackward / UnsqueezeBackward do. An in-place op counts in the version."""
    if self.requires_grad and self.is_leaf and inplace_op and torsh.is_grad_enabled():
        raise RuntimeError("a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    if inplace_op:
        view._bump_version()  # the storage's counter, which self shares once rebound
    if not self.requires_grad or self.is_leaf:
        self.data = view  # keeps a leaf's requires_grad and grad
        return self
    shape = tuple(self.shape)
    with torsh.enable_grad():
        prev = self.view(shape)  # carries self's history to the new node
    self.data = view
    _C._attach_function(lambda grad: grad.reshape(shape), node_name, [prev], [self])
    return self


def _resize_(self, *sizes, memory_format=None):
    """Tensor.resize_: new sizes with contiguous (or ``memory_format``) strides over the same
    storage, grown in place when it is too small (the new elements are uninitialised)."""
    if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)):
        sizes = sizes[0]
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    return self._resize_(list(sizes), memory_format)


def _resize_as_(self, the_template, *, memory_format=None):
    return _resize_(self, the_template.shape, memory_format=memory_format)


def _set_(self, source=None):
    """Tensor.set_(source): this tensor becomes a view of all of source (its storage, sizes,
    strides and offset); set_() makes it empty."""
    if source is None:
        source = torsh.empty(0, dtype=self.dtype)
    if not isinstance(source, Tensor):
        raise TypeError(f"set_(): argument 'source' must be Tensor, not {type(source).__name__}")
    if source.dtype != self.dtype:
        raise RuntimeError(f"set_(): expected source of dtype {self.dtype}, but got "
                           f"{source.dtype}")
    return _rebind(self, "SetBackward0", source.detach())


def _squeeze_(self, dim=None):
    if dim is None:
        return _rebind(self, "SqueezeBackward2", self.squeeze())
    return _rebind(self, "SqueezeBackward3", self.squeeze(dim))


def _unsqueeze_(self, dim):
    return _rebind(self, "UnsqueezeBackward1", self.unsqueeze(dim))


def _t_(self):
    if self.dim() > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is "
                           f"{self.dim()}D")
    return self.transpose_(0, 1) if self.dim() == 2 else self


def _sum_to_size(self, *size):
    """Tensor.sum_to_size: self summed down to `size`, which must expand to self's shape."""
    if not size:
        raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list, torsh.Size)):
        size = size[0]
    for s in size:
        if not (isinstance(s, int) and not isinstance(s, bool)):
            raise TypeError(f"sum_to_size(): argument 'size' (position 1) must be tuple of ints, "
                            f"not {type(s).__name__ if len(size) > 1 else type(size[0]).__name__}")
    size = [int(s) for s in size]
    shape = list(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s != d and s != 1 for s, d in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{size}}} is not expandable to size {{{shape}}}.")
    dims = list(range(lead)) + [lead + i for i, s in enumerate(size)
                                if s == 1 and shape[lead + i] != 1]
    if not dims:
        return self
    r = self.sum(dims, keepdim=True)
    return r.view(size) if lead > 0 else r


def _fill_diagonal_(self, fill_value, wrap=False):
    _check_arg("fill_diagonal_", "wrap", 2, wrap, "bool")
    n = self.dim()
    if n < 2:
        raise RuntimeError("dimensions must larger than 1")
    h, w = self.size(0), self.size(1)
    if n > 2 and any(self.size(i) != h for i in range(1, n)):
        raise RuntimeError("all dimensions of input must be of equal length")
    k = torsh.arange(min(h, w))
    if wrap and n == 2 and h > w + 1:
        # numpy's wrap: every (w + 1)-th element in row-major order
        flat = torsh.arange(0, h * w, w + 1)
        self[flat // w, flat % w] = fill_value
    else:
        self[(k,) * n] = fill_value
    return self


def _new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                       requires_grad=False, pin_memory=False):
    return torsh.empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype,
                               requires_grad=requires_grad)


def _is_pinned(self, device=None):
    """CPU tensors are never pinned in torsh (no CUDA)."""
    if device is not None and not isinstance(device, (str, torsh.device)):
        raise TypeError(f"is_pinned(): argument 'device' (position 1) must be torch.device, not "
                        f"{type(device).__name__}")
    return False


def _pin_memory(self, device=None):
    raise NotImplementedError("Could not run 'aten::_pin_memory' with arguments from the "
                              "'CUDA' backend: this build has no CUDA")


# share_memory_: the data moves to an anonymous shared mapping (shared with processes forked
# afterwards); live mappings by address, for is_shared.
_SHARED = {}


def _forget(start):
    _SHARED.pop(start, None)


def _share_memory_(self):
    if _is_shared(self):
        return self
    nbytes = self.numel() * self.element_size()
    buf = mmap.mmap(-1, max(nbytes, 1))
    raw = np.frombuffer(buf, dtype=np.uint8, count=nbytes)
    start = raw.ctypes.data
    _SHARED[start] = start + max(nbytes, 1)
    weakref.finalize(raw, _forget, start)
    shared = torsh.from_numpy(raw).view(self.dtype).view(self.shape)
    shared.copy_(self.detach())
    return _rebind(self, "ShareMemoryBackward", shared, inplace_op=False)


def _is_shared(self):
    p = self.data_ptr()
    return any(s <= p < e for s, e in _SHARED.items())


# torch.get/set_num_interop_threads: a count torsh records (its ops use one OpenMP pool)
_INTEROP = {"threads": None, "set": False}


def get_num_interop_threads():
    return _INTEROP["threads"] or torsh.get_num_threads()


def set_num_interop_threads(n):
    if not isinstance(n, int) or isinstance(n, builtin_type(True)):
        raise TypeError(f"set_num_interop_threads(): argument 'num' must be int, not "
                        f"{type(n).__name__}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _INTEROP["set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _INTEROP["threads"], _INTEROP["set"] = n, True


def seed():
    """torch.seed: seeds the default generator non-deterministically; returns the seed."""
    return torsh._C.default_generator().seed()


from torsh.autograd.anomaly_mode import (is_anomaly_check_nan_enabled,  # noqa: E402
                                         is_anomaly_enabled, set_anomaly_enabled)


_FUNCTIONS = (
    finfo, iinfo, dist, is_nonzero, is_same_size, is_signed, is_inference, scalar_tensor,
    isin, unflatten, trapezoid, trapz, cumulative_trapezoid, cov, corrcoef, vander, frexp,
    ldexp, hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window,
    renorm, get_num_interop_threads, set_num_interop_threads, seed, is_anomaly_enabled,
    set_anomaly_enabled, is_anomaly_check_nan_enabled,
)


def _methods():
    return {
        "dist": lambda self, other, p=2: dist(self, other, p),
        "is_signed": is_signed,
        "is_nonzero": is_nonzero,
        "is_same_size": is_same_size,
        "cov": lambda self, *, correction=1, fweights=None, aweights=None: cov(
            self, correction=correction, fweights=fweights, aweights=aweights),
        "corrcoef": corrcoef,
        "frexp": frexp,
        "ldexp": ldexp,
        "ldexp_": _tensor_ldexp_,
        "allclose": lambda self, other, rtol=1e-05, atol=1e-08, equal_nan=False:
            torsh.allclose(self, other, rtol, atol, equal_nan),
        "equal": lambda self, other: torsh.equal(self, other),
        "lerp_": _lerp_,
        "resize_": _resize_,
        "resize_as_": _resize_as_,
        "set_": _set_,
        "squeeze_": _squeeze_,
        "unsqueeze_": _unsqueeze_,
        "t_": _t_,
        "sum_to_size": _sum_to_size,
        "fill_diagonal_": _fill_diagonal_,
        "new_empty_strided": _new_empty_strided,
        "get_device": lambda self: -1,
        "pin_memory": _pin_memory,
        "is_pinned": _is_pinned,
        "share_memory_": _share_memory_,
        "is_shared": _is_shared,
        "renorm": renorm,
        "renorm_": _renorm_,
        "prelu": lambda self, weight: torsh.prelu(self, weight),
    }


def install():
    ns = vars(torsh)
    for fn in _FUNCTIONS:
        ns.setdefault(fn.__name__, fn)
    for name, method in _methods().items():
        if not hasattr(Tensor, name):
            setattr(Tensor, name, method)
    if not hasattr(Tensor, "is_cpu"):
        Tensor.is_cpu = property(lambda self: True)
    if not hasattr(torsh.return_types, "frexp"):
        torsh.return_types.frexp = _FrexpResult
    if not hasattr(torsh.random, "seed"):
        torsh.random.seed = seed
