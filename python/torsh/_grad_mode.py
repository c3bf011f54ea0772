"""Grad-mode context managers, usable as decorators: no_grad, enable_grad, set_grad_enabled,
inference_mode."""
import functools

from torsh import _C


class _GradModeContext:
    _enter_mode = None

    def __init__(self, mode=None):
        self._mode = self._enter_mode if mode is None else mode

    def __enter__(self):
        self._prev = _C.is_grad_enabled()
        _C._set_grad_enabled(self._mode)
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False

    def _clone(self):
        return self.__class__()

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._clone():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    """Disables gradient recording inside the block (or the decorated function)."""
    _enter_mode = False

    def __init__(self):
        super().__init__(False)


class enable_grad(_GradModeContext):
    """Enables gradient recording inside the block, also within no_grad."""
    _enter_mode = True

    def __init__(self):
        super().__init__(True)


def is_inference_mode_enabled():
    """torch.is_inference_mode_enabled: inside an enabled inference_mode block (this thread)."""
    return _C._is_inference_mode_enabled()


class inference_mode(_GradModeContext):
    """Like no_grad, and every tensor created inside is an inference tensor
    (``t.is_inference()``): outside inference mode it cannot be written in place, saved for
    backward or made to require grad (torch's errors). inference_mode(False) enables grad
    mode and creates normal tensors, as torch's."""

    def __init__(self, mode=True):
        super().__init__(not mode)
        self._inference = bool(mode)

    def __enter__(self):
        self._prev_inference = _C._is_inference_mode_enabled()
        _C._set_inference_mode(self._inference)
        return super().__enter__()

    def __exit__(self, *exc):
        _C._set_inference_mode(self._prev_inference)
        return super().__exit__(*exc)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(self._inference):
                return fn(*args, **kwargs)
        return wrapper


class set_grad_enabled(_GradModeContext):
    """Sets grad mode to `mode`; works as a function call, a context manager or a decorator."""

    def __init__(self, mode):
        self._prev = _C.is_grad_enabled()
        self._mode = bool(mode)
        _C._set_grad_enabled(self._mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev)
        return False

    def _clone(self):  # torch's clone(): the decorated function runs under set_grad_enabled(mode)
        return set_grad_enabled(self._mode)
