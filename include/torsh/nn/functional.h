#pragma once
// libtorch's torch::nn::functional (F::relu(x), F::max_pool2d(x, F::MaxPool2dFuncOptions(2)),
// F::dropout(x, F::DropoutFuncOptions().p(0.5).training(is_training()))), over the op table's
// functions.
#include <optional>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/options.h"

namespace torsh {

/// libtorch's loss reductions as integers (torch::Reduction::Sum), the form the op table's
/// losses take: nll_loss(input, target, {}, torsh::Reduction::Sum).
namespace Reduction {
enum Reduction : int64_t { None, Mean, Sum, END };
}  // namespace Reduction

// ATen's dropout family (torch::feature_dropout, ...): a Bernoulli(1 - p) noise from the
// generator, one draw per element, or per (sample, channel) for the feature forms; alpha
// dropout keeps the mean and variance of SELU activations. The `_` forms write into input.
Tensor feature_dropout(const Tensor& input, double p, bool train);
Tensor& feature_dropout_(Tensor& input, double p, bool train);
Tensor alpha_dropout(const Tensor& input, double p, bool train);
Tensor& alpha_dropout_(Tensor& input, double p, bool train);
Tensor feature_alpha_dropout(const Tensor& input, double p, bool train);
Tensor& feature_alpha_dropout_(Tensor& input, double p, bool train);

}  // namespace torsh

namespace torsh::nn::functional {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});

template <size_t D>
struct ConvFuncOptions {
  TORSH_ARG(Tensor, bias) = {};
  TORSH_ARG(ExpandingArray<D>, stride) = 1;
  TORSH_ARG(ConvPadding<D>, padding) = ExpandingArray<D>(0);
  TORSH_ARG(ExpandingArray<D>, dilation) = 1;
  TORSH_ARG(int64_t, groups) = 1;
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;
using Conv3dFuncOptions = ConvFuncOptions<3>;
Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
Tensor conv3d(const Tensor& input, const Tensor& weight, const Conv3dFuncOptions& options = {});

template <size_t D>
struct ConvTransposeFuncOptions {
  TORSH_ARG(Tensor, bias) = {};
  TORSH_ARG(ExpandingArray<D>, stride) = 1;
  TORSH_ARG(ExpandingArray<D>, padding) = 0;
  TORSH_ARG(ExpandingArray<D>, output_padding) = 0;
  TORSH_ARG(int64_t, groups) = 1;
  TORSH_ARG(ExpandingArray<D>, dilation) = 1;
};
using ConvTranspose1dFuncOptions = ConvTransposeFuncOptions<1>;
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;
using ConvTranspose3dFuncOptions = ConvTransposeFuncOptions<3>;
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose1dFuncOptions& options = {});
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose2dFuncOptions& options = {});
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose3dFuncOptions& options = {});

using MaxPool1dFuncOptions = MaxPool1dOptions;
using MaxPool2dFuncOptions = MaxPool2dOptions;
using MaxPool3dFuncOptions = MaxPool3dOptions;
Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options);
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
Tensor max_pool3d(const Tensor& input, const MaxPool3dFuncOptions& options);
using AvgPool1dFuncOptions = AvgPool1dOptions;
using AvgPool2dFuncOptions = AvgPool2dOptions;
using AvgPool3dFuncOptions = AvgPool3dOptions;
Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options);
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
Tensor avg_pool3d(const Tensor& input, const AvgPool3dFuncOptions& options);
using AdaptiveAvgPool1dFuncOptions = AdaptiveAvgPool1dOptions;
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;
using AdaptiveAvgPool3dFuncOptions = AdaptiveAvgPool3dOptions;
Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& options);
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);
Tensor adaptive_avg_pool3d(const Tensor& input, const AdaptiveAvgPool3dFuncOptions& options);

struct DropoutFuncOptions {
  TORSH_ARG(double, p) = 0.5;
  TORSH_ARG(bool, training) = true;
  TORSH_ARG(bool, inplace) = false;
};
Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
using Dropout2dFuncOptions = DropoutFuncOptions;
using Dropout3dFuncOptions = DropoutFuncOptions;
/// Channel-wise dropout of [N, C, H, W] (or unbatched [C, H, W]) input.
Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options = {});
/// Channel-wise dropout of [N, C, D, H, W] (or unbatched [C, D, H, W]) input.
Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options = {});
/// As libtorch, alpha dropout's functional form defaults to training=false.
struct AlphaDropoutFuncOptions {
  TORSH_ARG(double, p) = 0.5;
  TORSH_ARG(bool, training) = false;
  TORSH_ARG(bool, inplace) = false;
};
using FeatureAlphaDropoutFuncOptions = AlphaDropoutFuncOptions;
Tensor alpha_dropout(Tensor input, const AlphaDropoutFuncOptions& options = {});
Tensor feature_alpha_dropout(Tensor input, const FeatureAlphaDropoutFuncOptions& options = {});

using ReLUFuncOptions = ReLUOptions;
Tensor relu(Tensor input, const ReLUFuncOptions& options = {});
using LeakyReLUFuncOptions = LeakyReLUOptions;
Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& options = {});
using GELUFuncOptions = GELUOptions;
Tensor gelu(const Tensor& input, const GELUFuncOptions& options = {});
Tensor silu(const Tensor& input);

struct SoftmaxFuncOptions {
  SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  TORSH_ARG(int64_t, dim);
  TORSH_ARG(std::optional<ScalarType>, dtype) = std::nullopt;
};
using LogSoftmaxFuncOptions = SoftmaxFuncOptions;
Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& options);
/// One-hot int64 encoding of class indices (num_classes -1: max + 1), as torch::one_hot.
Tensor one_hot(const Tensor& tensor, int64_t num_classes = -1);
Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& options);

struct BatchNormFuncOptions {
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(Tensor, bias) = {};
  TORSH_ARG(bool, training) = false;
  TORSH_ARG(std::optional<double>, momentum) = 0.1;
  TORSH_ARG(double, eps) = 1e-5;
};
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options = {});
/// libtorch's check: training needs more than one value per channel.
void check_batch_norm_batch(const Tensor& input, bool training);
struct LayerNormFuncOptions {
  LayerNormFuncOptions(std::vector<int64_t> normalized_shape)  // NOLINT
      : normalized_shape_(std::move(normalized_shape)) {}
  TORSH_ARG(std::vector<int64_t>, normalized_shape);
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(Tensor, bias) = {};
  TORSH_ARG(double, eps) = 1e-5;
};
Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);

using MSELossFuncOptions = MSELossOptions;
using L1LossFuncOptions = L1LossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {});
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options = {});
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {});
Tensor cross_entropy(const Tensor& input, const Tensor& target,
                     const CrossEntropyFuncOptions& options = {});
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& options = {});
Tensor binary_cross_entropy_with_logits(
    const Tensor& input, const Tensor& target,
    const BinaryCrossEntropyWithLogitsFuncOptions& options = {});

}  // namespace torsh::nn::functional
