// The CPU's softmax / log_softmax along the last dim: rows split over the threads, each row
// through the Highway kernel of functors/softmax_simd.cpp.
#include "cpu/parallel.h"
#include "ops/functors/softmax_simd.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<SoftmaxLastdimKernel> softmax_lastdim_stub;

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

}  // namespace

void register_softmax_kernels() { softmax_lastdim_stub.set(kCPU, &softmax_lastdim_kernel); }

}  // namespace cpu
}  // namespace torsh::detail
