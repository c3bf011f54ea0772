#pragma once
// Vectorised softmax / log_softmax over contiguous rows (Highway, runtime CPU dispatch): one read
// for the max, one exp pass, one scaling pass, each row in cache between them.
#include <cstdint>

namespace torsh::detail::softmax_simd {

/// y[r] = softmax(x[r]) (log_softmax when log) for each of rows contiguous rows of n > 0
/// elements: exp(x - max) * (1 / sum), or (x - max) - log(sum); NaN rows stay NaN.
void softmax_rows_f32(const float* x, float* y, int64_t rows, int64_t n, bool log);
void softmax_rows_f64(const double* x, double* y, int64_t rows, int64_t n, bool log);

/// Per row r of rows contiguous rows of n > 0 elements: m[r] = the row's max and
/// ls[r] = log(sum(exp(x - m[r]))), so that log_softmax(x) = (x - m) - ls (cross_entropy's
/// forward reads the row once and writes nothing per element).
void lse_rows(const float* x, int64_t rows, int64_t n, float* m, float* ls);
void lse_rows(const double* x, int64_t rows, int64_t n, double* m, double* ls);
/// Per row r: y = scale[r] * exp(x - shift[r]) (cross_entropy's backward: the softmax scaled).
void scaled_exp_rows(const float* x, int64_t rows, int64_t n, const float* shift,
                     const float* scale, float* y);
void scaled_exp_rows(const double* x, int64_t rows, int64_t n, const double* shift,
                     const double* scale, double* y);

}  // namespace torsh::detail::softmax_simd
