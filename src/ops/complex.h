#pragma once
// The complex paths other op families call (defined in ops/complex.cpp).
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::detail {

/// Raises torch's "not implemented for 'ComplexFloat'" when t is complex (ops whose integer
/// inputs are computed in the default float dtype must not take complex ones for integers).
void check_not_complex(const Tensor& t, const char* op);

/// sum of a complex tensor over mask's dims (its real view reduced, the parts independently).
Tensor complex_sum(const Tensor& in, const std::vector<bool>& mask, bool keepdim);

}  // namespace torsh::detail
