#pragma once
// Vectorised transcendental loops over contiguous arrays (Highway, runtime CPU dispatch).
#include <cstdint>

namespace torsh::detail::simd {

enum class UnaryFn { Exp, Log, Tanh, Sigmoid, Relu };
enum class BinaryFn { Add, Sub, Mul, Div };

/// Outputs at least this many bytes are written with streaming stores (they do not fit in
/// cache, and streaming skips the read-for-ownership of the destination).
constexpr int64_t kStreamBytes = int64_t(4) << 20;

/// out[i] = a[i] op (alpha * b[i]) (alpha only for Add/Sub); b_scalar: b[0] for every i.
void binary_f32(BinaryFn fn, const float* a, const float* b, bool b_scalar, float alpha, float* out,
                int64_t n, bool stream);
void binary_f64(BinaryFn fn, const double* a, const double* b, bool b_scalar, double alpha,
                double* out, int64_t n, bool stream);
/// Sum of in[0..n): blocks summed in vector lanes, blocks combined pairwise.
float sum_f32(const float* in, int64_t n);
double sum_f64(const double* in, int64_t n);

/// out[i] = fn(in[i]) for i < n; in and out may alias.
void unary_f32(UnaryFn fn, const float* in, float* out, int64_t n, bool stream = false);
/// Double-precision version.
void unary_f64(UnaryFn fn, const double* in, double* out, int64_t n, bool stream = false);

/// Max (kMax) or min of in[0..n), n > 0; sets *has_nan when any element is NaN.
float extreme_f32(bool is_max, const float* in, int64_t n, bool* has_nan);
double extreme_f64(bool is_max, const double* in, int64_t n, bool* has_nan);

}  // namespace torsh::detail::simd
