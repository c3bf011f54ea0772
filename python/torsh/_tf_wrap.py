"""The __torch_function__ check for public functions written in Python (torch.overrides).

Each is wrapped once, where its namespace is built (so that identity checks such as
``activation is F.relu`` see the wrapper everywhere): a call whose arguments take part in the
protocol goes to ``torsh.overrides.handle_torch_function`` with the wrapper as ``func``; any
other call goes straight to the function (one C check of the arguments on the way).
"""
import functools
import types

from torsh import _C


def wrap_python_function(fn):
    wants = _C._wants_torch_function

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if wants(*args, **kwargs):
            from torsh.overrides import _relevant_args, handle_torch_function
            return handle_torch_function(wrapper, _relevant_args(args, kwargs), *args, **kwargs)
        return fn(*args, **kwargs)

    wrapper._torch_function_wrapped = True
    return wrapper


def wrap_namespace(namespace, skip=frozenset()):
    """Wraps the public torsh functions in namespace (a module's dict) in place."""
    for name, obj in list(namespace.items()):
        if (name.startswith("_") or name in skip or type(obj) is not types.FunctionType
                or getattr(obj, "_torch_function_wrapped", False)
                or not getattr(obj, "__module__", "").startswith("torsh")):
            continue
        namespace[name] = wrap_python_function(obj)
