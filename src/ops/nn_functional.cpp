// torch.nn.functional's layers and activations: linear, softmax/log_softmax, the activations'
// out functions (their functors are in functors/activation-inl.h), dropout, layer_norm and
// embedding. Losses are in nn_loss.cpp.
#include <cmath>
#include <cstdint>

#include "ops/complex.h"
#include "ops/functors/kernels.h"
#include "ops/scalar_check.h"
#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/kernels.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias) {
  TORSH_CHECK(input.dim() >= 1 && weight.dim() <= 2,
              "linear(): expected input of at least 1 dim "
              "and a weight of at most 2 dims, got input ",
              detail::shape_str(input.sizes()), " and weight ", detail::shape_str(weight.sizes()));
  const bool has_bias = bias && bias->defined();
  // torch: addmm for a 2-d input with a bias, and for a contiguous 3-d one viewed as 2-d (the
  // bias added inside GEMM, as torch 1.13); else matmul (+ bias)
  if (input.dim() == 2 && weight.dim() == 2 && has_bias) {
    return torsh::addmm(*bias, input, weight.t());
  }
  if (input.dim() == 3 && weight.dim() == 2 && has_bias && input.is_contiguous()) {
    const int64_t b = input.size(0), s = input.size(1);
    Tensor out = torsh::addmm(*bias, input.view({b * s, input.size(2)}), weight.t());
    return out.view({b, s, out.size(1)});
  }
  Tensor out = torsh::matmul(input, weight.dim() == 2 ? weight.t() : weight);
  return has_bias ? out + *bias : out;
}

namespace {
// The input of softmax/log_softmax in its computation dtype: dtype= converts first (as torch);
// float16/bfloat16 compute in float and round once.
Tensor softmax_input(const char* op, const Tensor& self, int64_t dim,
                     std::optional<ScalarType> dtype, ScalarType* result_dtype) {
  detail::wrap_dim(dim, self.dim(), op);  // torch checks the dim first
  Tensor x = dtype ? self.to(*dtype) : self;
  *result_dtype = x.dtype();
  if (x.numel() == 0) return x;  // no kernel runs: any dtype
  TORSH_CHECK(is_floating_point(x.dtype()), op, "(): \"", op,
              "_lastdim_kernel_impl\" not implemented for '", scalar_type_name(x.dtype()), "'");
  return x.dtype() == kHalf || x.dtype() == kBFloat16 ? x.to(kFloat) : x;
}
// softmax / log_softmax along the last dim of a contiguous float/double tensor: one fused kernel
// (the general case composes amax, exp and sum).
bool softmax_lastdim(const Tensor& x, int64_t d, bool log, Tensor* out) {
  if (d != x.dim() - 1 || !x.is_contiguous() || (x.dtype() != kFloat && x.dtype() != kDouble)) {
    return false;
  }
  *out = torsh::empty(x.sizes(), x.options());
  detail::softmax_lastdim_stub(x.device().type, log ? "log_softmax" : "softmax")(*out, x, log);
  return true;
}
}  // namespace

Tensor softmax(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  ScalarType rt;
  Tensor x = softmax_input("softmax", self, dim, dtype, &rt);
  const int64_t d = detail::wrap_dim(dim, x.dim(), "softmax");
  if (x.numel() == 0) return torsh::empty_like(x, x.options().dtype(rt));
  if (x.dim() == 0) x = x.unsqueeze(0);
  Tensor r;
  if (!softmax_lastdim(x, d, false, &r)) {
    Tensor e = (x - x.amax({d}, /*keepdim=*/true)).exp();
    r = e / e.sum({d}, /*keepdim=*/true);
  }
  if (self.dim() == 0) r = r.squeeze(0);
  return r.dtype() == rt ? r : r.to(rt);
}

Tensor log_softmax(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  ScalarType rt;
  Tensor x = softmax_input("log_softmax", self, dim, dtype, &rt);
  const int64_t d = detail::wrap_dim(dim, x.dim(), "log_softmax");
  if (x.numel() == 0) return torsh::empty_like(x, x.options().dtype(rt));
  if (x.dim() == 0) x = x.unsqueeze(0);
  Tensor r;
  if (!softmax_lastdim(x, d, true, &r)) {
    Tensor shifted = x - x.amax({d}, /*keepdim=*/true);
    r = shifted - shifted.exp().sum({d}, /*keepdim=*/true).log();
  }
  if (self.dim() == 0) r = r.squeeze(0);
  return r.dtype() == rt ? r : r.to(rt);
}

void gelu_out(Tensor& out, const Tensor& self, std::string_view approximate) {
  TORSH_CHECK(approximate == "none" || approximate == "tanh",
              "gelu(): approximate argument must be either none or tanh.");
  detail::KernelArgs args;
  args.flags = approximate == "tanh" ? 1 : 0;
  detail::unary_op("gelu", out, self, false, detail::KernelId::Unary_Gelu, args);
}

void leaky_relu_out(Tensor& out, const Tensor& self, const Scalar& negative_slope) {
  detail::KernelArgs args;
  args.f0 = negative_slope.to_double();
  detail::unary_op("leaky_relu", out, self, false, detail::KernelId::Unary_LeakyRelu, args);
}

void elu_out(Tensor& out, const Tensor& self, const Scalar& alpha, const Scalar& scale,
             const Scalar& input_scale) {
  detail::KernelArgs args;
  args.f0 = alpha.to_double();
  args.f1 = scale.to_double();
  args.f2 = input_scale.to_double();
  detail::unary_op("elu", out, self, false, detail::KernelId::Unary_Elu, args);
}

void softplus_out(Tensor& out, const Tensor& self, const Scalar& beta, const Scalar& threshold) {
  detail::KernelArgs args;
  args.f0 = beta.to_double();
  args.f1 = threshold.to_double();
  detail::unary_op("softplus", out, self, false, detail::KernelId::Unary_Softplus, args);
}

void hardtanh_out(Tensor& out, const Tensor& self, const Scalar& min_val, const Scalar& max_val) {
  TORSH_CHECK(self.dtype() != kBool, "hardtanh(): \"hardtanh_cpu\" not implemented for 'Bool'");
  native::clamp_out(out, self, min_val, max_val);
}

// The piecewise-linear activations' backward ops (torch's names): grad where the activation's
// slope is 1, scaled or zero elsewhere.
void threshold_backward_out(Tensor& out, const Tensor& grad_output, const Tensor& self,
                            const Scalar& threshold) {
  // the threshold in the computation's dtype, as torch converts it (checked for integers,
  // rounded for half and bfloat16)
  const ScalarType t = promote_types(grad_output.dtype(), self.dtype());
  detail::check_scalar_fits(threshold, t);
  detail::KernelArgs args;
  args.f0 = threshold.to_double();
  if (t == kHalf) args.f0 = static_cast<double>(static_cast<float>(threshold.to<Half>()));
  if (t == kBFloat16) args.f0 = static_cast<double>(static_cast<float>(threshold.to<BFloat16>()));
  if (is_integral(t, /*include_bool=*/true)) args.i0 = threshold.to_long();
  detail::binary_op("threshold_backward", out, grad_output, self, false,
                    detail::KernelId::Binary_ThresholdBackward, args);
}

Tensor leaky_relu_backward(const Tensor& grad_output, const Tensor& self,
                           const Scalar& negative_slope, bool /*self_is_result*/) {
  return torsh::where(self > 0, grad_output, grad_output * negative_slope);
}

Tensor hardtanh_backward(const Tensor& grad_output, const Tensor& self, const Scalar& min_val,
                         const Scalar& max_val) {
  Tensor outside = (self <= min_val).logical_or(self >= max_val);
  return torsh::where(outside, torsh::zeros_like(grad_output), grad_output);
}

Tensor dropout(const Tensor& input, double p, bool train) {
  TORSH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
  if (!train || p == 0 || input.numel() == 0) return input;
  if (p == 1) return input * torsh::zeros({}, input.options());
  // torch's _dropout_impl: a Bernoulli(1 - p) mask scaled by 1 / (1 - p), from the generator
  Tensor noise = torsh::empty_like(input, input.options(), MemoryFormat::Contiguous);
  {
    NoGradGuard guard;
    noise.bernoulli_(1 - p);
    noise.div_(1 - p);
  }
  return input * noise;
}

namespace {
// torch's checks of layer_norm's shapes.
void check_layer_norm(const Tensor& input, IntArrayRef normalized_shape,
                      const std::optional<Tensor>& weight, const std::optional<Tensor>& bias) {
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  bool ok = k >= 1 && input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i)
    ok = input.size(input.dim() - k + i) == normalized_shape[static_cast<size_t>(i)];
  TORSH_CHECK(ok, "Given normalized_shape=", detail::shape_str(normalized_shape),
              ", expected input with shape [*, ", detail::shape_str(normalized_shape).substr(1),
              ", but got input of size", detail::shape_str(input.sizes()));
  for (const auto* t : {&weight, &bias}) {
    TORSH_CHECK(!*t || !(*t)->defined() || (*t)->sizes().equals(normalized_shape),
                "layer_norm(): expected weight and bias of shape ",
                detail::shape_str(normalized_shape), ", got ", detail::shape_str((*t)->sizes()));
  }
}

// The fused kernel takes float/double inputs with non-empty rows and parameters of the input's
// dtype; anything else is computed by the composite.
bool fused_layer_norm(const Tensor& input, const std::optional<Tensor>& weight,
                      const std::optional<Tensor>& bias) {
  const ScalarType t = input.dtype();
  if ((t != kFloat && t != kDouble) || input.numel() == 0 || !input.is_cpu()) return false;
  for (const auto* p : {&weight, &bias})
    if (*p && (*p)->defined() && (*p)->dtype() != t) return false;
  return true;
}
}  // namespace

std::tuple<Tensor, Tensor, Tensor> native_layer_norm(const Tensor& input,
                                                     IntArrayRef normalized_shape,
                                                     const std::optional<Tensor>& weight,
                                                     const std::optional<Tensor>& bias,
                                                     double eps) {
  check_layer_norm(input, normalized_shape, weight, bias);
  TORSH_CHECK(fused_layer_norm(input, weight, bias),
              "native_layer_norm(): expected a non-empty float or double input with parameters "
              "of its dtype");
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  SizeVec stats_shape(input.sizes());
  for (int64_t i = input.dim() - k; i < input.dim(); ++i) stats_shape[i] = 1;
  Tensor x = input.contiguous();
  Tensor y = torsh::empty(input.sizes(), input.dtype());
  Tensor mean = torsh::empty(stats_shape, input.dtype());
  Tensor rstd = torsh::empty(stats_shape, input.dtype());
  const Tensor w = weight && weight->defined() ? weight->contiguous() : Tensor();
  const Tensor b = bias && bias->defined() ? bias->contiguous() : Tensor();
  detail::layer_norm_stub(input.device().type, "native_layer_norm")(y, mean, rstd, x, w, b, eps);
  return {y, mean, rstd};
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape,
                  const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  double eps, bool /*cudnn_enable*/) {
  check_layer_norm(input, normalized_shape, weight, bias);
  detail::check_not_complex(input, "layer_norm");
  if (fused_layer_norm(input, weight, bias)) {
    return std::get<0>(torsh::native_layer_norm(input, normalized_shape, weight, bias, eps));
  }
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  std::vector<int64_t> dims;
  for (int64_t i = input.dim() - k; i < input.dim(); ++i) dims.push_back(i);
  const bool low = input.dtype() == kHalf || input.dtype() == kBFloat16;
  Tensor x = low ? input.to(kFloat) : input;
  Tensor mean = x.mean(dims, /*keepdim=*/true);
  Tensor centered = x - mean;
  Tensor var = (centered * centered).mean(dims, /*keepdim=*/true);
  Tensor y = centered * (var + eps).rsqrt();
  if (weight && weight->defined()) y = y * *weight;
  if (bias && bias->defined()) y = y + *bias;
  return low ? y.to(input.dtype()) : y;
}

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t /*padding_idx*/,
                 bool /*scale_grad_by_freq*/, bool /*sparse*/) {
  // sparse=True: torsh has no sparse tensors; the gradient has the same values, dense
  TORSH_CHECK(weight.dim() == 2, "'weight' must be 2-D");
  TORSH_CHECK(indices.dtype() == kLong || indices.dtype() == kInt,
              "Expected tensor for argument #1 'indices' to have one of the following scalar "
              "types: Long, Int; but got ",
              scalar_type_name(indices.dtype()),
              " instead (while checking arguments for "
              "embedding)");
  std::vector<int64_t> shape = indices.sizes().vec();
  shape.push_back(weight.size(1));
  return weight.index_select(0, indices.reshape({-1})).view(shape);
}

}  // namespace native
}  // namespace torsh
