#pragma once
// Vectorised pieces of the variance kernels (Highway, runtime CPU dispatch).
#include <cstdint>

namespace torsh::detail::stats_simd {

/// Over p[0..n): *sum_d = the sum of (x - m), *sum_sq = the sum of (x - m)^2 (vector lanes in
/// blocks, block sums added in double).
void sq_dev_f32(const float* p, int64_t n, float m, double* sum_d, double* sum_sq);
void sq_dev_f64(const double* p, int64_t n, double m, double* sum_d, double* sum_sq);

}  // namespace torsh::detail::stats_simd
