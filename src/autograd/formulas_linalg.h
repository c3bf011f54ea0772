#pragma once
// Backward formulas of the linear-algebra basics (addbmm, cdist), written with torsh ops.
#include <array>
#include <string>
#include <vector>

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

namespace torsh::autograd::formulas {

/// linalg_solve_triangular's gradients of A and B (output_mask picks them): B's is the solve
/// with A^T, A's is -gB X^T (left) or -X^T gB (right) on A's triangle (its strict part when
/// unitriangular). Written with torsh ops, so it is differentiable again.
std::vector<Tensor> linalg_solve_triangular_backward(const Tensor& grad, const Tensor& A,
                                                     const Tensor& X, bool upper, bool left,
                                                     bool unitriangular,
                                                     const std::array<bool, 2>& output_mask);
/// linalg_qr's gradient of A from those of Q and R (either may be undefined), real matrices:
/// gA = (gQ + Q copyltu(R gR^T - gQ^T Q)) R^{-T} for m >= n; a wide A splits into its first
/// m columns (the same formula with gQ + Y gV^T) and the rest (Q gV). Raises torch's errors
/// for mode 'r' and for 'complete' with m > n, where the factorisation is not differentiable.
Tensor linalg_qr_backward(const Tensor& gQ, const Tensor& gR, const Tensor& Q, const Tensor& R,
                          const std::string& mode);

}  // namespace torsh::autograd::formulas
