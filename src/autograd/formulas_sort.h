#pragma once
// Backward formulas of the sorting and selection ops, written with torsh ops (differentiable).
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::autograd::formulas {

/// sort/topk: grad scattered to the positions the indices name (zeros elsewhere), torch's
/// value_selecting_backward with the dim kept.
Tensor sort_backward(const Tensor& grad, const std::vector<int64_t>& sizes, int64_t dim,
                     const Tensor& indices);

}  // namespace torsh::autograd::formulas
