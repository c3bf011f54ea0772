// Comparison ops (eq ne lt le gt ge), where, clamp, allclose: checks, dtype rules and iterators;
// kernels per device (the CPU's in cpu/pointwise_kernels.cpp).
#include <cmath>

#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {
void compare(const char* op, Tensor& out, const Tensor& a, const Tensor& b, detail::CompareOp cmp) {
  auto it = detail::TensorIterConfig(op)
                .add_output(out)
                .add_input(a)
                .add_input(b)
                .promote_inputs_to_common_dtype()
                .output_dtype(kBool)
                .build();
  detail::compare_stub(a.device().type, op)(it, cmp);
  it.finish();
}
}  // namespace

void eq_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("eq", out, self, other, detail::CompareOp::kEq);
}
void ne_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("ne", out, self, other, detail::CompareOp::kNe);
}
void lt_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("lt", out, self, other, detail::CompareOp::kLt);
}
void le_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("le", out, self, other, detail::CompareOp::kLe);
}
void gt_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("gt", out, self, other, detail::CompareOp::kGt);
}
void ge_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("ge", out, self, other, detail::CompareOp::kGe);
}

Tensor where(const Tensor& condition, const Tensor& self, const Tensor& other) {
  // torch 1.13 still takes a uint8 condition (deprecated): nonzero is true.
  if (condition.dtype() == kByte) return native::where(condition.to(kBool), self, other);
  TORSH_CHECK(condition.dtype() == kBool,
              "where(): where expected condition to be a boolean tensor, but got a tensor with "
              "dtype ",
              scalar_type_name(condition.dtype()));
  const ScalarType t = result_type(self, other);
  Tensor a = self.to(t), b = other.to(t), out;
  auto it = detail::TensorIterConfig("where")
                .add_output(out)
                .add_input(condition)
                .add_input(a)
                .add_input(b)
                .output_dtype(t)
                .build();
  detail::where_stub(self.device().type, "where")(it);
  it.finish();
  return out;
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
  auto it =
      detail::TensorIterConfig("clamp").add_output(out).add_input(self).common_dtype(t).build();
  // A NaN number as a bound is ignored, as in PyTorch's scalar kernel (std::max(x, NaN) is x);
  // NaN in a tensor bound propagates (see the Tensor overload).
  const bool nan_lo = min && std::isnan(min->to_double());
  const bool nan_hi = max && std::isnan(max->to_double());
  const bool all_nan = min && max && (nan_lo || nan_hi);  // PyTorch then fills with NaN
  const bool has_lo = min && !nan_lo;
  const bool has_hi = max && !nan_hi;
  detail::clamp_scalar_stub(self.device().type, "clamp")(
      it, min ? *min : Scalar(0), max ? *max : Scalar(0), has_lo, has_hi, all_nan);
  it.finish();
}

Tensor clamp(const Tensor& self, const std::optional<Tensor>& min,
             const std::optional<Tensor>& max) {
  const bool has_lo = min && min->defined(), has_hi = max && max->defined();
  TORSH_CHECK(has_lo || has_hi, "clamp(): At least one of 'min' or 'max' must not be None");
  const Tensor& lo = has_lo ? *min : self;
  const Tensor& hi = has_hi ? *max : self;
  Tensor out;
  auto it = detail::TensorIterConfig("clamp")
                .add_output(out)
                .add_input(self)
                .add_input(lo)
                .add_input(hi)
                .promote_inputs_to_common_dtype()
                .build();
  // torch runs a one-bound clamp as maximum/minimum, which take bool.
  TORSH_CHECK(it.common_dtype() != kBool || !(has_lo && has_hi),
              "clamp(): clamp is not supported for bool");
  detail::clamp_tensor_stub(self.device().type, "clamp")(it, has_lo, has_hi);
  it.finish();
  return out;
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
  SizeVec shape = detail::broadcast_shapes(a.sizes(), b.sizes(), "allclose");
  // As PyTorch's isclose: equal, or a finite |a - b| within atol + |rtol * b|, computed in the
  // inputs' dtype (integers in the default float dtype).
  const ScalarType ct = is_floating_point(a.dtype()) ? a.dtype() : get_default_dtype();
  Tensor x = a.expand(shape.vec()).to(ct).contiguous();
  Tensor y = b.expand(shape.vec()).to(ct).contiguous();
  return detail::allclose_stub(a.device().type, "allclose")(x, y, rtol, atol, equal_nan);
}
}  // namespace torsh
