// Backward formulas of the pointwise math ops (src/ops/math.cpp), written with torsh ops so
// that they are differentiable themselves.
#include <cmath>

#include "autograd/formulas.h"
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

Tensor copysign_backward(const Tensor& grad, const Tensor& self, const Tensor& result) {
  return torsh::where(self == 0, torsh::zeros_like(grad), grad * result / self);
}

}  // namespace torsh::autograd::formulas
