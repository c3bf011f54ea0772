// torch's __torch_function__ protocol at the C boundary. A call whose arguments include a Tensor
// subclass instance (other than one that disables the protocol, as nn.Parameter does) or any
// other object whose type defines __torch_function__, or a call made while a TorchFunctionMode
// is active, is handed to torsh.overrides._dispatch with the public API object the user called
// (torsh.add, Tensor.add, Tensor.__add__, ...). Plain tensors and numbers cost one type
// comparison each. Also Tensor.as_subclass and Tensor._make_subclass.
#include <array>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bindings.h"
#include "torsh/autograd/alias.h"

namespace torsh::python {

thread_local int g_torch_function_modes __attribute__((tls_model("initial-exec"))) = 0;

namespace {
thread_local bool t_torch_function_disabled __attribute__((tls_model("initial-exec"))) = false;
PyObject* g_disabled_impl = nullptr;  // _C._disabled_torch_function_impl
PyObject* g_tf_name = nullptr;        // interned "__torch_function__"
PyObject* g_dispatch = nullptr;       // torsh.overrides._dispatch, imported on first use

// The entry points registered by add_functions/add_methods: their names, and the builtin
// itself for names the torsh namespace does not carry.
struct Entry {
  std::string name;
  PyObject* builtin;  // a reference held for the process's life
};
std::unordered_map<void*, Entry>& entries(bool method) {
  static std::unordered_map<void*, Entry> functions, methods;
  return method ? methods : functions;
}

bool type_enables(PyTypeObject* t) {
  if (!g_tf_name) return false;
  PyObject* impl = _PyType_Lookup(t, g_tf_name);
  return impl && impl != g_disabled_impl;
}

bool is_simple(PyObject* o) {
  PyTypeObject* t = Py_TYPE(o);
  return t == g_tensor_type || t == &PyLong_Type || t == &PyFloat_Type || o == Py_None ||
         t == &PyBool_Type || t == &PyUnicode_Type || t == &PySlice_Type || o == Py_Ellipsis ||
         t == &PyComplex_Type;
}

// Whether o (or, for a list or tuple, one of its items) takes part in the protocol.
bool takes_part(PyObject* o) {
  if (is_simple(o)) return false;
  if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) {
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    PyObject** items = PySequence_Fast_ITEMS(o);
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (!is_simple(items[i]) && !PyList_CheckExact(items[i]) && !PyTuple_CheckExact(items[i]) &&
          type_enables(Py_TYPE(items[i]))) {
        return true;
      }
    }
    return false;
  }
  return type_enables(Py_TYPE(o));
}

py::object dispatcher() {
  if (!g_dispatch) {
    py::object f = py::module_::import("torsh.overrides").attr("_dispatch");
    g_dispatch = f.release().ptr();
  }
  return py::reinterpret_borrow<py::object>(g_dispatch);
}

py::object tensor_class() {
  return py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(g_tensor_type));
}

// A new Python object of type cls (a subclass of Tensor) owning t.
py::object wrap_as(Tensor t, py::handle cls) {
  if (!PyType_Check(cls.ptr())) {
    throw TypeError(detail::str_cat("cls must be a type (got ", Py_TYPE(cls.ptr())->tp_name, ")"));
  }
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  TORSH_CHECK(PyType_IsSubtype(type, g_tensor_type),
              "Creating a Tensor subclass from a class that does not inherit from Tensor is not "
              "possible. Make sure your class inherits from Tensor.");
  TensorImpl* impl = t.unsafeGetTensorImpl();
  auto value = std::make_unique<Tensor>(std::move(t));
  Tensor* raw = value.get();
  PyObject* self = new_instance(type, raw, std::move(value), false);
  if (!self) {
    throw Error(
        detail::str_cat("as_subclass(): ", type->tp_name, " does not have Tensor's layout"));
  }
  impl->set_pyobj(self);
  return py::reinterpret_steal<py::object>(self);
}
// self (a method's) first, then the positional values; the keyword values as a dict.
std::pair<py::tuple, py::dict> pack_call(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                                         PyObject* kwnames) {
  const Py_ssize_t lead = self ? 1 : 0;
  py::tuple call_args(nargs + lead);
  if (self) call_args[0] = py::reinterpret_borrow<py::object>(self);
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    call_args[i + lead] = py::reinterpret_borrow<py::object>(args[i]);
  }
  py::dict kwargs;
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    kwargs[PyTuple_GET_ITEM(kwnames, i)] = py::reinterpret_borrow<py::object>(args[nargs + i]);
  }
  return {std::move(call_args), std::move(kwargs)};
}

// The Tensor class's own attribute `name` (no instance binding): a method or a descriptor.
py::object class_attr(const char* name) {
  PyObject* a = PyDict_GetItemString(g_tensor_type->tp_dict, name);
  if (!a) throw Error(detail::str_cat("__torch_function__: Tensor has no attribute ", name));
  return py::reinterpret_borrow<py::object>(a);
}

// Every entry of the protocol: the public API object (api(), looked up only now), then
// torsh.overrides._dispatch(api, (self, *args), kwargs); Python's error on failure.
template <typename Api>
PyObject* dispatch_with(Api api, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames) {
  try {
    py::object func = api();
    auto [call_args, kwargs] = pack_call(self, args, nargs, kwnames);
    return dispatcher()(func, call_args, kwargs).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

// Tensor attributes defined outside the generated entry points (pybind11 methods, methods
// written in Python, properties) are wrapped in a trampoline: a method descriptor that checks
// the call for the protocol and otherwise calls the original with self first. One template
// instance per wrapped attribute, the original and name kept in a table.
struct Wrapped {
  PyObject* original = nullptr;
  std::string name;
  bool property = false;
  PyMethodDef def{};
};
constexpr int kMaxWrapped = 384;
Wrapped g_wrapped[kMaxWrapped];
int g_num_wrapped = 0;

PyObject* dispatch_wrapped(const Wrapped& w, PyObject* self, PyObject* const* args,
                           Py_ssize_t nargs, PyObject* kwnames) {
  // torch's func for a property is the getter's __get__ (Tensor.T.__get__).
  return dispatch_with(
      [&] {
        py::object attr = class_attr(w.name.c_str());
        return w.property ? py::object(attr.attr("__get__")) : attr;
      },
      self, args, nargs, kwnames);
}

PyObject* run_wrapped(int index, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                      PyObject* kwnames) {
  const Wrapped& w = g_wrapped[index];
  const Py_ssize_t n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
  if (wants_torch_function(self, args, n)) [[unlikely]] {
    return dispatch_wrapped(w, self, args, nargs, kwnames);
  }
  PyObject* small[8];
  std::vector<PyObject*> big;
  PyObject** all = small;
  if (n + 1 > 8) {
    big.resize(static_cast<size_t>(n + 1));
    all = big.data();
  }
  all[0] = self;
  for (Py_ssize_t i = 0; i < n; ++i) all[i + 1] = args[i];
  return PyObject_Vectorcall(w.original, all, static_cast<size_t>(nargs + 1), kwnames);
}

template <int I>
PyObject* trampoline(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return run_wrapped(I, self, args, nargs, kwnames);
}

template <int... Is>
constexpr std::array<PyCFunction, sizeof...(Is)> make_trampolines(
    std::integer_sequence<int, Is...>) {
  return {reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&trampoline<Is>))...};
}
const auto kTrampolines = make_trampolines(std::make_integer_sequence<int, kMaxWrapped>{});

// A method descriptor of the Tensor class calling original(self, ...) behind the protocol check.
py::object wrap_attribute(const std::string& name, py::object original, bool property) {
  TORSH_CHECK(g_num_wrapped < kMaxWrapped, "_wrap_tensor_attribute(): table full");
  Wrapped& w = g_wrapped[g_num_wrapped];
  w.original = original.release().ptr();
  w.name = name;
  w.property = property;
  w.def.ml_name = w.name.c_str();
  w.def.ml_meth = kTrampolines[static_cast<size_t>(g_num_wrapped)];
  w.def.ml_flags = METH_FASTCALL | METH_KEYWORDS;
  w.def.ml_doc = nullptr;
  ++g_num_wrapped;
  PyObject* d = PyDescr_NewMethod(g_tensor_type, &w.def);
  if (!d) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(d);
}
}  // namespace

bool torch_function_disabled() { return t_torch_function_disabled; }

bool wants_torch_function(PyObject* self, PyObject* const* args, Py_ssize_t n) {
  bool found = g_torch_function_modes != 0;
  if (!found && self && takes_part(self)) found = true;
  for (Py_ssize_t i = 0; !found && i < n; ++i) found = takes_part(args[i]);
  return found && !t_torch_function_disabled;
}

bool operator_wants_torch_function(PyObject* a, PyObject* b) {
  bool found = g_torch_function_modes != 0 || takes_part(a) || (b && takes_part(b));
  return found && !t_torch_function_disabled;
}

void register_entry(void* entry, const char* name, PyObject* builtin, bool method) {
  Py_XINCREF(builtin);
  entries(method).emplace(entry, Entry{name, builtin});
}

PyObject* dispatch_torch_function(void* entry, PyObject* self, PyObject* const* args,
                                  Py_ssize_t nargs, PyObject* kwnames) {
  const auto api = [&] {
    auto& table = entries(self != nullptr);
    auto it = table.find(entry);
    if (it == table.end()) throw Error("__torch_function__: unregistered entry point");
    py::object owner = self ? tensor_class() : py::module_::import("torsh");
    py::object found = py::getattr(owner, it->second.name.c_str(), py::none());
    return found.is_none() ? py::reinterpret_borrow<py::object>(it->second.builtin) : found;
  };
  return dispatch_with(api, self, args, nargs, kwnames);
}

PyObject* dispatch_method(const char* name, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames) {
  return dispatch_with([&] { return class_attr(name); }, self, args, nargs, kwnames);
}

PyObject* dispatch_callable(PyObject* api, PyObject* const* args, Py_ssize_t nargs,
                            PyObject* kwnames) {
  return dispatch_with([&] { return py::reinterpret_borrow<py::object>(api); }, nullptr, args,
                       nargs, kwnames);
}

PyObject* dispatch_getter(const char* name, PyObject* self) {
  return dispatch_with([&] { return py::object(class_attr(name).attr("__get__")); }, self, nullptr,
                       0, nullptr);
}

PyObject* dispatch_operator(const char* dunder, PyObject* a, PyObject* b, PyObject* c) {
  PyObject* const operands[3] = {a, b, c};
  const Py_ssize_t n = c ? 3 : b ? 2 : 1;
  return dispatch_with([&] { return py::object(tensor_class().attr(dunder)); }, nullptr, operands,
                       n, nullptr);
}

PyObject* dispatch_binary_operator(const char* dunder, PyObject* a, PyObject* b) {
  // torch's binary operators turn a TypeError from the protocol into NotImplemented (so that
  // `sub == None` is False, and Python tries the other operand).
  PyObject* r = dispatch_operator(dunder, a, b);
  if (!r && PyErr_ExceptionMatches(PyExc_TypeError)) {
    PyErr_Clear();
    Py_RETURN_NOTIMPLEMENTED;
  }
  return r;
}

void register_torch_function(py::module_& m, py::class_<Tensor>& cls) {
  g_tf_name = PyUnicode_InternFromString("__torch_function__");
  // torch._C._disabled_torch_function_impl: what nn.Parameter's __torch_function__ is; it runs
  // func with the protocol off and returns its result as it is.
  m.def(
      "_disabled_torch_function_impl",
      [](py::object func, py::handle /*types*/, py::object args, py::object kwargs) {
        const bool prev = t_torch_function_disabled;
        t_torch_function_disabled = true;
        try {
          py::tuple a = args.is_none() ? py::tuple() : py::tuple(args);
          py::dict kw = kwargs.is_none() ? py::dict() : py::dict(kwargs);
          py::object r = func(*a, **kw);
          t_torch_function_disabled = prev;
          return r;
        } catch (...) {
          t_torch_function_disabled = prev;
          throw;
        }
      },
      py::arg("func"), py::arg("types"), py::arg("args") = py::tuple(),
      py::arg("kwargs") = py::none());
  g_disabled_impl = m.attr("_disabled_torch_function_impl").ptr();
  m.def("_is_torch_function_enabled", [] { return !t_torch_function_disabled; });
  // Sets the calling thread's switch; returns the previous state (DisableTorchFunction).
  m.def("_set_torch_function_disabled", [](bool disabled) {
    const bool prev = t_torch_function_disabled;
    t_torch_function_disabled = disabled;
    return prev;
  });
  // The calling thread's number of active modes (torsh.overrides keeps a stack per thread).
  m.def("_set_torch_function_mode_count", [](int n) { g_torch_function_modes = n; });
  m.def("_has_torch_function", [](py::handle args) {
    for (py::handle a : args) {
      if (takes_part(a.ptr())) return !t_torch_function_disabled;
    }
    return false;
  });
  m.def("_is_torch_function_type", [](py::handle type) {
    return PyType_Check(type.ptr()) && type.ptr() != reinterpret_cast<PyObject*>(g_tensor_type) &&
           type_enables(reinterpret_cast<PyTypeObject*>(type.ptr()));
  });
  // Wraps one Tensor attribute (a method's function, or a property's getter) for the protocol;
  // returns the method descriptor to install in its place.
  m.def("_wrap_tensor_attribute", [](const std::string& name, py::object original, bool property) {
    return wrap_attribute(name, std::move(original), property);
  });
  cls.def(
      "as_subclass",
      [](const Tensor& self, py::handle cls) { return wrap_as(torsh::alias(self), cls); },
      py::arg("cls"));
  cls.def_static(
      "_make_subclass",
      [](py::handle cls, const Tensor& data, bool require_grad) {
        Tensor t = data.detach();
        if (require_grad) t.requires_grad_(true);
        return wrap_as(std::move(t), cls);
      },
      py::arg("cls"), py::arg("data"), py::arg("require_grad") = false);
}

}  // namespace torsh::python
