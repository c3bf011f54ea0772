"""The shared surface of torch and torsh that the fuzzer calls.

Entries come from the op table (ops/ops.yaml: the schema gives argument types, `variants` the
call forms) and from dir() of both modules and both Tensor types (callables with no table entry
get generic argument lists). Only names present in both libraries are kept."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "codegen"))

import yaml  # noqa: E402
from schema import parse_schema  # noqa: E402

# Names that are not ops, change global state, or would make a run non-deterministic or slow.
SKIP = {
    "manual_seed", "seed", "initial_seed", "set_num_threads", "get_num_threads",
    "set_num_interop_threads", "set_grad_enabled", "enable_grad", "no_grad", "inference_mode",
    "set_default_dtype", "get_default_dtype", "set_printoptions", "save", "load", "from_numpy",
    "numpy", "tolist", "item", "data_ptr", "storage", "untyped_storage", "register_hook",
    "backward", "retain_grad", "share_memory_", "pin_memory", "cuda", "cpu", "to", "type",
    "set_rng_state", "get_rng_state", "use_deterministic_algorithms", "compile", "jit",
    "autograd", "random", "cuda", "utils", "nn", "optim", "Generator", "Tensor", "Size",
    "device", "dtype", "is_tensor", "typename", "get_default_generator", "default_generator",
    "empty_strided", "from_blob", "set_", "resize_", "resize_as_", "storage_offset",
    "apply_", "map_", "new_empty", "new_empty_strided", "element_size", "nbytes", "itemsize",
    "is_grad_enabled", "is_inference_mode_enabled", "requires_grad_", "detach_",
}
# torch.Tensor attributes reachable as plain values, compared like a call with no arguments.
PROPERTIES = {"shape", "dtype", "ndim", "T", "mT", "requires_grad", "is_leaf", "grad",
              "real", "imag", "data", "layout", "device", "names"}


class Entry:
    """One callable: `name` and the call forms it supports, with its schema when known."""

    def __init__(self, name, schema=None, kinds=()):
        self.name = name
        self.schema = schema
        self.kinds = list(kinds)

    def __repr__(self):
        return f"Entry({self.name}, {self.schema.raw if self.schema else None}, {self.kinds})"


def load_table():
    with open(os.path.join(ROOT, "ops", "ops.yaml")) as f:
        return yaml.safe_load(f)


def _python_name(entry, schema):
    if entry.get("python") is False:
        return None
    return schema.name


def discover(torch, torsh):
    """Returns the list of Entry the fuzzer draws from (deterministic order)."""
    entries = []
    named = set()
    for e in load_table():
        s = parse_schema(e["func"])
        name = _python_name(e, s)
        if name is None or name.startswith("_") or name.endswith("_backward") or name in SKIP:
            continue
        variants = e.get("variants", ["function"])
        kinds = []
        base = name.rstrip("_")
        if "function" in variants and hasattr(torch, name) and hasattr(torsh, name):
            kinds.append("function")
        if "method" in variants and hasattr(torch.Tensor, name) and hasattr(torsh.Tensor, name):
            kinds.append("method")
        if ("inplace" in variants and hasattr(torch.Tensor, base + "_")
                and hasattr(torsh.Tensor, base + "_")):
            kinds.append("inplace")
        if "out" in variants and "function" in kinds:
            kinds.append("out")
        if kinds:
            entries.append(Entry(name, s, kinds))
            named.add(name)
            named.add(base + "_")
    # Python subscripts reach index / index_put / slicing: fuzzed as their own forms.
    entries.append(Entry("__getitem__", None, ["subscript"]))
    entries.append(Entry("__setitem__", None, ["subscript"]))
    for name in sorted(n for n in dir(torsh) if not n.startswith("_")):
        if name in named or name in SKIP or not hasattr(torch, name):
            continue
        if callable(getattr(torsh, name)) and not isinstance(getattr(torsh, name), type):
            entries.append(Entry(name, None, ["function"]))
            named.add(name)
    for name in sorted(n for n in dir(torsh.Tensor) if not n.startswith("_") or _dunder_op(n)):
        if name in named or name in SKIP or not hasattr(torch.Tensor, name):
            continue
        if name in PROPERTIES:
            entries.append(Entry(name, None, ["property"]))
        elif callable(getattr(torsh.Tensor, name, None)):
            entries.append(Entry(name, None, ["method"]))
    return entries


def _dunder_op(n):
    return n in {"__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
                 "__truediv__", "__rtruediv__", "__floordiv__", "__mod__", "__pow__",
                 "__rpow__", "__matmul__", "__neg__", "__abs__", "__eq__", "__ne__", "__lt__",
                 "__le__", "__gt__", "__ge__", "__and__", "__or__", "__xor__", "__invert__",
                 "__iadd__", "__isub__", "__imul__", "__itruediv__", "__len__", "__bool__",
                 "__float__", "__int__", "__index__", "__lshift__", "__rshift__"}
