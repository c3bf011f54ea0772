// The torsh._C extension module: exceptions, dtypes, generators and module-level functions. The
// Tensor class is in tensor_type.cpp, operators.cpp, indexing.cpp and conversions.cpp.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cctype>
#include <random>

#include "bindings.h"
#include "torsh/core/print_options.h"
#include "torsh/core/thread_generator.h"
#include "torsh/core/warning.h"
#include "torsh/linalg_extra.h"
#include "torsh/nn/vision_ops.h"
#include "torsh/random_sampling.h"

namespace torsh::python {

namespace {
// A seed as PyTorch takes it: any int in [-2^63, 2^64), negatives wrapping to uint64.
uint64_t seed_from_python(py::handle s) {
  py::int_ v = py::reinterpret_steal<py::int_>(PyNumber_Index(s.ptr()));
  if (!v) throw py::error_already_set();
  unsigned long long u = PyLong_AsUnsignedLongLong(v.ptr());
  if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
    PyErr_Clear();
    long long i = PyLong_AsLongLong(v.ptr());
    if (i == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      throw Error("manual_seed(): Overflow when unpacking long");
    }
    u = static_cast<unsigned long long>(i);
  }
  return static_cast<uint64_t>(u);
}

// torch's Generator.seed(): 64 non-deterministic bits (from the OS's entropy source, as torch
// reads /dev/urandom) become the generator's seed, and are returned.
uint64_t reseed_nondeterministic(Generator& g) {
  std::random_device rd;
  const uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(rd());
  g.set_current_seed(s);
  return s;
}

const ScalarType kAllTypes[] = {kFloat, kDouble, kHalf, kBFloat16, kLong,         kInt,
                                kShort, kChar,   kByte, kBool,     kComplexFloat, kComplexDouble};
}  // namespace

py::object dtype_obj(ScalarType t) {
  static py::object* objs = [] {
    auto* arr = new py::object[32];
    py::module_ m = py::module_::import("torsh._C");
    for (ScalarType s : kAllTypes) arr[static_cast<int>(s)] = m.attr(dtype_name(s));
    return arr;
  }();
  return objs[static_cast<int>(t)];
}

// torsh's warnings as Python UserWarnings (an error when warnings are errors).
void warn_in_python(const std::string& message) {
  py::gil_scoped_acquire gil;
  if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) != 0) throw py::error_already_set();
}

}  // namespace torsh::python

using namespace torsh;
using namespace torsh::python;

PYBIND11_MODULE(_C, m) {
  m.doc() = "torsh native core";
  set_warning_handler(&warn_in_python);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (...) {
      set_python_error();
    }
  });

  py::class_<PyDtype>(m, "dtype")
      .def_property_readonly("is_floating_point",
                             [](const PyDtype& d) { return is_floating_point(d.type); })
      .def_property_readonly("is_complex", [](const PyDtype& d) { return is_complex(d.type); })
      .def_property_readonly("is_signed",
                             [](const PyDtype& d) { return d.type != kByte && d.type != kBool; })
      .def_property_readonly("itemsize", [](const PyDtype& d) { return element_size(d.type); })
      .def("__repr__", [](const PyDtype& d) { return std::string("torch.") + dtype_name(d.type); })
      .def("__eq__",
           [](const PyDtype& a, py::handle b) {
             return py::isinstance<PyDtype>(b) && a.type == b.cast<PyDtype>().type;
           })
      .def("__hash__", [](const PyDtype& d) { return static_cast<int>(d.type); })
      .def("__reduce__", [](const PyDtype& d) { return py::str(dtype_name(d.type)); });
  for (ScalarType t : kAllTypes) m.attr(dtype_name(t)) = PyDtype{t};
  m.attr("float") = m.attr("float32");
  m.attr("double") = m.attr("float64");
  m.attr("half") = m.attr("float16");
  m.attr("long") = m.attr("int64");
  m.attr("int") = m.attr("int32");
  m.attr("short") = m.attr("int16");
  m.attr("cfloat") = m.attr("complex64");
  m.attr("cdouble") = m.attr("complex128");

  register_device(m);
  py::class_<Generator>(m, "Generator")
      .def(py::init([](py::handle device) {
             const Device d = to_device(device);
             std::string type = device_type_name(d.type);
             for (char& c : type) c = static_cast<char>(std::toupper(c));
             TORSH_CHECK(d.is_cpu(), "Device type ", type,
                         " is not supported for torch.Generator() api.");
             return Generator();
           }),
           py::arg("device") = "cpu")
      // manual_seed and set_state return the generator itself, as torch's do
      .def(
          "manual_seed",
          [](Generator& g, py::handle s) -> Generator& {
            g.set_current_seed(seed_from_python(s));
            return g;
          },
          py::return_value_policy::reference)
      .def("initial_seed", &Generator::current_seed)
      .def("seed", [](Generator& g) { return reseed_nondeterministic(g); })
      .def("get_state", &Generator::get_state)
      .def(
          "set_state",
          [](Generator& g, const Tensor& state) -> Generator& {
            g.set_state(state);
            return g;
          },
          py::arg("new_state"), py::return_value_policy::reference);

  m.def("_get_printoptions", [] {
    const PrintOptions o = get_printoptions();
    return py::make_tuple(o.precision, o.threshold, o.edgeitems, o.linewidth,
                          o.sci_mode ? py::cast(*o.sci_mode) : py::none());
  });
  m.def("_set_printoptions", [](int precision, int64_t threshold, int64_t edgeitems,
                                int64_t linewidth, std::optional<bool> sci_mode) {
    set_printoptions(PrintOptions{precision, threshold, edgeitems, linewidth, sci_mode});
  });
  // the default generator is one Python object: torch.manual_seed(s) is torch.default_generator
  m.def(
      "manual_seed",
      [](py::handle s) -> Generator& {
        manual_seed(seed_from_python(s));
        return default_generator();
      },
      py::return_value_policy::reference);
  m.def("seed", [] { return reseed_nondeterministic(default_generator()); });
  m.def("initial_seed", [] { return default_generator().current_seed(); });
  m.def("get_rng_state", [] { return get_rng_state(); });
  m.def(
      "set_rng_state", [](const Tensor& state) { set_rng_state(state); }, py::arg("new_state"));
  m.def(
      "default_generator", []() -> Generator& { return default_generator(); },
      py::return_value_policy::reference);
  // a DataLoader worker thread's own default generator, seeded as torch seeds a worker process
  m.def("_set_thread_generator", [](std::optional<uint64_t> seed) {
    set_thread_default_generator(seed ? std::optional<Generator>(Generator(*seed)) : std::nullopt);
  });
  m.def("set_num_threads", &set_num_threads);
  m.def("get_num_threads", &get_num_threads);
  m.def("get_default_dtype", [] { return dtype_obj(get_default_dtype()); });
  m.def("set_default_dtype", [](const PyDtype& d) { set_default_dtype(d.type); });
  m.def("promote_types", [](const PyDtype& a, const PyDtype& b) {
    return dtype_obj(promote_types(a.type, b.type));
  });
  m.def("can_cast", [](const PyDtype& a, const PyDtype& b) { return can_cast(a.type, b.type); });
  m.def("result_type", [](py::handle a, py::handle b) {
    return dtype_obj(result_type(to_tensor_arg(a), to_tensor_arg(b)));
  });
  m.def("empty_cache", &empty_cache);
  m.def("_geqrf", [](const Tensor& a) { return geqrf(a); });
  m.def("_linalg_gesv", [](const Tensor& a, const Tensor& b) { return linalg_gesv(a, b); });
  m.def("_linalg_potrf", [](const Tensor& a, bool upper) { return linalg_potrf(a, upper); });
  m.def("_linalg_getrf", [](const Tensor& a) { return linalg_getrf(a); });
  m.def("_linalg_gesdd", [](const Tensor& a, bool full, bool uv) {
    auto [u, s, vh, info] = linalg_gesdd(a, full, uv);
    return py::make_tuple(u.defined() ? py::cast(u) : py::none(), s,
                          vh.defined() ? py::cast(vh) : py::none(), info);
  });
  m.def("_linalg_geev", [](const Tensor& a, bool v) {
    auto [wr, wi, vr, info] = linalg_geev(a, v);
    return py::make_tuple(wr, wi, vr.defined() ? py::cast(vr) : py::none(), info);
  });
  m.def("_linalg_syevd", [](const Tensor& a, bool upper, bool v) {
    auto [w, q, info] = linalg_syevd(a, upper, v);
    return py::make_tuple(w, q.defined() ? py::cast(q) : py::none(), info);
  });
  // torch's samplers (torsh/random_sampling.h); python/torsh/_random_extra.py parses arguments
  using OptGen = std::optional<Generator>;
  m.def("_sample_bernoulli", [](const Tensor& p, OptGen g) { return bernoulli(p, g); });
  m.def("_sample_multinomial", [](const Tensor& p, int64_t n, bool replacement, OptGen g) {
    return multinomial(p, n, replacement, g);
  });
  m.def("_sample_normal_tt",
        [](const Tensor& m, const Tensor& s, OptGen g) { return normal(m, s, g); });
  m.def("_sample_normal_ts", [](const Tensor& m, double s, OptGen g) { return normal(m, s, g); });
  m.def("_sample_normal_st", [](double m, const Tensor& s, OptGen g) { return normal(m, s, g); });
  m.def("_sample_poisson", [](const Tensor& r, OptGen g) { return poisson(r, g); });
  m.def("_sample_binomial",
        [](const Tensor& c, const Tensor& p, OptGen g) { return binomial(c, p, g); });
  m.def("grid_sampler", &grid_sampler, py::arg("input"), py::arg("grid"),
        py::arg("interpolation_mode"), py::arg("padding_mode"), py::arg("align_corners"));
  m.def("equal", [](const Tensor& a, const Tensor& b) { return equal(a, b); });
  m.def("allclose", &allclose, py::arg("input"), py::arg("other"), py::arg("rtol") = 1e-5,
        py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
  m.def("from_numpy", [](py::array a) { return from_numpy(a); });
  m.def(
      "tensor",
      [](py::handle data, py::handle dtype, py::object device, bool requires_grad) {
        TORSH_CHECK_TYPE(dtype.is_none() || is_dtype(dtype),
                         "tensor(): argument 'dtype' must be torch.dtype, not ",
                         Py_TYPE(dtype.ptr())->tp_name);
        if (!device.is_none()) placement_device(device);
        if (py::isinstance<Tensor>(data) &&
            PyErr_WarnEx(PyExc_UserWarning,
                         "To copy construct from a tensor, it is recommended to use "
                         "sourceTensor.clone().detach() or "
                         "sourceTensor.clone().detach().requires_grad_(True), rather than "
                         "torch.tensor(sourceTensor).",
                         1) != 0) {
          throw py::error_already_set();
        }
        Tensor t = tensor_from_data(
            data, dtype.is_none() ? std::nullopt : std::optional<ScalarType>(to_dtype(dtype)));
        if (requires_grad) t.requires_grad_(true);
        return t;
      },
      py::arg("data"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
      py::arg("requires_grad") = false);
  m.def("is_tensor", [](py::handle h) { return py::isinstance<Tensor>(h); });

  py::class_<Tensor> cls(m, "Tensor", py::dynamic_attr());
  // torch.Tensor(...): the legacy constructor of the default dtype (sizes, data, a tensor to
  // alias), as torch.FloatTensor(...) in torsh._legacy_types.
  cls.def(py::init([](py::args args, py::kwargs kwargs) {
    py::object make = py::module_::import("torsh._legacy_types").attr("default_tensor_new");
    return make(*args, **kwargs).cast<Tensor>();
  }));
  set_tensor_type(cls.ptr());
  install_tensor_dealloc(cls.ptr());
  register_tensor_type(cls);
  register_operators(cls);
  register_generated(m, cls);
  register_torch_function(m, cls);
  register_function_wrapper(m);
  register_out_variants(m);
  register_autograd(m, cls);
  register_distributed(m);
  register_optim(m);
  install_fast_attributes(cls);
}
