// The Tensor operators. Arithmetic runs through CPython number slots (`a + b` without pybind11's
// overload dispatcher); its dunders forward to the same slot functions.
#include "bindings.h"

namespace torsh::python {

namespace {

PyTypeObject* g_tensor_type = nullptr;

// The Tensor inside a torsh Tensor object (or a subclass instance), else null.
const Tensor* peek_tensor(PyObject* o) {
  if (!PyObject_TypeCheck(o, g_tensor_type)) return nullptr;
  auto* inst = reinterpret_cast<py::detail::instance*>(o);
  if (inst->simple_layout) return static_cast<const Tensor*>(inst->simple_value_holder[0]);
  return py::handle(o).cast<const Tensor*>();
}

template <Tensor (*Fn)(const Tensor&, const Tensor&)>
PyObject* number_slot(PyObject* a, PyObject* b) {
  try {
    const Tensor* ta = peek_tensor(a);
    const Tensor* tb = peek_tensor(b);
    if (ta && tb) return py::cast(Fn(*ta, *tb)).release().ptr();
    if (ta && is_number(b)) return py::cast(Fn(*ta, to_tensor_arg(b))).release().ptr();
    if (tb && is_number(a)) return py::cast(Fn(to_tensor_arg(a), *tb)).release().ptr();
    Py_RETURN_NOTIMPLEMENTED;
  } catch (py::error_already_set& e) {
    e.restore();
    return nullptr;
  } catch (...) {
    // Translate torsh errors through pybind11's registered translators.
    py::detail::translate_exception(std::current_exception());
    return nullptr;
  }
}

Tensor add2(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor sub2(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor mul2(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor div2(const Tensor& a, const Tensor& b) { return div(a, b); }

// An operator with a number slot: the slot serves `a op b` and both dunders.
struct SlotOp {
  const char* dunder;
  const char* reflected;
  binaryfunc PyNumberMethods::*slot;
  binaryfunc fn;
};
const SlotOp kSlotOps[] = {
    {"__add__", "__radd__", &PyNumberMethods::nb_add, number_slot<add2>},
    {"__sub__", "__rsub__", &PyNumberMethods::nb_subtract, number_slot<sub2>},
    {"__mul__", "__rmul__", &PyNumberMethods::nb_multiply, number_slot<mul2>},
    {"__truediv__", "__rtruediv__", &PyNumberMethods::nb_true_divide, number_slot<div2>}};

py::object call_slot(binaryfunc fn, py::handle a, py::handle b) {
  PyObject* r = fn(a.ptr(), b.ptr());
  if (!r) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(r);
}

// Operators without a number slot of ours: called through pybind11 as methods.
using BinFn = Tensor (*)(const Tensor&, const Tensor&);
struct MethodOp {
  const char* dunder;
  BinFn fn;
  bool reflected;
};
const MethodOp kMethodOps[] = {
    {"__pow__", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, false},
    {"__rpow__", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, true},
    {"__eq__", [](const Tensor& a, const Tensor& b) { return eq(a, b); }, false},
    {"__ne__", [](const Tensor& a, const Tensor& b) { return ne(a, b); }, false},
    {"__lt__", [](const Tensor& a, const Tensor& b) { return lt(a, b); }, false},
    {"__le__", [](const Tensor& a, const Tensor& b) { return le(a, b); }, false},
    {"__gt__", [](const Tensor& a, const Tensor& b) { return gt(a, b); }, false},
    {"__ge__", [](const Tensor& a, const Tensor& b) { return ge(a, b); }, false}};

struct InplaceOp {
  const char* dunder;
  const char* method;
};
const InplaceOp kInplaceOps[] = {
    {"__iadd__", "add_"}, {"__isub__", "sub_"}, {"__imul__", "mul_"}, {"__itruediv__", "div_"}};

}  // namespace

void register_operators(py::class_<Tensor>& cls) {
  for (const SlotOp& op : kSlotOps) {
    binaryfunc fn = op.fn;
    cls.def(op.dunder, [fn](py::handle self, py::handle o) { return call_slot(fn, self, o); });
    cls.def(op.reflected, [fn](py::handle self, py::handle o) { return call_slot(fn, o, self); });
  }
  for (const MethodOp& op : kMethodOps) {
    BinFn fn = op.fn;
    bool reflected = op.reflected;
    cls.def(op.dunder, [fn, reflected](const Tensor& t, py::handle o) -> py::object {
      if (!py::isinstance<Tensor>(o) && !is_number(o)) {
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      }
      Tensor other = to_tensor_arg(o);
      return py::cast(reflected ? fn(other, t) : fn(t, other));
    });
  }
  for (const InplaceOp& op : kInplaceOps) {
    const char* method = op.method;
    cls.def(op.dunder, [method](py::object self, py::handle o) {
      self.attr(method)(o);
      return self;
    });
  }
  cls.def("__neg__", [](const Tensor& t) { return t.neg(); })
      .def("__pos__", [](const Tensor& t) { return t; })
      .def("__abs__", [](const Tensor& t) { return t.abs(); })
      .def("__matmul__", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  // Defining the dunders pointed the slots at CPython's generic dunder callers: point them at
  // ours directly.
  g_tensor_type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (const SlotOp& op : kSlotOps) g_tensor_type->tp_as_number->*op.slot = op.fn;
  PyType_Modified(g_tensor_type);
}

}  // namespace torsh::python
