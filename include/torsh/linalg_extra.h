#pragma once
// Linear-algebra functions outside the op table (no derivative, no out= or method variants).
#include <tuple>

#include "torsh/core/tensor.h"

namespace torsh {

/// torch.geqrf: LAPACK's QR factorisation of each matrix of A (float or double), as (a, tau):
/// R on and above a's diagonal, the Householder reflectors' vectors below it, their scales in
/// tau (..., min(m, n)). Not differentiable (torch has no derivative either): the results have
/// no history.
std::tuple<Tensor, Tensor> geqrf(const Tensor& A);

}  // namespace torsh
