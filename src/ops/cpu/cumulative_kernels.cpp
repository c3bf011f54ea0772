// The CPU's cumulative kernels: scans (cumsum, cumprod, logcumsumexp) and running extremes
// (cummax, cummin) along one dim, each line walked in order, lines in parallel. Accumulation as
// torch: double for float/double, float for the 16-bit floats, int64 for integers.
#include <cmath>
#include <limits>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/stubs_cumulative.h"

namespace torsh::detail::cpu {

namespace {

template <typename T>
using scan_acc_t = std::conditional_t<
    std::is_integral_v<T>, int64_t,
    std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, double>>;

// Calls f(in_line, out_line, line_index) for every line along dim (element pointers; the line's
// strides are given to f by the caller's closure).
template <typename T, typename O, class F>
void for_each_line(const Tensor& in, const Tensor& out, int64_t dim, const F& f) {
  const int64_t nd = in.dim();
  const int64_t n = nd == 0 ? 1 : in.sizes()[dim];
  const int64_t lines = n == 0 ? 0 : in.numel() / n;
  if (lines == 0) return;
  const T* ib = static_cast<const T*>(in.data_ptr());
  O* ob = static_cast<O*>(out.data_ptr());
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(n, 1));
  parallel_for(0, lines, grain, [&](int64_t b, int64_t e) {
    for (int64_t l = b; l < e; ++l) {
      int64_t rem = l, ioff = 0, ooff = 0;
      for (int64_t d = nd - 1; d >= 0; --d) {
        if (d == dim) continue;
        const int64_t s = in.sizes()[d], p = rem % s;
        rem /= s;
        ioff += p * in.strides()[d];
        ooff += p * out.strides()[d];
      }
      f(ib + ioff, ob + ooff);
    }
  });
}

template <typename A>
A log_add_exp(A x, A y) {
  // torch's helper: a NaN propagates; equal infinities stay.
  const A lo = std::isnan(y) ? y : std::min(x, y);
  const A hi = std::isnan(y) ? y : std::max(x, y);
  if (lo != hi || std::isfinite(lo)) return std::log1p(std::exp(lo - hi)) + hi;
  return x;
}

void scan_kernel(const Tensor& out, const Tensor& in, int64_t dim, ScanOp op) {
  dispatch_all(in.dtype(), "cumsum", [&](auto tag) {
    using T = decltype(tag);
    using A = scan_acc_t<T>;
    const int64_t n = in.dim() == 0 ? 1 : in.sizes()[dim];
    const int64_t is = in.dim() == 0 ? 0 : in.strides()[dim];
    const int64_t os = out.dim() == 0 ? 0 : out.strides()[dim];
    for_each_line<T, T>(in, out, dim, [&](const T* x, T* y) {
      if (op == ScanOp::kSum) {
        A acc = 0;
        for (int64_t i = 0; i < n; ++i) {
          if constexpr (std::is_integral_v<A>) {  // wraps like torch, without UB
            acc = static_cast<A>(static_cast<uint64_t>(acc) + static_cast<uint64_t>(A(x[i * is])));
          } else {
            acc += static_cast<A>(static_cast<opmath_t<T>>(x[i * is]));
          }
          y[i * os] = convert<T>(acc);
        }
      } else if (op == ScanOp::kProd) {
        A acc = 1;
        for (int64_t i = 0; i < n; ++i) {
          if constexpr (std::is_integral_v<A>) {
            acc = static_cast<A>(static_cast<uint64_t>(acc) * static_cast<uint64_t>(A(x[i * is])));
          } else {
            acc *= static_cast<A>(static_cast<opmath_t<T>>(x[i * is]));
          }
          y[i * os] = convert<T>(acc);
        }
      } else {
        if constexpr (!std::is_integral_v<A>) {
          A acc = -std::numeric_limits<A>::infinity();
          for (int64_t i = 0; i < n; ++i) {
            acc = log_add_exp(static_cast<A>(static_cast<opmath_t<T>>(x[i * is])), acc);
            y[i * os] = convert<T>(acc);
          }
        }
      }
    });
  });
}

void cum_extreme_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim,
                        bool is_max) {
  dispatch_all(in.dtype(), is_max ? "cummax" : "cummin", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const int64_t n = in.dim() == 0 ? 1 : in.sizes()[dim];
    const int64_t is = in.dim() == 0 ? 0 : in.strides()[dim];
    const int64_t vs = values.dim() == 0 ? 0 : values.strides()[dim];
    const int64_t xs = indices.dim() == 0 ? 0 : indices.strides()[dim];
    // values and indices are fresh contiguous tensors of one shape: one line index serves both.
    int64_t* ib = static_cast<int64_t*>(indices.data_ptr());
    T* vb = static_cast<T*>(values.data_ptr());
    for_each_line<T, T>(in, values, dim, [&](const T* x, T* v) {
      int64_t* idx = ib + (v - vb);
      M best = static_cast<M>(x[0]);
      int64_t k = 0;
      for (int64_t i = 0; i < n; ++i) {
        const M c = static_cast<M>(x[i * is]);
        bool take = is_max ? c >= best : c <= best;
        if constexpr (std::is_floating_point_v<M>) take = (c != c) || (best == best && take);
        if (take) {
          best = c;
          k = i;
        }
        v[i * vs] = convert<T>(best);
        idx[i * xs] = k;
      }
    });
  });
}

}  // namespace

void register_cumulative_kernels() {
  scan_stub.set(kCPU, &scan_kernel);
  cum_extreme_stub.set(kCPU, &cum_extreme_kernel);
}

}  // namespace torsh::detail::cpu
