// torsh.device and device arguments, parsed strictly as torch parses them. Placing a tensor on
// CUDA raises what torch's CPU-only build raises (AssertionError, from its lazy CUDA init).
#include "bindings.h"

namespace torsh::python {

namespace {

bool is_int(py::handle h) { return PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr()); }

std::string type_name(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

int8_t device_index(py::handle h) {
  const auto i = h.cast<int64_t>();
  TORSH_CHECK(i >= 0, "Device index must not be negative");
  TORSH_CHECK(i <= 127, "Device index ", i, " is out of range");
  return static_cast<int8_t>(i);
}

// torch.device(type, index=None): a device, a string, or a CUDA index; or a type string and an
// index.
Device make_device(py::handle type, py::handle index) {
  if (index.is_none()) return to_device(type);
  TORSH_CHECK_TYPE(PyUnicode_Check(type.ptr()) && is_int(index),
                   "Device(): expected (str type, int index), got (", type_name(type), ", ",
                   type_name(index), ")");
  const auto s = type.cast<std::string>();
  Device d(s);
  TORSH_CHECK(!d.has_index(),
              "type (string) must not include an index because index was passed explicitly: ", s);
  return Device(d.type, device_index(index));
}

}  // namespace

Device to_device(py::handle h) {
  if (py::isinstance<Device>(h)) return h.cast<Device>();
  if (PyUnicode_Check(h.ptr())) return Device(h.cast<std::string>());
  if (is_int(h)) return Device(kCUDA, device_index(h));
  throw TypeError("expected a torch.device, a device string or a CUDA device index, got " +
                  type_name(h));
}

void check_placement(Device d) {
  if (d.is_cuda()) {
    PyErr_SetString(PyExc_AssertionError, "Torch not compiled with CUDA enabled");
    throw py::error_already_set();
  }
  check_device_available(d);
}

Device placement_device(py::handle h) {
  Device d = to_device(h);
  check_placement(d);
  return d;
}

void register_device(py::module_& m) {
  py::class_<Device>(m, "device")
      .def(py::init(&make_device), py::arg("type"), py::arg("index") = py::none())
      .def_property_readonly("type", [](const Device& d) { return device_type_name(d.type); })
      .def_property_readonly("index",
                             [](const Device& d) -> py::object {
                               if (!d.has_index()) return py::none();
                               return py::int_(static_cast<int>(d.index()));
                             })
      .def("__repr__",
           [](const Device& d) {
             std::string r = "device(type='" + device_type_name(d.type) + "'";
             if (d.has_index()) r += ", index=" + std::to_string(static_cast<int>(d.index()));
             return r + ")";
           })
      .def("__str__", &Device::str)
      .def("__hash__",
           [](const Device& d) { return static_cast<int>(d.type()) * 256 + d.index + 1; })
      .def("__eq__",
           [](const Device& a, py::handle b) -> py::object {
             if (!py::isinstance<Device>(b))
               return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             return py::bool_(a == b.cast<Device>());
           })
      .def("__reduce__", [](py::handle self) {
        return py::make_tuple(py::type::handle_of(self), py::make_tuple(self.cast<Device>().str()));
      });
}

}  // namespace torsh::python
