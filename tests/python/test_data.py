"""torsh.utils.data against torch.utils.data (1.13): samplers, random_split, datasets,
default_collate/default_convert and the DataLoader, compared batch by batch with the same
seed, with and without workers (torsh's workers are threads, torch's processes)."""
import collections
import math
import warnings

import numpy as np
import pytest

import torch
import torsh


def plain(x):
    """A batch as plain Python: tensors as (dtype, values), containers recursively (type
    names kept), numpy arrays as (dtype, values)."""
    if isinstance(x, (torch.Tensor, torsh.Tensor)):
        return ("T", str(x.dtype), tuple(x.shape), x.tolist())
    if isinstance(x, np.ndarray):
        return ("N", str(x.dtype), x.tolist())
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, tuple(plain(v) for v in x))
    if isinstance(x, collections.abc.Mapping):
        return (type(x).__name__, [(k, plain(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain(v) for v in x])
    return x


def both(fn):
    """fn(lib) for torch then torsh; each result as plain(...) or (exception type, message)."""
    out = []
    for lib in (torch, torsh):
        try:
            out.append(plain(fn(lib)))
        except Exception as e:  # noqa: BLE001 - compared between the libraries
            out.append(("raised", type(e).__name__, str(e)))
    return out


def same(fn):
    a, b = both(fn)
    assert b == a
    return a


def seeded(fn, seed=0):
    def run(lib):
        lib.manual_seed(seed)
        out = fn(lib)
        return out, lib.rand(2)  # the default stream afterwards: same consumption
    return run


# ---- samplers -------------------------------------------------------------------------------

SAMPLERS = {
    "sequential": lambda lib: lib.utils.data.SequentialSampler(range(7)),
    "random": lambda lib: lib.utils.data.RandomSampler(range(10)),
    "random-gen": lambda lib: lib.utils.data.RandomSampler(
        range(10), generator=lib.Generator().manual_seed(5)),
    "random-more": lambda lib: lib.utils.data.RandomSampler(range(6), num_samples=20),
    "random-fewer": lambda lib: lib.utils.data.RandomSampler(range(9), num_samples=4),
    "random-repl": lambda lib: lib.utils.data.RandomSampler(range(9), replacement=True,
                                                            num_samples=75),
    "random-repl-default": lambda lib: lib.utils.data.RandomSampler(range(50),
                                                                    replacement=True),
    "subset-random": lambda lib: lib.utils.data.SubsetRandomSampler([3, 8, 1, 9, 4, 20]),
    "subset-random-gen": lambda lib: lib.utils.data.SubsetRandomSampler(
        list(range(100, 130)), generator=lib.Generator().manual_seed(2)),
    "weighted": lambda lib: lib.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 0, 3],
                                                                 25),
    "weighted-one": lambda lib: lib.utils.data.WeightedRandomSampler([1, 2, 3], 1),
    "weighted-norepl": lambda lib: lib.utils.data.WeightedRandomSampler(
        [0.1, 0.9, 0.4, 0.7, 0.05, 3, 1, 1], 6, replacement=False),
    "weighted-norepl-gen": lambda lib: lib.utils.data.WeightedRandomSampler(
        (2, 5, 1, 0.5), 4, replacement=False, generator=lib.Generator().manual_seed(9)),
    "batch": lambda lib: lib.utils.data.BatchSampler(range(10), 3, False),
    "batch-drop": lambda lib: lib.utils.data.BatchSampler(range(10), 3, True),
    "batch-random": lambda lib: lib.utils.data.BatchSampler(
        lib.utils.data.RandomSampler(range(11)), 4, False),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_sampler_matches_torch(name):
    def fn(lib):
        s = SAMPLERS[name](lib)
        return [list(s), list(s), len(s)]  # two epochs
    assert same(seeded(fn, 3))[0] != "raised"
    assert same(seeded(fn, 12345))[0] != "raised"


@pytest.mark.parametrize("make", [
    lambda lib: lib.utils.data.RandomSampler(range(3), replacement=1),
    lambda lib: lib.utils.data.RandomSampler(range(3), num_samples=0),
    lambda lib: lib.utils.data.RandomSampler([], num_samples=None),
    lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], 0),
    lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], True),
    lambda lib: lib.utils.data.WeightedRandomSampler([1, 2], 2, replacement=None),
    lambda lib: lib.utils.data.WeightedRandomSampler([[1, 2]], 2),
    lambda lib: list(lib.utils.data.WeightedRandomSampler([1, 2], 3, replacement=False)),
    lambda lib: list(lib.utils.data.WeightedRandomSampler([0, 0], 3)),
    lambda lib: list(lib.utils.data.WeightedRandomSampler([1, -1], 3)),
    lambda lib: lib.utils.data.BatchSampler(range(3), 0, False),
    lambda lib: lib.utils.data.BatchSampler(range(3), 2, None),
    lambda lib: lib.utils.data.BatchSampler(range(3), True, False),
])
def test_sampler_errors(make):
    assert same(make)[0] == "raised"


def test_sampler_base_class_and_len():
    for lib in (torch, torsh):
        s = lib.utils.data.Sampler(None)
        with pytest.raises(NotImplementedError):
            iter(s)

        class Evens(lib.utils.data.Sampler):
            def __init__(self, n):
                self.n = n

            def __iter__(self):
                return iter(range(0, self.n, 2))

            def __len__(self):
                return (self.n + 1) // 2
        assert list(lib.utils.data.BatchSampler(Evens(9), 2, False)) == [[0, 2], [4, 6], [8]]
        assert len(lib.utils.data.BatchSampler(Evens(9), 2, True)) == 2


# ---- datasets and random_split --------------------------------------------------------------

@pytest.mark.parametrize("lengths", [[3, 7], [5, 0, 5], [0.3, 0.7], [0.25, 0.25, 0.5],
                                     [0.33, 0.33, 0.34], [0.5, 0.5, 0.0], [4, 5], [0.6, 0.6]])
def test_random_split(lengths):
    def fn(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            parts = lib.utils.data.random_split(range(10), lengths)
        return [[list(p) for p in parts], [len(p) for p in parts],
                [str(x.message) for x in w]]
    same(seeded(fn, 7))

    def fn_gen(lib):
        parts = lib.utils.data.random_split(range(10), lengths,
                                            generator=lib.Generator().manual_seed(42))
        return [p.indices for p in parts]
    same(fn_gen)


def test_random_split_fraction_errors():
    same(lambda lib: lib.utils.data.random_split(range(10), [1.2, -0.2]))


def test_datasets():
    def fn(lib):
        x = lib.arange(12).reshape(6, 2)
        y = lib.arange(6) * 10
        td = lib.utils.data.TensorDataset(x, y)
        cd = td + lib.utils.data.TensorDataset(x[:2] + 100, y[:2] + 100)
        sub = lib.utils.data.Subset(cd, [7, 0, 3])
        return [len(td), td[2], td[1:3], len(cd), cd[6], cd[-1], cd[-8], cd.cumulative_sizes,
                len(sub), sub[0], sub[2], list(cd.cumsum([[1, 2], [3], []]))]
    same(fn)
    same(lambda lib: lib.utils.data.ConcatDataset([range(3)])[-4])
    same(lambda lib: lib.utils.data.TensorDataset(lib.zeros(3), lib.zeros(4)))
    same(lambda lib: lib.utils.data.ConcatDataset([]))


class Counter:
    """An IterableDataset over [start, end) that splits itself between loader workers (the
    pattern of torch's IterableDataset docs)."""

    @staticmethod
    def make(lib, start, end, split=True):
        class CounterDS(lib.utils.data.IterableDataset):
            def __init__(self):
                self.start, self.end = start, end

            def __iter__(self):
                info = lib.utils.data.get_worker_info()
                lo, hi = self.start, self.end
                if info is not None and split:
                    per = int(math.ceil((hi - lo) / float(info.num_workers)))
                    lo = lo + info.id * per
                    hi = min(lo + per, self.end)
                return iter(range(lo, hi))

            def __len__(self):
                return self.end - self.start
        return CounterDS()


def test_iterable_and_chain_datasets():
    def fn(lib):
        a, b = Counter.make(lib, 0, 3), Counter.make(lib, 10, 12)
        chain = a + b
        return [list(chain), len(chain), isinstance(chain, lib.utils.data.ChainDataset)]
    same(fn)
    same(lambda lib: list(lib.utils.data.ChainDataset([range(3)])))
    same(lambda lib: lib.utils.data.ConcatDataset([Counter.make(lib, 0, 2)]))
    for lib in (torch, torsh):
        with pytest.raises(NotImplementedError):
            lib.utils.data.Dataset()[0]


# ---- collation ------------------------------------------------------------------------------

Point = collections.namedtuple("Point", ["x", "y"])

BATCHES = {
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [1.5, 2.0, -3.25],
    "bools": lambda lib: [True, False],
    "strings": lambda lib: ["a", "bc"],
    "bytes": lambda lib: [b"a", b"bc"],
    "tensors": lambda lib: [lib.arange(3), lib.arange(3) * 2],
    "tensors-f64": lambda lib: [lib.ones(2, 2, dtype=lib.float64), lib.zeros(2, 2,
                                                                               dtype=lib.float64)],
    "0d-tensors": lambda lib: [lib.tensor(1.5), lib.tensor(2.5)],
    "numpy": lambda lib: [np.arange(4, dtype=np.int32), np.ones(4, dtype=np.int32)],
    "numpy-f16": lambda lib: [np.ones((2, 2), dtype=np.float16)] * 3,
    "numpy-scalars": lambda lib: [np.int32(1), np.int32(5)],
    "numpy-f64-scalars": lambda lib: [np.float64(1.5), np.float64(5)],
    "numpy-bool-scalars": lambda lib: [np.bool_(True), np.bool_(False)],
    "numpy-u8-scalars": lambda lib: [np.uint8(3), np.uint8(250)],
    "numpy-0d": lambda lib: [np.array(1.5), np.array(2.5)],
    "dicts": lambda lib: [{"a": 1, "b": lib.ones(2)}, {"a": 2, "b": lib.zeros(2)}],
    "ordered": lambda lib: [collections.OrderedDict(z=1.0, a=[1, 2]),
                            collections.OrderedDict(z=2.0, a=[3, 4])],
    "namedtuple": lambda lib: [Point(1, lib.ones(2)), Point(2, lib.zeros(2))],
    "tuples": lambda lib: [(1, "x", 2.0), (3, "y", 4.0)],
    "lists": lambda lib: [[1, [2, 3]], [4, [5, 6]]],
    "nested": lambda lib: [{"img": np.ones((2, 2), dtype=np.float32), "meta": (1, "u"),
                            "t": [lib.tensor([1, 2])]},
                           {"img": np.zeros((2, 2), dtype=np.float32), "meta": (2, "v"),
                            "t": [lib.tensor([3, 4])]}],
    "unequal": lambda lib: [[1, 2], [3]],
    "unsupported": lambda lib: [object(), object()],
    "numpy-strings": lambda lib: [np.array(["a"]), np.array(["b"])],
    "none": lambda lib: [None, None],
}


@pytest.mark.parametrize("name", list(BATCHES))
def test_default_collate(name):
    res = same(lambda lib: lib.utils.data.default_collate(BATCHES[name](lib)))
    if name in ("unequal", "unsupported", "numpy-strings", "none"):
        assert res[0] == "raised"


@pytest.mark.parametrize("value", [
    lambda lib: np.arange(3, dtype=np.int16), lambda lib: np.float32(2.5),
    lambda lib: np.int32(7), lambda lib: np.bool_(True), lambda lib: np.float16(1.5),
    lambda lib: [np.uint8(200), np.float64(0.25)],
    lambda lib: (np.ones(2), [np.int64(3), "s"]), lambda lib: {"k": np.zeros(1), "s": "x"},
    lambda lib: Point(np.ones(1), 2), lambda lib: np.array(["a", "b"]), lambda lib: "abc",
    lambda lib: lib.ones(2), lambda lib: range(3), lambda lib: 7,
])
def test_default_convert(value):
    same(lambda lib: lib.utils.data.default_convert(value(lib)))


def test_collate_module_paths():
    from torsh.utils.data._utils.collate import collate, default_collate_fn_map
    from torsh.utils.data.dataloader import default_collate
    assert default_collate is torsh.utils.data.default_collate
    m = dict(default_collate_fn_map)
    m[str] = lambda b, *, collate_fn_map: "|".join(b)
    assert collate(["a", "b"], collate_fn_map=m) == "a|b"


@pytest.mark.parametrize("n,replicas,kw", [(10, 3, {}), (10, 3, dict(drop_last=True)),
                                           (7, 4, dict(shuffle=False)), (2, 5, dict(seed=4)),
                                           (12, 4, dict(drop_last=True, seed=1))])
def test_distributed_sampler(n, replicas, kw):
    def fn(lib):
        out = []
        for rank in range(replicas):
            s = lib.utils.data.distributed.DistributedSampler(range(n), num_replicas=replicas,
                                                              rank=rank, **kw)
            epochs = []
            for e in range(2):
                s.set_epoch(e)
                epochs.append(list(s))
            out.append([epochs, len(s), s.total_size])
        return out
    assert same(fn)[0] != "raised"
    assert same(lambda lib: lib.utils.data.distributed.DistributedSampler(
        range(3), num_replicas=2, rank=2))[0] == "raised"
