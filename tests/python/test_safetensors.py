"""torsh.safetensors against a byte-level reference built here from torch tensors' bytes,
following the published safetensors format (8-byte little-endian header length, a JSON header
of dtype / shape / data_offsets and optional __metadata__, padded with spaces to 8 bytes, then
the row-major little-endian data), and against the `safetensors` package when it is installed."""
import importlib.util
import json
import os
import struct

import numpy as np
import pytest
import torch

import torsh
import torsh.safetensors as st

CODES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
         torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16",
         torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}
# The reference writer orders tensors by its dtype enum (this order), descending, then by name.
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32",
               "U32", "F32", "F64", "I64", "U64"]
HAVE_SAFETENSORS = importlib.util.find_spec("safetensors") is not None


def raw_le(t):
    """A torch tensor's elements as row-major little-endian bytes."""
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def reference(tensors, metadata=None, order=None, indent=None):
    """The safetensors bytes of a dict of torch tensors, written from the format description."""
    names = order or sorted(tensors, key=lambda n: (-DTYPE_ORDER.index(CODES[tensors[n].dtype]),
                                                    n))
    header = {} if metadata is None else {"__metadata__": metadata}
    chunks, off = [], 0
    for n in names:
        b = raw_le(tensors[n])
        header[n] = {"dtype": CODES[tensors[n].dtype], "shape": list(tensors[n].shape),
                     "data_offsets": [off, off + len(b)]}
        chunks.append(b)
        off += len(b)
    h = json.dumps(header, separators=None if indent else (",", ":"), indent=indent,
                   ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(chunks)


def _data(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dtype.is_floating_point:
        a = rng.standard_normal(n).astype(np.float32)
        if n >= 3:
            a[:3] = [np.nan, np.inf, -np.inf]
        return torch.from_numpy(a).to(dtype).reshape(shape)
    if dtype == torch.bool:
        return torch.from_numpy(rng.integers(0, 2, n) == 1).reshape(shape)
    info = torch.iinfo(dtype)
    return torch.from_numpy(rng.integers(info.min, info.max, n, endpoint=True)).to(
        dtype).reshape(shape)


def to_torsh(t):
    t = t.detach().contiguous()
    if t.numel() == 0:  # from_numpy gives an empty array all-zero strides (in torch too)
        return torsh.empty(tuple(t.shape), dtype=getattr(torsh, str(t.dtype)[6:]))
    if t.dtype == torch.bfloat16:
        return torsh.from_numpy(t.view(torch.int16).numpy().copy()).view(torsh.bfloat16)
    return torsh.from_numpy(t.numpy().copy())


def assert_same(got, want):
    assert sorted(got) == sorted(want)
    for k in want:
        a, b = got[k], want[k]
        assert isinstance(a, torsh.Tensor)
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape), k
        assert a.is_contiguous()
        lib_a = a.view(torsh.int16) if a.dtype == torsh.bfloat16 else a
        assert lib_a.numpy().tobytes() == raw_le(b), k


def sets():
    """Named dicts of torch tensors: every dtype, 0-dim, empty, non-contiguous, odd sizes."""
    all_dtypes = {f"t_{CODES[d].lower()}": _data(d, (3, 5), i) for i, d in enumerate(CODES)}
    shapes = {"scalar": _data(torch.float32, (), 1), "empty": _data(torch.int64, (0,), 2),
              "empty3": _data(torch.float16, (2, 0, 3), 3), "odd": _data(torch.int8, (7,), 4),
              "bool1": _data(torch.bool, (1,), 5), "long": _data(torch.int64, (3, 1, 2), 6)}
    base = _data(torch.float32, (4, 6), 7)
    noncontig = {"t": base.t(), "stepped": base[:, ::2], "expanded": _data(
        torch.int32, (3,), 8).expand(4, 3), "bf16_t": _data(torch.bfloat16, (3, 4), 9).t()}
    names = {"layer.0.weight": _data(torch.float32, (2, 2), 10), "h\u00e9": _data(
        torch.uint8, (3,), 11), "a b/c": _data(torch.int16, (2,), 12)}
    return {"all_dtypes": all_dtypes, "shapes": shapes, "noncontig": noncontig,
            "names": names, "nothing": {}}


SETS = sets()
METAS = [None, {}, {"format": "pt", "note": "h\u00e9llo \"quoted\""}]


@pytest.mark.parametrize("meta", range(len(METAS)))
@pytest.mark.parametrize("name", sorted(SETS))
def test_save_matches_reference_bytes(name, meta):
    tensors = SETS[name]
    ours = st.save(_torsh_like(tensors), metadata=METAS[meta])
    assert ours == reference(tensors, METAS[meta])
    assert struct.unpack("<Q", ours[:8])[0] % 8 == 0  # data starts 8-byte aligned
    if HAVE_SAFETENSORS:  # the reference implementation itself, where it is installed
        from safetensors.torch import load as ref_load
        from safetensors.torch import save as ref_save
        want = {k: v.contiguous() for k, v in tensors.items()}
        assert ours == ref_save(want, metadata=METAS[meta])
        got = ref_load(ours)
        assert all(torch.equal(got[k].view(torch.uint8), want[k].view(torch.uint8))
                   for k in want if want[k].numel() and want[k].dim())


def _torsh_like(tensors):
    """The same tensors in torsh, with the same (non-contiguous) layouts where torch has them."""
    out = {}
    for k, v in tensors.items():
        if k == "t":
            out[k] = to_torsh(SETS["noncontig"]["t"].t()).t()
        elif k == "stepped":
            out[k] = to_torsh(SETS["noncontig"]["t"].t())[:, ::2]
        elif k == "expanded":
            out[k] = to_torsh(v[0]).expand(4, 3)
        elif k == "bf16_t":
            out[k] = to_torsh(v.t()).t()
        else:
            out[k] = to_torsh(v)
    for k, v in out.items():  # (an empty tensor's strides carry no layout)
        assert v.numel() == 0 or tuple(v.stride()) == tuple(tensors[k].stride()), k
    return out


@pytest.mark.parametrize("layout", ["sorted", "reversed", "indented"])
@pytest.mark.parametrize("name", sorted(SETS))
def test_load_reference_bytes(name, layout):
    tensors = SETS[name]
    order = sorted(tensors, reverse=True) if layout == "reversed" else None
    data = reference(tensors, {"k": "v"}, order=order, indent=2 if layout == "indented" else None)
    assert_same(st.load(data), tensors)
    assert_same(st.load(bytearray(data)), tensors)


@pytest.mark.parametrize("name", sorted(SETS))
def test_file_round_trip(tmp_path, name):
    path = tmp_path / "m.safetensors"
    st.save_file(_torsh_like(SETS[name]), path, metadata={"a": "b"})
    assert path.read_bytes() == reference(SETS[name], {"a": "b"})
    assert_same(st.load_file(path), SETS[name])
    assert_same(st.load_file(str(path), device="cpu"), SETS[name])
    assert st.load_metadata(path) == {"a": "b"}
    path.write_bytes(reference(SETS[name], order=sorted(SETS[name], reverse=True)))
    assert_same(st.load_file(path), SETS[name])
    assert st.load_metadata(path) is None


def test_module_state_dict_round_trip(tmp_path):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    path = tmp_path / "sd.safetensors"
    path.write_bytes(reference(dict(tm.state_dict())))
    sm = torsh.nn.Sequential(torsh.nn.Linear(3, 4), torsh.nn.BatchNorm1d(4))
    sm.load_state_dict(st.load_file(path))
    assert_same(dict(sm.state_dict()), dict(tm.state_dict()))
    st.save_file(dict(sm.state_dict()), path)
    assert path.read_bytes() == reference(dict(tm.state_dict()))


def test_bool_bytes_other_than_0_1():
    good = reference({"b": torch.tensor([True, False, True, True])})
    raw = bytearray(good)
    raw[-4:] = bytes([0, 2, 255, 1])
    got = st.load(bytes(raw))["b"]
    assert got.tolist() == (np.frombuffer(bytes(raw[-4:]), np.uint8) != 0).tolist()
    assert got.to(torsh.uint8).tolist() == [int(v) for v in got.tolist()]


def test_cuda_device_fails_like_torsh_to():
    data = reference({"a": torch.ones(2)})
    path_err = None
    try:
        torsh.ones(1).to("cuda")
    except Exception as e:  # noqa: BLE001 - whatever torsh raises without CUDA
        path_err = type(e)
    assert path_err is not None
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".safetensors") as f:
        f.write(data)
        f.flush()
        with pytest.raises(path_err):
            st.load_file(f.name, device="cuda")


# Malformed input.

def _with_header(header, data=b"", pad=True, raw=None):
    h = raw if raw is not None else json.dumps(header).encode("utf-8")
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def _entry(dtype="F32", shape=(2,), offsets=(0, 8)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


BAD = {
    "too_small": b"\x01\x02",
    "header_past_end": struct.pack("<Q", 64) + b"{}",
    "header_over_limit": struct.pack("<Q", 10 ** 12) + b"{}      ",
    "not_json": _with_header(None, raw=b"{not json"),
    "not_utf8": _with_header(None, raw=b'{"\xff": 1}'),
    "not_object": _with_header(None, raw=b"[1, 2]"),
    "missing_key": _with_header({"a": {"dtype": "F32", "shape": [2]}}, bytes(8)),
    "extra_key": _with_header({"a": dict(_entry(), extra=1)}, bytes(8)),
    "unknown_dtype": _with_header({"a": _entry("C64")}, bytes(8)),
    "negative_shape": _with_header({"a": _entry(shape=(-2,))}, bytes(8)),
    "float_shape": _with_header({"a": _entry(shape=(2.0,))}, bytes(8)),
    "bool_shape": _with_header({"a": _entry(shape=(True, 2))}, bytes(8)),
    "offsets_len": _with_header({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0]}},
                                bytes(8)),
    "size_mismatch": _with_header({"a": _entry(offsets=(0, 12))}, bytes(12)),
    "reversed_offsets": _with_header({"a": _entry(offsets=(8, 0))}, bytes(8)),
    "overlap": _with_header({"a": _entry(), "b": _entry(offsets=(4, 12))}, bytes(12)),
    "gap": _with_header({"a": _entry(offsets=(4, 12))}, bytes(12)),
    "trailing_bytes": _with_header({"a": _entry()}, bytes(12)),
    "missing_bytes": _with_header({"a": _entry()}, bytes(6)),
    "duplicate_name": _with_header(None, raw=b'{"a":' + json.dumps(_entry()).encode() +
                                   b',"a":' + json.dumps(_entry()).encode() + b"}", data=bytes(8)),
    "metadata_not_str": _with_header({"__metadata__": {"k": 1}}),
    "metadata_not_dict": _with_header({"__metadata__": ["k"]}),
    "entry_not_dict": _with_header({"a": [1, 2]}),
    "huge_offsets": _with_header({"a": _entry(shape=(2 ** 40,), offsets=(0, 2 ** 42))}, bytes(8)),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_is_a_clear_error(tmp_path, name):
    with pytest.raises(st.SafetensorError):
        st.load(BAD[name])
    path = tmp_path / "bad.safetensors"
    path.write_bytes(BAD[name])
    with pytest.raises(st.SafetensorError):
        st.load_file(path)
    if HAVE_SAFETENSORS:
        from safetensors.torch import load as ref_load
        with pytest.raises(Exception):
            ref_load(BAD[name])


def test_truncations_are_clear_errors(tmp_path):
    data = reference(SETS["all_dtypes"], {"m": "x"})
    path = tmp_path / "t.safetensors"
    for n in range(0, len(data), 13):
        with pytest.raises(st.SafetensorError):
            st.load(data[:n])
        path.write_bytes(data[:n])
        with pytest.raises(st.SafetensorError):
            st.load_file(path)


@pytest.mark.parametrize("tensors,meta", [
    ([torsh.ones(1)], None), ({1: torsh.ones(1)}, None), ({"a": np.ones(1)}, None),
    ({"a": torsh.ones(1)}, {"k": 1}), ({"a": torsh.ones(1)}, ["k"]),
    ({"__metadata__": torsh.ones(1)}, None)])
def test_save_rejects_bad_input(tmp_path, tensors, meta):
    with pytest.raises(st.SafetensorError):
        st.save(tensors, metadata=meta)
    with pytest.raises(st.SafetensorError):
        st.save_file(tensors, tmp_path / "x.safetensors", metadata=meta)
    assert os.listdir(tmp_path) == []


def test_save_file_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "w.safetensors"
    st.save_file({"a": torsh.ones(3)}, path)
    before = path.read_bytes()

    def boom(*a):
        raise OSError("fsync failed")
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        st.save_file({"b": torsh.zeros(100)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["w.safetensors"]
