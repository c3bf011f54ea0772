#pragma once
// Kernel slots of grid_sampler (torch.nn.functional.grid_sample): forward and backward over 4-D
// (N, C, H, W) and 5-D (N, C, D, H, W) inputs, float or double.
#include "ops/stub.h"
#include "torsh/core/tensor.h"

namespace torsh::detail {

/// out (N, C, *grid's middle dims), contiguous = input (any strides) sampled at grid (any
/// strides; (N, *out, 2 or 3), x first) with interp 0 bilinear, 1 nearest, 2 bicubic (4-D only)
/// and padding 0 zeros, 1 border, 2 reflection, in torch's CPU kernels' arithmetic.
using GridSamplerForwardKernel = void (*)(const Tensor& out, const Tensor& input,
                                          const Tensor& grid, int64_t interp, int64_t padding,
                                          bool align_corners);
/// grad_grid (contiguous, grid's shape) and, when defined, grad_input (contiguous, input's
/// shape, zeroed by the caller) of grid_sampler for grad_output (contiguous, out's shape).
using GridSamplerBackwardKernel = void (*)(const Tensor& grad_input, const Tensor& grad_grid,
                                           const Tensor& grad_output, const Tensor& input,
                                           const Tensor& grid, int64_t interp, int64_t padding,
                                           bool align_corners);
extern KernelStub<GridSamplerForwardKernel> grid_sampler_forward_stub;
extern KernelStub<GridSamplerBackwardKernel> grid_sampler_backward_stub;

namespace cpu {
void register_grid_sample_kernels();
}  // namespace cpu

}  // namespace torsh::detail
