"""torch.backends.cuda without CUDA: is_built() is False; matmul's precision switches are
plain attributes with torch's defaults."""
from torsh import _matmul_precision


def is_built():
    """False: torsh is built without CUDA."""
    return False


class _Matmul:
    """torch.backends.cuda.matmul: the cuBLAS precision switches (recorded, never used).
    allow_tf32 is torch.get_float32_matmul_precision() != 'highest', as in torch; setting it
    sets that precision to 'high' or 'highest'."""

    def __init__(self):
        self.allow_fp16_reduced_precision_reduction = True

    @property
    def allow_tf32(self):
        return _matmul_precision.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        _matmul_precision.set_float32_matmul_precision("high" if value else "highest")


matmul = _Matmul()
