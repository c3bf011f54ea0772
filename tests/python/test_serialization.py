"""torsh.save / torsh.load against torch 1.13's torch.save / torch.load: files written by one
library are read by the other (zip and legacy formats, paths and file objects) and compared with
the objects the other library built from the same data: values (bit for bit), dtypes, shapes,
strides, storage offsets, requires_grad, Parameter-ness and storage sharing."""
import collections
import fractions
import io
import os
import pickle
import random
import stat
import struct
import zipfile

import numpy as np
import pytest
import torch

import torsh
import torsh.serialization as ser

DTYPES = ["float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
          "bool"]
RNG_SEED = 1234


def _np_data(dtype, shape, rng):
    n = int(np.prod(shape))
    if dtype in ("float64", "float32", "float16"):
        a = rng.standard_normal(n).astype(dtype)
        if n >= 4:
            a[:3] = [np.nan, np.inf, -np.inf]
        return a.reshape(shape)
    if dtype == "bfloat16":  # bit patterns of bfloat16 numbers, re-viewed by each library
        return (rng.standard_normal(n).astype(np.float32).view(np.int32) >> 16).astype(
            np.int16).reshape(shape)
    if dtype == "bool":
        return (rng.integers(0, 2, n) == 1).reshape(shape)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True).reshape(shape)


def T(lib, dtype, shape, seed=0):
    """The same tensor in either library: built from identical numpy data."""
    a = _np_data(dtype, shape, np.random.default_rng(RNG_SEED + seed))
    t = lib.from_numpy(a.copy())
    return t.view(lib.bfloat16) if dtype == "bfloat16" else t


# The objects saved: each builder makes the same object with torch or with torsh.

def case_dtypes(lib):
    return {d: T(lib, d, (3, 4), i) for i, d in enumerate(DTYPES)}


def case_views(lib):
    x = T(lib, "float32", (4, 6))
    y = T(lib, "int64", (10,), 1)
    return collections.OrderedDict([
        ("first_a_view", x[2:]), ("x", x), ("row", x[1]), ("col", x[:, 2]), ("t", x.t()),
        ("slice", x[1:3, ::2]), ("flat_tail", x.view(-1)[5:]), ("y_tail", y[7:]), ("y", y),
        ("scalar_view", x[3, 5])])


def case_view_only(lib):
    big = T(lib, "float64", (5, 4))
    return {"middle": big[1:3], "strided": T(lib, "bfloat16", (6, 6), 1)[::2, 1::3]}


def case_noncontig(lib):
    x = T(lib, "float32", (2, 3, 4))
    return {"permuted": x.permute(2, 0, 1), "expanded": T(lib, "int32", (3,), 1).expand(4, 3),
            "transposed": T(lib, "float16", (3, 5), 2).t(), "stepped": x[:, ::2, 1::2]}


def case_scalars_empty(lib):
    return {"scalar": T(lib, "float32", ()), "int_scalar": T(lib, "int64", (), 1),
            "empty": lib.empty(0), "empty3": lib.zeros(2, 0, 3, dtype=lib.int8),
            "bool_scalar": T(lib, "bool", (), 2), "empty_bf16": lib.ones(0, dtype=lib.bfloat16)}


def case_params(lib):
    p = lib.nn.Parameter(T(lib, "float32", (3, 2)))
    frozen = lib.nn.Parameter(T(lib, "float64", (4,), 1), requires_grad=False)
    leaf = T(lib, "float32", (2,), 2).requires_grad_(True)
    return {"p": p, "frozen": frozen, "leaf_requires_grad": leaf, "p_again": p,
            "bf16": lib.nn.Parameter(T(lib, "bfloat16", (2, 2), 3))}


def case_nested(lib):
    return {"list": [T(lib, "float32", (2,)), (T(lib, "int16", (3,), 1), {"deep": [None, 1]})],
            "od": collections.OrderedDict([("b", T(lib, "uint8", (2, 2), 2)), ("a", 3)]),
            "tuple": (1, 2.5, "text", None, True, False), 5: "int key", ("t", 1): "tuple key"}


def case_optimizer(lib):
    state = {i: {"step": lib.tensor(3.0), "exp_avg": T(lib, "float32", (4, 3), i),
                 "exp_avg_sq": T(lib, "float32", (4, 3), i + 10)} for i in range(2)}
    group = {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0,
             "amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
             "differentiable": False, "fused": None, "params": [0, 1], "name": "group-0"}
    return {"state": state, "param_groups": [group]}


def case_int_only(lib):
    """Tensors and ints only: what torch 1.13's weights_only=True reads (it has no BINFLOAT)."""
    return {"w": T(lib, "float32", (3, 3)), "idx": T(lib, "int64", (5,), 1), "n": 7,
            "names": ["a", "b"], "od": collections.OrderedDict(k=T(lib, "bool", (4,), 2))}


def case_misc(lib):
    return {"size": lib.Size([2, 3]), "dtype": lib.float16,
            "dtypes": [lib.bfloat16, lib.bool, lib.int8, lib.float64], "device": lib.device("cpu"),
            "bytes": b"\x00ab\xff", "set": {1, 2}, "frozenset": frozenset({"x"}),
            "complex": 1 + 2j, "big_int": 2 ** 70, "neg": -5, "float": 1e300, "str": "h\u00e9llo"}


CASES = {f.__name__[5:]: f for f in [case_dtypes, case_views, case_view_only, case_noncontig,
                                      case_scalars_empty, case_params, case_nested,
                                      case_optimizer, case_int_only, case_misc]}


# Canonical form of a loaded object, the same for either library.

def _is_tensor(x):
    return isinstance(x, (torch.Tensor, torsh.Tensor))


def _raw(t):
    lib = torch if isinstance(t, torch.Tensor) else torsh
    t = t.detach().contiguous()
    if t.dtype == lib.bfloat16:
        t = t.view(lib.int16)
    return t.numpy().tobytes()


def canon(x):
    if _is_tensor(x):
        param = isinstance(x, (torch.nn.Parameter, torsh.nn.Parameter))
        return ("T", str(x.dtype), tuple(x.shape), tuple(x.stride()), x.storage_offset(),
                x.requires_grad, param, _raw(x))
    if isinstance(x, (torch.Size, torsh.Size)):
        return ("Size", tuple(x))
    if isinstance(x, (torch.dtype, torsh.dtype)):
        return ("dtype", str(x))
    if isinstance(x, (torch.device, torsh.device)):
        return ("device", str(x))
    if isinstance(x, dict):
        return (type(x).__name__, [(canon(k), canon(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [canon(v) for v in x])
    return (type(x).__name__, x)


def _tensors(x, out):
    if _is_tensor(x):
        out.append(x)
    elif isinstance(x, dict):
        for v in x.values():
            _tensors(v, out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _tensors(v, out)
    return out


def _base(t):
    if isinstance(t, torch.Tensor):
        return t.storage().data_ptr()
    return t.data_ptr() - t.storage_offset() * t.element_size()


def sharing(x):
    """Which tensors share a storage (and which are the very same object), as labels."""
    labels, ids, out = {}, {}, []
    for t in _tensors(x, []):
        if t.numel() == 0:
            continue
        out.append((labels.setdefault(_base(t), len(labels)), ids.setdefault(id(t), len(ids))))
    return out


def assert_same(a, b):
    assert canon(a) == canon(b)
    assert sharing(a) == sharing(b)


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:  # noqa: BLE001 - the outcome's type is compared between libraries
        return type(e).__name__, None


# Round trips.

@pytest.mark.parametrize("weights_only", [False, True])
@pytest.mark.parametrize("name", sorted(CASES))
def test_torch_to_torsh(tmp_path, name, weights_only):
    path = tmp_path / "ckpt.pt"
    torch.save(CASES[name](torch), path)
    assert_same(torsh.load(path, weights_only=weights_only), torch.load(path))


@pytest.mark.parametrize("name", sorted(CASES))
def test_torsh_to_torch(tmp_path, name):
    ours, ref = tmp_path / "ours.pt", tmp_path / "ref.pt"
    torsh.save(CASES[name](torsh), ours)
    torch.save(CASES[name](torch), ref)
    assert_same(torch.load(ours), torch.load(ref))
    # weights_only=True in torch: the same outcome (torch 1.13 refuses floats and globals it
    # does not know) and, where it loads, the same objects.
    got = _outcome(lambda: torch.load(ours, weights_only=True))
    want = _outcome(lambda: torch.load(ref, weights_only=True))
    assert got[0] == want[0]
    if want[0] == "ok":
        assert_same(got[1], want[1])


@pytest.mark.parametrize("name", ["int_only", "params", "views", "scalars_empty"])
def test_torsh_to_torch_weights_only_loads(tmp_path, name):
    path = tmp_path / "ours.pt"
    torsh.save(CASES[name](torsh), path)
    assert_same(torch.load(path, weights_only=True), CASES[name](torch))


@pytest.mark.parametrize("name", sorted(CASES))
def test_records_and_pickle_match_torch(tmp_path, name):
    """Same record names and, record for record, the same data.pkl bytes as torch.save."""
    ours, ref = tmp_path / "a" / "model.pt", tmp_path / "b" / "model.pt"
    ours.parent.mkdir()
    ref.parent.mkdir()
    torsh.save(CASES[name](torsh), ours)
    torch.save(CASES[name](torch), ref)
    zo, zr = zipfile.ZipFile(ours), zipfile.ZipFile(ref)
    assert zo.namelist() == zr.namelist()
    for rec in zr.namelist():
        if rec.startswith("model/data/") or rec == "model/version":
            assert zo.read(rec) == zr.read(rec), rec
    assert zo.read("model/data.pkl") == zr.read("model/data.pkl")
    raw = ours.read_bytes()
    for info in zo.infolist():  # every record's data is 64-byte aligned, as torch writes it
        n, e = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + e) % 64 == 0


@pytest.mark.parametrize("name", ["dtypes", "views", "params", "nested", "scalars_empty"])
def test_file_objects(name):
    buf = io.BytesIO()
    torch.save(CASES[name](torch), buf)
    buf.seek(0)
    assert_same(torsh.load(buf), CASES[name](torch))
    buf = io.BytesIO()
    torsh.save(CASES[name](torsh), buf)
    assert zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()[0].startswith("archive/")
    buf.seek(0)
    assert_same(torch.load(buf), CASES[name](torch))
    buf.seek(0)
    assert_same(torsh.load(buf), CASES[name](torch))


@pytest.mark.parametrize("name", ["dtypes", "views", "view_only", "params", "nested", "misc",
                                  "scalars_empty", "noncontig"])
def test_legacy_format(tmp_path, name):
    a, b = tmp_path / "a.pt", tmp_path / "b.pt"
    torch.save(CASES[name](torch), a, _use_new_zipfile_serialization=False)
    assert_same(torsh.load(a), torch.load(a))
    assert_same(torsh.load(a, weights_only=True), torch.load(a))
    torsh.save(CASES[name](torsh), b, _use_new_zipfile_serialization=False)
    assert not zipfile.is_zipfile(b)
    assert_same(torch.load(b), torch.load(a))
    assert_same(torsh.load(b), torch.load(a))


def test_loaded_views_share_memory(tmp_path):
    path = tmp_path / "v.pt"
    torch.save(case_views(torch), path)
    got = torsh.load(path)
    got["x"][1, 2] = 123.0
    assert got["row"][2].item() == 123.0 and got["col"][1].item() == 123.0
    assert got["t"][2, 1].item() == 123.0
    ref = torch.load(path)
    ref["x"][1, 2] = 123.0
    assert_same(got, ref)


def test_same_object_twice_stays_one_object(tmp_path):
    x = torsh.ones(3)
    torsh.save({"a": x, "b": x, "l": [x]}, tmp_path / "s.pt")
    got, ref = torsh.load(tmp_path / "s.pt"), torch.load(tmp_path / "s.pt")
    assert (got["a"] is got["b"] is got["l"][0]) == (ref["a"] is ref["b"] is ref["l"][0])


def test_views_of_one_storage_as_two_dtypes_fail_like_torch(tmp_path):
    x, tx = torsh.ones(4), torch.ones(4)
    with pytest.raises(RuntimeError) as ours:
        torsh.save({"f": x, "i": x.view(torsh.int32)}, tmp_path / "a.pt")
    with pytest.raises(RuntimeError) as ref:
        torch.save({"f": tx, "i": tx.view(torch.int32)}, tmp_path / "b.pt")
    assert str(ours.value) == str(ref.value)


# Models.

def _model(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _copy_params(src, dst):
    """Give dst (torsh) the same weights as src (torch), without serialization."""
    with torsh.no_grad():
        for (_, a), (_, b) in zip(src.state_dict().items(), dst.state_dict().items()):
            b.copy_(torsh.from_numpy(a.numpy().copy()))


def test_torch_state_dict_into_torsh_model(tmp_path):
    torch.manual_seed(0)
    tm = _model(torch)
    tm.train()
    tm(torch.randn(16, 4))  # moves the BatchNorm running statistics
    tm.eval()
    torch.save(tm.state_dict(), tmp_path / "m.pt")
    sm = _model(torsh)
    missing = sm.load_state_dict(torsh.load(tmp_path / "m.pt", weights_only=True))
    assert not missing.missing_keys and not missing.unexpected_keys
    sm.eval()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    want = tm(torch.from_numpy(x)).detach().numpy()
    got = sm(torsh.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert_same(sm.state_dict(), tm.state_dict())


def test_torsh_state_dict_into_torch_model(tmp_path):
    torch.manual_seed(1)
    tm = _model(torch)
    sm = _model(torsh)
    _copy_params(tm, sm)
    sm.train()
    sm(torsh.from_numpy(np.random.default_rng(1).standard_normal((16, 4)).astype(np.float32)))
    sm.eval()
    torsh.save(sm.state_dict(), tmp_path / "m.pt")
    tm2 = _model(torch)
    tm2.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    tm2.eval()
    x = np.random.default_rng(2).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(tm2(torch.from_numpy(x)).detach().numpy(),
                               sm(torsh.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert_same(sm.state_dict(), tm2.state_dict())


def test_named_parameters_round_trip(tmp_path):
    torch.manual_seed(2)
    tm = _model(torch)
    torch.save(dict(tm.named_parameters()), tmp_path / "p.pt")
    got = torsh.load(tmp_path / "p.pt")
    assert_same(got, dict(tm.named_parameters()))
    torsh.save(got, tmp_path / "q.pt")
    assert_same(torch.load(tmp_path / "q.pt"), dict(tm.named_parameters()))


# map_location.

def _retag(src, dst, old=b"cpu", new=b"cuda:0"):
    """A copy of the zip checkpoint src whose storages are tagged with location `new`."""
    zin = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, "w") as zout:
        for rec in zin.namelist():
            data = zin.read(rec)
            if rec.endswith("data.pkl"):
                data = data.replace(b"X" + struct.pack("<I", len(old)) + old,
                                    b"X" + struct.pack("<I", len(new)) + new)
            zout.writestr(rec, data)


@pytest.mark.parametrize("map_location", [
    None, "cpu", "cuda", "device_cpu", {"cuda:0": "cpu"}, {"cuda:1": "cpu"}, "identity",
    "returns_none"])
def test_map_location_cuda_tagged(tmp_path, map_location):
    src, path = tmp_path / "c.pt", tmp_path / "cuda.pt"
    torch.save(case_views(torch), src)
    _retag(src, path)

    def loc(lib):
        if map_location == "device_cpu":
            return lib.device("cpu")
        if map_location == "identity":
            return lambda storage, location: storage
        if map_location == "returns_none":
            return lambda storage, location: None
        return map_location

    got = _outcome(lambda: torsh.load(path, map_location=loc(torsh)))
    want = _outcome(lambda: torch.load(path, map_location=loc(torch)))
    assert got[0] == want[0]
    if want[0] == "ok":
        assert_same(got[1], want[1])


@pytest.mark.parametrize("map_location", ["cpu", "device_cpu", {"cpu": "cpu"}, "identity"])
def test_map_location_cpu_file(tmp_path, map_location):
    path = tmp_path / "c.pt"
    torch.save(case_params(torch), path)
    loc = {"device_cpu": torsh.device("cpu"),
           "identity": lambda s, l: s}.get(map_location, map_location) \
        if not isinstance(map_location, dict) else map_location
    assert_same(torsh.load(path, map_location=loc), torch.load(path))


# The restricted unpickler.

def _zip_with_pickle(path, pkl, extra=()):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pkl)
        for name, data in extra:
            z.writestr(name, data)
        z.writestr("archive/version", b"3\n")


def test_weights_only_refuses_unknown_globals_like_torch(tmp_path):
    path = tmp_path / "f.pt"
    obj = {"w": torch.ones(2), "frac": fractions.Fraction(1, 3)}
    torch.save(obj, path)
    with pytest.raises(pickle.UnpicklingError, match="fractions.Fraction"):
        torsh.load(path, weights_only=True)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)
    assert_same(torsh.load(path), torch.load(path))  # weights_only=False: torch 1.13's default


@pytest.mark.parametrize("pkl,named", [
    (b"\x80\x02cposix\nsystem\nX\x04\x00\x00\x00echo\x85R.", "posix.system"),
    (b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R.", "os.system"),
    (b"\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.", "builtins.eval"),
    (b"\x80\x02c__builtin__\ngetattr\n.", "builtins.getattr"),
    (b"\x80\x02ctorch._utils\n_rebuild_device_tensor_from_numpy\n.", "_rebuild_device_tensor"),
    (b"\x80\x02csubprocess\nPopen\n.", "subprocess.Popen"),
])
def test_weights_only_refuses_code_execution(tmp_path, pkl, named):
    path = tmp_path / "evil.pt"
    _zip_with_pickle(path, pkl)
    with pytest.raises(pickle.UnpicklingError, match=named):
        torsh.load(path, weights_only=True)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


def test_weights_only_codecs_guard(tmp_path):
    path = tmp_path / "codec.pt"
    # _codecs.encode('x', 'rot13'): only text codecs are allowed for bytes literals
    _zip_with_pickle(path, b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00xX\x05\x00\x00\x00rot13"
                           b"\x86R.")
    with pytest.raises(pickle.UnpicklingError, match="rot13"):
        torsh.load(path, weights_only=True)


def test_force_weights_only_env(tmp_path, monkeypatch):
    path = tmp_path / "f.pt"
    torch.save({"frac": fractions.Fraction(1, 3)}, path)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(pickle.UnpicklingError, match="fractions.Fraction"):
        torsh.load(path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)


def test_weights_only_with_pickle_module_fails_like_torch(tmp_path):
    path = tmp_path / "f.pt"
    torch.save({"a": 1}, path)
    with pytest.raises(RuntimeError):
        torch.load(path, pickle_module=pickle, weights_only=True)
    with pytest.raises(RuntimeError, match="pickle_module"):
        torsh.load(path, pickle_module=pickle, weights_only=True)
    assert torsh.load(path, pickle_module=pickle) == torch.load(path, pickle_module=pickle)


def test_unsupported_dtype_is_a_clear_error(tmp_path):
    path = tmp_path / "c.pt"
    # torsh has no quantized tensors: their rebuild function is refused by name
    torch.save({"c": torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8)}, path)
    with pytest.raises(pickle.UnpicklingError, match="_rebuild_qtensor"):
        torsh.load(path)
    with pytest.raises(pickle.UnpicklingError, match="_rebuild_qtensor"):
        torsh.load(path, weights_only=True)


# Corrupted input.

LOAD_ERRORS = (RuntimeError, pickle.UnpicklingError)


def _both_fail(path, **kw):
    with pytest.raises(LOAD_ERRORS):
        torsh.load(path, **kw)
    with pytest.raises(Exception):
        torch.load(path, **kw)


@pytest.mark.parametrize("legacy", [False, True])
def test_truncated_files(tmp_path, legacy):
    src = tmp_path / "full.pt"
    torch.save(case_views(torch), src, _use_new_zipfile_serialization=not legacy)
    raw = src.read_bytes()
    cut = tmp_path / "cut.pt"
    for n in sorted(set(list(range(0, 80, 7)) + list(range(80, len(raw), len(raw) // 25)))):
        cut.write_bytes(raw[:n])
        _both_fail(cut)
        _both_fail(cut, weights_only=True)


def test_not_a_checkpoint(tmp_path):
    path = tmp_path / "junk.pt"
    for data in (b"", b"hello world", bytes(range(256)) * 4, b"PK\x03\x04garbage"):
        path.write_bytes(data)
        _both_fail(path)


def _rebuild_zip(src, dst, drop=(), replace=None):
    zin = zipfile.ZipFile(src)
    with zipfile.ZipFile(dst, "w") as zout:
        for rec in zin.namelist():
            if rec in drop:
                continue
            data = zin.read(rec)
            zout.writestr(rec, replace(rec, data) if replace else data)


def test_missing_records(tmp_path):
    src = tmp_path / "s.pt"
    torch.save({"a": torch.ones(3), "b": torch.zeros(2)}, src)
    for rec in ("s/data.pkl", "s/data/0", "s/data/1"):
        dst = tmp_path / "d.pt"
        _rebuild_zip(src, dst, drop=(rec,))
        with pytest.raises(LOAD_ERRORS, match="data.pkl|data/[01]"):
            torsh.load(dst)
        with pytest.raises(Exception):
            torch.load(dst)


def test_storage_record_of_wrong_size(tmp_path):
    src = tmp_path / "s.pt"
    torch.save({"a": torch.arange(6.0)}, src)
    for fn in (lambda d: d[:-4], lambda d: d + b"\0" * 4, lambda d: b""):
        dst = tmp_path / "d.pt"
        _rebuild_zip(src, dst, replace=lambda rec, d: fn(d) if rec == "s/data/0" else d)
        with pytest.raises(RuntimeError, match="bytes"):
            torsh.load(dst)


def test_tensor_larger_than_its_storage(tmp_path):
    src = tmp_path / "s.pt"
    torch.save({"a": torch.arange(6.0)}, src)
    for old, new in ((b"K\x06\x85", b"K\x07\x85"), (b"K\x00K\x06", b"K\x01K\x06")):
        dst = tmp_path / "d.pt"
        _rebuild_zip(src, dst, replace=lambda rec, d: d.replace(old, new, 1)
                     if rec.endswith("data.pkl") else d)
        assert zipfile.ZipFile(dst).read("s/data.pkl") != zipfile.ZipFile(src).read("s/data.pkl")
        with pytest.raises(RuntimeError, match="needs 7 elements"):
            torsh.load(dst)
        with pytest.raises(pickle.UnpicklingError, match="needs 7 elements"):
            torsh.load(dst, weights_only=True)
        with pytest.raises(RuntimeError):
            torch.load(dst)


@pytest.mark.parametrize("pkl", [b"\xff\x00garbage", b"\x80\x02}q\x00(X", b"\x80\x02h\x05.",
                                 b"\x80\x02.", b"\x80\x02(t\x85\x85R.", b"\x80\x02Q."])
def test_bad_pickles(tmp_path, pkl):
    path = tmp_path / "bad.pt"
    _zip_with_pickle(path, pkl)
    for wo in (False, True):
        with pytest.raises(LOAD_ERRORS):
            torsh.load(path, weights_only=wo)


def test_fuzzed_pickles_never_crash(tmp_path):
    src = tmp_path / "s.pt"
    torch.save(case_views(torch), src)
    pkl = zipfile.ZipFile(src).read("s/data.pkl")
    extra = [(f"archive/data/{i}", zipfile.ZipFile(src).read(f"s/data/{i}")) for i in range(2)]
    rnd = random.Random(0)
    path = tmp_path / "f.pt"
    for _ in range(150):
        data = bytearray(pkl)
        for _ in range(rnd.randint(1, 4)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        _zip_with_pickle(path, bytes(data), extra)
        try:
            torsh.load(path, weights_only=True)
        except LOAD_ERRORS:
            pass


def test_fuzzed_archives_never_crash(tmp_path):
    src = tmp_path / "s.pt"
    torch.save(case_dtypes(torch), src)
    raw = src.read_bytes()
    rnd = random.Random(1)
    path = tmp_path / "f.pt"
    for _ in range(150):
        data = bytearray(raw)
        for _ in range(rnd.randint(1, 3)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path.write_bytes(bytes(data))
        try:
            torsh.load(path, weights_only=True)
        except LOAD_ERRORS:
            pass


def test_legacy_storage_count_mismatch(tmp_path):
    src = tmp_path / "l.pt"
    torch.save({"a": torch.arange(4.0)}, src, _use_new_zipfile_serialization=False)
    raw = bytearray(src.read_bytes())
    pos = raw.rfind(struct.pack("<q", 4))
    raw[pos:pos + 8] = struct.pack("<q", 5)
    src.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="holds 5 elements"):
        torsh.load(src)


# Atomic writes.

class _Unpicklable:
    def __reduce__(self):
        raise RuntimeError("refusing to pickle")


def _listing(d):
    return sorted(os.listdir(d))


def test_failed_pickling_leaves_old_file(tmp_path):
    path = tmp_path / "ck.pt"
    torsh.save({"v": 1, "t": torsh.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="refusing"):
        torsh.save({"t": torsh.zeros(3), "bad": _Unpicklable()}, path)
    assert path.read_bytes() == before and _listing(tmp_path) == ["ck.pt"]
    assert_same(torch.load(path), {"v": 1, "t": torch.ones(2)})


@pytest.mark.parametrize("where", ["record", "fsync", "replace"])
def test_failure_mid_write_leaves_old_file(tmp_path, monkeypatch, where):
    path = tmp_path / "ck.pt"
    torsh.save({"old": torsh.arange(3.0)}, str(path))
    before = path.read_bytes()
    if where == "record":
        real, calls = ser._write_record, []

        def flaky(zf, name, data):
            calls.append(name)
            if len(calls) == 3:
                raise OSError("disk full")
            real(zf, name, data)
        monkeypatch.setattr(ser, "_write_record", flaky)
    else:
        def boom(*a):
            raise OSError(f"{where} failed")
        monkeypatch.setattr(os, where, boom)
    with pytest.raises(OSError):
        torsh.save({"new": torsh.ones(1000), "more": torsh.zeros(5)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before and _listing(tmp_path) == ["ck.pt"]
    assert_same(torsh.load(path), {"old": torch.arange(3.0)})


def test_file_modes_and_symlinks(tmp_path):
    path = tmp_path / "new.pt"
    torsh.save({"a": 1}, path)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask
    os.chmod(path, 0o640)
    torsh.save({"a": 2}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640 and torch.load(path) == {"a": 2}
    link = tmp_path / "link.pt"
    link.symlink_to(path)
    torsh.save({"a": 3}, link)
    assert link.is_symlink() and torch.load(path) == {"a": 3}
    assert _listing(tmp_path) == ["link.pt", "new.pt"]


def test_save_into_missing_directory_fails_cleanly(tmp_path):
    with pytest.raises(FileNotFoundError):
        torsh.save({"a": 1}, tmp_path / "nope" / "x.pt")
    with pytest.raises(IsADirectoryError):
        torsh.save({"a": 1}, tmp_path)
    assert _listing(tmp_path) == []


# More formats.

def test_flipped_data_byte_is_detected(tmp_path):
    """torch 1.13 loads a storage whose bytes no longer match the record's CRC-32; torsh refuses."""
    path = tmp_path / "c.pt"
    torch.save({"a": torch.arange(8.0)}, path)
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("c/data/0")
    n, e = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    raw[info.header_offset + 30 + n + e + 5] ^= 0x40
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="CRC"):
        torsh.load(path)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickle_protocols(tmp_path, protocol):
    path = tmp_path / "p.pt"
    torsh.save(case_misc(torsh) | case_views(torsh), path, pickle_protocol=protocol)
    torch.save(case_misc(torch) | case_views(torch), tmp_path / "r.pt", pickle_protocol=protocol)
    assert_same(torch.load(path), torch.load(tmp_path / "r.pt"))
    assert_same(torsh.load(path), torch.load(tmp_path / "r.pt"))


def test_top_level_storage(tmp_path):
    x = torch.arange(5.0)
    torch.save({"s": x.storage(), "t": x[1:]}, tmp_path / "s.pt")
    got = torsh.load(tmp_path / "s.pt", weights_only=True)
    assert isinstance(got["s"], ser.LoadedStorage) and got["s"].tolist() == x.storage().tolist()
    assert str(got["s"].dtype) == str(x.dtype) and got["s"].size() == x.storage().size()
    torsh.save(got, tmp_path / "again.pt")
    ref = torch.load(tmp_path / "again.pt")
    assert ref["s"].tolist() == x.storage().tolist()
    assert ref["s"].data_ptr() == ref["t"].storage().data_ptr()  # still one storage
    assert_same(ref["t"], x[1:])


def test_legacy_key_list_must_match_storages(tmp_path):
    src = tmp_path / "l.pt"
    torch.save({"a": torch.arange(4.0), "b": torch.ones(2)}, src,
               _use_new_zipfile_serialization=False)
    raw = src.read_bytes()
    f = io.BytesIO(raw)
    for _ in range(3):
        pickle.load(f)

    class Skim(pickle.Unpickler):  # walks over the object pickle without building anything
        def find_class(self, module, name):
            return lambda *args: None

        def persistent_load(self, pid):
            return None
    Skim(f).load()
    start = f.tell()
    keys = pickle.load(f)
    end = f.tell()
    assert len(keys) == 2
    for bad in (keys[:1], keys + keys[:1], [0, 1]):
        (tmp_path / "bad.pt").write_bytes(raw[:start] + pickle.dumps(bad, protocol=2) + raw[end:])
        with pytest.raises(RuntimeError, match="key list"):
            torsh.load(tmp_path / "bad.pt")


def test_generator_state_in_checkpoints(tmp_path):
    """A training checkpoint's RNG state continues the same random stream in the other library."""
    g = torch.Generator().manual_seed(123)
    torch.randn(5, generator=g)
    torch.save({"rng": g.get_state(), "global": torch.get_rng_state()}, tmp_path / "a.pt")
    got = torsh.load(tmp_path / "a.pt", weights_only=True)
    assert_same(got["rng"], g.get_state())
    h = torsh.Generator()
    h.set_state(got["rng"])
    assert torsh.randn(6, generator=h).tolist() == torch.randn(6, generator=g).tolist()
    h2 = torsh.Generator().manual_seed(7)
    torsh.rand(3, generator=h2)
    torsh.save({"rng": h2.get_state()}, tmp_path / "b.pt")
    g2 = torch.Generator()
    g2.set_state(torch.load(tmp_path / "b.pt", weights_only=True)["rng"])
    assert torch.rand(4, generator=g2).tolist() == torsh.rand(4, generator=h2).tolist()
