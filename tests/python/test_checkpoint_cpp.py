"""torsh's C++ checkpoint I/O (torsh::save / torsh::load, include/torsh/serialize.h) against
PyTorch: files written from C++ load in torch.load with the same values, and files written by
torch.save (several protocols, shared storages, views, every dtype) load in C++ with the same
values. The C++ side is tests/tools/checkpoint_tool.cpp."""
import collections
import json
import os
import struct
import subprocess

import pytest
import torch

from conftest import ROOT, record

TOOL = os.path.join(ROOT, "build", "checkpoint_tool")


def _tool(*args, check=True):
    r = subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def _canon(v):
    """checkpoint_tool's dump format, computed from a Python object."""
    if v is None:
        return "None"
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%.17g" % v
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, torch.Tensor):
        name = str(v.dtype).replace("torch.", "")
        flat = v.detach().reshape(-1)
        if v.is_complex():
            vals = ", ".join("(%.9g%+.9gj)" % (float(x.real), float(x.imag)) for x in flat)
        else:
            vals = ", ".join("%.9g" % float(x) for x in flat.double())
        shape = ", ".join(str(s) for s in v.shape)
        return f"tensor({name}, [{shape}], grad={int(v.requires_grad)}, [{vals}])"
    if isinstance(v, tuple):
        return "(" + ", ".join(_canon(x) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_canon(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_canon(k)}: {_canon(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def _torch_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 4), torch.nn.Tanh(),
                               torch.nn.Linear(4, 2))


def test_cpp_model_state_dict_loads_in_torch(tmp_path):
    """torsh::save(model) is torch.save(model.state_dict()): same keys, order and values as the
    same seeded model built in PyTorch (torsh's init and generator are PyTorch's)."""
    path = str(tmp_path / "model.pt")
    _tool("write-model", path)
    record("C++ torsh::save -> torch.load")
    got = torch.load(path)
    want = _torch_model().state_dict()
    assert isinstance(got, collections.OrderedDict)
    assert list(got) == list(want)
    for k in want:
        assert got[k].dtype == want[k].dtype and torch.equal(got[k], want[k]), k
    model = _torch_model()
    model.load_state_dict(got)  # strict


def test_cpp_nested_value_loads_in_torch(tmp_path):
    """Every kind of value, views sharing one storage (they share it again in torch), half,
    bfloat16, bool, complex, 0-dim, empty and requires_grad tensors, int keys."""
    path = str(tmp_path / "value.pt")
    _tool("write-value", path)
    got = torch.load(path)
    torch.manual_seed(1)
    base = torch.randn(4, 3)
    assert torch.equal(got["weights"], base)
    assert torch.equal(got["column"], base[:, 1]) and got["column"].stride() == (3,)
    assert torch.equal(got["tail"], base[2:])
    got["weights"][0, 1] = 100.0  # one storage: the views see the write
    assert got["column"][0] == 100.0
    assert torch.equal(got["ints"], torch.arange(5))
    assert got["half"].dtype == torch.float16 and got["half"].tolist() == [0.5, -2.0]
    assert got["bf16"].dtype == torch.bfloat16 and got["bf16"].tolist() == [1.5, 3.0]
    assert got["flags"].tolist() == [True, False, True]
    assert got["bytes"].dtype == torch.uint8 and got["bytes"].tolist() == [1, 200]
    assert got["complex"].tolist() == [1 - 2j]
    assert got["scalar"].dim() == 0 and got["scalar"].dtype == torch.float64
    assert got["scalar"].item() == 3.25
    assert got["empty"].shape == (0, 2)
    assert got["leaf"].requires_grad and got["leaf"].is_leaf
    assert got["meta"] == {"step": 7, "lr": 0.125, "betas": (0.9, 0.999)}
    assert type(got["meta"]) is dict
    assert got["names"] == ["a", "b", None, True, -5, 1 << 40]
    assert got[7] == "int key"


def _torch_value():
    torch.manual_seed(2)
    base = torch.randn(3, 4)
    p = torch.nn.Parameter(torch.randn(2, 2))
    od = collections.OrderedDict([("w", base), ("t", base.t()), ("row", base[1]),
                                  ("p", p), ("n", 3)])
    return {
        "state": od,
        "dtypes": [torch.arange(3, dtype=t) for t in (torch.int8, torch.int16, torch.int32,
                                                       torch.int64, torch.uint8)]
        + [torch.tensor([1.25, -3.5], dtype=t) for t in (torch.float16, torch.bfloat16,
                                                         torch.float32, torch.float64)]
        + [torch.tensor([1 + 2j], dtype=torch.complex64), torch.tensor([True, False])],
        "scalars": (None, True, False, 0, 255, 256, 65536, -1, 2 ** 31, -2 ** 40, 2 ** 63 - 1,
                    0.1, -1e300, float("inf"), "ünïcode"),
        "empty": torch.zeros(0, 3),
        "zero_dim": torch.tensor(7),
        "nested": [[1, [2, (3, {"x": [4]})]]],
    }


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_torch_checkpoint_loads_in_cpp(tmp_path, protocol):
    """torch.save files (default protocol 2, and 4/5 with frames, memoize and short strings)
    load in C++ with the same values."""
    path = str(tmp_path / f"torch_p{protocol}.pt")
    value = _torch_value()
    torch.save(value, path, pickle_protocol=protocol)
    record("torch.save -> C++ torsh::load")
    out = _tool("dump", path).stdout.strip()
    assert out == _canon(value)


def test_torch_model_loads_into_cpp_model(tmp_path):
    """model.load_state_dict(torch.load(...)) from C++ with a torch-written state_dict: the
    module then holds torch's values (a model trained a few steps in torch)."""
    model = _torch_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(5, 3)).pow(2).sum().backward()
        opt.step()
    path = str(tmp_path / "trained.pt")
    torch.save(model.state_dict(), path)
    out = _tool("load-model", path).stdout.strip()
    assert out == _canon(dict(model.state_dict()))


def test_cpp_load_state_dict_is_strict(tmp_path):
    """Missing, unexpected and mis-shaped keys are all named, as torch's strict load does, and
    nothing is copied."""
    sd = _torch_model().state_dict()
    del sd["1.bias"]
    sd["extra"] = torch.zeros(1)
    sd["3.weight"] = torch.zeros(3, 3)
    path = str(tmp_path / "bad.pt")
    torch.save(sd, path)
    r = _tool("load-model", path, check=False)
    assert r.returncode == 1
    assert 'Missing key(s) in state_dict: "1.bias"' in r.stderr
    assert 'Unexpected key(s) in state_dict: "extra"' in r.stderr
    assert "size mismatch for 3.weight: copying a param with shape torch.Size([3, 3])" in r.stderr


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_cpp_load_rejects_code_and_malformed_files(tmp_path):
    """A pickle naming anything beyond tensors and containers is refused before it runs; every
    truncation or corruption of a valid file raises torsh::Error, never crashes."""
    evil = str(tmp_path / "evil.pt")
    torch.save({"x": _Evil()}, evil)
    r = _tool("dump", evil, check=False)
    assert r.returncode == 1 and "posix.system" in r.stderr and "pwned" not in r.stdout
    good = str(tmp_path / "good.pt")
    torch.save(_torch_value(), good)
    data = open(good, "rb").read()
    bad = str(tmp_path / "bad.pt")
    cuts = sorted(set(range(0, len(data), max(1, len(data) // 60))) | {len(data) - 1})
    for cut in cuts:
        with open(bad, "wb") as f:
            f.write(data[:cut])
        assert _tool("dump", bad, check=False).returncode == 1, cut
    # flipped bytes inside the pickle: an error (CRC) rather than a crash
    pkl_at = data.find(b"data.pkl") + 100
    for i in range(pkl_at, min(pkl_at + 40, len(data))):
        flipped = bytearray(data)
        flipped[i] ^= 0xFF
        with open(bad, "wb") as f:
            f.write(flipped)
        assert _tool("dump", bad, check=False).returncode in (0, 1), i


def test_cpp_round_trip_of_cpp_file(tmp_path):
    """What C++ writes, C++ reads back the same (and torch agrees on the rendering)."""
    path = str(tmp_path / "value.pt")
    _tool("write-value", path)
    out = _tool("dump", path).stdout.strip()
    assert out == _canon(torch.load(path))


def _torch_optimizer(name, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=1e-3, nesterov=True)
    if name == "adam":
        return torch.optim.Adam(params, lr=0.01, weight_decay=1e-3, amsgrad=True)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=0.05, lr_decay=0.01, weight_decay=1e-3,
                                   initial_accumulator_value=0.1)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=0.01, momentum=0.9, centered=True,
                                   weight_decay=1e-3)
    return torch.optim.AdamW(params, lr=0.01, betas=(0.8, 0.99))


def _train_step(model, opt):
    torch.manual_seed(5)
    x = torch.randn(8, 3)
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()


def _close(a, b):
    assert list(a) == list(b)
    for k in a:
        assert torch.allclose(a[k].double(), b[k].double(), rtol=1e-5, atol=1e-7), k


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "adagrad", "rmsprop"])
def test_optimizer_state_moves_both_ways(tmp_path, name):
    """torsh::save(optimizer) writes torch's optimizer state_dict: torch loads it (with the
    model) and its next step equals the C++ next step; and torch's saved state loads into the
    C++ optimizer, whose next step equals torch's."""
    d = str(tmp_path)
    _tool("train-save", d, name)
    record("C++ optimizer state <-> torch")
    saved = torch.load(f"{d}/optim.pt")
    model = _torch_model()
    opt = _torch_optimizer(name, model.parameters())
    assert [sorted(g) for g in saved["param_groups"]] == \
        [sorted(g) for g in opt.state_dict()["param_groups"]]
    model.load_state_dict(torch.load(f"{d}/model.pt"))
    opt.load_state_dict(saved)
    _train_step(model, opt)
    _close(model.state_dict(), torch.load(f"{d}/model_after.pt"))

    # the other way: torch trains and saves, C++ loads and steps
    model = _torch_model()
    opt = _torch_optimizer(name, model.parameters())
    for _ in range(3):
        _train_step(model, opt)
    torch.save(model.state_dict(), f"{d}/model.pt")
    torch.save(opt.state_dict(), f"{d}/optim.pt")
    _train_step(model, opt)
    _tool("load-step", d, name)
    _close(model.state_dict(), torch.load(f"{d}/model_after_cpp.pt"))


def test_optimizer_load_checks_groups(tmp_path):
    """A state_dict for a differently sized group is refused, naming the mismatch."""
    model = _torch_model()
    opt = torch.optim.Adam(list(model.parameters())[:2])  # a group of 2 where C++ has 6
    torch.save(model.state_dict(), f"{tmp_path}/model.pt")
    torch.save(opt.state_dict(), f"{tmp_path}/optim.pt")
    r = _tool("load-step", str(tmp_path), "adam", check=False)
    assert r.returncode == 1
    assert "doesn't match the size of optimizer's group" in r.stderr


def _safetensors_bytes(tensors, metadata=None, header=None):
    """A safetensors file built by hand from the format's description (the oracle)."""
    codes = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
             torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16",
             torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}
    blobs, head, offset = [], {}, 0
    if metadata is not None:
        head["__metadata__"] = metadata
    for name, t in tensors.items():
        raw = t.contiguous().view(torch.int16 if t.dtype == torch.bfloat16 else t.dtype)
        b = raw.numpy().tobytes()
        head[name] = {"dtype": codes[t.dtype], "shape": list(t.shape),
                      "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    text = json.dumps(head if header is None else header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def test_cpp_safetensors_load(tmp_path):
    """torsh::safetensors::load reads every dtype, 0-dim, empty and non-contiguous sources,
    and the metadata; tensors come back in data order with the file's values."""
    torch.manual_seed(4)
    tensors = {
        "a.weight": torch.randn(3, 4), "b": torch.randn(2, 2).t(), "ids": torch.arange(5),
        "i32": torch.tensor([-7, 8], dtype=torch.int32), "half": torch.tensor([0.5, 2.0]).half(),
        "bf": torch.tensor([1.5, -3.0]).bfloat16(), "mask": torch.tensor([True, False]),
        "u8": torch.tensor([1, 255], dtype=torch.uint8), "i8": torch.tensor([-128, 5],
                                                                            dtype=torch.int8),
        "i16": torch.tensor([300], dtype=torch.int16), "d": torch.tensor(2.5, dtype=torch.float64),
        "none": torch.zeros(0, 3),
    }
    path = tmp_path / "m.safetensors"
    path.write_bytes(_safetensors_bytes(tensors, {"format": "pt", "note": "ünï\n"}))
    out = _tool("st-dump", str(path)).stdout.strip()
    record("safetensors C++ load")
    assert out == _canon({"metadata": {"format": "pt", "note": "ünï\n"}, "tensors": tensors})


@pytest.mark.parametrize("case", ["truncated", "gap", "overlap", "extra_key", "dtype", "float",
                                  "duplicate", "meta", "huge", "not_json", "past_end"])
def test_cpp_safetensors_rejects_malformed(tmp_path, case):
    t = {"x": torch.ones(2), "y": torch.zeros(3)}
    good = _safetensors_bytes(t)
    entry = lambda d, s, o: {"dtype": d, "shape": s, "data_offsets": o}  # noqa: E731
    headers = {
        "gap": {"x": entry("F32", [2], [0, 8]), "y": entry("F32", [3], [12, 24])},
        "overlap": {"x": entry("F32", [2], [0, 8]), "y": entry("F32", [3], [4, 16])},
        "extra_key": {"x": dict(entry("F32", [2], [0, 8]), more=1),
                      "y": entry("F32", [3], [8, 20])},
        "dtype": {"x": entry("C64", [2], [0, 8]), "y": entry("F32", [3], [8, 20])},
        "float": {"x": entry("F32", [2.0], [0, 8]), "y": entry("F32", [3], [8, 20])},
        "meta": {"__metadata__": {"k": 1}, "x": entry("F32", [2], [0, 8]),
                 "y": entry("F32", [3], [8, 20])},
    }
    if case == "truncated":
        data = good[:-3]
    elif case == "duplicate":
        text = b'{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' \
               b'"x":{"dtype":"F32","shape":[3],"data_offsets":[8,20]}}'
        data = struct.pack("<Q", len(text)) + text + good[-20:]
    elif case == "huge":
        data = struct.pack("<Q", 10 ** 9) + good[8:]
    elif case == "not_json":
        data = struct.pack("<Q", 8) + b"{nope!!}" + b"\0" * 20
    elif case == "past_end":
        data = struct.pack("<Q", len(good)) + good[8:]
    else:
        data = _safetensors_bytes(t, header=headers[case])
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    r = _tool("st-dump", str(path), check=False)
    assert r.returncode == 1 and "safetensors" in r.stderr, (r.returncode, r.stderr)


def test_cpp_optimizer_state_edge_cases(tmp_path):
    """A momentum_buffer of None resumes as torch does (the next step starts the buffer); an
    amsgrad state without max_exp_avg_sq is refused before anything changes."""
    d = str(tmp_path)
    model = _torch_model()
    opt = _torch_optimizer("sgd", model.parameters())
    for _ in range(2):
        _train_step(model, opt)
    sd = opt.state_dict()
    sd["state"][0]["momentum_buffer"] = None
    opt.load_state_dict(sd)
    torch.save(model.state_dict(), f"{d}/model.pt")
    torch.save(opt.state_dict(), f"{d}/optim.pt")
    _train_step(model, opt)
    _tool("load-step", d, "sgd")
    _close(model.state_dict(), torch.load(f"{d}/model_after_cpp.pt"))

    model = _torch_model()
    opt = _torch_optimizer("adam", model.parameters())
    _train_step(model, opt)
    sd = opt.state_dict()
    del sd["state"][1]["max_exp_avg_sq"]
    torch.save(model.state_dict(), f"{d}/model.pt")
    torch.save(sd, f"{d}/optim.pt")
    r = _tool("load-step", d, "adam", check=False)
    assert r.returncode == 1 and "max_exp_avg_sq" in r.stderr
