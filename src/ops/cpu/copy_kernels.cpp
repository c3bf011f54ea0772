// The CPU's copy (with dtype conversion) and fill kernels.
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

}  // namespace torsh::detail::cpu
