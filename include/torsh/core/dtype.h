#pragma once
// Scalar types, their names and PyTorch's promotion lattice.
#include <complex>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "torsh/core/half.h"

namespace torsh {

/// The element type of a tensor (order matches c10::ScalarType where it overlaps).
enum class ScalarType : int8_t {
  Byte = 0,
  Char = 1,
  Short = 2,
  Int = 3,
  Long = 4,
  Half = 5,
  Float = 6,
  Double = 7,
  ComplexFloat = 9,
  ComplexDouble = 10,
  Bool = 11,
  BFloat16 = 15,
  Undefined = -1,
};
using Dtype = ScalarType;

constexpr ScalarType kByte = ScalarType::Byte;
constexpr ScalarType kUInt8 = ScalarType::Byte;
constexpr ScalarType kChar = ScalarType::Char;
constexpr ScalarType kInt8 = ScalarType::Char;
constexpr ScalarType kShort = ScalarType::Short;
constexpr ScalarType kInt16 = ScalarType::Short;
constexpr ScalarType kInt = ScalarType::Int;
constexpr ScalarType kInt32 = ScalarType::Int;
constexpr ScalarType kLong = ScalarType::Long;
constexpr ScalarType kInt64 = ScalarType::Long;
constexpr ScalarType kHalf = ScalarType::Half;
constexpr ScalarType kFloat16 = ScalarType::Half;
constexpr ScalarType kFloat = ScalarType::Float;
constexpr ScalarType kFloat32 = ScalarType::Float;
constexpr ScalarType kDouble = ScalarType::Double;
constexpr ScalarType kFloat64 = ScalarType::Double;
constexpr ScalarType kComplexFloat = ScalarType::ComplexFloat;
constexpr ScalarType kComplexDouble = ScalarType::ComplexDouble;
constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;

/// Bytes per element (1 for Undefined, which no tensor has).
constexpr int64_t element_size(ScalarType t) {
  switch (t) {
    case ScalarType::Short:
    case ScalarType::Half:
    case ScalarType::BFloat16:
      return 2;
    case ScalarType::Int:
    case ScalarType::Float:
      return 4;
    case ScalarType::Long:
    case ScalarType::Double:
    case ScalarType::ComplexFloat:
      return 8;
    case ScalarType::ComplexDouble:
      return 16;
    default:
      return 1;
  }
}
/// PyTorch's name without the "torch." prefix: "float32", "int64", ...
const char* dtype_name(ScalarType t);
/// libtorch's name: "Float", "Long", ...
const char* scalar_type_name(ScalarType t);
/// True for float16, bfloat16, float32, float64.
bool is_floating_point(ScalarType t);
/// True for complex64 and complex128.
constexpr bool is_complex(ScalarType t) {
  return t == ScalarType::ComplexFloat || t == ScalarType::ComplexDouble;
}
/// The real type of a complex type (complex64 -> float32); other types unchanged.
constexpr ScalarType to_real_value_type(ScalarType t) {
  return t == ScalarType::ComplexFloat    ? ScalarType::Float
         : t == ScalarType::ComplexDouble ? ScalarType::Double
                                          : t;
}
/// The complex type holding a floating type's values (float64 -> complex128, the other floats
/// -> complex64); complex types unchanged.
constexpr ScalarType to_complex_type(ScalarType t) {
  return t == ScalarType::Double || t == ScalarType::ComplexDouble ? ScalarType::ComplexDouble
                                                                   : ScalarType::ComplexFloat;
}
/// The complex dtype matching the default float dtype (torch.get_default_dtype()).
ScalarType get_default_complex_dtype();
/// True for the signed and unsigned integer types (not bool).
bool is_integral(ScalarType t, bool include_bool = false);
/// torch.promote_types.
ScalarType promote_types(ScalarType a, ScalarType b);
/// Whether a value of type from may be written to an output of type to (torch.can_cast).
bool can_cast(ScalarType from, ScalarType to);
/// The default floating dtype (float32 unless changed).
ScalarType get_default_dtype();
/// torch.set_default_dtype: float32 or float64.
void set_default_dtype(ScalarType t);

template <typename T>
struct CppTypeToScalarType;
#define TORSH_MAP_TYPE(cpp, st)                         \
  template <>                                           \
  struct CppTypeToScalarType<cpp> {                     \
    static constexpr ScalarType value = ScalarType::st; \
  };
TORSH_MAP_TYPE(uint8_t, Byte)
TORSH_MAP_TYPE(int8_t, Char)
TORSH_MAP_TYPE(int16_t, Short)
TORSH_MAP_TYPE(int32_t, Int)
TORSH_MAP_TYPE(int64_t, Long)
TORSH_MAP_TYPE(Half, Half)
TORSH_MAP_TYPE(float, Float)
TORSH_MAP_TYPE(double, Double)
TORSH_MAP_TYPE(bool, Bool)
TORSH_MAP_TYPE(BFloat16, BFloat16)
TORSH_MAP_TYPE(std::complex<float>, ComplexFloat)
TORSH_MAP_TYPE(std::complex<double>, ComplexDouble)
#undef TORSH_MAP_TYPE

/// What Tensor::dtype() returns, as libtorch's caffe2::TypeMeta: a ScalarType that converts to
/// ScalarType implicitly (so it goes wherever one is expected) and prints as libtorch prints it,
/// by the C++ element type's name ("float", "long int"), where a ScalarType prints "Float".
class TypeMeta {
 public:
  constexpr TypeMeta() noexcept = default;
  static constexpr TypeMeta fromScalarType(ScalarType t) noexcept { return TypeMeta(t); }
  template <typename T>
  static constexpr TypeMeta Make() noexcept {
    return TypeMeta(CppTypeToScalarType<T>::value);
  }
  constexpr operator ScalarType() const noexcept { return t_; }  // NOLINT
  constexpr ScalarType toScalarType() const noexcept { return t_; }
  constexpr bool isScalarType() const noexcept { return true; }
  template <typename T>
  constexpr bool Match() const noexcept {
    return t_ == CppTypeToScalarType<T>::value;
  }
  constexpr size_t itemsize() const noexcept { return static_cast<size_t>(element_size(t_)); }
  /// libtorch's name of the element type: "float", "long int", "c10::Half", ...
  const char* name() const noexcept;
  friend constexpr bool operator==(TypeMeta a, TypeMeta b) noexcept { return a.t_ == b.t_; }
  friend constexpr bool operator==(TypeMeta a, ScalarType b) noexcept { return a.t_ == b; }

 private:
  constexpr explicit TypeMeta(ScalarType t) noexcept : t_(t) {}
  ScalarType t_ = ScalarType::Undefined;
};
/// Prints TypeMeta::name(), as libtorch does.
std::ostream& operator<<(std::ostream& os, TypeMeta t);

}  // namespace torsh
