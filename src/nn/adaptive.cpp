// torsh/nn/adaptive.h: AdaptiveLogSoftmaxWithLoss over torsh's ops and Linear / Sequential /
// ModuleList, with libtorch 1.13's construction order (so the same seed draws the same
// parameters), checks and printing.
#include "torsh/nn/adaptive.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "torsh/core/indexing.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn {

using indexing::Slice;

AdaptiveLogSoftmaxWithLossImpl::AdaptiveLogSoftmaxWithLossImpl(
    AdaptiveLogSoftmaxWithLossOptions options_)
    : options(std::move(options_)) {
  reset();  // NOLINT(clang-analyzer-optin.cplusplus.VirtualCall)
}

void AdaptiveLogSoftmaxWithLossImpl::reset() {
  const auto& c = options.cutoffs();
  TORSH_CHECK(!c.empty() && std::is_sorted(c.begin(), c.end()) &&
                  *std::min_element(c.begin(), c.end()) > 0 &&
                  *std::max_element(c.begin(), c.end()) <= options.n_classes() - 1 &&
                  std::set<int64_t>(c.begin(), c.end()).size() == c.size(),
              "cutoffs should be a sequence of unique, positive integers sorted in an increasing "
              "order, where each value is between 1 and n_classes-1");
  TORSH_CHECK(options.div_value() != 0, "div_value should not be equal to 0");

  cutoffs = c;
  cutoffs.push_back(options.n_classes());
  shortlist_size = cutoffs[0];
  n_clusters = static_cast<int64_t>(cutoffs.size()) - 1;
  head_size = shortlist_size + n_clusters;

  head = register_module(
      "head", Linear(LinearOptions(options.in_features(), head_size).bias(options.head_bias())));
  tail = register_module("tail", ModuleList());
  for (int64_t i = 0; i < n_clusters; ++i) {
    const auto hsz =
        static_cast<int64_t>(std::floor(static_cast<double>(options.in_features()) /
                                        std::pow(options.div_value(), static_cast<double>(i + 1))));
    const int64_t osz = cutoffs[static_cast<size_t>(i) + 1] - cutoffs[static_cast<size_t>(i)];
    Sequential projection(Linear(LinearOptions(options.in_features(), hsz).bias(false)),
                          Linear(LinearOptions(hsz, osz).bias(false)));
    tail->push_back(projection);
  }
}

void AdaptiveLogSoftmaxWithLossImpl::reset_parameters() {
  head->reset_parameters();
  for (size_t i = 0; i < tail->size(); ++i) {
    auto children = tail->ptr(i)->children();
    children[0]->as<LinearImpl>()->reset_parameters();
    children[1]->as<LinearImpl>()->reset_parameters();
  }
}

void AdaptiveLogSoftmaxWithLossImpl::pretty_print(std::ostream& stream) const {
  stream << "torch::nn::AdaptiveLogSoftmaxWithLoss";
}

namespace {
// Cluster i's Sequential applied to input.
Tensor cluster_forward(const ModuleList& tail, int64_t i, const Tensor& input) {
  return tail->ptr(static_cast<size_t>(i))->as<SequentialImpl>()->forward(input);
}
}  // namespace

ASMoutput AdaptiveLogSoftmaxWithLossImpl::forward(const Tensor& input_, const Tensor& target_) {
  const int64_t targ_dim = target_.dim();
  TORSH_CHECK(targ_dim == 1 || targ_dim == 0,
              "0D or 1D target tensor expected, multi-target not supported");
  if (targ_dim == 1) {
    TORSH_CHECK(input_.dim() == 2,
                "1D target tensor expects 2D input tensors, but found inputs with sizes ",
                ::torsh::detail::shape_str(input_.sizes()), ".");
  } else {
    TORSH_CHECK(input_.dim() == 1,
                "0D target tensor expects 1D input tensors, but found inputs with sizes ",
                ::torsh::detail::shape_str(input_.sizes()), ".");
  }
  const bool is_batched = targ_dim > 0;
  const Tensor input = is_batched ? input_ : input_.unsqueeze(0);
  const Tensor target = is_batched ? target_ : target_.unsqueeze(0);

  int64_t used_rows = 0;
  const int64_t batch_size = target.size(0);
  Tensor output = input.new_zeros({batch_size});
  Tensor gather_inds = target.new_empty({batch_size});

  std::vector<int64_t> bounds = cutoffs;
  bounds.insert(bounds.begin(), 0);
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    const int64_t low_idx = bounds[i];
    const int64_t high_idx = bounds[i + 1];
    const Tensor target_mask = torsh::logical_and(target >= low_idx, target < high_idx);
    const Tensor row_indices = target_mask.nonzero().reshape({-1});
    if (row_indices.numel() == 0) continue;
    if (i == 0) {
      gather_inds.index_copy_(0, row_indices, target.index({target_mask}));
    } else {
      const Tensor relative_target = target.index({target_mask}) - low_idx;
      const Tensor input_subset = input.index_select(0, row_indices);
      const Tensor cluster_output =
          cluster_forward(tail, static_cast<int64_t>(i) - 1, input_subset);
      const int64_t cluster_index = shortlist_size + static_cast<int64_t>(i) - 1;
      gather_inds.index_fill_(0, row_indices, cluster_index);
      const Tensor cluster_logprob = torsh::log_softmax(cluster_output, 1);
      const Tensor local_logprob = cluster_logprob.gather(1, relative_target.unsqueeze(1));
      output.index_copy_(0, row_indices, local_logprob.squeeze(1));
    }
    used_rows += row_indices.numel();
  }
  TORSH_CHECK(used_rows == batch_size, "Target values should be in [0, ", options.n_classes() - 1,
              "], but values in range [", target.min().item<double>(), ", ",
              target.max().item<double>(), "] were found. ");

  const Tensor head_output = head->forward(input);
  const Tensor head_logprob = torsh::log_softmax(head_output, 1);
  output += head_logprob.gather(1, gather_inds.unsqueeze(1)).squeeze();
  const double loss = (-output).mean().item<double>();
  if (!is_batched) output = output.squeeze(0);
  return ASMoutput(output, loss);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::_get_full_log_prob(const Tensor& input,
                                                          const Tensor& head_output) {
  // The shortlist's log probabilities, then each cluster's plus its head entry: the columns
  // libtorch writes into an (N, n_classes) tensor, joined here (input is unused, as there).
  const Tensor head_logprob = torsh::log_softmax(head_output, 1);
  std::vector<Tensor> parts = {head_logprob.index({Slice(), Slice(std::nullopt, shortlist_size)})};
  for (size_t i = 0; i + 1 < cutoffs.size(); ++i) {
    const Tensor cluster_output = cluster_forward(tail, static_cast<int64_t>(i), input);
    const Tensor cluster_logprob = torsh::log_softmax(cluster_output, 1);
    parts.push_back(
        cluster_logprob +
        head_logprob.index({Slice(), shortlist_size + static_cast<int64_t>(i)}).unsqueeze(1));
  }
  return torsh::cat(parts, 1);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::log_prob(const Tensor& input) {
  const Tensor head_output = head->forward(input);
  return _get_full_log_prob(input, head_output);
}

Tensor AdaptiveLogSoftmaxWithLossImpl::predict(const Tensor& input) {
  const Tensor head_output = head->forward(input);
  Tensor output = torsh::argmax(head_output, 1);
  const Tensor not_in_shortlist = output >= shortlist_size;
  if (!not_in_shortlist.any().item<bool>()) return output;
  if (not_in_shortlist.all().item<bool>()) {
    return torsh::argmax(_get_full_log_prob(input, head_output), 1);
  }
  const Tensor log_prob =
      _get_full_log_prob(input.index({not_in_shortlist}), head_output.index({not_in_shortlist}));
  output.index_put_({not_in_shortlist}, torsh::argmax(log_prob, 1));
  return output;
}

}  // namespace torsh::nn
