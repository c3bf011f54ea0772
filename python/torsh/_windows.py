"""torch's window functions (hann, hamming, blackman, bartlett, kaiser) composed from torsh ops,
with torch's checks and its float64-then-cast arithmetic where torch uses it."""
import math

import torsh
from torsh._random_extra import _scalar_type


def _dtype_name(dtype):
    return repr(dtype)[6:]


def _window_start(fn, window_length, dtype):
    if not isinstance(window_length, int) or isinstance(window_length, bool):
        raise TypeError(f"{fn}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{fn} requires non-negative window_length, got "
                           f"window_length={window_length}")
    dtype = torsh.get_default_dtype() if dtype is None else dtype
    if dtype.is_complex:
        raise RuntimeError(f"\"arange_cpu\" not implemented for '{_scalar_type(dtype)}'")
    if not dtype.is_floating_point:
        raise RuntimeError(f"{fn} expects floating point dtypes, got: {dtype}")
    return dtype


def _window(fn, window_length, periodic, dtype, requires_grad, body):
    dtype = _window_start(fn, window_length, dtype)
    if window_length == 0:
        w = torsh.empty(0, dtype=dtype)
    elif window_length == 1:
        w = torsh.ones(1, dtype=dtype)
    else:
        n = window_length + 1 if periodic else window_length
        w = body(n, dtype)
        if periodic:
            w = w[:n - 1]
    return w.requires_grad_(True) if requires_grad else w


def _hamming(alpha, beta):
    def body(n, dtype):
        w = torsh.arange(n, dtype=dtype) * (math.pi * 2. / (n - 1))
        return w.cos() * -beta + alpha
    return body


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                requires_grad=False):
    """torch.hann_window: 0.5 - 0.5 cos(2 pi n / (N - 1))."""
    return _window("hann_window", window_length, periodic, dtype, requires_grad,
                   _hamming(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, requires_grad=False):
    """torch.hamming_window: alpha - beta cos(2 pi n / (N - 1))."""
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   _hamming(alpha, beta))


def _blackman(n, dtype):
    w = torsh.arange(n, dtype=dtype) * (math.pi / (n - 1))
    return (w * 4).cos() * 0.08 - (w * 2).cos() * 0.5 + 0.42


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False):
    """torch.blackman_window: 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))."""
    return _window("blackman_window", window_length, periodic, dtype, requires_grad,
                   _blackman)


def _bartlett(n, dtype):
    w = torsh.arange(n, dtype=dtype) * (2. / (n - 1))
    half = ((n - 1) >> 1) + 1
    return torsh.cat([w[:half], 2 - w[half:]])


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False):
    """torch.bartlett_window: the triangular window 1 - |2n / (N - 1) - 1|."""
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad,
                   _bartlett)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, requires_grad=False):
    """torch.kaiser_window: I0(beta sqrt(1 - ((n - a) / a) ** 2)) / I0(beta), a = (N - 1) / 2,
    computed in float32 for the half types."""
    def body(n, dtype):
        acc = torsh.float64 if _dtype_name(dtype) == "float64" else torsh.float32
        a = (n - 1) / 2.0
        r = (torsh.arange(n, dtype=acc) - a) / a
        v = torsh.i0(torsh.sqrt(1 - r * r) * beta) / torsh.i0(torsh.tensor(beta, dtype=acc))
        return v.to(dtype)
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, body)
