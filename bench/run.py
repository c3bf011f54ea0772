"""Runs every workload in torsh and in PyTorch (libtorch C++ and torch Python), at 1 and 2
threads, and prints medians and the torsh/PyTorch speedup; --write updates bench/RESULTS.md.
Positional arguments filter the C++ workloads by substring (several allowed, e.g. `sum_ max_`);
--cpp-only skips the Python and no-cache runs; --baseline=PATH also runs another bench_torsh
binary (built from an earlier commit) and adds its times as a "before" column.

Both sides get the same OMP_NUM_THREADS and OPENBLAS_NUM_THREADS in their own process. PyTorch's
OpenMP spin-waiting slows its 2-thread runs on a 2-core machine, so its 2-thread figures are also
taken with OMP_WAIT_POLICY=PASSIVE and the better of the two is compared."""
import datetime
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, "build", "bench")


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def run_once(cmd, threads, extra=None):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env.update(extra or {})
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.strip()}


RSS = {}  # (API, library) -> {phase: MiB}: memory held after use, from the 1-thread runs


def run(cmd, threads, extra=None):
    """Best of ROUNDS process runs (each itself a median): the machine is shared and drifts,
    and the two sides are run alternately by the caller. RSS lines ("...rss_<phase>_MiB") are
    set aside in RSS (the last round's)."""
    best = {}
    for _ in range(ROUNDS):
        for k, v in run_once(cmd, threads, extra).items():
            if "rss_" in k:
                if threads == 1 and extra is None:
                    api = "Python" if k.startswith("py_") else "C++"
                    ours = os.path.basename(cmd[0]) == "bench_torsh" or cmd[-1] == "torsh"
                    lib = "torsh" if ours else "PyTorch"
                    RSS.setdefault((api, lib), {})[k.split("rss_", 1)[1][:-len("_MiB")]] = v
                continue
            best[k] = min(v, best.get(k, v))
    return best


def rss_table():
    lines = ["| API | library | RSS before | at peak | after freeing all |",
             "| --- | --- | --- | --- | --- |"]
    for (api, lib), r in sorted(RSS.items()):
        lines.append(f"| {api} | {lib} | {r.get('before', 0):.0f} MiB | {r.get('peak', 0):.0f} MiB | "
                     f"{r.get('after_free', 0):.0f} MiB |")
    return "\n".join(lines)


def fmt_ns(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= div:
            return f"{ns / div:.2f} {unit}"
    return f"{ns:.0f} ns"


def main():
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = []
    cpp_only = "--cpp-only" in sys.argv
    baseline = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--baseline=")), None)

    def cpp(binary, threads, extra=None):
        out = {}
        for f in only or [None]:
            out.update(run([os.path.join(BUILD, binary)] + ([f] if f else []), threads, extra))
        return out

    def py(lib, threads, extra=None):
        if cpp_only:
            return {}
        return run(["/usr/bin/python3", os.path.join(HERE, "bench_py.py"), lib], threads, extra)

    before = {}
    for threads in (1, 2):
        if baseline:
            before.update({(threads, k): v for k, v in cpp(baseline, threads).items()})
        t_cpp = cpp("bench_torsh", threads)
        l_cpp = cpp("bench_libtorch", threads)
        t_py = py("torsh", threads)
        l_py = py("torch", threads)
        t_nc = {} if cpp_only else run([os.path.join(BUILD, "bench_torsh"), "2^24", "nocache"],
                                       threads)
        if threads > 1:
            passive = {"OMP_WAIT_POLICY": "PASSIVE"}
            l_cpp2 = cpp("bench_libtorch", threads, passive)
            l_py2 = py("torch", threads, passive)
            l_cpp = {k: min(v, l_cpp2.get(k, v)) for k, v in l_cpp.items()}
            l_py = {k: min(v, l_py2.get(k, v)) for k, v in l_py.items()}
        for src_t, src_l, tag in ((t_cpp, l_cpp, "C++"), (t_py, l_py, "Python")):
            for k, v in src_t.items():
                if k in src_l:
                    rows.append((threads, tag, k, v, src_l[k]))
        for k, v in t_nc.items():
            if k in l_cpp:
                rows.append((threads, "C++ no cache", k, v, l_cpp[k]))
    lines = ["| threads | API | workload | torsh | PyTorch | speedup (PyTorch time / torsh time) |",
             "| --- | --- | --- | --- | --- | --- |"]
    if baseline:
        lines = ["| threads | API | workload | torsh before | torsh | PyTorch | torsh before / torsh "
                 "| speedup (PyTorch time / torsh time) |", "| --- " * 8 + "|"]
    for threads, tag, k, t, l in rows:
        b = before.get((threads, k)) if tag == "C++" else None
        if baseline:
            old = f"{fmt_ns(b)} | {fmt_ns(t)} | {fmt_ns(l)} | {b / t:.2f}x" if b else \
                f"- | {fmt_ns(t)} | {fmt_ns(l)} | -"
            lines.append(f"| {threads} | {tag} | {k} | {old} | {l / t:.2f}x |")
        else:
            lines.append(f"| {threads} | {tag} | {k} | {fmt_ns(t)} | {fmt_ns(l)} | {l / t:.2f}x |")
    table = "\n".join(lines)
    print(table)
    rss = ""
    if RSS:
        rss = ("\n\nMemory held after use (1 GiB in 23 tensors, then all freed; "
               "/proc/self/statm, 1 thread):\n\n" + rss_table())
        print(rss)
    if "--write" in sys.argv:
        cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                    if ln.startswith("model name")), platform.processor())
        torch_version = subprocess.run(["/usr/bin/python3", "-c", "import torch;print(torch.__version__)"],
                                       capture_output=True, text=True).stdout.strip()
        with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
            f.write(f"# Benchmark results\n\nDate: {datetime.date.today()}  \nMachine: {cpu}, "
                    f"{os.cpu_count()} cores  \nPyTorch: Debian torch {torch_version} (libtorch-dev "
                    f"for C++)  \nCommand: `bash scripts/bench.sh` (per workload: best of {ROUNDS} "
                    f"process runs, each the median of 7-15 samples; "
                    f"'no cache' = torsh with its caching allocator disabled)\n\n{table}{rss}\n")


if __name__ == "__main__":
    main()
