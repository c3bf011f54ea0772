// torsh/nn/activation.h: the top-level activations composed from the op table, their F::
// functionals and the modules, printing as libtorch 1.13 prints them.
#include "torsh/nn/activation.h"

#include <cmath>

#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh {

namespace {
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

void check_floating(const char* kernel, const Tensor& input) {
  TORSH_CHECK(is_floating_point(input.scalar_type()), "\"", kernel, "\" not implemented for '",
              scalar_type_name(input.scalar_type()), "'");
}
}  // namespace

// ATen's selu and celu kernels are elu with these scales.
Tensor selu(const Tensor& input) { return torsh::elu(input, kSeluAlpha, kSeluScale); }
Tensor& selu_(Tensor& input) {
  input.elu_(kSeluAlpha, kSeluScale);
  return input;
}
Tensor celu(const Tensor& input, const Scalar& alpha) {
  const double a = alpha.to_double();
  TORSH_CHECK(a != 0, "ZeroDivisionError: alpha cannot be 0 for CELU");
  return torsh::elu(input, a, 1.0, 1.0 / a);
}
Tensor& celu_(Tensor& input, const Scalar& alpha) {
  const double a = alpha.to_double();
  TORSH_CHECK(a != 0, "ZeroDivisionError: alpha cannot be 0 for CELU");
  input.elu_(a, 1.0, 1.0 / a);
  return input;
}
Tensor relu6(const Tensor& input) { return torsh::hardtanh(input, 0.0, 6.0); }
Tensor mish(const Tensor& input) { return input * torsh::tanh(torsh::softplus(input)); }
Tensor hardsigmoid(const Tensor& input) {
  check_floating("hardsigmoid_cpu", input);
  // hardtanh's gradient is 0 at the ends, as ATen's hardsigmoid_backward (open interval)
  return torsh::hardtanh(input + 3.0, 0.0, 6.0) / 6.0;
}
Tensor hardswish(const Tensor& input) {
  check_floating("hardswish_cpu", input);
  return input * (torsh::clamp(input + 3.0, 0.0, 6.0) / 6.0);
}
Tensor log_sigmoid(const Tensor& input) {
  check_floating("log_sigmoid_cpu", input);
  // -softplus(-x): no overflow for large |x|, and the gradient sigmoid(-x) (0.5 at 0)
  return -torsh::softplus(-input);
}
Tensor hardshrink(const Tensor& input, const Scalar& lambd) {
  check_floating("hardshrink_cpu", input);
  const Tensor lam = torsh::full({}, lambd, input.options());
  const Tensor inside = torsh::logical_and(input >= -lam, input <= lam);
  return torsh::where(inside, torsh::zeros_like(input), input);
}
Tensor softshrink(const Tensor& input, const Scalar& lambd) {
  check_floating("softshrink_cpu", input);
  const double l = lambd.to_double();
  TORSH_CHECK(l >= 0, "lambda must be greater or equal to 0, but found to be ", l, ".");
  return torsh::where(input > l, input - l,
                      torsh::where(input < -l, input + l, torsh::zeros_like(input)));
}
Tensor threshold(const Tensor& input, const Scalar& threshold, const Scalar& value) {
  TORSH_CHECK(input.scalar_type() != ScalarType::Bool,
              "\"threshold_cpu\" not implemented for 'Bool'");
  const Tensor th = torsh::full({}, threshold, input.options());
  return torsh::where(input <= th, torsh::full_like(input, value), input);
}
Tensor& threshold_(Tensor& input, const Scalar& threshold, const Scalar& value) {
  TORSH_CHECK(input.scalar_type() != ScalarType::Bool,
              "\"threshold_cpu\" not implemented for 'Bool'");
  // an in-place op autograd records (masked_fill_: no gradient where filled)
  const Tensor th = torsh::full({}, threshold, input.options());
  Tensor mask;
  {
    NoGradGuard no_grad;
    mask = input <= th;
  }
  input.masked_fill_(mask, value);
  return input;
}
Tensor glu(const Tensor& input, int64_t dim) {
  TORSH_CHECK(input.dim() != 0, "glu does not support scalars because halving size must be even");
  const int64_t d = dim < 0 ? dim + input.dim() : dim;
  TORSH_CHECK(d >= 0 && d < input.dim(), "Dimension out of range (expected to be in range of [",
              -input.dim(), ", ", input.dim() - 1, "], but got ", dim, ")");
  const int64_t n = input.size(d);
  TORSH_CHECK(n % 2 == 0, "Halving dimension must be even, but dimension ", d, " is size ", n);
  return input.narrow(d, 0, n / 2) * torsh::sigmoid(input.narrow(d, n / 2, n / 2));
}
namespace {
// ATen's rrelu noise: one double uniform per non-positive element, in row-major order, mapped to
// [lower, upper) after the bounds are rounded to the input's dtype; 1 elsewhere.
Tensor rrelu_noise(const Tensor& input, double lo, double hi) {
  Tensor noise;
  {
    NoGradGuard no_grad;
    const auto dt = input.scalar_type();
    const double l = torsh::full({}, lo, input.options()).item<double>();
    const double h = torsh::full({}, hi, input.options()).item<double>();
    const Tensor nonpos = input <= 0;
    const int64_t count = nonpos.sum().item<int64_t>();
    noise = torsh::ones_like(input);
    if (count > 0) {
      Tensor u = torsh::empty({count}, TensorOptions().dtype(ScalarType::Double)).uniform_();
      noise = torsh::masked_scatter(noise, nonpos, (u * (h - l) + l).to(dt));
    }
  }
  return noise;
}

void check_rrelu(const Tensor& input, double lo, double hi, bool training) {
  TORSH_CHECK(lo <= hi, "Lower bound should be less than or equal to the upper bound");
  check_floating(training ? "rrelu_with_noise_out_cpu" : "leaky_relu_cpu", input);
}
}  // namespace

Tensor rrelu(const Tensor& input, const Scalar& lower, const Scalar& upper, bool training) {
  const double lo = lower.to_double(), hi = upper.to_double();
  check_rrelu(input, lo, hi, training);
  if (!training) return torsh::leaky_relu(input, (lo + hi) / 2);
  return input * rrelu_noise(input, lo, hi);
}
Tensor& rrelu_(Tensor& input, const Scalar& lower, const Scalar& upper, bool training) {
  const double lo = lower.to_double(), hi = upper.to_double();
  check_rrelu(input, lo, hi, training);
  if (!training) {
    input.leaky_relu_((lo + hi) / 2);
  } else {
    input.mul_(rrelu_noise(input, lo, hi));
  }
  return input;
}
Tensor& relu6_(Tensor& input) { return torsh::hardtanh_(input, 0.0, 6.0); }
Tensor& hardtanh_(Tensor& input, const Scalar& min_val, const Scalar& max_val) {
  if (!is_floating_point(input.scalar_type())) {
    // ATen's integer hardtanh_ is a clamp with the bounds converted to the integer type
    input.clamp_(static_cast<int64_t>(min_val.to_double()),
                 static_cast<int64_t>(max_val.to_double()));
  } else {
    input.hardtanh_(min_val, max_val);
  }
  return input;
}
Tensor& elu_(Tensor& input, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  input.elu_(alpha, scale, input_scale);
  return input;
}
Tensor& leaky_relu_(Tensor& input, const Scalar& negative_slope) {
  input.leaky_relu_(negative_slope);
  return input;
}
Tensor& relu_(Tensor& input) {
  input.relu_();
  return input;
}
Tensor& hardswish_(Tensor& input) {
  check_floating("hardswish_cpu", input);
  input.mul_(torsh::clamp(input + 3.0, 0.0, 6.0) / 6.0);
  return input;
}
Tensor& hardsigmoid_(Tensor& input) {
  check_floating("hardsigmoid_cpu", input);
  input.add_(3.0).clamp_(0.0, 6.0).div_(6.0);
  return input;
}
Tensor& mish_(Tensor& input) {
  input.mul_(torsh::tanh(torsh::softplus(input)));
  return input;
}

}  // namespace torsh

namespace torsh::nn {
namespace functional {

Tensor elu(Tensor input, const ELUFuncOptions& o) {
  return o.inplace() ? input.elu_(o.alpha()) : torsh::elu(input, o.alpha());
}
Tensor selu(Tensor input, const SELUFuncOptions& o) {
  return o.inplace() ? torsh::selu_(input) : torsh::selu(input);
}
Tensor celu(Tensor input, const CELUFuncOptions& o) {
  return o.inplace() ? torsh::celu_(input, o.alpha()) : torsh::celu(input, o.alpha());
}
Tensor hardshrink(const Tensor& input, const HardshrinkFuncOptions& o) {
  return torsh::hardshrink(input, o.lambda());
}
Tensor softshrink(const Tensor& input, const SoftshrinkFuncOptions& o) {
  return torsh::softshrink(input, o.lambda());
}
Tensor hardtanh(Tensor input, const HardtanhFuncOptions& o) {
  return o.inplace() ? torsh::hardtanh_(input, o.min_val(), o.max_val())
                     : torsh::hardtanh(input, o.min_val(), o.max_val());
}
Tensor relu6(Tensor input, const ReLU6FuncOptions& o) {
  return o.inplace() ? torsh::relu6_(input) : torsh::relu6(input);
}
Tensor rrelu(Tensor input, const RReLUFuncOptions& o) {
  return o.inplace() ? torsh::rrelu_(input, o.lower(), o.upper(), o.training())
                     : torsh::rrelu(input, o.lower(), o.upper(), o.training());
}
Tensor logsigmoid(const Tensor& input) { return torsh::log_sigmoid(input); }
Tensor softmin(const Tensor& input, const SoftminFuncOptions& o) {
  return torsh::softmax(-input, o.dim(), o.dtype());
}
Tensor prelu(const Tensor& input, const Tensor& weight) { return torsh::prelu(input, weight); }
Tensor glu(const Tensor& input, const GLUFuncOptions& o) { return torsh::glu(input, o.dim()); }
Tensor mish(const Tensor& input) { return torsh::mish(input); }
Tensor softplus(const Tensor& input, const SoftplusFuncOptions& o) {
  return torsh::softplus(input, o.beta(), o.threshold());
}
Tensor softsign(const Tensor& input) { return input / (torsh::abs(input) + 1); }
Tensor tanhshrink(const Tensor& input) { return input - torsh::tanh(input); }
Tensor threshold(Tensor input, const ThresholdFuncOptions& o) {
  return o.inplace() ? torsh::threshold_(input, o.threshold(), o.value())
                     : torsh::threshold(input, o.threshold(), o.value());
}
Tensor gumbel_softmax(const Tensor& logits, const GumbelSoftmaxFuncOptions& o) {
  Tensor gumbels;
  {
    // What empty_like(logits).exponential_() draws on CPU: a double uniform per element mapped
    // to -log(1 - u), then cast; Gumbel(0, 1) is minus its log.
    NoGradGuard no_grad;
    Tensor u = torsh::empty(logits.sizes(), TensorOptions().dtype(ScalarType::Double)).uniform_();
    gumbels = torsh::log(1.0 - u).neg().to(logits.scalar_type()).log().neg();
  }
  Tensor y_soft = torsh::softmax((logits + gumbels) / o.tau(), o.dim());
  if (!o.hard()) return y_soft;
  const Tensor index = std::get<1>(torsh::max(y_soft, o.dim(), /*keepdim=*/true));
  Tensor y_hard = torsh::zeros_like(logits).scatter_(o.dim(), index, 1.0);
  return y_hard - y_soft.detach() + y_soft;
}

}  // namespace functional

namespace F = functional;

namespace {
const char* inplace_suffix(bool inplace) { return inplace ? ", inplace=true" : ""; }
}  // namespace

void ELUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::ELU(alpha=" << options.alpha() << inplace_suffix(options.inplace()) << ")";
}
Tensor ELUImpl::forward(Tensor input) { return F::elu(std::move(input), options); }
void SELUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::SELU(" << (options.inplace() ? "inplace=true" : "") << ")";
}
Tensor SELUImpl::forward(Tensor input) { return F::selu(std::move(input), options); }
void CELUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::CELU(alpha=" << options.alpha() << inplace_suffix(options.inplace()) << ")";
}
Tensor CELUImpl::forward(Tensor input) { return F::celu(std::move(input), options); }
void HardshrinkImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Hardshrink(" << options.lambda() << ")";
}
Tensor HardshrinkImpl::forward(Tensor input) { return F::hardshrink(input, options); }
void SoftshrinkImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Softshrink(" << options.lambda() << ")";
}
Tensor SoftshrinkImpl::forward(Tensor input) { return F::softshrink(input, options); }
void HardtanhImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Hardtanh(min_val=" << options.min_val() << ", max_val=" << options.max_val()
    << inplace_suffix(options.inplace()) << ")";
}
void HardtanhImpl::reset() {
  TORSH_CHECK(options.max_val() > options.min_val(), "max_val must be greater than min_val");
}
Tensor HardtanhImpl::forward(Tensor input) { return F::hardtanh(std::move(input), options); }
void ReLU6Impl::pretty_print(std::ostream& s) const {
  s << "torch::nn::ReLU6(" << (options.inplace() ? "inplace=true" : "") << ")";
}
Tensor ReLU6Impl::forward(Tensor input) { return F::relu6(std::move(input), options); }
void RReLUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::RReLU(lower=" << options.lower() << ", upper=" << options.upper()
    << inplace_suffix(options.inplace()) << ")";
}
Tensor RReLUImpl::forward(Tensor input) {
  return F::rrelu(std::move(input), F::RReLUFuncOptions()
                                        .lower(options.lower())
                                        .upper(options.upper())
                                        .inplace(options.inplace())
                                        .training(is_training()));
}
void GLUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::GLU(dim=" << options.dim() << ")";
}
Tensor GLUImpl::forward(Tensor input) { return F::glu(input, options); }
void SoftplusImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Softplus(beta=" << options.beta() << ", threshold=" << options.threshold()
    << ")";
}
Tensor SoftplusImpl::forward(Tensor input) { return F::softplus(input, options); }
void SoftminImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Softmin(dim=" << options.dim() << ")";
}
Tensor SoftminImpl::forward(const Tensor& input) { return F::softmin(input, options.dim()); }
void ThresholdImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Threshold(threshold=" << options.threshold() << ", value=" << options.value()
    << inplace_suffix(options.inplace()) << ")";
}
Tensor ThresholdImpl::forward(Tensor input) { return F::threshold(std::move(input), options); }

void LogSigmoidImpl::pretty_print(std::ostream& s) const { s << "torch::nn::LogSigmoid()"; }
Tensor LogSigmoidImpl::forward(const Tensor& input) { return F::logsigmoid(input); }
void Softmax2dImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Softmax2d()"; }
Tensor Softmax2dImpl::forward(const Tensor& input) {
  TORSH_CHECK(input.dim() == 4 || input.dim() == 3,
              "Softmax2d requires a 3D or 4D tensor as input");
  return torsh::softmax(input, -3);
}
void MishImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Mish()"; }
Tensor MishImpl::forward(const Tensor& input) { return F::mish(input); }
void SoftsignImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Softsign()"; }
Tensor SoftsignImpl::forward(const Tensor& input) { return F::softsign(input); }
void TanhshrinkImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Tanhshrink()"; }
Tensor TanhshrinkImpl::forward(const Tensor& input) { return F::tanhshrink(input); }

PReLUImpl::PReLUImpl(const PReLUOptions& options_) : options(options_) { reset(); }
void PReLUImpl::reset() {
  weight = register_parameter(
      "weight", torsh::full({options.num_parameters()}, options.init(), TensorOptions()));
}
void PReLUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::PReLU(num_parameters=" << options.num_parameters() << ")";
}
Tensor PReLUImpl::forward(const Tensor& input) { return F::prelu(input, weight); }

}  // namespace torsh::nn
