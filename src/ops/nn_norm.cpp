// Normalisation over channels: batch_norm (batch statistics in training, with torch's running
// statistics update; the running statistics in evaluation), group_norm and instance_norm (a
// batch_norm over [1, N * C, ...], as torch computes it). Training on a contiguous float or
// double input runs native_batch_norm: the fused kernel (cpu/batch_norm_kernels.cpp) with an
// explicit backward (autograd/formulas_nn.cpp). Other cases are composite: gradients and second
// derivatives come from the recorded ops. layer_norm is in nn_functional.cpp.
#include <limits>
#include <string_view>

#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {
namespace {

bool given(const std::optional<Tensor>& t) { return t && t->defined(); }

// A per-channel vector viewed to broadcast over dim 1 of an ndim tensor.
Tensor channel_view(const Tensor& v, int64_t ndim) {
  std::vector<int64_t> shape(static_cast<size_t>(ndim), 1);
  shape[1] = -1;
  return v.view(shape);
}

void check_channels(const char* what, const std::optional<Tensor>& t, int64_t c) {
  TORSH_CHECK(!given(t) || t->numel() == c, what, " should contain ", c, " elements not ",
              given(t) ? t->numel() : 0);
}

}  // namespace

namespace {
void check_batch_norm(const char* op, const Tensor& input, const std::optional<Tensor>& weight,
                      const std::optional<Tensor>& bias, const std::optional<Tensor>& running_mean,
                      const std::optional<Tensor>& running_var) {
  const bool native = std::string_view(op) == "native_batch_norm";
  auto check_stats_grad = [&] {
    for (const auto* stat : {&running_mean, &running_var}) {
      TORSH_CHECK(
          // native_batch_norm runs under OpGuard (grad mode off); torch's check is unconditional
          !(native || GradMode::is_enabled()) || !given(*stat) || !(*stat)->requires_grad(),
          "The function 'native_batch_norm' is not differentiable with respect to argument '",
          stat == &running_mean ? "running_mean" : "running_var",
          "'. This input cannot have requires_grad True.");
    }
  };
  if (native) check_stats_grad();  // torch's autograd layer checks before the kernel
  if (!native && input.dim() < 2) {
    // torch's batch_norm compares the statistics and parameters with a channel count of 0
    // before it reads input.size(1)
    check_channels("running_mean", running_mean, 0);
    check_channels("running_var", running_var, 0);
    check_channels("weight", weight, 0);
    check_channels("bias", bias, 0);
  }
  TORSH_CHECK_INDEX(input.dim() != 0, op,
                    ": Dimension specified as 1 but tensor has no dimensions (input of size [])");
  TORSH_CHECK_INDEX(input.dim() >= 2, op, ": Dimension out of range (expected to be in range of [",
                    -input.dim(), ", ", input.dim() - 1, "], but got 1) for input of size ",
                    detail::shape_str(input.sizes()));
  if (!native) check_stats_grad();
  const int64_t c = input.size(1);
  check_channels("running_mean", running_mean, c);
  check_channels("running_var", running_var, c);
  check_channels("weight", weight, c);
  check_channels("bias", bias, c);
  TORSH_CHECK(is_floating_point(input.dtype()) && input.dtype() != kHalf, op, ": \"batch_norm\" ",
              "not implemented for '", scalar_type_name(input.dtype()), "'");
  // torch's CPU rule: parameters of the input's dtype, or float parameters for a bfloat16 input
  bool mixed = false, float_param = false;
  for (const auto* t : {&weight, &bias, &running_mean, &running_var}) {
    if (!given(*t)) continue;
    mixed = mixed || (*t)->dtype() != input.dtype();
    float_param = float_param || (*t)->dtype() == kFloat;
  }
  if (mixed) {
    TORSH_CHECK(!float_param || input.dtype() == kBFloat16,
                "mixed dtype (CPU): expect input to have scalar type of BFloat16");
    for (const auto* t : {&weight, &bias, &running_mean, &running_var}) {
      TORSH_CHECK(!given(*t) || (*t)->dtype() == kFloat,
                  "mixed dtype (CPU): expect parameter to have scalar type of Float");
    }
  }
}

Tensor as_dtype(const std::optional<Tensor>& t, ScalarType dt) {
  return given(t) ? t->to(dt).contiguous() : Tensor();
}
}  // namespace

std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input,
                                                     const std::optional<Tensor>& weight,
                                                     const std::optional<Tensor>& bias,
                                                     const std::optional<Tensor>& running_mean,
                                                     const std::optional<Tensor>& running_var,
                                                     bool training, double momentum, double eps) {
  check_batch_norm("native_batch_norm", input, weight, bias, running_mean, running_var);
  TORSH_CHECK(training || (given(running_mean) && given(running_var)),
              "running_mean must be defined in evaluation mode");
  const int64_t c = input.size(1);
  // 16-bit floats are normalised in float (the statistics stay float, as torch's)
  const ScalarType ct = input.dtype() == kDouble ? kDouble : kFloat;
  const Tensor x = input.to(ct).contiguous();
  const TensorOptions o = x.options();
  Tensor y = torsh::empty(x.sizes(), o);
  Tensor invstd = torsh::empty({c}, o);
  Tensor mean, var;
  if (training) {
    mean = torsh::empty({c}, o);
    var = torsh::empty({c}, o);
  } else {
    mean = running_mean->to(ct).contiguous();
    var = running_var->to(ct).contiguous();
  }
  if (x.numel() == 0) {
    mean.fill_(std::numeric_limits<double>::quiet_NaN());
    invstd.fill_(std::numeric_limits<double>::quiet_NaN());
  } else {
    detail::batch_norm_stub(input.device().type, "native_batch_norm")(
        y, mean, var, invstd, x, as_dtype(weight, ct), as_dtype(bias, ct), training, eps);
  }
  if (training && x.numel() > 0) {
    // torch updates the running statistics inside its kernel: no version bump, no history
    detail::OpGuard guard;
    const int64_t n = x.numel() / std::max<int64_t>(c, 1);
    if (given(running_mean)) {
      Tensor rm = *running_mean;
      rm.mul_(1 - momentum).add_(mean.to(rm.dtype()), momentum);
    }
    if (given(running_var)) {
      Tensor rv = *running_var;
      Tensor unbiased = var * (static_cast<double>(n) / static_cast<double>(n - 1));
      rv.mul_(1 - momentum).add_(unbiased.to(rv.dtype()), momentum);
    }
  }
  if (input.dtype() != ct) y = y.to(input.dtype());
  // the output in the input's suggested layout (channels_last stays channels_last), as torch
  const MemoryFormat layout = detail::suggest_memory_format(input.sizes(), input.strides());
  if (layout != MemoryFormat::Contiguous) y = y.contiguous(layout);
  // torch returns the statistics in the input's dtype, or in float with float parameters
  bool float_params = false;
  for (const auto* t : {&weight, &bias, &running_mean, &running_var}) {
    float_params = float_params || (given(*t) && (*t)->dtype() == kFloat);
  }
  const ScalarType st = float_params ? kFloat : input.dtype();
  const TensorOptions so = o.dtype(st);
  if (!training) return {y, torsh::empty({0}, so), torsh::empty({0}, so)};
  return {y, mean.to(st), invstd.to(st)};
}

Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, const std::optional<Tensor>& running_mean,
                  const std::optional<Tensor>& running_var, bool training, double momentum,
                  double eps, bool /*cudnn_enabled*/) {
  check_batch_norm("batch_norm", input, weight, bias, running_mean, running_var);
  const int64_t c = input.size(1);
  if (training && (input.dtype() == kFloat || input.dtype() == kDouble) && input.numel() > 0 &&
      input.is_contiguous()) {
    // the fused kernel with its explicit backward (other layouts keep theirs through the ops)
    return std::get<0>(torsh::native_batch_norm(input, weight, bias, running_mean, running_var,
                                                training, momentum, eps));
  }
  if (input.numel() == 0) {
    // torch 1.13: an empty batch passes through (scaled by weight[0] and shifted by bias[0],
    // which changes no value) and leaves the running statistics alone
    Tensor out = input.clone();
    if (given(weight) && weight->numel() > 0) out = out * (*weight)[0];
    if (given(bias) && bias->numel() > 0) out = out + (*bias)[0];
    return out;
  }
  const bool low = input.dtype() == kHalf || input.dtype() == kBFloat16;
  const ScalarType ct = low ? kFloat : input.dtype();
  Tensor x = low ? input.to(kFloat) : input;
  Tensor mean, invstd;
  if (training) {
    std::vector<int64_t> dims{0};
    for (int64_t d = 2; d < input.dim(); ++d) dims.push_back(d);
    auto [var, m] = torsh::var_mean(x, dims, std::optional<int64_t>(0), false);
    mean = m;
    invstd = (var + eps).rsqrt();
    const int64_t n = input.numel() / std::max<int64_t>(c, 1);
    // torch updates the running statistics inside its kernel: no version bump, no history
    detail::OpGuard guard;
    if (given(running_mean)) {
      Tensor rm = *running_mean;
      rm.mul_(1 - momentum).add_(mean.detach().to(rm.dtype()), momentum);
    }
    if (given(running_var)) {
      Tensor rv = *running_var;
      Tensor unbiased = var.detach() * (static_cast<double>(n) / static_cast<double>(n - 1));
      rv.mul_(1 - momentum).add_(unbiased.to(rv.dtype()), momentum);
    }
  } else {
    TORSH_CHECK(given(running_mean) && given(running_var),
                "running_mean must be defined in evaluation mode");
    // copies: a later training forward updates the running statistics in place (without a
    // version bump, as torch), and this graph keeps the values it computed with
    mean = running_mean->to(ct, false, /*copy=*/true);
    invstd = (running_var->to(ct) + eps).rsqrt();
  }
  // torch's transform: x * alpha + beta with per-channel alpha = invstd * weight and
  // beta = bias - mean * alpha
  Tensor alpha = given(weight) ? invstd * weight->to(ct) : invstd;
  Tensor beta = given(bias) ? bias->to(ct) - mean * alpha : -(mean * alpha);
  Tensor y = x * channel_view(alpha, input.dim()) + channel_view(beta, input.dim());
  return low ? y.to(input.dtype()) : y;
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps, bool /*cudnn_enabled*/) {
  // torch reads input.size(1) first: an IndexError for 0-d and 1-d inputs
  TORSH_CHECK_INDEX(input.dim() >= 2,
                    "group_norm: Dimension out of range (expected to be in range of [",
                    -std::max<int64_t>(input.dim(), 1), ", ", std::max<int64_t>(input.dim(), 1) - 1,
                    "], but got 1) for input of size ", detail::shape_str(input.sizes()));
  TORSH_CHECK(input.dim() >= 2, "group_norm: expected an input of at least 2 dims (N, C, ...), ",
              "but got input of size ", detail::shape_str(input.sizes()));
  const int64_t n = input.size(0), c = input.size(1);
  TORSH_CHECK(num_groups > 0 && c % num_groups == 0,
              "Expected number of channels in input to be divisible by num_groups, but got input "
              "of shape ",
              detail::shape_str(input.sizes()), " and num_groups=", num_groups);
  TORSH_CHECK(!given(weight) || (weight->dim() == 1 && weight->numel() == c),
              "Expected weight to be a vector of size equal to the number of channels in input, "
              "but got weight of shape ",
              detail::shape_str(weight->sizes()), " and input of shape ",
              detail::shape_str(input.sizes()));
  TORSH_CHECK(!given(bias) || (bias->dim() == 1 && bias->numel() == c),
              "Expected bias to be a vector of size equal to the number of channels in input, but "
              "got bias of shape ",
              detail::shape_str(bias->sizes()), " and input of shape ",
              detail::shape_str(input.sizes()));
  TORSH_CHECK(is_floating_point(input.dtype()), "group_norm: \"group_norm\" not implemented for '",
              scalar_type_name(input.dtype()), "'");
  const bool low = input.dtype() == kHalf || input.dtype() == kBFloat16;
  Tensor x = low ? input.to(kFloat) : input;
  Tensor y;
  if (input.numel() == 0) {
    y = x * 1;
  } else {
    Tensor g = x.reshape({n, num_groups, -1});
    auto [var, mean] = torsh::var_mean(g, std::vector<int64_t>{2}, std::optional<int64_t>(0), true);
    y = ((g - mean) * (var + eps).rsqrt()).view(input.sizes());
  }
  if (given(weight)) y = y * channel_view(weight->to(x.dtype()), input.dim());
  if (given(bias)) y = y + channel_view(bias->to(x.dtype()), input.dim());
  return low ? y.to(input.dtype()) : y;
}

Tensor instance_norm(const Tensor& input, const std::optional<Tensor>& weight,
                     const std::optional<Tensor>& bias, const std::optional<Tensor>& running_mean,
                     const std::optional<Tensor>& running_var, bool use_input_stats,
                     double momentum, double eps, bool cudnn_enabled) {
  TORSH_CHECK(use_input_stats || (given(running_mean) && given(running_var)),
              "Expected running_mean and running_var to be defined when use_input_stats is false");
  // torch reads input.size(1) first: an IndexError for 0-d and 1-d inputs
  TORSH_CHECK_INDEX(input.dim() >= 2,
                    "instance_norm: Dimension out of range (expected to be in range of [",
                    -std::max<int64_t>(input.dim(), 1), ", ", std::max<int64_t>(input.dim(), 1) - 1,
                    "], but got 1) for input of size ", detail::shape_str(input.sizes()));
  TORSH_CHECK(input.dim() >= 2, "instance_norm: expected an input of at least 2 dims (N, C, ...), ",
              "but got input of size ", detail::shape_str(input.sizes()));
  const int64_t b = input.size(0), c = input.size(1);
  check_channels("running_mean", running_mean, c);
  check_channels("running_var", running_var, c);
  check_channels("weight", weight, c);
  check_channels("bias", bias, c);
  std::vector<int64_t> shape = input.sizes().vec();
  shape[0] = 1;
  shape[1] = b * c;
  auto rep = [b](const std::optional<Tensor>& t) -> std::optional<Tensor> {
    if (!given(t)) return std::nullopt;
    return t->repeat({b});
  };
  std::optional<Tensor> rm = rep(running_mean), rv = rep(running_var);
  Tensor out = torsh::batch_norm(input.contiguous().view(shape), rep(weight), rep(bias), rm, rv,
                                 use_input_stats, momentum, eps, cudnn_enabled);
  Tensor result = out.view(input.sizes());
  NoGradGuard guard;  // after the view: a view made under no_grad would not carry the gradient
  if (given(running_mean)) running_mean->copy_(rm->view({b, c}).mean(std::vector<int64_t>{0}));
  if (given(running_var)) running_var->copy_(rv->view({b, c}).mean(std::vector<int64_t>{0}));
  return result;
}

}  // namespace native
}  // namespace torsh
