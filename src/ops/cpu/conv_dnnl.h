#pragma once
// Float32 convolution through oneDNN where the build has it (cpu/conv_dnnl.cpp). Each returns
// false when it did not run (no oneDNN, TORSH_CONV_BACKEND=im2col, or a geometry oneDNN refuses):
// the caller then runs its im2col + GEMM kernel. Operands as in ops/stubs_nn.h, float32.
#include "ops/stubs_nn.h"

namespace torsh::detail::cpu {

bool dnnl_conv_forward(const Tensor& out, const Tensor& input, const Tensor& weight,
                       const Tensor& bias, const ConvGeometry& g);
bool dnnl_conv_backward_input(const Tensor& grad_input, const Tensor& grad_output,
                              const Tensor& weight, const ConvGeometry& g);
bool dnnl_conv_backward_weight(const Tensor& grad_weight, const Tensor& grad_output,
                               const Tensor& input, const ConvGeometry& g);

}  // namespace torsh::detail::cpu
