// Highway kernels for the reductions (sums, max/min), compiled for AVX2 and a
// portable baseline and chosen at run time.
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/simd_math.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include "ops/functors/simd_math.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Blocks of kBlock elements are summed with four vector accumulators; block sums are then
// combined pairwise, so the error grows with log(n / kBlock).
template <typename T>
T Sum(const T* in, int64_t n) {
  constexpr int64_t kBlock = 4096;
  if (n > kBlock) {
    const int64_t half = (n / 2 + kBlock - 1) / kBlock * kBlock;
    return Sum(in, half) + Sum(in + half, n - half);
  }
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    a0 = hn::Add(a0, hn::LoadU(d, in + i));
    a1 = hn::Add(a1, hn::LoadU(d, in + i + N));
    a2 = hn::Add(a2, hn::LoadU(d, in + i + 2 * N));
    a3 = hn::Add(a3, hn::LoadU(d, in + i + 3 * N));
  }
  for (; i + N <= n; i += N) a0 = hn::Add(a0, hn::LoadU(d, in + i));
  T tail = 0;
  for (; i < n; ++i) tail += in[i];
  return hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)))) + tail;
}

template <typename T>
T Extreme(bool is_max, const T* in, int64_t n, bool* has_nan) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto acc = hn::Set(d, in[0]);
  auto nan = hn::Zero(d);
  int64_t i = 0;
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, in + i);
    acc = is_max ? hn::Max(acc, v) : hn::Min(acc, v);
    nan = hn::Or(nan, hn::VecFromMask(d, hn::IsNaN(v)));
  }
  T best = is_max ? hn::GetLane(hn::MaxOfLanes(d, acc)) : hn::GetLane(hn::MinOfLanes(d, acc));
  bool any_nan = !hn::AllTrue(d, hn::Eq(nan, hn::Zero(d)));
  for (; i < n; ++i) {
    const T v = in[i];
    if (v != v) any_nan = true;
    best = is_max ? (v > best ? v : best) : (v < best ? v : best);
  }
  *has_nan = any_nan;
  return best;
}

float ExtremeF32(bool is_max, const float* in, int64_t n, bool* has_nan) {
  return Extreme<float>(is_max, in, n, has_nan);
}
double ExtremeF64(bool is_max, const double* in, int64_t n, bool* has_nan) {
  return Extreme<double>(is_max, in, n, has_nan);
}

float SumF32(const float* in, int64_t n) { return Sum<float>(in, n); }
double SumF64(const double* in, int64_t n) { return Sum<double>(in, n); }

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::simd {
HWY_EXPORT(ExtremeF32);
HWY_EXPORT(ExtremeF64);
HWY_EXPORT(SumF32);
HWY_EXPORT(SumF64);

float sum_f32(const float* in, int64_t n) { return HWY_DYNAMIC_DISPATCH(SumF32)(in, n); }
double sum_f64(const double* in, int64_t n) { return HWY_DYNAMIC_DISPATCH(SumF64)(in, n); }

float extreme_f32(bool is_max, const float* in, int64_t n, bool* has_nan) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF32)(is_max, in, n, has_nan);
}
double extreme_f64(bool is_max, const double* in, int64_t n, bool* has_nan) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF64)(is_max, in, n, has_nan);
}

}  // namespace torsh::detail::simd
#endif
