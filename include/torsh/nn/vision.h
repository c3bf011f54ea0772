#pragma once
// libtorch's vision functionals: F::affine_grid and F::grid_sample (GridSampleFuncOptions), and
// the ATen entry points under them, torch::affine_grid_generator and torch::grid_sampler (whose
// integer mode 2 is bicubic, which libtorch 1.13's GridSampleFuncOptions does not offer; declared
// in vision_ops.h). affine_grid is composed from torsh's differentiable ops; grid_sample runs
// native kernels in the arithmetic of torch's CPU kernels, so that values and the gradients
// w.r.t. input, grid and theta match torch's to rounding.
#include <cstdint>
#include <optional>
#include <variant>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"
#include "torsh/nn/options.h"
#include "torsh/nn/resample.h"
#include "torsh/nn/vision_ops.h"

// grid_sample's padding tags torch::kBorder and torch::kReflection; guarded so that another
// header may define them too.
#ifndef TORSH_ENUMTYPE_KBORDER
#define TORSH_ENUMTYPE_KBORDER
namespace torsh {
namespace enumtype {
struct kBorder {};
}  // namespace enumtype
inline constexpr enumtype::kBorder kBorder{};
}  // namespace torsh
#endif
#ifndef TORSH_ENUMTYPE_KREFLECTION
#define TORSH_ENUMTYPE_KREFLECTION
namespace torsh {
namespace enumtype {
struct kReflection {};
}  // namespace enumtype
inline constexpr enumtype::kReflection kReflection{};
}  // namespace torsh
#endif

namespace torsh::nn::functional {

/// Options of F::grid_sample (libtorch 1.13 offers bilinear and nearest here).
struct GridSampleFuncOptions {
  using mode_t = std::variant<enumtype::kBilinear, enumtype::kNearest>;
  using padding_mode_t = std::variant<enumtype::kZeros, enumtype::kBorder, enumtype::kReflection>;
  /// Interpolation of the output values. Default: kBilinear.
  TORSH_ARG(mode_t, mode) = torsh::kBilinear;
  /// Values read outside the input. Default: kZeros.
  TORSH_ARG(padding_mode_t, padding_mode) = torsh::kZeros;
  /// -1 and 1 at the centres (true) or at the outer edges (false) of the corner pixels; unset:
  /// false, with libtorch's warning.
  TORSH_ARG(std::optional<bool>, align_corners) = std::nullopt;
};

/// The sampling grid of the affine maps theta (N, 2, 3) or (N, 3, 4) for an output of size
/// (N, C, H, W) or (N, C, D, H, W), in normalised [-1, 1] coordinates (x first).
Tensor affine_grid(const Tensor& theta, const IntArrayRef& size, bool align_corners = false);

/// Samples input (N, C, H, W) or (N, C, D, H, W) at the normalised locations of grid
/// (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3); differentiable w.r.t. input and grid.
Tensor grid_sample(const Tensor& input, const Tensor& grid,
                   const GridSampleFuncOptions& options = {});

}  // namespace torsh::nn::functional
