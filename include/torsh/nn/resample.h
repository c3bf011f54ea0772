#pragma once
// libtorch's resampling and shape functionals and modules: F::pad (PadFuncOptions),
// F::interpolate (InterpolateFuncOptions) and Upsample, F::normalize, F::pixel_shuffle /
// pixel_unshuffle and PixelShuffle / PixelUnshuffle, Unflatten; with the mode tags
// torch::kNearest, kBilinear, ... (kLinear is init.h's tag, as libtorch shares it).
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/init.h"
#include "torsh/nn/module.h"

namespace torsh {
namespace enumtype {
struct kNearest {};
struct kNearestExact {};
struct kBilinear {};
struct kBicubic {};
struct kTrilinear {};
struct kArea {};
struct kConstant {};
}  // namespace enumtype
inline constexpr enumtype::kNearest kNearest{};
inline constexpr enumtype::kNearestExact kNearestExact{};
inline constexpr enumtype::kBilinear kBilinear{};
inline constexpr enumtype::kBicubic kBicubic{};
inline constexpr enumtype::kTrilinear kTrilinear{};
inline constexpr enumtype::kArea kArea{};
inline constexpr enumtype::kConstant kConstant{};
}  // namespace torsh

namespace torsh::nn {

namespace functional {

using PadMode = std::variant<enumtype::kConstant, enumtype::kReflect, enumtype::kReplicate,
                             enumtype::kCircular>;

struct PadFuncOptions {
  using mode_t = PadMode;
  PadFuncOptions(std::vector<int64_t> pad) : pad_(std::move(pad)) {}  // NOLINT
  TORSH_ARG(std::vector<int64_t>, pad);
  TORSH_ARG(PadMode, mode) = torsh::kConstant;
  TORSH_ARG(double, value) = 0;
};
/// torch.nn.functional.pad: pad = (left, right, top, bottom, ...) from the last dim backwards.
Tensor pad(const Tensor& input, const PadFuncOptions& options);

using InterpolateMode =
    std::variant<enumtype::kNearest, enumtype::kLinear, enumtype::kBilinear, enumtype::kBicubic,
                 enumtype::kTrilinear, enumtype::kArea, enumtype::kNearestExact>;

struct InterpolateFuncOptions {
  using mode_t = InterpolateMode;
  TORSH_ARG(std::optional<std::vector<int64_t>>, size) = std::nullopt;
  TORSH_ARG(std::optional<std::vector<double>>, scale_factor) = std::nullopt;
  TORSH_ARG(InterpolateMode, mode) = torsh::kNearest;
  TORSH_ARG(std::optional<bool>, align_corners) = std::nullopt;
  TORSH_ARG(std::optional<bool>, recompute_scale_factor) = std::nullopt;
  TORSH_ARG(bool, antialias) = false;
};
/// libtorch's F::interpolate: 3-D, 4-D or 5-D input resized to `size` or by `scale_factor`.
Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options = {});

struct NormalizeFuncOptions {
  TORSH_ARG(double, p) = 2.0;
  TORSH_ARG(int64_t, dim) = 1;
  TORSH_ARG(double, eps) = 1e-12;
  TORSH_ARG(std::optional<Tensor>, out) = std::nullopt;
};
/// input / max(||input||_p over dim, eps).
Tensor normalize(const Tensor& input, NormalizeFuncOptions options = {});

struct PixelShuffleFuncOptions {
  PixelShuffleFuncOptions(int64_t upscale_factor) : upscale_factor_(upscale_factor) {}  // NOLINT
  TORSH_ARG(int64_t, upscale_factor);
};
struct PixelUnshuffleFuncOptions {
  PixelUnshuffleFuncOptions(int64_t downscale_factor)  // NOLINT
      : downscale_factor_(downscale_factor) {}
  TORSH_ARG(int64_t, downscale_factor);
};
Tensor pixel_shuffle(const Tensor& input, const PixelShuffleFuncOptions& options);
Tensor pixel_unshuffle(const Tensor& input, const PixelUnshuffleFuncOptions& options);

}  // namespace functional

using PixelShuffleOptions = functional::PixelShuffleFuncOptions;
using PixelUnshuffleOptions = functional::PixelUnshuffleFuncOptions;

class PixelShuffleImpl : public Cloneable<PixelShuffleImpl> {
 public:
  explicit PixelShuffleImpl(const PixelShuffleOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PixelShuffleOptions options;
};
TORSH_MODULE(PixelShuffle);

class PixelUnshuffleImpl : public Cloneable<PixelUnshuffleImpl> {
 public:
  explicit PixelUnshuffleImpl(const PixelUnshuffleOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  PixelUnshuffleOptions options;
};
TORSH_MODULE(PixelUnshuffle);

using UpsampleMode = std::variant<enumtype::kNearest, enumtype::kLinear, enumtype::kBilinear,
                                  enumtype::kBicubic, enumtype::kTrilinear>;

struct UpsampleOptions {
  using mode_t = UpsampleMode;
  TORSH_ARG(std::optional<std::vector<int64_t>>, size) = std::nullopt;
  TORSH_ARG(std::optional<std::vector<double>>, scale_factor) = std::nullopt;
  TORSH_ARG(UpsampleMode, mode) = torsh::kNearest;
  TORSH_ARG(std::optional<bool>, align_corners) = std::nullopt;
};

class UpsampleImpl : public Cloneable<UpsampleImpl> {
 public:
  explicit UpsampleImpl(const UpsampleOptions& options = {}) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UpsampleOptions options;
};
TORSH_MODULE(Upsample);

struct UnflattenOptions {
  UnflattenOptions(int64_t dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  TORSH_ARG(int64_t, dim);
  TORSH_ARG(std::vector<int64_t>, sizes);
};

/// Splits dim into `sizes` (one of them may be -1).
class UnflattenImpl : public Cloneable<UnflattenImpl> {
 public:
  explicit UnflattenImpl(UnflattenOptions options) : options(std::move(options)) {}
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes)
      : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  UnflattenOptions options;
};
TORSH_MODULE(Unflatten);

}  // namespace torsh::nn
