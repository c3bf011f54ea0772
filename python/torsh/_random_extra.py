"""The Python front ends of torch's random functions: multinomial, bernoulli, normal,
randint_like, poisson and binomial. They parse torch's arguments and out=; the sampling is the
C++ of torsh/random_sampling.h, which draws from the generator in the order torch 1.13's CPU
kernel does, so the same seed gives the same samples."""
import torsh
from torsh import _C

__all__ = ["bernoulli", "binomial", "multinomial", "normal", "poisson", "randint_like"]

_FLOATS = ("float32", "float64")
# multinomial keeps category indices exact in float32
_MAX_CATEGORIES = 2 ** 24


def _dtype_name(dtype):
    return repr(dtype)[6:]


def _scalar_type(dtype):
    """torch's C++ name of a dtype, as its 'not implemented for' errors spell it."""
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "complex64": "ComplexFloat",
            "complex128": "ComplexDouble"}[_dtype_name(dtype)]


def _check_floating(dtype, kernel):
    if _dtype_name(dtype) not in _FLOATS:
        raise RuntimeError(f'"{kernel}" not implemented for \'{_scalar_type(dtype)}\'')


def _write_out(out, value):
    """out= as torch writes it: out keeps its dtype and is resized to the value's shape."""
    if out is None:
        return value
    with torsh.no_grad():
        _C.cat([value.to(out.dtype)], out=out)
    return out


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """torch.multinomial: for each row of a 1-D or 2-D tensor of (unnormalised) probabilities,
    `num_samples` category indices (int64). Without replacement, the exponential race
    argmax/topk(p / Exp(1)) over one float64 uniform per category; with replacement, one
    float64 uniform per sample looked up in the cumulative distribution."""
    if not isinstance(input, torsh.Tensor):
        raise TypeError(f"multinomial(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if not 0 < input.dim() <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_scalar_type(input.dtype)}")
    if _dtype_name(input.dtype) == "float16":
        raise RuntimeError("multinomial is not implemented for half on CPU")
    if out is not None and out.dtype != torsh.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: "
                           f"{_scalar_type(out.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = input.shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if n_categories > _MAX_CATEGORIES:
        raise RuntimeError("number of categories cannot exceed 2^24")
    shape = (num_samples,) if input.dim() == 1 else (input.shape[0], num_samples)
    if input.numel() == 0 or 0 in shape:
        return _write_out(out, torsh.empty(shape, dtype=torsh.int64))
    result = _C._sample_multinomial(input, num_samples, replacement, generator)
    return _write_out(out, result)


def _tensor_multinomial(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


def bernoulli(input, p=None, *, generator=None, out=None):
    """torch.bernoulli: bernoulli(input) draws 1 with probability input[i] (one uniform of
    input's precision per element, float32 uniforms for float32 probabilities);
    bernoulli(input, p) fills a tensor shaped and typed like input with Bernoulli(p) draws."""
    if not isinstance(input, torsh.Tensor):
        raise TypeError(f"bernoulli(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if p is not None:
        result = torsh.empty(tuple(input.shape), dtype=input.dtype)
        return _write_out(out, result.bernoulli_(p, generator=generator))
    self_dtype = input.dtype if out is None else out.dtype
    if _dtype_name(self_dtype) in ("float16", "complex64", "complex128"):
        raise RuntimeError(f'"bernoulli_tensor_cpu_self_" not implemented for '
                           f"'{_scalar_type(self_dtype)}'")
    if _dtype_name(input.dtype) not in _FLOATS + ("float16", "bfloat16"):
        _check_floating(input.dtype, "bernoulli_tensor_cpu_p_")
    if out is None:
        return _C._sample_bernoulli(input, generator)
    probs = input.detach()
    if _dtype_name(probs.dtype) == "float16":  # float uniforms, as for float32 probabilities
        probs = probs.float()
    with torsh.no_grad():
        out.resize_(tuple(input.shape))
        return out.bernoulli_(probs, generator=generator)


def _tensor_bernoulli(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _std_check(std):
    if isinstance(std, torsh.Tensor):
        if not bool((std.detach() >= 0).all().item()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """torch.normal's four overloads: (Tensor mean, Tensor std), (Tensor mean, float std),
    (float mean, Tensor std) broadcast the two; (float mean, float std, size) fills a new
    tensor. As torch, the tensor forms draw N(0, 1) (or N(0, std)) into the broadcast shape and
    then scale by std and shift by mean; a mean or std that requires grad gets a zero
    gradient, as torch's normal gives."""
    del layout, pin_memory
    mean_t, std_t = isinstance(mean, torsh.Tensor), isinstance(std, torsh.Tensor)
    if not mean_t and not std_t:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got "
                            f"({type(mean).__name__}, {type(std).__name__}), but expected "
                            "one of:\n * (Tensor mean, Tensor std, *, torch.Generator "
                            "generator, Tensor out)\n * (Tensor mean, float std, *, "
                            "torch.Generator generator, Tensor out)\n * (float mean, Tensor "
                            "std, *, torch.Generator generator, Tensor out)\n * (float mean, "
                            "float std, tuple of ints size, *, torch.Generator generator, "
                            "Tensor out, torch.dtype dtype, torch.layout layout, "
                            "torch.device device, bool pin_memory, bool requires_grad)")
        _std_check(std)
        if out is not None:
            shaped = torsh.empty(tuple(size), dtype=out.dtype)
            return _write_out(out, shaped.normal_(mean, std, generator=generator))
        result = torsh.empty(tuple(size), dtype=dtype, device=device)
        result.normal_(mean, std, generator=generator)
        return result.requires_grad_(True) if requires_grad else result
    _std_check(std)
    ref = mean if mean_t else std
    out_dtype = out.dtype if out is not None else ref.dtype
    if _dtype_name(out_dtype) not in _FLOATS + ("float16", "bfloat16"):
        _check_floating(out_dtype, "normal_kernel_cpu")
    if out is not None:  # drawn and scaled in out's dtype, as torch's normal_out
        mean = mean.to(out_dtype) if mean_t else mean
        std = std.to(out_dtype) if std_t else std
    if mean_t and std_t:
        result = _C._sample_normal_tt(mean, std, generator)
    elif mean_t:
        result = _C._sample_normal_ts(mean, float(std), generator)
    else:
        result = _C._sample_normal_st(float(mean), std, generator)
    return _write_out(out, result)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """torch.randint_like(input, high) / (input, low, high): integers drawn uniformly from
    [low, high) in a tensor shaped like input (its dtype unless dtype= is given)."""
    del layout, memory_format
    for name, v in (("low", low), ("high", high)):
        if v is not None and not isinstance(v, int):
            raise TypeError(f"randint_like(): argument '{name}' must be int, not "
                            f"{type(v).__name__}")
    if high is None:
        low, high = 0, low
    result = torsh.empty(tuple(input.shape), dtype=dtype if dtype is not None else input.dtype,
                         device=device)
    result.random_(low, high)
    return result.requires_grad_(True) if requires_grad else result


def _check_generator(op, generator):
    if generator is not None and not isinstance(generator, torsh.Generator):
        raise TypeError(f"{op}(): argument 'generator' must be torch.Generator, not "
                        f"{type(generator).__name__}")


def poisson(input, generator=None):
    """torch.poisson: one Poisson draw per element with the element as its rate, in input's
    dtype (torch's CPU algorithm, in C++: torsh::poisson)."""
    if not isinstance(input, torsh.Tensor):
        raise TypeError(f"poisson(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    _check_generator("poisson", generator)
    if _dtype_name(input.dtype) not in _FLOATS + ("bfloat16",):
        raise RuntimeError(f'"poisson_cpu" not implemented for \'{_scalar_type(input.dtype)}\'')
    return _C._sample_poisson(input, generator)


def binomial(count, prob, generator=None):
    """torch.binomial: one Binomial(count, prob) draw per element (float or double)."""
    for name, v in (("count", count), ("prob", prob)):
        if not isinstance(v, torsh.Tensor):
            raise TypeError(f"binomial(): argument '{name}' must be Tensor, not "
                            f"{type(v).__name__}")
    _check_generator("binomial", generator)
    return _C._sample_binomial(count, prob, generator)


def install():
    T = _C.Tensor
    T.multinomial = _tensor_multinomial
    T.bernoulli = _tensor_bernoulli
