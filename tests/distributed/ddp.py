"""Run under mpirun -np N: DistributedDataParallel against single-process training on the
concatenated batches (the same start weights: rank 0's, broadcast by DDP), with no_sync
accumulation, an unused parameter under find_unused_parameters, and buffers from rank 0.
A failed check raises, which ends the job with a non-zero status."""
import copy

import torsh as torch
import torsh.distributed as dist
from torsh import nn
from torsh.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi")
R, W = dist.get_rank(), dist.get_world_size()
B, STEPS = 4, 20


class Net(nn.Module):
    def __init__(self, unused=False):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.fc2 = nn.Linear(16, 3)
        self.extra = nn.Linear(16, 2) if unused else None

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def make(seed, **kw):
    torch.manual_seed(seed)
    return Net(**kw)


def data(step):
    g = torch.Generator().manual_seed(1000 + step)
    x = torch.randn(W * B, 6, generator=g)
    y = torch.randint(0, 3, (W * B,), generator=g)
    return x, y


def close(a, b, what):
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.allclose(p, q, rtol=1e-5, atol=1e-6), f"rank {R} {what} {name}"


loss_fn = nn.CrossEntropyLoss()

# 1. DDP on each rank's slice equals one process on the whole batch.
ref = make(100)
model = DDP(make(100 + R))  # different local start: DDP must broadcast rank 0's weights
close(model.module, ref, "after broadcast")
assert [k for k in model.state_dict()] == ["module." + k for k in ref.state_dict()]
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
for step in range(STEPS):
    x, y = data(step)
    opt.zero_grad()
    loss_fn(model(x[R * B:(R + 1) * B]), y[R * B:(R + 1) * B]).backward()
    opt.step()
    ref_opt.zero_grad()
    loss_fn(ref(x), y).backward()
    ref_opt.step()
close(model.module, ref, "after 20 steps")

# 1b. A backward that fails midway (after some gradients were bucketed) does not stop the
# averaging of later steps; and a gradient hook the user adds after wrapping applies before
# DDP averages (torch reduces what is accumulated into .grad).
ref = make(21)
model = DDP(copy.deepcopy(ref))
for p, q in zip(model.module.parameters(), ref.parameters()):
    p.register_hook(lambda g: g * 3)
    q.register_hook(lambda g: g * 3)
fail = {"now": False}


def failing_hook(grad):
    if fail["now"]:
        raise ValueError("failed on purpose")
    return grad


def attach_failing_hook(mod, args, out):
    out.register_hook(failing_hook)  # returns None: the output is unchanged


model.module.fc1.register_forward_hook(attach_failing_hook)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
for step in range(6):
    x, y = data(200 + step)
    fail["now"] = step == 2
    opt.zero_grad()
    try:
        loss_fn(model(x[R * B:(R + 1) * B]), y[R * B:(R + 1) * B]).backward()
    except ValueError:
        assert step == 2
        continue  # this step is skipped on every rank, and in the reference
    opt.step()
    ref_opt.zero_grad()
    loss_fn(ref(x), y).backward()
    ref_opt.step()
close(model.module, ref, "after a failed backward, with user hooks")

# 2. no_sync: two accumulated micro-batches, then a synchronised one, equal the sum of the
# whole-batch gradients.
ref = make(7)
model = DDP(copy.deepcopy(ref))
model.zero_grad()
ref.zero_grad()
for step in range(3):
    x, y = data(50 + step)
    local = loss_fn(model(x[R * B:(R + 1) * B]), y[R * B:(R + 1) * B])
    if step < 2:
        with model.no_sync():
            local.backward()
    else:
        local.backward()
    loss_fn(ref(x), y).backward()
for p, q in zip(model.module.parameters(), ref.parameters()):
    assert torch.allclose(p.grad, q.grad, rtol=1e-5, atol=1e-6), f"rank {R} no_sync"

# 3. An unused parameter: with find_unused_parameters training works and its grad stays None;
# without, the next forward raises torch's error.
ref = make(11, unused=True)
model = DDP(copy.deepcopy(ref), find_unused_parameters=True)
for step in range(3):
    x, y = data(80 + step)
    model.zero_grad()
    loss_fn(model(x[R * B:(R + 1) * B]), y[R * B:(R + 1) * B]).backward()
    ref.zero_grad()
    loss_fn(ref(x), y).backward()
    for (name, p), q in zip(model.module.named_parameters(), ref.parameters()):
        if name.startswith("extra"):
            assert p.grad is None, name
        else:
            assert torch.allclose(p.grad, q.grad, rtol=1e-5, atol=1e-6), f"rank {R} {name}"
strict = DDP(make(11, unused=True))
x, y = data(90)
loss_fn(strict(x[:B]), y[:B]).backward()
try:
    strict(x[:B])
except RuntimeError as e:
    assert "Expected to have finished reduction in the prior iteration" in str(e), e
else:
    raise AssertionError("an unused parameter without find_unused_parameters must raise")

# 4. Buffers: rank 0's running statistics reach every rank at each forward.
bn = DDP(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)))
for step in range(2):
    bn(torch.randn(8, 4) * (R + 1)).sum().backward()
bn.eval()
bn(torch.randn(8, 4))  # broadcasts rank 0's stats before running (eval: no update after)
stats = bn.module[1].running_var.clone()
gathered = [torch.zeros(4) for _ in range(W)]
dist.all_gather(gathered, stats)
assert all(torch.equal(g, gathered[0]) for g in gathered), "buffers differ across ranks"

print(f"rank {R} of {W}: ddp ok", flush=True)
