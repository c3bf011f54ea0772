"""torch.jit, as torch runs it with the JIT disabled (PYTORCH_JIT=0): torsh has no TorchScript
compiler, so script and trace return what they are given and the program runs eagerly, with the
same results. The decorators (ignore, unused, export, interface, script_method,
script_if_tracing), annotate, Final, is_scripting / is_tracing (both False), fork / wait
(run at once, a completed Future) and the fusion settings (hints for a compiler: nothing to
change here) behave as they do in that mode. TorchScript files cannot be written or read:
save and load raise, naming torch.save / torch.load of a state_dict as the alternative."""
import contextlib
import typing

__all__ = ["script", "trace", "trace_module", "ignore", "unused", "export", "interface",
           "script_method", "script_if_tracing", "is_scripting", "is_tracing", "annotate",
           "Final", "Attribute", "fork", "wait", "Future", "save", "load", "freeze",
           "optimize_for_inference", "ScriptModule", "ScriptFunction", "Error", "isinstance",
           "set_fusion_strategy", "enable_onednn_fusion", "onednn_fusion_enabled",
           "optimized_execution", "fuser", "strict_fusion"]

Final = typing.Final


class Error(RuntimeError):
    """torch.jit.Error: an exception raised inside TorchScript code."""


def _module_base():
    import torsh.nn
    return torsh.nn.Module


class ScriptModule(_module_base()):
    """torch.jit.ScriptModule: an nn.Module, as with torch's JIT disabled (older code subclasses
    it; script returns modules themselves)."""


class ScriptFunction:
    """torch.jit.ScriptFunction: never instantiated here (script returns the function)."""


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """torch.jit.script: obj itself (a function, method or nn.Module), run eagerly."""
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None):
    """torch.jit.trace: func itself, run eagerly."""
    return func


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None,
                 check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
                 _compilation_unit=None):
    """torch.jit.trace_module: mod itself."""
    return mod


def ignore(drop=False, **kwargs):
    """torch.jit.ignore: leaves the function as Python (it is already)."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    """torch.jit.unused: the function itself."""
    return fn


def export(fn):
    """torch.jit.export: the method itself."""
    return fn


def interface(obj):
    """torch.jit.interface: the class itself."""
    return obj


def script_method(fn):
    return fn


def script_if_tracing(fn):
    return fn


def is_scripting():
    """False: nothing runs as TorchScript."""
    return False


def is_tracing():
    """False: nothing is traced."""
    return False


def annotate(the_type, the_value):
    """torch.jit.annotate: the value (the type is a hint for the compiler)."""
    return the_value


def Attribute(value, type):  # noqa: A002  (torch's parameter name)
    """torch.jit.Attribute: the value, as in eager mode."""
    return value


class Future:
    """torch.jit.Future of a call that has already run."""

    def __init__(self, value=None, error=None):
        self._value, self._error = value, error

    def wait(self):
        if self._error is not None:
            raise self._error
        return self._value

    def value(self):
        return self.wait()

    def done(self):
        return True


def fork(func, *args, **kwargs):
    """torch.jit.fork: runs func now (torch does so outside TorchScript) and returns its
    completed Future."""
    try:
        return Future(func(*args, **kwargs))
    except Exception as e:  # raised again by wait(), as torch
        return Future(error=e)


def wait(future):
    """torch.jit.wait: the Future's result."""
    return future.wait()


def save(m, f, _extra_files=None):
    raise RuntimeError("torch.jit.save: torsh has no TorchScript serialisation; save the "
                       "module's state_dict with torch.save and rebuild the module to load it")


def load(f, map_location=None, _extra_files=None):
    raise RuntimeError("torch.jit.load: torsh cannot read TorchScript archives; load a "
                       "state_dict saved with torch.save instead")


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """torch.jit.freeze: the module (eager modules need no freezing)."""
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod


def isinstance(obj, target_type):  # noqa: A001  (torch.jit.isinstance)
    """torch.jit.isinstance: isinstance that understands List[int], Dict[str, Tensor],
    Optional[...], Tuple[...] (checking the elements)."""
    import builtins
    origin = typing.get_origin(target_type)
    args = typing.get_args(target_type)
    if origin is None:
        return builtins.isinstance(obj, target_type)
    if origin is typing.Union:
        return any(isinstance(obj, a) for a in args)
    if origin in (list, typing.List):
        return builtins.isinstance(obj, list) and all(isinstance(v, args[0]) for v in obj)
    if origin in (tuple, typing.Tuple):
        return builtins.isinstance(obj, tuple) and len(obj) == len(args) and all(
            isinstance(v, a) for v, a in zip(obj, args))
    if origin in (dict, typing.Dict):
        return builtins.isinstance(obj, dict) and all(
            isinstance(k, args[0]) and isinstance(v, args[1]) for k, v in obj.items())
    return builtins.isinstance(obj, origin)


_fusion = {"strategy": [("STATIC", 2), ("DYNAMIC", 10)], "onednn": False}


def set_fusion_strategy(strategy):
    """Records the strategy (there is no fuser) and returns the previous one, as torch."""
    old, _fusion["strategy"] = _fusion["strategy"], strategy
    return old


def enable_onednn_fusion(enabled):
    _fusion["onednn"] = bool(enabled)


def onednn_fusion_enabled():
    return _fusion["onednn"]


@contextlib.contextmanager
def optimized_execution(should_optimize):
    yield


@contextlib.contextmanager
def fuser(name):
    yield


@contextlib.contextmanager
def strict_fusion():
    yield
