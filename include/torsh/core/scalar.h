#pragma once
// Scalar: a C++ or Python number (double, int64, bool or complex) that keeps its category.
#include <complex>
#include <cstdint>
#include <type_traits>

#include "torsh/core/dtype.h"

namespace torsh {

/// A number with its category (floating, integral or boolean), as c10::Scalar.
class Scalar {
 public:
  Scalar() : Scalar(int64_t(0)) {}
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Scalar(T v) : tag_(ScalarType::Long) {  // NOLINT
    v_.i = static_cast<int64_t>(v);
  }
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Scalar(T v) : tag_(ScalarType::Double) {  // NOLINT
    v_.d = static_cast<double>(v);
  }
  Scalar(bool v) : tag_(ScalarType::Bool) { v_.i = v; }  // NOLINT
  template <typename T>
  Scalar(std::complex<T> v) : tag_(ScalarType::ComplexDouble) {  // NOLINT
    v_.z[0] = static_cast<double>(v.real());
    v_.z[1] = static_cast<double>(v.imag());
  }
  Scalar(Half v) : Scalar(static_cast<double>(static_cast<float>(v))) {}      // NOLINT
  Scalar(BFloat16 v) : Scalar(static_cast<double>(static_cast<float>(v))) {}  // NOLINT

  /// Long, Double, Bool or ComplexDouble: the category used for type promotion.
  ScalarType type() const { return tag_; }
  bool is_floating_point() const { return tag_ == ScalarType::Double; }
  bool is_complex() const { return tag_ == ScalarType::ComplexDouble; }
  /// The value as a complex number (real values with a zero imaginary part).
  std::complex<double> to_complex() const {
    return is_complex() ? std::complex<double>(v_.z[0], v_.z[1])
                        : std::complex<double>(to_double());
  }
  bool is_integral(bool include_bool = false) const {
    return tag_ == ScalarType::Long || (include_bool && tag_ == ScalarType::Bool);
  }
  bool is_boolean() const { return tag_ == ScalarType::Bool; }
  /// The value as a double; a complex number with a nonzero imaginary part raises (torch's
  /// checked conversion), so no op silently drops it.
  double to_double() const {
    if (tag_ == ScalarType::ComplexDouble) {
      if (v_.z[1] != 0) complex_to_real_error();
      return v_.z[0];
    }
    return tag_ == ScalarType::Double ? v_.d : static_cast<double>(v_.i);
  }
  int64_t to_long() const {
    return tag_ == ScalarType::Double || tag_ == ScalarType::ComplexDouble
               ? static_cast<int64_t>(to_double())
               : v_.i;
  }
  bool to_bool() const {
    return tag_ == ScalarType::Double          ? v_.d != 0
           : tag_ == ScalarType::ComplexDouble ? v_.z[0] != 0 || v_.z[1] != 0
                                               : v_.i != 0;
  }
  template <typename T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>) {
      return to_bool();
    } else if constexpr (std::is_same_v<T, std::complex<float>> ||
                         std::is_same_v<T, std::complex<double>>) {
      const std::complex<double> z = to_complex();
      return T(static_cast<typename T::value_type>(z.real()),
               static_cast<typename T::value_type>(z.imag()));
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(to_long());
    } else {
      return static_cast<T>(static_cast<float>(to_double()));
    }
  }
  // libtorch's spellings (c10::Scalar).
  double toDouble() const { return to_double(); }
  float toFloat() const { return static_cast<float>(to_double()); }
  int64_t toLong() const { return to_long(); }
  int toInt() const { return static_cast<int>(to_long()); }
  bool toBool() const { return to_bool(); }
  std::complex<double> toComplexDouble() const { return to_complex(); }
  bool isFloatingPoint() const { return is_floating_point(); }
  bool isIntegral(bool include_bool) const { return is_integral(include_bool); }
  bool isBoolean() const { return is_boolean(); }
  bool isComplex() const { return is_complex(); }

 private:
  [[noreturn]] static void complex_to_real_error();
  ScalarType tag_;
  union {
    double d;
    int64_t i;
    double z[2];
  } v_;
};

template <>
inline double Scalar::to<double>() const {
  return to_double();
}
template <>
inline float Scalar::to<float>() const {
  return static_cast<float>(to_double());
}

}  // namespace torsh
