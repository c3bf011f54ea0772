// torsh::nn::init: torch's initialisation formulas (the same as torch.nn.init's).
#include "torsh/nn/init.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nn/layer_init.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn::init {

double calculate_gain(NonlinearityType nonlinearity, double param) {
  if (std::holds_alternative<enumtype::kTanh>(nonlinearity)) return 5.0 / 3;
  if (std::holds_alternative<enumtype::kReLU>(nonlinearity)) return std::sqrt(2.0);
  if (std::holds_alternative<enumtype::kLeakyReLU>(nonlinearity)) {
    return std::sqrt(2.0 / (1 + param * param));
  }
  return 1;  // linear, conv, sigmoid
}

std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor) {
  TORSH_CHECK_VALUE(tensor.dim() >= 2,
                    "Fan in and fan out can not be computed for tensor with "
                    "fewer than 2 dimensions");
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

Tensor uniform_(Tensor tensor, double low, double high) {
  NoGradGuard guard;
  tensor.uniform_(low, high);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  NoGradGuard guard;
  tensor.normal_(mean, std);
  return tensor;
}

Tensor constant_(Tensor tensor, Scalar value) {
  NoGradGuard guard;
  tensor.fill_(value);
  return tensor;
}

Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1); }
Tensor zeros_(Tensor tensor) { return constant_(std::move(tensor), 0); }

Tensor xavier_uniform_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  const double a = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -a, a);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return normal_(std::move(tensor), 0, std);
}

namespace {
double kaiming_std(const Tensor& tensor, double a, FanModeType mode,
                   NonlinearityType nonlinearity) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  const int64_t fan = std::holds_alternative<enumtype::kFanIn>(mode) ? fan_in : fan_out;
  return calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
}
}  // namespace

Tensor kaiming_uniform_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity) {
  const double bound = std::sqrt(3.0) * kaiming_std(tensor, a, mode, nonlinearity);
  return uniform_(std::move(tensor), -bound, bound);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanModeType mode, NonlinearityType nonlinearity) {
  const double std = kaiming_std(tensor, a, mode, nonlinearity);
  return normal_(std::move(tensor), 0, std);
}

Tensor eye_(Tensor matrix) {
  NoGradGuard no_grad;
  TORSH_CHECK(matrix.dim() == 2, "Only tensors with 2 dimensions are supported");
  return torsh::eye_out(matrix, matrix.size(0), matrix.size(1));
}

Tensor dirac_(Tensor tensor) {
  NoGradGuard no_grad;
  const int64_t dims = tensor.dim();
  TORSH_CHECK(dims >= 3 && dims <= 5, "Only tensors with 3, 4, or 5 dimensions are supported");
  tensor.zero_();
  for (int64_t d = 0; d < std::min(tensor.size(0), tensor.size(1)); ++d) {
    Tensor t = tensor.select(0, d).select(0, d);
    for (int64_t k = 2; k < dims; ++k) t = t.select(0, tensor.size(k) / 2);
    t.fill_(1);
  }
  return tensor;
}

Tensor sparse_(Tensor tensor, double sparsity, double std) {
  NoGradGuard no_grad;
  TORSH_CHECK(tensor.dim() == 2, "Only tensors with 2 dimensions are supported");
  const int64_t rows = tensor.size(0), columns = tensor.size(1);
  const auto num_zeros = static_cast<int64_t>(std::ceil(sparsity * static_cast<double>(rows)));
  tensor.normal_(0, std);
  for (int64_t column = 0; column < columns; ++column) {
    Tensor zero_rows = torsh::randperm(rows, TensorOptions(kLong)).slice(0, 0, num_zeros);
    tensor.select(1, column).index_fill_(0, zero_rows, 0);
  }
  return tensor;
}

Tensor orthogonal_(Tensor tensor, double gain) {
  NoGradGuard no_grad;
  TORSH_CHECK(tensor.dim() >= 2, "Only tensors with 2 or more dimensions are supported");
  const int64_t rows = tensor.size(0);
  const int64_t cols = rows == 0 ? 0 : tensor.numel() / rows;
  if (tensor.numel() == 0) return tensor;
  // libtorch: Q of the reduced QR (LAPACK, as linalg_qr) of a normal [rows, cols] draw
  // (transposed when wide), its columns' signs set by R's diagonal.
  Tensor a = torsh::randn({rows, cols});
  if (rows < cols) a = a.t();
  auto [q, r] = torsh::linalg_qr(a);
  Tensor qt = q * r.diagonal(0, -2, -1).sign();
  if (rows < cols) qt = qt.t();
  tensor.view({rows, cols}).copy_(qt);
  tensor.mul_(gain);
  return tensor;
}

}  // namespace torsh::nn::init

namespace torsh::nn::detail {

void default_init(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(weight);
    (void)fan_out;
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

void check_channels(int64_t in_channels, int64_t out_channels, int64_t groups) {
  TORSH_CHECK_VALUE(in_channels > 0 && groups > 0 && out_channels > 0,
                    "in_channels, groups and out_channels must be positive");
  TORSH_CHECK_VALUE(in_channels % groups == 0, "in_channels must be divisible by groups");
  TORSH_CHECK_VALUE(out_channels % groups == 0, "out_channels must be divisible by groups");
}

void register_weight_and_bias(Module& m, const std::vector<int64_t>& shape, int64_t out,
                              bool with_bias, Tensor& weight, Tensor& bias) {
  weight = m.register_parameter("weight", torsh::empty(shape));
  bias = with_bias ? m.register_parameter("bias", torsh::empty({out}))
                   : m.register_parameter("bias", Tensor(), false);
}

void register_norm_state(Module& m, int64_t n, bool affine, bool track, NormState s) {
  s.weight = m.register_parameter("weight", affine ? torsh::empty({n}) : Tensor(), affine);
  s.bias = m.register_parameter("bias", affine ? torsh::empty({n}) : Tensor(), affine);
  s.running_mean = m.register_buffer("running_mean", track ? torsh::zeros({n}) : Tensor());
  s.running_var = m.register_buffer("running_var", track ? torsh::ones({n}) : Tensor());
  s.num_batches_tracked = m.register_buffer(
      "num_batches_tracked", track ? torsh::zeros({}, TensorOptions(kLong)) : Tensor());
  reset_norm_state(affine, track, s);
}

void reset_norm_state(bool affine, bool track, NormState s) {
  if (track) {
    NoGradGuard guard;
    s.running_mean.zero_();
    s.running_var.fill_(1);
    s.num_batches_tracked.zero_();
  }
  if (affine) {
    init::ones_(s.weight);
    init::zeros_(s.bias);
  }
}

}  // namespace torsh::nn::detail
