"""torsh.distributed: torch.distributed's API on MPI.

Launch with ``mpirun -np N python3 train.py`` (or ``python3 -m torsh.distributed.run
--nproc-per-node N train.py``) and call ``init_process_group("mpi")``. Ranks and world size come
from the MPI launcher. Collectives run on one communication thread per process, in the order
they are called; ``async_op=True`` returns a Work to wait on. As in torch, ``src``/``dst`` are
global ranks even when a subgroup is given, and ranks outside a group get
``GroupMember.NON_GROUP_MEMBER`` from ``new_group``.
"""
import atexit
import datetime
import enum
import sys
import warnings

from torsh._C import _distributed as _d

__all__ = [
    "Backend", "GroupMember", "ReduceOp", "Work", "all_gather", "all_gather_into_tensor",
    "all_gather_object", "all_reduce", "all_to_all", "all_to_all_single", "barrier",
    "broadcast", "broadcast_object_list", "destroy_process_group", "gather", "gather_object",
    "get_backend", "get_global_rank", "get_group_rank", "get_process_group_ranks", "get_rank",
    "get_world_size", "init_process_group", "irecv", "is_available", "is_initialized",
    "is_mpi_available", "isend", "new_group", "recv", "reduce", "reduce_scatter",
    "reduce_scatter_tensor", "scatter", "scatter_object_list", "send",
    "P2POp", "batch_isend_irecv", "all_reduce_coalesced", "all_gather_coalesced",
    "monitored_barrier", "new_subgroups", "new_subgroups_by_enumeration", "DebugLevel",
    "get_debug_level", "set_debug_level", "set_debug_level_from_env", "reduce_op",
    "supports_complex", "is_ucc_available", "GradBucket",
]

default_pg_timeout = datetime.timedelta(minutes=30)


def is_available():
    return bool(_d.available)


def is_mpi_available():
    return bool(_d.available)


def is_gloo_available():
    return False


def is_nccl_available():
    return False


def is_torchelastic_launched():
    return False


class Backend(str):
    """A backend name (lower case); torsh has 'mpi'."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend name must be a string, but got: {name}")
        value = getattr(Backend, name.upper(), Backend.UNDEFINED)
        if value == Backend.UNDEFINED:
            raise ValueError(f"Invalid backend: '{name}'")
        return str.__new__(cls, value)


class ReduceOp:
    """torch.distributed.ReduceOp: ReduceOp.SUM, ... (each equal to its RedOpType)."""

    class RedOpType(enum.IntEnum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7
        PREMUL_SUM = 8

    def __init__(self, op=RedOpType.SUM):
        self.op = ReduceOp.RedOpType(int(op.op if isinstance(op, ReduceOp) else op))

    def __eq__(self, other):
        if isinstance(other, ReduceOp):
            return self.op == other.op
        if isinstance(other, ReduceOp.RedOpType):
            return self.op == other
        return NotImplemented

    def __hash__(self):
        return hash(self.op)

    def __repr__(self):
        return f"ReduceOp.{self.op.name}"


for _op in ReduceOp.RedOpType:
    setattr(ReduceOp, _op.name, ReduceOp(_op))
del _op

# torsh::distributed::ReduceOp's values.
_NATIVE_OP = {"SUM": 0, "PRODUCT": 1, "MIN": 2, "MAX": 3, "BAND": 4, "BOR": 5, "BXOR": 6, "AVG": 7}


def _native_op(op):
    if isinstance(op, ReduceOp):
        name = op.op.name
    elif isinstance(op, (ReduceOp.RedOpType, int)):
        name = ReduceOp.RedOpType(int(op)).name
    else:
        raise TypeError(f"op must be a ReduceOp, got {type(op).__name__}")
    if name not in _NATIVE_OP:
        raise RuntimeError(f"ReduceOp.{name} is not supported by torsh's MPI backend")
    return _NATIVE_OP[name]


class GroupMember:
    WORLD = None
    NON_GROUP_MEMBER = object()


class group:  # noqa: N801  (torch's spelling: dist.group.WORLD)
    WORLD = None


Work = _d.Work
ProcessGroup = _d.ProcessGroup


def _world():
    if GroupMember.WORLD is None:
        raise RuntimeError("Default process group has not been initialized, please make sure to "
                           "call init_process_group.")
    return GroupMember.WORLD


# Subgroups made since init_process_group, and those destroyed (a destroyed group is refused).
_subgroups = []
_destroyed = set()


def _pg(grp):
    """The process group for a group argument (None: the world)."""
    if grp is None or grp is GroupMember.WORLD:
        return _world()
    if isinstance(grp, ProcessGroup) and grp not in _destroyed:
        _world()
        return grp
    raise RuntimeError(f"Invalid process group specified: {grp!r}")


def _not_member(grp, op_name):
    if grp is GroupMember.NON_GROUP_MEMBER:
        warnings.warn(f"Running {op_name} on global rank {get_rank()} which does not belong to the "
                      "given group.")
        return True
    return False


def _is_tensor(t):
    import torsh
    return isinstance(t, torsh.Tensor)


def _check_single_tensor(t, name):
    if not _is_tensor(t):
        raise RuntimeError(f"Invalid function argument. Expected parameter `{name}` to be of type "
                           "torch.Tensor.")


def _check_tensor_list(ts, name):
    if not isinstance(ts, list) or not all(_is_tensor(t) for t in ts):
        raise RuntimeError(f"Invalid function argument. Expected parameter `{name}` to be of type "
                           "List[torch.Tensor].")


def _finish(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


def _excepthook(kind, value, tb):
    """An uncaught exception on one rank ends the whole job (MPI_Abort names the rank), so the
    other ranks never wait for it forever."""
    _previous_excepthook(kind, value, tb)
    if GroupMember.WORLD is not None and GroupMember.WORLD.size() > 1:
        sys.stderr.write(f"torsh.distributed: rank {GroupMember.WORLD.rank()} raised "
                         f"{kind.__name__}; ending the job\n")
        sys.stderr.flush()
        _d.abort(1)


_previous_excepthook = sys.excepthook


# ---- set-up ----

def init_process_group(backend=None, init_method=None, timeout=default_pg_timeout, world_size=-1,
                       rank=-1, store=None, group_name="", pg_options=None):
    global _previous_excepthook
    if not isinstance(timeout, datetime.timedelta):
        raise RuntimeError("Expected timeout argument to be of typedatetime.timedelta")
    if GroupMember.WORLD is not None:
        raise RuntimeError("trying to initialize the default process group twice!")
    name = Backend(backend) if backend is not None else Backend.MPI
    if name != Backend.MPI:
        raise RuntimeError(f"Distributed package doesn't have {name.upper()} built in: torsh's "
                           "backend is 'mpi' (launch with mpirun or python3 -m "
                           "torsh.distributed.run)")
    if not _d.available:
        raise RuntimeError("Distributed package doesn't have MPI built in.")
    if world_size != -1 or rank != -1:
        warnings.warn(f"For MPI backend, world_size ({world_size}) and rank ({rank}) are ignored "
                      "since they are assigned by the MPI runtime.")
    _d.init_process_group("mpi", -1, -1, timeout)
    GroupMember.WORLD = group.WORLD = _d.default_group()
    if sys.excepthook is not _excepthook:
        _previous_excepthook = sys.excepthook
        sys.excepthook = _excepthook
        # Unfinished async work completes, and MPI ends, while Python objects still exist.
        atexit.register(_d.shutdown)
    GroupMember.WORLD.barrier().wait()


def is_initialized():
    return GroupMember.WORLD is not None


def destroy_process_group(group=None):
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    if group is None or group is GroupMember.WORLD:
        # As torch: every group goes with the world.
        _destroyed.update(_subgroups)
        _subgroups.clear()
        GroupMember.WORLD = globals()["group"].WORLD = None
        _d.destroy_process_group()
        return
    if not isinstance(group, ProcessGroup) or group in _destroyed:
        raise RuntimeError("Invalid process group specified")
    _destroyed.add(group)
    _subgroups.remove(group)


def get_backend(group=None):
    if group is GroupMember.NON_GROUP_MEMBER:
        raise RuntimeError("Invalid process group specified")
    return Backend(_pg(group).backend())


def get_rank(group=None):
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return _pg(group).rank()


def get_world_size(group=None):
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return _pg(group).size()


def get_process_group_ranks(group):
    return list(_pg(group).global_ranks())


def get_group_rank(group, global_rank):
    ranks = _pg(group).global_ranks()
    if global_rank not in ranks:
        raise RuntimeError(f"Global rank {global_rank} is not part of group {group}")
    return ranks.index(global_rank)


def get_global_rank(group, group_rank):
    ranks = _pg(group).global_ranks()
    if not 0 <= group_rank < len(ranks):
        raise RuntimeError(f"Group rank {group_rank} is not part of group {group}")
    return ranks[group_rank]


def new_group(ranks=None, timeout=default_pg_timeout, backend=None, pg_options=None):
    world = _world()
    if backend is not None and Backend(backend) != Backend.MPI:
        raise RuntimeError(f"Distributed package doesn't have {backend.upper()} built in")
    ranks = sorted(ranks) if ranks else []
    if len(ranks) > world.size():
        raise RuntimeError("the new group's world size should be less or equal to the world size "
                           "set by init_process_group")
    for r in ranks:
        if r < 0 or r >= world.size():
            raise RuntimeError("The new group's rank should be within the world_size set by "
                               "init_process_group")
    pg = _d.new_group(list(dict.fromkeys(ranks)))
    if pg is None:
        return GroupMember.NON_GROUP_MEMBER
    _subgroups.append(pg)
    return pg


# ---- collectives ----

def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    if _not_member(group, "all_reduce"):
        return None
    return _finish(_pg(group).allreduce(tensor, _native_op(op)), async_op)


def broadcast(tensor, src, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    if _not_member(group, "broadcast"):
        return None
    pg = _pg(group)
    return _finish(pg.broadcast(tensor, get_group_rank(group, src)), async_op)


def reduce(tensor, dst, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    if _not_member(group, "reduce"):
        return None
    pg = _pg(group)
    return _finish(pg.reduce(tensor, get_group_rank(group, dst), _native_op(op)), async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    _check_tensor_list(tensor_list, "tensor_list")
    _check_single_tensor(tensor, "tensor")
    if _not_member(group, "all_gather"):
        return None
    return _finish(_pg(group).allgather(tensor_list, tensor), async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    _check_single_tensor(input_tensor, "input_tensor")
    _check_single_tensor(output_tensor, "output_tensor")
    if _not_member(group, "all_gather_into_tensor"):
        return None
    return _finish(_pg(group).allgather_into_tensor(output_tensor, input_tensor), async_op)


def _all_gather_base(output_tensor, input_tensor, group=None, async_op=False):
    warnings.warn("torch.distributed._all_gather_base is a private function and will be "
                  "deprecated. Please use torch.distributed.all_gather_into_tensor instead.")
    return all_gather_into_tensor(output_tensor, input_tensor, group, async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(output, "output")
    _check_tensor_list(input_list, "input_list")
    if _not_member(group, "reduce_scatter"):
        return None
    return _finish(_pg(group).reduce_scatter(output, input_list, _native_op(op)), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    if _not_member(group, "reduce_scatter_tensor"):
        return None
    return _finish(_pg(group).reduce_scatter_tensor(output, input, _native_op(op)), async_op)


def _reduce_scatter_base(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    warnings.warn("torch.distributed._reduce_scatter_base is a private function and will be "
                  "deprecated. Please use torch.distributed.reduce_scatter_tensor instead.")
    return reduce_scatter_tensor(output, input, op, group, async_op)


def gather(tensor, gather_list=None, dst=0, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    if gather_list:
        _check_tensor_list(gather_list, "gather_list")
    else:
        gather_list = []
    if _not_member(group, "gather"):
        return None
    if get_rank() == dst and not gather_list:
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    pg = _pg(group)
    return _finish(pg.gather(gather_list, tensor, get_group_rank(group, dst)), async_op)


def scatter(tensor, scatter_list=None, src=0, group=None, async_op=False):
    _check_single_tensor(tensor, "tensor")
    if scatter_list:
        _check_tensor_list(scatter_list, "scatter_list")
    else:
        scatter_list = []
    if _not_member(group, "scatter"):
        return None
    if get_rank() == src and not scatter_list:
        raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
    pg = _pg(group)
    return _finish(pg.scatter(tensor, scatter_list, get_group_rank(group, src)), async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    if _not_member(group, "all_to_all"):
        return None
    _check_tensor_list(output_tensor_list, "output_tensor_list")
    _check_tensor_list(input_tensor_list, "input_tensor_list")
    return _finish(_pg(group).alltoall(output_tensor_list, input_tensor_list), async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    if _not_member(group, "all_to_all_single"):
        return None
    _check_single_tensor(output, "output")
    _check_single_tensor(input, "input")
    work = _pg(group).alltoall_single(output, input, list(output_split_sizes or []),
                                      list(input_split_sizes or []))
    return _finish(work, async_op)


def barrier(group=None, async_op=False, device_ids=None):
    if _not_member(group, "barrier"):
        return None
    if device_ids is not None:
        raise RuntimeError("Function argument device_ids not supported for the selected backend "
                           "mpi")
    return _finish(_pg(group).barrier(), async_op)


# ---- point to point ----

def isend(tensor, dst, group=None, tag=0):
    _check_single_tensor(tensor, "tensor")
    if _not_member(group, "isend"):
        return None
    return _pg(group).send(tensor, get_group_rank(group, dst), tag)


def irecv(tensor, src=None, group=None, tag=0):
    _check_single_tensor(tensor, "tensor")
    if _not_member(group, "irecv"):
        return None
    pg = _pg(group)
    return pg.recv(tensor, -1 if src is None else get_group_rank(group, src), tag)


def send(tensor, dst, group=None, tag=0):
    work = isend(tensor, dst, group, tag)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0):
    work = irecv(tensor, src, group, tag)
    if work is None:
        return -1
    work.wait()
    return get_global_rank(group, work._source_rank()) if src is None else src


from torsh.distributed._objects import (all_gather_object, broadcast_object_list,  # noqa: E402
                                        gather_object, scatter_object_list)

from torsh.distributed._p2p import P2POp, batch_isend_irecv  # noqa: E402
from torsh.distributed._coalesced import (all_gather_coalesced,  # noqa: E402
                                          all_reduce_coalesced, monitored_barrier)
from torsh.distributed._subgroup_lists import (new_subgroups,  # noqa: E402
                                               new_subgroups_by_enumeration)
from torsh.distributed._debug import (DebugLevel, _make_reduce_op,  # noqa: E402
                                      get_debug_level, is_ucc_available, set_debug_level,
                                      set_debug_level_from_env, supports_complex)
from torsh.distributed._comm import _DEFAULT_FIRST_BUCKET_BYTES, GradBucket  # noqa: E402,F401
from torsh import futures as _futures  # noqa: E402,F401  (torch.futures: Work.get_future's type)

reduce_op = _make_reduce_op()  # deprecated: use ReduceOp
set_debug_level_from_env()  # as torch, at import: TORCH_DISTRIBUTED_DEBUG=OFF|INFO|DETAIL
