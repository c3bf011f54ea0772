// Highway layer norm rows (norm_simd.h), compiled for AVX2 and a portable baseline and chosen at
// run time.
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/norm_simd.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include <cmath>

#include "ops/functors/norm_simd.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::norm_simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// sum(x) over n elements, two vector accumulators.
template <typename T>
T RowSum(const T* x, int64_t n) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto a0 = hn::Zero(d), a1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    a0 = hn::Add(a0, hn::LoadU(d, x + i));
    a1 = hn::Add(a1, hn::LoadU(d, x + i + N));
  }
  for (; i + N <= n; i += N) a0 = hn::Add(a0, hn::LoadU(d, x + i));
  T s = hn::GetLane(hn::SumOfLanes(d, hn::Add(a0, a1)));
  for (; i < n; ++i) s += x[i];
  return s;
}

// sum((x - m)^2) over n elements.
template <typename T>
T RowSquares(const T* x, T m, int64_t n) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const auto vm = hn::Set(d, m);
  auto a0 = hn::Zero(d), a1 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto c0 = hn::Sub(hn::LoadU(d, x + i), vm), c1 = hn::Sub(hn::LoadU(d, x + i + N), vm);
    a0 = hn::MulAdd(c0, c0, a0);
    a1 = hn::MulAdd(c1, c1, a1);
  }
  for (; i + N <= n; i += N) {
    const auto c = hn::Sub(hn::LoadU(d, x + i), vm);
    a0 = hn::MulAdd(c, c, a0);
  }
  T s = hn::GetLane(hn::SumOfLanes(d, hn::Add(a0, a1)));
  for (; i < n; ++i) s += (x[i] - m) * (x[i] - m);
  return s;
}

template <typename T>
void LayerNormRows(const T* x, const T* w, const T* b, T* y, T* mean, T* rstd, int64_t rows,
                   int64_t n, double eps) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    const T m = RowSum(xr, n) / static_cast<T>(n);
    const T var = RowSquares(xr, m, n) / static_cast<T>(n);
    const T rs = T(1) / std::sqrt(var + static_cast<T>(eps));
    mean[r] = m;
    rstd[r] = rs;
    // y = x * rs + (-m * rs), then * w + b
    const auto scale = hn::Set(d, rs), shift = hn::Set(d, -m * rs);
    int64_t i = 0;
    for (; i + N <= n; i += N) {
      auto v = hn::MulAdd(hn::LoadU(d, xr + i), scale, shift);
      if (w) v = hn::Mul(v, hn::LoadU(d, w + i));
      if (b) v = hn::Add(v, hn::LoadU(d, b + i));
      hn::StoreU(v, d, yr + i);
    }
    for (; i < n; ++i) {
      T v = xr[i] * rs + (-m * rs);
      if (w) v *= w[i];
      if (b) v += b[i];
      yr[i] = v;
    }
  }
}

template <typename T>
void LayerNormBackwardRows(const T* g, int64_t g_stride, const T* x, const T* w, const T* mean,
                           const T* rstd, T* dx, int64_t rows, int64_t n) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  for (int64_t r = 0; r < rows; ++r) {
    const T* gr = g + r * g_stride;
    const T* xr = x + r * n;
    T* dr = dx + r * n;
    const T m = mean[r], rs = rstd[r];
    // sg = sum(gw), sx = sum(gw * xhat)
    const auto vm = hn::Set(d, m), vr = hn::Set(d, rs);
    auto ag = hn::Zero(d), ax = hn::Zero(d);
    T sg = 0, sx = 0;
    int64_t i = 0;
    for (; i + N <= n; i += N) {
      auto gw = hn::LoadU(d, gr + i);
      if (w) gw = hn::Mul(gw, hn::LoadU(d, w + i));
      const auto xh = hn::Mul(hn::Sub(hn::LoadU(d, xr + i), vm), vr);
      ag = hn::Add(ag, gw);
      ax = hn::MulAdd(gw, xh, ax);
    }
    for (; i < n; ++i) {
      const T gw = w ? gr[i] * w[i] : gr[i];
      sg += gw;
      sx += gw * ((xr[i] - m) * rs);
    }
    sg += hn::GetLane(hn::SumOfLanes(d, ag));
    sx += hn::GetLane(hn::SumOfLanes(d, ax));
    const T inv_n = T(1) / static_cast<T>(n);
    const T mg = sg * inv_n, mx = sx * inv_n;
    // dx = rs * (gw - mg - xhat * mx)
    const auto vmg = hn::Set(d, mg), vmx = hn::Set(d, mx);
    for (i = 0; i + N <= n; i += N) {
      auto gw = hn::LoadU(d, gr + i);
      if (w) gw = hn::Mul(gw, hn::LoadU(d, w + i));
      const auto xh = hn::Mul(hn::Sub(hn::LoadU(d, xr + i), vm), vr);
      const auto v = hn::NegMulAdd(xh, vmx, hn::Sub(gw, vmg));
      hn::StoreU(hn::Mul(v, vr), d, dr + i);
    }
    for (; i < n; ++i) {
      const T gw = w ? gr[i] * w[i] : gr[i];
      const T xh = (xr[i] - m) * rs;
      dr[i] = rs * ((gw - mg) - xh * mx);
    }
  }
}

void LayerNormRowsF32(const float* x, const float* w, const float* b, float* y, float* mean,
                      float* rstd, int64_t rows, int64_t n, double eps) {
  LayerNormRows(x, w, b, y, mean, rstd, rows, n, eps);
}
void LayerNormRowsF64(const double* x, const double* w, const double* b, double* y, double* mean,
                      double* rstd, int64_t rows, int64_t n, double eps) {
  LayerNormRows(x, w, b, y, mean, rstd, rows, n, eps);
}
void LayerNormBackwardRowsF32(const float* g, int64_t g_stride, const float* x, const float* w,
                              const float* mean, const float* rstd, float* dx, int64_t rows,
                              int64_t n) {
  LayerNormBackwardRows(g, g_stride, x, w, mean, rstd, dx, rows, n);
}
void LayerNormBackwardRowsF64(const double* g, int64_t g_stride, const double* x, const double* w,
                              const double* mean, const double* rstd, double* dx, int64_t rows,
                              int64_t n) {
  LayerNormBackwardRows(g, g_stride, x, w, mean, rstd, dx, rows, n);
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::norm_simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::norm_simd {
HWY_EXPORT(LayerNormRowsF32);
HWY_EXPORT(LayerNormRowsF64);
HWY_EXPORT(LayerNormBackwardRowsF32);
HWY_EXPORT(LayerNormBackwardRowsF64);

void layer_norm_rows_f32(const float* x, const float* w, const float* b, float* y, float* mean,
                         float* rstd, int64_t rows, int64_t n, double eps) {
  HWY_DYNAMIC_DISPATCH(LayerNormRowsF32)(x, w, b, y, mean, rstd, rows, n, eps);
}
void layer_norm_rows_f64(const double* x, const double* w, const double* b, double* y, double* mean,
                         double* rstd, int64_t rows, int64_t n, double eps) {
  HWY_DYNAMIC_DISPATCH(LayerNormRowsF64)(x, w, b, y, mean, rstd, rows, n, eps);
}
void layer_norm_backward_rows_f32(const float* g, int64_t g_stride, const float* x, const float* w,
                                  const float* mean, const float* rstd, float* dx, int64_t rows,
                                  int64_t n) {
  HWY_DYNAMIC_DISPATCH(LayerNormBackwardRowsF32)(g, g_stride, x, w, mean, rstd, dx, rows, n);
}
void layer_norm_backward_rows_f64(const double* g, int64_t g_stride, const double* x,
                                  const double* w, const double* mean, const double* rstd,
                                  double* dx, int64_t rows, int64_t n) {
  HWY_DYNAMIC_DISPATCH(LayerNormBackwardRowsF64)(g, g_stride, x, w, mean, rstd, dx, rows, n);
}
}  // namespace torsh::detail::norm_simd
#endif
