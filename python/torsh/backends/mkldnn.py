"""torch.backends.mkldnn: torsh has no oneDNN, so is_available() is False; `enabled` is a
plain flag."""
import contextlib

enabled = True
deterministic = False


def is_available():
    """False: torsh's kernels are its own, not oneDNN's."""
    return False


@contextlib.contextmanager
def flags(enabled=False, deterministic=False):
    """Sets the flags for the duration of the block, then restores them."""
    g = globals()
    saved = (g["enabled"], g["deterministic"])
    g["enabled"], g["deterministic"] = enabled, deterministic
    try:
        yield
    finally:
        g["enabled"], g["deterministic"] = saved
