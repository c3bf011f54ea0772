// mm, bmm, matmul: float and double through OpenBLAS GEMM; other dtypes by a plain loop.
#include <cblas.h>

#include <cstdint>
#include <type_traits>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

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

// out[M,N] = a[M,K] @ b[K,N]; out is contiguous.
void gemm2d(const Tensor& a, const Tensor& b, Tensor& out) {
  const int64_t M = a.sizes()[0], K = a.sizes()[1], N = b.sizes()[1];
  if (M == 0 || N == 0) return;
  if (K == 0) {
    out.zero_();
    return;
  }
  const ScalarType t = a.dtype();
  if (t == kFloat || t == kDouble) {
    GemmOperand A = as_gemm_operand(a), B = as_gemm_operand(b);
    auto ta = A.trans ? CblasTrans : CblasNoTrans, tb = B.trans ? CblasTrans : CblasNoTrans;
    if (t == kFloat) {
      cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(M), static_cast<int>(N),
                  static_cast<int>(K), 1.0f, A.t.data_ptr<float>(), static_cast<int>(A.ld),
                  B.t.data_ptr<float>(), static_cast<int>(B.ld), 0.0f, out.data_ptr<float>(),
                  static_cast<int>(N));
    } else {
      cblas_dgemm(CblasRowMajor, ta, tb, static_cast<int>(M), static_cast<int>(N),
                  static_cast<int>(K), 1.0, A.t.data_ptr<double>(), static_cast<int>(A.ld),
                  B.t.data_ptr<double>(), static_cast<int>(B.ld), 0.0, out.data_ptr<double>(),
                  static_cast<int>(N));
    }
    return;
  }
  detail::dispatch_all(t, "mm", [&](auto tag) {
    using T = decltype(tag);
    using Acc = std::conditional_t<std::is_same_v<T, bool>, bool, detail::opmath_t<T>>;
    Tensor ac = a.contiguous(), bc = b.contiguous();
    const T* pa = ac.template data_ptr<T>();
    const T* pb = bc.template data_ptr<T>();
    T* po = out.data_ptr<T>();
    detail::parallel_for(0, M, 1, [&](int64_t rb, int64_t re) {
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
        for (int64_t j = 0; j < N; ++j) po[i * N + j] = detail::convert<T>(row[j]);
      }
    });
  });
}

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  TORSH_CHECK(a.dtype() == b.dtype(), op,
              "(): expected m1 and m2 to have the same dtype, but got: ", dtype_name(a.dtype()),
              " != ", dtype_name(b.dtype()));
}
}  // namespace

Tensor mm(const Tensor& self, const Tensor& mat2) {
  TORSH_CHECK(self.dim() == 2, "mm(): self must be a matrix");
  TORSH_CHECK(mat2.dim() == 2, "mm(): mat2 must be a matrix");
  TORSH_CHECK(self.sizes()[1] == mat2.sizes()[0],
              "mm(): mat1 and mat2 shapes cannot be multiplied (", self.sizes()[0], "x",
              self.sizes()[1], " and ", mat2.sizes()[0], "x", mat2.sizes()[1], ")");
  check_same_dtype("mm", self, mat2);
  Tensor out = torsh::empty({self.sizes()[0], mat2.sizes()[1]}, self.dtype());
  gemm2d(self, mat2, out);
  return out;
}

Tensor bmm(const Tensor& self, const Tensor& mat2) {
  TORSH_CHECK(self.dim() == 3, "bmm(): batch1 must be a 3D tensor");
  TORSH_CHECK(mat2.dim() == 3, "bmm(): batch2 must be a 3D tensor");
  TORSH_CHECK(self.sizes()[0] == mat2.sizes()[0],
              "bmm(): batch1 and batch2 must have same number "
              "of batches, got ",
              self.sizes()[0], " and ", mat2.sizes()[0]);
  TORSH_CHECK(self.sizes()[2] == mat2.sizes()[1],
              "bmm(): Expected size for first two dimensions "
              "of batch2 tensor to be: [",
              self.sizes()[0], ", ", self.sizes()[2], "] but got: [", mat2.sizes()[0], ", ",
              mat2.sizes()[1], "].");
  check_same_dtype("bmm", self, mat2);
  const int64_t B = self.sizes()[0];
  Tensor out = torsh::empty({B, self.sizes()[1], mat2.sizes()[2]}, self.dtype());
  for (int64_t i = 0; i < B; ++i) {
    Tensor o = out.select(0, i);
    gemm2d(self.select(0, i), mat2.select(0, i), o);
  }
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  const int64_t da = a.dim(), db = b.dim();
  TORSH_CHECK(da > 0 && db > 0,
              "matmul(): both arguments to matmul need to be at least 1D, but "
              "they are ",
              da, "D and ", db, "D");
  if (da == 1 && db == 1) {
    TORSH_CHECK(a.sizes()[0] == b.sizes()[0], "dot(): inconsistent tensor size, expected tensor [",
                a.sizes()[0], "] and src [", b.sizes()[0],
                "] to have the same number of elements, but got ", a.sizes()[0], " and ",
                b.sizes()[0], " elements respectively");
    return torsh::mm(a.unsqueeze(0), b.unsqueeze(1)).reshape({});
  }
  if (da == 2 && db == 1) return torsh::mm(a, b.unsqueeze(1)).squeeze(-1);
  if (da == 1 && db == 2) return torsh::mm(a.unsqueeze(0), b).squeeze(0);
  if (da == 2 && db == 2) return torsh::mm(a, b);
  if (da >= 3 && db <= 2) {
    // Fold the batch into rows: [..., n, k] @ [k, m].
    Tensor bb = db == 1 ? b.unsqueeze(1) : b;
    SizeVec out_shape(a.sizes());
    Tensor folded = a.reshape({-1, a.sizes()[da - 1]});
    Tensor r = torsh::mm(folded, bb);
    if (db == 1) {
      out_shape.erase(out_shape.size() - 1);
    } else {
      out_shape.back() = bb.sizes()[1];
    }
    return r.view(out_shape.vec());
  }
  // General batched case with broadcasting of the batch dims.
  Tensor aa = da == 1 ? a.unsqueeze(0) : a;
  Tensor bb = db == 1 ? b.unsqueeze(1) : b;
  const int64_t n = aa.sizes()[aa.dim() - 2], k = aa.sizes()[aa.dim() - 1];
  const int64_t k2 = bb.sizes()[bb.dim() - 2], m = bb.sizes()[bb.dim() - 1];
  TORSH_CHECK(k == k2, "matmul(): mat1 and mat2 shapes cannot be multiplied (", n, "x", k, " and ",
              k2, "x", m, ")");
  std::vector<int64_t> ba(aa.sizes().begin(), aa.sizes().end() - 2);
  std::vector<int64_t> bbat(bb.sizes().begin(), bb.sizes().end() - 2);
  std::vector<int64_t> batch = torsh::broadcast_shapes(ba, bbat);
  int64_t nb = 1;
  for (int64_t s : batch) nb *= s;
  std::vector<int64_t> ea = batch, eb = batch;
  ea.push_back(n);
  ea.push_back(k);
  eb.push_back(k);
  eb.push_back(m);
  Tensor r = torsh::bmm(aa.expand(ea).reshape({nb, n, k}), bb.expand(eb).reshape({nb, k, m}));
  std::vector<int64_t> out_shape = batch;
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(m);
  return r.view(out_shape);
}

}  // namespace torsh::native
