// Masked and flat-index ops: masked_fill, masked_select, masked_scatter, take, put,
// take_along_dim, argwhere. They run on the index kernels (index/index_put_ with a bool mask or
// a long index over the flattened tensor) and where(); the checks and messages are torch's.
#include <algorithm>
#include <string>

#include "iter/tensor_iter.h"
#include "ops/index_checks.h"
#include "ops/scalar_check.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
using detail::shape_str;

// torch 1.13 reads masks other than bool and uint8 as raw bytes (a float mask of ones fills
// nothing); torsh refuses them, as later releases do.
Tensor bool_mask(const Tensor& mask, const char* op) {
  TORSH_CHECK(mask.dtype() == kBool || mask.dtype() == kByte, op,
              " only supports boolean masks, but got mask with dtype ",
              scalar_type_name(mask.dtype()));
  if (mask.dtype() == kBool) return mask;
  TORSH_CHECK(mask.numel() == 0 || mask.max().item<int64_t>() <= 1,
              "Mask tensor can take 0 and 1 values only");
  return torsh::ne(mask, detail::wrap_scalar(Scalar(0)));
}

// Writes r into out (allocating it when undefined); an in-place call (out is self) cannot grow.
void write_out(Tensor& out, const Tensor& r) {
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(out.sizes().equals(r.sizes()), "output with shape ", shape_str(out.sizes()),
              " doesn't match the broadcast shape ", shape_str(r.sizes()));
  out.copy_(r);
}

// An out= of a new shape: resized to r's (as torch), of r's dtype.
void write_resized(Tensor& out, const Tensor& r, const char* op) {
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(out.dtype() == r.dtype(), op, "(): expected out= of dtype ",
              scalar_type_name(r.dtype()), ", got ", scalar_type_name(out.dtype()));
  out.resize_(r.sizes());
  out.copy_(r);
}

void masked_fill_impl(Tensor& out, const Tensor& self, const Tensor& mask, const Tensor& value) {
  const Tensor m = bool_mask(mask, "masked_fill_");
  write_out(out, torsh::where(m, value.to(self.dtype()), self));
}

// Checks index (long, in range for n elements, first offender reported) and returns it with
// negative entries wrapped, flattened.
Tensor flat_index(const Tensor& index, int64_t n, const char* op) {
  TORSH_CHECK(index.dtype() == kLong, op, "(): Expected a long tensor for index, but got ",
              scalar_type_name(index.dtype()));
  Tensor idx = index.reshape({-1}).contiguous();
  const int64_t* p = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < idx.numel(); ++i) {
    TORSH_CHECK_INDEX(p[i] >= -n && p[i] < n, "out of range: tried to access index ", p[i],
                      " on a tensor of ", n, " elements.");
  }
  return torsh::where(torsh::lt(idx, detail::wrap_scalar(Scalar(int64_t{0}))),
                      torsh::add(idx, detail::wrap_scalar(Scalar(n))), idx);
}
}  // namespace

void masked_fill_scalar_out(Tensor& out, const Tensor& self, const Tensor& mask,
                            const Scalar& value) {
  detail::check_scalar_fits(value, self.dtype());
  masked_fill_impl(out, self, mask, detail::wrap_scalar(value));
}

void masked_fill_tensor_out(Tensor& out, const Tensor& self, const Tensor& mask,
                            const Tensor& value) {
  TORSH_CHECK(value.dim() == 0,
              "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ",
              value.dim(), " dimension(s).");
  masked_fill_impl(out, self, mask, value);
}

void masked_select_out(Tensor& out, const Tensor& self, const Tensor& mask) {
  TORSH_CHECK(mask.dtype() == kBool || mask.dtype() == kByte,
              "masked_select: expected BoolTensor or ByteTensor for mask");
  if (out.defined()) {  // torch checks the out before resizing it
    TORSH_CHECK(out.dtype() == self.dtype(),
                "masked_select(): self and result must have the same scalar type");
    detail::assert_no_internal_overlap(out);
  }
  auto shape = torsh::broadcast_shapes(self.sizes(), mask.sizes());
  // torch checks a uint8 mask's values element by element: none when the result is empty
  const bool empty = std::find(shape.begin(), shape.end(), 0) != shape.end();
  const Tensor m = empty ? mask.to(kBool) : bool_mask(mask, "masked_select");
  if (shape.empty()) shape.push_back(1);  // 0-dim operands: as one-element vectors
  OptionalTensorList li{m.expand(shape)};
  write_resized(out, torsh::index(self.expand(shape), li), "masked_select");
}

void masked_scatter_out(Tensor& out, const Tensor& self, const Tensor& mask, const Tensor& source) {
  const Tensor m = bool_mask(mask, "masked_scatter_");
  TORSH_CHECK(self.dtype() == source.dtype(),
              "masked_scatter: expected self and source to have same dtypes but got",
              scalar_type_name(self.dtype()), " and ", scalar_type_name(source.dtype()));
  const auto shape = torsh::broadcast_shapes(self.sizes(), m.sizes());
  std::vector<int64_t> work(shape.begin(), shape.end());
  if (work.empty()) work.push_back(1);  // 0-dim operands: as one-element vectors
  const Tensor mb = m.expand(shape).reshape(work);
  const int64_t n = torsh::count_nonzero(mb, IntArrayRef{}).item<int64_t>();
  TORSH_CHECK(source.numel() >= n, "Number of elements of source < number of ones in mask");
  Tensor r = self.expand(shape).reshape(work).clone(MemoryFormat::Contiguous);
  OptionalTensorList li{mb};
  r.index_put_(li, source.reshape({-1}).narrow(0, 0, n), false);
  write_out(out, r.reshape(shape));
}

void take_out(Tensor& out, const Tensor& self, const Tensor& index) {
  TORSH_CHECK(index.dtype() == kLong, "take(): Expected a long tensor for index, but got ",
              scalar_type_name(index.dtype()));
  TORSH_CHECK(!out.defined() || out.dtype() == self.dtype(),
              "take(): self and out expected to have the same dtype, but got self.dtype = ",
              scalar_type_name(self.dtype()), " and out.dtype = ", scalar_type_name(out.dtype()));
  TORSH_CHECK_INDEX(self.numel() > 0 || index.numel() == 0,
                    "take(): tried to take from an empty tensor");
  if (out.defined()) detail::assert_no_internal_overlap(out);
  const Tensor idx = flat_index(index, self.numel(), "take");
  write_resized(out, torsh::index_select(self.reshape({-1}), 0, idx).reshape(index.sizes()),
                "take");
}

void put_out(Tensor& out, const Tensor& self, const Tensor& index, const Tensor& source,
             bool accumulate) {
  TORSH_CHECK(index.dtype() == kLong, "put_(): Expected a long tensor for index, but got ",
              scalar_type_name(index.dtype()));
  TORSH_CHECK(self.dtype() == source.dtype(),
              "put_(): self and source expected to have the same dtype, but got self.dtype = ",
              scalar_type_name(self.dtype()),
              " and source.dtype = ", scalar_type_name(source.dtype()));
  TORSH_CHECK_INDEX(source.numel() == index.numel(),
                    "put_(): Expected source and index to have the same number of elements, but "
                    "got source.numel() = ",
                    source.numel(), ", index.numel() = ", index.numel());
  TORSH_CHECK_INDEX(self.numel() > 0 || index.numel() == 0,
                    "put_(): Tried to put elements into an empty tensor");
  const Tensor idx = flat_index(index, self.numel(), "put_");
  Tensor flat = self.reshape({-1}).clone(MemoryFormat::Contiguous);
  OptionalTensorList li{idx};
  flat.index_put_(li, source.reshape({-1}), accumulate);
  write_out(out, flat.reshape(self.sizes()));
}

Tensor take_along_dim(const Tensor& self, const Tensor& indices, std::optional<int64_t> dim) {
  // Without dim, torch gathers from the flattened tensors (gather's checks and messages).
  if (!dim) return torsh::gather(self.reshape({-1}), 0, indices.reshape({-1}));
  // torch's order: the dims' count, the indices' dtype, then dim itself
  TORSH_CHECK(self.dim() == indices.dim(),
              "torch.take_along_dim(): input and indices should have the same number of "
              "dimensions, but got ",
              self.dim(), " dimensions for input, and ", indices.dim(), " dimensions for indices");
  TORSH_CHECK(indices.dtype() == kLong,
              "torch.take_along_dim(): dtype of indices should be Long but got ",
              scalar_type_name(indices.dtype()));
  TORSH_CHECK_INDEX(self.dim() > 0, "Dimension specified as ", *dim,
                    " but tensor has no dimensions");
  const int64_t d = detail::wrap_dim(*dim, self.dim());
  std::vector<int64_t> self_sizes(self.sizes().begin(), self.sizes().end());
  self_sizes[static_cast<size_t>(d)] = indices.sizes()[d];
  const auto shape = torsh::broadcast_shapes(self_sizes, indices.sizes());
  std::vector<int64_t> src_shape(shape.begin(), shape.end());
  src_shape[static_cast<size_t>(d)] = self.sizes()[d];
  return torsh::gather(self.expand(src_shape), d, indices.expand(shape));
}

void take_along_dim_out(Tensor& out, const Tensor& self, const Tensor& indices,
                        std::optional<int64_t> dim) {
  Tensor r = native::take_along_dim(self, indices, dim);
  if (!out.defined()) {
    out = r;
    return;
  }
  // torch's gather out=: self's dtype, no aliased elements, resized when the shape differs.
  native::write_result_out("take_along_dim", out, r);
}

Tensor argwhere(const Tensor& self) { return torsh::nonzero(self); }

}  // namespace torsh::native

namespace torsh::native {

// index_reduce: self[..., index[i], ...] = reduce(self[..., index[i], ...], source[..., i, ...])
// for prod/mean/amax/amin, run as scatter_reduce with the index spread over source's shape.
Tensor index_reduce(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source,
                    std::string_view reduce, bool include_self) {
  const std::string r(reduce);
  TORSH_CHECK(r == "prod" || r == "mean" || r == "amax" || r == "amin",
              "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ", r,
              ".");
  detail::check_index_source("index_reduce_", self, index, source);
  if (self.dim() == 0) {
    return torsh::index_reduce(self.reshape({1}), dim, index, source.reshape({-1}), reduce,
                               include_self)
        .reshape({});
  }
  const int64_t d = detail::wrap_dim(dim, self.dim());
  if (self.dim() == 1) {
    TORSH_CHECK(source.dim() <= 1, "source.dim() (", source.dim(),
                ") must one or zero for given self.dim() (", self.dim(), ")");
  } else {
    bool same = source.dim() == self.dim();
    for (int64_t i = 0; same && i < self.dim(); ++i) {
      same = i == d || source.sizes()[i] == self.sizes()[i];
    }
    TORSH_CHECK(same, "index_reduce_(): Source/destination tensor must have same slice shapes. ",
                "Destination shape: ", shape_str(self.sizes()),
                ", source shape: ", shape_str(source.sizes()), ", dim: ", dim);
  }
  const Tensor src = source.dim() == 0 ? source.reshape({1}) : source;
  const int64_t n = index.numel();
  TORSH_CHECK(n == src.sizes()[d], "index_reduce_(): Number of indices (", n,
              ") should be equal to source.size(dim): (", src.sizes()[d], "), for dim: ", dim);
  const Tensor idx = index.to(kLong).reshape({-1}).contiguous();
  const int64_t* p = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    TORSH_CHECK_INDEX(p[i] >= 0 && p[i] < self.sizes()[d], "index out of range in self");
  }
  std::vector<int64_t> view(static_cast<size_t>(src.dim()), 1);
  view[static_cast<size_t>(d)] = n;
  return torsh::scatter_reduce(self, d, idx.reshape(view).expand(src.sizes()), src, reduce,
                               include_self);
}

Tensor& index_reduce_(Tensor& self, int64_t dim, const Tensor& index, const Tensor& source,
                      std::string_view reduce, bool include_self) {
  self.copy_(torsh::index_reduce(self, dim, index, source, reduce, include_self));
  return self;
}

}  // namespace torsh::native
