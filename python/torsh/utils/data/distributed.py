"""torch.utils.data.distributed.DistributedSampler (torch 1.13 semantics): each of
``num_replicas`` processes loads its own strided share of a (shuffled, padded or trimmed)
index list. num_replicas and rank default to torsh.distributed's world size and rank."""
import math
from typing import Iterator, Optional, TypeVar

import torsh
from torsh.utils.data.dataset import Dataset
from torsh.utils.data.sampler import Sampler

__all__ = ["DistributedSampler"]

T_co = TypeVar("T_co", covariant=True)


def _dist_available():
    dist = getattr(torsh, "distributed", None)
    return dist is not None and getattr(dist, "is_available", lambda: False)()


class DistributedSampler(Sampler[T_co]):
    r"""Restricts loading to a subset of the dataset: replica ``rank`` of ``num_replicas``
    takes every num_replicas-th index. With ``shuffle`` the order is
    ``randperm(len(dataset))`` from a generator seeded with seed + epoch (call
    :meth:`set_epoch` every epoch). Without ``drop_last`` the list is padded by repeating
    its start so that every replica gets the same number of samples."""

    def __init__(self, dataset: Dataset, num_replicas: Optional[int] = None,
                 rank: Optional[int] = None, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False) -> None:
        if num_replicas is None:
            if not _dist_available():
                raise RuntimeError("Requires distributed package to be available")
            num_replicas = torsh.distributed.get_world_size()
        if rank is None:
            if not _dist_available():
                raise RuntimeError("Requires distributed package to be available")
            rank = torsh.distributed.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError("Invalid rank {}, rank should be in the interval [0, {}]".format(
                rank, num_replicas - 1))
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            # drop the tail so that every replica gets the same amount of data
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas)
                                         / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[T_co]:
        if self.shuffle:
            g = torsh.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = torsh.randperm(len(self.dataset), generator=g).tolist()
        else:
            indices = list(range(len(self.dataset)))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[:self.total_size]
        assert len(indices) == self.total_size
        indices = indices[self.rank:self.total_size:self.num_replicas]
        assert len(indices) == self.num_samples
        return iter(indices)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        r"""Sets the epoch, which seeds the shuffle: call it before each epoch's iterator."""
        self.epoch = epoch
