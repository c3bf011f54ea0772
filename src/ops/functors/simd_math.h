#pragma once
// Vectorised transcendental loops over contiguous arrays (Highway, runtime CPU dispatch).
#include <cstdint>

namespace torsh::detail::simd {

enum class UnaryFn { Exp, Log, Tanh, Sigmoid };

/// out[i] = fn(in[i]) for i < n; in and out may alias.
void unary_f32(UnaryFn fn, const float* in, float* out, int64_t n);
/// Double-precision version.
void unary_f64(UnaryFn fn, const double* in, double* out, int64_t n);

}  // namespace torsh::detail::simd
