// torsh/nn/layers.h (part 1): padding, distances, instance / local response / cross-map
// normalisation, group_norm, Bilinear, Fold / Unfold, embedding and EmbeddingBag, with
// libtorch 1.13's checks and printing. The pooling half is in pooling_extra.cpp.
#include "torsh/nn/layers.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <variant>

#include "nn/layer_init.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/init.h"
#include "torsh/nn/resample.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace F = functional;
using detail::opt;

namespace {

const char* b(bool v) { return v ? "true" : "false"; }

// libtorch's enum name of an EmbeddingBag mode.
const char* mode_name(const EmbeddingBagMode& mode) {
  if (std::holds_alternative<enumtype::kSum>(mode)) return "kSum";
  if (std::holds_alternative<enumtype::kMean>(mode)) return "kMean";
  return "kMax";
}

// torch's legacy type name of a CPU tensor (torch.FloatTensor), as ATen's argument checks print.
std::string type_name(const Tensor& t) {
  switch (t.scalar_type()) {
    case kHalf:
      return "torch.HalfTensor";
    case kBFloat16:
      return "torch.BFloat16Tensor";
    case kFloat:
      return "torch.FloatTensor";
    case kDouble:
      return "torch.DoubleTensor";
    case kLong:
      return "torch.LongTensor";
    case kInt:
      return "torch.IntTensor";
    case kShort:
      return "torch.ShortTensor";
    case kChar:
      return "torch.CharTensor";
    case kByte:
      return "torch.ByteTensor";
    case kBool:
      return "torch.BoolTensor";
    default:
      return std::string("torch.") + scalar_type_name(t.scalar_type()) + "Tensor";
  }
}

// torch.embedding_renorm_ (libtorch passes max_norm and norm_type through float): the rows of
// weight looked up by input whose norm exceeds max_norm are scaled to max_norm / (norm + 1e-7),
// in place and without history.
void embedding_renorm(const Tensor& weight, const Tensor& input, float max_norm, float norm_type) {
  NoGradGuard no_grad;
  const Tensor rows = std::get<0>(torsh::_unique2(input.reshape({-1}).to(kLong), true));
  const Tensor w = weight.index_select(0, rows);
  const Tensor norms = w.norm(Scalar(static_cast<double>(norm_type)), {1}, true);
  const double m = max_norm;
  const Tensor scale = torsh::where(norms > m, m / (norms + 1e-7), torsh::ones_like(norms));
  weight.index_copy_(0, rows, w * scale);
}

// A 1-D int64 tensor holding values.
Tensor long_tensor(const std::vector<int64_t>& values) {
  Tensor t = torsh::empty({static_cast<int64_t>(values.size())}, TensorOptions(kLong));
  std::copy(values.begin(), values.end(), t.data_ptr<int64_t>());
  return t;
}

// Padding an index within [-n, n) to [0, n), with libtorch's Embedding messages.
int64_t embedding_padding_idx(int64_t padding_idx, int64_t n) {
  if (padding_idx > 0) {
    TORSH_CHECK(padding_idx < n, "Padding_idx must be within num_embeddings");
  } else if (padding_idx < 0) {
    TORSH_CHECK(padding_idx >= -n, "Padding_idx must be within num_embedding");
    padding_idx += n;
  }
  return padding_idx;
}

// ATen's embedding_bag forward (CPU), composed: bag b holds the indices at positions
// [offsets[b], offsets[b + 1]) (the last bag runs to the end, or to the extra last offset);
// entries equal to padding_idx are skipped (and not counted by the mean); an empty bag is zeros.
Tensor embedding_bag_impl(const Tensor& weight, const Tensor& indices_in, const Tensor& offsets_in,
                          bool scale_grad_by_freq, int64_t mode, bool sparse,
                          const Tensor& per_sample_weights, bool include_last_offset,
                          std::optional<int64_t> padding_idx) {
  const int64_t num = weight.size(0);
  int64_t pad = -1;
  if (padding_idx) {
    TORSH_CHECK(*padding_idx >= -num && *padding_idx < num,
                "padding_idx must be within the number of embeddings, -", num, " through ", num - 1,
                ", but got ", *padding_idx);
    pad = *padding_idx < 0 ? *padding_idx + num : *padding_idx;
  }
  const char* where = " (while checking arguments for embedding_bag)";
  for (const Tensor* t : {&indices_in, &offsets_in}) {
    // ATen names both arguments 'indices'
    TORSH_CHECK(t->scalar_type() == kLong || t->scalar_type() == kInt,
                "Expected tensor for argument #1 'indices' to have one of the following scalar "
                "types: Long, Int; but got ",
                type_name(*t), " instead", where);
  }
  const ScalarType wt = weight.scalar_type();
  TORSH_CHECK(wt == kHalf || wt == kBFloat16 || wt == kFloat || wt == kDouble,
              "Expected tensor for argument #1 'weight' to have one of the following scalar types: "
              "Half, Float, Double; but got ",
              type_name(weight), " instead", where);
  if (per_sample_weights.defined()) {
    TORSH_CHECK(per_sample_weights.scalar_type() == wt,
                "Expected tensor for argument #1 'weight' to have the same type as tensor for "
                "argument #1 'per_sample_weights'; but type ",
                type_name(weight), " does not equal ", type_name(per_sample_weights), where);
  }
  TORSH_CHECK(!include_last_offset || offsets_in.size(0) >= 1,
              "include_last_offset: number of offset should be at least 1");
  const Tensor indices = indices_in.reshape({-1}).to(kLong).contiguous();
  const Tensor offsets = offsets_in.to(kLong).contiguous();
  const int64_t length = indices.numel();
  const int64_t n_off = offsets.numel();
  const int64_t* off = offsets.data_ptr<int64_t>();
  const int64_t* idx = indices.data_ptr<int64_t>();
  if (n_off > 0) {
    TORSH_CHECK(off[0] == 0,
                "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                "from position 0. However, got ",
                off[0]);
    TORSH_CHECK(off[n_off - 1] <= length, "offsets[-1] can not be greater than input's length ",
                length, " but got offsets[-1] of ", off[n_off - 1]);
    for (int64_t i = 1; i < n_off; ++i) {
      TORSH_CHECK(off[i] >= off[i - 1], "embedding_bag: offsets have to be non-decreasing");
    }
  }
  for (int64_t i = 0; i < length; ++i) {
    TORSH_CHECK(idx[i] >= 0 && idx[i] < num,
                "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be ",
                idx[i]);
  }
  const int64_t num_bags = include_last_offset ? n_off - 1 : n_off;
  const int64_t end = include_last_offset ? off[n_off - 1] : length;
  const int64_t dim = weight.size(1);  // raises for a 1-D weight, as ATen
  Tensor out = torsh::zeros({num_bags, dim}, weight.options());
  if (num_bags == 0) return out;
  // the kept positions, their rows and their bags
  std::vector<int64_t> positions, rows, bags;
  std::vector<double> counts(static_cast<size_t>(num_bags), 0.0);
  int64_t bag = 0;
  for (int64_t p = 0; p < end; ++p) {
    while (bag + 1 < num_bags && off[bag + 1] <= p) ++bag;
    if (idx[p] == pad) continue;
    positions.push_back(p);
    rows.push_back(idx[p]);
    bags.push_back(bag);
    counts[static_cast<size_t>(bag)] += 1;
  }
  const auto n_kept = static_cast<int64_t>(rows.size());
  const Tensor bag_index = long_tensor(bags);
  Tensor values = torsh::embedding(weight, long_tensor(rows), -1, scale_grad_by_freq, sparse);
  if (per_sample_weights.defined()) {
    const Tensor w = per_sample_weights.reshape({-1}).index_select(0, long_tensor(positions));
    values = values * w.unsqueeze(1);
  }
  if (mode == 2) {
    return out.scatter_reduce(0, bag_index.unsqueeze(1).expand({n_kept, dim}), values, "amax",
                              false);
  }
  out = out.index_add(0, bag_index, values);
  if (mode == 1) {
    Tensor divisor = torsh::empty({num_bags}, TensorOptions(kDouble));
    std::transform(counts.begin(), counts.end(), divisor.data_ptr<double>(),
                   [](double c) { return std::max(c, 1.0); });
    out = out / divisor.to(weight.scalar_type()).unsqueeze(1);
  }
  return out;
}

}  // namespace

// ---- functionals
// ----------------------------------------------------------------------------------
namespace functional {

Tensor cosine_similarity(const Tensor& x1, const Tensor& x2,
                         const CosineSimilarityFuncOptions& options) {
  return torsh::cosine_similarity(x1, x2, options.dim(), options.eps());
}

Tensor pairwise_distance(const Tensor& x1, const Tensor& x2,
                         const PairwiseDistanceFuncOptions& options) {
  return torsh::pairwise_distance(x1, x2, options.p(), options.eps(), options.keepdim());
}

Tensor pdist(const Tensor& input, double p) { return torsh::pdist(input, p); }

Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options) {
  return torsh::instance_norm(input, opt(options.weight()), opt(options.bias()),
                              opt(options.running_mean()), opt(options.running_var()),
                              options.use_input_stats(), options.momentum(), options.eps(), false);
}

Tensor local_response_norm(const Tensor& input, const LocalResponseNormFuncOptions& options) {
  const int64_t dim = input.dim();
  TORSH_CHECK(dim >= 3, "Expected 3D or higher dimensionality input (got ", dim, " dimensions)");
  const int64_t size = options.size();
  Tensor div = input.mul(input).unsqueeze(1);
  if (dim == 3) {
    div = torsh::pad(div, {0, 0, size / 2, (size - 1) / 2}, "constant", 0.0);
    div = torsh::avg_pool2d(div, {size, 1}, {1, 1}, {0, 0}, false, true).squeeze(1);
  } else {
    const std::vector<int64_t> sizes = input.sizes().vec();
    div = div.view({sizes[0], 1, sizes[1], sizes[2], -1});
    div = torsh::pad(div, {0, 0, 0, 0, size / 2, (size - 1) / 2}, "constant", 0.0);
    div = torsh::avg_pool3d(div, {size, 1, 1}, {1, 1, 1}, {0, 0, 0}, false, true).squeeze(1);
    div = div.view(sizes);
  }
  div = div.mul(options.alpha()).add(options.k()).pow(options.beta());
  return input / div;
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options) {
  return torsh::group_norm(input, options.num_groups(), opt(options.weight()), opt(options.bias()),
                           options.eps(), false);
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias) {
  return torsh::bilinear(input1, input2, weight, opt(bias));
}

Tensor fold(const Tensor& input, const FoldFuncOptions& options) {
  TORSH_CHECK(input.dim() == 3 || input.dim() == 2,
              "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ",
              input.dim(), "D)");
  return torsh::col2im(input, options.output_size(), options.kernel_size(), options.dilation(),
                       options.padding(), options.stride());
}

Tensor unfold(const Tensor& input, const UnfoldFuncOptions& options) {
  TORSH_CHECK(input.dim() == 4, "Input Error: Only 4D input Tensors are supported (got ",
              input.dim(), "D)");
  return torsh::im2col(input, options.kernel_size(), options.dilation(), options.padding(),
                       options.stride());
}

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options) {
  const int64_t padding_idx =
      options.padding_idx() ? embedding_padding_idx(*options.padding_idx(), weight.size(0)) : -1;
  Tensor in = input;
  if (options.max_norm()) {
    in = in.contiguous();
    embedding_renorm(weight, in, static_cast<float>(*options.max_norm()),
                     static_cast<float>(options.norm_type()));
  }
  return torsh::embedding(weight, in, padding_idx, options.scale_grad_by_freq(), options.sparse());
}

Tensor embedding_bag(const Tensor& input, const Tensor& weight,
                     const EmbeddingBagFuncOptions& options) {
  Tensor in = input;
  Tensor offsets = options.offsets();
  Tensor per_sample_weights = options.per_sample_weights();
  TORSH_CHECK(!per_sample_weights.defined() || in.sizes().vec() == per_sample_weights.sizes().vec(),
              "embedding_bag: If per_sample_weights (",
              ::torsh::detail::shape_str(per_sample_weights.defined() ? per_sample_weights.sizes()
                                                                      : IntArrayRef()),
              ") is not null, then it must have the same shape as the input (",
              ::torsh::detail::shape_str(in.sizes()), ")");
  if (in.dim() == 2) {
    TORSH_CHECK(!offsets.defined(),
                "If input is 2D, then offsets has to be null, as input is treated is a mini-batch "
                "of fixed length sequences. However, found offsets of type Tensor");
    offsets = torsh::arange(0, in.numel(), in.size(1), TensorOptions(kLong));
    in = in.reshape({-1});
    if (per_sample_weights.defined()) per_sample_weights = per_sample_weights.reshape({-1});
  } else if (in.dim() == 1) {
    TORSH_CHECK(offsets.defined(), "offsets has to be a 1D Tensor but got null");
    TORSH_CHECK(offsets.dim() == 1, "offsets has to be a 1D Tensor");
    TORSH_CHECK_INDEX(offsets.numel() > 0, "index 0 is out of bounds for dimension 0 with size 0");
    const auto first = offsets[0].item<int64_t>();
    TORSH_CHECK(first == 0,
                "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                "from position 0. However, got ",
                first);
    const auto last = offsets[offsets.numel() - 1].item<int64_t>();
    TORSH_CHECK(last <= in.size(0), "offsets[-1] can not be greater than input's length({",
                in.size(0), "}), but got offsets[-1] of {", last, "}");
  } else {
    TORSH_CHECK(false, "input has to be 1D or 2D Tensor, but got Tensor of dimension ", in.dim());
  }
  const EmbeddingBagMode& mode = options.mode();
  int64_t mode_enum = 0;
  if (std::holds_alternative<enumtype::kMean>(mode)) {
    mode_enum = 1;
  } else if (std::holds_alternative<enumtype::kMax>(mode)) {
    mode_enum = 2;
    TORSH_CHECK(!options.scale_grad_by_freq(),
                "max mode does not support scaling the gradient by the frequency");
    TORSH_CHECK(!options.sparse(), "max mode does not support sparse weights");
  }
  if (options.max_norm()) {
    embedding_renorm(weight, in, static_cast<float>(*options.max_norm()),
                     static_cast<float>(options.norm_type()));
  }
  TORSH_CHECK(!per_sample_weights.defined() || mode_enum == 0,
              "embedding_bag: per_sample_weights was not null. per_sample_weights is only "
              "supported for mode='kSum' (got mode='",
              mode_name(mode), "').Please open a feature request on GitHub.");
  return embedding_bag_impl(weight, in, offsets, options.scale_grad_by_freq(), mode_enum,
                            options.sparse(), per_sample_weights, options.include_last_offset(),
                            options.padding_idx());
}

}  // namespace functional

// ---- padding
// ----------------------------------------------------------------------------------------
template <size_t D, typename Derived>
void ReflectionPadImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::ReflectionPad" << D << "d(padding=" << options.padding() << ")";
}
template <size_t D, typename Derived>
Tensor ReflectionPadImpl<D, Derived>::forward(const Tensor& input) {
  return F::pad(input, F::PadFuncOptions(options.padding().vec()).mode(torsh::kReflect));
}
template class ReflectionPadImpl<1, ReflectionPad1dImpl>;
template class ReflectionPadImpl<2, ReflectionPad2dImpl>;
template class ReflectionPadImpl<3, ReflectionPad3dImpl>;

template <size_t D, typename Derived>
void ReplicationPadImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::ReplicationPad" << D << "d(padding=" << options.padding() << ")";
}
template <size_t D, typename Derived>
Tensor ReplicationPadImpl<D, Derived>::forward(const Tensor& input) {
  return F::pad(input, F::PadFuncOptions(options.padding().vec()).mode(torsh::kReplicate));
}
template class ReplicationPadImpl<1, ReplicationPad1dImpl>;
template class ReplicationPadImpl<2, ReplicationPad2dImpl>;
template class ReplicationPadImpl<3, ReplicationPad3dImpl>;

template <size_t D, typename Derived>
void ConstantPadImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::ConstantPad" << D << "d(padding=" << options.padding()
    << ", value=" << options.value() << ")";
}
template <size_t D, typename Derived>
Tensor ConstantPadImpl<D, Derived>::forward(const Tensor& input) {
  return F::pad(
      input,
      F::PadFuncOptions(options.padding().vec()).mode(torsh::kConstant).value(options.value()));
}
template class ConstantPadImpl<1, ConstantPad1dImpl>;
template class ConstantPadImpl<2, ConstantPad2dImpl>;
template class ConstantPadImpl<3, ConstantPad3dImpl>;

void ZeroPad2dImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::ZeroPad2d(padding=" << options.padding() << ")";
}
Tensor ZeroPad2dImpl::forward(const Tensor& input) {
  return F::pad(input, F::PadFuncOptions(options.padding().vec()).mode(torsh::kConstant));
}

// ---- distances
// ----------------------------------------------------------------------------------------
void CosineSimilarityImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::CosineSimilarity(dim=" << options.dim() << ", eps=" << options.eps() << ")";
}
Tensor CosineSimilarityImpl::forward(const Tensor& input1, const Tensor& input2) {
  return F::cosine_similarity(input1, input2, options);
}

void PairwiseDistanceImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::PairwiseDistance(p=" << options.p() << ", eps=" << options.eps()
    << ", keepdim=" << b(options.keepdim()) << ")";
}
Tensor PairwiseDistanceImpl::forward(const Tensor& input1, const Tensor& input2) {
  return F::pairwise_distance(input1, input2, options);
}

// ---- instance norm
// ----------------------------------------------------------------------------------
template <size_t D, typename Derived>
InstanceNormImpl<D, Derived>::InstanceNormImpl(const InstanceNormOptions& options_)
    : options(options_) {
  reset();
}

template <size_t D, typename Derived>
void InstanceNormImpl<D, Derived>::reset() {
  detail::register_norm_state(*this, options.num_features(), options.affine(),
                              options.track_running_stats(),
                              {weight, bias, running_mean, running_var, num_batches_tracked});
}

template <size_t D, typename Derived>
void InstanceNormImpl<D, Derived>::reset_running_stats() {
  detail::reset_norm_state(false, options.track_running_stats(),
                           {weight, bias, running_mean, running_var, num_batches_tracked});
}

template <size_t D, typename Derived>
void InstanceNormImpl<D, Derived>::reset_parameters() {
  detail::reset_norm_state(options.affine(), options.track_running_stats(),
                           {weight, bias, running_mean, running_var, num_batches_tracked});
}

template <size_t D, typename Derived>
void InstanceNormImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::InstanceNorm" << D << "d(" << options.num_features() << ", eps=" << options.eps()
    << ", momentum=" << options.momentum() << ", affine=" << b(options.affine())
    << ", track_running_stats=" << b(options.track_running_stats()) << ")";
}

template <size_t D, typename Derived>
Tensor InstanceNormImpl<D, Derived>::forward(const Tensor& input) {
  const auto unbatched = static_cast<int64_t>(D) + 1;
  TORSH_CHECK_VALUE(input.dim() == unbatched || input.dim() == unbatched + 1, "expected ",
                    unbatched, "D or ", unbatched + 1, "D input (got ", input.dim(), "D input)");
  auto apply = [this](const Tensor& x) {
    return F::instance_norm(
        x, F::InstanceNormFuncOptions()
               .running_mean(running_mean)
               .running_var(running_var)
               .weight(weight)
               .bias(bias)
               .use_input_stats(this->is_training() || !options.track_running_stats())
               .momentum(options.momentum())
               .eps(options.eps()));
  };
  if (input.dim() == unbatched) return apply(input.unsqueeze(0)).squeeze(0);
  return apply(input);
}

template class InstanceNormImpl<1, InstanceNorm1dImpl>;
template class InstanceNormImpl<2, InstanceNorm2dImpl>;
template class InstanceNormImpl<3, InstanceNorm3dImpl>;

// ---- local response norm, cross-map LRN
// --------------------------------------------------------------
void LocalResponseNormImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::LocalResponseNorm(" << options.size() << ", alpha=" << options.alpha()
    << ", beta=" << options.beta() << ", k=" << options.k() << ")";
}
Tensor LocalResponseNormImpl::forward(const Tensor& input) {
  return F::local_response_norm(input, options);
}

void CrossMapLRN2dImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::CrossMapLRN2d(" << options.size() << ", alpha=" << options.alpha()
    << ", beta=" << options.beta() << ", k=" << options.k() << ")";
}

Tensor CrossMapLRN2dImpl::forward(const Tensor& input) {
  return torsh::_cross_map_lrn2d(input, options.size(), options.alpha(), options.beta(),
                                 options.k());
}

// ---- Bilinear, Fold, Unfold
// --------------------------------------------------------------------------
BilinearImpl::BilinearImpl(const BilinearOptions& options_) : options(options_) { reset(); }

void BilinearImpl::reset() {
  weight = register_parameter(
      "weight",
      torsh::empty({options.out_features(), options.in1_features(), options.in2_features()}));
  if (options.bias()) {
    bias = register_parameter("bias", torsh::empty({options.out_features()}));
  } else {
    bias = register_parameter("bias", Tensor(), false);
  }
  reset_parameters();
}

void BilinearImpl::reset_parameters() {
  const double bound = 1.0 / std::sqrt(static_cast<double>(weight.size(1)));
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}

void BilinearImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Bilinear(in1_features=" << options.in1_features()
    << ", in2_features=" << options.in2_features() << ", out_features=" << options.out_features()
    << ", bias=" << b(options.bias()) << ")";
}

Tensor BilinearImpl::forward(const Tensor& input1, const Tensor& input2) {
  return F::bilinear(input1, input2, weight, bias);
}

void FoldImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Fold(output_size=" << options.output_size()
    << ", kernel_size=" << options.kernel_size() << ", dilation=" << options.dilation()
    << ", padding=" << options.padding() << ", stride=" << options.stride() << ")";
}
Tensor FoldImpl::forward(const Tensor& input) { return F::fold(input, options); }

void UnfoldImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Unfold(kernel_size=" << options.kernel_size()
    << ", dilation=" << options.dilation() << ", padding=" << options.padding()
    << ", stride=" << options.stride() << ")";
}
Tensor UnfoldImpl::forward(const Tensor& input) { return F::unfold(input, options); }

// ---- EmbeddingBag
// ------------------------------------------------------------------------------------
EmbeddingBagImpl::EmbeddingBagImpl(const EmbeddingBagOptions& options_) : options(options_) {
  reset();
}

void EmbeddingBagImpl::reset() {
  if (options.padding_idx()) {
    options.padding_idx(embedding_padding_idx(*options.padding_idx(), options.num_embeddings()));
  }
  if (options._weight().defined()) {
    const std::vector<int64_t> expected{options.num_embeddings(), options.embedding_dim()};
    TORSH_CHECK(options._weight().sizes().vec() == expected,
                "Shape of weight does not match num_embeddings and embedding_dim");
    weight = register_parameter("weight", options._weight());
    return;
  }
  weight = register_parameter("weight",
                              torsh::empty({options.num_embeddings(), options.embedding_dim()}));
  reset_parameters();
}

void EmbeddingBagImpl::reset_parameters() { init::normal_(weight); }

void EmbeddingBagImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::EmbeddingBag(num_embeddings=" << options.num_embeddings()
    << ", embedding_dim=" << options.embedding_dim();
  if (options.max_norm()) s << ", max_norm=" << *options.max_norm();
  if (options.norm_type() != 2) s << ", norm_type=" << options.norm_type();
  if (options.scale_grad_by_freq()) s << ", scale_grad_by_freq=true";
  if (options.sparse()) s << ", sparse=true";
  if (!std::holds_alternative<enumtype::kMean>(options.mode())) {
    s << ", mode=" << mode_name(options.mode());
  }
  if (options.include_last_offset()) s << ", include_last_offset=true";
  if (options.padding_idx()) s << ", padding_idx=" << *options.padding_idx();
  s << ")";
}

Tensor EmbeddingBagImpl::forward(const Tensor& input, const Tensor& offsets,
                                 const Tensor& per_sample_weights) {
  return F::embedding_bag(input, weight,
                          F::EmbeddingBagFuncOptions()
                              .offsets(offsets)
                              .max_norm(options.max_norm())
                              .norm_type(options.norm_type())
                              .scale_grad_by_freq(options.scale_grad_by_freq())
                              .mode(options.mode())
                              .sparse(options.sparse())
                              .per_sample_weights(per_sample_weights)
                              .include_last_offset(options.include_last_offset())
                              .padding_idx(options.padding_idx()));
}

EmbeddingBag EmbeddingBag::from_pretrained(const Tensor& embeddings,
                                           const EmbeddingBagFromPretrainedOptions& options) {
  TORSH_CHECK(embeddings.dim() == 2, "Embeddings parameter is expected to be 2-dimensional");
  EmbeddingBag bag(EmbeddingBagOptions(embeddings.size(0), embeddings.size(1))
                       ._weight(embeddings)
                       .max_norm(options.max_norm())
                       .norm_type(options.norm_type())
                       .scale_grad_by_freq(options.scale_grad_by_freq())
                       .mode(options.mode())
                       .sparse(options.sparse())
                       .include_last_offset(options.include_last_offset())
                       .padding_idx(options.padding_idx()));
  bag->weight.set_requires_grad(!options.freeze());
  return bag;
}

}  // namespace torsh::nn
