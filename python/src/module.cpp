// The torsh._C extension: the Tensor type, dtypes, exceptions, conversions and indexing.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "core/dispatch.h"

namespace torsh::python {

namespace {

const ScalarType kAllTypes[] = {kFloat, kDouble, kHalf, kBFloat16, kLong,
                                kInt,   kShort,  kChar, kByte,     kBool};

py::object& size_type() {
  static py::object* t = new py::object(py::module_::import("torsh._size").attr("Size"));
  return *t;
}

py::object dtype_obj(ScalarType t) {
  static py::object* objs = [] {
    auto* arr = new py::object[32];
    py::module_ m = py::module_::import("torsh._C");
    for (ScalarType s : kAllTypes) arr[static_cast<int>(s)] = m.attr(dtype_name(s));
    return arr;
  }();
  return objs[static_cast<int>(t)];
}

// ---- Python values <-> tensors -------------------------------------------------------------
void infer(py::handle obj, std::vector<int64_t>& sizes, size_t depth, ScalarType& kind,
           std::vector<Scalar>& values) {
  if (py::isinstance<Tensor>(obj)) {
    const Tensor& t = obj.cast<const Tensor&>();
    TORSH_CHECK_VALUE(t.numel() == 1 || t.dim() == 0 || true, "tensor(): bad element");
    Tensor c = t.contiguous();
    if (depth == sizes.size()) {
      for (int64_t s : t.sizes()) sizes.push_back(s);
    }
    kind = kind == ScalarType::Undefined ? t.dtype() : promote_types(kind, t.dtype());
    for (int64_t i = 0; i < c.numel(); ++i) values.push_back(c.reshape({-1}).select(0, i).item());
    return;
  }
  if (is_number(obj)) {
    TORSH_CHECK_VALUE(depth == sizes.size(), "tensor(): expected sequence of length ",
                      depth < sizes.size() ? sizes[depth] : 0, " at dim ", depth,
                      " (got a number)");
    Scalar s = to_scalar(obj);
    ScalarType k = s.is_floating_point() ? get_default_dtype() : s.type();
    kind = kind == ScalarType::Undefined ? k : promote_types(kind, k);
    values.push_back(s);
    return;
  }
  TORSH_CHECK_TYPE(py::isinstance<py::sequence>(obj) && !py::isinstance<py::str>(obj),
                   "tensor(): Could not infer dtype of ",
                   std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
  py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
  const int64_t n = static_cast<int64_t>(seq.size());
  if (depth == sizes.size()) {
    sizes.push_back(n);
  } else {
    TORSH_CHECK_VALUE(sizes[depth] == n, "expected sequence of length ", sizes[depth], " at dim ",
                      depth, " (got ", n, ")");
  }
  for (auto item : seq) infer(item, sizes, depth + 1, kind, values);
}

Tensor from_numpy(py::array arr);

Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype) {
  if (py::isinstance<py::array>(data)) {
    Tensor t = from_numpy(py::reinterpret_borrow<py::array>(data)).clone();
    return dtype ? t.to(*dtype) : t;
  }
  if (py::isinstance<Tensor>(data)) {
    Tensor t = data.cast<Tensor>().clone();
    return dtype ? t.to(*dtype) : t;
  }
  std::vector<int64_t> sizes;
  std::vector<Scalar> values;
  ScalarType kind = ScalarType::Undefined;
  infer(data, sizes, 0, kind, values);
  if (kind == ScalarType::Undefined) kind = get_default_dtype();  // torch.tensor([])
  return tensor_from_scalars(values, sizes, dtype ? *dtype : kind);
}

py::object to_list(const Tensor& t, int64_t d, int64_t offset) {
  const char* base = static_cast<const char*>(t.data_ptr());
  if (d == t.dim()) {
    return detail::dispatch_all(t.dtype(), "tolist", [&](auto tag) -> py::object {
      using T = decltype(tag);
      T v = reinterpret_cast<const T*>(base)[offset];
      if constexpr (std::is_same_v<T, bool>) {
        return py::bool_(v);
      } else if constexpr (std::is_integral_v<T>) {
        return py::int_(static_cast<int64_t>(v));
      } else {
        return py::float_(static_cast<double>(static_cast<float>(v)));
      }
    });
  }
  py::list l;
  for (int64_t i = 0; i < t.sizes()[d]; ++i)
    l.append(to_list(t, d + 1, offset + i * t.strides()[d]));
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
    default:
      throw TypeError(std::string("Got unsupported ScalarType ") + scalar_type_name(t));
  }
}

ScalarType from_numpy_dtype(const py::dtype& dt) {
  const char k = dt.kind();
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
  throw TypeError("can't convert np.ndarray of type " + std::string(py::str(dt.attr("name"))) +
                  ". The only supported types are: float64, float32, float16, int64, int32, "
                  "int16, int8, uint8, and bool.");
}

void release_pyobject(void* ctx) {
  py::gil_scoped_acquire gil;
  Py_DECREF(static_cast<PyObject*>(ctx));
}

Tensor from_numpy(py::array arr) {
  ScalarType t = from_numpy_dtype(arr.dtype());
  const int64_t es = element_size(t);
  std::vector<int64_t> sizes, strides;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) {
    sizes.push_back(arr.shape(i));
    TORSH_CHECK_VALUE(arr.strides(i) % es == 0 && arr.strides(i) >= 0,
                      "from_numpy(): given numpy array strides not a multiple of the element byte "
                      "size, or negative. Copy the numpy array to reallocate the memory.");
    strides.push_back(arr.strides(i) / es);
  }
  PyObject* owner = arr.ptr();
  Py_INCREF(owner);
  return from_blob(const_cast<void*>(arr.data()), sizes, strides, t, release_pyobject, owner);
}

py::array to_numpy(const Tensor& t) {
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

// ---- indexing -----------------------------------------------------------------------------------
Tensor apply_index(const Tensor& self, py::handle index) {
  py::tuple items = py::isinstance<py::tuple>(index) ? py::reinterpret_borrow<py::tuple>(index)
                                                     : py::make_tuple(index);
  int64_t specified = 0;
  for (auto it : items) {
    if (!it.is_none() && it.ptr() != Py_Ellipsis && !PyBool_Check(it.ptr())) ++specified;
  }
  TORSH_CHECK_INDEX(specified <= self.dim(), "too many indices for tensor of dimension ",
                    self.dim());
  Tensor r = self;
  int64_t dim = 0;
  for (auto it : items) {
    PyObject* o = it.ptr();
    if (PyLong_Check(o) && !PyBool_Check(o)) {
      r = r.select(dim, it.cast<int64_t>());
    } else if (PySlice_Check(o)) {
      Py_ssize_t start, stop, step;
      TORSH_CHECK_VALUE(PySlice_Unpack(o, &start, &stop, &step) == 0, "invalid slice");
      TORSH_CHECK_VALUE(step > 0, "step must be greater than zero");
      auto* sl = reinterpret_cast<PySliceObject*>(o);
      std::optional<int64_t> b =
          sl->start == Py_None ? std::nullopt : std::optional<int64_t>(start);
      std::optional<int64_t> e = sl->stop == Py_None ? std::nullopt : std::optional<int64_t>(stop);
      r = slice(r, dim, b, e, step);
      ++dim;
    } else if (it.is_none()) {
      r = r.unsqueeze(dim);
      ++dim;
    } else if (PyBool_Check(o)) {
      r = r.unsqueeze(dim);
      if (o == Py_False) r = slice(r, dim, 0, 0, 1);
      ++dim;
    } else {
      throw IndexError(
          "only integers, slices (`:`), ellipsis (`...`), None and boolean values are "
          "supported as indices for now (advanced indexing with tensors is not implemented yet)");
    }
  }
  return r;
}

// Ellipsis needs the count of dims the items after it consume; recompute cleanly.
Tensor to_tensor_index(py::handle h);
Tensor index_tensor(const Tensor& self, py::handle index) {
  py::tuple items = py::isinstance<py::tuple>(index) ? py::reinterpret_borrow<py::tuple>(index)
                                                     : py::make_tuple(index);
  int64_t consumed = 0, ellipses = 0;
  for (auto it : items) {
    if (it.ptr() == Py_Ellipsis) {
      ++ellipses;
    } else if (!it.is_none() && !PyBool_Check(it.ptr())) {
      ++consumed;
    }
  }
  TORSH_CHECK_INDEX(ellipses <= 1, "an index can only have a single ellipsis ('...')");
  TORSH_CHECK_INDEX(consumed <= self.dim(), "too many indices for tensor of dimension ",
                    self.dim());
  if (ellipses == 0) return apply_index(self, index);
  // Expand the ellipsis into the right number of full slices.
  py::list expanded;
  for (auto it : items) {
    if (it.ptr() == Py_Ellipsis) {
      for (int64_t i = 0; i < self.dim() - consumed; ++i)
        expanded.append(py::slice(py::none(), py::none(), py::none()));
    } else {
      expanded.append(it);
    }
  }
  return apply_index(self, py::tuple(expanded));
}

Tensor to_tensor_index(py::handle h) {
  if (py::isinstance<Tensor>(h)) {
    Tensor t = h.cast<Tensor>();
    return t.dtype() == kByte ? t.to(kBool) : t;  // uint8 indices are masks, as in torch
  }
  Tensor t = tensor_from_data(h, std::nullopt);
  TORSH_CHECK_INDEX(t.dtype() == kBool || is_integral(t.dtype(), false) || t.numel() == 0,
                    "tensors used as indices must be long, byte or bool tensors");
  return t.numel() == 0 ? t.to(kLong) : t;
}

// ---- advanced indexing: one tensor (or list) index, long or bool ------------------------------
bool is_advanced(py::handle h) {
  return py::isinstance<Tensor>(h) || py::isinstance<py::list>(h) || py::isinstance<py::array>(h);
}

// A basic index with the advanced entry replaced by full slices, the dim of the result where
// the advanced entry applies, and that entry as a tensor (bool or integer).
struct Split {
  py::tuple basic;
  int64_t dim = 0;
  Tensor adv;
  bool found = false;
};

Split split_index(const Tensor& self, py::handle index) {
  py::tuple items = py::isinstance<py::tuple>(index) ? py::reinterpret_borrow<py::tuple>(index)
                                                     : py::make_tuple(index);
  Split r;
  int64_t n_adv = 0;
  for (auto it : items) n_adv += is_advanced(it);
  if (n_adv == 0) return r;
  TORSH_CHECK_INDEX(n_adv == 1, "indexing with more than one tensor index is not supported yet");
  // Dims of `self` consumed by the basic entries, to expand an Ellipsis.
  int64_t consumed = 0;
  for (auto it : items) {
    if (it.ptr() == Py_Ellipsis || it.is_none() || PyBool_Check(it.ptr())) continue;
    if (is_advanced(it)) {
      Tensor t = to_tensor_index(it);
      consumed += t.dtype() == kBool ? std::max<int64_t>(t.dim(), 1) : 1;
    } else {
      ++consumed;
    }
  }
  py::list basic;
  int64_t out_dim = 0;
  bool before = true;
  for (auto it : items) {
    PyObject* o = it.ptr();
    if (is_advanced(it)) {
      r.adv = to_tensor_index(it);
      r.dim = out_dim;
      r.found = true;
      before = false;
      const int64_t k = r.adv.dtype() == kBool ? std::max<int64_t>(r.adv.dim(), 1) : 1;
      for (int64_t i = 0; i < k; ++i) basic.append(py::slice(py::none(), py::none(), py::none()));
      continue;
    }
    if (o == Py_Ellipsis) {
      for (int64_t i = 0; i < self.dim() - consumed; ++i) {
        basic.append(py::slice(py::none(), py::none(), py::none()));
        if (before) ++out_dim;
      }
      continue;
    }
    basic.append(it);
    if (before && !(PyLong_Check(o) && !PyBool_Check(o))) ++out_dim;  // slices, None, bools
  }
  r.basic = py::tuple(basic);
  return r;
}

// Positions selected along the advanced dims: a [n, k] long tensor (k = mask dims, or 1).
Tensor positions(const Tensor& view, const Split& sp) {
  if (sp.adv.dtype() == kBool) {
    const int64_t k = std::max<int64_t>(sp.adv.dim(), 1);
    for (int64_t i = 0; i < sp.adv.dim(); ++i) {
      TORSH_CHECK_INDEX(sp.adv.sizes()[i] == view.sizes()[sp.dim + i], "The shape of the mask ",
                        detail::shape_str(sp.adv.sizes()), " at index ", i,
                        " does not match the shape of the indexed tensor ",
                        detail::shape_str(view.sizes()), " at index ", sp.dim + i);
    }
    Tensor m = sp.adv.dim() == 0 ? sp.adv.reshape({1}) : sp.adv;
    return nonzero(m).reshape({-1, k});
  }
  TORSH_CHECK_INDEX(sp.adv.dtype() == kLong,
                    "tensors used as indices must be long, byte or bool tensors");
  const int64_t size = view.sizes()[sp.dim];
  Tensor idx = sp.adv.to(kLong).reshape({-1, 1}).contiguous();
  int64_t* p = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < idx.numel(); ++i) {
    TORSH_CHECK_INDEX(p[i] >= -size && p[i] < size, "index ", p[i],
                      " is out of bounds for dimension ", sp.dim, " with size ", size);
    if (p[i] < 0) p[i] += size;
  }
  return idx;
}

// Shape of view[adv] where the advanced dims are replaced by `middle`.
std::vector<int64_t> result_shape(const Tensor& view, const Split& sp, IntArrayRef middle) {
  const int64_t k = sp.adv.dtype() == kBool ? std::max<int64_t>(sp.adv.dim(), 1) : 1;
  std::vector<int64_t> shape(view.sizes().begin(), view.sizes().begin() + sp.dim);
  shape.insert(shape.end(), middle.begin(), middle.end());
  shape.insert(shape.end(), view.sizes().begin() + sp.dim + k, view.sizes().end());
  return shape;
}

Tensor advanced_get(const Tensor& self, const Split& sp) {
  Tensor view = index_tensor(self, sp.basic);
  Tensor pos = positions(view, sp);
  const int64_t k = pos.sizes()[1], n = pos.sizes()[0];
  // Flatten the advanced dims into one and select the (linearised) positions.
  std::vector<int64_t> flat_shape = result_shape(view, sp, {-1});
  if (sp.adv.dtype() == kBool && sp.adv.dim() == 0)
    flat_shape.insert(flat_shape.begin() + sp.dim, 1);
  Tensor flat = view.reshape(flat_shape);
  std::vector<int64_t> lin(static_cast<size_t>(n));
  const int64_t* pp = pos.contiguous().data_ptr<int64_t>();
  for (int64_t j = 0; j < n; ++j) {
    int64_t l = 0;
    for (int64_t t = 0; t < k; ++t) {
      const int64_t extent = sp.adv.dtype() == kBool && sp.adv.dim() > 0 ? sp.adv.sizes()[t] : 1;
      l = l * extent + pp[j * k + t];
    }
    lin[static_cast<size_t>(j)] = l;
  }
  Tensor picked = index_select(flat, sp.dim, tensor(lin));
  if (sp.adv.dtype() == kBool) return picked;
  return picked.reshape(result_shape(view, sp, sp.adv.sizes()));
}

void advanced_set(const Tensor& self, const Split& sp, py::handle value) {
  Tensor view = index_tensor(self, sp.basic);
  Tensor pos = positions(view, sp);
  const int64_t k = pos.sizes()[1], n = pos.sizes()[0];
  Tensor pc = pos.contiguous();
  const int64_t* pp = pc.data_ptr<int64_t>();
  const bool scalar = !py::isinstance<Tensor>(value);
  Tensor v;
  if (!scalar) {
    v = value.cast<Tensor>().expand(result_shape(view, sp, {n}));
  }
  for (int64_t j = 0; j < n; ++j) {
    Tensor target = view;
    for (int64_t t = 0; t < k; ++t) target = target.select(sp.dim, pp[j * k + t]);
    if (scalar) {
      target._assign_(to_scalar(value));
    } else {
      target._assign_(v.select(sp.dim, j));
    }
  }
}

// ---- CPython number slots: `a + b` without pybind11's overload dispatcher -----------------
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

void install_number_slots(py::class_<Tensor>& cls) {
  g_tensor_type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  PyNumberMethods* nb = g_tensor_type->tp_as_number;
  nb->nb_add = number_slot<add2>;
  nb->nb_subtract = number_slot<sub2>;
  nb->nb_multiply = number_slot<mul2>;
  nb->nb_true_divide = number_slot<div2>;
  PyType_Modified(g_tensor_type);
}

}  // namespace

py::object wrap(Tensor t) { return py::cast(std::move(t)); }

py::object wrap(const std::tuple<Tensor, Tensor>& t) {
  static py::object* cls = new py::object(
      py::module_::import("collections").attr("namedtuple")("return_types", "values indices"));
  return (*cls)(std::get<0>(t), std::get<1>(t));
}

py::object wrap(const std::vector<Tensor>& ts) {
  py::list l;
  for (const auto& t : ts) l.append(py::cast(t));
  return py::tuple(l);
}

}  // namespace torsh::python

using namespace torsh;
using namespace torsh::python;

PYBIND11_MODULE(_C, m) {
  m.doc() = "torsh native core";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const torsh::IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const torsh::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const torsh::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const torsh::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<PyDtype>(m, "dtype")
      .def_property_readonly("is_floating_point",
                             [](const PyDtype& d) { return is_floating_point(d.type); })
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

  py::class_<Generator>(m, "Generator")
      .def(py::init([](py::object device) {
             (void)device;
             return Generator();
           }),
           py::arg("device") = "cpu")
      .def("manual_seed",
           [](Generator& g, int64_t s) {
             g.set_current_seed(static_cast<uint64_t>(s));
             return g;
           })
      .def("initial_seed", &Generator::current_seed)
      .def("seed", [](Generator& g) { return g.current_seed(); })
      .def("get_state", &Generator::get_state)
      .def(
          "set_state",
          [](Generator& g, const Tensor& state) {
            g.set_state(state);
            return g;
          },
          py::arg("new_state"));

  m.def("manual_seed", [](int64_t s) {
    manual_seed(static_cast<uint64_t>(s));
    return default_generator();
  });
  m.def("initial_seed", [] { return default_generator().current_seed(); });
  m.def("get_rng_state", [] { return get_rng_state(); });
  m.def(
      "set_rng_state", [](const Tensor& state) { set_rng_state(state); }, py::arg("new_state"));
  m.def("default_generator", [] { return default_generator(); });
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
  m.def("equal", [](const Tensor& a, const Tensor& b) { return equal(a, b); });
  m.def("allclose", &allclose, py::arg("input"), py::arg("other"), py::arg("rtol") = 1e-5,
        py::arg("atol") = 1e-8, py::arg("equal_nan") = false);
  m.def("from_numpy", [](py::array a) { return from_numpy(a); });
  m.def(
      "tensor",
      [](py::handle data, std::optional<PyDtype> dtype, py::object device, bool requires_grad) {
        (void)device;
        Tensor t =
            tensor_from_data(data, dtype ? std::optional<ScalarType>(dtype->type) : std::nullopt);
        if (requires_grad) t.requires_grad_(true);
        return t;
      },
      py::arg("data"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
      py::arg("requires_grad") = false);
  m.def("is_tensor", [](py::handle h) { return py::isinstance<Tensor>(h); });

  py::class_<Tensor> cls(m, "Tensor", py::dynamic_attr());
  cls.def("__repr__", &Tensor::toString)
      .def_property_readonly(
          "shape",
          [](const Tensor& t) { return size_type()(py::tuple(py::cast(t.sizes().vec()))); })
      .def(
          "size",
          [](const Tensor& t, std::optional<int64_t> d) -> py::object {
            if (d) return py::int_(t.size(*d));
            return size_type()(py::tuple(py::cast(t.sizes().vec())));
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
      .def("tolist", [](const Tensor& t) { return to_list(t, 0, 0); })
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
      .def("__getitem__",
           [](const Tensor& t, py::handle idx) {
             Split sp = split_index(t, idx);
             return sp.found ? advanced_get(t, sp) : index_tensor(t, idx);
           })
      .def("__setitem__",
           [](const Tensor& t, py::handle idx, py::handle value) {
             Split sp = split_index(t, idx);
             if (sp.found) return advanced_set(t, sp, value);
             Tensor view = index_tensor(t, idx);
             if (py::isinstance<Tensor>(value)) {
               view._assign_(value.cast<const Tensor&>());
             } else {
               view._assign_(to_scalar(value));
             }
           })
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
      .def("__hash__", [](py::handle self) { return reinterpret_cast<intptr_t>(self.ptr()); })
      .def("__neg__", [](const Tensor& t) { return t.neg(); })
      .def("__pos__", [](const Tensor& t) { return t; })
      .def("__abs__", [](const Tensor& t) { return t.abs(); })
      .def("__matmul__", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  struct Op {
    const char* dunder;
    const char* fn;
  };
  // Operators call the C++ ops directly (no argument matching): the hot path of `a + b`.
  using BinFn = Tensor (*)(const Tensor&, const Tensor&);
  struct FastOp {
    const char* dunder;
    BinFn fn;
    bool reflected;
  };
  static const FastOp fast_ops[] = {
      {"__add__", [](const Tensor& a, const Tensor& b) { return add(a, b); }, false},
      {"__radd__", [](const Tensor& a, const Tensor& b) { return add(a, b); }, true},
      {"__sub__", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, false},
      {"__rsub__", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, true},
      {"__mul__", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, false},
      {"__rmul__", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, true},
      {"__truediv__", [](const Tensor& a, const Tensor& b) { return div(a, b); }, false},
      {"__rtruediv__", [](const Tensor& a, const Tensor& b) { return div(a, b); }, true},
      {"__pow__", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, false},
      {"__rpow__", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, true},
      {"__eq__", [](const Tensor& a, const Tensor& b) { return eq(a, b); }, false},
      {"__ne__", [](const Tensor& a, const Tensor& b) { return ne(a, b); }, false},
      {"__lt__", [](const Tensor& a, const Tensor& b) { return lt(a, b); }, false},
      {"__le__", [](const Tensor& a, const Tensor& b) { return le(a, b); }, false},
      {"__gt__", [](const Tensor& a, const Tensor& b) { return gt(a, b); }, false},
      {"__ge__", [](const Tensor& a, const Tensor& b) { return ge(a, b); }, false}};
  for (const FastOp& op : fast_ops) {
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
  install_number_slots(cls);
  static const Op inplace[] = {
      {"__iadd__", "add_"}, {"__isub__", "sub_"}, {"__imul__", "mul_"}, {"__itruediv__", "div_"}};
  for (const Op& op : inplace) {
    const char* fn = op.fn;
    cls.def(op.dunder, [fn](py::object self, py::handle o) {
      self.attr(fn)(o);
      return self;
    });
  }
  register_generated(m, cls);
  register_autograd(m, cls);
}
