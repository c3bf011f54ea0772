#include "autograd/formulas_rnn.h"

#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"

namespace torsh::autograd::formulas {

namespace {

// The recorded (differentiable) version: the layer recomputed with torsh ops, then its
// backward in time written with torsh ops.
std::vector<Tensor> lstm_layer_backward_ops(const Tensor& grad_output, const Tensor& grad_hy,
                                            const Tensor& grad_cy, const Tensor& gi,
                                            const Tensor& hx, const Tensor& cx, const Tensor& w_hh,
                                            const Tensor& b_hh, bool reverse) {
  const int64_t steps = gi.size(0);
  std::vector<Tensor> hs(steps), cs(steps), i(steps), f(steps), g(steps), o(steps);
  Tensor h = hx, c = cx;
  auto order = [&](int64_t k) { return reverse ? steps - 1 - k : k; };
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t t = order(k);
    Tensor gates =
        gi.select(0, t) +
        torsh::linear(h, w_hh, b_hh.defined() ? std::optional<Tensor>(b_hh) : std::nullopt);
    auto p = gates.chunk(4, 1);
    i[t] = torsh::sigmoid(p[0]);
    f[t] = torsh::sigmoid(p[1]);
    g[t] = torsh::tanh(p[2]);
    o[t] = torsh::sigmoid(p[3]);
    hs[t] = h;  // the state this step starts from
    cs[t] = c;
    c = f[t] * c + i[t] * g[t];
    h = o[t] * torsh::tanh(c);
  }
  Tensor dh = grad_hy.defined() ? grad_hy : torsh::zeros_like(hx);
  Tensor dc = grad_cy.defined() ? grad_cy : torsh::zeros_like(cx);
  std::vector<Tensor> dgates(steps);
  Tensor dw = torsh::zeros_like(w_hh);
  for (int64_t k = steps - 1; k >= 0; --k) {
    const int64_t t = order(k);
    if (grad_output.defined()) dh = dh + grad_output.select(0, t);
    Tensor cy = f[t] * cs[t] + i[t] * g[t];
    Tensor tc = torsh::tanh(cy);
    dc = dc + dh * o[t] * (1 - tc * tc);
    dgates[t] = torsh::cat({dc * g[t] * (i[t] * (1 - i[t])), dc * cs[t] * (f[t] * (1 - f[t])),
                            dc * i[t] * (1 - g[t] * g[t]), dh * tc * (o[t] * (1 - o[t]))},
                           1);
    dw = dw + torsh::mm(dgates[t].t(), hs[t]);
    dc = dc * f[t];
    dh = torsh::mm(dgates[t], w_hh);
  }
  Tensor dgi = torsh::stack(dgates, 0);
  return {dgi, dh, dc, dw, b_hh.defined() ? dgi.sum({0, 1}) : Tensor()};
}

}  // namespace

std::vector<Tensor> lstm_layer_backward(const Tensor& grad_output, const Tensor& grad_hy,
                                        const Tensor& grad_cy, const Tensor& input_gates,
                                        const Tensor& hx, const Tensor& cx, const Tensor& w_hh,
                                        const Tensor& b_hh, bool reverse, const Tensor& cell_states,
                                        const Tensor& workspace,
                                        const std::array<bool, 5>& output_mask) {
  if (!grad_output.defined() && !grad_hy.defined() && !grad_cy.defined()) {
    return std::vector<Tensor>(5);
  }
  std::vector<Tensor> r;
  if (GradMode::is_enabled()) {
    r = lstm_layer_backward_ops(grad_output, grad_hy, grad_cy, input_gates, hx, cx, w_hh, b_hh,
                                reverse);
  } else {
    const int64_t steps = input_gates.size(0), batch = hx.size(0), h = hx.size(1);
    Tensor dgi = torsh::empty({steps, batch, 4 * h}, hx.options());
    Tensor dh = grad_hy.defined() ? grad_hy.contiguous() : torsh::zeros_like(hx);
    Tensor dc = grad_cy.defined() ? grad_cy.contiguous() : torsh::zeros_like(cx);
    Tensor go = grad_output.defined() ? grad_output.contiguous() : Tensor();
    Tensor cx0 = cx.contiguous(), cs = cell_states.contiguous(), ws = workspace.contiguous();
    auto cell = detail::lstm_cell_backward_stub(hx.device().type, "_lstm_layer_backward");
    for (int64_t k = steps - 1; k >= 0; --k) {
      const int64_t t = reverse ? steps - 1 - k : k;
      const int64_t prev = reverse ? t + 1 : t - 1;  // the step before in time order
      if (go.defined()) dh = dh + go.select(0, t);
      Tensor c_prev = k == 0 ? cx0 : cs.select(0, prev);
      Tensor dcx = torsh::empty({batch, h}, hx.options());
      Tensor dg = dgi.select(0, t);
      if (batch * h > 0) cell(dg, dcx, dh, dc, c_prev, ws.select(0, t));
      dc = dcx;
      dh = torsh::mm(dg, w_hh);
    }
    // the states each step started from, in time order: h0 then the outputs (or the reverse)
    // each step's h, rebuilt as the forward computed it (o * tanh(c)): the output the caller got
    // back is not saved, so writing into it does not stop this backward (as with torch's stack)
    Tensor out = ws.narrow(2, 3 * h, h) * torsh::tanh(cs);
    Tensor first = hx.unsqueeze(0);
    Tensor hprev = steps <= 1 ? first
                   : reverse  ? torsh::cat({out.narrow(0, 1, steps - 1), first}, 0)
                              : torsh::cat({first, out.narrow(0, 0, steps - 1)}, 0);
    Tensor dw = steps == 0       ? torsh::zeros_like(w_hh)
                : output_mask[3] ? torsh::mm(dgi.reshape({steps * batch, 4 * h}).t(),
                                             hprev.reshape({steps * batch, h}))
                                 : Tensor();
    r = {dgi, dh, dc, dw, output_mask[4] && b_hh.defined() ? dgi.sum({0, 1}) : Tensor()};
  }
  for (size_t k = 0; k < r.size(); ++k) {
    if (!output_mask[k]) r[k] = Tensor();
  }
  return r;
}

}  // namespace torsh::autograd::formulas
