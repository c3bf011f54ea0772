#pragma once
// gradcheck / gradgradcheck in C++: autograd's Jacobian against central finite differences
// (use float64 inputs; torch's defaults eps=1e-6, atol=1e-5, rtol=1e-3).
#include <functional>

#include "torsh/autograd/node.h"

namespace torsh::autograd {

using DiffFn = std::function<variable_list(const variable_list&)>;

/// True when the analytical and numerical Jacobians of fn at inputs agree; throws
/// torsh::Error with both Jacobians when they do not (raise_exception).
bool gradcheck(const DiffFn& fn, const variable_list& inputs, double eps = 1e-6, double atol = 1e-5,
               double rtol = 1e-3, bool raise_exception = true);
/// gradcheck of (inputs, grad_outputs) -> gradients of fn: checks second derivatives.
bool gradgradcheck(const DiffFn& fn, const variable_list& inputs, double eps = 1e-6,
                   double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true);

}  // namespace torsh::autograd
