#pragma once
// Scalar: a C++ or Python number (double, int64 or bool) that keeps its category.
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
  Scalar(bool v) : tag_(ScalarType::Bool) { v_.i = v; }                       // NOLINT
  Scalar(Half v) : Scalar(static_cast<double>(static_cast<float>(v))) {}      // NOLINT
  Scalar(BFloat16 v) : Scalar(static_cast<double>(static_cast<float>(v))) {}  // NOLINT

  /// Long, Double or Bool: the category used for type promotion.
  ScalarType type() const { return tag_; }
  bool is_floating_point() const { return tag_ == ScalarType::Double; }
  bool is_integral(bool include_bool = false) const {
    return tag_ == ScalarType::Long || (include_bool && tag_ == ScalarType::Bool);
  }
  bool is_boolean() const { return tag_ == ScalarType::Bool; }
  double to_double() const { return tag_ == ScalarType::Double ? v_.d : static_cast<double>(v_.i); }
  int64_t to_long() const { return tag_ == ScalarType::Double ? static_cast<int64_t>(v_.d) : v_.i; }
  bool to_bool() const { return tag_ == ScalarType::Double ? v_.d != 0 : v_.i != 0; }
  template <typename T>
  T to() const {
    if constexpr (std::is_same_v<T, bool>) {
      return to_bool();
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(to_long());
    } else {
      return static_cast<T>(static_cast<float>(to_double()));
    }
  }
  double toDouble() const { return to_double(); }
  int64_t toLong() const { return to_long(); }
  bool toBool() const { return to_bool(); }

 private:
  ScalarType tag_;
  union {
    double d;
    int64_t i;
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
