// out= for functions whose table entries have no out variant (torch.sum/prod/mean over dims,
// matmul, mm, bmm, softmax, log_softmax, index_select, argmax, argmin, all, any, lerp,
// conj_physical). Each is the generated function behind
// a builtin that, only when out= is given, calls it without out= and writes the result into out
// as torch's out= does: the autograd refusal, the dtype rules of the op, the resize (with torch's
// warning when out had elements), out itself returned.
#include <string>
#include <vector>

#include "bindings.h"
#include "torsh/core/warning.h"

namespace torsh::python {
namespace {

// How an op treats out's dtype.
enum class OutDtype {
  kSame,          // out must have the result's dtype (mm, bmm, matmul, softmax, argmax, ...)
  kSameIndex,     // the same, with index_select's message
  kAccumulate,    // out's dtype is the computation dtype unless dtype= is given (sum, prod)
  kFloatingOnly,  // as kAccumulate for floating/complex out, else torch's cast error (mean)
  kBool,          // out must be bool (uint8 for a uint8 input): all, any
  kCast,          // the result is cast to out's dtype where torch.can_cast allows it (lerp)
  kFound,         // the same dtype, with "Found dtype ... but expected ..." (conj_physical)
};

struct OutOp {
  const char* name;
  OutDtype rule;
};
constexpr OutOp kOutOps[] = {
    {"sum", OutDtype::kAccumulate},
    {"prod", OutDtype::kAccumulate},
    {"mean", OutDtype::kFloatingOnly},
    {"matmul", OutDtype::kSame},
    {"mm", OutDtype::kSame},
    {"bmm", OutDtype::kSame},
    {"softmax", OutDtype::kSame},
    {"log_softmax", OutDtype::kSame},
    {"index_select", OutDtype::kSameIndex},
    {"argmax", OutDtype::kSame},
    {"argmin", OutDtype::kSame},
    {"all", OutDtype::kBool},
    {"any", OutDtype::kBool},
    {"lerp", OutDtype::kCast},
    {"conj_physical", OutDtype::kFound},
};

// torch's C++ type names, as its out= dtype messages print them ("float", "long int").
const char* cpp_type_name(ScalarType t) { return TypeMeta::fromScalarType(t).name(); }

struct Adapter {
  PyObject* original;
  const OutOp* op;
};

bool requires_grad_arg(PyObject* o) {
  if (const Tensor* t = peek_tensor(o)) return t->requires_grad();
  return false;
}

// A call's arguments without its keyword argument at position skip (out=), to which more
// keywords may be added; call() runs the original function with them.
struct ArgsWithout {
  std::vector<PyObject*> values;
  py::list names;
  Py_ssize_t nargs;
  ArgsWithout(PyObject* const* args, Py_ssize_t n, PyObject* kwnames, Py_ssize_t skip)
      : values(args, args + n), nargs(n) {
    const Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t i = 0; i < nkw; ++i) {
      if (i != skip) add(PyTuple_GET_ITEM(kwnames, i), args[n + i]);
    }
  }
  void add(py::handle name, PyObject* value) {
    names.append(name);
    values.push_back(value);
  }
  PyObject* call(PyObject* original) {
    py::tuple kw(names);
    return PyObject_Vectorcall(original, values.data(), static_cast<size_t>(nargs),
                               PyTuple_GET_SIZE(kw.ptr()) ? kw.ptr() : nullptr);
  }
};

PyObject* call_with_out(const Adapter& a, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames, Py_ssize_t out_pos) {
  const Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
  PyObject* out_obj = args[nargs + out_pos];
  const Tensor* out = peek_tensor(out_obj);
  if (!out) {
    throw TypeError(detail::str_cat(a.op->name, "(): argument 'out' must be Tensor, not ",
                                    Py_TYPE(out_obj)->tp_name));
  }
  // The reductions' out= forms take a dim (torch.sum(t, out=o) has no overload).
  const bool reduction =
      a.op->rule == OutDtype::kAccumulate || a.op->rule == OutDtype::kFloatingOnly;
  bool has_dim = nargs >= 2;
  for (Py_ssize_t i = 0; i < nkw && !has_dim; ++i) {
    has_dim = PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "dim") == 0;
  }
  if (reduction && !has_dim) {
    throw TypeError(detail::str_cat(a.op->name,
                                    "() received an invalid combination of arguments - "
                                    "got (Tensor, out=Tensor): out= needs a dim"));
  }
  if (GradMode::is_enabled()) {
    for (Py_ssize_t i = 0; i < nargs + nkw; ++i) {
      if (i != nargs + out_pos && requires_grad_arg(args[i])) {
        throw Error(detail::str_cat(a.op->name,
                                    "(): functions with out=... arguments don't support automatic "
                                    "differentiation, but one of the arguments requires grad."));
      }
    }
  }
  // The call without out= (and, for the accumulating reductions, with out's dtype as dtype=).
  bool has_dtype = false;
  ArgsWithout call(args, nargs, kwnames, out_pos);
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    has_dtype =
        has_dtype || (i != out_pos && args[nargs + i] != Py_None &&
                      PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "dtype") == 0);
  }
  py::object dtype_holder;
  if (reduction && !has_dtype) {
    const ScalarType od = out->dtype();
    if (a.op->rule == OutDtype::kFloatingOnly && !is_floating_point(od) && !is_complex(od)) {
      // torch computes the mean in the input's (floating) type and cannot cast it to out's.
      const Tensor* in = nargs > 0 ? peek_tensor(args[0]) : nullptr;
      const ScalarType it = in ? in->dtype() : get_default_dtype();
      throw Error(detail::str_cat("result type ", scalar_type_name(it),
                                  " can't be cast to the desired output type ",
                                  scalar_type_name(od)));
    }
    dtype_holder = dtype_obj(od);
    call.add(py::str("dtype"), dtype_holder.ptr());
  }
  PyObject* r = call.call(a.original);
  if (!r) throw py::error_already_set();
  py::object result = py::reinterpret_steal<py::object>(r);
  const Tensor* res = peek_tensor(result.ptr());
  if (!res) throw Error(detail::str_cat(a.op->name, "(): out= expects a tensor result"));
  const bool cast_ok = a.op->rule == OutDtype::kCast && can_cast(res->dtype(), out->dtype());
  if (res->dtype() != out->dtype() && !cast_ok) {
    if (a.op->rule == OutDtype::kBool) {
      throw Error(detail::str_cat(a.op->name, " only supports bool tensor for result, got: ",
                                  scalar_type_name(out->dtype())));
    }
    if (a.op->rule == OutDtype::kCast) {
      throw Error(detail::str_cat("result type ", scalar_type_name(res->dtype()),
                                  " can't be cast to the desired output type ",
                                  scalar_type_name(out->dtype())));
    }
    if (a.op->rule == OutDtype::kFound) {
      throw Error(detail::str_cat("Found dtype ", scalar_type_name(out->dtype()), " but expected ",
                                  scalar_type_name(res->dtype())));
    }
    if (a.op->rule == OutDtype::kSameIndex) {
      throw Error("index_select(): self and result must have the same scalar type");
    }
    throw Error(detail::str_cat("Expected out tensor to have dtype ", cpp_type_name(res->dtype()),
                                ", but got ", cpp_type_name(out->dtype()), " instead"));
  }
  Tensor o = *out;
  if (!o.sizes().equals(res->sizes())) {
    if (o.numel() != 0) {
      warn(detail::str_cat(
          "An output with one or more elements was resized since it had shape ",
          detail::shape_str(o.sizes()), ", which does not match the required output shape ",
          detail::shape_str(res->sizes()),
          ". This behavior is deprecated, and in a future PyTorch release outputs will not be "
          "resized unless they have zero elements. You can explicitly reuse an out tensor t by "
          "resizing it, inplace, to zero elements with t.resize_(0)."));
    }
    o.resize_(res->sizes());
  }
  o.copy_(*res);
  Py_INCREF(out_obj);
  return out_obj;
}

PyObject* out_adapter(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const auto* a = static_cast<const Adapter*>(PyCapsule_GetPointer(self, nullptr));
  if (!a) return nullptr;
  if (kwnames) {
    const Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t i = 0; i < nkw; ++i) {
      if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "out") != 0) continue;
      try {
        if (args[nargs + i] == Py_None)
          return ArgsWithout(args, nargs, kwnames, i).call(a->original);
        return call_with_out(*a, args, nargs, kwnames, i);
      } catch (...) {
        set_python_error();
        return nullptr;
      }
    }
  }
  return PyObject_Vectorcall(a->original, args, static_cast<size_t>(nargs), kwnames);
}

}  // namespace

void register_out_variants(py::module_& m) {
  py::object module_name = m.attr("__name__");
  for (const OutOp& op : kOutOps) {
    py::object original = m.attr(op.name);
    py::object doc = py::getattr(original, "__doc__", py::none());
    // The adapter and its reference to the original live as long as the process.
    auto* adapter = new Adapter{original.release().ptr(), &op};
    auto* def = new PyMethodDef{
        op.name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&out_adapter)),
        METH_FASTCALL | METH_KEYWORDS,
        doc.is_none() ? nullptr : (new std::string(py::str(doc)))->c_str()};
    py::capsule holder(adapter);
    PyObject* f = PyCFunction_NewEx(def, holder.ptr(), module_name.ptr());
    if (!f) throw py::error_already_set();
    m.attr(op.name) = py::reinterpret_steal<py::object>(f);
  }
}

}  // namespace torsh::python
