"""torch.backends.openmp: torsh's native core is built with OpenMP."""


def is_available():
    """True: the native core links OpenMP."""
    return True
