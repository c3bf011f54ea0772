#pragma once
// Vectorised transcendental loops over contiguous arrays (Highway, runtime CPU dispatch).
#include <cstdint>

namespace torsh::detail::simd {

enum class UnaryFn { Exp, Log, Tanh, Sigmoid };

/// out[i] = fn(in[i]) for i < n; in and out may alias.
void unary_f32(UnaryFn fn, const float* in, float* out, int64_t n);
/// Double-precision version.
void unary_f64(UnaryFn fn, const double* in, double* out, int64_t n);

/// Max (kMax) or min of in[0..n), n > 0; sets *has_nan when any element is NaN.
float extreme_f32(bool is_max, const float* in, int64_t n, bool* has_nan);
double extreme_f64(bool is_max, const double* in, int64_t n, bool* has_nan);

}  // namespace torsh::detail::simd
