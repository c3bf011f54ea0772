#pragma once
// Backward formulas of the nn functional ops (activations, softmax, embedding), written with torsh
// ops so that second derivatives come from them.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "torsh/core/scalar.h"
#include "torsh/core/tensor.h"

namespace torsh::autograd::formulas {

/// softmax: result * (grad - sum(grad * result, dim)).
Tensor softmax_backward_data(const Tensor& grad, const Tensor& result, int64_t dim);
/// log_softmax: grad - exp(result) * sum(grad, dim).
Tensor log_softmax_backward_data(const Tensor& grad, const Tensor& result, int64_t dim);
/// gelu: grad * d/dx of x * Phi(x) ('none') or of the tanh approximation ('tanh').
Tensor gelu_backward(const Tensor& grad, const Tensor& self, const std::string& approximate);
/// silu: grad * s * (1 + x * (1 - s)), s = sigmoid(x).
Tensor silu_backward(const Tensor& grad, const Tensor& self);
/// elu: grad * scale for x > 0, else grad * input_scale * alpha * scale * exp(x * input_scale).
Tensor elu_backward(const Tensor& grad, const Tensor& self, const Scalar& alpha,
                    const Scalar& scale, const Scalar& input_scale);
/// softplus: grad * sigmoid(beta * x), grad where beta * x > threshold.
Tensor softplus_backward(const Tensor& grad, const Tensor& self, const Scalar& beta,
                         const Scalar& threshold);
/// binary_cross_entropy: grad * (x - y) / max(x * (1 - x), 1e-12) * weight (torch's formula,
/// finite where x is 0 or 1), divided by the element count for reduction 1 (mean).
Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                     const Tensor& weight, int64_t reduction);
/// binary_cross_entropy's target: grad * (log(1 - x) - log(x)) * weight, each log clamped at
/// -100 as the forward.
Tensor binary_cross_entropy_target_backward(const Tensor& grad, const Tensor& self,
                                            const Tensor& weight, int64_t reduction);
/// embedding: grad rows added into a [num_weights, dim] gradient at their indices; the
/// padding_idx row gets none; scale_grad_by_freq divides each row by its index's count.
Tensor embedding_backward(const Tensor& grad, const Tensor& indices,
                          const std::vector<int64_t>& weight_sizes, int64_t padding_idx,
                          bool scale_grad_by_freq);

/// layer norm's input gradient: rstd * (gw - mean(gw) - xhat * mean(gw * xhat)) over the
/// normalized dims, gw = grad * weight, xhat = (input - mean) * rstd. The fused kernel over the
/// saved statistics when no graph is recorded (create_graph=False); otherwise torsh ops over
/// statistics recomputed from input, so that it differentiates again. Undefined without grad
/// (only mean or rstd, which nothing differentiates, received one).
Tensor layer_norm_backward_input(const Tensor& grad, const Tensor& input, const Tensor& mean,
                                 const Tensor& rstd, const Tensor& weight,
                                 const std::vector<int64_t>& normalized_shape, double eps);
/// layer norm's weight gradient: grad * xhat summed over the leading dims.
Tensor layer_norm_backward_weight(const Tensor& grad, const Tensor& input, const Tensor& mean,
                                  const Tensor& rstd, const std::vector<int64_t>& normalized_shape,
                                  double eps);
/// layer norm's bias gradient: grad summed over the leading dims.
Tensor layer_norm_backward_bias(const Tensor& grad, const std::vector<int64_t>& normalized_shape);

/// The fused attention's gradients {dquery, dkey, dvalue} (those output_mask asks for) from
/// the gradients of its output and of its logsumexp (either undefined: zero): the block kernel
/// from the saved log-sum-exp when no graph is recorded; otherwise torsh ops that recompute the
/// softmax, so they differentiate again.
std::vector<Tensor> scaled_dot_product_attention_backward(
    const Tensor& grad, const Tensor& grad_lse, const Tensor& query, const Tensor& key,
    const Tensor& value, const Tensor& output, const Tensor& logsumexp, const Tensor& attn_mask,
    bool is_causal, std::optional<double> scale, const std::array<bool, 3>& output_mask);

/// native_batch_norm's gradients {d input, d weight, d bias} from the output's: the kernel from
/// the saved statistics (training) or the running ones (evaluation) when no graph is recorded;
/// otherwise torsh ops recomputing the statistics from the input, so they differentiate again.
std::vector<Tensor> batch_norm_fused_backward(const Tensor& grad, const Tensor& input,
                                              const Tensor& weight, const Tensor& running_mean,
                                              const Tensor& running_var, const Tensor& save_mean,
                                              const Tensor& save_invstd, bool training, double eps,
                                              const std::array<bool, 3>& output_mask);

/// The fused LSTM step's gradients {d input_gates, d hidden_gates (the same), d cx, d input_bias,
/// d hidden_bias (row sums)} from the gradients of hy and cy (either undefined: zero): the kernel
/// from the saved activations (nothing the caller gets back is saved) when no graph is recorded;
/// otherwise torsh ops recomputing the step from its inputs, so they differentiate again.
std::vector<Tensor> lstm_cell_fused_backward(const Tensor& grad_hy, const Tensor& grad_cy,
                                             const Tensor& input_gates, const Tensor& hidden_gates,
                                             const Tensor& cx, const Tensor& input_bias,
                                             const Tensor& hidden_bias, const Tensor& workspace,
                                             const std::array<bool, 5>& output_mask);

/// _cross_entropy_rows' input gradient: (softmax(self) - onehot(target)) * w[target] * grad
/// per row (divided by the total weight for the mean, zero for ignored rows). The fused kernel
/// from the saved log-sum-exp when no graph is recorded; otherwise torsh ops.
Tensor cross_entropy_rows_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                   const Tensor& weight, const Tensor& lse, int64_t reduction,
                                   int64_t ignore_index);

/// convolution's bias: grad summed over every dim but the channels (dim 1).
Tensor conv_bias_backward(const Tensor& grad);
/// The forward convolution (transposed or not) of x with w whose output has out_sizes: a
/// transposed one gets the output_padding that gives those sizes. The derivative of the two
/// convolution backward ops in their grad_output.
Tensor conv_forward_like(const Tensor& x, const Tensor& w, const std::vector<int64_t>& out_sizes,
                         const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                         const std::vector<int64_t>& dilation, bool transposed, int64_t groups);

/// max pooling (indices into each plane's flattened nd spatial dims): grad scattered (added) to
/// the selected input elements.
Tensor pool_indices_backward(const Tensor& grad, const Tensor& indices,
                             const std::vector<int64_t>& self_sizes, int64_t nd);
/// The adaptive average's backward op, differentiated in grad_output: the forward pooling to
/// grad_output's spatial sizes.
Tensor adaptive_avg_pool_double_backward(const Tensor& grad,
                                         const std::vector<int64_t>& grad_output_sizes, int64_t nd);

/// constant_pad_nd: grad padded by the negated pads (crops what was padded, zero-pads what was
/// cropped).
Tensor constant_pad_backward(const Tensor& grad, const std::vector<int64_t>& pad);

/// im2col: the gradient's column matrix folded back (col2im) to the input's spatial size.
Tensor im2col_backward(const Tensor& grad, const std::vector<int64_t>& self_sizes,
                       const std::vector<int64_t>& kernel_size,
                       const std::vector<int64_t>& dilation, const std::vector<int64_t>& padding,
                       const std::vector<int64_t>& stride);

}  // namespace torsh::autograd::formulas
