// The torsh.Tensor class: attributes, conversions, dtype casts and subscripts (the operators are
// in operators.cpp, the generated ops in python_functions.cpp).
#include <pybind11/stl.h>

#include "bindings.h"
#include "torsh/core/print_options.h"

namespace torsh::python {

namespace {

// self when r is self's tensor (torch returns the same object from a no-op to()/float()/...).
py::object same_or_wrap(py::handle self, const Tensor& r) {
  if (r.is_same(self.cast<const Tensor&>())) return py::reinterpret_borrow<py::object>(self);
  return wrap(r);
}

bool is_device_like(py::handle h) {
  return h.is_none() || PyUnicode_Check(h.ptr()) || py::isinstance<Device>(h) ||
         (PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr()));
}

// Tensor.to's three forms, as torch: (device=None, dtype=None, non_blocking=False, copy=False),
// (dtype, non_blocking=False, copy=False) and (tensor, non_blocking=False, copy=False); each
// takes memory_format= (preserve_format by default).
py::object tensor_to(py::handle self, const py::args& args, const py::kwargs& kwargs) {
  enum Form { kDeviceForm, kDtypeForm, kTensorForm };
  const size_t n = args.size();
  Form form = kDeviceForm;
  py::handle dev, dt, other, non_blocking, copy;
  std::optional<MemoryFormat> fmt;
  size_t i = 0;
  if (n > 0 && py::isinstance<Tensor>(args[0])) {
    form = kTensorForm;
    other = args[i++];
  } else if (n > 0 && is_dtype(args[0])) {
    form = kDtypeForm;
    dt = args[i++];
  } else if (n > 0) {
    dev = args[i++];
    if (n > 1) dt = args[i++];
  }
  if (i < n) non_blocking = args[i++];
  if (i < n) copy = args[i++];
  bool ok = i == n;
  for (auto kv : kwargs) {
    const std::string key = py::str(kv.first);
    py::handle* slot = key == "device" && form == kDeviceForm  ? &dev
                       : key == "dtype" && form == kDeviceForm ? &dt
                       : key == "non_blocking"                 ? &non_blocking
                       : key == "copy"                         ? &copy
                                                               : nullptr;
    if (key == "memory_format") {
      fmt = to_memory_format("to", kv.second.ptr());
      continue;
    }
    ok = ok && slot && !*slot;
    if (ok) *slot = kv.second;
  }
  ok = ok && (!dev || is_device_like(dev)) && (!dt || dt.is_none() || is_dtype(dt));
  for (py::handle b : {non_blocking, copy}) ok = ok && (!b || PyBool_Check(b.ptr()));
  TORSH_CHECK_TYPE(ok,
                   "to() received an invalid combination of arguments - expected one of: "
                   "(Device device=None, dtype dtype=None, bool non_blocking=False, bool "
                   "copy=False), (dtype dtype, bool non_blocking=False, bool copy=False), (Tensor "
                   "other, bool non_blocking=False, bool copy=False)");
  const Tensor& t = self.cast<const Tensor&>();
  Device device = t.device();
  ScalarType dtype = t.dtype();
  if (other) {
    device = other.cast<const Tensor&>().device();
    dtype = other.cast<const Tensor&>().dtype();
  }
  if (dev && !dev.is_none()) device = placement_device(dev);
  if (dt && !dt.is_none()) dtype = to_dtype(dt);
  return same_or_wrap(
      self, t.to(device, dtype, non_blocking.ptr() == Py_True, copy.ptr() == Py_True, fmt));
}

// Tensor.to as a METH_FASTCALL method: the __torch_function__ check, then `t.to(t.dtype)` (the
// common no-op) answered at once; every other call goes through tensor_to.
PyObject* to_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  if ((g_torch_function_modes || Py_TYPE(self) != g_tensor_type) &&
      wants_torch_function(self, args, nargs + nkw)) [[unlikely]] {
    return dispatch_method("to", self, args, nargs, kwnames);
  }
  try {
    const Tensor* t = peek_tensor(self);
    if (!t) throw TypeError("to(): self must be a Tensor");
    if (nkw == 0 && nargs == 1 && is_dtype(args[0]) && to_dtype(args[0]) == t->dtype()) {
      Py_INCREF(self);
      return self;
    }
    py::tuple positional(nargs);
    for (Py_ssize_t i = 0; i < nargs; ++i) {
      positional[i] = py::reinterpret_borrow<py::object>(args[i]);
    }
    py::dict keywords;
    for (Py_ssize_t i = 0; i < nkw; ++i) {
      keywords[PyTuple_GET_ITEM(kwnames, i)] = py::reinterpret_borrow<py::object>(args[nargs + i]);
    }
    return tensor_to(self, py::args(positional), py::kwargs(keywords)).release().ptr();
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

PyMethodDef kToDef[] = {
    {"to", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&to_fastcall)),
     METH_FASTCALL | METH_KEYWORDS, nullptr},
    {nullptr, nullptr, 0, nullptr}};

// torch's repr names a subclass instance by its class ("M([1., 2.])", continuation lines
// indented to match); plain tensors and nn.Parameter read "tensor(".
std::string subclass_repr(py::handle self) {
  const Tensor* t = peek_tensor(self.ptr());
  if (!t) {
    throw TypeError(
        detail::str_cat("__repr__(): expected a Tensor, got ", Py_TYPE(self.ptr())->tp_name));
  }
  std::string text = repr(*t);
  PyTypeObject* type = Py_TYPE(self.ptr());
  if (type == g_tensor_type) return text;
  static PyObject* parameter =
      py::object(py::module_::import("torsh.nn.parameter").attr("Parameter")).release().ptr();
  if (reinterpret_cast<PyObject*>(type) == parameter) return text;
  const std::string plain = "tensor(";
  if (text.compare(0, plain.size(), plain) != 0) return text;
  const std::string name = py::str(py::handle(reinterpret_cast<PyObject*>(type)).attr("__name__"));
  const std::string pad(name.size() + 1, ' ');
  const std::string old_pad(plain.size(), ' ');
  std::string out = name + "(";
  size_t pos = plain.size();
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    out += text.substr(pos, nl == std::string::npos ? std::string::npos : nl + 1 - pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
    if (text.compare(pos, old_pad.size(), old_pad) == 0) {
      out += pad;
      pos += old_pad.size();
    }
  }
  return out;
}

}  // namespace

void register_tensor_type(py::class_<Tensor>& cls) {
  // shape, size, dim, ndim, numel, dtype and contiguous: fast_attrs.cpp.
  cls.def("__repr__", [](py::handle self) { return subclass_repr(self); })
      .def("element_size", &Tensor::element_size)
      .def("storage_offset", &Tensor::storage_offset)
      // Tensor.resize_'s core (argument parsing and the requires-grad check: _extra_api.py)
      .def("_resize_",
           [](py::object self, const std::vector<int64_t>& sizes, py::handle fmt) {
             const Tensor& t = self.cast<const Tensor&>();
             const auto f = to_memory_format("resize_", fmt.ptr());
             TORSH_CHECK(!f || *f != MemoryFormat::Preserve, "Unsupported memory format", *f);
             t.resize_(sizes);
             if (f) {  // an explicit format restrides, contiguous_format included (as torch)
               TensorImpl* impl = t.unsafeGetTensorImpl();
               impl->set_geometry(sizes, detail::strides_for_format(sizes, *f),
                                  impl->storage_offset());
             }
             return self;
           })
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); })
      // (address, bytes) of the whole storage under t: Tensor.storage() (python/torsh/_storage.py)
      .def("_storage_info",
           [](const Tensor& t) {
             const auto& st = t.unsafeGetTensorImpl()->storage();
             return py::make_tuple(reinterpret_cast<uintptr_t>(st->data()), st->nbytes());
           })
      .def_property_readonly("device", [](const Tensor& t) { return t.device(); })
      .def_property_readonly("is_cuda", [](const Tensor&) { return false; })
      .def("is_floating_point", &Tensor::is_floating_point)
      .def(
          "is_contiguous",
          [](const Tensor& t, py::handle fmt) {
            const auto f = to_memory_format("is_contiguous", fmt.ptr());
            return f ? t.is_contiguous(*f) : t.is_contiguous();
          },
          py::kw_only(), py::arg("memory_format") = py::none())
      .def(
          "clone",
          [](const Tensor& t, py::handle fmt) {
            return t.clone(to_memory_format("clone", fmt.ptr()));
          },
          py::kw_only(), py::arg("memory_format") = py::none())
      .def(
          "copy_",
          [](py::object self, py::handle src, py::handle non_blocking) {
            // torch's parser takes only a bool here (not an int, not None).
            if (!PyBool_Check(non_blocking.ptr())) {
              throw TypeError(std::string("copy_(): argument 'non_blocking' (position 2) must be "
                                          "bool, not ") +
                              Py_TYPE(non_blocking.ptr())->tp_name);
            }
            // A Python number is copied in as torch does: as a 0-dim tensor (an unchecked cast,
            // and the overlap check of a tensor copy).
            if (const Tensor* t = peek_tensor(src.ptr())) {
              self.cast<Tensor&>()._assign_(*t);
            } else if (is_number(src)) {
              self.cast<Tensor&>()._assign_(detail::wrap_scalar(to_scalar(src)));
            } else {
              throw TypeError(std::string("copy_(): argument 'src' must be Tensor, not ") +
                              Py_TYPE(src.ptr())->tp_name);
            }
            return self;
          },
          py::arg("src"), py::arg("non_blocking") = py::bool_(false))
      .def("fill_",
           [](py::object self, py::handle v) {
             const Tensor* t = peek_tensor(v.ptr());
             TORSH_CHECK(!t || t->dim() == 0,
                         "fill_ only supports 0-dimension value tensor but got tensor with ",
                         t ? t->dim() : 0, " dimensions.");
             if (t && t->requires_grad() && GradMode::is_enabled()) {
               // torch's fill_.Tensor: the value's gradient is the sum of self's (a copy of a
               // value that lives in self is taken first)
               const bool shared = t->unsafeGetTensorImpl()->storage().get() ==
                                   self.cast<Tensor&>().unsafeGetTensorImpl()->storage().get();
               self.cast<Tensor&>()._assign_(shared ? t->clone() : *t);
               return self;
             }
             self.cast<Tensor&>()._assign_(to_scalar(v));
             return self;
           })
      .def("zero_",
           [](py::object self) {
             self.cast<Tensor&>()._assign_(Scalar(0));
             return self;
           })
      .def("item", &to_number)
      .def("tolist", [](const Tensor& t) { return to_list(t); })
      .def(
          "numpy", [](const Tensor& t, bool force) { return to_numpy(t, force); },
          py::arg("force") = false)
      .def(
          "__array__", [](const Tensor& t, py::object) { return to_numpy(t); },
          py::arg("dtype") = py::none())
      // numpy's results on tensors (np.sin(t), t + array) come back as tensors; bool arrays as
      // uint8, as torch does.
      .def(
          "__array_wrap__",
          [](const Tensor&, py::handle array, py::handle) {
            py::object a = py::reinterpret_borrow<py::object>(array);
            if (py::str(a.attr("dtype").attr("kind")).cast<std::string>() == "b")
              a = a.attr("astype")("uint8");
            return from_numpy(a);
          },
          py::arg("array"), py::arg("context") = py::none())
      .def("to", &tensor_to)  // replaced by to_fastcall (kToDef) once the class is built
      .def(
          "type",
          [](const Tensor& t, std::optional<PyDtype> dt) -> py::object {
            if (!dt) return py::str(std::string("torch.") + scalar_type_name(t.dtype()) + "Tensor");
            return wrap(t.to(dt->type));
          },
          py::arg("dtype") = py::none())
      .def("type_as",
           [](py::handle self, const Tensor& other) {
             return same_or_wrap(self, self.cast<const Tensor&>().type_as(other));
           })
      .def("cpu", [](py::object self) { return self; })
      .def(
          "cuda",
          [](const Tensor&, py::object device, bool) {
            TORSH_CHECK(device.is_none() || to_device(device).is_cuda(),
                        "Invalid device, must be cuda device");
            check_placement(Device(kCUDA));
            return py::none();  // not reached: this build has no CUDA
          },
          py::arg("device") = py::none(), py::arg("non_blocking") = false)
      .def_property_readonly("T",
                             [](const Tensor& t) {
                               std::vector<int64_t> p;
                               for (int64_t i = t.dim() - 1; i >= 0; --i) p.push_back(i);
                               return t.permute(p);
                             })
      .def("__len__",
           [](const Tensor& t) {
             TORSH_CHECK_TYPE(t.dim() > 0, "len() of a 0-d tensor");
             return t.sizes()[0];
           })
      .def("__iter__",
           [](py::handle self) {
             // torch: iter(self.unbind(0)); a 0-d tensor is not iterable. A subclass instance
             // (or an active mode) calls self.unbind, which __torch_function__ sees.
             const Tensor* t = peek_tensor(self.ptr());
             if (!t) throw TypeError("__iter__(): self must be a Tensor");
             TORSH_CHECK_TYPE(t->dim() > 0, "iteration over a 0-d tensor");
             if (Py_TYPE(self.ptr()) != g_tensor_type || g_torch_function_modes) {
               return py::iter(self.attr("unbind")(0));
             }
             return py::iter(py::cast(t->unbind(0)));
           })
      .def("__getitem__",
           [](py::handle self, py::handle index) {
             if (!peek_tensor(self.ptr())) throw TypeError("__getitem__(): self must be a Tensor");
             PyObject* r = subscript_slot(self.ptr(), index.ptr());
             if (!r) throw py::error_already_set();
             return py::reinterpret_steal<py::object>(r);
           })
      .def("__setitem__",
           [](py::handle self, py::handle index, py::handle value) {
             if (!peek_tensor(self.ptr())) throw TypeError("__setitem__(): self must be a Tensor");
             if (assign_subscript_slot(self.ptr(), index.ptr(), value.ptr()) != 0) {
               throw py::error_already_set();
             }
           })
      .def("__bool__",
           [](const Tensor& t) {
             TORSH_CHECK(t.numel() > 0, "Boolean value of Tensor with no values is ambiguous");
             TORSH_CHECK(t.numel() == 1,
                         "Boolean value of Tensor with more than one value is ambiguous");
             return t.item().to_bool();
           })
      .def("__float__", [](const Tensor& t) { return py::float_(to_number(t)); })
      .def("__complex__",
           [](const Tensor& t) {
             py::object v = to_number(t);
             return py::reinterpret_steal<py::object>(PyObject_CallFunctionObjArgs(
                 reinterpret_cast<PyObject*>(&PyComplex_Type), v.ptr(), nullptr));
           })
      // int() of a floating tensor truncates its value as Python's int(float) does (exactly, and
      // raising for nan and inf).
      .def("__int__",
           [](const Tensor& t) {
             PyObject* r = PyNumber_Long(to_number(t).ptr());
             if (!r) throw py::error_already_set();
             return py::reinterpret_steal<py::object>(r);
           })
      .def("__index__",
           [](const Tensor& t) {
             TORSH_CHECK_TYPE(
                 is_integral(t.dtype(), true) && t.numel() == 1,
                 "only integer tensors of a single element can be converted to an index");
             return t.item().to_long();
           })
      .def("__hash__", [](py::handle self) { return reinterpret_cast<intptr_t>(self.ptr()); });
  static const std::pair<const char*, ScalarType> casts[] = {
      {"float", kFloat},       {"double", kDouble},       {"half", kHalf},
      {"bfloat16", kBFloat16}, {"long", kLong},           {"int", kInt},
      {"short", kShort},       {"char", kChar},           {"byte", kByte},
      {"bool", kBool},         {"cfloat", kComplexFloat}, {"cdouble", kComplexDouble}};
  for (const auto& [name, type] : casts) {
    ScalarType to = type;
    cls.def(
        name,
        [to, name](py::handle self, py::handle fmt) {
          return same_or_wrap(self, self.cast<const Tensor&>().to(
                                        to, false, false, to_memory_format(name, fmt.ptr())));
        },
        py::kw_only(), py::arg("memory_format") = py::none());
  }
  install_subscript_slots(cls);
  add_methods(cls, kToDef);  // over the pybind11 definition above
}

}  // namespace torsh::python
