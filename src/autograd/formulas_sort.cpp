// Backward formulas of the sorting and selection ops.
#include "autograd/formulas_sort.h"

#include "torsh/generated/functions.h"

namespace torsh::autograd::formulas {

Tensor sort_backward(const Tensor& grad, const std::vector<int64_t>& sizes, int64_t dim,
                     const Tensor& indices) {
  if (sizes.empty()) return grad;
  return torsh::zeros(sizes, TensorOptions().dtype(grad.dtype())).scatter(dim, indices, grad);
}

}  // namespace torsh::autograd::formulas
