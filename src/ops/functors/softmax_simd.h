#pragma once
// Vectorised softmax / log_softmax over contiguous rows (Highway, runtime CPU dispatch): one read
// for the max, one exp pass, one scaling pass, each row in cache between them.
#include <cstdint>

namespace torsh::detail::softmax_simd {

/// y[r] = softmax(x[r]) (log_softmax when log) for each of rows contiguous rows of n > 0
/// elements: exp(x - max) * (1 / sum), or (x - max) - log(sum); NaN rows stay NaN.
void softmax_rows_f32(const float* x, float* y, int64_t rows, int64_t n, bool log);
void softmax_rows_f64(const double* x, double* y, int64_t rows, int64_t n, bool log);

}  // namespace torsh::detail::softmax_simd
