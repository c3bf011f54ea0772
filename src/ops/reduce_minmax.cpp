// max, min (whole tensor and along a dim) and argmax, argmin: checks, outputs and the reduction
// iterator (the input is read in place whatever its layout); kernels per device, the CPU's in
// cpu/reduce_kernels.cpp.
#include "iter/reduce.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
template <bool kMax>
Tensor extreme_all(const Tensor& self, const char* op) {
  TORSH_CHECK(self.numel() > 0, op,
              "(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
              "reduction dim with the 'dim' argument.");
  std::vector<bool> mask(static_cast<size_t>(std::max<int64_t>(self.dim(), 1)), true);
  Tensor out = detail::empty_strided_impl(detail::keepdim_shape(self, mask), self.dtype());
  auto it = detail::reduction_iter(op, self, &out, 1, false);
  (kMax ? detail::max_all_stub : detail::min_all_stub)(self.device().type, op)(it);
  detail::drop_reduced_(out, mask, self.dim());
  return out;
}

// (values, indices) of the max (min) along dim, or over everything when dim is absent (the
// index is then into the flattened tensor, in logical order).
template <bool kMax>
std::tuple<Tensor, Tensor> arg_reduce(const Tensor& self, std::optional<int64_t> dim, bool keepdim,
                                      bool want_values, const char* op) {
  std::vector<int64_t> dims;
  if (dim) {
    const int64_t d = detail::wrap_dim(*dim, self.dim(), op);
    TORSH_CHECK_INDEX(self.dim() == 0 || self.sizes()[d] > 0, op, "(): Expected reduction dim ", d,
                      " to have non-zero size.");
    dims.push_back(d);
  } else {
    TORSH_CHECK_INDEX(self.numel() > 0, op,
                      "(): Expected reduction dim to be specified for input.numel() == 0.");
  }
  if (!want_values && self.dtype() == kBool) {
    // torch 1.13 has no bool argmax/argmin kernel, and raises only when its kernel would run:
    // over everything, or along a dim of more than one element with outputs to write.
    const bool trivial = dim && self.dim() > 0 && (self.sizes()[dims[0]] == 1 || self.numel() == 0);
    TORSH_CHECK(trivial, "\"", op, "_cpu\" not implemented for 'Bool'");
  }
  auto mask = detail::reduced_mask(self, dim ? OptionalIntArrayRef(dims) : std::nullopt, op);
  const SizeVec shape = detail::keepdim_shape(self, mask);
  Tensor outs[2];
  int nout = 0;
  if (want_values) outs[nout++] = detail::empty_strided_impl(shape, self.dtype());
  outs[nout++] = detail::empty_strided_impl(shape, kLong);
  auto it = detail::reduction_iter(op, self, outs, nout, true);
  (kMax ? detail::argmax_stub : detail::argmin_stub)(self.device().type, op)(it);
  for (int k = 0; k < nout && !keepdim; ++k) detail::drop_reduced_(outs[k], mask, self.dim());
  return want_values ? std::make_tuple(outs[0], outs[1]) : std::make_tuple(Tensor(), outs[0]);
}
}  // namespace

Tensor max(const Tensor& self) { return extreme_all<true>(self, "max"); }
Tensor min(const Tensor& self) { return extreme_all<false>(self, "min"); }
std::tuple<Tensor, Tensor> max(const Tensor& self, int64_t dim, bool keepdim) {
  return arg_reduce<true>(self, dim, keepdim, true, "max");
}
std::tuple<Tensor, Tensor> min(const Tensor& self, int64_t dim, bool keepdim) {
  return arg_reduce<false>(self, dim, keepdim, true, "min");
}
Tensor argmax(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  return std::get<1>(arg_reduce<true>(self, dim, keepdim, false, "argmax"));
}
Tensor argmin(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  return std::get<1>(arg_reduce<false>(self, dim, keepdim, false, "argmin"));
}

}  // namespace torsh::native
