// The CPU's pointwise kernels of the ops that have no table functor: addcmul/addcdiv (a value
// beside three tensors) and allclose (a reduction to one bool).
#include <cmath>
#include <limits>

#include "iter/loops.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

// out = fma(v * a, b, s) over contiguous arrays: with the FMA instruction where the CPU has it
// (vectorised by the compiler), else through libm's fma (the same single rounding).
template <typename M>
__attribute__((target("avx2,fma"))) void fma_run_avx2(M* out, const M* s, const M* a, const M* b,
                                                      M v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::fma(v * a[i], b[i], s[i]);
}
template <typename M>
void fma_run(M* out, const M* s, const M* a, const M* b, M v, int64_t n) {
  if (cpu_has_avx2()) return fma_run_avx2(out, s, a, b, v, n);
  for (int64_t i = 0; i < n; ++i) out[i] = std::fma(v * a[i], b[i], s[i]);
}

// self + value * t1 * t2 over (out, self, t1, t2) of one dtype, in torch's arithmetic: one
// rounding (torch's kernel is compiled with fused multiply-add, so a finite product beside an
// infinite self gives that infinity, not NaN), in float for float16/bfloat16, and wrapping
// integer arithmetic.
void addcmul_kernel(const TensorIter& it, const Scalar& value) {
  dispatch_all(it.common_dtype(), "addcmul", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      throw Error("addcmul(): \"addcmul_cpu_out\" not implemented for 'Bool'");
    } else if constexpr (std::is_floating_point_v<T>) {
      const T v = value.to<T>();
      it.for_each([&](char** d, const int64_t* st, int64_t n) {
        constexpr int64_t e = sizeof(T);
        if (st[0] == e && st[1] == e && st[2] == e && st[3] == e) {
          fma_run(reinterpret_cast<T*>(d[0]), reinterpret_cast<const T*>(d[1]),
                  reinterpret_cast<const T*>(d[2]), reinterpret_cast<const T*>(d[3]), v, n);
          return;
        }
        for (int64_t i = 0; i < n; ++i) {
          const T s = *reinterpret_cast<const T*>(d[1] + i * st[1]);
          const T a = *reinterpret_cast<const T*>(d[2] + i * st[2]);
          const T b = *reinterpret_cast<const T*>(d[3] + i * st[3]);
          *reinterpret_cast<T*>(d[0] + i * st[0]) = std::fma(v * a, b, s);  // strided: rare
        }
      });
    } else if constexpr (std::is_floating_point_v<opmath_t<T>>) {  // float16, bfloat16
      using M = opmath_t<T>;
      const M v = value.to<M>();
      ternary_loop<T, T, T, T>(it, [=](T s, T a, T b) {
        return convert<T>(std::fma(v * static_cast<M>(a), static_cast<M>(b), static_cast<M>(s)));
      });
    } else {
      using U = std::make_unsigned_t<decltype(T() + 0)>;  // no promotion to (signed) int
      const U v = static_cast<U>(value.to<int64_t>());
      ternary_loop<T, T, T, T>(it, [=](T s, T a, T b) {
        return static_cast<T>(
            static_cast<U>(static_cast<U>(v * static_cast<U>(a)) * static_cast<U>(b)) +
            static_cast<U>(s));
      });
    }
  });
}

// self + value * t1 / t2 over (out, self, t1, t2) of one floating dtype, as torch's kernel.
void addcdiv_kernel(const TensorIter& it, const Scalar& value) {
  dispatch_floating(it.common_dtype(), "addcdiv", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const M v = value.to<M>();
    ternary_loop<T, T, T, T>(it, [=](T s, T a, T b) {
      return convert<T>(static_cast<M>(s) + v * static_cast<M>(a) / static_cast<M>(b));
    });
  });
}

bool allclose_kernel(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return dispatch_floating(a.dtype(), "allclose", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const T* px = a.data_ptr<T>();
    const T* py = b.data_ptr<T>();
    for (int64_t i = 0; i < a.numel(); ++i) {
      const M xi = static_cast<M>(px[i]), yi = static_cast<M>(py[i]);
      if (xi == yi || (equal_nan && std::isnan(xi) && std::isnan(yi))) continue;
      if (rtol == 0 && atol == 0) return false;
      const M allowed = static_cast<M>(atol) + std::abs(static_cast<M>(rtol) * yi);
      const M actual = std::abs(xi - yi);
      if (!(std::isfinite(actual) && actual <= allowed)) return false;
    }
    return true;
  });
}

}  // namespace torsh::detail::cpu
