// The generated ops' entry points: CPython vectorcall (METH_FASTCALL | METH_KEYWORDS) functions
// and methods registered without pybind11's overload dispatcher, the Tensor peek that avoids its
// type caster, errors, and torch's named tuples of tensors (torch.return_types).
#include "bindings.h"

#include <structmember.h>

#include <string>

namespace torsh::python {

PyTypeObject* g_tensor_type = nullptr;

void set_tensor_type(PyObject* type) { g_tensor_type = reinterpret_cast<PyTypeObject*>(type); }

const Tensor* peek_tensor(PyObject* o) {
  if (!g_tensor_type || !PyObject_TypeCheck(o, g_tensor_type)) return nullptr;
  auto* inst = reinterpret_cast<py::detail::instance*>(o);
  if (inst->simple_layout) return static_cast<const Tensor*>(inst->simple_value_holder[0]);
  return py::handle(o).cast<const Tensor*>();
}

py::object wrap(Tensor t) {
  // The same TensorImpl gives back the same live Python object (torch's PyObject preservation
  // while the object lives): `t.grad is t.grad`, `v._base is t`.
  TensorImpl* impl = t.defined() ? t.unsafeGetTensorImpl() : nullptr;
  // An object being deallocated (a subclass instance whose __dict__ is being cleared: its
  // refcount is already 0) is not handed out again; a new one takes its place.
  if (impl && impl->pyobj() && Py_REFCNT(static_cast<PyObject*>(impl->pyobj())) > 0) {
    return py::reinterpret_borrow<py::object>(static_cast<PyObject*>(impl->pyobj()));
  }
  // pybind11's cast looks the type up by name and registers each instance in a hash table;
  // a Tensor object owns its own copy of the Tensor and is never looked up by pointer.
  auto value = std::make_unique<Tensor>(std::move(t));
  Tensor* raw = value.get();
  if (PyObject* self = new_instance(g_tensor_type, raw, std::move(value), false)) {
    if (impl) impl->set_pyobj(self);
    return py::reinterpret_steal<py::object>(self);
  }
  return py::reinterpret_steal<py::object>(py::detail::type_caster_base<Tensor>::cast(
      std::move(*raw), py::return_value_policy::move, py::handle()));
}

namespace {
destructor g_base_dealloc = nullptr;

// The Tensor type's dealloc: forgets the object in its TensorImpl, then pybind11's.
void tensor_dealloc(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (inst->simple_layout && inst->simple_holder_constructed && inst->simple_value_holder[0]) {
    const auto* t = static_cast<const Tensor*>(inst->simple_value_holder[0]);
    if (t->defined() && t->unsafeGetTensorImpl()->pyobj() == self) {
      t->unsafeGetTensorImpl()->set_pyobj(nullptr);
    }
  }
  g_base_dealloc(self);
}
}  // namespace

void install_tensor_dealloc(PyObject* type) {
  auto* tp = reinterpret_cast<PyTypeObject*>(type);
  if (tp->tp_dealloc == tensor_dealloc) return;
  g_base_dealloc = tp->tp_dealloc;
  tp->tp_dealloc = tensor_dealloc;
}

void set_python_error() {
  try {
    throw;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const py::cast_error& e) {
    // A Python value of the wrong type reached a conversion: torch reports these as TypeError.
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const torsh::IndexError& e) {
    PyErr_SetString(PyExc_IndexError, e.what());
  } catch (const torsh::TypeError& e) {
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const torsh::ValueError& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const torsh::NotImplementedError& e) {
    PyErr_SetString(PyExc_NotImplementedError, e.what());
  } catch (const torsh::Error& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    // pybind11's own exceptions (cast_error, builtin exceptions) and std exceptions.
    py::detail::translate_exception(std::current_exception());
  }
}

void add_functions(py::module_& m, PyMethodDef* defs) {
  py::object module_name = m.attr("__name__");
  for (PyMethodDef* d = defs; d->ml_name; ++d) {
    PyObject* f = PyCFunction_NewEx(d, nullptr, module_name.ptr());
    if (!f || PyObject_SetAttrString(m.ptr(), d->ml_name, f) != 0) throw py::error_already_set();
    register_entry(reinterpret_cast<void*>(d->ml_meth), d->ml_name, f, false);
    Py_DECREF(f);
  }
}

void add_methods(py::handle cls, PyMethodDef* defs) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (PyMethodDef* d = defs; d->ml_name; ++d) {
    PyObject* m = PyDescr_NewMethod(type, d);
    if (!m || PyObject_SetAttrString(cls.ptr(), d->ml_name, m) != 0) {
      throw py::error_already_set();
    }
    register_entry(reinterpret_cast<void*>(d->ml_meth), d->ml_name, m, true);
    Py_DECREF(m);
  }
}

namespace {
// torch's repr of its named tuples: "torch.return_types.max(\nvalues=...,\nindices=...)".
PyObject* return_type_repr(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  std::string name = type->tp_name;
  std::string out = "torch.return_types." + name.substr(name.rfind('.') + 1) + "(";
  const Py_ssize_t n = PyTuple_GET_SIZE(self);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* r = PyObject_Repr(PyTuple_GET_ITEM(self, i));
    if (!r) return nullptr;
    const char* text = PyUnicode_AsUTF8(r);
    if (!text) {
      Py_DECREF(r);
      return nullptr;
    }
    out += std::string("\n") + type->tp_members[i].name + "=" + text + (i + 1 < n ? "," : "");
    Py_DECREF(r);
  }
  out += ")";
  return PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
}
}  // namespace

PyTypeObject* make_return_type(py::module_& return_types, PyStructSequence_Desc* desc) {
  PyTypeObject* type = PyStructSequence_NewType(desc);
  if (!type) throw py::error_already_set();
  type->tp_repr = return_type_repr;
  type->tp_str = return_type_repr;
  PyType_Modified(type);
  std::string full = desc->name;
  return_types.attr(full.substr(full.rfind('.') + 1).c_str()) =
      py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(type));
  return type;
}

py::object wrap_named(PyTypeObject* type, std::initializer_list<Tensor> items) {
  py::object r = py::reinterpret_steal<py::object>(PyStructSequence_New(type));
  if (!r) throw py::error_already_set();
  Py_ssize_t i = 0;
  for (const Tensor& t : items) PyStructSequence_SetItem(r.ptr(), i++, wrap(t).release().ptr());
  return r;
}

py::object wrap_named_objects(PyTypeObject* type, py::handle items) {
  py::object r = py::reinterpret_steal<py::object>(PyStructSequence_New(type));
  if (!r) throw py::error_already_set();
  Py_ssize_t i = 0;
  for (py::handle item : items) PyStructSequence_SetItem(r.ptr(), i++, item.inc_ref().ptr());
  return r;
}

}  // namespace torsh::python
