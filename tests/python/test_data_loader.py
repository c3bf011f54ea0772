"""torsh.utils.data.DataLoader against torch's (1.13), batch by batch from the same seed: with
and without shuffling, samplers, batch samplers, auto-batching off, drop_last, custom
collate_fn, generators, worker threads (torch: processes) with their dispatch order and
worker info, persistent workers, iterable datasets, errors and the stream of the default
generator afterwards."""
import warnings

import numpy as np
import pytest

import torch
import torsh

from test_data import Counter, plain, same, seeded


def map_dataset(lib, n=23):
    x = lib.arange(n * 2, dtype=lib.float32).reshape(n, 2)
    return lib.utils.data.TensorDataset(x, lib.arange(n) % 3)


def dict_dataset(lib, n=13):
    class DictDS(lib.utils.data.Dataset):
        def __getitem__(self, i):
            return {"x": np.full((2,), i, dtype=np.float32), "i": i, "name": "s%d" % i,
                    "pair": (i * 0.5, lib.tensor([i, -i]))}

        def __len__(self):
            return n
    return DictDS()


def info_dataset(lib, n=17):
    """Samples carry the loading worker's info (None in the main thread)."""
    class InfoDS(lib.utils.data.Dataset):
        def __getitem__(self, i):
            info = lib.utils.data.get_worker_info()
            return (i, -1, -1, -1) if info is None else (i, info.id, info.num_workers,
                                                         info.seed)

        def __len__(self):
            return n
    return InfoDS()


def first_of_pair(batch):
    return batch[0] * 10


LOADERS = {
    "default": lambda lib: lib.utils.data.DataLoader(map_dataset(lib)),
    "batch5": lambda lib: lib.utils.data.DataLoader(map_dataset(lib), batch_size=5),
    "shuffle": lambda lib: lib.utils.data.DataLoader(map_dataset(lib), batch_size=4,
                                                     shuffle=True),
    "shuffle-drop": lambda lib: lib.utils.data.DataLoader(map_dataset(lib), batch_size=4,
                                                          shuffle=True, drop_last=True),
    "shuffle-gen": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_size=6, shuffle=True,
        generator=lib.Generator().manual_seed(11)),
    "sampler": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_size=3,
        sampler=lib.utils.data.WeightedRandomSampler([1.0] * 20 + [5.0] * 3, 30)),
    "subset-sampler": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_size=2,
        sampler=lib.utils.data.SubsetRandomSampler([1, 5, 9, 13, 17, 21])),
    "batch-sampler": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_sampler=lib.utils.data.BatchSampler(
            lib.utils.data.RandomSampler(range(23), replacement=True, num_samples=40), 7,
            True)),
    "list-batch-sampler": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_sampler=[[0, 5], [3], [22, 1, 2]]),
    "no-batching": lambda lib: lib.utils.data.DataLoader(dict_dataset(lib), batch_size=None,
                                                         shuffle=True),
    "dicts": lambda lib: lib.utils.data.DataLoader(dict_dataset(lib), batch_size=4,
                                                   shuffle=True),
    "collate_fn": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_size=4, collate_fn=lambda b: [s[1].item() for s in b]),
    "pin_memory": lambda lib: lib.utils.data.DataLoader(map_dataset(lib), batch_size=8,
                                                        pin_memory=True),
    "iterable": lambda lib: lib.utils.data.DataLoader(Counter.make(lib, 3, 20), batch_size=4),
    "iterable-nobatch": lambda lib: lib.utils.data.DataLoader(Counter.make(lib, 0, 5),
                                                              batch_size=None),
    "iterable-drop": lambda lib: lib.utils.data.DataLoader(Counter.make(lib, 3, 20),
                                                           batch_size=4, drop_last=True),
    "numpy-dataset": lambda lib: lib.utils.data.DataLoader(
        [np.array([i, i + 1], dtype=np.int16) for i in range(9)], batch_size=4),
    "list-dataset": lambda lib: lib.utils.data.DataLoader([(i, float(i)) for i in range(7)],
                                                          batch_size=3, shuffle=True),
}

WORKER_LOADERS = {
    "w2": lambda lib: lib.utils.data.DataLoader(map_dataset(lib), batch_size=3, shuffle=True,
                                                num_workers=2),
    "w3-prefetch1": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_size=2, shuffle=True, num_workers=3, prefetch_factor=1),
    "w2-info": lambda lib: lib.utils.data.DataLoader(info_dataset(lib), batch_size=3,
                                                     num_workers=2, prefetch_factor=3),
    "w2-info-nobatch": lambda lib: lib.utils.data.DataLoader(info_dataset(lib, 7),
                                                             batch_size=None, num_workers=2),
    "w2-persistent": lambda lib: lib.utils.data.DataLoader(
        info_dataset(lib), batch_size=4, shuffle=True, num_workers=2, persistent_workers=True),
    "w2-iterable-split": lambda lib: lib.utils.data.DataLoader(Counter.make(lib, 0, 23),
                                                               batch_size=3, num_workers=2),
    "w3-iterable-uneven": lambda lib: lib.utils.data.DataLoader(
        Counter.make(lib, 0, 10), batch_size=2, num_workers=3, drop_last=True),
    "w2-iterable-replicas": lambda lib: lib.utils.data.DataLoader(
        Counter.make(lib, 0, 5, split=False), batch_size=None, num_workers=2),
    "w2-iterable-persistent": lambda lib: lib.utils.data.DataLoader(
        Counter.make(lib, 0, 9), batch_size=2, num_workers=2, persistent_workers=True),
    "w2-collate": lambda lib: lib.utils.data.DataLoader(
        map_dataset(lib), batch_size=5, num_workers=2, collate_fn=first_of_pair,
        generator=lib.Generator().manual_seed(3), shuffle=True),
}


def epochs(loader, n=2):
    return [[b for b in loader] for _ in range(n)] + [len(loader)]


@pytest.mark.parametrize("name", list(LOADERS))
def test_loader_matches_torch(name):
    for seed in (0, 77):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = same(seeded(lambda lib: epochs(LOADERS[name](lib)), seed))
            assert res[0] != "raised", res


@pytest.mark.parametrize("name", list(WORKER_LOADERS))
def test_worker_loader_matches_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = same(seeded(lambda lib: epochs(WORKER_LOADERS[name](lib)), 5))
    assert res[0] != "raised", res


def test_worker_init_fn_and_worker_info():
    def fn(lib):
        seen = []

        class DS(lib.utils.data.Dataset):
            def __getitem__(self, i):
                info = lib.utils.data.get_worker_info()
                return [i, info.id, getattr(info.dataset, "tag", None)]

            def __len__(self):
                return 8

        def init(worker_id):
            info = lib.utils.data.get_worker_info()
            info.dataset.tag = "w%d" % worker_id  # per-worker copy of the dataset
            seen.append(worker_id)
        ds = DS()
        out = list(lib.utils.data.DataLoader(ds, batch_size=2, num_workers=2,
                                             worker_init_fn=init))
        return out, hasattr(ds, "tag"), lib.utils.data.get_worker_info()
    assert same(seeded(fn, 1))[0] != "raised"


def test_worker_info_cannot_be_modified():
    def fn(lib):
        class DS(lib.utils.data.Dataset):
            def __getitem__(self, i):
                info = lib.utils.data.get_worker_info()
                try:
                    info.id = 3
                except RuntimeError as e:
                    return str(e)

            def __len__(self):
                return 1
        return list(lib.utils.data.DataLoader(DS(), batch_size=None, num_workers=1))
    assert same(fn)[0] != "raised"


@pytest.mark.parametrize("workers", [0, 2])
def test_exception_in_dataset_propagates(workers):
    def fn(lib):
        class Bad(lib.utils.data.Dataset):
            def __getitem__(self, i):
                if i == 7:
                    raise KeyError("bad index %d" % i)
                return i

            def __len__(self):
                return 12
        got = []
        try:
            for b in lib.utils.data.DataLoader(Bad(), batch_size=3, num_workers=workers):
                got.append(b)
        except KeyError as e:
            return got, "KeyError", "bad index 7" in str(e)
        return got, None
    assert same(fn)[0] != "raised"


def test_exception_in_worker_init_fn():
    def fn(lib):
        def init(worker_id):
            raise ValueError("init failed")
        it = iter(lib.utils.data.DataLoader(range(6), batch_size=2, num_workers=2,
                                            worker_init_fn=init))
        try:
            next(it)
        except ValueError as e:
            return "ValueError", str(e).split("\n")[0], "init failed" in str(e)
        finally:
            it._shutdown_workers()  # torch's workers otherwise take 10 s to go at gc
    assert same(fn)[0] != "raised"


@pytest.mark.parametrize("kw", [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=3),
    dict(persistent_workers=True), dict(shuffle=True, sampler=[0, 1]),
    dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], drop_last=True),
    dict(batch_sampler=[[0]], shuffle=True), dict(batch_size=None, drop_last=True),
    dict(multiprocessing_context="fork"), dict(num_workers=1, multiprocessing_context="x"),
    dict(num_workers=1, multiprocessing_context=3), dict(batch_size=0),
])
def test_constructor_errors(kw):
    res = same(lambda lib: lib.utils.data.DataLoader(range(5), **kw))
    assert res[0] == "raised"


@pytest.mark.parametrize("kw", [dict(shuffle=True), dict(sampler=[0]),
                                dict(batch_sampler=[[0]])])
def test_iterable_dataset_rejects_order_options(kw):
    res = same(lambda lib: lib.utils.data.DataLoader(Counter.make(lib, 0, 3), **kw))
    assert res[0] == "raised"


def test_timeout_needs_workers_and_attributes_are_frozen():
    same(lambda lib: iter(lib.utils.data.DataLoader(range(3), timeout=1.0)))
    same(lambda lib: list(lib.utils.data.DataLoader(range(5), num_workers=1, timeout=5.0)))

    def fn(lib):
        dl = lib.utils.data.DataLoader(range(3))
        dl.num_workers = 0  # allowed
        dl.batch_size = 2
    same(fn)


def test_timeout_expires_with_a_slow_worker():
    import time

    def fn(lib):
        class Slow(lib.utils.data.Dataset):
            def __getitem__(self, i):
                time.sleep(0.4)
                return i

            def __len__(self):
                return 2
        it = iter(lib.utils.data.DataLoader(Slow(), num_workers=1, timeout=0.1))
        try:
            next(it)
        finally:
            it._shutdown_workers()
    res = same(fn)
    assert res[:2] == ("raised", "RuntimeError")


def test_lengths():
    def fn(lib):
        ds = map_dataset(lib)
        it = Counter.make(lib, 0, 10)
        return [len(lib.utils.data.DataLoader(ds, batch_size=b, drop_last=d))
                for b in (1, 4, 23, 30) for d in (False, True)] + [
            len(lib.utils.data.DataLoader(it, batch_size=3)),
            len(lib.utils.data.DataLoader(it, batch_size=3, drop_last=True)),
            len(lib.utils.data.DataLoader(it, batch_size=None)),
            len(iter(lib.utils.data.DataLoader(ds, batch_size=5)))]
    assert same(fn)[0] != "raised"


def test_iterable_length_warning():
    def fn(lib):
        class Liar(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(5))

            def __len__(self):
                return 3
        dl = lib.utils.data.DataLoader(Liar(), batch_size=None)
        assert len(dl) == 3
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = list(dl)
        return out, [str(x.message).split(" was reported")[1] for x in w]
    assert same(fn)[0] != "raised"


def test_partial_epoch_then_new_iterator():
    """Breaking out of an epoch and starting another consumes the streams as torch does."""
    def fn(lib):
        dl = lib.utils.data.DataLoader(map_dataset(lib), batch_size=4, shuffle=True,
                                       num_workers=2)
        it = iter(dl)
        first = [next(it), next(it)]
        del it
        return first, list(dl)
    assert same(seeded(fn, 9))[0] != "raised"


def test_iterator_is_its_own_iterator_and_not_picklable():
    for lib in (torch, torsh):
        it = iter(lib.utils.data.DataLoader(range(4), batch_size=2))
        assert iter(it) is it and len(it) == 2
        with pytest.raises(NotImplementedError):
            it.__getstate__()


def test_training_loop_with_loader_and_optimizer():
    """A small regression trained for two epochs with shuffled mini-batches, SGD with momentum
    and a StepLR schedule: the same losses as torch."""
    def fn(lib):
        lib.manual_seed(0)
        x = lib.randn(40, 3)
        y = x @ lib.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * lib.randn(40, 1)
        model = lib.nn.Linear(3, 1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=8,
                                           shuffle=True)
        losses = []
        for _ in range(2):
            for xb, yb in loader:
                opt.zero_grad()
                loss = lib.nn.functional.mse_loss(model(xb), yb)
                loss.backward()
                opt.step()
                losses.append(loss.item())
            sched.step()
        return losses
    a, b = (np.array(r) for r in (fn(torch), fn(torsh)))
    np.testing.assert_allclose(b, a, rtol=1e-5)
    assert plain(a[-1]) < plain(a[0])


def _worker_random_draws(lib):
    class Noisy(lib.utils.data.Dataset):
        def __len__(self):
            return 12

        def __getitem__(self, i):
            return lib.rand(2) + i

    out = []
    lib.manual_seed(0)
    for workers in (0, 2, 3):
        loader = lib.utils.data.DataLoader(Noisy(), batch_size=2, num_workers=workers,
                                           shuffle=True)
        out.append([v for b in loader for v in b.flatten().tolist()])
    out.append(lib.rand(2).tolist())  # the main stream after: workers never drew from it

    def reseed(worker_id):
        lib.manual_seed(1234 + worker_id)

    loader = lib.utils.data.DataLoader(Noisy(), batch_size=3, num_workers=2,
                                       worker_init_fn=reseed)
    out.append([v for b in loader for v in b.flatten().tolist()])
    out.append(lib.initial_seed())  # reseeding in a worker leaves the main generator alone
    return out


def test_random_draws_in_workers_match_torch():
    """Each worker has its own default generator seeded base_seed + worker id, as a torch
    worker process: torch.rand in a dataset gives torch's values with any number of workers."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _worker_random_draws(torch)
        got = _worker_random_draws(torsh)
    assert len(got) == len(expected)
    for g, e in zip(got[:-1], expected[:-1]):
        np.testing.assert_allclose(g, e, rtol=1e-6)
    assert got[-1] == expected[-1]
