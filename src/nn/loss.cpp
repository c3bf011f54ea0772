// libtorch's losses beyond the six in modules.cpp: F:: functions that translate the options to
// the op table's losses (with libtorch's checks), the ones libtorch composes from tensor ops
// (kl_div's batchmean, multilabel_soft_margin_loss, triplet_margin_with_distance_loss), CTC by
// the alpha recursion (as python/torsh/nn/_functional_sampling.py), and their modules.
#include "torsh/nn/loss.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "nn/layer_init.h"
#include "torsh/autograd/function.h"
#include "torsh/core/warning.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace functional {
namespace {
using detail::opt;
using torsh::detail::shape_str;
using torsh::detail::str_cat;
constexpr double kInf = std::numeric_limits<double>::infinity();

/// The loss reduced as the reduction asks (the composed losses).
Tensor reduce(const Tensor& loss, const LossReduction& reduction) {
  switch (reduction_enum(reduction)) {
    case 0:
      return loss;
    case 2:
      return loss.sum();
    default:
      return loss.mean();
  }
}

/// input and target broadcast together, with libtorch's warning when their sizes differ.
std::vector<Tensor> broadcast_pair(const Tensor& input, const Tensor& target) {
  if (!target.sizes().equals(input.sizes())) {
    warn(str_cat("Using a target size (", shape_str(target.sizes()),
                 ") that is different to the input size (", shape_str(input.sizes()), "). ",
                 "This will likely lead to incorrect results due to broadcasting. ",
                 "Please ensure they have the same size."));
  }
  return torsh::broadcast_tensors({input, target});
}

/// log(sigmoid(x)) = -softplus(-x): stable for large |x|, and its gradient is sigmoid(-x) at 0 too.
Tensor log_sigmoid(const Tensor& x) { return -torsh::softplus(-x); }
}  // namespace

Tensor _smooth_l1_loss(const Tensor& input, const Tensor& target, double beta) {
  Tensor t = torsh::abs(input - target);
  return torsh::where(t < beta, 0.5 * t * t / beta, t - 0.5 * beta);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      const SmoothL1LossFuncOptions& options, std::optional<double> beta) {
  auto b = broadcast_pair(input, target);
  return torsh::smooth_l1_loss(b[0], b[1], reduction_enum(options.reduction()),
                               beta.value_or(options.beta()));
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options) {
  auto b = broadcast_pair(input, target);
  return torsh::huber_loss(b[0], b[1], reduction_enum(options.reduction()), options.delta());
}

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options) {
  const auto& r = options.reduction();
  if (std::holds_alternative<enumtype::kMean>(r)) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      warn(
          "reduction: 'mean' divides the total loss by both the batch size and the support "
          "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
          "definition.'mean' will be changed to behave the same as 'batchmean' in the next major "
          "release.");
    }
  }
  const bool batchmean = std::holds_alternative<enumtype::kBatchMean>(r);
  const int64_t reduction = std::holds_alternative<enumtype::kNone>(r)   ? 0
                            : std::holds_alternative<enumtype::kMean>(r) ? 1
                                                                         : 2;
  Tensor reduced = torsh::kl_div(input, target, reduction, options.log_target());
  if (batchmean && input.dim() != 0) reduced = reduced / input.size(0);
  return reduced;
}

Tensor hinge_embedding_loss(const Tensor& input, const Tensor& target,
                            const HingeEmbeddingLossFuncOptions& options) {
  return torsh::hinge_embedding_loss(input, target, options.margin(),
                                     reduction_enum(options.reduction()));
}

Tensor multi_margin_loss(const Tensor& input, const Tensor& target,
                         const MultiMarginLossFuncOptions& options) {
  TORSH_CHECK(options.p() == 1 || options.p() == 2, "only p == 1 and p == 2 supported");
  TORSH_CHECK(!options.weight().defined() || options.weight().dim() == 1,
              "weight must be one-dimensional");
  return torsh::multi_margin_loss(input, target, options.p(), options.margin(),
                                  opt(options.weight()), reduction_enum(options.reduction()));
}

Tensor cosine_embedding_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                             const CosineEmbeddingLossFuncOptions& options) {
  return torsh::cosine_embedding_loss(input1, input2, target, options.margin(),
                                      reduction_enum(options.reduction()));
}

Tensor multilabel_margin_loss(const Tensor& input, const Tensor& target,
                              const MultilabelMarginLossFuncOptions& options) {
  return torsh::multilabel_margin_loss(input, target, reduction_enum(options.reduction()));
}

Tensor soft_margin_loss(const Tensor& input, const Tensor& target,
                        const SoftMarginLossFuncOptions& options) {
  return torsh::soft_margin_loss(input, target, reduction_enum(options.reduction()));
}

Tensor multilabel_soft_margin_loss(const Tensor& input, const Tensor& target,
                                   const MultilabelSoftMarginLossFuncOptions& options) {
  Tensor loss = -(target * log_sigmoid(input) + (1 - target) * log_sigmoid(-input));
  if (options.weight().defined()) loss = loss * options.weight();
  const int64_t class_dim = input.dim() - 1;
  const int64_t num_classes = input.size(class_dim);
  loss = loss.sum(class_dim) / num_classes;  // one loss per sample
  return reduce(loss, options.reduction());
}

Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           const TripletMarginLossFuncOptions& options) {
  return torsh::triplet_margin_loss(anchor, positive, negative, options.margin(), options.p(),
                                    options.eps(), options.swap(),
                                    reduction_enum(options.reduction()));
}

Tensor triplet_margin_with_distance_loss(const Tensor& anchor, const Tensor& positive,
                                         const Tensor& negative,
                                         const TripletMarginWithDistanceLossFuncOptions& options) {
  const auto& fn = options.distance_function();
  auto distance = [&](const Tensor& a, const Tensor& b) {
    return fn.has_value() && *fn ? (*fn)(a, b) : torsh::pairwise_distance(a, b);
  };
  Tensor dist_pos = distance(anchor, positive);
  Tensor dist_neg = distance(anchor, negative);
  if (options.swap()) dist_neg = torsh::min(dist_neg, distance(positive, negative));
  Tensor loss = torsh::clamp_min(dist_pos - dist_neg + options.margin(), 0.0);
  return reduce(loss, options.reduction());
}

// ---- CTC ----------------------------------------------------------------------------------------
namespace {

/// A lengths tensor as int64 values, read flat (ATen's Tensor overload of ctc_loss).
std::vector<int64_t> ctc_lengths(const Tensor& t, const char* name) {
  TORSH_CHECK(is_integral(t.scalar_type(), false), name, " must be integral");
  Tensor flat = t.reshape({-1}).to(kLong).contiguous();
  const int64_t* p = flat.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + flat.numel());
}

/// ATen's argument checks of ctc_loss_cpu; log_probs is (T, N, C).
void check_ctc(const Tensor& log_probs, const Tensor& targets, const std::vector<int64_t>& il,
               const std::vector<int64_t>& tl, int64_t blank) {
  const char* where = " (while checking arguments for ctc_loss_cpu)";
  const auto type = log_probs.scalar_type();
  TORSH_CHECK(type == kFloat || type == kDouble, "\"ctc_loss_cpu\" not implemented for '",
              scalar_type_name(type), "'");
  TORSH_CHECK(log_probs.dim() == 3, "Expected 3-dimensional tensor, but got ", log_probs.dim(),
              "-dimensional tensor for argument #1 'log_probs'", where);
  TORSH_CHECK(targets.dim() >= 1 && targets.dim() <= 2, "Expected 1 to 2 dimensions, but got ",
              targets.dim(), "-dimensional tensor for argument #2 'targets'", where);
  const int64_t batch = log_probs.size(1);
  TORSH_CHECK(blank >= 0 && blank < log_probs.size(2), "blank must be in label range");
  TORSH_CHECK(static_cast<int64_t>(il.size()) == batch, "input_lengths must be of size batch_size");
  TORSH_CHECK(static_cast<int64_t>(tl.size()) == batch,
              "target_lengths must be of size batch_size");
  for (size_t i = 0; i < il.size(); ++i) {
    TORSH_CHECK(il[i] >= 0 && tl[i] >= 0,
                "ctc_loss: input_lengths and target_lengths must be non-negative");
  }
  int64_t total = 0, max_tl = 0;
  for (int64_t v : tl) total += v, max_tl = std::max(max_tl, v);
  if (targets.dim() == 1) {
    TORSH_CHECK(targets.size(0) == total, "Expected tensor to have size ", total,
                " at dimension 0, but got size ", targets.size(0), " for argument #2 'targets'",
                where);
  } else {
    TORSH_CHECK(targets.size(0) == batch, "Expected tensor to have size ", batch,
                " at dimension 0, but got size ", targets.size(0), " for argument #2 'targets'",
                where);
    TORSH_CHECK(targets.size(1) >= max_tl, "Expected tensor to have size at least ", max_tl,
                " at dimension 1, but got size ", targets.size(1), " for argument #2 'targets'",
                where);
  }
  for (int64_t v : il) {
    TORSH_CHECK(v <= log_probs.size(0), "Expected input_lengths to have value at most ",
                log_probs.size(0), ", but got value ", v, where);
  }
}

/// (N, S) int64 labels, S = max(tl), positions past each target length set to blank.
Tensor ctc_padded_targets(const Tensor& targets, const std::vector<int64_t>& tl, int64_t blank) {
  const auto n = static_cast<int64_t>(tl.size());
  const int64_t s = tl.empty() ? 0 : *std::max_element(tl.begin(), tl.end());
  if (s == 0) return torsh::zeros({n, 0}, kLong);
  Tensor padded;
  if (targets.dim() == 1) {
    std::vector<int64_t> flat;
    int64_t pos = 0;
    for (int64_t len : tl) {
      for (int64_t i = 0; i < len; ++i) flat.push_back(pos + i);
      flat.insert(flat.end(), static_cast<size_t>(s - len), 0);
      pos += len;
    }
    padded = targets.index_select(0, torsh::tensor(flat)).reshape({n, s});
  } else {
    padded = targets.narrow(1, 0, s);
  }
  Tensor keep = torsh::arange(s).unsqueeze(0) < torsh::tensor(tl).unsqueeze(1);
  return torsh::where(keep, padded, blank);
}

/// log(sum(exp(terms))) as the CTC kernel forms it (shifted by the max, taken as 0 where it is
/// -inf), with a zero rather than NaN gradient where every term is -inf.
Tensor logsumexp_safe(const std::vector<Tensor>& terms) {
  Tensor m = terms[0].detach();
  for (size_t i = 1; i < terms.size(); ++i) m = torsh::maximum(m, terms[i].detach());
  Tensor finite = m != -kInf;
  m = torsh::where(finite, m, 0.0);
  Tensor total = torsh::exp(terms[0] - m);
  for (size_t i = 1; i < terms.size(); ++i) total = total + torsh::exp(terms[i] - m);
  return torsh::where(finite, torsh::log(torsh::where(finite, total, 1.0)) + m, -kInf);
}

/// Zeros of shape (N,) whose backward gives NaN to the flagged entries of log_probs: torch's CTC
/// gradient of an infinite loss (without zero_infinity).
struct CtcNanGrad : autograd::Function<CtcNanGrad> {
  static Tensor forward(autograd::AutogradContext* ctx, const Tensor& log_probs,
                        const Tensor& rows) {
    ctx->saved_data["rows"] = rows;
    return torsh::zeros({log_probs.size(1)}, log_probs.scalar_type());
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx,
                                          autograd::variable_list grads) {
    const Tensor& rows = ctx->saved_data["rows"].toTensor();
    Tensor nan = torsh::full({}, std::nan(""), grads[0].scalar_type());
    return {torsh::where(rows, nan, 0.0), Tensor()};
  }
};

/// Per-sequence negative log likelihoods (N,) by the alpha recursion over time, vectorised over
/// the batch and the blank-extended label sequence; the gradient is torch's, exp(log_probs) minus
/// the posterior (the gradient w.r.t. the logits behind a log_softmax).
Tensor ctc_nll(const Tensor& log_probs, const Tensor& targets, const std::vector<int64_t>& il,
               const std::vector<int64_t>& tl, int64_t blank, bool zero_infinity) {
  const int64_t t_max = log_probs.size(0), n = log_probs.size(1);
  const ScalarType dtype = log_probs.scalar_type();
  Tensor labels = ctc_padded_targets(targets, tl, blank);
  const int64_t s = labels.size(1), width = 2 * s + 1;
  Tensor ext =
      torsh::cat({torsh::stack({torsh::full({n, s}, blank, kLong), labels}, 2).reshape({n, 2 * s}),
                  torsh::full({n, 1}, blank, kLong)},
                 1);
  // a state may be entered from two back when it is a label differing from that one
  Tensor skip = torsh::zeros({n, width}, kBool);
  if (width > 2) {
    skip = torsh::cat(
        {torsh::zeros({n, 2}, kBool), ext.narrow(1, 2, width - 2) != ext.narrow(1, 0, width - 2)},
        1);
  }
  auto shift = [&](const Tensor& a, int64_t k) {  // a moved k states right, -inf shifted in
    if (k >= width) return torsh::full({n, width}, -kInf, dtype);
    return torsh::cat({torsh::full({n, k}, -kInf, dtype), a.narrow(1, 0, width - k)}, 1);
  };
  Tensor il_t = torsh::tensor(il), tl_t = torsh::tensor(tl);
  Tensor nll = torsh::zeros({n}, dtype);
  const int64_t steps = il.empty() ? 0 : *std::max_element(il.begin(), il.end());
  if (steps > 0) {
    Tensor lp = torsh::gather(log_probs, 2, ext.unsqueeze(0).expand({t_max, n, width}));
    Tensor alpha = torsh::where(torsh::arange(width).unsqueeze(0) < 2, lp.select(0, 0), -kInf);
    for (int64_t t = 1; t < steps; ++t) {
      Tensor from2 = torsh::where(skip, shift(alpha, 2), -kInf);
      Tensor next = logsumexp_safe({alpha, shift(alpha, 1), from2}) + lp.select(0, t);
      alpha = torsh::where((il_t > t).unsqueeze(1), next, alpha);
    }
    Tensor last = torsh::gather(alpha, 1, (2 * tl_t).unsqueeze(1)).squeeze(1);
    Tensor before = torsh::gather(alpha, 1, (2 * tl_t - 1).clamp_min(0).unsqueeze(1)).squeeze(1);
    before = torsh::where(tl_t > 0, before, -kInf);
    nll = -logsumexp_safe({last, before});
    // exp(log_probs) enters the gradient through this term of value zero
    Tensor live = (torsh::arange(t_max).unsqueeze(1) < il_t.unsqueeze(0)).unsqueeze(2);
    Tensor e = torsh::exp(log_probs);
    nll = nll + torsh::where(live, e - e.detach(), 0.0).sum(IntArrayRef{0, 2});
  }
  Tensor empty = torsh::where(tl_t == 0, 0.0, kInf).to(dtype);
  nll = torsh::where(il_t == 0, empty, nll);
  Tensor infinite = nll.detach() == kInf;
  if (zero_infinity) return torsh::where(infinite, 0.0, nll);
  if (log_probs.requires_grad() && infinite.any().item<bool>()) {
    Tensor rows = torsh::logical_and(torsh::arange(t_max).unsqueeze(1) < il_t.unsqueeze(0),
                                     infinite.unsqueeze(0));
    nll = nll + CtcNanGrad::apply(log_probs, rows.unsqueeze(2).expand(log_probs.sizes()));
  }
  return nll;
}
}  // namespace

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                const Tensor& target_lengths, const CTCLossFuncOptions& options) {
  std::vector<int64_t> il = ctc_lengths(input_lengths, "input_lengths");
  std::vector<int64_t> tl = ctc_lengths(target_lengths, "target_lengths");
  const bool batched = log_probs.dim() == 3;
  Tensor lp = batched ? log_probs : log_probs.unsqueeze(1);
  check_ctc(lp, targets, il, tl, options.blank());
  Tensor res = ctc_nll(lp, targets.to(kLong), il, tl, options.blank(), options.zero_infinity());
  switch (reduction_enum(options.reduction())) {
    case 1:
      return (res / torsh::tensor(tl).to(res.scalar_type()).clamp_min(1)).mean();
    case 2:
      return res.sum();
    default:
      return batched ? res : res.squeeze(0);
  }
}

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target,
                        const PoissonNLLLossFuncOptions& options) {
  return torsh::poisson_nll_loss(input, target, options.log_input(), options.full(), options.eps(),
                                 reduction_enum(options.reduction()));
}

Tensor margin_ranking_loss(const Tensor& input1, const Tensor& input2, const Tensor& target,
                           const MarginRankingLossFuncOptions& options) {
  TORSH_CHECK(input1.dim() == input2.dim() && input1.dim() == target.dim(),
              "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
              "input1: ",
              shape_str(input1.sizes()), ", input2: ", shape_str(input2.sizes()),
              ", target: ", shape_str(target.sizes()));
  return torsh::margin_ranking_loss(input1, input2, target, options.margin(),
                                    reduction_enum(options.reduction()));
}

}  // namespace functional

namespace F = functional;

// ---- modules: libtorch 1.13's prints, checks and buffers ---------------------------------------
#define TORSH_LOSS_CTOR(Name) \
  Name##Impl::Name##Impl(const Name##Options& options_) : options(options_) { reset(); }
#define TORSH_LOSS_PLAIN(Name, text) \
  TORSH_LOSS_CTOR(Name)              \
  void Name##Impl::reset() {}        \
  void Name##Impl::pretty_print(std::ostream& s) const { s << "torch::nn::" text; }
TORSH_LOSS_PLAIN(SmoothL1Loss, "SmoothL1Loss")  // no "()", as libtorch 1.13 prints it
TORSH_LOSS_PLAIN(HuberLoss, "HuberLoss")
TORSH_LOSS_PLAIN(KLDivLoss, "KLDivLoss()")
TORSH_LOSS_PLAIN(MultiLabelMarginLoss, "MultiLabelMarginLoss()")
TORSH_LOSS_PLAIN(SoftMarginLoss, "SoftMarginLoss()")
TORSH_LOSS_PLAIN(CTCLoss, "CTCLoss()")
TORSH_LOSS_PLAIN(PoissonNLLLoss, "PoissonNLLLoss()")
TORSH_LOSS_PLAIN(MarginRankingLoss, "MarginRankingLoss()")
#undef TORSH_LOSS_PLAIN

TORSH_LOSS_CTOR(HingeEmbeddingLoss)
void HingeEmbeddingLossImpl::reset() {}
void HingeEmbeddingLossImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::HingeEmbeddingLoss(margin=" << options.margin() << ")";
}

TORSH_LOSS_CTOR(MultiMarginLoss)
void MultiMarginLossImpl::reset() {
  TORSH_CHECK(options.p() == 1 || options.p() == 2, "only p == 1 and p == 2 supported");
  TORSH_CHECK(!options.weight().defined() || options.weight().dim() == 1,
              "Expected !options.weight().defined() || options.weight().dim() == 1 to be true, "
              "but got false.");  // libtorch's bare TORCH_CHECK, as torsh's compat words it
  register_buffer("weight", options.weight());
}
void MultiMarginLossImpl::pretty_print(std::ostream& s) const {
  const auto& r = options.reduction();
  const char* reduction = std::holds_alternative<enumtype::kNone>(r)  ? "kNone"
                          : std::holds_alternative<enumtype::kSum>(r) ? "kSum"
                                                                      : "kMean";
  s << "torch::nn::MultiMarginLoss(p=" << options.p() << ", margin=" << options.margin()
    << ", weight=" << options.weight() << ", reduction=" << reduction << ")";
}

TORSH_LOSS_CTOR(CosineEmbeddingLoss)
void CosineEmbeddingLossImpl::reset() {}
void CosineEmbeddingLossImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::CosineEmbeddingLoss(margin=" << options.margin() << ")";
}

TORSH_LOSS_CTOR(MultiLabelSoftMarginLoss)
void MultiLabelSoftMarginLossImpl::reset() { register_buffer("weight", options.weight()); }
void MultiLabelSoftMarginLossImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::MultiLabelSoftMarginLoss()";
}

TORSH_LOSS_CTOR(TripletMarginLoss)
void TripletMarginLossImpl::reset() {}
void TripletMarginLossImpl::pretty_print(std::ostream& s) const {
  // libtorch leaves the stream in boolalpha
  s << "torch::nn::TripletMarginLoss(margin=" << options.margin() << ", p=" << options.p()
    << ", eps=" << options.eps() << std::boolalpha << ", swap=" << options.swap() << ")";
}

TORSH_LOSS_CTOR(TripletMarginWithDistanceLoss)
void TripletMarginWithDistanceLossImpl::reset() {}
void TripletMarginWithDistanceLossImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::TripletMarginWithDistanceLoss(margin=" << options.margin() << std::boolalpha
    << ", swap=" << options.swap() << ")";
}
#undef TORSH_LOSS_CTOR

Tensor SmoothL1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::smooth_l1_loss(input, target, options, options.beta());
}
Tensor HuberLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::huber_loss(input, target, options);
}
Tensor KLDivLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::kl_div(input, target, options);
}
Tensor HingeEmbeddingLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::hinge_embedding_loss(input, target, options);
}
Tensor MultiMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::multi_margin_loss(input, target, options);
}
Tensor CosineEmbeddingLossImpl::forward(const Tensor& input1, const Tensor& input2,
                                        const Tensor& target) {
  return F::cosine_embedding_loss(input1, input2, target, options);
}
Tensor MultiLabelMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::multilabel_margin_loss(input, target, options);
}
Tensor SoftMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::soft_margin_loss(input, target, options);
}
Tensor MultiLabelSoftMarginLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::multilabel_soft_margin_loss(input, target, options);
}
Tensor TripletMarginLossImpl::forward(const Tensor& anchor, const Tensor& positive,
                                      const Tensor& negative) {
  return F::triplet_margin_loss(anchor, positive, negative, options);
}
Tensor TripletMarginWithDistanceLossImpl::forward(const Tensor& anchor, const Tensor& positive,
                                                  const Tensor& negative) {
  return F::triplet_margin_with_distance_loss(anchor, positive, negative, options);
}
Tensor CTCLossImpl::forward(const Tensor& log_probs, const Tensor& targets,
                            const Tensor& input_lengths, const Tensor& target_lengths) {
  return F::ctc_loss(log_probs, targets, input_lengths, target_lengths, options);
}
Tensor PoissonNLLLossImpl::forward(const Tensor& log_input, const Tensor& target) {
  return F::poisson_nll_loss(log_input, target, options);
}
Tensor MarginRankingLossImpl::forward(const Tensor& input1, const Tensor& input2,
                                      const Tensor& target) {
  return F::margin_ranking_loss(input1, input2, target, options);
}

}  // namespace torsh::nn
