// The CPU's copy (with dtype conversion), fill and cat kernels.
#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/parallel.h"
#include "iter/loops.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

namespace {
// The dim k < last along which src is dense (stride 1) while its last dim is not: a transposed
// layout, which an element-order copy into a contiguous dst reads with a cache miss per
// element. -1 when there is none.
int64_t transposed_dim(const Tensor& src) {
  const int64_t last = src.dim() - 1;
  if (last < 1 || src.strides()[last] == 1 || src.sizes()[last] < 2) return -1;
  for (int64_t k = last - 1; k >= 0; --k)
    if (src.strides()[k] == 1 && src.sizes()[k] > 1) return k;
  return -1;
}

// dst (contiguous) = src in tiles of 16 x 16 over dims k and last, every other dim outside.
template <typename U>
void tiled_copy(U* d, const U* s, IntArrayRef sizes, IntArrayRef ss, int64_t k) {
  constexpr int64_t kB = 16;
  const int64_t nd = static_cast<int64_t>(sizes.size()), last = nd - 1;
  std::vector<int64_t> ds(static_cast<size_t>(nd), 1), odims;
  for (int64_t i = nd - 2; i >= 0; --i) ds[i] = ds[i + 1] * sizes[i + 1];
  int64_t outer = 1;
  for (int64_t i = 0; i < last; ++i)
    if (i != k) {
      odims.push_back(i);
      outer *= sizes[i];
    }
  const int64_t sk = sizes[k], sl = sizes[last], ssl = ss[last], dsk = ds[k];
  const int64_t tiles = (sk + kB - 1) / kB;
  parallel_for(0, outer * tiles, std::max<int64_t>(1, 16384 / (kB * sl)),
               [&](int64_t b, int64_t e) {
                 for (int64_t r = b; r < e; ++r) {
                   int64_t rem = r / tiles, so = 0, dof = 0;
                   for (size_t x = odims.size(); x-- > 0;) {
                     const int64_t dim = odims[x], c = rem % sizes[dim];
                     rem /= sizes[dim];
                     so += c * ss[dim];
                     dof += c * ds[dim];
                   }
                   const int64_t i0 = (r % tiles) * kB, i1 = std::min(i0 + kB, sk);
                   for (int64_t j0 = 0; j0 < sl; j0 += kB) {
                     const int64_t j1 = std::min(j0 + kB, sl);
                     for (int64_t i = i0; i < i1; ++i)
                       for (int64_t j = j0; j < j1; ++j) d[dof + i * dsk + j] = s[so + i + j * ssl];
                   }
                 }
               });
}

// dst (contiguous) = src whose last dim is dense (a permutation of outer dims): one copy per row.
void row_copy(char* d, const char* s, IntArrayRef sizes, IntArrayRef ss, int64_t es) {
  const int64_t nd = static_cast<int64_t>(sizes.size()), sl = sizes[nd - 1];
  int64_t rows = 1;
  for (int64_t i = 0; i < nd - 1; ++i) rows *= sizes[i];
  const int64_t row = sl * es;
  parallel_for(0, rows, std::max<int64_t>(1, 65536 / std::max<int64_t>(row, 1)),
               [&](int64_t b, int64_t e) {
                 // the first row's position, then a counter carried from dim to dim
                 std::vector<int64_t> at(static_cast<size_t>(nd), 0);
                 int64_t rem = b, so = 0;
                 for (int64_t i = nd - 2; i >= 0; --i) {
                   at[i] = rem % sizes[i];
                   so += at[i] * ss[i];
                   rem /= sizes[i];
                 }
                 for (int64_t r = b; r < e; ++r) {
                   std::memcpy(d + r * row, s + so * es, static_cast<size_t>(row));
                   for (int64_t i = nd - 2; i >= 0; --i) {
                     so += ss[i];
                     if (++at[i] < sizes[i]) break;
                     so -= sizes[i] * ss[i];
                     at[i] = 0;
                   }
                 }
               });
}
}  // namespace

void copy_kernel(const Tensor& dst, const Tensor& src) {
  if (src.dtype() == dst.dtype() && src.sizes().equals(dst.sizes()) && dst.is_contiguous() &&
      src.is_contiguous()) {
    char* d = static_cast<char*>(dst.data_ptr());
    const char* s = static_cast<const char*>(src.data_ptr());
    const int64_t bytes = dst.nbytes();
    if (d + bytes <= s || s + bytes <= d) {  // disjoint: the threads copy a share each
      parallel_for(0, bytes, 1 << 18, [&](int64_t b, int64_t e) {
        std::memcpy(d + b, s + b, static_cast<size_t>(e - b));
      });
    } else {
      std::memmove(d, s, static_cast<size_t>(bytes));
    }
    return;
  }
  bool one_element = src.numel() > 0;
  for (int64_t d = 0; d < src.dim(); ++d)
    one_element &= src.strides()[d] == 0 || src.sizes()[d] == 1;
  if (src.dtype() == dst.dtype() && dst.numel() > 1 && one_element) {
    // One element broadcast over dst (repeat or expand of a scalar): a fill of its value,
    // read before writing, as exact as a copy (same dtype).
    Tensor one = src;
    while (one.dim() > 0) one = one.select(0, 0);
    fill_kernel(dst, one.item());
    return;
  }
  if (src.dtype() == dst.dtype() && src.sizes().equals(dst.sizes()) && dst.is_contiguous() &&
      dst.numel() >= 1024 &&
      src.unsafeGetTensorImpl()->storage().get() != dst.unsafeGetTensorImpl()->storage().get()) {
    const int64_t last = src.dim() - 1;
    if (last >= 1 && src.strides()[last] == 1 && src.sizes()[last] >= 16) {
      row_copy(static_cast<char*>(dst.data_ptr()), static_cast<const char*>(src.data_ptr()),
               src.sizes(), src.strides(), static_cast<int64_t>(dst.element_size()));
      return;
    }
    const int64_t k = transposed_dim(src);
    if (k >= 0) {
      dispatch_bits(dst.element_size(), [&](auto tag) {
        using U = decltype(tag);
        tiled_copy(static_cast<U*>(dst.data_ptr()), static_cast<const U*>(src.data_ptr()),
                   src.sizes(), src.strides(), k);
      });
      return;
    }
  }
  Tensor out = dst;
  auto it = TensorIterConfig("copy_")
                .add_output(out)
                .add_input(src)
                .output_dtype(dst.dtype())
                .resize_outputs(false)
                .check_mem_overlap(false)
                .build();
  dispatch_all_and_complex(it.dtype(0), "copy_", [&](auto to_tag) {
    using To = decltype(to_tag);
    dispatch_all_and_complex(it.dtype(1), "copy_", [&](auto from_tag) {
      using From = decltype(from_tag);
      unary_loop<To, From>(it, [](From v) { return convert<To>(v); });
    });
  });
}

void fill_kernel(const Tensor& self, const Scalar& value) {
  dispatch_all_and_complex(self.dtype(), "fill_", [&](auto tag) {
    using T = decltype(tag);
    const T v = value.to<T>();
    if (self.is_contiguous()) {
      T* p = self.data_ptr<T>();
      const T zero{};
      if (std::memcmp(&v, &zero, sizeof(T)) == 0) {  // all-zero bits (not -0.0)
        std::memset(static_cast<void*>(p), 0, static_cast<size_t>(self.nbytes()));
        return;
      }
      for (int64_t i = 0, n = self.numel(); i < n; ++i) p[i] = v;
      return;
    }
    Tensor out = self;
    Tensor dummy = wrap_scalar(0);
    auto it = TensorIterConfig("fill_")
                  .add_output(out)
                  .add_input(dummy)
                  .output_dtype(self.dtype())
                  .resize_outputs(false)
                  .check_mem_overlap(false)
                  .build();
    it.for_each([&](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(d[0] + i * s[0]) = v;
    });
  });
}

namespace {
struct Block {  // one contiguous input's rows: outer rows of `bytes`, at column offset `off`
  const char* src;
  int64_t bytes, off;
};

// Copies [b, e) of the bytes of the blocks laid end to end (row o of every block, o = 0..).
void copy_rows(char* dst, const std::vector<Block>& blocks, int64_t row_bytes, int64_t o) {
  for (const Block& k : blocks)
    std::memcpy(dst + o * row_bytes + k.off, k.src + o * k.bytes, static_cast<size_t>(k.bytes));
}
}  // namespace

void cat_kernel(const Tensor& out, const TensorList& inputs, int64_t d) {
  // Contiguous inputs of the result's dtype are copied as blocks: outer rows of n * inner
  // elements each (no view and no iterator per input), the threads sharing the bytes.
  const int64_t nd = out.dim(), total = out.sizes()[d];
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < d; ++k) outer *= out.sizes()[k];
  for (int64_t k = d + 1; k < nd; ++k) inner *= out.sizes()[k];
  const auto es = static_cast<int64_t>(out.element_size());
  auto* dst = static_cast<char*>(out.data_ptr());
  const int64_t row_bytes = total * inner * es;
  std::vector<Block> blocks;
  int64_t off = 0;
  for (const Tensor& t : inputs) {
    if (t.dim() != nd) continue;  // a legacy 1-d empty input
    const int64_t n = t.sizes()[d];
    if (n > 0 && t.is_contiguous() && t.dtype() == out.dtype()) {
      blocks.push_back({static_cast<const char*>(t.data_ptr()), n * inner * es, off * inner * es});
    } else if (n > 0) {
      out.narrow(d, off, n).copy_(t);
    }
    off += n;
  }
  if (blocks.empty()) return;
  if (outer >= 64) {  // many rows: threads take whole rows
    parallel_for(0, outer, std::max<int64_t>(1, (1 << 18) / std::max<int64_t>(row_bytes, 1)),
                 [&](int64_t b, int64_t e) {
                   for (int64_t o = b; o < e; ++o) copy_rows(dst, blocks, row_bytes, o);
                 });
    return;
  }
  // few long rows (cat along dim 0): the threads split the bytes of each row evenly
  for (int64_t o = 0; o < outer; ++o) {
    std::vector<int64_t> start(blocks.size() + 1, 0);
    for (size_t i = 0; i < blocks.size(); ++i) start[i + 1] = start[i] + blocks[i].bytes;
    parallel_for(0, start.back(), 1 << 18, [&](int64_t b, int64_t e) {
      size_t i =
          static_cast<size_t>(std::upper_bound(start.begin(), start.end(), b) - start.begin() - 1);
      for (; i < blocks.size() && start[i] < e; ++i) {
        const int64_t lo = std::max(b, start[i]), hi = std::min(e, start[i + 1]);
        const Block& k = blocks[i];
        std::memcpy(dst + o * row_bytes + k.off + (lo - start[i]),
                    k.src + o * k.bytes + (lo - start[i]), static_cast<size_t>(hi - lo));
      }
    });
  }
}

}  // namespace torsh::detail::cpu
