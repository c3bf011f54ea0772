// PyTorch's checked conversion of a Scalar argument to an op's dtype (c10::checked_convert).
#pragma once

#include <optional>

#include "torsh/core/dtype.h"
#include "torsh/core/scalar.h"

namespace torsh::detail {

// Whether v converts to dtype t without overflow, by torch's rule: bool takes anything; an
// integer target refuses NaN, inf and values outside its range (negative integers down to
// -max wrap into unsigned types, negative floats do not); a floating target takes inf and NaN
// and refuses finite values beyond its largest (not rounding-aware: 65505 does not fit half).
bool scalar_fits(const Scalar& v, ScalarType t);

// Raises torch's "value cannot be converted to type <C++ type> without overflow" unless
// scalar_fits(v, t).
void check_scalar_fits(const Scalar& v, ScalarType t);

// logit's eps as torch's kernels (forward and backward) read it: in the arithmetic type, float
// below float64 (-1e-310 is -0.0 there, which clamps).
inline std::optional<double> logit_eps(ScalarType t, std::optional<double> eps) {
  if (!eps || t == kDouble) return eps;
  return static_cast<double>(static_cast<float>(*eps));
}

}  // namespace torsh::detail
