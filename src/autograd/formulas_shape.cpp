// Backward formulas of the shape ops (src/ops/shape.cpp), written with torsh ops.
#include "autograd/formulas.h"
#include "torsh/generated/functions.h"

namespace torsh::autograd::formulas {

Tensor roll_backward(const Tensor& grad, const std::vector<int64_t>& shifts,
                     const std::vector<int64_t>& dims) {
  std::vector<int64_t> back;
  for (int64_t s : shifts) back.push_back(-s);
  return torsh::roll(grad, back, dims);
}

}  // namespace torsh::autograd::formulas
