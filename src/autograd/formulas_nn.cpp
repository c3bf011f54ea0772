#include "autograd/formulas_nn.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/nn_attention.h"
#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"

namespace torsh::autograd::formulas {

Tensor softmax_backward_data(const Tensor& grad, const Tensor& result, int64_t dim) {
  Tensor g = grad.to(result.dtype());
  return result * (g - (g * result).sum({dim}, /*keepdim=*/true));
}

Tensor log_softmax_backward_data(const Tensor& grad, const Tensor& result, int64_t dim) {
  Tensor g = grad.to(result.dtype());
  return g - result.exp() * g.sum({dim}, /*keepdim=*/true);
}

namespace {
// The dims of a layer norm over input with k normalized dims: the normalized (trailing) ones,
// or with leading the others.
std::vector<int64_t> norm_dims(const Tensor& input, size_t k, bool leading) {
  std::vector<int64_t> dims;
  const int64_t first = input.dim() - static_cast<int64_t>(k);
  for (int64_t i = leading ? 0 : first; i < (leading ? first : input.dim()); ++i) dims.push_back(i);
  return dims;
}

// The fused kernels run when no graph is recorded (create_graph=False) and grad has input's
// dtype; otherwise the formulas are torsh ops, so that they differentiate again.
bool fused_backward(const Tensor& grad, const Tensor& input) {
  return !GradMode::is_enabled() && grad.dtype() == input.dtype();
}

// grad as the fused kernels read it: contiguous like input, or, when grad is broadcast along
// every leading dim (x.sum().backward()), its single row [n] (no copy of the broadcast).
Tensor kernel_grad(const Tensor& grad, const Tensor& input, size_t k) {
  const int64_t lead = input.dim() - static_cast<int64_t>(k);
  bool rows_broadcast = lead > 0 && grad.dim() == input.dim();
  for (int64_t d = 0; rows_broadcast && d < lead; ++d) rows_broadcast = grad.strides()[d] == 0;
  if (!rows_broadcast) return grad.contiguous();
  Tensor row = grad;
  for (int64_t d = 0; d < lead; ++d) row = row.select(0, 0);
  return row.contiguous();
}

// xhat = (input - mean) * rstd, from the saved statistics, or (recording a graph) recomputed
// from input so that the dependence of mean and rstd on input is differentiated too; *rstd_used
// is the rstd it used.
Tensor layer_norm_xhat(const Tensor& input, const Tensor& mean, const Tensor& rstd,
                       const std::vector<int64_t>& dims, double eps, Tensor* rstd_used) {
  if (!GradMode::is_enabled()) {
    *rstd_used = rstd;
    return (input - mean) * rstd;
  }
  Tensor centered = input - input.mean(dims, true);
  *rstd_used = ((centered * centered).mean(dims, true) + eps).rsqrt();
  return centered * *rstd_used;
}
}  // namespace

Tensor layer_norm_backward_input(const Tensor& grad, const Tensor& input, const Tensor& mean,
                                 const Tensor& rstd, const Tensor& weight,
                                 const std::vector<int64_t>& normalized_shape, double eps) {
  if (!grad.defined()) return Tensor();
  if (fused_backward(grad, input)) {
    Tensor dx = torsh::empty(input.sizes(), input.dtype());
    detail::layer_norm_backward_stub(input.device().type, "native_layer_norm_backward")(
        dx, kernel_grad(grad, input, normalized_shape.size()), input.contiguous(),
        weight.defined() ? weight.contiguous() : Tensor(), mean, rstd);
    return dx;
  }
  const auto dims = norm_dims(input, normalized_shape.size(), false);
  Tensor rs;
  Tensor xhat = layer_norm_xhat(input, mean, rstd, dims, eps, &rs);
  Tensor gw = weight.defined() ? grad * weight : grad;
  return rs * (gw - gw.mean(dims, true) - xhat * (gw * xhat).mean(dims, true));
}

Tensor layer_norm_backward_weight(const Tensor& grad, const Tensor& input, const Tensor& mean,
                                  const Tensor& rstd, const std::vector<int64_t>& normalized_shape,
                                  double eps) {
  if (!grad.defined()) return Tensor();
  if (fused_backward(grad, input)) {
    Tensor dw = torsh::empty(normalized_shape, input.dtype());
    detail::layer_norm_backward_weight_stub(input.device().type, "native_layer_norm_backward")(
        dw, kernel_grad(grad, input, normalized_shape.size()), input.contiguous(), mean, rstd);
    return dw;
  }
  const size_t k = normalized_shape.size();
  const auto lead = norm_dims(input, k, true);
  Tensor rs;
  Tensor gx = grad * layer_norm_xhat(input, mean, rstd, norm_dims(input, k, false), eps, &rs);
  return lead.empty() ? gx : gx.sum(lead);
}

Tensor layer_norm_backward_bias(const Tensor& grad, const std::vector<int64_t>& normalized_shape) {
  if (!grad.defined()) return Tensor();
  const auto lead = norm_dims(grad, normalized_shape.size(), true);
  return lead.empty() ? grad : grad.sum(lead);
}

Tensor cross_entropy_rows_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                   const Tensor& weight, const Tensor& lse, int64_t reduction,
                                   int64_t ignore_index) {
  if (!grad.defined()) return Tensor();
  const bool one = self.dim() == 1;
  Tensor x = one ? self.unsqueeze(0) : self;
  Tensor t = target.reshape({-1});
  Tensor valid = t != ignore_index;
  Tensor safe = torsh::where(valid, t, torsh::zeros_like(t));
  Tensor wt = weight.defined() ? weight.index_select(0, safe) : torsh::ones(t.sizes(), x.options());
  wt = torsh::where(valid, wt, torsh::zeros_like(wt));
  Tensor scale = wt * grad.to(x.dtype()).reshape({-1});  // [N], or [1] broadcast when reduced
  // mean: divided by the total weight (0 / 0 is NaN when every target has weight 0, as torch);
  // ignored rows get exactly 0
  if (reduction == 1) scale = scale / wt.sum();
  scale = torsh::where(valid, scale, torsh::zeros_like(scale));
  if (!GradMode::is_enabled() && grad.dtype() == self.dtype()) {
    Tensor xc = x.contiguous();
    Tensor gx = torsh::empty(xc.sizes(), xc.options());
    Tensor k = scale.expand({xc.size(0)}).contiguous();
    if (xc.size(0) > 0) {
      detail::cross_entropy_backward_stub(xc.device().type, "cross_entropy_backward")(
          gx, xc, t.contiguous(), lse.contiguous(), k, ignore_index);
    }
    return one ? gx.squeeze(0) : gx;
  }
  Tensor onehot = torsh::zeros(x.sizes(), x.options()).scatter(1, safe.unsqueeze(1), 1.0);
  Tensor gx = (torsh::softmax(x, 1) - onehot) * scale.unsqueeze(1);
  return one ? gx.squeeze(0) : gx;
}

std::vector<Tensor> scaled_dot_product_attention_backward(
    const Tensor& grad_out, const Tensor& grad_lse, const Tensor& query, const Tensor& key,
    const Tensor& value, const Tensor& output, const Tensor& logsumexp, const Tensor& attn_mask,
    bool is_causal, std::optional<double> scale, const std::array<bool, 3>& output_mask) {
  if (!grad_out.defined() && !grad_lse.defined()) return {Tensor(), Tensor(), Tensor()};
  const Tensor grad =
      grad_out.defined() ? grad_out.to(query.dtype()) : torsh::zeros_like(output, query.dtype());
  const double sc = detail::attention_scale(query, scale);
  Tensor mask = detail::attention_kernel_mask(attn_mask, query, key);
  if (GradMode::is_enabled()) {
    // softmax(scale q k^T + mask) v differentiated with torsh ops, from the inputs alone
    Tensor s = torsh::matmul(query, key.transpose(-2, -1)) * sc;
    Tensor neg_inf = torsh::full({}, -std::numeric_limits<double>::infinity(), s.options());
    if (is_causal) {
      s = torsh::where(torsh::ones({s.size(-2), s.size(-1)}, s.options().dtype(kBool)).tril(), s,
                       neg_inf);
    }
    if (mask.defined()) s = mask.dtype() == kBool ? torsh::where(mask, s, neg_inf) : s + mask;
    Tensor p = torsh::softmax(s, -1);
    const Tensor& g = grad;
    Tensor dp = torsh::matmul(g, value.transpose(-2, -1));
    Tensor rows = (dp * p).sum({-1}, /*keepdim=*/true);
    // d logsumexp / d scores = p: the gradient of logsumexp adds to every score's
    if (grad_lse.defined()) rows = rows - grad_lse.to(query.dtype()).unsqueeze(-1);
    Tensor ds = p * (dp - rows) * sc;
    return {output_mask[0] ? torsh::matmul(ds, key) : Tensor(),
            output_mask[1] ? torsh::matmul(ds.transpose(-2, -1), query) : Tensor(),
            output_mask[2] ? torsh::matmul(p.transpose(-2, -1), g) : Tensor()};
  }
  const int64_t l = query.size(-2), s = key.size(-2), e = query.size(-1), ev = value.size(-1);
  if (l == 0 || s == 0 || query.numel() + value.numel() == 0) {
    return {torsh::zeros(query.sizes(), query.options()), torsh::zeros(key.sizes(), key.options()),
            torsh::zeros(value.sizes(), value.options())};
  }
  Tensor dq = torsh::empty(query.sizes(), query.options());
  Tensor dk = torsh::empty(key.sizes(), key.options());
  Tensor dv = torsh::empty(value.sizes(), value.options());
  int64_t batch = 1;
  for (int64_t d = 0; d + 2 < query.dim(); ++d) batch *= query.size(d);
  detail::attention_backward_stub(query.device().type, "scaled_dot_product_attention_backward")(
      dq, dk, dv, grad.reshape({batch, l, ev}).contiguous(),
      grad_lse.defined() ? grad_lse.to(query.dtype()).reshape({batch, l}).contiguous() : Tensor(),
      query.reshape({batch, l, e}).contiguous(), key.reshape({batch, s, e}).contiguous(),
      value.reshape({batch, s, ev}).contiguous(), output.contiguous(), logsumexp.contiguous(), mask,
      is_causal, sc);
  return {dq, dk, dv};
}

std::vector<Tensor> batch_norm_fused_backward(const Tensor& grad, const Tensor& input,
                                              const Tensor& weight, const Tensor& running_mean,
                                              const Tensor& running_var, const Tensor& save_mean,
                                              const Tensor& save_invstd, bool training, double eps,
                                              const std::array<bool, 3>& output_mask) {
  if (!grad.defined()) return std::vector<Tensor>(3);
  const ScalarType ct = input.dtype() == kDouble ? kDouble : kFloat;
  const int64_t c = input.size(1);
  const Tensor w = weight.defined() ? weight.to(ct) : Tensor();
  // the saved statistics as returned (16-bit for a 16-bit input with 16-bit parameters, as torch)
  Tensor mean = training ? save_mean.to(ct) : running_mean.to(ct);
  Tensor invstd = training ? save_invstd.to(ct) : (running_var.to(ct) + eps).rsqrt();
  Tensor gx, gw, gb;
  if (GradMode::is_enabled()) {
    std::vector<int64_t> dims{0}, shape(static_cast<size_t>(input.dim()), 1);
    for (int64_t d = 2; d < input.dim(); ++d) dims.push_back(d);
    shape[1] = c;
    const Tensor x = input.to(ct), g = grad.to(ct);
    Tensor xmu, is;
    if (training) {
      xmu = x - x.mean(dims, /*keepdim=*/true);
      is = ((xmu * xmu).mean(dims, /*keepdim=*/true) + eps).rsqrt();
    } else {
      xmu = x - mean.view(shape);
      is = invstd.view(shape);
    }
    const Tensor xhat = xmu * is;
    const Tensor scale = w.defined() ? is * w.view(shape) : is;
    if (output_mask[0]) {
      gx = training ? (g - g.mean(dims, true) - xhat * (g * xhat).mean(dims, true)) * scale
                    : g * scale;
    }
    if (output_mask[1]) gw = (g * xhat).sum(dims);
    if (output_mask[2]) gb = g.sum(dims);
  } else {
    const Tensor x = input.to(ct).contiguous();
    const TensorOptions o = x.options();
    if (output_mask[0]) gx = torsh::empty(x.sizes(), o);
    if (output_mask[1]) gw = torsh::empty({c}, o);
    if (output_mask[2]) gb = torsh::empty({c}, o);
    if (x.numel() == 0) {
      if (gw.defined()) gw.zero_();
      if (gb.defined()) gb.zero_();
    } else if (gx.defined() || gw.defined() || gb.defined()) {
      detail::batch_norm_backward_stub(input.device().type, "native_batch_norm_backward")(
          gx, gw, gb, grad.to(ct).contiguous(), x, w.defined() ? w.contiguous() : Tensor(),
          mean.contiguous(), invstd.contiguous(), training);
    }
  }
  if (gx.defined() && gx.dtype() != input.dtype()) gx = gx.to(input.dtype());
  if (gx.defined()) {  // in the input's layout (channels_last stays channels_last), as torch
    const MemoryFormat layout = detail::suggest_memory_format(input.sizes(), input.strides());
    if (layout != MemoryFormat::Contiguous) gx = gx.contiguous(layout);
  }
  // (the engine gives bias's gradient its dtype)
  if (gw.defined() && weight.defined() && gw.dtype() != weight.dtype()) {
    gw = gw.to(weight.dtype());
  }
  return {gx, gw, gb};
}

std::vector<Tensor> lstm_cell_fused_backward(const Tensor& grad_hy, const Tensor& grad_cy,
                                             const Tensor& input_gates, const Tensor& hidden_gates,
                                             const Tensor& cx, const Tensor& input_bias,
                                             const Tensor& hidden_bias, const Tensor& workspace,
                                             const std::array<bool, 5>& output_mask) {
  if (!grad_hy.defined() && !grad_cy.defined()) return std::vector<Tensor>(5);
  Tensor dgates, dcx;
  if (GradMode::is_enabled()) {
    // the step again, with torsh ops: i, f, o = sigmoid, g = tanh of the gate sums
    Tensor gates = input_gates + hidden_gates;
    if (input_bias.defined()) gates = gates + input_bias;
    if (hidden_bias.defined()) gates = gates + hidden_bias;
    auto parts = gates.chunk(4, 1);
    Tensor i = torsh::sigmoid(parts[0]), f = torsh::sigmoid(parts[1]);
    Tensor g = torsh::tanh(parts[2]), o = torsh::sigmoid(parts[3]);
    Tensor tc = torsh::tanh(f * cx + i * g);
    Tensor gh = grad_hy.defined() ? grad_hy : torsh::zeros_like(cx);
    Tensor gc = grad_cy.defined() ? grad_cy : torsh::zeros_like(cx);
    gc = gc + gh * o * (1 - tc * tc);
    dgates = torsh::cat({gc * g * (i * (1 - i)), gc * cx * (f * (1 - f)), gc * i * (1 - g * g),
                         gh * tc * (o * (1 - o))},
                        1);
    dcx = gc * f;
  } else {
    dgates = torsh::empty(workspace.sizes(), workspace.options());
    dcx = torsh::empty(cx.sizes(), cx.options());
    if (cx.numel() > 0) {
      auto contiguous = [](const Tensor& t) { return t.defined() ? t.contiguous() : t; };
      detail::lstm_cell_backward_stub(cx.device().type, "_thnn_fused_lstm_cell_backward")(
          dgates, dcx, contiguous(grad_hy), contiguous(grad_cy), cx.contiguous(),
          workspace.contiguous());
    }
  }
  Tensor dbias = output_mask[3] || output_mask[4] ? dgates.sum({0}) : Tensor();
  return {dgates, dgates, dcx, output_mask[3] ? dbias : Tensor(),
          output_mask[4] ? dbias : Tensor()};
}

Tensor gelu_backward(const Tensor& grad, const Tensor& self, const std::string& approximate) {
  constexpr double kSqrt2 = 1.41421356237309504880;
  constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1 / sqrt(2 pi)
  if (approximate == "tanh") {
    constexpr double kBeta = 0.79788456080286535588;  // sqrt(2 / pi)
    constexpr double kKappa = 0.044715;
    Tensor x2 = self * self;
    Tensor inner = (self + self * x2 * kKappa) * kBeta;
    Tensor t = inner.tanh();
    Tensor left = (t + 1) * 0.5;
    Tensor right = self * 0.5 * (1 - t * t) * ((x2 * (3 * kKappa) + 1) * kBeta);
    return grad * (left + right);
  }
  Tensor cdf = ((self / kSqrt2).erf() + 1) * 0.5;
  Tensor pdf = (self * self * -0.5).exp() * kInvSqrt2Pi;
  return grad * (cdf + self * pdf);
}

Tensor silu_backward(const Tensor& grad, const Tensor& self) {
  Tensor s = self.sigmoid();
  return grad * s * (1 + self * (1 - s));
}

Tensor elu_backward(const Tensor& grad, const Tensor& self, const Scalar& alpha,
                    const Scalar& scale, const Scalar& input_scale) {
  const double a = alpha.to_double(), s = scale.to_double(), is = input_scale.to_double();
  Tensor neg = grad * ((self * is).exp() * (is * a * s));
  return torsh::where(self > 0, grad * s, neg);
}

Tensor softplus_backward(const Tensor& grad, const Tensor& self, const Scalar& beta,
                         const Scalar& threshold) {
  Tensor bx = self * beta;
  return torsh::where(bx > threshold, grad, grad * bx.sigmoid());
}

Tensor binary_cross_entropy_backward(const Tensor& grad, const Tensor& self, const Tensor& target,
                                     const Tensor& weight, int64_t reduction) {
  Tensor g = reduction == 1 ? grad / static_cast<double>(std::max<int64_t>(self.numel(), 1)) : grad;
  // torch's EPSILON, applied as a float
  Tensor r = g * (self - target) / (self * (1 - self)).clamp_min(static_cast<double>(1e-12f));
  return weight.defined() ? r * weight : r;
}

Tensor binary_cross_entropy_target_backward(const Tensor& grad, const Tensor& self,
                                            const Tensor& weight, int64_t reduction) {
  Tensor g = reduction == 1 ? grad / static_cast<double>(std::max<int64_t>(self.numel(), 1)) : grad;
  Tensor r = g * ((1 - self).log().clamp_min(-100) - self.log().clamp_min(-100));
  return weight.defined() ? r * weight : r;
}

Tensor embedding_backward(const Tensor& grad, const Tensor& indices,
                          const std::vector<int64_t>& weight_sizes, int64_t padding_idx,
                          bool scale_grad_by_freq) {
  const int64_t num = weight_sizes[0];
  const int64_t dim = grad.size(-1);
  Tensor idx = indices.reshape({-1});
  Tensor rows = grad.reshape({-1, dim});
  if (padding_idx >= 0) {
    Tensor keep = (idx != padding_idx).unsqueeze(1);
    rows = torsh::where(keep, rows, torsh::zeros_like(rows));
  }
  if (scale_grad_by_freq) {
    Tensor counts = torsh::zeros({num}, TensorOptions(kLong))
                        .index_add(0, idx, torsh::ones({idx.numel()}, TensorOptions(kLong)));
    rows = rows / counts.index_select(0, idx).unsqueeze(1).to(rows.dtype());
  }
  return torsh::zeros({num, dim}, grad.options()).index_add(0, idx, rows);
}

Tensor conv_bias_backward(const Tensor& grad) {
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < grad.dim(); ++d) {
    if (d != 1) dims.push_back(d);
  }
  return grad.sum(dims);
}

Tensor conv_forward_like(const Tensor& x, const Tensor& w, const std::vector<int64_t>& out_sizes,
                         const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                         const std::vector<int64_t>& dilation, bool transposed, int64_t groups) {
  const int64_t nd = w.dim() - 2;
  auto at = [](const std::vector<int64_t>& v, int64_t i) {
    return v.size() == 1 ? v[0] : v[static_cast<size_t>(i)];
  };
  std::vector<int64_t> output_padding(static_cast<size_t>(nd), 0);
  if (transposed) {
    for (int64_t i = 0; i < nd; ++i) {
      const int64_t natural = (x.size(2 + i) - 1) * at(stride, i) - 2 * at(padding, i) +
                              at(dilation, i) * (w.size(2 + i) - 1) + 1;
      output_padding[static_cast<size_t>(i)] = out_sizes[static_cast<size_t>(2 + i)] - natural;
    }
  }
  return torsh::convolution(x, w, std::nullopt, stride, padding, dilation, transposed,
                            output_padding, groups);
}

Tensor pool_indices_backward(const Tensor& grad, const Tensor& indices,
                             const std::vector<int64_t>& self_sizes, int64_t nd) {
  int64_t planes = 1, plane = 1;
  const int64_t lead = static_cast<int64_t>(self_sizes.size()) - nd;
  for (int64_t i = 0; i < static_cast<int64_t>(self_sizes.size()); ++i) {
    (i < lead ? planes : plane) *= self_sizes[static_cast<size_t>(i)];
  }
  const int64_t outs = planes == 0 ? 0 : grad.numel() / planes;
  Tensor g = grad.reshape({planes, outs});
  return torsh::zeros({planes, plane}, grad.options())
      .scatter_add(1, indices.reshape({planes, outs}), g)
      .view(self_sizes);
}

Tensor adaptive_avg_pool_double_backward(const Tensor& grad,
                                         const std::vector<int64_t>& grad_output_sizes,
                                         int64_t nd) {
  std::vector<int64_t> os(grad_output_sizes.end() - nd, grad_output_sizes.end());
  return nd == 2 ? torsh::_adaptive_avg_pool2d(grad, os) : torsh::_adaptive_avg_pool3d(grad, os);
}

Tensor constant_pad_backward(const Tensor& grad, const std::vector<int64_t>& pad) {
  std::vector<int64_t> neg(pad.size());
  for (size_t i = 0; i < pad.size(); ++i) neg[i] = -pad[i];
  return torsh::constant_pad_nd(grad, neg, 0);
}

Tensor im2col_backward(const Tensor& grad, const std::vector<int64_t>& self_sizes,
                       const std::vector<int64_t>& kernel_size,
                       const std::vector<int64_t>& dilation, const std::vector<int64_t>& padding,
                       const std::vector<int64_t>& stride) {
  const size_t n = self_sizes.size();
  return torsh::col2im(grad, {self_sizes[n - 2], self_sizes[n - 1]}, kernel_size, dilation, padding,
                       stride);
}

}  // namespace torsh::autograd::formulas
