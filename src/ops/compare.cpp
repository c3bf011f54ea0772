// Comparison ops (eq ne lt le gt ge), where, clamp, allclose: checks, dtype rules and iterators.
// The comparison, where and clamp functors are in functors/select-inl.h; allclose's CPU kernel
// is in cpu/pointwise_kernels.cpp.
#include <cmath>

#include "ops/functors/kernels.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

// The Scalar overloads (libtorch's t.eq(0)): the number as a wrapped 0-dim tensor.
#define TORSH_COMPARE_SCALAR(op)                                               \
  void op##_scalar_out(Tensor& out, const Tensor& self, const Scalar& other) { \
    native::op##_Tensor_out(out, self, detail::wrap_scalar(other));            \
  }
TORSH_COMPARE_SCALAR(eq)
TORSH_COMPARE_SCALAR(ne)
TORSH_COMPARE_SCALAR(lt)
TORSH_COMPARE_SCALAR(le)
TORSH_COMPARE_SCALAR(gt)
TORSH_COMPARE_SCALAR(ge)
#undef TORSH_COMPARE_SCALAR

void where_out(Tensor& out, const Tensor& condition, const Tensor& self, const Tensor& other) {
  // torch 1.13 still takes a uint8 condition (deprecated): nonzero is true.
  if (condition.dtype() == kByte) return native::where_out(out, condition.to(kBool), self, other);
  TORSH_CHECK(condition.dtype() == kBool,
              "where(): where expected condition to be a boolean tensor, but got a tensor with "
              "dtype ",
              scalar_type_name(condition.dtype()));
  const ScalarType t = result_type(self, other);
  TORSH_CHECK(!out.defined() || out.dtype() == t, "where(): Expected out tensor to have dtype ",
              scalar_type_name(t), ", but got ", scalar_type_name(out.dtype()), " instead");
  auto it = detail::TensorIterConfig("where")
                .add_output(out)
                .add_input(condition)
                .add_input(self)
                .add_input(other)
                .common_dtype(t)
                .cast_in_loop()
                .build();
  detail::run_kernel("where", it, self.device().type, detail::KernelId::Ternary_Where);
}

// A number operand becomes a tensor of the result dtype, with torch's checked conversion.
Tensor where(const Tensor& condition, const Scalar& self, const Tensor& other) {
  Tensor s = detail::wrap_scalar(self);
  detail::check_scalar_fits(self, torsh::result_type(s, other));
  return torsh::where(condition, s, other);
}
Tensor where(const Tensor& condition, const Tensor& self, const Scalar& other) {
  Tensor o = detail::wrap_scalar(other);
  detail::check_scalar_fits(other, torsh::result_type(self, o));
  return torsh::where(condition, self, o);
}
Tensor where(const Tensor& condition, const Scalar& self, const Scalar& other) {
  Tensor s = detail::wrap_scalar(self), o = detail::wrap_scalar(other);
  const ScalarType t = torsh::result_type(s, o);
  detail::check_scalar_fits(self, t);
  detail::check_scalar_fits(other, t);
  return torsh::where(condition, s, o);
}
std::vector<Tensor> where(const Tensor& condition) {
  // torch.where(condition) is nonzero(condition, as_tuple=True): one index tensor per dim.
  Tensor nz = torsh::nonzero(condition.dim() == 0 ? condition.unsqueeze(0) : condition);
  std::vector<Tensor> r;
  const int64_t nd = std::max<int64_t>(condition.dim(), 1);
  for (int64_t d = 0; d < nd; ++d) r.push_back(nz.select(1, d));
  return r;
}
Tensor max(const Tensor& self, const Tensor& other) { return torsh::maximum(self, other); }
Tensor min(const Tensor& self, const Tensor& other) { return torsh::minimum(self, other); }

void clamp_out(Tensor& out, const Tensor& self, const std::optional<Scalar>& min,
               const std::optional<Scalar>& max) {
  TORSH_CHECK(min || max, "clamp(): At least one of 'min' or 'max' must not be None");
  Tensor lo = detail::wrap_scalar(min ? *min : Scalar(0));
  Tensor hi = detail::wrap_scalar(max ? *max : Scalar(0));
  const Tensor* ops[3] = {&self, min ? &lo : &self, max ? &hi : &self};
  ScalarType t = detail::result_type(ops, 3);
  TORSH_CHECK(t != kBool, "clamp(): clamp is not supported for bool");
  TORSH_CHECK(!out.defined() || out.dtype() == t, "clamp(): Found dtype ",
              scalar_type_name(out.dtype()), " but expected ", scalar_type_name(t));
  if (min) detail::check_scalar_fits(*min, t);
  if (max) detail::check_scalar_fits(*max, t);
  auto it = detail::TensorIterConfig("clamp")
                .add_output(out)
                .add_input(self)
                .common_dtype(t)
                .cast_in_loop()
                .build();
  // A NaN number as a bound is ignored, as in PyTorch's scalar kernel (std::max(x, NaN) is x);
  // NaN in a tensor bound propagates (see the Tensor overload). Both bounds with one NaN: NaN.
  const bool nan_lo = min && std::isnan(min->to_double());
  const bool nan_hi = max && std::isnan(max->to_double());
  detail::KernelArgs args;
  args.flags = (min && !nan_lo ? 1 : 0) | (max && !nan_hi ? 2 : 0) |
               (min && max && (nan_lo || nan_hi) ? 4 : 0);
  // The bounds in the result dtype, as torch converts them (a 16-bit type rounds them).
  auto bound = [t](const Scalar& v) {
    const double d = v.to_double();
    return t == kHalf       ? double(float(Half(float(d))))
           : t == kBFloat16 ? double(float(BFloat16(float(d))))
                            : d;
  };
  if (min) args.f0 = bound(*min), args.i0 = is_integral(t, false) ? min->to<int64_t>() : 0;
  if (max) args.f1 = bound(*max), args.i1 = is_integral(t, false) ? max->to<int64_t>() : 0;
  detail::run_kernel("clamp", it, self.device().type, detail::KernelId::Unary_ClampScalar, args);
}

void clamp_tensor_out(Tensor& out, const Tensor& self, const std::optional<Tensor>& min,
                      const std::optional<Tensor>& max) {
  const bool has_lo = min && min->defined(), has_hi = max && max->defined();
  TORSH_CHECK(has_lo || has_hi, "clamp(): At least one of 'min' or 'max' must not be None");
  const Tensor& lo = has_lo ? *min : self;
  const Tensor& hi = has_hi ? *max : self;
  auto it = detail::TensorIterConfig("clamp")
                .add_output(out)
                .add_input(self)
                .add_input(lo)
                .add_input(hi)
                .promote_inputs_to_common_dtype()
                .cast_in_loop()
                .build();
  // torch runs a one-bound clamp as maximum/minimum, which take bool.
  TORSH_CHECK(it.common_dtype() != kBool || !(has_lo && has_hi),
              "clamp(): clamp is not supported for bool");
  detail::KernelArgs args;
  args.flags = (has_lo ? 1 : 0) | (has_hi ? 2 : 0);
  detail::run_kernel("clamp", it, self.device().type, detail::KernelId::Ternary_Clamp, args);
}

}  // namespace native

bool equal(const Tensor& a, const Tensor& b) {
  if (!a.sizes().equals(b.sizes())) return false;
  return torsh::eq(a, b).all().item<bool>();
}

Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, detail::wrap_scalar(b)); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, detail::wrap_scalar(b)); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, detail::wrap_scalar(b)); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, detail::wrap_scalar(b)); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, detail::wrap_scalar(b)); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, detail::wrap_scalar(b)); }

}  // namespace torsh

namespace torsh {
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  TORSH_CHECK(a.dtype() == b.dtype(), "allclose(): ", scalar_type_name(a.dtype()),
              " did not match ", scalar_type_name(b.dtype()));
  if (a.is_complex()) return torsh::isclose(a, b, rtol, atol, equal_nan).all().item<bool>();
  SizeVec shape = detail::broadcast_shapes(a.sizes(), b.sizes(), "allclose");
  // As PyTorch's isclose: equal, or a finite |a - b| within atol + |rtol * b|, computed in the
  // inputs' dtype (integers in the default float dtype).
  const ScalarType ct = is_floating_point(a.dtype()) ? a.dtype() : get_default_dtype();
  Tensor x = a.expand(shape.vec()).to(ct).contiguous();
  Tensor y = b.expand(shape.vec()).to(ct).contiguous();
  return detail::allclose_stub(a.device().type, "allclose")(x, y, rtol, atol, equal_nan);
}
}  // namespace torsh
