#pragma once
// Vectorised layer norm over contiguous rows (Highway, runtime CPU dispatch): the forward reads
// each row twice (its moments, then the normalised write); the input gradient reads the rows of
// grad and input twice (two sums, then the write).
#include <cstdint>

namespace torsh::detail::norm_simd {

/// For each of rows rows of n > 0 elements: mean[r], rstd[r] = 1 / sqrt(var + eps) (biased
/// variance) and y = (x - mean) * rstd * w + b (w and b of n elements, or null for none).
void layer_norm_rows_f32(const float* x, const float* w, const float* b, float* y, float* mean,
                         float* rstd, int64_t rows, int64_t n, double eps);
void layer_norm_rows_f64(const double* x, const double* w, const double* b, double* y, double* mean,
                         double* rstd, int64_t rows, int64_t n, double eps);

/// The input gradient of layer norm per row: with gw = g * w (g when w is null),
/// dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)), xhat = (x - mean) * rstd. Row r of g
/// starts at g + r * g_stride (g_stride 0: one row standing for all, an expanded gradient).
void layer_norm_backward_rows_f32(const float* g, int64_t g_stride, const float* x, const float* w,
                                  const float* mean, const float* rstd, float* dx, int64_t rows,
                                  int64_t n);
void layer_norm_backward_rows_f64(const double* g, int64_t g_stride, const double* x,
                                  const double* w, const double* mean, const double* rstd,
                                  double* dx, int64_t rows, int64_t n);

}  // namespace torsh::detail::norm_simd
