"""Child process of the fuzzer: runs a batch of calls in torch and torsh and compares them.

Usage: child.py BATCH.json [--only torsh]. For each call it prints `S <id>` before running it
and `R <json>` (the classification) after, flushed, so the parent knows which call was running
when the process died or stopped answering."""
import json
import math
import operator
import os
import resource
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import known_differences  # noqa: E402

EXC_ORDER = ("IndexError", "TypeError", "ValueError", "NotImplementedError", "MemoryError",
             "OverflowError", "ZeroDivisionError", "RuntimeError")
TOL = {"float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2), "float32": (1e-4, 1e-5),
       "float64": (1e-7, 1e-10)}
# sums whose terms may cancel: compared against the largest value's scale
REDUCING = {"sum", "mean", "prod", "mm", "bmm", "matmul", "__matmul__", "linspace", "arange",
            "inner", "dot", "vdot", "mv", "tensordot", "einsum", "addmm", "addmv", "addbmm",
            "baddbmm"}


def exc_kind(e):
    for cls in type(e).__mro__:
        if cls.__name__ in EXC_ORDER:
            return cls.__name__
    return type(e).__name__


def _swap(f):
    return lambda a, b: f(b, a)


# Operators are called as Python calls them (a NotImplemented return becomes a TypeError).
DUNDER = {
    "__add__": operator.add, "__radd__": _swap(operator.add), "__sub__": operator.sub,
    "__rsub__": _swap(operator.sub), "__mul__": operator.mul, "__rmul__": _swap(operator.mul),
    "__truediv__": operator.truediv, "__rtruediv__": _swap(operator.truediv),
    "__floordiv__": operator.floordiv, "__mod__": operator.mod, "__pow__": operator.pow,
    "__rpow__": _swap(operator.pow), "__matmul__": operator.matmul, "__neg__": operator.neg,
    "__abs__": abs, "__eq__": operator.eq, "__ne__": operator.ne, "__lt__": operator.lt,
    "__le__": operator.le, "__gt__": operator.gt, "__ge__": operator.ge,
    "__and__": operator.and_, "__or__": operator.or_, "__xor__": operator.xor,
    "__invert__": operator.invert, "__iadd__": operator.iadd, "__isub__": operator.isub,
    "__imul__": operator.imul, "__itruediv__": operator.itruediv, "__len__": len,
    "__bool__": bool, "__float__": float, "__int__": int, "__index__": operator.index,
    "__lshift__": operator.lshift, "__rshift__": operator.rshift,
}


# ---- building values ------------------------------------------------------------------------
def base_array(spec):
    """The numpy array a tensor spec is viewed from, and the view steps to apply to it."""
    rng = np.random.default_rng(spec["seed"])
    shape, dt, fill, layout = list(spec["shape"]), spec["dtype"], spec["fill"], spec["layout"]
    base = list(shape)
    if layout == "t":
        base[-1], base[-2] = base[-2], base[-1]
    elif layout == "step":
        base[0] = 2 * base[0]
    elif layout == "offset":
        base[0] += 1
    elif layout == "expand":
        base = [1 if rng.random() < 0.5 else d for d in base]
    n = int(np.prod(base)) if base else 1
    npdt = {"bfloat16": "float32", "bool": "bool"}.get(dt, dt)
    if isinstance(fill, list):
        vals = rng.integers(fill[1], fill[2] + 1, n) if fill[2] >= fill[1] else np.zeros(n)
    elif dt == "bool":
        vals = rng.integers(0, 2, n)
    elif dt in ("float32", "float64", "float16", "bfloat16"):
        vals = {"normal": lambda: rng.standard_normal(n) * 2,
                "int": lambda: rng.integers(-10, 11, n).astype(np.float64),
                "pos": lambda: np.abs(rng.standard_normal(n)) + 0.1,
                "small": lambda: rng.uniform(-1, 1, n),
                "special": lambda: special(rng, n, dt)}[fill]()
    else:
        info = np.iinfo(dt)
        lo, hi = max(info.min, -10), min(info.max, 10)
        vals = rng.integers(lo, hi + 1, n)
        if fill == "special" and n:
            pick = rng.random(n) < 0.3
            vals = np.where(pick, rng.choice([info.min, info.max, 0, -1 if info.min else 1], n),
                            vals)
    arr = np.asarray(vals).astype(npdt).reshape(base)
    return arr, base


def special(rng, n, dt):
    big = {"float16": 6e4, "bfloat16": 3e38, "float32": 3e38, "float64": 1e308}[dt]
    v = rng.standard_normal(n) * 2
    choices = np.array([np.nan, np.inf, -np.inf, big, -big, 0.0, -0.0, 1e-40])
    pick = rng.random(n) < 0.3
    return np.where(pick, rng.choice(choices, n), v)


def build(L, v, leaves):
    if isinstance(v, dict):
        if "T" in v:
            return build_tensor(L, v["T"], leaves)
        if "F" in v:
            return float(v["F"])
        if "D" in v:
            return getattr(L, v["D"])
        if "L" in v:
            return [build(L, x, leaves) for x in v["L"]]
        if "Tu" in v:
            return tuple(build(L, x, leaves) for x in v["Tu"])
        if "S" in v:
            return slice(*v["S"])
        if "E" in v:
            return Ellipsis
    return v


def build_tensor(L, spec, leaves):
    arr, base = base_array(spec)
    t = L.from_numpy(arr).clone()  # torch cannot resize a numpy array's storage (out=)
    if spec["dtype"] == "bfloat16":
        t = t.to(L.bfloat16)
    if spec["grad"]:
        t.requires_grad_(True)
        leaves.append(t)
    lay = spec["layout"]
    if lay == "t":
        t = t.transpose(-1, -2)
    elif lay == "step":
        t = t[::2]
    elif lay == "offset":
        t = t[1:]
    elif lay == "expand":
        t = t.expand(list(spec["shape"]))
    return t


# ---- running ----------------------------------------------------------------------------------
def execute(L, call):
    """Runs one call in library L; returns a plain record of everything it produced."""
    leaves = []
    rec = {}
    try:
        args = [build(L, a, leaves) for a in call["args"]]
        kwargs = {k: build(L, v, leaves) for k, v in call["kwargs"].items()}
    except Exception as e:  # a bug in building, reported as such
        return {"build_error": f"{type(e).__name__}: {e}"}
    op, kind = call["op"], call["kind"]
    try:
        if kind in ("function", "out"):
            res = getattr(L, op)(*args, **kwargs)
        elif kind == "method" and op in DUNDER:
            res = DUNDER[op](*args)
        elif kind == "method":
            res = getattr(args[0], op)(*args[1:], **kwargs)
        elif kind == "inplace":
            res = getattr(args[0], op.rstrip("_") + "_")(*args[1:], **kwargs)
        elif kind == "property":
            res = getattr(args[0], op)
        elif op == "__getitem__":
            res = args[0][args[1]]
        else:
            args[0][args[1]] = args[2]
            res = None
        rec["result"] = summarize(L, res)
    except Exception as e:
        rec["exc"] = (exc_kind(e), str(e).split("\n")[0][:200])
        return rec
    rec["after"] = [summarize(L, a) for a in args + list(kwargs.values()) if is_tensor(L, a)]
    if call.get("backward") and leaves and is_tensor(L, res) and res.requires_grad:
        try:
            rng = np.random.default_rng(call["id"])
            w = L.from_numpy(rng.standard_normal(tuple(res.shape)))
            (res * w.to(res.dtype)).sum().backward()
            rec["grads"] = [summarize(L, leaf.grad) for leaf in leaves]
        except Exception as e:
            rec["grad_exc"] = (exc_kind(e), str(e).split("\n")[0][:200])
    return rec


def is_tensor(L, v):
    return isinstance(v, L.Tensor)


def summarize(L, v):
    if isinstance(v, L.Tensor):
        d = v.detach()
        dt = str(v.dtype).split(".")[-1]
        if dt in ("bfloat16", "float16"):
            d = d.float()
        return {"dtype": dt, "shape": list(v.shape), "data": d.numpy().copy(),
                "requires_grad": bool(v.requires_grad)}
    if isinstance(v, (tuple, list)):
        return {"seq": [summarize(L, x) for x in v]}
    if isinstance(v, (L.dtype,)):
        return {"value": str(v).split(".")[-1]}
    if v is None or isinstance(v, (bool, int, float, str)):
        return {"value": v, "type": type(v).__name__}
    return {"type": type(v).__name__, "repr": repr(v)[:60]}


# ---- comparing --------------------------------------------------------------------------------
WIDTH = {"float16": 0, "bfloat16": 0, "float32": 1, "float64": 2}


def compute_dtype(call):
    """For an out= call, the dtype the op computes in before writing out: the widest floating
    input (float32 when the inputs are integers); None for other calls."""
    if call.get("kind") != "out":
        return None
    specs = [v["T"] for v in call["args"] if isinstance(v, dict) and "T" in v]
    floats = [t["dtype"] for t in specs if t["dtype"] in WIDTH]
    return max(floats, key=WIDTH.get) if floats else "float32"


def values_close(a, b, dtype, op, relax, computed=None):
    if a.shape != b.shape:
        return False
    if a.dtype == bool or dtype.startswith(("int", "uint")) or dtype == "bool":
        return np.array_equal(a, b)
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    rtol, atol = TOL.get(dtype, (1e-4, 1e-5))
    if computed is not None:  # a wider out= holds values rounded to the compute dtype
        rtol, atol = max(rtol, TOL[computed][0]), max(atol, TOL[computed][1])
    fin = np.isfinite(a)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    inf = np.isinf(a) | np.isinf(b)
    if not np.array_equal(a[inf], b[inf]):
        return False
    if relax and fin.any():
        atol += rtol * float(np.abs(a[fin]).max()) * 4
    ok = np.isfinite(a) & np.isfinite(b)
    return bool(np.all(np.abs(a[ok] - b[ok]) <= atol + rtol * np.abs(a[ok])))


def compare_value(x, y, op, values, relax, where, computed=None):
    """None when equal, else (class, detail)."""
    if "seq" in x or "seq" in y:
        xs, ys = x.get("seq"), y.get("seq")
        if xs is None or ys is None or len(xs) != len(ys):
            return "DTYPE-SHAPE", f"{where}: structure {kind_of(x)} vs {kind_of(y)}"
        for i, (a, b) in enumerate(zip(xs, ys)):
            d = compare_value(a, b, op, values, relax, f"{where}[{i}]", computed)
            if d:
                return d
        return None
    if "dtype" in x or "dtype" in y:
        if "dtype" not in x or "dtype" not in y:
            return "DTYPE-SHAPE", f"{where}: {kind_of(x)} vs {kind_of(y)}"
        if x["dtype"] != y["dtype"] or x["shape"] != y["shape"]:
            return "DTYPE-SHAPE", (f"{where}: torch {x['dtype']}{x['shape']} vs torsh "
                                   f"{y['dtype']}{y['shape']}")
        if x["requires_grad"] != y["requires_grad"]:
            return "DTYPE-SHAPE", f"{where}: requires_grad {x['requires_grad']} vs {y['requires_grad']}"
        if values and not values_close(x["data"], y["data"], x["dtype"], op, relax, computed):
            return "VALUE", f"{where}: {short(x['data'])} vs {short(y['data'])}"
        return None
    if x.get("type") != y.get("type"):
        return "DTYPE-SHAPE", f"{where}: type {x.get('type')} vs {y.get('type')}"
    xv, yv = x.get("value"), y.get("value")
    if isinstance(xv, float) and isinstance(yv, float):
        if math.isnan(xv) and math.isnan(yv) or not values or math.isclose(xv, yv, rel_tol=1e-5,
                                                                          abs_tol=1e-8):
            return None
    if values and xv != yv:
        return "VALUE", f"{where}: {xv!r} vs {yv!r}"
    return None


def kind_of(x):
    if "seq" in x:
        return f"sequence of {len(x['seq'])}"
    if "dtype" in x:
        return "tensor"
    return x.get("type", "?")


def short(a):
    s = np.array2string(np.asarray(a).ravel()[:6], precision=4, threshold=8)
    return s + ("..." if np.asarray(a).size > 6 else "")


def classify(call, t, s):
    """(class, detail) for the torch record t and torsh record s."""
    if "build_error" in t or "build_error" in s:
        return "EXCEPTION", f"build: {t.get('build_error')} / {s.get('build_error')}"
    if "exc" in t or "exc" in s:
        if "exc" in t and "exc" in s:
            if t["exc"][0] == s["exc"][0]:
                return "MATCH", ""
            return "EXCEPTION", f"torch {t['exc'][0]} vs torsh {s['exc'][0]}: {s['exc'][1]}"
        if "exc" in t:
            return "EXCEPTION", f"only torch raised {t['exc'][0]}: {t['exc'][1]}"
        return "EXCEPTION", f"only torsh raised {s['exc'][0]}: {s['exc'][1]}"
    op = call["op"]
    values = op not in known_differences.VALUE_FREE
    relax = op in REDUCING
    computed = compute_dtype(call)
    d = compare_value(t["result"], s["result"], op, values, relax, "result", computed)
    if d:
        return d
    if len(t["after"]) != len(s["after"]):
        return "DTYPE-SHAPE", "number of tensor arguments"
    for i, (a, b) in enumerate(zip(t["after"], s["after"])):
        d = compare_value(a, b, op, values, relax, f"arg{i} after", computed)
        if d:
            return d
    if ("grad_exc" in t) != ("grad_exc" in s):
        return "EXCEPTION", f"backward: torch {t.get('grad_exc')} vs torsh {s.get('grad_exc')}"
    if "grad_exc" in t and t["grad_exc"][0] != s["grad_exc"][0]:
        return "EXCEPTION", f"backward: torch {t['grad_exc'][0]} vs torsh {s['grad_exc'][0]}"
    # a gradient flows through the result: it is no more precise than the result's dtype (a
    # float64 input added to a float32 tensor gets its gradient summed in float32)
    res = t.get("result")
    rdt = res.get("dtype") if isinstance(res, dict) else None
    for i, (a, b) in enumerate(zip(t.get("grads", []), s.get("grads", []))):
        d = compare_value(a, b, op, values, True, f"grad{i}", rdt if rdt in WIDTH else None)
        if d:
            return d
    return "MATCH", ""


def main():
    path = sys.argv[1]
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    with open(path) as f:
        calls = json.load(f)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    warnings.simplefilter("ignore")
    import torsh
    torsh.set_num_threads(1)
    torch = None
    if only != "torsh":
        import torch
        torch.set_num_threads(1)
    # A huge size must fail to allocate rather than take the machine's memory.
    lim = int(os.environ.get("FUZZ_MEM_LIMIT", str(8 << 30)))
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    out = sys.stdout
    for call in calls:
        out.write(f"S {call['id']}\n")
        out.flush()
        torsh.manual_seed(call["id"])
        s = execute(torsh, call)
        if torch is None:
            out.write("R " + json.dumps({"id": call["id"], "cls": "RAN", "detail": ""}) + "\n")
            out.flush()
            continue
        out.write("T\n")
        out.flush()
        torch.manual_seed(call["id"])
        t = execute(torch, call)
        cls, detail = classify(call, t, s)
        if cls != "MATCH":
            rule = known_differences.match(call, cls, detail)
            if rule:
                cls, detail = "KNOWN", rule
        out.write("R " + json.dumps({"id": call["id"], "cls": cls, "detail": detail}) + "\n")
        out.flush()
    out.write("DONE\n")
    out.flush()


if __name__ == "__main__":
    main()
