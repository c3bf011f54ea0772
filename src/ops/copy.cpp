// Copy, fill, clone and cast (the Tensor methods copy_, fill_, clone, to(dtype) and the ops clone,
// _to_copy, _assign): checks here, kernels per device (the CPU's in cpu/copy_kernels.cpp); the
// core only declares the methods.
#include <cmath>

#include "core/dispatch.h"
#include "iter/tensor_iter.h"  // overlap checks, broadcast_shapes
#include "ops/scalar_check.h"
#include "ops/stubs.h"
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
  if (!src.sizes().equals(sizes())) {
    SizeVec b = detail::broadcast_shapes(sizes(), src.sizes(), "copy_");
    TORSH_CHECK(b == SizeVec(sizes()), "copy_(): source of shape ", detail::shape_str(src.sizes()),
                " cannot be broadcast to the destination shape ", detail::shape_str(sizes()));
  }
  detail::copy_stub(device().type, "copy_")(*this, src);
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
