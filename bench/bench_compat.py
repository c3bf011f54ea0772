"""The drop-in issue's performance targets, measured: every compat program (tests/compat/*.py
under PyTorch and under torsh via `python3 -m torsh.compat`; the C++ programs of tests/compat/cpp
built against libtorch and against torsh) timed as a whole process (wall time and peak RSS,
from wait4's rusage), `import torch` against `import torsh`, and the compile time of one-file
C++ programs against each library's headers.

usage: /usr/bin/python3 bench/bench_compat.py [--rounds N] [--threads T]
                                              [--only programs|import|compile]
Needs build/ with the parity programs (and their libtorch builds: libtorch-dev). Prints a
markdown table of medians: each row names the program, torch's and torsh's time and peak RSS,
and the ratios (time: torch / torsh, > 1 means torsh is faster; memory: torsh / torch)."""
import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = "/usr/bin/python3"
FASHION = Path("/usr/share/datasets/fashion-mnist")
PY_PROGRAMS = ["fashion_mnist_classifier.py", "regression_fit.py", "char_lm.py",
               "gan_and_dataset.py"]
CPP_PROGRAMS = ["libtorch_program", "nn_program", "mnist_program", "dcgan_program",
                "regression_program"]
DATA_PROGRAMS = {"mnist_program", "dcgan_program"}


def measure(argv, env, cwd):
    """Wall seconds and peak RSS (MiB) of one process run to completion."""
    with tempfile.TemporaryFile() as errf:  # a file, not a pipe: a chatty child cannot block
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errf)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def env_for(threads, torsh):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    if torsh:
        env["PYTHONPATH"] = str(ROOT / "python")
    return env


def median_pair(run_a, run_b, rounds):
    """Alternating runs of two commands; medians of (wall, rss) for each."""
    a, b = [], []
    for _ in range(rounds):
        a.append(run_a())
        b.append(run_b())
    med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
    return (med(a, 0), med(a, 1)), (med(b, 0), med(b, 1))


def row(name, ref, ours):
    return (f"| {name} | {ref[0]:.2f} s | {ours[0]:.2f} s | {ref[0] / ours[0]:.2f}x | "
            f"{ref[1]:.0f} MiB | {ours[1]:.0f} MiB | {ours[1] / ref[1]:.2f} |")


HEADER = ("| program | PyTorch/libtorch | torsh | speed-up | peak RSS ref | peak RSS torsh | "
          "memory ratio |\n| --- | --- | --- | --- | --- | --- | --- |")


def bench_programs(rounds, threads, scratch):
    rows = []
    for prog in PY_PROGRAMS:
        path = str(ROOT / "tests" / "compat" / prog)
        ref, ours = median_pair(
            lambda: measure([PY, path], env_for(threads, False), scratch),
            lambda: measure([PY, "-m", "torsh.compat", path], env_for(threads, True), scratch),
            rounds)
        rows.append(row(f"python {prog}", ref, ours))
        print(rows[-1], flush=True)
    data = scratch / "fashion-mnist"
    data.mkdir(exist_ok=True)
    for gz in FASHION.glob("*.gz"):
        with gzip.open(gz) as src, open(data / gz.stem, "wb") as dst:
            shutil.copyfileobj(src, dst)
    for prog in CPP_PROGRAMS:
        ours_bin, ref_bin = ROOT / "build" / f"{prog}_torsh", ROOT / "build" / f"{prog}_ref"
        if not ref_bin.exists():
            print(f"skip {prog}: no libtorch build", flush=True)
            continue
        args = [str(data)] if prog in DATA_PROGRAMS else []
        ref, ours = median_pair(
            lambda: measure([str(ref_bin), *args], env_for(threads, False), scratch),
            lambda: measure([str(ours_bin), *args], env_for(threads, False), scratch), rounds)
        rows.append(row(f"C++ {prog}", ref, ours))
        print(rows[-1], flush=True)
    return rows


def bench_import(rounds, scratch):
    ref, ours = median_pair(
        lambda: measure([PY, "-c", "import torch"], env_for(1, False), scratch),
        lambda: measure([PY, "-c", "import torsh"], env_for(1, True), scratch), max(rounds, 5))
    line = row("`import torch` / `import torsh`", ref, ours)
    print(line, flush=True)
    return [line]


COMPILE_SOURCE = """#include <torch/torch.h>
#include <iostream>
int main() {
  torch::manual_seed(0);
  torch::nn::Linear fc(4, 2);
  auto x = torch::randn({3, 4});
  auto loss = fc->forward(x).relu().sum();
  loss.backward();
  std::cout << loss.item<float>() << "\\n" << fc->weight.grad() << "\\n";
}
"""


def bench_compile(rounds, scratch):
    """g++ -O2 of one libtorch-style file: against libtorch's headers and library, and against
    torsh's compat header and libtorsh.a (compile and link, ccache off)."""
    src = scratch / "one_file.cpp"
    src.write_text(COMPILE_SOURCE)
    common = ["g++", "-std=c++17", "-O2", "-w", str(src)]
    libtorch = common + ["-o", str(scratch / "a_ref"), "-I/usr/include/torch/csrc/api/include",
                         "-ltorch", "-ltorch_cpu", "-lc10"]
    torsh = ["g++", "-std=c++20", "-O2", "-w", str(src), "-o", str(scratch / "a_torsh"),
             f"-I{ROOT}/include/torsh/compat", f"-I{ROOT}/include",
             f"-I{ROOT}/build/generated/include", f"-L{ROOT}/build", "-l:libtorsh.a", "-fopenmp",
             "-lopenblas", "-lhwy", "-ldnnl", "-lz"]
    env = dict(os.environ, CCACHE_DISABLE="1")
    ref, ours = median_pair(lambda: measure(libtorch, env, scratch),
                            lambda: measure(torsh, env, scratch), rounds)
    line = row("compile one file (g++ -O2)", ref, ours)
    print(line, flush=True)
    print("command: " + " ".join(libtorch) + "\ncommand: " + " ".join(torsh), flush=True)
    return [line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", choices=["programs", "import", "compile"])
    args = ap.parse_args()
    print(f"{args.rounds} rounds, OMP_NUM_THREADS={args.threads}, medians\n\n{HEADER}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        if args.only in (None, "import"):
            rows += bench_import(args.rounds, scratch)
        if args.only in (None, "compile"):
            rows += bench_compile(args.rounds, scratch)
        if args.only in (None, "programs"):
            rows += bench_programs(args.rounds, args.threads, scratch)
    print("\n" + HEADER + "\n" + "\n".join(rows))


if __name__ == "__main__":
    sys.exit(main())
