// The Tensor attributes and small methods a training loop reads on every step (shape, size(),
// dim(), dtype, requires_grad, grad, is_leaf, contiguous(), numel()) as plain CPython getters and
// vectorcall methods: pybind11's property and method dispatch costs more than the work.
// Installed over the pybind11 definitions of the same names, with torch's semantics and errors.
#include <pybind11/stl.h>

#include "bindings.h"
#include "torsh/core/grad_mode.h"

namespace torsh::python {

namespace {

const Tensor& self_of(PyObject* self) { return *peek_tensor(self); }

// torch.Size of sizes: the tuple subclass filled directly (no Python-level constructor call).
PyObject* make_size(IntArrayRef sizes) {
  static PyTypeObject* size_type = reinterpret_cast<PyTypeObject*>(
      py::object(py::module_::import("torsh._size").attr("Size")).release().ptr());
  const auto n = static_cast<Py_ssize_t>(sizes.size());
  PyObject* r = size_type->tp_alloc(size_type, n);
  if (!r) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* v = PyLong_FromLongLong(sizes[static_cast<size_t>(i)]);
    if (!v) {
      Py_DECREF(r);
      return nullptr;
    }
    PyTuple_SET_ITEM(r, i, v);
  }
  return r;
}

// A subclass instance (or an active mode) sends the attribute through __torch_function__.
#define TORSH_GETTER_PROTOCOL(name)                                 \
  if ((g_torch_function_modes || Py_TYPE(self) != g_tensor_type) && \
      operator_wants_torch_function(self, nullptr)) [[unlikely]] {  \
    return dispatch_getter(name, self);                             \
  }
#define TORSH_METHOD_PROTOCOL(name)                                                        \
  if ((g_torch_function_modes || Py_TYPE(self) != g_tensor_type) &&                        \
      wants_torch_function(self, args, nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0))) \
      [[unlikely]] {                                                                       \
    return dispatch_method(name, self, args, nargs, kwnames);                              \
  }

template <typename F>
PyObject* guarded(F&& f) {
  try {
    return f();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

PyObject* get_shape(PyObject* self, void*) {
  TORSH_GETTER_PROTOCOL("shape")
  return make_size(self_of(self).sizes());
}
PyObject* get_ndim(PyObject* self, void*) {
  TORSH_GETTER_PROTOCOL("ndim")
  return PyLong_FromLongLong(self_of(self).dim());
}
PyObject* get_dtype(PyObject* self, void*) {
  TORSH_GETTER_PROTOCOL("dtype")
  return guarded([&] { return dtype_obj(self_of(self).dtype()).release().ptr(); });
}
PyObject* get_is_leaf(PyObject* self, void*) {
  TORSH_GETTER_PROTOCOL("is_leaf")
  return PyBool_FromLong(self_of(self).is_leaf());
}
PyObject* get_requires_grad(PyObject* self, void*) {
  TORSH_GETTER_PROTOCOL("requires_grad")
  return PyBool_FromLong(self_of(self).requires_grad());
}
int set_requires_grad(PyObject* self, PyObject* value, void*) {
  try {
    TORSH_CHECK(value && PyBool_Check(value), "requires_grad must be a bool");
    self_of(self).requires_grad_(value == Py_True);
    return 0;
  } catch (...) {
    set_python_error();
    return -1;
  }
}
PyObject* get_grad(PyObject* self, void*) {
  TORSH_GETTER_PROTOCOL("grad")
  return guarded([&]() -> PyObject* {
    const Tensor& t = self_of(self);
    const Tensor& g = t.grad();
    if (!g.defined()) {
      if (!t.is_leaf() && !t.retains_grad()) {  // torch's warning for a non-leaf's .grad
        if (PyErr_WarnEx(PyExc_UserWarning,
                         "The .grad attribute of a Tensor that is not a leaf Tensor is being "
                         "accessed. Its .grad attribute won't be populated during "
                         "autograd.backward(). If you indeed want the .grad field to be populated "
                         "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
                         "access the non-leaf Tensor by mistake, make sure you access the leaf "
                         "Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
                         "informations.",
                         1) != 0) {
          return nullptr;
        }
      }
      Py_RETURN_NONE;
    }
    return wrap(g).release().ptr();
  });
}
int set_grad(PyObject* self, PyObject* value, void*) {
  try {
    Tensor& t = const_cast<Tensor&>(self_of(self));
    if (!value || value == Py_None) {
      t.mutable_grad() = Tensor();
      return 0;
    }
    const Tensor* g = peek_tensor(value);
    if (!g) {
      throw TypeError(std::string("assigned grad expected to be a Tensor or None but got grad "
                                  "of type") +
                      Py_TYPE(value)->tp_name);
    }
    TORSH_CHECK(g->dtype() == t.dtype(), "assigned grad has data of a different type");
    TORSH_CHECK(g->sizes().equals(t.sizes()), "assigned grad has data of a different size");
    t.mutable_grad() = *g;
    return 0;
  } catch (...) {
    set_python_error();
    return -1;
  }
}

PyGetSetDef kGetSets[] = {{"shape", get_shape, nullptr, nullptr, nullptr},
                          {"ndim", get_ndim, nullptr, nullptr, nullptr},
                          {"dtype", get_dtype, nullptr, nullptr, nullptr},
                          {"is_leaf", get_is_leaf, nullptr, nullptr, nullptr},
                          {"requires_grad", get_requires_grad, set_requires_grad, nullptr, nullptr},
                          {"grad", get_grad, set_grad, nullptr, nullptr},
                          {nullptr, nullptr, nullptr, nullptr, nullptr}};

// One optional argument, by position or by keyword `name`; null when absent. Raises TypeError
// for anything else, naming the method as torch does.
PyObject* one_optional(const char* method, const char* name, PyObject* const* args,
                       Py_ssize_t nargs, PyObject* kwnames) {
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  if (nargs + nkw > 1 ||
      (nkw == 1 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), name) != 0)) {
    throw TypeError(std::string(method) + "() received an invalid combination of arguments");
  }
  return nargs + nkw == 1 ? args[0] : nullptr;
}

// size(dim=None) and stride(dim=None): all values (a torch.Size, or a tuple of strides), or the
// value of one dim.
PyObject* per_dim(const char* method, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                  PyObject* kwnames, bool sizes) {
  return guarded([&]() -> PyObject* {
    const Tensor& t = self_of(self);
    IntArrayRef values = sizes ? t.sizes() : t.strides();
    PyObject* dim = one_optional(method, "dim", args, nargs, kwnames);
    // An explicit None binds torch's named-dim (Dimname) overload, which refuses it.
    TORSH_CHECK(dim != Py_None, "Please look up dimensions by name, got: name = None.");
    if (!dim) {
      if (sizes) return make_size(values);
      return py::tuple(py::cast(values.vec())).release().ptr();
    }
    TORSH_CHECK_TYPE(is_int_arg(dim), method,
                     "() received an invalid combination of arguments - got (",
                     Py_TYPE(dim)->tp_name, ")");
    const int64_t want = to_int64(dim);
    TORSH_CHECK_INDEX(t.dim() > 0, "Dimension specified as ", want,
                      " but tensor has no dimensions");
    const int64_t d = detail::wrap_dim(want, t.dim(), method);
    return PyLong_FromLongLong(values[static_cast<size_t>(d)]);
  });
}

PyObject* m_size(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  TORSH_METHOD_PROTOCOL("size")
  return per_dim("size", self, args, nargs, kwnames, true);
}
PyObject* m_stride(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  TORSH_METHOD_PROTOCOL("stride")
  return per_dim("stride", self, args, nargs, kwnames, false);
}

PyObject* m_dim(PyObject* self, PyObject*) {
  PyObject* const* args = nullptr;
  const Py_ssize_t nargs = 0;
  PyObject* kwnames = nullptr;
  TORSH_METHOD_PROTOCOL("dim")
  return PyLong_FromLongLong(self_of(self).dim());
}
PyObject* m_numel(PyObject* self, PyObject*) {
  PyObject* const* args = nullptr;
  const Py_ssize_t nargs = 0;
  PyObject* kwnames = nullptr;
  TORSH_METHOD_PROTOCOL("numel")
  return PyLong_FromLongLong(self_of(self).numel());
}

// contiguous(memory_format=torch.contiguous_format): self itself when already dense in that format.
PyObject* m_contiguous(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  TORSH_METHOD_PROTOCOL("contiguous")
  return guarded([&]() -> PyObject* {
    TORSH_CHECK_TYPE(nargs == 0, "contiguous() takes 0 positional arguments but ", nargs,
                     nargs == 1 ? " was given" : " were given");  // memory_format is keyword-only
    PyObject* fmt = one_optional("contiguous", "memory_format", args, nargs, kwnames);
    const MemoryFormat f = to_memory_format("contiguous", fmt).value_or(MemoryFormat::Contiguous);
    const Tensor& t = self_of(self);
    if (f == MemoryFormat::Contiguous ? t.is_contiguous() : t.is_contiguous(f)) {
      Py_INCREF(self);
      return self;
    }
    return wrap(t.contiguous(f)).release().ptr();
  });
}

#define TORSH_FASTCALL(fn) \
  reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fn)), METH_FASTCALL | METH_KEYWORDS
#define TORSH_NOARGS(fn) \
  reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&fn)), METH_NOARGS

PyMethodDef kMethods[] = {{"size", TORSH_FASTCALL(m_size), nullptr},
                          {"stride", TORSH_FASTCALL(m_stride), nullptr},
                          {"dim", TORSH_NOARGS(m_dim), nullptr},
                          {"ndimension", TORSH_NOARGS(m_dim), nullptr},
                          {"numel", TORSH_NOARGS(m_numel), nullptr},
                          {"nelement", TORSH_NOARGS(m_numel), nullptr},
                          {"contiguous", TORSH_FASTCALL(m_contiguous), nullptr},
                          {nullptr, nullptr, 0, nullptr}};

#undef TORSH_FASTCALL
#undef TORSH_NOARGS

}  // namespace

namespace {
// torsh.memory_format's four objects, in MemoryFormat's order.
PyObject* const* format_objects() {
  static PyObject* objs[4] = {};
  if (!objs[0]) {
    py::module_ m = py::module_::import("torsh");
    const char* names[] = {"contiguous_format", "preserve_format", "channels_last",
                           "channels_last_3d"};
    for (int i = 0; i < 4; ++i) objs[i] = py::object(m.attr(names[i])).release().ptr();
  }
  return objs;
}
}  // namespace

bool is_memory_format(PyObject* h) {
  PyObject* const* objs = format_objects();
  for (int i = 0; i < 4; ++i)
    if (h == objs[i]) return true;
  return false;
}

std::optional<MemoryFormat> to_memory_format(const char* op, PyObject* fmt) {
  if (!fmt || fmt == Py_None) return std::nullopt;
  PyObject* const* objs = format_objects();
  for (int i = 0; i < 4; ++i)
    if (fmt == objs[i]) return static_cast<MemoryFormat>(i);
  throw TypeError(std::string(op) +
                  "(): argument 'memory_format' must be torch.memory_format, not " +
                  Py_TYPE(fmt)->tp_name);
}

void install_fast_attributes(py::handle cls) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (PyGetSetDef* g = kGetSets; g->name; ++g) {
    PyObject* d = PyDescr_NewGetSet(type, g);
    if (!d || PyObject_SetAttrString(cls.ptr(), g->name, d) != 0) throw py::error_already_set();
    Py_DECREF(d);
  }
  add_methods(cls, kMethods);
}

}  // namespace torsh::python
