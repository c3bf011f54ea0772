#pragma once
// The ATen entry points under F::affine_grid and F::grid_sample, torch::affine_grid_generator and
// torch::grid_sampler (a light header: the Python bindings include it without the nn modules).
#include <cstdint>

#include "torsh/core/tensor.h"

namespace torsh {

/// ATen's affine_grid_generator: the (N, H, W, 2) or (N, D, H, W, 3) grid of theta (N, 2, 3) or
/// (N, 3, 4) for size (N, C, H, W) or (N, C, D, H, W), without F::affine_grid's checks.
Tensor affine_grid_generator(const Tensor& theta, IntArrayRef size, bool align_corners);

/// ATen's grid_sampler: interpolation_mode 0 bilinear, 1 nearest, 2 bicubic (4-D only);
/// padding_mode 0 zeros, 1 border, 2 reflection.
Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t interpolation_mode,
                    int64_t padding_mode, bool align_corners);

}  // namespace torsh
