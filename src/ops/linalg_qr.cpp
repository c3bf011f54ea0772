// torch.linalg.qr: the QR factorisation of a (batch of) float or double matrices through
// LAPACK's geqrf (Householder reflectors) and orgqr (Q formed from them), the routines torch's
// CPU kernel calls, from the OpenBLAS torsh links. Modes 'reduced' (Q m x k, R k x n, k =
// min(m, n)), 'complete' (Q m x m, R m x n) and 'r' (R only, Q empty). Its derivative is not
// implemented yet (the op's backward raises).
#include <algorithm>
#include <string>
#include <vector>

#include "torsh/generated/native.h"
#include "torsh/linalg_extra.h"
#include "torsh/ops.h"

extern "C" {
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work,
             const int* lwork, int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work,
             const int* lwork, int* info);
void sorgqr_(const int* m, const int* n, const int* k, float* a, const int* lda, const float* tau,
             float* work, const int* lwork, int* info);
void dorgqr_(const int* m, const int* n, const int* k, double* a, const int* lda, const double* tau,
             double* work, const int* lwork, int* info);
}

namespace torsh::native {
namespace {

template <typename T>
struct Lapack;
template <>
struct Lapack<float> {
  static constexpr auto geqrf = sgeqrf_;
  static constexpr auto orgqr = sorgqr_;
};
template <>
struct Lapack<double> {
  static constexpr auto geqrf = dgeqrf_;
  static constexpr auto orgqr = dorgqr_;
};

// A LAPACK call made twice: a workspace-size query (lwork = -1), then the real one.
template <typename T, typename Call>
void with_workspace(std::vector<T>& work, Call call) {
  int lwork = -1;
  T query = 0;
  call(&query, &lwork);
  lwork = std::max(1, static_cast<int>(query));
  work.resize(static_cast<size_t>(lwork));
  call(work.data(), &lwork);
}

// One batch of matrices: a holds each m x n matrix column-major (the batch's transposed
// contiguous copy); q (b, m, qcols) and r (b, rrows, n) are row-major outputs.
template <typename T>
void qr_batch(T* a, int64_t batch, int m, int n, bool want_q, int qcols, int rrows, T* q, T* r) {
  const int k = std::min(m, n);
  std::vector<T> tau(static_cast<size_t>(std::max(k, 1)));
  std::vector<T> work;
  std::vector<T> qbuf;
  for (int64_t b = 0; b < batch; ++b) {
    T* mat = a + b * static_cast<int64_t>(m) * n;
    int info = 0;
    if (k > 0) {
      with_workspace(work, [&](T* w, const int* lw) {
        Lapack<T>::geqrf(&m, &n, mat, &m, tau.data(), w, lw, &info);
      });
    }
    TORSH_CHECK(info == 0, "linalg.qr: LAPACK geqrf failed with info ", info);
    T* rb = r + b * static_cast<int64_t>(rrows) * n;
    for (int i = 0; i < rrows; ++i) {
      for (int j = 0; j < n; ++j) {
        rb[static_cast<int64_t>(i) * n + j] = i <= j ? mat[static_cast<int64_t>(j) * m + i] : T(0);
      }
    }
    if (!want_q) continue;
    // orgqr forms the first qcols columns of Q from the k reflectors in place
    qbuf.assign(static_cast<size_t>(m) * static_cast<size_t>(qcols), T(0));
    std::copy(mat, mat + static_cast<int64_t>(m) * std::min(n, qcols), qbuf.begin());
    if (qcols > 0) {
      with_workspace(work, [&](T* w, const int* lw) {
        Lapack<T>::orgqr(&m, &qcols, &k, qbuf.data(), &m, tau.data(), w, lw, &info);
      });
    }
    TORSH_CHECK(info == 0, "linalg.qr: LAPACK orgqr failed with info ", info);
    T* qb = q + b * static_cast<int64_t>(m) * qcols;
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < qcols; ++j) {
        qb[static_cast<int64_t>(i) * qcols + j] = qbuf[static_cast<size_t>(j) * m + i];
      }
    }
  }
}

// geqrf per matrix of a batch: a holds each m x n matrix column-major and is overwritten with
// the reflectors and R; tau (b, k) row-major.
template <typename T>
void geqrf_batch(T* a, int64_t batch, int m, int n, T* tau) {
  const int k = std::min(m, n);
  std::vector<T> work;
  for (int64_t b = 0; b < batch; ++b) {
    int info = 0;
    with_workspace(work, [&](T* w, const int* lw) {
      Lapack<T>::geqrf(&m, &n, a + b * static_cast<int64_t>(m) * n, &m, tau + b * k, w, lw, &info);
    });
    TORSH_CHECK(info == 0, "geqrf: LAPACK geqrf failed with info ", info);
  }
}

}  // namespace

std::tuple<Tensor, Tensor> geqrf_impl(const Tensor& A);  // (no header: geqrf below)
std::tuple<Tensor, Tensor> geqrf_impl(const Tensor& A) {
  TORSH_CHECK(A.dim() >= 2, "torch.geqrf: input must have at least 2 dimensions.");
  const ScalarType t = A.scalar_type();
  TORSH_CHECK(t == kFloat || t == kDouble, "torch.geqrf: torsh supports float and double input, ",
              "got ", scalar_type_name(t));
  const int64_t m64 = A.size(-2), n64 = A.size(-1);
  TORSH_CHECK(m64 <= INT32_MAX && n64 <= INT32_MAX, "geqrf: matrix too large for LAPACK");
  const int m = static_cast<int>(m64), n = static_cast<int>(n64), k = std::min(m, n);
  std::vector<int64_t> tau_shape(A.sizes().begin(), A.sizes().end() - 2);
  int64_t batch = 1;
  for (int64_t s : tau_shape) batch *= s;
  tau_shape.push_back(k);
  // LAPACK's column-major result, seen as a row-major tensor of the input's shape (torch's
  // layout too: the result's last two dims have strides (1, m))
  Tensor a = A.detach().transpose(-2, -1).clone(MemoryFormat::Contiguous);  // LAPACK writes it
  Tensor tau = torsh::empty(tau_shape, A.options());
  if (batch > 0 && k > 0) {
    if (t == kFloat) {
      geqrf_batch<float>(a.data_ptr<float>(), batch, m, n, tau.data_ptr<float>());
    } else {
      geqrf_batch<double>(a.data_ptr<double>(), batch, m, n, tau.data_ptr<double>());
    }
  }
  return {a.transpose(-2, -1), tau};
}

std::tuple<Tensor, Tensor> linalg_qr(const Tensor& A, std::string_view mode) {
  TORSH_CHECK(mode == "reduced" || mode == "complete" || mode == "r", "qr received unrecognized ",
              "mode '", std::string(mode),
              "' but expected one of 'reduced' (default), 'r', or 'complete'");
  TORSH_CHECK(A.dim() >= 2, "linalg.qr: The input tensor A must have at least 2 dimensions.");
  const ScalarType t = A.scalar_type();
  TORSH_CHECK(A.is_floating_point() || A.is_complex(),
              "linalg.qr: Expected a floating point or complex tensor as input. Got ",
              scalar_type_name(t));
  TORSH_CHECK(t == kFloat || t == kDouble, "linalg.qr: torsh supports float and double input, got ",
              scalar_type_name(t));
  const int64_t m64 = A.size(-2), n64 = A.size(-1);
  TORSH_CHECK(m64 <= INT32_MAX && n64 <= INT32_MAX, "linalg.qr: matrix too large for LAPACK");
  const int m = static_cast<int>(m64), n = static_cast<int>(n64), k = std::min(m, n);
  const bool want_q = mode != "r";
  const int qcols = mode == "complete" ? m : k;
  const int rrows = mode == "complete" ? m : k;
  std::vector<int64_t> batch_shape(A.sizes().begin(), A.sizes().end() - 2);
  int64_t batch = 1;
  for (int64_t s : batch_shape) batch *= s;
  auto shaped = [&](int64_t r, int64_t c) {
    std::vector<int64_t> s = batch_shape;
    s.push_back(r);
    s.push_back(c);
    return s;
  };
  Tensor q = want_q ? torsh::empty(shaped(m, qcols), A.options()) : torsh::empty({0}, A.options());
  Tensor r = torsh::empty(shaped(rrows, n), A.options());
  if (batch == 0 || m == 0 || n == 0) {
    r.zero_();
    if (want_q) {
      q.zero_();
      if (qcols > 0) q.diagonal(0, -2, -1).fill_(1);
    }
    return {q, r};
  }
  Tensor a = A.detach().transpose(-2, -1).clone(MemoryFormat::Contiguous);  // LAPACK writes it
  if (t == kFloat) {
    qr_batch<float>(a.data_ptr<float>(), batch, m, n, want_q, qcols, rrows,
                    want_q ? q.data_ptr<float>() : nullptr, r.data_ptr<float>());
  } else {
    qr_batch<double>(a.data_ptr<double>(), batch, m, n, want_q, qcols, rrows,
                     want_q ? q.data_ptr<double>() : nullptr, r.data_ptr<double>());
  }
  return {q, r};
}

}  // namespace torsh::native

namespace torsh {
std::tuple<Tensor, Tensor> geqrf(const Tensor& A) { return native::geqrf_impl(A); }
}  // namespace torsh
