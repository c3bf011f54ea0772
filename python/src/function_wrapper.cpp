// torsh._C._TorchFunctionWrapper: a public function written in Python (torch.nn.functional.relu,
// torch.linalg.*, ...) behind the __torch_function__ check, without a Python frame of its own:
// a call goes through vectorcall straight to the function unless its arguments take part in the
// protocol, so a warning the function raises with stacklevel=2 still names the user's line.
// Attributes (__name__, __doc__, __wrapped__, ...) read through to the function, so inspect
// finds its signature; as a class attribute it binds like a function; pickle stores it by name.
#include "bindings.h"

#include <structmember.h>

namespace torsh::python {
namespace {

struct FunctionWrapper {
  PyObject_HEAD PyObject* original;
  PyObject* dict;
  vectorcallfunc vectorcall;
};

PyObject* wrapper_vectorcall(PyObject* self, PyObject* const* args, size_t nargsf,
                             PyObject* kwnames) {
  auto* w = reinterpret_cast<FunctionWrapper*>(self);
  const Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  const Py_ssize_t n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
  if (wants_torch_function(nullptr, args, n)) [[unlikely]] {
    return dispatch_callable(self, args, nargs, kwnames);
  }
  return PyObject_Vectorcall(w->original, args, nargsf, kwnames);
}

void wrapper_dealloc(PyObject* self) {
  auto* w = reinterpret_cast<FunctionWrapper*>(self);
  Py_XDECREF(w->original);
  Py_XDECREF(w->dict);
  Py_TYPE(self)->tp_free(self);
}

// Own attributes first (the instance dict), then the function's.
PyObject* wrapper_getattro(PyObject* self, PyObject* name) {
  PyObject* r = PyObject_GenericGetAttr(self, name);
  if (r || !PyErr_ExceptionMatches(PyExc_AttributeError)) return r;
  PyErr_Clear();
  return PyObject_GetAttr(reinterpret_cast<FunctionWrapper*>(self)->original, name);
}

PyObject* wrapper_repr(PyObject* self) {
  return PyObject_Repr(reinterpret_cast<FunctionWrapper*>(self)->original);
}

// As a class attribute it binds to the instance, as the function it stands for would.
PyObject* wrapper_descr_get(PyObject* self, PyObject* obj, PyObject*) {
  if (!obj || obj == Py_None) {
    Py_INCREF(self);
    return self;
  }
  return PyMethod_New(self, obj);
}

// pickle stores the wrapper as the global it is (module.qualname).
PyObject* wrapper_reduce(PyObject* self, PyObject*) {
  return PyObject_GetAttrString(reinterpret_cast<FunctionWrapper*>(self)->original, "__qualname__");
}

PyMethodDef kWrapperMethods[] = {
    {"__reduce__", reinterpret_cast<PyCFunction>(&wrapper_reduce), METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

PyMemberDef kWrapperMembers[] = {
    {"__dictoffset__", T_PYSSIZET, offsetof(FunctionWrapper, dict), READONLY, nullptr},
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(FunctionWrapper, vectorcall), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyTypeObject* wrapper_type() {
  static PyTypeObject* type = [] {
    static PyType_Slot slots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(&wrapper_dealloc)},
                                  {Py_tp_getattro, reinterpret_cast<void*>(&wrapper_getattro)},
                                  {Py_tp_repr, reinterpret_cast<void*>(&wrapper_repr)},
                                  {Py_tp_call, reinterpret_cast<void*>(&PyVectorcall_Call)},
                                  {Py_tp_descr_get, reinterpret_cast<void*>(&wrapper_descr_get)},
                                  {Py_tp_methods, kWrapperMethods},
                                  {Py_tp_members, kWrapperMembers},
                                  {0, nullptr}};
    static PyType_Spec spec = {"torsh._C._TorchFunctionWrapper",
                               static_cast<int>(sizeof(FunctionWrapper)), 0,
                               Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL, slots};
    PyObject* t = PyType_FromSpec(&spec);
    if (!t) throw py::error_already_set();
    return reinterpret_cast<PyTypeObject*>(t);
  }();
  return type;
}

// A wrapper of fn carrying fn's identifying attributes in its own dict.
py::object wrap_function(py::object fn) {
  PyTypeObject* type = wrapper_type();
  PyObject* self = type->tp_alloc(type, 0);
  if (!self) throw py::error_already_set();
  auto* w = reinterpret_cast<FunctionWrapper*>(self);
  w->original = fn.inc_ref().ptr();
  w->vectorcall = &wrapper_vectorcall;
  py::object result = py::reinterpret_steal<py::object>(self);
  py::dict d;
  for (const char* attr : {"__name__", "__qualname__", "__module__", "__doc__"}) {
    if (py::hasattr(fn, attr)) d[attr] = fn.attr(attr);
  }
  d["__wrapped__"] = fn;
  w->dict = d.release().ptr();
  return result;
}
}  // namespace

void register_function_wrapper(py::module_& m) {
  m.attr("_TorchFunctionWrapper") =
      py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(wrapper_type()));
  m.def("_wrap_function", &wrap_function, py::arg("fn"));
}

}  // namespace torsh::python
