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

// An operator's operands going to __torch_function__: Tensor.<dunder>(a, b) when a is a tensor
// or takes part in the protocol, else Tensor.<reflected>(b, a) (`1 + sub` is sub.__radd__(1)).
PyObject* operator_protocol(const char* dunder, const char* reflected, PyObject* a, PyObject* b) {
  if (peek_tensor(a) || !peek_tensor(b)) return dispatch_binary_operator(dunder, a, b);
  return dispatch_binary_operator(reflected, b, a);
}

struct SlotNames {
  const char* dunder;
  const char* reflected;
};
// The public API object torch hands to __torch_function__ for each operator (its methods where
// torch's operator is that method: `x + 1` is Tensor.add(x, 1), `1 + x` Tensor.add(x, 1)).
constexpr SlotNames kSlotNames[] = {{"add", "add"},
                                    {"sub", "__rsub__"},
                                    {"mul", "mul"},
                                    {"div", "__rtruediv__"},
                                    {"remainder", "__rmod__"},
                                    {"__floordiv__", "__rfloordiv__"},
                                    {"__and__", "__rand__"},
                                    {"__or__", "__ror__"},
                                    {"__xor__", "__rxor__"},
                                    {"__lshift__", "__rlshift__"},
                                    {"__rshift__", "__rrshift__"}};

// kDivision: `x / self` for any other x is self.reciprocal() * x, which numpy arrays answer.
template <BinFn Fn, BinFn Reflect, int kName, bool kDivision = false>
PyObject* number_slot(PyObject* a, PyObject* b) {
  if (operator_wants_torch_function(a, b)) [[unlikely]] {
    return operator_protocol(kSlotNames[kName].dunder, kSlotNames[kName].reflected, a, b);
  }
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
    {"__add__", "__radd__", &PyNumberMethods::nb_add, number_slot<add2, reflect<add2>, 0>},
    {"__sub__", "__rsub__", &PyNumberMethods::nb_subtract, number_slot<sub2, reflect<sub2>, 1>},
    {"__mul__", "__rmul__", &PyNumberMethods::nb_multiply, number_slot<mul2, reflect<mul2>, 2>},
    {"__truediv__", "__rtruediv__", &PyNumberMethods::nb_true_divide,
     number_slot<div2, reflect_div, 3, true>},
    {"__mod__", "__rmod__", &PyNumberMethods::nb_remainder, number_slot<mod2, reflect<mod2>, 4>},
    {"__floordiv__", "__rfloordiv__", &PyNumberMethods::nb_floor_divide,
     number_slot<floordiv2, reflect<floordiv2>, 5>},
    {"__and__", "__rand__", &PyNumberMethods::nb_and, number_slot<and2, reflect<and2>, 6>},
    {"__or__", "__ror__", &PyNumberMethods::nb_or, number_slot<or2, reflect<or2>, 7>},
    {"__xor__", "__rxor__", &PyNumberMethods::nb_xor, number_slot<xor2, reflect<xor2>, 8>},
    {"__lshift__", "__rlshift__", &PyNumberMethods::nb_lshift,
     number_slot<lshift2, reflect<lshift2>, 9>},
    {"__rshift__", "__rrshift__", &PyNumberMethods::nb_rshift,
     number_slot<rshift2, reflect<rshift2>, 10>}};

py::object call_slot(binaryfunc fn, py::handle a, py::handle b) {
  PyObject* r = fn(a.ptr(), b.ptr());
  if (!r) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(r);
}

const Tensor& self_tensor(py::handle self, const char* dunder) {
  const Tensor* t = peek_tensor(self.ptr());
  if (!t) {
    throw TypeError(detail::str_cat("descriptor '", dunder,
                                    "' requires a 'torch._C._TensorBase' object but received a '",
                                    Py_TYPE(self.ptr())->tp_name, "'"));
  }
  return *t;
}

py::object protocol_result(PyObject* r) {
  if (!r) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(r);
}

py::object not_implemented() { return py::reinterpret_borrow<py::object>(Py_NotImplemented); }

// The comparison dunders, indexed as CPython's rich-comparison ops (Py_LT ... Py_GE).
const char* const kCompareDunders[] = {"__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__"};

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

const char* const kCompareNames[] = {"lt", "le", "eq", "ne", "gt", "ge"};

PyObject* richcompare_slot(PyObject* a, PyObject* b, int op) {
  if (op >= 0 && op <= 5 && operator_wants_torch_function(a, b)) [[unlikely]] {
    return dispatch_binary_operator(kCompareNames[op], a, b);
  }
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
  if (operator_wants_torch_function(a, b)) [[unlikely]] {
    return operator_protocol("matmul", "__rmatmul__", a, b);
  }
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
Tensor abs_op(const Tensor& t) { return t.abs(); }
// torch's `~` refuses floating tensors with a TypeError before reaching bitwise_not.
Tensor invert_op(const Tensor& t) {
  TORSH_CHECK_TYPE(!t.is_floating_point(),
                   "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  return t.bitwise_not();
}

// `-t` and `~t` as number slots.
template <Tensor (*Fn)(const Tensor&), int kName>
PyObject* unary_slot(PyObject* a) {
  if (operator_wants_torch_function(a, nullptr)) [[unlikely]] {
    return dispatch_operator(kName == 0   ? "__neg__"
                             : kName == 1 ? "__invert__"
                                          : "abs",
                             a, nullptr);
  }
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
  // Python subclasses reach the operators through these dunders: each runs the slot function
  // (with its __torch_function__ check).
  for (int op = 0; op < 6; ++op) {
    cls.def(kCompareDunders[op], [op](py::handle self, py::handle o) -> py::object {
      self_tensor(self, kCompareDunders[op]);
      return protocol_result(richcompare_slot(self.ptr(), o.ptr(), op));
    });
  }
  // A number exponent or base takes pow's Scalar overloads, as in torch (which refuse negative
  // integer powers of integers).
  cls.def("__pow__",
          [](py::handle self, py::handle o) -> py::object {
            if (operator_wants_torch_function(self.ptr(), o.ptr())) {
              return protocol_result(dispatch_binary_operator("__pow__", self.ptr(), o.ptr()));
            }
            const Tensor& t = self_tensor(self, "__pow__");
            if (is_number(o)) return wrap(pow(t, to_scalar(o)));
            if (!py::isinstance<Tensor>(o)) return not_implemented();
            return py::cast(pow(t, o.cast<const Tensor&>()));
          })
      .def("__rpow__",
           [](py::handle self, py::handle o) -> py::object {
             if (operator_wants_torch_function(self.ptr(), o.ptr())) {
               return protocol_result(dispatch_binary_operator("__rpow__", self.ptr(), o.ptr()));
             }
             const Tensor& t = self_tensor(self, "__rpow__");
             // As torch's Tensor.__rpow__: tensor(other, dtype=result_type(other, self)) ** self
             // (the number converted with torch.tensor's overflow check).
             if (!is_number(o)) return not_implemented();
             const Scalar s = to_scalar(o);
             const ScalarType dt = result_type(detail::wrap_scalar(s), t);
             return wrap(pow(tensor_from_scalars({s}, {}, dt), t));
           })
      .def("__matmul__",
           [](py::handle a, py::handle b) {
             self_tensor(a, "__matmul__");
             return protocol_result(matmul_slot(a.ptr(), b.ptr()));
           })
      .def("__rmatmul__",
           [](py::handle a, py::handle b) {
             self_tensor(a, "__rmatmul__");
             return protocol_result(matmul_slot(b.ptr(), a.ptr()));
           })
      .def("__neg__",
           [](py::handle t) {
             self_tensor(t, "__neg__");
             return protocol_result(unary_slot<&neg_op, 0>(t.ptr()));
           })
      .def("__invert__",
           [](py::handle t) {
             self_tensor(t, "__invert__");
             return protocol_result(unary_slot<&invert_op, 1>(t.ptr()));
           })
      .def("__pos__", [](const Tensor& t) { return t; })
      .def("__abs__", [](py::handle t) {
        self_tensor(t, "__abs__");
        return protocol_result(unary_slot<&abs_op, 2>(t.ptr()));
      });
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
  type->tp_as_number->nb_negative = unary_slot<&neg_op, 0>;
  type->tp_as_number->nb_invert = unary_slot<&invert_op, 1>;
  type->tp_richcompare = richcompare_slot;
  PyType_Modified(type);
}

}  // namespace torsh::python
