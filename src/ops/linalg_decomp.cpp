// The LAPACK steps of torch.linalg's factorisations, per matrix of a batch, as torch's CPU
// kernels call them: potrf (cholesky), getrf (LU: lu_factor, det, slogdet), gesdd (svd),
// syevd (eigh), geev (eig).
// The Python front end (python/torsh/_linalg_decomp.py) checks, broadcasts, raises torch's
// errors from the info codes and differentiates; these are the raw batched calls on float or
// double [b, m, n] tensors.
#include <algorithm>
#include <vector>

#include "torsh/linalg_extra.h"
#include "torsh/ops.h"

extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void sgesdd_(const char* jobz, const int* m, const int* n, float* a, const int* lda, float* s,
             float* u, const int* ldu, float* vt, const int* ldvt, float* work, const int* lwork,
             int* iwork, int* info);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s,
             double* u, const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork,
             int* iwork, int* info);
void ssyevd_(const char* jobz, const char* uplo, const int* n, float* a, const int* lda, float* w,
             float* work, const int* lwork, int* iwork, const int* liwork, int* info);
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
             double* work, const int* lwork, int* iwork, const int* liwork, int* info);
void sgeev_(const char* jobvl, const char* jobvr, const int* n, float* a, const int* lda, float* wr,
            float* wi, float* vl, const int* ldvl, float* vr, const int* ldvr, float* work,
            const int* lwork, int* info);
void dgeev_(const char* jobvl, const char* jobvr, const int* n, double* a, const int* lda,
            double* wr, double* wi, double* vl, const int* ldvl, double* vr, const int* ldvr,
            double* work, const int* lwork, int* info);
}

namespace torsh {
namespace {

void check_batch(const char* op, const Tensor& A, bool square) {
  TORSH_CHECK(A.dim() == 3 && (!square || A.size(1) == A.size(2)), op, ": expected A [b, ",
              square ? "n, n" : "m, n", "], got ", detail::shape_str(A.sizes()));
  TORSH_CHECK(A.scalar_type() == kFloat || A.scalar_type() == kDouble, op,
              ": float or double matrices expected");
  TORSH_CHECK(A.size(1) <= INT32_MAX && A.size(2) <= INT32_MAX, op,
              ": matrix too large for LAPACK");
}

// Each matrix of A transposed and contiguous: LAPACK's column-major layout, a copy it may write.
Tensor column_major(const Tensor& A) {
  return A.detach().transpose(1, 2).clone(MemoryFormat::Contiguous);
}

template <typename T>
void potrf(char uplo, int n, T* a, int* info) {
  const int ld = std::max(n, 1);
  if constexpr (std::is_same_v<T, float>) {
    spotrf_(&uplo, &n, a, &ld, info);
  } else {
    dpotrf_(&uplo, &n, a, &ld, info);
  }
}

template <typename T>
void getrf(int m, int n, T* a, int* ipiv, int* info) {
  const int ld = std::max(m, 1);
  if constexpr (std::is_same_v<T, float>) {
    sgetrf_(&m, &n, a, &ld, ipiv, info);
  } else {
    dgetrf_(&m, &n, a, &ld, ipiv, info);
  }
}

template <typename T>
void gesdd(char jobz, int m, int n, T* a, T* s, T* u, int ldu, T* vt, int ldvt, T* work, int lwork,
           int* iwork, int* info) {
  const int lda = std::max(m, 1);
  if constexpr (std::is_same_v<T, float>) {
    sgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info);
  } else {
    dgesdd_(&jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info);
  }
}

template <typename T>
void syevd(char jobz, char uplo, int n, T* a, T* w, T* work, int lwork, int* iwork, int liwork,
           int* info) {
  const int lda = std::max(n, 1);
  if constexpr (std::is_same_v<T, float>) {
    ssyevd_(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info);
  } else {
    dsyevd_(&jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info);
  }
}

template <typename T>
void cholesky_impl(Tensor& a, Tensor& info, bool upper) {
  const int64_t batch = a.size(0);
  const int n = static_cast<int>(a.size(1));
  T* p = a.data_ptr<T>();
  int64_t* inf = info.data_ptr<int64_t>();
  const char uplo = upper ? 'U' : 'L';
  for (int64_t i = 0; i < batch; ++i) {
    int r = 0;
    potrf<T>(uplo, n, p + i * static_cast<int64_t>(n) * n, &r);
    inf[i] = r;
  }
}

template <typename T>
void lu_impl(Tensor& a, Tensor& pivots, Tensor& info) {
  // a: column-major copies of [m, n] matrices, stored as [b, n, m]
  const int64_t batch = a.size(0);
  const int n = static_cast<int>(a.size(1)), m = static_cast<int>(a.size(2));
  const int k = std::min(m, n);
  T* p = a.data_ptr<T>();
  std::vector<int> ipiv(static_cast<size_t>(std::max(k, 1)));
  for (int64_t i = 0; i < batch; ++i) {
    int r = 0;
    getrf<T>(m, n, p + i * static_cast<int64_t>(m) * n, ipiv.data(), &r);
    for (int j = 0; j < k; ++j)
      pivots.data_ptr<int32_t>()[i * k + j] = ipiv[static_cast<size_t>(j)];
    info.data_ptr<int64_t>()[i] = r;
  }
}

}  // namespace

std::tuple<Tensor, Tensor> linalg_potrf(const Tensor& A, bool upper) {
  check_batch("linalg_potrf", A, true);
  Tensor a = column_major(A);  // as torch: LAPACK reads A's own triangle, column-major
  Tensor info = torsh::zeros({A.size(0)}, TensorOptions(kLong));
  if (A.size(0) > 0 && A.size(1) > 0) {
    if (A.scalar_type() == kFloat) {
      cholesky_impl<float>(a, info, upper);
    } else {
      cholesky_impl<double>(a, info, upper);
    }
  }
  Tensor f = a.transpose(1, 2);
  return {(upper ? f.triu() : f.tril()).contiguous(), info};
}

std::tuple<Tensor, Tensor, Tensor> linalg_getrf(const Tensor& A) {
  check_batch("linalg_getrf", A, false);
  Tensor a = column_major(A);
  const int64_t k = std::min(A.size(1), A.size(2));
  Tensor pivots = torsh::zeros({A.size(0), k}, TensorOptions(kInt));
  Tensor info = torsh::zeros({A.size(0)}, TensorOptions(kLong));
  if (A.size(0) > 0 && k > 0) {
    if (A.scalar_type() == kFloat) {
      lu_impl<float>(a, pivots, info);
    } else {
      lu_impl<double>(a, pivots, info);
    }
  }
  return {a.transpose(1, 2).contiguous(), pivots, info};
}

namespace {
template <typename T>
void svd_impl(Tensor& a, Tensor& s, Tensor& u, Tensor& vt, Tensor& info, char jobz) {
  const int64_t batch = a.size(0);
  const int m = static_cast<int>(a.size(2)), n = static_cast<int>(a.size(1));  // A is m x n
  const int k = std::min(m, n);
  const int ldu = std::max(m, 1);
  const int ucols = jobz == 'A' ? m : k;
  const int ldvt = std::max(jobz == 'A' ? n : k, 1);
  std::vector<int> iwork(static_cast<size_t>(8 * std::max(k, 1)));
  T query = 0;
  int r = 0;
  T* up = jobz == 'N' ? nullptr : u.data_ptr<T>();
  T* vp = jobz == 'N' ? nullptr : vt.data_ptr<T>();
  gesdd<T>(jobz, m, n, a.data_ptr<T>(), s.data_ptr<T>(), up, ldu, vp, ldvt, &query, -1,
           iwork.data(), &r);
  const int lwork = std::max(1, static_cast<int>(query));
  std::vector<T> work(static_cast<size_t>(lwork));
  for (int64_t i = 0; i < batch; ++i) {
    gesdd<T>(jobz, m, n, a.data_ptr<T>() + i * static_cast<int64_t>(m) * n, s.data_ptr<T>() + i * k,
             up ? up + i * static_cast<int64_t>(m) * ucols : nullptr, ldu,
             vp ? vp + i * static_cast<int64_t>(ldvt) * n : nullptr, ldvt, work.data(), lwork,
             iwork.data(), &r);
    info.data_ptr<int64_t>()[i] = r;
  }
}

template <typename T>
void eigh_impl(Tensor& a, Tensor& w, Tensor& info, char jobz, char uplo) {
  const int64_t batch = a.size(0);
  const int n = static_cast<int>(a.size(1));
  T query = 0;
  int iquery = 0, r = 0;
  syevd<T>(jobz, uplo, n, a.data_ptr<T>(), w.data_ptr<T>(), &query, -1, &iquery, -1, &r);
  const int lwork = std::max(1, static_cast<int>(query));
  const int liwork = std::max(1, iquery);
  std::vector<T> work(static_cast<size_t>(lwork));
  std::vector<int> iwork(static_cast<size_t>(liwork));
  for (int64_t i = 0; i < batch; ++i) {
    syevd<T>(jobz, uplo, n, a.data_ptr<T>() + i * static_cast<int64_t>(n) * n,
             w.data_ptr<T>() + i * n, work.data(), lwork, iwork.data(), liwork, &r);
    info.data_ptr<int64_t>()[i] = r;
  }
}
template <typename T>
void geev(char jobvr, int n, T* a, T* wr, T* wi, T* vr, T* work, int lwork, int* info) {
  const int ld = std::max(n, 1);
  const char jobvl = 'N';
  T vl = 0;
  const int ldvl = 1;
  if constexpr (std::is_same_v<T, float>) {
    sgeev_(&jobvl, &jobvr, &n, a, &ld, wr, wi, &vl, &ldvl, vr, &ld, work, &lwork, info);
  } else {
    dgeev_(&jobvl, &jobvr, &n, a, &ld, wr, wi, &vl, &ldvl, vr, &ld, work, &lwork, info);
  }
}

template <typename T>
void eig_impl(Tensor& a, Tensor& wr, Tensor& wi, Tensor& vr, Tensor& info, bool compute_v) {
  const int64_t batch = a.size(0);
  const int n = static_cast<int>(a.size(1));
  const char jobvr = compute_v ? 'V' : 'N';
  T query = 0;
  int r = 0;
  T dummy = 0;
  T* vp = compute_v ? vr.data_ptr<T>() : &dummy;
  geev<T>(jobvr, n, a.data_ptr<T>(), wr.data_ptr<T>(), wi.data_ptr<T>(), vp, &query, -1, &r);
  const int lwork = std::max(1, static_cast<int>(query));
  std::vector<T> work(static_cast<size_t>(lwork));
  const int64_t nn = static_cast<int64_t>(n) * n;
  for (int64_t i = 0; i < batch; ++i) {
    geev<T>(jobvr, n, a.data_ptr<T>() + i * nn, wr.data_ptr<T>() + i * n, wi.data_ptr<T>() + i * n,
            compute_v ? vp + i * nn : vp, work.data(), lwork, &r);
    info.data_ptr<int64_t>()[i] = r;
  }
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor, Tensor> linalg_geev(const Tensor& A, bool compute_v) {
  check_batch("linalg_geev", A, true);
  Tensor a = column_major(A);
  const int64_t batch = A.size(0), n = A.size(1);
  Tensor wr = torsh::empty({batch, n}, A.options());
  Tensor wi = torsh::empty({batch, n}, A.options());
  Tensor vr = compute_v ? torsh::zeros({batch, n, n}, A.options()) : Tensor();
  Tensor info = torsh::zeros({batch}, TensorOptions(kLong));
  if (batch > 0 && n > 0) {
    if (A.scalar_type() == kFloat) {
      eig_impl<float>(a, wr, wi, vr, info, compute_v);
    } else {
      eig_impl<double>(a, wr, wi, vr, info, compute_v);
    }
  }
  // column-major eigenvector columns read row-major are rows: transpose back
  return {wr, wi, compute_v ? vr.transpose(1, 2).contiguous() : Tensor(), info};
}

std::tuple<Tensor, Tensor, Tensor, Tensor> linalg_gesdd(const Tensor& A, bool full_matrices,
                                                        bool compute_uv) {
  check_batch("linalg_gesdd", A, false);
  const int64_t batch = A.size(0), m = A.size(1), n = A.size(2), k = std::min(m, n);
  // as torch: LAPACK factors A itself, from a column-major copy; its column-major U (m x ucols)
  // and Vt (vtrows x n) are read back transposed
  Tensor a = column_major(A);
  const char jobz = !compute_uv ? 'N' : (full_matrices ? 'A' : 'S');
  Tensor s = torsh::empty({batch, k}, A.options());
  const int64_t ucols = jobz == 'A' ? m : k;
  const int64_t vtrows = jobz == 'A' ? n : k;
  Tensor u = compute_uv ? torsh::zeros({batch, ucols, m}, A.options()) : Tensor();
  Tensor vt = compute_uv ? torsh::zeros({batch, n, vtrows}, A.options()) : Tensor();
  Tensor info = torsh::zeros({batch}, TensorOptions(kLong));
  if (batch > 0 && k > 0) {
    if (A.scalar_type() == kFloat) {
      svd_impl<float>(a, s, u, vt, info, jobz);
    } else {
      svd_impl<double>(a, s, u, vt, info, jobz);
    }
  }
  if (!compute_uv) return {Tensor(), s, Tensor(), info};
  if (k == 0) {  // LAPACK not called: identity-shaped bases as torch returns
    const int64_t mu = jobz == 'A' ? m : 0, nv = jobz == 'A' ? n : 0;
    return {torsh::eye(m, mu, A.options()).expand({batch, m, mu}).contiguous(), s,
            torsh::eye(nv, n, A.options()).expand({batch, nv, n}).contiguous(), info};
  }
  return {u.transpose(1, 2).contiguous(), s, vt.transpose(1, 2).contiguous(), info};
}

std::tuple<Tensor, Tensor, Tensor> linalg_syevd(const Tensor& A, bool upper, bool compute_v) {
  check_batch("linalg_syevd", A, true);
  Tensor a = column_major(A);  // as torch: LAPACK reads A's own triangle, column-major
  const int64_t batch = A.size(0), n = A.size(1);
  Tensor w = torsh::empty({batch, n}, A.options());
  Tensor info = torsh::zeros({batch}, TensorOptions(kLong));
  const char uplo = upper ? 'U' : 'L';
  if (batch > 0 && n > 0) {
    if (A.scalar_type() == kFloat) {
      eigh_impl<float>(a, w, info, compute_v ? 'V' : 'N', uplo);
    } else {
      eigh_impl<double>(a, w, info, compute_v ? 'V' : 'N', uplo);
    }
  }
  // the eigenvectors are the columns of the column-major result: rows of the row-major one
  return {w, compute_v ? a.transpose(1, 2).contiguous() : Tensor(), info};
}

}  // namespace torsh
