// The CPU's layer norm: rows split over the threads, each row through the Highway kernels of
// functors/norm_simd.cpp.
#include <algorithm>
#include <vector>

#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"
#include "ops/functors/norm_simd.h"
#include "ops/stubs_nn.h"
#include "torsh/core/threads.h"

namespace torsh::detail {

KernelStub<LayerNormKernel> layer_norm_stub;
KernelStub<LayerNormBackwardKernel> layer_norm_backward_stub;
KernelStub<LayerNormBackwardWeightKernel> layer_norm_backward_weight_stub;

namespace cpu {
namespace {

void layer_norm_kernel(const Tensor& y, const Tensor& mean, const Tensor& rstd, const Tensor& x,
                       const Tensor& w, const Tensor& b, double eps) {
  const int64_t rows = mean.numel(), n = x.numel() / std::max<int64_t>(rows, 1);
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / n), [&](int64_t r0, int64_t r1) {
    if (x.dtype() == kFloat) {
      norm_simd::layer_norm_rows_f32(x.data_ptr<float>() + r0 * n, ptr_or_null<float>(w),
                                     ptr_or_null<float>(b), y.data_ptr<float>() + r0 * n,
                                     mean.data_ptr<float>() + r0, rstd.data_ptr<float>() + r0,
                                     r1 - r0, n, eps);
    } else {
      norm_simd::layer_norm_rows_f64(x.data_ptr<double>() + r0 * n, ptr_or_null<double>(w),
                                     ptr_or_null<double>(b), y.data_ptr<double>() + r0 * n,
                                     mean.data_ptr<double>() + r0, rstd.data_ptr<double>() + r0,
                                     r1 - r0, n, eps);
    }
  });
}

void layer_norm_backward_kernel(const Tensor& dx, const Tensor& g, const Tensor& x, const Tensor& w,
                                const Tensor& mean, const Tensor& rstd) {
  const int64_t rows = mean.numel(), n = x.numel() / std::max<int64_t>(rows, 1);
  const int64_t gs = g.numel() == n && rows > 1 ? 0 : n;  // one row for all: expanded grad
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / n), [&](int64_t r0, int64_t r1) {
    if (x.dtype() == kFloat) {
      norm_simd::layer_norm_backward_rows_f32(
          g.data_ptr<float>() + r0 * gs, gs, x.data_ptr<float>() + r0 * n, ptr_or_null<float>(w),
          mean.data_ptr<float>() + r0, rstd.data_ptr<float>() + r0, dx.data_ptr<float>() + r0 * n,
          r1 - r0, n);
    } else {
      norm_simd::layer_norm_backward_rows_f64(
          g.data_ptr<double>() + r0 * gs, gs, x.data_ptr<double>() + r0 * n, ptr_or_null<double>(w),
          mean.data_ptr<double>() + r0, rstd.data_ptr<double>() + r0,
          dx.data_ptr<double>() + r0 * n, r1 - r0, n);
    }
  });
}

// Each thread sums its rows into its own [n] partial (a loop over n the compiler vectorises);
// the partials are added in thread order, so the result does not depend on timing.
template <typename T>
void weight_grad(T* dw, const T* g, int64_t g_stride, const T* x, const T* mean, const T* rstd,
                 int64_t rows, int64_t n) {
  const int64_t nt = std::max<int64_t>(1, std::min<int64_t>(get_num_threads(), rows));
  std::vector<T> part(static_cast<size_t>(nt * n), T(0));
  parallel_for(0, nt, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      T* acc = part.data() + t * n;
      for (int64_t r = rows * t / nt; r < rows * (t + 1) / nt; ++r) {
        const T* gr = g + r * g_stride;
        const T* xr = x + r * n;
        const T m = mean[r], rs = rstd[r];
        for (int64_t j = 0; j < n; ++j) acc[j] += gr[j] * ((xr[j] - m) * rs);
      }
    }
  });
  for (int64_t j = 0; j < n; ++j) dw[j] = part[static_cast<size_t>(j)];
  for (int64_t t = 1; t < nt; ++t)
    for (int64_t j = 0; j < n; ++j) dw[j] += part[static_cast<size_t>(t * n + j)];
}

void layer_norm_backward_weight_kernel(const Tensor& dw, const Tensor& g, const Tensor& x,
                                       const Tensor& mean, const Tensor& rstd) {
  const int64_t n = dw.numel(), rows = mean.numel();
  const int64_t gs = g.numel() == n && rows > 1 ? 0 : n;  // one row for all: expanded grad
  if (x.dtype() == kFloat) {
    weight_grad(dw.data_ptr<float>(), g.data_ptr<float>(), gs, x.data_ptr<float>(),
                mean.data_ptr<float>(), rstd.data_ptr<float>(), rows, n);
  } else {
    weight_grad(dw.data_ptr<double>(), g.data_ptr<double>(), gs, x.data_ptr<double>(),
                mean.data_ptr<double>(), rstd.data_ptr<double>(), rows, n);
  }
}

}  // namespace

void register_norm_kernels() {
  layer_norm_backward_weight_stub.set(kCPU, &layer_norm_backward_weight_kernel);
  layer_norm_stub.set(kCPU, &layer_norm_kernel);
  layer_norm_backward_stub.set(kCPU, &layer_norm_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
