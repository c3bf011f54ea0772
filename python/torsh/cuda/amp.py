"""torch.cuda.amp without CUDA: autocast warns and does nothing, and GradScaler disables itself
with torch's warning; a disabled scaler passes everything through (scale returns its input,
step calls optimizer.step), so a mixed-precision training script runs in float32 as it does
with torch on a CPU-only machine. custom_fwd / custom_bwd decorate custom Functions as torch's."""
import collections.abc
import functools
import warnings

import numpy as np

import torsh
from torsh import amp as _amp

__all__ = ["autocast", "custom_fwd", "custom_bwd", "GradScaler"]


class autocast(_amp.autocast):
    """torch.cuda.amp.autocast(enabled=True, dtype=torch.float16, cache_enabled=True):
    torch.autocast("cuda", ...)."""

    def __init__(self, enabled=True, dtype=torsh.float16, cache_enabled=True):
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def _cast(value, dtype):
    """Casts the floating-point CUDA tensors in value (there are none here) to dtype."""
    if isinstance(value, torsh.Tensor):
        eligible = value.is_floating_point() and value.is_cuda and value.dtype != torsh.float64
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes, np.ndarray)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, dtype): _cast(v, dtype) for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        it = map(lambda v: _cast(v, dtype), value)
        return type(value)(it) if isinstance(value, (list, tuple)) else it
    return value


def custom_fwd(fwd=None, *, cast_inputs=None):
    """Decorates a custom Function's forward: records whether autocast was on (for custom_bwd);
    with cast_inputs, runs forward with autocast off on inputs cast to that dtype when autocast
    was on."""
    if fwd is None:
        return functools.partial(custom_fwd, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        if cast_inputs is None:
            args[0]._fwd_used_autocast = _amp.is_autocast_enabled()
            return fwd(*args, **kwargs)
        autocast_context = _amp.is_autocast_enabled()
        args[0]._fwd_used_autocast = False
        if autocast_context:
            with autocast(enabled=False):
                return fwd(*_cast(args, cast_inputs), **_cast(kwargs, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd):
    """Decorates a custom Function's backward to run with the autocast state of its forward."""
    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(args[0]._fwd_used_autocast):
            return bwd(*args, **kwargs)
    return decorate_bwd


class GradScaler:
    """torch.cuda.amp.GradScaler, always disabled here (there is no CUDA): like torch's disabled
    scaler it keeps no scale state, so the growth/backoff getters raise AttributeError until the
    matching setter has been called, as torch's do."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        if enabled and not torsh.cuda.is_available():
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                          "Disabling.")
        self._enabled = False

    def is_enabled(self):
        return self._enabled

    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer):
        return None

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        return None

    def get_scale(self):
        return 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        return 0

    def state_dict(self):
        return {}

    def load_state_dict(self, state_dict):
        return None
