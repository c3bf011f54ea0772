"""torch.TypedStorage as torch 1.13's Tensor.storage() returns it: the whole storage under a tensor
(every element, whatever the tensor's view of it), typed by the tensor's dtype. It reads and
writes through a flat tensor over that storage, so it shares memory with every view of it;
`torch.is_storage` recognises it."""
import torsh

__all__ = ["TypedStorage", "is_storage"]


class TypedStorage:
    """The storage of `tensor` (kept alive by this object)."""

    is_sparse = False
    is_cuda = False

    def __init__(self, *args, wrap_tensor=None, dtype=None, device=None):
        if wrap_tensor is None:  # TypedStorage(size) / TypedStorage(list): a new storage
            dtype = dtype if dtype is not None else torsh.get_default_dtype()
            data = args[0] if args else 0
            wrap_tensor = (torsh.tensor(list(data), dtype=dtype) if isinstance(data, (list, tuple))
                           else torsh.zeros(int(data), dtype=dtype))
        self._tensor = wrap_tensor
        address, nbytes = wrap_tensor._storage_info()
        self._address, self._nbytes = address, nbytes

    def _flat(self):
        """A 1-d tensor over every element of the storage."""
        return self._tensor.as_strided((self.size(),), (1,), 0)

    @property
    def dtype(self):
        return self._tensor.dtype

    @property
    def device(self):
        return self._tensor.device

    def size(self):
        return self._nbytes // self._tensor.element_size()

    def __len__(self):
        return self.size()

    def element_size(self):
        return self._tensor.element_size()

    def nbytes(self):
        return self._nbytes

    def data_ptr(self):
        return self._address

    def tolist(self):
        return self._flat().tolist()

    def _index(self, i):
        n = self.size()
        if not isinstance(i, int):
            raise RuntimeError(f"can't index a {type(self)} with {type(i)}")
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        return i + n if i < 0 else i

    def __getitem__(self, i):
        if isinstance(i, slice):  # as torch 1.13's TypedStorage
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return self._flat()[self._index(i)].item()

    def __setitem__(self, i, value):
        with torsh.no_grad():
            if isinstance(i, slice):
                self._flat()[i] = value
            else:
                self._flat()[self._index(i)] = value

    def __iter__(self):
        return iter(self.tolist())

    def fill_(self, value):
        with torsh.no_grad():
            self._flat().fill_(value)
        return self

    def copy_(self, source, non_blocking=None):
        with torsh.no_grad():
            self._flat().copy_(source._flat() if isinstance(source, TypedStorage) else source)
        return self

    def clone(self):
        return TypedStorage(wrap_tensor=self._flat().clone())

    def cpu(self):
        return self

    def is_shared(self):
        return self._tensor.is_shared()

    def is_pinned(self):
        return False

    def share_memory_(self):
        self._tensor.share_memory_()
        self.__init__(wrap_tensor=self._tensor)
        return self

    def get_device(self):  # torch 1.13's CPU TypedStorage: None
        return None

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return "torch.storage.TypedStorage"
        raise NotImplementedError("TypedStorage.type(dtype) is not supported by torsh")

    def __repr__(self):
        body = "\n".join(" " + str(v) for v in self.tolist())
        info = (f"[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of "
                f"size {self.size()}]")
        return body + "\n" + info if body else info

    __str__ = __repr__


def is_storage(obj):
    """torch.is_storage: whether obj is a storage."""
    return isinstance(obj, TypedStorage)


def _tensor_storage(self):
    return TypedStorage(wrap_tensor=self)


def install():
    torsh.TypedStorage = TypedStorage
    torsh.is_storage = is_storage
    torsh.Tensor.storage = _tensor_storage
