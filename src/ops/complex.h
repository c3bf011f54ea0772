#pragma once
// The complex paths other op families call (defined in ops/complex.cpp).
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::detail {

/// sum of a complex tensor over mask's dims (its real view reduced, the parts independently).
Tensor complex_sum(const Tensor& in, const std::vector<bool>& mask, bool keepdim);

}  // namespace torsh::detail
