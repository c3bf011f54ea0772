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

// The raw batched LAPACK factorisations under torch.linalg's Python front end
// (python/torsh/_linalg_decomp.py): A [b, m, n] float or double, no checks beyond that, no
// history, LAPACK's info per matrix.

/// potrf: the Cholesky factor of each symmetric positive-definite matrix (lower, or upper when
/// upper), read from that triangle of A; info i > 0: the leading minor of order i is not
/// positive-definite.
std::tuple<Tensor, Tensor> linalg_potrf(const Tensor& A, bool upper);
/// getrf: LU with partial pivoting of each [m, n] matrix (L below the diagonal, unit diagonal
/// implied, U on and above), LAPACK's 1-based int32 pivots [b, min(m, n)]; info i > 0: U(i, i)
/// is exactly zero.
std::tuple<Tensor, Tensor, Tensor> linalg_getrf(const Tensor& A);
/// gesdd: (U, S, Vh, info) with A = U diag(S) Vh, S descending; U [b, m, m or k] and Vh
/// [b, n or k, n] (k = min(m, n)) by full_matrices; only S (U and Vh undefined) without
/// compute_uv.
std::tuple<Tensor, Tensor, Tensor, Tensor> linalg_gesdd(const Tensor& A, bool full_matrices,
                                                        bool compute_uv);
/// syevd: (eigenvalues ascending, eigenvectors as columns or undefined, info) of each symmetric
/// matrix, read from its lower (or upper) triangle.
std::tuple<Tensor, Tensor, Tensor> linalg_syevd(const Tensor& A, bool upper, bool compute_v);
/// geev: (real parts, imaginary parts of the eigenvalues, LAPACK's real right eigenvectors as
/// columns (a complex pair as two columns: re, im) or undefined, info) of each square matrix.
std::tuple<Tensor, Tensor, Tensor, Tensor> linalg_geev(const Tensor& A, bool compute_v);

}  // namespace torsh
