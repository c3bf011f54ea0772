#pragma once
// libtorch's remaining activations: the top-level ATen spellings (torch::selu, torch::mish,
// torch::hardswish, ...), their F:: functionals with options (F::elu(x,
// F::ELUFuncOptions().alpha(2))) and the modules (ELU, SELU, Hardshrink, Hardtanh, LogSigmoid,
// Softmin, Softmax2d, PReLU, ReLU6, RReLU, CELU, GLU, Mish, Softplus, Softshrink, Softsign,
// Tanhshrink, Threshold). ReLU, LeakyReLU, GELU, SiLU, Sigmoid, Tanh, Softmax and LogSoftmax
// live in modules.h.
#include <optional>
#include <ostream>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"
#include "torsh/nn/options.h"

namespace torsh {

// ATen's activations that torch exports at top level, composed from the op table (autograd
// follows the composition). The `_` forms write into their input.
Tensor selu(const Tensor& input);
Tensor& selu_(Tensor& input);
/// celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
Tensor celu(const Tensor& input, const Scalar& alpha = 1.0);
Tensor& celu_(Tensor& input, const Scalar& alpha = 1.0);
Tensor relu6(const Tensor& input);
Tensor mish(const Tensor& input);
Tensor hardswish(const Tensor& input);
Tensor hardsigmoid(const Tensor& input);
Tensor log_sigmoid(const Tensor& input);
/// 0 where -lambd <= x <= lambd, else x (NaN passes).
Tensor hardshrink(const Tensor& input, const Scalar& lambd = 0.5);
Tensor softshrink(const Tensor& input, const Scalar& lambd = 0.5);
/// value where x <= threshold, else x.
Tensor threshold(const Tensor& input, const Scalar& threshold, const Scalar& value);
Tensor& threshold_(Tensor& input, const Scalar& threshold, const Scalar& value);
/// a * sigmoid(b) for the halves a, b of `dim`.
Tensor glu(const Tensor& input, int64_t dim = -1);
/// Randomized leaky ReLU: in training each x <= 0 is scaled by a draw from U(lower, upper)
/// (torch's generator stream); otherwise by (lower + upper) / 2.
Tensor rrelu(const Tensor& input, const Scalar& lower = 1.0 / 8.0, const Scalar& upper = 1.0 / 3.0,
             bool training = false);
Tensor& rrelu_(Tensor& input, const Scalar& lower = 1.0 / 8.0, const Scalar& upper = 1.0 / 3.0,
               bool training = false);
// The in-place forms libtorch has at top level.
Tensor& relu_(Tensor& input);
Tensor& relu6_(Tensor& input);
Tensor& hardtanh_(Tensor& input, const Scalar& min_val = -1, const Scalar& max_val = 1);
Tensor& elu_(Tensor& input, const Scalar& alpha = 1, const Scalar& scale = 1,
             const Scalar& input_scale = 1);
Tensor& leaky_relu_(Tensor& input, const Scalar& negative_slope = 0.01);
Tensor& hardswish_(Tensor& input);
Tensor& hardsigmoid_(Tensor& input);
Tensor& mish_(Tensor& input);

}  // namespace torsh

namespace torsh::nn {

struct ELUOptions {
  TORSH_ARG(double, alpha) = 1.0;
  TORSH_ARG(bool, inplace) = false;
};
struct SELUOptions {
  SELUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  TORSH_ARG(bool, inplace);
};
struct GLUOptions {
  GLUOptions(int64_t dim = -1) : dim_(dim) {}  // NOLINT
  TORSH_ARG(int64_t, dim);
};
struct HardshrinkOptions {
  HardshrinkOptions(double lambda = 0.5) : lambda_(lambda) {}  // NOLINT
  TORSH_ARG(double, lambda);
};
struct SoftshrinkOptions {
  SoftshrinkOptions(double lambda = 0.5) : lambda_(lambda) {}  // NOLINT
  TORSH_ARG(double, lambda);
};
struct HardtanhOptions {
  TORSH_ARG(double, min_val) = -1.0;
  TORSH_ARG(double, max_val) = 1.0;
  TORSH_ARG(bool, inplace) = false;
};
struct SoftminOptions {
  SoftminOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  TORSH_ARG(int64_t, dim);
};
struct PReLUOptions {
  TORSH_ARG(int64_t, num_parameters) = 1;
  TORSH_ARG(double, init) = 0.25;
};
struct ReLU6Options {
  ReLU6Options(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  TORSH_ARG(bool, inplace);
};
struct RReLUOptions {
  TORSH_ARG(double, lower) = 1.0 / 8.0;
  TORSH_ARG(double, upper) = 1.0 / 3.0;
  TORSH_ARG(bool, inplace) = false;
};
struct CELUOptions {
  TORSH_ARG(double, alpha) = 1.0;
  TORSH_ARG(bool, inplace) = false;
};
struct SoftplusOptions {
  TORSH_ARG(double, beta) = 1.0;
  TORSH_ARG(double, threshold) = 20.0;
};
struct ThresholdOptions {
  ThresholdOptions(double threshold, double value) : threshold_(threshold), value_(value) {}
  TORSH_ARG(double, threshold);
  TORSH_ARG(double, value);
  TORSH_ARG(bool, inplace) = false;
};

namespace functional {

using ELUFuncOptions = ELUOptions;
using SELUFuncOptions = SELUOptions;
using GLUFuncOptions = GLUOptions;
using HardshrinkFuncOptions = HardshrinkOptions;
using SoftshrinkFuncOptions = SoftshrinkOptions;
using HardtanhFuncOptions = HardtanhOptions;
using ReLU6FuncOptions = ReLU6Options;
using CELUFuncOptions = CELUOptions;
using SoftplusFuncOptions = SoftplusOptions;
using ThresholdFuncOptions = ThresholdOptions;
struct SoftminFuncOptions {
  SoftminFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  TORSH_ARG(int64_t, dim);
  TORSH_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};
struct RReLUFuncOptions {
  TORSH_ARG(double, lower) = 1.0 / 8.0;
  TORSH_ARG(double, upper) = 1.0 / 3.0;
  TORSH_ARG(bool, training) = false;
  TORSH_ARG(bool, inplace) = false;
};
struct GumbelSoftmaxFuncOptions {
  TORSH_ARG(double, tau) = 1.0;
  TORSH_ARG(bool, hard) = false;
  TORSH_ARG(int, dim) = -1;
};

Tensor elu(Tensor input, const ELUFuncOptions& options = {});
Tensor selu(Tensor input, const SELUFuncOptions& options = {});
Tensor celu(Tensor input, const CELUFuncOptions& options = {});
Tensor hardshrink(const Tensor& input, const HardshrinkFuncOptions& options = {});
Tensor softshrink(const Tensor& input, const SoftshrinkFuncOptions& options = {});
Tensor hardtanh(Tensor input, const HardtanhFuncOptions& options = {});
Tensor relu6(Tensor input, const ReLU6FuncOptions& options = {});
Tensor rrelu(Tensor input, const RReLUFuncOptions& options = {});
Tensor logsigmoid(const Tensor& input);
Tensor softmin(const Tensor& input, const SoftminFuncOptions& options);
Tensor prelu(const Tensor& input, const Tensor& weight);
Tensor glu(const Tensor& input, const GLUFuncOptions& options = {});
Tensor mish(const Tensor& input);
Tensor softplus(const Tensor& input, const SoftplusFuncOptions& options = {});
Tensor softsign(const Tensor& input);
Tensor tanhshrink(const Tensor& input);
Tensor threshold(Tensor input, const ThresholdFuncOptions& options);
/// Gumbel-softmax samples (exponential draws from the default generator); `hard` gives the
/// one-hot argmax with the soft sample's gradient.
Tensor gumbel_softmax(const Tensor& logits, const GumbelSoftmaxFuncOptions& options = {});

}  // namespace functional

/// An activation module whose forward is one functional over its options.
#define TORSH_ACTIVATION_MODULE(Name, OptionsType)                             \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
   public:                                                                     \
    explicit Name##Impl(const OptionsType& options = {}) : options(options) {} \
    void reset() override {}                                                   \
    void pretty_print(std::ostream& stream) const override;                    \
    Tensor forward(Tensor input);                                              \
    OptionsType options;                                                       \
  };                                                                           \
  TORSH_MODULE(Name)
TORSH_ACTIVATION_MODULE(ELU, ELUOptions);
TORSH_ACTIVATION_MODULE(SELU, SELUOptions);
TORSH_ACTIVATION_MODULE(CELU, CELUOptions);
TORSH_ACTIVATION_MODULE(Hardshrink, HardshrinkOptions);
TORSH_ACTIVATION_MODULE(Softshrink, SoftshrinkOptions);
TORSH_ACTIVATION_MODULE(ReLU6, ReLU6Options);
TORSH_ACTIVATION_MODULE(RReLU, RReLUOptions);
TORSH_ACTIVATION_MODULE(GLU, GLUOptions);
TORSH_ACTIVATION_MODULE(Softplus, SoftplusOptions);
#undef TORSH_ACTIVATION_MODULE

class HardtanhImpl : public Cloneable<HardtanhImpl> {
 public:
  explicit HardtanhImpl(const HardtanhOptions& options = {}) : options(options) { reset(); }
  /// Checks max_val > min_val, as libtorch's.
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  HardtanhOptions options;
};
TORSH_MODULE(Hardtanh);

class SoftminImpl : public Cloneable<SoftminImpl> {
 public:
  explicit SoftminImpl(int64_t dim) : options(dim) {}
  explicit SoftminImpl(const SoftminOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  SoftminOptions options;
};
TORSH_MODULE(Softmin);

class ThresholdImpl : public Cloneable<ThresholdImpl> {
 public:
  ThresholdImpl(double threshold, double value) : options(threshold, value) {}
  explicit ThresholdImpl(const ThresholdOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  ThresholdOptions options;
};
TORSH_MODULE(Threshold);

/// Activations with no options.
#define TORSH_PLAIN_ACTIVATION(Name)                        \
  class Name##Impl : public Cloneable<Name##Impl> {         \
   public:                                                  \
    void reset() override {}                                \
    void pretty_print(std::ostream& stream) const override; \
    Tensor forward(const Tensor& input);                    \
  };                                                        \
  TORSH_MODULE(Name)
TORSH_PLAIN_ACTIVATION(LogSigmoid);
TORSH_PLAIN_ACTIVATION(Softmax2d);
TORSH_PLAIN_ACTIVATION(Mish);
TORSH_PLAIN_ACTIVATION(Softsign);
TORSH_PLAIN_ACTIVATION(Tanhshrink);
#undef TORSH_PLAIN_ACTIVATION

/// PReLU: a learnable negative slope, `num_parameters` of them (1, or one per channel),
/// initialised to `init`.
class PReLUImpl : public Cloneable<PReLUImpl> {
 public:
  explicit PReLUImpl(const PReLUOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PReLUOptions options;
  Tensor weight;
};
TORSH_MODULE(PReLU);

}  // namespace torsh::nn
