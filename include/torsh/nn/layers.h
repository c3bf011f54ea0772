#pragma once
// libtorch's remaining layer modules, their options and functionals: padding (ReflectionPad,
// ReplicationPad, ZeroPad2d, ConstantPad), distances (CosineSimilarity, PairwiseDistance, pdist),
// InstanceNorm, LocalResponseNorm, CrossMapLRN2d, F::group_norm, Bilinear, Fold / Unfold,
// pooling with indices (F::max_pool*d_with_indices, AdaptiveMaxPool), MaxUnpool, LPPool,
// FractionalMaxPool, F::embedding and EmbeddingBag; with libtorch 1.13's names, defaults, checks
// and printing, over torsh's ops.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <tuple>
#include <variant>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/functional.h"
#include "torsh/nn/module.h"
#include "torsh/nn/options.h"

namespace torsh {
namespace enumtype {
struct kMax {};
}  // namespace enumtype
/// EmbeddingBag's max mode (torch::kMax).
inline constexpr enumtype::kMax kMax{};
}  // namespace torsh

namespace torsh::nn {

/// D values that may each be absent (nullopt: keep the input's size there), or one value for all:
/// libtorch's output_size of the adaptive poolings, AdaptiveMaxPool2dOptions({3, std::nullopt}).
template <size_t D, typename T = int64_t>
class ExpandingArrayWithOptionalElem : public ExpandingArray<D, std::optional<T>> {
 public:
  using Base = ExpandingArray<D, std::optional<T>>;
  using Base::Base;
  ExpandingArrayWithOptionalElem(std::initializer_list<T> list)  // NOLINT
      : ExpandingArrayWithOptionalElem(std::vector<T>(list)) {}
  ExpandingArrayWithOptionalElem(const std::vector<T>& values) : Base(std::nullopt) {  // NOLINT
    TORSH_CHECK(values.size() == D, "Expected ", D, " values, but instead got ", values.size());
    for (size_t i = 0; i < D; ++i) (*this)[i] = values[i];
  }
  ExpandingArrayWithOptionalElem(T single) : Base(std::optional<T>(single)) {}           // NOLINT
  ExpandingArrayWithOptionalElem(const std::array<T, D>& values) : Base(std::nullopt) {  // NOLINT
    for (size_t i = 0; i < D; ++i) (*this)[i] = values[i];
  }
};

/// As libtorch: one value bare, else [3, None].
template <size_t D, typename T>
std::ostream& operator<<(std::ostream& s, const ExpandingArrayWithOptionalElem<D, T>& a) {
  auto one = [&s](const std::optional<T>& v) -> std::ostream& {
    return v ? (s << *v) : (s << "None");
  };
  if constexpr (D == 1) return one(a[0]);
  s << "[";
  for (size_t i = 0; i < D; ++i) {
    if (i) s << ", ";
    one(a[i]);
  }
  return s << "]";
}

// ---- options ------------------------------------------------------------------------------------

/// Reflection padding of the last D dims: (left, right[, top, bottom[, front, back]]).
template <size_t D>
struct ReflectionPadOptions {
  ReflectionPadOptions(ExpandingArray<D * 2> padding) : padding_(padding) {}  // NOLINT
  TORSH_ARG(ExpandingArray<D * 2>, padding);
};
using ReflectionPad1dOptions = ReflectionPadOptions<1>;
using ReflectionPad2dOptions = ReflectionPadOptions<2>;
using ReflectionPad3dOptions = ReflectionPadOptions<3>;

template <size_t D>
struct ReplicationPadOptions {
  ReplicationPadOptions(ExpandingArray<D * 2> padding) : padding_(padding) {}  // NOLINT
  TORSH_ARG(ExpandingArray<D * 2>, padding);
};
using ReplicationPad1dOptions = ReplicationPadOptions<1>;
using ReplicationPad2dOptions = ReplicationPadOptions<2>;
using ReplicationPad3dOptions = ReplicationPadOptions<3>;

struct ZeroPad2dOptions {
  ZeroPad2dOptions(ExpandingArray<4> padding) : padding_(padding) {}  // NOLINT
  TORSH_ARG(ExpandingArray<4>, padding);
};

/// Constant padding with `value`.
template <size_t D>
struct ConstantPadOptions {
  ConstantPadOptions(ExpandingArray<D * 2> padding, double value)
      : padding_(padding), value_(value) {}
  TORSH_ARG(ExpandingArray<D * 2>, padding);
  TORSH_ARG(double, value);
};
using ConstantPad1dOptions = ConstantPadOptions<1>;
using ConstantPad2dOptions = ConstantPadOptions<2>;
using ConstantPad3dOptions = ConstantPadOptions<3>;

struct CosineSimilarityOptions {
  TORSH_ARG(int64_t, dim) = 1;
  TORSH_ARG(double, eps) = 1e-8;
};

struct PairwiseDistanceOptions {
  TORSH_ARG(double, p) = 2.0;
  TORSH_ARG(double, eps) = 1e-6;
  TORSH_ARG(bool, keepdim) = false;
};

struct InstanceNormOptions {
  InstanceNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT
  TORSH_ARG(int64_t, num_features);
  TORSH_ARG(double, eps) = 1e-5;
  TORSH_ARG(double, momentum) = 0.1;
  TORSH_ARG(bool, affine) = false;
  TORSH_ARG(bool, track_running_stats) = false;
};
using InstanceNorm1dOptions = InstanceNormOptions;
using InstanceNorm2dOptions = InstanceNormOptions;
using InstanceNorm3dOptions = InstanceNormOptions;

/// Normalisation over `size` neighbouring channels.
struct LocalResponseNormOptions {
  LocalResponseNormOptions(int64_t size) : size_(size) {}  // NOLINT
  TORSH_ARG(int64_t, size);
  TORSH_ARG(double, alpha) = 1e-4;
  TORSH_ARG(double, beta) = 0.75;
  TORSH_ARG(double, k) = 1.;
};

/// Lua Torch's SpatialCrossMapLRN (k is an integer, as libtorch's).
struct CrossMapLRN2dOptions {
  CrossMapLRN2dOptions(int64_t size) : size_(size) {}  // NOLINT
  TORSH_ARG(int64_t, size);
  TORSH_ARG(double, alpha) = 1e-4;
  TORSH_ARG(double, beta) = 0.75;
  TORSH_ARG(int64_t, k) = 1;
};

/// y = x1^T A x2 + b, with A of shape [out, in1, in2].
struct BilinearOptions {
  BilinearOptions(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : in1_features_(in1_features), in2_features_(in2_features), out_features_(out_features) {}
  TORSH_ARG(int64_t, in1_features);
  TORSH_ARG(int64_t, in2_features);
  TORSH_ARG(int64_t, out_features);
  TORSH_ARG(bool, bias) = true;
};

/// col2im: sums columns of sliding blocks back into an [N, C, output_size] tensor.
struct FoldOptions {
  FoldOptions(ExpandingArray<2> output_size, ExpandingArray<2> kernel_size)
      : output_size_(output_size), kernel_size_(kernel_size) {}
  TORSH_ARG(ExpandingArray<2>, output_size);
  TORSH_ARG(ExpandingArray<2>, kernel_size);
  TORSH_ARG(ExpandingArray<2>, dilation) = 1;
  TORSH_ARG(ExpandingArray<2>, padding) = 0;
  TORSH_ARG(ExpandingArray<2>, stride) = 1;
};

/// im2col: the sliding blocks of a 4-D input as columns.
struct UnfoldOptions {
  UnfoldOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT
  TORSH_ARG(ExpandingArray<2>, kernel_size);
  TORSH_ARG(ExpandingArray<2>, dilation) = 1;
  TORSH_ARG(ExpandingArray<2>, padding) = 0;
  TORSH_ARG(ExpandingArray<2>, stride) = 1;
};

/// output_size_t: ExpandingArray<1> (1d) or ExpandingArrayWithOptionalElem<D> (2d, 3d).
template <typename output_size_t>
struct AdaptiveMaxPoolOptions {
  AdaptiveMaxPoolOptions(output_size_t output_size) : output_size_(output_size) {}  // NOLINT
  TORSH_ARG(output_size_t, output_size);
};
using AdaptiveMaxPool1dOptions = AdaptiveMaxPoolOptions<ExpandingArray<1>>;
using AdaptiveMaxPool2dOptions = AdaptiveMaxPoolOptions<ExpandingArrayWithOptionalElem<2>>;
using AdaptiveMaxPool3dOptions = AdaptiveMaxPoolOptions<ExpandingArrayWithOptionalElem<3>>;

template <size_t D>
struct MaxUnpoolOptions {
  MaxUnpoolOptions(ExpandingArray<D> kernel_size)  // NOLINT
      : kernel_size_(kernel_size), stride_(kernel_size) {}
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride);
  TORSH_ARG(ExpandingArray<D>, padding) = 0;
};
using MaxUnpool1dOptions = MaxUnpoolOptions<1>;
using MaxUnpool2dOptions = MaxUnpoolOptions<2>;
using MaxUnpool3dOptions = MaxUnpoolOptions<3>;

/// Power-average pooling: (sum over the window of x^p)^(1/p).
template <size_t D>
struct LPPoolOptions {
  LPPoolOptions(double norm_type, ExpandingArray<D> kernel_size)
      : norm_type_(norm_type), kernel_size_(kernel_size), stride_(kernel_size) {}
  TORSH_ARG(double, norm_type);
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride);
  TORSH_ARG(bool, ceil_mode) = false;
};
using LPPool1dOptions = LPPoolOptions<1>;
using LPPool2dOptions = LPPoolOptions<2>;

/// Fractional max pooling (Graham, 2014): an output_size or an output_ratio in (0, 1); the
/// window offsets come from _random_samples ([N, C, D] uniforms, drawn per call when undefined).
template <size_t D>
struct FractionalMaxPoolOptions {
  FractionalMaxPoolOptions(ExpandingArray<D> kernel_size)  // NOLINT
      : kernel_size_(kernel_size) {}
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(std::optional<ExpandingArray<D>>, output_size) = std::nullopt;
  using ExpandingArrayDouble = ExpandingArray<D, double>;
  TORSH_ARG(std::optional<ExpandingArrayDouble>, output_ratio) = std::nullopt;
  TORSH_ARG(Tensor, _random_samples) = Tensor();
};
using FractionalMaxPool2dOptions = FractionalMaxPoolOptions<2>;
using FractionalMaxPool3dOptions = FractionalMaxPoolOptions<3>;

/// How EmbeddingBag reduces a bag: torch::kSum, torch::kMean or torch::kMax.
using EmbeddingBagMode = std::variant<enumtype::kSum, enumtype::kMean, enumtype::kMax>;

struct EmbeddingBagOptions {
  EmbeddingBagOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  TORSH_ARG(int64_t, num_embeddings);
  TORSH_ARG(int64_t, embedding_dim);
  TORSH_ARG(std::optional<double>, max_norm) = std::nullopt;
  TORSH_ARG(double, norm_type) = 2.;
  TORSH_ARG(bool, scale_grad_by_freq) = false;
  TORSH_ARG(EmbeddingBagMode, mode) = torsh::kMean;
  TORSH_ARG(bool, sparse) = false;
  /// The weight to use instead of a fresh normal_ draw ([num_embeddings, embedding_dim]).
  TORSH_ARG(Tensor, _weight) = Tensor();
  /// offsets has one more entry than there are bags: the end of the last one.
  TORSH_ARG(bool, include_last_offset) = false;
  /// Entries equal to padding_idx are left out of their bag (and of a mean's count).
  TORSH_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};

/// EmbeddingBag::from_pretrained's options.
struct EmbeddingBagFromPretrainedOptions {
  TORSH_ARG(bool, freeze) = true;
  TORSH_ARG(std::optional<double>, max_norm) = std::nullopt;
  TORSH_ARG(double, norm_type) = 2.;
  TORSH_ARG(bool, scale_grad_by_freq) = false;
  TORSH_ARG(EmbeddingBagMode, mode) = torsh::kMean;
  TORSH_ARG(bool, sparse) = false;
  TORSH_ARG(bool, include_last_offset) = false;
  TORSH_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};

// ---- functionals --------------------------------------------------------------------------------

namespace functional {

using CosineSimilarityFuncOptions = CosineSimilarityOptions;
using PairwiseDistanceFuncOptions = PairwiseDistanceOptions;
/// Cosine similarity of x1 and x2 (broadcast) along dim.
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2,
                         const CosineSimilarityFuncOptions& options = {});
/// ||x1 - x2 + eps||_p along the last dim.
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2,
                         const PairwiseDistanceFuncOptions& options = {});
/// The p-norm distances between the rows of a 2-D input (the upper triangle, row by row).
Tensor pdist(const Tensor& input, double p = 2.0);

struct InstanceNormFuncOptions {
  TORSH_ARG(Tensor, running_mean) = Tensor();
  TORSH_ARG(Tensor, running_var) = Tensor();
  TORSH_ARG(Tensor, weight) = Tensor();
  TORSH_ARG(Tensor, bias) = Tensor();
  TORSH_ARG(bool, use_input_stats) = true;
  TORSH_ARG(double, momentum) = 0.1;
  TORSH_ARG(double, eps) = 1e-5;
};
/// Normalises each (sample, channel) over its spatial dims; with use_input_stats the running
/// stats (if given) are updated in place.
Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options = {});

using LocalResponseNormFuncOptions = LocalResponseNormOptions;
/// x / (k + alpha * mean of x^2 over `size` neighbouring channels)^beta, for 3-D or more input.
Tensor local_response_norm(const Tensor& input, const LocalResponseNormFuncOptions& options);

struct GroupNormFuncOptions {
  GroupNormFuncOptions(int64_t num_groups) : num_groups_(num_groups) {}  // NOLINT
  TORSH_ARG(int64_t, num_groups);
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(Tensor, bias) = {};
  TORSH_ARG(double, eps) = 1e-5;
};
Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options);

/// x1^T A x2 + b over the last dim of the inputs; weight [out, in1, in2].
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias = Tensor());

using FoldFuncOptions = FoldOptions;
using UnfoldFuncOptions = UnfoldOptions;
/// col2im of a 2-D (unbatched) or 3-D input.
Tensor fold(const Tensor& input, const FoldFuncOptions& options);
/// im2col of a 4-D input.
Tensor unfold(const Tensor& input, const UnfoldFuncOptions& options);

/// Max pooling and the flat index (within each plane) of every maximum.
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input,
                                                   const MaxPool1dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input,
                                                   const MaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input,
                                                   const MaxPool3dFuncOptions& options);

using AdaptiveMaxPool1dFuncOptions = AdaptiveMaxPool1dOptions;
using AdaptiveMaxPool2dFuncOptions = AdaptiveMaxPool2dOptions;
using AdaptiveMaxPool3dFuncOptions = AdaptiveMaxPool3dOptions;
Tensor adaptive_max_pool1d(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options);
Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options);
Tensor adaptive_max_pool3d(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options);
std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(
    const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options);
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(
    const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(
    const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options);

/// MaxUnpool's options, with the output size (the last D dims, or all D + 2).
template <size_t D>
struct MaxUnpoolFuncOptions {
  MaxUnpoolFuncOptions(ExpandingArray<D> kernel_size)  // NOLINT
      : kernel_size_(kernel_size), stride_(kernel_size) {}
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride);
  TORSH_ARG(ExpandingArray<D>, padding) = 0;
  TORSH_ARG(std::optional<std::vector<int64_t>>, output_size) = std::nullopt;
};
using MaxUnpool1dFuncOptions = MaxUnpoolFuncOptions<1>;
using MaxUnpool2dFuncOptions = MaxUnpoolFuncOptions<2>;
using MaxUnpool3dFuncOptions = MaxUnpoolFuncOptions<3>;
/// Puts each value of input at its max-pool index in a zero output (the inverse of max pooling).
Tensor max_unpool1d(const Tensor& input, const Tensor& indices,
                    const MaxUnpool1dFuncOptions& options);
Tensor max_unpool2d(const Tensor& input, const Tensor& indices,
                    const MaxUnpool2dFuncOptions& options);
Tensor max_unpool3d(const Tensor& input, const Tensor& indices,
                    const MaxUnpool3dFuncOptions& options);

using LPPool1dFuncOptions = LPPool1dOptions;
using LPPool2dFuncOptions = LPPool2dOptions;
Tensor lp_pool1d(const Tensor& input, const LPPool1dFuncOptions& options);
Tensor lp_pool2d(const Tensor& input, const LPPool2dFuncOptions& options);

using FractionalMaxPool2dFuncOptions = FractionalMaxPool2dOptions;
using FractionalMaxPool3dFuncOptions = FractionalMaxPool3dOptions;
Tensor fractional_max_pool2d(const Tensor& input, const FractionalMaxPool2dFuncOptions& options);
Tensor fractional_max_pool3d(const Tensor& input, const FractionalMaxPool3dFuncOptions& options);
std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(
    const Tensor& input, const FractionalMaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> fractional_max_pool3d_with_indices(
    const Tensor& input, const FractionalMaxPool3dFuncOptions& options);

struct EmbeddingFuncOptions {
  TORSH_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  TORSH_ARG(std::optional<double>, max_norm) = std::nullopt;
  TORSH_ARG(double, norm_type) = 2.;
  TORSH_ARG(bool, scale_grad_by_freq) = false;
  TORSH_ARG(bool, sparse) = false;
};
/// The rows of weight at input's indices (rows looked up with a norm above max_norm are first
/// renormalised in place, without history).
Tensor embedding(const Tensor& input, const Tensor& weight,
                 const EmbeddingFuncOptions& options = {});

struct EmbeddingBagFuncOptions {
  TORSH_ARG(Tensor, offsets) = Tensor();
  TORSH_ARG(std::optional<double>, max_norm) = std::nullopt;
  TORSH_ARG(double, norm_type) = 2.;
  TORSH_ARG(bool, scale_grad_by_freq) = false;
  TORSH_ARG(EmbeddingBagMode, mode) = torsh::kMean;
  TORSH_ARG(bool, sparse) = false;
  TORSH_ARG(Tensor, per_sample_weights) = Tensor();
  TORSH_ARG(bool, include_last_offset) = false;
  TORSH_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};
/// Sums, averages or takes the max of bags of embeddings: a 2-D input is one bag per row, a 1-D
/// input is cut into bags at offsets. An empty bag gives zeros.
Tensor embedding_bag(const Tensor& input, const Tensor& weight,
                     const EmbeddingBagFuncOptions& options = {});

}  // namespace functional

// ---- padding modules ----------------------------------------------------------------------------

template <size_t D, typename Derived>
class ReflectionPadImpl : public Cloneable<Derived> {
 public:
  ReflectionPadImpl(ExpandingArray<D * 2> padding)  // NOLINT
      : ReflectionPadImpl(ReflectionPadOptions<D>(padding)) {}
  explicit ReflectionPadImpl(const ReflectionPadOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  ReflectionPadOptions<D> options;
};

template <size_t D, typename Derived>
class ReplicationPadImpl : public Cloneable<Derived> {
 public:
  ReplicationPadImpl(ExpandingArray<D * 2> padding)  // NOLINT
      : ReplicationPadImpl(ReplicationPadOptions<D>(padding)) {}
  explicit ReplicationPadImpl(const ReplicationPadOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  ReplicationPadOptions<D> options;
};

template <size_t D, typename Derived>
class ConstantPadImpl : public Cloneable<Derived> {
 public:
  ConstantPadImpl(ExpandingArray<D * 2> padding, double value)
      : ConstantPadImpl(ConstantPadOptions<D>(padding, value)) {}
  explicit ConstantPadImpl(const ConstantPadOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  ConstantPadOptions<D> options;
};

#define TORSH_LAYER_CLASS(Name, Base, D)          \
  class Name##Impl : public Base<D, Name##Impl> { \
   public:                                        \
    using Base<D, Name##Impl>::Base;              \
  };                                              \
  TORSH_MODULE(Name)
TORSH_LAYER_CLASS(ReflectionPad1d, ReflectionPadImpl, 1);
TORSH_LAYER_CLASS(ReflectionPad2d, ReflectionPadImpl, 2);
TORSH_LAYER_CLASS(ReflectionPad3d, ReflectionPadImpl, 3);
TORSH_LAYER_CLASS(ReplicationPad1d, ReplicationPadImpl, 1);
TORSH_LAYER_CLASS(ReplicationPad2d, ReplicationPadImpl, 2);
TORSH_LAYER_CLASS(ReplicationPad3d, ReplicationPadImpl, 3);
TORSH_LAYER_CLASS(ConstantPad1d, ConstantPadImpl, 1);
TORSH_LAYER_CLASS(ConstantPad2d, ConstantPadImpl, 2);
TORSH_LAYER_CLASS(ConstantPad3d, ConstantPadImpl, 3);

class ZeroPad2dImpl : public Cloneable<ZeroPad2dImpl> {
 public:
  ZeroPad2dImpl(ExpandingArray<4> padding) : ZeroPad2dImpl(ZeroPad2dOptions(padding)) {}  // NOLINT
  explicit ZeroPad2dImpl(const ZeroPad2dOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  ZeroPad2dOptions options;
};
TORSH_MODULE(ZeroPad2d);

// ---- distances
// ------------------------------------------------------------------------------------

class CosineSimilarityImpl : public Cloneable<CosineSimilarityImpl> {
 public:
  explicit CosineSimilarityImpl(const CosineSimilarityOptions& options = {}) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);
  CosineSimilarityOptions options;
};
TORSH_MODULE(CosineSimilarity);

class PairwiseDistanceImpl : public Cloneable<PairwiseDistanceImpl> {
 public:
  explicit PairwiseDistanceImpl(const PairwiseDistanceOptions& options = {}) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);
  PairwiseDistanceOptions options;
};
TORSH_MODULE(PairwiseDistance);

// ---- normalisation
// --------------------------------------------------------------------------------

/// InstanceNorm1d/2d/3d: weight and bias with affine, running_mean / running_var /
/// num_batches_tracked buffers with track_running_stats (undefined otherwise), as libtorch's
/// NormImplBase registers them. Batch statistics in training or without running stats.
template <size_t D, typename Derived>
class InstanceNormImpl : public Cloneable<Derived> {
 public:
  InstanceNormImpl(const InstanceNormOptions& options);  // NOLINT
  void reset() override;
  void reset_running_stats();
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// [N, C, *] with D spatial dims, or unbatched [C, *].
  Tensor forward(const Tensor& input);
  InstanceNormOptions options;
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;
};
TORSH_LAYER_CLASS(InstanceNorm1d, InstanceNormImpl, 1);
TORSH_LAYER_CLASS(InstanceNorm2d, InstanceNormImpl, 2);
TORSH_LAYER_CLASS(InstanceNorm3d, InstanceNormImpl, 3);

class LocalResponseNormImpl : public Cloneable<LocalResponseNormImpl> {
 public:
  LocalResponseNormImpl(int64_t size)  // NOLINT
      : LocalResponseNormImpl(LocalResponseNormOptions(size)) {}
  explicit LocalResponseNormImpl(const LocalResponseNormOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LocalResponseNormOptions options;
};
TORSH_MODULE(LocalResponseNorm);

/// Lua Torch's cross-channel LRN of a 4-D input, with libtorch's window (which always counts
/// channel 0 once the window has moved past it).
class CrossMapLRN2dImpl : public Cloneable<CrossMapLRN2dImpl> {
 public:
  CrossMapLRN2dImpl(int64_t size) : CrossMapLRN2dImpl(CrossMapLRN2dOptions(size)) {}  // NOLINT
  explicit CrossMapLRN2dImpl(const CrossMapLRN2dOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  CrossMapLRN2dOptions options;
};
TORSH_MODULE(CrossMapLRN2d);

// ---- Bilinear, Fold, Unfold
// -----------------------------------------------------------------------

class BilinearImpl : public Cloneable<BilinearImpl> {
 public:
  BilinearImpl(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : BilinearImpl(BilinearOptions(in1_features, in2_features, out_features)) {}
  explicit BilinearImpl(const BilinearOptions& options);
  void reset() override;
  /// weight and bias ~ U(-1/sqrt(in1_features), 1/sqrt(in1_features)).
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2);
  BilinearOptions options;
  Tensor weight;
  Tensor bias;
};
TORSH_MODULE(Bilinear);

class FoldImpl : public Cloneable<FoldImpl> {
 public:
  FoldImpl(ExpandingArray<2> output_size, ExpandingArray<2> kernel_size)
      : FoldImpl(FoldOptions(output_size, kernel_size)) {}
  explicit FoldImpl(const FoldOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FoldOptions options;
};
TORSH_MODULE(Fold);

class UnfoldImpl : public Cloneable<UnfoldImpl> {
 public:
  UnfoldImpl(ExpandingArray<2> kernel_size) : UnfoldImpl(UnfoldOptions(kernel_size)) {}  // NOLINT
  explicit UnfoldImpl(const UnfoldOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UnfoldOptions options;
};
TORSH_MODULE(Unfold);

// ---- pooling
// ----------------------------------------------------------------------------------------

template <size_t D, typename output_size_t, typename Derived>
class AdaptiveMaxPoolImpl : public Cloneable<Derived> {
 public:
  AdaptiveMaxPoolImpl(output_size_t output_size)  // NOLINT
      : AdaptiveMaxPoolImpl(AdaptiveMaxPoolOptions<output_size_t>(output_size)) {}
  explicit AdaptiveMaxPoolImpl(const AdaptiveMaxPoolOptions<output_size_t>& options)
      : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  /// The output and the flat index (within each plane) of each maximum, for MaxUnpool.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  AdaptiveMaxPoolOptions<output_size_t> options;
};
#define TORSH_ADAPTIVE_MAX_CLASS(D, OutputSize)                                               \
  class AdaptiveMaxPool##D##dImpl                                                             \
      : public AdaptiveMaxPoolImpl<D, OutputSize, AdaptiveMaxPool##D##dImpl> {                \
   public:                                                                                    \
    using AdaptiveMaxPoolImpl<D, OutputSize, AdaptiveMaxPool##D##dImpl>::AdaptiveMaxPoolImpl; \
  };                                                                                          \
  TORSH_MODULE(AdaptiveMaxPool##D##d)
TORSH_ADAPTIVE_MAX_CLASS(1, ExpandingArray<1>);
TORSH_ADAPTIVE_MAX_CLASS(2, ExpandingArrayWithOptionalElem<2>);
TORSH_ADAPTIVE_MAX_CLASS(3, ExpandingArrayWithOptionalElem<3>);
#undef TORSH_ADAPTIVE_MAX_CLASS

template <size_t D, typename Derived>
class MaxUnpoolImpl : public Cloneable<Derived> {
 public:
  MaxUnpoolImpl(ExpandingArray<D> kernel_size)  // NOLINT
      : MaxUnpoolImpl(MaxUnpoolOptions<D>(kernel_size)) {}
  explicit MaxUnpoolImpl(const MaxUnpoolOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  /// input and indices from MaxPool's forward_with_indices; output_size picks among the output
  /// sizes that pool to the input's (the last D dims, or all D + 2).
  Tensor forward(const Tensor& input, const Tensor& indices,
                 const std::optional<std::vector<int64_t>>& output_size = std::nullopt);
  MaxUnpoolOptions<D> options;
};
TORSH_LAYER_CLASS(MaxUnpool1d, MaxUnpoolImpl, 1);
TORSH_LAYER_CLASS(MaxUnpool2d, MaxUnpoolImpl, 2);
TORSH_LAYER_CLASS(MaxUnpool3d, MaxUnpoolImpl, 3);

template <size_t D, typename Derived>
class LPPoolImpl : public Cloneable<Derived> {
 public:
  LPPoolImpl(double norm_type, ExpandingArray<D> kernel_size)
      : LPPoolImpl(LPPoolOptions<D>(norm_type, kernel_size)) {}
  explicit LPPoolImpl(const LPPoolOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LPPoolOptions<D> options;
};
TORSH_LAYER_CLASS(LPPool1d, LPPoolImpl, 1);
TORSH_LAYER_CLASS(LPPool2d, LPPoolImpl, 2);

/// FractionalMaxPool2d/3d: the options' _random_samples registered as the buffer
/// "_random_samples" (undefined unless given: fresh samples each call).
template <size_t D, typename Derived>
class FractionalMaxPoolImpl : public Cloneable<Derived> {
 public:
  FractionalMaxPoolImpl(ExpandingArray<D> kernel_size)  // NOLINT
      : FractionalMaxPoolImpl(FractionalMaxPoolOptions<D>(kernel_size)) {}
  explicit FractionalMaxPoolImpl(const FractionalMaxPoolOptions<D>& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  FractionalMaxPoolOptions<D> options;
  Tensor _random_samples;
};
TORSH_LAYER_CLASS(FractionalMaxPool2d, FractionalMaxPoolImpl, 2);
TORSH_LAYER_CLASS(FractionalMaxPool3d, FractionalMaxPoolImpl, 3);
#undef TORSH_LAYER_CLASS

// ---- EmbeddingBag
// ---------------------------------------------------------------------------------

class EmbeddingBagImpl : public Cloneable<EmbeddingBagImpl> {
 public:
  EmbeddingBagImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingBagImpl(EmbeddingBagOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingBagImpl(const EmbeddingBagOptions& options);
  void reset() override;
  /// weight ~ N(0, 1) (as libtorch 1.13, the padding_idx row is not zeroed).
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// input [B, L] (offsets undefined) or 1-D with offsets; per_sample_weights (mode kSum only)
  /// of input's shape.
  Tensor forward(const Tensor& input, const Tensor& offsets = {},
                 const Tensor& per_sample_weights = {});
  EmbeddingBagOptions options;
  Tensor weight;
};

/// The holder of EmbeddingBagImpl, with libtorch's EmbeddingBag::from_pretrained.
class EmbeddingBag : public ModuleHolder<EmbeddingBagImpl> {
 public:
  using ModuleHolder<EmbeddingBagImpl>::ModuleHolder;
  using Impl = EmbeddingBagImpl;
  /// An EmbeddingBag holding `embeddings` (2-D) as its weight, frozen by default.
  static EmbeddingBag from_pretrained(const Tensor& embeddings,
                                      const EmbeddingBagFromPretrainedOptions& options = {});
};

}  // namespace torsh::nn
