// Backward formulas of the linear-algebra basics.
#include "autograd/formulas.h"

#include <cmath>
#include <vector>

#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::autograd::formulas {

namespace {
Tensor grad_over_batch(const Tensor& grad, const Tensor& batch1, const Tensor& batch2) {
  return grad.unsqueeze(0).expand({batch1.sizes()[0], batch1.sizes()[1], batch2.sizes()[2]});
}
}  // namespace

Tensor addbmm_batch1_backward(const Tensor& grad, const Tensor& batch1, const Tensor& batch2) {
  return grad_over_batch(grad, batch1, batch2).bmm(cj(batch2).transpose(1, 2));
}

Tensor addbmm_batch2_backward(const Tensor& grad, const Tensor& batch1, const Tensor& batch2) {
  return cj(batch1).transpose(1, 2).bmm(grad_over_batch(grad, batch1, batch2));
}

}  // namespace torsh::autograd::formulas

namespace torsh::autograd::formulas {

Tensor cdist_backward(const Tensor& grad, const Tensor& x1, const Tensor& x2, double p,
                      const Tensor& dist) {
  if (p == 0 || x1.numel() == 0 || x2.numel() == 0 || grad.numel() == 0) {
    return torsh::zeros_like(x1);
  }
  const Tensor diff = torsh::sub(x1.unsqueeze(-2), x2.unsqueeze(-3));  // [..., r1, r2, c]
  const Tensor g = grad.unsqueeze(-1), d = dist.unsqueeze(-1);
  const Tensor zero = (d == Scalar(0));
  const Tensor dsafe = torsh::where(zero, Scalar(1), d);
  const Tensor sgn = diff.sign(), a = diff.abs();
  Tensor term;
  if (p == 1) {
    term = g * sgn;
  } else if (std::isinf(p)) {
    term = g * sgn * torsh::eq(a, d).to(g.dtype());
  } else if (p == 2) {
    term = torsh::where(zero, Scalar(0), g * diff / dsafe);
  } else if (p < 2) {
    // |diff|^(p - 1) is infinite at diff == 0 when p < 1: that term is 0, as torch.
    const Tensor asafe = torsh::where((a == Scalar(0)), Scalar(1), a);
    Tensor t = sgn * torsh::pow(asafe, Scalar(p - 1)) * g / torsh::pow(dsafe, Scalar(p - 1));
    Tensor mask = p < 1 ? torsh::logical_or(zero, (a == Scalar(0))) : zero;
    term = torsh::where(mask, Scalar(0), t);
  } else {
    term = torsh::where(zero, Scalar(0),
                        diff * torsh::pow(a, Scalar(p - 2)) * g / torsh::pow(dsafe, Scalar(p - 1)));
  }
  return term.sum(std::vector<int64_t>{-2}, false);
}

Tensor euclidean_dist_backward(const Tensor& grad, const Tensor& x1, const Tensor& x2,
                               const Tensor& dist, int which) {
  const Tensor zero = (dist == Scalar(0));
  const Tensor ratio = torsh::where(zero, Scalar(0), grad / torsh::where(zero, Scalar(1), dist));
  if (which == 0) {
    return x1 * ratio.sum(std::vector<int64_t>{-1}, true) - ratio.matmul(x2);
  }
  return x2 * ratio.sum(std::vector<int64_t>{-2}, false).unsqueeze(-1) -
         ratio.transpose(-2, -1).matmul(x1);
}

}  // namespace torsh::autograd::formulas
