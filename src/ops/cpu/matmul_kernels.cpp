// The CPU's matrix product: float, double, complex64 and complex128 through OpenBLAS GEMM;
// other dtypes by a plain loop.
#include <cblas.h>

#include <complex>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

namespace {
// How a 2-D operand reaches GEMM: row-major with leading dim ld, possibly transposed.
struct GemmOperand {
  Tensor t;
  bool trans;
  int64_t ld;
};

GemmOperand as_gemm_operand(const Tensor& m) {
  const int64_t r = m.sizes()[0], c = m.sizes()[1];
  const int64_t s0 = m.strides()[0], s1 = m.strides()[1];
  if ((s1 == 1 || c == 1) && s0 >= std::max<int64_t>(c, 1)) return {m, false, s0};
  if ((s0 == 1 || r == 1) && s1 >= std::max<int64_t>(r, 1)) return {m, true, s1};
  Tensor cm = m.contiguous();
  return {cm, false, std::max<int64_t>(c, 1)};
}

}  // namespace

// out = alpha * a @ b + beta * out through GEMM (float or double; out contiguous, M, N, K > 0).
void gemm(const Tensor& a, const Tensor& b, const Tensor& out, double alpha, double beta) {
  const GemmOperand A = as_gemm_operand(a), B = as_gemm_operand(b);
  const auto ta = A.trans ? CblasTrans : CblasNoTrans, tb = B.trans ? CblasTrans : CblasNoTrans;
  const int m = static_cast<int>(a.sizes()[0]), n = static_cast<int>(b.sizes()[1]);
  const int k = static_cast<int>(a.sizes()[1]);
  const int lda = static_cast<int>(A.ld), ldb = static_cast<int>(B.ld);
  if (a.dtype() == kFloat) {
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, static_cast<float>(alpha),
                static_cast<const float*>(A.t.data_ptr()), lda,
                static_cast<const float*>(B.t.data_ptr()), ldb, static_cast<float>(beta),
                out.data_ptr<float>(), n);
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, static_cast<const double*>(A.t.data_ptr()),
                lda, static_cast<const double*>(B.t.data_ptr()), ldb, beta, out.data_ptr<double>(),
                n);
  }
}

void addmm_kernel(const Tensor& a, const Tensor& b, const Tensor& out, double alpha, double beta) {
  TORSH_CHECK(a.dtype() == kFloat || a.dtype() == kDouble, "addmm: GEMM kernel for float and ",
              "double only");
  gemm(a, b, out, alpha, beta);
}

void mm_kernel(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t M = a.sizes()[0], K = a.sizes()[1], N = b.sizes()[1];
  if (M == 0 || N == 0) return;
  if (K == 0) {
    out.zero_();
    return;
  }
  const ScalarType t = a.dtype();
  if (t == kFloat || t == kDouble) {
    gemm(a, b, out, 1.0, 0.0);
    return;
  }
  if (is_complex(t)) {
    const GemmOperand A = as_gemm_operand(a), B = as_gemm_operand(b);
    const auto ta = A.trans ? CblasTrans : CblasNoTrans, tb = B.trans ? CblasTrans : CblasNoTrans;
    const int m = static_cast<int>(M), n = static_cast<int>(N), k = static_cast<int>(K);
    const int lda = static_cast<int>(A.ld), ldb = static_cast<int>(B.ld);
    const void* pa = A.t.data_ptr();
    const void* pb = B.t.data_ptr();
    if (t == kComplexFloat) {
      const std::complex<float> one(1), zero(0);
      cblas_cgemm(CblasRowMajor, ta, tb, m, n, k, &one, pa, lda, pb, ldb, &zero, out.data_ptr(), n);
    } else {
      const std::complex<double> one(1), zero(0);
      cblas_zgemm(CblasRowMajor, ta, tb, m, n, k, &one, pa, lda, pb, ldb, &zero, out.data_ptr(), n);
    }
    return;
  }
  dispatch_all(t, "mm", [&](auto tag) {
    using T = decltype(tag);
    using Acc = std::conditional_t<std::is_same_v<T, bool>, bool, opmath_t<T>>;
    Tensor ac = a.contiguous(), bc = b.contiguous();
    const T* pa = ac.template data_ptr<T>();
    const T* pb = bc.template data_ptr<T>();
    T* po = out.data_ptr<T>();
    parallel_for(0, M, 1, [&](int64_t rb, int64_t re) {
      std::vector<Acc> row(static_cast<size_t>(N));
      for (int64_t i = rb; i < re; ++i) {
        std::fill(row.begin(), row.end(), Acc(0));
        for (int64_t k = 0; k < K; ++k) {
          const Acc av = static_cast<Acc>(pa[i * K + k]);
          for (int64_t j = 0; j < N; ++j) {
            if constexpr (std::is_same_v<Acc, bool>) {
              row[j] = row[j] || (av && static_cast<bool>(pb[k * N + j]));
            } else if constexpr (std::is_integral_v<Acc>) {
              // Integer products wrap around as in torch (in uint64_t arithmetic: no UB, and no
              // promotion of narrow unsigned types back to int).
              row[j] = static_cast<Acc>(static_cast<uint64_t>(row[j]) +
                                        static_cast<uint64_t>(av) *
                                            static_cast<uint64_t>(pb[k * N + j]));
            } else {
              row[j] += av * static_cast<Acc>(pb[k * N + j]);
            }
          }
        }
        for (int64_t j = 0; j < N; ++j) po[i * N + j] = convert<T>(row[j]);
      }
    });
  });
}

}  // namespace torsh::detail::cpu
