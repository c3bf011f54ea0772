// Pointwise math ops with checks or arguments of their own (round with decimals, polygamma,
// nan_to_num, logit, heaviside, floor_divide, clamp_min/max), and the composites written with
// other ops (square, float_power, lerp, addcmul, addcdiv, isclose). The functors are in
// functors/math-inl.h and functors/binary_math-inl.h.
#include <cmath>
#include <limits>

#include "ops/complex.h"
#include "ops/functors/kernels.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/kernels.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
// torch's float-only kernels name the dtype they lack ("round_cpu" not implemented for 'Long').
void check_floating(const char* op, const Tensor& t) {
  TORSH_CHECK(t.is_floating_point(), op, "(): not implemented for '", scalar_type_name(t.dtype()),
              "'");
}

Tensor scalar_like(double v) { return detail::wrap_scalar(Scalar(v)); }

// signbit, isposinf and isneginf write only bool outputs (logical_not writes any dtype).
void bool_only_out(const char* op, Tensor& out, const Tensor& self, detail::KernelId kernel) {
  TORSH_CHECK(!out.defined() || out.dtype() == kBool, op, " does not support non-boolean outputs.");
  detail::unary_bool_op(op, out, self, kernel);
}
}  // namespace

void isposinf_out(Tensor& out, const Tensor& self) {
  bool_only_out("isposinf", out, self, detail::KernelId::Unary_Isposinf);
}
void isneginf_out(Tensor& out, const Tensor& self) {
  bool_only_out("isneginf", out, self, detail::KernelId::Unary_Isneginf);
}
void signbit_out(Tensor& out, const Tensor& self) {
  bool_only_out("signbit", out, self, detail::KernelId::Unary_Signbit);
}

void round_decimals_out(Tensor& out, const Tensor& self, int64_t decimals) {
  check_floating("round", self);
  detail::KernelArgs args;
  args.f0 = static_cast<double>(decimals);
  args.i0 = self.dtype() == kBFloat16 ? 1 : 0;
  detail::unary_op("round", out, self, false, detail::KernelId::Unary_RoundDecimals, args);
}

void polygamma_out(Tensor& out, int64_t n, const Tensor& self) {
  TORSH_CHECK(n >= 0, "polygamma(n, x) does not support negative n.");
  detail::KernelArgs args;
  args.i0 = n;
  detail::unary_op("polygamma", out, self, true, detail::KernelId::Unary_Polygamma, args);
}

void nan_to_num_out(Tensor& out, const Tensor& self, std::optional<double> nan,
                    std::optional<double> posinf, std::optional<double> neginf) {
  detail::KernelArgs args;
  // Defaults: 0 for NaN, the dtype's largest and lowest finite values for the infinities.
  double hi = std::numeric_limits<double>::max();
  if (self.dtype() == kFloat) hi = std::numeric_limits<float>::max();
  if (self.dtype() == kHalf) hi = 65504.0;
  if (self.dtype() == kBFloat16) hi = 3.3895313892515355e38;
  args.f0 = nan.value_or(0.0);
  args.f1 = posinf.value_or(hi);
  args.f2 = neginf.value_or(-hi);
  detail::unary_op("nan_to_num", out, self, false, detail::KernelId::Unary_NanToNum, args);
}

void logit_out(Tensor& out, const Tensor& self, std::optional<double> eps) {
  // log(z / (1 - z)) with z = x clamped to [eps, 1 - eps] when eps is given.
  detail::check_not_complex(self, "logit");
  const Tensor x = self.is_floating_point() ? self : self.to(get_default_dtype());
  // eps above 1/2 (lo > hi) clamps everything to hi, as torch's vector loop (its scalar tail
  // differs; docs/fuzzing.md torch-logit-eps-above-half).
  // torch reads eps in the kernel's arithmetic type (float below float64: -1e-310 is -0.0 there,
  // so it clamps).
  // eps goes into the kernel's type checked (1e300 does not fit float).
  if (eps) detail::check_scalar_fits(Scalar(*eps), x.dtype() == kDouble ? kDouble : kFloat);
  const std::optional<double> e = detail::logit_eps(x.dtype(), eps);
  Tensor z = e && *e >= 0 ? torsh::clamp(x, Scalar(*e), Scalar(1.0 - *e)) : x;
  Tensor r = torsh::log(torsh::div(z, torsh::sub(scalar_like(1.0).to(z.dtype()), z)));
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(out.is_floating_point(), "logit(): result type ", scalar_type_name(r.dtype()),
              " can't be cast to the desired output type ", scalar_type_name(out.dtype()));
  out.resize_(r.sizes());
  out.copy_(r);
}

Tensor positive(const Tensor& self) {
  TORSH_CHECK(self.dtype() != kBool,
              "positive(): The `+` operator, on a bool tensor is not supported.");
  return self;
}

void square_out(Tensor& out, const Tensor& self) { native::pow_scalar_out(out, self, Scalar(2)); }

Tensor isreal(const Tensor& self) {
  if (self.is_complex()) return torsh::eq(torsh::imag(self), detail::wrap_scalar(0));
  return torsh::ones_like(self, TensorOptions().dtype(kBool));
}

void floor_divide_out(Tensor& out, const Tensor& self, const Tensor& other) {
  native::div_mode_out(out, self, other, "floor");
}

namespace {
// float_power computes in float64, or complex128 when an operand is complex.
ScalarType float_power_dtype(const Tensor& self, const Tensor& exponent) {
  return self.is_complex() || exponent.is_complex() ? kComplexDouble : kDouble;
}
}  // namespace

Tensor float_power(const Tensor& self, const Tensor& exponent) {
  const ScalarType t = float_power_dtype(self, exponent);
  return torsh::pow(self.to(t), exponent.to(t));
}

void float_power_out(Tensor& out, const Tensor& self, const Tensor& exponent) {
  const ScalarType t = float_power_dtype(self, exponent);
  TORSH_CHECK(out.dtype() == t, "the output given to float_power has dtype ",
              scalar_type_name(out.dtype()), " but the operation's result requires dtype ",
              scalar_type_name(t));
  native::pow_out(out, self.to(t), exponent.to(t));
}

Tensor& float_power_(Tensor& self, const Tensor& exponent) {
  const ScalarType t = float_power_dtype(self, exponent);
  TORSH_CHECK(self.dtype() == t, "the base given to float_power_ has dtype ",
              scalar_type_name(self.dtype()), " but the operation's result requires dtype ",
              scalar_type_name(t));
  return self.pow_(exponent.to(t));
}

void heaviside_out(Tensor& out, const Tensor& self, const Tensor& values) {
  TORSH_CHECK(self.dtype() == values.dtype() && (!out.defined() || out.dtype() == self.dtype()),
              "heaviside(): heaviside is not yet implemented for tensors with different dtypes.");
  detail::binary_op("heaviside", out, self, values, false, detail::KernelId::Binary_Heaviside);
}

void nextafter_out(Tensor& out, const Tensor& self, const Tensor& other) {
  const ScalarType t = torsh::result_type(self, other);
  detail::KernelArgs args;
  args.f1 = t == kHalf ? 1 : t == kBFloat16 ? 2 : 0;
  detail::binary_op("nextafter", out, self, other, false, detail::KernelId::Binary_Nextafter, args);
}

void remainder_scalar_out(Tensor& out, const Tensor& self, const Scalar& other) {
  detail::binary_op("remainder", out, self, detail::wrap_scalar(other), false,
                    detail::KernelId::Binary_Remainder);
}
void fmod_scalar_out(Tensor& out, const Tensor& self, const Scalar& other) {
  detail::binary_op("fmod", out, self, detail::wrap_scalar(other), false,
                    detail::KernelId::Binary_Fmod);
}
void xlogy_scalar_other_out(Tensor& out, const Tensor& self, const Scalar& other) {
  detail::binary_op("xlogy", out, self, detail::wrap_scalar(other), true,
                    detail::KernelId::Binary_Xlogy);
}
void xlogy_scalar_self_out(Tensor& out, const Scalar& self, const Tensor& other) {
  detail::binary_op("xlogy", out, detail::wrap_scalar(self), other, true,
                    detail::KernelId::Binary_Xlogy);
}

void copysign_scalar_out(Tensor& out, const Tensor& self, const Scalar& other) {
  detail::binary_op("copysign", out, self, detail::wrap_scalar(other), true,
                    detail::KernelId::Binary_Copysign);
}

// clamp_min/clamp_max: maximum/minimum with the bound (a NaN bound gives NaN, unlike clamp).
namespace {
// clamp_min/clamp_max with a number: torch's clamp rules (the out dtype is the result dtype, the
// bound must fit it), run as maximum/minimum with the bound.
Tensor clamp_one_bound(const char* op, const Tensor& out, const Tensor& self, const Scalar& b) {
  const Tensor bound = detail::wrap_scalar(b);
  const ScalarType t = torsh::result_type(self, bound);
  TORSH_CHECK(t != kBool, op, "(): not implemented for 'Bool'");
  TORSH_CHECK(!out.defined() || out.dtype() == t, op, "(): Found dtype ",
              scalar_type_name(out.dtype()), " but expected ", scalar_type_name(t));
  detail::check_scalar_fits(b, t);
  return bound;
}
}  // namespace

void clamp_min_out(Tensor& out, const Tensor& self, const Scalar& min) {
  native::maximum_out(out, self, clamp_one_bound("clamp_min", out, self, min));
}
void clamp_max_out(Tensor& out, const Tensor& self, const Scalar& max) {
  native::minimum_out(out, self, clamp_one_bound("clamp_max", out, self, max));
}

void sinh_out(Tensor& out, const Tensor& self) {
  detail::KernelArgs args;
  args.f1 = self.dtype() == kBFloat16 ? 1 : 0;
  detail::unary_op("sinh", out, self, true, detail::KernelId::Unary_Sinh, args);
}
void cosh_out(Tensor& out, const Tensor& self) {
  detail::KernelArgs args;
  args.f1 = self.dtype() == kBFloat16 ? 1 : 0;
  detail::unary_op("cosh", out, self, true, detail::KernelId::Unary_Cosh, args);
}
Tensor clamp_min_tensor(const Tensor& self, const Tensor& min) {
  return torsh::clamp(self, std::optional<Tensor>(min), std::optional<Tensor>());
}
Tensor clamp_max_tensor(const Tensor& self, const Tensor& max) {
  return torsh::clamp(self, std::optional<Tensor>(), std::optional<Tensor>(max));
}

Tensor clip_tensor(const Tensor& self, const std::optional<Tensor>& min,
                   const std::optional<Tensor>& max) {
  return torsh::clamp(self, min, max);
}

// float16/bfloat16 ops compute in float, as torch's kernels (opmath).
static ScalarType compute_type(ScalarType t) { return t == kHalf || t == kBFloat16 ? kFloat : t; }

// torch 1.13's formula: weight below 1/2 (negative ones too) counts from self, otherwise back
// from end.
Tensor lerp(const Tensor& self, const Tensor& end, const Tensor& weight) {
  TORSH_CHECK(self.dtype() == end.dtype(), "lerp(): expected dtype ",
              scalar_type_name(self.dtype()), " for `end` but got dtype ",
              scalar_type_name(end.dtype()));
  TORSH_CHECK(self.dtype() == weight.dtype(), "lerp(): expected dtype ",
              scalar_type_name(self.dtype()), " for `weight` but got dtype ",
              scalar_type_name(weight.dtype()));
  check_floating("lerp", self);
  if (compute_type(self.dtype()) != self.dtype()) {  // in float, rounded once (torch's opmath)
    return native::lerp(self.to(kFloat), end.to(kFloat), weight.to(kFloat)).to(self.dtype());
  }
  const Tensor diff = torsh::sub(end, self);
  const Tensor low = torsh::add(self, torsh::mul(weight, diff));
  const Tensor high = torsh::sub(end, torsh::mul(diff, torsh::sub(scalar_like(1.0), weight)));
  return torsh::where(torsh::lt(weight, scalar_like(0.5)), low, high);
}

Tensor lerp(const Tensor& self, const Tensor& end, const Scalar& weight) {
  TORSH_CHECK(self.dtype() == end.dtype(), "lerp(): expected dtype ",
              scalar_type_name(self.dtype()), " for `end` but got dtype ",
              scalar_type_name(end.dtype()));
  check_floating("lerp", self);
  // torch converts the weight to the (op-math) dtype with its overflow check.
  detail::check_scalar_fits(weight, compute_type(self.dtype()));
  const double w = weight.to_double();
  if (compute_type(self.dtype()) != self.dtype()) {  // in float, rounded once (torch's opmath)
    return native::lerp(self.to(kFloat), end.to(kFloat),
                        Scalar(static_cast<double>(static_cast<float>(w))))
        .to(self.dtype());
  }
  const Tensor diff = torsh::sub(end, self);
  if (w < 0.5) return torsh::add(self, torsh::mul(diff, scalar_like(w)));
  return torsh::sub(end, torsh::mul(diff, scalar_like(1.0 - w)));
}

// addcmul/addcdiv compute self + value * tensor1 (* or /) tensor2 in one pass over the common
// dtype of the three tensors (value takes no part in the promotion), with torch's arithmetic
// (see addcmul_kernel).
namespace {
void addc(const char* op, detail::KernelStub<detail::AddcKernel>& stub, Tensor& out,
          const Tensor& self, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  auto it = detail::TensorIterConfig(op)
                .add_output(out)
                .add_input(self)
                .add_input(tensor1)
                .add_input(tensor2)
                .promote_inputs_to_common_dtype()
                .build();
  detail::check_scalar_fits(value, compute_type(it.common_dtype()));  // torch's checked conversion
  stub(self.device().type, op)(it, value);
  it.finish();
}
}  // namespace

void addcmul_out(Tensor& out, const Tensor& self, const Tensor& tensor1, const Tensor& tensor2,
                 const Scalar& value) {
  const Tensor* ops[3] = {&self, &tensor1, &tensor2};
  TORSH_CHECK(detail::result_type(ops, 3) != kBool,
              "addcmul(): \"addcmul_cpu_out\" not implemented for 'Bool'");
  addc("addcmul", detail::addcmul_stub, out, self, tensor1, tensor2, value);
}

void addcdiv_out(Tensor& out, const Tensor& self, const Tensor& tensor1, const Tensor& tensor2,
                 const Scalar& value) {
  TORSH_CHECK(tensor1.is_floating_point() || tensor2.is_floating_point(),
              "addcdiv(): Integer division with addcdiv is no longer supported, and in a future "
              "release addcdiv will perform a true division of tensor1 and tensor2. The "
              "historic addcdiv behavior can be implemented as (input + value * "
              "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input "
              "+ value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is "
              "just the latter implementation: (input + value * tensor1 / tensor2), for all "
              "dtypes.");
  addc("addcdiv", detail::addcdiv_stub, out, self, tensor1, tensor2, value);
}

// torch's isclose: equal, or a finite |self - other| within atol + |rtol * other| (bool inputs
// read in the default float dtype).
Tensor isclose(const Tensor& self, const Tensor& other, double rtol, double atol, bool equal_nan) {
  TORSH_CHECK(self.dtype() == other.dtype(), "isclose(): ", scalar_type_name(self.dtype()),
              " did not match ", scalar_type_name(other.dtype()));
  TORSH_CHECK(rtol >= 0, "isclose(): rtol must be greater than or equal to zero, but got ", rtol);
  TORSH_CHECK(atol >= 0, "isclose(): atol must be greater than or equal to zero, but got ", atol);
  Tensor close = torsh::eq(self, other);
  const bool inexact = self.is_floating_point() || self.is_complex();
  if (equal_nan && inexact) {
    close = torsh::logical_or(close, torsh::logical_and(self.isnan(), other.isnan()));
  }
  if (rtol == 0 && atol == 0) return close;
  // Integer and bool inputs are compared in the default float dtype (an int16 difference such
  // as 32767 - -32768 must not wrap), as torch.
  const Tensor a = inexact ? self : self.to(get_default_dtype());
  const Tensor b = inexact ? other : other.to(get_default_dtype());
  const Tensor allowed =
      torsh::add(torsh::abs(torsh::mul(b, scalar_like(rtol))), scalar_like(atol));
  const Tensor actual = torsh::abs(torsh::sub(a, b));
  return torsh::logical_or(close,
                           torsh::logical_and(actual.isfinite(), torsh::le(actual, allowed)));
}

}  // namespace torsh::native
