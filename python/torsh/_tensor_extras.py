"""Python-level Tensor protocol methods torch has: deepcopy and pickling (a state_dict copied
with copy.deepcopy, a tensor sent through pickle or multiprocessing), plus small aliases and
predicates (transpose_, is_complex, is_sparse, torch.typename)."""
import copy

import numpy as np

import torsh
from torsh import _C

# dtypes numpy has no type for travel as same-width integers
_AS_BITS = {"torch.bfloat16": (np.int16, "int16")}


def _tensor_deepcopy(self, memo):
    if id(self) in memo:
        return memo[id(self)]
    if not self.is_leaf:
        raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                           "the deepcopy protocol at the moment")
    with torsh.no_grad():
        new = self.clone()
        if type(self) is not torsh.Tensor and type(new) is not type(self):
            new = new.as_subclass(type(self))
    if self.requires_grad:
        new.requires_grad_(True)
    if self.grad is not None:
        new.grad = copy.deepcopy(self.grad, memo)
    if type(self) is not torsh.Tensor:  # a subclass instance's attributes, as torch copies them
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
    memo[id(self)] = new
    return new


def _raw(t):
    """The tensor's values as numpy (bit-casting dtypes numpy lacks)."""
    t = t.detach().contiguous()
    name = repr(t.dtype)
    if name in _AS_BITS:
        return t.view(getattr(torsh, _AS_BITS[name][1])).numpy()
    return t.numpy()


def _rebuild_tensor(array, dtype_name, requires_grad):
    t = torsh.from_numpy(np.array(array, copy=True))
    if dtype_name in _AS_BITS:
        t = t.view(getattr(torsh, dtype_name.split(".")[1]))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_subclass(array, dtype_name, requires_grad, cls, state):
    t = _rebuild_tensor(array, dtype_name, False).as_subclass(cls)
    if requires_grad:
        t.requires_grad_(True)
    t.__dict__.update(state)
    return t


def _tensor_reduce_ex(self, proto):
    if type(self) is not torsh.Tensor:  # a subclass: its class and attributes travel too
        return (_rebuild_subclass, (_raw(self), repr(self.dtype), self.requires_grad, type(self),
                                    dict(self.__dict__)))
    return (_rebuild_tensor, (_raw(self), repr(self.dtype), self.requires_grad))


def typename(obj):
    """torch.typename: 'torch.FloatTensor' for tensors, the qualified class name otherwise."""
    if isinstance(obj, torsh.Tensor):
        return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
                "float16": "torch.HalfTensor", "bfloat16": "torch.BFloat16Tensor",
                "int64": "torch.LongTensor", "int32": "torch.IntTensor",
                "int16": "torch.ShortTensor", "int8": "torch.CharTensor",
                "uint8": "torch.ByteTensor", "bool": "torch.BoolTensor",
                "complex64": "torch.ComplexFloatTensor",
                "complex128": "torch.ComplexDoubleTensor"}[repr(obj.dtype)[6:]]
    # torch reads the object's own __module__ and __qualname__ (a class names itself), falling
    # back to its class's name
    module = getattr(obj, "__module__", None)
    prefix = "" if module in ("builtins", "__builtin__", None) else module + "."
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or \
        type(obj).__name__
    return prefix + name


def is_complex(t):
    """torch.is_complex: whether t's dtype is complex64 or complex128."""
    if not isinstance(t, torsh.Tensor):
        raise TypeError(f"is_complex(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t).__name__}")
    return t.dtype.is_complex


class TensorHookHandle:
    """What Tensor.register_hook returns (torch's RemovableHandle): remove() takes the hook out
    of the node (or leaf) it was registered on. For a leaf the handle keeps the tensor until
    then; for other tensors it holds the node weakly."""

    def __init__(self, remover, pos):
        self._remover, self.id = remover, pos

    def remove(self):
        if self._remover is not None:
            self._remover()
            self._remover = None

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.remove()


def _set_real(self, value):
    torsh.real(self).copy_(value if isinstance(value, torsh.Tensor) else torsh.tensor(value))


def _set_imag(self, value):
    torsh.imag(self).copy_(value if isinstance(value, torsh.Tensor) else torsh.tensor(value))


def _tensor_format(self, format_spec):
    """format(t, spec) as torch: a 0-d plain Tensor formats its Python number; anything else
    is str(t) with an empty spec, and a TypeError with any other."""
    if self.dim() == 0 and type(self) is _C.Tensor:
        return self.item().__format__(format_spec)
    if format_spec:
        raise TypeError(f"unsupported format string passed to {type(self).__name__}.__format__")
    return str(self)


def _tensor_contains(self, element):
    """`x in t`: whether any element of t equals x (a number or a tensor broadcast against t)."""
    if isinstance(element, (torsh.Tensor, int, float, complex, bool)):
        return bool((element == self).any().item())
    raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                       f"{type(element)}.")


def _tensor_copy(self):
    """copy.copy(t): a new tensor object over the same memory (a leaf keeping requires_grad),
    as torch's tensors copy through their pickling."""
    r = self.detach()
    return r.requires_grad_(self.requires_grad) if self.requires_grad else r


def install():
    T = _C.Tensor
    T.__format__ = _tensor_format
    T.__contains__ = _tensor_contains
    T.__reversed__ = lambda self: self if self.dim() == 0 else self.flip(0)
    T.__copy__ = _tensor_copy
    # Tensor.real / Tensor.imag: views of the parts (torsh has no conjugate or negative bit, so
    # is_conj and is_neg are always False).
    T.real = property(lambda self: torsh.real(self), _set_real)
    T.imag = property(lambda self: torsh.imag(self), _set_imag)
    T.is_conj = lambda self: False
    T.is_neg = lambda self: False
    T.__deepcopy__ = _tensor_deepcopy
    T.__reduce_ex__ = _tensor_reduce_ex
    if not hasattr(T, "transpose_"):
        T.transpose_ = T.swapaxes_  # torch's swapaxes_ is transpose_'s alias
    T.is_complex = lambda self: self.dtype.is_complex
    T.is_sparse = property(lambda self: False)
    # every torsh tensor is a dense strided CPU tensor
    T.layout = property(lambda self: torsh.strided)
    for flag in ("is_meta", "is_quantized", "is_nested", "is_mkldnn", "is_sparse_csr",
                 "is_vulkan", "is_ipu", "is_xpu", "is_mps", "is_ort"):
        setattr(T, flag, property(lambda self: False))
    # torch.Generator.device: torsh's generators are all CPU generators
    _C.Generator.device = property(lambda self: torsh.device("cpu"))
    from torsh import _legacy_types, _random_extra
    _legacy_types.install()  # Tensor.type with legacy type names
    _random_extra.install()  # Tensor.multinomial, Tensor.bernoulli
