"""Turns a call spec into a standalone Python snippet, and shrinks a crashing call."""
import copy
import json

import numpy as np

import child


def _num(x):
    if isinstance(x, float):
        if x != x:
            return "nan"
        if x in (float("inf"), float("-inf")):
            return "inf" if x > 0 else "-inf"
    return repr(x)


def _list(a):
    if isinstance(a, list):
        return "[" + ", ".join(_list(x) for x in a) + "]"
    return _num(a)


class Writer:
    def __init__(self):
        self.lines = []
        self.n = 0

    def tensor(self, spec):
        arr, base = child.base_array(spec)
        name = f"t{self.n}"
        self.n += 1
        npdt = arr.dtype.name
        self.lines.append(f"{name} = torch.from_numpy(np.array({_list(arr.tolist())}, "
                          f"dtype='{npdt}').reshape({tuple(base)}))")
        if spec["dtype"] == "bfloat16":
            self.lines.append(f"{name} = {name}.to(torch.bfloat16)")
        if spec["grad"]:
            self.lines.append(f"{name}.requires_grad_(True)")
        lay = spec["layout"]
        view = {"t": ".transpose(-1, -2)", "step": "[::2]", "offset": "[1:]",
                "expand": f".expand({', '.join(map(str, spec['shape']))})"}.get(lay)
        if view:
            self.lines.append(f"{name} = {name}{view}")
        return name

    def value(self, v):
        if isinstance(v, dict):
            if "T" in v:
                return self.tensor(v["T"])
            if "F" in v:
                return f"float('{v['F']}')"
            if "D" in v:
                return f"torch.{v['D']}"
            if "L" in v:
                return "[" + ", ".join(self.value(x) for x in v["L"]) + "]"
            if "Tu" in v:
                items = [self.value(x) for x in v["Tu"]]
                return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
            if "S" in v:
                return "slice(" + ", ".join(repr(x) for x in v["S"]) + ")"
            if "E" in v:
                return "..."
        return _num(v) if isinstance(v, float) else repr(v)


def snippet(call):
    """Python source that replays the call in torsh (the numpy data of each tensor inline)."""
    w = Writer()
    args = [w.value(a) for a in call["args"]]
    kwargs = [f"{k}={w.value(v)}" for k, v in call["kwargs"].items()]
    op, kind = call["op"], call["kind"]
    if kind in ("function", "out"):
        expr = f"torch.{op}({', '.join(args + kwargs)})"
    elif kind == "method":
        expr = f"{args[0]}.{op}({', '.join(args[1:] + kwargs)})"
    elif kind == "inplace":
        expr = f"{args[0]}.{op.rstrip('_')}_({', '.join(args[1:] + kwargs)})"
    elif kind == "property":
        expr = f"{args[0]}.{op}"
    elif op == "__getitem__":
        expr = f"{args[0]}[{args[1]}]"
    else:
        expr = None
    body = w.lines
    if expr is None:
        body.append(f"{args[0]}[{args[1]}] = {args[2]}")
    else:
        body.append(f"r = {expr}")
        if call.get("backward"):
            body.append("r.sum().backward()  # when r requires grad")
    head = ["import numpy as np", "import torsh as torch", "nan, inf = float('nan'), float('inf')",
            f"# fuzz call {call['id']}: {call['op']} ({call['kind']})"]
    return "\n".join(head + body)


def _tensor_specs(v, out):
    if isinstance(v, dict):
        if "T" in v:
            out.append(v["T"])
        for k in ("L", "Tu"):
            for x in v.get(k, []):
                _tensor_specs(x, out)
    return out


def shrink(call, crashes, budget=40):
    """Greedy: simpler layouts, no grad, smaller shapes, while `crashes(call)` stays true."""
    best = copy.deepcopy(call)

    def attempts(c):
        if c.get("backward"):
            yield lambda x: x.__setitem__("backward", False)
        specs = []
        for v in c["args"] + list(c["kwargs"].values()):
            _tensor_specs(v, specs)
        for j, s in enumerate(specs):
            if s["layout"] != "contig" and s["layout"] != "expand":
                yield _edit(j, "layout", "contig")
            if s["grad"]:
                yield _edit(j, "grad", False)
            for d, size in enumerate(s["shape"]):
                if size > 1:
                    yield _edit_dim(j, d, size // 2 if size > 2 else 1)

    tried = 0
    changed = True
    while changed and tried < budget:
        changed = False
        for f in list(attempts(best)):
            if tried >= budget:
                break
            cand = copy.deepcopy(best)
            f(cand)
            if json.dumps(cand) == json.dumps(best):
                continue
            tried += 1
            if crashes(cand):
                best = cand
                changed = True
                break
    return best


def _specs_of(c):
    specs = []
    for v in c["args"] + list(c["kwargs"].values()):
        _tensor_specs(v, specs)
    return specs


def _edit(j, key, value):
    def f(c):
        _specs_of(c)[j][key] = value
    return f


def _edit_dim(j, d, size):
    def f(c):
        _specs_of(c)[j]["shape"][d] = size
    return f


__all__ = ["snippet", "shrink", "np"]
