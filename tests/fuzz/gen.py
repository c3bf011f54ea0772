"""Generates call specs from a seed: plain JSON values that both libraries build the same way.

Encoding of a value: {"T": tensor spec} a tensor; {"F": "nan"} a special float; {"D": name} a
dtype; {"L": [...]} a list; {"Tu": [...]} a tuple; {"S": [start, stop, step]} a slice;
{"E": 1} Ellipsis; other JSON values are themselves. A tensor spec holds shape, dtype, a data
seed, a fill kind, a layout kind (how the view is made from a base array) and requires_grad."""
import random

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool"]
FLOATS = ["float32", "float64", "float16", "bfloat16"]
HUGE_INTS = [2 ** 31, 2 ** 40, 2 ** 62, 2 ** 63 - 1, -2 ** 63, -2 ** 31 - 1]
SKIP_TYPES = ("Layout", "Device", "Generator")
SKIP_NAMES = ("pin_memory", "layout", "device", "generator")
MATMUL_OPS = {"mm", "bmm", "matmul", "__matmul__"}


class Gen:
    """One call per `call(i)`: entry, form and arguments drawn from the run's seed and i."""

    def __init__(self, seed, entries):
        self.seed = seed
        self.entries = entries

    def call(self, i):
        r = random.Random(self.seed * 1000003 + i)
        entry = r.choice(self.entries)
        kind = r.choice(entry.kinds)
        self.r = r
        self.dseed = self.seed * 7919 + i * 31
        shape = self.shape()
        dtype = self.dtype()
        grad = kind in ("function", "method", "subscript") and r.random() < 0.3
        c = {"id": i, "op": entry.name, "kind": kind, "args": [], "kwargs": {}}
        if entry.name in ("__getitem__", "__setitem__"):
            self.subscript(c, entry.name, shape, dtype, grad)
        elif entry.schema is not None:
            self.from_schema(c, entry.schema, shape, dtype, grad)
        elif kind != "property":
            self.generic(c, shape, dtype, grad)
        else:
            c["args"] = [self.tensor(shape, dtype, grad=grad)]
        if kind == "out":
            c["kwargs"]["out"] = self.tensor(r.choice([shape, [0], [], shape]),
                                             r.choice([dtype, dtype, dtype, self.dtype()]))
        if r.random() < 0.04 and c["args"]:
            self.wrong_type(c)
        c["backward"] = grad
        return c

    # ---- building blocks -------------------------------------------------------------------
    def shape(self, nd=None):
        r = self.r
        if nd is None:
            nd = r.choices([0, 1, 2, 3, 4, 5], [15, 25, 30, 20, 7, 3])[0]
        return [r.choices([0, 1, 2, 3, 4, 5, 7], [8, 25, 20, 20, 12, 10, 5])[0] for _ in range(nd)]

    def dtype(self):
        return self.r.choices(DTYPES, [30, 12, 6, 6, 14, 6, 3, 3, 5, 8])[0]

    def tensor(self, shape, dtype, grad=False, fill=None):
        r = self.r
        self.dseed += 1
        layout = r.choices(["contig", "t", "step", "expand", "offset"], [55, 12, 12, 11, 10])[0]
        if layout == "t" and len(shape) < 2 or layout != "contig" and not shape:
            layout = "contig"
        if fill is None:
            fill = r.choices(["normal", "int", "special", "pos", "small"], [45, 20, 15, 10, 10])[0]
        return {"T": {"shape": list(shape), "dtype": dtype, "seed": self.dseed, "fill": fill,
                      "layout": layout, "grad": bool(grad and dtype in FLOATS)}}

    def broadcastable(self, shape):
        r = self.r
        p = r.random()
        if p < 0.45:
            return list(shape)
        if p < 0.75:
            s = [1 if r.random() < 0.4 else d for d in shape]
            return s[r.randint(0, len(s)):] if r.random() < 0.3 else s
        if p < 0.9:
            return []
        return self.shape()

    def scalar(self):
        r = self.r
        p = r.random()
        if p < 0.4:
            return r.randint(-5, 5)
        if p < 0.75:
            return round(r.uniform(-4, 4), 3)
        if p < 0.8:
            return r.random() < 0.5
        if p < 0.92:
            return {"F": r.choice(["nan", "inf", "-inf", "1e300", "-1e-310", "3e38"])}
        return r.choice(HUGE_INTS)

    def dim(self, nd, extra=1):
        r = self.r
        if r.random() < 0.02:
            return r.choice(HUGE_INTS)
        n = max(nd, 1)
        return r.randint(-n - extra, n - 1 + extra)

    def int_arg(self, name, shape):
        r = self.r
        nd = len(shape)
        size = shape[0] if shape else 1
        if name in ("dim", "dim0", "dim1", "start_dim", "end_dim"):
            return self.dim(nd, extra=1 if r.random() < 0.2 else 0)
        if r.random() < 0.03:
            return r.choice(HUGE_INTS)
        if name in ("index", "start", "end"):
            return r.randint(-size - 2, size + 2)
        if name == "length":
            return r.randint(-1, size + 1)
        if name == "step":
            return r.choice([1, 1, 2, 3, 0, -1])
        return r.randint(-2, 7)

    def size_list(self, op, shape):
        r = self.r
        numel = 1
        for d in shape:
            numel *= d
        p = r.random()
        if p < 0.03:
            return [r.choice(HUGE_INTS)] + shape
        if op in ("view", "reshape", "_unsafe_view") and p < 0.8:
            dims = []
            rest = numel
            for f in (2, 3, 5, 7):
                while rest % f == 0 and rest > 1 and r.random() < 0.7:
                    dims.append(f)
                    rest //= f
            if rest != 1 or not dims and numel != 1:
                dims.append(rest)
            r.shuffle(dims)
            if dims and r.random() < 0.3:
                dims[r.randrange(len(dims))] = -1
            if r.random() < 0.2:
                dims.insert(r.randint(0, len(dims)), 1)
            return dims
        if op in ("expand",) and p < 0.8:
            s = [(-1 if r.random() < 0.3 else (d if d != 1 else r.choice([1, 3]))) for d in shape]
            return [r.randint(1, 3) for _ in range(r.choice([0, 0, 1, 2]))] + s
        if p < 0.85:
            return self.shape()
        return [r.randint(-3, 4) for _ in range(r.randint(0, 3))]

    def dims_list(self, op, nd, fixed):
        r = self.r
        if op == "permute" and r.random() < 0.8:
            d = list(range(nd))
            r.shuffle(d)
            return [x - nd if r.random() < 0.3 else x for x in d]
        k = r.randint(0, max(nd, 1)) if not fixed else 1
        return [self.dim(nd, extra=0 if r.random() < 0.8 else 1) for _ in range(k)]

    def index_tensor(self, size, shape=None):
        r = self.r
        self.dseed += 1
        lo, hi = (-size, size - 1) if r.random() < 0.85 else (-size - 3, size + 3)
        n = r.randint(0, 5) if shape is None else None
        dt = "int64" if r.random() < 0.9 else r.choice(["int32", "float32", "uint8", "bool"])
        return {"T": {"shape": shape if shape is not None else [n], "dtype": dt,
                      "seed": self.dseed, "fill": ["range", lo, hi], "layout": "contig",
                      "grad": False}}

    # ---- argument lists ----------------------------------------------------------------------
    def from_schema(self, c, schema, shape, dtype, grad):
        r = self.r
        positional = True
        first_tensor = True
        for a in schema.args:
            base = a.type.rstrip("?")
            if base.startswith(SKIP_TYPES) or a.name in SKIP_NAMES:
                continue
            if c["kind"] in ("method", "inplace") and first_tensor and a.type == "Tensor":
                pass  # self: still generated, becomes the receiver
            elif a.default is not None and r.random() < 0.4:
                positional = False
                continue
            v = self.arg_value(schema.name, a, shape, dtype, grad, first_tensor)
            if a.type.startswith("Tensor"):
                first_tensor = False
            if a.kwonly or not positional:
                c["kwargs"][a.name] = v
            else:
                c["args"].append(v)

    def arg_value(self, op, a, shape, dtype, grad, first):
        r = self.r
        t, name = a.type, a.name
        if t.endswith("?") and r.random() < 0.25:
            return None
        base = t.rstrip("?")
        if base == "Tensor":
            if first:
                return self.tensor(shape, dtype, grad)
            if name == "index":
                size = shape[0] if shape else 1
                return self.index_tensor(size)
            if name == "condition":
                return self.tensor(self.broadcastable(shape), "bool", fill="int")
            if op in MATMUL_OPS:
                s = shape[:-2] + [shape[-1], self.r.randint(0, 4)] if len(shape) >= 2 else (
                    list(shape) if r.random() < 0.6 else self.shape())
                return self.tensor(s, dtype if r.random() < 0.85 else self.dtype(), grad)
            dt = dtype if r.random() < 0.65 else self.dtype()
            return self.tensor(self.broadcastable(shape), dt, grad)
        if base == "Tensor[]":
            n = r.randint(0, 3)
            cd = r.randrange(len(shape)) if shape else 0
            out = []
            for _ in range(n):
                s = list(shape)
                if s and r.random() < 0.5:
                    s[cd] = r.randint(0, 3)
                if r.random() < 0.1:
                    s = self.shape()
                out.append(self.tensor(s, dtype if r.random() < 0.8 else self.dtype(), grad))
            return {"L": out}
        if base == "Tensor?[]":
            k = r.randint(1, max(len(shape), 1))
            ishape = [r.randint(0, 3)]
            return {"L": [None if r.random() < 0.2 else
                          self.index_tensor(shape[j] if j < len(shape) else 1, ishape)
                          for j in range(k)]}
        if base == "int":
            return self.int_arg(name, shape)
        if base.startswith("int["):
            if name in ("size", "shape") or op in ("view", "reshape", "expand"):
                return self.size_list(op, shape)
            return self.dims_list(op, len(shape), a.fixed_len == 1 and r.random() < 0.5)
        if base == "Scalar":
            return self.scalar()
        if base == "float":
            return self.scalar() if r.random() < 0.2 else round(r.uniform(-3, 3), 3)
        if base == "bool":
            return r.random() < 0.5
        if base == "ScalarType":
            return {"D": self.dtype()}
        if base == "str":
            return r.choice(["trunc", "floor", "trunc", "floor", "bad"])
        return None

    def generic(self, c, shape, dtype, grad):
        r = self.r
        pattern = r.choice(["T", "TT", "Ti", "Ts", "Tii", "", "i", "Tl"])
        if c["kind"] == "method" and not pattern.startswith("T"):
            pattern = "T" + pattern
        for ch in pattern:
            if ch == "T":
                c["args"].append(self.tensor(shape if not c["args"] else self.broadcastable(shape),
                                             dtype if r.random() < 0.7 else self.dtype(), grad))
            elif ch == "i":
                c["args"].append(self.dim(len(shape)))
            elif ch == "s":
                c["args"].append(self.scalar())
            elif ch == "l":
                c["args"].append({"L": self.shape()})

    def subscript(self, c, op, shape, dtype, grad):
        r = self.r
        c["args"].append(self.tensor(shape, dtype, grad and op == "__getitem__"))
        items = []
        ellipsis = False
        for j in range(r.randint(1, len(shape) + 1)):
            size = shape[j] if j < len(shape) else 1
            p = r.random()
            if p < 0.25:
                items.append(r.randint(-size - 1, size))
            elif p < 0.5:
                st = [r.choice([None, r.randint(-size - 2, size + 2)]) for _ in range(2)]
                items.append({"S": st + [r.choice([None, 1, 2, 3, 0, -1])]})
            elif p < 0.6:
                items.append(None)
            elif p < 0.68 and (not ellipsis or r.random() < 0.1):
                ellipsis = True
                items.append({"E": 1})
            elif p < 0.72:
                items.append(r.random() < 0.5)
            elif p < 0.88:
                items.append(self.index_tensor(size))
            elif p < 0.94:
                self.dseed += 1
                items.append(self.tensor(shape[j:j + r.randint(1, 2)], "bool", fill="int"))
            else:
                items.append({"L": [r.randint(-size, max(size - 1, 0))
                                    for _ in range(r.randint(0, 3))]})
        c["args"].append({"Tu": items} if len(items) > 1 or r.random() < 0.5 else items[0])
        if op == "__setitem__":
            c["args"].append(self.scalar() if r.random() < 0.5 else
                             self.tensor(self.broadcastable(shape[-1:]),
                                         dtype if r.random() < 0.8 else self.dtype()))

    def wrong_type(self, c):
        r = self.r
        j = r.randrange(len(c["args"]))
        c["args"][j] = r.choice(["abc", {"L": ["x"]}, None, 1.5, {"L": [1.5, 2]}, {"D": "int64"},
                                 {"Tu": []}])
