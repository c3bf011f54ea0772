"""Small parts of torch's API that ordinary scripts touch, against torch 1.13: frombuffer
(memory shared with the buffer, torch's argument errors), the math constants, Tensor.layout and
the is_* flags of a dense CPU tensor, and torch.cuda's answers on a machine without CUDA."""
import pickle

import numpy as np
import pytest
import torch

import torsh


@pytest.mark.parametrize("kwargs", [
    dict(dtype="float32"), dict(dtype="int16", count=1, offset=2), dict(dtype="uint8", offset=7),
    dict(dtype="float64"), dict(dtype="int32", count=2),
])
def test_frombuffer_matches_torch_and_shares_memory(kwargs):
    def run(lib):
        buf = bytearray(range(8))
        kw = dict(kwargs, dtype=getattr(lib, kwargs["dtype"]))
        t = lib.frombuffer(buf, **kw)
        before = t.tolist()
        buf[7] = 200  # the tensor sees writes to the buffer
        return before, t.tolist(), str(t.dtype)
    assert run(torsh) == run(torch)


@pytest.mark.parametrize("buf,kwargs", [
    (bytearray(8), dict(count=3)), (bytearray(8), dict(offset=9)),
    (bytearray(8), dict(offset=3, dtype="int64")), (bytearray(0), {}), (bytearray(8), dict(count=0)),
])
def test_frombuffer_errors_match_torch(buf, kwargs):
    def run(lib):
        kw = dict(kwargs)
        kw["dtype"] = getattr(lib, kw.get("dtype", "float32"))
        with pytest.raises(Exception) as info:
            lib.frombuffer(buf, **kw)
        return type(info.value), str(info.value)
    assert run(torsh) == run(torch)


def test_constants_layout_and_flags():
    for name in ("pi", "e", "inf"):
        assert getattr(torsh, name) == getattr(torch, name)
    assert np.isnan(torsh.nan)
    t, r = torsh.zeros(2), torch.zeros(2)
    assert repr(t.layout) == repr(r.layout) == "torch.strided"
    assert t.layout == torsh.strided and t.layout != torsh.sparse_coo
    assert repr(torsh.sparse_coo) == repr(torch.sparse_coo)
    assert pickle.loads(pickle.dumps(torsh.strided)) is torsh.strided
    for flag in ("is_meta", "is_quantized", "is_nested", "is_mkldnn", "is_sparse_csr"):
        assert getattr(t, flag) is getattr(r, flag) is False


def test_cuda_queries_without_cuda_answer_as_torch():
    for name in ("memory_allocated", "max_memory_allocated", "memory_reserved", "device_count"):
        assert getattr(torsh.cuda, name)() == getattr(torch.cuda, name)()
    assert torsh.cuda.empty_cache() is None and torch.cuda.empty_cache() is None
    for name in ("get_device_name", "is_bf16_supported", "current_device", "synchronize"):
        with pytest.raises(AssertionError):
            getattr(torch.cuda, name)()
        with pytest.raises(AssertionError):
            getattr(torsh.cuda, name)()


def _amp_run(lib):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib.manual_seed(0)
        scaler = lib.cuda.amp.GradScaler()
        model = lib.nn.Linear(3, 1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        losses = []
        for _ in range(3):
            with lib.cuda.amp.autocast():
                loss = model(lib.ones(4, 3)).pow(2).mean()
            opt.zero_grad()
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            losses.append(round(loss.item(), 6))
        with lib.autocast("cpu", enabled=False):
            assert not lib.is_autocast_cpu_enabled()
    messages = sorted({str(w.message) for w in caught})
    return losses, scaler.is_enabled(), scaler.get_scale(), scaler.state_dict(), messages


def test_cuda_amp_without_cuda_runs_in_float32_as_torch():
    assert _amp_run(torsh) == _amp_run(torch)


def test_autocast_device_type_checked():
    with pytest.raises(RuntimeError, match="device_type must be 'cuda' or 'cpu'"):
        torsh.autocast("tpu")


def _sequence_protocols(lib):
    import copy
    out = []
    x = lib.zeros(2, 3)
    out.append([type(v).__name__ for v in (x.shape + (4,), (4,) + x.shape, x.shape * 2,
                                           2 * x.shape)])
    out.append([str(v) for v in (x.shape + (4,), x.shape * 2)])
    out.append(reversed(lib.tensor([1, 2, 3])).tolist())
    out.append([lib.tensor([1, 2]) in lib.tensor([[1, 2], [3, 4]]), 5 in lib.tensor([1, 2]),
                2.0 in lib.tensor([1, 2])])
    y = copy.copy(x)
    y[0, 0] = 1
    out.append((x[0, 0].item(), y is x))
    w = lib.ones(2, requires_grad=True)
    c = copy.copy(w)
    out.append((c.requires_grad, c.is_leaf, c is w))
    for data in ([lib.ones(1), lib.zeros(1)], [[lib.tensor(1.0)], [lib.tensor(2.0)]],
                 [lib.ones(1, 1)], [lib.tensor(1), lib.tensor(2.5)], [1, lib.tensor(2)]):
        t = lib.tensor(data)
        out.append((t.tolist(), str(t.dtype)))
    for bad in ([lib.ones(2), lib.zeros(2)], [[1, 2], lib.tensor([3])]):
        with pytest.raises(ValueError) as info:
            lib.tensor(bad)
        out.append(str(info.value))
    with pytest.raises(RuntimeError) as info:
        "a" in lib.tensor([1])
    out.append(str(info.value))
    return out


def test_size_arithmetic_reversed_contains_copy_and_nested_tensors_match_torch():
    assert _sequence_protocols(torsh) == _sequence_protocols(torch)
