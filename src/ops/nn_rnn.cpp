// The fused LSTM step (torch's _thnn_fused_lstm_cell): the pointwise part of a step after its
// two projections, with the activated gates kept as the backward's workspace; kernels in
// cpu/rnn_kernels.cpp. The recurrence of nn.LSTM (python/torsh/nn/_rnn_impl.py) runs on it.
#include <tuple>

#include "ops/stubs_nn.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

std::tuple<Tensor, Tensor, Tensor> _thnn_fused_lstm_cell(const Tensor& input_gates,
                                                         const Tensor& hidden_gates,
                                                         const Tensor& cx,
                                                         const std::optional<Tensor>& input_bias,
                                                         const std::optional<Tensor>& hidden_bias) {
  constexpr const char* kOp = "_thnn_fused_lstm_cell(): ";
  TORSH_CHECK(
      cx.dim() == 2 && input_gates.dim() == 2 && input_gates.sizes().equals(hidden_gates.sizes()) &&
          input_gates.size(0) == cx.size(0) && input_gates.size(1) == 4 * cx.size(1),
      kOp, "expected gates [B, 4H] and cx [B, H], got ", detail::shape_str(input_gates.sizes()),
      ", ", detail::shape_str(hidden_gates.sizes()), " and ", detail::shape_str(cx.sizes()));
  const ScalarType t = cx.dtype();
  TORSH_CHECK(
      (t == kFloat || t == kDouble) && input_gates.dtype() == t && hidden_gates.dtype() == t, kOp,
      "expected float or double gates and cx of one dtype, got ", input_gates.dtype(), ", ",
      hidden_gates.dtype(), " and ", cx.dtype());
  auto bias = [&](const std::optional<Tensor>& b) {
    if (!b || !b->defined()) return Tensor();
    TORSH_CHECK(b->dim() == 1 && b->size(0) == input_gates.size(1) && b->dtype() == t, kOp,
                "expected a bias [", input_gates.size(1), "] of the gates' dtype, got ",
                detail::shape_str(b->sizes()));
    return b->contiguous();
  };
  Tensor bi = bias(input_bias), bh = bias(hidden_bias);
  Tensor hy = torsh::empty(cx.sizes(), cx.options()), cy = torsh::empty(cx.sizes(), cx.options());
  Tensor ws = torsh::empty(input_gates.sizes(), cx.options());
  if (cx.numel() > 0) {
    detail::lstm_cell_stub(cx.device().type, "_thnn_fused_lstm_cell")(
        hy, cy, ws, input_gates.contiguous(), hidden_gates.contiguous(), bi, bh, cx.contiguous());
  }
  return {hy, cy, ws};
}

}  // namespace torsh::native
