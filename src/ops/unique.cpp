// unique (flattened or along a dim), unique_consecutive and bincount: checks, layouts and the
// outputs torch returns here, the kernels per device (the CPU's in cpu/unique_kernels.cpp).
#include <algorithm>

#include "ops/stubs_unique.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {

std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& self, bool sorted, bool return_inverse,
                                          bool return_counts, std::optional<int64_t> dim) {
  if (dim) return torsh::unique_dim(self, *dim, sorted, return_inverse, return_counts);
  return torsh::_unique2(self, sorted, return_inverse, return_counts);
}

}  // namespace torsh

namespace torsh::native {

namespace {
Tensor empty_long() { return detail::empty_strided_impl({0}, kLong); }

void check_not_half(const Tensor& self, const char* kernel) {
  TORSH_CHECK(self.dtype() != kHalf, "\"", kernel, "\" not implemented for 'Half'");
}

// Flattened unique / unique_consecutive: values 1-d, inverse of self's shape.
std::tuple<Tensor, Tensor, Tensor> unique_flat(const Tensor& self, bool sorted, bool consecutive,
                                               bool want_inverse, bool want_counts) {
  check_not_half(self, "unique");
  auto [values, inverse, counts] = detail::unique_stub(self.device().type, "unique")(
      self.contiguous(), sorted, consecutive, want_inverse, want_counts);
  inverse = inverse.defined() ? inverse.reshape(self.sizes()) : empty_long();
  if (!counts.defined()) counts = empty_long();
  return {values, inverse, counts};
}

// Unique slices along dim (torch's unique_dim): the slices are rows of a [size(dim), -1] copy.
std::tuple<Tensor, Tensor, Tensor> unique_slices(const Tensor& self, int64_t dim,
                                                 bool consecutive) {
  check_not_half(self, "unique_dim");  // torch's dtype dispatch comes first
  TORSH_CHECK_INDEX(self.dim() > 0, "Dimension specified as ", dim,
                    " but tensor has no dimensions");
  const int64_t d = detail::wrap_dim(dim, self.dim());
  const std::vector<int64_t> sizes = self.sizes().vec();
  const auto zeros = std::count(sizes.begin(), sizes.end(), int64_t(0));
  if (sizes[d] == 0) {
    TORSH_CHECK(zeros == 1,
                "Number of zero sized dimensions is more than one, so unique cannot be applied ");
    return {detail::empty_strided_impl(sizes, self.dtype()), empty_long(), empty_long()};
  }
  TORSH_CHECK(zeros == 0,
              "There are 0 sized dimensions, and they aren't selected, so unique cannot be "
              "applied");
  Tensor moved = self.movedim(d, 0).contiguous();
  Tensor flat = moved.reshape({sizes[d], -1});
  auto [rows, inverse, counts] =
      detail::unique_dim_stub(self.device().type, "unique_dim")(flat, consecutive);
  return {moved.index_select(0, rows).movedim(0, d), inverse, counts};
}
}  // namespace

std::tuple<Tensor, Tensor, Tensor> _unique2(const Tensor& self, bool sorted, bool return_inverse,
                                            bool return_counts) {
  return unique_flat(self, sorted, false, return_inverse || return_counts, return_counts);
}

std::tuple<Tensor, Tensor, Tensor> unique_dim(const Tensor& self, int64_t dim, bool sorted,
                                              bool return_inverse, bool return_counts) {
  (void)sorted, (void)return_inverse, (void)return_counts;  // torch sorts and returns all three
  return unique_slices(self, dim, false);
}

std::tuple<Tensor, Tensor, Tensor> unique_consecutive(const Tensor& self, bool return_inverse,
                                                      bool return_counts,
                                                      std::optional<int64_t> dim) {
  // torch runs the flattened kernel for dim=0 of a 1-d input (not for dim=-1).
  if (dim && !(*dim == 0 && self.dim() == 1)) {
    return unique_slices(self, *dim, true);
  }
  return unique_flat(self, true, true, return_inverse, return_counts);
}

Tensor bincount(const Tensor& self, const std::optional<Tensor>& weights, int64_t minlength) {
  TORSH_CHECK(is_integral(self.dtype(), false), "\"bincount_cpu\" not implemented for '",
              scalar_type_name(self.dtype()), "'");
  Tensor w;
  if (weights && weights->defined()) {
    w = weights->contiguous();
    if (w.dtype() != kFloat) w = w.to(kDouble);
  }
  TORSH_CHECK(minlength >= 0, "minlength should be >= 0");
  if (self.dim() == 1 && self.numel() == 0) {
    return torsh::zeros({minlength}, TensorOptions().dtype(kLong));
  }
  const char* msg = "bincount only supports 1-d non-negative integral inputs.";
  TORSH_CHECK(self.dim() == 1, msg);
  Tensor x = self.contiguous();
  TORSH_CHECK(x.min().item<int64_t>() >= 0, msg);
  TORSH_CHECK(!w.defined() || (w.dim() == 1 && w.sizes()[0] == x.sizes()[0]),
              "weights should be 1-d and have the same length as input");
  const int64_t nbins = std::max(x.max().item<int64_t>() + 1, minlength);
  return detail::bincount_stub(self.device().type, "bincount")(x, w, nbins);
}

}  // namespace torsh::native
