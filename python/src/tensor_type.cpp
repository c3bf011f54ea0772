// The torsh.Tensor class: attributes, conversions, dtype casts and subscripts (the operators are
// in operators.cpp, the generated ops in python_functions.cpp).
#include <pybind11/stl.h>

#include "bindings.h"

namespace torsh::python {

namespace {

py::object make_size(IntArrayRef sizes) {
  static py::object* t = new py::object(py::module_::import("torsh._size").attr("Size"));
  return (*t)(py::tuple(py::cast(sizes.vec())));
}

}  // namespace

void register_tensor_type(py::class_<Tensor>& cls) {
  cls.def("__repr__", &Tensor::toString)
      .def_property_readonly("shape", [](const Tensor& t) { return make_size(t.sizes()); })
      .def(
          "size",
          [](const Tensor& t, std::optional<int64_t> d) -> py::object {
            if (d) return py::int_(t.size(*d));
            return make_size(t.sizes());
          },
          py::arg("dim") = py::none())
      .def(
          "stride",
          [](const Tensor& t, std::optional<int64_t> d) -> py::object {
            if (d) return py::int_(t.stride(*d));
            return py::tuple(py::cast(t.strides().vec()));
          },
          py::arg("dim") = py::none())
      .def("dim", &Tensor::dim)
      .def("ndimension", &Tensor::dim)
      .def_property_readonly("ndim", &Tensor::dim)
      .def("numel", &Tensor::numel)
      .def("nelement", &Tensor::numel)
      .def("element_size", &Tensor::element_size)
      .def("storage_offset", &Tensor::storage_offset)
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); })
      .def_property_readonly("dtype", [](const Tensor& t) { return dtype_obj(t.dtype()); })
      .def_property_readonly(
          "device",
          [](const Tensor&) { return py::module_::import("torsh").attr("device")("cpu"); })
      .def_property_readonly("is_cuda", [](const Tensor&) { return false; })
      .def("is_floating_point", &Tensor::is_floating_point)
      .def(
          "is_contiguous", [](const Tensor& t, py::object) { return t.is_contiguous(); },
          py::arg("memory_format") = py::none())
      .def(
          "contiguous", [](const Tensor& t, py::object) { return t.contiguous(); },
          py::arg("memory_format") = py::none())
      .def(
          "clone", [](const Tensor& t, py::object) { return t.clone(); },
          py::arg("memory_format") = py::none())
      .def(
          "copy_",
          [](py::object self, const Tensor& src, bool) {
            self.cast<Tensor&>()._assign_(src);
            return self;
          },
          py::arg("src"), py::arg("non_blocking") = false)
      .def("fill_",
           [](py::object self, py::handle v) {
             self.cast<Tensor&>()._assign_(to_scalar(v));
             return self;
           })
      .def("zero_",
           [](py::object self) {
             self.cast<Tensor&>()._assign_(Scalar(0));
             return self;
           })
      .def("item",
           [](const Tensor& t) -> py::object {
             TORSH_CHECK_VALUE(t.numel() == 1,
                               "only one element tensors can be converted to Python scalars");
             Scalar s = t.item();
             if (s.is_boolean()) return py::bool_(s.to_bool());
             if (s.is_integral()) return py::int_(s.to_long());
             return py::float_(s.to_double());
           })
      .def("tolist", [](const Tensor& t) { return to_list(t); })
      .def(
          "numpy", [](const Tensor& t, bool) { return to_numpy(t); }, py::arg("force") = false)
      .def(
          "__array__", [](const Tensor& t, py::object) { return to_numpy(t); },
          py::arg("dtype") = py::none())
      .def("to",
           [](const Tensor& t, py::args args, py::kwargs kwargs) {
             std::optional<ScalarType> dt;
             bool copy = kwargs.contains("copy") && kwargs["copy"].cast<bool>();
             for (auto a : args) {
               if (py::isinstance<PyDtype>(a)) dt = a.cast<PyDtype>().type;
               if (py::isinstance<Tensor>(a)) dt = a.cast<const Tensor&>().dtype();
             }
             if (kwargs.contains("dtype")) dt = kwargs["dtype"].cast<PyDtype>().type;
             return t.to(dt ? *dt : t.dtype(), false, copy);
           })
      .def(
          "type",
          [](const Tensor& t, std::optional<PyDtype> dt) -> py::object {
            if (!dt) return py::str(std::string("torch.") + scalar_type_name(t.dtype()) + "Tensor");
            return py::cast(t.to(dt->type));
          },
          py::arg("dtype") = py::none())
      .def("float", [](const Tensor& t) { return t.to(kFloat); })
      .def("double", [](const Tensor& t) { return t.to(kDouble); })
      .def("half", [](const Tensor& t) { return t.to(kHalf); })
      .def("bfloat16", [](const Tensor& t) { return t.to(kBFloat16); })
      .def("long", [](const Tensor& t) { return t.to(kLong); })
      .def("int", [](const Tensor& t) { return t.to(kInt); })
      .def("short", [](const Tensor& t) { return t.to(kShort); })
      .def("char", [](const Tensor& t) { return t.to(kChar); })
      .def("byte", [](const Tensor& t) { return t.to(kByte); })
      .def("bool", [](const Tensor& t) { return t.to(kBool); })
      .def("cpu", [](const Tensor& t) { return t; })
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
      .def("__getitem__", &getitem)
      .def("__setitem__", &setitem)
      .def("__bool__",
           [](const Tensor& t) {
             TORSH_CHECK(t.numel() == 1,
                         "Boolean value of Tensor with more than one value is ambiguous");
             return t.item().to_bool();
           })
      .def("__float__", [](const Tensor& t) { return t.item().to_double(); })
      .def("__int__", [](const Tensor& t) { return t.item().to_long(); })
      .def("__index__",
           [](const Tensor& t) {
             TORSH_CHECK_TYPE(
                 is_integral(t.dtype(), true) && t.numel() == 1,
                 "only integer tensors of a single element can be converted to an index");
             return t.item().to_long();
           })
      .def("__hash__", [](py::handle self) { return reinterpret_cast<intptr_t>(self.ptr()); });
}

}  // namespace torsh::python
