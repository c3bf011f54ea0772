#pragma once
// What the weight-and-bias layers share (Linear, Conv, ConvTranspose): registering the two
// parameters and torch's default initialisation of them.
#include <cstdint>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"

namespace torsh::nn::detail {

/// torch's default for a layer: kaiming_uniform_(weight, a=sqrt(5)); bias U(-1/sqrt(fan_in), ..)
/// with the weight's fan-in.
void default_init(Tensor& weight, Tensor& bias);

/// torch's checks of a convolution's channel counts against its groups (ValueError).
void check_channels(int64_t in_channels, int64_t out_channels, int64_t groups);

/// Registers "weight" (empty, of shape) and "bias" ([out], or undefined without a bias) on m.
void register_weight_and_bias(Module& m, const std::vector<int64_t>& shape, int64_t out,
                              bool with_bias, Tensor& weight, Tensor& bias);

}  // namespace torsh::nn::detail
