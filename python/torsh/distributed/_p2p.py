"""torch.distributed.P2POp and batch_isend_irecv. torsh's isend/irecv never block (MPI_Isend /
MPI_Irecv on the communication thread), so a batch is its operations issued in list order,
which matches the peers' lists in any order without deadlock."""

__all__ = ["P2POp", "batch_isend_irecv"]


def _check_op(op):
    from torsh import distributed as dist
    if op is not dist.isend and op is not dist.irecv:
        raise RuntimeError("Invalid ``op``. Expected ``op`` to be of type "
                           "``torch.distributed.isend`` or ``torch.distributed.irecv``.")


class P2POp:
    """One point-to-point operation for batch_isend_irecv: op (dist.isend or dist.irecv),
    the tensor to send or receive into, the peer's global rank, the group and the tag."""

    def __new__(cls, op, tensor, peer, group=None, tag=0):
        from torsh import distributed as dist
        _check_op(op)
        dist._check_single_tensor(tensor, "tensor")
        return object.__new__(cls)

    def __init__(self, op, tensor, peer, group=None, tag=0):
        self.op = op
        self.tensor = tensor
        self.peer = peer
        self.group = group
        self.tag = tag

    def __repr__(self):
        return (f"P2POp(op={getattr(self.op, '__name__', self.op)}, peer={self.peer}, "
                f"tag={self.tag})")


def batch_isend_irecv(p2p_op_list):
    """Starts every operation of p2p_op_list (all on one group) and returns their Works (none
    for an operation on a group this rank is not in)."""
    if not isinstance(p2p_op_list, list) or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise RuntimeError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                           "``torch.distributed.P2POp``.")
    group = p2p_op_list[0].group
    if any(p.group != group for p in p2p_op_list):
        raise RuntimeError("All ops need to use the same group.")
    works = []
    for p in p2p_op_list:
        work = p.op(p.tensor, p.peer, p.group, p.tag)
        if work is not None:
            works.append(work)
    return works
