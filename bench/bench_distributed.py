"""Issue 12's distributed figures, torsh (MPI, mpirun) beside torch's gloo DDP
(torch.multiprocessing), on this machine, 1 thread per rank:

1. all_reduce of 64 MiB float32 on 2 ranks: median time and bus bandwidth
   (2 (p - 1) / p * bytes / time), with a 64 MiB memory copy as the machine's limit.
2. DDP MLP 784-512-256-10 on Fashion-MNIST, SGD momentum, batch 64 per rank: samples/s of
   1 rank without DDP, 2 ranks with DDP (torsh and torch), and 2 ranks training without
   communication (the overlap target: DDP step time at most 1.15x of that).

usage: /usr/bin/python3 bench/bench_distributed.py [--steps N] [--rounds R]
Prints a markdown table of medians over rounds."""
import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = "/usr/bin/python3"
FASHION = Path("/usr/share/datasets/fashion-mnist")
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]
ALLREDUCE_MB = 64


def load_images(n):
    """The first n Fashion-MNIST training images (float, scaled) and labels, as numpy."""
    import numpy as np
    with gzip.open(FASHION / "train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16)[:n * 784]
    with gzip.open(FASHION / "train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:n]
    return (x.reshape(n, 784).astype(np.float32) / 255.0 - 0.2860) / 0.3530, y.astype(np.int64)


# ---- workers (run inside each rank) ----

def worker(lib_name, mode, rank, world, steps, out):
    import numpy as np
    lib = __import__(lib_name)
    lib.set_num_threads(1)
    dist = lib.distributed
    if world > 1 and mode != "local":
        if lib_name == "torch":
            dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29533", rank=rank,
                                    world_size=world)
        else:
            dist.init_process_group("mpi")
    if mode == "allreduce":
        t = lib.ones(ALLREDUCE_MB * 1024 * 1024 // 4)
        for _ in range(3):
            dist.all_reduce(t)
        times = []
        for _ in range(steps):
            dist.barrier()
            s = time.perf_counter()
            dist.all_reduce(t)
            times.append(time.perf_counter() - s)
        result = statistics.median(times)
    else:
        nn = lib.nn
        lib.manual_seed(0)
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                              nn.Linear(256, 10))
        if mode == "ddp":
            model = nn.parallel.DistributedDataParallel(model)
        opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()
        x, y = load_images(64 * world * 50)
        xs = lib.from_numpy(np.ascontiguousarray(x))
        ys = lib.from_numpy(np.ascontiguousarray(y))
        batches = [(xs[i:i + 64], ys[i:i + 64]) for i in range(rank * 64, len(y), 64 * world)]
        warm = 10
        for i in range(steps + warm):
            if i == warm:
                start = time.perf_counter()
            bx, by = batches[i % len(batches)]
            opt.zero_grad()
            loss_fn(model(bx), by).backward()
            opt.step()
        result = (time.perf_counter() - start) / steps  # seconds per step
    if world > 1 and mode != "local":
        dist.barrier()
    if rank == 0:
        Path(out).write_text(repr(result))


def torch_spawn_entry(rank, world, mode, steps, out):
    worker("torch", mode, rank, world, steps, out)


# ---- driver ----

def env1():
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", OMP_WAIT_POLICY="PASSIVE",
               PYTHONPATH=str(ROOT / "python") + os.pathsep + env.get("PYTHONPATH", ""))
    return env


def run_torsh(mode, world, steps):
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        me = [PY, str(Path(__file__).resolve()), "--worker", "torsh", mode, str(world),
              str(steps), f.name]
        cmd = MPIRUN + ["-np", str(world)] + me if world > 1 and mode != "local" else me
        if mode == "local" and world > 1:  # ranks training side by side, no communication
            cmd = MPIRUN + ["-np", str(world)] + me
        subprocess.run(cmd, check=True, env=env1(), stdout=subprocess.DEVNULL)
        return float(Path(f.name).read_text())


def run_torch(mode, world, steps):
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        code = ("import sys; sys.path.insert(0, %r); import bench_distributed as b; "
                "import torch.multiprocessing as mp; "
                "mp.spawn(b.torch_spawn_entry, args=(%d, %r, %d, %r), nprocs=%d)"
                % (str(ROOT / "bench"), world, mode, steps, f.name, world))
        if world == 1:
            code = ("import sys; sys.path.insert(0, %r); import bench_distributed as b; "
                    "b.worker('torch', %r, 0, 1, %d, %r)" % (str(ROOT / "bench"), mode, steps,
                                                              f.name))
        env = env1()
        env.pop("PYTHONPATH")
        subprocess.run([PY, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)
        return float(Path(f.name).read_text())


def copy_bandwidth():
    import numpy as np
    a = np.ones(ALLREDUCE_MB * 1024 * 1024 // 4, dtype=np.float32)
    b = np.empty_like(a)
    times = []
    for _ in range(20):
        s = time.perf_counter()
        np.copyto(b, a)
        times.append(time.perf_counter() - s)
    return a.nbytes / statistics.median(times) / 1e9


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        lib, mode, world, steps, out = sys.argv[2:7]
        rank = int(os.environ.get("OMPI_COMM_WORLD_RANK", "0"))
        worker(lib, mode, rank, int(world), int(steps), out)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    med = lambda xs: statistics.median(xs)  # noqa: E731
    nbytes = ALLREDUCE_MB * 1024 * 1024
    ar = {"torsh": [], "torch": []}
    runs = {k: [] for k in ("torsh 1", "torsh local 2", "torsh ddp 2", "torch 1", "torch ddp 2")}
    for _ in range(args.rounds):
        ar["torsh"].append(run_torsh("allreduce", 2, 20))
        ar["torch"].append(run_torch("allreduce", 2, 20))
        runs["torsh 1"].append(run_torsh("local", 1, args.steps))
        runs["torsh local 2"].append(run_torsh("local", 2, args.steps))
        runs["torsh ddp 2"].append(run_torsh("ddp", 2, args.steps))
        runs["torch 1"].append(run_torch("local", 1, args.steps))
        runs["torch ddp 2"].append(run_torch("ddp", 2, args.steps))
    bus = {k: 2 * (2 - 1) / 2 * nbytes / med(v) / 1e9 for k, v in ar.items()}
    print(f"{args.rounds} rounds, 1 thread per rank, medians\n")
    print("| all_reduce 64 MiB float32, 2 ranks | time | bus bandwidth |")
    print("| --- | --- | --- |")
    for k in ("torsh", "torch"):
        print(f"| {k} ({'MPI' if k == 'torsh' else 'gloo'}) | {med(ar[k]) * 1e3:.1f} ms | "
              f"{bus[k]:.2f} GB/s |")
    print(f"| memory copy of 64 MiB (the limit) | | {copy_bandwidth():.2f} GB/s |")
    print(f"\nall_reduce bus bandwidth ratio torsh/torch: {bus['torsh'] / bus['torch']:.2f}\n")
    print("| DDP MLP 784-512-256-10, batch 64 per rank | step time | samples/s (all ranks) |")
    print("| --- | --- | --- |")
    sps = {}
    for k, v in runs.items():
        world = 2 if k.endswith("2") else 1
        sps[k] = 64 * world / med(v)
        print(f"| {k} rank(s) | {med(v) * 1e3:.2f} ms | {sps[k]:.0f} |")
    print(f"\n2-rank DDP scaling over 1 rank (torsh): {sps['torsh ddp 2'] / sps['torsh 1']:.2f}x")
    print(f"torsh DDP over torch DDP (2 ranks): {sps['torsh ddp 2'] / sps['torch ddp 2']:.2f}x")
    print(f"DDP step time over no-communication step time (torsh, 2 ranks): "
          f"{med(runs['torsh ddp 2']) / med(runs['torsh local 2']):.2f}")


if __name__ == "__main__":
    main()
