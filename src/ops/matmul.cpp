// mm, bmm, matmul: checks, shapes and batching; the 2-D product is a per-device kernel (the
// CPU's in cpu/matmul_kernels.cpp: OpenBLAS GEMM for float and double, a plain loop otherwise).
#include <algorithm>
#include <cstdint>

#include "cpu/parallel.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
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
  detail::mm_stub(self.device().type, "mm")(self, mat2, out);
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
  const auto kernel = detail::mm_stub(self.device().type, "bmm");
  // Many products of moderate size: whole products per thread (GEMM runs single-threaded inside
  // a parallel region), no fork and join per product; few or large ones: GEMM's own threads.
  const int64_t flops = self.sizes()[1] * self.sizes()[2] * mat2.sizes()[2];
  const int64_t grain = B >= 2 * get_num_threads() && flops <= (int64_t(1) << 24) ? 1 : B;
  detail::parallel_for(0, B, std::max<int64_t>(grain, 1), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) kernel(self.select(0, i), mat2.select(0, i), out.select(0, i));
  });
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
    // Rows counted explicitly: reshape cannot infer -1 when the last dim is 0 ([5, 5, 0] @ [0, 5]).
    int64_t rows = 1;
    for (int64_t d = 0; d + 1 < da; ++d) rows *= a.sizes()[d];
    Tensor folded = a.reshape({rows, a.sizes()[da - 1]});
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
