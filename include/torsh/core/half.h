#pragma once
// 16-bit floating types: storage only, arithmetic in float, rounded once on store.
#include <cstdint>
#include <cstring>

namespace torsh {

namespace detail {
inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint16_t float_to_half_bits(float f);
float half_bits_to_float(uint16_t h);
}  // namespace detail

/// IEEE binary16.
struct Half {
  uint16_t x = 0;
  Half() = default;
  Half(float f) : x(detail::float_to_half_bits(f)) {}  // NOLINT: implicit like c10::Half
  operator float() const { return detail::half_bits_to_float(x); }
};

/// bfloat16: the upper half of a float32, round-to-nearest-even on conversion.
struct BFloat16 {
  uint16_t x = 0;
  BFloat16() = default;
  BFloat16(float f) {  // NOLINT: implicit like c10::BFloat16
    uint32_t u = detail::f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
      x = 0x7fc0;
    } else {
      uint32_t rounding_bias = 0x7fffu + ((u >> 16) & 1u);
      x = static_cast<uint16_t>((u + rounding_bias) >> 16);
    }
  }
  operator float() const { return detail::bits_f32(static_cast<uint32_t>(x) << 16); }
};

}  // namespace torsh
