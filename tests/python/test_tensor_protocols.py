"""Tensor protocols and small API pieces checked against torch: copy.deepcopy (tensors, grads,
state_dicts, modules with buffers), pickle round trips of every dtype, torch.typename,
torch.default_generator as an object, Tensor.transpose_, and the float64 random fills that torch
computes with a fused multiply-add (uniform_, normal_: the same bits)."""
import copy
import pickle

import numpy as np
import pytest
import torch

import torsh

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool"]


def both(values, dtype):
    return (torch.tensor(values).to(getattr(torch, dtype)),
            torsh.tensor(values).to(getattr(torsh, dtype)))


def same(a, b):
    assert str(a.dtype) == repr(b.dtype) and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.float().numpy() if a.dtype == torch.bfloat16 else a.numpy(),
                                  b.float().numpy() if b.dtype == torsh.bfloat16 else b.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_pickle_round_trip(dtype):
    t, s = both([[1.5, -2.0, 0.0], [3.25, 1.0, -0.5]], dtype)
    same(pickle.loads(pickle.dumps(t)), pickle.loads(pickle.dumps(s)))
    same(pickle.loads(pickle.dumps(t[0, 1])), pickle.loads(pickle.dumps(s[0, 1])))  # 0-dim
    same(pickle.loads(pickle.dumps(t.t())), pickle.loads(pickle.dumps(s.t())))  # transposed


def test_deepcopy_leaf_with_grad():
    for lib in (torch, torsh):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        c = copy.deepcopy(x)
        assert c.requires_grad and c.is_leaf and c is not x
        assert c.grad.tolist() == x.grad.tolist()
        c.detach().add_(1)
        assert x.tolist() == [1.0, 2.0]


def test_deepcopy_non_leaf_raises_like_torch():
    errs = []
    for lib in (torch, torsh):
        x = lib.tensor([1.0], requires_grad=True) * 2
        with pytest.raises(RuntimeError) as e:
            copy.deepcopy(x)
        errs.append(str(e.value))
    assert errs[0] == errs[1]


def test_deepcopy_state_dict_and_module_with_buffers():
    torch.manual_seed(0)
    torsh.manual_seed(0)
    mt, ms = torch.nn.BatchNorm1d(3), torsh.nn.BatchNorm1d(3)
    x = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    mt(torch.from_numpy(x))
    ms(torsh.from_numpy(x))
    sdt, sds = copy.deepcopy(mt.state_dict()), copy.deepcopy(ms.state_dict())
    assert list(sdt) == list(sds)
    for k in sdt:
        np.testing.assert_allclose(sds[k].numpy(), sdt[k].numpy(), rtol=1e-6)
    m2 = copy.deepcopy(ms)
    assert m2.running_mean is not ms.running_mean
    np.testing.assert_array_equal(m2.running_mean.numpy(), ms.running_mean.numpy())


def test_typename_and_is_complex():
    for dtype in DTYPES:
        t, s = both([1, 0], dtype)
        assert torsh.typename(s) == torch.typename(t)
        assert torsh.is_complex(s) == torch.is_complex(t) and s.is_complex() == t.is_complex()
    assert torsh.typename(3) == torch.typename(3)
    assert torsh.typename(torsh.nn.Linear(1, 1)) == "torsh.nn.modules.linear.Linear"


def test_default_generator_is_the_global_generator_object():
    assert isinstance(torsh.default_generator, torsh.Generator)
    torch.default_generator.manual_seed(7)
    torsh.default_generator.manual_seed(7)
    np.testing.assert_array_equal(torch.rand(5).numpy(), torsh.rand(5).numpy())
    assert torsh.default_generator.initial_seed() == torch.default_generator.initial_seed()


def test_transpose_in_place():
    t, s = torch.arange(6.).view(2, 3), torsh.arange(6.).view(2, 3)
    rt, rs = t.transpose_(0, 1), s.transpose_(0, 1)
    assert rs is s
    same(rt, rs)


@pytest.mark.parametrize("n", [5, 16, 4000])
@pytest.mark.parametrize("fn,args", [("uniform_", (-0.4, 0.4)), ("uniform_", (2.0, 3.0)),
                                     ("normal_", (-0.4, 0.4)), ("normal_", (2.0, 3.0))])
def test_float64_random_fills_have_torchs_bits(n, fn, args):
    torch.manual_seed(0)
    torsh.manual_seed(0)
    a = getattr(torch.empty(n, dtype=torch.float64), fn)(*args)
    b = getattr(torsh.empty(n, dtype=torsh.float64), fn)(*args)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("data", [
    [np.int32(1), np.int32(2)], [np.bool_(True), np.bool_(False)], [np.float64(1.5)],
    [np.uint8(3)], np.float16(2.5), [np.float64(1.5), 2.0], [np.int64(1), 2.5],
    [[np.float32(1)], [np.float32(2)]], np.int16(7), [np.float32(1.5), np.float64(2)],
    [np.int8(-3), 7],
])
def test_numpy_scalars_keep_their_dtype_in_tensor(data):
    a, b = torch.tensor(data), torsh.tensor(data)
    assert str(a.dtype) == repr(b.dtype)
    assert a.tolist() == b.tolist()
