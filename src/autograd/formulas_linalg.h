#pragma once
// Backward formulas of the linear-algebra basics (addbmm, cdist), written with torsh ops.
#include "torsh/core/tensor.h"

namespace torsh::autograd::formulas {

/// addbmm's gradients of batch1 and batch2: grad repeated over the batch, times the other
/// batch (transposed), without alpha.
Tensor addbmm_batch1_backward(const Tensor& grad, const Tensor& batch1, const Tensor& batch2);
Tensor addbmm_batch2_backward(const Tensor& grad, const Tensor& batch1, const Tensor& batch2);

}  // namespace torsh::autograd::formulas

namespace torsh::autograd::formulas {

/// _cdist_forward's gradient of x1 (x2: called with grad.mT(), x2, x1, result.mT()), as torch's
/// _cdist_backward for p = 0, 1, (0, 2), 2, (2, inf) and inf: zero where the distance is 0.
Tensor cdist_backward(const Tensor& grad, const Tensor& x1, const Tensor& x2, double p,
                      const Tensor& dist);
/// _euclidean_dist's gradient of x1 (which = 0) or x2 (which = 1): zero where the distance is 0.
Tensor euclidean_dist_backward(const Tensor& grad, const Tensor& x1, const Tensor& x2,
                               const Tensor& dist, int which);

}  // namespace torsh::autograd::formulas
