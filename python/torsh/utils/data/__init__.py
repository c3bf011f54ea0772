"""torch.utils.data (torch 1.13 semantics): datasets, samplers, collation and the DataLoader.
DataLoader workers are threads (see torsh.utils.data.dataloader)."""
from torsh.utils.data.sampler import (BatchSampler, RandomSampler, Sampler,  # noqa: F401
                                      SequentialSampler, SubsetRandomSampler,
                                      WeightedRandomSampler)
from torsh.utils.data.dataset import (ChainDataset, ConcatDataset, Dataset,  # noqa: F401
                                      IterableDataset, Subset, TensorDataset, random_split)
from torsh.utils.data.dataloader import (DataLoader, _DatasetKind,  # noqa: F401
                                         default_collate, default_convert, get_worker_info)
from torsh.utils.data.distributed import DistributedSampler  # noqa: F401

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset",
           "DistributedSampler", "IterableDataset", "RandomSampler", "Sampler",
           "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
           "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info",
           "random_split"]
