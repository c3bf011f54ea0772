// Tensor subscripts: __getitem__ and __setitem__ with ints, slices, None, Ellipsis, bools and one
// tensor (or list) index.
#include <pybind11/numpy.h>

#include "bindings.h"

namespace torsh::python {

namespace {

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

}  // namespace

Tensor getitem(const Tensor& self, py::handle index) {
  Split sp = split_index(self, index);
  return sp.found ? advanced_get(self, sp) : index_tensor(self, index);
}

void setitem(const Tensor& self, py::handle index, py::handle value) {
  Split sp = split_index(self, index);
  if (sp.found) return advanced_set(self, sp, value);
  Tensor view = index_tensor(self, index);
  if (py::isinstance<Tensor>(value)) {
    view._assign_(value.cast<const Tensor&>());
  } else {
    view._assign_(to_scalar(value));
  }
}

}  // namespace torsh::python
