// libtorch's Tensor methods that the op table does not generate (include/torsh/core/tensor.h).
#include "torsh/core/tensor.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh {

Tensor Tensor::var(int dim, bool unbiased, bool keepdim) const {
  return var(static_cast<int64_t>(dim), unbiased, keepdim);
}
Tensor Tensor::var(int64_t dim, bool unbiased, bool keepdim) const {
  return torsh::var(*this, IntArrayRef{dim}, unbiased, keepdim);
}
Tensor Tensor::std(int dim, bool unbiased, bool keepdim) const {
  return std(static_cast<int64_t>(dim), unbiased, keepdim);
}
Tensor Tensor::std(int64_t dim, bool unbiased, bool keepdim) const {
  return torsh::std(*this, IntArrayRef{dim}, unbiased, keepdim);
}
bool Tensor::equal(const Tensor& other) const { return torsh::equal(*this, other); }
bool Tensor::allclose(const Tensor& other, double rtol, double atol, bool equal_nan) const {
  return torsh::allclose(*this, other, rtol, atol, equal_nan);
}
bool Tensor::is_signed() const { return dtype() != kByte && dtype() != kBool; }

}  // namespace torsh
