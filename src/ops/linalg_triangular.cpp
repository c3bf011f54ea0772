// torch.linalg.solve_triangular: X with A X = B (left) or X A = B (right) for a triangular A,
// batches broadcast, float and double (mixed inputs promote), through BLAS trsm from the
// OpenBLAS torsh links (the routine torch's CPU kernel calls). Only A's upper or lower triangle
// is read; a singular A gives inf/nan, as torch (no check). Its backward solves with A^T.
#include <cblas.h>

#include <type_traits>
#include <vector>

#include "iter/tensor_iter.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {
namespace {

constexpr const char* kOp = "linalg.solve_triangular";

// The broadcast batch shape of A and B followed by (rows, cols).
std::vector<int64_t> batched(const SizeVec& batch, int64_t rows, int64_t cols) {
  std::vector<int64_t> s(batch.begin(), batch.end());
  s.push_back(rows);
  s.push_back(cols);
  return s;
}

template <typename T>
void trsm_batch(const T* a, T* x, int64_t batch, int n, int rows, int cols, bool upper, bool left,
                bool unit) {
  const auto side = left ? CblasLeft : CblasRight;
  const auto uplo = upper ? CblasUpper : CblasLower;
  const auto diag = unit ? CblasUnit : CblasNonUnit;
  const int64_t as = static_cast<int64_t>(n) * n, xs = static_cast<int64_t>(rows) * cols;
  for (int64_t b = 0; b < batch; ++b) {
    if constexpr (std::is_same_v<T, float>) {
      cblas_strsm(CblasRowMajor, side, uplo, CblasNoTrans, diag, rows, cols, 1.0f, a + b * as, n,
                  x + b * xs, cols);
    } else {
      cblas_dtrsm(CblasRowMajor, side, uplo, CblasNoTrans, diag, rows, cols, 1.0, a + b * as, n,
                  x + b * xs, cols);
    }
  }
}

Tensor solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left,
                        bool unitriangular) {
  TORSH_CHECK(A.dim() >= 2, kOp, ": The input tensor A must have at least 2 dimensions.");
  TORSH_CHECK(B.dim() >= 2, kOp, ": The input tensor B must have at least 2 dimensions.");
  TORSH_CHECK(A.size(-1) == A.size(-2), kOp, ": A must be batches of square matrices, but they ",
              "are ", A.size(-2), " by ", A.size(-1), " matrices");
  const int64_t n = A.size(-1);
  TORSH_CHECK(left ? B.size(-2) == n : B.size(-1) == n, kOp, ": Incompatible shapes of A and B ",
              "for the equation ", left ? "AX = B" : "XA = B", " (", A.size(-2), "x", A.size(-1),
              " and ", B.size(-2), "x", B.size(-1), ")");
  const ScalarType t = promote_types(A.scalar_type(), B.scalar_type());
  TORSH_CHECK(t == kFloat || t == kDouble, "\"triangular_solve_cpu\" not implemented for '",
              scalar_type_name(t), "'",
              is_complex(t) ? " (torsh solves float and double matrices only)" : "");
  const SizeVec batch = detail::broadcast_shapes(
      IntArrayRef(B.sizes().data(), static_cast<size_t>(B.dim() - 2)),
      IntArrayRef(A.sizes().data(), static_cast<size_t>(A.dim() - 2)), kOp);
  const int64_t rows = B.size(-2), cols = B.size(-1);
  const Tensor a = A.detach().to(t).expand(batched(batch, n, n)).contiguous();
  Tensor x = B.detach().to(t).expand(batched(batch, rows, cols)).clone(MemoryFormat::Contiguous);
  int64_t count = 1;
  for (int64_t s : batch) count *= s;
  if (count == 0 || rows == 0 || cols == 0) return x;
  TORSH_CHECK(n <= INT32_MAX && rows <= INT32_MAX && cols <= INT32_MAX, kOp,
              ": matrix too large for BLAS");
  if (t == kFloat) {
    trsm_batch<float>(a.data_ptr<float>(), x.data_ptr<float>(), count, static_cast<int>(n),
                      static_cast<int>(rows), static_cast<int>(cols), upper, left, unitriangular);
  } else {
    trsm_batch<double>(a.data_ptr<double>(), x.data_ptr<double>(), count, static_cast<int>(n),
                       static_cast<int>(rows), static_cast<int>(cols), upper, left, unitriangular);
  }
  return x;
}

}  // namespace

Tensor linalg_solve_triangular(const Tensor& self, const Tensor& B, bool upper, bool left,
                               bool unitriangular) {
  return solve_triangular(self, B, upper, left, unitriangular);
}

void linalg_solve_triangular_out(Tensor& out, const Tensor& self, const Tensor& B, bool upper,
                                 bool left, bool unitriangular) {
  Tensor r = solve_triangular(self, B, upper, left, unitriangular);
  TORSH_CHECK(out.scalar_type() == r.scalar_type(), "expected scalar type ",
              scalar_type_name(r.scalar_type()), " but found ",
              scalar_type_name(out.scalar_type()));
  if (!out.sizes().equals(r.sizes())) out.resize_(r.sizes());
  out.copy_(r);
}

}  // namespace torsh::native
