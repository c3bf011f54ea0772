"""torsh.multiprocessing against torch.multiprocessing: the re-exported multiprocessing API,
sharing strategies, spawn/start_processes and their errors, and tensors crossing processes
(queues, spawn arguments, pools) in shared memory. Child functions live in mp_helpers.py."""
import importlib
import multiprocessing
import pickle
import signal

import pytest

import torsh
import torsh.multiprocessing as tmp
import torch.multiprocessing as pmp

import mp_helpers as h

LIBS = ["torch", "torsh"]


def _lib(name):
    return importlib.import_module(name)


def _mp(name):
    return importlib.import_module(name + ".multiprocessing")


# ---------------------------------------------------------------- the module's names

def test_all_matches_torch():
    assert sorted(tmp.__all__) == sorted(pmp.__all__)
    for name in multiprocessing.__all__:
        assert getattr(tmp, name) == getattr(multiprocessing, name), name
    for name in ["spawn", "start_processes", "ProcessContext", "SpawnContext",
                 "ProcessRaisedException", "ProcessExitedException"]:
        assert callable(getattr(tmp, name)), name
    assert issubclass(tmp.ProcessRaisedException, Exception)
    assert issubclass(tmp.ProcessExitedException, Exception)
    assert issubclass(tmp.SpawnContext, tmp.ProcessContext)
    assert tmp.cpu_count() == pmp.cpu_count()
    assert tmp.get_all_start_methods() == pmp.get_all_start_methods()


def test_sharing_strategies():
    assert tmp.get_sharing_strategy() == pmp.get_sharing_strategy() == "file_descriptor"
    assert tmp.get_all_sharing_strategies() == pmp.get_all_sharing_strategies()
    try:
        for mod in (tmp, pmp):
            mod.set_sharing_strategy("file_system")
            assert mod.get_sharing_strategy() == "file_system"
    finally:
        tmp.set_sharing_strategy("file_descriptor")
        pmp.set_sharing_strategy("file_descriptor")
    assert tmp.get_sharing_strategy() == "file_descriptor"
    for mod in (tmp, pmp):
        with pytest.raises(AssertionError):
            mod.set_sharing_strategy("no_such_strategy")
    assert tmp.get_sharing_strategy() == "file_descriptor"


def test_exceptions_pickle_with_their_fields():
    e = tmp.ProcessExitedException("m", 2, 1234, -9, "SIGKILL")
    r = pickle.loads(pickle.dumps(e))
    assert (type(r), r.msg, r.error_index, r.pid, r.exit_code, r.signal_name) == \
        (tmp.ProcessExitedException, "m", 2, 1234, -9, "SIGKILL")
    e = tmp.ProcessRaisedException("trace", 1, 99)
    r = pickle.loads(pickle.dumps(e))
    assert (type(r), str(r), r.error_index, r.pid) == (tmp.ProcessRaisedException, "trace", 1, 99)


# ---------------------------------------------------------------- spawn / start_processes

@pytest.mark.parametrize("libname", LIBS)
def test_spawn_runs_fn_with_index(libname):
    mp = _mp(libname)
    q = mp.get_context("spawn").SimpleQueue()
    assert mp.spawn(h.put_index, args=(q, 100), nprocs=3) is None
    got = sorted(q.get() for _ in range(3))
    assert [(i, v) for i, v, _ in got] == [(0, 100), (1, 101), (2, 102)]
    assert q.empty()


@pytest.mark.parametrize("libname", LIBS)
def test_spawn_reraises_child_exception(libname):
    mp = _mp(libname)
    with pytest.raises(mp.ProcessRaisedException) as info:
        mp.spawn(h.raise_in, args=(1,), nprocs=2)
    e = info.value
    assert e.error_index == 1
    msg = str(e)
    assert msg.startswith("\n\n-- Process 1 terminated with the following error:\n")
    assert "Traceback (most recent call last):" in msg
    assert "ValueError: boom from process 1" in msg
    assert "mp_helpers.py" in msg and "raise_in" in msg
    assert isinstance(e.pid, int) and e.pid > 0


@pytest.mark.parametrize("libname", LIBS)
def test_spawn_nonzero_exit(libname):
    mp = _mp(libname)
    with pytest.raises(mp.ProcessExitedException) as info:
        mp.spawn(h.exit_with, args=(3,), nprocs=1)
    e = info.value
    assert str(e) == "process 0 terminated with exit code 3"
    assert (e.error_index, e.exit_code, e.signal_name) == (0, 3, None)


@pytest.mark.parametrize("libname", LIBS)
def test_spawn_killed_by_signal(libname):
    mp = _mp(libname)
    with pytest.raises(mp.ProcessExitedException) as info:
        mp.spawn(h.kill_self, nprocs=1)
    e = info.value
    assert str(e) == "process 0 terminated with signal SIGKILL"
    assert (e.exit_code, e.signal_name) == (-signal.SIGKILL, "SIGKILL")


@pytest.mark.parametrize("libname", LIBS)
def test_join_false_returns_context(libname):
    mp = _mp(libname)
    event = mp.get_context("spawn").Event()
    ctx = mp.spawn(h.wait_for, args=(event,), nprocs=2, join=False)
    assert isinstance(ctx, mp.ProcessContext)
    pids = ctx.pids()
    assert len(pids) == 2 and all(isinstance(p, int) for p in pids)
    assert pids == [p.pid for p in ctx.processes]
    assert ctx.join(timeout=0.2) is False  # both still waiting
    event.set()
    while not ctx.join(timeout=30):
        pass
    assert ctx.join() is True  # joining a finished context is a no-op
    assert [p.exitcode for p in ctx.processes] == [0, 0]


@pytest.mark.parametrize("libname", LIBS)
def test_start_processes_fork(libname):
    mp = _mp(libname)
    q = mp.get_context("fork").SimpleQueue()
    assert mp.start_processes(h.put_index, args=(q, 7), nprocs=2, start_method="fork") is None
    assert sorted(q.get()[:2] for _ in range(2)) == [(0, 7), (1, 8)]


@pytest.mark.parametrize("libname", LIBS)
def test_spawn_other_start_method_warns(libname):
    mp = _mp(libname)
    q = mp.get_context("spawn").SimpleQueue()
    with pytest.warns(UserWarning, match="only supports start_method=spawn"):
        mp.spawn(h.put_index, args=(q, 0), nprocs=1, start_method="fork")
    assert q.get()[:2] == (0, 0)


@pytest.mark.parametrize("libname", LIBS)
def test_spawn_context_is_deprecated_alias(libname):
    mp = _mp(libname)
    with pytest.warns(UserWarning, match="SpawnContext is renamed to ProcessContext"):
        ctx = mp.SpawnContext([], [])
    assert ctx.join() is True and ctx.pids() == []


# ---------------------------------------------------------------- tensors between processes

def _tensors(lib):
    """The same tensors in either library (values typed in, so both get identical inputs)."""
    g = lib.arange(12, dtype=lib.float64).reshape(3, 4)
    return [
        lib.tensor([[1.5, -2.0, 3.25], [0.0, 4.0, -1.0]]),
        g.t(),                                           # non-contiguous view
        lib.tensor([3, -1, 7], dtype=lib.int64),
        lib.tensor([True, False, True]),
        lib.tensor([0.5, -1.25], dtype=lib.bfloat16),
        lib.tensor([2.0, 1.0, -3.0], requires_grad=True),  # a leaf: requires_grad travels
        lib.nn.Parameter(lib.tensor([1.0, 2.0])),
        lib.zeros(0, 3),
        lib.tensor(5.0),                                 # 0-dim
    ]


def _exchange(libname):
    lib, mp = _lib(libname), _mp(libname)
    ctx = mp.get_context("spawn")
    q_in, q_out = ctx.Queue(), ctx.Queue()
    proc = mp.spawn(h.echo_tensors, args=(libname, q_in, q_out), join=False)
    sent = _tensors(lib)
    q_in.put(sent)
    seen = q_out.get(timeout=60)
    doubled = q_out.get(timeout=60)
    assert q_out.get(timeout=60) == "modified"
    q_in.put(None)
    proc.join()
    return lib, sent, seen, doubled


def _plain(lib, t):
    return h.describe(lib, t)[:4] + (type(t).__name__,)


def test_tensors_through_queue_match_torch():
    p_lib, p_sent, p_seen, p_doubled = _exchange("torch")
    t_lib, t_sent, t_seen, t_doubled = _exchange("torsh")
    # what the child saw: dtype, shape, values, requires_grad, is_shared, is-Parameter
    assert t_seen == p_seen
    expect = [h.describe(t_lib, t)[:4] for t in _tensors(t_lib)]
    assert [s[:4] for s in t_seen] == expect
    # what came back (tensors made in the child) and the parent's tensors after the child
    # added 1 in place to the floating ones it received
    assert [_plain(t_lib, t) for t in t_doubled] == [_plain(p_lib, t) for t in p_doubled]
    for t_t, p_t in zip(t_sent, p_sent):
        assert h.describe(t_lib, t_t)[:5] == h.describe(p_lib, p_t)[:5]


def test_sent_tensor_is_shared_and_sees_child_writes():
    _, sent, seen, _ = _exchange("torsh")
    x, p, empty = sent[0], sent[6], sent[7]
    assert x.is_shared() and p.is_shared() and not empty.is_shared()
    assert x.tolist() == [[2.5, -1.0, 4.25], [1.0, 5.0, 0.0]]
    assert type(p) is torsh.nn.Parameter and p.requires_grad
    assert p.tolist() == [2.0, 3.0]
    assert [s[4] for s in seen] == [True] * 7 + [False, True]


@pytest.mark.parametrize("libname", LIBS)
def test_tensor_as_spawn_argument_is_shared(libname):
    lib, mp = _lib(libname), _mp(libname)
    q = mp.get_context("spawn").SimpleQueue()
    t = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64)
    mp.spawn(h.modify_arg, args=(libname, t, q), nprocs=1)
    i, seen = q.get()
    assert (i, seen) == (0, ("float64", (2, 2), [[1.0, 2.0], [3.0, 4.0]], False, True, False))
    assert t.tolist() == [[11.0, 12.0], [13.0, 14.0]]
    assert t.is_shared()


@pytest.mark.parametrize("libname", LIBS)
def test_pool_map_with_tensors(libname):
    lib, mp = _lib(libname), _mp(libname)
    inputs = [lib.tensor([1.0, -2.0]) * k for k in range(4)]
    with mp.get_context("spawn").Pool(2) as pool:
        squares = pool.map(h.square, inputs)
        sums = pool.map(h.pool_sum, inputs)
    assert [s.tolist() for s in squares] == [[k * k * 1.0, k * k * 4.0] for k in range(4)]
    assert all(s.dtype == lib.float32 for s in squares)
    assert sums == [-1.0 * k for k in range(4)]


@pytest.mark.parametrize("libname", LIBS)
def test_nonleaf_requiring_grad_refuses_to_pickle(libname):
    lib = _lib(libname)
    _mp(libname)  # registers the reducers
    x = lib.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor"):
        multiprocessing.reduction.ForkingPickler.dumps(x)
    # a detached copy goes through
    multiprocessing.reduction.ForkingPickler.dumps(x.detach())


def test_plain_pickle_still_copies():
    x = torsh.tensor([1.0, 2.0, 3.0])
    y = pickle.loads(pickle.dumps(x))
    assert y.tolist() == [1.0, 2.0, 3.0] and y.dtype == torsh.float32
    y.add_(1)
    assert x.tolist() == [1.0, 2.0, 3.0]
    assert not x.is_shared()


def test_resend_reuses_shared_memory_in_process():
    # Pickled and loaded in one process: the rebuilt tensor maps the same memory.
    x = torsh.tensor([1.0, 2.0, 3.0, 4.0])
    y = pickle.loads(multiprocessing.reduction.ForkingPickler.dumps(x[1:]))
    assert y.tolist() == [2.0, 3.0, 4.0] and y.is_shared()
    z = torsh.tensor([5.0, 6.0], dtype=torsh.float64)
    w = pickle.loads(multiprocessing.reduction.ForkingPickler.dumps(z))
    assert z.is_shared() and w.is_shared()
    w.mul_(10)
    assert z.tolist() == [50.0, 60.0] and w.dtype == torsh.float64
    v = pickle.loads(multiprocessing.reduction.ForkingPickler.dumps(w[1:]))
    v.fill_(-1)
    assert z.tolist() == [50.0, -1.0]

