"""Per-call cost of common Python calls on a 1-element tensor, for one library:
`/usr/bin/python3 bench/call_overhead.py torsh|torch` (best of 5 x 200,000 calls each).
Used to check what the __torch_function__ checks and the out= adapters add to plain calls."""
import sys
import timeit

torch = __import__(sys.argv[1])
F = torch.nn.functional
x = torch.ones(1)
y = torch.ones(1)
m = torch.ones(1, 1)
CASES = {
    "x + y": lambda: x + y,
    "torch.add(x, y)": lambda: torch.add(x, y),
    "x.exp()": lambda: x.exp(),
    "x.to(float32)": lambda: x.to(torch.float32),
    "x.float()": lambda: x.float(),
    "F.relu(x)": lambda: F.relu(x),
    "x.detach()": lambda: x.detach(),
    "x.size()": lambda: x.size(),
    "x.shape": lambda: x.shape,
    "torch.cat([x, y])": lambda: torch.cat([x, y]),
    "x[0]": lambda: x[0],
    "x * 2": lambda: x * 2,
    "x.item()": lambda: x.item(),
    "torch.matmul(m, m)": lambda: torch.matmul(m, m),
    "torch.sum(m, 0)": lambda: torch.sum(m, 0),
}
for name, fn in CASES.items():
    n = 200000
    best = min(timeit.repeat(fn, number=n, repeat=5)) / n * 1e9
    print(f"{name:20s} {best:7.0f} ns")
