"""The reading half of torsh.load: the storage types of PyTorch's checkpoint format, the
functions a checkpoint's pickle calls to rebuild tensors, and the two unpicklers.

* The restricted unpickler (``weights_only=True``) resolves only an allow-list of globals (see
  ``_allowed_global``): ``collections.OrderedDict``, torch's tensor/parameter rebuild functions,
  the ``torch.*Storage`` types, torch dtypes, ``torch.Size``, ``torch.device``,
  ``torch.nn.parameter.Parameter`` and the builtins ``set``, ``frozenset``, ``complex`` and
  ``slice`` plus ``_codecs.encode`` (how protocol-2 pickles write ``bytes``; restricted to text
  codecs). ``bytearray`` is left out: ``bytearray(n)`` would let a file allocate at will. Any
  other global raises ``pickle.UnpicklingError`` naming it. Everything the allow-list yields
  only builds data, so no code from the file can run.
* The full unpickler (``weights_only=False``, torch 1.13's default) resolves the same names, maps
  every other ``torch.X`` global to ``torsh.X`` and imports the rest as ``pickle`` does. Like
  ``pickle`` and ``torch.load`` it can run code named by the file: use it on trusted files only.

Torch's names map onto torsh's objects: a loaded storage is a ``LoadedStorage`` holding a flat
torsh tensor; tensors are ``as_strided`` views of it, so views saved from one storage come back
sharing memory, as in torch.
"""
import _compat_pickle
import codecs
import collections
import importlib
import operator
import pickle

import torsh

# torch storage class name -> (torsh dtype name, little-endian numpy dtype of the raw bytes).
# bfloat16 has no numpy dtype: its bytes travel as int16 and are re-viewed as bfloat16.
STORAGE_DTYPES = {
    "DoubleStorage": ("float64", "<f8"), "FloatStorage": ("float32", "<f4"),
    "HalfStorage": ("float16", "<f2"), "BFloat16Storage": ("bfloat16", "<i2"),
    "LongStorage": ("int64", "<i8"), "IntStorage": ("int32", "<i4"),
    "ShortStorage": ("int16", "<i2"), "CharStorage": ("int8", "i1"),
    "ByteStorage": ("uint8", "u1"), "BoolStorage": ("bool", "?"),
    "ComplexFloatStorage": ("complex64", "<c8"), "ComplexDoubleStorage": ("complex128", "<c16"),
    "UntypedStorage": ("uint8", "u1"), "_UntypedStorage": ("uint8", "u1"),
}
# torsh dtype name -> torch storage class name (the inverse, for torsh.save).
STORAGE_NAMES = {v[0]: k for k, v in STORAGE_DTYPES.items() if "Untyped" not in k}
NUMPY_RAW = {v[0]: v[1] for v in STORAGE_DTYPES.values()}
# torch storage types torsh has no dtype for: loading one fails with a clear message.
_UNSUPPORTED_STORAGES = {
    "ComplexHalfStorage": "complex32", "QInt8Storage": "qint8", "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
_TORCH_DTYPE_NAMES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16",
                      "int8", "uint8", "bool", "double", "float", "half", "long", "int", "short",
                      "complex64", "complex128", "cfloat", "cdouble")


class StorageType:
    """What a ``torch.FloatStorage`` (etc.) global resolves to: the storage's element dtype."""

    def __init__(self, name):
        self.name = name
        entry = STORAGE_DTYPES.get(name)
        self.dtype = getattr(torsh, entry[0]) if entry else None
        self.numpy_dtype = entry[1] if entry else None
        self.itemsize = (1 if entry[1] == "?" else int(entry[1][-1])) if entry else None

    def check_supported(self):
        if self.dtype is None:
            raise RuntimeError(f"cannot load a torch.{self.name}: torsh has no "
                               f"{_UNSUPPORTED_STORAGES.get(self.name, self.name)} dtype")

    def __repr__(self):
        return f"StorageType(torch.{self.name}, dtype={self.dtype})"


class LoadedStorage:
    """A storage read from a checkpoint: a flat 1-D torsh tensor holding all its elements.
    ``map_location`` callables receive it; ``cpu()`` returns it, ``cuda()`` fails as torsh does
    without CUDA."""

    def __init__(self, tensor, location="cpu"):
        self._tensor = tensor
        self.location = location

    dtype = property(lambda self: self._tensor.dtype)
    device = property(lambda self: torsh.device("cpu"))

    def size(self):
        return self._tensor.numel()

    __len__ = size

    def element_size(self):
        return self._tensor.element_size()

    def nbytes(self):
        return self.size() * self.element_size()

    def tolist(self):
        return self._tensor.tolist()

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False, **kwargs):
        self._tensor.cuda()  # raises: this build has no CUDA
        return self  # pragma: no cover

    def __repr__(self):
        return f"LoadedStorage(size={self.size()}, dtype={self.dtype}, location={self.location!r})"


def _index(v, what):
    if isinstance(v, bool):
        raise RuntimeError(f"checkpoint tensor {what} must be an int, not bool")
    try:
        return operator.index(v)
    except TypeError:
        raise RuntimeError(f"checkpoint tensor {what} must be an int, not "
                           f"{type(v).__name__}") from None


def _rebuild_tensor(storage, storage_offset, size, stride):
    """torch._utils._rebuild_tensor: a view of ``storage`` with that offset, size and stride,
    checked against the storage's length (a tensor never reads past its storage)."""
    if not isinstance(storage, LoadedStorage):
        raise RuntimeError(f"_rebuild_tensor expected a storage, got {type(storage).__name__}")
    if not isinstance(size, (tuple, list)) or not isinstance(stride, (tuple, list)):
        raise RuntimeError("checkpoint tensor size and stride must be tuples")
    offset = _index(storage_offset, "storage offset")
    size = tuple(_index(s, "size") for s in size)
    stride = tuple(_index(s, "stride") for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"checkpoint tensor has {len(size)} sizes but {len(stride)} strides")
    if offset < 0 or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(f"checkpoint tensor has a negative size, stride or storage offset: "
                           f"size {list(size)}, stride {list(stride)}, offset {offset}")
    numel = 1
    for s in size:
        numel *= s
    if numel:
        need = offset + 1 + sum((n - 1) * st for n, st in zip(size, stride))
        have = storage.size()
        if need > have:
            raise RuntimeError(
                f"checkpoint tensor of size {list(size)}, stride {list(stride)} and storage "
                f"offset {offset} needs {need} elements but its storage holds only {have}")
    return storage._tensor.as_strided(size, stride, offset if numel else 0)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    """torch._utils._rebuild_tensor_v2. Backward hooks are not restored (torch saves an empty
    OrderedDict and warns against saving hooks)."""
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from torsh.nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    if isinstance(state, dict):
        for k, v in state.items():
            setattr(param, k, v)
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch._tensor._rebuild_from_type_v2 (tensor subclasses and tensors with attributes)."""
    ret = func(*args)
    if new_type is torsh.Tensor:
        return ret  # torch drops a plain tensor's state too
    if new_type is not type(ret) and isinstance(new_type, type) \
            and issubclass(new_type, torsh.Tensor):
        ret = ret.as_subclass(new_type)
    if state:
        setstate = getattr(ret, "__setstate__", None)
        if setstate is not None and not isinstance(state, tuple):
            setstate(state)
        else:
            d, slots = state if isinstance(state, tuple) else (state, None)
            for k, v in (d or {}).items():
                setattr(ret, k, v)
            for k, v in (slots or {}).items():
                setattr(ret, k, v)
    return ret


def _codecs_encode(obj, encoding="utf-8", errors="strict"):
    """_codecs.encode limited to text codecs: how protocol-2 pickles spell bytes literals."""
    if codecs.lookup(encoding).name not in ("latin-1", "iso8859-1", "utf-8", "ascii"):
        raise pickle.UnpicklingError(f"weights-only load refuses _codecs.encode with "
                                     f"encoding {encoding!r}")
    return codecs.encode(obj, encoding, errors)


def _torch_special(module, name):
    """The torch globals a checkpoint names, resolved to torsh objects (None if not one)."""
    if module == "torch":
        if "Storage" in name:
            if name in STORAGE_DTYPES or name in _UNSUPPORTED_STORAGES:
                return StorageType(name)
            return None
        if name in _TORCH_DTYPE_NAMES:
            return getattr(torsh, name)
        if name == "Size":
            return torsh.Size
        if name == "Tensor":
            return torsh.Tensor
        if name == "device":
            return torsh.device
        return None
    if module == "torch._utils":
        return {"_rebuild_tensor": _rebuild_tensor, "_rebuild_tensor_v2": _rebuild_tensor_v2,
                "_rebuild_parameter": _rebuild_parameter,
                "_rebuild_parameter_with_state": _rebuild_parameter_with_state}.get(name)
    if module == "torch._tensor" and name == "Tensor":
        return torsh.Tensor
    if module == "torch.nn.parameter" and name == "Parameter":
        from torsh.nn.parameter import Parameter
        return Parameter
    return None


_SAFE_BUILTINS = {"set": set, "frozenset": frozenset, "complex": complex, "slice": slice}


def _fix_py2_name(module, name):
    """Protocol 0-2 pickles spell Python 3 names the Python 2 way (``__builtin__.set``)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def _allowed_global(module, name):
    """The restricted unpickler's allow-list; None for a global it refuses."""
    module, name = _fix_py2_name(module, name)
    if module == "collections" and name == "OrderedDict":
        return collections.OrderedDict
    if module == "builtins":
        return _SAFE_BUILTINS.get(name)
    if module == "_codecs" and name == "encode":
        return _codecs_encode
    return _torch_special(module, name)


def _weights_only_refusal(module, name):
    fixed = ".".join(_fix_py2_name(module, name)) if isinstance(module, str) and \
        isinstance(name, str) else f"{module!r}.{name!r}"
    if fixed != f"{module}.{name}":
        fixed += f" (written as {module}.{name})"
    return pickle.UnpicklingError(
        f"Weights only load failed: unsupported global {fixed}. torsh.load with "
        f"weights_only=True reads only tensors, storages, dtypes, torch.Size, OrderedDict and "
        f"plain Python containers and numbers. Re-running torsh.load with weights_only=False "
        f"can load it, but it can execute arbitrary code: do that only for a file you trust.")


class RestrictedUnpickler(pickle.Unpickler):
    """weights_only=True: only the allow-listed globals; every other GLOBAL is refused."""

    def __init__(self, file, persistent_load, **kwargs):
        super().__init__(file, **kwargs)
        self._persistent_load = persistent_load

    def find_class(self, module, name):
        obj = _allowed_global(module, name) if isinstance(module, str) and \
            isinstance(name, str) else None
        if obj is None:
            raise _weights_only_refusal(module, name)
        return obj

    def persistent_load(self, pid):
        return self._persistent_load(pid)


def _resolve_torsh(module, name):
    """torch.X global -> torsh.X (importing torsh.<submodule> as needed)."""
    tmod = "torsh" + module[len("torch"):]
    tmod = {"torsh.tensor": "torsh"}.get(tmod, tmod)
    try:
        obj = importlib.import_module(tmod)
        for part in name.split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        raise pickle.UnpicklingError(
            f"cannot load global {module}.{name}: torsh has no {tmod}.{name}") from None


def full_unpickler_class(base):
    """weights_only=False: ``base`` (pickle_module.Unpickler) with torch's names mapped to
    torsh's. Other globals are imported as ``pickle`` does: only for trusted files."""

    class FullUnpickler(base):
        def __init__(self, file, persistent_load, **kwargs):
            super().__init__(file, **kwargs)
            self._persistent_load = persistent_load

        def find_class(self, module, name):
            if isinstance(module, str) and isinstance(name, str):
                obj = _torch_special(module, name)
                if obj is not None:
                    return obj
                if module == "torch._tensor" and name == "_rebuild_from_type_v2":
                    return _rebuild_from_type_v2
                if module == "torch" or module.startswith("torch."):
                    return _resolve_torsh(module, name)
            return super().find_class(module, name)

        def persistent_load(self, pid):
            return self._persistent_load(pid)

    return FullUnpickler
