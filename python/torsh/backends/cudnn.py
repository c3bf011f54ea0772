"""torch.backends.cudnn without CUDA: is_available() is False and the flags are plain
attributes with torch's defaults."""
import contextlib

enabled = True
benchmark = False
benchmark_limit = 10
deterministic = False
allow_tf32 = True


def is_available():
    """False: torsh has no cuDNN."""
    return False


def version():
    """None: no cuDNN library is loaded."""
    return None


def is_acceptable(tensor):
    """Whether cuDNN could run on tensor: never here."""
    return False


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, deterministic=False, allow_tf32=True):
    """Sets the four flags for the duration of the block, then restores them."""
    g = globals()
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    saved = {k: g[k] for k in names}
    g.update(zip(names, (enabled, benchmark, deterministic, allow_tf32)))
    try:
        yield
    finally:
        g.update(saved)
