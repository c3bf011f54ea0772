// The layer modules of torsh/nn/modules.h: parameters registered under torch's names, torch's
// default initialisation, libtorch's printing.
#include "torsh/nn/modules.h"

#include <cmath>

#include "nn/layer_init.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/functional.h"
#include "torsh/nn/init.h"
#include "torsh/nn/layers.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace F = functional;

namespace {
const char* b(bool v) { return v ? "true" : "false"; }

using detail::default_init;

std::ostream& print_double(std::ostream& s, double v) {
  // libtorch prints doubles with the stream's defaults (1e-05, 0.1)
  return s << v;
}
}  // namespace

// ---- Linear, Identity, Flatten --------------------------------------------------------------
LinearImpl::LinearImpl(const LinearOptions& options_) : options(options_) { reset(); }

void LinearImpl::reset() {
  detail::register_weight_and_bias(*this, {options.out_features(), options.in_features()},
                                   options.out_features(), options.bias(), weight, bias);
  reset_parameters();
}

void LinearImpl::reset_parameters() { default_init(weight, bias); }

void LinearImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Linear(in_features=" << options.in_features()
    << ", out_features=" << options.out_features() << ", bias=" << b(options.bias()) << ")";
}

Tensor LinearImpl::forward(const Tensor& input) { return F::linear(input, weight, bias); }

void IdentityImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Identity()"; }

void FlattenImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim()
    << ")";
}

Tensor FlattenImpl::forward(const Tensor& input) {
  return torsh::flatten(input, options.start_dim(), options.end_dim());
}

// ---- convolution ----------------------------------------------------------------------------
template <size_t D, typename Derived>
ConvNdImpl<D, Derived>::ConvNdImpl(ConvOptions<D> options_) : options(std::move(options_)) {
  reset();
}

template <size_t D, typename Derived>
void ConvNdImpl<D, Derived>::reset() {
  detail::check_channels(options.in_channels(), options.out_channels(), options.groups());
  std::vector<int64_t> shape{options.out_channels(), options.in_channels() / options.groups()};
  for (size_t i = 0; i < D; ++i) shape.push_back(options.kernel_size()[i]);
  detail::register_weight_and_bias(*this, shape, options.out_channels(), options.bias(), weight,
                                   bias);
  reset_parameters();
}

template <size_t D, typename Derived>
void ConvNdImpl<D, Derived>::reset_parameters() {
  default_init(weight, bias);
}

template <size_t D, typename Derived>
void ConvNdImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::Conv" << D << "d(" << options.in_channels() << ", " << options.out_channels()
    << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride();
  const auto& p = options.padding();
  if (std::holds_alternative<enumtype::kValid>(p)) {
    s << ", padding='valid'";
  } else if (std::holds_alternative<enumtype::kSame>(p)) {
    s << ", padding='same'";
  } else if (!(std::get<ExpandingArray<D>>(p) == ExpandingArray<D>(0))) {
    s << ", padding=" << std::get<ExpandingArray<D>>(p);
  }
  if (!(options.dilation() == ExpandingArray<D>(1))) s << ", dilation=" << options.dilation();
  if (options.groups() != 1) s << ", groups=" << options.groups();
  if (!options.bias()) s << ", bias=false";
  const auto& m = options.padding_mode();
  if (!std::holds_alternative<enumtype::kZeros>(m)) {
    s << ", padding_mode="
      << (std::holds_alternative<enumtype::kReflect>(m)     ? "kReflect"
          : std::holds_alternative<enumtype::kReplicate>(m) ? "kReplicate"
                                                            : "kCircular");
  }
  s << ")";
}

template <size_t D, typename Derived>
Tensor ConvNdImpl<D, Derived>::forward(const Tensor& input) {
  const auto& m = options.padding_mode();
  F::ConvFuncOptions<D> o;
  o.bias(bias).stride(options.stride()).dilation(options.dilation()).groups(options.groups());
  if (std::holds_alternative<enumtype::kZeros>(m) ||
      std::holds_alternative<enumtype::kValid>(options.padding())) {
    o.padding(options.padding());
    if constexpr (D == 1) {
      return F::conv1d(input, weight, o);
    } else if constexpr (D == 2) {
      return F::conv2d(input, weight, o);
    } else {
      return F::conv3d(input, weight, o);
    }
  }
  // reflect/replicate/circular: pad first (last dim first, as F.pad), then convolve unpadded;
  // 'same' pads dilation * (k - 1) in total, the odd one on the right
  std::vector<int64_t> pads;
  for (size_t i = D; i-- > 0;) {
    if (std::holds_alternative<enumtype::kSame>(options.padding())) {
      const int64_t total = options.dilation()[i] * (options.kernel_size()[i] - 1);
      pads.push_back(total / 2);
      pads.push_back(total - total / 2);
    } else {
      const auto& pad = std::get<ExpandingArray<D>>(options.padding());
      pads.push_back(pad[i]);
      pads.push_back(pad[i]);
    }
  }
  const char* mode = std::holds_alternative<enumtype::kReflect>(m)     ? "reflect"
                     : std::holds_alternative<enumtype::kReplicate>(m) ? "replicate"
                                                                       : "circular";
  Tensor x = torsh::pad(input, pads, mode, std::nullopt);
  o.padding(ExpandingArray<D>(0));
  if constexpr (D == 1) {
    return F::conv1d(x, weight, o);
  } else if constexpr (D == 2) {
    return F::conv2d(x, weight, o);
  } else {
    return F::conv3d(x, weight, o);
  }
}

template class ConvNdImpl<1, Conv1dImpl>;
template class ConvNdImpl<2, Conv2dImpl>;
template class ConvNdImpl<3, Conv3dImpl>;

// ---- pooling --------------------------------------------------------------------------------
template <size_t D, typename Derived>
void MaxPoolNdImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::MaxPool" << D << "d(kernel_size=" << options.kernel_size()
    << ", stride=" << options.stride() << ", padding=" << options.padding()
    << ", dilation=" << options.dilation() << ", ceil_mode=" << b(options.ceil_mode()) << ")";
}
template <size_t D, typename Derived>
Tensor MaxPoolNdImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1) {
    return F::max_pool1d(input, options);
  } else if constexpr (D == 2) {
    return F::max_pool2d(input, options);
  } else {
    return F::max_pool3d(input, options);
  }
}
template <size_t D, typename Derived>
std::tuple<Tensor, Tensor> MaxPoolNdImpl<D, Derived>::forward_with_indices(const Tensor& input) {
  if constexpr (D == 1) {
    return F::max_pool1d_with_indices(input, options);
  } else if constexpr (D == 2) {
    return F::max_pool2d_with_indices(input, options);
  } else {
    return F::max_pool3d_with_indices(input, options);
  }
}
template class MaxPoolNdImpl<1, MaxPool1dImpl>;
template class MaxPoolNdImpl<2, MaxPool2dImpl>;
template class MaxPoolNdImpl<3, MaxPool3dImpl>;

template <size_t D, typename Derived>
void AvgPoolNdImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::AvgPool" << D << "d(kernel_size=" << options.kernel_size()
    << ", stride=" << options.stride() << ", padding=" << options.padding() << ")";
}
template <size_t D, typename Derived>
Tensor AvgPoolNdImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1) {
    return F::avg_pool1d(input, options);
  } else if constexpr (D == 2) {
    return F::avg_pool2d(input, options);
  } else {
    return F::avg_pool3d(input, options);
  }
}
template class AvgPoolNdImpl<1, AvgPool1dImpl>;
template class AvgPoolNdImpl<2, AvgPool2dImpl>;
template class AvgPoolNdImpl<3, AvgPool3dImpl>;

template <size_t D, typename Derived>
void AdaptiveAvgPoolNdImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::AdaptiveAvgPool" << D << "d(output_size=" << options.output_size() << ")";
}
template <size_t D, typename Derived>
Tensor AdaptiveAvgPoolNdImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1) {
    return F::adaptive_avg_pool1d(input, options);
  } else if constexpr (D == 2) {
    return F::adaptive_avg_pool2d(input, options);
  } else {
    return F::adaptive_avg_pool3d(input, options);
  }
}
template class AdaptiveAvgPoolNdImpl<1, AdaptiveAvgPool1dImpl>;
template class AdaptiveAvgPoolNdImpl<2, AdaptiveAvgPool2dImpl>;
template class AdaptiveAvgPoolNdImpl<3, AdaptiveAvgPool3dImpl>;

// ---- normalisation --------------------------------------------------------------------------
template <size_t D, typename Derived>
BatchNormNdImpl<D, Derived>::BatchNormNdImpl(const BatchNormOptions& options_) : options(options_) {
  reset();
}

template <size_t D, typename Derived>
void BatchNormNdImpl<D, Derived>::reset() {
  detail::register_norm_state(*this, options.num_features(), options.affine(),
                              options.track_running_stats(),
                              {weight, bias, running_mean, running_var, num_batches_tracked});
}

template <size_t D, typename Derived>
void BatchNormNdImpl<D, Derived>::reset_running_stats() {
  detail::reset_norm_state(false, options.track_running_stats(),
                           {weight, bias, running_mean, running_var, num_batches_tracked});
}

template <size_t D, typename Derived>
void BatchNormNdImpl<D, Derived>::reset_parameters() {
  detail::reset_norm_state(options.affine(), options.track_running_stats(),
                           {weight, bias, running_mean, running_var, num_batches_tracked});
}

template <size_t D, typename Derived>
void BatchNormNdImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::BatchNorm" << D << "d(" << options.num_features() << ", eps=";
  print_double(s, options.eps()) << ", momentum=";
  if (options.momentum()) {
    print_double(s, *options.momentum());
  } else {
    s << "None";
  }
  s << ", affine=" << b(options.affine())
    << ", track_running_stats=" << b(options.track_running_stats()) << ")";
}

template <size_t D, typename Derived>
Tensor BatchNormNdImpl<D, Derived>::forward(const Tensor& input) {
  const int64_t want = D == 1 ? -1 : static_cast<int64_t>(D) + 2;
  TORSH_CHECK_VALUE(D == 1 ? (input.dim() == 2 || input.dim() == 3) : input.dim() == want,
                    "expected ", D == 1 ? std::string("2D or 3D") : std::to_string(want) + "D",
                    " input (got ", input.dim(), "D input)");
  double factor = 0.0;
  if (this->is_training() && options.track_running_stats()) {
    {
      NoGradGuard guard;
      num_batches_tracked.add_(1);
    }
    factor = options.momentum()
                 ? *options.momentum()
                 : 1.0 / static_cast<double>(num_batches_tracked.template item<int64_t>());
  }
  const bool batch_stats = this->is_training() || !options.track_running_stats();
  F::check_batch_norm_batch(input, this->is_training());
  const bool use_running = !this->is_training() || options.track_running_stats();
  return torsh::batch_norm(
      input, weight.defined() ? std::optional<Tensor>(weight) : std::nullopt,
      bias.defined() ? std::optional<Tensor>(bias) : std::nullopt,
      use_running && running_mean.defined() ? std::optional<Tensor>(running_mean) : std::nullopt,
      use_running && running_var.defined() ? std::optional<Tensor>(running_var) : std::nullopt,
      batch_stats, factor, options.eps(), false);
}

template class BatchNormNdImpl<1, BatchNorm1dImpl>;
template class BatchNormNdImpl<2, BatchNorm2dImpl>;
template class BatchNormNdImpl<3, BatchNorm3dImpl>;

LayerNormImpl::LayerNormImpl(LayerNormOptions options_) : options(std::move(options_)) { reset(); }

void LayerNormImpl::reset() {
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", torsh::empty(options.normalized_shape()));
    bias = register_parameter("bias", torsh::empty(options.normalized_shape()));
  } else {
    weight = register_parameter("weight", Tensor(), false);
    bias = register_parameter("bias", Tensor(), false);
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (options.elementwise_affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

void LayerNormImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::LayerNorm([";
  for (size_t i = 0; i < options.normalized_shape().size(); ++i) {
    s << (i ? ", " : "") << options.normalized_shape()[i];
  }
  s << "], eps=";
  print_double(s, options.eps()) << ", elementwise_affine=" << b(options.elementwise_affine())
                                 << ")";
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return F::layer_norm(input, F::LayerNormFuncOptions(options.normalized_shape())
                                  .weight(weight)
                                  .bias(bias)
                                  .eps(options.eps()));
}

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options_) : options(options_) { reset(); }

void GroupNormImpl::reset() {
  if (options.affine()) {
    weight = register_parameter("weight", torsh::empty({options.num_channels()}));
    bias = register_parameter("bias", torsh::empty({options.num_channels()}));
  } else {
    weight = register_parameter("weight", Tensor(), false);
    bias = register_parameter("bias", Tensor(), false);
  }
  reset_parameters();
}

void GroupNormImpl::reset_parameters() {
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

void GroupNormImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::GroupNorm(" << options.num_groups() << ", " << options.num_channels()
    << ", eps=";
  print_double(s, options.eps()) << ", affine=" << b(options.affine()) << ")";
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  return torsh::group_norm(
      input, options.num_groups(), weight.defined() ? std::optional<Tensor>(weight) : std::nullopt,
      bias.defined() ? std::optional<Tensor>(bias) : std::nullopt, options.eps(), true);
}

// ---- dropout, embedding, activations ----------------------------------------------------------
DropoutImpl::DropoutImpl(const DropoutOptions& options_) : options(options_) { reset(); }

void DropoutImpl::reset() {
  TORSH_CHECK(options.p() >= 0 && options.p() <= 1,
              "dropout probability has to be between 0 and 1, but got ", options.p());
}

void DropoutImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Dropout(p=";
  print_double(s, options.p()) << ", inplace=" << b(options.inplace()) << ")";
}

Tensor DropoutImpl::forward(Tensor input) {
  return F::dropout(
      std::move(input),
      F::DropoutFuncOptions().p(options.p()).training(is_training()).inplace(options.inplace()));
}

EmbeddingImpl::EmbeddingImpl(EmbeddingOptions options_) : options(std::move(options_)) { reset(); }

void EmbeddingImpl::reset() {
  if (options.padding_idx()) {
    int64_t& p = *options.padding_idx();
    TORSH_CHECK(p < options.num_embeddings() && p >= -options.num_embeddings(),
                "Padding_idx must be within num_embedding");
    if (p < 0) p += options.num_embeddings();
  }
  if (options._weight().defined()) {
    const std::vector<int64_t> expected{options.num_embeddings(), options.embedding_dim()};
    TORSH_CHECK(options._weight().sizes().vec() == expected,
                "Shape of _weight does not match num_embeddings and embedding_dim");
    weight = register_parameter("weight", options._weight());
    return;
  }
  weight = register_parameter("weight",
                              torsh::empty({options.num_embeddings(), options.embedding_dim()}));
  reset_parameters();
}

Embedding Embedding::from_pretrained(const Tensor& embeddings,
                                     const EmbeddingFromPretrainedOptions& options) {
  TORSH_CHECK(embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional");
  Embedding embedding(EmbeddingOptions(embeddings.size(0), embeddings.size(1))
                          ._weight(embeddings)
                          .padding_idx(options.padding_idx())
                          .max_norm(options.max_norm())
                          .norm_type(options.norm_type())
                          .scale_grad_by_freq(options.scale_grad_by_freq())
                          .sparse(options.sparse()));
  embedding->weight.set_requires_grad(!options.freeze());
  return embedding;
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx()) {
    NoGradGuard guard;
    weight[*options.padding_idx()].fill_(0);
  }
}

void EmbeddingImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Embedding(num_embeddings=" << options.num_embeddings()
    << ", embedding_dim=" << options.embedding_dim();
  if (options.padding_idx()) s << ", padding_idx=" << *options.padding_idx();
  if (options.max_norm()) s << ", max_norm=" << *options.max_norm();
  if (options.norm_type() != 2) s << ", norm_type=" << options.norm_type();
  if (options.scale_grad_by_freq()) s << ", scale_grad_by_freq=true";
  if (options.sparse()) s << ", sparse=true";
  s << ")";
}

Tensor EmbeddingImpl::forward(const Tensor& indices) {
  if (options.max_norm()) {
    // torch.embedding_renorm_: the looked-up rows whose norm exceeds max_norm are scaled to
    // max_norm / (norm + 1e-7), in place and without history
    NoGradGuard no_grad;
    const Tensor rows = std::get<0>(torsh::_unique2(indices.reshape({-1}).to(kLong), true));
    const Tensor w = weight.index_select(0, rows);
    const Tensor norms = w.norm(Scalar(options.norm_type()), {1}, true);
    const Tensor scale = torsh::where(
        norms > *options.max_norm(), *options.max_norm() / (norms + 1e-7), torsh::ones_like(norms));
    weight.index_copy_(0, rows, w * scale);
  }
  return torsh::embedding(weight, indices, options.padding_idx().value_or(-1),
                          options.scale_grad_by_freq(), options.sparse());
}

void ReLUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::ReLU(" << (options.inplace() ? "inplace=true" : "") << ")";
}
Tensor ReLUImpl::forward(Tensor input) { return F::relu(std::move(input), options); }
void LeakyReLUImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::LeakyReLU(negative_slope=";
  print_double(s, options.negative_slope()) << (options.inplace() ? ", inplace=true" : "") << ")";
}
Tensor LeakyReLUImpl::forward(Tensor input) { return F::leaky_relu(std::move(input), options); }
void GELUImpl::pretty_print(std::ostream& s) const { s << "torch::nn::GELU()"; }
Tensor GELUImpl::forward(Tensor input) { return F::gelu(input, options); }
void SigmoidImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Sigmoid()"; }
Tensor SigmoidImpl::forward(Tensor input) { return torsh::sigmoid(input); }
void TanhImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Tanh()"; }
Tensor TanhImpl::forward(Tensor input) { return torsh::tanh(input); }
void SiLUImpl::pretty_print(std::ostream& s) const { s << "torch::nn::SiLU()"; }
Tensor SiLUImpl::forward(Tensor input) { return torsh::silu(input); }

void SoftmaxImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Softmax(dim=" << options.dim() << ")";
}
Tensor SoftmaxImpl::forward(const Tensor& input) { return torsh::softmax(input, options.dim()); }
void LogSoftmaxImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::LogSoftmax(dim=" << options.dim() << ")";
}
Tensor LogSoftmaxImpl::forward(const Tensor& input) {
  return torsh::log_softmax(input, options.dim());
}

void FunctionalImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Functional()"; }

// ---- containers ---------------------------------------------------------------------------------
void SequentialImpl::pretty_print(std::ostream& s) const { s << "torch::nn::Sequential"; }

void SequentialImpl::add(std::string name, std::shared_ptr<Module> module, Bind bind) {
  register_module(std::move(name), module);
  NamedAnyModule::Bound bound = bind(module);
  forwards_.push_back(std::move(bound.tensor));
  any_forwards_.push_back(std::move(bound.any));
  binds_.push_back(bind);
  modules_.push_back(std::move(module));
}

std::shared_ptr<Module> SequentialImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<SequentialImpl>();
  for (size_t i = 0; i < modules_.size(); ++i) {
    copy->add(children_[i].key(), modules_[i]->clone(device), binds_[i]);
  }
  return copy;
}

Tensor SequentialImpl::forward(Tensor input) {
  TORSH_CHECK(!forwards_.empty(), "Cannot call forward() on an empty Sequential");
  for (auto& f : forwards_) input = f(std::move(input));
  return input;
}

std::any SequentialImpl::forward_any(Tensor input) {
  TORSH_CHECK(!forwards_.empty(), "Cannot call forward() on an empty Sequential");
  for (size_t i = 0; i + 1 < forwards_.size(); ++i) input = forwards_[i](std::move(input));
  return any_forwards_.back()(std::move(input));
}

void ModuleListImpl::pretty_print(std::ostream& s) const { s << "torch::nn::ModuleList"; }

void ModuleListImpl::push_back_ptr(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

std::shared_ptr<Module> ModuleListImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleListImpl>();
  for (const auto& m : modules_) copy->push_back_ptr(m->clone(device));
  return copy;
}

// ---- losses -------------------------------------------------------------------------------------
#define TORSH_LOSS_PRINT(Name) \
  void Name##Impl::pretty_print(std::ostream& s) const { s << "torch::nn::" #Name "()"; }
TORSH_LOSS_PRINT(MSELoss)
TORSH_LOSS_PRINT(L1Loss)
TORSH_LOSS_PRINT(NLLLoss)
TORSH_LOSS_PRINT(CrossEntropyLoss)
TORSH_LOSS_PRINT(BCELoss)
TORSH_LOSS_PRINT(BCEWithLogitsLoss)
#undef TORSH_LOSS_PRINT

Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::mse_loss(input, target, options);
}
Tensor L1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::l1_loss(input, target, options);
}
Tensor NLLLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::nll_loss(input, target, options);
}
Tensor CrossEntropyLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::cross_entropy(input, target, options);
}
Tensor BCELossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy(input, target, options);
}
Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy_with_logits(input, target, options);
}

}  // namespace torsh::nn
