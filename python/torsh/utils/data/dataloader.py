"""torch.utils.data.DataLoader (torch 1.13 semantics).

With ``num_workers=0`` batches are loaded in the calling thread. With ``num_workers > 0`` the
workers are **threads** of this process, not processes: tasks are dispatched to them
round-robin with ``prefetch_factor`` tasks per worker in flight, exactly as torch dispatches
to its worker processes, and batches come back in torch's order, so the sequence of batches
is the same as torch's. What differs from processes:

* each worker gets a shallow copy of the dataset (attributes it sets stay per worker, objects
  they point to are shared);
* torsh's default generator is per worker, as in a worker process: each worker thread has
  its own, seeded with torch's per-worker seed (base_seed + worker id, also
  ``get_worker_info().seed``), so ``torsh.rand`` in a dataset gives torch's values and
  ``torsh.manual_seed`` in ``worker_init_fn`` seeds only that worker; Python's ``random`` and
  ``numpy.random`` are shared by the threads and are not reseeded per worker (a dataset that
  draws from them should use its own ``random.Random`` / ``numpy`` generator seeded from
  ``get_worker_info().seed``);
* ``pin_memory`` is accepted and ignored (no CUDA), and ``multiprocessing_context`` is only
  validated.

The main random stream is consumed as torch's: one int64 draw (the base seed) when an
iterator is created, and the samplers' draws when iteration starts.
"""
import copy
import itertools
import os
import queue
import threading
import warnings
from typing import Any, Callable, Generic, Iterable, List, Optional, Sequence, TypeVar, Union

import torsh
from torsh.utils.data import _utils
from torsh.utils.data._utils.collate import default_collate, default_convert  # noqa: F401
from torsh.utils.data._utils.worker import (ExceptionWrapper, _IterableDatasetStopIteration,
                                            _ResumeIteration, _worker_loop, get_worker_info)
from torsh.utils.data.dataset import Dataset, IterableDataset
from torsh.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")
_worker_init_fn_t = Callable[[int], None]
_collate_fn_t = Callable[[List[T]], Any]


class _DatasetKind:
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        if kind == _DatasetKind.Map:
            return _utils.fetch._MapDatasetFetcher(dataset, auto_collation, collate_fn,
                                                   drop_last)
        return _utils.fetch._IterableDatasetFetcher(dataset, auto_collation, collate_fn,
                                                    drop_last)


class _InfiniteConstantSampler(Sampler):
    r"""Yields None forever: the sampler of an IterableDataset."""

    def __init__(self):
        super().__init__(None)

    def __iter__(self):
        while True:
            yield None


_START_METHODS = ("fork", "spawn", "forkserver")


class DataLoader(Generic[T_co]):
    r"""Combines a dataset and a sampler, and provides an iterable over batches.

    Args:
        dataset (Dataset): dataset from which to load the data.
        batch_size (int, optional): samples per batch (default: ``1``); None disables
            automatic batching.
        shuffle (bool, optional): reshuffle the data at every epoch (default: ``False``).
        sampler (Sampler or Iterable, optional): the order of the samples.
        batch_sampler (Sampler or Iterable, optional): yields lists of indices; mutually
            exclusive with batch_size, shuffle, sampler and drop_last.
        num_workers (int, optional): worker threads loading batches (default: ``0``: the
            calling thread).
        collate_fn (Callable, optional): merges a list of samples into a batch.
        pin_memory (bool, optional): accepted and ignored (no CUDA).
        drop_last (bool, optional): drop the last incomplete batch (default: ``False``).
        timeout (numeric, optional): seconds to wait for a batch from the workers (default:
            ``0``: no limit).
        worker_init_fn (Callable, optional): called with the worker id in each worker first.
        generator (torsh.Generator, optional): used by RandomSampler and for the base seed.
        prefetch_factor (int, optional, keyword-only): tasks in flight per worker
            (default: ``2``).
        persistent_workers (bool, optional, keyword-only): keep the workers between epochs.
        pin_memory_device (str, optional, keyword-only): accepted and ignored.
    """
    __initialized = False

    def __init__(self, dataset: Dataset[T_co], batch_size: Optional[int] = 1,
                 shuffle: Optional[bool] = None,
                 sampler: Union[Sampler, Iterable, None] = None,
                 batch_sampler: Union[Sampler[Sequence], Iterable[Sequence], None] = None,
                 num_workers: int = 0, collate_fn: Optional[_collate_fn_t] = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Optional[_worker_init_fn_t] = None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor: int = 2,
                 persistent_workers: bool = False, pin_memory_device: str = ""):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor != 2:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing.")
        assert prefetch_factor > 0
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 "shuffle option, but got shuffle={}".format(shuffle))
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 "sampler option, but got sampler={}".format(sampler))
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 "batch_sampler option, but got batch_sampler={}".format(
                                     batch_sampler))
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is "
                                 "mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, (str, bytes)):
                    if multiprocessing_context not in _START_METHODS:
                        raise ValueError(
                            "multiprocessing_context option should specify a valid start "
                            "method in {!r}, but got multiprocessing_context={!r}".format(
                                list(_START_METHODS), multiprocessing_context))
                    import multiprocessing
                    multiprocessing_context = multiprocessing.get_context(
                        multiprocessing_context)
                import multiprocessing.context as mpc
                if not isinstance(multiprocessing_context, mpc.BaseContext):
                    raise TypeError("multiprocessing_context option should be a valid context "
                                    "object or a string specifying the start method, but got "
                                    "multiprocessing_context={}".format(
                                        multiprocessing_context))
            else:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 "loading (num_workers > 0), but got num_workers={}".format(
                                     self.num_workers))
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler",
                                           "drop_last", "dataset", "persistent_workers"):
            raise ValueError("{} attribute should not be set after {} is initialized".format(
                attr, self.__class__.__name__))
        super().__setattr__(attr, val)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                from math import ceil
                if self.drop_last:
                    length = length // self.batch_size
                else:
                    length = ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """Warns when more workers are asked for than this process may run on CPUs."""
        if not self.num_workers:
            return
        suggest, cpuset_checked = None, False
        if hasattr(os, "sched_getaffinity"):
            try:
                suggest, cpuset_checked = len(os.sched_getaffinity(0)), True
            except Exception:  # noqa: BLE001
                pass
        if suggest is None:
            suggest = os.cpu_count()
        if suggest is None or self.num_workers > suggest:
            if suggest is not None:
                detail = ("Our suggested max number of worker in current system is {}{}, which "
                          "is smaller than what this DataLoader is going to create.".format(
                              suggest, "" if cpuset_checked else
                              " (`cpuset` is not taken into account)"))
            else:
                detail = ("DataLoader is not able to compute a suggested max number of worker "
                          "in current system.")
            warnings.warn("This DataLoader will create {} worker processes in total. {} Please "
                          "be aware that excessive worker creation might get DataLoader running "
                          "slow or even freeze, lower the worker number to avoid potential "
                          "slowness/freeze if necessary.".format(self.num_workers, detail))


class _BaseDataLoaderIter:
    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._shared_seed = None
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._prefetch_factor = loader.prefetch_factor
        if len(loader.pin_memory_device) != 0 and not loader.pin_memory:
            warnings.warn("pin memory device is set and pin_memory flag is not used then device "
                          "pinned memory won't be usedplease set pin_memory to true, if you "
                          "need to use the device pin memory")
        self._pin_memory = False  # nothing to pin on a CPU-only build
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = torsh.empty((), dtype=torsh.int64).random_(
            generator=loader.generator).item()
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)  # may raise StopIteration

    def _next_data(self):
        raise NotImplementedError

    def __next__(self) -> Any:
        if self._sampler_iter is None:
            self._reset()  # type: ignore[call-arg]
        data = self._next_data()
        self._num_yielded += 1
        if self._dataset_kind == _DatasetKind.Iterable and \
                self._IterableDataset_len_called is not None and \
                self._num_yielded > self._IterableDataset_len_called:
            msg = ("Length of IterableDataset {} was reported to be {} (when accessing "
                   "len(dataloader)), but {} samples have been fetched. ").format(
                       self._dataset, self._IterableDataset_len_called, self._num_yielded)
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                        "IterableDataset for examples.")
            warnings.warn(msg)
        return data

    def __len__(self) -> int:
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError("{} cannot be pickled", self.__class__.__name__)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        assert self._timeout == 0
        assert self._num_workers == 0
        self._dataset_fetcher = _DatasetKind.create_fetcher(
            self._dataset_kind, self._dataset, self._auto_collation, self._collate_fn,
            self._drop_last)

    def _next_data(self):
        index = self._next_index()  # may raise StopIteration
        return self._dataset_fetcher.fetch(index)  # may raise StopIteration


def _worker_copy(dataset):
    try:
        return copy.copy(dataset)
    except Exception:  # noqa: BLE001 - an uncopyable dataset is shared as is
        return dataset


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Loads with worker threads. Task bookkeeping follows torch's multiprocessing iterator:
    task i goes to the next active worker in round-robin order, at most prefetch_factor *
    num_workers tasks are in flight, batches are returned in task order, and a worker whose
    IterableDataset iterator is exhausted stops getting tasks."""

    def __init__(self, loader):
        super().__init__(loader)
        assert self._num_workers > 0
        assert self._prefetch_factor > 0
        self._worker_init_fn = loader.worker_init_fn
        self._worker_result_queue = queue.Queue()
        self._shutdown = False
        self._workers_done_event = threading.Event()
        self._index_queues = []
        self._workers = []
        for i in range(self._num_workers):
            index_queue = queue.Queue()
            w = threading.Thread(
                target=_worker_loop, name="DataLoader worker {}".format(i), daemon=True,
                args=(self._dataset_kind, _worker_copy(self._dataset), index_queue,
                      self._worker_result_queue, self._workers_done_event,
                      self._auto_collation, self._collate_fn, self._drop_last,
                      self._base_seed, self._worker_init_fn, i, self._num_workers))
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._data_queue = self._worker_result_queue
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # idx of the next task to be sent to workers
        self._rcvd_idx = 0  # idx of the next task to be returned in __next__
        # task idx -> (worker_id,) while outstanding, (worker_id, data) once received
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True for _ in range(self._num_workers)]
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for idx in range(self._num_workers):
                self._index_queues[idx].put(_ResumeIteration(self._shared_seed))
            resume_iteration_cnt = self._num_workers
            while resume_iteration_cnt > 0:
                return_idx, return_data = self._get_data()
                if isinstance(return_idx, _ResumeIteration):
                    assert return_data is None
                    resume_iteration_cnt -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _get_data(self):
        if self._timeout > 0:
            try:
                return self._data_queue.get(timeout=self._timeout)
            except queue.Empty:
                raise RuntimeError("DataLoader timed out after {} seconds".format(
                    self._timeout)) from None
        while True:
            try:
                return self._data_queue.get(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                dead = [i for i, w in enumerate(self._workers)
                        if self._workers_status[i] and not w.is_alive()]
                if dead:
                    raise RuntimeError("DataLoader worker (thread(s) {}) exited "
                                       "unexpectedly".format(", ".join(map(str, dead))))

    def _next_data(self):
        while True:
            # skip tasks sent to workers that have since run out of data
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or self._workers_status[info[0]]:
                    break
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                data = info[1]
                del self._task_info[self._rcvd_idx]
                if isinstance(data, _IterableDatasetStopIteration):
                    # handled in task order, so the batches interleave as torch's do when
                    # results arrive in order
                    self._rcvd_idx += 1
                    if self._persistent_workers:
                        self._workers_status[data.worker_id] = False
                    else:
                        self._mark_worker_as_unavailable(data.worker_id)
                    self._try_put_index()
                    continue
                return self._process_data(data)
            assert not self._shutdown and self._tasks_outstanding > 0
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            self._task_info[idx] += (data,)

    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # find the next active worker, if any
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                break
        else:
            return  # no active worker left
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data):
        self._rcvd_idx += 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        self._workers_done_event.set()
        for worker_id in range(len(self._workers)):
            if self._persistent_workers or self._workers_status[worker_id]:
                self._mark_worker_as_unavailable(worker_id, shutdown=True)
        current = threading.current_thread()
        for w in self._workers:
            if w is not current:
                w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
