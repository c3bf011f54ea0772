#pragma once
// Helpers shared by the linear-algebra files (linalg_basic.cpp, linalg_chain.cpp, einsum.cpp).
#include "torsh/core/tensor.h"

namespace torsh::native::detail_linalg {

/// How out= takes a result: kStrict (torch's matmul family: the same dtype) or kCast (the
/// pointwise rule: the result's dtype castable to out's).
enum class OutRule { kStrict, kCast };

/// out = r when out is undefined; otherwise r written into out (in-place when out is self:
/// sizes and, under kStrict, dtypes must match as torch's "Bad in-place call").
void write_out(Tensor& out, const Tensor& r, const Tensor& self, const char* op, OutRule rule);
/// torch's dispatch error for an op without a bool kernel ("kernel" not implemented for 'Bool').
void check_not_bool(const Tensor& t, const char* kernel);
/// "expected scalar type Float but found Double" when the dtypes differ.
void check_same_dtype(const Tensor& expected, const Tensor& other, const char* op);

}  // namespace torsh::native::detail_linalg
