"""torch.futures for torsh: ``Future`` (then / add_done_callback / wait / value / done /
set_result / set_exception), ``collect_all`` and ``wait_all``.

A Future is completed by ``set_result``/``set_exception``, or, when it stands for a
communication (``Work.get_future()``), by that work finishing. torsh has no completion callbacks
from its communication thread, so such a future notices the end of its work when it is asked
(``done``, ``wait``, ``value``): callbacks chained with ``then`` run then, in the asking thread,
rather than on the communication thread as in torch. The values are the same.
"""
import threading
import warnings
from typing import Generic, TypeVar

__all__ = ["Future", "collect_all", "wait_all"]

T = TypeVar("T")
S = TypeVar("S")


def _callback_error(exc):
    err = RuntimeError("Got the following error when running the callback: "
                       f"{type(exc).__name__}: {exc}")
    err.__cause__ = exc
    return err


class Future(Generic[T]):
    """torch.futures.Future: a value that becomes available later."""

    def __init__(self, *, devices=None):
        if devices:
            for d in devices:
                if str(d).split(":")[0] not in ("cpu",):
                    raise ValueError(f"torsh futures only hold CPU values, got device {d}")
        self._cv = threading.Condition()
        self._done = False
        self._value = None
        self._error = None
        self._callbacks = []
        # _driver(block): tries to complete this future from what it waits on (a Work, a
        # parent future); block=True waits for that source, False only looks.
        self._driver = None

    # -- completion --
    def _complete(self, value, error):
        with self._cv:
            if self._done:
                raise RuntimeError("Attempting to mark a completed Future as complete again. "
                                   "Note that a Future can only be marked completed once.")
            self._done = True
            self._value, self._error = value, error
            callbacks, self._callbacks = self._callbacks, []
            self._cv.notify_all()
        for fn in callbacks:
            fn(self)

    def _on_done(self, fn):
        """Runs fn(self) once this future is complete (now, if it is)."""
        with self._cv:
            if not self._done:
                self._callbacks.append(fn)
                return
        fn(self)

    def _drive(self, block):
        driver = self._driver
        if driver is not None and not self._done:
            driver(block)

    def _wait_done(self):
        self._drive(True)
        with self._cv:
            while not self._done:
                self._cv.wait()

    # -- torch API --
    def done(self) -> bool:
        """True once the future holds a value or an error."""
        self._drive(False)
        return self._done

    def wait(self) -> T:
        """Blocks until the future is complete; returns its value or raises its error."""
        self._wait_done()
        if self._error is not None:
            raise self._error
        return self._value

    def value(self) -> T:
        """The value of a completed future (raises its error, if it holds one)."""
        self._drive(False)
        if not self._done:
            raise RuntimeError("Future.value() can only be called on a completed future "
                               "(call wait() first, or use it inside a then() callback)")
        if self._error is not None:
            raise self._error
        return self._value

    def set_result(self, result: T) -> None:
        """Completes the future with result and runs its callbacks."""
        self._complete(result, None)

    def set_exception(self, result) -> None:
        """Completes the future with an error: wait() and value() raise it."""
        if not isinstance(result, BaseException):
            raise TypeError(f"set_exception expects an exception, got {type(result).__name__}")
        self._complete(None, result)

    def then(self, callback) -> "Future[S]":
        """A new future holding callback(self) once this one completes (a callback error
        becomes the new future's error)."""
        child = Future()

        def run(parent):
            try:
                value = callback(parent)
            except Exception as e:  # noqa: BLE001 - it becomes the child's error
                child._complete(None, _callback_error(e))
                return
            child._complete(value, None)

        def drive(block):
            if block:
                self._wait_done()
            else:
                self._drive(False)

        child._driver = drive
        self._on_done(run)
        return child

    def add_done_callback(self, callback) -> None:
        """Runs callback(self) when the future completes; its errors are reported, not
        raised."""
        def run(fut):
            try:
                callback(fut)
            except Exception as e:  # noqa: BLE001 - torch logs and ignores it
                warnings.warn(str(_callback_error(e)))

        self._on_done(run)

    def __repr__(self):
        return f"<torsh.futures.Future object at {hex(id(self))}>"


def _from_work(work, value_fn):
    """A future completed by a communication Work; its value is value_fn() (run once)."""
    fut = Future()
    lock = threading.Lock()

    def drive(block):
        if not lock.acquire(blocking=block):
            return
        try:
            if fut._done or (not block and not work.is_completed()):
                return
            try:
                work.wait()
                value = value_fn()
            except Exception as e:  # noqa: BLE001 - the work's error is the future's
                fut._complete(None, e)
                return
            fut._complete(value, None)
        finally:
            lock.release()

    fut._driver = drive
    return fut


def collect_all(futures):
    """A future that completes when every future in ``futures`` has, holding that list (or
    the first error among them)."""
    futures = list(futures)
    out = Future()
    remaining = [len(futures)]
    lock = threading.Lock()

    def one(_):
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            errors = [f._error for f in futures if f._error is not None]
            out._complete(None if errors else futures, errors[0] if errors else None)

    def drive(block):
        for f in futures:
            if block:
                f._wait_done()
            else:
                f._drive(False)

    out._driver = drive
    if not futures:
        out.set_result([])
    for f in futures:
        f._on_done(one)
    return out


def wait_all(futures):
    """Waits for every future; returns their values (raises the first error)."""
    return [f.wait() for f in collect_all(futures).wait()]
