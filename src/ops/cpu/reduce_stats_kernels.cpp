// The CPU's statistics reductions on the reduction engine (iter/reduce.h, cpu/map_reduce.h):
// var/std (Welford's combination of partial (count, mean, M2) triples; contiguous float/double
// runs take a vectorised two-pass), logsumexp (running max and rescaled sum), nansum and
// count_nonzero. The input is read in place whatever its layout.
#include <cmath>
#include <limits>

#include "ops/cpu/map_reduce.h"
#include "ops/functors/reduce_simd.h"
#include "ops/functors/stats_simd.h"
#include "ops/stubs_stats.h"

namespace torsh::detail::cpu {

namespace {

ScalarType input_dtype(const TensorIter& it) { return it.dtype(it.noutputs()); }

// double for every input dtype, as torch's CPU Welford (so 16-bit and float32 values near
// their max do not overflow the squared deviations).
template <typename T>
using welford_t = double;

template <typename A>
struct Welford {
  A n, mean, m2;
};

template <typename T>
struct VarOp {
  using A = welford_t<T>;
  using M = opmath_t<T>;
  using Acc = Welford<A>;
  static constexpr bool kCascade = true;
  A correction;
  bool take_sqrt, with_mean;

  Acc init() const { return {0, 0, 0}; }
  Acc add(Acc a, M x) const {
    const A v = static_cast<A>(x);
    a.n += 1;
    const A d = v - a.mean;
    a.mean += d / a.n;
    a.m2 += d * (v - a.mean);
    return a;
  }
  Acc combine(Acc a, Acc b) const {
    if (a.n == 0) return b;
    if (b.n == 0) return a;
    const A n = a.n + b.n, d = b.mean - a.mean, f = b.n / n;
    return {n, a.mean + d * f, a.m2 + b.m2 + d * d * a.n * f};
  }
  // Contiguous float/double runs: two passes (the mean, then the deviations from it, with the
  // rounding of the mean corrected by their sum). float's passes accumulate in float lanes:
  // where they overflow (values beyond about 1e19) the run is redone in double, one by one.
  Acc run(const T* p, int64_t n) const
      requires(std::is_same_v<T, float> || std::is_same_v<T, double>) {
    double sum_d, sum_sq;
    if constexpr (std::is_same_v<T, float>) {
      const float m = reduce_simd::sum_f32(p, n) / static_cast<float>(n);
      stats_simd::sq_dev_f32(p, n, m, &sum_d, &sum_sq);
      if (!std::isfinite(m) || !std::isfinite(sum_sq)) {
        Acc a = init();
        for (int64_t i = 0; i < n; ++i) a = add(a, p[i]);
        return a;
      }
      const double dn = static_cast<double>(n);
      return {dn, m + sum_d / dn, sum_sq - sum_d * sum_d / dn};
    } else {
      const double m = reduce_simd::sum_f64(p, n) / static_cast<double>(n);
      stats_simd::sq_dev_f64(p, n, m, &sum_d, &sum_sq);
      const double dn = static_cast<double>(n);
      return {dn, m + sum_d / dn, sum_sq - sum_d * sum_d / dn};
    }
  }
  void store(Acc a, char* const* outs) const {
    const A div = a.n > correction ? a.n - correction : A(0);
    // An empty reduction is NaN whatever the correction, as torch.
    A v = a.n == 0 ? std::numeric_limits<A>::quiet_NaN() : a.m2 / div;
    if (take_sqrt) v = std::sqrt(v);
    *reinterpret_cast<T*>(outs[0]) = static_cast<T>(v);
    if (with_mean) {
      // An empty reduction has no mean (NaN, as torch).
      const A m = a.n == 0 ? std::numeric_limits<A>::quiet_NaN() : a.mean;
      *reinterpret_cast<T*>(outs[1]) = static_cast<T>(m);
    }
  }
};

void var_kernel(const TensorIter& it, double correction, bool take_sqrt) {
  dispatch_floating(input_dtype(it), "var", [&](auto tag) {
    using T = decltype(tag);
    using A = welford_t<T>;
    map_reduce_kernel<T>(it, VarOp<T>{static_cast<A>(correction), take_sqrt, it.noutputs() == 2});
  });
}

// logsumexp: the running max m and s = sum of exp(x - m') where m' is m when finite and 0
// otherwise (as torch, which subtracts only a finite max); the result is log(s) + m'.
template <typename T>
struct LogSumExpOp {
  using M = opmath_t<T>;
  struct Acc {
    M m, s;
  };
  static constexpr bool kCascade = true;
  static M eff(M m) { return std::isinf(m) ? M(0) : m; }
  Acc init() const { return {-std::numeric_limits<M>::infinity(), M(0)}; }
  Acc add(Acc a, M x) const {
    if (x > a.m) {
      const M e = eff(x);
      a.s = a.s == M(0) ? M(0) : a.s * std::exp(eff(a.m) - e);
      a.m = x;
      a.s += std::exp(x - e);
    } else {
      a.s += std::exp(x - eff(a.m));
    }
    return a;
  }
  Acc combine(Acc a, Acc b) const {
    if (b.m > a.m) std::swap(a, b);
    // a holds the larger max (or a NaN-free tie); b's sum is rescaled to it.
    const M e = eff(a.m);
    const M bs = b.s == M(0) ? M(0) : b.s * std::exp(eff(b.m) - e);
    return {a.m, a.s + bs};
  }
  void store(Acc a, char* const* outs) const {
    *reinterpret_cast<T*>(outs[0]) = static_cast<T>(std::log(a.s) + eff(a.m));
  }
};

void logsumexp_kernel(const TensorIter& it) {
  dispatch_floating(input_dtype(it), "logsumexp", [&](auto tag) {
    using T = decltype(tag);
    map_reduce_kernel<T>(it, LogSumExpOp<T>{});
  });
}

template <typename T>
struct NanSumOp {
  using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;
  static constexpr bool kCascade = true;
  Acc init() const { return 0; }
  Acc add(Acc a, opmath_t<T> x) const { return x != x ? a : a + static_cast<Acc>(x); }
  Acc combine(Acc a, Acc b) const { return a + b; }
  void store(Acc a, char* const* outs) const { *reinterpret_cast<T*>(outs[0]) = static_cast<T>(a); }
};

void nansum_kernel(const TensorIter& it) {
  dispatch_floating(input_dtype(it), "nansum", [&](auto tag) {
    using T = decltype(tag);
    map_reduce_kernel<T>(it, NanSumOp<T>{});
  });
}

template <typename T>
struct CountNonzeroOp {
  using Acc = int64_t;
  static constexpr bool kCascade = false;
  Acc init() const { return 0; }
  Acc add(Acc a, opmath_t<T> x) const { return a + (x != opmath_t<T>(0) ? 1 : 0); }
  Acc combine(Acc a, Acc b) const { return a + b; }
  void store(Acc a, char* const* outs) const { *reinterpret_cast<int64_t*>(outs[0]) = a; }
};

void count_nonzero_kernel(const TensorIter& it) {
  dispatch_all(input_dtype(it), "count_nonzero", [&](auto tag) {
    using T = decltype(tag);
    map_reduce_kernel<T>(it, CountNonzeroOp<T>{});
  });
}

// p-norms: the sum of |x|^p (squares, absolute values, nonzero counts) or the max/min of |x|.
template <typename T>
struct NormOp {
  using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;
  static constexpr bool kCascade = true;
  enum Kind { kTwo, kOne, kMax, kMin, kZero, kOther } kind;
  Acc p;
  Acc init() const { return kind == kMin ? std::numeric_limits<Acc>::infinity() : Acc(0); }
  Acc add(Acc a, opmath_t<T> x) const {
    const Acc v = std::abs(static_cast<Acc>(x));
    switch (kind) {
      case kTwo:
        return a + v * v;
      case kOne:
        return a + v;
      case kMax:
        return v != v || v > a ? v : a;
      case kMin:
        return v != v || v < a ? v : a;
      case kZero:
        return a + (v != Acc(0) ? Acc(1) : Acc(0));
      default:
        return a + std::pow(v, p);
    }
  }
  // Contiguous runs: the 2-norm's sum of squares vectorised (double block sums), the other
  // norms with the switch outside the loop.
  Acc run(const T* x, int64_t n) const
      requires(std::is_same_v<T, float> || std::is_same_v<T, double>) {
    if (kind == kTwo) {
      double sd, sq;
      if constexpr (std::is_same_v<T, float>) {
        stats_simd::sq_dev_f32(x, n, 0.0f, &sd, &sq);
      } else {
        stats_simd::sq_dev_f64(x, n, 0.0, &sd, &sq);
      }
      return static_cast<Acc>(sq);
    }
    Acc a = init();
    if (kind == kOne) {
      for (int64_t i = 0; i < n; ++i) a += std::abs(x[i]);
      return a;
    }
    for (int64_t i = 0; i < n; ++i) a = add(a, x[i]);
    return a;
  }
  Acc combine(Acc a, Acc b) const {
    if (kind == kMax) return a != a || a > b ? a : b;
    if (kind == kMin) return a != a || a < b ? a : b;
    return a + b;
  }
  void store(Acc a, char* const* outs) const {
    const Acc r = kind == kTwo ? std::sqrt(a) : kind == kOther ? std::pow(a, Acc(1) / p) : a;
    *reinterpret_cast<T*>(outs[0]) = static_cast<T>(r);
  }
};

void norm_kernel(const TensorIter& it, double p) {
  dispatch_floating(input_dtype(it), "norm", [&](auto tag) {
    using T = decltype(tag);
    using Op = NormOp<T>;
    const auto kind = p == 2          ? Op::kTwo
                      : p == 1        ? Op::kOne
                      : p == 0        ? Op::kZero
                      : std::isinf(p) ? (p > 0 ? Op::kMax : Op::kMin)
                                      : Op::kOther;
    map_reduce_kernel<T>(it, Op{kind, static_cast<typename Op::Acc>(p)});
  });
}

}  // namespace

void register_stats_kernels() {
  norm_stub.set(kCPU, &norm_kernel);
  var_stub.set(kCPU, &var_kernel);
  logsumexp_stub.set(kCPU, &logsumexp_kernel);
  nansum_stub.set(kCPU, &nansum_kernel);
  count_nonzero_stub.set(kCPU, &count_nonzero_kernel);
}

}  // namespace torsh::detail::cpu
