// Python values and numpy arrays <-> tensors: torch.tensor(data), tolist, numpy, from_numpy.
#include <pybind11/numpy.h>

#include "bindings.h"
#include "core/dispatch.h"
#include "torsh/core/grad_mode.h"

namespace torsh::python {

namespace {

// PyTorch's limit on nesting in torch.tensor(data); deeper lists raise instead of recursing on.
constexpr size_t kMaxDataDims = 128;

// A numpy scalar (np.float64(1.5), np.int32(2), np.bool_(True)): torch reads it as a 0-dim tensor
// of its own dtype, so it takes part in dtype inference with that dtype.
bool is_numpy_scalar(py::handle obj) {
  static PyObject* generic = [] {
    py::object g = py::module_::import("numpy").attr("generic");
    return g.release().ptr();
  }();
  return PyObject_IsInstance(obj.ptr(), generic) == 1;
}

void infer_tensor(const Tensor& t, std::vector<int64_t>& sizes, size_t depth, ScalarType& kind,
                  std::vector<Scalar>& values);

void infer(py::handle obj, std::vector<int64_t>& sizes, size_t depth, ScalarType& kind,
           std::vector<Scalar>& values) {
  if (is_numpy_scalar(obj)) {
    py::array a = py::module_::import("numpy").attr("asarray")(obj);
    infer_tensor(from_numpy(a), sizes, depth, kind, values);
    return;
  }
  if (py::isinstance<Tensor>(obj)) {
    // as torch: a tensor inside a sequence is one value (a one-element tensor of any shape)
    const Tensor& t = obj.cast<const Tensor&>();
    TORSH_CHECK_VALUE(depth == sizes.size() || t.dim() == 0, "expected sequence of length ",
                      depth < sizes.size() ? sizes[depth] : 0, " at dim ", depth, " (got ",
                      t.dim() > 0 ? t.size(0) : 0, ")");
    TORSH_CHECK_VALUE(t.numel() == 1,
                      "only one element tensors can be converted to Python scalars");
    TORSH_CHECK_VALUE(depth == sizes.size(), "tensor(): expected sequence of length ",
                      depth < sizes.size() ? sizes[depth] : 0, " at dim ", depth,
                      " (got a number)");
    kind = kind == ScalarType::Undefined ? t.dtype() : promote_types(kind, t.dtype());
    values.push_back(t.reshape({-1}).select(0, 0).item());
    return;
  }
  if (is_number(obj)) {
    TORSH_CHECK_VALUE(depth == sizes.size(), "tensor(): expected sequence of length ",
                      depth < sizes.size() ? sizes[depth] : 0, " at dim ", depth,
                      " (got a number)");
    Scalar s = to_scalar(obj);
    ScalarType k = s.is_floating_point() ? get_default_dtype()
                   : s.is_complex()      ? to_complex_type(get_default_dtype())
                                         : s.type();
    kind = kind == ScalarType::Undefined ? k : promote_types(kind, k);
    values.push_back(s);
    return;
  }
  // As torch: str and bytes are a TypeError, any other non-sequence a RuntimeError.
  const std::string type_name = py::str(py::type::handle_of(obj).attr("__name__"));
  const bool text = PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr());
  // torch reads a str met while it still infers the shape (before any value) as one more dim
  // (ValueError), and one met among the values, or bytes, as a value of no dtype (TypeError).
  TORSH_CHECK_VALUE(
      !PyUnicode_Check(obj.ptr()) || depth == 0 || depth < sizes.size() || !values.empty(),
      "too many dimensions '", type_name, "'");
  TORSH_CHECK_TYPE(!text, "tensor(): new(): invalid data type '", type_name, "'");
  TORSH_CHECK(py::isinstance<py::sequence>(obj), "tensor(): Could not infer dtype of ", type_name);
  py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
  const int64_t n = static_cast<int64_t>(seq.size());
  if (depth == sizes.size()) {
    TORSH_CHECK_VALUE(sizes.size() < kMaxDataDims, "too many dimensions '",
                      std::string(py::str(py::type::handle_of(obj).attr("__name__"))), "'");
    sizes.push_back(n);
  } else {
    TORSH_CHECK_VALUE(sizes[depth] == n, "expected sequence of length ", sizes[depth], " at dim ",
                      depth, " (got ", n, ")");
  }
  for (auto item : seq) infer(item, sizes, depth + 1, kind, values);
}

void infer_tensor(const Tensor& t, std::vector<int64_t>& sizes, size_t depth, ScalarType& kind,
                  std::vector<Scalar>& values) {
  Tensor c = t.contiguous();
  if (depth == sizes.size()) {
    for (int64_t s : t.sizes()) sizes.push_back(s);
  }
  kind = kind == ScalarType::Undefined ? t.dtype() : promote_types(kind, t.dtype());
  for (int64_t i = 0; i < c.numel(); ++i) values.push_back(c.reshape({-1}).select(0, i).item());
}

}  // namespace

Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype) {
  if (py::isinstance<py::array>(data)) {
    Tensor t = from_numpy(py::reinterpret_borrow<py::array>(data)).clone();
    return dtype ? t.to(*dtype) : t;
  }
  if (py::isinstance<Tensor>(data)) {
    // A copy outside the graph, as torch.tensor(t) (sourceTensor.clone().detach()).
    Tensor t = data.cast<Tensor>().detach().clone();
    return dtype ? t.to(*dtype) : t;
  }
  std::vector<int64_t> sizes;
  std::vector<Scalar> values;
  ScalarType kind = ScalarType::Undefined;
  infer(data, sizes, 0, kind, values);
  if (kind == ScalarType::Undefined) kind = get_default_dtype();  // torch.tensor([])
  // A complex number with no dtype= under a float16/bfloat16 default: torch's error.
  if (!dtype && is_complex(kind)) (void)get_default_complex_dtype();
  return tensor_from_scalars(values, sizes, dtype ? *dtype : kind);
}

namespace {
py::object list_at(const Tensor& t, int64_t d, int64_t offset) {
  const char* base = static_cast<const char*>(t.data_ptr());
  if (d == t.dim()) {
    return detail::dispatch_all_and_complex(t.dtype(), "tolist", [&](auto tag) -> py::object {
      using T = decltype(tag);
      T v = reinterpret_cast<const T*>(base)[offset];
      if constexpr (detail::is_complex_v<T>) {
        return py::reinterpret_steal<py::object>(
            PyComplex_FromDoubles(static_cast<double>(v.real()), static_cast<double>(v.imag())));
      } else if constexpr (std::is_same_v<T, bool>) {
        return py::bool_(v);
      } else if constexpr (std::is_integral_v<T>) {
        return py::int_(static_cast<int64_t>(v));
      } else if constexpr (std::is_same_v<T, double>) {
        return py::float_(v);
      } else {
        return py::float_(static_cast<double>(static_cast<float>(v)));  // float, half, bfloat16
      }
    });
  }
  py::list l;
  for (int64_t i = 0; i < t.sizes()[d]; ++i)
    l.append(list_at(t, d + 1, offset + i * t.strides()[d]));
  return l;
}

std::string numpy_format(ScalarType t) {
  switch (t) {
    case kFloat:
      return "f4";
    case kDouble:
      return "f8";
    case kHalf:
      return "f2";
    case kLong:
      return "i8";
    case kInt:
      return "i4";
    case kShort:
      return "i2";
    case kChar:
      return "i1";
    case kByte:
      return "u1";
    case kBool:
      return "?";
    case kComplexFloat:
      return "c8";
    case kComplexDouble:
      return "c16";
    default:
      throw TypeError(std::string("Got unsupported ScalarType ") + scalar_type_name(t));
  }
}

ScalarType from_numpy_dtype(const py::dtype& dt) {
  const char k = dt.kind();
  // '=' native, '|' not applicable; '<' or '>' name an order, native only if it is ours.
  const char order = py::str(dt.attr("byteorder")).cast<std::string>()[0];
  const char native = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? '<' : '>';
  TORSH_CHECK_VALUE(order == '=' || order == '|' || order == native,
                    "given numpy array has byte order different from the native byte order. "
                    "Conversion between byte orders is currently not supported.");
  const auto sz = dt.itemsize();
  if (k == 'f' && sz == 4) return kFloat;
  if (k == 'f' && sz == 8) return kDouble;
  if (k == 'f' && sz == 2) return kHalf;
  if (k == 'i' && sz == 8) return kLong;
  if (k == 'i' && sz == 4) return kInt;
  if (k == 'i' && sz == 2) return kShort;
  if (k == 'i' && sz == 1) return kChar;
  if (k == 'u' && sz == 1) return kByte;
  if (k == 'b') return kBool;
  if (k == 'c' && sz == 8) return kComplexFloat;
  if (k == 'c' && sz == 16) return kComplexDouble;
  throw TypeError("can't convert np.ndarray of type " + std::string(py::str(dt.attr("name"))) +
                  ". The only supported types are: float64, float32, float16, complex64, "
                  "complex128, int64, int32, int16, int8, uint8, and bool.");
}

void release_pyobject(void* ctx) {
  py::gil_scoped_acquire gil;
  Py_DECREF(static_cast<PyObject*>(ctx));
}

}  // namespace

py::object to_list(const Tensor& t) { return list_at(t, 0, 0); }

py::object to_number(const Tensor& t) {
  TORSH_CHECK_VALUE(t.numel() == 1, "only one element tensors can be converted to Python scalars");
  return list_at(t, t.dim(), 0);
}

Tensor from_numpy(py::handle h) {
  auto arr = py::reinterpret_borrow<py::array>(h);
  ScalarType t = from_numpy_dtype(arr.dtype());
  const int64_t es = element_size(t);
  std::vector<int64_t> sizes, strides;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) {
    sizes.push_back(arr.shape(i));
    TORSH_CHECK_VALUE(arr.strides(i) >= 0,
                      "At least one stride in the given numpy array is negative, and tensors with "
                      "negative strides are not currently supported. (You can probably work "
                      "around this by making a copy of your array  with array.copy().) ");
    TORSH_CHECK_VALUE(arr.strides(i) % es == 0,
                      "given numpy array strides not a multiple of the element byte size. Copy "
                      "the numpy array to reallocate the memory.");
    strides.push_back(arr.strides(i) / es);
  }
  // torch warns once per process that the tensor of a read-only array is writable.
  static bool warned = false;
  if (!warned && !arr.writeable()) {
    warned = true;
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "The given NumPy array is not writable, and PyTorch does not support "
                     "non-writable tensors. This means writing to this tensor will result in "
                     "undefined behavior. You may want to copy the array to protect its data or "
                     "make it writable before converting it to a tensor. This type of warning "
                     "will be suppressed for the rest of this program.",
                     1) != 0) {
      throw py::error_already_set();
    }
  }
  PyObject* owner = arr.ptr();
  Py_INCREF(owner);
  return from_blob(const_cast<void*>(arr.data()), sizes, strides, t, release_pyobject, owner);
}

py::object to_numpy(const Tensor& self, bool force) {
  TORSH_CHECK(force || !(GradMode::is_enabled() && self.requires_grad()),
              "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
              "instead.");
  const Tensor t = force ? self.detach() : self;
  std::vector<py::ssize_t> shape, strides;
  for (int64_t i = 0; i < t.dim(); ++i) {
    shape.push_back(t.sizes()[i]);
    strides.push_back(t.strides()[i] * t.element_size());
  }
  // The capsule keeps the storage alive as long as the array lives: zero-copy.
  auto* keep = new Tensor(t);
  py::capsule owner(keep, [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(py::dtype(numpy_format(t.dtype())), shape, strides, t.data_ptr(), owner);
}

py::object wrap(const std::tuple<Tensor, Tensor>& t) {
  return py::make_tuple(wrap(std::get<0>(t)), wrap(std::get<1>(t)));
}

py::object wrap(const std::vector<Tensor>& ts) {
  py::list l;
  for (const auto& t : ts) l.append(wrap(t));
  return py::tuple(l);
}

}  // namespace torsh::python
