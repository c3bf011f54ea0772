// Highway reduction kernels (sums, max/min, index of the max/min), compiled for AVX2 and a
// portable baseline and chosen at run time.
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/reduce_simd.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include <limits>

#include "ops/functors/reduce_simd.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::reduce_simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int64_t kBlock = 4096;  // elements summed in vector lanes before pairwise steps

// Blocks of kBlock elements are summed in vector lanes; block sums are then combined
// pairwise, so the error grows with log(n / kBlock).
template <typename T>
T Sum(const T* in, int64_t n) {
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

// (Reading several blocks at once, 16 KiB apart, was 1.4x faster on one machine and 2x slower
// on another, whose loads 4 KiB-alias: one sequential stream is what both run well.)
template <typename T>
T SumAny(const T* in, int64_t n) {
  return Sum(in, n);
}

// out[r] = sum of the run p[r * stride + 0..n), r < count, one run after another (reading four
// runs at once was slower on every width measured on an AMD EPYC: 2x at 100 and 1000 floats).
template <typename T>
void SumRuns(const T* p, int64_t n, int64_t stride, int64_t count, T* out) {
  for (int64_t r = 0; r < count; ++r) out[r] = SumAny(p + r * stride, n);
}

template <typename T>
void SumRows(T* acc, const T* row, int64_t w) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + 2 * N <= w; i += 2 * N) {
    hn::StoreU(hn::Add(hn::LoadU(d, acc + i), hn::LoadU(d, row + i)), d, acc + i);
    hn::StoreU(hn::Add(hn::LoadU(d, acc + i + N), hn::LoadU(d, row + i + N)), d, acc + i + N);
  }
  for (; i + N <= w; i += N)
    hn::StoreU(hn::Add(hn::LoadU(d, acc + i), hn::LoadU(d, row + i)), d, acc + i);
  for (; i < w; ++i) acc[i] += row[i];
}

// Max (min) of in[0..n) in vector lanes, n > 0; *nan is set when an element is NaN (the value
// is then meaningless).
template <bool kMax, typename T>
T BlockExtreme(const T* in, int64_t n, bool* nan) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto a0 = hn::Set(d, in[0]), a1 = a0;
  auto n0 = hn::Zero(d), n1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto v0 = hn::LoadU(d, in + i), v1 = hn::LoadU(d, in + i + N);
    a0 = kMax ? hn::Max(a0, v0) : hn::Min(a0, v0);
    a1 = kMax ? hn::Max(a1, v1) : hn::Min(a1, v1);
    n0 = hn::Or(n0, hn::VecFromMask(d, hn::IsNaN(v0)));
    n1 = hn::Or(n1, hn::VecFromMask(d, hn::IsNaN(v1)));
  }
  for (; i + N <= n; i += N) {
    const auto v = hn::LoadU(d, in + i);
    a0 = kMax ? hn::Max(a0, v) : hn::Min(a0, v);
    n0 = hn::Or(n0, hn::VecFromMask(d, hn::IsNaN(v)));
  }
  a0 = kMax ? hn::Max(a0, a1) : hn::Min(a0, a1);
  T best = kMax ? hn::GetLane(hn::MaxOfLanes(d, a0)) : hn::GetLane(hn::MinOfLanes(d, a0));
  bool any_nan = !hn::AllFalse(d, hn::MaskFromVec(hn::Or(n0, n1)));
  for (; i < n; ++i) {
    const T v = in[i];
    any_nan |= v != v;
    best = kMax ? (v > best ? v : best) : (v < best ? v : best);
  }
  *nan = any_nan;
  return best;
}

template <bool kMax, typename T>
T Extreme(const T* in, int64_t n) {
  bool nan = false;
  const T best = BlockExtreme<kMax>(in, n, &nan);
  return nan ? std::numeric_limits<T>::quiet_NaN() : best;
}

// First index in in[0..n) where pred(vector) holds; n when none.
template <typename T, class Pred, class ScalarPred>
int64_t FindFirst(const T* in, int64_t n, Pred pred, ScalarPred spred) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N) {
    const auto m = pred(d, hn::LoadU(d, in + i));
    if (!hn::AllFalse(d, m)) return i + hn::FindFirstTrue(d, m);
  }
  for (; i < n; ++i)
    if (spred(in[i])) return i;
  return n;
}

// Blockwise: the extreme of each block (vectorised), the first block that holds the overall
// extreme, then the first index of that value inside it; a block with a NaN ends the scan.
template <bool kMax, typename T>
int64_t ArgExtreme(const T* in, int64_t n) {
  constexpr int64_t kBlock = 2048;
  T best = in[0];
  int64_t best_b = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t len = n - b < kBlock ? n - b : kBlock;
    bool nan = false;
    const T m = BlockExtreme<kMax>(in + b, len, &nan);
    if (nan) {
      return b + FindFirst(
                     in + b, len, [](auto, auto v) { return hn::IsNaN(v); },
                     [](T v) { return v != v; });
    }
    if (b == 0 || (kMax ? m > best : m < best)) {
      best = m;
      best_b = b;
    }
  }
  const int64_t len = n - best_b < kBlock ? n - best_b : kBlock;
  const int64_t k = FindFirst(
      in + best_b, len, [best](auto d, auto v) { return hn::Eq(v, hn::Set(d, best)); },
      [best](T v) { return v == best; });
  return best_b + (k < len ? k : 0);
}

template <bool kMax, typename T>
void ArgRows(T* val, int64_t* idx, const T* row, int64_t w, int64_t index) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= w; i += N) {
    const auto v = hn::LoadU(d, row + i), cur = hn::LoadU(d, val + i);
    const auto m =
        hn::Or(kMax ? hn::Gt(v, cur) : hn::Lt(v, cur), hn::AndNot(hn::IsNaN(cur), hn::IsNaN(v)));
    if (hn::AllFalse(d, m)) continue;
    hn::StoreU(hn::IfThenElse(m, v, cur), d, val + i);
    uint8_t bits[8] = {};
    hn::StoreMaskBits(d, m, bits);
    for (int64_t j = 0; j < N; ++j)
      if ((bits[j >> 3] >> (j & 7)) & 1) idx[i + j] = index;
  }
  for (; i < w; ++i) {
    const T v = row[i], cur = val[i];
    if ((kMax ? v > cur : v < cur) || (v != v && cur == cur)) {
      val[i] = v;
      idx[i] = index;
    }
  }
}

float SumF32(const float* p, int64_t n) { return SumAny(p, n); }
double SumF64(const double* p, int64_t n) { return SumAny(p, n); }
void SumRunsF32(const float* p, int64_t n, int64_t stride, int64_t count, float* out) {
  SumRuns(p, n, stride, count, out);
}
void SumRunsF64(const double* p, int64_t n, int64_t stride, int64_t count, double* out) {
  SumRuns(p, n, stride, count, out);
}
void SumRowsF32(float* acc, const float* row, int64_t w) { SumRows(acc, row, w); }
void SumRowsF64(double* acc, const double* row, int64_t w) { SumRows(acc, row, w); }
float ExtremeF32(bool is_max, const float* p, int64_t n) {
  return is_max ? Extreme<true>(p, n) : Extreme<false>(p, n);
}
double ExtremeF64(bool is_max, const double* p, int64_t n) {
  return is_max ? Extreme<true>(p, n) : Extreme<false>(p, n);
}
int64_t ArgExtremeF32(bool is_max, const float* p, int64_t n) {
  return is_max ? ArgExtreme<true>(p, n) : ArgExtreme<false>(p, n);
}
int64_t ArgExtremeF64(bool is_max, const double* p, int64_t n) {
  return is_max ? ArgExtreme<true>(p, n) : ArgExtreme<false>(p, n);
}
void ArgRowsF32(bool is_max, float* val, int64_t* idx, const float* row, int64_t w, int64_t index) {
  is_max ? ArgRows<true>(val, idx, row, w, index) : ArgRows<false>(val, idx, row, w, index);
}
void ArgRowsF64(bool is_max, double* val, int64_t* idx, const double* row, int64_t w,
                int64_t index) {
  is_max ? ArgRows<true>(val, idx, row, w, index) : ArgRows<false>(val, idx, row, w, index);
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::reduce_simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::reduce_simd {
HWY_EXPORT(SumF32);
HWY_EXPORT(SumF64);
HWY_EXPORT(SumRunsF32);
HWY_EXPORT(SumRunsF64);
HWY_EXPORT(SumRowsF32);
HWY_EXPORT(SumRowsF64);
HWY_EXPORT(ExtremeF32);
HWY_EXPORT(ExtremeF64);
HWY_EXPORT(ArgExtremeF32);
HWY_EXPORT(ArgExtremeF64);
HWY_EXPORT(ArgRowsF32);
HWY_EXPORT(ArgRowsF64);

float sum_f32(const float* p, int64_t n) { return HWY_DYNAMIC_DISPATCH(SumF32)(p, n); }
double sum_f64(const double* p, int64_t n) { return HWY_DYNAMIC_DISPATCH(SumF64)(p, n); }
void sum_runs_f32(const float* p, int64_t n, int64_t stride, int64_t count, float* out) {
  HWY_DYNAMIC_DISPATCH(SumRunsF32)(p, n, stride, count, out);
}
void sum_runs_f64(const double* p, int64_t n, int64_t stride, int64_t count, double* out) {
  HWY_DYNAMIC_DISPATCH(SumRunsF64)(p, n, stride, count, out);
}
void sum_rows_f32(float* acc, const float* row, int64_t w) {
  HWY_DYNAMIC_DISPATCH(SumRowsF32)(acc, row, w);
}
void sum_rows_f64(double* acc, const double* row, int64_t w) {
  HWY_DYNAMIC_DISPATCH(SumRowsF64)(acc, row, w);
}
float extreme_f32(bool is_max, const float* p, int64_t n) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF32)(is_max, p, n);
}
double extreme_f64(bool is_max, const double* p, int64_t n) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF64)(is_max, p, n);
}
int64_t arg_extreme_f32(bool is_max, const float* p, int64_t n) {
  return HWY_DYNAMIC_DISPATCH(ArgExtremeF32)(is_max, p, n);
}
int64_t arg_extreme_f64(bool is_max, const double* p, int64_t n) {
  return HWY_DYNAMIC_DISPATCH(ArgExtremeF64)(is_max, p, n);
}
void arg_rows_f32(bool is_max, float* val, int64_t* idx, const float* row, int64_t w,
                  int64_t index) {
  HWY_DYNAMIC_DISPATCH(ArgRowsF32)(is_max, val, idx, row, w, index);
}
void arg_rows_f64(bool is_max, double* val, int64_t* idx, const double* row, int64_t w,
                  int64_t index) {
  HWY_DYNAMIC_DISPATCH(ArgRowsF64)(is_max, val, idx, row, w, index);
}
}  // namespace torsh::detail::reduce_simd
#endif
