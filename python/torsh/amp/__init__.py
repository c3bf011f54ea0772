"""torch.amp: autocast and the autocast state functions (torch.set_autocast_enabled & co.).

This build has no CUDA, so CUDA autocast warns and disables itself, as torch without CUDA does
(the CUDA flags can still be set and read: they govern CUDA ops only, and there are none). CPU
autocast runs torch 1.13's op lists in bfloat16 and float32 (torsh.amp._cpu_autocast); its state
is per thread, as torch's."""
import functools
import warnings

import torsh
from torsh.amp import _cpu_autocast as _cpu

__all__ = ["autocast"]

_state = {"gpu_enabled": False, "gpu_dtype": None, "cache_enabled": True}


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
    """Whether CPU autocast is on in this thread."""
    return _cpu.enabled()


def set_autocast_cpu_enabled(enabled):
    _check_bool(enabled)
    _cpu.set_enabled(enabled)


def get_autocast_gpu_dtype():
    return _state["gpu_dtype"] or torsh.float16


def set_autocast_gpu_dtype(dtype):
    _check_dtype("set_autocast_gpu_dtype", dtype)
    _state["gpu_dtype"] = dtype


def get_autocast_cpu_dtype():
    return _cpu.dtype()


def set_autocast_cpu_dtype(dtype):
    _check_dtype("set_autocast_cpu_dtype", dtype)
    if dtype != torsh.bfloat16:
        raise RuntimeError("Currently, AutocastCPU only support Bfloat16 as the "
                           "autocast_cpu_dtype")
    _cpu.set_dtype(dtype)


def is_autocast_cache_enabled():
    return _state["cache_enabled"]


def set_autocast_cache_enabled(enabled):
    _check_bool(enabled)
    _state["cache_enabled"] = enabled


def autocast_increment_nesting():
    """This thread's depth of autocast regions, plus one (torch keeps it per thread)."""
    return _cpu.add_nesting(1)


def autocast_decrement_nesting():
    return _cpu.add_nesting(-1)


def clear_autocast_cache():
    """Drops this thread's cached casts of weights (done when the outermost region exits)."""
    _cpu.clear_cache()


class autocast:
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a context
    manager and decorator. Here 'cuda' warns and disables itself (no CUDA), 'cpu' with a dtype
    other than bfloat16 warns and disables itself (as torch 1.13), and 'cpu' bfloat16 runs the
    autocast op lists (see torsh.amp._cpu_autocast)."""

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
