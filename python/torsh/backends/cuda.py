"""torch.backends.cuda without CUDA: is_built() is False; matmul's precision switches are
plain attributes with torch's defaults."""


def is_built():
    """False: torsh is built without CUDA."""
    return False


class _Matmul:
    """torch.backends.cuda.matmul: the cuBLAS precision switches (recorded, never used)."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True


matmul = _Matmul()
