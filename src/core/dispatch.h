#pragma once
// One dispatch helper per dtype category: calls f(T{}) with the C++ type of a ScalarType.
#include <complex>
#include <cstdint>
#include <string>
#include <type_traits>

#include "torsh/core/dtype.h"
#include "torsh/core/error.h"

namespace torsh::detail {

/// 16 bytes moved as one value (complex128 elements).
struct Bits128 {
  uint64_t lo, hi;
};

/// Calls f(U{}) with a trivially copyable type of the element size (copies move bits only).
template <typename F>
void dispatch_bits(int64_t es, const F& f) {
  switch (es) {
    case 1:
      return f(uint8_t{});
    case 2:
      return f(uint16_t{});
    case 4:
      return f(uint32_t{});
    case 8:
      return f(uint64_t{});
    case 16:
      return f(Bits128{});
    default:
      throw Error("dispatch_bits(): no element type of " + std::to_string(es) + " bytes");
  }
}

/// The error of an op whose kernels do not take t (complex types: torch's "not implemented").
[[noreturn]] inline void unsupported_dtype(ScalarType t, const char* op) {
  if (is_complex(t))
    throw Error(std::string(op) + "(): not implemented for '" + scalar_type_name(t) + "'");
  throw TypeError(std::string(op) + "(): unsupported dtype " + dtype_name(t));
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
      unsupported_dtype(t, op);
  }
}

/// Calls f(T{}) with std::complex<float> or std::complex<double>.
template <typename F>
decltype(auto) dispatch_complex(ScalarType t, const char* op, F&& f) {
  switch (t) {
    case kComplexFloat:
      return f(std::complex<float>{});
    case kComplexDouble:
      return f(std::complex<double>{});
    default:
      throw Error(std::string(op) + "(): expected a complex dtype, got '" + scalar_type_name(t) +
                  "'");
  }
}

/// dispatch_all, and the complex types (for kernels that move or convert values only).
template <typename F>
decltype(auto) dispatch_all_and_complex(ScalarType t, const char* op, F&& f) {
  if (is_complex(t)) return dispatch_complex(t, op, std::forward<F>(f));
  return dispatch_all(t, op, std::forward<F>(f));
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

template <typename T>
struct IsComplex : std::false_type {};
template <typename T>
struct IsComplex<std::complex<T>> : std::true_type {};
template <typename T>
inline constexpr bool is_complex_v = IsComplex<T>::value;

/// Converts between any two element types through their arithmetic type (complex to real
/// keeps the real part, as torch).
template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (is_complex_v<From> && is_complex_v<To>) {
    using R = typename To::value_type;
    return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
  } else if constexpr (is_complex_v<From>) {
    if constexpr (std::is_same_v<To, bool>) {
      return v.real() != 0 || v.imag() != 0;
    } else {
      return convert<To>(v.real());
    }
  } else if constexpr (is_complex_v<To>) {
    using R = typename To::value_type;
    return To(static_cast<R>(static_cast<opmath_t<From>>(v)), R(0));
  } else if constexpr (std::is_same_v<To, bool>) {
    return static_cast<opmath_t<From>>(v) != 0;
  } else if constexpr (std::is_same_v<To, Half> || std::is_same_v<To, BFloat16>) {
    return To(static_cast<float>(static_cast<opmath_t<From>>(v)));
  } else {
    return static_cast<To>(static_cast<opmath_t<From>>(v));
  }
}

}  // namespace torsh::detail
