"""torch.set_printoptions: the print options live in the native core (every repr reads them)."""
import math

from torsh import _C

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Sets how tensors print, as torch.set_printoptions: a profile ('default', 'short',
    'full') first, then each option given; sci_mode is always replaced (None: automatic)."""
    p, t, e, w, _ = _C._get_printoptions()
    if profile in _PROFILES:
        p, t, e, w = _PROFILES[profile]
    if precision is not None:
        p = precision
    if threshold is not None:
        t = threshold
    if edgeitems is not None:
        e = edgeitems
    if linewidth is not None:
        w = linewidth
    t = 2**62 if t == math.inf else int(t)
    _C._set_printoptions(int(p), t, int(e), int(w), None if sci_mode is None else bool(sci_mode))
