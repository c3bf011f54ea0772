#pragma once
// The hand-written core of the Python binding: argument parsing and conversions.
#include <pybind11/pybind11.h>

#include <array>
#include <string>
#include <vector>

#include "torsh/torsh.h"

namespace py = pybind11;

namespace torsh::python {
py::object wrap(Tensor t);
}  // namespace torsh::python

// Every Tensor pybind11 hands to Python goes through wrap(): a TensorImpl that already has a live
// Python object gives that object back (torch's PyObject preservation: `t[1:]._base is t` for a
// tensor made by torch.tensor too), and a new object is recorded in its TensorImpl.
namespace pybind11::detail {
template <>
struct type_caster<torsh::Tensor> : public type_caster_base<torsh::Tensor> {
  static handle cast(const torsh::Tensor& src, return_value_policy, handle) {
    return torsh::python::wrap(src).release();
  }
  static handle cast(torsh::Tensor&& src, return_value_policy, handle) {
    return torsh::python::wrap(std::move(src)).release();
  }
  static handle cast(const torsh::Tensor* src, return_value_policy, handle) {
    if (!src) return none().release();
    return torsh::python::wrap(*src).release();
  }
};
}  // namespace pybind11::detail

namespace torsh::python {

/// Python's view of a dtype: torsh.float32 and friends.
struct PyDtype {
  ScalarType type;
};

/// A call's arguments as CPython's vectorcall passes them: nargs positional values, then one
/// value per name in kwnames (a tuple of str, or null).
struct CallArgs {
  PyObject* const* args;
  Py_ssize_t nargs;
  PyObject* kwnames;
};

/// One parameter of a Python signature.
struct Param {
  enum Kind {
    kTensor,
    kTensorList,
    kOptTensorList,
    kScalar,
    kInt,
    kIntList,
    kFloat,
    kFloatList,
    kBool,
    kStr,
    kScalarType,
    kGenerator,
    kMemoryFormat,
    kAny
  };
  Kind kind = kAny;
  std::string name;
  PyObject* py_name = nullptr;  // interned name, compared with keyword names by identity first
  std::string type_name;
  bool optional = false;  // accepts None
  bool kwonly = false;
  bool has_default = false;
  int fixed_len = 0;  // int[2]: a single int expands to this many
  // Parsed default.
  bool default_none = false;
  int64_t def_int = 0;
  double def_double = 0;
  bool def_bool = false;
  std::vector<int64_t> def_list;
  Scalar def_scalar;
  std::string def_str;
};

/// A parsed schema string: "add(Tensor input, Tensor other, *, Scalar alpha=1)".
struct Signature {
  explicit Signature(const std::string& text);
  std::string name;
  std::vector<Param> params;
  std::string text;
  /// Binds the call's values to params; strict 2 takes only ints for int params, 1 also 0-dim
  /// integer tensors, 0 also numbers for Tensor params (except `input` when input_strict).
  /// Leading ints for a first int[] parameter (`zeros(2, 3)`) are packed into a tuple kept in
  /// packed.
  bool bind(const CallArgs& c, py::handle* out, py::object& packed, int strict,
            bool input_strict = false) const;
};

class ParsedArgs;

/// The overloads of one Python name, tried in order (strict pass, then lenient).
class SignatureGroup {
 public:
  /// Whether a Python number may stand for a Tensor argument (the table's
  /// `python: {numbers_as_tensors: ...}`): torch allows it for any operand of arithmetic
  /// (`torch.add(1, 2)`) and, through its Scalar overloads, for the second operand of
  /// comparisons (`torch.eq(t, 0)`, not `torch.eq(0, t)`).
  /// kOneTensor and kScalarSelf are torch's Scalar-self overloads (`torch.remainder(2, t)`):
  /// numbers anywhere but not for every tensor operand, and (kScalarSelf) no out= beside a
  /// number input (`torch.remainder(2, t, out=o)` and `torch.remainder(2, 3)` raise TypeError).
  enum class Numbers { kNo, kAll, kNotInput, kOneTensor, kScalarSelf };
  SignatureGroup(std::string name, std::vector<Signature> sigs, Numbers numbers = Numbers::kNo);
  /// Returns the index of the matching overload; raises TypeError when none matches.
  int parse(const CallArgs& c, ParsedArgs& out) const;

 private:
  std::string name_;
  std::vector<Signature> sigs_;
  Numbers numbers_ = Numbers::kNo;
};

/// Values bound to one signature, with typed accessors (defaults when absent).
class ParsedArgs {
 public:
  static constexpr int kMax = 16;
  const Signature* sig = nullptr;
  py::handle vals[kMax];

  bool is_none(int i) const { return !vals[i] || vals[i].is_none(); }
  Tensor tensor(int i) const;
  std::optional<Tensor> optional_tensor(int i) const;
  std::vector<Tensor> tensorlist(int i) const;
  OptionalTensorList optional_tensorlist(int i) const;
  Scalar scalar(int i) const;
  std::optional<Scalar> optional_scalar(int i) const;
  int64_t int64(int i) const;
  std::optional<int64_t> optional_int64(int i) const;
  IntArrayRef intlist(int i);
  OptionalIntArrayRef optional_intlist(int i);
  double to_double(int i) const;
  std::optional<double> optional_double(int i) const;
  std::vector<double> doublelist(int i) const;
  std::optional<std::vector<double>> optional_doublelist(int i) const;
  bool to_bool(int i) const;
  std::optional<bool> optional_bool(int i) const;
  std::string_view string(int i);
  std::optional<std::string_view> optional_string(int i);
  ScalarType scalartype(int i) const;
  std::optional<ScalarType> optional_scalartype(int i) const;
  std::optional<Generator> generator(int i) const;
  std::optional<MemoryFormat> optional_memoryformat(int i) const;
  TensorOptions options(int dtype_i, int device_i, int requires_grad_i) const;
  /// torch's check of a factory's out=: a dtype= given beside it must be out's.
  void check_out_dtype(const Tensor& out, int dtype_i) const;

 private:
  friend class SignatureGroup;
  // Int lists live in ints_ (no allocation, no initialisation) while they fit, else in lists_.
  static constexpr size_t kInts = 32;
  int64_t ints_[kInts];
  size_t ints_used_ = 0;
  std::vector<std::vector<int64_t>> lists_;
  py::object packed_;  // leading ints packed into a tuple for an int[] parameter
};

/// The Tensor inside a torsh Tensor object (or a subclass instance), else null: no pybind11
/// caster on the hot path.
const Tensor* peek_tensor(PyObject* o);
/// Sets the torsh Tensor type that peek_tensor recognises.
void set_tensor_type(PyObject* type);
/// Makes the Tensor type's instances clear their TensorImpl's Python object when they die (so
/// wrap() hands out only live objects).
void install_tensor_dealloc(PyObject* type);
/// A new instance of the pybind11 class type (or a Python subclass of it) owning value through
/// holder, built directly: no lookup of the type by name, and no entry in pybind11's instance
/// registry unless registered (needed only to find the object again from its C++ pointer).
/// Returns null when the type's layout is not pybind11's simple one (the caller falls back).
template <typename Holder>
PyObject* new_instance(PyTypeObject* type, void* value, Holder&& holder, bool registered) {
  PyObject* self = type->tp_alloc(type, 0);
  if (!self) throw py::error_already_set();
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  inst->allocate_layout();
  if (!inst->simple_layout) {
    Py_DECREF(self);
    return nullptr;
  }
  inst->simple_value_holder[0] = value;
  using Element = typename std::decay_t<Holder>::element_type;
  new (&inst->simple_value_holder[1]) std::decay_t<Holder>(std::forward<Holder>(holder));
  inst->simple_holder_constructed = true;
  inst->owned = true;
  if (registered) {
    py::detail::register_instance(inst, value, py::detail::get_type_info(typeid(Element)));
    inst->simple_instance_registered = true;
  }
  return self;
}

/// Sets the Python error for the exception being handled (call inside a catch block): torsh
/// errors map to RuntimeError, IndexError, TypeError or ValueError as in torch.
void set_python_error();
// ---- torch_function.cpp: torch's __torch_function__ protocol ----
/// The torsh Tensor type (exact).
extern PyTypeObject* g_tensor_type;
/// The calling thread's number of active TorchFunctionModes: while any is, every call of that
/// thread goes through the protocol.
extern thread_local int g_torch_function_modes __attribute__((tls_model("initial-exec")));
/// Whether a call with these arguments (self, then n values: positional, then keyword) goes to
/// __torch_function__: one of them (or an item of a list/tuple argument) is a Tensor subclass
/// instance or another object whose type defines it (and does not disable it), or a mode is
/// active; never while the calling thread has the protocol disabled.
bool wants_torch_function(PyObject* self, PyObject* const* args, Py_ssize_t n);
/// The same for an operator's operands (b null for a unary operator).
bool operator_wants_torch_function(PyObject* a, PyObject* b);
/// Hands the call of a registered entry point to torsh.overrides._dispatch with the public API
/// object of its name (torsh.<name>, or Tensor.<name> for a method, self first in the args).
PyObject* dispatch_torch_function(void* entry, PyObject* self, PyObject* const* args,
                                  Py_ssize_t nargs, PyObject* kwnames);
/// The same for the Tensor method `name` (Tensor.<name>, self first) and for the getter of the
/// attribute `name` (Tensor.<name>.__get__(self)).
PyObject* dispatch_method(const char* name, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                          PyObject* kwnames);
PyObject* dispatch_getter(const char* name, PyObject* self);
/// The same for a call of api itself (a wrapped Python function, function_wrapper.cpp).
PyObject* dispatch_callable(PyObject* api, PyObject* const* args, Py_ssize_t nargs,
                            PyObject* kwnames);
/// Registers torsh._C._TorchFunctionWrapper and _C._wrap_function (function_wrapper.cpp).
void register_function_wrapper(py::module_& m);
/// The same for an operator: Tensor.<dunder>(a[, b[, c]]) (b, c null when absent).
PyObject* dispatch_operator(const char* dunder, PyObject* a, PyObject* b, PyObject* c = nullptr);
/// A binary operator's dispatch_operator, a TypeError becoming NotImplemented (as torch's).
PyObject* dispatch_binary_operator(const char* dunder, PyObject* a, PyObject* b);
/// Remembers a builtin entry point's name (add_functions/add_methods).
void register_entry(void* entry, const char* name, PyObject* builtin, bool method);
/// Gives torsh.sum/prod/mean (over dims), matmul, mm, bmm, softmax, log_softmax, index_select,
/// argmax, argmin, all, any, lerp and conj_physical their out= (out_variants.cpp).
void register_out_variants(py::module_& m);
/// Registers _C's protocol switches, Tensor.as_subclass and Tensor._make_subclass.
void register_torch_function(py::module_& m, py::class_<Tensor>& cls);

/// A generated op's Python entry point body: (self or null, the call's arguments) -> result.
using OpImpl = py::object (*)(PyObject* self, const CallArgs& c);
/// A METH_FASTCALL | METH_KEYWORDS entry point running Impl and turning exceptions into Python
/// errors.
template <OpImpl Impl>
PyObject* fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Py_ssize_t n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
  if (wants_torch_function(self, args, n)) [[unlikely]] {
    return dispatch_torch_function(reinterpret_cast<void*>(&fastcall<Impl>), self, args, nargs,
                                   kwnames);
  }
  try {
    return Impl(self, CallArgs{args, nargs, kwnames}).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}
/// Adds each entry of defs (null-terminated) to m as a builtin function.
void add_functions(py::module_& m, PyMethodDef* defs);
/// Adds each entry of defs (null-terminated) to the Tensor class as a method.
void add_methods(py::handle cls, PyMethodDef* defs);
/// Creates the named-tuple type of desc ("torsh.return_types.<op>") and adds it to
/// return_types (the module torsh.return_types), which holds the reference.
PyTypeObject* make_return_type(py::module_& return_types, PyStructSequence_Desc* desc);
/// A named tuple of tensors of a type from make_return_type (torch's torch.return_types.<op>).
py::object wrap_named(PyTypeObject* type, std::initializer_list<Tensor> items);
/// A torch.return_types named tuple holding the given Python objects themselves (out=).
py::object wrap_named_objects(PyTypeObject* type, py::handle items);

/// Converts a Python number to a Scalar keeping its category.
Scalar to_scalar(py::handle h);
/// True for Python int/float/bool (and numpy scalars of those kinds).
bool is_number(py::handle h);
/// A Tensor from a Tensor object or a Python number (as a wrapped 0-dim tensor).
Tensor to_tensor_arg(py::handle h);
std::vector<int64_t> to_intlist(py::handle h, int fixed_len);
/// True for a torsh dtype and for Python's float, int and bool (torch accepts them as dtypes).
bool is_dtype(py::handle h);
/// The ScalarType of a dtype argument (float -> float64, int -> int64, bool -> bool).
ScalarType to_dtype(py::handle h);
/// A Python int as int64; RuntimeError "Overflow when unpacking long" beyond its range, as torch.
int64_t to_int64(PyObject* o);
/// Whether o is taken as an int argument: a Python int (not a bool) or, as torch, a 0-dim
/// integer tensor.
/// A Python int or a numpy integer (not a bool): torch's integer arguments.
bool is_py_int(PyObject* o);
/// A numpy integer (or, unless integer_only, numpy floating) scalar.
bool is_np_scalar(PyObject* o, bool integer_only);
bool is_int_arg(PyObject* o);
/// A Python float or int as double (OverflowError for ints beyond a double's range).
double as_double(PyObject* o);
bool is_intlist(py::handle h, int fixed_len);

py::object wrap(Tensor t);
py::object wrap(const std::tuple<Tensor, Tensor>& t);
py::object wrap(const std::vector<Tensor>& t);

/// The torsh dtype object for t (torsh.float32, ...).
py::object dtype_obj(ScalarType t);

// ---- device.cpp: torsh.device and device arguments ----
/// A device from a torsh.device, a string ("cuda:1") or an int (a CUDA index), as torch.
Device to_device(py::handle h);
/// Raises unless tensors can be placed on d: AssertionError for CUDA, as torch's CPU build.
void check_placement(Device d);
/// to_device(h), checked for placement: the device of a tensor being created or moved.
Device placement_device(py::handle h);
/// Registers torsh.device.
void register_device(py::module_& m);

// ---- conversions.cpp: Python data and numpy <-> tensors ----
/// torch.tensor(data): nested sequences of numbers/tensors, numpy arrays or tensors (copied).
Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype);
/// Tensor.tolist(): nested lists of Python numbers (a number for a 0-dim tensor), exact.
py::object to_list(const Tensor& t);
/// Tensor.item(): the single value as a Python bool, int or float, exact.
py::object to_number(const Tensor& t);
/// torch.from_numpy(arr) for a numpy array: shares the array's memory.
Tensor from_numpy(py::handle arr);
/// Tensor.numpy(force): a numpy array sharing the tensor's memory; refuses, as torch, a tensor
/// that requires grad while grad mode is on, unless force (which detaches it).
py::object to_numpy(const Tensor& t, bool force = false);

// ---- indexing.cpp: subscripts ----
/// self[index]: ints, slices, None, Ellipsis, bools and one tensor (or list) index.
Tensor getitem(const Tensor& self, py::handle index);
/// self[index] = value (a tensor or a number).
void setitem(const Tensor& self, py::handle index, py::handle value);
/// The Tensor type's mapping slots (with the __torch_function__ check): self[index] and
/// self[index] = value (value null: deletion, refused).
PyObject* subscript_slot(PyObject* self, PyObject* index);
int assign_subscript_slot(PyObject* self, PyObject* index, PyObject* value);
/// Points the Tensor type's mapping slots at getitem/setitem directly (after the dunders are
/// defined).
void install_subscript_slots(py::handle cls);

// ---- tensor_type.cpp and operators.cpp: the Tensor class ----
/// Registers the Tensor class's attributes and methods (not the operators).
void register_tensor_type(py::class_<Tensor>& cls);
/// Registers the operators: CPython number slots, reflected and in-place dunders, comparisons.
void register_operators(py::class_<Tensor>& cls);

/// Installs the hot Tensor attributes and small methods (shape, size, dim, dtype,
/// requires_grad, grad, is_leaf, contiguous, numel) as plain CPython getters and methods, over
/// their pybind11 definitions (fast_attrs.cpp).
void install_fast_attributes(py::handle cls);
/// The MemoryFormat of a torch.memory_format object (nullopt for null or None); TypeError, naming
/// op, for anything else.
std::optional<MemoryFormat> to_memory_format(const char* op, PyObject* fmt);
/// Whether h is a torch.memory_format object.
bool is_memory_format(PyObject* h);

/// Registers autograd: Tensor attributes, grad mode, backward/grad, Python Functions.
void register_autograd(py::module_& m, py::class_<Tensor>& cls);
/// torsh._C._distributed: process groups on MPI (an empty module when built without MPI).
void register_distributed(py::module_& m);
/// torsh._C._fused_adam_ and _fused_sgd_ (the optimizers' fused steps).
void register_optim(py::module_& m);

/// Registers the generated functions and Tensor methods.
void register_generated(py::module_& m, py::class_<Tensor>& cls);

}  // namespace torsh::python
