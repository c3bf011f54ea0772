// Highway kernels for exp, log, tanh and sigmoid, compiled for AVX2 and a portable baseline.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/simd_math.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include "ops/functors/simd_math.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Highway's Exp and Log assume finite in-range inputs; the IEEE special cases are patched in.
struct ExpOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    const T hi = sizeof(T) == 4 ? T(88.72283935546875) : T(709.782712893384);
    const T lo = sizeof(T) == 4 ? T(-103.97208404541016) : T(-745.1332191019411);
    V r = hn::Exp(d, v);
    r = hn::IfThenElse(hn::Gt(v, hn::Set(d, hi)), hn::Inf(d), r);
    r = hn::IfThenElse(hn::Lt(v, hn::Set(d, lo)), hn::Zero(d), r);
    return hn::IfThenElse(hn::IsNaN(v), v, r);
  }
};
struct LogOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const V zero = hn::Zero(d);
    V r = hn::Log(d, v);
    r = hn::IfThenElse(hn::Eq(v, zero), hn::Neg(hn::Inf(d)), r);
    r = hn::IfThenElse(hn::Eq(v, hn::Inf(d)), v, r);
    return hn::IfThenElse(hn::Or(hn::Lt(v, zero), hn::IsNaN(v)), hn::NaN(d), r);
  }
};
struct TanhOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return hn::IfThenElse(hn::IsNaN(v), v, hn::Tanh(d, v));
  }
};
struct SigmoidOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Div(one, hn::Add(one, ExpOp()(d, hn::Neg(v))));
  }
};

template <typename T, class Op>
void Loop(const T* in, T* out, int64_t n, Op op) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(op(d, hn::LoadU(d, in + i)), d, out + i);
  if (i < n) {
    HWY_ALIGN T buf[hn::MaxLanes(d)] = {};
    for (int64_t j = 0; j < n - i; ++j) buf[j] = in[i + j];
    hn::Store(op(d, hn::Load(d, buf)), d, buf);
    for (int64_t j = 0; j < n - i; ++j) out[i + j] = buf[j];
  }
}

template <typename T>
void Dispatch(int fn, const T* in, T* out, int64_t n) {
  switch (static_cast<UnaryFn>(fn)) {
    case UnaryFn::Exp: return Loop(in, out, n, ExpOp());
    case UnaryFn::Log: return Loop(in, out, n, LogOp());
    case UnaryFn::Tanh: return Loop(in, out, n, TanhOp());
    case UnaryFn::Sigmoid: return Loop(in, out, n, SigmoidOp());
  }
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

void UnaryF32(int fn, const float* in, float* out, int64_t n) { Dispatch<float>(fn, in, out, n); }
void UnaryF64(int fn, const double* in, double* out, int64_t n) {
  Dispatch<double>(fn, in, out, n);
}

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::simd {
HWY_EXPORT(UnaryF32);
HWY_EXPORT(UnaryF64);
HWY_EXPORT(ExtremeF32);
HWY_EXPORT(ExtremeF64);

float extreme_f32(bool is_max, const float* in, int64_t n, bool* has_nan) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF32)(is_max, in, n, has_nan);
}
double extreme_f64(bool is_max, const double* in, int64_t n, bool* has_nan) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF64)(is_max, in, n, has_nan);
}

void unary_f32(UnaryFn fn, const float* in, float* out, int64_t n) {
  HWY_DYNAMIC_DISPATCH(UnaryF32)(static_cast<int>(fn), in, out, n);
}
void unary_f64(UnaryFn fn, const double* in, double* out, int64_t n) {
  HWY_DYNAMIC_DISPATCH(UnaryF64)(static_cast<int>(fn), in, out, n);
}
}  // namespace torsh::detail::simd
#endif
