"""The __torch_function__ check for public functions written in Python (torch.overrides).

Each is wrapped once, where its namespace is built (so that identity checks such as
``activation is F.relu`` see the wrapper everywhere), in ``torsh._C._TorchFunctionWrapper``: a
call whose arguments take part in the protocol goes to ``torsh.overrides`` with the wrapper as
``func``; any other call goes straight to the function through vectorcall (no Python frame in
between, so warnings with ``stacklevel=2`` still name the caller's line). Attributes, and so
``inspect.signature``, read through to the function.
"""
import types

from torsh import _C


def wrap_namespace(namespace, skip=frozenset()):
    """Wraps the public torsh functions in namespace (a module's dict) in place."""
    for name, obj in list(namespace.items()):
        if (name.startswith("_") or name in skip or type(obj) is not types.FunctionType
                or not getattr(obj, "__module__", "").startswith("torsh")):
            continue
        namespace[name] = _C._wrap_function(obj)
