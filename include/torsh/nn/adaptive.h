#pragma once
// libtorch's AdaptiveLogSoftmaxWithLoss (Grave et al., "Efficient softmax approximation for
// GPUs"): AdaptiveLogSoftmaxWithLossOptions, the module and its ASMoutput, with libtorch 1.13's
// submodules (head, tail.i.0 / tail.i.1), checks and printing.
#include <cstdint>
#include <ostream>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"
#include "torsh/nn/modules.h"
#include "torsh/nn/options.h"

namespace torsh::nn {

/// Options of AdaptiveLogSoftmaxWithLoss: AdaptiveLogSoftmaxWithLossOptions(8, 10, {4, 8}).
struct AdaptiveLogSoftmaxWithLossOptions {
  AdaptiveLogSoftmaxWithLossOptions(int64_t in_features, int64_t n_classes,
                                    std::vector<int64_t> cutoffs)
      : in_features_(in_features), n_classes_(n_classes), cutoffs_(std::move(cutoffs)) {}
  /// Number of features in the input.
  TORSH_ARG(int64_t, in_features);
  /// Number of classes.
  TORSH_ARG(int64_t, n_classes);
  /// Increasing cutoffs in [1, n_classes - 1] that split the classes into the head's shortlist
  /// and the tail clusters.
  TORSH_ARG(std::vector<int64_t>, cutoffs);
  /// Cluster i's hidden size is floor(in_features / div_value^(i + 1)). Default: 4.
  TORSH_ARG(double, div_value) = 4.;
  /// Whether the head Linear has a bias. Default: false.
  TORSH_ARG(bool, head_bias) = false;
};

/// What AdaptiveLogSoftmaxWithLoss::forward returns.
struct ASMoutput {
  ASMoutput(Tensor output_, double loss_) : output(std::move(output_)), loss(loss_) {}
  /// The log probability of each example's target (shape of the target).
  Tensor output;
  /// The mean negative log likelihood, as a number (libtorch 1.13's type).
  double loss;
};

/// Adaptive softmax: the head Linear scores the shortlist classes and one entry per cluster;
/// each tail cluster i is Sequential(Linear(in, hidden_i, no bias), Linear(hidden_i, size_i,
/// no bias)).
class AdaptiveLogSoftmaxWithLossImpl : public Cloneable<AdaptiveLogSoftmaxWithLossImpl> {
 public:
  AdaptiveLogSoftmaxWithLossImpl(int64_t in_features, int64_t n_classes,
                                 std::vector<int64_t> cutoffs)
      : AdaptiveLogSoftmaxWithLossImpl(
            AdaptiveLogSoftmaxWithLossOptions(in_features, n_classes, std::move(cutoffs))) {}
  explicit AdaptiveLogSoftmaxWithLossImpl(AdaptiveLogSoftmaxWithLossOptions options_);

  /// input (B, in_features) with target (B), or input (in_features) with a 0-d target.
  ASMoutput forward(const Tensor& input, const Tensor& target);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// The log probabilities of all classes from input and the head's output.
  Tensor _get_full_log_prob(const Tensor& input, const Tensor& head_output);
  /// The log probabilities (B, n_classes) of all classes.
  Tensor log_prob(const Tensor& input);
  /// The most likely class of each row: log_prob(input).argmax(1), computed more cheaply.
  Tensor predict(const Tensor& input);

  AdaptiveLogSoftmaxWithLossOptions options;
  /// The options' cutoffs followed by n_classes.
  std::vector<int64_t> cutoffs;
  int64_t shortlist_size = 0;
  /// Number of tail clusters.
  int64_t n_clusters = 0;
  /// Output size of the head: shortlist_size + n_clusters.
  int64_t head_size = 0;
  Linear head = nullptr;
  ModuleList tail;
};
TORSH_MODULE(AdaptiveLogSoftmaxWithLoss);

}  // namespace torsh::nn
