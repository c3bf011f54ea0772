// max, min (whole tensor and along a dim) and argmax, argmin on the reduction engine
// (iter/reduce.h); the input is read in place whatever its layout.
#include <limits>

#include "iter/reduce.h"
#include "ops/functors/reduce_simd.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::opmath_t;

// Vectorised runs (and rows, for the index-carrying kernel) of float/double inputs.
template <bool kMax, typename T>
struct ExtremeSimd : detail::NoSimd {};
template <bool kMax>
struct ExtremeSimd<kMax, float> {
  static float run(const float* p, int64_t n) {
    return detail::reduce_simd::extreme_f32(kMax, p, n);
  }
};
template <bool kMax>
struct ExtremeSimd<kMax, double> {
  static double run(const double* p, int64_t n) {
    return detail::reduce_simd::extreme_f64(kMax, p, n);
  }
};

template <bool kMax, typename T>
struct ArgSimd : detail::NoSimd {};
template <bool kMax>
struct ArgSimd<kMax, float> {
  static int64_t run(const float* p, int64_t n) {
    return detail::reduce_simd::arg_extreme_f32(kMax, p, n);
  }
  static void rows(float* v, int64_t* i, const float* row, int64_t w, int64_t index) {
    detail::reduce_simd::arg_rows_f32(kMax, v, i, row, w, index);
  }
};
template <bool kMax>
struct ArgSimd<kMax, double> {
  static int64_t run(const double* p, int64_t n) {
    return detail::reduce_simd::arg_extreme_f64(kMax, p, n);
  }
  static void rows(double* v, int64_t* i, const double* row, int64_t w, int64_t index) {
    detail::reduce_simd::arg_rows_f64(kMax, v, i, row, w, index);
  }
};

// max/min of two values; a NaN propagates.
template <bool kMax>
struct Extreme {
  template <typename M>
  M operator()(M a, M b) const {
    if constexpr (std::is_floating_point_v<M>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return kMax ? (b > a ? b : a) : (b < a ? b : a);
  }
};

template <bool kMax, typename M>
M extreme_identity() {
  using L = std::numeric_limits<M>;
  if constexpr (L::has_infinity) {
    return kMax ? -L::infinity() : L::infinity();
  } else {
    return kMax ? L::lowest() : L::max();
  }
}

template <bool kMax>
Tensor extreme_all(const Tensor& self, const char* op) {
  TORSH_CHECK(self.numel() > 0, op,
              "(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
              "reduction dim with the 'dim' argument.");
  std::vector<bool> mask(static_cast<size_t>(std::max<int64_t>(self.dim(), 1)), true);
  Tensor out = detail::empty_strided_impl(detail::keepdim_shape(self, mask), self.dtype());
  auto it = detail::reduction_iter(op, self, &out, 1, false);
  detail::dispatch_all(self.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    detail::reduce_kernel<T, M, T, ExtremeSimd<kMax, T>, false>(
        it, extreme_identity<kMax, M>(), Extreme<kMax>(),
        [](M a) { return detail::convert<T>(a); });
  });
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
  auto mask = detail::reduced_mask(self, dim ? OptionalIntArrayRef(dims) : std::nullopt, op);
  const SizeVec shape = detail::keepdim_shape(self, mask);
  Tensor outs[2];
  int nout = 0;
  if (want_values) outs[nout++] = detail::empty_strided_impl(shape, self.dtype());
  outs[nout++] = detail::empty_strided_impl(shape, kLong);
  auto it = detail::reduction_iter(op, self, outs, nout, true);
  detail::dispatch_all(self.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    detail::arg_reduce_kernel<T, kMax, ArgSimd<kMax, T>>(it);
  });
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
  TORSH_CHECK(self.dtype() != kBool, "argmax(): \"argmax_cpu\" not implemented for 'Bool'");
  return std::get<1>(arg_reduce<true>(self, dim, keepdim, false, "argmax"));
}
Tensor argmin(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  TORSH_CHECK(self.dtype() != kBool, "argmin(): \"argmin_cpu\" not implemented for 'Bool'");
  return std::get<1>(arg_reduce<false>(self, dim, keepdim, false, "argmin"));
}

}  // namespace torsh::native
