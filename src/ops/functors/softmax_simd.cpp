// Highway softmax / log_softmax over contiguous rows, compiled for AVX2 and a portable baseline
// and chosen at run time (softmax_simd.h). Not for AVX-512: its 16-lane sums (1.6x faster on
// this Zen 4) add in another order than torch's, and the libtorch MNIST example's losses then
// drift from libtorch's (tests/python/test_libtorch_parity.py).
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/softmax_simd.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>
// clang-format on

#include <cmath>
#include <limits>

#include "ops/functors/softmax_simd.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::softmax_simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// exp of v <= 0 (or NaN): Highway's Exp, 0 below its range, NaN kept.
template <class D, class V>
HWY_INLINE V ExpNonPositive(D d, V v) {
  using T = hn::TFromD<D>;
  const T lo = sizeof(T) == 4 ? T(-103.97208404541016) : T(-745.1332191019411);
  V r = hn::Exp(d, hn::Max(v, hn::Set(d, lo)));
  r = hn::IfThenElse(hn::Lt(v, hn::Set(d, lo)), hn::Zero(d), r);
  return hn::IfThenElse(hn::IsNaN(v), v, r);
}

// exp of v <= 0 (or NaN) for cross_entropy's log-sum-exp and its backward (float): Cephes'
// degree-6 polynomial on v - n ln2 and 2^n put in the exponent, about 17 operations where
// Highway's Exp takes 25 (within 2 ulp of exp; results that would be subnormal, below
// exp(-87.3), are 0 and do not change a row sum that holds exp(0) = 1). NaN stays NaN.
// Doubles take ExpNonPositive.
template <class D, class V>
HWY_INLINE V FastExpNonPositive(D d, V v) {
  using T = hn::TFromD<D>;
  if constexpr (sizeof(T) != 4) {
    return ExpNonPositive(d, v);
  } else {
    const hn::RebindToSigned<D> di;
    const V magic = hn::Set(d, 12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer
    const V kn = hn::MulAdd(v, hn::Set(d, 1.44269504088896341f), magic);
    const V n = hn::Sub(kn, magic);
    V r = hn::NegMulAdd(n, hn::Set(d, 0.693359375f), v);
    r = hn::NegMulAdd(n, hn::Set(d, -2.12194440e-4f), r);
    V p = hn::Set(d, 1.9875691500e-4f);
    p = hn::MulAdd(p, r, hn::Set(d, 1.3981999507e-3f));
    p = hn::MulAdd(p, r, hn::Set(d, 8.3334519073e-3f));
    p = hn::MulAdd(p, r, hn::Set(d, 4.1665795894e-2f));
    p = hn::MulAdd(p, r, hn::Set(d, 1.6666665459e-1f));
    p = hn::MulAdd(p, r, hn::Set(d, 5.0000001201e-1f));
    p = hn::Add(hn::MulAdd(p, hn::Mul(r, r), r), hn::Set(d, 1.0f));
    // 2^n from the integer in kn's low mantissa bits (|n| <= 126 where the result is kept)
    const auto e = hn::ShiftLeft<23>(hn::Add(hn::BitCast(di, kn), hn::Set(di, 127 - 0x4B400000)));
    const V y = hn::Mul(p, hn::BitCast(d, e));
    return hn::IfThenZeroElse(hn::Lt(v, hn::Set(d, -87.33654f)), y);
  }
}

template <typename T>
T RowMax(const T* x, int64_t n) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto m0 = hn::Set(d, -std::numeric_limits<T>::infinity()), m1 = m0;
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    m0 = hn::Max(m0, hn::LoadU(d, x + i));
    m1 = hn::Max(m1, hn::LoadU(d, x + i + N));
  }
  for (; i + N <= n; i += N) m0 = hn::Max(m0, hn::LoadU(d, x + i));
  T m = hn::GetLane(hn::MaxOfLanes(d, hn::Max(m0, m1)));
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;  // a NaN element makes the sum NaN below, and with it the whole row
}

template <typename T>
void SoftmaxRows(const T* x, T* y, int64_t rows, int64_t n, bool log) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    const T m = RowMax(xr, n);
    const auto vm = hn::Set(d, m);
    auto acc = hn::Zero(d);
    T tail = 0;
    int64_t i = 0;
    for (; i + N <= n; i += N) {
      const auto e = ExpNonPositive(d, hn::Sub(hn::LoadU(d, xr + i), vm));
      if (!log) hn::StoreU(e, d, yr + i);
      acc = hn::Add(acc, e);
    }
    for (; i < n; ++i) {
      const T e = std::exp(xr[i] - m);
      if (!log) yr[i] = e;
      tail += e;
    }
    const T sum = hn::GetLane(hn::SumOfLanes(d, acc)) + tail;
    if (log) {
      const T shift = std::log(sum);
      const auto vs = hn::Set(d, shift);
      for (i = 0; i + N <= n; i += N) {
        hn::StoreU(hn::Sub(hn::Sub(hn::LoadU(d, xr + i), vm), vs), d, yr + i);
      }
      for (; i < n; ++i) yr[i] = (xr[i] - m) - shift;
    } else {
      const T inv = T(1) / sum;
      const auto vi = hn::Set(d, inv);
      for (i = 0; i + N <= n; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, yr + i), vi), d, yr + i);
      for (; i < n; ++i) yr[i] *= inv;
    }
  }
}

// Per row: m[r] = max, ls[r] = log(sum(exp(x - max))) (so log_softmax = (x - m) - ls), summed
// in SoftmaxRows' order with the faster exp.
template <typename T>
void LseRows(const T* x, int64_t rows, int64_t n, T* m_out, T* ls_out) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * n;
    const T m = RowMax(xr, n);
    const auto vm = hn::Set(d, m);
    auto acc = hn::Zero(d);
    int64_t i = 0;
    for (; i + N <= n; i += N)
      acc = hn::Add(acc, FastExpNonPositive(d, hn::Sub(hn::LoadU(d, xr + i), vm)));
    T tail = 0;
    for (; i < n; ++i) tail += std::exp(xr[i] - m);
    m_out[r] = m;
    ls_out[r] = std::log(hn::GetLane(hn::SumOfLanes(d, acc)) + tail);
  }
}

// Per row: y = scale[r] * exp(x - shift[r]).
template <typename T>
void ScaledExpRows(const T* x, int64_t rows, int64_t n, const T* shift, const T* scale, T* y) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    const auto vs = hn::Set(d, shift[r]), vk = hn::Set(d, scale[r]);
    int64_t i = 0;
    for (; i + N <= n; i += N) {
      hn::StoreU(hn::Mul(vk, FastExpNonPositive(d, hn::Sub(hn::LoadU(d, xr + i), vs))), d, yr + i);
    }
    for (; i < n; ++i) yr[i] = scale[r] * std::exp(xr[i] - shift[r]);
  }
}

void LseRowsF32(const float* x, int64_t rows, int64_t n, float* m, float* ls) {
  LseRows(x, rows, n, m, ls);
}
void LseRowsF64(const double* x, int64_t rows, int64_t n, double* m, double* ls) {
  LseRows(x, rows, n, m, ls);
}
void ScaledExpRowsF32(const float* x, int64_t rows, int64_t n, const float* shift,
                      const float* scale, float* y) {
  ScaledExpRows(x, rows, n, shift, scale, y);
}
void ScaledExpRowsF64(const double* x, int64_t rows, int64_t n, const double* shift,
                      const double* scale, double* y) {
  ScaledExpRows(x, rows, n, shift, scale, y);
}

void SoftmaxRowsF32(const float* x, float* y, int64_t rows, int64_t n, bool log) {
  SoftmaxRows(x, y, rows, n, log);
}
void SoftmaxRowsF64(const double* x, double* y, int64_t rows, int64_t n, bool log) {
  SoftmaxRows(x, y, rows, n, log);
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::softmax_simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::softmax_simd {
HWY_EXPORT(SoftmaxRowsF32);
HWY_EXPORT(SoftmaxRowsF64);
HWY_EXPORT(LseRowsF32);
HWY_EXPORT(LseRowsF64);
HWY_EXPORT(ScaledExpRowsF32);
HWY_EXPORT(ScaledExpRowsF64);

void lse_rows(const float* x, int64_t rows, int64_t n, float* m, float* ls) {
  HWY_DYNAMIC_DISPATCH(LseRowsF32)(x, rows, n, m, ls);
}
void lse_rows(const double* x, int64_t rows, int64_t n, double* m, double* ls) {
  HWY_DYNAMIC_DISPATCH(LseRowsF64)(x, rows, n, m, ls);
}
void scaled_exp_rows(const float* x, int64_t rows, int64_t n, const float* shift,
                     const float* scale, float* y) {
  HWY_DYNAMIC_DISPATCH(ScaledExpRowsF32)(x, rows, n, shift, scale, y);
}
void scaled_exp_rows(const double* x, int64_t rows, int64_t n, const double* shift,
                     const double* scale, double* y) {
  HWY_DYNAMIC_DISPATCH(ScaledExpRowsF64)(x, rows, n, shift, scale, y);
}

void softmax_rows_f32(const float* x, float* y, int64_t rows, int64_t n, bool log) {
  HWY_DYNAMIC_DISPATCH(SoftmaxRowsF32)(x, y, rows, n, log);
}
void softmax_rows_f64(const double* x, double* y, int64_t rows, int64_t n, bool log) {
  HWY_DYNAMIC_DISPATCH(SoftmaxRowsF64)(x, y, rows, n, log);
}
}  // namespace torsh::detail::softmax_simd
#endif
