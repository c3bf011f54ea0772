#pragma once
// The pointwise part of an LSTM step (Highway, runtime CPU dispatch), forward and backward, on
// the same sigmoid and tanh functors as torsh.sigmoid and torsh.tanh, so a fused step gives the
// bits of the composed one.
#include <cstdint>

namespace torsh::detail::lstm_simd {

/// For each of rows rows: gates = ig + hg (+ bi + bh when not null), [4H] as (in, forget, cell,
/// out); ws = (sigmoid(in), sigmoid(forget), tanh(cell), sigmoid(out)) [4H]; cy = f * cx + i * g
/// and hy = o * tanh(cy) [H]. Rows are contiguous.
void lstm_cell_f32(const float* ig, const float* hg, const float* bi, const float* bh,
                   const float* cx, float* hy, float* cy, float* ws, int64_t rows, int64_t h);
void lstm_cell_f64(const double* ig, const double* hg, const double* bi, const double* bh,
                   const double* cx, double* hy, double* cy, double* ws, int64_t rows, int64_t h);

/// The step's gradients from dhy and dcy (either may be null: zero): dgates [rows, 4H] (the
/// gradient of the pre-activation gates) and dcx [rows, H], from cx and ws of the forward (cy
/// is recomputed from them, with the forward's bits).
void lstm_cell_backward_f32(const float* dhy, const float* dcy, const float* cx, const float* ws,
                            float* dgates, float* dcx, int64_t rows, int64_t h);
void lstm_cell_backward_f64(const double* dhy, const double* dcy, const double* cx,
                            const double* ws, double* dgates, double* dcx, int64_t rows, int64_t h);

}  // namespace torsh::detail::lstm_simd
