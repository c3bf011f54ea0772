// Binary arithmetic: add, sub, mul, div (with rounding modes), pow, maximum, minimum.
#include <complex>

#include "ops/functors/kernels.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/kernels.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {
// The iterator of the ops without a functor kernel: inputs converted to the common dtype.
detail::TensorIter binary_iter(const char* op, Tensor& out, const Tensor& a, const Tensor& b) {
  return detail::TensorIterConfig(op)
      .add_output(out)
      .add_input(a)
      .add_input(b)
      .promote_inputs_to_common_dtype()
      .cast_in_loop()
      .build();
}

// The 16-bit kind of a computation's dtype, as the functors read it: 1 float16, 2 bfloat16.
double kind16(ScalarType t) { return t == kHalf ? 1 : t == kBFloat16 ? 2 : 0; }

// pow's number exponent as the kernel takes it, with torch's special cases: sqrt, 1/sqrt and
// 1/x for 0.5, -0.5 and -1 (float, double, bfloat16 results); x*x, x*x*x and 1/(x*x) for 2, 3
// and -2 (compared after rounding to bfloat16); float16 runs libm's pow but for squares.
detail::KernelArgs pow_args(const Scalar& exponent, ScalarType t) {
  detail::KernelArgs a;
  a.f1 = kind16(t);
  if (is_integral(t, true)) {
    a.i0 = exponent.to<int64_t>();
    return a;
  }
  const double d = exponent.to_double();
  double e = d;
  if (t == kHalf) e = static_cast<double>(static_cast<float>(Half(static_cast<float>(d))));
  if (t == kBFloat16) e = static_cast<double>(static_cast<float>(BFloat16(static_cast<float>(d))));
  a.f0 = e;
  if (t == kHalf) {
    a.flags = e == 2 ? 1 : 0;
  } else if (d == 0.5 || d == -0.5 || d == -1) {
    a.flags = d == 0.5 ? 4 : d == -0.5 ? 5 : 6;
  } else if (e == 2 || e == 3 || e == -2) {
    a.flags = e == 2 ? 1 : e == 3 ? 2 : 3;
  }
  return a;
}

// alpha as the kernel takes it: torch converts it to the result dtype, so a 16-bit result
// multiplies by alpha rounded to 16 bits.
detail::KernelArgs alpha_args(const Scalar& alpha, ScalarType common) {
  detail::KernelArgs a;
  a.f0 = alpha.to_complex().real();  // a complex alpha's parts: f0 and f2
  if (common == kHalf) a.f0 = static_cast<double>(static_cast<float>(alpha.to<Half>()));
  if (common == kBFloat16) a.f0 = static_cast<double>(static_cast<float>(alpha.to<BFloat16>()));
  a.i0 = is_complex(common) ? 0 : alpha.to_long();
  a.f2 = alpha.to_complex().imag();  // a complex alpha's imaginary part (complex results)
  return a;
}

// alpha's category must fit the result, and its value the result dtype (torch's checked
// conversion). Returns the result dtype.
ScalarType check_alpha(const char* op, const Tensor& self, const Tensor& other, const Scalar& alpha,
                       bool negated = false) {
  const Tensor* ops[2] = {&self, &other};
  const ScalarType common = detail::result_type(ops, 2);
  // sub converts -alpha (negated as an int64, wrapping, as torch) to the result dtype.
  const Scalar value =
      !negated || alpha.is_boolean() ? alpha
      : alpha.is_integral()
          ? Scalar(static_cast<int64_t>(0 - static_cast<uint64_t>(alpha.to_long())))
      : alpha.is_complex() ? Scalar(-alpha.to_complex())
                           : Scalar(-alpha.to_double());
  if (alpha.is_integral()) {
    detail::check_scalar_fits(value, common);
    return common;
  }
  TORSH_CHECK(is_complex(common) || !alpha.is_complex(), op,
              "(): For non-complex input tensors, argument alpha must not be a complex number.");
  TORSH_CHECK(!(is_integral(common, true) && alpha.is_floating_point()), op,
              "(): For integral input tensors, argument alpha must not be a floating point "
              "number.");
  TORSH_CHECK(common == kBool || !alpha.is_boolean(), op,
              "(): Boolean alpha only supported for Boolean results.");
  detail::check_scalar_fits(value, common);
  return common;
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
  const ScalarType common = check_alpha("sub", self, other, alpha, true);
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
  const bool trunc = *rounding_mode == "trunc", floor_mode = *rounding_mode == "floor";
  TORSH_CHECK(trunc || floor_mode,
              "div(): expected rounding_mode to be one of None, 'trunc', or 'floor' but found '",
              *rounding_mode, "'");
  auto it = binary_iter("div", out, self, other);
  TORSH_CHECK(it.common_dtype() != kBool, "div(): not implemented for 'Bool'");
  detail::KernelArgs args;
  args.flags = trunc ? 1 : 0;
  args.f1 = kind16(it.common_dtype());
  detail::run_kernel("div", it, self.device().type, detail::KernelId::Binary_DivMode, args);
}

void pow_out(Tensor& out, const Tensor& self, const Tensor& exponent) {
  auto it = binary_iter("pow", out, self, exponent);
  TORSH_CHECK(it.common_dtype() != kBool, "pow(): not implemented for 'Bool'");
  detail::run_kernel("pow", it, self.device().type, detail::KernelId::Binary_Pow);
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
void pow_scalar_out(Tensor& out, const Tensor& self, const Scalar& exponent) {
  if (exponent.is_complex() || self.is_complex()) {
    // complex powers: torch's exact special cases for a real exponent (z**0 is 1 even at 0,
    // z**1 is z, squares and cubes multiply, +-0.5 and -1 take sqrt, rsqrt, reciprocal), the
    // complex pow kernel for anything else
    const ScalarType t = torsh::result_type(self, detail::wrap_scalar(exponent));
    TORSH_CHECK(!out.defined() || out.dtype() == t, "Found dtype ", scalar_type_name(out.dtype()),
                " but expected ", scalar_type_name(t));
    const std::complex<double> e = exponent.to_complex();
    static const double kCases[] = {2, 3, -2, 0.5, -0.5, -1, 0, 1};
    detail::KernelArgs a;
    for (int k = 0; k < 8; ++k)
      if (e == std::complex<double>(kCases[k])) a.flags = k + 1;
    if (a.flags == 0) return native::pow_out(out, self, detail::wrap_scalar(exponent));
    auto it = detail::TensorIterConfig("pow")
                  .add_output(out)
                  .add_input(self)
                  .common_dtype(t)
                  .cast_in_loop()
                  .build();
    return detail::run_kernel("pow", it, self.device().type, detail::KernelId::Unary_PowScalar, a);
  }
  TORSH_CHECK(
      !(is_integral(self.dtype(), true) && exponent.is_integral() && exponent.to_long() < 0),
      "pow(): Integers to negative integer powers are not allowed.");
  Tensor e = detail::wrap_scalar(exponent);
  // torch converts the exponent to an integer or 16-bit result's dtype (checked); float and
  // double results take it as a double.
  const ScalarType t = torsh::result_type(self, e);
  if (t != kFloat && t != kDouble) detail::check_scalar_fits(exponent, t);
  // torch's pow.Tensor_Scalar writes only an output of the result dtype (in place included).
  TORSH_CHECK(!out.defined() || out.dtype() == t, "Found dtype ", scalar_type_name(out.dtype()),
              " but expected ", scalar_type_name(t));
  TORSH_CHECK(t != kBool, "pow(): not implemented for 'Bool'");
  auto it = detail::TensorIterConfig("pow")
                .add_output(out)
                .add_input(self)
                .common_dtype(t)
                .cast_in_loop()
                .build();
  detail::run_kernel("pow", it, self.device().type, detail::KernelId::Unary_PowScalar,
                     pow_args(exponent, t));
}
void pow_scalar_self_out(Tensor& out, const Scalar& self, const Tensor& exponent) {
  // torch's pow.Scalar: a base of 1 (a number, not True) fills the result with ones; any other
  // base is pow of the wrapped number (out= cast rules of pow.Tensor_Tensor).
  const bool one =
      !self.is_boolean() && (self.is_integral() ? self.to_long() == 1 : self.to_double() == 1.0);
  if (one && out.defined()) {
    out.resize_(exponent.sizes());
    out.fill_(1);
    return;
  }
  native::pow_out(out, detail::wrap_scalar(self), exponent);
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
