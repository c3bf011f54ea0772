"""Run under mpirun -np N (N >= 2): every torsh.distributed collective against values computed by
hand for each rank, for several dtypes and ReduceOps, sync and async, contiguous or not. Any
failed check raises, which ends the job with a non-zero status."""
import functools
import operator

import torsh as torch
import torsh.distributed as dist

dist.init_process_group("mpi")
R, W = dist.get_rank(), dist.get_world_size()
assert dist.is_initialized() and dist.get_backend() == "mpi"
INT_TYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
FLOAT_TYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


def check(got, want, what):
    assert got.dtype == want.dtype, (what, got.dtype, want.dtype)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    if got.is_floating_point() or got.is_complex():
        ok = torch.allclose(got, want, rtol=1e-3, atol=1e-3)
    else:
        ok = torch.equal(got, want)
    assert ok, f"rank {R} {what}: got {got.tolist()} want {want.tolist()}"


def value(rank, dtype, n=4):
    """Rank-specific small values that fit every dtype."""
    return (torch.arange(n, dtype=torch.int64) % 3 + rank + 1).to(dtype)


reduce_ref = {
    dist.ReduceOp.SUM: lambda xs: functools.reduce(operator.add, xs),
    dist.ReduceOp.PRODUCT: lambda xs: functools.reduce(operator.mul, xs),
    dist.ReduceOp.MIN: lambda xs: functools.reduce(torch.minimum, xs),
    dist.ReduceOp.MAX: lambda xs: functools.reduce(torch.maximum, xs),
}
all_values = lambda dtype: [value(r, torch.float64) for r in range(W)]  # noqa: E731

# all_reduce: every op, every dtype, sync and async.
for dtype in INT_TYPES + FLOAT_TYPES:
    for op, ref in reduce_ref.items():
        for async_op in (False, True):
            t = value(R, dtype)
            work = dist.all_reduce(t, op=op, async_op=async_op)
            if async_op:
                assert work.wait() is True and work.is_completed() and work.is_success()
            else:
                assert work is None
            check(t, ref(all_values(dtype)).to(dtype), f"all_reduce {op} {dtype}")
# AVG (SUM / world size; integers truncate), bitwise ops, bool and complex.
t = value(R, torch.float32)
dist.all_reduce(t, op=dist.ReduceOp.AVG)
check(t, sum(all_values(None)).float() / W, "all_reduce AVG")
t = torch.tensor([R + 1, 7], dtype=torch.int64)
dist.all_reduce(t, op=dist.ReduceOp.AVG)
check(t, torch.tensor([sum(range(1, W + 1)) // W, 7]), "all_reduce AVG int")
bits = [torch.tensor([1 << r, 0b1111 ^ (1 << r), 6]) for r in range(W)]
for op, f in ((dist.ReduceOp.BAND, operator.and_), (dist.ReduceOp.BOR, operator.or_),
              (dist.ReduceOp.BXOR, operator.xor)):
    t = bits[R].clone()
    dist.all_reduce(t, op=op)
    check(t, functools.reduce(f, bits), f"all_reduce {op}")
b = torch.tensor([R == 0, True, False])
dist.all_reduce(b)  # SUM on bool is logical or
check(b, torch.tensor([True, True, False]), "all_reduce bool")
c = torch.tensor([1 + 1j * R, 2.0 + 0j], dtype=torch.complex64)
dist.all_reduce(c)
check(c, torch.tensor([W + 1j * sum(range(W)), 2.0 * W], dtype=torch.complex64), "complex")
# Non-contiguous tensors are reduced in place.
base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * (R + 1)
view = base.t()
dist.all_reduce(view)
check(base, torch.arange(12, dtype=torch.float32).reshape(3, 4) * sum(range(1, W + 1)),
      "all_reduce non-contiguous")

# broadcast and reduce from every root.
for root in range(W):
    t = value(R, torch.float32) * 10
    dist.broadcast(t, src=root)
    check(t, value(root, torch.float32) * 10, f"broadcast from {root}")
    t = value(R, torch.int32)
    dist.reduce(t, dst=root, op=dist.ReduceOp.SUM)
    want = sum(value(r, torch.int32) for r in range(W)) if R == root else value(R, torch.int32)
    check(t, want, f"reduce to {root}")

# all_gather, all_gather_into_tensor (concatenated and stacked).
out = [torch.zeros(2, 2, dtype=torch.float64) for _ in range(W)]
dist.all_gather(out, torch.full((2, 2), float(R), dtype=torch.float64))
for r in range(W):
    check(out[r], torch.full((2, 2), float(r), dtype=torch.float64), "all_gather")
flat = torch.zeros(W * 3, dtype=torch.int64)
dist.all_gather_into_tensor(flat, torch.tensor([R, R * 2, R * 3]))
check(flat, torch.tensor([v for r in range(W) for v in (r, r * 2, r * 3)]), "all_gather_into")
stacked = torch.zeros(W, 3, dtype=torch.int64)
dist.all_gather_into_tensor(stacked, torch.tensor([R, R * 2, R * 3]))
check(stacked, flat.reshape(W, 3), "all_gather_into stacked")

# reduce_scatter and reduce_scatter_tensor: rank r gets the sum of everyone's piece r.
out = torch.zeros(2)
dist.reduce_scatter(out, [torch.full((2,), float(R * 10 + i)) for i in range(W)])
check(out, torch.full((2,), float(sum(r * 10 + R for r in range(W)))), "reduce_scatter")
out = torch.zeros(2, dtype=torch.int64)
dist.reduce_scatter_tensor(out, torch.arange(2 * W) + R, op=dist.ReduceOp.MAX)
check(out, torch.arange(2 * R, 2 * R + 2) + W - 1, "reduce_scatter_tensor")

# gather and scatter to and from the last rank.
root = W - 1
gl = [torch.zeros(3) for _ in range(W)] if R == root else None
dist.gather(torch.full((3,), float(R)), gl, dst=root)
if R == root:
    for r in range(W):
        check(gl[r], torch.full((3,), float(r)), "gather")
out = torch.zeros(2, dtype=torch.int16)
sl = [torch.full((2,), r * 5, dtype=torch.int16) for r in range(W)] if R == root else None
dist.scatter(out, sl, src=root)
check(out, torch.full((2,), R * 5, dtype=torch.int16), "scatter")

# all_to_all with pieces of different sizes, and all_to_all_single with and without splits.
ins = [torch.full((r + 1,), float(R * 100 + r)) for r in range(W)]
outs = [torch.zeros(R + 1) for _ in range(W)]
dist.all_to_all(outs, ins)
for r in range(W):
    check(outs[r], torch.full((R + 1,), float(r * 100 + R)), "all_to_all")
inp = torch.arange(W * 2) + R * 1000
out = torch.zeros(W * 2, dtype=torch.int64)
dist.all_to_all_single(out, inp)
check(out, torch.tensor([r * 1000 + 2 * R + k for r in range(W) for k in range(2)]),
      "all_to_all_single")
in_splits = [r + 1 for r in range(W)]  # rank R sends r+1 rows to rank r
inp = torch.full((sum(in_splits), 2), float(R))
out_splits = [R + 1] * W
out = torch.zeros(sum(out_splits), 2)
dist.all_to_all_single(out, inp, out_splits, in_splits)
check(out, torch.cat([torch.full((R + 1, 2), float(r)) for r in range(W)]), "all_to_all splits")

# point to point in a ring, async, then recv from any source.
nxt, prv = (R + 1) % W, (R - 1) % W
got = torch.zeros(3)
rw = dist.irecv(got, src=prv)
sw = dist.isend(torch.full((3,), float(R)), dst=nxt)
sw.wait()
rw.wait()
check(got, torch.full((3,), float(prv)), "isend/irecv ring")
if R == 0:
    senders = set()
    for _ in range(W - 1):
        t = torch.zeros(1, dtype=torch.int64)
        src = dist.recv(t)
        assert t.item() == src * 7, (t, src)
        senders.add(src)
    assert senders == set(range(1, W)), senders
else:
    assert dist.send(torch.tensor([R * 7]), dst=0) is None

# Subgroups: the even ranks; src/dst are global ranks, get_rank(group) the group's.
evens = dist.new_group([r for r in range(W) if r % 2 == 0])
if R % 2 == 0:
    assert dist.get_rank(evens) == R // 2 and dist.get_world_size(evens) == (W + 1) // 2
    t = torch.tensor([float(R)])
    dist.all_reduce(t, group=evens)
    check(t, torch.tensor([float(sum(range(0, W, 2)))]), "group all_reduce")
    t = torch.tensor([float(R)])
    dist.broadcast(t, src=0, group=evens)
    check(t, torch.tensor([0.0]), "group broadcast")
else:
    assert evens is dist.GroupMember.NON_GROUP_MEMBER
    assert dist.get_rank(evens) == -1

# A destroyed subgroup is refused; the world and other groups go on.
pair = dist.new_group([0, 1])
if R < 2:
    dist.destroy_process_group(pair)
    try:
        dist.all_reduce(torch.zeros(1), group=pair)
    except RuntimeError as e:
        assert "Invalid process group" in str(e), e
    else:
        raise AssertionError("a destroyed group must be refused")
else:
    dist.destroy_process_group(pair)  # NON_GROUP_MEMBER: nothing to do

# Objects.
objs = [{"rank": R}, "x"] if R == 0 else [None, None]
dist.broadcast_object_list(objs, src=0)
assert objs == [{"rank": 0}, "x"], objs
everyone = [None] * W
dist.all_gather_object(everyone, ("r", R, [R] * R))
assert everyone == [("r", r, [r] * r) for r in range(W)], everyone

# Bad input raises on the calling rank, before any communication.
for bad, exc in ((lambda: dist.all_gather([torch.zeros(2)], torch.zeros(2)), RuntimeError),
                 (lambda: dist.broadcast(torch.zeros(1), src=W), RuntimeError),
                 (lambda: dist.all_reduce([torch.zeros(1)]), RuntimeError),
                 (lambda: dist.all_reduce(torch.zeros(2), op=dist.ReduceOp.BAND), RuntimeError),
                 (lambda: dist.all_to_all_single(torch.zeros(W + 1), torch.zeros(W + 1)),
                  RuntimeError),
                 (lambda: dist.gather(torch.zeros(1), [torch.zeros(1)] * W, dst=(R + 1) % W),
                  ValueError),
                 (lambda: dist.init_process_group("mpi"), RuntimeError)):
    try:
        bad()
    except exc:
        pass
    else:
        raise AssertionError(f"rank {R}: expected {exc.__name__}")
# Tensors that require grad: the communication thread writes into them outside autograd, as
# torch's c10d does (a Parameter under no_grad, and a view of one without).
p = torch.nn.Parameter(torch.full((3,), float(R + 1)))
with torch.no_grad():
    dist.all_reduce(p, op=dist.ReduceOp.AVG)
check(p.detach(), torch.full((3,), sum(range(1, W + 1)) / W), "AVG into a Parameter")
q = torch.nn.Parameter(torch.arange(6, dtype=torch.float32).reshape(2, 3) + R)
dist.broadcast(q.t(), src=W - 1)
check(q.detach(), torch.arange(6, dtype=torch.float32).reshape(2, 3) + W - 1, "view of a Parameter")

dist.barrier()
print(f"rank {R} of {W}: collectives ok", flush=True)
# Work still queued when the group is destroyed finishes (the group lives until it ran).
pending_t = torch.full((1 << 16,), float(R))
pending = dist.all_reduce(pending_t, async_op=True)
dist.destroy_process_group()
assert not dist.is_initialized()

# DistributedSampler: num_replicas and rank from the process group, indices as torch's.
import torch as reference  # noqa: E402  (PyTorch, the oracle)
import torsh.utils.data as data  # noqa: E402

dist.init_process_group("mpi")
pending.wait()
check(pending_t, torch.full((1 << 16,), float(sum(range(W)))), "async work across destroy")
for n, shuffle, drop_last in ((10, True, False), (11, True, True), (7, False, False)):
    mine = data.DistributedSampler(list(range(n)), shuffle=shuffle, drop_last=drop_last, seed=3)
    ref = reference.utils.data.DistributedSampler(list(range(n)), num_replicas=W, rank=R,
                                                  shuffle=shuffle, drop_last=drop_last, seed=3)
    for epoch in (0, 1):
        mine.set_epoch(epoch)
        ref.set_epoch(epoch)
        assert list(mine) == list(ref) and len(mine) == len(ref), (n, epoch, list(mine), list(ref))
print(f"rank {R} of {W}: sampler ok", flush=True)

# Left unwaited: the program still ends cleanly (the queue drains before MPI is finalised).
dist.all_reduce(torch.ones(1 << 16), async_op=True)
