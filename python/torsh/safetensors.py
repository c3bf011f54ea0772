"""The safetensors format for torsh tensors: ``save_file``/``load_file`` and ``save``/``load``
(bytes), with the API of the ``safetensors.torch`` module.

Layout (https://github.com/huggingface/safetensors, "Format"):

* 8 bytes: N, the header's length, an unsigned little-endian 64-bit integer;
* N bytes: a UTF-8 JSON object. Each tensor name maps to ``{"dtype": "F32", "shape": [2, 3],
  "data_offsets": [begin, end]}`` (byte offsets into the data buffer, ``end - begin`` being the
  tensor's size); the optional key ``"__metadata__"`` maps to an object of str -> str. The writer
  pads the header with spaces to a multiple of 8 bytes, so every tensor stays 8-byte aligned;
* the data buffer: each tensor's elements, row-major (C-contiguous) and little-endian.

The writer lays tensors out as the reference one does: by dtype, widest first (the reference's
dtype order, descending), then by name; the JSON is compact, ``__metadata__`` first, then the
tensors in buffer order. The reader validates the header: its length, the JSON, each entry's
keys, dtype, shape and offsets, that each tensor's byte range matches dtype x shape, and that
the ranges tile the buffer exactly (no overlap, no gap, nothing after the last), raising
``SafetensorError`` (a ValueError) otherwise. Tensors loaded get their own memory (nothing
aliases the file's buffer), so a load never yields misaligned tensors.
"""
import json
import os
import struct
import sys

import numpy as np

import torsh

__all__ = ["SafetensorError", "save", "save_file", "load", "load_file", "load_metadata"]

# code -> (torsh dtype name, numpy dtype of the little-endian bytes). bfloat16 travels as int16.
_DTYPES = {
    "F64": ("float64", "<f8"), "F32": ("float32", "<f4"), "F16": ("float16", "<f2"),
    "BF16": ("bfloat16", "<i2"), "I64": ("int64", "<i8"), "I32": ("int32", "<i4"),
    "I16": ("int16", "<i2"), "I8": ("int8", "i1"), "U8": ("uint8", "u1"), "BOOL": ("bool", "?"),
}
_CODES = {name: code for code, (name, _) in _DTYPES.items()}
# The reference implementation's dtype order; its writer sorts tensors by it, descending.
_RANK = {c: i for i, c in enumerate(
    ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
     "F64", "I64", "U64"])}
_MAX_HEADER = 100_000_000  # the reference reader's limit
_META = "__metadata__"


class SafetensorError(ValueError):
    """A malformed safetensors header or buffer, or an object that cannot be saved."""


def _code(t):
    name = str(t.dtype).rsplit(".", 1)[-1]
    if name not in _CODES:
        raise SafetensorError(f"safetensors cannot store dtype {t.dtype}")
    return _CODES[name]


def _tensor_bytes(t):
    """t's elements as row-major little-endian bytes (a flat uint8 numpy array)."""
    t = t.detach().contiguous()
    if t.dtype == torsh.bfloat16:
        t = t.view(torsh.int16)
    arr = np.ascontiguousarray(t.numpy()).reshape(-1)
    if sys.byteorder != "little":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr.view(np.uint8)


def _prepare(tensors, metadata):
    """(header bytes including the length prefix and padding, [data arrays in buffer order])."""
    if not isinstance(tensors, dict):
        raise SafetensorError(f"expected a dict of name -> tensor, got {type(tensors).__name__}")
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SafetensorError("metadata must be a dict of str -> str")
    items = []
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise SafetensorError(f"tensor names must be str, got {type(name).__name__}")
        if name == _META:
            raise SafetensorError(f"{_META!r} is reserved for the metadata")
        if not isinstance(t, torsh.Tensor):
            raise SafetensorError(f"{name!r} is a {type(t).__name__}, not a torsh tensor")
        items.append((name, t, _code(t)))
    items.sort(key=lambda it: (-_RANK[it[2]], it[0]))
    header = {} if metadata is None else {_META: dict(metadata)}
    datas, offset = [], 0
    for name, t, code in items:
        data = _tensor_bytes(t)
        header[name] = {"dtype": code, "shape": list(t.shape),
                        "data_offsets": [offset, offset + data.nbytes]}
        datas.append(data)
        offset += data.nbytes
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    js += b" " * (-len(js) % 8)
    return struct.pack("<Q", len(js)) + js, datas


def save(tensors, metadata=None):
    """The safetensors bytes of ``tensors`` (a dict of name -> tensor)."""
    head, datas = _prepare(tensors, metadata)
    return b"".join([head] + [d.tobytes() for d in datas])


def save_file(tensors, filename, metadata=None):
    """Write ``tensors`` to ``filename`` in the safetensors format, atomically (a temporary file
    renamed over the target, as torsh.save does)."""
    from torsh.serialization import _atomic_write
    head, datas = _prepare(tensors, metadata)

    def write(fh):
        fh.write(head)
        for d in datas:
            fh.write(memoryview(d))

    _atomic_write(filename, write)


def _int(v, what, name):
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise SafetensorError(f"tensor {name!r}: {what} must hold non-negative ints, got {v!r}")
    return v


def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise SafetensorError(f"safetensors header repeats the key {k!r}")
        d[k] = v
    return d


def _parse_header(prefix, total):
    """[(name, code, shape, begin, end)] sorted by offset, metadata, data start. ``prefix`` holds
    at least the first min(total, 8 + N) bytes of a file of ``total`` bytes."""
    if total < 8:
        raise SafetensorError(f"safetensors data too small ({total} bytes) for the 8-byte "
                              f"header length")
    n = struct.unpack("<Q", prefix[:8])[0]
    if n > _MAX_HEADER:
        raise SafetensorError(f"safetensors header length {n} exceeds the limit {_MAX_HEADER}")
    if 8 + n > total:
        raise SafetensorError(f"safetensors header length {n} runs past the end of the data "
                              f"({total} bytes)")
    raw = bytes(prefix[8:8 + n])
    if not raw.startswith(b"{"):
        raise SafetensorError("safetensors header must be a JSON object starting with '{'")
    try:
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorError(f"safetensors header is not valid UTF-8 JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorError("safetensors header must be a JSON object")
    metadata = header.pop(_META, None)
    if metadata is not None and (not isinstance(metadata, dict) or not all(
            isinstance(v, str) for v in metadata.values())):
        raise SafetensorError("safetensors __metadata__ must be an object of str -> str")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise SafetensorError(f"tensor {name!r}: expected exactly the keys dtype, shape and "
                                  f"data_offsets, got {info!r}")
        code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if code not in _DTYPES:
            raise SafetensorError(f"tensor {name!r}: dtype {code!r} is not supported by torsh "
                                  f"(supported: {', '.join(_DTYPES)})")
        if not isinstance(shape, list) or not isinstance(offsets, list) or len(offsets) != 2:
            raise SafetensorError(f"tensor {name!r}: shape must be a list and data_offsets a "
                                  f"list [begin, end]")
        shape = [_int(s, "shape", name) for s in shape]
        begin, end = (_int(o, "data_offsets", name) for o in offsets)
        numel = 1
        for s in shape:
            numel *= s
        size = numel * np.dtype(_DTYPES[code][1]).itemsize
        if end < begin or end - begin != size:
            raise SafetensorError(f"tensor {name!r}: data_offsets [{begin}, {end}] do not "
                                  f"match {code} x {shape} ({size} bytes)")
        entries.append((name, code, shape, begin, end))
    entries.sort(key=lambda e: (e[3], e[4]))
    expected = 0
    for name, _, _, begin, end in entries:
        if begin != expected:
            what = "overlap the previous tensor" if begin < expected else "leave a gap"
            raise SafetensorError(f"tensor {name!r}: data_offsets [{begin}, {end}] {what} "
                                  f"(expected it to start at {expected})")
        expected = end
    if 8 + n + expected != total:
        raise SafetensorError(f"safetensors buffer holds {total - 8 - n} bytes but the header "
                              f"describes {expected}")
    return entries, metadata, 8 + n


def _to_tensor(raw, code, shape):
    """A torsh tensor over the little-endian bytes in ``raw`` (a fresh uint8 array it owns)."""
    np_dtype = np.dtype(_DTYPES[code][1])
    if code == "BOOL":
        arr = raw != 0  # any nonzero byte is True: a bool tensor never holds other bytes
    else:  # a no-op on little-endian machines, a byte swap elsewhere
        arr = raw.view(np_dtype).astype(np_dtype.newbyteorder("="), copy=False)
    t = torsh.from_numpy(arr)
    if code == "BF16":
        t = t.view(torsh.bfloat16)
    return t.reshape(shape)


def _place(tensors, device):
    dev = torsh.device(device) if not isinstance(device, torsh.device) else device
    if dev.type != "cpu":
        return {k: v.to(dev) for k, v in tensors.items()}
    return tensors


def load(data):
    """The dict of tensors in safetensors ``data`` (bytes-like)."""
    buf = memoryview(data).cast("B")
    entries, _, start = _parse_header(buf[:8 + _MAX_HEADER + 8], len(buf))
    out = {}
    for name, code, shape, begin, end in entries:
        raw = np.frombuffer(buf, dtype=np.uint8, count=end - begin, offset=start + begin).copy()
        out[name] = _to_tensor(raw, code, shape)
    return {name: out[name] for name in sorted(out)}


def _read_exact(fh, n, what):
    raw = np.empty(n, dtype=np.uint8)
    view, got = memoryview(raw), 0
    while got < n:
        k = fh.readinto(view[got:])
        if not k:
            raise SafetensorError(f"{what} is truncated")
        got += k
    return raw


def load_file(filename, device="cpu"):
    """The dict of tensors in the safetensors file ``filename``, on ``device`` (CPU only)."""
    with open(os.fspath(filename), "rb") as fh:
        total = os.fstat(fh.fileno()).st_size
        prefix = fh.read(8)
        if len(prefix) == 8:
            n = struct.unpack("<Q", prefix)[0]
            if n <= _MAX_HEADER and 8 + n <= total:
                prefix += fh.read(n)
        entries, metadata, start = _parse_header(prefix, total)
        out = {}
        for name, code, shape, begin, end in entries:
            fh.seek(start + begin)
            out[name] = _to_tensor(_read_exact(fh, end - begin, f"tensor {name!r}"), code, shape)
    return _place({name: out[name] for name in sorted(out)}, device)


def load_metadata(filename):
    """The ``__metadata__`` dict of a safetensors file (None if it has none)."""
    with open(os.fspath(filename), "rb") as fh:
        total = os.fstat(fh.fileno()).st_size
        prefix = fh.read(8)
        if len(prefix) == 8:
            prefix += fh.read(min(struct.unpack("<Q", prefix)[0], _MAX_HEADER))
        return _parse_header(prefix, total)[1]
