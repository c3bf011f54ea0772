"""torch.nn.Parameter: a Tensor subclass that a Module registers as a parameter.

torsh.Tensor is a pybind11 class without a Python constructor, so ``Parameter(data)`` cannot
call a base ``__init__``. Instead ``__new__`` takes ``data.detach()`` (a new leaf sharing data's
storage, as torch's ``_make_subclass``) and re-classes that object by assigning ``__class__``.
That is legal because Parameter adds no instance layout (``__slots__ = ()``; the base already
carries a ``__dict__`` and weak references). The metaclass gives every subclass of Parameter
empty ``__slots__`` too, so subclasses stay re-classable. The result is a true subclass:
``type(p) is Parameter``, ``isinstance(p, Tensor)``, and every Tensor method works on it.
"""
from collections import OrderedDict

import torsh
from torsh import Tensor

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer"]


class _ParameterMeta(type(Tensor)):
    """Metaclass of Parameter: keeps subclasses layout-compatible with Tensor, and (as torch's)
    treats a tensor carrying ``_is_param = True`` as a Parameter."""

    def __new__(mcls, name, bases, namespace, **kwargs):
        namespace.setdefault("__slots__", ())
        return super().__new__(mcls, name, bases, namespace, **kwargs)

    def __instancecheck__(cls, instance):
        return super().__instancecheck__(instance) or (
            isinstance(instance, Tensor) and getattr(instance, "_is_param", False))


class Parameter(Tensor, metaclass=_ParameterMeta):
    r"""A kind of Tensor that is to be considered a module parameter.

    Args:
        data (Tensor): parameter tensor.
        requires_grad (bool, optional): if the parameter requires gradient. Default: `True`
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = torsh.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"_make_subclass(): argument 'data' (position 2) must be Tensor, not "
                            f"{type(data).__name__}")
        if type(data) is Tensor or type(data) is Parameter:
            return Tensor._make_subclass(cls, data, requires_grad)
        # A custom tensor subclass stays itself, marked as a parameter (as torch does).
        t = data.detach().requires_grad_(requires_grad)
        if type(t) is not type(data):
            raise RuntimeError(f"Creating a Parameter from an instance of type {type(data).__name__} "
                               "requires that detach() returns an instance of the same type, but "
                               f"return type {type(t).__name__} was found instead. To use the type "
                               "as a Parameter, please correct the detach() semantics defined by "
                               "its __torch_dispatch__() implementation.")
        t._is_param = True
        return t

    def __init__(self, data=None, requires_grad=True):
        # The object is complete after __new__; Tensor has no Python constructor to call.
        pass

    # As torch's: results of ops on parameters are plain tensors.
    __torch_function__ = torsh._C._disabled_torch_function_impl

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self.detach(), self.requires_grad, OrderedDict()))

    def __copy__(self):
        # torch copies a Parameter through its __reduce_ex__: a new Parameter (of the rebuilt
        # class) over the same memory, with the same requires_grad
        rebuild, args = self.__reduce_ex__(2)
        return rebuild(*args)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return Parameter(data, requires_grad)


class UninitializedTensorMixin:
    """What UninitializedParameter and UninitializedBuffer share: an empty tensor standing for
    one whose shape is not known yet. ``materialize(shape)`` gives it data and turns it into
    ``cls_to_become``; until then its shape cannot be read."""

    __slots__ = ()

    def materialize(self, shape, device=None, dtype=None):
        r"""Allocates the data (uninitialised memory) with ``shape`` on the current (or given)
        device and dtype, and turns this object into a ``cls_to_become``."""
        if device is None:
            device = self.data.device
        if dtype is None:
            dtype = self.data.dtype
        self.data = torsh.empty(shape, device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))

    def __copy__(self):
        return self.__class__(self.requires_grad)


def is_lazy(param):
    """Whether ``param`` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    r"""A Parameter whose shape is not known yet (the parameters of the lazy modules). It
    becomes a :class:`Parameter` when materialised. ``device`` and ``dtype`` are those it will
    be materialised with."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return Parameter.__new__(cls, torsh.empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.data.device, self.data.dtype)
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    r"""A buffer whose shape is not known yet (the running stats of the lazy norms). It
    becomes a plain Tensor when materialised."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        t = torsh.empty(0, device=device, dtype=dtype)
        t.requires_grad_(requires_grad)
        t.__class__ = cls
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.data.device, self.data.dtype)
        memo[id(self)] = result
        return result
