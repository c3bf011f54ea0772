// The dropout family beyond torsh::dropout (a table op): ATen's feature, alpha and feature-alpha
// dropout with their in-place forms, libtorch's F::dropout2d/3d/alpha_dropout/
// feature_alpha_dropout, and the Dropout2d/Dropout3d/AlphaDropout/FeatureAlphaDropout modules.
#include <cmath>
#include <ostream>
#include <type_traits>

#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/functional.h"
#include "torsh/nn/modules.h"
#include "torsh/ops.h"

namespace torsh {
namespace {

void check_probability(double p) {
  TORSH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
}

// ATen's _dropout_impl: noise of the input's shape (feature: [N, C, 1, ...], one draw per
// sample and channel) filled by bernoulli_(1 - p), so the generator stream matches torch's.
Tensor noise_dropout(const Tensor& input, double p, bool train, bool feature, bool alpha,
                     bool inplace) {
  check_probability(p);
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1) {
    Tensor zero = torsh::zeros({}, input.options());
    return inplace ? input.mul_(zero) : input * zero;
  }
  Tensor noise;
  if (feature) {
    TORSH_CHECK(input.dim() >= 2, "Feature dropout requires at least 2 dimensions in the input");
    std::vector<int64_t> shape(static_cast<size_t>(input.dim()), 1);
    shape[0] = input.size(0);
    shape[1] = input.size(1);
    noise = torsh::empty(shape, input.options().requires_grad(false));
  } else {
    noise =
        torsh::empty_like(input, input.options().requires_grad(false), MemoryFormat::Contiguous);
  }
  Tensor shift;
  {
    NoGradGuard no_grad;
    noise.bernoulli_(1 - p);
    if (alpha) {
      const double alpha_c = 1.7580993408473766;
      const double a = 1. / std::sqrt((alpha_c * alpha_c * p + 1) * (1 - p));
      shift = noise.add(-1).mul_(alpha_c * a).add_(alpha_c * a * p);
      noise.mul_(a);
    } else {
      noise.div_(1 - p);
    }
  }
  Tensor out = inplace ? input.mul_(noise) : input * noise;
  return alpha ? out.add_(shift) : out;
}

}  // namespace

Tensor feature_dropout(const Tensor& input, double p, bool train) {
  return noise_dropout(input, p, train, true, false, false);
}
Tensor& feature_dropout_(Tensor& input, double p, bool train) {
  noise_dropout(input, p, train, true, false, true);
  return input;
}
Tensor alpha_dropout(const Tensor& input, double p, bool train) {
  return noise_dropout(input, p, train, false, true, false);
}
Tensor& alpha_dropout_(Tensor& input, double p, bool train) {
  noise_dropout(input, p, train, false, true, true);
  return input;
}
Tensor feature_alpha_dropout(const Tensor& input, double p, bool train) {
  return noise_dropout(input, p, train, true, true, false);
}
Tensor& feature_alpha_dropout_(Tensor& input, double p, bool train) {
  noise_dropout(input, p, train, true, true, true);
  return input;
}

namespace nn {
namespace functional {
namespace {

// libtorch's _dropoutNd_helper: an input of batched_dim dims is batched; any other gets a batch
// dim for the call.
Tensor feature_dropout_nd(Tensor input, const DropoutFuncOptions& o, int64_t batched_dim) {
  check_probability(o.p());
  const bool batched = input.dim() == batched_dim;
  Tensor x = batched ? input : input.unsqueeze(0);  // a view: in place writes reach input
  if (o.inplace()) {
    feature_dropout_(x, o.p(), o.training());
    return input;
  }
  Tensor result = feature_dropout(x, o.p(), o.training());
  return batched ? result : result.squeeze(0);
}

}  // namespace

Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options) {
  return feature_dropout_nd(std::move(input), options, 4);
}
Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options) {
  return feature_dropout_nd(std::move(input), options, 5);
}
Tensor alpha_dropout(Tensor input, const AlphaDropoutFuncOptions& o) {
  return o.inplace() ? torsh::alpha_dropout_(input, o.p(), o.training())
                     : torsh::alpha_dropout(input, o.p(), o.training());
}
Tensor feature_alpha_dropout(Tensor input, const FeatureAlphaDropoutFuncOptions& o) {
  return o.inplace() ? torsh::feature_alpha_dropout_(input, o.p(), o.training())
                     : torsh::feature_alpha_dropout(input, o.p(), o.training());
}

}  // namespace functional

template <typename Derived>
DropoutVariantImpl<Derived>::DropoutVariantImpl(const DropoutOptions& options_)
    : options(options_) {
  reset();
}

template <typename Derived>
void DropoutVariantImpl<Derived>::reset() {
  check_probability(options.p());
}

template <typename Derived>
void DropoutVariantImpl<Derived>::pretty_print(std::ostream& s) const {
  const char* name = std::is_same_v<Derived, Dropout2dImpl>      ? "Dropout2d"
                     : std::is_same_v<Derived, Dropout3dImpl>    ? "Dropout3d"
                     : std::is_same_v<Derived, AlphaDropoutImpl> ? "AlphaDropout"
                                                                 : "FeatureAlphaDropout";
  s << "torch::nn::" << name << "(p=" << options.p()
    << ", inplace=" << (options.inplace() ? "true" : "false") << ")";
}

template <typename Derived>
Tensor DropoutVariantImpl<Derived>::forward(Tensor input) {
  namespace F = functional;
  const bool training = this->is_training();
  if constexpr (std::is_same_v<Derived, Dropout2dImpl>) {
    return F::dropout2d(
        std::move(input),
        F::Dropout2dFuncOptions().p(options.p()).training(training).inplace(options.inplace()));
  } else if constexpr (std::is_same_v<Derived, Dropout3dImpl>) {
    return F::dropout3d(
        std::move(input),
        F::Dropout3dFuncOptions().p(options.p()).training(training).inplace(options.inplace()));
  } else if constexpr (std::is_same_v<Derived, AlphaDropoutImpl>) {
    return F::alpha_dropout(
        std::move(input),
        F::AlphaDropoutFuncOptions().p(options.p()).training(training).inplace(options.inplace()));
  } else {
    return F::feature_alpha_dropout(std::move(input), F::FeatureAlphaDropoutFuncOptions()
                                                          .p(options.p())
                                                          .training(training)
                                                          .inplace(options.inplace()));
  }
}

template class DropoutVariantImpl<Dropout2dImpl>;
template class DropoutVariantImpl<Dropout3dImpl>;
template class DropoutVariantImpl<AlphaDropoutImpl>;
template class DropoutVariantImpl<FeatureAlphaDropoutImpl>;

}  // namespace nn
}  // namespace torsh
