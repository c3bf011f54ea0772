// Highway kernels (elementwise math, binary arithmetic, sums, max/min), compiled for AVX2 and a
// portable baseline and chosen at run time.
// Highway's per-target re-inclusion needs this exact include order.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/simd_math.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/cache_control.h>
#include <hwy/contrib/math/math-inl.h>
// clang-format on

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
// float: tanh(x) = x P(x^2) / Q(x^2) on |x| <= 9, +-1 beyond: a (4,4) rational fit derived by
// tools/approx/fit_tanh.py (relative error 2.2e-8, Q >= 1 so no poles; <= 6 ulp in float32).
// One division and no exp: 2.6x faster than Highway's Expm1-based Tanh, kept for double.
struct TanhOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    using T = hn::TFromD<D>;
    if constexpr (sizeof(T) == 4) {
      const V x = hn::Min(hn::Max(v, hn::Set(d, T(-9))), hn::Set(d, T(9)));
      const V z = hn::Mul(x, x);
      V p = hn::Set(d, T(1.3442254226665688e-08f));
      p = hn::MulAdd(p, z, hn::Set(d, T(2.0679556586829146e-05f)));
      p = hn::MulAdd(p, z, hn::Set(d, T(0.003500195518729129f)));
      p = hn::MulAdd(p, z, hn::Set(d, T(0.13385015752256646f)));
      p = hn::MulAdd(p, z, hn::Set(d, T(0.9999999925689654f)));
      V q = hn::Set(d, T(7.814534432549326e-07f));
      q = hn::MulAdd(q, z, hn::Set(d, T(0.0003292939548699729f)));
      q = hn::MulAdd(q, z, hn::Set(d, T(0.025894852406201128f)));
      q = hn::MulAdd(q, z, hn::Set(d, T(0.46718336925552806f)));
      q = hn::MulAdd(q, z, hn::Set(d, T(1)));
      const V r = hn::Mul(x, hn::Div(p, q));
      return hn::IfThenElse(hn::IsNaN(v), v, r);
    } else {
      return hn::IfThenElse(hn::IsNaN(v), v, hn::Tanh(d, v));
    }
  }
};
struct SigmoidOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Div(one, hn::Add(one, ExpOp()(d, hn::Neg(v))));
  }
};

struct ReluOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V v) const {
    return hn::IfThenZeroElse(hn::Lt(v, hn::Zero(d)), v);  // keeps NaN, as torch
  }
};

// Elementwise driver: op(d, i, one) gives the vector for elements [i, i+N), or element i in
// lane 0 when `one`; results are stored, or streamed once out is vector-aligned.
template <typename T, class Op>
void Drive(T* out, int64_t n, bool stream, Op op) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t i = 0;
  if (stream) {
    while (i < n && (reinterpret_cast<uintptr_t>(out + i) % (N * sizeof(T))) != 0) {
      out[i] = hn::GetLane(op(d, i, true));
      ++i;
    }
    for (; i + N <= n; i += N) hn::Stream(op(d, i, false), d, out + i);
    hwy::FlushStream();
  } else {
    for (; i + N <= n; i += N) hn::StoreU(op(d, i, false), d, out + i);
  }
  for (; i < n; ++i) out[i] = hn::GetLane(op(d, i, true));
}

template <typename T, class Op>
void Loop(const T* in, T* out, int64_t n, bool stream, Op op) {
  Drive<T>(out, n, stream, [&](auto d, int64_t i, bool one) {
    return op(d, one ? hn::Set(d, in[i]) : hn::LoadU(d, in + i));
  });
}

template <typename T>
void Dispatch(int fn, const T* in, T* out, int64_t n, bool stream) {
  switch (static_cast<UnaryFn>(fn)) {
    case UnaryFn::Exp:
      return Loop(in, out, n, stream, ExpOp());
    case UnaryFn::Log:
      return Loop(in, out, n, stream, LogOp());
    case UnaryFn::Tanh:
      return Loop(in, out, n, stream, TanhOp());
    case UnaryFn::Sigmoid:
      return Loop(in, out, n, stream, SigmoidOp());
    case UnaryFn::Relu:
      return Loop(in, out, n, stream, ReluOp());
  }
}

template <typename T>
void Binary(int fn, const T* a, const T* b, bool b_scalar, T alpha, T* out, int64_t n,
            bool stream) {
  auto load_b = [&](auto d, int64_t i, bool one) {
    return b_scalar ? hn::Set(d, b[0]) : (one ? hn::Set(d, b[i]) : hn::LoadU(d, b + i));
  };
  auto load_a = [&](auto d, int64_t i, bool one) {
    return one ? hn::Set(d, a[i]) : hn::LoadU(d, a + i);
  };
  switch (static_cast<BinaryFn>(fn)) {
    case BinaryFn::Add:
      if (alpha == T(1)) {
        return Drive<T>(out, n, stream, [&](auto d, int64_t i, bool one) {
          return hn::Add(load_a(d, i, one), load_b(d, i, one));
        });
      }
      return Drive<T>(out, n, stream, [&](auto d, int64_t i, bool one) {
        return hn::Add(load_a(d, i, one), hn::Mul(hn::Set(d, alpha), load_b(d, i, one)));
      });
    case BinaryFn::Sub:
      return Drive<T>(out, n, stream, [&](auto d, int64_t i, bool one) {
        return hn::Sub(load_a(d, i, one), hn::Mul(hn::Set(d, alpha), load_b(d, i, one)));
      });
    case BinaryFn::Mul:
      return Drive<T>(out, n, stream, [&](auto d, int64_t i, bool one) {
        return hn::Mul(load_a(d, i, one), load_b(d, i, one));
      });
    case BinaryFn::Div:
      return Drive<T>(out, n, stream, [&](auto d, int64_t i, bool one) {
        return hn::Div(load_a(d, i, one), load_b(d, i, one));
      });
  }
}

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

void UnaryF32(int fn, const float* in, float* out, int64_t n, bool stream) {
  Dispatch<float>(fn, in, out, n, stream);
}
void UnaryF64(int fn, const double* in, double* out, int64_t n, bool stream) {
  Dispatch<double>(fn, in, out, n, stream);
}
void BinaryF32(int fn, const float* a, const float* b, bool b_scalar, float alpha, float* out,
               int64_t n, bool stream) {
  Binary<float>(fn, a, b, b_scalar, alpha, out, n, stream);
}
void BinaryF64(int fn, const double* a, const double* b, bool b_scalar, double alpha, double* out,
               int64_t n, bool stream) {
  Binary<double>(fn, a, b, b_scalar, alpha, out, n, stream);
}
float SumF32(const float* in, int64_t n) { return Sum<float>(in, n); }
double SumF64(const double* in, int64_t n) { return Sum<double>(in, n); }

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::simd {
HWY_EXPORT(UnaryF32);
HWY_EXPORT(UnaryF64);
HWY_EXPORT(ExtremeF32);
HWY_EXPORT(ExtremeF64);
HWY_EXPORT(BinaryF32);
HWY_EXPORT(BinaryF64);
HWY_EXPORT(SumF32);
HWY_EXPORT(SumF64);

void binary_f32(BinaryFn fn, const float* a, const float* b, bool b_scalar, float alpha, float* out,
                int64_t n, bool stream) {
  HWY_DYNAMIC_DISPATCH(BinaryF32)(static_cast<int>(fn), a, b, b_scalar, alpha, out, n, stream);
}
void binary_f64(BinaryFn fn, const double* a, const double* b, bool b_scalar, double alpha,
                double* out, int64_t n, bool stream) {
  HWY_DYNAMIC_DISPATCH(BinaryF64)(static_cast<int>(fn), a, b, b_scalar, alpha, out, n, stream);
}
float sum_f32(const float* in, int64_t n) { return HWY_DYNAMIC_DISPATCH(SumF32)(in, n); }
double sum_f64(const double* in, int64_t n) { return HWY_DYNAMIC_DISPATCH(SumF64)(in, n); }

float extreme_f32(bool is_max, const float* in, int64_t n, bool* has_nan) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF32)(is_max, in, n, has_nan);
}
double extreme_f64(bool is_max, const double* in, int64_t n, bool* has_nan) {
  return HWY_DYNAMIC_DISPATCH(ExtremeF64)(is_max, in, n, has_nan);
}

void unary_f32(UnaryFn fn, const float* in, float* out, int64_t n, bool stream) {
  HWY_DYNAMIC_DISPATCH(UnaryF32)(static_cast<int>(fn), in, out, n, stream);
}
void unary_f64(UnaryFn fn, const double* in, double* out, int64_t n, bool stream) {
  HWY_DYNAMIC_DISPATCH(UnaryF64)(static_cast<int>(fn), in, out, n, stream);
}
}  // namespace torsh::detail::simd
#endif
