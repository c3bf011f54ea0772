"""Python side of bench/: per-op overhead of `a + b` on 1-element tensors, and a few ops; RSS
held after freeing 1 GiB. Usage: bench_py.py torsh|torch  (prints "workload median_ns" lines,
and "py_rss_<phase>_MiB value" lines)."""
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))


def run(name, fn, iters, samples=15):
    for _ in range(max(1, iters // 4)):
        fn()
    ts = []
    for _ in range(samples):
        t0 = time.perf_counter_ns()
        for _ in range(iters):
            fn()
        ts.append((time.perf_counter_ns() - t0) / iters)
    print(f"{name} {statistics.median(ts):.1f}", flush=True)


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_after_free(lib):
    """RSS before, at the peak and after freeing 1 GiB held in tensors of 256, 128, 64 and
    4 MiB (half of them op outputs): memory held after use."""
    before = rss_mib()
    keep = [lib.rand(n) if i % 2 == 0 else lib.rand(n) + 1
            for n, k in ((1 << 26, 2), (1 << 25, 2), (1 << 24, 3), (1 << 20, 16))
            for i in range(k)]
    peak = rss_mib()
    del keep
    for phase, v in (("before", before), ("peak", peak), ("after_free", rss_mib())):
        print(f"py_rss_{phase}_MiB {v:.1f}", flush=True)


def main():
    lib = __import__(sys.argv[1])
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    lib.set_num_threads(threads)
    rss_after_free(lib)  # first: a clean process to measure
    a, b = lib.ones(1), lib.ones(1)
    run("py_overhead_add_1elem", lambda: a + b, 20000)
    run("py_overhead_add_scalar_1elem", lambda: a + 1.0, 20000)
    x = lib.rand(1 << 24)
    y = lib.rand(1 << 24)
    run("py_add_2^24", lambda: x + y, 10, 9)
    m = lib.rand(256, 256)
    run("py_matmul_256", lambda: m @ m, 50, 9)


if __name__ == "__main__":
    main()
