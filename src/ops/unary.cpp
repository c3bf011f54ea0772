// Unary pointwise ops with checks of their own; the functors are in functors/unary-inl.h and
// the plain ones get their out functions from the op table (`kernel:`).
#include "ops/functors/kernels.h"
#include "torsh/generated/kernels.h"
#include "torsh/generated/native.h"

namespace torsh::native {

void neg_out(Tensor& out, const Tensor& self) {
  TORSH_CHECK(self.dtype() != kBool,
              "neg(): Negation, the `-` operator, on a bool tensor is not supported. If you are "
              "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  detail::unary_op("neg", out, self, false, detail::KernelId::Unary_Neg);
}

}  // namespace torsh::native
