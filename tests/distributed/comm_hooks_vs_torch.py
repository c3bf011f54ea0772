"""DDP communication hooks: the same script under torch (gloo, 2 processes from
torch.multiprocessing) and under torsh (MPI, mpirun -np 2). For each case every rank records
what its hook saw in each bucket (index, is_last, the local buffer, parameter shapes, the
per-parameter gradient views, the future's result), the gradients after the last backward and
the parameters after training, into OUT/rank<r>.json; tests/python/test_distributed_extra.py
compares the two runs. Small bucket limits make several buckets (torch rebuilds them after the
first backward, in gradient order, which the records show).

usage: python3 comm_hooks_vs_torch.py torch OUT      (spawns its 2 ranks)
       mpirun -np 2 python3 comm_hooks_vs_torch.py torsh OUT"""
import json
import os
import sys

FIRST_BUCKET_BYTES = 100
BUCKET_CAP_MB = 120 / (1024 * 1024)
STEPS = 3


class Net:
    """A factory for the model: three Linear layers, an optional layer used only on rank 0 and
    one never used."""

    @staticmethod
    def make(torch, rank, extras):
        nn = torch.nn

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(5, 8)
                self.fc2 = nn.Linear(8, 4)
                self.fc3 = nn.Linear(4, 2)
                if extras:
                    self.rank0_only = nn.Linear(4, 2)
                    self.never = nn.Linear(3, 3)

            def forward(self, x):
                h = torch.tanh(self.fc2(torch.tanh(self.fc1(x))))
                out = self.fc3(h)
                if extras and rank == 0:
                    out = out + 0.5 * self.rank0_only(h)
                return out

        return Model()


def recorder(torch, records, inner, step):
    """A hook that records the bucket, then runs `inner` and records its future's result."""
    def hook(state, bucket):
        rec = {"step": step[0], "index": bucket.index(), "last": bucket.is_last(),
               "buffer": bucket.buffer().tolist(),
               "shapes": [list(p.shape) for p in bucket.parameters()],
               "grads": [g.flatten().tolist() for g in bucket.gradients()]}
        records.append(rec)
        fut = inner(state, bucket)

        def keep(f):
            rec["result"] = f.value().float().tolist()
            return f.value()

        return fut.then(keep)
    return hook


def scaled_local(torch, rank):
    """No communication: the bucket times (rank + 1), through set_buffer and a Future set by
    hand (each rank keeps its own gradients)."""
    def hook(state, bucket):
        bucket.set_buffer(bucket.buffer() * (rank + 1))
        fut = torch.futures.Future()
        fut.set_result(bucket.buffer())
        return fut
    return hook


def run_case(torch, rank, world, case):
    hooks = torch.distributed.algorithms.ddp_comm_hooks
    default = hooks.default_hooks
    torch.manual_seed(0)
    extras = case == "unused"
    model = torch.nn.parallel.DistributedDataParallel(
        Net.make(torch, rank, extras), bucket_cap_mb=BUCKET_CAP_MB,
        find_unused_parameters=extras)
    records, step = [], [0]
    if case == "fp16 by type":
        hooks.register_ddp_comm_hook(hooks.DDPCommHookType.FP16_COMPRESS, model)
    else:
        inner = {"allreduce": default.allreduce_hook, "unused": default.allreduce_hook,
                 "no_sync": default.allreduce_hook, "fp16": default.fp16_compress_hook,
                 "bf16": default.bf16_compress_hook,
                 "fp16 wrapper": default.fp16_compress_wrapper(default.allreduce_hook),
                 "scaled local": scaled_local(torch, rank)}[case]
        model.register_comm_hook(None, recorder(torch, records, inner, step))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    g = torch.Generator().manual_seed(7)
    for s in range(STEPS):
        step[0] = s
        x = torch.randn(world * 4, 5, generator=g)
        y = torch.randn(world * 4, 2, generator=g)
        xs, ys = x[rank * 4:(rank + 1) * 4], y[rank * 4:(rank + 1) * 4]
        opt.zero_grad()
        if case == "no_sync":
            with model.no_sync():
                torch.nn.functional.mse_loss(model(xs * 0.5), ys).backward()
        torch.nn.functional.mse_loss(model(xs), ys).backward()
        grads = {n: (p.grad.flatten().tolist() if p.grad is not None else None)
                 for n, p in model.named_parameters()}
        opt.step()
    params = {k: v.flatten().tolist() for k, v in model.state_dict().items()}
    return {"records": records, "grads": grads, "params": params}


def registration_errors(torch, rank):
    """register_comm_hook's checks: (exception type, message) of each bad registration."""
    dist = torch.distributed
    model = torch.nn.parallel.DistributedDataParallel(Net.make(torch, rank, False))

    def bad_bucket(state, bucket: int):
        pass

    def bad_return(state, bucket) -> int:
        pass

    def no_bucket(state, grads):
        pass

    def good(state, bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
        pass

    outcomes = []
    for hook in ("not callable", bad_bucket, bad_return, no_bucket, good, good):
        try:
            model.register_comm_hook(None, hook)
            outcomes.append("ok")
        except Exception as e:  # noqa: BLE001 - the outcome is compared with torch's
            outcomes.append([type(e).__name__, str(e).split("\n")[0]])
    return outcomes


def body(torch, rank, world, out, cases):
    torch.distributed._DEFAULT_FIRST_BUCKET_BYTES = FIRST_BUCKET_BYTES
    got = {case: run_case(torch, rank, world, case) for case in cases}
    got["registration errors"] = registration_errors(torch, rank)
    with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
        json.dump(got, f)


CASES = ["allreduce", "unused", "no_sync", "fp16", "fp16 by type", "fp16 wrapper",
         "scaled local"]


def torch_rank(rank, world, out):
    import torch
    import torch.distributed.algorithms.ddp_comm_hooks  # noqa: F401
    torch.set_num_threads(1)
    torch.distributed.init_process_group("gloo", init_method="tcp://127.0.0.1:29563",
                                         rank=rank, world_size=world)
    body(torch, rank, world, out, CASES)
    torch.distributed.destroy_process_group()


if __name__ == "__main__":
    lib, out = sys.argv[1], sys.argv[2]
    if lib == "torch":
        import torch.multiprocessing as mp
        mp.spawn(torch_rank, args=(2, out), nprocs=2)
    else:
        import torsh
        import torsh.distributed.algorithms.ddp_comm_hooks  # noqa: F401
        torsh.distributed.init_process_group("mpi")
        # bf16: torch refuses the hook on CPU (gloo has no bfloat16), so it runs here only
        body(torsh, torsh.distributed.get_rank(), torsh.distributed.get_world_size(), out,
             CASES + ["bf16"])
