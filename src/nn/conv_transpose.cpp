// libtorch's transposed convolution: F::conv_transpose1d/2d/3d and the ConvTranspose1d/2d/3d
// modules (weight [in, out / groups, kernel...], torch's default init, output_size in forward).
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "nn/layer_init.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/functional.h"
#include "torsh/nn/init.h"
#include "torsh/nn/modules.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace {

template <size_t D>
Tensor conv_transpose_nd(const Tensor& input, const Tensor& weight, const Tensor& bias,
                         IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding,
                         int64_t groups, IntArrayRef dilation) {
  const std::optional<Tensor> b = bias.defined() ? std::optional<Tensor>(bias) : std::nullopt;
  if constexpr (D == 1) {
    return torsh::conv_transpose1d(input, weight, b, stride, padding, output_padding, groups,
                                   dilation);
  } else if constexpr (D == 2) {
    return torsh::conv_transpose2d(input, weight, b, stride, padding, output_padding, groups,
                                   dilation);
  } else {
    return torsh::conv_transpose3d(input, weight, b, stride, padding, output_padding, groups,
                                   dilation);
  }
}

std::string sizes_str(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

namespace functional {

template <size_t D>
Tensor conv_transpose(const Tensor& input, const Tensor& weight,
                      const ConvTransposeFuncOptions<D>& o) {
  return conv_transpose_nd<D>(input, weight, o.bias(), o.stride(), o.padding(), o.output_padding(),
                              o.groups(), o.dilation());
}
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose1dFuncOptions& options) {
  return conv_transpose<1>(input, weight, options);
}
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose2dFuncOptions& options) {
  return conv_transpose<2>(input, weight, options);
}
Tensor conv_transpose3d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose3dFuncOptions& options) {
  return conv_transpose<3>(input, weight, options);
}

}  // namespace functional

template <size_t D, typename Derived>
ConvTransposeNdImpl<D, Derived>::ConvTransposeNdImpl(ConvTransposeOptions<D> options_)
    : options(std::move(options_)) {
  reset();
}

template <size_t D, typename Derived>
void ConvTransposeNdImpl<D, Derived>::reset() {
  detail::check_channels(options.in_channels(), options.out_channels(), options.groups());
  TORSH_CHECK_VALUE(std::holds_alternative<enumtype::kZeros>(options.padding_mode()),
                    "Only `zeros` padding mode is supported for ConvTranspose", D, "d");
  std::vector<int64_t> shape{options.in_channels(), options.out_channels() / options.groups()};
  for (size_t i = 0; i < D; ++i) shape.push_back(options.kernel_size()[i]);
  detail::register_weight_and_bias(*this, shape, options.out_channels(), options.bias(), weight,
                                   bias);
  reset_parameters();
}

template <size_t D, typename Derived>
void ConvTransposeNdImpl<D, Derived>::reset_parameters() {
  detail::default_init(weight, bias);  // the transposed weight's fan-in: dim 1 x kernel size
}

template <size_t D, typename Derived>
void ConvTransposeNdImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::ConvTranspose" << D << "d(" << options.in_channels() << ", "
    << options.out_channels() << ", kernel_size=" << options.kernel_size()
    << ", stride=" << options.stride();
  if (!(options.padding() == ExpandingArray<D>(0))) s << ", padding=" << options.padding();
  if (!(options.dilation() == ExpandingArray<D>(1))) s << ", dilation=" << options.dilation();
  if (!(options.output_padding() == ExpandingArray<D>(0))) {
    s << ", output_padding=" << options.output_padding();
  }
  if (options.groups() != 1) s << ", groups=" << options.groups();
  if (!options.bias()) s << ", bias=false";
  s << ")";
}

template <size_t D, typename Derived>
Tensor ConvTransposeNdImpl<D, Derived>::forward(const Tensor& input,
                                                const std::optional<IntArrayRef>& output_size) {
  std::vector<int64_t> out_pad = options.output_padding().vec();
  if (output_size) {
    // torch's _output_padding: the padding that makes the output exactly output_size
    std::vector<int64_t> want(output_size->begin(), output_size->end());
    // as PyTorch: the batch and channel dims (or the channel dim of unbatched input) may lead
    const int64_t spatial_from = input.dim() - static_cast<int64_t>(D);
    TORSH_CHECK(spatial_from >= 1, "ConvTranspose", D, "d: expected an input with at least ", D + 1,
                " dims, got ", input.dim());
    if (static_cast<int64_t>(want.size()) == input.dim()) {
      want.erase(want.begin(), want.begin() + spatial_from);
    }
    TORSH_CHECK(want.size() == D, "ConvTranspose", D, "d: output_size must have ", D, " or ",
                input.dim(), " elements (got ", output_size->size(), ")");
    std::vector<int64_t> lo(D), hi(D);
    for (size_t d = 0; d < D; ++d) {
      lo[d] = (input.size(spatial_from + static_cast<int64_t>(d)) - 1) * options.stride()[d] -
              2 * options.padding()[d] + options.dilation()[d] * (options.kernel_size()[d] - 1) + 1;
      hi[d] = lo[d] + options.stride()[d] - 1;
    }
    for (size_t d = 0; d < D; ++d) {
      TORSH_CHECK(want[d] >= lo[d] && want[d] <= hi[d], "requested an output size of ",
                  sizes_str(want), ", but valid sizes range from ", sizes_str(lo), " to ",
                  sizes_str(hi), " (for an input of ",
                  sizes_str(std::vector<int64_t>(input.sizes().begin() + spatial_from,
                                                 input.sizes().end())),
                  ")");
      out_pad[d] = want[d] - lo[d];
    }
  }
  return conv_transpose_nd<D>(input, weight, bias, options.stride(), options.padding(), out_pad,
                              options.groups(), options.dilation());
}

template class ConvTransposeNdImpl<1, ConvTranspose1dImpl>;
template class ConvTransposeNdImpl<2, ConvTranspose2dImpl>;
template class ConvTransposeNdImpl<3, ConvTranspose3dImpl>;

}  // namespace torsh::nn
