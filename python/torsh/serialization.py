"""torsh.save / torsh.load in PyTorch's own checkpoint format, so files move both ways between
torsh and PyTorch.

Format (what torch 1.13 writes by default): an uncompressed zip archive whose records sit under
one top folder (the file's stem, or ``archive`` for a file object):

* ``data.pkl``: the object, pickled with protocol 2. A tensor is pickled as
  ``torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
  OrderedDict())`` and a Parameter as ``torch._utils._rebuild_parameter(tensor, requires_grad,
  OrderedDict())``; a storage is a persistent id ``('storage', torch.FloatStorage, key, 'cpu',
  numel)``, saved once however many tensors view it.
* ``data/<key>``: each storage's raw little-endian bytes, every record 64-byte aligned.
* ``version``: ``3``. (torch 2.x also writes ``byteorder``; it is read when present.)

The legacy format (``_use_new_zipfile_serialization=False``, and files from PyTorch < 1.6) is
read and written too: magic number, protocol version and system info pickles, the object pickle,
the list of storage keys, then each storage as an int64 element count and its bytes.

Safety: ``load(..., weights_only=True)`` unpickles with an allow-list (see _pickle_restricted)
and refuses any other global with ``pickle.UnpicklingError``. ``weights_only`` defaults to False
as in torch 1.13, and then the pickle may name any importable global, as ``pickle.load`` and
``torch.load`` allow: load files you do not trust with ``weights_only=True``. The environment
variable TORCH_FORCE_WEIGHTS_ONLY_LOAD=1 forces the restricted path, as in torch.

Writes to a path are atomic: the checkpoint is pickled in memory, written to a temporary file in
the target's directory, flushed, fsynced and renamed over the target with ``os.replace``; on any
error the previous file is untouched and the temporary file is removed.
"""
import contextlib
import io
import os
import pickle
import stat
import struct
import sys
import tempfile
import zipfile
import zlib
from collections import OrderedDict

import torsh
from torsh import Tensor
from torsh import _pickle_restricted as _pr
from torsh._pickle_restricted import LoadedStorage, StorageType  # noqa: F401

__all__ = ["save", "load", "DEFAULT_PROTOCOL", "LoadedStorage"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001
_ALIGN = 64
_NATIVE = sys.byteorder
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
               ValueError, struct.error, NotImplementedError)


class _TorchGlobal:
    """A global written into the pickle by name (``torch.FloatStorage``): torch need not be
    importable here, so these are written as GLOBAL opcodes rather than looked up."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce wants a callable; never called
        raise TypeError(f"{self.module}.{self.name} is a name in a checkpoint, not a function")


_GLOBALS = {}


def _glob(module, name):
    g = _GLOBALS.get((module, name))
    if g is None:
        g = _GLOBALS[(module, name)] = _TorchGlobal(module, name)
    return g


def _dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


class _SavedStorage:
    """One storage of the checkpoint: its key, dtype, element count and a flat tensor over it."""
    __slots__ = ("key", "dtype", "numel", "flat")

    def __init__(self, key, dtype, numel, flat):
        self.key, self.dtype, self.numel, self.flat = key, dtype, numel, flat

    def pid(self, legacy):
        pid = ("storage", _glob("torch", _pr.STORAGE_NAMES[_dtype_name(self.dtype)]), self.key,
               "cpu", self.numel)
        return pid + (None,) if legacy else pid

    def raw_bytes(self):
        """The storage's bytes, little-endian, as a flat uint8 numpy array (no copy on LE)."""
        flat = self.flat
        if self.dtype == torsh.bfloat16:
            flat = flat.view(torsh.int16)
        arr = flat.numpy()
        if _NATIVE != "little":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        return arr.view("u1")


def _fits(t, n):
    try:
        t.as_strided((n,), (1,), 0)
        return True
    except RuntimeError:
        return False


def _storage_numel(t):
    """The element count of t's storage. torsh has no Python storage object, but as_strided is
    bounds-checked against the storage (as torch's set_ is), so the longest flat view it accepts
    is the storage: gallop up from the tensor's own extent, then bisect."""
    lo = 0
    if t.numel():
        lo = t.storage_offset() + 1 + sum((n - 1) * s for n, s in zip(t.shape, t.stride()))
    step = 1
    while _fits(t, lo + step):
        lo += step
        step *= 2
    hi = lo + step
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _fits(t, mid) else (lo, mid)
    return lo


class _StorageTable:
    """The storages met while pickling, keyed by their base address: views of one storage get
    one record, as in torch."""

    def __init__(self):
        self._by_base = {}
        self.storages = []

    def add(self, t):
        t = t.detach()
        offset = t.storage_offset()
        base = t.data_ptr() - offset * t.element_size()
        rec = self._by_base.get(base)
        if rec is None:
            n = _storage_numel(t)
            rec = _SavedStorage(str(len(self.storages)), t.dtype, n, t.as_strided((n,), (1,), 0))
            self.storages.append(rec)
            if n:
                self._by_base[base] = rec
        elif rec.dtype != t.dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same data "
                               "as different types")
        return rec, offset


def _pickler_base(pickle_module):
    if pickle_module is None or pickle_module is pickle:
        return pickle._Pickler
    base = getattr(pickle_module, "Pickler", None)
    if isinstance(base, type) and issubclass(base, pickle._Pickler):
        return base
    raise TypeError("torsh.save needs a pickle_module whose Pickler derives from the pure-Python "
                    "pickle._Pickler (the standard pickle module, dill, ...)")


def _pickler_class(base):
    from torsh.nn.parameter import Parameter

    class _CheckpointPickler(base):
        def __init__(self, file, protocol, table, legacy):
            super().__init__(file, protocol)
            self._table, self._legacy = table, legacy

        def save(self, obj, save_persistent_id=True):
            tp = type(obj)
            if tp is torsh.dtype:
                obj = _glob("torch", _dtype_name(obj))
            elif tp is torsh.memory_format:
                obj = _glob("torch", obj._name)
            if type(obj) is _TorchGlobal:
                self.framer.commit_frame()
                x = self.memo.get(id(obj))
                if x is not None:
                    self.write(self.get(x[0]))
                else:
                    self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
                    self.memoize(obj)
                return
            super().save(obj, save_persistent_id)

        def persistent_id(self, obj):
            if type(obj) is _SavedStorage:
                return obj.pid(self._legacy)
            if isinstance(obj, LoadedStorage):
                return self._table.add(obj._tensor)[0].pid(self._legacy)
            return None

        def reducer_override(self, obj):
            if isinstance(obj, Tensor):
                if obj.device.type != "cpu":  # pragma: no cover - torsh tensors live on the CPU
                    raise RuntimeError(f"torsh.save: cannot save a {obj.device} tensor")
                if isinstance(obj, Parameter):
                    return (_glob("torch._utils", "_rebuild_parameter"),
                            (obj.detach(), obj.requires_grad, OrderedDict()))
                rec, offset = self._table.add(obj)
                args = (rec, offset, tuple(obj.shape), tuple(obj.stride()), obj.requires_grad,
                        OrderedDict())
                if type(obj) is not Tensor:  # a subclass: its class and attributes, as torch's
                    return (_glob("torch._tensor", "_rebuild_from_type_v2"),
                            (_glob("torch._utils", "_rebuild_tensor_v2"), type(obj), args,
                             dict(obj.__dict__)))
                return (_glob("torch._utils", "_rebuild_tensor_v2"), args)
            tp = type(obj)
            if tp is torsh.Size:
                return (_glob("torch", "Size"), (tuple(obj),))
            if tp is torsh.device:
                args = (obj.type,) if obj.index is None else (obj.type, obj.index)
                return (_glob("torch", "device"), args)
            return NotImplemented

    return _CheckpointPickler


def _write_record(zf, name, data):
    """One stored (uncompressed) zip record whose data starts on a 64-byte boundary: the local
    header's extra field is padded with an 'FB' block of 'Z's, as torch's writer does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    size = len(data)
    zip64 = 20 if size * 1.05 > zipfile.ZIP64_LIMIT else 0
    head = zf.fp.tell() + 30 + len(name.encode("utf-8")) + 4 + zip64
    pad = -head % _ALIGN
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, data)


def _write_zip(fh, archive, pkl, table):
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, f"{archive}/data.pkl", pkl)
        for rec in table.storages:
            _write_record(zf, f"{archive}/data/{rec.key}", rec.raw_bytes())
        _write_record(zf, f"{archive}/version", b"3\n")


def _write_legacy(fh, pkl, table, protocol):
    sys_info = dict(protocol_version=PROTOCOL_VERSION, little_endian=True,
                    type_sizes=dict(short=2, int=4, long=4))
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle.dump(header, fh, protocol=protocol)
    fh.write(pkl)
    pickle.dump([rec.key for rec in table.storages], fh, protocol=protocol)
    for rec in table.storages:
        fh.write(struct.pack("<q", rec.numel))
        fh.write(rec.raw_bytes())


def _is_path(f):
    return isinstance(f, (str, bytes, os.PathLike))


def _umask():
    try:
        with open("/proc/self/status") as st:
            for line in st:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path, write):
    """Write a file through ``write(fileobj)`` atomically: a temporary file beside ``path``,
    flushed and fsynced, then ``os.replace``d over it. On any error the temporary file is removed
    and the old file (if any) is left as it was."""
    path = os.fsdecode(os.fspath(path))
    if os.path.islink(path):
        path = os.path.realpath(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True):
    """torch.save: write ``obj`` to ``f`` (a path or a binary file object) in PyTorch's
    checkpoint format; ``torch.load`` and ``torsh.load`` read it back with tensors, views sharing
    a storage, Parameters, dtypes and torch.Size restored."""
    legacy = not _use_new_zipfile_serialization
    table = _StorageTable()
    buf = io.BytesIO()
    _pickler_class(_pickler_base(pickle_module))(buf, pickle_protocol, table, legacy).dump(obj)
    pkl = buf.getvalue()
    if _is_path(f):
        stem = os.path.splitext(os.path.basename(os.fsdecode(os.fspath(f))))[0] or "archive"
    else:
        stem = "archive"

    def write(fh):
        if legacy:
            _write_legacy(fh, pkl, table, pickle_protocol)
        else:
            _write_zip(fh, stem, pkl, table)

    if _is_path(f):
        _atomic_write(f, write)
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"torsh.save: expected a path or a writable binary file object, "
                                 f"got {type(f).__name__}")
        write(f)


def _decode(s):
    return s.decode("ascii") if isinstance(s, bytes) else s


def _default_restore(storage, location):
    location = str(location)
    if location == "cpu":
        return storage
    if location.startswith("cuda"):
        raise RuntimeError("Attempting to deserialize object on a CUDA device but "
                           "torch.cuda.is_available() is False. If you are running on a CPU-only "
                           "machine, please use torch.load with "
                           "map_location=torch.device('cpu') to map your storages to the CPU.")
    raise RuntimeError(f"don't know how to restore data location of {type(storage).__name__} "
                       f"(tagged with {location})")


def _restore_location(map_location):
    """torch's map_location rules: None, a dict of location -> location, a location string, a
    device, or a callable (storage, location) -> storage or None."""
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        return lambda s, loc: _default_restore(s, map_location.get(loc, loc))
    if isinstance(map_location, (str, torsh.device)) or (
            not callable(map_location) and hasattr(map_location, "type")):
        return lambda s, loc: _default_restore(s, str(map_location))
    if not callable(map_location):
        raise TypeError(f"map_location must be None, a str, a device, a dict or a callable, "
                        f"not {type(map_location).__name__}")

    def restore(storage, location):
        result = map_location(storage, location)
        if result is None:
            return _default_restore(storage, location)
        if not isinstance(result, LoadedStorage):
            raise RuntimeError(f"map_location returned a {type(result).__name__}; torsh loads "
                               f"to the CPU only, so it must return the storage it was given "
                               f"or None")
        return result

    return restore


def _alloc(stype, numel):
    """(raw numpy buffer to fill, LoadedStorage viewing it) for ``numel`` elements of stype.
    bool storages are read as bytes and normalised to 0/1 by _finish."""
    import numpy as np  # torsh imports without numpy; reading storages needs it
    raw = np.empty(numel, dtype=np.dtype(stype.numpy_dtype).newbyteorder("=")
                   if stype.numpy_dtype != "?" else np.uint8)
    arr = raw.view(np.bool_) if stype.numpy_dtype == "?" else raw
    t = torsh.from_numpy(arr)
    if stype.dtype == torsh.bfloat16:
        t = t.view(torsh.bfloat16)
    return raw, LoadedStorage(t)


def _finish(raw, stype, swap):
    if stype.numpy_dtype == "?":  # bool: any nonzero byte means True
        raw.view("?")[...] = raw != 0
    elif swap:
        raw.byteswap(inplace=True)


def _readinto_exact(fh, view, what):
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])
        if not n:
            raise RuntimeError(f"{what} is truncated: expected {len(view)} bytes, got {got}")
        got += n


def _check_numel(numel):
    if isinstance(numel, bool) or not isinstance(numel, int) or numel < 0:
        raise RuntimeError(f"checkpoint storage size must be a non-negative int, got {numel!r}")
    return numel


def _storage_pid(pid, length):
    if not isinstance(pid, tuple) or not pid:
        raise pickle.UnpicklingError(f"persistent id must be a tuple, got {type(pid).__name__}")
    typename = _decode(pid[0])
    if typename != "storage" or len(pid) != length:
        raise pickle.UnpicklingError(f"unsupported persistent id {typename!r} (of length "
                                     f"{len(pid)}); only storages can be loaded")
    stype = pid[1]
    if not isinstance(stype, StorageType):
        raise pickle.UnpicklingError(f"storage type must be a torch.*Storage class, got "
                                     f"{stype!r}")
    stype.check_supported()
    return stype, _check_numel(pid[4])


def _run_unpickler(unpickler, weights_only):
    try:
        return unpickler.load()
    except pickle.UnpicklingError:
        raise
    except RuntimeError as e:
        if weights_only:
            raise pickle.UnpicklingError(f"Weights only load failed: {e}") from e
        raise
    except MemoryError:
        raise
    except Exception as e:
        raise pickle.UnpicklingError(f"the checkpoint's pickle is corrupt or truncated "
                                     f"({type(e).__name__}: {e})") from e


def _read_record(zf, name):
    try:
        return zf.read(name)
    except KeyError:
        raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not "
                           f"found") from None
    except _ZIP_ERRORS as e:
        raise RuntimeError(f"PytorchStreamReader failed reading record {name}: {e}") from e


def _read_zip_record_into(zf, fh, info, view):
    """Fill ``view`` with the record's bytes. A stored record (what torch writes) is read straight
    from the file into place and its CRC-32 checked; others go through zipfile."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 1:
        with zf.open(info) as r:
            _readinto_exact(r, view, info.filename)
        return
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local file header for {info.filename}")
    n, e = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + n + e)
    _readinto_exact(fh, view, info.filename)
    if zlib.crc32(view) != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for record {info.filename}")


def _load_zip(fh, restore, make, weights_only):
    try:
        zf = zipfile.ZipFile(fh)
    except _ZIP_ERRORS as e:
        raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e}") from e
    with zf:
        names = zf.namelist()
        if not names or "/" not in names[0]:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: its records "
                               "are not in a top-level folder (or it has none)")
        prefix = names[0].split("/", 1)[0]
        if f"{prefix}/constants.pkl" in names:
            raise RuntimeError("this is a TorchScript archive (torch.jit.save); torsh.load reads "
                               "torch.save checkpoints only")
        data = _read_record(zf, f"{prefix}/data.pkl")
        swap = False
        if f"{prefix}/byteorder" in names:
            order = _read_record(zf, f"{prefix}/byteorder").decode("ascii", "replace").strip()
            if order not in ("little", "big"):
                raise RuntimeError(f"checkpoint byteorder record is {order!r}")
            swap = order != _NATIVE
        loaded = {}

        def persistent_load(pid):
            stype, numel = _storage_pid(pid, 5)
            key, location = _decode(pid[2]), _decode(pid[3])
            if key in loaded:
                return loaded[key]
            name = f"{prefix}/data/{key}"
            try:
                info = zf.getinfo(name)
            except KeyError:
                raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not "
                                   f"found") from None
            itemsize = stype.itemsize
            if info.file_size != numel * itemsize:  # checked before allocating anything
                raise RuntimeError(f"storage record {name} holds {info.file_size} bytes but the "
                                   f"checkpoint declares {numel} elements of {itemsize} bytes "
                                   f"({numel * itemsize} bytes)")
            raw, storage = _alloc(stype, numel)
            try:
                _read_zip_record_into(zf, fh, info, memoryview(raw).cast("B"))
            except _ZIP_ERRORS as e:
                raise RuntimeError(f"PytorchStreamReader failed reading record {name}: "
                                   f"{e}") from e
            _finish(raw, stype, swap)
            storage.location = location
            loaded[key] = restore(storage, location)
            return loaded[key]

        return _run_unpickler(make(io.BytesIO(data), persistent_load), weights_only)


def _no_pid(pid):
    raise pickle.UnpicklingError("unexpected persistent id in a checkpoint header")


def _load_legacy(fh, restore, make, weights_only):
    start = fh.tell()
    file_size = fh.seek(0, io.SEEK_END)
    fh.seek(start)
    head = fh.read(262)
    if head[257:262] == b"ustar":
        raise RuntimeError("this is a tar-format checkpoint (PyTorch < 0.4), which torsh.load "
                           "does not read; re-save it with torch.save from a newer PyTorch")
    fh.seek(start)

    def header():
        return _run_unpickler(make(fh, _no_pid), weights_only)

    try:
        magic = header()
    except pickle.UnpicklingError as e:
        raise RuntimeError("not a PyTorch checkpoint: neither a zip archive nor the legacy "
                           "format (invalid magic number; corrupt file?)") from e
    if magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = header()
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info = header()
    little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    swap = ("little" if little else "big") != _NATIVE
    roots, raws = {}, {}

    def persistent_load(pid):
        if isinstance(pid, tuple) and pid and _decode(pid[0]) == "module" and not weights_only:
            return pid[1]  # a module class saved with its source: torch returns the class
        stype, numel = _storage_pid(pid, 6)
        key, location, view = _decode(pid[2]), _decode(pid[3]), pid[5]
        if key not in roots:
            if numel * stype.itemsize > file_size:
                raise RuntimeError(f"legacy checkpoint storage {key!r} declares {numel} elements, "
                                   f"more than the file holds")
            raw, storage = _alloc(stype, numel)
            storage.location = location
            restored = restore(storage, location)
            if restored is not storage:
                raise RuntimeError("with a legacy-format checkpoint, map_location callables must "
                                   "return the storage they are given (or None)")
            roots[key], raws[key] = storage, (raw, numel, stype)
        root = roots[key]
        if view is None:
            return root
        if not (isinstance(view, tuple) and len(view) == 3):
            raise pickle.UnpicklingError(f"bad storage view metadata {view!r}")
        vkey, off, size = _decode(view[0]), _check_numel(view[1]), _check_numel(view[2])
        if off + size > root.size():
            raise RuntimeError(f"storage view [{off}, {off + size}) is outside its storage of "
                               f"{root.size()} elements")
        if vkey not in roots:
            roots[vkey] = LoadedStorage(root._tensor[off:off + size], location)
        return roots[vkey]

    result = _run_unpickler(make(fh, persistent_load), weights_only)
    keys = header()
    if not isinstance(keys, list):
        raise RuntimeError("legacy checkpoint: the storage key list is missing or corrupt")
    keys = [_decode(k) for k in keys]
    if not all(isinstance(k, str) for k in keys) or sorted(keys) != sorted(raws):
        raise RuntimeError(f"legacy checkpoint: its storage key list {keys!r} does not match the "
                           f"storages its pickle uses {sorted(raws)}")
    for key in keys:
        raw, numel, stype = raws[key]
        count = fh.read(8)
        if len(count) != 8:
            raise RuntimeError(f"legacy checkpoint is truncated at storage {key!r}")
        count = struct.unpack("<q" if little else ">q", count)[0]
        if count != numel:
            raise RuntimeError(f"legacy checkpoint storage {key!r} holds {count} elements but "
                               f"the pickle declares {numel}")
        _readinto_exact(fh, memoryview(raw).cast("B"), f"legacy checkpoint storage {key!r}")
        _finish(raw, stype, swap)
    return result


@contextlib.contextmanager
def _open_for_read(f):
    if _is_path(f):
        with open(f, "rb") as fh:
            yield fh
    elif not hasattr(f, "read"):
        raise AttributeError(f"torsh.load: expected a path or a readable binary file object, "
                             f"got {type(f).__name__}")
    elif not (hasattr(f, "seek") and (not hasattr(f, "seekable") or f.seekable())):
        yield io.BytesIO(f.read())
    else:
        yield f


def load(f, map_location=None, pickle_module=None, *, weights_only=False, **pickle_load_args):
    """torch.load: read an object written by ``torch.save`` or ``torsh.save`` (zip or legacy
    format) from a path or a binary file object.

    ``weights_only=True`` unpickles only tensors, storages, dtypes, torch.Size, OrderedDict and
    plain containers and numbers, and raises ``pickle.UnpicklingError`` naming any other global.
    With the default ``weights_only=False`` (torch 1.13's default) the pickle may import and call
    any global, as ``pickle.load`` would: use it only on files you trust. ``map_location`` is
    None, 'cpu', a device, a dict or a callable as in torch; data tagged 'cuda' must be mapped to
    the CPU, as torch requires without CUDA."""
    if os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in ("1", "y", "yes", "true"):
        weights_only = True
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                               "specified")
    elif pickle_module is None:
        pickle_module = pickle
    pickle_load_args.setdefault("encoding", "utf-8")
    restore = _restore_location(map_location)
    if weights_only:
        def make(file, persistent_load):
            return _pr.RestrictedUnpickler(file, persistent_load, **pickle_load_args)
    else:
        cls = _pr.full_unpickler_class(pickle_module.Unpickler)

        def make(file, persistent_load):
            return cls(file, persistent_load, **pickle_load_args)

    with _open_for_read(f) as fh:
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if magic in (b"PK\x03\x04", b"PK\x05\x06"):
            return _load_zip(fh, restore, make, weights_only)
        return _load_legacy(fh, restore, make, weights_only)
