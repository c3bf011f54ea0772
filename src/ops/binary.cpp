// Binary arithmetic: add, sub, mul, div (with rounding modes), pow, maximum, minimum.
#include <cmath>

#include "iter/loops.h"
#include "ops/functors/kernels.h"
#include "ops/scalar_check.h"
#include "torsh/generated/kernels.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {
using detail::opmath_t;

detail::TensorIter binary_iter(const char* op, Tensor& out, const Tensor& a, const Tensor& b,
                               bool int_to_float = false) {
  return detail::TensorIterConfig(op)
      .add_output(out)
      .add_input(a)
      .add_input(b)
      .promote_inputs_to_common_dtype()
      .promote_integer_inputs_to_float(int_to_float)
      .build();
}

// Runs f on the common dtype: f receives (T a, T b) and computes in opmath (ops without a
// functor kernel: rounding division, pow).
template <typename F>
void run_binary(const char* op, Tensor& out, const Tensor& a, const Tensor& b, bool int_to_float,
                bool allow_bool, F&& make) {
  auto it = binary_iter(op, out, a, b, int_to_float);
  ScalarType t = it.common_dtype();
  TORSH_CHECK(allow_bool || t != kBool, op, "(): not implemented for 'Bool'");
  detail::dispatch_all(t, op, [&](auto tag) {
    using T = decltype(tag);
    auto f = make(tag);
    detail::binary_loop<T, T>(it, [f](T x, T y) {
      return detail::convert<T>(f(static_cast<opmath_t<T>>(x), static_cast<opmath_t<T>>(y)));
    });
  });
  it.finish();
}

// alpha as the kernel takes it: torch converts it to the result dtype, so a 16-bit result
// multiplies by alpha rounded to 16 bits.
detail::KernelArgs alpha_args(const Scalar& alpha, ScalarType common) {
  detail::KernelArgs a;
  a.f0 = alpha.to_double();
  if (common == kHalf) a.f0 = static_cast<double>(static_cast<float>(alpha.to<Half>()));
  if (common == kBFloat16) a.f0 = static_cast<double>(static_cast<float>(alpha.to<BFloat16>()));
  a.i0 = alpha.to_long();
  return a;
}

// alpha's category must fit the result, and its value the result dtype (torch's checked
// conversion). Returns the result dtype.
ScalarType check_alpha(const char* op, const Tensor& self, const Tensor& other,
                       const Scalar& alpha) {
  const Tensor* ops[2] = {&self, &other};
  const ScalarType common = detail::result_type(ops, 2);
  if (alpha.is_integral()) {
    detail::check_scalar_fits(alpha, common);
    return common;
  }
  TORSH_CHECK(!(is_integral(common, true) && alpha.is_floating_point()), op,
              "(): For integral input tensors, argument alpha must not be a floating point "
              "number.");
  TORSH_CHECK(common == kBool || !alpha.is_boolean(), op,
              "(): Boolean alpha only supported for Boolean results.");
  detail::check_scalar_fits(alpha, common);
  return common;
}

template <typename T>
T int_pow(T base, T exp) {
  if (exp < 0) {
    if (base == 1) return 1;
    if (base == -1) return (exp % 2 == 0) ? 1 : -1;
    return 0;
  }
  T result = 1;
  while (exp) {
    if (exp & 1) result = static_cast<T>(result * base);
    exp = static_cast<T>(exp >> 1);
    base = static_cast<T>(base * base);
  }
  return result;
}
}  // namespace

void add_out(Tensor& out, const Tensor& self, const Tensor& other, const Scalar& alpha) {
  const ScalarType common = check_alpha("add", self, other, alpha);
  detail::binary_op("add", out, self, other, false, detail::KernelId::Binary_Add,
                    alpha_args(alpha, common));
}

void sub_out(Tensor& out, const Tensor& self, const Tensor& other, const Scalar& alpha) {
  TORSH_CHECK(!(self.dtype() == kBool && other.dtype() == kBool),
              "sub(): Subtraction, the `-` operator, with two bool tensors is not supported. Use "
              "the `^` or `logical_xor()` operator instead.");
  TORSH_CHECK(self.dtype() != kBool && other.dtype() != kBool,
              "sub(): Subtraction, the `-` operator, with a bool tensor is not supported. If you "
              "are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  const ScalarType common = check_alpha("sub", self, other, alpha);
  detail::binary_op("sub", out, self, other, false, detail::KernelId::Binary_Sub,
                    alpha_args(alpha, common));
}

void mul_out(Tensor& out, const Tensor& self, const Tensor& other) {
  detail::binary_op("mul", out, self, other, false, detail::KernelId::Binary_Mul);
}

void div_out(Tensor& out, const Tensor& self, const Tensor& other) {
  detail::binary_op("div", out, self, other, true, detail::KernelId::Binary_Div);
}

void div_mode_out(Tensor& out, const Tensor& self, const Tensor& other,
                  std::optional<std::string_view> rounding_mode) {
  if (!rounding_mode) return native::div_out(out, self, other);
  bool trunc = *rounding_mode == "trunc", floor_mode = *rounding_mode == "floor";
  TORSH_CHECK(trunc || floor_mode,
              "div(): expected rounding_mode to be one of None, 'trunc', or 'floor' but found '",
              *rounding_mode, "'");
  run_binary("div", out, self, other, false, false, [&](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return [trunc](M a, M b) -> M {
      if constexpr (std::is_same_v<M, bool>) {
        return a;
      } else if constexpr (std::is_integral_v<M>) {
        TORSH_CHECK(b != 0, "ZeroDivisionError");
        M q = static_cast<M>(a / b);
        if (!trunc && (a % b != 0) && ((a < 0) != (b < 0))) q = static_cast<M>(q - 1);
        return q;
      } else {
        if (trunc) return std::trunc(a / b);
        if (b == 0) return a / b;
        // Floor division through fmod, so that results are exact where a/b rounds up.
        M mod = std::fmod(a, b);
        M div = (a - mod) / b;
        if (mod != 0 && ((b < 0) != (mod < 0))) div -= M(1);
        if (div == 0) return std::copysign(M(0), a / b);
        M fl = std::floor(div);
        if (div - fl > M(0.5)) fl += M(1);
        return fl;
      }
    };
  });
}

void pow_out(Tensor& out, const Tensor& self, const Tensor& exponent) {
  run_binary("pow", out, self, exponent, false, false, [&](auto tag) {
    using M = opmath_t<decltype(tag)>;
    return [](M x, M y) -> M {
      if constexpr (std::is_same_v<M, bool>) {
        return x || !y;
      } else if constexpr (std::is_integral_v<M>) {
        return int_pow<M>(x, y);
      } else {
        return std::pow(x, y);
      }
    };
  });
}

void maximum_out(Tensor& out, const Tensor& self, const Tensor& other) {
  detail::binary_op("maximum", out, self, other, false, detail::KernelId::Binary_Maximum);
}

void minimum_out(Tensor& out, const Tensor& self, const Tensor& other) {
  detail::binary_op("minimum", out, self, other, false, detail::KernelId::Binary_Minimum);
}

void add_scalar_out(Tensor& out, const Tensor& self, const Scalar& other, const Scalar& alpha) {
  native::add_out(out, self, detail::wrap_scalar(other), alpha);
}
void sub_scalar_out(Tensor& out, const Tensor& self, const Scalar& other, const Scalar& alpha) {
  native::sub_out(out, self, detail::wrap_scalar(other), alpha);
}
void mul_scalar_out(Tensor& out, const Tensor& self, const Scalar& other) {
  native::mul_out(out, self, detail::wrap_scalar(other));
}
void div_scalar_out(Tensor& out, const Tensor& self, const Scalar& other) {
  native::div_out(out, self, detail::wrap_scalar(other));
}
Tensor pow(const Tensor& self, const Scalar& exponent) {
  TORSH_CHECK(
      !(is_integral(self.dtype(), true) && exponent.is_integral() && exponent.to_long() < 0),
      "pow(): Integers to negative integer powers are not allowed.");
  Tensor e = detail::wrap_scalar(exponent);
  // torch converts the exponent to an integer or 16-bit result's dtype (checked); float and
  // double results take it as a double.
  const ScalarType t = torsh::result_type(self, e);
  if (t != kFloat && t != kDouble) detail::check_scalar_fits(exponent, t);
  return torsh::pow(self, e);
}
Tensor pow(const Scalar& self, const Tensor& exponent) {
  return torsh::pow(detail::wrap_scalar(self), exponent);
}

}  // namespace native

ScalarType result_type(const Tensor& a, const Tensor& b) {
  const Tensor* ops[2] = {&a, &b};
  return detail::result_type(ops, 2);
}

std::vector<int64_t> broadcast_shapes(IntArrayRef a, IntArrayRef b) {
  return detail::broadcast_shapes(a, b, "broadcast_shapes").vec();
}

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, detail::wrap_scalar(b)); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, detail::wrap_scalar(a)); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, detail::wrap_scalar(b)); }
Tensor operator-(const Scalar& a, const Tensor& b) { return sub(detail::wrap_scalar(a), b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, detail::wrap_scalar(b)); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, detail::wrap_scalar(a)); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, detail::wrap_scalar(b)); }
Tensor operator/(const Scalar& a, const Tensor& b) { return div(detail::wrap_scalar(a), b); }

}  // namespace torsh
