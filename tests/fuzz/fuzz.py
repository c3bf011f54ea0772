#!/usr/bin/python3
"""Differential fuzzer: torsh against torch on generated calls (see docs/fuzzing.md).

  /usr/bin/python3 tests/fuzz/fuzz.py --seed 1 --calls 3000 --ci     # the CI pass
  /usr/bin/python3 tests/fuzz/fuzz.py --seed 12345 --calls 100000    # a long pass
  /usr/bin/python3 tests/fuzz/fuzz.py --seed 1 --repro 417           # one call as a snippet

Calls run in child processes, a batch per child; a call that kills its child is a CRASH, one
that stops answering a HANG; both are isolated (re-run alone), shrunk and printed as a
reproducer. Every call ends as MATCH, VALUE, DTYPE-SHAPE, EXCEPTION, KNOWN (a documented
difference, known_differences.py), CRASH or HANG."""
import argparse
import collections
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))

import gen  # noqa: E402
import known_differences  # noqa: E402
import repro  # noqa: E402
import surface  # noqa: E402

CLASSES = ["MATCH", "VALUE", "DTYPE-SHAPE", "EXCEPTION", "KNOWN", "CRASH", "HANG"]


def child_env():
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    env["OPENBLAS_NUM_THREADS"] = "1"
    env.pop("ASAN_OPTIONS", None)
    return env


def run_child(calls, timeout, only=None, start_timeout=120):
    """Runs calls in one child; returns ({id: (cls, detail)}, (id, status, side, stderr) or None)
    where the second item describes the call that crashed or hung the child."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="fuzz-")
    with os.fdopen(fd, "w") as f:
        json.dump(calls, f)
    err = tempfile.TemporaryFile()
    cmd = [sys.executable, os.path.join(HERE, "child.py"), path] + (["--only", only] if only else [])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=child_env())
    results, current, side, buf = {}, None, "torsh", b""
    failure = None
    started = False
    try:
        while True:
            wait = timeout if started else start_timeout
            ready, _, _ = select.select([p.stdout], [], [], wait)
            if not ready:
                p.kill()
                p.wait()
                failure = (current, "HANG", side, "") if current is not None else (
                    calls[0]["id"] if calls else None, "HANG", "startup", "")
                break
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                p.wait()
                err.seek(0)
                tail = err.read().decode(errors="replace")[-3000:]
                if current is not None:
                    failure = (current, "CRASH", side, f"exit {p.returncode}\n{tail}")
                elif len(results) < len(calls):
                    failure = (None, "CRASH", "startup", f"exit {p.returncode}\n{tail}")
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                line = line.decode()
                started = True
                if line.startswith("S "):
                    current, side = int(line[2:]), "torsh"
                elif line == "T":
                    side = "torch"
                elif line.startswith("R "):
                    r = json.loads(line[2:])
                    results[r["id"]] = (r["cls"], r["detail"])
                    current = None
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.unlink(path)
        err.close()
    return results, failure


def run_batch(calls, timeout, failures):
    """All calls of a batch, restarting the child after each crash or hang."""
    results = {}
    pending = list(calls)
    while pending:
        res, failure = run_child(pending, timeout)
        results.update(res)
        if failure is None:
            break
        cid, status, side, tail = failure
        if cid is None:
            raise SystemExit(f"fuzz: the child process failed to start:\n{tail}")
        call = next(c for c in pending if c["id"] == cid)
        if status == "HANG" and side != "torch":
            # A slow call on a loaded machine (a 2**31-element fill) is a HANG only when it
            # also overruns the timeout alone, in a fresh child.
            alone, again = run_child([call], timeout)
            if again is None and cid in alone:
                results[cid] = alone[cid]
                pending = [c for c in pending if c["id"] > cid and c["id"] not in results]
                continue
        known = known_differences.known_crash(call)
        if side == "torch":
            results[cid] = ("KNOWN", f"torch itself failed ({status}); torsh ran")
        elif known:
            results[cid] = ("KNOWN-" + status, known)
        else:
            results[cid] = (status, tail.strip().splitlines()[-1][:200] if tail.strip() else "")
            failures.append((cid, status, tail))
        pending = [c for c in pending if c["id"] > cid and c["id"] not in results]
    return results


def crashes_alone(call, timeout):
    _, failure = run_child([call], timeout, only="torsh", start_timeout=60)
    return failure is not None and failure[1] in ("CRASH", "HANG")


def norm(detail):
    d = re.sub(r"\[[^\]]*\]", "[..]", detail)
    d = re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "N", d)
    return d[:110]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--start", type=int, default=0, help="first call index")
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per call before HANG")
    ap.add_argument("--ops", default=None, help="regex: only entries whose name matches")
    ap.add_argument("--ci", action="store_true", help="exit 1 on any CRASH or HANG")
    ap.add_argument("--repro", type=int, default=None, help="print call ID as a snippet")
    ap.add_argument("--groups", type=int, default=30, help="mismatch groups to print")
    ap.add_argument("--json", default=None, help="write every non-MATCH call here")
    a = ap.parse_args()

    import torch
    import torsh
    entries = surface.discover(torch, torsh)
    if a.ops:
        entries = [e for e in entries if re.search(a.ops, e.name)]
    g = gen.Gen(a.seed, entries)
    if a.repro is not None:
        print(repro.snippet(g.call(a.repro)))
        return 0

    t0 = time.time()
    calls = [g.call(i) for i in range(a.start, a.start + a.calls)]
    by_id = {c["id"]: c for c in calls}
    batches = [calls[i:i + a.batch] for i in range(0, len(calls), a.batch)]
    results, failures, lock = {}, [], threading.Lock()

    def worker():
        while True:
            with lock:
                if not batches:
                    return
                b = batches.pop(0)
            r = run_batch(b, a.timeout, failures)
            with lock:
                results.update(r)
                if a.calls > 5 * a.batch:
                    print(f"fuzz: {len(results)}/{a.calls} calls, {time.time() - t0:.0f}s, "
                          f"{len(failures)} crashes/hangs", file=sys.stderr, flush=True)

    threads = [threading.Thread(target=worker) for _ in range(max(1, a.jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    counts = collections.Counter(cls for cls, _ in results.values())
    groups = collections.Counter()
    example = {}
    for cid, (cls, detail) in results.items():
        if cls != "MATCH":
            key = (cls, by_id[cid]["op"], by_id[cid]["kind"], norm(detail))
            groups[key] += 1
            example.setdefault(key, (cid, detail))
    n = len(results)
    exc_pct = 100.0 * counts["EXCEPTION"] / max(n, 1)
    print(f"fuzz: seed {a.seed}, {len(entries)} entries, {time.time() - t0:.0f}s")
    for key, cnt in groups.most_common(a.groups):
        cid, detail = example[key]
        print(f"  {cnt:5d}  {key[0]:<11} {key[1]}[{key[2]}]  e.g. call {cid}: {detail[:160]}")
    by_op = collections.Counter(by_id[c]["op"] for c, (cls, _) in results.items()
                                if cls == "EXCEPTION")
    if by_op:
        print("  EXCEPTION mismatches by op: " +
              ", ".join(f"{op} {k}" for op, k in by_op.most_common(25)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump([{"call": by_id[c], "cls": cls, "detail": d}
                       for c, (cls, d) in sorted(results.items()) if cls != "MATCH"], f)
    for cid, status, tail in sorted(failures):
        call = by_id[cid]
        print(f"\n{status} in call {cid} ({call['op']} {call['kind']}):\n{tail[-1500:]}")
        if status == "CRASH" and crashes_alone(call, a.timeout):
            call = repro.shrink(call, lambda c: crashes_alone(c, a.timeout))
            print("reproducer (crashes alone):")
        else:
            print("reproducer (did not crash alone; the batch before it may matter):")
        print(repro.snippet(call))
    print(f"fuzz: {n} calls, MATCH {counts['MATCH']}, VALUE {counts['VALUE']}, "
          f"DTYPE-SHAPE {counts['DTYPE-SHAPE']}, EXCEPTION {counts['EXCEPTION']} "
          f"({exc_pct:.1f}%), KNOWN {counts['KNOWN']}, CRASH {counts['CRASH']}, "
          f"HANG {counts['HANG']} (known: crash {counts['KNOWN-CRASH']}, "
          f"hang {counts['KNOWN-HANG']})")
    if a.ci and (counts["CRASH"] or counts["HANG"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
