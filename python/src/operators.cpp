// The Tensor operators. Arithmetic runs through CPython number slots (`a + b` without pybind11's
// overload dispatcher); its dunders forward to the same slot functions. As torch's, the operators
// take tensors and numbers and decline anything else (NotImplemented): numpy then computes
// `t + array` itself and wraps the result back into a tensor (__array_wrap__), while numpy
// scalars and arrays on the left defer to the tensor (__array_priority__).
#include <pybind11/numpy.h>

#include "bindings.h"

namespace torsh::python {

namespace {

using BinFn = Tensor (*)(const Tensor&, const Tensor&);

Tensor reciprocal_of(const Tensor& t) { return div(detail::wrap_scalar(Scalar(1)), t); }

// `number op self`: Fn(number, self); torch computes `number / self` as
// self.reciprocal() * number, and so does Reflect for div (same rounding as torch).
template <BinFn Fn>
Tensor reflect(const Tensor& self, const Tensor& number) {
  return Fn(number, self);
}
Tensor reflect_div(const Tensor& self, const Tensor& number) {
  return mul(reciprocal_of(self), number);
}

// kDivision: `x / self` for any other x is self.reciprocal() * x, which numpy arrays answer.
template <BinFn Fn, BinFn Reflect, bool kDivision = false>
PyObject* number_slot(PyObject* a, PyObject* b) {
  try {
    const Tensor* ta = peek_tensor(a);
    const Tensor* tb = peek_tensor(b);
    if (ta && tb) return wrap(Fn(*ta, *tb)).release().ptr();
    if (ta && is_number(b)) return wrap(Fn(*ta, to_tensor_arg(b))).release().ptr();
    if (tb && is_number(a)) return wrap(Reflect(*tb, to_tensor_arg(a))).release().ptr();
    if (kDivision && tb && py::isinstance<py::array>(a)) {
      return PyNumber_Multiply(wrap(reciprocal_of(*tb)).ptr(), a);
    }
    Py_RETURN_NOTIMPLEMENTED;
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

Tensor add2(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor sub2(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor mul2(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor div2(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor mod2(const Tensor& a, const Tensor& b) { return remainder(a, b); }
Tensor floordiv2(const Tensor& a, const Tensor& b) { return floor_divide(a, b); }
Tensor and2(const Tensor& a, const Tensor& b) { return bitwise_and(a, b); }
Tensor or2(const Tensor& a, const Tensor& b) { return bitwise_or(a, b); }
Tensor xor2(const Tensor& a, const Tensor& b) { return bitwise_xor(a, b); }
Tensor lshift2(const Tensor& a, const Tensor& b) { return bitwise_left_shift(a, b); }
Tensor rshift2(const Tensor& a, const Tensor& b) { return bitwise_right_shift(a, b); }

// An operator with a number slot: the slot serves `a op b` and both dunders.
struct SlotOp {
  const char* dunder;
  const char* reflected;
  binaryfunc PyNumberMethods::*slot;
  binaryfunc fn;
};
const SlotOp kSlotOps[] = {
    {"__add__", "__radd__", &PyNumberMethods::nb_add, number_slot<add2, reflect<add2>>},
    {"__sub__", "__rsub__", &PyNumberMethods::nb_subtract, number_slot<sub2, reflect<sub2>>},
    {"__mul__", "__rmul__", &PyNumberMethods::nb_multiply, number_slot<mul2, reflect<mul2>>},
    {"__truediv__", "__rtruediv__", &PyNumberMethods::nb_true_divide,
     number_slot<div2, reflect_div, true>},
    {"__mod__", "__rmod__", &PyNumberMethods::nb_remainder, number_slot<mod2, reflect<mod2>>},
    {"__floordiv__", "__rfloordiv__", &PyNumberMethods::nb_floor_divide,
     number_slot<floordiv2, reflect<floordiv2>>},
    {"__and__", "__rand__", &PyNumberMethods::nb_and, number_slot<and2, reflect<and2>>},
    {"__or__", "__ror__", &PyNumberMethods::nb_or, number_slot<or2, reflect<or2>>},
    {"__xor__", "__rxor__", &PyNumberMethods::nb_xor, number_slot<xor2, reflect<xor2>>},
    {"__lshift__", "__rlshift__", &PyNumberMethods::nb_lshift,
     number_slot<lshift2, reflect<lshift2>>},
    {"__rshift__", "__rrshift__", &PyNumberMethods::nb_rshift,
     number_slot<rshift2, reflect<rshift2>>}};

py::object call_slot(binaryfunc fn, py::handle a, py::handle b) {
  PyObject* r = fn(a.ptr(), b.ptr());
  if (!r) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(r);
}

py::object not_implemented() { return py::reinterpret_borrow<py::object>(Py_NotImplemented); }

// Comparisons: called through pybind11 as methods (rich comparison is not a number slot).
struct CompareOp {
  const char* dunder;
  BinFn fn;
};
const CompareOp kCompareOps[] = {
    {"__eq__", [](const Tensor& a, const Tensor& b) { return eq(a, b); }},
    {"__ne__", [](const Tensor& a, const Tensor& b) { return ne(a, b); }},
    {"__lt__", [](const Tensor& a, const Tensor& b) { return lt(a, b); }},
    {"__le__", [](const Tensor& a, const Tensor& b) { return le(a, b); }},
    {"__gt__", [](const Tensor& a, const Tensor& b) { return gt(a, b); }},
    {"__ge__", [](const Tensor& a, const Tensor& b) { return ge(a, b); }}};

struct InplaceOp {
  const char* dunder;
  const char* method;
};
const InplaceOp kInplaceOps[] = {{"__iadd__", "add_"},
                                 {"__isub__", "sub_"},
                                 {"__imul__", "mul_"},
                                 {"__itruediv__", "div_"},
                                 {"__imod__", "remainder_"},
                                 {"__ifloordiv__", "floor_divide_"},
                                 {"__iand__", "bitwise_and_"},
                                 {"__ior__", "bitwise_or_"},
                                 {"__ixor__", "bitwise_xor_"},
                                 {"__ilshift__", "bitwise_left_shift_"},
                                 {"__irshift__", "bitwise_right_shift_"}};

// Comparisons as the type's rich-comparison slot (CPython swaps the operands and the operator
// for `number < t` itself); indexed by Py_LT, Py_LE, Py_EQ, Py_NE, Py_GT, Py_GE.
const BinFn kRichCompare[] = {[](const Tensor& a, const Tensor& b) { return lt(a, b); },
                              [](const Tensor& a, const Tensor& b) { return le(a, b); },
                              [](const Tensor& a, const Tensor& b) { return eq(a, b); },
                              [](const Tensor& a, const Tensor& b) { return ne(a, b); },
                              [](const Tensor& a, const Tensor& b) { return gt(a, b); },
                              [](const Tensor& a, const Tensor& b) { return ge(a, b); }};

PyObject* richcompare_slot(PyObject* a, PyObject* b, int op) {
  try {
    const Tensor* ta = peek_tensor(a);
    if (!ta || op < 0 || op > 5) Py_RETURN_NOTIMPLEMENTED;
    if (const Tensor* tb = peek_tensor(b)) return wrap(kRichCompare[op](*ta, *tb)).release().ptr();
    if (!is_number(b)) Py_RETURN_NOTIMPLEMENTED;
    return wrap(kRichCompare[op](*ta, to_tensor_arg(b))).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

PyObject* matmul_slot(PyObject* a, PyObject* b) {
  try {
    const Tensor* ta = peek_tensor(a);
    const Tensor* tb = peek_tensor(b);
    if (!ta || !tb) Py_RETURN_NOTIMPLEMENTED;
    return wrap(matmul(*ta, *tb)).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

Tensor neg_op(const Tensor& t) { return t.neg(); }
// torch's `~` refuses floating tensors with a TypeError before reaching bitwise_not.
Tensor invert_op(const Tensor& t) {
  TORSH_CHECK_TYPE(!t.is_floating_point(),
                   "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  return t.bitwise_not();
}

// `-t` and `~t` as number slots.
template <Tensor (*Fn)(const Tensor&)>
PyObject* unary_slot(PyObject* a) {
  try {
    return wrap(Fn(*peek_tensor(a))).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

}  // namespace

void register_operators(py::class_<Tensor>& cls) {
  for (const SlotOp& op : kSlotOps) {
    binaryfunc fn = op.fn;
    cls.def(op.dunder, [fn](py::handle self, py::handle o) { return call_slot(fn, self, o); });
    cls.def(op.reflected, [fn](py::handle self, py::handle o) { return call_slot(fn, o, self); });
  }
  for (const CompareOp& op : kCompareOps) {
    BinFn fn = op.fn;
    cls.def(op.dunder, [fn](const Tensor& t, py::handle o) -> py::object {
      if (!py::isinstance<Tensor>(o) && !is_number(o)) return not_implemented();
      return wrap(fn(t, to_tensor_arg(o)));
    });
  }
  // A number exponent or base takes pow's Scalar overloads, as in torch (which refuse negative
  // integer powers of integers).
  cls.def("__pow__",
          [](const Tensor& t, py::handle o) -> py::object {
            if (is_number(o)) return wrap(pow(t, to_scalar(o)));
            if (!py::isinstance<Tensor>(o)) return not_implemented();
            return py::cast(pow(t, o.cast<const Tensor&>()));
          })
      .def("__rpow__",
           [](const Tensor& t, py::handle o) -> py::object {
             // As torch's Tensor.__rpow__: tensor(other, dtype=result_type(other, self)) ** self
             // (the number converted with torch.tensor's overflow check).
             if (!is_number(o)) return not_implemented();
             const Scalar s = to_scalar(o);
             const ScalarType dt = result_type(detail::wrap_scalar(s), t);
             return wrap(pow(tensor_from_scalars({s}, {}, dt), t));
           })
      .def("__matmul__",
           [](const Tensor& a, py::handle b) -> py::object {
             if (!py::isinstance<Tensor>(b)) return not_implemented();
             return py::cast(matmul(a, b.cast<const Tensor&>()));
           })
      .def("__neg__", [](const Tensor& t) { return t.neg(); })
      .def("__invert__", &invert_op)
      .def("__pos__", [](const Tensor& t) { return t; })
      .def("__abs__", [](const Tensor& t) { return t.abs(); });
  for (const InplaceOp& op : kInplaceOps) {
    const char* method = op.method;
    cls.def(op.dunder, [method](py::object self, py::handle o) {
      self.attr(method)(o);
      return self;
    });
  }
  cls.attr("__array_priority__") = 1000;
  // Defining the dunders pointed the slots at CPython's generic dunder callers: point them at
  // ours directly.
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  for (const SlotOp& op : kSlotOps) type->tp_as_number->*op.slot = op.fn;
  type->tp_as_number->nb_matrix_multiply = matmul_slot;
  type->tp_as_number->nb_negative = unary_slot<&neg_op>;
  type->tp_as_number->nb_invert = unary_slot<&invert_op>;
  type->tp_richcompare = richcompare_slot;
  PyType_Modified(type);
}

}  // namespace torsh::python
