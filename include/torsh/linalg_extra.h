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

/// LAPACK's gesv per matrix: X with A X = B for A [b, n, n] and B [b, n, k] (float or double,
/// one dtype), and LAPACK's info per matrix (i > 0: U(i, i) is exactly zero, the matrix is
/// singular and X is not a solution). No checks beyond the shapes, no history: torch.linalg.solve
/// in Python is the front end.
std::tuple<Tensor, Tensor> linalg_gesv(const Tensor& A, const Tensor& B);

}  // namespace torsh
