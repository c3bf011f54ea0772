// The CPU's reduction kernels on the reduction engine (iter/reduce.h): sum, prod, mean, any,
// all, max/min of everything, and the index-carrying argmax/argmin (max/min along a dim). The
// input is read in place whatever its layout; float/double runs take the vectorised fast paths.
#include <limits>

#include "iter/reduce.h"
#include "ops/cpu/kernels.h"
#include "ops/functors/reduce_simd.h"

namespace torsh::detail::cpu {

namespace {

// Accumulation type: float for the 16-bit floats, double for double, int64 for integers.
template <typename T>
using acc_t = std::conditional_t<std::is_same_v<T, double>, double,
                                 std::conditional_t<std::is_integral_v<T>, int64_t, float>>;

// Floats keep their dtype; integers (and bool) give int64, as torch.
template <typename T>
using sum_out_t = std::conditional_t<std::is_integral_v<T>, int64_t, T>;

// Vectorised sums of float/double runs and rows; other types use the engine's scalar loops.
template <typename T>
struct SumSimd : NoSimd {};
template <>
struct SumSimd<float> {
  static float run(const float* p, int64_t n) { return reduce_simd::sum_f32(p, n); }
  static void runs(const float* p, int64_t n, int64_t stride, int64_t count, float* out) {
    reduce_simd::sum_runs_f32(p, n, stride, count, out);
  }
  static void rows(float* a, const float* r, int64_t w) { reduce_simd::sum_rows_f32(a, r, w); }
};
template <>
struct SumSimd<double> {
  static double run(const double* p, int64_t n) { return reduce_simd::sum_f64(p, n); }
  static void runs(const double* p, int64_t n, int64_t stride, int64_t count, double* out) {
    reduce_simd::sum_runs_f64(p, n, stride, count, out);
  }
  static void rows(double* a, const double* r, int64_t w) { reduce_simd::sum_rows_f64(a, r, w); }
};

struct Plus {
  template <typename A>
  A operator()(A a, A b) const {
    if constexpr (std::is_integral_v<A>) {  // wraps on overflow like torch, without UB
      return static_cast<A>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    } else {
      return a + b;
    }
  }
};
struct Times {
  template <typename A>
  A operator()(A a, A b) const {
    if constexpr (std::is_integral_v<A>) {
      return static_cast<A>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
    } else {
      return a * b;
    }
  }
};

// Vectorised runs (and rows, for the index-carrying kernel) of float/double inputs.
template <bool kMax, typename T>
struct ExtremeSimd : NoSimd {};
template <bool kMax>
struct ExtremeSimd<kMax, float> {
  static float run(const float* p, int64_t n) { return reduce_simd::extreme_f32(kMax, p, n); }
};
template <bool kMax>
struct ExtremeSimd<kMax, double> {
  static double run(const double* p, int64_t n) { return reduce_simd::extreme_f64(kMax, p, n); }
};

template <bool kMax, typename T>
struct ArgSimd : NoSimd {};
template <bool kMax>
struct ArgSimd<kMax, float> {
  static int64_t run(const float* p, int64_t n) { return reduce_simd::arg_extreme_f32(kMax, p, n); }
  static void rows(float* v, int64_t* i, const float* row, int64_t w, int64_t index) {
    reduce_simd::arg_rows_f32(kMax, v, i, row, w, index);
  }
};
template <bool kMax>
struct ArgSimd<kMax, double> {
  static int64_t run(const double* p, int64_t n) {
    return reduce_simd::arg_extreme_f64(kMax, p, n);
  }
  static void rows(double* v, int64_t* i, const double* row, int64_t w, int64_t index) {
    reduce_simd::arg_rows_f64(kMax, v, i, row, w, index);
  }
};

// max/min of two values; a NaN propagates.
template <bool kMax>
struct Extreme {
  template <typename M>
  M operator()(M a, M b) const {
    if constexpr (std::is_floating_point_v<M>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return kMax ? (b > a ? b : a) : (b < a ? b : a);
  }
};

template <bool kMax, typename M>
M extreme_identity() {
  using L = std::numeric_limits<M>;
  if constexpr (L::has_infinity) {
    return kMax ? -L::infinity() : L::infinity();
  } else {
    return kMax ? L::lowest() : L::max();
  }
}

// The input operand's dtype (it follows the outputs).
ScalarType input_dtype(const TensorIter& it) { return it.dtype(it.noutputs()); }

template <bool kProd>
void sum_or_prod(const TensorIter& it, const char* op) {
  dispatch_all(input_dtype(it), op, [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    using O = sum_out_t<T>;
    auto project = [](A a) { return convert<O>(a); };
    if constexpr (kProd) {
      reduce_kernel<T, A, O>(it, A(1), Times(), project);
    } else {
      reduce_kernel<T, A, O, SumSimd<T>>(it, A(0), Plus(), project);
    }
  });
}

// any/all: bool results (uint8 for uint8 inputs, as torch 1.13).
template <bool kAll>
void any_or_all(const TensorIter& it, const char* op) {
  dispatch_all(input_dtype(it), op, [&](auto tag) {
    using T = decltype(tag);
    using O = std::conditional_t<std::is_same_v<T, uint8_t>, uint8_t, bool>;
    auto combine = [](bool a, bool b) { return kAll ? (a && b) : (a || b); };
    reduce_kernel<T, bool, O>(it, kAll, combine, [](bool a) { return O(a); });
  });
}

template <bool kMax>
void extreme_all(const TensorIter& it, const char* op) {
  dispatch_all(input_dtype(it), op, [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    reduce_kernel<T, M, T, ExtremeSimd<kMax, T>, false>(
        it, extreme_identity<kMax, M>(), Extreme<kMax>(), [](M a) { return convert<T>(a); });
  });
}

template <bool kMax>
void arg_extreme(const TensorIter& it, const char* op) {
  dispatch_all(input_dtype(it), op, [&](auto tag) {
    using T = decltype(tag);
    arg_reduce_kernel<T, kMax, ArgSimd<kMax, T>>(it);
  });
}
}  // namespace

void sum_kernel(const TensorIter& it) { sum_or_prod<false>(it, "sum"); }
void prod_kernel(const TensorIter& it) { sum_or_prod<true>(it, "prod"); }

void mean_kernel(const TensorIter& it, int64_t count) {
  dispatch_floating(input_dtype(it), "mean", [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    const A n = static_cast<A>(count);
    reduce_kernel<T, A, T, SumSimd<T>>(it, A(0), Plus(), [n](A a) { return convert<T>(a / n); });
  });
}

void any_kernel(const TensorIter& it) { any_or_all<false>(it, "any"); }
void all_kernel(const TensorIter& it) { any_or_all<true>(it, "all"); }
void max_all_kernel(const TensorIter& it) { extreme_all<true>(it, "max"); }
void min_all_kernel(const TensorIter& it) { extreme_all<false>(it, "min"); }
void argmax_kernel(const TensorIter& it) { arg_extreme<true>(it, "argmax"); }
void argmin_kernel(const TensorIter& it) { arg_extreme<false>(it, "argmin"); }

}  // namespace torsh::detail::cpu
