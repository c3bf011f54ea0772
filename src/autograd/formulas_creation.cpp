#include "autograd/formulas_creation.h"

#include "torsh/ops.h"

namespace torsh::autograd::formulas {

namespace {
constexpr int64_t kLastDim[] = {-1};
}  // namespace

Tensor mvlgamma_backward(const Tensor& grad, const Tensor& self, int64_t p) {
  Tensor args =
      torsh::arange(-0.5 * static_cast<double>(p) + 0.5, 0.5, 0.5, TensorOptions(self.dtype()))
          .add(self.unsqueeze(-1));
  return grad * args.digamma().sum(IntArrayRef(kLastDim, 1));
}

}  // namespace torsh::autograd::formulas
