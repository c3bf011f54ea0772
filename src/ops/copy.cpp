// Copy, fill, clone and cast kernels (the Tensor methods copy_, fill_, clone, to(dtype) and the
// ops clone, _to_copy, _assign): kernels live in src/ops, the core only declares the methods.
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/dispatch.h"
#include "iter/loops.h"
#include "ops/scalar_check.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh {

Tensor Tensor::clone() const { return torsh::clone(*this); }

namespace native {
Tensor clone_impl(const Tensor& self) {
  Tensor out = detail::empty_strided_impl(self.sizes(), self.dtype());
  out.copy_(self);
  return out;
}

Tensor to_copy(const Tensor& self, ScalarType dtype) {
  Tensor out = detail::empty_strided_impl(self.sizes(), dtype);
  out.copy_(self);
  return out;
}
}  // namespace native

Tensor& Tensor::copy_(const Tensor& src, bool /*non_blocking*/) const {
  TORSH_CHECK(src.defined(), "copy_(): source tensor is undefined");
  if (is_same(src)) return const_cast<Tensor&>(*this);
  TORSH_CHECK(!(GradMode::is_enabled() && (requires_grad() || src.requires_grad())),
              "copy_(): copying into or from a tensor that requires grad is not recorded by "
              "autograd yet; use torch.no_grad() or out-of-place ops");
  detail::assert_no_internal_overlap(*this);
  detail::assert_no_partial_overlap(*this, src);
  impl_->storage()->bump_version();
  if (src.dtype() == dtype() && src.sizes().equals(sizes()) && is_contiguous() &&
      src.is_contiguous()) {
    std::memmove(data_ptr(), src.data_ptr(), static_cast<size_t>(nbytes()));
    return const_cast<Tensor&>(*this);
  }
  SizeVec b = detail::broadcast_shapes(sizes(), src.sizes(), "copy_");
  TORSH_CHECK(b == SizeVec(sizes()), "copy_(): source of shape ", detail::shape_str(src.sizes()),
              " cannot be broadcast to the destination shape ", detail::shape_str(sizes()));
  Tensor self = *this;
  auto it = detail::TensorIterConfig("copy_")
                .add_output(self)
                .add_input(src)
                .output_dtype(dtype())
                .resize_outputs(false)
                .check_mem_overlap(false)
                .build();
  detail::dispatch_all(dtype(), "copy_", [&](auto to_tag) {
    using To = decltype(to_tag);
    detail::dispatch_all(src.dtype(), "copy_", [&](auto from_tag) {
      using From = decltype(from_tag);
      detail::unary_loop<To, From>(it, [](From v) { return detail::convert<To>(v); });
    });
  });
  return const_cast<Tensor&>(*this);
}

Tensor Tensor::to(ScalarType t, bool /*non_blocking*/, bool copy) const {
  if (t == dtype() && !copy) return *this;
  return torsh::_to_copy(*this, t);
}

Tensor& Tensor::fill_(const Scalar& value) const {
  TORSH_CHECK(!(GradMode::is_enabled() && requires_grad()),
              "fill_(): filling a tensor that requires grad is not recorded by autograd yet; use "
              "torch.no_grad() or out-of-place ops");
  impl_->storage()->bump_version();
  detail::dispatch_all(dtype(), "fill_", [&](auto tag) {
    using T = decltype(tag);
    detail::check_scalar_fits(value, dtype());
    const T v = value.to<T>();
    Tensor self = *this;
    if (is_contiguous()) {
      T* p = data_ptr<T>();
      for (int64_t i = 0, n = numel(); i < n; ++i) p[i] = v;
      return;
    }
    Tensor dummy = detail::wrap_scalar(0);
    auto it = detail::TensorIterConfig("fill_")
                  .add_output(self)
                  .add_input(dummy)
                  .output_dtype(dtype())
                  .resize_outputs(false)
                  .check_mem_overlap(false)
                  .build();
    it.for_each([&](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(d[0] + i * s[0]) = v;
    });
  });
  return const_cast<Tensor&>(*this);
}

}  // namespace torsh

namespace torsh::native {
void assign_out(Tensor& out, const Tensor& self, const Tensor& src) {
  (void)self;  // in-place only: out is self
  out.copy_(src);
}
void assign_scalar_out(Tensor& out, const Tensor& self, const Scalar& value) {
  (void)self;
  out.fill_(value);
}
}  // namespace torsh::native
