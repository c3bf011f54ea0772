"""torch.amp: autocast. This build has no CUDA, so CUDA autocast warns and does nothing (as
torch without CUDA). CPU autocast (ops in bfloat16) is not implemented: enabling it raises
NotImplementedError instead of silently running in float32; autocast(..., enabled=False) is a
no-op context manager and decorator, as scripts use it to switch mixed precision off."""
import functools
import warnings

import torsh

__all__ = ["autocast"]


class autocast:
    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if device_type not in ("cuda", "cpu"):
            raise RuntimeError("User specified autocast device_type must be 'cuda' or 'cpu'")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else (
            torsh.float16 if device_type == "cuda" else torsh.bfloat16)
        self._enabled = enabled
        if device_type == "cuda" and enabled:
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. "
                          "Disabling")
            self._enabled = False
        if device_type == "cpu" and enabled:
            raise NotImplementedError(
                "torsh does not implement CPU autocast (ops running in bfloat16) yet; use "
                "autocast('cpu', enabled=False) or cast the model with .to(torch.bfloat16)")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


def is_autocast_enabled():
    """CUDA autocast is never active in this build."""
    return False


def is_autocast_cpu_enabled():
    """CPU autocast is not implemented, so never active."""
    return False


def get_autocast_gpu_dtype():
    return torsh.float16


def get_autocast_cpu_dtype():
    return torsh.bfloat16
