#pragma once
// libtorch's torch::nn::init: in-place initialisers (under no_grad) with torch's formulas, so the
// same seed gives the same values as torch.
#include <tuple>
#include <variant>

#include "torsh/core/tensor.h"
#include "torsh/nn/options.h"

namespace torsh {
namespace enumtype {
struct kFanIn {};
struct kFanOut {};
struct kLinear {};
struct kConv1D {};
struct kConv2D {};
struct kConv3D {};
struct kSigmoid {};
struct kTanh {};
struct kReLU {};
struct kLeakyReLU {};
}  // namespace enumtype
inline constexpr enumtype::kFanIn kFanIn{};
inline constexpr enumtype::kFanOut kFanOut{};
inline constexpr enumtype::kLinear kLinear{};
inline constexpr enumtype::kConv1D kConv1D{};
inline constexpr enumtype::kConv2D kConv2D{};
inline constexpr enumtype::kConv3D kConv3D{};
inline constexpr enumtype::kSigmoid kSigmoid{};
inline constexpr enumtype::kTanh kTanh{};
inline constexpr enumtype::kReLU kReLU{};
inline constexpr enumtype::kLeakyReLU kLeakyReLU{};
}  // namespace torsh

namespace torsh::nn::init {

using FanModeType = std::variant<enumtype::kFanIn, enumtype::kFanOut>;
using NonlinearityType =
    std::variant<enumtype::kLinear, enumtype::kConv1D, enumtype::kConv2D, enumtype::kConv3D,
                 enumtype::kSigmoid, enumtype::kTanh, enumtype::kReLU, enumtype::kLeakyReLU>;

/// The recommended gain for a nonlinearity (param: leaky_relu's negative slope, default 0.01).
double calculate_gain(NonlinearityType nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight of at least 2 dims.
std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor);

Tensor uniform_(Tensor tensor, double low = 0, double high = 1);
Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
Tensor constant_(Tensor tensor, Scalar value);
Tensor ones_(Tensor tensor);
Tensor zeros_(Tensor tensor);
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
Tensor xavier_normal_(Tensor tensor, double gain = 1.0);
Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanModeType mode = torsh::kFanIn,
                        NonlinearityType nonlinearity = torsh::kLeakyReLU);
Tensor kaiming_normal_(Tensor tensor, double a = 0, FanModeType mode = torsh::kFanIn,
                       NonlinearityType nonlinearity = torsh::kLeakyReLU);
/// A (semi-)orthogonal matrix over the tensor viewed as [size(0), rest], times gain: libtorch's
/// Q of the QR of a normal draw, sign-corrected so the same seed gives libtorch's values (to
/// rounding).
Tensor orthogonal_(Tensor tensor, double gain = 1.0);
/// The identity in a 2-d tensor (ones on the main diagonal).
Tensor eye_(Tensor matrix);
/// A 3-5 d convolution weight that passes each of the first min(out, in) channels through.
Tensor dirac_(Tensor tensor);
/// N(0, std) values with ceil(sparsity * rows) random rows zeroed in each column of a 2-d tensor
/// (libtorch's draws: the normal fill, then one randperm per column).
Tensor sparse_(Tensor tensor, double sparsity, double std = 0.01);

}  // namespace torsh::nn::init
