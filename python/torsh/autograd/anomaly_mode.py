"""torch.autograd.anomaly_mode: anomaly detection on or off, and whether it checks for NaN.

The engine's only anomaly check is the NaN check (a backward node that returns NaN raises,
naming its forward op), so the native switch is on exactly when anomaly mode is enabled *and*
check_nan is set; the two flags themselves are kept here, as torch reports them."""
import warnings

from torsh import _C

__all__ = ["detect_anomaly", "set_detect_anomaly"]

_enabled = [bool(_C._is_anomaly_enabled())]
_check_nan = [True]


def is_anomaly_enabled():
    """torch.is_anomaly_enabled: whether anomaly mode is on."""
    return _enabled[0]


def is_anomaly_check_nan_enabled():
    """torch.is_anomaly_check_nan_enabled: whether anomaly mode checks backward outputs for NaN
    (True unless set off with check_nan=False)."""
    return _check_nan[0]


def set_anomaly_enabled(enabled, check_nan=True):
    """torch.set_anomaly_enabled(enabled, check_nan=True): sets both flags."""
    _enabled[0] = bool(enabled)
    _check_nan[0] = bool(check_nan)
    _C._set_detect_anomaly(_enabled[0] and _check_nan[0])


class detect_anomaly:
    """Context manager that turns anomaly detection on (with check_nan) and restores the
    previous mode on exit. Warns that it slows backward down."""

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Anomaly detection on or off: takes effect when constructed (a plain call works), and as
    a context manager restores the previous mode and check_nan flag on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)
