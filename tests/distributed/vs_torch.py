"""The same data-parallel script under torch (gloo, 2 processes from torch.multiprocessing) and
under torsh (MPI, mpirun -np 2): each rank writes what it saw to OUT/rank<r>.json, and
tests/python/test_distributed.py compares the two runs.

usage: python3 vs_torch.py torch OUT        (spawns its 2 ranks)
       mpirun -np 2 python3 vs_torch.py torsh OUT"""
import json
import os
import sys


def body(torch, rank, world, out):
    dist = torch.distributed
    nn = torch.nn
    got = {}
    for op in ("SUM", "MAX", "MIN", "PRODUCT"):
        for dtype in ("float32", "int64"):
            t = torch.tensor([rank + 1, 5 - 2 * rank, 3], dtype=getattr(torch, dtype))
            dist.all_reduce(t, op=getattr(dist.ReduceOp, op))
            got[f"all_reduce {op} {dtype}"] = t.tolist()
    t = torch.arange(4, dtype=torch.float64) * (rank + 2)
    dist.broadcast(t, src=1)
    got["broadcast"] = t.tolist()
    t = torch.tensor([rank * 1.5, 2.0])
    dist.reduce(t, dst=0)
    got["reduce on dst"] = t.tolist() if rank == 0 else None
    outs = [torch.zeros(3, dtype=torch.int32) for _ in range(world)]
    dist.all_gather(outs, torch.tensor([rank, rank * 10, -rank], dtype=torch.int32))
    got["all_gather"] = [o.tolist() for o in outs]
    gl = [torch.zeros(2) for _ in range(world)] if rank == 1 else None
    dist.gather(torch.tensor([rank + 0.25, -1.0]), gl, dst=1)
    got["gather"] = [g.tolist() for g in gl] if rank == 1 else None
    sc = torch.zeros(2, dtype=torch.int64)
    dist.scatter(sc, [torch.tensor([7, r]) for r in range(world)] if rank == 0 else None, src=0)
    got["scatter"] = sc.tolist()
    buf = torch.zeros(3)
    if rank == 0:
        dist.send(torch.tensor([1.0, 2.0, 3.0]), dst=1)
    else:
        got["recv from"] = dist.recv(buf, src=0)
    got["recv"] = buf.tolist()
    objs = [None] * world
    dist.all_gather_object(objs, {"rank": rank, "items": list(range(rank + 1))})
    got["all_gather_object"] = objs
    dist.barrier()

    data = list(range(23))
    for shuffle, drop_last in ((True, False), (True, True), (False, False)):
        s = torch.utils.data.distributed.DistributedSampler(data, shuffle=shuffle, seed=5,
                                                            drop_last=drop_last)
        for epoch in (0, 1):
            s.set_epoch(epoch)
            got[f"sampler {shuffle} {drop_last} {epoch}"] = list(s)

    torch.manual_seed(0)  # the same start on every rank, from the PyTorch-identical generator
    model = nn.parallel.DistributedDataParallel(
        nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2)))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    g = torch.Generator().manual_seed(42)
    for step in range(10):
        x = torch.randn(world * 4, 5, generator=g)
        y = torch.randn(world * 4, 2, generator=g)
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x[rank * 4:(rank + 1) * 4]), y[rank * 4:(rank + 1) * 4])
        loss.backward()
        opt.step()
    got["ddp params"] = {k: v.flatten().tolist() for k, v in model.state_dict().items()}
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(got, f)


def torch_rank(rank, world, out):
    import torch
    torch.set_num_threads(1)
    torch.distributed.init_process_group("gloo", init_method="tcp://127.0.0.1:29541",
                                         rank=rank, world_size=world)
    body(torch, rank, world, out)
    torch.distributed.destroy_process_group()


if __name__ == "__main__":
    lib, out = sys.argv[1], sys.argv[2]
    if lib == "torch":
        import torch.multiprocessing as mp
        mp.spawn(torch_rank, args=(2, out), nprocs=2)
    else:
        import torsh
        torsh.distributed.init_process_group("mpi")
        body(torsh, torsh.distributed.get_rank(), torsh.distributed.get_world_size(), out)
