// Tensor subscripts: __getitem__ and __setitem__ with any mix of ints, slices, None, Ellipsis,
// bools and index tensors (long/bool tensors, lists, numpy arrays), with torch's rules: basic
// entries give a view first (ints select), then all tensor entries go to one index /
// index_put_ call, which places the broadcast index dims.
#include <pybind11/numpy.h>

#include "bindings.h"

namespace torsh::python {

namespace {

bool is_tensor_like(py::handle h) {
  return py::isinstance<Tensor>(h) || py::isinstance<py::list>(h) || py::isinstance<py::array>(h);
}

bool is_int_like(py::handle h) {
  return !PyBool_Check(h.ptr()) && (PyLong_Check(h.ptr()) || PyIndex_Check(h.ptr())) &&
         !is_tensor_like(h);
}

Tensor to_tensor_index(py::handle h) {
  if (py::isinstance<Tensor>(h)) {
    Tensor t = h.cast<Tensor>();
    TORSH_CHECK_INDEX(
        t.dtype() == kBool || t.dtype() == kByte || t.dtype() == kLong || t.dtype() == kInt,
        "tensors used as indices must be long, byte or bool tensors");
    return t;
  }
  Tensor t = tensor_from_data(h, std::nullopt);
  TORSH_CHECK_INDEX(t.dtype() == kBool || is_integral(t.dtype(), false) || t.numel() == 0,
                    "tensors used as indices must be long, byte or bool tensors");
  return t.dtype() == kBool ? t : t.to(kLong);
}

// The view after the basic entries, and the index tensors per remaining slot (nullopt: whole).
struct Parsed {
  Tensor view;
  OptionalTensorList indices;
  bool advanced = false;
};

Parsed parse_index(const Tensor& self, py::handle index) {
  py::tuple items = py::isinstance<py::tuple>(index) ? py::reinterpret_borrow<py::tuple>(index)
                                                     : py::make_tuple(index);
  // Convert tensor-like entries once, and count the dims the entries consume.
  std::vector<Tensor> tensors(items.size());
  int64_t consumed = 0, ellipses = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle it = items[i];
    if (it.ptr() == Py_Ellipsis) {
      ++ellipses;
    } else if (is_tensor_like(it)) {
      tensors[i] = to_tensor_index(it);
      const bool mask = tensors[i].dtype() == kBool || tensors[i].dtype() == kByte;
      consumed += mask ? tensors[i].dim() : 1;
    } else if (!it.is_none() && !PyBool_Check(it.ptr())) {
      ++consumed;
    }
  }
  TORSH_CHECK_INDEX(ellipses <= 1, "an index can only have a single ellipsis ('...')");
  TORSH_CHECK_INDEX(consumed <= self.dim(), "too many indices for tensor of dimension ",
                    self.dim());
  Parsed p;
  Tensor r = self;
  int64_t dim = 0;
  auto whole = [&](int64_t n) {
    for (int64_t k = 0; k < n; ++k) p.indices.emplace_back(std::nullopt);
    dim += n;
  };
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle it = items[i];
    PyObject* o = it.ptr();
    if (tensors[i].defined() && tensors[i].dim() == 0 && tensors[i].dtype() == kLong) {
      r = r.select(dim, tensors[i].item().to_long());  // a 0-dim long index is an int, as torch
    } else if (tensors[i].defined()) {
      Tensor t = tensors[i];
      const bool mask = t.dtype() == kBool || t.dtype() == kByte;
      if (mask && t.dim() == 0) {
        // A 0-dim mask adds a dim of size 1 that is kept (true) or emptied (false).
        r = r.unsqueeze(dim);
        t = t.item().to_bool() ? zeros({1}, kLong) : empty({0}, kLong);
      }
      p.indices.emplace_back(t);
      p.advanced = true;
      dim += mask && tensors[i].dim() > 0 ? t.dim() : 1;
    } else if (o == Py_Ellipsis) {
      whole(self.dim() - consumed);
    } else if (is_int_like(it)) {
      r = r.select(dim, py::reinterpret_borrow<py::object>(it).cast<int64_t>());
    } else if (PySlice_Check(o)) {
      Py_ssize_t start, stop, step;
      TORSH_CHECK_VALUE(PySlice_Unpack(o, &start, &stop, &step) == 0, "invalid slice");
      TORSH_CHECK_VALUE(step > 0, "step must be greater than zero");
      auto* sl = reinterpret_cast<PySliceObject*>(o);
      std::optional<int64_t> b =
          sl->start == Py_None ? std::nullopt : std::optional<int64_t>(start);
      std::optional<int64_t> e = sl->stop == Py_None ? std::nullopt : std::optional<int64_t>(stop);
      r = slice(r, dim, b, e, step);
      whole(1);
    } else if (it.is_none()) {
      r = r.unsqueeze(dim);
      whole(1);
    } else if (PyBool_Check(o)) {
      r = r.unsqueeze(dim);
      if (o == Py_False) r = slice(r, dim, 0, 0, 1);
      whole(1);
    } else {
      throw IndexError(
          "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
          "valid indices (got " +
          std::string(py::str(py::type::handle_of(it).attr("__name__"))) + ")");
    }
  }
  p.view = r;
  return p;
}

}  // namespace

Tensor getitem(const Tensor& self, py::handle index) {
  Parsed p = parse_index(self, index);
  return p.advanced ? torsh::index(p.view, p.indices) : p.view;
}

void setitem(const Tensor& self, py::handle index, py::handle value) {
  Parsed p = parse_index(self, index);
  if (!p.advanced) {
    if (py::isinstance<Tensor>(value)) {
      p.view._assign_(value.cast<const Tensor&>());
    } else {
      p.view._assign_(to_scalar(value));
    }
    return;
  }
  Tensor v;
  if (py::isinstance<Tensor>(value)) {
    v = value.cast<Tensor>();
    // Leading size-1 dims of the value are dropped before broadcasting, as torch does.
    while (v.dim() > 0 && v.sizes()[0] == 1) v = v.squeeze(0);
  } else {
    v = full({}, to_scalar(value), self.dtype());
  }
  p.view.index_put_(p.indices, v);
}

}  // namespace torsh::python
