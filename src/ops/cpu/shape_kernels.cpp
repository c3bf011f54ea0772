// The CPU's kernels of the shape ops: tril/triu's zeroing of the other triangle.
#include <algorithm>
#include <cstring>

#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

void tri_kernel(const Tensor& self, int64_t k, bool upper) {
  // Zero is all-zero bytes in every dtype, so the kernel needs only the element size.
  const int64_t nd = self.dim();
  const int64_t rows = self.sizes()[nd - 2], cols = self.sizes()[nd - 1];
  const int64_t rs = self.strides()[nd - 2], cs = self.strides()[nd - 1];
  const int64_t es = self.element_size();
  const int64_t batch = self.numel() / (rows * cols);
  char* base = static_cast<char*>(self.data_ptr());
  auto zero_row = [&](char* row, int64_t i) {
    // Columns [lo, hi) of row i are zeroed: j > i + k for tril, j < i + k for triu.
    int64_t lo = upper ? 0 : std::clamp<int64_t>(i + k + 1, 0, cols);
    int64_t hi = upper ? std::clamp<int64_t>(i + k, 0, cols) : cols;
    if (lo >= hi) return;
    if (cs == 1) {
      std::memset(row + lo * es, 0, static_cast<size_t>((hi - lo) * es));
    } else {
      for (int64_t j = lo; j < hi; ++j) std::memset(row + j * cs * es, 0, static_cast<size_t>(es));
    }
  };
  parallel_for(0, batch * rows, kGrainSize / std::max<int64_t>(cols, 1) + 1,
               [&](int64_t b, int64_t e) {
                 for (int64_t r = b; r < e; ++r) {
                   int64_t m = r / rows, i = r % rows;
                   // The offset of matrix m over the leading (batch) dims.
                   int64_t off = 0;
                   for (int64_t d = nd - 3; d >= 0; --d) {
                     off += (m % self.sizes()[d]) * self.strides()[d];
                     m /= self.sizes()[d];
                   }
                   zero_row(base + (off + i * rs) * es, i);
                 }
               });
}

}  // namespace torsh::detail::cpu
