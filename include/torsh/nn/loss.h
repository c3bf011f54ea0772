#pragma once
// libtorch's other losses: their options (SmoothL1LossOptions().beta(0.5), KLDivLossOptions(
// torch::kBatchMean)), F:: functions (F::kl_div, F::triplet_margin_loss, F::ctc_loss, ...) and
// modules (SmoothL1Loss, TripletMarginLoss, CTCLoss, ...), with libtorch 1.13's names, defaults
// and printing. MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss and BCEWithLogitsLoss live in
// options.h / functional.h / modules.h.
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <variant>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"
#include "torsh/nn/options.h"

// KLDivLoss's extra reduction tag (torch::kBatchMean); guarded so that options.h may define it too.
#ifndef TORSH_ENUMTYPE_KBATCHMEAN
#define TORSH_ENUMTYPE_KBATCHMEAN
namespace torsh {
namespace enumtype {
struct kBatchMean {};
}  // namespace enumtype
inline constexpr enumtype::kBatchMean kBatchMean{};
}  // namespace torsh
#endif

// libtorch's TORCH_OPTIONS_CTOR_VARIANT_ARG3: a default constructor plus one implicit constructor
// per reduction tag, so that `SmoothL1Loss(torch::kSum)` and `F::soft_margin_loss(x, y,
// torch::kNone)` work.
#define TORSH_LOSS_REDUCTION_CTORS(Name)                                  \
  Name() {}                                                               \
  Name(torsh::enumtype::kNone) : reduction_(torsh::kNone) {} /* NOLINT */ \
  Name(torsh::enumtype::kMean) : reduction_(torsh::kMean) {} /* NOLINT */ \
  Name(torsh::enumtype::kSum) : reduction_(torsh::kSum) {}   /* NOLINT */

namespace torsh::nn {

/// Options of SmoothL1Loss: the reduction and the L1/L2 switch point beta.
struct SmoothL1LossOptions {
  using reduction_t = LossReduction;
  TORSH_LOSS_REDUCTION_CTORS(SmoothL1LossOptions)
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
  TORSH_ARG(double, beta) = 1.0;
};

/// Options of HuberLoss: the reduction and the L2/L1 switch point delta.
struct HuberLossOptions {
  using reduction_t = LossReduction;
  TORSH_LOSS_REDUCTION_CTORS(HuberLossOptions)
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
  TORSH_ARG(double, delta) = 1.0;
};

/// Options of KLDivLoss: the reduction (kBatchMean divides the sum by the batch size) and whether
/// the target is given as log-probabilities.
struct KLDivLossOptions {
  using reduction_t =
      std::variant<enumtype::kNone, enumtype::kBatchMean, enumtype::kSum, enumtype::kMean>;
  KLDivLossOptions() {}
  KLDivLossOptions(enumtype::kNone) : reduction_(torsh::kNone) {}            // NOLINT
  KLDivLossOptions(enumtype::kBatchMean) : reduction_(torsh::kBatchMean) {}  // NOLINT
  KLDivLossOptions(enumtype::kSum) : reduction_(torsh::kSum) {}              // NOLINT
  KLDivLossOptions(enumtype::kMean) : reduction_(torsh::kMean) {}            // NOLINT
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
  TORSH_ARG(bool, log_target) = false;
};

/// Options of HingeEmbeddingLoss.
struct HingeEmbeddingLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(double, margin) = 1.0;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of MultiMarginLoss: the exponent p (1 or 2), the margin and per-class weights.
struct MultiMarginLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(int64_t, p) = 1;
  TORSH_ARG(double, margin) = 1.0;
  TORSH_ARG(Tensor, weight) = Tensor();
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of CosineEmbeddingLoss.
struct CosineEmbeddingLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(double, margin) = 0.0;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of MultiLabelMarginLoss.
struct MultiLabelMarginLossOptions {
  using reduction_t = LossReduction;
  TORSH_LOSS_REDUCTION_CTORS(MultiLabelMarginLossOptions)
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of SoftMarginLoss.
struct SoftMarginLossOptions {
  using reduction_t = LossReduction;
  TORSH_LOSS_REDUCTION_CTORS(SoftMarginLossOptions)
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of MultiLabelSoftMarginLoss: per-class weights and the reduction.
struct MultiLabelSoftMarginLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(Tensor, weight) = Tensor();
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of TripletMarginLoss: margin, the norm p of the distance, its eps, and the distance
/// swap of Balntas et al.
struct TripletMarginLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(double, margin) = 1.0;
  TORSH_ARG(double, p) = 2.0;
  TORSH_ARG(double, eps) = 1e-6;
  TORSH_ARG(bool, swap) = false;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of TripletMarginWithDistanceLoss: the distance (default: pairwise_distance), margin,
/// swap and reduction.
struct TripletMarginWithDistanceLossOptions {
  using reduction_t = LossReduction;
  using distance_function_t = std::function<Tensor(const Tensor&, const Tensor&)>;
  TORSH_ARG(std::optional<distance_function_t>, distance_function) = std::nullopt;
  TORSH_ARG(double, margin) = 1.0;
  TORSH_ARG(bool, swap) = false;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of CTCLoss: the blank label, the reduction and whether infinite losses become zero.
struct CTCLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(int64_t, blank) = 0;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
  TORSH_ARG(bool, zero_infinity) = false;
};

/// Options of PoissonNLLLoss: whether the input is the log-rate, Stirling's term, eps.
struct PoissonNLLLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(bool, log_input) = true;
  TORSH_ARG(bool, full) = false;
  TORSH_ARG(double, eps) = 1e-8;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

/// Options of MarginRankingLoss.
struct MarginRankingLossOptions {
  using reduction_t = LossReduction;
  TORSH_ARG(double, margin) = 0;
  TORSH_ARG(reduction_t, reduction) = torsh::kMean;
};

}  // namespace torsh::nn

#undef TORSH_LOSS_REDUCTION_CTORS

namespace torsh::nn::functional {

using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using KLDivFuncOptions = KLDivLossOptions;
using HingeEmbeddingLossFuncOptions = HingeEmbeddingLossOptions;
using MultiMarginLossFuncOptions = MultiMarginLossOptions;
using CosineEmbeddingLossFuncOptions = CosineEmbeddingLossOptions;
using MultilabelMarginLossFuncOptions = MultiLabelMarginLossOptions;
using SoftMarginLossFuncOptions = SoftMarginLossOptions;
using MultilabelSoftMarginLossFuncOptions = MultiLabelSoftMarginLossOptions;
using TripletMarginLossFuncOptions = TripletMarginLossOptions;
using TripletMarginWithDistanceLossFuncOptions = TripletMarginWithDistanceLossOptions;
using CTCLossFuncOptions = CTCLossOptions;
using PoissonNLLLossFuncOptions = PoissonNLLLossOptions;
using MarginRankingLossFuncOptions = MarginRankingLossOptions;

/// The elementwise smooth L1 term, unreduced: 0.5 |x - y|^2 / beta below beta, else
/// |x - y| - 0.5 beta.
Tensor _smooth_l1_loss(const Tensor& input, const Tensor& target, double beta = 1.);
/// Smooth L1 loss (input and target broadcast, with a warning when their sizes differ). As in
/// libtorch 1.13 beta is also an argument; given, it wins, else options.beta() applies (1.13
/// ignored options.beta() here, a bug fixed in later versions).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      const SmoothL1LossFuncOptions& options = {},
                      std::optional<double> beta = std::nullopt);
/// Huber loss with options.delta() (input and target broadcast, with a warning).
Tensor huber_loss(const Tensor& input, const Tensor& target,
                  const HuberLossFuncOptions& options = {});
/// Kullback-Leibler divergence of input (log-probabilities) from target; kBatchMean divides the
/// sum by input.size(0), kMean (by every element) warns as libtorch does.
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options = {});
/// x where target is 1, max(0, margin - x) where it is -1.
Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target,
                            const HingeEmbeddingLossFuncOptions& options = {});
/// The multi-class hinge loss (p 1 or 2, optional 1-D per-class weight).
Tensor multi_margin_loss(const Tensor& input, const Tensor& target,
                         const MultiMarginLossFuncOptions& options = {});
/// 1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.
Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             const CosineEmbeddingLossFuncOptions& options = {});
/// The multi-class multi-label hinge loss; target holds class indices, ended by -1.
Tensor multilabel_margin_loss(const Tensor& input, const Tensor& target,
                              const MultilabelMarginLossFuncOptions& options = {});
/// log(1 + exp(-target * input)).
Tensor soft_margin_loss(const Tensor& input, const Tensor& target,
                        const SoftMarginLossFuncOptions& options = {});
/// The per-class logistic loss averaged over the classes (the last dim), optionally weighted.
Tensor multilabel_soft_margin_loss(const Tensor& input, const Tensor& target,
                                   const MultilabelSoftMarginLossFuncOptions& options = {});
/// max(d(a, p) - d(a, n) + margin, 0) with d the p-norm pairwise distance.
Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           const TripletMarginLossFuncOptions& options = {});
/// The triplet margin loss with options.distance_function() (default pairwise_distance).
Tensor triplet_margin_with_distance_loss(
    const Tensor& anchor, const Tensor& positive, const Tensor& negative,
    const TripletMarginWithDistanceLossFuncOptions& options = {});
/// Connectionist Temporal Classification loss of log_probs (T, N, C) or (T, C) against targets
/// padded (N, S) or concatenated (sum(target_lengths)); the lengths are integral tensors.
Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                const Tensor& target_lengths, const CTCLossFuncOptions& options = {});
/// The negative log likelihood of target under Poisson(input) (or Poisson(exp(input))).
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target,
                        const PoissonNLLLossFuncOptions& options = {});
/// max(0, -target * (input1 - input2) + margin); the three must have the same dim.
Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           const MarginRankingLossFuncOptions& options = {});

}  // namespace torsh::nn::functional

namespace torsh::nn {

// A loss module: options, reset(), libtorch's one-line print and forward over N tensors.
#define TORSH_LOSS_MODULE(Name, ...)                         \
  class Name##Impl : public Cloneable<Name##Impl> {          \
   public:                                                   \
    explicit Name##Impl(const Name##Options& options_ = {}); \
    void reset() override;                                   \
    void pretty_print(std::ostream& stream) const override;  \
    Tensor forward(__VA_ARGS__);                             \
    Name##Options options;                                   \
  };                                                         \
  TORSH_MODULE(Name)

/// 0.5 (x - y)^2 / beta below beta, |x - y| - 0.5 beta above.
TORSH_LOSS_MODULE(SmoothL1Loss, const Tensor& input, const Tensor& target);
/// 0.5 (x - y)^2 below delta, delta (|x - y| - 0.5 delta) above.
TORSH_LOSS_MODULE(HuberLoss, const Tensor& input, const Tensor& target);
/// The Kullback-Leibler divergence loss; forward(input log-probabilities, target).
TORSH_LOSS_MODULE(KLDivLoss, const Tensor& input, const Tensor& target);
/// The hinge embedding loss; target holds 1 or -1.
TORSH_LOSS_MODULE(HingeEmbeddingLoss, const Tensor& input, const Tensor& target);
/// The multi-class hinge loss; options.weight() is registered as the buffer "weight".
TORSH_LOSS_MODULE(MultiMarginLoss, const Tensor& input, const Tensor& target);
/// The cosine embedding loss; forward(input1, input2, target).
TORSH_LOSS_MODULE(CosineEmbeddingLoss, const Tensor& input1, const Tensor& input2,
                  const Tensor& target);
/// The multi-class multi-label hinge loss.
TORSH_LOSS_MODULE(MultiLabelMarginLoss, const Tensor& input, const Tensor& target);
/// The two-class logistic loss.
TORSH_LOSS_MODULE(SoftMarginLoss, const Tensor& input, const Tensor& target);
/// The multi-label one-versus-all logistic loss; options.weight() is the buffer "weight".
TORSH_LOSS_MODULE(MultiLabelSoftMarginLoss, const Tensor& input, const Tensor& target);
/// The triplet margin loss; forward(anchor, positive, negative).
TORSH_LOSS_MODULE(TripletMarginLoss, const Tensor& anchor, const Tensor& positive,
                  const Tensor& negative);
/// The triplet margin loss with a custom distance; forward(anchor, positive, negative).
TORSH_LOSS_MODULE(TripletMarginWithDistanceLoss, const Tensor& anchor, const Tensor& positive,
                  const Tensor& negative);
/// The CTC loss; forward(log_probs, targets, input_lengths, target_lengths).
TORSH_LOSS_MODULE(CTCLoss, const Tensor& log_probs, const Tensor& targets,
                  const Tensor& input_lengths, const Tensor& target_lengths);
/// The Poisson negative log likelihood loss; forward(log_input, target).
TORSH_LOSS_MODULE(PoissonNLLLoss, const Tensor& log_input, const Tensor& target);
/// The margin ranking loss; forward(input1, input2, target).
TORSH_LOSS_MODULE(MarginRankingLoss, const Tensor& input1, const Tensor& input2,
                  const Tensor& target);

#undef TORSH_LOSS_MODULE

}  // namespace torsh::nn
