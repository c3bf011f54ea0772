#pragma once
// One dispatch helper per dtype category: calls f(T{}) with the C++ type of a ScalarType.
#include <cstdint>
#include <type_traits>

#include "torsh/core/dtype.h"
#include "torsh/core/error.h"

namespace torsh::detail {

/// Calls f(U{}) with an unsigned integer type of the element size (copies move bits only).
template <typename F>
void dispatch_bits(int64_t es, const F& f) {
  switch (es) {
    case 1:
      return f(uint8_t{});
    case 2:
      return f(uint16_t{});
    case 4:
      return f(uint32_t{});
    default:
      return f(uint64_t{});
  }
}

template <typename F>
decltype(auto) dispatch_all(ScalarType t, const char* op, F&& f) {
  switch (t) {
    case kByte:
      return f(uint8_t{});
    case kChar:
      return f(int8_t{});
    case kShort:
      return f(int16_t{});
    case kInt:
      return f(int32_t{});
    case kLong:
      return f(int64_t{});
    case kHalf:
      return f(Half{});
    case kFloat:
      return f(float{});
    case kDouble:
      return f(double{});
    case kBool:
      return f(bool{});
    case kBFloat16:
      return f(BFloat16{});
    default:
      throw TypeError(std::string(op) + "(): unsupported dtype " + dtype_name(t));
  }
}

template <typename F>
decltype(auto) dispatch_floating(ScalarType t, const char* op, F&& f) {
  switch (t) {
    case kHalf:
      return f(Half{});
    case kFloat:
      return f(float{});
    case kDouble:
      return f(double{});
    case kBFloat16:
      return f(BFloat16{});
    default:
      throw Error(std::string(op) + "(): not implemented for '" + scalar_type_name(t) + "'");
  }
}

/// The type arithmetic runs in: float for the 16-bit floats, T otherwise.
template <typename T>
struct OpMath {
  using type = T;
};
template <>
struct OpMath<Half> {
  using type = float;
};
template <>
struct OpMath<BFloat16> {
  using type = float;
};
template <typename T>
using opmath_t = typename OpMath<T>::type;

/// Whether a (sort or unique) key is NaN: always false for non-floating types.
template <typename K>
inline bool is_nan(K v) {
  if constexpr (std::is_floating_point_v<K>) {
    return v != v;
  } else {
    (void)v;
    return false;
  }
}

/// Converts between any two element types through their arithmetic type.
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return static_cast<opmath_t<From>>(v) != 0;
  } else if constexpr (std::is_same_v<To, Half> || std::is_same_v<To, BFloat16>) {
    return To(static_cast<float>(static_cast<opmath_t<From>>(v)));
  } else {
    return static_cast<To>(static_cast<opmath_t<From>>(v));
  }
}

}  // namespace torsh::detail
