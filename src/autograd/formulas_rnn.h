#pragma once
// Backward formulas of the recurrent ops (the LSTM layer), written with torsh ops and kernels.
#include <array>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::autograd::formulas {

/// _lstm_layer's gradients {d input_gates, d hx, d cx, d w_hh, d b_hh} from the gradients of
/// its output and final h and c (any undefined: zero). Without a recorded graph: the step kernel
/// backwards in time from the saved cell states and gates, one GEMM per step for the hidden
/// state's gradient, and one GEMM over all steps for w_hh's; otherwise torsh ops recomputing
/// the layer from its inputs, so they differentiate again.
std::vector<Tensor> lstm_layer_backward(const Tensor& grad_output, const Tensor& grad_hy,
                                        const Tensor& grad_cy, const Tensor& input_gates,
                                        const Tensor& hx, const Tensor& cx, const Tensor& w_hh,
                                        const Tensor& b_hh, bool reverse, const Tensor& cell_states,
                                        const Tensor& workspace,
                                        const std::array<bool, 5>& output_mask);

}  // namespace torsh::autograd::formulas
