#pragma once
// Vectorised max pooling rows (Highway, runtime CPU dispatch) for the common 2x2, stride-2
// window: two input rows in, one output row (and its window positions) out.
#include <cstdint>

namespace torsh::detail::pool_simd {

/// For i in [0, n): y[i] = the max of r0[2i], r0[2i + 1], r1[2i], r1[2i + 1] (NaN wins, the
/// last NaN or the first maximum in that order, as torch's scan), and when code is not null,
/// code[i] = the winner's position in that order (0..3).
void max_2x2_row_f32(const float* r0, const float* r1, int64_t n, float* y, int32_t* code);

}  // namespace torsh::detail::pool_simd
