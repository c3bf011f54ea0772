"""torsh code generator: reads ops/ops.yaml, writes C++ declarations and definitions, Tensor
methods, native declarations and Python bindings into the build tree.

Usage: gen.py OPS_YAML OUT_DIR"""
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from schema import OPTION_ARGS, has_tensor_options, parse_schema  # noqa: E402
from pybind import PyBindings, python_options  # noqa: E402

CPP_TYPES = {
    "Tensor": "const Tensor&",
    "Tensor?": "const std::optional<Tensor>&",
    "Tensor[]": "TensorList",
    "Tensor?[]": "const OptionalTensorList&",
    "Scalar": "const Scalar&",
    "Scalar?": "const std::optional<Scalar>&",
    "int": "int64_t",
    "int?": "std::optional<int64_t>",
    "int[]": "IntArrayRef",
    "int[]?": "OptionalIntArrayRef",
    "float": "double",
    "float?": "std::optional<double>",
    "float[]?": "const std::optional<std::vector<double>>&",
    "bool": "bool",
    "bool?": "std::optional<bool>",
    "str": "std::string_view",
    "str?": "std::optional<std::string_view>",
    "ScalarType": "ScalarType",
    "ScalarType?": "std::optional<ScalarType>",
    "Generator?": "std::optional<Generator>",
    "MemoryFormat?": "std::optional<MemoryFormat>",
}


def cpp_type(arg):
    t = arg.base + ("?" if arg.optional else "")
    if arg.alias and arg.alias.endswith("!"):
        return "Tensor&" if not t.endswith("[]") else "TensorList"
    return CPP_TYPES[t]


def cpp_default(arg):
    d = arg.default
    if d is None:
        return None
    if d == "None":
        return "std::nullopt"
    if d in ("True", "False"):
        return d.lower()
    if d.startswith("["):
        return "{" + d[1:-1] + "}"
    if arg.base == "int[]" and re.fullmatch(r"-?\d+", d):
        return "{" + d + "}"  # `int[2] stride=1`: one value, expanded by the op as torch does
    if d.startswith('"') or d.startswith("'"):
        return '"' + d[1:-1] + '"'
    if arg.base == "ScalarType":
        return "k" + d.split(".")[-1].capitalize()
    return d


def cpp_return(schema, inplace=False):
    rets = schema.returns
    if inplace or (rets[0].alias or "").endswith("!"):
        return "Tensor&"
    if len(rets) == 1:
        return "std::vector<Tensor>" if rets[0].type == "Tensor[]" else "Tensor"
    return "std::tuple<" + ", ".join("Tensor" for _ in rets) + ">"


def cpp_params(schema, with_defaults, skip_self=False, no_default_upto=-1):
    """C++ parameter list; dtype/layout/device/pin_memory collapse into TensorOptions. Arguments
    at positions <= no_default_upto get no C++ default (see overload_default_cut)."""
    out, names = [], []
    opts = has_tensor_options(schema)
    for i, a in enumerate(schema.args):
        if skip_self and a.name == "self":
            continue
        if opts and a.name in OPTION_ARGS:
            if a.name == "dtype":
                out.append("TensorOptions options" + (" = {}" if with_defaults else ""))
                names.append("options")
            continue
        p = f"{cpp_type(a)} {a.name}"
        d = cpp_default(a)
        if with_defaults and d is not None and i > no_default_upto:
            p += " = " + d
        out.append(p)
        names.append(a.name)
    return out, names


SAVE_TYPES = {
    "Scalar": "Scalar", "Scalar?": "std::optional<Scalar>", "int": "int64_t",
    "int?": "std::optional<int64_t>", "int[]": "std::vector<int64_t>",
    "int[]?": "std::optional<std::vector<int64_t>>", "float": "double",
    "float?": "std::optional<double>", "bool": "bool", "bool?": "std::optional<bool>",
    "str?": "std::optional<std::string>", "str": "std::string",
    "ScalarType?": "std::optional<ScalarType>", "Tensor?[]": "OptionalTensorList",
}


def camel(name):
    return "".join(p[:1].upper() + p[1:] for p in name.strip("_").split("_"))


class Autograd:
    """The autograd pieces of one op: its Node class and the recording code."""

    def __init__(self, schema, entry):
        self.s, self.e = schema, entry
        # A key naming several inputs ("query, key, value: f(...)") is one call computing all
        # their gradients: it returns a std::vector<Tensor> in that order and may read
        # `output_mask`, a std::array<bool, n> saying which of them are needed.
        self.groups = [[n.strip() for n in k.split(",")] for k in entry.get("backward", {})]
        self.formulas = {}
        for k, f in entry.get("backward", {}).items():
            for n in k.split(","):
                self.formulas[n.strip()] = f
        self.node = entry.get("node", camel(schema.name) + "Backward0")
        # C++ class: unique per overload; name() reports PyTorch's node name.
        self.cls = self.node + "_" + camel(schema.name) + camel(schema.overload or "")
        rets = schema.returns
        self.out_names = ["result"] if len(rets) == 1 else [r.name for r in rets]
        ident = r"[A-Za-z_][A-Za-z_0-9]*"
        # Names each input's formula uses: a value is saved only for the formulas that will run.
        self.uses = {k: set(re.findall(ident, str(f))) for k, f in self.formulas.items()}
        used = set().union(*self.uses.values()) if self.uses else set()
        args = {a.name: a for a in schema.args}
        self.diff = [args[k] for k in self.formulas]  # differentiable inputs, in formula order
        for group in (g for g in self.groups if len(g) > 1):
            names = [a.name for a in self.diff]
            first = names.index(group[0])
            assert names[first:first + len(group)] == group and \
                all(a.base != "Tensor[]" for a in self.diff[:first + len(group)]), \
                f"{schema.name}: a grouped formula needs consecutive non-list inputs"
        self.saved_tensors = [a for a in schema.args if a.base in ("Tensor",) and a.name in used]
        self.saved_lists = [a for a in schema.args if a.base == "Tensor[]" and a.name in used]
        self.saved_outputs = [n for n in self.out_names if n in used]
        self.saved_sizes = [a for a in schema.args if a.name + "_sizes" in used]
        self.saved_strides = [a for a in schema.args if a.name + "_strides" in used]
        self.saved_offsets = [a for a in schema.args if a.name + "_storage_offset" in used]
        self.saved_scalars = [a for a in schema.args if a.name in used and a.base not in
                              ("Tensor", "Tensor[]", "Generator") and a.name not in OPTION_ARGS]

    def node_class(self):
        lines = [f"struct {self.cls} : Node {{"]
        for a in self.saved_tensors:
            lines.append(f"  SavedVariable {a.name}_;")
        for a in self.saved_lists:
            lines.append(f"  std::vector<SavedVariable> {a.name}_;")
        for n in self.saved_outputs:
            lines.append(f"  SavedVariable {n}_;")
        for a in self.saved_sizes:
            if a.base == "Tensor[]":
                lines.append(f"  std::vector<std::vector<int64_t>> {a.name}_sizes;")
            else:
                lines.append(f"  std::vector<int64_t> {a.name}_sizes;")
        for a in self.saved_strides:
            lines.append(f"  std::vector<int64_t> {a.name}_strides;")
        for a in self.saved_offsets:
            lines.append(f"  int64_t {a.name}_storage_offset = 0;")
        for a in self.saved_scalars:
            t = a.base + ("?" if a.optional else "")
            lines.append(f"  {SAVE_TYPES[t]} {a.name};")
        lines.append(f'  std::string name() const override {{ return "{self.node}"; }}')
        rel = [f"{a.name}_.reset();" for a in self.saved_tensors] + \
              [f"{n}_.reset();" for n in self.saved_outputs] + \
              [f"for (auto& v : {a.name}_) v.reset();" for a in self.saved_lists]
        lines.append(f"  void release_variables() override {{ {' '.join(rel)} }}")
        lines.append("  variable_list apply(variable_list&& grads) override {")
        lines.append("    variable_list r(next_edges_.size());")
        lines.append("    bool any = false;")
        lines.append("    for (const auto& g : grads) any |= g.defined();")
        lines.append("    if (!any) return r;")
        lines.append("    const Tensor& grad = grads[0];")
        lines.append("    (void)grad;")
        for a in self.saved_tensors:
            lines.append(f'    const Tensor {a.name} = {a.name}_.unpack("{self.node}");')
        for a in self.saved_lists:
            lines.append(f"    std::vector<Tensor> {a.name};")
            lines.append(f'    for (auto& v : {a.name}_) {a.name}.push_back(v.unpack("{self.node}"));')
        for n in self.saved_outputs:
            lines.append(f'    const Tensor {n} = {n}_.unpack("{self.node}");')
        lines.append("    size_t pos = 0;")
        for group in (g for g in self.groups if len(g) > 1):
            first = [a.name for a in self.diff].index(group[0])
            valid = ", ".join(f"next_edges_[{first + i}].is_valid()" for i in range(len(group)))
            lines.append(f"    {{ const std::array<bool, {len(group)}> output_mask{{{valid}}};")
            lines.append("      if (std::find(output_mask.begin(), output_mask.end(), true) != "
                         "output_mask.end()) {")
            lines.append(f"        std::vector<Tensor> gs = {self.formulas[group[0]]};")
            lines.append(f"        for (size_t i = 0; i < {len(group)}; ++i) "
                         f"if (output_mask[i]) r[{first} + i] = gs[i];")
            lines.append("      } }")
        grouped = {n for g in self.groups if len(g) > 1 for n in g}
        for a in self.diff:
            f = self.formulas[a.name]
            if a.name in grouped:
                lines.append("    ++pos;")
                continue
            if a.base == "Tensor[]":
                lines.append(f"    {{ auto gs = {f}; for (auto& g : gs) r[pos++] = g; }}")
            else:
                lines.append(f"    if (next_edges_[pos].is_valid()) r[pos] = {f};")
                lines.append("    ++pos;")
        lines.append("    return r;")
        lines.append("  }")
        lines.append("};")
        return "\n".join(lines)

    def _per_input(self, list_fmt, optional_fmt, plain_fmt):
        """One formatted piece per differentiable input, by kind (list, optional, plain)."""
        out = []
        for a in self.diff:
            fmt = list_fmt if a.base == "Tensor[]" else optional_fmt if a.optional else plain_fmt
            out.append(fmt.format(n=a.name))
        return out

    def rg_expr(self):
        parts = self._per_input("autograd::any_requires_grad({n})",
                                "({n} && autograd::requires_grad(*{n}))",
                                "autograd::requires_grad({n})")
        return " || ".join(parts) if parts else "false"

    def _edge_valid(self, a):
        """C++ test (after add_input) that input a requires grad: its formula will run."""
        if a.base == "Tensor[]":
            return f"autograd::any_requires_grad({a.name})"  # list inputs are never written
        off = [f"{b.name}.size()" if b.base == "Tensor[]" else "1"
               for b in self.diff[:self.diff.index(a)]]
        n_lists = sum(1 for x in off if x != "1")
        pos = " + ".join([str(len(off) - n_lists)] + [x for x in off if x != "1"])
        return f"node->next_edges()[{pos}].is_valid()"

    def _needed(self, name):
        """C++ condition under which the value `name` is saved (None: always, as every
        formula uses it): some input whose formula uses it requires grad (torch's
        should_compute_output). A node exists only if some input requires grad."""
        users = [a for a in self.diff if name in self.uses[a.name]]
        if len(users) == len(self.diff):
            return None
        return " || ".join(self._edge_valid(a) for a in users)

    def _guarded(self, name, stmt):
        cond = self._needed(name)
        return [f"    {stmt}" if cond is None else f"    if ({cond}) {stmt}"]

    def make_node(self, inplace=False):
        """Statements creating `node` and recording inputs (before the op runs)."""
        out = [f"    node = std::make_shared<autograd::generated::{self.cls}>();",
               f'    node->forward_trace = "{self.s.name}";']
        out += self._per_input("    for (const auto& t : {n}) autograd::add_input(*node, t);",
                               "    autograd::add_input(*node, {n} ? *{n} : Tensor());",
                               "    autograd::add_input(*node, {n});")
        for a in self.saved_tensors:
            n = a.name
            src = f"{n}.clone()" if (inplace and a.name == "self") else n
            if a.optional:
                st = f"if ({n}) node->{n}_ = autograd::SavedVariable(*{n}, false);"
            else:
                st = f"node->{n}_ = autograd::SavedVariable({src}, false);"
            out += self._guarded(n, st)
        for a in self.saved_lists:
            n = a.name
            out += self._guarded(n, f"for (const auto& t : {n}) node->{n}_.emplace_back(t, false);")
        for a in self.saved_sizes:
            n = a.name
            if a.base == "Tensor[]":
                st = f"for (const auto& t : {n}) node->{n}_sizes.push_back(t.sizes().vec());"
            else:
                st = f"node->{n}_sizes = {n}.sizes().vec();"
            out += self._guarded(n + "_sizes", st)
        for a in self.saved_strides:
            n = a.name
            out += self._guarded(n + "_strides", f"node->{n}_strides = {n}.strides().vec();")
        for a in self.saved_offsets:
            n = a.name
            out += self._guarded(n + "_storage_offset",
                                 f"node->{n}_storage_offset = {n}.storage_offset();")
        for a in self.saved_scalars:
            t = a.base + ("?" if a.optional else "")
            n = a.name
            if t == "int[]":
                st = f"node->{n} = {n}.vec();"
            elif t == "int[]?":
                st = f"if ({n}) node->{n} = {n}->vec();"
            elif t == "str?":
                st = f"if ({n}) node->{n} = std::string(*{n});"
            else:
                st = f"node->{n} = {n};"
            out += self._guarded(n, st)
        return out

    def finish_node(self, outs):
        """Statements after the op: save outputs, attach history to differentiable outputs."""
        out = [f"    node->set_num_outputs({len(outs)});"]
        differentiable = self.e.get("output_differentiability", [True] * len(outs))
        for i, (n, expr) in enumerate(zip(self.out_names, outs)):
            if not differentiable[i]:
                continue  # no history: a gradient for it could not flow anywhere
            out.append(f"    if ({expr}.is_floating_point() || {expr}.is_complex()) "
                       f"autograd::set_history({expr}, node, {i});")
        if self.s.returns[0].alias == "a":
            out.append(f"    autograd::mark_view({outs[0]}, self);")
        # Outputs are saved after they got their history, so double backward sees it. They are
        # saved whenever the node exists, as torch does (its should_compute_output guards cover
        # saved inputs only), so writing into an output raises where torch raises.
        for n, expr in zip(self.out_names, outs):
            if n in self.saved_outputs:
                out.append(f"    node->{n}_ = autograd::SavedVariable({expr}, true, node);")
        return out


ENTRY_KEYS = {"func", "variants", "out_impl", "impl", "kernel", "backward", "node", "test",
              "python", "composite", "output_differentiability"}
VARIANTS = {"function", "method", "inplace", "out"}
# kernel kind -> (runner in src/ops/functors/loops-inl.h, integer inputs computed in float,
# or "bool": a predicate whose result is stored as bool)
KERNEL_KINDS = {"unary": ("Unary", False), "unary_float": ("Unary", True),
                "unary_bool": ("Unary", "bool"), "binary": ("Binary", False),
                "binary_float": ("Binary", True), "binary_bool": ("Binary", "bool"),
                "ternary": ("Ternary", False)}


def check_entry(e):
    """Refuses what the generator would otherwise ignore: unknown keys, variants, kernels."""
    where = e.get("func", "<entry without func>")
    unknown = set(e) - ENTRY_KEYS
    if unknown:
        sys.exit(f"ops.yaml: {where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(ENTRY_KEYS)}")
    bad = set(e.get("variants", [])) - VARIANTS
    if bad:
        sys.exit(f"ops.yaml: {where}: unknown variant(s) {sorted(bad)}")
    if "kernel" in e:
        m = re.fullmatch(r"(\w+)\((\w+)\)", str(e["kernel"]))
        if not m or m.group(1) not in KERNEL_KINDS:
            sys.exit(f"ops.yaml: {where}: kernel must be one of {sorted(KERNEL_KINDS)}(Functor)")
        if "impl" in e:
            sys.exit(f"ops.yaml: {where}: kernel and impl exclude each other")
    elif "out_impl" not in e and "impl" not in e:
        sys.exit(f"ops.yaml: {where}: needs kernel, out_impl or impl")


class Op:
    """One table entry being emitted: its schema, variants and C++ signature pieces."""

    def __init__(self, e, s, variants, no_default_upto=-1):
        self.e, self.s, self.variants = e, s, variants
        self.ret = cpp_return(s)
        self.params_d, self.names = cpp_params(s, True, no_default_upto=no_default_upto)
        self.params, _ = cpp_params(s, False)
        self.call_args = ", ".join(self.names)
        # impl + out_impl: the function calls impl, the out= variant out_impl (factories).
        self.structured = ("out_impl" in e and "impl" not in e) or "kernel" in e
        self.native = None
        self.ag = None


class Gen:
    def __init__(self, entries):
        self.entries = entries
        self.kernels = []  # (runner, functor), in table order, unique
        self.kernel_ops = []  # generated native out functions of `kernel:` entries
        self.decls, self.native, self.methods = [], [], []
        # Definitions per op family (the table's `# ---- family ----` sections), one generated
        # source file each.
        self.nodes, self.defs, self.method_defs = {}, {}, {}
        self.family = None
        self.py = PyBindings()

    def run(self, families):
        base = {}  # name -> the schema of its default (unnamed) overload
        for e in self.entries:
            s0 = parse_schema(e["func"])
            if not s0.overload:
                base.setdefault(s0.name, s0)
        self.base_overloads = base
        for e, family in zip(self.entries, families):
            self.family = family
            check_entry(e)
            s = parse_schema(e["func"])
            e["_schema"] = s
            variants = e.get("variants", ["function"])
            self.emit(e, s, variants)

    def overload_default_cut(self, s):
        """libtorch's rule for a named overload beside the default one (conv2d.padding beside
        conv2d): the arguments up to the first whose type differs lose their C++ defaults, so
        a call that fits both (conv2d(x, w, b)) picks the default overload unambiguously."""
        b = self.base_overloads.get(s.name)
        if not s.overload or b is None or b is s:
            return -1
        for i, a in enumerate(s.args):
            if i >= len(b.args) or b.args[i].type != a.type:
                return i
        return -1

    def emit(self, e, s, variants):
        """One entry: its autograd node, then each variant it asks for."""
        op = Op(e, s, variants, self.overload_default_cut(s))
        kernel_native = self.kernel_op(e, s) if "kernel" in e else None
        op.native = e.get("impl") or e.get("out_impl") or kernel_native
        op.ag = Autograd(s, e) if e.get("backward") else None
        if op.ag:
            self.nodes.setdefault(self.family, []).append(op.ag.node_class())
        body = self.function_body(op)
        # An inference tensor cannot be written in place outside inference mode: refused before
        # the kernel runs (torch's error; StorageImpl::check_write).
        written = [a.name for a in s.args if a.type == "Tensor" and (a.alias or "").endswith("!")]
        body = "".join(f"  {n}.unsafeGetTensorImpl()->storage()->check_write();\n"
                       for n in written) + body
        if "function" in variants:
            self.emit_function(op, body)
        else:
            # Method-only ops still record autograd: the method calls this hidden function.
            self.defs.setdefault(self.family, []).append(
                f"namespace method_impl {{\n{op.ret} {s.name}({', '.join(op.params)}) {{\n"
                f"{body}\n}}\n}}  // namespace method_impl")
        if "out" in variants:
            self.emit_multi_out(op) if len(s.returns) > 1 else self.emit_out(op)
        if "method" in variants and any(a.name == "self" for a in s.args):
            self.emit_method(op)
        if "inplace" in variants:
            self.emit_inplace(op)

    def function_body(self, op):
        """The body of the op's C++ function: autograd recording around the native call."""
        s, e, ag, native, call_args = op.s, op.e, op.ag, op.native, op.call_args
        if op.structured:
            self.native.append(f"void {native}(Tensor& out, {', '.join(op.params)});")
            call = f"native::{native}(out, {call_args});"
            outs = ["out"]
            body_ret = "  return out;"
            decl_out = "  Tensor out;\n"
        else:
            self.native.append(f"{op.ret} {native}({', '.join(op.params)});")
            call = f"auto res = native::{native}({call_args});"
            n_out = len(s.returns)
            outs = ["res"] if n_out == 1 else [f"std::get<{i}>(res)" for i in range(n_out)]
            body_ret = "  return res;"
            decl_out = ""
        if e.get("composite"):
            # Composites run at the caller's depth, as torch's CompositeImplicitAutograd ops go
            # through the in-place/view layer: their parts' in-place calls bump (and record).
            return f"  return native::{native}({call_args});" if not op.structured else \
                f"{decl_out}  {call}\n{body_ret}"
        if ag:
            head = [f"  const bool rg = GradMode::is_enabled() && ({ag.rg_expr()});",
                    f"  std::shared_ptr<autograd::generated::{ag.cls}> node;",
                    "  if (rg) {"] + ag.make_node() + ["  }"]
            if op.structured:
                run = ["  Tensor out;", "  {", "    detail::OpGuard guard;", f"    {call}", "  }"]
            else:
                run = ["  auto res = [&] {", "    detail::OpGuard guard;",
                       f"    return native::{native}({call_args});", "  }();"]
            tail = ["  if (rg) {"] + ag.finish_node(outs) + ["  }"]
            if s.returns[0].alias == "a":
                # Views are tracked even without history, so an in-place op on them later can
                # rebase their base (buf[0:2].add_(x) makes buf depend on x).
                tail += [f"  else if (GradMode::is_enabled()) autograd::mark_view({outs[0]}, self);"]
            return "\n".join(head + run) + "\n" + "\n".join(tail + [body_ret])
        if op.structured:
            return f"{decl_out}  detail::OpGuard guard;\n  {call}\n{body_ret}"
        if any(a.name == "self" and (a.alias or "").endswith("!") for a in s.args):
            # a fill without a formula (the random fills): the values no longer depend on what
            # self held, so its previous history gets a zero gradient (torch's zeros_like(grad))
            node = "".join(w.capitalize() for w in s.name.rstrip("_").split("_")) + "Backward0"
            return (f'  autograd::check_inplace(self, "{s.name}");\n'
                    f"  {{\n    detail::OpGuard guard;\n    native::{native}({call_args});\n"
                    f"  }}\n  self.unsafeGetTensorImpl()->storage()->bump_version();\n"
                    f'  autograd::set_zero_gradient_history(self, "{node}");\n  return self;')
        if has_tensor_options(s):
            return (f"  detail::OpGuard guard;\n  Tensor r = native::{native}({call_args});\n"
                    f"  if (options.requires_grad()) r.requires_grad_(true);\n  return r;")
        return f"  detail::OpGuard guard;\n  return native::{native}({call_args});"

    def emit_function(self, op, body):
        s, ret, params, params_d = op.s, op.ret, op.params, op.params_d
        defs = self.defs.setdefault(self.family, [])
        gen = [a for a in s.args if a.base == "Generator"]
        if gen:
            # libtorch spelling: the generator is a required argument of one overload, and
            # another overload omits it (so randn({3}, kFloat) resolves).
            params_d = [p.replace(" = std::nullopt", "") if p.startswith("std::optional<Generator>")
                        else p for p in params_d]
            no_gen_d = [p for p in params_d if not p.startswith("std::optional<Generator>")]
            no_gen = [p for p in params if not p.startswith("std::optional<Generator>")]
            fwd = ", ".join("std::nullopt" if n == gen[0].name else n for n in op.names)
            self.decls.append(f"/// torch.{s.name}\n{ret} {s.name}({', '.join(no_gen_d)});")
            defs.append(f"{ret} {s.name}({', '.join(no_gen)}) {{\n  return {s.name}({fwd});\n}}")
        self.decls.append(f"/// torch.{s.name}\n{ret} {s.name}({', '.join(params_d)});")
        defs.append(f"{ret} {s.name}({', '.join(params)}) {{\n{body}\n}}")
        if python_options(op.e) is not None:
            self.py.add("function", s.name, s, op.e)

    def emit_out(self, op):
        s, ag = op.s, op.ag
        native = op.native
        if not op.structured:
            if "out_impl" not in op.e:
                sys.exit(f"ops.yaml: {s.name}: an out variant needs out_impl or kernel")
            native = op.e["out_impl"]
            self.native.append(f"void {native}(Tensor& out, {', '.join(op.params)});")
        od = ["Tensor& out"] + op.params_d
        self.decls.append(f"/// torch.{s.name}(..., out=out)\nTensor& {s.name}_out({', '.join(od)});")
        rg_check = ""
        if ag:
            rg_check = (f"  TORSH_CHECK(!(GradMode::is_enabled() && ({ag.rg_expr()})), "
                        f'"{s.name}(): functions with out=... arguments don\'t support automatic '
                        f'differentiation, but one of the arguments requires grad.");\n')
        self.defs.setdefault(self.family, []).append(
            f"Tensor& {s.name}_out({', '.join(['Tensor& out'] + op.params)}) {{\n{rg_check}"
            f"  out.unsafeGetTensorImpl()->storage()->check_write();\n"
            f"  {{\n    detail::OpGuard guard;\n    native::{native}(out, {op.call_args});\n  }}\n"
            f"  out.unsafeGetTensorImpl()->storage()->bump_version();\n  return out;\n}}")

    def emit_multi_out(self, op):
        """name_out(Tensor& values, Tensor& indices, ...) of a multi-output op (libtorch's
        spelling): the function's results written into the given tensors (write_result_out:
        the result's dtype, resized, no aliased elements)."""
        s, ag = op.s, op.ag
        names = [r.name for r in s.returns]
        if not all(names) or set(names) & set(op.names):
            sys.exit(f"ops.yaml: {s.name}: an out variant of several results needs named "
                     "returns that are not also argument names")
        outs = [f"Tensor& {n}" for n in names]
        ret = f"std::tuple<{', '.join(['Tensor&'] * len(names))}>"
        self.decls.append(f"/// torch.{s.name}(..., out=({', '.join(names)}))\n"
                          f"{ret} {s.name}_out({', '.join(outs + op.params_d)});")
        rg_check = ""
        if ag:
            rg_check = (f"  TORSH_CHECK(!(GradMode::is_enabled() && ({ag.rg_expr()})), "
                        f'"{s.name}(): functions with out=... arguments don\'t support automatic '
                        f'differentiation, but one of the arguments requires grad.");\n')
        writes = "".join(f'  native::write_result_out("{s.name}", {n}, std::get<{i}>(res));\n'
                         for i, n in enumerate(names))
        self.defs.setdefault(self.family, []).append(
            f"{ret} {s.name}_out({', '.join(outs + op.params)}) {{\n{rg_check}"
            f"  auto res = [&] {{\n    detail::OpGuard guard;\n"
            f"    return native::{op.native}({op.call_args});\n  }}();\n{writes}"
            f"  return {ret}({', '.join(names)});\n}}")

    def emit_method(self, op):
        s, variants = op.s, op.variants
        mp_d, _ = cpp_params(s, True, skip_self=True)
        mp, _ = cpp_params(s, False, skip_self=True)
        fn = s.name if "function" in variants else None
        self.methods.append(f"{op.ret} {s.name}({', '.join(mp_d)}) const;")
        this = "*this"
        if any(a.name == "self" and (a.alias or "").endswith("!") for a in s.args):
            this = "const_cast<Tensor&>(*this)"
        call = ", ".join(this if n == "self" else n for n in op.names)
        mbody = f"return torsh::{fn}({call});" if fn else f"return torsh::method_impl::{s.name}({call});"
        self.method_defs.setdefault(self.family, []).append(
            f"{op.ret} Tensor::{s.name}({', '.join(mp)}) const {{\n  {mbody}\n}}")
        if python_options(op.e) is not None:
            self.py.add("method", s.name, s, op.e)

    def emit_inplace(self, op):
        s, ag = op.s, op.ag
        assert op.structured, s.name
        mp_d, _ = cpp_params(s, True, skip_self=True)
        mp, mnames = cpp_params(s, False, skip_self=True)
        name = s.name + "_"
        self.methods.append(f"Tensor& {name}({', '.join(mp_d)}) const;")
        call = ", ".join(["self"] + mnames)
        lines = [f"Tensor& Tensor::{name}({', '.join(mp)}) const {{",
                 "  Tensor& self = const_cast<Tensor&>(*this);",
                 "  self.unsafeGetTensorImpl()->storage()->check_write();"]
        if ag:
            lines += [f"  const bool rg = GradMode::is_enabled() && ({ag.rg_expr()});",
                      f"  std::shared_ptr<autograd::generated::{ag.cls}> node;",
                      "  if (rg) {",
                      f'    autograd::check_inplace(self, "{name}");'] + \
                ag.make_node(inplace=True) + ["  }"]
        else:
            lines += [f'  autograd::check_inplace(self, "{name}");', "  const bool rg = false;"]
        lines += ["  {", "    detail::OpGuard guard;", f"    native::{op.native}(self, {call});",
                  "  }", "  self.unsafeGetTensorImpl()->storage()->bump_version();"]
        if ag:
            fin = ag.finish_node(["self"])
            hist = [ln for ln in fin if "set_history" in ln]
            rest = [ln for ln in fin if "set_history" not in ln]
            # An integer or bool result never joins the graph, a view's base included.
            lines += ["  if (rg) {",
                      "    if ((self.is_floating_point() || self.is_complex()) &&",
                      "        !autograd::rebase_view(self, node)) {"] + \
                ["  " + ln for ln in hist] + ["    }"] + rest + ["  }"]
        else:
            lines += ["  (void)rg;"]
        lines += ["  return self;", "}"]
        self.method_defs.setdefault(self.family, []).append("\n".join(lines))
        if python_options(op.e) is not None:
            self.py.add("inplace", name, s, op.e)

    def kernel_op(self, e, s):
        """Registers the entry's functor kernel; writes its native out function unless an
        out_impl (which calls the kernel itself, after its own checks) is given."""
        kind, functor = re.fullmatch(r"(\w+)\((\w+)\)", e["kernel"]).groups()
        runner, to_float = KERNEL_KINDS[kind]
        if (runner, functor) not in self.kernels:
            self.kernels.append((runner, functor))
        if "out_impl" in e:
            return None
        if runner == "Ternary":
            sys.exit(f"ops.yaml: {e['func']}: a ternary kernel is run by its out_impl")
        name = s.name + ("_" + s.overload if s.overload else "") + "_out"
        tensors = [a.name for a in s.args if a.base == "Tensor"]
        want = 1 if runner == "Unary" else 2
        if len(tensors) != want or len(s.args) != want:
            sys.exit(f"ops.yaml: {e['func']}: a {kind} kernel takes exactly {want} tensor(s)")
        params = ", ".join(f"const Tensor& {t}" for t in tensors)
        fn = f"detail::KernelId::{runner}_{functor}"
        if to_float == "bool":
            call = (f'detail::{runner.lower()}_bool_op("{s.name}", out, {", ".join(tensors)}, {fn})')
        elif runner == "Unary":
            call = f'detail::unary_op("{s.name}", out, {tensors[0]}, {str(to_float).lower()}, {fn})'
        else:
            call = (f'detail::binary_op("{s.name}", out, {tensors[0]}, {tensors[1]}, '
                    f'{str(to_float).lower()}, {fn})')
        self.kernel_ops.append(f"void {name}(Tensor& out, {params}) {{\n  {call};\n}}")
        return name

    def kernels_header(self):
        decls = "\n".join(f"void {r}_{f}(const TensorIter& it, const KernelArgs& args);"
                          for r, f in self.kernels)
        xs = " \\\n".join(f"  X({r}, {f})" for r, f in self.kernels)
        return ("#pragma once\n// Generated: the functor kernels named by the op table's kernel: keys.\n"
                "namespace torsh::detail {\nclass TensorIter;\nstruct KernelArgs;\n"
                f"namespace kernels {{\n{decls}\n}}  // namespace kernels\n}}  // namespace torsh::detail\n"
                f"#define TORSH_FOR_EACH_KERNEL(X) \\\n{xs}\n" + self.kernel_parts())

    # The kernels are compiled in KERNEL_PARTS translation units (src/ops/functors/kernels_<k>.cpp),
    # dealt round-robin, so a parallel build shares the heaviest compile.
    KERNEL_PARTS = 4

    def kernel_parts(self):
        out = []
        for k in range(self.KERNEL_PARTS):
            part = self.kernels[k::self.KERNEL_PARTS]
            xs = "".join(f" \\\n  X({r}, {f})" for r, f in part)
            out.append(f"#define TORSH_KERNEL_PART_{k}(X){xs}\n")
        return "".join(out)


def s_variants(s):
    return s._variants


def families_of(text, n):
    """The family of each entry: the slug of the `# ---- name ----` section above it."""
    fams, cur = [], "misc"
    for line in text.splitlines():
        m = re.match(r"# ---- (.+?) -+\s*$", line)
        if m:
            cur = re.sub(r"[^a-z0-9]+", "_", m.group(1).split("(")[0].strip().lower()).strip("_")
        elif line.startswith("- func:"):
            fams.append(cur)
    if len(fams) != n:
        sys.exit(f"ops.yaml: {len(fams)} lines start with '- func:' but there are {n} entries; "
                 "every entry must begin with its func")
    return fams


def main():
    ops_yaml, out_dir = sys.argv[1], sys.argv[2]
    with open(ops_yaml) as f:
        text = f.read()
    entries = yaml.safe_load(text)
    g = Gen(entries)
    g.run(families_of(text, len(entries)))
    for e in entries:
        e["_schema"]._variants = e.get("variants", ["function"])
    inc = os.path.join(out_dir, "include", "torsh", "generated")
    os.makedirs(inc, exist_ok=True)
    files = {
        os.path.join(inc, "functions.h"):
            "#pragma once\n// Generated from ops/ops.yaml by tools/codegen/gen.py. Do not edit.\n"
            '#include <string_view>\n#include "torsh/core/tensor.h"\nnamespace torsh {\n'
            + "\n".join(g.decls) + "\n}  // namespace torsh\n",
        os.path.join(inc, "tensor_methods.h"):
            "// Generated: Tensor methods, included inside class Tensor.\n" + "\n".join(g.methods) + "\n",
        os.path.join(inc, "native.h"):
            "#pragma once\n// Generated: the hand-written kernels' entry points.\n"
            '#include <string_view>\n#include "torsh/core/tensor.h"\nnamespace torsh::native {\n'
            "/// out = r for the out= variants of multi-output ops: r's dtype, resized, no\n"
            "/// aliased elements (src/ops/shape.cpp).\n"
            "void write_result_out(const char* op, Tensor& out, const Tensor& r);\n"
            + "\n".join(g.native) + "\n}  // namespace torsh::native\n",
        os.path.join(out_dir, "python_functions.cpp"): g.py.source(),
        os.path.join(inc, "kernels.h"): g.kernels_header(),
        os.path.join(out_dir, "kernel_ops.cpp"):
            '// Generated: native out functions of the table\'s kernel: entries.\n'
            '#include "ops/functors/kernels.h"\n#include "torsh/generated/kernels.h"\n'
            '#include "torsh/generated/native.h"\nnamespace torsh::native {\n'
            + "\n".join(g.kernel_ops) + "\n}  // namespace torsh::native\n",
    }
    family_sources = []
    for fam in dict.fromkeys(list(g.nodes) + list(g.defs) + list(g.method_defs)):
        path = os.path.join(out_dir, f"functions_{fam}.cpp")
        family_sources.append(path)
        files[path] = (
            f"// Generated from ops/ops.yaml (family: {fam}). Do not edit.\n"
            "#include <algorithm>\n#include <array>\n"
            '#include "torsh/generated/functions.h"\n'
            '#include "torsh/generated/native.h"\n#include "torsh/autograd/node.h"\n'
            '#include "torsh/core/grad_mode.h"\n#include "torsh/ops.h"\n#include "autograd/formulas.h"\n'
            "namespace torsh::autograd::generated {\nusing namespace torsh::autograd::formulas;\n"
            + "\n".join(g.nodes.get(fam, [])) + "\n}  // namespace torsh::autograd::generated\n"
            "namespace torsh {\n" + "\n".join(g.defs.get(fam, [])) + "\n"
            + "\n".join(g.method_defs.get(fam, [])) + "\n}  // namespace torsh\n")
    # CMake reads the list at configure time (ops.yaml is a configure dependency).
    files[os.path.join(out_dir, "sources.cmake")] = (
        "# Generated: the op families' sources.\nset(TORSH_GEN_FAMILY_SOURCES\n"
        + "".join(f"  ${{GEN_DIR}}/{os.path.basename(p)}\n" for p in family_sources) + ")\n")
    for path, text in files.items():
        old = open(path).read() if os.path.exists(path) else None
        if old != text:
            with open(path, "w") as f:
                f.write(text)


if __name__ == "__main__":
    main()
