#pragma once
// What the layers share: registering a weight and bias and torch's default initialisation of
// them (Linear, Conv, ConvTranspose), and an undefined tensor as an absent optional argument.
#include <cstdint>
#include <optional>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"

namespace torsh::nn::detail {

/// t as an optional argument of the ops (nullopt when undefined: no bias, no mask, ...).
inline std::optional<Tensor> opt(const Tensor& t) {
  return t.defined() ? std::optional<Tensor>(t) : std::nullopt;
}

/// torch's default for a layer: kaiming_uniform_(weight, a=sqrt(5)); bias U(-1/sqrt(fan_in), ..)
/// with the weight's fan-in.
void default_init(Tensor& weight, Tensor& bias);

/// torch's checks of a convolution's channel counts against its groups (ValueError).
void check_channels(int64_t in_channels, int64_t out_channels, int64_t groups);

/// Registers "weight" (empty, of shape) and "bias" ([out], or undefined without a bias) on m.
void register_weight_and_bias(Module& m, const std::vector<int64_t>& shape, int64_t out,
                              bool with_bias, Tensor& weight, Tensor& bias);

/// The state a BatchNorm or InstanceNorm holds, by reference to its members.
struct NormState {
  Tensor& weight;
  Tensor& bias;
  Tensor& running_mean;
  Tensor& running_var;
  Tensor& num_batches_tracked;
};

/// Registers weight and bias ([n], undefined unless affine) and the buffers running_mean,
/// running_var and num_batches_tracked (undefined unless track), as libtorch's norms do, then
/// resets them (reset_norm_state).
void register_norm_state(Module& m, int64_t n, bool affine, bool track, NormState s);
/// Running statistics to 0, 1 and 0 (when tracked); weight to ones and bias to zeros (affine).
void reset_norm_state(bool affine, bool track, NormState s);

}  // namespace torsh::nn::detail
