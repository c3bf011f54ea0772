// Tensor subscripts: __getitem__ and __setitem__ convert the Python subscript (ints, slices,
// None, Ellipsis, bools, long/bool tensors, lists, numpy arrays) into the C++ API's entries;
// src/ops/subscript.cpp applies them with torch's rules.
#include <pybind11/numpy.h>

#include "bindings.h"
#include "ops/scalar_check.h"

namespace torsh::python {

namespace {

bool is_tensor_like(py::handle h) {
  return py::isinstance<Tensor>(h) || py::isinstance<py::list>(h) || py::isinstance<py::array>(h);
}

bool is_int_like(py::handle h) {
  return !PyBool_Check(h.ptr()) && (PyLong_Check(h.ptr()) || PyIndex_Check(h.ptr())) &&
         !is_tensor_like(h);
}

// A list or array index becomes a bool or uint8 mask when its data is bool or uint8, and an
// int64 index otherwise: floats are truncated (checked for overflow) as torch's indexing
// conversion does, so x[[1.5, 0]] is x[[1, 0]].
Tensor to_tensor_index(py::handle h) {
  if (py::isinstance<Tensor>(h)) return h.cast<Tensor>();  // dtype checked in its turn
  Tensor t;
  try {
    t = tensor_from_data(h, std::nullopt);
  } catch (const ValueError& e) {  // a str read as one more dim: a wrong index type here
    if (std::string(e.what()).find("'str'") == std::string::npos) throw;
    throw TypeError("new(): invalid data type 'str'");
  }
  if (t.dtype() == kBool || t.dtype() == kByte || t.dtype() == kLong) return t;
  if (!is_floating_point(t.dtype()) && !is_complex(t.dtype())) return t.to(kLong);
  return tensor_from_data(h, kLong);  // floats: torch's int() of each; complex numbers raise
}

// numpy's rule, kept by torch: a short non-tuple sequence holding a sequence, slice, tensor,
// Ellipsis or None is read as a tuple of indices (x[[[1], [0]]] is x[[1], [0]]).
bool sequence_as_tuple(py::handle index) {
  PyObject* o = index.ptr();
  if (PyTuple_Check(o)) return true;
  if (py::isinstance<Tensor>(index) || PyUnicode_Check(o) || !PySequence_Check(o)) return false;
  const Py_ssize_t n = PySequence_Size(o);
  if (n < 0) {
    PyErr_Clear();
    return false;
  }
  if (n >= 32) return false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_GetItem(o, i);
    if (!item) {
      PyErr_Clear();
      return false;
    }
    const bool yes = py::isinstance<Tensor>(item) || PySequence_Check(item) ||
                     PySlice_Check(item) || item == Py_Ellipsis || item == Py_None;
    Py_DECREF(item);
    if (yes) return true;
  }
  return false;
}

// A Python subscript as the C++ API's entries (torsh/core/indexing.h), for a tensor of ndim
// dims.
std::vector<indexing::TensorIndex> to_items(py::handle index, int64_t ndim) {
  // torch reads a str as a sequence of one-character indices.
  const bool as_tuple = sequence_as_tuple(index);
  py::tuple items = py::isinstance<py::tuple>(index) ? py::reinterpret_borrow<py::tuple>(index)
                    : as_tuple ? py::tuple(py::reinterpret_borrow<py::object>(index))
                    : PyUnicode_Check(index.ptr())
                        ? py::tuple(py::reinterpret_borrow<py::object>(index))
                        : py::make_tuple(index);
  std::vector<indexing::TensorIndex> out;
  out.reserve(items.size());
  const char* bad = nullptr;  // a str or bytes item: TypeError once the dims are counted
  int64_t count = 0;
  for (py::handle it : items) {
    PyObject* o = it.ptr();
    const bool mask = py::isinstance<Tensor>(it) && (it.cast<const Tensor&>().dtype() == kBool ||
                                                     it.cast<const Tensor&>().dtype() == kByte);
    if (mask) {
      count += it.cast<const Tensor&>().dim();
    } else if (o != Py_Ellipsis && o != Py_None && !PyBool_Check(o)) {
      ++count;
    }
    if (!bad && (PyUnicode_Check(o) || PyBytes_Check(o))) bad = Py_TYPE(o)->tp_name;
  }
  if (bad) {
    TORSH_CHECK_INDEX(count <= ndim, "too many indices for tensor of dimension ", ndim);
    throw TypeError(std::string("new(): invalid data type '") + bad + "'");
  }
  for (py::handle it : items) {
    PyObject* o = it.ptr();
    if (is_tensor_like(it)) {
      out.emplace_back(to_tensor_index(it));
    } else if (o == Py_Ellipsis) {
      out.emplace_back(indexing::Ellipsis);
    } else if (it.is_none()) {
      out.emplace_back(indexing::None);
    } else if (PyBool_Check(o)) {
      // A bare bool is torch's basic-indexing fast path; inside a tuple it is a 0-dim bool
      // index tensor (so x[(False,)] = v is an index_put_, with its dtype check).
      if (as_tuple) {
        out.emplace_back(scalar_tensor(o == Py_True, TensorOptions().dtype(kBool)));
      } else {
        out.emplace_back(o == Py_True);
      }
    } else if (is_int_like(it)) {
      out.emplace_back(py::reinterpret_borrow<py::object>(it).cast<int64_t>());
    } else if (PySlice_Check(o)) {
      Py_ssize_t start, stop, step;
      auto* sl = reinterpret_cast<PySliceObject*>(o);
      if (PySlice_Unpack(o, &start, &stop, &step) != 0) {
        // A zero step is refused in its turn (after the count of indexed dims, as torch).
        if (!PyErr_ExceptionMatches(PyExc_ValueError) || PyObject_Not(sl->step) != 1) {
          throw py::error_already_set();
        }
        PyErr_Clear();
        step = 0;
      }
      out.emplace_back(
          indexing::Slice(sl->start == Py_None ? std::nullopt : std::optional<int64_t>(start),
                          sl->stop == Py_None ? std::nullopt : std::optional<int64_t>(stop), step));
    } else {
      throw IndexError(
          "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
          "valid indices (got " +
          std::string(py::str(py::type::handle_of(it).attr("__name__"))) + ")");
    }
  }
  return out;
}

// torch checks a lone slice's step before anything else (a tuple's after counting its dims).
void check_lone_slice(py::handle index) {
  if (!PySlice_Check(index.ptr())) return;
  PyObject* step = reinterpret_cast<PySliceObject*>(index.ptr())->step;
  if (step == Py_None) return;
  Py_ssize_t start, stop, st;
  if (PySlice_Unpack(index.ptr(), &start, &stop, &st) != 0) throw py::error_already_set();
  TORSH_CHECK_VALUE(st > 0, "step must be greater than zero");
}

}  // namespace

Tensor getitem(const Tensor& self, py::handle index) {
  PyObject* o = index.ptr();
  if (PyLong_CheckExact(o) && self.dim() > 0) {
    return self.index({indexing::TensorIndex(to_int64(o))});
  }
  check_lone_slice(index);
  return self.index(to_items(index, self.dim()));
}

void setitem(const Tensor& self, py::handle index, py::handle value) {
  // torch converts a number value to self's dtype (checked) before reading the subscript.
  if (!py::isinstance<Tensor>(value) && is_number(value)) {
    detail::check_scalar_fits(to_scalar(value), self.dtype());
  }
  check_lone_slice(index);
  if (py::isinstance<Tensor>(value)) {
    indexing::assign_subscript(self, to_items(index, self.dim()), value.cast<const Tensor&>());
  } else {
    indexing::assign_subscript(self, to_items(index, self.dim()), to_scalar(value));
  }
}

// The mapping slots, called by CPython directly for `t[i]` and `t[i] = v`, and by the dunders
// (which Python subclasses go through).
PyObject* subscript_slot(PyObject* self, PyObject* index) {
  if (operator_wants_torch_function(self, index)) [[unlikely]] {
    return dispatch_operator("__getitem__", self, index);
  }
  try {
    return wrap(getitem(*peek_tensor(self), index)).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

int assign_subscript_slot(PyObject* self, PyObject* index, PyObject* value) {
  if (value && (operator_wants_torch_function(self, index) ||
                operator_wants_torch_function(value, nullptr))) [[unlikely]] {
    PyObject* r = dispatch_operator("__setitem__", self, index, value);
    Py_XDECREF(r);
    return r ? 0 : -1;
  }
  try {
    if (!value) throw TypeError("'Tensor' object does not support item deletion");
    setitem(*peek_tensor(self), index, value);
    return 0;
  } catch (...) {
    set_python_error();
    return -1;
  }
}

void install_subscript_slots(py::handle cls) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  type->tp_as_mapping->mp_subscript = subscript_slot;
  type->tp_as_mapping->mp_ass_subscript = assign_subscript_slot;
  PyType_Modified(type);
}

}  // namespace torsh::python
