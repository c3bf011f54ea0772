// Backward formulas of the pointwise math ops (src/ops/math.cpp), written with torsh ops so
// that they are differentiable themselves.
#include <cmath>

#include "autograd/formulas.h"
#include "ops/scalar_check.h"
#include "torsh/ops.h"

namespace torsh::autograd::formulas {

Tensor sinc_backward(const Tensor& grad, const Tensor& self) {
  constexpr double pi = 3.14159265358979323846;
  const Tensor px = self * pi;
  const Tensor den = self * self * pi;
  const Tensor out = grad * (px * px.cos() - px.sin()) / den;
  return torsh::where(den == 0, torsh::zeros_like(out), out);
}

Tensor logit_backward(const Tensor& grad, const Tensor& self, std::optional<double> eps) {
  eps = detail::logit_eps(self.dtype(), eps);
  const Tensor g = grad / (self * (1 - self));
  if (!eps || *eps < 0) {
    const Tensor outside = (self < 0).logical_or(self > 1);
    return torsh::where(outside, torsh::full_like(g, NAN), g);
  }
  const Tensor outside = (self < *eps).logical_or(self > 1 - *eps);  // NaN gives NaN
  return torsh::where(outside, torsh::zeros_like(g), g);
}

// torch's formula: xlogy(grad, other), 0 where self is 0 and other is not positive.
Tensor xlogy_self_backward(const Tensor& grad, const Tensor& self, const Tensor& other) {
  const Tensor g = torsh::xlogy(grad, other);
  return torsh::where((self == 0).logical_and(other <= 0), torsh::zeros_like(g), g);
}

// A number for other: torch masks where self is 0 unless other > 0, so a NaN other masks too.
Tensor xlogy_self_backward(const Tensor& grad, const Tensor& self, const Scalar& other) {
  const Tensor g = torsh::xlogy(grad, other);
  if (other.to_double() > 0) return g;
  return torsh::where(self == 0, torsh::zeros_like(g), g);
}

Tensor copysign_backward(const Tensor& grad, const Tensor& self, const Tensor& result) {
  // torch's order: the ratio first (grad * result could overflow), zeroed where self is 0.
  Tensor ratio = result / self;
  return grad * torsh::where(self == 0, torsh::zeros_like(ratio), ratio);
}

}  // namespace torsh::autograd::formulas

namespace torsh::autograd::formulas {

// ---- masked and flat-index ops (src/ops/masked.cpp) --------------------------------------------
namespace {
Tensor as_bool(const Tensor& mask) { return mask.dtype() == kBool ? mask : mask != 0; }
}  // namespace

Tensor masked_fill_backward(const Tensor& grad, const Tensor& mask) {
  return torsh::where(as_bool(mask), torsh::zeros({}, grad.options()), grad);
}

// grad's elements where mask (broadcast to grad) is true, in order (0-dim read as 1 element).
static Tensor picked_by(const Tensor& grad, const Tensor& mask) {
  const Tensor g = grad.dim() == 0 ? grad.reshape({1}) : grad;
  OptionalTensorList li{as_bool(mask).expand(grad.sizes()).reshape(g.sizes())};
  return torsh::index(g, li);
}

Tensor masked_fill_value_backward(const Tensor& grad, const Tensor& mask) {
  return picked_by(grad, mask).sum();  // torch's grad.masked_select(mask).sum()
}

Tensor masked_select_backward(const Tensor& grad, const Tensor& self, const Tensor& mask) {
  const auto shape = torsh::broadcast_shapes(self.sizes(), mask.sizes());
  std::vector<int64_t> work(shape.begin(), shape.end());
  if (work.empty()) work.push_back(1);
  OptionalTensorList li{as_bool(mask).expand(shape).reshape(work)};
  return torsh::index_put(torsh::zeros(work, grad.options()), li, grad, false).reshape(shape);
}

Tensor masked_scatter_source_backward(const Tensor& grad, const Tensor& mask,
                                      const Tensor& source) {
  const Tensor picked = picked_by(grad, mask);
  const int64_t pad = source.numel() - picked.numel();
  const Tensor flat =
      pad > 0 ? torsh::cat({picked, torsh::zeros({pad}, grad.options())}, 0) : picked;
  return flat.reshape(source.sizes());
}

Tensor take_backward(const Tensor& grad, const Tensor& self, const Tensor& index) {
  return torsh::put(torsh::zeros(self.sizes(), grad.options()), index, grad, true);
}

}  // namespace torsh::autograd::formulas
