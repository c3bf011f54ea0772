#pragma once
// Backward formulas of the creation and conversion section (mvlgamma).
#include "torsh/core/tensor.h"

namespace torsh::autograd::formulas {

/// d mvlgamma(self, p) / d self: grad * sum over j < p of digamma(self - j/2).
Tensor mvlgamma_backward(const Tensor& grad, const Tensor& self, int64_t p);

}  // namespace torsh::autograd::formulas
