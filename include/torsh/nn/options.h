#pragma once
// libtorch's module and functional options (LinearOptions(3, 4).bias(false), ...), the
// reduction / padding-mode tags (torch::kMean, torch::kZeros) and ExpandingArray.
#include <array>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"

namespace torsh {
namespace enumtype {
struct kNone {};
struct kMean {};
struct kSum {};
struct kZeros {};
struct kReflect {};
struct kReplicate {};
struct kCircular {};
struct kSame {};
struct kValid {};
}  // namespace enumtype
inline constexpr enumtype::kNone kNone{};
inline constexpr enumtype::kMean kMean{};
inline constexpr enumtype::kSum kSum{};
inline constexpr enumtype::kZeros kZeros{};
inline constexpr enumtype::kReflect kReflect{};
inline constexpr enumtype::kReplicate kReplicate{};
inline constexpr enumtype::kCircular kCircular{};
inline constexpr enumtype::kSame kSame{};
inline constexpr enumtype::kValid kValid{};
}  // namespace torsh

namespace torsh::nn {

/// A fixed-size list of D values that also accepts one value for all (kernel_size=3).
template <size_t D, typename T = int64_t>
class ExpandingArray {
 public:
  ExpandingArray(T single) { values_.fill(single); }  // NOLINT
  ExpandingArray(std::initializer_list<T> list) : ExpandingArray(std::vector<T>(list)) {}
  ExpandingArray(const std::vector<T>& v) {  // NOLINT
    TORSH_CHECK(v.size() == D, "Expected ", D, " values, but instead got ", v.size());
    for (size_t i = 0; i < D; ++i) values_[i] = v[i];
  }
  ExpandingArray(const std::array<T, D>& a) : values_(a) {}  // NOLINT
  T* data() { return values_.data(); }
  const T* data() const { return values_.data(); }
  static constexpr size_t size() { return D; }
  T& operator[](size_t i) { return values_[i]; }
  const T& operator[](size_t i) const { return values_[i]; }
  std::vector<T> vec() const { return std::vector<T>(values_.begin(), values_.end()); }
  operator IntArrayRef() const { return IntArrayRef(values_.data(), D); }  // NOLINT
  bool operator==(const ExpandingArray& o) const { return values_ == o.values_; }

 private:
  std::array<T, D> values_;
};

template <size_t D, typename T>
std::ostream& operator<<(std::ostream& s, const ExpandingArray<D, T>& a) {
  if constexpr (D == 1) return s << a[0];  // libtorch prints one value bare: kernel_size=3
  s << "[";
  for (size_t i = 0; i < D; ++i) s << (i ? ", " : "") << a[i];
  return s << "]";
}

/// A loss's reduction: torch::kNone, torch::kMean or torch::kSum.
using LossReduction = std::variant<enumtype::kNone, enumtype::kMean, enumtype::kSum>;
/// The reduction as torch's enum int (0 none, 1 mean, 2 sum).
int64_t reduction_enum(const LossReduction& r);
/// A convolution's padding_mode.
using PaddingMode =
    std::variant<enumtype::kZeros, enumtype::kReflect, enumtype::kReplicate, enumtype::kCircular>;
/// A convolution's padding: numbers, or torch::kSame / torch::kValid.
template <size_t D>
using ConvPadding = std::variant<ExpandingArray<D>, enumtype::kValid, enumtype::kSame>;

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}
  TORSH_ARG(int64_t, in_features);
  TORSH_ARG(int64_t, out_features);
  TORSH_ARG(bool, bias) = true;
};

template <size_t D>
struct ConvOptions {
  ConvOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  TORSH_ARG(int64_t, in_channels);
  TORSH_ARG(int64_t, out_channels);
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride) = 1;
  TORSH_ARG(ConvPadding<D>, padding) = ExpandingArray<D>(0);
  TORSH_ARG(ExpandingArray<D>, dilation) = 1;
  TORSH_ARG(int64_t, groups) = 1;
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(PaddingMode, padding_mode) = torsh::kZeros;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;
using Conv3dOptions = ConvOptions<3>;

/// libtorch's ConvTransposeOptions: the weight is [in, out / groups, kernel...].
template <size_t D>
struct ConvTransposeOptions {
  ConvTransposeOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  TORSH_ARG(int64_t, in_channels);
  TORSH_ARG(int64_t, out_channels);
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride) = 1;
  TORSH_ARG(ExpandingArray<D>, padding) = 0;
  TORSH_ARG(ExpandingArray<D>, output_padding) = 0;
  TORSH_ARG(int64_t, groups) = 1;
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(ExpandingArray<D>, dilation) = 1;
  TORSH_ARG(PaddingMode, padding_mode) = torsh::kZeros;
};
using ConvTranspose1dOptions = ConvTransposeOptions<1>;
using ConvTranspose2dOptions = ConvTransposeOptions<2>;
using ConvTranspose3dOptions = ConvTransposeOptions<3>;

template <size_t D>
struct MaxPoolOptions {
  MaxPoolOptions(ExpandingArray<D> kernel_size)
      : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride);
  TORSH_ARG(ExpandingArray<D>, padding) = 0;
  TORSH_ARG(ExpandingArray<D>, dilation) = 1;
  TORSH_ARG(bool, ceil_mode) = false;
};
using MaxPool1dOptions = MaxPoolOptions<1>;
using MaxPool2dOptions = MaxPoolOptions<2>;
using MaxPool3dOptions = MaxPoolOptions<3>;

template <size_t D>
struct AvgPoolOptions {
  AvgPoolOptions(ExpandingArray<D> kernel_size)
      : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  TORSH_ARG(ExpandingArray<D>, kernel_size);
  TORSH_ARG(ExpandingArray<D>, stride);
  TORSH_ARG(ExpandingArray<D>, padding) = 0;
  TORSH_ARG(bool, ceil_mode) = false;
  TORSH_ARG(bool, count_include_pad) = true;
  TORSH_ARG(std::optional<int64_t>, divisor_override) = std::nullopt;
};
using AvgPool1dOptions = AvgPoolOptions<1>;
using AvgPool2dOptions = AvgPoolOptions<2>;
using AvgPool3dOptions = AvgPoolOptions<3>;

template <size_t D>
struct AdaptiveAvgPoolOptions {
  AdaptiveAvgPoolOptions(ExpandingArray<D> output_size) : output_size_(output_size) {}  // NOLINT
  TORSH_ARG(ExpandingArray<D>, output_size);
};
using AdaptiveAvgPool1dOptions = AdaptiveAvgPoolOptions<1>;
using AdaptiveAvgPool2dOptions = AdaptiveAvgPoolOptions<2>;
using AdaptiveAvgPool3dOptions = AdaptiveAvgPoolOptions<3>;

struct BatchNormOptions {
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT
  TORSH_ARG(int64_t, num_features);
  TORSH_ARG(double, eps) = 1e-5;
  TORSH_ARG(std::optional<double>, momentum) = 0.1;
  TORSH_ARG(bool, affine) = true;
  TORSH_ARG(bool, track_running_stats) = true;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;
using BatchNorm3dOptions = BatchNormOptions;

struct LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape)  // NOLINT
      : normalized_shape_(std::move(normalized_shape)) {}
  TORSH_ARG(std::vector<int64_t>, normalized_shape);
  TORSH_ARG(double, eps) = 1e-5;
  TORSH_ARG(bool, elementwise_affine) = true;
};

struct GroupNormOptions {
  GroupNormOptions(int64_t num_groups, int64_t num_channels)
      : num_groups_(num_groups), num_channels_(num_channels) {}
  TORSH_ARG(int64_t, num_groups);
  TORSH_ARG(int64_t, num_channels);
  TORSH_ARG(double, eps) = 1e-5;
  TORSH_ARG(bool, affine) = true;
};

struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT
  TORSH_ARG(double, p);
  TORSH_ARG(bool, inplace) = false;
};
using Dropout2dOptions = DropoutOptions;
using Dropout3dOptions = DropoutOptions;
using AlphaDropoutOptions = DropoutOptions;
using FeatureAlphaDropoutOptions = DropoutOptions;

struct FlattenOptions {
  TORSH_ARG(int64_t, start_dim) = 1;
  TORSH_ARG(int64_t, end_dim) = -1;
};

struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  TORSH_ARG(int64_t, num_embeddings);
  TORSH_ARG(int64_t, embedding_dim);
  TORSH_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  /// Rows looked up with a larger norm are renormalised to it in place (under no_grad).
  TORSH_ARG(std::optional<double>, max_norm) = std::nullopt;
  TORSH_ARG(double, norm_type) = 2.;
  TORSH_ARG(bool, scale_grad_by_freq) = false;
  TORSH_ARG(bool, sparse) = false;
  /// The weight to use instead of a fresh normal_ draw ([num_embeddings, embedding_dim]).
  TORSH_ARG(Tensor, _weight) = Tensor();
};

/// Embedding::from_pretrained's options (libtorch's).
struct EmbeddingFromPretrainedOptions {
  TORSH_ARG(bool, freeze) = true;
  TORSH_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  TORSH_ARG(std::optional<double>, max_norm) = std::nullopt;
  TORSH_ARG(double, norm_type) = 2.;
  TORSH_ARG(bool, scale_grad_by_freq) = false;
  TORSH_ARG(bool, sparse) = false;
};

struct ReLUOptions {
  ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT
  TORSH_ARG(bool, inplace);
};
struct LeakyReLUOptions {
  TORSH_ARG(double, negative_slope) = 1e-2;
  TORSH_ARG(bool, inplace) = false;
};
struct GELUOptions {
  TORSH_ARG(std::string, approximate) = "none";
};
struct SoftmaxOptions {
  SoftmaxOptions(int64_t dim) : dim_(dim) {}  // NOLINT
  TORSH_ARG(int64_t, dim);
};
using LogSoftmaxOptions = SoftmaxOptions;

struct MSELossOptions {
  TORSH_ARG(LossReduction, reduction) = torsh::kMean;
};
using L1LossOptions = MSELossOptions;
struct NLLLossOptions {
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(int64_t, ignore_index) = -100;
  TORSH_ARG(LossReduction, reduction) = torsh::kMean;
};
struct CrossEntropyLossOptions {
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(int64_t, ignore_index) = -100;
  TORSH_ARG(LossReduction, reduction) = torsh::kMean;
  TORSH_ARG(double, label_smoothing) = 0.0;
};
struct BCELossOptions {
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(LossReduction, reduction) = torsh::kMean;
};
struct BCEWithLogitsLossOptions {
  TORSH_ARG(Tensor, weight) = {};
  TORSH_ARG(LossReduction, reduction) = torsh::kMean;
  TORSH_ARG(Tensor, pos_weight) = {};
};

}  // namespace torsh::nn
