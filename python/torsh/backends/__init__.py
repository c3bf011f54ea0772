"""torch.backends as torch's CPU-only build reports it: cuDNN and MPS absent, OpenMP present,
and the switches scripts set (cudnn.benchmark, cudnn.deterministic, ...) plain attributes that
torsh records and does not consult."""
from torsh.backends import cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401

__all__ = ["cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
