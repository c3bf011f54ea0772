"""torch.distributed.new_subgroups and new_subgroups_by_enumeration: several new_group calls
(every rank makes every group, as new_group requires), returning (the group of this rank or
None, all the groups; NON_GROUP_MEMBER for those this rank is not in).

torch makes these per CUDA machine and refuses without CUDA; torsh's groups are MPI
communicators, so they work on CPU. With ``group_size=None`` a subgroup is one machine's ranks
(the launcher's local world size), as torch's one-per-machine default."""
import datetime
import logging
import os

__all__ = ["new_subgroups", "new_subgroups_by_enumeration"]

logger = logging.getLogger(__name__)
_DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)  # torch's default_pg_timeout


def _local_world_size(world_size):
    for var in ("LOCAL_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"):
        value = os.environ.get(var)
        if value and value.isdigit() and int(value) > 0:
            return int(value)
    return world_size


def new_subgroups(group_size=None, group=None, timeout=_DEFAULT_TIMEOUT, backend=None,
                  pg_options=None):
    """Subgroups of ``group_size`` consecutive ranks (the world size must divide by it)."""
    from torsh import distributed as dist
    world_size = dist.get_world_size()
    if group_size is None:
        group_size = _local_world_size(world_size)
    if group_size <= 0:
        raise ValueError("The arg 'group_size' must be greater than 0")
    if world_size < group_size:
        raise ValueError("The arg 'group_size' must not exceed the world size")
    if world_size % group_size != 0:
        raise ValueError("The world size must be divisible by 'group_size'")
    rank = dist.get_rank()
    subgroups, cur_subgroup = [], None
    for first in range(0, world_size, group_size):
        ranks = list(range(first, first + group_size))
        subgroup = dist.new_group(ranks=ranks, timeout=timeout, backend=backend,
                                  pg_options=pg_options)
        subgroups.append(subgroup)
        if rank in ranks:
            cur_subgroup = subgroup
            logger.info("Rank %d is assigned to subgroup %s", rank, ranks)
    return cur_subgroup, subgroups


def new_subgroups_by_enumeration(ranks_per_subgroup_list, timeout=_DEFAULT_TIMEOUT, backend=None,
                                 pg_options=None):
    """One subgroup per list of ranks in ``ranks_per_subgroup_list`` (no rank in two)."""
    from torsh import distributed as dist
    if ranks_per_subgroup_list is None or len(ranks_per_subgroup_list) == 0:
        raise ValueError("The arg 'ranks_per_subgroup_list' cannot be empty")
    my_rank = dist.get_rank()
    subgroups, cur_subgroup = [], None
    owner = {}  # rank -> the rank list it was first seen in
    for ranks in ranks_per_subgroup_list:
        subgroup = dist.new_group(ranks=ranks, timeout=timeout, backend=backend,
                                  pg_options=pg_options)
        subgroups.append(subgroup)
        for r in ranks:
            if r in owner:
                raise ValueError(f"Rank {r} has appeared in both subgroup {owner[r]} and "
                                 f"{ranks}")
            owner[r] = ranks
            if r == my_rank:
                cur_subgroup = subgroup
                logger.info("Rank %d is assigned to subgroup %s", r, ranks)
    return cur_subgroup, subgroups
