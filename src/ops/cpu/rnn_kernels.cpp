// The CPU's fused LSTM step: rows of the batch split over the threads, each through the
// Highway kernels of functors/lstm_simd.cpp.
#include <algorithm>
#include <type_traits>

#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"
#include "ops/functors/lstm_simd.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<LstmCellKernel> lstm_cell_stub;
KernelStub<LstmCellBackwardKernel> lstm_cell_backward_stub;

namespace cpu {
namespace {

template <typename T>
void lstm_cell_impl(const Tensor& hy, const Tensor& cy, const Tensor& ws, const Tensor& ig,
                    const Tensor& hg, const Tensor& bi, const Tensor& bh, const Tensor& cx) {
  const int64_t rows = cx.size(0), h = cx.size(1);
  const T *igp = ig.data_ptr<T>(), *hgp = hg.data_ptr<T>(), *cxp = cx.data_ptr<T>();
  const T *bip = ptr_or_null<T>(bi), *bhp = ptr_or_null<T>(bh);
  T *hyp = hy.data_ptr<T>(), *cyp = cy.data_ptr<T>(), *wsp = ws.data_ptr<T>();
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / (4 * h)), [&](int64_t b, int64_t e) {
    const int64_t o4 = b * 4 * h, o1 = b * h;
    if constexpr (std::is_same_v<T, float>) {
      lstm_simd::lstm_cell_f32(igp + o4, hgp + o4, bip, bhp, cxp + o1, hyp + o1, cyp + o1, wsp + o4,
                               e - b, h);
    } else {
      lstm_simd::lstm_cell_f64(igp + o4, hgp + o4, bip, bhp, cxp + o1, hyp + o1, cyp + o1, wsp + o4,
                               e - b, h);
    }
  });
}

template <typename T>
void lstm_cell_backward_impl(const Tensor& dgates, const Tensor& dcx, const Tensor& dhy,
                             const Tensor& dcy, const Tensor& cx, const Tensor& ws) {
  const int64_t rows = cx.size(0), h = cx.size(1);
  const T *dhyp = ptr_or_null<T>(dhy), *dcyp = ptr_or_null<T>(dcy);
  const T *cxp = cx.data_ptr<T>(), *wsp = ws.data_ptr<T>();
  T *dgp = dgates.data_ptr<T>(), *dcxp = dcx.data_ptr<T>();
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / (4 * h)), [&](int64_t b, int64_t e) {
    const int64_t o4 = b * 4 * h, o1 = b * h;
    const T* gh = dhyp != nullptr ? dhyp + o1 : nullptr;
    const T* gc = dcyp != nullptr ? dcyp + o1 : nullptr;
    if constexpr (std::is_same_v<T, float>) {
      lstm_simd::lstm_cell_backward_f32(gh, gc, cxp + o1, wsp + o4, dgp + o4, dcxp + o1, e - b, h);
    } else {
      lstm_simd::lstm_cell_backward_f64(gh, gc, cxp + o1, wsp + o4, dgp + o4, dcxp + o1, e - b, h);
    }
  });
}

void lstm_cell_kernel(const Tensor& hy, const Tensor& cy, const Tensor& ws, const Tensor& ig,
                      const Tensor& hg, const Tensor& bi, const Tensor& bh, const Tensor& cx) {
  if (cx.dtype() == kFloat) return lstm_cell_impl<float>(hy, cy, ws, ig, hg, bi, bh, cx);
  lstm_cell_impl<double>(hy, cy, ws, ig, hg, bi, bh, cx);
}

void lstm_cell_backward_kernel(const Tensor& dgates, const Tensor& dcx, const Tensor& dhy,
                               const Tensor& dcy, const Tensor& cx, const Tensor& ws) {
  if (cx.dtype() == kFloat) {
    return lstm_cell_backward_impl<float>(dgates, dcx, dhy, dcy, cx, ws);
  }
  lstm_cell_backward_impl<double>(dgates, dcx, dhy, dcy, cx, ws);
}

}  // namespace

void register_rnn_kernels() {
  lstm_cell_stub.set(kCPU, &lstm_cell_kernel);
  lstm_cell_backward_stub.set(kCPU, &lstm_cell_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
