// The CPU's copy (with dtype conversion), fill and cat kernels.
#include <cstring>

#include "iter/loops.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

void copy_kernel(const Tensor& dst, const Tensor& src) {
  if (src.dtype() == dst.dtype() && src.sizes().equals(dst.sizes()) && dst.is_contiguous() &&
      src.is_contiguous()) {
    std::memmove(dst.data_ptr(), src.data_ptr(), static_cast<size_t>(dst.nbytes()));
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
  Tensor out = dst;
  auto it = TensorIterConfig("copy_")
                .add_output(out)
                .add_input(src)
                .output_dtype(dst.dtype())
                .resize_outputs(false)
                .check_mem_overlap(false)
                .build();
  dispatch_all(it.dtype(0), "copy_", [&](auto to_tag) {
    using To = decltype(to_tag);
    dispatch_all(it.dtype(1), "copy_", [&](auto from_tag) {
      using From = decltype(from_tag);
      unary_loop<To, From>(it, [](From v) { return convert<To>(v); });
    });
  });
}

void fill_kernel(const Tensor& self, const Scalar& value) {
  dispatch_all(self.dtype(), "fill_", [&](auto tag) {
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

void cat_kernel(const Tensor& out, const TensorList& inputs, int64_t d) {
  // Contiguous inputs of the result's dtype are copied as blocks: outer rows of n * inner
  // elements each (no view and no iterator per input).
  const int64_t nd = out.dim(), total = out.sizes()[d];
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < d; ++k) outer *= out.sizes()[k];
  for (int64_t k = d + 1; k < nd; ++k) inner *= out.sizes()[k];
  const auto es = static_cast<int64_t>(out.element_size());
  auto* dst = static_cast<char*>(out.data_ptr());
  int64_t off = 0;
  for (const Tensor& t : inputs) {
    if (t.dim() != nd) continue;  // a legacy 1-d empty input
    const int64_t n = t.sizes()[d];
    if (n > 0 && t.is_contiguous() && t.dtype() == out.dtype()) {
      const auto* src = static_cast<const char*>(t.data_ptr());
      const int64_t row = n * inner * es;
      for (int64_t o = 0; o < outer; ++o) {
        std::memcpy(dst + (o * total + off) * inner * es, src + o * row, static_cast<size_t>(row));
      }
    } else if (n > 0) {
      out.narrow(d, off, n).copy_(t);
    }
    off += n;
  }
}

}  // namespace torsh::detail::cpu
