// torsh::nn::functional: libtorch's option-struct forms over the op table's functions.
#include "torsh/nn/functional.h"

#include "nn/layer_init.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn {

int64_t reduction_enum(const LossReduction& r) {
  if (std::holds_alternative<enumtype::kNone>(r)) return 0;
  if (std::holds_alternative<enumtype::kSum>(r)) return 2;
  return 1;
}

namespace functional {
namespace {
using detail::opt;

template <size_t D>
Tensor conv_nd(const Tensor& input, const Tensor& weight, const ConvFuncOptions<D>& o) {
  const auto& p = o.padding();
  if (std::holds_alternative<enumtype::kSame>(p) || std::holds_alternative<enumtype::kValid>(p)) {
    const char* mode = std::holds_alternative<enumtype::kSame>(p) ? "same" : "valid";
    if constexpr (D == 1) {
      return torsh::conv1d(input, weight, opt(o.bias()), o.stride(), mode, o.dilation(),
                           o.groups());
    } else if constexpr (D == 2) {
      return torsh::conv2d(input, weight, opt(o.bias()), o.stride(), mode, o.dilation(),
                           o.groups());
    } else {
      return torsh::conv3d(input, weight, opt(o.bias()), o.stride(), mode, o.dilation(),
                           o.groups());
    }
  }
  const auto& pad = std::get<ExpandingArray<D>>(p);
  if constexpr (D == 1) {
    return torsh::conv1d(input, weight, opt(o.bias()), o.stride(), pad, o.dilation(), o.groups());
  } else if constexpr (D == 2) {
    return torsh::conv2d(input, weight, opt(o.bias()), o.stride(), pad, o.dilation(), o.groups());
  } else {
    return torsh::conv3d(input, weight, opt(o.bias()), o.stride(), pad, o.dilation(), o.groups());
  }
}
}  // namespace

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  return torsh::linear(input, weight, opt(bias));
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options) {
  return conv_nd<1>(input, weight, options);
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options) {
  return conv_nd<2>(input, weight, options);
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Conv3dFuncOptions& options) {
  return conv_nd<3>(input, weight, options);
}

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return torsh::max_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(),
                           o.ceil_mode());
}
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return torsh::max_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(),
                           o.ceil_mode());
}
Tensor max_pool3d(const Tensor& input, const MaxPool3dFuncOptions& o) {
  return torsh::max_pool3d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(),
                           o.ceil_mode());
}
Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& o) {
  return torsh::avg_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(),
                           o.count_include_pad());
}
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o) {
  return torsh::avg_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(),
                           o.count_include_pad(), o.divisor_override());
}
Tensor avg_pool3d(const Tensor& input, const AvgPool3dFuncOptions& o) {
  return torsh::avg_pool3d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(),
                           o.count_include_pad(), o.divisor_override());
}
Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& o) {
  return torsh::adaptive_avg_pool1d(input, o.output_size());
}
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o) {
  return torsh::adaptive_avg_pool2d(input, o.output_size());
}
Tensor adaptive_avg_pool3d(const Tensor& input, const AdaptiveAvgPool3dFuncOptions& o) {
  return torsh::adaptive_avg_pool3d(input, o.output_size());
}

Tensor dropout(Tensor input, const DropoutFuncOptions& o) {
  if (o.inplace()) {
    Tensor r = torsh::dropout(input, o.p(), o.training());
    return r.is_same(input) ? input : input.copy_(r);
  }
  return torsh::dropout(input, o.p(), o.training());
}

Tensor relu(Tensor input, const ReLUFuncOptions& o) {
  return o.inplace() ? input.relu_() : torsh::relu(input);
}
Tensor leaky_relu(Tensor input, const LeakyReLUFuncOptions& o) {
  return o.inplace() ? input.leaky_relu_(o.negative_slope())
                     : torsh::leaky_relu(input, o.negative_slope());
}
Tensor gelu(const Tensor& input, const GELUFuncOptions& o) {
  return torsh::gelu(input, o.approximate());
}
Tensor silu(const Tensor& input) { return torsh::silu(input); }

Tensor softmax(const Tensor& input, const SoftmaxFuncOptions& o) {
  return torsh::softmax(input, o.dim(), o.dtype());
}
Tensor one_hot(const Tensor& tensor, int64_t num_classes) {
  TORSH_CHECK(tensor.dtype() == kLong, "one_hot is only applicable to index tensor.");
  std::vector<int64_t> shape = tensor.sizes().vec();
  if (tensor.numel() == 0) {
    TORSH_CHECK(num_classes > 0, "Can not infer total number of classes from empty tensor.");
    shape.push_back(num_classes);
    return torsh::empty(shape, TensorOptions(kLong));
  }
  TORSH_CHECK(tensor.min().item<int64_t>() >= 0, "Class values must be non-negative.");
  const int64_t top = tensor.max().item<int64_t>();
  if (num_classes == -1) {
    num_classes = top + 1;
  } else {
    TORSH_CHECK(num_classes > top, "Class values must be smaller than num_classes.");
  }
  shape.push_back(num_classes);
  return torsh::zeros(shape, TensorOptions(kLong)).scatter_(-1, tensor.unsqueeze(-1), Scalar(1));
}

Tensor log_softmax(const Tensor& input, const LogSoftmaxFuncOptions& o) {
  return torsh::log_softmax(input, o.dim(), o.dtype());
}

void check_batch_norm_batch(const Tensor& input, bool training) {
  if (!training) return;
  int64_t per_channel = input.dim() > 0 ? input.size(0) : 1;
  for (int64_t d = 2; d < input.dim(); ++d) per_channel *= input.size(d);
  TORSH_CHECK(per_channel != 1,
              "Expected more than 1 value per channel when training, got input "
              "size ",
              torsh::detail::shape_str(input.sizes()));
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& o) {
  check_batch_norm_batch(input, o.training());
  TORSH_CHECK(o.momentum().has_value(),
              "F::batch_norm: momentum must be set (libtorch reads "
              "options.momentum().value())");
  return torsh::batch_norm(input, opt(o.weight()), opt(o.bias()), opt(running_mean),
                           opt(running_var), o.training(), *o.momentum(), o.eps(), false);
}
Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& o) {
  return torsh::layer_norm(input, o.normalized_shape(), opt(o.weight()), opt(o.bias()), o.eps());
}

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& o) {
  return torsh::mse_loss(input, target, reduction_enum(o.reduction()));
}
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& o) {
  return torsh::l1_loss(input, target, reduction_enum(o.reduction()));
}
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& o) {
  return torsh::nll_loss(input, target, opt(o.weight()), reduction_enum(o.reduction()),
                         o.ignore_index());
}
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& o) {
  return torsh::cross_entropy_loss(input, target, opt(o.weight()), reduction_enum(o.reduction()),
                                   o.ignore_index(), o.label_smoothing());
}
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& o) {
  return torsh::binary_cross_entropy(input, target, opt(o.weight()), reduction_enum(o.reduction()));
}
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& o) {
  return torsh::binary_cross_entropy_with_logits(
      input, target, opt(o.weight()), opt(o.pos_weight()), reduction_enum(o.reduction()));
}

}  // namespace functional
}  // namespace torsh::nn
