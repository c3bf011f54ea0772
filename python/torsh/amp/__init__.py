"""torch.amp: autocast and the autocast state functions (torch.set_autocast_enabled & co.).

This build has no CUDA, so CUDA autocast warns and disables itself, as torch without CUDA does
(the CUDA flags can still be set and read: they govern CUDA ops only, and there are none). CPU
autocast (ops running in bfloat16) is not implemented: enabling it raises NotImplementedError
instead of silently running in float32; autocast('cpu', enabled=False) is a no-op context
manager and decorator, as scripts use it to switch mixed precision off."""
import functools
import warnings

import torsh

__all__ = ["autocast"]

_state = {"gpu_enabled": False, "cpu_enabled": False, "gpu_dtype": None, "cpu_dtype": None,
          "cache_enabled": True, "nesting": 0}

_CPU_AUTOCAST_MISSING = (
    "torsh does not implement CPU autocast (ops running in bfloat16) yet; use "
    "autocast('cpu', enabled=False), or cast the model and its inputs with .to(torch.bfloat16)")


def _check_bool(value):
    if not isinstance(value, bool):
        raise TypeError(f"enabled must be a bool (got {type(value).__name__})")


def _check_dtype(fn, dtype):
    if not isinstance(dtype, torsh.dtype):
        raise TypeError(f"{fn}(): argument 'dtype' (position 1) must be torch.dtype, not "
                        f"{type(dtype).__name__}")


def is_autocast_enabled():
    """Whether CUDA autocast is on (only set_autocast_enabled(True) turns it on here)."""
    return _state["gpu_enabled"]


def set_autocast_enabled(enabled):
    _check_bool(enabled)
    _state["gpu_enabled"] = enabled


def is_autocast_cpu_enabled():
    """Whether CPU autocast is on: never, as it is not implemented."""
    return _state["cpu_enabled"]


def set_autocast_cpu_enabled(enabled):
    _check_bool(enabled)
    if enabled:
        raise NotImplementedError(_CPU_AUTOCAST_MISSING)
    _state["cpu_enabled"] = False


def get_autocast_gpu_dtype():
    return _state["gpu_dtype"] or torsh.float16


def set_autocast_gpu_dtype(dtype):
    _check_dtype("set_autocast_gpu_dtype", dtype)
    _state["gpu_dtype"] = dtype


def get_autocast_cpu_dtype():
    return _state["cpu_dtype"] or torsh.bfloat16


def set_autocast_cpu_dtype(dtype):
    _check_dtype("set_autocast_cpu_dtype", dtype)
    if dtype != torsh.bfloat16:
        raise RuntimeError("Currently, AutocastCPU only support Bfloat16 as the "
                           "autocast_cpu_dtype")
    _state["cpu_dtype"] = dtype


def is_autocast_cache_enabled():
    return _state["cache_enabled"]


def set_autocast_cache_enabled(enabled):
    _check_bool(enabled)
    _state["cache_enabled"] = enabled


def autocast_increment_nesting():
    _state["nesting"] += 1
    return _state["nesting"]


def autocast_decrement_nesting():
    _state["nesting"] -= 1
    return _state["nesting"]


def clear_autocast_cache():
    """There is no cast cache to clear (no op runs autocast)."""


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a context
    manager and decorator. Here 'cuda' warns and disables itself (no CUDA), 'cpu' with a dtype
    other than bfloat16 warns and disables itself (as torch), and enabled 'cpu' bfloat16 raises
    NotImplementedError."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        self.device = device_type
        if device_type == "cuda":
            self.fast_dtype = get_autocast_gpu_dtype()
        elif device_type == "cpu":
            self.fast_dtype = get_autocast_cpu_dtype()
        else:
            raise RuntimeError("User specified autocast device_type must be 'cuda' or 'cpu'")
        self._cache_enabled = is_autocast_cache_enabled()
        if enabled and device_type == "cuda" and not torsh.cuda.is_available():
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. "
                          "Disabling")
            enabled = False
        if dtype is not None:
            self.fast_dtype = dtype
        if cache_enabled is not None:
            self._cache_enabled = cache_enabled
        if device_type == "cpu" and self.fast_dtype != torsh.bfloat16:
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling "
                          "autocast.\nCPU Autocast only supports dtype of torch.bfloat16 "
                          "currently.")
            enabled = False
        if device_type == "cuda" and self.fast_dtype == torsh.bfloat16 and \
                not torsh.cuda.is_bf16_supported():
            raise RuntimeError("Current CUDA Device does not support bfloat16. Please switch "
                               "dtype to float16.")
        if device_type == "cpu" and enabled:
            raise NotImplementedError(_CPU_AUTOCAST_MISSING)
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = is_autocast_cache_enabled()
        if self.device == "cpu":
            self.prev = is_autocast_cpu_enabled()
            self.prev_fastdtype = get_autocast_cpu_dtype()
            set_autocast_cpu_enabled(self._enabled)
            set_autocast_cpu_dtype(self.fast_dtype)
        else:
            self.prev = is_autocast_enabled()
            self.prev_fastdtype = get_autocast_gpu_dtype()
            set_autocast_gpu_dtype(self.fast_dtype)
            set_autocast_enabled(self._enabled)
        autocast_increment_nesting()
        set_autocast_cache_enabled(self._cache_enabled)

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        if self.device == "cpu":
            set_autocast_cpu_enabled(self.prev)
            set_autocast_cpu_dtype(self.prev_fastdtype)
        else:
            set_autocast_enabled(self.prev)
            set_autocast_gpu_dtype(self.prev_fastdtype)
        set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast
