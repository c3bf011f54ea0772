"""torch.multiprocessing.spawn: start N processes running fn(i, *args) and wait for them,
turning the first failure into an exception in the parent."""
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import signal
import sys
import traceback
import warnings

__all__ = ["spawn", "start_processes", "ProcessContext", "SpawnContext", "ProcessException",
           "ProcessRaisedException", "ProcessExitedException"]


class ProcessException(Exception):
    """A spawned process failed; ``error_index`` is its index and ``pid`` its process id."""
    __slots__ = ["error_index", "error_pid"]

    def __init__(self, msg, error_index, pid):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.pid = pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.pid)


class ProcessRaisedException(ProcessException):
    """The process's function raised; the message carries the child's traceback."""

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg, error_index, error_pid)


class ProcessExitedException(ProcessException):
    """The process exited with a non-zero code or was killed by a signal (``signal_name``)."""
    __slots__ = ["exit_code"]

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return (type(self),
                (self.msg, self.error_index, self.pid, self.exit_code, self.signal_name))


_PR_SET_PDEATHSIG = 1


def _set_pdeathsig(sig):
    """Linux prctl(PR_SET_PDEATHSIG): the child gets ``sig`` when its parent dies, so
    non-daemonic children do not outlive a crashed parent. A no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _wrap(fn, i, args, error_queue):
    """The child's entry point: run fn(i, *args); on an exception send its formatted traceback
    to the parent and exit with code 1."""
    _set_pdeathsig(signal.SIGINT)
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # the parent interrupted us (SIGINT): nothing to report
    except Exception:
        error_queue.put(traceback.format_exc())
        sys.exit(1)


class ProcessContext:
    """The processes started by start_processes, with one error queue each."""

    def __init__(self, processes, error_queues):
        self.error_queues = error_queues
        self.processes = processes
        # sentinel (a waitable handle per process) -> process index, for the ones not joined
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self):
        return [int(p.pid) for p in self.processes]

    def join(self, timeout=None):
        """Waits up to ``timeout`` seconds (forever when None) for some process to finish.
        Returns True once every process has exited cleanly, False while some still run. When
        one has failed, the others are terminated and ProcessRaisedException (it raised) or
        ProcessExitedException (it exited non-zero or died of a signal) is raised."""
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            proc = self.processes[index]
            proc.join()
            if proc.exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        for proc in self.processes:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        self._raise_for(failed)

    def _raise_for(self, index):
        proc = self.processes[index]
        queue = self.error_queues[index]
        if queue.empty():
            # no traceback was sent: the process crashed, exited by itself or was killed
            code = proc.exitcode
            if code < 0:
                name = signal.Signals(-code).name
                raise ProcessExitedException(
                    "process %d terminated with signal %s" % (index, name),
                    error_index=index, error_pid=proc.pid, exit_code=code, signal_name=name)
            raise ProcessExitedException(
                "process %d terminated with exit code %d" % (index, code),
                error_index=index, error_pid=proc.pid, exit_code=code)
        msg = "\n\n-- Process %d terminated with the following error:\n" % index
        msg += queue.get()
        raise ProcessRaisedException(msg, index, proc.pid)


class SpawnContext(ProcessContext):
    """The pre-1.4 name of ProcessContext (warns when created)."""

    def __init__(self, processes, error_queues):
        warnings.warn("SpawnContext is renamed to ProcessContext since 1.4 release.")
        super().__init__(processes, error_queues)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Starts ``nprocs`` processes with ``start_method`` ('spawn', 'fork' or 'forkserver'),
    process i running fn(i, *args). With join=True waits for all (raising on the first
    failure) and returns None; with join=False returns the ProcessContext."""
    ctx = multiprocessing.get_context(start_method)
    processes, error_queues = [], []
    for i in range(nprocs):
        error_queue = ctx.SimpleQueue()
        proc = ctx.Process(target=_wrap, args=(fn, i, args, error_queue), daemon=daemon)
        proc.start()
        error_queues.append(error_queue)
        processes.append(proc)
    context = ProcessContext(processes, error_queues)
    if not join:
        return context
    while not context.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """start_processes with the 'spawn' start method (another ``start_method`` only warns).
    ``fn`` must be picklable: a function defined at the top level of an importable module."""
    if start_method != "spawn":
        warnings.warn("This method only supports start_method=spawn (got: %s).\n"
                      "To use a different start_method use:\n\t\t"
                      " torch.multiprocessing.start_processes(...)" % start_method)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
