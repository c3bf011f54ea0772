#pragma once
// Vectorised reduction kernels over contiguous float/double runs (Highway, runtime CPU
// dispatch), plugged into the reduction engine (iter/reduce.h) as its fast paths.
#include <cstdint>

namespace torsh::detail::reduce_simd {

/// Sum of p[0..n): blocks summed in vector lanes, blocks combined pairwise.
float sum_f32(const float* p, int64_t n);
double sum_f64(const double* p, int64_t n);
/// out[r] = sum of p[r * stride + 0..n) for r < count (several runs in flight at once).
void sum_runs_f32(const float* p, int64_t n, int64_t stride, int64_t count, float* out);
void sum_runs_f64(const double* p, int64_t n, int64_t stride, int64_t count, double* out);
/// acc[j] += row[j] for j < w.
void sum_rows_f32(float* acc, const float* row, int64_t w);
void sum_rows_f64(double* acc, const double* row, int64_t w);

/// Max (is_max) or min of p[0..n), n > 0; NaN when any element is NaN.
float extreme_f32(bool is_max, const float* p, int64_t n);
double extreme_f64(bool is_max, const double* p, int64_t n);

/// Index of the first maximum (minimum) of p[0..n), n > 0; a NaN wins, the first NaN first.
int64_t arg_extreme_f32(bool is_max, const float* p, int64_t n);
int64_t arg_extreme_f64(bool is_max, const double* p, int64_t n);

/// One row of an index-carrying reduction across rows: where row[j] beats val[j] (strictly, or
/// a NaN against a number), val[j] = row[j] and idx[j] = index.
void arg_rows_f32(bool is_max, float* val, int64_t* idx, const float* row, int64_t w,
                  int64_t index);
void arg_rows_f64(bool is_max, double* val, int64_t* idx, const double* row, int64_t w,
                  int64_t index);

}  // namespace torsh::detail::reduce_simd
