"""Python bindings of the op table: one CPython vectorcall entry point (METH_FASTCALL |
METH_KEYWORDS) per Python name, functions on the module and methods on torsh.Tensor.

Each entry point parses its call against the overloads' signatures (python/src/arg_parser.cpp),
calls the generated C++ function, and wraps the result: a Tensor, a tuple, or a named tuple
(torch.return_types.<op>) when the schema names its returns."""
from schema import OPTION_ARGS, has_tensor_options

ACCESSORS = {
    "Tensor": ("tensor", "optional_tensor"),
    "Tensor[]": ("tensorlist", "tensorlist"),
    "Tensor?[]": ("optional_tensorlist", "optional_tensorlist"),
    "Scalar": ("scalar", "optional_scalar"),
    "int": ("int64", "optional_int64"),
    "int[]": ("intlist", "optional_intlist"),
    "float": ("to_double", "optional_double"),
    "float[]": ("doublelist", "optional_doublelist"),
    "bool": ("to_bool", "optional_bool"),
    "str": ("string", "optional_string"),
    "ScalarType": ("scalartype", "optional_scalartype"),
    "Generator": ("generator", "generator"),
    "MemoryFormat": ("optional_memoryformat", "optional_memoryformat"),
}

# python: keys of an op table entry (python: false hides the op from Python).
PYTHON_KEYS = {"numbers_as_tensors"}


def accessor(a):
    return ACCESSORS[a.base][1 if a.optional else 0]


def python_options(e):
    """The entry's python: value as a dict ({} when absent); None when hidden from Python."""
    p = e.get("python", {})
    if p is False:
        return None
    if p is True:
        return {}
    if not isinstance(p, dict) or set(p) - PYTHON_KEYS:
        raise SystemExit(f"ops.yaml: {e['func']}: python: must be false or a map with keys "
                         f"{sorted(PYTHON_KEYS)}")
    if p.get("numbers_as_tensors", True) not in (True, "other", "one_tensor", "scalar_self"):
        raise SystemExit(f"ops.yaml: {e['func']}: python.numbers_as_tensors must be true (any "
                         "Tensor operand), other (all but the first), one_tensor (any, but "
                         "not all) or scalar_self (as one_tensor, and no out= beside a number "
                         "input)")
    return p


def signature(s, kind):
    """The Python signature string of one overload (torch's spelling)."""
    parts, kw = [], False
    for a in s.args:
        if kind != "function" and a.name == "self":
            continue
        if a.kwonly and not kw:
            parts.append("*")
            kw = True
        name = "input" if (a.name == "self" and kind == "function") else a.name
        t = a.base + ("?" if a.optional else "")
        if a.fixed_len:
            t = t.replace("[]", f"[{a.fixed_len}]")
        p = f"{t} {name}"
        if a.default is not None:
            p += "=" + a.default
        parts.append(p)
    if has_tensor_options(s):
        parts.append("bool requires_grad=False")
    if kind == "function" and "out" in s._variants:
        if not kw:
            parts.append("*")
        parts.append("Tensor[]? out=None" if len(s.returns) > 1 else "Tensor? out=None")
    return f"{s.name}({', '.join(parts)})"


class PyBindings:
    def __init__(self):
        self.functions = {}  # python name -> [(kind, schema, entry)]
        self.methods = {}
        self.return_types = {}  # op name -> field names

    def add(self, kind, name, s, e):
        groups = self.functions if kind == "function" else self.methods
        groups.setdefault(name, []).append((kind, s, e))

    def _result(self, s, expr):
        """A C++ statement returning expr's value (the op's C++ result) as a Python object."""
        names = [r.name for r in s.returns]
        if len(s.returns) > 1:
            items = ", ".join(f"std::get<{i}>(res)" for i in range(len(names)))
            if "result" in names:  # unnamed returns (the parser's name): a plain tuple, as torch
                return f"{{ auto res = {expr}; return wrap(std::vector<Tensor>{{{items}}}); }}"
            have = self.return_types.setdefault(s.name, names)
            if have != names:
                raise SystemExit(f"ops.yaml: {s.name}: overloads name their returns differently")
            return f"{{ auto res = {expr}; return wrap_named(type_{s.name}, {{{items}}}); }}"
        return f"return wrap({expr});"

    def call(self, s, kind, e):
        """C++ statements for one matched overload; r holds the parsed arguments."""
        opts = has_tensor_options(s)
        vals, idx, i = [], {}, 0
        for a in s.args:
            if kind != "function" and a.name == "self":
                continue
            idx[a.name] = i
            i += 1
        if opts:
            idx["requires_grad"] = i
            i += 1
        for a in s.args:
            if a.name == "self" and kind != "function":
                vals.append("self")
                continue
            if opts and a.name in OPTION_ARGS:
                if a.name == "dtype":
                    vals.append(f"r.options({idx['dtype']}, {idx['device']}, {idx['requires_grad']})")
                continue
            vals.append(f"r.{accessor(a)}({idx[a.name]})")
        rest = ", ".join(v for v in vals if v != "self")
        if kind == "inplace":
            return f"self.{s.name}_({rest});\n      return py::reinterpret_borrow<py::object>(self_obj);"
        if kind == "method":
            if s.returns and s.returns[0].alias == "a!" and s.args and s.args[0].alias == "a!":
                # a method that writes self (uniform_, exponential_, ...) returns the very
                # object it was called on, as torch does
                return (f"self.{s.name}({rest});\n"
                        "      return py::reinterpret_borrow<py::object>(self_obj);")
            return self._result(s, f"self.{s.name}({rest})")
        args = ", ".join(vals)
        out_stmt = ""
        if "out" in s._variants and len(s.returns) > 1:
            # out=(values, indices): torch returns its named tuple of the very objects passed.
            n = len(s.returns)
            outs = ", ".join(f"o[{k}]" for k in range(n))
            out_stmt = (f"if (!r.is_none({i})) {{ auto o = r.tensorlist({i}); "
                        f'TORSH_CHECK_TYPE(o.size() == {n}, "{s.name}(): argument \'out\' must be a '
                        f'tuple of {n} tensors, got ", o.size()); '
                        f"torsh::{s.name}_out({outs}, {args}); "
                        f"return wrap_named_objects(type_{s.name}, r.vals[{i}]); }}\n      ")
            return out_stmt + self._result(s, f"torsh::{s.name}({args})")
        if "out" in s._variants:
            # torch returns the very object passed as out=, not a new wrapper of its tensor.
            # torch's parser: a dtype= given beside out= must be out's.
            check = (f"r.check_out_dtype(o, {idx['dtype']}); " if opts else "")
            out_stmt = (f"if (!r.is_none({i})) {{ Tensor o = r.tensor({i}); {check}"
                        f"torsh::{s.name}_out(o, {args}); "
                        f"return py::reinterpret_borrow<py::object>(r.vals[{i}]); }}\n      ")
        return out_stmt + self._result(s, f"torsh::{s.name}({args})")

    def _entry_point(self, cname, name, items, is_method):
        sigs = ", ".join(f'Signature("{signature(s, kind)}")' for kind, s, _ in items)
        modes = {python_options(e).get("numbers_as_tensors") for _, _, e in items} - {None}
        if len(modes) > 1:
            raise SystemExit(f"{name}: overloads disagree on python.numbers_as_tensors: {modes}")
        numbers = {True: "kAll", "other": "kNotInput", "one_tensor": "kOneTensor",
                   "scalar_self": "kScalarSelf", None: "kNo"}[next(iter(modes), None)]
        if is_method and numbers in ("kOneTensor", "kScalarSelf"):
            numbers = "kAll"  # self is the tensor
        self_cast = ("  const Tensor& self = *peek_tensor(self_obj);\n" if is_method else
                     "  (void)self_obj;\n")
        cases = "\n".join(f"    case {k}: {{\n      {self.call(s, kind, e)}\n    }}"
                          for k, (kind, s, e) in enumerate(items))
        return f"""py::object {cname}(PyObject* self_obj, const CallArgs& c) {{
{self_cast}  static const SignatureGroup sigs("{name}", {{{sigs}}}, SignatureGroup::Numbers::{numbers});
  ParsedArgs r;
  switch (sigs.parse(c, r)) {{
{cases}
  }}
  throw Error("unreachable");
}}"""

    def source(self):
        out = ['// Generated from ops/ops.yaml by tools/codegen/pybind.py. Do not edit.',
               '#include "bindings.h"', "namespace torsh::python {", "namespace {"]
        bodies, tables = [], {}
        for groups, prefix in ((self.functions, "fn"), (self.methods, "m")):
            rows = []
            for name, items in groups.items():
                cname = f"py_{prefix}_{name}"
                bodies.append(self._entry_point(cname, name, items, prefix == "m"))
                rows.append(f'    {{"{name}", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>('
                            f"&fastcall<{cname}>)), METH_FASTCALL | METH_KEYWORDS, nullptr}},")
            tables[prefix] = rows
        # Named tuples first: the entry points refer to their types.
        for op, names in self.return_types.items():
            fields = ", ".join(f'{{"{n}", nullptr}}' for n in names)
            out.append(f"PyStructSequence_Field fields_{op}[] = {{{fields}, {{nullptr, nullptr}}}};")
            out.append(f'PyStructSequence_Desc desc_{op} = {{"torsh.return_types.{op}", nullptr, '
                       f"fields_{op}, {len(names)}}};")
            out.append(f"PyTypeObject* type_{op} = nullptr;")
        out += bodies
        for prefix, var in (("fn", "kFunctions"), ("m", "kMethods")):
            out.append(f"PyMethodDef {var}[] = {{\n" + "\n".join(tables[prefix]) +
                       "\n    {nullptr, nullptr, 0, nullptr}};")
        out.append("}  // namespace")
        out.append("void register_generated(py::module_& m, py::class_<Tensor>& cls) {")
        out.append('  py::module_ rt = m.def_submodule("return_types", "torch.return_types");')
        out += [f"  type_{op} = make_return_type(rt, &desc_{op});" for op in self.return_types]
        out += ["  add_functions(m, kFunctions);", "  add_methods(cls, kMethods);", "}",
                "}  // namespace torsh::python", ""]
        return "\n".join(out)
