"""torsh.distributed's later additions: DDP communication hooks (against torch's gloo DDP on the
same script), batch_isend_irecv, the coalesced collectives, Work.get_future, monitored_barrier
and subgroups (checked by hand on 2 and 3 ranks under mpirun), and, in this process, torsh.futures,
the debug level, reduce_op, supports_complex and the bucket assignment, against torch."""
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import warnings

import pytest
import torch
import torch.distributed as dist_ref

import torsh
import torsh.distributed as tdist
from torsh.nn.parallel._comm_hooks import _assign_buckets

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "tests" / "distributed"
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]


def _run(cmd, timeout=120):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "python") + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    return proc, time.monotonic() - start


# ---- under mpirun ----

@pytest.mark.parametrize("ranks", [2, 3])
def test_extra_apis_on_ranks(ranks, tmp_path):
    proc, _ = _run(MPIRUN + ["-np", str(ranks), sys.executable, str(DIST / "extra_apis.py"),
                             str(tmp_path)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for r in range(ranks):
        assert f"rank {r} of {ranks}: extra apis ok" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("ranks,wait_all,message", [
    (2, False, "[Rank 0]: Rank 1 failed to pass monitoredBarrier in 1000 ms"),
    (3, True, "[Rank 0]: Ranks 1, 2 failed to pass monitoredBarrier in 1000 ms"),
])
def test_monitored_barrier_names_missing_ranks(ranks, wait_all, message):
    cmd = [sys.executable, str(DIST / "extra_apis.py"), "--mb-fail"] + (["all"] if wait_all else [])
    proc, seconds = _run(MPIRUN + ["-np", str(ranks)] + cmd, timeout=60)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert message in out, out
    assert "passed the monitored barrier" not in out
    assert seconds < 25, seconds  # the absent ranks are stopped, not waited for


def _close(a, b, tol, where):
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (where, a, b)
        for k, (x, y) in enumerate(zip(a, b)):
            _close(x, y, tol, f"{where}[{k}]")
    elif isinstance(a, float):
        assert abs(a - b) <= tol + tol * abs(a), (where, a, b)
    else:
        assert a == b, (where, a, b)


@pytest.fixture(scope="module")
def hook_runs(tmp_path_factory):
    """comm_hooks_vs_torch.py under torch (gloo) and under torsh (mpirun), both 2 ranks."""
    runs = {}
    for lib in ("torch", "torsh"):
        out = tmp_path_factory.mktemp(lib)
        script = [sys.executable, str(DIST / "comm_hooks_vs_torch.py"), lib, str(out)]
        proc, _ = _run(script if lib == "torch" else MPIRUN + ["-np", "2"] + script, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        runs[lib] = [json.loads((out / f"rank{r}.json").read_text()) for r in range(2)]
    return runs


CASES = ["allreduce", "unused", "no_sync", "fp16", "fp16 by type", "fp16 wrapper", "scaled local"]


@pytest.mark.parametrize("case", CASES)
def test_comm_hook_matches_torch(hook_runs, case):
    """What the hook saw per bucket (order, buffers, views, results; torch's rebuilt buckets
    from the second step), the gradients and the trained parameters, on both ranks."""
    tol = 1e-3 if "fp16" in case else 1e-5
    for r in range(2):
        ref, got = hook_runs["torch"][r][case], hook_runs["torsh"][r][case]
        assert len(got["records"]) == len(ref["records"]), (r, case)
        for k, (a, b) in enumerate(zip(ref["records"], got["records"])):
            assert sorted(a) == sorted(b)
            for key in a:
                _close(a[key], b[key], tol, (r, case, k, key))
        for what in ("grads", "params"):
            assert sorted(ref[what]) == sorted(got[what]), (r, case, what)
            for name in ref[what]:
                _close(ref[what][name], got[what][name], tol, (r, case, what, name))
    if case != "fp16 by type":
        steps = [(rec["step"], rec["index"]) for rec in hook_runs["torsh"][0][case]["records"]]
        assert len(steps) > 3, steps  # several buckets: the comparison covers bucket order


def test_registration_errors_match_torch(hook_runs):
    for r in range(2):
        assert hook_runs["torsh"][r]["registration errors"] == \
            hook_runs["torch"][r]["registration errors"]


def test_bf16_compress_hook_by_hand(hook_runs):
    """torch refuses the bf16 hook on CPU: each bucket's result is checked against torch's
    bfloat16 arithmetic on the two ranks' recorded buffers (cast, halve, add, round)."""
    recs = [hook_runs["torsh"][r]["bf16"]["records"] for r in range(2)]
    assert len(recs[0]) == len(recs[1]) > 3
    for a, b in zip(*recs):
        assert (a["step"], a["index"]) == (b["step"], b["index"])
        half = [torch.tensor(x["buffer"]).to(torch.bfloat16).div_(2) for x in (a, b)]
        expected = (half[0].float() + half[1].float()).to(torch.bfloat16).float()
        for rec in (a, b):
            assert rec["result"] == expected.tolist()
    # the last step's gradients are the last buckets' results
    for r in range(2):
        last = [rec for rec in recs[r] if rec["step"] == recs[r][-1]["step"]]
        flat = sorted(v for rec in last for v in rec["result"])
        grads = sorted(v for g in hook_runs["torsh"][r]["bf16"]["grads"].values() for v in g)
        assert flat == grads


# ---- in this process ----

def test_bucket_assignment_matches_torch():
    g = torch.Generator().manual_seed(3)
    for trial in range(20):
        sizes = torch.randint(1, 60, (int(torch.randint(1, 12, (1,), generator=g)),),
                              generator=g).tolist()
        limits = [int(v) for v in torch.randint(8, 200, (2,), generator=g)]
        ts = [torch.zeros(n) for n in sizes]
        ps = [torsh.zeros(n) for n in sizes]
        order = list(range(len(sizes)))
        ref, _ = dist_ref._compute_bucket_assignment_by_size(ts, limits)
        got = sorted(_assign_buckets(ps, order, limits), key=min)
        assert got == [list(b) for b in ref], (sizes, limits)
        perm = torch.randperm(len(sizes), generator=g).tolist()
        ref, _ = dist_ref._compute_bucket_assignment_by_size([ts[i] for i in perm], limits,
                                                                 [], perm)
        assert _assign_buckets(ps, perm, limits) == [list(b) for b in ref], (sizes, perm)


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return type(e).__name__, str(e).split("\n")[0]


def _future_scenarios(lib):
    F = lib.futures
    out = {}
    f = F.Future()
    out["done before"] = f.done()
    f.set_result(3)
    out["after"] = (f.done(), f.value(), f.wait())
    out["set twice"] = _outcome(lambda: f.set_result(4))
    out["then"] = f.then(lambda x: x.value() + 1).wait()
    out["then error"] = _outcome(f.then(lambda x: 1 / 0).wait)
    pending = F.Future()
    child = pending.then(lambda x: x.value() * 2)
    grand = child.then(lambda x: x.wait() + 1)
    out["chain pending"] = (child.done(), grand.done())
    pending.set_result(5)
    out["chain done"] = (child.done(), child.value(), grand.wait())
    e = F.Future()
    e.set_exception(ValueError("boom"))
    out["set_exception"] = (_outcome(e.wait), _outcome(e.value), e.done())
    out["then on error"] = _outcome(e.then(lambda x: x.wait()).wait)
    seen = []
    cb = F.Future()
    cb.add_done_callback(lambda x: seen.append(("first", x.value())))
    cb.add_done_callback(lambda x: 1 / 0)  # reported, not raised
    cb.add_done_callback(lambda x: seen.append(("third", x.value())))
    cb.set_result(7)
    cb.add_done_callback(lambda x: seen.append(("late", x.value())))
    out["callbacks"] = seen
    a, b = F.Future(), F.Future()
    c = F.collect_all([a, b])
    states = [c.done()]
    a.set_result("x")
    states.append(c.done())
    b.set_result("y")
    states.append(c.done())
    held = c.wait()
    out["collect_all"] = (states, [h.value() for h in held])
    a2, b2 = F.Future(), F.Future()
    c2 = F.collect_all([a2, b2])
    a2.set_exception(ValueError("first"))
    out["collect_all error pending"] = c2.done()
    b2.set_result(1)
    out["collect_all error"] = _outcome(c2.wait)
    out["wait_all"] = F.wait_all([a, b])
    out["wait_all error"] = _outcome(lambda: F.wait_all([a, a2]))
    out["value pending"] = _outcome(F.Future().value)[0]
    out["generic"] = F.Future[lib.Tensor] == F.Future[lib.Tensor]
    return out


def test_futures_match_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, got = _future_scenarios(torch), _future_scenarios(torsh)
    assert got == ref


def test_future_set_from_another_thread():
    fut = torsh.futures.Future()
    doubled = fut.then(lambda f: f.value() * 2)
    threading.Timer(0.05, fut.set_result, args=(21,)).start()
    assert doubled.wait() == 42 and fut.done()
    assert torsh.futures.__all__ == torch.futures.__all__
    assert torsh.futures is sys.modules["torsh.futures"]


def test_debug_level_matches_torch(monkeypatch):
    def scenario(d):
        out = [[(m.name, int(m)) for m in d.DebugLevel.__members__.values()],
               d.DebugLevel.INFO == 1, str(d.DebugLevel.DETAIL)]
        d.set_debug_level(d.DebugLevel.INFO)
        out.append(d.get_debug_level().name)
        out.append(_outcome(lambda: d.set_debug_level("INFO"))[0])
        for value in ("detail", "Info", "bogus", None):
            if value is None:
                monkeypatch.delenv("TORCH_DISTRIBUTED_DEBUG", raising=False)
            else:
                monkeypatch.setenv("TORCH_DISTRIBUTED_DEBUG", value)
            out.append((_outcome(d.set_debug_level_from_env), d.get_debug_level().name))
        return out

    try:
        assert scenario(tdist) == scenario(dist_ref)
    finally:
        monkeypatch.delenv("TORCH_DISTRIBUTED_DEBUG", raising=False)
        dist_ref.set_debug_level_from_env()
        tdist.set_debug_level_from_env()


def test_reduce_op_supports_complex_ucc_match_torch():
    def scenario(d):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            names = [d.reduce_op.SUM.name, d.reduce_op.MAX.name, sorted(d.reduce_op.__members__)]
        complex_ok = [d.supports_complex(getattr(d.ReduceOp, n))
                      for n in d.ReduceOp.RedOpType.__members__]
        return (names, sorted({str(w.message) for w in caught}), len(caught) > 0, complex_ok,
                d.is_ucc_available())

    assert scenario(tdist) == scenario(dist_ref)


def test_grad_bucket_views_and_set_buffer():
    p1, p2 = torsh.zeros(2, 3), torsh.zeros(4)
    buf = torsh.arange(10.0)
    bucket = tdist.GradBucket(1, 2, buf, [0, 6], [6, 4], [(2, 3), (4,)], [p1, p2])
    assert bucket.index() == 1 and bucket.is_last()
    assert bucket.buffer() is buf
    assert [p is q for p, q in zip(bucket.parameters(), (p1, p2))] == [True, True]
    g = bucket.gradients()
    assert [tuple(t.shape) for t in g] == [(2, 3), (4,)]
    assert g[1].tolist() == [6.0, 7.0, 8.0, 9.0]
    buf[7] = -1.0  # views into the buffer
    assert g[1].tolist() == [6.0, -1.0, 8.0, 9.0]
    bucket.set_buffer(buf.to(torsh.float16) * 2)
    assert bucket.buffer().dtype == torsh.float16
    assert bucket.gradients()[0].tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
    assert not tdist.GradBucket(0, 2, buf, [0], [10], [(10,)], [p1]).is_last()
