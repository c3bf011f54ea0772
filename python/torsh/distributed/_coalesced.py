"""torch.distributed's all_reduce_coalesced, all_gather_coalesced and monitored_barrier, built
on torsh's collectives and point-to-point operations.

The coalesced collectives move their tensors as one flat message. monitored_barrier works as
gloo's: every rank other than 0 sends to rank 0 and waits for its answer; rank 0 waits for each
rank within the timeout and names the ranks that did not arrive. Its error (a RuntimeError) is
raised on rank 0 only; uncaught, it ends the job (torsh's failing-rank handling) instead of
leaving the other ranks waiting."""
import datetime
import time
import warnings

import torsh
from torsh.distributed import ReduceOp

__all__ = ["all_reduce_coalesced", "all_gather_coalesced", "monitored_barrier"]

# Tags of monitored_barrier's messages, apart from those programs usually use.
_ARRIVE_TAG = 32001
_RELEASE_TAG = 32002


def _same_dtype(tensors):
    last = None
    for t in tensors:
        dt = t.dtype
        if dt.is_complex:  # a complex tensor may go with its real element type
            dt = torsh.float32 if dt == torsh.complex64 else torsh.complex128
        if last is None:
            last = dt
        elif last != dt:
            raise RuntimeError(f"Invalid usage of tensors with different dtypesFound {last} and "
                               f" {t.dtype}")


def _as_real(t):
    return torsh.view_as_real(t) if t.is_complex() else t


def _flat(tensors):
    return torsh.cat([t.detach().reshape(-1) for t in tensors])


def _unflatten_into(flat, tensors):
    at = 0
    with torsh.no_grad():
        for t in tensors:
            n = t.numel()
            t.copy_(flat[at:at + n].view(t.shape))
            at += n


def _result(work, finish, value, async_op):
    from torsh.futures import _from_work
    if async_op:
        def value_fn():
            finish()
            return value
        return _from_work(work, value_fn)
    work.wait()
    finish()
    return None


def all_reduce_coalesced(tensors, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces every tensor of ``tensors`` (one dtype) across the group, in place, in one
    message. With async_op, returns a Future holding the tensors."""
    from torsh import distributed as dist
    warnings.warn("torch.distributed.all_reduce_coalesced will be deprecated. If you must use "
                  "it, please revisit our documentation later at "
                  "https://pytorch.org/docs/master/distributed.html#collective-functions")
    dist._check_tensor_list(tensors, "tensor")
    _same_dtype(tensors)
    if dist._not_member(group, "all_reduce_coalesced"):
        return None
    if any(t.is_complex() for t in tensors) and not dist.supports_complex(op):
        raise RuntimeError(f"all_reduce does not support {op} on complex tensors")
    tensors = [_as_real(t) for t in tensors]
    flat = _flat(tensors)
    work = dist._pg(group).allreduce(flat, dist._native_op(op))
    return _result(work, lambda: _unflatten_into(flat, tensors), tensors, async_op)


def all_gather_coalesced(output_tensor_lists, input_tensor_list, group=None, async_op=False):
    """Gathers every rank's ``input_tensor_list`` into ``output_tensor_lists[rank]`` in one
    message. With async_op, returns a Future holding output_tensor_lists."""
    from torsh import distributed as dist
    warnings.warn("torch.distributed.all_gather_coalesced will be deprecated. If you must use "
                  "it, please revisit our documentation later at "
                  "https://pytorch.org/docs/master/distributed.html#collective-functions")
    if dist._not_member(group, "all_gather_coalesced"):
        return None
    dist._check_tensor_list(input_tensor_list, "tensor_list")
    _same_dtype(input_tensor_list)
    if not isinstance(output_tensor_lists, list):
        raise RuntimeError("Invalid function argument: output_tensor_lists should be a list")
    for out in output_tensor_lists:
        dist._check_tensor_list(out, "output_tensor_lists")
        _same_dtype(out)
    outs = [[_as_real(t) for t in out] for out in output_tensor_lists]
    ins = [_as_real(t) for t in input_tensor_list]
    pg = dist._pg(group)
    name = "all_gather_coalesced"
    if not ins:
        raise RuntimeError(f"{name}: requires non-empty tensor list")
    if len(outs) != pg.size():
        raise RuntimeError(f"{name}: output lists should be equal to world size")
    for out in outs:
        if len(out) != len(ins):
            raise RuntimeError(f"{name}: invalid output size: (expected length {len(ins)}, got "
                               f"{len(out)})")
        for i, (o, t) in enumerate(zip(out, ins)):
            if tuple(o.shape) != tuple(t.shape) or o.dtype != t.dtype:
                raise RuntimeError(f"{name}: invalid tensor type at index {i} (expected "
                                   f"{t.dtype} {list(t.shape)}, got {o.dtype} {list(o.shape)})")
    flat = _flat(ins)
    gathered = torsh.empty(pg.size() * flat.numel(), dtype=flat.dtype)
    work = pg.allgather_into_tensor(gathered, flat)

    def finish():
        n = flat.numel()
        for r, out in enumerate(outs):
            _unflatten_into(gathered[r * n:(r + 1) * n], out)

    return _result(work, finish, output_tensor_lists, async_op)


def _ms(delta):
    return int(delta.total_seconds() * 1000)


def _wait_within(work, seconds):
    # Work.wait treats a zero timeout as "no limit": wait at least a millisecond.
    work.wait(datetime.timedelta(seconds=max(seconds, 0.001)))


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier that reports, on rank 0, the ranks that did not reach it within ``timeout``
    (the default process group timeout when None); with wait_all_ranks, all of them."""
    from torsh import distributed as dist
    if dist._not_member(group, "monitored_barrier"):
        return None
    if timeout is None:
        timeout = dist.default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError("monitored_barrier(): timeout must be a datetime.timedelta")
    pg = dist._pg(group)
    rank, size = pg.rank(), pg.size()
    if size == 1:
        return None
    token = torsh.zeros(1, dtype=torsh.int32)
    if rank != 0:
        answer = torsh.zeros(1, dtype=torsh.int32)
        sent = pg.send(token, 0, _ARRIVE_TAG)
        got = pg.recv(answer, 0, _RELEASE_TAG)
        try:
            sent.wait()
            got.wait()
        except Exception as e:
            raise RuntimeError(f"Rank {rank} successfully reached monitoredBarrier, but received "
                               "errors while waiting for send/recv from rank 0. Please check "
                               f"rank 0 logs for faulty rank.\n Original exception: \n{e}") from e
        return None

    limit = timeout.total_seconds()
    start = time.monotonic()

    def wait_loop(works):
        processed, failed = [], []
        for r, work in works:
            remaining = limit if wait_all_ranks else limit - (time.monotonic() - start)
            if not wait_all_ranks and remaining < 0:
                info = (f"Successfully processed ranks: {', '.join(map(str, processed))}"
                        if processed else "No ranks successfully processed in monitoredBarrier.")
                raise RuntimeError(f"Rank 0 timed out in monitoredBarrier after {_ms(timeout)} "
                                   f"ms.\n{info}")
            try:
                _wait_within(work, remaining)
                processed.append(r)
            except Exception as e:
                error = f"[Rank 0]: Rank {r} failed to pass monitoredBarrier in {_ms(timeout)} ms"
                if not wait_all_ranks:
                    raise RuntimeError(f"{error}\n Original exception: \n{e}") from e
                failed.append(r)
        if failed:
            raise RuntimeError(f"[Rank 0]: Ranks {', '.join(map(str, failed))} failed to pass "
                               f"monitoredBarrier in {_ms(timeout)} ms")

    arrivals = [(r, pg.recv(torsh.zeros(1, dtype=torsh.int32), r, _ARRIVE_TAG))
                for r in range(1, size)]
    wait_loop(arrivals)
    wait_loop([(r, pg.send(token, r, _RELEASE_TAG)) for r in range(1, size)])
    return None
