// The fused LSTM step (torch's _thnn_fused_lstm_cell): the pointwise part of a step after its
// two projections, with the activated gates kept as the backward's workspace; kernels in
// cpu/rnn_kernels.cpp. _lstm_layer runs a whole direction of a layer on it, keeping every
// step's cell state and gates, so its backward (autograd/formulas_rnn.cpp) needs one GEMM for
// the hidden weights' gradient instead of one per step. nn.LSTM (python/torsh/nn/_rnn_impl.py,
// src/nn/rnn.cpp) runs on them.
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

std::tuple<Tensor, Tensor, Tensor, Tensor, Tensor> _lstm_layer(const Tensor& input_gates,
                                                               const Tensor& hx, const Tensor& cx,
                                                               const Tensor& w_hh,
                                                               const std::optional<Tensor>& b_hh,
                                                               bool reverse) {
  constexpr const char* kOp = "_lstm_layer(): ";
  TORSH_CHECK(input_gates.dim() == 3 && hx.dim() == 2 && cx.sizes().equals(hx.sizes()) &&
                  input_gates.size(1) == hx.size(0) && input_gates.size(2) == 4 * hx.size(1) &&
                  w_hh.dim() == 2 && w_hh.size(0) == 4 * hx.size(1) && w_hh.size(1) == hx.size(1),
              kOp, "expected input gates [T, B, 4H], h and c [B, H] and w_hh [4H, H], got ",
              detail::shape_str(input_gates.sizes()), ", ", detail::shape_str(hx.sizes()), ", ",
              detail::shape_str(cx.sizes()), " and ", detail::shape_str(w_hh.sizes()));
  TORSH_CHECK((hx.dtype() == kFloat || hx.dtype() == kDouble) &&
                  input_gates.dtype() == hx.dtype() && cx.dtype() == hx.dtype() &&
                  w_hh.dtype() == hx.dtype() &&
                  (!b_hh || !b_hh->defined() || b_hh->dtype() == hx.dtype()),
              kOp, "expected float or double tensors of one dtype, got ", input_gates.dtype(), ", ",
              hx.dtype(), ", ", cx.dtype(), " and ", w_hh.dtype());
  const int64_t steps = input_gates.size(0), batch = hx.size(0), h = hx.size(1);
  Tensor gi = input_gates.contiguous();
  Tensor out = torsh::empty({steps, batch, h}, hx.options());
  Tensor cs = torsh::empty({steps, batch, h}, hx.options());
  Tensor ws = torsh::empty({steps, batch, 4 * h}, hx.options());
  Tensor hp = hx.contiguous(), cp = cx.contiguous();
  Tensor wt = w_hh.t();
  const bool bias = b_hh && b_hh->defined();
  auto cell = detail::lstm_cell_stub(hx.device().type, "_lstm_layer");
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t t = reverse ? steps - 1 - k : k;
    Tensor hg = bias ? torsh::addmm(*b_hh, hp, wt) : torsh::mm(hp, wt);
    Tensor hy = out.select(0, t), cy = cs.select(0, t);
    if (batch * h > 0) cell(hy, cy, ws.select(0, t), gi.select(0, t), hg, Tensor(), Tensor(), cp);
    hp = hy;
    cp = cy;
  }
  return {out, hp.clone(), cp.clone(), cs, ws};
}

}  // namespace torsh::native
