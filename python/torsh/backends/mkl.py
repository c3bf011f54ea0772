"""torch.backends.mkl: torsh does not use MKL."""


def is_available():
    """False: torsh's BLAS is OpenBLAS."""
    return False
