"""torch's random functions that torsh composes from its PyTorch-identical samplers (uniform_,
normal_, bernoulli_, random_): multinomial, bernoulli, normal, randint_like and poisson. Each
draws from the generator in the order torch 1.13's CPU kernel does, so the same seed gives the
same samples."""
import math

import numpy as np

import torsh
from torsh import _C
from torsh.autograd.function import Function

__all__ = ["bernoulli", "multinomial", "normal", "poisson", "randint_like"]

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


def _uniform(shape, dtype, generator, like=None):
    """U[0, 1) draws of `dtype` (float32: 24 bits of one 32-bit word; float64: 53 bits of one
    64-bit draw), filled in the memory order of `like`'s layout when given (what empty_like
    gives torch's kernels), else row-major."""
    t = torsh.empty_like(like, dtype=dtype) if like is not None else \
        torsh.empty(tuple(shape), dtype=dtype)
    return t.uniform_(0, 1, generator=generator)


def _exponential_like(t, generator=None):
    """torch's empty_like(t).exponential_(1) on CPU: one 53-bit uniform u per element (in
    empty_like's memory order) mapped to -log(1 - u) in float64, then cast to t's dtype.
    torch takes the log from glibc; torsh.log can differ from it in the last bit of the
    double, which reorders nothing that multinomial compares."""
    u = _uniform(None, torsh.float64, generator, like=t)
    return torsh.log(1.0 - u).neg_().to(t.dtype)


def _cumulative(probs):
    """The normalised cumulative distribution of each row, summed sequentially in the input's
    own dtype (float32 for bfloat16) as torch's with-replacement kernel sums it (torch.cumsum
    accumulates float32 in double, which would move the bucket edges), with the last edge set
    to 1. Also the checks that kernel makes, row by row, in its order."""
    if _dtype_name(probs.dtype) == "bfloat16":  # accumulated in float32, as torch
        probs = probs.float()
    rows = probs.detach().contiguous().numpy().reshape(-1, probs.shape[-1])
    cum = np.add.accumulate(rows, axis=-1, dtype=rows.dtype)
    for row, c in zip(rows, cum):
        bad = ~(row >= 0)
        infinite = ~np.isfinite(row)
        first_bad = np.argmax(bad) if bad.any() else row.size
        first_inf = np.argmax(infinite) if infinite.any() else row.size
        if first_bad < row.size and first_bad <= first_inf:
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry < 0)")
        if first_inf < row.size:
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry = infinity or NaN)")
        if not c[-1] > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    cum = cum / cum[:, -1:]
    cum[:, -1] = 1
    return cum.astype(np.float64)


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
    with torsh.no_grad():
        if not replacement:
            result = _race(input.detach(), num_samples, generator)
        else:
            cum = _cumulative(input)
            u = _uniform((cum.shape[0], num_samples), torsh.float64, generator).numpy()
            idx = np.stack([np.searchsorted(c, row, side="left") for c, row in zip(cum, u)])
            result = torsh.from_numpy(idx.astype(np.int64).reshape(shape))
    return _write_out(out, result)


def _race(p, num_samples, generator):
    """Without replacement: the Gumbel-top-k trick of torch's kernel, with its checks."""
    if not bool(((p.max() < math.inf) & (p.min() >= 0)).item()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    sums = p.sum(-1)
    if bool((sums == 0).any().item()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    q = p / _exponential_like(p, generator)
    if num_samples == 1:
        return q.argmax(-1, keepdim=True)
    return torsh.topk(q, num_samples)[1]


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
    probs = input.detach()
    if _dtype_name(probs.dtype) != "float64":  # float uniforms for every other precision
        probs = probs.float()
    if not bool(((probs >= 0) & (probs <= 1)).all().item()):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    u = _uniform(probs.shape, probs.dtype, generator)
    return _write_out(out, _zero_gradient((u < probs).to(self_dtype), input))


class _ZeroGradient(Function):
    """Links a sample to the tensors it was drawn with (probabilities, mean, std): torch's
    bernoulli and normal give them a zero gradient, not a reparameterised one."""

    @staticmethod
    def forward(ctx, sample, *sources):
        ctx.sources = [(tuple(s.shape), s.dtype) for s in sources]
        return sample.clone()

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(torsh.zeros(shape, dtype=dtype) for shape, dtype in ctx.sources)


def _zero_gradient(sample, *sources):
    sources = [s for s in sources if isinstance(s, torsh.Tensor)]
    if torsh.is_grad_enabled() and any(s.requires_grad for s in sources):
        return _ZeroGradient.apply(sample, *sources)
    return sample


def _tensor_bernoulli(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _std_check(std):
    if isinstance(std, torsh.Tensor):
        if not bool((std.detach() >= 0).all().item()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _infer_size(a, b):
    """The broadcast shape of a and b, with torch's infer_size error."""
    n = max(len(a), len(b))
    shape = []
    for i in range(n):
        da = a[i - n + len(a)] if i - n + len(a) >= 0 else 1
        db = b[i - n + len(b)] if i - n + len(b) >= 0 else 1
        if da != db and da != 1 and db != 1:
            raise RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                               f"({db}) at non-singleton dimension {i}")
        shape.append(db if da == 1 else da)
    return tuple(shape)


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
    mean_shape = tuple(mean.shape) if mean_t else ()
    std_shape = tuple(std.shape) if std_t else ()
    shape = _infer_size(mean_shape, std_shape)
    # in place, as torch: the products and sums round to the output's dtype
    result = torsh.empty(tuple(shape), dtype=out_dtype)
    with torsh.no_grad():
        if std_t:
            result.normal_(0, 1, generator=generator).mul_(std)
        else:
            result.normal_(0, std, generator=generator)
        result.add_(mean if mean_t else torsh.full((), mean, dtype=out_dtype))
    return _write_out(out, _zero_gradient(result, mean, std))


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


class _UniformStream:
    """Float64 uniforms read one at a time, as a scalar kernel reads them from the generator:
    drawn in chunks, and on close() the generator is put back and moved on by exactly the
    number read."""

    def __init__(self, generator):
        self._gen = generator if generator is not None else torsh._C.default_generator()
        self._state = self._gen.get_state()
        self._buf, self._pos, self._used = [], 0, 0

    def __call__(self):
        if self._pos == len(self._buf):
            n = max(64, 2 * len(self._buf))
            self._buf = torsh.empty(n, dtype=torsh.float64).uniform_(generator=self._gen).tolist()
            self._pos = 0
        self._pos += 1
        self._used += 1
        return self._buf[self._pos - 1]

    def close(self):
        self._gen.set_state(self._state)
        if self._used:
            torsh.empty(self._used, dtype=torsh.float64).uniform_(generator=self._gen)


def _sample_poisson(lam, uniform):
    """One Poisson(lam) draw, the algorithm of torch's CPU kernel: Hörmann's transformed
    rejection (PTRS) for lam >= 10, else counting uniforms until their product falls to
    exp(-lam)."""
    if lam >= 10:
        slam = math.sqrt(lam)
        loglam = math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= \
                    (-lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam = math.exp(-lam)
    x, prod = 0, 1.0
    while True:
        prod *= uniform()
        if prod > enlam:
            x += 1
        else:
            return x


def poisson(input, generator=None):
    """torch.poisson: one Poisson draw per element with the element as its rate, in input's
    dtype; the element loop runs in Python (scalar rejection sampling)."""
    if not isinstance(input, torsh.Tensor):
        raise TypeError(f"poisson(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if generator is not None and not isinstance(generator, torsh.Generator):
        raise TypeError(f"poisson(): argument 'generator' must be torch.Generator, not "
                        f"{type(generator).__name__}")
    if _dtype_name(input.dtype) not in _FLOATS + ("bfloat16",):
        raise RuntimeError(f'"poisson_cpu" not implemented for \'{_scalar_type(input.dtype)}\'')
    rates = input.detach().contiguous().to(torsh.float64).reshape(-1).tolist()
    stream = _UniformStream(generator)
    draws = []
    try:
        for r in rates:
            if not r >= 0:
                raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
            draws.append(float(_sample_poisson(r, stream)))
    finally:
        stream.close()
    result = torsh.tensor(draws, dtype=torsh.float64).reshape(tuple(input.shape)).to(input.dtype)
    return _zero_gradient(result, input)  # torch's PoissonBackward0: a zero gradient


def install():
    T = _C.Tensor
    T.multinomial = _tensor_multinomial
    T.bernoulli = _tensor_bernoulli
