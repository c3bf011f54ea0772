// Highway LSTM step kernels (lstm_simd.h), compiled for AVX2 and a portable baseline and chosen
// at run time. Products and sums are separate (no contraction: -ffp-contract=off in CMake), as
// in the composed step, and the activations are the functors of unary-inl.h.
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/lstm_simd.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/cache_control.h>
#include <hwy/contrib/math/math-inl.h>
// clang-format on

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstring>
#include <limits>

#include "core/dispatch.h"
#include "ops/functors/kernels.h"
#include "ops/functors/lstm_simd.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// clang-format off
#include "ops/functors/loops-inl.h"  // NOLINT(build/include)
#include "ops/functors/unary-inl.h"  // NOLINT(build/include)
// clang-format on

// Runs body(offset, count, d) over [0, n) in whole vectors, the tail through a padded copy:
// body reads and writes through the pointers it is given for each offset.
template <typename T, typename Body>
HWY_INLINE void ForVectors(int64_t n, const Body& body) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t j = 0;
  for (; j + N <= n; j += N) body(d, j, N);
  if (j < n) body(d, j, n - j);
}

// Loads count (<= lanes) values from p, the rest zero.
template <class D, typename T>
HWY_INLINE hn::Vec<D> LoadPart(D d, const T* p, int64_t count) {
  if (count == static_cast<int64_t>(hn::Lanes(d))) return hn::LoadU(d, p);
  HWY_ALIGN T buf[kMaxLanes] = {};
  std::copy(p, p + count, buf);
  return hn::Load(d, buf);
}

template <class D, typename T>
HWY_INLINE void StorePart(D d, hn::Vec<D> v, T* p, int64_t count) {
  if (count == static_cast<int64_t>(hn::Lanes(d))) return hn::StoreU(v, d, p);
  HWY_ALIGN T buf[kMaxLanes];
  hn::Store(v, d, buf);
  std::copy(buf, buf + count, p);
}

template <typename T>
void LstmCell(const T* ig, const T* hg, const T* bi, const T* bh, const T* cx, T* hy, T* cy, T* ws,
              int64_t rows, int64_t h) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* igr = ig + r * 4 * h;
    const T* hgr = hg + r * 4 * h;
    T* wsr = ws + r * 4 * h;
    ForVectors<T>(h, [&](auto d, int64_t j, int64_t cnt) {
      hn::Vec<decltype(d)> act[4];
      for (int k = 0; k < 4; ++k) {
        const int64_t o = k * h + j;
        auto v = hn::Add(LoadPart(d, hgr + o, cnt), LoadPart(d, igr + o, cnt));
        if (bi != nullptr) v = hn::Add(v, LoadPart(d, bi + o, cnt));
        if (bh != nullptr) v = hn::Add(v, LoadPart(d, bh + o, cnt));
        act[k] = k == 2 ? Tanh()(d, v) : Sigmoid()(d, v);
        StorePart(d, act[k], wsr + o, cnt);
      }
      const auto c =
          hn::Add(hn::Mul(act[1], LoadPart(d, cx + r * h + j, cnt)), hn::Mul(act[0], act[2]));
      StorePart(d, c, cy + r * h + j, cnt);
      StorePart(d, hn::Mul(act[3], Tanh()(d, c)), hy + r * h + j, cnt);
    });
  }
}

template <typename T>
void LstmCellBackward(const T* dhy, const T* dcy, const T* cx, const T* ws, T* dgates, T* dcx,
                      int64_t rows, int64_t h) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* wsr = ws + r * 4 * h;
    T* dgr = dgates + r * 4 * h;
    ForVectors<T>(h, [&](auto d, int64_t j, int64_t cnt) {
      const auto one = hn::Set(d, T(1));
      const int64_t e = r * h + j;
      const auto i = LoadPart(d, wsr + j, cnt), f = LoadPart(d, wsr + h + j, cnt);
      const auto g = LoadPart(d, wsr + 2 * h + j, cnt), o = LoadPart(d, wsr + 3 * h + j, cnt);
      const auto c_prev = LoadPart(d, cx + e, cnt);
      const auto tc = Tanh()(d, hn::Add(hn::Mul(f, c_prev), hn::Mul(i, g)));  // the forward's cy
      const auto gh = dhy != nullptr ? LoadPart(d, dhy + e, cnt) : hn::Zero(d);
      auto gc = dcy != nullptr ? LoadPart(d, dcy + e, cnt) : hn::Zero(d);
      // through hy = o * tanh(cy)
      gc = hn::Add(gc, hn::Mul(hn::Mul(gh, o), hn::Sub(one, hn::Mul(tc, tc))));
      const auto go = hn::Mul(hn::Mul(gh, tc), hn::Mul(o, hn::Sub(one, o)));
      const auto gi = hn::Mul(hn::Mul(gc, g), hn::Mul(i, hn::Sub(one, i)));
      const auto gf = hn::Mul(hn::Mul(gc, c_prev), hn::Mul(f, hn::Sub(one, f)));
      const auto gg = hn::Mul(hn::Mul(gc, i), hn::Sub(one, hn::Mul(g, g)));
      StorePart(d, gi, dgr + j, cnt);
      StorePart(d, gf, dgr + h + j, cnt);
      StorePart(d, gg, dgr + 2 * h + j, cnt);
      StorePart(d, go, dgr + 3 * h + j, cnt);
      StorePart(d, hn::Mul(gc, f), dcx + e, cnt);
    });
  }
}

void LstmCellF32(const float* ig, const float* hg, const float* bi, const float* bh,
                 const float* cx, float* hy, float* cy, float* ws, int64_t rows, int64_t h) {
  LstmCell(ig, hg, bi, bh, cx, hy, cy, ws, rows, h);
}
void LstmCellF64(const double* ig, const double* hg, const double* bi, const double* bh,
                 const double* cx, double* hy, double* cy, double* ws, int64_t rows, int64_t h) {
  LstmCell(ig, hg, bi, bh, cx, hy, cy, ws, rows, h);
}
void LstmCellBackwardF32(const float* dhy, const float* dcy, const float* cx, const float* ws,
                         float* dgates, float* dcx, int64_t rows, int64_t h) {
  LstmCellBackward(dhy, dcy, cx, ws, dgates, dcx, rows, h);
}
void LstmCellBackwardF64(const double* dhy, const double* dcy, const double* cx, const double* ws,
                         double* dgates, double* dcx, int64_t rows, int64_t h) {
  LstmCellBackward(dhy, dcy, cx, ws, dgates, dcx, rows, h);
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::kernels
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::kernels {
HWY_EXPORT(LstmCellF32);
HWY_EXPORT(LstmCellF64);
HWY_EXPORT(LstmCellBackwardF32);
HWY_EXPORT(LstmCellBackwardF64);
}  // namespace torsh::detail::kernels

namespace torsh::detail::lstm_simd {
void lstm_cell_f32(const float* ig, const float* hg, const float* bi, const float* bh,
                   const float* cx, float* hy, float* cy, float* ws, int64_t rows, int64_t h) {
  HWY_DYNAMIC_DISPATCH(kernels::LstmCellF32)(ig, hg, bi, bh, cx, hy, cy, ws, rows, h);
}
void lstm_cell_f64(const double* ig, const double* hg, const double* bi, const double* bh,
                   const double* cx, double* hy, double* cy, double* ws, int64_t rows, int64_t h) {
  HWY_DYNAMIC_DISPATCH(kernels::LstmCellF64)(ig, hg, bi, bh, cx, hy, cy, ws, rows, h);
}
void lstm_cell_backward_f32(const float* dhy, const float* dcy, const float* cx, const float* ws,
                            float* dgates, float* dcx, int64_t rows, int64_t h) {
  HWY_DYNAMIC_DISPATCH(kernels::LstmCellBackwardF32)(dhy, dcy, cx, ws, dgates, dcx, rows, h);
}
void lstm_cell_backward_f64(const double* dhy, const double* dcy, const double* cx,
                            const double* ws, double* dgates, double* dcx, int64_t rows,
                            int64_t h) {
  HWY_DYNAMIC_DISPATCH(kernels::LstmCellBackwardF64)(dhy, dcy, cx, ws, dgates, dcx, rows, h);
}
}  // namespace torsh::detail::lstm_simd
#endif
