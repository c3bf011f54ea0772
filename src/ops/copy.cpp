// Copy, fill, clone and cast (the Tensor methods copy_, fill_, clone, to(dtype) and the ops clone,
// _to_copy, _assign): checks here, kernels per device (the CPU's in cpu/copy_kernels.cpp); the
// core only declares the methods.
#include <atomic>
#include <cmath>

#include "core/dispatch.h"
#include "iter/tensor_iter.h"  // overlap checks, broadcast_shapes
#include "ops/memory_layout.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/core/grad_mode.h"
#include "torsh/core/warning.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh {

Tensor Tensor::clone(std::optional<MemoryFormat> memory_format) const {
  return torsh::clone(*this, memory_format);
}

namespace native {
Tensor empty_in_format(IntArrayRef sizes, ScalarType dtype, MemoryFormat f) {
  if (f == MemoryFormat::Contiguous) return detail::empty_strided_impl(sizes, dtype);
  return detail::empty_strided_impl(sizes, detail::strides_for_format(sizes, f), dtype);
}

Tensor empty_like_in_format(const Tensor& self, ScalarType dtype,
                            std::optional<MemoryFormat> memory_format) {
  const MemoryFormat f = memory_format.value_or(MemoryFormat::Preserve);
  if (f != MemoryFormat::Preserve) return empty_in_format(self.sizes(), dtype, f);
  if (self.is_non_overlapping_and_dense()) {
    return detail::empty_strided_impl(self.sizes(), self.strides(), dtype);
  }
  return empty_in_format(self.sizes(), dtype, self.suggest_memory_format());
}

Tensor clone_impl(const Tensor& self, std::optional<MemoryFormat> memory_format) {
  Tensor out = empty_like_in_format(self, self.dtype(), memory_format);
  out.copy_(self);
  return out;
}

Tensor to_copy(const Tensor& self, ScalarType dtype, std::optional<MemoryFormat> memory_format) {
  Tensor out = empty_like_in_format(self, dtype, memory_format);
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
  if (!src.sizes().equals(sizes())) {
    SizeVec b = detail::broadcast_shapes(sizes(), src.sizes(), "copy_");
    TORSH_CHECK(b == SizeVec(sizes()), "copy_(): source of shape ", detail::shape_str(src.sizes()),
                " cannot be broadcast to the destination shape ", detail::shape_str(sizes()));
  }
  detail::copy_stub(device().type, "copy_")(*this, src);
  static std::atomic<bool> warned{false};  // once per process, as torch's TORCH_WARN_ONCE
  if (src.is_complex() && !is_complex() && !warned.exchange(true)) {
    warn("Casting complex values to real discards the imaginary part");  // may throw (Python)
  }
  return const_cast<Tensor&>(*this);
}

Tensor Tensor::to(ScalarType t, bool /*non_blocking*/, bool copy,
                  std::optional<MemoryFormat> memory_format) const {
  const MemoryFormat f = memory_format.value_or(MemoryFormat::Preserve);
  if (t == dtype() && !copy && (f == MemoryFormat::Preserve || suggest_memory_format() == f)) {
    return *this;
  }
  return torsh::_to_copy(*this, t, memory_format);
}

Tensor& Tensor::fill_(const Scalar& value) const {
  TORSH_CHECK(!(GradMode::is_enabled() && requires_grad()),
              "fill_(): filling a tensor that requires grad is not recorded by autograd yet; use "
              "torch.no_grad() or out-of-place ops");
  impl_->storage()->bump_version();
  detail::check_scalar_fits(value, dtype());
  detail::fill_stub(device().type, "fill_")(*this, value);
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
