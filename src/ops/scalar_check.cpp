// Checked Scalar conversions, as c10::checked_convert (see scalar_check.h).
#include "ops/scalar_check.h"

#include <cmath>
#include <cstdint>

#include "torsh/core/error.h"

namespace torsh::detail {

namespace {
struct Range {
  double lo, hi;
  const char* name;  // c10's name of the C++ type, as in torch's message
};

Range range_of(ScalarType t) {
  switch (t) {
    case kByte:
      return {0, 255, "uint8_t"};
    case kChar:
      return {-128, 127, "int8_t"};
    case kShort:
      return {-32768, 32767, "int16_t"};
    case kInt:
      return {-2147483648.0, 2147483647.0, "int"};
    case kLong:
      return {-9223372036854775808.0, 9223372036854775807.0, "int64_t"};
    case kHalf:
      return {-65504.0, 65504.0, "at::Half"};
    case kBFloat16:
      return {-3.3895313892515355e38, 3.3895313892515355e38, "at::BFloat16"};
    case kFloat:
      return {-3.4028234663852886e38, 3.4028234663852886e38, "float"};
    default:
      return {-HUGE_VAL, HUGE_VAL, "double"};
  }
}
}  // namespace

bool scalar_fits(const Scalar& v, ScalarType t) {
  if (is_complex(t)) return true;
  // A complex value fits a real type only without an imaginary part (c10's checked_convert).
  if (v.is_complex()) return v.to_complex().imag() == 0 && scalar_fits(Scalar(v.to_double()), t);
  if (t == kBool || v.is_boolean() || !(is_integral(t, false) || is_floating_point(t))) return true;
  const Range r = range_of(t);
  if (v.is_integral()) {
    const int64_t x = v.to_long();
    if (t == kLong) return true;
    if (t == kByte) return x <= 255 && x >= -255;  // negatives wrap (two's complement)
    const double d = static_cast<double>(x);
    return d >= r.lo && d <= r.hi;
  }
  const double d = v.to_double();
  if (!std::isfinite(d)) return is_floating_point(t);  // inf and NaN go into floats only
  return d >= r.lo && d <= r.hi;
}

void check_scalar_fits(const Scalar& v, ScalarType t) {
  TORSH_CHECK(scalar_fits(v, t), "value cannot be converted to type ", range_of(t).name,
              " without overflow");
}

}  // namespace torsh::detail
