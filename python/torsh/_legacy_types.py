"""torch's legacy tensor types (torch.FloatTensor, torch.LongTensor, ...) and the string form
of Tensor.type: each type is a constructor (sizes or data, as torch's `new()`) and an
isinstance test for CPU tensors of its dtype; they are not Tensor subclasses, as in torch."""
import torsh
from torsh import _C

__all__ = ["tensortype", "set_default_tensor_type", "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor",
           "LongTensor", "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]

_NAMES = {"Float": "float32", "Double": "float64", "Half": "float16", "BFloat16": "bfloat16",
          "Long": "int64", "Int": "int32", "Short": "int16", "Char": "int8", "Byte": "uint8",
          "Bool": "bool"}

_NEW_SIGNATURES = ("new() received an invalid combination of arguments - got ({got}), but "
                   "expected one of:\n * (*, torch.device device)\n * (torch.Storage storage)\n"
                   " * (Tensor other)\n * (tuple of ints size, *, torch.device device)\n"
                   " * (object data, *, torch.device device)\n")


def _options(dtype):
    return (f"TensorOptions(dtype={_cpp_name(dtype)}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def _cpp_name(dtype):
    """c10's lower-case scalar type name ('float', 'double', 'long int', ...)."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}[repr(dtype)[6:]]


def _is_int(x):
    return isinstance(x, int) and not isinstance(x, bool) or \
        (isinstance(x, torsh.Tensor) and x.dim() == 0 and not x.is_floating_point())


def _is_sequence(x):
    return hasattr(x, "__len__") and hasattr(x, "__getitem__") and not isinstance(x, (str,
                                                                                      bytes))


class tensortype(type):
    """The metaclass of the legacy types: calling one builds a tensor of its dtype; isinstance
    holds for CPU tensors of that dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, torsh.Tensor) and obj.dtype == cls.dtype and \
            obj.device.type == "cpu"

    def __call__(cls, *args, device=None, **kwargs):
        if device is not None and torsh.device(device).type != "cpu":
            raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                               f"{torsh.device(device).type} was passed")
        if "size" in kwargs and not args and len(kwargs) == 1:
            args, kwargs = (torsh.Size(kwargs["size"]),), {}
        if kwargs:
            got = ", ".join([type(a).__name__ for a in args] +
                            [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
            raise TypeError(_NEW_SIGNATURES.format(got=got))
        if not args:
            return torsh.empty(0, dtype=cls.dtype)
        if len(args) == 1:
            arg = args[0]
            if isinstance(arg, torsh.Tensor):
                if arg.dtype != cls.dtype:
                    raise TypeError(f"expected {_options(cls.dtype)} (got "
                                    f"{_options(arg.dtype)})")
                return arg.view(tuple(arg.shape))
            if isinstance(arg, torsh.Size):
                return cls._with_sizes(tuple(arg))
            if _is_int(arg):
                return cls._with_sizes((int(arg),))
            if not _is_sequence(arg):
                raise TypeError(f"new(): data must be a sequence (got {type(arg).__name__})")
            return torsh.as_tensor(arg, dtype=cls.dtype)
        for pos, a in enumerate(args):
            if not _is_int(a):
                if pos == 0 or not isinstance(args[0], int):
                    got = ", ".join(type(x).__name__ for x in args)
                    raise TypeError(_NEW_SIGNATURES.format(got=got))
                raise TypeError(f"new(): argument 'size' must be tuple of ints, but found "
                                f"element of type {type(a).__name__} at pos {pos + 1}")
        return cls._with_sizes(tuple(int(a) for a in args))

    def _with_sizes(cls, sizes):
        for s in sizes:
            if s < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                                   f"{list(sizes)}")
        return torsh.empty(sizes, dtype=cls.dtype)


def _make(name, dtype_name):
    cls = tensortype(name + "Tensor", (), {
        "__module__": "torch", "__doc__": None, "dtype": getattr(_C, dtype_name),
        "is_cuda": False, "is_sparse": False, "layout": "strided"})
    return cls


FloatTensor = _make("Float", "float32")
DoubleTensor = _make("Double", "float64")
HalfTensor = _make("Half", "float16")
BFloat16Tensor = _make("BFloat16", "bfloat16")
LongTensor = _make("Long", "int64")
IntTensor = _make("Int", "int32")
ShortTensor = _make("Short", "int16")
CharTensor = _make("Char", "int8")
ByteTensor = _make("Byte", "uint8")
BoolTensor = _make("Bool", "bool")

_BY_NAME = {f"torch.{k}Tensor": getattr(_C, v) for k, v in _NAMES.items()}


def default_tensor_new(*args, **kwargs):
    """torch.Tensor(*sizes), torch.Tensor(data), torch.Tensor(tensor): the legacy constructor
    of the default floating dtype (a tensor argument is aliased whatever its dtype) (torch.set_default_dtype / set_default_tensor_type)."""
    if len(args) == 1 and not kwargs and isinstance(args[0], torsh.Tensor):
        return args[0].view(tuple(args[0].shape))  # an alias of any dtype, as torch
    legacy = {torsh.float32: FloatTensor, torsh.float64: DoubleTensor,
              torsh.float16: HalfTensor, torsh.bfloat16: BFloat16Tensor}
    return legacy[torsh.get_default_dtype()](*args, **kwargs)


def _type_dtype(t):
    """The dtype that Tensor.type's argument names, or the error torch raises for it."""
    if isinstance(t, torsh.dtype):
        return t
    if isinstance(t, tensortype):
        return t.dtype
    if t is torsh.Tensor:
        return torsh.get_default_dtype()
    if isinstance(t, str):
        if t in _BY_NAME:
            return _BY_NAME[t]
        if t.startswith("torch.cuda."):
            raise RuntimeError("torsh was built without CUDA: cannot convert to " + t)
        raise ValueError(f"invalid type: '{t}'")
    if isinstance(t, type):
        raise ValueError(f"invalid type: '{t.__name__}'")
    raise TypeError("dtype must be a type, str, or dtype object")


def _tensor_type(self, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): the legacy type name ('torch.FloatTensor'); Tensor.type(t) with t a
    dtype, a legacy type or its name: self when already of that dtype, else a converted
    copy."""
    del non_blocking
    if dtype is None:
        dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"type() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if dtype is None:
        return torsh.typename(self)
    dtype = _type_dtype(dtype)
    return self if dtype == self.dtype else self.to(dtype)


def set_default_tensor_type(t):
    """torch.set_default_tensor_type: the default floating dtype from a legacy type or its
    name ('torch.DoubleTensor')."""
    if isinstance(t, str):
        module, _, name = t.rpartition(".")
        if module != "torch" or t not in _BY_NAME:
            raise AttributeError(f"module '{module}' has no attribute '{name}'")
        t = globals()[name]
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    torsh.set_default_dtype(t.dtype)


def install():
    _C.Tensor.type = _tensor_type
