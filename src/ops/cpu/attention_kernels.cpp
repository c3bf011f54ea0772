// The CPU's fused scaled dot-product attention: per batch element, blocks of kBlock query rows;
// a block's scores [rows, S] live in a per-thread buffer (OpenBLAS GEMM for q k^T and for the
// products with v), its softmax goes through the Highway row kernels, and only the row
// log-sum-exp is kept for the backward, which recomputes the block's probabilities. With
// causal masking a block stops at its last row's diagonal. The forward splits (batch, block)
// pairs over the threads; the backward splits batch elements (each owns its dk, dv rows).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "cpu/blas.h"
#include "cpu/parallel.h"
#include "ops/functors/softmax_simd.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<AttentionForwardKernel> attention_forward_stub;
KernelStub<AttentionBackwardKernel> attention_backward_stub;

namespace cpu {
namespace {

constexpr int64_t kBlock = 64;  // query rows per block

// The attention's sizes: q [B, L, E], k [B, S, E], v [B, S, Ev].
struct Dims {
  int64_t batch, l, s, e, ev;
};

Dims dims_of(const Tensor& q, const Tensor& v) {
  return {q.size(0), q.size(1), v.size(1), q.size(2), v.size(2)};
}

// The mask, read in place: element (b, i, j) at data + boff[b] + i * rs + j * cs (elements).
struct MaskView {
  const void* data = nullptr;
  bool is_bool = false;
  int64_t rs = 0, cs = 0;
  std::vector<int64_t> boff;
};

MaskView mask_view(const Tensor& mask, int64_t batch) {
  MaskView m;
  if (!mask.defined()) return m;
  m.data = mask.data_ptr();
  m.is_bool = mask.dtype() == kBool;
  const int64_t nd = mask.dim();
  m.rs = mask.stride(nd - 2);
  m.cs = mask.stride(nd - 1);
  m.boff.resize(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) {
    int64_t rest = b, off = 0;
    for (int64_t d = nd - 3; d >= 0; --d) {
      off += (rest % mask.size(d)) * mask.stride(d);
      rest /= mask.size(d);
    }
    m.boff[static_cast<size_t>(b)] = off;
  }
  return m;
}

// Applies the mask and the causal rule to the scores of query rows r0 .. r0 + rows of batch
// element b, stored as rows x cols (row stride cols).
template <typename T>
void mask_block(T* sc, int64_t rows, int64_t cols, int64_t r0, int64_t b, const MaskView& m,
                bool causal) {
  constexpr T kNegInf = -std::numeric_limits<T>::infinity();
  for (int64_t i = 0; i < rows; ++i) {
    T* row = sc + i * cols;
    if (m.data != nullptr) {
      const int64_t base = m.boff[static_cast<size_t>(b)] + (r0 + i) * m.rs;
      if (m.is_bool) {
        const bool* mp = static_cast<const bool*>(m.data) + base;
        for (int64_t j = 0; j < cols; ++j) row[j] = mp[j * m.cs] ? row[j] : kNegInf;
      } else {
        const T* mp = static_cast<const T*>(m.data) + base;
        for (int64_t j = 0; j < cols; ++j) row[j] += mp[j * m.cs];
      }
    }
    if (causal) {
      for (int64_t j = r0 + i + 1; j < cols; ++j) row[j] = kNegInf;
    }
  }
}

// Columns a block of query rows r0 .. r0 + rows reads: every key, or up to the diagonal.
int64_t block_cols(const Dims& d, int64_t r0, int64_t rows, bool causal) {
  return causal ? std::min(d.s, r0 + rows) : d.s;
}

// The probabilities of a block: sc holds its scaled, masked scores and becomes the softmax of
// each row, exp(sc - lse); lse[i] gets the row's log-sum-exp.
template <typename T>
void block_softmax(T* sc, int64_t rows, int64_t cols, T* lse, const T* ones) {
  T m[kBlock], ls[kBlock];
  softmax_simd::lse_rows(sc, rows, cols, m, ls);
  for (int64_t i = 0; i < rows; ++i) {
    // every key masked: NaN, as softmax of a row of -inf gives
    lse[i] = std::isinf(m[i]) && m[i] < 0 ? std::numeric_limits<T>::quiet_NaN() : m[i] + ls[i];
  }
  softmax_simd::scaled_exp_rows(sc, rows, cols, lse, ones, sc);
}

template <typename T>
void forward_impl(const Tensor& out, const Tensor& lse, const Tensor& q, const Tensor& k,
                  const Tensor& v, const Tensor& mask, bool causal, double scale) {
  const Dims d = dims_of(q, v);
  const MaskView mv = mask_view(mask, d.batch);
  const T* qp = q.data_ptr<T>();
  const T* kp = k.data_ptr<T>();
  const T* vp = v.data_ptr<T>();
  T* op = out.data_ptr<T>();
  T* lp = lse.data_ptr<T>();
  const int64_t nblk = (d.l + kBlock - 1) / kBlock;
  parallel_for(0, d.batch * nblk, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> sc(static_cast<size_t>(std::min(kBlock, d.l) * d.s));
    std::vector<T> ones(kBlock, T(1));
    for (int64_t t = begin; t < end; ++t) {
      const int64_t b = t / nblk, r0 = (t % nblk) * kBlock;
      const int64_t rows = std::min(kBlock, d.l - r0), cols = block_cols(d, r0, rows, causal);
      blas::gemm(false, true, rows, cols, d.e, T(scale), qp + (b * d.l + r0) * d.e,
                 std::max<int64_t>(1, d.e), kp + b * d.s * d.e, std::max<int64_t>(1, d.e), T(0),
                 sc.data(), cols);
      mask_block(sc.data(), rows, cols, r0, b, mv, causal);
      block_softmax(sc.data(), rows, cols, lp + b * d.l + r0, ones.data());
      if (d.ev > 0) {
        blas::gemm(false, false, rows, d.ev, cols, T(1), sc.data(), cols, vp + b * d.s * d.ev, d.ev,
                   T(0), op + (b * d.l + r0) * d.ev, d.ev);
      }
    }
  });
}

template <typename T>
void backward_impl(const Tensor& dq, const Tensor& dk, const Tensor& dv, const Tensor& grad,
                   const Tensor& grad_lse, const Tensor& q, const Tensor& k, const Tensor& v,
                   const Tensor& out, const Tensor& lse, const Tensor& mask, bool causal,
                   double scale) {
  const Dims d = dims_of(q, v);
  const MaskView mv = mask_view(mask, d.batch);
  const T* qp = q.data_ptr<T>();
  const T* kp = k.data_ptr<T>();
  const T* vp = v.data_ptr<T>();
  const T* gp = grad.data_ptr<T>();
  const T* op = out.data_ptr<T>();
  const T* lp = lse.data_ptr<T>();
  const T* glp = grad_lse.defined() ? grad_lse.data_ptr<T>() : nullptr;
  T* dqp = dq.data_ptr<T>();
  T* dkp = dk.data_ptr<T>();
  T* dvp = dv.data_ptr<T>();
  const int64_t lde = std::max<int64_t>(1, d.e);
  const T sc_alpha = T(scale);
  parallel_for(0, d.batch, 1, [&](int64_t begin, int64_t end) {
    const size_t buf = static_cast<size_t>(std::min(kBlock, d.l) * d.s);
    std::vector<T> p(buf), dp(buf), ones(kBlock, T(1));
    T dsum[kBlock];
    for (int64_t b = begin; b < end; ++b) {
      const T* qb = qp + b * d.l * d.e;
      const T* kb = kp + b * d.s * d.e;
      const T* vb = vp + b * d.s * d.ev;
      const T* gb = gp + b * d.l * d.ev;
      const T* ob = op + b * d.l * d.ev;
      T* dkb = dkp + b * d.s * d.e;
      T* dvb = dvp + b * d.s * d.ev;
      std::memset(static_cast<void*>(dkb), 0, sizeof(T) * static_cast<size_t>(d.s * d.e));
      std::memset(static_cast<void*>(dvb), 0, sizeof(T) * static_cast<size_t>(d.s * d.ev));
      for (int64_t r0 = 0; r0 < d.l; r0 += kBlock) {
        const int64_t rows = std::min(kBlock, d.l - r0), cols = block_cols(d, r0, rows, causal);
        T* dqb = dqp + (b * d.l + r0) * d.e;
        // D_i = sum_e dO[i, e] O[i, e]: the row sums of dP * P
        for (int64_t i = 0; i < rows; ++i) {
          const T* g = gb + (r0 + i) * d.ev;
          const T* o = ob + (r0 + i) * d.ev;
          T acc = 0;
          for (int64_t c = 0; c < d.ev; ++c) acc += g[c] * o[c];
          // d lse / d scores = P: a gradient of lse shifts the row's sum
          dsum[i] = glp != nullptr ? acc - glp[b * d.l + r0 + i] : acc;
        }
        blas::gemm(false, true, rows, cols, d.e, sc_alpha, qb + r0 * d.e, lde, kb, lde, T(0),
                   p.data(), cols);
        mask_block(p.data(), rows, cols, r0, b, mv, causal);
        softmax_simd::scaled_exp_rows(p.data(), rows, cols, lp + b * d.l + r0, ones.data(),
                                      p.data());
        if (d.ev > 0) {
          // dV += P^T dO; dP = dO V^T
          blas::gemm(true, false, cols, d.ev, rows, T(1), p.data(), cols, gb + r0 * d.ev, d.ev,
                     T(1), dvb, d.ev);
          blas::gemm(false, true, rows, cols, d.ev, T(1), gb + r0 * d.ev, d.ev, vb, d.ev, T(0),
                     dp.data(), cols);
        } else {
          std::fill(dp.begin(), dp.begin() + rows * cols, T(0));
        }
        // dS = P * (dP - D)
        for (int64_t i = 0; i < rows; ++i) {
          T* dsr = dp.data() + i * cols;
          const T* pr = p.data() + i * cols;
          const T di = dsum[i];
          for (int64_t j = 0; j < cols; ++j) dsr[j] = pr[j] * (dsr[j] - di);
        }
        if (d.e > 0) {
          // dQ = scale dS K; dK += scale dS^T Q
          blas::gemm(false, false, rows, d.e, cols, sc_alpha, dp.data(), cols, kb, lde, T(0), dqb,
                     lde);
          blas::gemm(true, false, cols, d.e, rows, sc_alpha, dp.data(), cols, qb + r0 * d.e, lde,
                     T(1), dkb, lde);
        }
      }
    }
  });
}

void attention_forward_kernel(const Tensor& out, const Tensor& lse, const Tensor& q,
                              const Tensor& k, const Tensor& v, const Tensor& mask, bool causal,
                              double scale) {
  if (q.dtype() == kFloat) return forward_impl<float>(out, lse, q, k, v, mask, causal, scale);
  forward_impl<double>(out, lse, q, k, v, mask, causal, scale);
}

void attention_backward_kernel(const Tensor& dq, const Tensor& dk, const Tensor& dv,
                               const Tensor& grad, const Tensor& grad_lse, const Tensor& q,
                               const Tensor& k, const Tensor& v, const Tensor& out,
                               const Tensor& lse, const Tensor& mask, bool causal, double scale) {
  if (q.dtype() == kFloat) {
    return backward_impl<float>(dq, dk, dv, grad, grad_lse, q, k, v, out, lse, mask, causal, scale);
  }
  backward_impl<double>(dq, dk, dv, grad, grad_lse, q, k, v, out, lse, mask, causal, scale);
}

}  // namespace

void register_attention_kernels() {
  attention_forward_stub.set(kCPU, &attention_forward_kernel);
  attention_backward_stub.set(kCPU, &attention_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
