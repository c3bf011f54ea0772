// torsh/nn/layers.h (part 2): max pooling with indices, adaptive max pooling, max unpooling,
// power-average pooling and fractional max pooling, functionals and modules, with libtorch 1.13's
// checks and printing. Unpooling is the op table's max_unpool2d/3d (ops/nn_misc.cpp); fractional
// pooling is composed from torsh's ops (gather), so autograd comes with it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "ops/nn_misc.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/layers.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace F = functional;

namespace {

const char* b(bool v) { return v ? "true" : "false"; }

int64_t product(IntArrayRef values) {
  int64_t p = 1;
  for (int64_t v : values) p *= v;
  return p;
}

// libtorch's _list_with_default: the missing sizes taken from the input's last D dims.
template <size_t D>
std::vector<int64_t> list_with_default(const ExpandingArrayWithOptionalElem<D>& size,
                                       IntArrayRef defaults) {
  TORSH_CHECK(defaults.size() > D, "Input dimension should be at least ", D + 1);
  std::vector<int64_t> out;
  for (size_t i = 0; i < D; ++i) {
    out.push_back(size[i] ? *size[i] : defaults[defaults.size() - D + i]);
  }
  return out;
}

// libtorch's _unpool_output_size: (in - 1) * stride + kernel - 2 * padding per spatial dim, or
// the given size (its last D dims, or all D + 2) when it is within a stride of that.
std::vector<int64_t> unpool_output_size(const Tensor& input, IntArrayRef kernel_size,
                                        IntArrayRef stride, IntArrayRef padding,
                                        const std::optional<std::vector<int64_t>>& output_size) {
  const size_t d = kernel_size.size();
  const int64_t first = input.dim() - static_cast<int64_t>(d);
  std::vector<int64_t> defaults;
  for (size_t i = 0; i < d; ++i) {
    defaults.push_back((input.size(first + static_cast<int64_t>(i)) - 1) * stride[i] +
                       kernel_size[i] - 2 * padding[i]);
  }
  if (!output_size) return defaults;
  std::vector<int64_t> size = *output_size;
  if (size.size() == d + 2) size.erase(size.begin(), size.begin() + 2);
  TORSH_CHECK(size.size() == d, "output_size should be a sequence containing ", d, " or ", d + 2,
              " elements, but it has a length of '", output_size->size(), "'");
  for (size_t i = 0; i < d; ++i) {
    const int64_t lo = defaults[i] - stride[i], hi = defaults[i] + stride[i];
    TORSH_CHECK(lo <= size[i] && size[i] <= hi, "invalid output_size ",
                ::torsh::detail::shape_str(size), " (dim ", i, " must be between ", lo, " and ", hi,
                ")");
  }
  return size;
}

// Fractional max pooling's window starts [N, C, out] from per-plane samples u [N, C]:
// int((i + u) * alpha) - int(u * alpha), alpha = (in - pool) / (out - 1) in the samples' dtype;
// the last window ends at the input's end.
Tensor fmp_intervals(const Tensor& samples, int64_t in, int64_t out, int64_t pool) {
  const int64_t n = samples.size(0), c = samples.size(1);
  const Tensor last =
      torsh::full({n, c, std::min<int64_t>(out, 1)}, in - pool, TensorOptions(kLong));
  if (out <= 1) return last;
  const TensorOptions o(samples.scalar_type());
  const Tensor alpha = torsh::scalar_tensor(in - pool, o) / torsh::scalar_tensor(out - 1, o);
  const Tensor i = torsh::arange(out - 1, o);
  const Tensor u = samples.unsqueeze(2);
  const Tensor starts = torsh::trunc((i + u) * alpha).to(kLong) - torsh::trunc(u * alpha).to(kLong);
  return torsh::cat({starts, last}, 2);
}

// ATen's fractional_max_pool2d / 3d: per plane, the max of each window (the first in row-major
// order among equals, the last NaN if any), with its flat index in the plane.
std::tuple<Tensor, Tensor> fractional_max_pool(const Tensor& input, IntArrayRef kernel,
                                               IntArrayRef out_size, const Tensor& samples) {
  const auto nd = static_cast<int64_t>(kernel.size());
  const std::string op = "fractional_max_pool" + std::to_string(nd) + "d";
  const std::string prefix = nd == 2 ? op + "()" : std::string("fractional_max_pool3d_out()");
  TORSH_CHECK(input.dim() == nd + 1 || input.dim() == nd + 2, prefix, ": Expected ", nd + 1,
              "D or ", nd + 2, "D tensor, but got: ", ::torsh::detail::shape_str(input.sizes()));
  for (int64_t i = 1; i < input.dim(); ++i) {
    TORSH_CHECK(input.size(i) > 0, prefix,
                ": Expected input to have non-zero size for non-batch dimensions, but got",
                ::torsh::detail::shape_str(input.sizes()), " with dimension ", i, " being empty.");
  }
  const bool batched = input.dim() == nd + 2;
  const Tensor x = batched ? input : input.unsqueeze(0);
  const std::vector<int64_t> spatial(x.sizes().begin() + 2, x.sizes().end());
  const char* names[] = {"height", "width", "time"};
  // torch checks 2-D with > in (H, W) order, 3-D with >= in (T, W, H) order
  const std::vector<int64_t> check =
      nd == 2 ? std::vector<int64_t>{0, 1} : std::vector<int64_t>{0, 2, 1};
  for (int64_t axis : check) {
    const char* name = nd == 2 ? names[axis] : (axis == 0 ? names[2] : names[axis - 1]);
    const int64_t fits = out_size[axis] + kernel[axis] - 1;
    TORSH_CHECK(nd == 2 ? fits <= spatial[axis] : fits < spatial[axis], prefix, ": pool ", name,
                " ", kernel[axis], " too large relative to input ", name, " ", spatial[axis]);
  }
  for (int64_t k : kernel) {
    TORSH_CHECK(k > 0, op, ": kernel_size must be greater than zero, but got ",
                ::torsh::detail::shape_str(kernel));
  }
  for (int64_t o : out_size) {
    std::vector<int64_t> shape{x.size(0), x.size(1)};
    shape.insert(shape.end(), out_size.begin(), out_size.end());
    TORSH_CHECK(o >= 0, "Trying to create tensor with negative dimension ", o, ": ",
                ::torsh::detail::shape_str(shape));
  }
  TORSH_CHECK(input.scalar_type() == kFloat || input.scalar_type() == kDouble, "\"", op,
              "_out_frame\" not implemented for '", scalar_type_name(input.scalar_type()), "'");
  TORSH_CHECK(samples.scalar_type() == input.scalar_type(), "expected scalar type ",
              scalar_type_name(input.scalar_type()), " but found ",
              scalar_type_name(samples.scalar_type()));
  const int64_t n = x.size(0), c = x.size(1);
  TORSH_CHECK(samples.numel() == n * c * nd, op, ": expected _random_samples to hold ", n * c * nd,
              " values (N, C, ", nd, "), but got sizes ",
              ::torsh::detail::shape_str(samples.sizes()));
  const Tensor s = samples.reshape({n, c, nd});
  // samples[..., 0] drives W in 2-D (then H), but T in 3-D (then H, W)
  Tensor index;
  for (int64_t axis = 0; axis < nd; ++axis) {
    const int64_t which = nd == 2 ? 1 - axis : axis;
    const Tensor starts =
        fmp_intervals(s.select(2, which), spatial[axis], out_size[axis], kernel[axis]);
    std::vector<int64_t> shape(2 + 2 * nd, 1);
    shape[0] = n;
    shape[1] = c;
    shape[2 + axis] = out_size[axis];
    std::vector<int64_t> offs(2 + 2 * nd, 1);
    offs[2 + nd + axis] = kernel[axis];
    const Tensor pos =
        starts.reshape(shape) + torsh::arange(kernel[axis], TensorOptions(kLong)).reshape(offs);
    index = axis == 0 ? pos : index * spatial[axis] + pos;
  }
  const int64_t window = product(kernel), points = product(out_size);
  const Tensor windows = index
                             .expand([&] {
                               std::vector<int64_t> full{n, c};
                               full.insert(full.end(), out_size.begin(), out_size.end());
                               full.insert(full.end(), kernel.begin(), kernel.end());
                               return full;
                             }())
                             .reshape({n, c, points, window});
  const Tensor flat = x.reshape({n, c, product(spatial)});
  Tensor chosen;
  {
    NoGradGuard no_grad;
    const Tensor vals = torsh::gather(flat.detach(), 2, windows.reshape({n, c, points * window}))
                            .reshape({n, c, points, window});
    const Tensor best = torsh::amax(vals, {3}, true);
    const Tensor nan_best = torsh::isnan(best);
    const Tensor hit =
        torsh::logical_or(vals == best, torsh::logical_and(torsh::isnan(vals), nan_best));
    const Tensor k = torsh::arange(window, TensorOptions(kLong));
    const Tensor rank = torsh::where(nan_best, k + 1, window - k);
    const Tensor pick = torsh::argmax(torsh::where(hit, rank, Scalar(int64_t{0})), 3, true);
    chosen = torsh::gather(windows, 3, pick).reshape({n, c, points});
  }
  const Tensor out = torsh::gather(flat, 2, chosen);
  std::vector<int64_t> shape{n, c};
  shape.insert(shape.end(), out_size.begin(), out_size.end());
  Tensor values = out.reshape(shape), indices = chosen.reshape(shape);
  if (!batched) return {values.squeeze(0), indices.squeeze(0)};
  return {values, indices};
}

}  // namespace

// ---- functionals
// ----------------------------------------------------------------------------------
namespace functional {

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input,
                                                   const MaxPool1dFuncOptions& o) {
  return torsh::max_pool1d_with_indices(input, o.kernel_size(), o.stride(), o.padding(),
                                        o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input,
                                                   const MaxPool2dFuncOptions& o) {
  return torsh::max_pool2d_with_indices(input, o.kernel_size(), o.stride(), o.padding(),
                                        o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input,
                                                   const MaxPool3dFuncOptions& o) {
  return torsh::max_pool3d_with_indices(input, o.kernel_size(), o.stride(), o.padding(),
                                        o.dilation(), o.ceil_mode());
}

std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(
    const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options) {
  return torsh::adaptive_max_pool1d(input, options.output_size());
}
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(
    const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options) {
  return torsh::adaptive_max_pool2d(input, list_with_default(options.output_size(), input.sizes()));
}
std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(
    const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options) {
  return torsh::adaptive_max_pool3d(input, list_with_default(options.output_size(), input.sizes()));
}
Tensor adaptive_max_pool1d(const Tensor& input, const AdaptiveMaxPool1dFuncOptions& options) {
  return std::get<0>(adaptive_max_pool1d_with_indices(input, options));
}
Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options) {
  return std::get<0>(adaptive_max_pool2d_with_indices(input, options));
}
Tensor adaptive_max_pool3d(const Tensor& input, const AdaptiveMaxPool3dFuncOptions& options) {
  return std::get<0>(adaptive_max_pool3d_with_indices(input, options));
}

Tensor max_unpool1d(const Tensor& input, const Tensor& indices,
                    const MaxUnpool1dFuncOptions& options) {
  std::vector<int64_t> size = unpool_output_size(input, options.kernel_size(), options.stride(),
                                                 options.padding(), options.output_size());
  size.push_back(1);
  const Tensor x = input.unsqueeze(3), idx = indices.unsqueeze(3);
  return torsh::max_unpool2d(x, idx, size).squeeze(3);
}

Tensor max_unpool2d(const Tensor& input, const Tensor& indices,
                    const MaxUnpool2dFuncOptions& options) {
  native::check_max_unpool(input, indices, {1, 1}, {}, 2);
  const std::vector<int64_t> size = unpool_output_size(
      input, options.kernel_size(), options.stride(), options.padding(), options.output_size());
  return torsh::max_unpool2d(input, indices, size);
}

Tensor max_unpool3d(const Tensor& input, const Tensor& indices,
                    const MaxUnpool3dFuncOptions& options) {
  native::check_max_unpool(input, indices, {1, 1, 1}, options.stride(), 3);
  const std::vector<int64_t> size = unpool_output_size(
      input, options.kernel_size(), options.stride(), options.padding(), options.output_size());
  return torsh::max_unpool3d(input, indices, size, options.stride(), options.padding());
}

Tensor lp_pool1d(const Tensor& input, const LPPool1dFuncOptions& options) {
  const double p = options.norm_type();
  const Tensor out = torsh::avg_pool1d(input.pow(p), options.kernel_size(), options.stride(), {0},
                                       options.ceil_mode(), true);
  return (torsh::sign(out) * torsh::relu(torsh::abs(out)))
      .mul(options.kernel_size()[0])
      .pow(1. / p);
}

Tensor lp_pool2d(const Tensor& input, const LPPool2dFuncOptions& options) {
  const double p = options.norm_type();
  const Tensor out = torsh::avg_pool2d(input.pow(p), options.kernel_size(), options.stride(),
                                       {0, 0}, options.ceil_mode(), true, std::nullopt);
  return (torsh::sign(out) * torsh::relu(torsh::abs(out)))
      .mul(options.kernel_size()[0] * options.kernel_size()[1])
      .pow(1. / p);
}

std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(
    const Tensor& input, const FractionalMaxPool2dFuncOptions& options) {
  TORSH_CHECK(options.output_size() || options.output_ratio(),
              "fractional_max_pool2d requires specifying either an output_size or an "
              "output_ratio");
  std::vector<int64_t> size;
  if (options.output_size()) {
    size = options.output_size()->vec();
  } else {
    const auto& ratio = *options.output_ratio();
    size = {static_cast<int64_t>(static_cast<double>(input.size(-2)) * ratio[0]),
            static_cast<int64_t>(static_cast<double>(input.size(-1)) * ratio[1])};
  }
  Tensor samples = options._random_samples();
  if (!samples.defined()) {
    const int64_t n_batch = input.dim() == 3 ? 1 : input.size(0);
    samples = torsh::rand({n_batch, input.size(-3), 2}, input.options());
  }
  return fractional_max_pool(input, options.kernel_size(), size, samples);
}

std::tuple<Tensor, Tensor> fractional_max_pool3d_with_indices(
    const Tensor& input, const FractionalMaxPool3dFuncOptions& options) {
  TORSH_CHECK(options.output_size() || options.output_ratio(),
              "fractional_max_pool3d requires specifying either an output_size or an "
              "output_ratio");
  std::vector<int64_t> size;
  if (options.output_size()) {
    size = options.output_size()->vec();
  } else {
    const auto& ratio = *options.output_ratio();
    for (int64_t i = 0; i < 3; ++i) {
      size.push_back(static_cast<int64_t>(static_cast<double>(input.size(i - 3)) *
                                          ratio[static_cast<size_t>(i)]));
    }
  }
  Tensor samples = options._random_samples();
  if (!samples.defined()) {
    const int64_t n_batch = input.dim() == 4 ? 1 : input.size(0);
    samples = torsh::rand({n_batch, input.size(-4), 3}, input.options());
  }
  return fractional_max_pool(input, options.kernel_size(), size, samples);
}

Tensor fractional_max_pool2d(const Tensor& input, const FractionalMaxPool2dFuncOptions& options) {
  return std::get<0>(fractional_max_pool2d_with_indices(input, options));
}
Tensor fractional_max_pool3d(const Tensor& input, const FractionalMaxPool3dFuncOptions& options) {
  return std::get<0>(fractional_max_pool3d_with_indices(input, options));
}

}  // namespace functional

// ---- modules
// ------------------------------------------------------------------------------------------
template <size_t D, typename output_size_t, typename Derived>
void AdaptiveMaxPoolImpl<D, output_size_t, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::AdaptiveMaxPool" << D << "d(output_size=" << options.output_size() << ")";
}
template <size_t D, typename output_size_t, typename Derived>
Tensor AdaptiveMaxPoolImpl<D, output_size_t, Derived>::forward(const Tensor& input) {
  return std::get<0>(forward_with_indices(input));
}
template <size_t D, typename output_size_t, typename Derived>
std::tuple<Tensor, Tensor> AdaptiveMaxPoolImpl<D, output_size_t, Derived>::forward_with_indices(
    const Tensor& input) {
  if constexpr (D == 1) {
    return F::adaptive_max_pool1d_with_indices(input, options);
  } else if constexpr (D == 2) {
    return F::adaptive_max_pool2d_with_indices(input, options);
  } else {
    return F::adaptive_max_pool3d_with_indices(input, options);
  }
}
template class AdaptiveMaxPoolImpl<1, ExpandingArray<1>, AdaptiveMaxPool1dImpl>;
template class AdaptiveMaxPoolImpl<2, ExpandingArrayWithOptionalElem<2>, AdaptiveMaxPool2dImpl>;
template class AdaptiveMaxPoolImpl<3, ExpandingArrayWithOptionalElem<3>, AdaptiveMaxPool3dImpl>;

template <size_t D, typename Derived>
void MaxUnpoolImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::MaxUnpool" << D << "d(kernel_size=" << options.kernel_size()
    << ", stride=" << options.stride() << ", padding=" << options.padding() << ")";
}
template <size_t D, typename Derived>
Tensor MaxUnpoolImpl<D, Derived>::forward(const Tensor& input, const Tensor& indices,
                                          const std::optional<std::vector<int64_t>>& output_size) {
  F::MaxUnpoolFuncOptions<D> o(options.kernel_size());
  o.stride(options.stride()).padding(options.padding()).output_size(output_size);
  if constexpr (D == 1) {
    return F::max_unpool1d(input, indices, o);
  } else if constexpr (D == 2) {
    return F::max_unpool2d(input, indices, o);
  } else {
    return F::max_unpool3d(input, indices, o);
  }
}
template class MaxUnpoolImpl<1, MaxUnpool1dImpl>;
template class MaxUnpoolImpl<2, MaxUnpool2dImpl>;
template class MaxUnpoolImpl<3, MaxUnpool3dImpl>;

template <size_t D, typename Derived>
void LPPoolImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::LPPool" << D << "d(norm_type=" << options.norm_type()
    << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride()
    << ", ceil_mode=" << b(options.ceil_mode()) << ")";
}
template <size_t D, typename Derived>
Tensor LPPoolImpl<D, Derived>::forward(const Tensor& input) {
  if constexpr (D == 1) {
    return F::lp_pool1d(input, options);
  } else {
    return F::lp_pool2d(input, options);
  }
}
template class LPPoolImpl<1, LPPool1dImpl>;
template class LPPoolImpl<2, LPPool2dImpl>;

template <size_t D, typename Derived>
FractionalMaxPoolImpl<D, Derived>::FractionalMaxPoolImpl(const FractionalMaxPoolOptions<D>& o)
    : options(o) {
  reset();
}
template <size_t D, typename Derived>
void FractionalMaxPoolImpl<D, Derived>::reset() {
  _random_samples = this->register_buffer("_random_samples", options._random_samples());
  TORSH_CHECK(options.output_size() || options.output_ratio(), "FractionalMaxPool", D,
              "d requires specifying either an output size, or a pooling ratio");
  TORSH_CHECK(!(options.output_size() && options.output_ratio()),
              "only one of output_size and output_ratio may be specified");
  if (options.output_ratio()) {
    const auto& ratio = *options.output_ratio();
    for (size_t i = 0; i < D; ++i) {
      TORSH_CHECK(0 < ratio[i] && ratio[i] < 1, "output_ratio must be between 0 and 1 (got ", ratio,
                  ")");
    }
  }
}
template <size_t D, typename Derived>
void FractionalMaxPoolImpl<D, Derived>::pretty_print(std::ostream& s) const {
  s << "torch::nn::FractionalMaxPool" << D << "d()";
}
template <size_t D, typename Derived>
std::tuple<Tensor, Tensor> FractionalMaxPoolImpl<D, Derived>::forward_with_indices(
    const Tensor& input) {
  FractionalMaxPoolOptions<D> o = options;
  o._random_samples(_random_samples);
  if constexpr (D == 2) {
    return F::fractional_max_pool2d_with_indices(input, o);
  } else {
    return F::fractional_max_pool3d_with_indices(input, o);
  }
}
template <size_t D, typename Derived>
Tensor FractionalMaxPoolImpl<D, Derived>::forward(const Tensor& input) {
  return std::get<0>(forward_with_indices(input));
}
template class FractionalMaxPoolImpl<2, FractionalMaxPool2dImpl>;
template class FractionalMaxPoolImpl<3, FractionalMaxPool3dImpl>;

}  // namespace torsh::nn
