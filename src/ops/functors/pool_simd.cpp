// Highway max pooling of 2x2 stride-2 windows, compiled for AVX-512, AVX2 and a portable
// baseline and chosen at run time (pool_simd.h).
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/pool_simd.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include "ops/functors/pool_simd.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::pool_simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One step of the scan: v replaces best where it is larger or NaN; code records the step.
template <class D, class DI, class V, class VI>
HWY_INLINE void Take(D d, DI di, V v, int32_t step, V& best, VI& code) {
  const auto take = hn::Or(hn::Gt(v, best), hn::IsNaN(v));
  best = hn::IfThenElse(take, v, best);
  code = hn::IfThenElse(hn::RebindMask(di, take), hn::Set(di, step), code);
  (void)d;
}

// Outputs [i, i + Lanes(d)) of the row.
template <class D>
HWY_INLINE void Max2x2Vec(D d, const float* r0, const float* r1, int64_t i, float* y,
                          int32_t* code) {
  const hn::RebindToSigned<D> di;
  hn::Vec<D> a0, a1, b0, b1;
  hn::LoadInterleaved2(d, r0 + 2 * i, a0, a1);
  hn::LoadInterleaved2(d, r1 + 2 * i, b0, b1);
  auto best = a0;
  auto c = hn::Zero(di);
  Take(d, di, a1, 1, best, c);
  Take(d, di, b0, 2, best, c);
  Take(d, di, b1, 3, best, c);
  hn::StoreU(best, d, y + i);
  if (code != nullptr) hn::StoreU(c, di, code + i);
}

// The whole row in vectors of D: the last one overlaps the one before it (the outputs are
// recomputed to the same values), so there is no scalar tail. Needs n >= Lanes(d).
template <class D>
HWY_INLINE void Max2x2Run(D d, const float* r0, const float* r1, int64_t n, float* y,
                          int32_t* code) {
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N) Max2x2Vec(d, r0, r1, i, y, code);
  if (i < n) Max2x2Vec(d, r0, r1, n - N, y, code);
}

void Max2x2RowF32(const float* r0, const float* r1, int64_t n, float* y, int32_t* code) {
  const hn::ScalableTag<float> d;
  const hn::CappedTag<float, 4> d4;
  if (n >= static_cast<int64_t>(hn::Lanes(d))) return Max2x2Run(d, r0, r1, n, y, code);
  if (n >= static_cast<int64_t>(hn::Lanes(d4))) return Max2x2Run(d4, r0, r1, n, y, code);
  for (int64_t i = 0; i < n; ++i) {  // under 4 outputs
    const float v[4] = {r0[2 * i], r0[2 * i + 1], r1[2 * i], r1[2 * i + 1]};
    float best = v[0];
    int32_t c = 0;
    for (int32_t k = 1; k < 4; ++k) {
      if (v[k] > best || v[k] != v[k]) {
        best = v[k];
        c = k;
      }
    }
    y[i] = best;
    if (code != nullptr) code[i] = c;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::pool_simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::pool_simd {
HWY_EXPORT(Max2x2RowF32);

void max_2x2_row_f32(const float* r0, const float* r1, int64_t n, float* y, int32_t* code) {
  HWY_DYNAMIC_DISPATCH(Max2x2RowF32)(r0, r1, n, y, code);
}
}  // namespace torsh::detail::pool_simd
#endif
