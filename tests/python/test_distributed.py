"""torsh.distributed under mpirun: the collectives checked by hand on 2 and 3 ranks (Python and
C++), DistributedSampler against torch's, the torchrun-style launcher, and failing ranks ending
the job instead of hanging."""
import os
import pathlib
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "tests" / "distributed"
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "python") + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"
    return env


def _run(cmd, timeout=120):
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(),
                          cwd=ROOT)
    return proc, time.monotonic() - start


# Each program checks its results on every rank and prints "rank r of n: <what> ok" lines.
PROGRAMS = {
    "python collectives": ([sys.executable, str(DIST / "collectives.py")],
                           ["collectives ok", "sampler ok"]),
    "ddp matches one process": ([sys.executable, str(DIST / "ddp.py")], ["ddp ok"]),
    "c++ collectives": ([str(ROOT / "build" / "dist_collectives")], ["C++ collectives ok"]),
}


@pytest.mark.parametrize("ranks", [2, 3])
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_program_on_ranks(program, ranks):
    command, markers = PROGRAMS[program]
    proc, _ = _run(MPIRUN + ["-np", str(ranks)] + command)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for r in range(ranks):
        for marker in markers:
            assert f"rank {r} of {ranks}: {marker}" in proc.stdout


def test_launcher_sets_torchrun_environment(tmp_path):
    script = tmp_path / "show_env.py"
    script.write_text(
        "import os, sys, torsh.distributed as dist\n"
        "dist.init_process_group('mpi')\n"
        "e = os.environ\n"
        "line = ' '.join(str(v) for v in (dist.get_rank(), e['RANK'], e['LOCAL_RANK'],\n"
        "    e['WORLD_SIZE'], e['LOCAL_WORLD_SIZE'], e['MASTER_ADDR'], e['OMP_NUM_THREADS'],\n"
        "    sys.argv[1:]))\n"
        f"open(os.path.join({str(tmp_path)!r}, 'rank' + e['RANK']), 'w').write(line)\n")
    proc, _ = _run([sys.executable, "-m", "torsh.distributed.run", "--nproc-per-node", "3",
                    str(script), "--lr", "0.1"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for r in range(3):
        line = (tmp_path / f"rank{r}").read_text()
        assert line == f"{r} {r} {r} 3 3 127.0.0.1 1 ['--lr', '0.1']", line


@pytest.mark.parametrize("how", ["raise", "exit", "timeout"])
def test_failing_rank_ends_the_job(how):
    proc, seconds = _run(MPIRUN + ["-np", "2", sys.executable, str(DIST / "faults.py"), how],
                         timeout=60)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "was not stopped" not in out
    assert seconds < 30, seconds  # the sleeping rank is stopped, not waited for
    if how == "raise":
        assert "rank 1 failed on purpose" in out
        assert "torsh.distributed: rank 1 raised ValueError; ending the job" in out
    elif how == "exit":
        assert "Exit code:    3" in out
    else:
        assert "all_reduce on rank 0: timed out after 1000 ms" in out


def test_api_before_init_and_bad_backend():
    import torsh.distributed as dist
    assert dist.is_available() and dist.is_mpi_available() and not dist.is_initialized()
    with pytest.raises(RuntimeError, match="Default process group has not been initialized"):
        dist.get_rank()
    with pytest.raises(ValueError, match="Invalid backend: 'bogus'"):
        dist.init_process_group("bogus")
    with pytest.raises(RuntimeError, match="doesn't have GLOO built in"):
        dist.init_process_group("gloo")
    assert dist.ReduceOp.SUM == dist.ReduceOp.RedOpType.SUM
    assert dist.ReduceOp.MAX != dist.ReduceOp.MIN


def test_main_job_trains_data_parallel(tmp_path):
    """scripts/run.sh --ranks 2 runs torsh-train under mpirun: one epoch of the MLP, rank 0
    reporting, the global batch split over the ranks."""
    out = tmp_path / "run"
    proc, _ = _run(["bash", str(ROOT / "scripts" / "run.sh"), "--ranks", "2", "--model", "mlp",
                    "--epochs", "1", "--out", str(out)], timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 ranks (DDP, 32 per rank)" in proc.stdout
    assert proc.stdout.count("test accuracy:") == 1  # rank 0 alone reports
    accuracy = float(proc.stdout.rsplit("test accuracy:", 1)[1].split()[0])
    assert accuracy > 0.82, accuracy  # one process reaches about 0.85 after one epoch
    assert (out / "model.pt").exists() and (out / "metrics.csv").exists()


def test_same_script_as_torch_gloo_ddp(tmp_path):
    """tests/distributed/vs_torch.py under torch (gloo, torch.multiprocessing) and under torsh
    (mpirun): the collectives' results, the sampler order and the DDP parameters agree; and the
    C++ DDP program (tests/distributed/ddp_program.cpp) ends with torch's parameters too."""
    import json
    runs = {}
    for lib in ("torch", "torsh"):
        out = tmp_path / lib
        out.mkdir()
        script = [sys.executable, str(DIST / "vs_torch.py"), lib, str(out)]
        proc, _ = _run(script if lib == "torch" else MPIRUN + ["-np", "2"] + script)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        runs[lib] = [json.loads((out / f"rank{r}.json").read_text()) for r in range(2)]
    # The C++ program (the C++ Reducer) trains the same model on the same data.
    proc, _ = _run(MPIRUN + ["-np", "2", str(ROOT / "build" / "dist_ddp_program")])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs["c++"] = {line.split()[0]: [float(v) for v in line.split()[1:]]
                   for line in proc.stdout.splitlines() if line.startswith("module.")}
    assert sorted(runs["c++"]) == sorted(runs["torch"][0]["ddp params"])
    for name, values in runs["c++"].items():
        for a, b in zip(runs["torch"][0]["ddp params"][name], values, strict=True):
            assert abs(a - b) <= 1e-5 + 1e-5 * abs(a), ("c++", name, a, b)
    for r in range(2):
        ref, got = runs["torch"][r], runs["torsh"][r]
        assert sorted(ref) == sorted(got)
        for key in ref:
            if key == "ddp params":
                assert sorted(ref[key]) == sorted(got[key])
                for name in ref[key]:
                    for a, b in zip(ref[key][name], got[key][name], strict=True):
                        assert abs(a - b) <= 1e-5 + 1e-5 * abs(a), (r, name, a, b)
            else:
                assert ref[key] == got[key], (r, key, ref[key], got[key])
