#pragma once
// Vectorised sums and max/min over contiguous arrays (Highway, runtime CPU dispatch), used by
// the reductions.
#include <cstdint>

namespace torsh::detail::simd {

/// Sum of in[0..n): blocks summed in vector lanes, blocks combined pairwise.
float sum_f32(const float* in, int64_t n);
double sum_f64(const double* in, int64_t n);

/// Max (kMax) or min of in[0..n), n > 0; sets *has_nan when any element is NaN.
float extreme_f32(bool is_max, const float* in, int64_t n, bool* has_nan);
double extreme_f64(bool is_max, const double* in, int64_t n, bool* has_nan);

}  // namespace torsh::detail::simd
