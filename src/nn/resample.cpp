// torsh/nn/resample.h: libtorch's pad, interpolate (Upsample), normalize, pixel shuffle and
// Unflatten over torsh's ops, with libtorch 1.13's argument checks and printing.
#include "torsh/nn/resample.h"

#include <cmath>
#include <sstream>

#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace functional {

namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// libtorch's enumtype::get_enum_name spelling of a mode tag.
template <typename V>
std::string mode_name(const V& mode) {
  return std::visit(Overloaded{[](enumtype::kNearest) { return "kNearest"; },
                               [](enumtype::kNearestExact) { return "kNearestExact"; },
                               [](enumtype::kLinear) { return "kLinear"; },
                               [](enumtype::kBilinear) { return "kBilinear"; },
                               [](enumtype::kBicubic) { return "kBicubic"; },
                               [](enumtype::kTrilinear) { return "kTrilinear"; },
                               [](enumtype::kArea) { return "kArea"; },
                               [](enumtype::kConstant) { return "kConstant"; },
                               [](enumtype::kReflect) { return "kReflect"; },
                               [](enumtype::kReplicate) { return "kReplicate"; },
                               [](enumtype::kCircular) { return "kCircular"; }},
                    mode);
}

// An ArrayRef<double> as c10 prints it: [1.5, 2].
std::string double_list(const std::vector<double>& v) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
  s << "]";
  return s.str();
}

// The output size: the given one, or floor(input size * scale) per spatial dim.
std::vector<int64_t> output_size(const Tensor& input, int64_t dim,
                                 const InterpolateFuncOptions& o) {
  TORSH_CHECK(o.size() || o.scale_factor(), "either size or scale_factor should be defined");
  TORSH_CHECK(!(o.size() && o.scale_factor()),
              "only one of size or scale_factor should be defined");
  if (o.size()) {
    TORSH_CHECK(static_cast<int64_t>(o.size()->size()) == dim,
                "Input and output must have the same number of spatial dimensions, but got input "
                "with spatial dimensions of ",
                ::torsh::detail::shape_str(
                    std::vector<int64_t>(input.sizes().begin() + 2, input.sizes().end())),
                " and output size of ", ::torsh::detail::shape_str(*o.size()));
    return *o.size();
  }
  const auto& scales = *o.scale_factor();
  TORSH_CHECK(static_cast<int64_t>(scales.size()) == dim,
              "scale_factor shape must match input shape. Input is ", dim,
              "D, scale_factor size is ", double_list(scales));
  std::vector<int64_t> out;
  for (int64_t i = 0; i < dim; ++i) {
    out.push_back(static_cast<int64_t>(
        std::floor(static_cast<double>(input.size(i + 2)) * scales[static_cast<size_t>(i)])));
  }
  return out;
}

}  // namespace

Tensor pad(const Tensor& input, const PadFuncOptions& options) {
  const std::string mode = mode_name(options.mode()).substr(1);  // "Constant" -> "constant"
  std::string lower = mode;
  lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
  // libtorch passes a fill value only when it is not 0, in every mode (so the non-constant
  // modes refuse one)
  return torsh::pad(input, options.pad(), lower,
                    options.value() != 0 ? std::optional<double>(options.value()) : std::nullopt);
}

Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& o) {
  const InterpolateMode& mode = o.mode();
  // libtorch 1.13 refuses align_corners for nearest and area only (nearest-exact ignores it)
  const bool exact = std::holds_alternative<enumtype::kNearest>(mode) ||
                     std::holds_alternative<enumtype::kArea>(mode);
  TORSH_CHECK(!exact || !o.align_corners(),
              "align_corners option can only be set with the interpolating modes: linear | "
              "bilinear | bicubic | trilinear");
  const bool align = o.align_corners().value_or(false);
  const int64_t nd = input.dim();
  TORSH_CHECK(nd >= 3 && nd <= 5, "Input Error: Only 3D, 4D and 5D input Tensors supported (got ",
              nd,
              "D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
              "nearest-exact (got ",
              mode_name(mode), ")");
  const int64_t dim = nd - 2;
  // the scales reach the op only when they set the size and are not recomputed
  std::vector<std::optional<double>> scales(static_cast<size_t>(dim));
  if (o.scale_factor() && !o.recompute_scale_factor().value_or(false)) {
    for (size_t i = 0; i < scales.size() && i < o.scale_factor()->size(); ++i) {
      scales[i] = (*o.scale_factor())[i];
    }
  }
  TORSH_CHECK(!o.antialias() || (nd == 4 && (std::holds_alternative<enumtype::kBilinear>(mode) ||
                                             std::holds_alternative<enumtype::kBicubic>(mode))),
              "Anti-alias option is only supported for bilinear and bicubic modes");
  const int64_t needs = std::holds_alternative<enumtype::kLinear>(mode)      ? 3
                        : std::holds_alternative<enumtype::kTrilinear>(mode) ? 5
                        : std::holds_alternative<enumtype::kBilinear>(mode)  ? 4
                                                                             : 0;
  TORSH_CHECK(needs == 0 || needs == nd, "Got ", nd, "D input, but ",
              mode_name(mode).substr(1) == "Linear"      ? "linear"
              : mode_name(mode).substr(1) == "Trilinear" ? "trilinear"
                                                         : "bilinear",
              " mode needs ", needs, "D input");
  const std::vector<int64_t> size = output_size(input, dim, o);
  if (std::holds_alternative<enumtype::kNearest>(mode)) {
    if (nd == 3) return torsh::upsample_nearest1d(input, size, scales[0]);
    if (nd == 4) return torsh::upsample_nearest2d(input, size, scales[0], scales[1]);
    return torsh::upsample_nearest3d(input, size, scales[0], scales[1], scales[2]);
  }
  if (std::holds_alternative<enumtype::kNearestExact>(mode)) {
    if (nd == 3) return torsh::_upsample_nearest_exact1d(input, size, scales[0]);
    if (nd == 4) return torsh::_upsample_nearest_exact2d(input, size, scales[0], scales[1]);
    return torsh::_upsample_nearest_exact3d(input, size, scales[0], scales[1], scales[2]);
  }
  if (std::holds_alternative<enumtype::kArea>(mode)) {
    if (nd == 3) return torsh::adaptive_avg_pool1d(input, size);
    if (nd == 4) return torsh::adaptive_avg_pool2d(input, size);
    return torsh::adaptive_avg_pool3d(input, size);
  }
  if (nd == 3 && std::holds_alternative<enumtype::kLinear>(mode)) {
    return torsh::upsample_linear1d(input, size, align, scales[0]);
  }
  if (o.antialias() && std::holds_alternative<enumtype::kBilinear>(mode)) {
    return torsh::_upsample_bilinear2d_aa(input, size, align, scales[0], scales[1]);
  }
  if (o.antialias()) {
    return torsh::_upsample_bicubic2d_aa(input, size, align, scales[0], scales[1]);
  }
  if (nd == 4 && std::holds_alternative<enumtype::kBilinear>(mode)) {
    return torsh::upsample_bilinear2d(input, size, align, scales[0], scales[1]);
  }
  if (nd == 4 && std::holds_alternative<enumtype::kBicubic>(mode)) {
    return torsh::upsample_bicubic2d(input, size, align, scales[0], scales[1]);
  }
  if (nd == 5 && std::holds_alternative<enumtype::kTrilinear>(mode)) {
    return torsh::upsample_trilinear3d(input, size, align, scales[0], scales[1], scales[2]);
  }
  TORSH_CHECK(false, "Input Error: Only 3D, 4D and 5D input Tensors supported (got ", nd,
              "D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
              "nearest-exact (got ",
              mode_name(mode), ")");
  return Tensor();
}

Tensor normalize(const Tensor& input, NormalizeFuncOptions options) {
  const Tensor denom = input.norm(Scalar(options.p()), {options.dim()}, true)
                           .clamp_min(options.eps())
                           .expand_as(input);
  if (options.out()) return torsh::div_out(*options.out(), input, denom);
  return input / denom;
}

Tensor pixel_shuffle(const Tensor& input, const PixelShuffleFuncOptions& options) {
  return torsh::pixel_shuffle(input, options.upscale_factor());
}

Tensor pixel_unshuffle(const Tensor& input, const PixelUnshuffleFuncOptions& options) {
  return torsh::pixel_unshuffle(input, options.downscale_factor());
}

}  // namespace functional

namespace F = functional;

void PixelShuffleImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::PixelShuffle(upscale_factor=" << options.upscale_factor() << ")";
}
Tensor PixelShuffleImpl::forward(const Tensor& input) { return F::pixel_shuffle(input, options); }

void PixelUnshuffleImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::PixelUnshuffle(downscale_factor=" << options.downscale_factor() << ")";
}
Tensor PixelUnshuffleImpl::forward(const Tensor& input) {
  return F::pixel_unshuffle(input, options);
}

void UpsampleImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Upsample(";
  auto list = [&s](const auto& v) {
    s << "[";
    for (size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
    s << "]";
  };
  if (options.scale_factor()) {
    s << "scale_factor=";
    list(*options.scale_factor());
  } else if (options.size()) {
    s << "size=";
    list(*options.size());
  }
  s << ", mode=" << F::mode_name(options.mode()) << ")";
}

Tensor UpsampleImpl::forward(const Tensor& input) {
  F::InterpolateFuncOptions o;
  o.size(options.size())
      .scale_factor(options.scale_factor())
      .align_corners(options.align_corners());
  std::visit([&o](auto m) { o.mode(m); }, options.mode());
  return F::interpolate(input, o);
}

void UnflattenImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::Unflatten(dim=" << options.dim() << ", unflattened_size={";
  for (size_t i = 0; i < options.sizes().size(); ++i) s << (i ? ", " : "") << options.sizes()[i];
  s << "})";
}

Tensor UnflattenImpl::forward(const Tensor& input) {
  return input.unflatten(options.dim(), options.sizes());
}

}  // namespace torsh::nn
