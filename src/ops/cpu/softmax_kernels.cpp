// The CPU's softmax / log_softmax along the last dim and the fused cross entropy of rows: rows
// split over the threads, each row through the Highway kernels of functors/softmax_simd.cpp.
#include <algorithm>

#include "cpu/parallel.h"
#include "ops/functors/softmax_simd.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<SoftmaxLastdimKernel> softmax_lastdim_stub;
KernelStub<CrossEntropyForwardKernel> cross_entropy_forward_stub;
KernelStub<CrossEntropyBackwardKernel> cross_entropy_backward_stub;

namespace cpu {
namespace {

void softmax_lastdim_kernel(const Tensor& y, const Tensor& x, bool log) {
  const int64_t n = x.size(x.dim() - 1);
  const int64_t rows = x.numel() / n;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / n);
  const bool f32 = x.dtype() == kFloat;
  parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
    if (f32) {
      softmax_simd::softmax_rows_f32(x.data_ptr<float>() + b * n, y.data_ptr<float>() + b * n,
                                     e - b, n, log);
    } else {
      softmax_simd::softmax_rows_f64(x.data_ptr<double>() + b * n, y.data_ptr<double>() + b * n,
                                     e - b, n, log);
    }
  });
}

template <typename T>
void cross_entropy_forward_impl(const Tensor& loss, const Tensor& lse, const Tensor& wt,
                                const Tensor& x, const Tensor& target, const Tensor& weight,
                                int64_t ignore_index) {
  const int64_t c = x.size(1), rows = x.size(0);
  const T* xp = x.data_ptr<T>();
  const int64_t* tp = target.data_ptr<int64_t>();
  const T* wp = weight.defined() ? weight.data_ptr<T>() : nullptr;
  T* lp = loss.data_ptr<T>();
  T* sp = lse.data_ptr<T>();
  T* wtp = wt.data_ptr<T>();
  const int64_t grain = std::max<int64_t>(1, kGrainSize / c);
  parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
    constexpr int64_t kChunk = 64;
    T m[kChunk], ls[kChunk];
    for (int64_t r0 = b; r0 < e; r0 += kChunk) {
      const int64_t n = std::min(kChunk, e - r0);
      softmax_simd::lse_rows(xp + r0 * c, n, c, m, ls);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t r = r0 + i, t = tp[r];
        sp[r] = m[i] + ls[i];  // also for ignored rows: their gradient is 0 * softmax
        if (t == ignore_index) {
          lp[r] = wtp[r] = T(0);
          continue;
        }
        const T w = wp != nullptr ? wp[t] : T(1);
        // -log_softmax(x)[t], computed as log_softmax computes it
        lp[r] = -(((xp[r * c + t] - m[i]) - ls[i]) * w);
        wtp[r] = w;
      }
    }
  });
}

void cross_entropy_forward_kernel(const Tensor& loss, const Tensor& lse, const Tensor& wt,
                                  const Tensor& x, const Tensor& target, const Tensor& weight,
                                  int64_t ignore_index) {
  if (x.dtype() == kFloat) {
    return cross_entropy_forward_impl<float>(loss, lse, wt, x, target, weight, ignore_index);
  }
  cross_entropy_forward_impl<double>(loss, lse, wt, x, target, weight, ignore_index);
}

template <typename T>
void cross_entropy_backward_impl(const Tensor& gx, const Tensor& x, const Tensor& target,
                                 const Tensor& lse, const Tensor& scale, int64_t ignore_index) {
  const int64_t c = x.size(1), rows = x.size(0);
  const T* xp = x.data_ptr<T>();
  const int64_t* tp = target.data_ptr<int64_t>();
  const T* sp = lse.data_ptr<T>();
  const T* kp = scale.data_ptr<T>();
  T* gp = gx.data_ptr<T>();
  const int64_t grain = std::max<int64_t>(1, kGrainSize / c);
  parallel_for(0, rows, grain, [&](int64_t b, int64_t e) {
    softmax_simd::scaled_exp_rows(xp + b * c, e - b, c, sp + b, kp + b, gp + b * c);
    for (int64_t r = b; r < e; ++r) {
      if (tp[r] != ignore_index) gp[r * c + tp[r]] -= kp[r];
    }
  });
}

void cross_entropy_backward_kernel(const Tensor& gx, const Tensor& x, const Tensor& target,
                                   const Tensor& lse, const Tensor& scale, int64_t ignore_index) {
  if (x.dtype() == kFloat) {
    return cross_entropy_backward_impl<float>(gx, x, target, lse, scale, ignore_index);
  }
  cross_entropy_backward_impl<double>(gx, x, target, lse, scale, ignore_index);
}

}  // namespace

void register_softmax_kernels() {
  softmax_lastdim_stub.set(kCPU, &softmax_lastdim_kernel);
  cross_entropy_forward_stub.set(kCPU, &cross_entropy_forward_kernel);
  cross_entropy_backward_stub.set(kCPU, &cross_entropy_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
