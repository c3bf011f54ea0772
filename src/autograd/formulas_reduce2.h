#pragma once
// Backward formulas of the statistics reductions (var/std, amax/amin, logsumexp, ...), written
// with torsh ops so that they are differentiable themselves. torch 1.13's formulas.
#include <optional>
#include <vector>

#include "torsh/core/scalar.h"
#include "torsh/core/tensor.h"

namespace torsh::autograd::formulas {

/// var: 2 / (N - correction) * grad * (self - mean), torch's special cases included.
Tensor var_backward(const Tensor& grad, const Tensor& self,
                    const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                    bool keepdim);
/// std: var_backward of grad / (2 * result) (0 where result is 0).
Tensor std_backward(const Tensor& grad, const Tensor& result, const Tensor& self,
                    const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                    bool keepdim);
/// var_mean/std_mean (take_sqrt): the sum of the defined outputs' gradients.
Tensor var_mean_backward(const Tensor& gvar, const Tensor& gmean, const Tensor& self,
                         const std::optional<std::vector<int64_t>>& dim, int64_t correction,
                         bool keepdim, bool take_sqrt);
/// amax/amin: grad shared evenly among the elements equal to the result.
Tensor amax_amin_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                          const std::vector<int64_t>& dim, bool keepdim);
/// logsumexp: grad * exp(self - result).
Tensor logsumexp_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                          const std::vector<int64_t>& dim, bool keepdim);
/// nansum: grad where self is not NaN, 0 elsewhere.
Tensor nansum_backward(const Tensor& grad, const Tensor& self,
                       const std::optional<std::vector<int64_t>>& dim, bool keepdim);
/// norm and linalg.vector_norm (dim absent or empty: every dim), torch's formula per p.
Tensor norm_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& p,
                     const Tensor& result, const std::optional<std::vector<int64_t>>& dim,
                     bool keepdim);
/// cumsum: the reversed cumulative sum of grad.
Tensor cumsum_backward(const Tensor& grad, int64_t dim);
/// cumprod: torch's formula (a division where self has no zero, products of the others else).
Tensor cumprod_backward(const Tensor& grad, const Tensor& self, int64_t dim, const Tensor& result);
/// logcumsumexp: torch's formula (reversed logcumsumexp of the log of grad's two signs).
Tensor logcumsumexp_backward(const Tensor& grad, const Tensor& self, const Tensor& result,
                             int64_t dim);
/// cummax/cummin: grad added at the selected indices.
Tensor cummaxmin_backward(const Tensor& grad, const Tensor& self, const Tensor& indices,
                          int64_t dim);
/// grad (reduced over dim, or everything when dim is empty or absent) with the reduced dims
/// restored as size 1.
Tensor restore_reduced_dims(const Tensor& grad, int64_t ndim,
                            const std::optional<std::vector<int64_t>>& dim, bool keepdim);

}  // namespace torsh::autograd::formulas
