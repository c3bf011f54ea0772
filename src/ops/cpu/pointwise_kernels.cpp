// The CPU's pointwise kernels of the ops that have no table functor yet: div with a rounding
// mode, pow, the comparisons, where, clamp (Scalar and Tensor bounds), addcmul/addcdiv and
// allclose.
#include <cmath>
#include <limits>

#include "iter/loops.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

namespace {
// Runs f(a, b) in opmath over (out, a, b) of the common dtype.
template <typename Make>
void binary_opmath(const TensorIter& it, const char* op, Make&& make) {
  dispatch_all(it.common_dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    auto f = make(tag);
    binary_loop<T, T>(it, [f](T x, T y) {
      return convert<T>(f(static_cast<opmath_t<T>>(x), static_cast<opmath_t<T>>(y)));
    });
  });
}

template <typename T>
T int_pow(T base, T exp) {
  if (exp < 0) {
    if (base == 1) return 1;
    if (base == -1) return (exp % 2 == 0) ? 1 : -1;
    return 0;
  }
  T result = 1;
  while (exp) {
    if (exp & 1) result = static_cast<T>(result * base);
    exp = static_cast<T>(exp >> 1);
    base = static_cast<T>(base * base);
  }
  return result;
}

// clamp(x, lo, hi) with NaN in x propagated and lo > hi giving hi, as PyTorch.
template <typename M>
M clamp_value(M x, M lo, M hi, bool has_lo, bool has_hi) {
  if constexpr (std::is_floating_point_v<M>) {
    if (std::isnan(x)) return x;
    if (has_lo && std::isnan(lo)) return lo;
    if (has_hi && std::isnan(hi)) return hi;
  }
  if (has_lo && x < lo) x = lo;
  if (has_hi && x > hi) x = hi;
  return x;
}

template <typename Cmp>
void compare_with(const TensorIter& it, const char* op, Cmp cmp) {
  dispatch_all(it.common_dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    binary_loop<bool, T>(it, [cmp](T x, T y) {
      return cmp(static_cast<opmath_t<T>>(x), static_cast<opmath_t<T>>(y));
    });
  });
}
}  // namespace

void div_mode_kernel(const TensorIter& it, bool trunc) {
  binary_opmath(it, "div", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    return [trunc](M a, M b) -> M {
      if constexpr (std::is_same_v<M, bool>) {
        return a;
      } else if constexpr (std::is_integral_v<M>) {
        TORSH_CHECK(b != 0, "ZeroDivisionError");
        if constexpr (std::is_signed_v<M>) {
          // MIN / -1 overflows (x86 traps): wrap to MIN, as two's complement negation does
          if (b == M(-1)) return static_cast<M>(M(0) - static_cast<std::make_unsigned_t<M>>(a));
        }
        M q = static_cast<M>(a / b);
        if (!trunc && (a % b != 0) && ((a < 0) != (b < 0))) q = static_cast<M>(q - 1);
        return q;
      } else {
        // float16/bfloat16 round every step to their type, as torch's kernels do (the quotient
        // is rounded before it is truncated); float and double are unchanged by r.
        auto r = [](M v) { return static_cast<M>(static_cast<T>(v)); };
        if (trunc) return std::trunc(r(a / b));
        if (b == 0) return a / b;
        // Floor division through fmod, so that results are exact where a/b rounds up.
        M mod = r(std::fmod(a, b));
        M div = r(r(a - mod) / b);
        if (mod != 0 && ((b < 0) != (mod < 0))) div = r(div - M(1));
        if (div == 0) return std::copysign(M(0), r(a / b));
        M fl = std::floor(div);
        if (r(div - fl) > M(0.5)) fl = r(fl + M(1));
        return fl;
      }
    };
  });
}

void pow_kernel(const TensorIter& it) {
  binary_opmath(it, "pow", [&](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return [](M x, M y) -> M {
      if constexpr (std::is_same_v<M, bool>) {
        return x || !y;
      } else if constexpr (std::is_integral_v<M>) {
        return int_pow<M>(x, y);
      } else {
        return std::pow(x, y);
      }
    };
  });
}

void compare_kernel(const TensorIter& it, CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return compare_with(it, "eq", [](auto x, auto y) { return x == y; });
    case CompareOp::kNe:
      return compare_with(it, "ne", [](auto x, auto y) { return x != y; });
    case CompareOp::kLt:
      return compare_with(it, "lt", [](auto x, auto y) { return x < y; });
    case CompareOp::kLe:
      return compare_with(it, "le", [](auto x, auto y) { return x <= y; });
    case CompareOp::kGt:
      return compare_with(it, "gt", [](auto x, auto y) { return x > y; });
    case CompareOp::kGe:
      return compare_with(it, "ge", [](auto x, auto y) { return x >= y; });
  }
}

void where_kernel(const TensorIter& it) {
  dispatch_all(it.dtype(0), "where", [&](auto tag) {
    using T = decltype(tag);
    ternary_loop<T, bool, T, T>(it, [](bool c, T x, T y) { return c ? x : y; });
  });
}

void clamp_scalar_kernel(const TensorIter& it, const Scalar& lo, const Scalar& hi, bool has_lo,
                         bool has_hi, bool all_nan) {
  dispatch_all(it.common_dtype(), "clamp", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const M lv = has_lo ? lo.to<M>() : M(0), hv = has_hi ? hi.to<M>() : M(0);
    unary_loop<T, T>(it, [=](T x) {
      if constexpr (std::is_floating_point_v<M>) {
        if (all_nan) return convert<T>(std::numeric_limits<M>::quiet_NaN());
      }
      return convert<T>(clamp_value<M>(static_cast<M>(x), lv, hv, has_lo, has_hi));
    });
  });
}

void clamp_tensor_kernel(const TensorIter& it, bool has_lo, bool has_hi) {
  dispatch_all(it.common_dtype(), "clamp", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    ternary_loop<T, T, T, T>(it, [=](T x, T l, T h) {
      return convert<T>(
          clamp_value<M>(static_cast<M>(x), static_cast<M>(l), static_cast<M>(h), has_lo, has_hi));
    });
  });
}

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
