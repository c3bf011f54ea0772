"""CPU autocast: while a thread has it enabled, the ops of torch 1.13's CPU autocast lists cast
their floating arguments as torch's do.

- lower precision (bfloat16): the matrix products and convolutions (linear, mm, matmul, bmm,
  addmm, baddbmm, addbmm, conv1d/2d/3d, einsum, tensordot, linalg.multi_dot, `@`);
- float32: the losses, conv_transpose1d/2d/3d, the 3-D pools, max_unpool, reflection and
  replication padding, grid_sample, prod, cdist, trace, quantile, the decompositions and
  inverses of torch.linalg and the transforms of torch.fft;
- the widest floating type of the arguments: cat, stack, index_copy.

A float64 argument is never cast (torch's eligibility rule). Casts of leaf tensors that require
grad (weights) are cached until the outermost autocast region exits, as torch caches them.

torsh runs these ops as Python-visible functions, so autocast installs wrappers on their names
(torch.<op>, torch.nn.functional.<op>, torch.linalg.<op>, the Tensor methods) while any thread
has it enabled, and puts the originals back when none has: no cost outside autocast. An op
reached from C++ without going through these names (inside a fused kernel) is not cast."""
import functools
import threading

import torsh

_tls = threading.local()
_lock = threading.Lock()
_enabled_threads = set()
_installed = []  # (owner, name, original)

_LOWER = {
    "torsh": ["linear", "mm", "matmul", "bmm", "addmm", "baddbmm", "addbmm", "conv1d", "conv2d",
              "conv3d",
              "einsum", "tensordot", "chain_matmul"],
    "torsh.nn.functional": ["linear", "conv1d", "conv2d", "conv3d"],
    "torsh.linalg": ["multi_dot", "matmul"],
    "Tensor": ["mm", "matmul", "bmm", "addmm", "baddbmm", "addbmm", "__matmul__", "__rmatmul__"],
}
_FP32 = {
    "torsh": ["prod", "cdist", "trace", "inverse", "pinverse", "quantile", "nanquantile",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "grid_sampler",
              "cholesky", "cholesky_inverse", "cholesky_solve", "qr", "svd", "geqrf", "orgqr",
              "triangular_solve", "ctc_loss"],
    "torsh.nn.functional": [
        "mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "smooth_l1_loss", "huber_loss", "kl_div",
        "multilabel_margin_loss", "soft_margin_loss", "margin_ranking_loss", "poisson_nll_loss",
        "cosine_embedding_loss", "hinge_embedding_loss", "triplet_margin_loss",
        "triplet_margin_with_distance_loss", "multi_margin_loss", "ctc_loss", "grid_sample",
        "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool3d",
        "adaptive_avg_pool3d", "max_pool3d", "adaptive_max_pool3d", "max_unpool2d",
        "max_unpool3d"],
    "torsh.linalg": ["inv", "inv_ex", "solve", "solve_triangular", "qr", "svd", "svdvals",
                     "eigh", "eigvalsh", "cholesky", "cholesky_ex", "matrix_norm", "pinv",
                     "householder_product", "lstsq"],
    "torsh.fft": ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2",
                  "irfft2", "rfftn", "irfftn", "hfft", "ihfft"],
    "Tensor": ["prod", "trace", "inverse", "pinverse", "quantile", "nanquantile", "cholesky"],
}
_PROMOTE = {"torsh": ["cat", "concat", "stack"], "Tensor": ["index_copy"]}


def enabled():
    return getattr(_tls, "enabled", False)


def dtype():
    return getattr(_tls, "dtype", torsh.bfloat16)


def set_dtype(value):
    _tls.dtype = value


def set_enabled(value):
    """Turns this thread's CPU autocast on or off; installs the wrappers when the first thread
    turns it on and removes them when the last turns it off."""
    if value == enabled():
        return
    _tls.enabled = value
    with _lock:
        # threads that ended with autocast on no longer count
        _enabled_threads.intersection_update(t.ident for t in threading.enumerate())
        if value:
            _enabled_threads.add(threading.get_ident())
            if not _installed:
                _install()
        else:
            _enabled_threads.discard(threading.get_ident())
            if not _enabled_threads:
                _uninstall()


def add_nesting(delta):
    _tls.nesting = getattr(_tls, "nesting", 0) + delta
    return _tls.nesting


def clear_cache():
    _tls.cache = {}


def _cache():
    c = getattr(_tls, "cache", None)
    if c is None:
        c = _tls.cache = {}
    return c


def _eligible(t):
    return isinstance(t, torsh.Tensor) and t.is_floating_point() and t.dtype != torsh.float64


def _cast_one(t, to):
    if not _eligible(t) or t.dtype == to:
        return t
    from torsh import amp
    if amp.is_autocast_cache_enabled() and t.is_leaf and t.requires_grad:
        cache = _cache()
        hit = cache.get(id(t))
        if hit is not None and hit[0] is t and hit[1].dtype == to:
            return hit[1]
        cast = t.to(to)
        cache[id(t)] = (t, cast)  # the key's tensor is held, so its id is not reused
        return cast
    return t.to(to)


def _cast(value, to):
    if isinstance(value, torsh.Tensor):
        return _cast_one(value, to)
    if isinstance(value, (list, tuple)) and any(isinstance(v, torsh.Tensor) for v in value):
        items = [_cast(v, to) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    return value


def _widest(args, kwargs):
    seen = {dtype()}

    def visit(v):
        if isinstance(v, torsh.Tensor):
            if _eligible(v):
                seen.add(v.dtype)
        elif isinstance(v, (list, tuple)):
            for e in v:
                visit(e)
    for v in (*args, *kwargs.values()):
        visit(v)
    if len(seen) == 1:
        return seen.pop()
    return torsh.float32  # float32 present, or two different 16-bit types (torch's promotion)


def _wrap(fn, policy):
    @functools.wraps(fn)
    def autocast_wrapper(*args, **kwargs):
        if not enabled():
            return fn(*args, **kwargs)
        to = policy(args, kwargs)
        return fn(*[_cast(a, to) for a in args], **{k: _cast(v, to) for k, v in kwargs.items()})
    autocast_wrapper.__wrapped_autocast__ = fn
    return autocast_wrapper


def _lower(args, kwargs):
    return dtype()


def _fp32(args, kwargs):
    return torsh.float32


def _pad(fn):
    """F.pad: float32 for reflection and replication padding only."""
    @functools.wraps(fn)
    def autocast_pad(input, pad, mode="constant", value=None):
        if enabled() and mode in ("reflect", "replicate"):
            input = _cast_one(input, torsh.float32)
        if value is None:
            return fn(input, pad, mode)
        return fn(input, pad, mode, value)
    autocast_pad.__wrapped_autocast__ = fn
    return autocast_pad


def _owner(name):
    if name == "Tensor":
        return torsh.Tensor
    import importlib
    return importlib.import_module(name)


def _install():
    for table, policy in ((_LOWER, _lower), (_FP32, _fp32), (_PROMOTE, _widest)):
        for owner_name, names in table.items():
            owner = _owner(owner_name)
            for name in names:
                fn = owner.__dict__.get(name) if isinstance(owner, type) else \
                    getattr(owner, name, None)
                if fn is None:
                    continue
                _installed.append((owner, name, fn))
                setattr(owner, name, _wrap(fn, policy))
    functional = _owner("torsh.nn.functional")
    _installed.append((functional, "pad", functional.pad))
    functional.pad = _pad(functional.pad)


def _uninstall():
    while _installed:
        owner, name, fn = _installed.pop()
        setattr(owner, name, fn)
