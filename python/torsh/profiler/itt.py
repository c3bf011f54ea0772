"""torsh.profiler.itt: Intel ITT annotations (torch.profiler.itt); this build has no ITT, so
is_available() is False and the range functions raise as torch's do without ITT."""
from contextlib import contextmanager

__all__ = ["is_available", "range_push", "range_pop", "mark", "range"]


def _fail(*args, **kwargs):
    raise RuntimeError("ITT functions not installed. Are you sure you have a ITT build?")


def is_available():
    """False: no ITT support in this build."""
    return False


def range_push(msg):
    """Pushes a named range (raises: no ITT)."""
    return _fail(msg)


def range_pop():
    """Pops the innermost range (raises: no ITT)."""
    return _fail()


def mark(msg):
    """Marks an instant (raises: no ITT)."""
    return _fail(msg)


@contextmanager
def range(msg, *args, **kwargs):
    """Context manager pushing msg.format(*args, **kwargs) as a range."""
    range_push(msg.format(*args, **kwargs))
    yield
    range_pop()
