// Indexing with tensors: index (advanced indexing), index_put_ (with accumulate), index_select,
// nonzero. index and index_put_ run as one TensorIter loop over restrided operands (torch's
// approach): self viewed with stride 0 on the indexed dims, each index tensor viewed in the
// result's shape; the kernel (per device, the CPU's in cpu/index_kernels.cpp) adds index *
// stride of each indexed dim to the element's address.
#include <cstring>

#include "core/dispatch.h"
#include "iter/tensor_iter.h"
#include "ops/restride.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::restride;
using detail::shape_str;

// The operands of one advanced-indexing call.
struct AdvancedIndex {
  Tensor src;                           // self in the result's shape, stride 0 on indexed dims
  std::vector<Tensor> indices;          // int64, in the result's shape
  std::vector<int64_t> sizes, strides;  // size and byte stride of each indexed dim of self
  SizeVec shape;                        // the result's shape
};

// Replaces bool/uint8 masks by the long index tensors of their true positions (one per mask dim).
std::vector<std::optional<Tensor>> expand_masks(const Tensor& self, const OptionalTensorList& in,
                                                const char* op) {
  std::vector<std::optional<Tensor>> out;
  int64_t dim = 0;
  for (const auto& i : in) {
    if (!i || !i->defined()) {
      out.emplace_back(std::nullopt);
      ++dim;
      continue;
    }
    const Tensor& t = *i;
    if (t.dtype() == kBool || t.dtype() == kByte) {
      TORSH_CHECK_INDEX(dim + t.dim() <= self.dim(), op,
                        "(): too many indices for tensor of dimension ", self.dim());
      for (int64_t k = 0; k < t.dim(); ++k) {
        TORSH_CHECK_INDEX(t.sizes()[k] == self.sizes()[dim + k], "The shape of the mask ",
                          shape_str(t.sizes()), " at index ", k,
                          " does not match the shape of the indexed tensor ",
                          shape_str(self.sizes()), " at index ", dim + k);
      }
      Tensor nz = torsh::nonzero(t);
      for (int64_t k = 0; k < t.dim(); ++k) out.emplace_back(nz.select(1, k));
      dim += t.dim();
    } else {
      TORSH_CHECK_INDEX(t.dtype() == kLong,
                        "tensors used as indices must be long, byte or bool tensors");
      out.emplace_back(t);
      ++dim;
    }
  }
  TORSH_CHECK_INDEX(dim <= self.dim(), op, "(): too many indices for tensor of dimension ",
                    self.dim(), " (got ", dim, ")");
  return out;
}

AdvancedIndex make_index(const Tensor& self, const OptionalTensorList& given, const char* op) {
  const auto list = expand_masks(self, given, op);
  // Broadcast the index tensors together.
  SizeVec bshape;
  bool first = true;
  std::vector<int64_t> dims;
  for (size_t d = 0; d < list.size(); ++d) {
    if (!list[d]) continue;
    dims.push_back(static_cast<int64_t>(d));
    if (first) {
      bshape = SizeVec(list[d]->sizes());
      first = false;
      continue;
    }
    try {
      bshape = detail::broadcast_shapes(bshape, list[d]->sizes(), op);
    } catch (const Error&) {
      std::string shapes;
      for (const auto& t : list)
        if (t) shapes += (shapes.empty() ? "" : ", ") + shape_str(t->sizes());
      throw IndexError(
          "shape mismatch: indexing tensors could not be broadcast together with "
          "shapes " +
          shapes);
    }
  }
  TORSH_CHECK(!dims.empty(), op, "(): at least one index tensor is required");
  TORSH_CHECK(dims.size() <= 5, op, "(): at most 5 index tensors per call are supported, got ",
              dims.size());
  bool adjacent = true;
  for (size_t k = 1; k < dims.size(); ++k) adjacent &= dims[k] == dims[k - 1] + 1;
  // Result dims: the broadcast dims replace the indexed ones in place when those are adjacent,
  // and go first otherwise (torch's rule).
  const int64_t nd = self.dim(), nb = static_cast<int64_t>(bshape.size());
  const int64_t at = adjacent ? dims.front() : 0;
  AdvancedIndex r;
  SizeVec src_strides;
  std::vector<int64_t> kept;  // dims of self kept in the result, in order
  for (int64_t d = 0; d < nd; ++d)
    if (d >= static_cast<int64_t>(list.size()) || !list[d]) kept.push_back(d);
  auto put_kept = [&](int64_t from, int64_t to) {
    for (int64_t d : kept) {
      if (d < from || d >= to) continue;
      r.shape.push_back(self.sizes()[d]);
      src_strides.push_back(self.strides()[d]);
    }
  };
  put_kept(0, at);
  const int64_t bpos = static_cast<int64_t>(r.shape.size());
  for (int64_t b = 0; b < nb; ++b) {
    r.shape.push_back(bshape[b]);
    src_strides.push_back(0);
  }
  put_kept(at, nd);
  r.src = restride(self, r.shape, src_strides);
  const int64_t es = self.element_size();
  for (int64_t d : dims) {
    Tensor idx = list[d]->expand(bshape.vec());
    SizeVec st(r.shape.size(), 0);
    for (int64_t b = 0; b < nb; ++b) st[bpos + b] = idx.strides()[b];
    r.indices.push_back(restride(idx, r.shape, st));
    r.sizes.push_back(self.sizes()[d]);
    int64_t bytes;  // a size-1 dim may carry a wrapped stride (slice with a huge step)
    __builtin_mul_overflow(self.strides()[d], es, &bytes);
    r.strides.push_back(bytes);
  }
  // An indexed dim of size 0 with a non-empty index: out of bounds whatever the values (torch
  // raises this before checking the values' dtype and shape).
  bool empty_dim = false, empty_index = false;
  for (int64_t n : r.sizes) empty_dim |= n == 0;
  for (int64_t n : bshape) empty_index |= n == 0;
  TORSH_CHECK_INDEX(!empty_dim || empty_index, "index is out of bounds for dimension with size 0");
  return r;
}

detail::IndexedDims indexed_dims(const AdvancedIndex& ai) {
  return {ai.sizes.data(), ai.strides.data(), static_cast<int>(ai.sizes.size())};
}

}  // namespace

Tensor index(const Tensor& self, const OptionalTensorList& indices) {
  AdvancedIndex ai = make_index(self, indices, "index");
  Tensor out;
  detail::TensorIterConfig cfg("index");
  cfg.add_output(out).add_input(ai.src).output_dtype(self.dtype());
  for (const auto& t : ai.indices) cfg.add_input(t);
  auto it = cfg.build();
  detail::index_stub(self.device().type, "index")(it, indexed_dims(ai));
  it.finish();
  return out;
}

void index_put_out(Tensor& out, const Tensor& self, const OptionalTensorList& indices,
                   const Tensor& values, bool accumulate) {
  if (!out.defined()) out = self.clone(MemoryFormat::Contiguous);
  // torch fills through masked_fill_ (the value converted, with its overflow check) when one
  // bool mask is the only index tensor and the value has one element.
  int masks = 0, others = 0;
  const Tensor* mask = nullptr;
  for (const auto& t : indices) {
    if (!t || !t->defined()) continue;
    const bool m = t->dtype() == kBool || t->dtype() == kByte;
    (m ? masks : others) += 1;
    if (m) mask = &*t;
  }
  if (!accumulate && masks == 1 && others == 0 && values.numel() == 1) {
    make_index(out, indices, "index_put_");  // the mask's shape first, as torch
    const bool binary =
        mask->dtype() == kBool || !torsh::gt(*mask, detail::wrap_scalar(1)).any().item().to_bool();
    TORSH_CHECK(binary, "Mask tensor can take 0 and 1 values only");
    if (values.dtype() != out.dtype()) {
      const Scalar v = values.reshape({}).item();
      detail::check_scalar_fits(v, out.dtype());
      index_put_out(out, out, indices, values.to(out.dtype()), false);
      return;
    }
  }
  AdvancedIndex ai = make_index(out, indices, "index_put_");
  TORSH_CHECK(values.dtype() == out.dtype(),
              "index_put_(): Index put requires the source and destination dtypes match, got ",
              scalar_type_name(out.dtype()), " for the destination and ",
              scalar_type_name(values.dtype()), " for the source.");
  // Values that share memory with the destination are read from a copy.
  const bool shares =
      values.unsafeGetTensorImpl()->storage().get() == out.unsafeGetTensorImpl()->storage().get();
  Tensor src = shares ? values.clone(MemoryFormat::Contiguous) : values;
  SizeVec vshape;
  try {
    vshape = detail::broadcast_shapes(ai.shape, src.sizes(), "index_put_");
  } catch (const Error&) {
    vshape.clear();
  }
  TORSH_CHECK(vshape.size() == ai.shape.size() && IntArrayRef(vshape).equals(ai.shape),
              "shape mismatch: value tensor of shape ", shape_str(values.sizes()),
              " cannot be broadcast to indexing result of shape ", shape_str(ai.shape));
  Tensor v = src.expand(ai.shape.vec());
  detail::TensorIterConfig cfg("index_put_");
  cfg.add_input(ai.src).add_input(v);
  for (const auto& t : ai.indices) cfg.add_input(t);
  auto it = cfg.build();
  detail::index_put_stub(out.device().type, "index_put_")(it, indexed_dims(ai), accumulate);
}

Tensor index_select(const Tensor& self, int64_t dim, const Tensor& index) {
  const int64_t d = detail::wrap_dim(dim, self.dim(), "index_select");
  TORSH_CHECK_INDEX(index.dim() <= 1, "index_select(): Index is supposed to be a vector, got ",
                    index.dim(), "-D");
  TORSH_CHECK(index.dtype() == kLong || index.dtype() == kInt,
              "index_select(): Expected dtype int32 or int64 for index, got ",
              scalar_type_name(index.dtype()));
  const int64_t n = index.numel();
  // torch 1.13 returns a 0-dim value (or uninitialised memory) here; later releases raise.
  TORSH_CHECK_INDEX(self.dim() > 0 || n == 1,
                    "index_select(): Index to scalar can have only 1 value, got ", n, " value(s)");
  // torch 1.13's error type for an index out of range depends on its kernel: RuntimeError on
  // an empty multi-dim self and in the dim-1 fast path, IndexError otherwise.
  const bool runtime_error = self.dim() > 1 && (self.numel() == 0 || d == 1);
  if (self.dim() > 1 && self.numel() == 0 && n > 0) {
    TORSH_CHECK(self.sizes()[d] > 0, "index_select(): self indexing axis dim should be positive");
  }
  if (n > 0) {  // the smallest and largest index (device reductions) against the dim's size
    const int64_t size = self.dim() == 0 ? 1 : self.sizes()[d];
    const int64_t lo = index.min().item<int64_t>(), hi = index.max().item<int64_t>();
    if (lo < 0 || hi >= size) {
      const std::string msg = "index_select(): index out of range in self (index " +
                              std::to_string(lo < 0 ? lo : hi) + ", size " + std::to_string(size) +
                              ")";
      if (runtime_error) throw Error(msg);
      throw IndexError(msg);
    }
  }
  if (self.dim() == 0) {
    OptionalTensorList li{index.to(kLong).reshape({1})};
    return torsh::index(self.reshape({1}), li).reshape({});
  }
  if (self.is_contiguous() && self.numel() > 0) {  // whole slices copied (indices checked above)
    SizeVec shape(self.sizes());
    shape[d] = n;
    Tensor out = torsh::empty(shape.vec(), self.options());
    if (out.numel() > 0) {
      const Tensor idx = index.to(kLong).contiguous().reshape({-1});
      detail::index_select_stub(self.device().type, "index_select")(self, d, idx, out);
    }
    return out;
  }
  OptionalTensorList li(static_cast<size_t>(d));
  li.emplace_back(index.to(kLong).reshape({-1}));
  return torsh::index(self, li);
}

Tensor index_select_backward(const Tensor& grad, IntArrayRef self_sizes, int64_t dim,
                             const Tensor& index) {
  Tensor out = torsh::zeros(self_sizes, grad.dtype());
  if (self_sizes.empty()) return out.add_(grad.reshape({}));
  const int64_t d = detail::wrap_dim(dim, static_cast<int64_t>(self_sizes.size()));
  OptionalTensorList li(static_cast<size_t>(d));
  li.emplace_back(index.to(kLong).reshape({-1}));
  return out.index_put_(li, grad, true);
}

Tensor nonzero(const Tensor& self) {
  if (self.is_complex()) return native::nonzero(torsh::ne(self, detail::wrap_scalar(Scalar(0))));
  return detail::nonzero_stub(self.device().type, "nonzero")(self);
}

}  // namespace torsh::native
