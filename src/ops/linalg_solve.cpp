// torch.linalg.solve's LAPACK step: gesv (LU with partial pivoting, then the two triangular
// solves) per matrix of a batch, the routine torch's CPU kernel calls. The Python front end
// (python/torsh/_linalg_solve.py) checks and broadcasts, raises on singular matrices and
// differentiates; torsh::linalg_gesv is the raw batched call.
#include <algorithm>
#include <vector>

#include "torsh/linalg_extra.h"
#include "torsh/ops.h"

extern "C" {
void sgesv_(const int* n, const int* nrhs, float* a, const int* lda, int* ipiv, float* b,
            const int* ldb, int* info);
void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b,
            const int* ldb, int* info);
}

namespace torsh {
namespace {

template <typename T>
void gesv_batch(T* a, T* b, int64_t batch, int n, int k, int64_t* info) {
  std::vector<int> ipiv(static_cast<size_t>(std::max(n, 1)));
  for (int64_t i = 0; i < batch; ++i) {
    int r = 0;
    const int ld = std::max(n, 1);
    if constexpr (std::is_same_v<T, float>) {
      sgesv_(&n, &k, a + i * static_cast<int64_t>(n) * n, &ld, ipiv.data(),
             b + i * static_cast<int64_t>(n) * k, &ld, &r);
    } else {
      dgesv_(&n, &k, a + i * static_cast<int64_t>(n) * n, &ld, ipiv.data(),
             b + i * static_cast<int64_t>(n) * k, &ld, &r);
    }
    info[i] = r;
  }
}

}  // namespace

std::tuple<Tensor, Tensor> linalg_gesv(const Tensor& A, const Tensor& B) {
  TORSH_CHECK(A.dim() == 3 && B.dim() == 3 && A.size(0) == B.size(0) && A.size(1) == A.size(2) &&
                  B.size(1) == A.size(1),
              "linalg_gesv: expected A [b, n, n] and B [b, n, k], got ",
              detail::shape_str(A.sizes()), " and ", detail::shape_str(B.sizes()));
  const ScalarType t = A.scalar_type();
  TORSH_CHECK(t == B.scalar_type() && (t == kFloat || t == kDouble),
              "linalg_gesv: float or double matrices of one dtype expected");
  const int64_t batch = A.size(0), n64 = A.size(1), k64 = B.size(2);
  TORSH_CHECK(n64 <= INT32_MAX && k64 <= INT32_MAX, "linalg_gesv: matrix too large for LAPACK");
  // column-major copies: each matrix transposed and contiguous
  Tensor a = A.detach().transpose(1, 2).clone(MemoryFormat::Contiguous);  // LAPACK writes it
  Tensor x = B.detach().transpose(1, 2).clone(MemoryFormat::Contiguous);
  Tensor info = torsh::zeros({batch}, TensorOptions(kLong));
  if (batch > 0 && n64 > 0 && k64 > 0) {
    const int n = static_cast<int>(n64), k = static_cast<int>(k64);
    if (t == kFloat) {
      gesv_batch<float>(a.data_ptr<float>(), x.data_ptr<float>(), batch, n, k,
                        info.data_ptr<int64_t>());
    } else {
      gesv_batch<double>(a.data_ptr<double>(), x.data_ptr<double>(), batch, n, k,
                         info.data_ptr<int64_t>());
    }
  }
  return {x.transpose(1, 2).contiguous(), info};
}

}  // namespace torsh
