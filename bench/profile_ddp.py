"""Phase times of DDP training (zero_grad, forward, backward, step), for bench/RESULTS.md.
usage: mpirun -np 2 --bind-to none python3 bench/profile_ddp.py ddp|local
Rank 0 prints the median milliseconds of each phase over 350 steps (MLP 784-512-256-10,
batch 64, random data)."""
import time, statistics, sys, torsh as torch, torsh.distributed as dist
from torsh import nn
torch.set_num_threads(1)
dist.init_process_group("mpi")
r = dist.get_rank()
torch.manual_seed(0)
m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
ddp = sys.argv[1] == "ddp"
model = nn.parallel.DistributedDataParallel(m) if ddp else m
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(64, 784); y = torch.randint(0, 10, (64,))
lf = nn.CrossEntropyLoss()
ph = {"zero": [], "fwd": [], "bwd": [], "step": []}
for i in range(400):
    t0 = time.perf_counter(); opt.zero_grad(); t1 = time.perf_counter()
    loss = lf(model(x), y); t2 = time.perf_counter()
    loss.backward(); t3 = time.perf_counter()
    opt.step(); t4 = time.perf_counter()
    if i >= 50:
        for k, a, b in (("zero", t0, t1), ("fwd", t1, t2), ("bwd", t2, t3), ("step", t3, t4)): ph[k].append(b - a)
if r == 0: print(sys.argv[1], {k: round(statistics.median(v) * 1e3, 3) for k, v in ph.items()})
