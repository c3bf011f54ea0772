"""torch.nn.parallel: DataParallel (a pass-through without CUDA) and DistributedDataParallel
on torsh.distributed (MPI)."""
from torsh.nn.parallel.data_parallel import DataParallel, data_parallel  # noqa: F401
from torsh.nn.parallel.distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DataParallel", "data_parallel", "DistributedDataParallel"]
