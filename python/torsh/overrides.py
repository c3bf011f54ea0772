"""torch.overrides: the ``__torch_function__`` protocol.

A call of a torsh function, Tensor method or operator whose arguments include a Tensor subclass
instance or another object whose type defines ``__torch_function__`` is handed, by the C
binding, to :func:`_dispatch` with the public API object the user called (``torch.add``,
``torch.Tensor.add``, ``torch.Tensor.__add__``). Active :class:`TorchFunctionMode` objects see
every call first. ``torch.Tensor.__torch_function__`` (the default every subclass inherits) runs
the function with the protocol off and turns tensor results into the subclass;
``nn.Parameter`` opts out with ``_disabled_torch_function_impl``.

What torch dispatches and torsh does not: attribute getters (``t.grad``, ``t.shape``...) and the
functions written in Python (``torch.nn.functional``'s among them) reach the protocol through the
builtins they call, with those builtins as ``func``.
"""
import contextlib
import functools
import threading
import types
import warnings

import torsh
from torsh import _C

__all__ = [
    "get_ignored_functions", "get_overridable_functions", "get_testing_overrides",
    "handle_torch_function", "has_torch_function", "has_torch_function_unary",
    "has_torch_function_variadic", "is_tensor_like", "is_tensor_method_or_property",
    "wrap_torch_function", "resolve_name", "TorchFunctionMode", "enable_reentrant_dispatch",
    "get_default_nowrap_functions",
]

_disabled_torch_function_impl = _C._disabled_torch_function_impl


class DisableTorchFunction:
    """Context manager turning the protocol off in this thread (torch._C.DisableTorchFunction)."""

    def __init__(self):
        self._previous = []

    def __enter__(self):
        self._previous.append(_C._set_torch_function_disabled(True))
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        _C._set_torch_function_disabled(self._previous.pop())
        return False


_C.DisableTorchFunction = DisableTorchFunction

# ---- modes -------------------------------------------------------------------------------------
# One stack per thread, as torch's; the C binding keeps each thread's count.
_modes = threading.local()


def _stack():
    stack = getattr(_modes, "stack", None)
    if stack is None:
        stack = _modes.stack = []
    return stack


def _sync_mode_count():
    _C._set_torch_function_mode_count(len(_stack()))


def _push_mode(mode):
    _stack().append(mode)
    _sync_mode_count()


def _pop_mode():
    stack = _stack()
    if not stack:
        raise RuntimeError("Trying to pop from an empty mode stack")
    mode = stack.pop()
    _sync_mode_count()
    return mode


def _len_torch_function_stack():
    return len(_stack())


def _get_current_function_mode():
    stack = _stack()
    return stack[-1] if stack else None


def _get_current_function_mode_stack():
    return list(_stack())


def _is_torch_function_mode_enabled():
    return bool(_stack()) and _C._is_torch_function_enabled()


@contextlib.contextmanager
def _pop_mode_temporarily():
    mode = _pop_mode()
    try:
        yield mode
    finally:
        _push_mode(mode)


@contextlib.contextmanager
def _no_torch_function_mode():
    stack = _stack()
    saved = list(stack)
    stack.clear()
    _sync_mode_count()
    try:
        yield
    finally:
        stack[:] = saved
        _sync_mode_count()


class TorchFunctionMode:
    """A context manager that sees every torsh call made inside it (torch.overrides's)."""

    def __init__(self):
        pass

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError()

    def __enter__(self):
        _push_mode(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _pop_mode()

    @classmethod
    def push(cls, *args, **kwargs):
        warnings.warn("`Mode.push()` is no longer necessary and can be replaced with just "
                      "`with Mode()`")
        return cls(*args, **kwargs)


class BaseTorchFunctionMode(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if kwargs is None:
            kwargs = {}
        return func(*args, **kwargs)


@contextlib.contextmanager
def enable_reentrant_dispatch():
    # torsh has no dispatcher below the Python API: nothing to re-enable.
    yield


# ---- dispatch ----------------------------------------------------------------------------------
def _takes_part(arg):
    t = type(arg)
    return t is not torsh.Tensor and _C._is_torch_function_type(t)


def _get_overloaded_args(relevant_args):
    """The arguments whose types take part, one per type, subclasses before their bases."""
    overloaded_types = set()
    overloaded_args = []
    for arg in relevant_args:
        arg_type = type(arg)
        if arg_type in overloaded_types or not _takes_part(arg):
            continue
        overloaded_types.add(arg_type)
        index = len(overloaded_args)
        for i, old_arg in enumerate(overloaded_args):
            if issubclass(arg_type, type(old_arg)):
                index = i
                break
        overloaded_args.insert(index, arg)
    return overloaded_args


def _relevant_args(args, kwargs):
    out = []
    for value in list(args) + list(kwargs.values()):
        if type(value) in (list, tuple):
            out.extend(value)
        else:
            out.append(value)
    return out


def _api_name(func):
    try:
        return resolve_name(func) or repr(func)
    except Exception:  # noqa: BLE001 - a name for an error message only
        return repr(func)


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Calls the ``__torch_function__`` of the overloaded arguments (and the active mode)."""
    overloaded_args = _get_overloaded_args(relevant_args)
    types_ = tuple(map(type, overloaded_args))
    mode = None
    if _is_torch_function_mode_enabled():
        with _pop_mode_temporarily() as mode:
            result = mode.__torch_function__(public_api, types_, args, kwargs)
        if result is not NotImplemented:
            return result
    for overloaded_arg in overloaded_args:
        method = overloaded_arg.__torch_function__
        if (getattr(method, "__self__", None) is overloaded_arg
                and method is not _disabled_torch_function_impl):
            warnings.warn("Defining your `__torch_function__` as a plain method is deprecated and "
                          "will be an error in future, please define it as a classmethod.",
                          DeprecationWarning)
        result = method(public_api, types_, args, kwargs)
        if result is not NotImplemented:
            return result
    msg = (f"no implementation found for '{_api_name(public_api)}' on types that implement "
           f"__torch_function__: {[type(arg) for arg in overloaded_args]}")
    if mode is not None:
        msg += f" nor in mode {mode}"
    raise TypeError(msg)


def _dispatch(public_api, args, kwargs):
    # The C binding's entry: args are the call's positional arguments (self first for a method).
    return handle_torch_function(public_api, _relevant_args(args, kwargs), *args, **kwargs)


def has_torch_function(relevant_args):
    """Whether any of relevant_args takes part in the protocol (or a mode is active)."""
    return _C._has_torch_function(tuple(relevant_args)) or _is_torch_function_mode_enabled()


def has_torch_function_unary(arg):
    return _C._has_torch_function((arg,)) or _is_torch_function_mode_enabled()


def has_torch_function_variadic(*args):
    return _C._has_torch_function(args) or _is_torch_function_mode_enabled()


def is_tensor_like(inp):
    """A Tensor, or an object whose type defines ``__torch_function__``."""
    return type(inp) is torsh.Tensor or hasattr(inp, "__torch_function__")


def wrap_torch_function(dispatcher):
    """Decorates a function so that it honours the protocol for dispatcher(*args)'s values."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant_args = dispatcher(*args, **kwargs)
            if has_torch_function(relevant_args):
                return handle_torch_function(wrapped, relevant_args, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


# ---- the default implementation of Tensor subclasses --------------------------------------------
def get_default_nowrap_functions():
    """Functions whose results the default __torch_function__ leaves as they are."""
    out = set()
    for name in ("_base", "grad", "_grad"):
        attr = getattr(torsh.Tensor, name, None)
        if attr is not None and hasattr(attr, "__get__"):
            out.add(attr.__get__)
    return out


def _same_wrapper(func, f):
    # Descriptor __get__ wrappers are made afresh on each access: equal, not identical.
    return type(func) is types.MethodWrapperType and func == f


@functools.lru_cache(None)
def _nowrap():
    return tuple(get_default_nowrap_functions())


def _convert(ret, cls):
    if cls is torsh.Tensor:
        return ret
    if isinstance(ret, torsh.Tensor) and not isinstance(ret, cls):
        ret = ret.as_subclass(cls)
    if isinstance(ret, (tuple, list)):
        ret = type(ret)(_convert(r, cls) for r in ret)
    return ret


def _tensor_torch_function(cls, func, types, args=(), kwargs=None):
    if kwargs is None:
        kwargs = {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisableTorchFunction():
        ret = func(*args, **kwargs)
        if any(func is f or _same_wrapper(func, f) for f in _nowrap()):
            return ret
        return _convert(ret, cls)


_tensor_torch_function.__name__ = "__torch_function__"
_tensor_torch_function.__qualname__ = "Tensor.__torch_function__"
torsh.Tensor.__torch_function__ = classmethod(_tensor_torch_function)


# ---- introspection -----------------------------------------------------------------------------
_NAMESPACES = ("torsh", "torsh.nn.functional", "torsh.linalg", "torsh.fft", "torsh.special")
_PUBLIC_PREFIX = {"torsh": "torch", "torsh.nn.functional": "torch.nn.functional",
                  "torsh.linalg": "torch.linalg", "torsh.fft": "torch.fft",
                  "torsh.special": "torch.special"}


def _namespace(name):
    import importlib
    return importlib.import_module(name)


@functools.lru_cache(None)
def get_ignored_functions():
    """Public functions that take no tensor to dispatch on (factories, global settings)."""
    names = [
        "typename", "is_tensor", "is_storage", "set_default_tensor_type", "set_default_dtype",
        "get_default_dtype", "set_rng_state", "get_rng_state", "manual_seed", "initial_seed",
        "seed", "save", "load", "set_printoptions", "set_num_threads", "get_num_threads",
        "set_num_interop_threads", "get_num_interop_threads", "set_flush_denormal",
        "set_grad_enabled", "is_grad_enabled", "no_grad", "enable_grad", "inference_mode",
        "is_inference_mode_enabled", "use_deterministic_algorithms",
        "are_deterministic_algorithms_enabled", "compiled_with_cxx11_abi", "result_type",
        "can_cast", "promote_types", "finfo", "iinfo", "zeros", "ones", "empty", "full", "rand",
        "randn", "randint", "randperm", "arange", "range", "linspace", "logspace", "eye",
        "tensor", "as_tensor", "asarray", "from_numpy", "frombuffer", "empty_strided",
        "tril_indices", "triu_indices", "hann_window", "hamming_window", "blackman_window",
        "bartlett_window", "kaiser_window", "scalar_tensor", "get_float32_matmul_precision",
        "set_float32_matmul_precision", "is_anomaly_enabled", "set_anomaly_enabled",
    ]
    return {getattr(torsh, n) for n in names if hasattr(torsh, n)}


def _public_callables(module):
    out = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType,
                            _C._TorchFunctionWrapper)):
            out.append(obj)
    return out


@functools.lru_cache(None)
def _get_tensor_methods():
    return tuple(_get_overridable_functions()[0][torsh.Tensor])


@functools.lru_cache(None)
def _get_overridable_functions():
    ignored = get_ignored_functions()
    overridable = {}
    index = {}
    unhashable = []
    for ns in _NAMESPACES:
        module = _namespace(ns)
        funcs = [f for f in _public_callables(module) if f not in ignored]
        overridable[module] = funcs
        for f in funcs:
            index.setdefault(f, f"{_PUBLIC_PREFIX[ns]}.{f.__name__}")
    methods = []
    for name in dir(torsh.Tensor):
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
            continue
        attr = getattr(torsh.Tensor, name)
        if callable(attr) and not isinstance(attr, type):
            methods.append(attr)
            try:
                index.setdefault(attr, f"torch.Tensor.{name}")
            except TypeError:  # unhashable (pybind11's instancemethod)
                unhashable.append((attr, f"torch.Tensor.{name}"))
    overridable[torsh.Tensor] = methods
    return overridable, index, unhashable


def get_overridable_functions():
    """{namespace: [functions a __torch_function__ implementation may see]}."""
    return _get_overridable_functions()[0]


def resolve_name(f):
    """The public name of f ("torch.add", "torch.Tensor.add"), or None."""
    if isinstance(f, (types.MethodType, types.MethodWrapperType)):
        return str(f)
    try:
        name = _get_overridable_functions()[1].get(f)
    except TypeError:  # unhashable (pybind11's instancemethod)
        name = next((n for g, n in _get_overridable_functions()[2] if g is f), None)
    if name is not None:
        return name
    module = getattr(f, "__module__", None)
    qualname = getattr(f, "__qualname__", getattr(f, "__name__", None))
    if module is None or qualname is None:
        return None
    if module == "torsh" or module.startswith("torsh."):
        module = "torch" + module[len("torsh"):]
    return f"{module}.{qualname}"


def get_testing_overrides():
    """{function: a stand-in accepting any arguments and returning -1} for every overridable one."""
    out = {}
    for funcs in get_overridable_functions().values():
        for f in funcs:
            try:
                out[f] = lambda *args, **kwargs: -1
            except TypeError:  # unhashable (pybind11's instancemethod operators)
                pass
    return out


def is_tensor_method_or_property(func):
    """Whether func is a Tensor method or a property getter (they get self first)."""
    return (any(func is m for m in _get_tensor_methods())
            or getattr(func, "__name__", None) == "__get__")


# ---- Tensor attributes outside the generated entry points --------------------------------------
# The operators (their slots check the protocol themselves), the slots kept fast (hash, len,
# bool, conversions to numbers, repr) and the copy protocol stay as they are.
_UNWRAPPED = {
    "__init__", "__new__", "__torch_function__", "as_subclass", "_make_subclass", "__repr__",
    "__hash__", "__len__", "__bool__", "__int__", "__float__", "__complex__", "__index__",
    "__copy__", "__deepcopy__", "__reduce_ex__", "__format__", "__array_priority__",
    "__getitem__", "__setitem__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__",
    "__invert__", "__abs__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__mod__", "__rmod__", "__floordiv__", "__rfloordiv__", "__and__", "__rand__",
    "__or__", "__ror__", "__xor__", "__rxor__", "__lshift__", "__rlshift__", "__rshift__",
    "__rrshift__", "__iadd__", "__isub__", "__imul__", "__itruediv__", "__imod__",
    "__ifloordiv__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__",
    "_bump_version", "_is_view", "_resize_", "_storage_info", "_base", "__iter__",
}


def _wrap_tensor_attributes():
    cls = torsh.Tensor
    for name, attr in list(vars(cls).items()):
        if name in _UNWRAPPED or name in ("__dict__", "__module__", "__doc__"):
            continue
        kind = type(attr).__name__
        if kind == "instancemethod":
            setattr(cls, name, _C._wrap_tensor_attribute(name, attr.__func__, False))
        elif kind == "function":
            setattr(cls, name, _C._wrap_tensor_attribute(name, attr, False))
        elif isinstance(attr, property) and attr.fget is not None:
            getter = _C._wrap_tensor_attribute(name, attr.fget, True)
            setattr(cls, name, property(getter, attr.fset, attr.fdel, attr.__doc__))


_wrap_tensor_attributes()


# ---- public functions written in Python (nn.functional wraps its own: torsh/_tf_wrap.py) ---
def _install_function_wrappers():
    from torsh import _tf_wrap, fft, linalg, special
    ignored = {f.__name__ for f in get_ignored_functions()}
    _tf_wrap.wrap_namespace(vars(torsh), skip=ignored | {"typename", "compile", "vmap", "cond",
                                                         "is_tensor"})
    for module in (linalg, fft, special):
        _tf_wrap.wrap_namespace(vars(module))


_install_function_wrappers()
