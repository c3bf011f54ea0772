// Matches Python arguments against the op table's signatures (one entry point per name).
#include <pybind11/numpy.h>

#include <sstream>

#include "bindings.h"

namespace torsh::python {

namespace {
std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Param parse_param(const std::string& text, bool kwonly) {
  Param p;
  p.kwonly = kwonly;
  std::string decl = text, def;
  if (auto eq = text.find('='); eq != std::string::npos) {
    decl = trim(text.substr(0, eq));
    def = trim(text.substr(eq + 1));
    p.has_default = true;
  }
  auto sp = decl.rfind(' ');
  std::string type = decl.substr(0, sp);
  p.name = decl.substr(sp + 1);
  if (!type.empty() && type.back() == '?') {
    p.optional = true;
    type.pop_back();
  }
  if (auto lb = type.find('['); lb != std::string::npos) {
    std::string n = type.substr(lb + 1, type.find(']') - lb - 1);
    p.fixed_len = n.empty() ? 0 : std::stoi(n);
    type = type.substr(0, lb) + "[]";
  }
  p.type_name = type;
  static const std::pair<const char*, Param::Kind> kinds[] = {{"Tensor", Param::kTensor},
                                                              {"Tensor[]", Param::kTensorList},
                                                              {"Tensor?[]", Param::kOptTensorList},
                                                              {"Scalar", Param::kScalar},
                                                              {"int", Param::kInt},
                                                              {"int[]", Param::kIntList},
                                                              {"SymInt[]", Param::kIntList},
                                                              {"float", Param::kFloat},
                                                              {"bool", Param::kBool},
                                                              {"str", Param::kStr},
                                                              {"ScalarType", Param::kScalarType},
                                                              {"Generator", Param::kGenerator}};
  for (auto& [n, k] : kinds)
    if (type == n) p.kind = k;
  if (p.has_default) {
    if (def == "None") {
      p.default_none = true;
    } else if (def == "True" || def == "False") {
      p.def_bool = def == "True";
      p.def_scalar = Scalar(p.def_bool);
    } else if (def.front() == '[') {
      std::stringstream ss(def.substr(1, def.size() - 2));
      std::string item;
      while (std::getline(ss, item, ','))
        if (!trim(item).empty()) p.def_list.push_back(std::stoll(trim(item)));
    } else if (def.front() == '"' || def.front() == '\'') {
      p.def_str = def.substr(1, def.size() - 2);
    } else if (def.find_first_of(".e") != std::string::npos && p.kind != Param::kScalarType) {
      p.def_double = std::stod(def);
      p.def_scalar = Scalar(p.def_double);
    } else if (p.kind != Param::kScalarType) {
      p.def_int = std::stoll(def);
      p.def_double = static_cast<double>(p.def_int);
      p.def_scalar = Scalar(p.def_int);
      if (p.fixed_len > 0) p.def_list.assign(static_cast<size_t>(p.fixed_len), p.def_int);
    }
  }
  return p;
}

bool is_tensor(py::handle h) { return py::isinstance<Tensor>(h); }

bool matches(const Param& p, py::handle h, bool strict) {
  if (h.is_none()) return p.optional || p.kind == Param::kAny;
  switch (p.kind) {
    case Param::kTensor:
      return is_tensor(h) || (!strict && is_number(h));
    case Param::kTensorList: {
      if (!py::isinstance<py::list>(h) && !py::isinstance<py::tuple>(h)) return false;
      for (auto item : h)
        if (!is_tensor(item)) return false;
      return true;
    }
    case Param::kOptTensorList: {
      if (!py::isinstance<py::list>(h) && !py::isinstance<py::tuple>(h)) return false;
      for (auto item : h)
        if (!is_tensor(item) && !item.is_none()) return false;
      return true;
    }
    case Param::kScalar:
      return is_number(h);
    case Param::kInt:
      return PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr());
    case Param::kIntList:
      return is_intlist(h, p.fixed_len);
    case Param::kFloat:
      return PyFloat_Check(h.ptr()) || (PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr()));
    case Param::kBool:
      return PyBool_Check(h.ptr());
    case Param::kStr:
      return PyUnicode_Check(h.ptr());
    case Param::kScalarType:
      return py::isinstance<PyDtype>(h);
    case Param::kGenerator:
      return py::isinstance<Generator>(h);
    case Param::kAny:
      return true;
  }
  return false;
}

std::string py_type_name(py::handle h) {
  if (is_tensor(h)) return "Tensor";
  return py::str(py::type::handle_of(h).attr("__name__"));
}
}  // namespace

bool is_number(py::handle h) {
  PyObject* o = h.ptr();
  if (PyFloat_Check(o) || PyLong_Check(o)) return true;
  if (py::isinstance<py::array>(h) || is_tensor(h) || PyUnicode_Check(o)) return false;
  return PyObject_HasAttrString(o, "__float__");
}

Scalar to_scalar(py::handle h) {
  PyObject* o = h.ptr();
  if (PyBool_Check(o)) return Scalar(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) throw ValueError("Overflow when unpacking long");
    return Scalar(static_cast<int64_t>(v));
  }
  if (PyFloat_Check(o)) return Scalar(PyFloat_AS_DOUBLE(o));
  if (is_tensor(h)) return h.cast<const Tensor&>().item();
  // As torch: numpy integers are integers; any other number (numpy bools and floats included)
  // is a double.
  static PyObject* np_integer =
      py::object(py::module_::import("numpy").attr("integer")).release().ptr();
  if (PyObject_IsInstance(o, np_integer) == 1) {
    return Scalar(static_cast<int64_t>(py::reinterpret_steal<py::int_>(PyNumber_Index(o))));
  }
  return Scalar(h.cast<double>());
}

Tensor to_tensor_arg(py::handle h) {
  if (is_tensor(h)) return h.cast<Tensor>();
  return detail::wrap_scalar(to_scalar(h));
}

bool is_intlist(py::handle h, int fixed_len) {
  PyObject* o = h.ptr();
  if (PyLong_Check(o) && !PyBool_Check(o)) return fixed_len > 0;
  if (!PyTuple_Check(o) && !PyList_Check(o)) return false;
  for (auto item : h)
    if (!PyLong_Check(item.ptr()) || PyBool_Check(item.ptr())) return false;
  return true;
}

std::vector<int64_t> to_intlist(py::handle h, int fixed_len) {
  if (PyLong_Check(h.ptr())) {
    return std::vector<int64_t>(static_cast<size_t>(std::max(fixed_len, 1)), h.cast<int64_t>());
  }
  std::vector<int64_t> r;
  for (auto item : h) r.push_back(item.cast<int64_t>());
  return r;
}

Signature::Signature(const std::string& t) : text(t) {
  auto lp = t.find('(');
  name = t.substr(0, lp);
  std::string body = t.substr(lp + 1, t.rfind(')') - lp - 1);
  bool kwonly = false;
  int depth = 0;
  std::string cur;
  auto flush = [&] {
    std::string s = trim(cur);
    cur.clear();
    if (s.empty()) return;
    if (s == "*") {
      kwonly = true;
      return;
    }
    params.push_back(parse_param(s, kwonly));
  };
  for (char c : body) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == ',' && depth == 0) {
      flush();
    } else {
      cur += c;
    }
  }
  flush();
}

bool Signature::bind(const py::args& args, const py::kwargs& kwargs, py::handle* out,
                     bool strict) const {
  const size_t np = params.size();
  const size_t nargs = args.size();
  for (size_t i = 0; i < np; ++i) out[i] = py::handle();
  size_t ai = 0;
  for (size_t i = 0; i < np && ai < nargs; ++i) {
    if (params[i].kwonly) return false;
    if (i == 0 && params[0].kind == Param::kIntList && PyLong_Check(args[0].ptr()) &&
        !PyBool_Check(args[0].ptr()) && (nargs > 1 ? true : params[0].fixed_len == 0)) {
      // Gather leading ints into the list when the rest of the call still binds.
      size_t k = 0;
      while (k < nargs && PyLong_Check(args[k].ptr()) && !PyBool_Check(args[k].ptr())) ++k;
      if (k == nargs) {
        out[0] = args;
        ai = k;
        continue;
      }
    }
    out[i] = args[ai++];
  }
  if (ai < nargs) return false;
  if (kwargs) {
    for (auto item : kwargs) {
      std::string key = py::str(item.first);
      bool found = false;
      for (size_t i = 0; i < np; ++i) {
        if (params[i].name == key) {
          if (out[i]) return false;
          out[i] = item.second;
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
  }
  for (size_t i = 0; i < np; ++i) {
    if (!out[i]) {
      if (!params[i].has_default && !params[i].optional) return false;
      continue;
    }
    if (!matches(params[i], out[i], strict)) return false;
  }
  return true;
}

SignatureGroup::SignatureGroup(std::string name, std::vector<Signature> sigs)
    : name_(std::move(name)), sigs_(std::move(sigs)) {
  // As in torch, only arithmetic and comparison ops take a Python number for a Tensor.
  static const char* const kNumbersAsTensors[] = {
      "add", "add_", "sub", "sub_", "mul", "mul_", "div", "div_", "pow", "pow_", "eq",
      "eq_", "ne",   "ne_", "lt",   "lt_", "le",   "le_", "gt",   "gt_", "ge",   "ge_"};
  for (const char* n : kNumbersAsTensors)
    if (name_ == n) numbers_as_tensors_ = true;
}

int SignatureGroup::parse(const py::args& args, const py::kwargs& kwargs, ParsedArgs& out) const {
  for (int strict = 1; strict >= (numbers_as_tensors_ ? 0 : 1); --strict) {
    for (size_t k = 0; k < sigs_.size(); ++k) {
      if (sigs_[k].bind(args, kwargs, out.vals, strict == 1)) {
        out.sig = &sigs_[k];
        return static_cast<int>(k);
      }
    }
  }
  std::string got = "(";
  for (size_t i = 0; i < args.size(); ++i) got += (i ? ", " : "") + py_type_name(args[i]);
  if (kwargs) {
    for (auto item : kwargs) {
      got += (got.size() > 1 ? ", " : "") + std::string(py::str(item.first)) + "=" +
             py_type_name(item.second);
    }
  }
  got += ")";
  std::string msg = name_ + "() received an invalid combination of arguments - got " + got +
                    ", but expected one of:";
  for (const auto& s : sigs_) msg += "\n * " + s.text.substr(s.text.find('('));
  throw TypeError(msg);
}

Tensor ParsedArgs::tensor(int i) const {
  TORSH_CHECK_TYPE(!is_none(i), sig->name, "(): argument '", sig->params[i].name,
                   "' must be Tensor, not None");
  return to_tensor_arg(vals[i]);
}
std::optional<Tensor> ParsedArgs::optional_tensor(int i) const {
  if (is_none(i)) return std::nullopt;
  return to_tensor_arg(vals[i]);
}
std::vector<Tensor> ParsedArgs::tensorlist(int i) const {
  std::vector<Tensor> r;
  for (auto item : vals[i]) r.push_back(item.cast<Tensor>());
  return r;
}
OptionalTensorList ParsedArgs::optional_tensorlist(int i) const {
  OptionalTensorList r;
  for (auto item : vals[i]) {
    if (item.is_none()) {
      r.emplace_back(std::nullopt);
    } else {
      r.emplace_back(item.cast<Tensor>());
    }
  }
  return r;
}
Scalar ParsedArgs::scalar(int i) const {
  if (is_none(i)) return sig->params[i].def_scalar;
  return to_scalar(vals[i]);
}
std::optional<Scalar> ParsedArgs::optional_scalar(int i) const {
  if (is_none(i)) return std::nullopt;
  return to_scalar(vals[i]);
}
int64_t ParsedArgs::int64(int i) const {
  if (is_none(i)) return sig->params[i].def_int;
  return vals[i].cast<int64_t>();
}
std::optional<int64_t> ParsedArgs::optional_int64(int i) const {
  if (is_none(i)) return std::nullopt;
  return vals[i].cast<int64_t>();
}
IntArrayRef ParsedArgs::intlist(int i) {
  lists_[i] = is_none(i) ? sig->params[i].def_list : to_intlist(vals[i], sig->params[i].fixed_len);
  return lists_[i];
}
OptionalIntArrayRef ParsedArgs::optional_intlist(int i) {
  if (is_none(i)) return std::nullopt;
  return intlist(i);
}
double ParsedArgs::to_double(int i) const {
  if (is_none(i)) return sig->params[i].def_double;
  return vals[i].cast<double>();
}
std::optional<double> ParsedArgs::optional_double(int i) const {
  if (is_none(i)) return std::nullopt;
  return vals[i].cast<double>();
}
bool ParsedArgs::to_bool(int i) const {
  if (is_none(i)) return sig->params[i].def_bool;
  return vals[i].ptr() == Py_True;
}
std::optional<bool> ParsedArgs::optional_bool(int i) const {
  if (is_none(i)) return std::nullopt;
  return vals[i].ptr() == Py_True;
}
std::string_view ParsedArgs::string(int i) {
  strs_[i] = is_none(i) ? sig->params[i].def_str : vals[i].cast<std::string>();
  return strs_[i];
}
std::optional<std::string_view> ParsedArgs::optional_string(int i) {
  if (is_none(i)) return std::nullopt;
  return string(i);
}
ScalarType ParsedArgs::scalartype(int i) const { return vals[i].cast<PyDtype>().type; }
std::optional<ScalarType> ParsedArgs::optional_scalartype(int i) const {
  if (is_none(i)) return std::nullopt;
  return scalartype(i);
}
std::optional<Generator> ParsedArgs::generator(int i) const {
  if (is_none(i)) return std::nullopt;
  return vals[i].cast<Generator>();
}
TensorOptions ParsedArgs::options(int dtype_i, int device_i, int requires_grad_i) const {
  TensorOptions o;
  if (!is_none(dtype_i)) o = o.dtype(scalartype(dtype_i));
  if (!is_none(device_i)) o = o.device(placement_device(vals[device_i]));
  if (!is_none(requires_grad_i)) o = o.requires_grad(to_bool(requires_grad_i));
  return o;
}

}  // namespace torsh::python
