// Comparison ops (eq ne lt le gt ge), where, clamp.
#include <cmath>

#include "iter/loops.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {
using detail::opmath_t;

template <typename Cmp>
void compare(const char* op, Tensor& out, const Tensor& a, const Tensor& b, Cmp cmp) {
  auto it = detail::TensorIterConfig(op)
                .add_output(out)
                .add_input(a)
                .add_input(b)
                .promote_inputs_to_common_dtype()
                .output_dtype(kBool)
                .build();
  detail::dispatch_all(it.common_dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    detail::binary_loop<bool, T>(it, [cmp](T x, T y) {
      return cmp(static_cast<opmath_t<T>>(x), static_cast<opmath_t<T>>(y));
    });
  });
  it.finish();
}
}  // namespace

void eq_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("eq", out, self, other, [](auto x, auto y) { return x == y; });
}
void ne_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("ne", out, self, other, [](auto x, auto y) { return x != y; });
}
void lt_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("lt", out, self, other, [](auto x, auto y) { return x < y; });
}
void le_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("le", out, self, other, [](auto x, auto y) { return x <= y; });
}
void gt_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("gt", out, self, other, [](auto x, auto y) { return x > y; });
}
void ge_out(Tensor& out, const Tensor& self, const Tensor& other) {
  compare("ge", out, self, other, [](auto x, auto y) { return x >= y; });
}

Tensor where(const Tensor& condition, const Tensor& self, const Tensor& other) {
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
  detail::dispatch_all(t, "where", [&](auto tag) {
    using T = decltype(tag);
    detail::ternary_loop<T, bool, T, T>(it, [](bool c, T x, T y) { return c ? x : y; });
  });
  it.finish();
  return out;
}

namespace {
// clamp(x, lo, hi) with NaN in x propagated and lo > hi giving hi, as PyTorch.
template <typename M>
M clamp_value(M x, M lo, M hi, bool has_lo, bool has_hi) {
  if constexpr (std::is_floating_point_v<M>) {
    if (std::isnan(x)) return x;
    if (has_lo && std::isnan(lo)) return lo;
    if (has_hi && std::isnan(hi)) return hi;
  }
  if (has_lo && x < lo) x = lo;
  if (has_hi && x > hi) x = hi;
  return x;
}
}  // namespace

void clamp_out(Tensor& out, const Tensor& self, const std::optional<Scalar>& min,
               const std::optional<Scalar>& max) {
  TORSH_CHECK(min || max, "clamp(): At least one of 'min' or 'max' must not be None");
  Tensor lo = detail::wrap_scalar(min ? *min : Scalar(0));
  Tensor hi = detail::wrap_scalar(max ? *max : Scalar(0));
  const Tensor* ops[3] = {&self, min ? &lo : &self, max ? &hi : &self};
  ScalarType t = detail::result_type(ops, 3);
  TORSH_CHECK(t != kBool, "clamp(): clamp is not supported for bool");
  auto it =
      detail::TensorIterConfig("clamp").add_output(out).add_input(self).common_dtype(t).build();
  const bool has_lo = min.has_value(), has_hi = max.has_value();
  detail::dispatch_all(t, "clamp", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const M lv = has_lo ? min->to<M>() : M(0), hv = has_hi ? max->to<M>() : M(0);
    detail::unary_loop<T, T>(it, [=](T x) {
      return detail::convert<T>(clamp_value<M>(static_cast<M>(x), lv, hv, has_lo, has_hi));
    });
  });
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
  TORSH_CHECK(it.common_dtype() != kBool, "clamp(): clamp is not supported for bool");
  detail::dispatch_all(it.common_dtype(), "clamp", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    detail::ternary_loop<T, T, T, T>(it, [=](T x, T l, T h) {
      return detail::convert<T>(
          clamp_value<M>(static_cast<M>(x), static_cast<M>(l), static_cast<M>(h), has_lo, has_hi));
    });
  });
  it.finish();
  return out;
}

}  // namespace native

bool equal(const Tensor& a, const Tensor& b) {
  if (!a.sizes().equals(b.sizes())) return false;
  Tensor e = torsh::eq(a, b).contiguous();
  const bool* p = e.data_ptr<bool>();
  for (int64_t i = 0; i < e.numel(); ++i)
    if (!p[i]) return false;
  return true;
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
  SizeVec shape = detail::broadcast_shapes(a.sizes(), b.sizes(), "allclose");
  Tensor x = a.expand(shape.vec()).to(kDouble).contiguous();
  Tensor y = b.expand(shape.vec()).to(kDouble).contiguous();
  const double* px = x.data_ptr<double>();
  const double* py = y.data_ptr<double>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (std::isnan(px[i]) || std::isnan(py[i])) {
      if (!(equal_nan && std::isnan(px[i]) && std::isnan(py[i]))) return false;
      continue;
    }
    if (px[i] == py[i]) continue;
    if (!(std::abs(px[i] - py[i]) <= atol + rtol * std::abs(py[i]))) return false;
  }
  return true;
}
}  // namespace torsh
