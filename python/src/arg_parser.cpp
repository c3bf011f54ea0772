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
  p.py_name = PyUnicode_InternFromString(p.name.c_str());  // kept for the process's life
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
  static const std::pair<const char*, Param::Kind> kinds[] = {
      {"Tensor", Param::kTensor},
      {"Tensor[]", Param::kTensorList},
      {"Tensor?[]", Param::kOptTensorList},
      {"Scalar", Param::kScalar},
      {"int", Param::kInt},
      {"int[]", Param::kIntList},
      {"SymInt[]", Param::kIntList},
      {"float", Param::kFloat},
      {"float[]", Param::kFloatList},
      {"bool", Param::kBool},
      {"str", Param::kStr},
      {"ScalarType", Param::kScalarType},
      {"Generator", Param::kGenerator},
      {"MemoryFormat", Param::kMemoryFormat}};
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

bool is_tensor(py::handle h) { return peek_tensor(h.ptr()) != nullptr; }

// A 0-dim tensor that does not require grad: torch's parser takes it for a number parameter.
bool is_scalar_tensor(py::handle h) {
  const Tensor* t = peek_tensor(h.ptr());
  return t && t->dim() == 0 && !t->requires_grad();
}

// strict: numbers do not stand for tensors, nor 0-dim integer tensors for ints (pass 2 takes
// the latter, pass 3 both), so that an overload taking the tensor as a tensor wins, as in torch.
bool matches(const Param& p, py::handle h, int strict) {
  // torch also reads None as the default of an int list that has one (amax(t, None)).
  if (h.is_none())
    return p.optional || p.kind == Param::kAny || (p.kind == Param::kIntList && p.has_default);
  switch (p.kind) {
    case Param::kTensor:
      return is_tensor(h) || (strict == 0 && is_number(h));
    case Param::kTensorList: {
      if (!py::isinstance<py::list>(h) && !py::isinstance<py::tuple>(h)) return false;
      for (auto item : h)
        if (!is_tensor(item)) return false;
      return true;
    }
    case Param::kOptTensorList: {
      // torch's Python API takes tensors only here (None is for subscripts, not index_put).
      if (!py::isinstance<py::list>(h) && !py::isinstance<py::tuple>(h)) return false;
      for (auto item : h)
        if (!is_tensor(item)) return false;
      return true;
    }
    case Param::kScalar:  // torch also takes a 0-dim tensor that does not require grad
      return is_number(h) || (strict < 2 && is_scalar_tensor(h));
    case Param::kInt:
      return strict == 2 ? is_py_int(h.ptr()) : is_int_arg(h.ptr());
    case Param::kIntList:
      return is_intlist(h, p.fixed_len);
    case Param::kFloat:  // torch takes a bool as a float (not as an int), and a 0-dim tensor
      return PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr()) || is_np_scalar(h.ptr(), false) ||
             (strict < 2 && is_scalar_tensor(h));
    case Param::kFloatList: {  // a tuple or list of numbers (torch's ArrayRef<double>)
      if (!PyTuple_Check(h.ptr()) && !PyList_Check(h.ptr())) return false;
      for (auto item : h)
        if (!PyFloat_Check(item.ptr()) && !PyLong_Check(item.ptr()) &&
            !is_np_scalar(item.ptr(), false))
          return false;
      return true;
    }
    case Param::kBool:
      return PyBool_Check(h.ptr());
    case Param::kStr:
      return PyUnicode_Check(h.ptr());
    case Param::kScalarType:
      return is_dtype(h);
    case Param::kGenerator:
      return py::isinstance<Generator>(h);
    case Param::kMemoryFormat:
      return is_memory_format(h.ptr());
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
  if (PyFloat_Check(o) || PyLong_Check(o) || PyComplex_Check(o)) return true;
  if (py::isinstance<py::array>(h) || is_tensor(h) || PyUnicode_Check(o)) return false;
  return PyObject_HasAttrString(o, "__float__");
}

Scalar to_scalar(py::handle h) {
  PyObject* o = h.ptr();
  if (PyBool_Check(o)) return Scalar(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) throw Error("Overflow when unpacking long");
    return Scalar(static_cast<int64_t>(v));
  }
  if (PyFloat_Check(o)) return Scalar(PyFloat_AS_DOUBLE(o));
  if (PyComplex_Check(o)) {
    const Py_complex z = PyComplex_AsCComplex(o);
    return Scalar(std::complex<double>(z.real, z.imag));
  }
  if (is_tensor(h)) return h.cast<const Tensor&>().item();
  // As torch: numpy integers are integers; any other number (numpy bools and floats included)
  // is a double.
  if (is_np_scalar(o, true)) {
    return Scalar(static_cast<int64_t>(py::reinterpret_steal<py::int_>(PyNumber_Index(o))));
  }
  // numpy's complex scalars (np.complex64) are complex numbers too.
  if (PyObject_HasAttrString(o, "dtype") &&
      py::str(h.attr("dtype").attr("kind")).cast<std::string>() == "c") {
    return to_scalar(py::reinterpret_steal<py::object>(
        PyObject_CallFunctionObjArgs(reinterpret_cast<PyObject*>(&PyComplex_Type), o, nullptr)));
  }
  return Scalar(h.cast<double>());
}

Tensor to_tensor_arg(py::handle h) {
  if (const Tensor* t = peek_tensor(h.ptr())) return *t;
  return detail::wrap_scalar(to_scalar(h));
}

bool is_intlist(py::handle h, int fixed_len) {
  PyObject* o = h.ptr();
  if (is_py_int(o)) return fixed_len > 0;
  if (!PyTuple_Check(o) && !PyList_Check(o)) return false;
  for (auto item : h)
    if (!is_py_int(item.ptr())) return false;
  return true;
}

bool is_dtype(py::handle h) {
  PyObject* o = h.ptr();
  return o == reinterpret_cast<PyObject*>(&PyFloat_Type) ||
         o == reinterpret_cast<PyObject*>(&PyLong_Type) ||
         o == reinterpret_cast<PyObject*>(&PyComplex_Type) ||
         o == reinterpret_cast<PyObject*>(&PyBool_Type) || py::isinstance<PyDtype>(h);
}

ScalarType to_dtype(py::handle h) {
  PyObject* o = h.ptr();
  // As torch: Python's float, int and bool stand for float64, int64 and bool.
  if (o == reinterpret_cast<PyObject*>(&PyFloat_Type)) return kDouble;
  if (o == reinterpret_cast<PyObject*>(&PyLong_Type)) return kLong;
  if (o == reinterpret_cast<PyObject*>(&PyBool_Type)) return kBool;
  if (o == reinterpret_cast<PyObject*>(&PyComplex_Type)) return kComplexDouble;
  return h.cast<PyDtype>().type;
}

namespace {
// o as int64; false when it is beyond int64's range (other conversion errors raise).
bool fits_int64(PyObject* o, int64_t* out) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
  if (overflow) return false;
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  *out = static_cast<int64_t>(v);
  return true;
}
}  // namespace

bool is_np_scalar(PyObject* o, bool integer_only) {
  if (PyLong_Check(o) || PyFloat_Check(o) || PyTuple_Check(o) || PyList_Check(o) || o == Py_None ||
      PyUnicode_Check(o) || peek_tensor(o))
    return false;
  // Without numpy loaded there is no numpy scalar (and no reason to import it).
  static PyObject* np_name = PyUnicode_InternFromString("numpy");
  static PyObject* np_integer = nullptr;
  static PyObject* np_floating = nullptr;
  if (!np_integer) {
    PyObject* np = PyImport_GetModule(np_name);
    if (!np) {
      if (PyErr_Occurred()) throw py::error_already_set();
      return false;
    }
    PyObject* integer = PyObject_GetAttrString(np, "integer");
    PyObject* floating = integer ? PyObject_GetAttrString(np, "floating") : nullptr;
    Py_DECREF(np);
    if (!floating) {
      Py_XDECREF(integer);
      throw py::error_already_set();
    }
    np_integer = integer;
    np_floating = floating;
  }
  const auto is = [o](PyObject* type) {
    const int r = PyObject_IsInstance(o, type);
    if (r < 0) throw py::error_already_set();
    return r == 1;
  };
  return is(np_integer) || (!integer_only && is(np_floating));
}

bool is_py_int(PyObject* o) { return PyLong_Check(o) ? !PyBool_Check(o) : is_np_scalar(o, true); }

bool is_int_arg(PyObject* o) {
  if (PyLong_Check(o)) return !PyBool_Check(o);
  if (is_np_scalar(o, true)) return true;
  const Tensor* t = peek_tensor(o);
  return t && t->dim() == 0 && is_integral(t->dtype(), false);
}

int64_t to_int64(PyObject* o) {
  if (const Tensor* t = peek_tensor(o)) return t->item().to_long();
  int64_t v = 0;
  if (!fits_int64(o, &v)) throw Error("Overflow when unpacking long");
  return v;
}

double as_double(PyObject* o) {
  double v = PyFloat_AsDouble(o);
  if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

std::vector<int64_t> to_intlist(py::handle h, int fixed_len) {
  PyObject* o = h.ptr();
  if (PyLong_Check(o) || is_np_scalar(o, true)) {
    return std::vector<int64_t>(static_cast<size_t>(std::max(fixed_len, 1)), to_int64(o));
  }
  std::vector<int64_t> r;
  if (PyTuple_Check(o) || PyList_Check(o)) {
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    PyObject** items = PySequence_Fast_ITEMS(o);
    r.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) r.push_back(to_int64(items[i]));
    return r;
  }
  for (auto item : h) r.push_back(to_int64(item.ptr()));
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

bool Signature::bind(const CallArgs& c, py::handle* out, py::object& packed, int strict,
                     bool input_strict) const {
  const size_t np = params.size();
  const auto nargs = static_cast<size_t>(c.nargs);
  for (size_t i = 0; i < np; ++i) out[i] = py::handle();
  size_t ai = 0;
  for (size_t i = 0; i < np && ai < nargs; ++i) {
    if (params[i].kwonly) return false;
    PyObject* a0 = c.args[0];
    if (i == 0 && params[0].kind == Param::kIntList && is_py_int(a0) &&
        (nargs > 1 ? true : params[0].fixed_len == 0) && (np == 1 || params[1].kwonly)) {
      // Gather leading ints into the list when it is the only positional parameter (torch's
      // rule: `x.view(2, 3)`, not `x.roll(1, 0)`) and the rest of the call still binds.
      size_t k = 0;
      while (k < nargs && is_py_int(c.args[k])) ++k;
      if (k == nargs) {
        packed = py::reinterpret_steal<py::object>(PyTuple_New(static_cast<Py_ssize_t>(k)));
        for (size_t j = 0; j < k; ++j) {
          Py_INCREF(c.args[j]);
          PyTuple_SET_ITEM(packed.ptr(), static_cast<Py_ssize_t>(j), c.args[j]);
        }
        out[0] = packed;
        ai = k;
        continue;
      }
    }
    out[i] = c.args[ai++];
  }
  if (ai < nargs) return false;
  const Py_ssize_t nkw = c.kwnames ? PyTuple_GET_SIZE(c.kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    PyObject* key = PyTuple_GET_ITEM(c.kwnames, k);
    size_t i = 0;
    while (i < np && params[i].py_name != key) ++i;  // call sites intern their keywords
    if (i == np) {
      i = 0;
      while (i < np && PyUnicode_Compare(params[i].py_name, key) != 0) ++i;
      if (i == np) return false;
    }
    if (out[i]) return false;
    out[i] = c.args[c.nargs + k];
  }
  for (size_t i = 0; i < np; ++i) {
    if (!out[i]) {
      if (!params[i].has_default && !params[i].optional) return false;
      continue;
    }
    const bool strict_input = input_strict && params[i].name == "input";
    if (!matches(params[i], out[i], strict_input ? std::max(strict, 1) : strict)) return false;
  }
  return true;
}

SignatureGroup::SignatureGroup(std::string name, std::vector<Signature> sigs, Numbers numbers)
    : name_(std::move(name)), sigs_(std::move(sigs)), numbers_(numbers) {}

int SignatureGroup::parse(const CallArgs& c, ParsedArgs& out) const {
  const bool input_strict = numbers_ == Numbers::kNotInput;
  // A Scalar-self overload: some tensor operand is a tensor; no out= beside a number input.
  auto scalar_self_ok = [&](const Signature& s) {
    bool any_tensor = false, number_input = false, has_out = false;
    for (size_t i = 0; i < s.params.size(); ++i) {
      const Param& p = s.params[i];
      const py::handle v = out.vals[i];
      if (p.kind == Param::kTensor && v && !v.is_none()) {
        const bool t = is_tensor(v);
        any_tensor |= t;
        number_input |= !t && p.name == "input";
      }
      has_out |= p.name == "out" && v && !v.is_none();
    }
    return any_tensor && !(numbers_ == Numbers::kScalarSelf && has_out && number_input);
  };
  const bool one_tensor = numbers_ == Numbers::kOneTensor || numbers_ == Numbers::kScalarSelf;
  for (int strict = 2; strict >= (numbers_ != Numbers::kNo ? 0 : 1); --strict) {
    for (size_t k = 0; k < sigs_.size(); ++k) {
      if (sigs_[k].bind(c, out.vals, out.packed_, strict, input_strict) &&
          (strict > 0 || !one_tensor || scalar_self_ok(sigs_[k]))) {
        out.sig = &sigs_[k];
        return static_cast<int>(k);
      }
    }
  }
  std::string got = "(";
  for (Py_ssize_t i = 0; i < c.nargs; ++i) got += (i ? ", " : "") + py_type_name(c.args[i]);
  const Py_ssize_t nkw = c.kwnames ? PyTuple_GET_SIZE(c.kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    got += (got.size() > 1 ? ", " : "") + std::string(py::str(PyTuple_GET_ITEM(c.kwnames, k))) +
           "=" + py_type_name(c.args[c.nargs + k]);
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
  for (auto item : vals[i]) r.push_back(*peek_tensor(item.ptr()));  // bind checked each item
  return r;
}
OptionalTensorList ParsedArgs::optional_tensorlist(int i) const {
  OptionalTensorList r;
  for (auto item : vals[i]) {
    if (item.is_none()) {
      r.emplace_back(std::nullopt);
    } else {
      r.emplace_back(*peek_tensor(item.ptr()));
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
  return to_int64(vals[i].ptr());
}
std::optional<int64_t> ParsedArgs::optional_int64(int i) const {
  if (is_none(i)) return std::nullopt;
  return to_int64(vals[i].ptr());
}
namespace {
// An element of an int list: as torch, one beyond int64 makes the argument a TypeError.
int64_t list_item(PyObject* o, const Signature* sig, const Param& p, size_t pos) {
  int64_t v = 0;
  const bool fits = fits_int64(o, &v);
  // torch 1.13 parses sizes and shapes as SymInts, which keep the values below -2**62 for
  // symbols: such an int is refused there as a wrong type.
  constexpr int64_t kSymIntMin = -(int64_t(1) << 62);
  const bool symint = p.name == "size" || p.name == "shape";
  // rand, randn and randint take int[] sizes in torch 1.13, converted to SymInts later.
  const bool late = sig->name.rfind("rand", 0) == 0;
  if (fits && v < kSymIntMin && symint && late) {
    throw Error("IntArrayRef contains an int that cannot be represented as a SymInt: " +
                std::to_string(v));
  }
  if (!fits || (v < kSymIntMin && symint)) {
    throw TypeError(sig->name + "(): argument '" + p.name + "' must be tuple of " +
                    (symint ? "SymInts" : "ints") + ", but found element of type int at pos " +
                    std::to_string(pos + 1));
  }
  return v;
}
}  // namespace

IntArrayRef ParsedArgs::intlist(int i) {
  const Param& p = sig->params[i];
  if (is_none(i)) return p.def_list;
  PyObject* o = vals[i].ptr();
  const bool seq = PyTuple_Check(o) || PyList_Check(o);
  const bool single = !seq && (PyLong_Check(o) || is_np_scalar(o, true));
  const size_t n = single ? static_cast<size_t>(std::max(p.fixed_len, 1))
                   : seq  ? static_cast<size_t>(PySequence_Fast_GET_SIZE(o))
                          : 0;
  if ((single || seq) && n <= kInts - ints_used_) {
    int64_t* out = ints_ + ints_used_;
    if (single) {
      std::fill(out, out + n, to_int64(o));
    } else {
      PyObject** items = PySequence_Fast_ITEMS(o);
      for (size_t k = 0; k < n; ++k) out[k] = list_item(items[k], sig, p, k);
    }
    ints_used_ += n;
    return IntArrayRef(out, n);
  }
  lists_.push_back(to_intlist(vals[i], p.fixed_len));
  return lists_.back();
}
OptionalIntArrayRef ParsedArgs::optional_intlist(int i) {
  if (is_none(i)) return std::nullopt;
  return intlist(i);
}
double ParsedArgs::to_double(int i) const {
  if (is_none(i)) return sig->params[i].def_double;
  return as_double(vals[i].ptr());
}
std::optional<double> ParsedArgs::optional_double(int i) const {
  if (is_none(i)) return std::nullopt;
  return as_double(vals[i].ptr());
}
std::vector<double> ParsedArgs::doublelist(int i) const {
  std::vector<double> r;
  for (auto item : vals[i]) r.push_back(as_double(item.ptr()));
  return r;
}
std::optional<std::vector<double>> ParsedArgs::optional_doublelist(int i) const {
  if (is_none(i)) return std::nullopt;
  return doublelist(i);
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
  if (is_none(i)) return sig->params[i].def_str;
  // The str object outlives the call, and with it its UTF-8 buffer.
  Py_ssize_t n = 0;
  const char* d = PyUnicode_AsUTF8AndSize(vals[i].ptr(), &n);
  if (!d) throw py::error_already_set();
  return std::string_view(d, static_cast<size_t>(n));
}
std::optional<std::string_view> ParsedArgs::optional_string(int i) {
  if (is_none(i)) return std::nullopt;
  return string(i);
}
ScalarType ParsedArgs::scalartype(int i) const { return to_dtype(vals[i]); }
std::optional<ScalarType> ParsedArgs::optional_scalartype(int i) const {
  if (is_none(i)) return std::nullopt;
  return scalartype(i);
}
std::optional<Generator> ParsedArgs::generator(int i) const {
  if (is_none(i)) return std::nullopt;
  return vals[i].cast<Generator>();
}
std::optional<MemoryFormat> ParsedArgs::optional_memoryformat(int i) const {
  if (is_none(i)) return std::nullopt;
  return to_memory_format(sig->name.c_str(), vals[i].ptr());
}
void ParsedArgs::check_out_dtype(const Tensor& out, int dtype_i) const {
  if (is_none(dtype_i)) return;
  const ScalarType t = scalartype(dtype_i);
  TORSH_CHECK(t == out.dtype(), "dtype ", scalar_type_name(t),
              " does not match dtype of out parameter (", scalar_type_name(out.dtype()), ")");
}
TensorOptions ParsedArgs::options(int dtype_i, int device_i, int requires_grad_i) const {
  TensorOptions o;
  if (!is_none(dtype_i)) o = o.dtype(scalartype(dtype_i));
  if (!is_none(device_i)) o = o.device(placement_device(vals[device_i]));
  if (!is_none(requires_grad_i)) o = o.requires_grad(to_bool(requires_grad_i));
  return o;
}

}  // namespace torsh::python
