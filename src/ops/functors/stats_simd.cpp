// Highway kernels of the variance reductions (the second pass of a two-pass variance), compiled
// for AVX2 and a portable baseline and chosen at run time.
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/stats_simd.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include "ops/functors/stats_simd.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::stats_simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t kBlock = 1024;  // elements accumulated in vector lanes before going to double

template <typename T>
void SqDev(const T* p, int64_t n, T m, double* sum_d, double* sum_sq) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const auto vm = hn::Set(d, m);
  double sd = 0, sq = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t e = b + kBlock < n ? b + kBlock : n;
    auto d0 = hn::Zero(d), d1 = hn::Zero(d), q0 = hn::Zero(d), q1 = hn::Zero(d);
    int64_t i = b;
    for (; i + 2 * N <= e; i += 2 * N) {
      const auto x0 = hn::Sub(hn::LoadU(d, p + i), vm);
      const auto x1 = hn::Sub(hn::LoadU(d, p + i + N), vm);
      d0 = hn::Add(d0, x0);
      d1 = hn::Add(d1, x1);
      q0 = hn::MulAdd(x0, x0, q0);
      q1 = hn::MulAdd(x1, x1, q1);
    }
    T td = 0, tq = 0;
    for (; i < e; ++i) {
      const T x = p[i] - m;
      td += x;
      tq += x * x;
    }
    sd += static_cast<double>(hn::GetLane(hn::SumOfLanes(d, hn::Add(d0, d1)))) + td;
    sq += static_cast<double>(hn::GetLane(hn::SumOfLanes(d, hn::Add(q0, q1)))) + tq;
  }
  *sum_d = sd;
  *sum_sq = sq;
}

void SqDevF32(const float* p, int64_t n, float m, double* sd, double* sq) {
  SqDev(p, n, m, sd, sq);
}
void SqDevF64(const double* p, int64_t n, double m, double* sd, double* sq) {
  SqDev(p, n, m, sd, sq);
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::stats_simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::stats_simd {
HWY_EXPORT(SqDevF32);
HWY_EXPORT(SqDevF64);

void sq_dev_f32(const float* p, int64_t n, float m, double* sum_d, double* sum_sq) {
  HWY_DYNAMIC_DISPATCH(SqDevF32)(p, n, m, sum_d, sum_sq);
}
void sq_dev_f64(const double* p, int64_t n, double m, double* sum_d, double* sum_sq) {
  HWY_DYNAMIC_DISPATCH(SqDevF64)(p, n, m, sum_d, sum_sq);
}
}  // namespace torsh::detail::stats_simd
#endif
