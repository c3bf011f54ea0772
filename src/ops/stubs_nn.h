#pragma once
// The kernel slots of convolution (conv.cpp) and pooling (pool.cpp). The CPU's kernels are in
// cpu/conv_kernels.cpp and cpu/pool_kernels.cpp. Every operand is contiguous, float or double
// (16-bit floats are converted by the op), batched, with 1 to 3 spatial dims.
#include <vector>

#include "ops/stubs.h"

namespace torsh::detail {

/// The geometry of a convolution over nd spatial dims (leading entries of each array).
struct ConvGeometry {
  int nd = 0;
  int64_t stride[3] = {1, 1, 1};
  int64_t padding[3] = {0, 0, 0};
  int64_t dilation[3] = {1, 1, 1};
  int64_t groups = 1;
};
/// out [N, Cout, O...] = input [N, Cin, I...] convolved with weight [Cout, Cin / groups, K...],
/// plus bias [Cout] when defined (out's sizes already computed).
using ConvForwardKernel = void (*)(const Tensor& out, const Tensor& input, const Tensor& weight,
                                   const Tensor& bias, const ConvGeometry& g);
/// grad_input [N, Cin, I...] = the adjoint of the forward in input: grad_output [N, Cout, O...]
/// spread back through weight (grad_input's sizes chosen by the caller).
using ConvBackwardInputKernel = void (*)(const Tensor& grad_input, const Tensor& grad_output,
                                         const Tensor& weight, const ConvGeometry& g);
/// grad_weight [Cout, Cin / groups, K...] = the forward's derivative in weight, summed over the
/// batch: grad_output [N, Cout, O...] correlated with input [N, Cin, I...].
using ConvBackwardWeightKernel = void (*)(const Tensor& grad_weight, const Tensor& grad_output,
                                          const Tensor& input, const ConvGeometry& g);
extern KernelStub<ConvForwardKernel> conv_forward_stub;
extern KernelStub<ConvBackwardInputKernel> conv_backward_input_stub;
extern KernelStub<ConvBackwardWeightKernel> conv_backward_weight_stub;

/// One pooling window per output position and spatial dim: output position o reads input
/// positions begin[o] + j * step for j < count[o] (all in range), and divides by the product of
/// the dims' divisor[o] (average pooling).
struct PoolDim {
  int64_t in = 1, out = 1, step = 1;
  std::vector<int64_t> begin, count;
  std::vector<double> divisor;
};
enum class PoolKind { kMax, kAvg };
/// out [planes, O...] = the max (with int64 indices into the plane's flattened input, NaN
/// propagating, the first maximum winning) or the average (divided by divisor_override when it
/// is nonzero, else by the product of the dims' divisors) of input [planes, I...] over each
/// window. dims has 3 entries (leading ones of size 1 when the op has fewer spatial dims).
using PoolForwardKernel = void (*)(const Tensor& out, const Tensor& indices, const Tensor& input,
                                   const PoolDim* dims, PoolKind kind, int64_t divisor_override);
/// grad_input [planes, I...] = the adjoint of the average: each grad_output element spread over
/// its window with the same divisor (grad_input zeroed by the caller).
using AvgPoolBackwardKernel = void (*)(const Tensor& grad_input, const Tensor& grad_output,
                                       const PoolDim* dims, int64_t divisor_override);
extern KernelStub<PoolForwardKernel> pool_forward_stub;
extern KernelStub<AvgPoolBackwardKernel> avg_pool_backward_stub;

/// y = softmax (log_softmax when log) of x along its last dim: x and y contiguous, float or
/// double, of one shape, the last dim non-empty.
using SoftmaxLastdimKernel = void (*)(const Tensor& y, const Tensor& x, bool log);
extern KernelStub<SoftmaxLastdimKernel> softmax_lastdim_stub;

/// Cross entropy of x's rows with class-index targets: x [N, C] contiguous float or double
/// (C > 0), target [N] int64 contiguous with every entry in [0, C) or ignore_index, weight [C]
/// contiguous or undefined. Writes loss[i] = w[t] * (log(sum(exp(x_i - m_i))) - (x_it - m_i)),
/// lse[i] = m_i + that log-sum (every row) and wt[i] = w[t] (1 without weight), loss and wt 0
/// where target is ignore_index; loss, lse and wt [N] contiguous of x's dtype.
using CrossEntropyForwardKernel = void (*)(const Tensor& loss, const Tensor& lse, const Tensor& wt,
                                           const Tensor& x, const Tensor& target,
                                           const Tensor& weight, int64_t ignore_index);
extern KernelStub<CrossEntropyForwardKernel> cross_entropy_forward_stub;
/// gx[i] = scale[i] * (softmax(x_i) - onehot(target_i)) with softmax(x_i) = exp(x_i - lse[i]);
/// rows whose target is ignore_index get scale[i] * softmax(x_i) (the caller passes scale 0 for
/// them). gx and x [N, C], lse and scale [N], all contiguous of one float dtype.
using CrossEntropyBackwardKernel = void (*)(const Tensor& gx, const Tensor& x, const Tensor& target,
                                            const Tensor& lse, const Tensor& scale,
                                            int64_t ignore_index);
extern KernelStub<CrossEntropyBackwardKernel> cross_entropy_backward_stub;

/// Attention of queries q [B, L, E] over keys k [B, S, E] and values v [B, S, Ev] (contiguous,
/// float or double, L, S > 0), one batch element at a time and a block of query rows at a
/// time, so no [L, S] matrix is kept: out [B, L, Ev] = softmax(scale * q k^T + mask) v and
/// lse [B, L] = the log-sum-exp of each row of scores (NaN for a row with every key masked, so
/// its output and gradients are NaN, as the softmax of the formula gives). mask is undefined or
/// of shape [..., L, S] whose leading dims flatten to B in row-major order (any strides, 0 on
/// broadcast dims): bool keeps the true positions, a float mask of q's dtype is added. causal
/// keeps key j <= query i.
using AttentionForwardKernel = void (*)(const Tensor& out, const Tensor& lse, const Tensor& q,
                                        const Tensor& k, const Tensor& v, const Tensor& mask,
                                        bool causal, double scale);
extern KernelStub<AttentionForwardKernel> attention_forward_stub;
/// The attention's gradients from grad [B, L, Ev] and grad_lse [B, L] (contiguous; grad_lse
/// may be undefined) and the forward's out and lse: the scores are recomputed block by block;
/// dq, dk, dv contiguous like q, k, v.
using AttentionBackwardKernel = void (*)(const Tensor& dq, const Tensor& dk, const Tensor& dv,
                                         const Tensor& grad, const Tensor& grad_lse,
                                         const Tensor& q, const Tensor& k, const Tensor& v,
                                         const Tensor& out, const Tensor& lse, const Tensor& mask,
                                         bool causal, double scale);
extern KernelStub<AttentionBackwardKernel> attention_backward_stub;

/// An LSTM step's pointwise part (see ops/functors/lstm_simd.h): ig, hg [B, 4H], cx [B, H],
/// bi, bh [4H] or undefined, all contiguous float or double; writes hy, cy [B, H], ws [B, 4H].
using LstmCellKernel = void (*)(const Tensor& hy, const Tensor& cy, const Tensor& ws,
                                const Tensor& ig, const Tensor& hg, const Tensor& bi,
                                const Tensor& bh, const Tensor& cx);
extern KernelStub<LstmCellKernel> lstm_cell_stub;
/// Its gradients: dgates [B, 4H], dcx [B, H] from dhy, dcy [B, H] (either undefined: zero) and
/// the forward's cx and ws (cy recomputed from them, the forward's bits).
using LstmCellBackwardKernel = void (*)(const Tensor& dgates, const Tensor& dcx, const Tensor& dhy,
                                        const Tensor& dcy, const Tensor& cx, const Tensor& ws);
extern KernelStub<LstmCellBackwardKernel> lstm_cell_backward_stub;

/// y = layer norm of x's rows: x and y contiguous [rows, n], w and b [n] contiguous or undefined,
/// mean and rstd [rows] contiguous (1 / sqrt(biased variance + eps)); float or double, n > 0.
using LayerNormKernel = void (*)(const Tensor& y, const Tensor& mean, const Tensor& rstd,
                                 const Tensor& x, const Tensor& w, const Tensor& b, double eps);
/// dx = layer norm's input gradient for the rows of g and x (same layout as the forward).
using LayerNormBackwardKernel = void (*)(const Tensor& dx, const Tensor& g, const Tensor& x,
                                         const Tensor& w, const Tensor& mean, const Tensor& rstd);
/// dw = sum over rows of g * (x - mean) * rstd (layer norm's weight gradient, [n]).
using LayerNormBackwardWeightKernel = void (*)(const Tensor& dw, const Tensor& g, const Tensor& x,
                                               const Tensor& mean, const Tensor& rstd);
extern KernelStub<LayerNormKernel> layer_norm_stub;
extern KernelStub<LayerNormBackwardWeightKernel> layer_norm_backward_weight_stub;
extern KernelStub<LayerNormBackwardKernel> layer_norm_backward_stub;

/// Batch norm of x [N, C, S] (contiguous, float or double, N * S > 0) per channel: training
/// writes each channel's mean, biased variance and invstd = 1 / sqrt(var + eps) (accumulated in
/// double) into mean, var and invstd [C]; evaluation reads mean and var (the running
/// statistics, of x's dtype) and writes invstd. Then y = x * alpha + beta with alpha = invstd * w
/// and beta = b - mean * alpha (w, b [C] or undefined: 1 and 0).
using BatchNormKernel = void (*)(const Tensor& y, const Tensor& mean, const Tensor& var,
                                 const Tensor& invstd, const Tensor& x, const Tensor& w,
                                 const Tensor& b, bool training, double eps);
/// Batch norm's gradients from gy (layout of x): gw[c] = sum(gy * (x - mean)) * invstd,
/// gb[c] = sum(gy) and gx = (gy - sum(gy) / M - (x - mean) * k) * invstd * w with
/// k = sum(gy * (x - mean)) * invstd^2 / M in training, gx = gy * invstd * w in evaluation
/// (M = N * S). Undefined gx, gw or gb are not computed.
using BatchNormBackwardKernel = void (*)(const Tensor& gx, const Tensor& gw, const Tensor& gb,
                                         const Tensor& gy, const Tensor& x, const Tensor& w,
                                         const Tensor& mean, const Tensor& invstd, bool training);
extern KernelStub<BatchNormKernel> batch_norm_stub;
extern KernelStub<BatchNormBackwardKernel> batch_norm_backward_stub;

namespace cpu {
/// Registers the CPU kernels of the slots above (called by register_cpu_kernels).
void register_nn_kernels();
}  // namespace cpu

}  // namespace torsh::detail
