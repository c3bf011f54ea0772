#include "torsh/core/dtype.h"

#include <atomic>
#include <ostream>

#include "torsh/core/error.h"

namespace torsh {

namespace {
std::atomic<ScalarType> g_default_dtype{ScalarType::Float};

int rank_of_int(ScalarType t) {
  switch (t) {
    case kChar:
      return 1;
    case kShort:
      return 2;
    case kInt:
      return 3;
    case kLong:
      return 4;
    default:
      return 0;
  }
}
}  // namespace

const char* dtype_name(ScalarType t) {
  switch (t) {
    case kByte:
      return "uint8";
    case kChar:
      return "int8";
    case kShort:
      return "int16";
    case kInt:
      return "int32";
    case kLong:
      return "int64";
    case kHalf:
      return "float16";
    case kFloat:
      return "float32";
    case kDouble:
      return "float64";
    case kBool:
      return "bool";
    case kBFloat16:
      return "bfloat16";
    case kComplexFloat:
      return "complex64";
    case kComplexDouble:
      return "complex128";
    default:
      return "undefined";
  }
}

const char* TypeMeta::name() const noexcept {
  switch (t_) {
    case kByte:
      return "unsigned char";
    case kChar:
      return "signed char";
    case kShort:
      return "short int";
    case kInt:
      return "int";
    case kLong:
      return "long int";
    case kHalf:
      return "c10::Half";
    case kFloat:
      return "float";
    case kDouble:
      return "double";
    case kComplexFloat:
      return "c10::complex<float>";
    case kComplexDouble:
      return "c10::complex<double>";
    case kBool:
      return "bool";
    case kBFloat16:
      return "c10::BFloat16";
    default:
      return "nullptr (uninitialized)";
  }
}

std::ostream& operator<<(std::ostream& os, TypeMeta t) { return os << t.name(); }

const char* scalar_type_name(ScalarType t) {
  switch (t) {
    case kByte:
      return "Byte";
    case kChar:
      return "Char";
    case kShort:
      return "Short";
    case kInt:
      return "Int";
    case kLong:
      return "Long";
    case kHalf:
      return "Half";
    case kFloat:
      return "Float";
    case kDouble:
      return "Double";
    case kBool:
      return "Bool";
    case kBFloat16:
      return "BFloat16";
    case kComplexFloat:
      return "ComplexFloat";
    case kComplexDouble:
      return "ComplexDouble";
    default:
      return "Undefined";
  }
}

bool is_floating_point(ScalarType t) {
  return t == kFloat || t == kDouble || t == kHalf || t == kBFloat16;
}

bool is_integral(ScalarType t, bool include_bool) {
  return t == kByte || t == kChar || t == kShort || t == kInt || t == kLong ||
         (include_bool && t == kBool);
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  if (a == ScalarType::Undefined) return b;
  if (b == ScalarType::Undefined) return a;
  if (a == kBool) return b;
  if (b == kBool) return a;
  if (is_complex(a) || is_complex(b)) {
    // complex64 with float64 (or complex128 with anything) holds float64 parts.
    const bool wide = a == kComplexDouble || b == kComplexDouble || a == kDouble || b == kDouble;
    return wide ? kComplexDouble : kComplexFloat;
  }
  bool fa = is_floating_point(a), fb = is_floating_point(b);
  if (fa && fb) {
    if (a == kDouble || b == kDouble) return kDouble;
    return kFloat;  // float32 with a 16-bit type, or float16 with bfloat16
  }
  if (fa) return a;
  if (fb) return b;
  // Both integral.
  if (a == kByte || b == kByte) {
    ScalarType other = a == kByte ? b : a;
    return other == kChar ? kShort : other;
  }
  return rank_of_int(a) >= rank_of_int(b) ? a : b;
}

bool can_cast(ScalarType from, ScalarType to) {
  if (is_complex(from) && !is_complex(to)) return false;
  if (is_floating_point(from) && is_integral(to, true)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

ScalarType get_default_complex_dtype() {
  const ScalarType d = get_default_dtype();
  // torch has complex32 for a float16 default and nothing for bfloat16; torsh has neither.
  TORSH_CHECK(d == kFloat || d == kDouble, "invalid default scalar type for complex");
  return to_complex_type(d);
}

ScalarType get_default_dtype() { return g_default_dtype.load(std::memory_order_relaxed); }

void set_default_dtype(ScalarType t) {
  TORSH_CHECK_TYPE(t == kFloat || t == kDouble || t == kHalf || t == kBFloat16,
                   "set_default_dtype(): only floating-point types are supported as the default "
                   "type, got ",
                   dtype_name(t));
  g_default_dtype.store(t);
}

}  // namespace torsh
