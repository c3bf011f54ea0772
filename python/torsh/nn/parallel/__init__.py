"""torch.nn.parallel: DistributedDataParallel on torsh.distributed (MPI)."""
from torsh.nn.parallel.distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DistributedDataParallel"]
