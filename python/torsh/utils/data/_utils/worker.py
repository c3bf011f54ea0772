"""The DataLoader's worker loop. torsh's workers are threads of the loading process (not
processes): each has its own index queue, fetcher and dataset iterator, and reports results
in a shared queue; get_worker_info() is per thread."""
import sys
import threading
import traceback
from dataclasses import dataclass
from typing import Optional

from torsh import _C

_worker_local = threading.local()


class WorkerInfo:
    r"""What a worker knows about itself: ``id``, ``num_workers``, ``seed`` (torch's per-worker
    seed, base_seed + id) and ``dataset`` (this worker's shallow copy of the loader's
    dataset, so attributes set on it, e.g. in worker_init_fn, stay per worker)."""
    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError("Cannot assign attributes to {} objects".format(
                self.__class__.__name__))
        return super().__setattr__(key, val)

    def __repr__(self):
        items = ["{}={}".format(k, getattr(self, k)) for k in self.__keys]
        return "{}({})".format(self.__class__.__name__, ", ".join(items))


def get_worker_info():
    r"""Information about the current DataLoader worker (id, num_workers, seed, dataset), or
    None outside a worker (in the main thread, or with num_workers=0)."""
    return getattr(_worker_local, "info", None)


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """Signals the end of a worker's IterableDataset iterator."""
    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Asks a persistent worker to start a new epoch."""
    seed: Optional[int] = None


class ExceptionWrapper:
    """An exception raised in a worker, re-raised in the main thread with the worker's
    traceback in the message (torch's format)."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = "Caught {} {}.\nOriginal {}".format(self.exc_type.__name__, self.where,
                                                  self.exc_msg)
        if self.exc_type == KeyError:
            # KeyError calls repr() on its argument, which would mangle the message
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except TypeError:
            # the exception type needs other arguments: fall back to a RuntimeError
            raise RuntimeError(msg) from None
        raise exception


class KeyErrorMessage(str):
    """A str whose repr is itself (keeps KeyError messages readable)."""

    def __repr__(self):
        return self


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    """Runs in a worker thread until it gets None: fetches (task_idx, index) items from
    index_queue and puts (task_idx, batch) — or a stop marker / wrapped exception — on
    data_queue. _ResumeIteration restarts the fetcher (persistent workers)."""
    from torsh.utils.data.dataloader import _DatasetKind
    seed = base_seed + worker_id
    # the worker's own default generator seeded as torch seeds a worker process: torsh.rand in
    # the dataset, and torsh.manual_seed in worker_init_fn, use this stream, not the main one
    _C._set_thread_generator(seed)
    _worker_local.info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                    dataset=dataset)
    init_exception = None
    fetcher = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                              drop_last)
    except Exception:  # noqa: BLE001 - reported to the main thread with the next task
        init_exception = ExceptionWrapper(where="in DataLoader worker process {}".format(
            worker_id))
    iteration_end = False
    while True:
        r = index_queue.get()
        if isinstance(r, _ResumeIteration):
            data_queue.put((r, None))
            iteration_end = False
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation,
                                                  collate_fn, drop_last)
            continue
        if r is None:
            break
        if done_event.is_set() or iteration_end:
            continue
        idx, index = r
        if init_exception is not None:
            data = init_exception
            init_exception = None
        else:
            try:
                data = fetcher.fetch(index)
            except Exception as e:  # noqa: BLE001
                if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                    data = _IterableDatasetStopIteration(worker_id)
                    iteration_end = True
                else:
                    data = ExceptionWrapper(where="in DataLoader worker process {}".format(
                        worker_id))
        data_queue.put((idx, data))
        del data, idx, index, r
