"""torch.backends.mps: no Metal backend here."""


def is_available():
    """False: no MPS device."""
    return False


def is_built():
    """False: torsh is not built with MPS."""
    return False
