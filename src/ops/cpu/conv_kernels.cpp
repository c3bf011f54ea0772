// The CPU's convolution kernels: im2col (vol2col for 3 spatial dims) + OpenBLAS GEMM per batch
// element and group, col2im for the input gradient. 1x1 kernels with unit stride and no padding
// skip the column matrix. The batch is split over the threads when it has at least as many
// elements as threads (GEMM then runs on one thread each); otherwise GEMM uses every thread.
#include <cstring>
#include <limits>
#include <vector>

#include "core/dispatch.h"
#include "cpu/blas.h"
#include "cpu/parallel.h"
#include "ops/cpu/conv_dnnl.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<ConvForwardKernel> conv_forward_stub;
KernelStub<ConvBackwardInputKernel> conv_backward_input_stub;
KernelStub<ConvBackwardWeightKernel> conv_backward_weight_stub;

namespace cpu {
namespace {

// C = A @ B + beta * C on row-major buffers (blas::gemm with alpha 1).
template <typename T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
          int64_t ldb, T beta, T* c, int64_t ldc) {
  blas::gemm(ta, tb, m, n, k, T(1), a, lda, b, ldb, beta, c, ldc);
}

// The geometry on exactly 3 spatial dims (leading dims of size 1 for conv1d/conv2d).
struct Geo3 {
  int64_t in[3], k[3], out[3], s[3], p[3], d[3];
  int64_t cin_g, cout_g, groups, batch;
  int64_t isz, ksz, osz, rows;  // products; rows = cin_g * ksz
  bool pointwise;               // 1x1 kernel, unit stride, no padding: the column matrix is x
};

Geo3 make_geo(const Tensor& input, const Tensor& weight, const Tensor& output,
              const ConvGeometry& g) {
  Geo3 r{};
  const int off = 3 - g.nd;
  for (int i = 0; i < 3; ++i) {
    const bool real = i >= off;
    r.in[i] = real ? input.size(2 + i - off) : 1;
    r.k[i] = real ? weight.size(2 + i - off) : 1;
    r.out[i] = real ? output.size(2 + i - off) : 1;
    r.s[i] = real ? g.stride[i - off] : 1;
    r.p[i] = real ? g.padding[i - off] : 0;
    r.d[i] = real ? g.dilation[i - off] : 1;
  }
  r.groups = g.groups;
  r.batch = input.size(0);
  r.cin_g = weight.size(1);
  r.cout_g = weight.size(0) / g.groups;
  r.isz = r.in[0] * r.in[1] * r.in[2];
  r.ksz = r.k[0] * r.k[1] * r.k[2];
  r.osz = r.out[0] * r.out[1] * r.out[2];
  r.rows = r.cin_g * r.ksz;
  // the column matrix is x itself only when each output position reads the same input position
  r.pointwise = r.ksz == 1;
  for (int i = 0; i < 3; ++i) {
    r.pointwise = r.pointwise && r.s[i] == 1 && r.p[i] == 0 && r.in[i] == r.out[i];
  }
  // OpenBLAS takes int sizes: every per-image GEMM dimension must fit
  const int64_t kInt = std::numeric_limits<int>::max();
  TORSH_CHECK(r.rows <= kInt && r.osz <= kInt && r.isz <= kInt &&
                  r.cout_g * r.rows <= std::numeric_limits<int64_t>::max() / 2,
              "convolution: a per-image size of more than 2^31 - 1 elements is not supported "
              "(kernel rows ",
              r.rows, ", output positions ", r.osz, ")");
  return r;
}

// The output positions [lo, hi) of one row whose input position o * s - p + kk * d is in range.
inline void valid_range(int64_t n_out, int64_t n_in, int64_t s, int64_t start, int64_t* lo,
                        int64_t* hi) {
  *lo = start >= 0 ? 0 : (-start + s - 1) / s;
  *hi = start > n_in - 1 ? 0 : std::min(n_out, (n_in - 1 - start) / s + 1);
  if (*lo > *hi) *lo = *hi;
}

// Visits every (column-matrix row, output row) pair: f(col_row_ptr, input_row_ptr_or_null,
// wlo, whi, iw0) where the input row is null when the whole output row reads padding.
template <typename T, typename F>
void for_each_col_row(const Geo3& g, T* col, T* x, const F& f) {
  const int64_t D = g.in[0], H = g.in[1], W = g.in[2];
  const int64_t OD = g.out[0], OH = g.out[1], OW = g.out[2];
  for (int64_t c = 0; c < g.cin_g; ++c) {
    for (int64_t kd = 0; kd < g.k[0]; ++kd) {
      for (int64_t kh = 0; kh < g.k[1]; ++kh) {
        for (int64_t kw = 0; kw < g.k[2]; ++kw) {
          const int64_t row = ((c * g.k[0] + kd) * g.k[1] + kh) * g.k[2] + kw;
          T* dst = col + row * g.osz;
          const int64_t iw0 = kw * g.d[2] - g.p[2];
          int64_t wlo, whi;
          valid_range(OW, W, g.s[2], iw0, &wlo, &whi);
          for (int64_t od = 0; od < OD; ++od) {
            const int64_t id = od * g.s[0] - g.p[0] + kd * g.d[0];
            for (int64_t oh = 0; oh < OH; ++oh) {
              const int64_t ih = oh * g.s[1] - g.p[1] + kh * g.d[1];
              T* out_row = dst + (od * OH + oh) * OW;
              if (id < 0 || id >= D || ih < 0 || ih >= H) {
                f(out_row, static_cast<T*>(nullptr), wlo, whi, iw0);
              } else {
                f(out_row, x + ((c * D + id) * H + ih) * W, wlo, whi, iw0);
              }
            }
          }
        }
      }
    }
  }
}

template <typename T>
void im2col(const Geo3& g, const T* x, T* col) {
  const int64_t OW = g.out[2], sw = g.s[2];
  for_each_col_row<T>(g, col, const_cast<T*>(x),
                      [&](T* dst, const T* src, int64_t lo, int64_t hi, int64_t iw0) {
                        if (src == nullptr) {
                          std::memset(dst, 0, sizeof(T) * OW);
                          return;
                        }
                        std::memset(dst, 0, sizeof(T) * lo);
                        if (sw == 1) {
                          if (hi > lo) {
                            std::memcpy(dst + lo, src + (iw0 + lo), sizeof(T) * (hi - lo));
                          }
                        } else {
                          for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[iw0 + ow * sw];
                        }
                        std::memset(dst + hi, 0, sizeof(T) * (OW - hi));
                      });
}

// x += the column matrix folded back (the adjoint of im2col).
template <typename T>
void col2im(const Geo3& g, const T* col, T* x) {
  const int64_t sw = g.s[2];
  for_each_col_row<T>(g, const_cast<T*>(col), x,
                      [&](const T* src, T* dst, int64_t lo, int64_t hi, int64_t iw0) {
                        if (dst == nullptr) return;
                        for (int64_t ow = lo; ow < hi; ++ow) dst[iw0 + ow * sw] += src[ow];
                      });
}

// Runs body(n, scratch, thread) for every batch element: split over the threads (each with its
// own scratch of `scratch` elements) when the batch has enough elements, else one after another.
template <typename T, typename F>
void over_batch(int64_t batch, int64_t scratch, std::vector<std::vector<T>>* bufs, const F& body) {
  const int nt = get_num_threads();
  const bool split = nt > 1 && batch >= nt && !omp_in_parallel();
  const int used = split ? nt : 1;
  bufs->assign(static_cast<size_t>(used), std::vector<T>(static_cast<size_t>(scratch)));
  if (!split) {
    for (int64_t n = 0; n < batch; ++n) body(n, (*bufs)[0].data(), 0);
    return;
  }
#pragma omp parallel num_threads(used)
  {
    const int t = omp_get_thread_num();
    const int64_t per = (batch + used - 1) / used;
    const int64_t b = t * per, e = std::min(batch, b + per);
    for (int64_t n = b; n < e; ++n) body(n, (*bufs)[static_cast<size_t>(t)].data(), t);
  }
}

template <typename T>
void forward_impl(const Tensor& out, const Tensor& input, const Tensor& weight, const Tensor& bias,
                  const ConvGeometry& cg) {
  const Geo3 g = make_geo(input, weight, out, cg);
  const T* x = input.data_ptr<T>();
  const T* w = weight.data_ptr<T>();
  const T* b = bias.defined() ? bias.data_ptr<T>() : nullptr;
  T* y = out.data_ptr<T>();
  const int64_t cin = g.cin_g * g.groups, cout = g.cout_g * g.groups;
  std::vector<std::vector<T>> bufs;
  over_batch<T>(g.batch, g.pointwise ? 0 : g.rows * g.osz, &bufs, [&](int64_t n, T* col, int) {
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const T* xg = x + (n * cin + grp * g.cin_g) * g.isz;
      T* yg = y + (n * cout + grp * g.cout_g) * g.osz;
      const T* src = xg;
      if (!g.pointwise) {
        im2col<T>(g, xg, col);
        src = col;
      }
      T beta = 0;
      if (b != nullptr) {
        for (int64_t c = 0; c < g.cout_g; ++c) {
          std::fill(yg + c * g.osz, yg + (c + 1) * g.osz, b[grp * g.cout_g + c]);
        }
        beta = 1;
      }
      gemm(false, false, g.cout_g, g.osz, g.rows, w + grp * g.cout_g * g.rows, g.rows, src, g.osz,
           beta, yg, g.osz);
    }
  });
}

template <typename T>
void backward_input_impl(const Tensor& grad_input, const Tensor& grad_output, const Tensor& weight,
                         const ConvGeometry& cg) {
  const Geo3 g = make_geo(grad_input, weight, grad_output, cg);
  const T* gy = grad_output.data_ptr<T>();
  const T* w = weight.data_ptr<T>();
  T* gx = grad_input.data_ptr<T>();
  const int64_t cin = g.cin_g * g.groups, cout = g.cout_g * g.groups;
  std::vector<std::vector<T>> bufs;
  over_batch<T>(g.batch, g.pointwise ? 0 : g.rows * g.osz, &bufs, [&](int64_t n, T* col, int) {
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const T* gyg = gy + (n * cout + grp * g.cout_g) * g.osz;
      T* gxg = gx + (n * cin + grp * g.cin_g) * g.isz;
      const T* wg = w + grp * g.cout_g * g.rows;
      if (g.pointwise) {
        gemm(true, false, g.rows, g.osz, g.cout_g, wg, g.rows, gyg, g.osz, T(0), gxg, g.osz);
        continue;
      }
      gemm(true, false, g.rows, g.osz, g.cout_g, wg, g.rows, gyg, g.osz, T(0), col, g.osz);
      std::fill(gxg, gxg + g.cin_g * g.isz, T(0));
      col2im<T>(g, col, gxg);
    }
  });
}

template <typename T>
void backward_weight_impl(const Tensor& grad_weight, const Tensor& grad_output, const Tensor& input,
                          const ConvGeometry& cg) {
  const Geo3 g = make_geo(input, grad_weight, grad_output, cg);
  const T* gy = grad_output.data_ptr<T>();
  const T* x = input.data_ptr<T>();
  T* gw = grad_weight.data_ptr<T>();
  const int64_t cin = g.cin_g * g.groups, cout = g.cout_g * g.groups;
  const int64_t wsz = cout * g.rows;
  const int64_t colsz = g.pointwise ? 0 : g.rows * g.osz;
  // Each thread's scratch: its column matrix, then its partial sum of the weight gradient.
  std::vector<std::vector<T>> bufs;
  over_batch<T>(g.batch, colsz + wsz, &bufs, [&](int64_t n, T* scratch, int) {
    T* col = scratch;
    T* acc = scratch + colsz;
    for (int64_t grp = 0; grp < g.groups; ++grp) {
      const T* xg = x + (n * cin + grp * g.cin_g) * g.isz;
      const T* gyg = gy + (n * cout + grp * g.cout_g) * g.osz;
      const T* src = xg;
      if (!g.pointwise) {
        im2col<T>(g, xg, col);
        src = col;
      }
      gemm(false, true, g.cout_g, g.rows, g.osz, gyg, g.osz, src, g.osz, T(1),
           acc + grp * g.cout_g * g.rows, g.rows);
    }
  });
  std::fill(gw, gw + wsz, T(0));
  for (const auto& buf : bufs) {
    const T* acc = buf.data() + colsz;
    for (int64_t i = 0; i < wsz; ++i) gw[i] += acc[i];
  }
}

// Whether a float32 convolution of this much work (multiply-adds) goes to oneDNN: below it,
// creating the primitive costs more than im2col + GEMM saves.
bool worth_dnnl(const Tensor& big, const Tensor& weight, const Tensor& out) {
  const double macs = static_cast<double>(out.numel()) * static_cast<double>(weight.numel()) /
                      static_cast<double>(std::max<int64_t>(weight.size(0), 1));
  return big.dtype() == kFloat && macs >= 4.0e6;
}

void conv_forward_kernel(const Tensor& out, const Tensor& input, const Tensor& weight,
                         const Tensor& bias, const ConvGeometry& g) {
  if (worth_dnnl(input, weight, out) && dnnl_conv_forward(out, input, weight, bias, g)) return;
  if (input.dtype() == kFloat) return forward_impl<float>(out, input, weight, bias, g);
  forward_impl<double>(out, input, weight, bias, g);
}

void conv_backward_input_kernel(const Tensor& grad_input, const Tensor& grad_output,
                                const Tensor& weight, const ConvGeometry& g) {
  if (worth_dnnl(grad_input, weight, grad_output) &&
      dnnl_conv_backward_input(grad_input, grad_output, weight, g)) {
    return;
  }
  if (weight.dtype() == kFloat) {
    return backward_input_impl<float>(grad_input, grad_output, weight, g);
  }
  backward_input_impl<double>(grad_input, grad_output, weight, g);
}

void conv_backward_weight_kernel(const Tensor& grad_weight, const Tensor& grad_output,
                                 const Tensor& input, const ConvGeometry& g) {
  if (worth_dnnl(input, grad_weight, grad_output) &&
      dnnl_conv_backward_weight(grad_weight, grad_output, input, g)) {
    return;
  }
  if (input.dtype() == kFloat) {
    return backward_weight_impl<float>(grad_weight, grad_output, input, g);
  }
  backward_weight_impl<double>(grad_weight, grad_output, input, g);
}

}  // namespace

void register_pool_kernels();
void register_softmax_kernels();
void register_norm_kernels();
void register_batch_norm_kernels();
void register_attention_kernels();
void register_rnn_kernels();

void register_nn_kernels() {
  conv_forward_stub.set(kCPU, &conv_forward_kernel);
  conv_backward_input_stub.set(kCPU, &conv_backward_input_kernel);
  conv_backward_weight_stub.set(kCPU, &conv_backward_weight_kernel);
  register_pool_kernels();
  register_softmax_kernels();
  register_norm_kernels();
  register_batch_norm_kernels();
  register_attention_kernels();
  register_rnn_kernels();
}

}  // namespace cpu
}  // namespace torsh::detail
