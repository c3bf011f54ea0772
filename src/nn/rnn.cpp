// The recurrent modules of torsh/nn/rnn.h, in the order ATen's CPU implementation computes:
// each layer projects its whole input with (w_ih, b_ih) once, then steps through time adding
// the hidden projection; a bidirectional layer concatenates its forward and reverse outputs on
// the feature dim; dropout follows every layer but the last when training.
#include "torsh/nn/rnn.h"

#include <cmath>
#include <optional>
#include <string>

#include "nn/layer_init.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace detail {
namespace {

int64_t gate_count(RnnMode mode) {
  return mode == RnnMode::kLstm ? 4 : mode == RnnMode::kGru ? 3 : 1;
}

// One step of the recurrence: gi is the input projection (with b_ih), state h (and c).
std::tuple<Tensor, Tensor> cell_step(RnnMode mode, const Tensor& gi, const Tensor& h,
                                     const Tensor& c, const Tensor& w_hh, const Tensor& b_hh,
                                     const Tensor& w_hr) {
  Tensor gh = torsh::linear(h, w_hh, opt(b_hh));
  switch (mode) {
    case RnnMode::kTanh:
      return {torsh::tanh(gh + gi), Tensor()};
    case RnnMode::kRelu:
      return {torsh::relu(gh + gi), Tensor()};
    case RnnMode::kLstm: {
      if ((gi.dtype() == kFloat || gi.dtype() == kDouble) && gh.dtype() == gi.dtype() &&
          c.dtype() == gi.dtype()) {
        // the fused step: the bits of the one below, one kernel each way
        auto [hy, cy, ws] = torsh::_thnn_fused_lstm_cell(gi, gh, c);
        if (w_hr.defined()) hy = torsh::linear(hy, w_hr, std::nullopt);
        return {hy, cy};
      }
      auto g = torsh::chunk(gh + gi, 4, 1);
      Tensor i = torsh::sigmoid(g[0]), f = torsh::sigmoid(g[1]);
      Tensor cell = torsh::tanh(g[2]), o = torsh::sigmoid(g[3]);
      Tensor cy = f * c + i * cell;
      Tensor hy = o * torsh::tanh(cy);
      if (w_hr.defined()) hy = torsh::linear(hy, w_hr, std::nullopt);
      return {hy, cy};
    }
    case RnnMode::kGru: {
      auto ig = torsh::chunk(gi, 3, 1);
      auto hg = torsh::chunk(gh, 3, 1);
      Tensor r = torsh::sigmoid(hg[0] + ig[0]);
      Tensor z = torsh::sigmoid(hg[1] + ig[1]);
      Tensor n = torsh::tanh(ig[2] + hg[2] * r);
      return {(h - n) * z + n, Tensor()};
    }
  }
  return {};
}

const char* mode_name(RnnMode mode) {
  return mode == RnnMode::kLstm ? "LSTM" : mode == RnnMode::kGru ? "GRU" : "RNN";
}
}  // namespace

void RnnBase::register_rnn_parameters(Module& m, const RnnConfig& c) {
  TORSH_CHECK_VALUE(c.hidden_size > 0, "hidden_size must be greater than zero");
  TORSH_CHECK_VALUE(c.num_layers > 0, "num_layers must be greater than zero");
  TORSH_CHECK_VALUE(c.dropout >= 0 && c.dropout <= 1,
                    "dropout should be a number in range [0, 1] representing the probability of "
                    "an element being zeroed");
  TORSH_CHECK_VALUE(c.proj_size >= 0,
                    "proj_size should be a positive integer or zero to disable "
                    "projections");
  TORSH_CHECK_VALUE(c.proj_size < c.hidden_size, "proj_size has to be smaller than hidden_size");
  config_ = c;
  weights_.clear();
  const int64_t dirs = c.bidirectional ? 2 : 1;
  const int64_t gate_size = gate_count(c.mode) * c.hidden_size;
  const int64_t real_hidden = c.proj_size > 0 ? c.proj_size : c.hidden_size;
  for (int64_t layer = 0; layer < c.num_layers; ++layer) {
    for (int64_t dir = 0; dir < dirs; ++dir) {
      const int64_t in = layer == 0 ? c.input_size : real_hidden * dirs;
      const std::string sfx = "_l" + std::to_string(layer) + (dir == 1 ? "_reverse" : "");
      std::vector<Tensor> w(5);
      w[0] = m.register_parameter("weight_ih" + sfx, torsh::empty({gate_size, in}));
      w[1] = m.register_parameter("weight_hh" + sfx, torsh::empty({gate_size, real_hidden}));
      if (c.bias) {
        w[2] = m.register_parameter("bias_ih" + sfx, torsh::empty({gate_size}));
        w[3] = m.register_parameter("bias_hh" + sfx, torsh::empty({gate_size}));
      }
      if (c.proj_size > 0) {
        w[4] = m.register_parameter("weight_hr" + sfx, torsh::empty({c.proj_size, c.hidden_size}));
      }
      weights_.push_back(std::move(w));
    }
  }
  reset_rnn_parameters();
}

void RnnBase::reset_rnn_parameters() {
  const double stdv = 1.0 / std::sqrt(static_cast<double>(config_.hidden_size));
  NoGradGuard guard;
  for (auto& w : weights_) {
    for (Tensor& t : w) {
      if (t.defined()) t.uniform_(-stdv, stdv);
    }
  }
}

std::tuple<Tensor, Tensor, Tensor> RnnBase::run(const Tensor& input, Tensor h0, Tensor c0,
                                                bool training) const {
  const RnnConfig& c = config_;
  const char* name = mode_name(c.mode);
  const bool lstm = c.mode == RnnMode::kLstm;
  TORSH_CHECK(input.dim() == 2 || input.dim() == 3, name, ": Expected input to be 2D or 3D, got ",
              input.dim(), "D instead");
  const bool batched = input.dim() == 3;
  Tensor x = batched ? (c.batch_first ? input.transpose(0, 1) : input) : input.unsqueeze(1);
  TORSH_CHECK(x.size(2) == c.input_size, name, ": input.size(-1) must be equal to input_size. ",
              "Expected ", c.input_size, ", got ", x.size(2));
  const int64_t dirs = c.bidirectional ? 2 : 1;
  const int64_t steps = x.size(0), batch = x.size(1);
  const int64_t real_hidden = c.proj_size > 0 ? c.proj_size : c.hidden_size;
  auto state = [&](Tensor s, int64_t size, const char* what) {
    if (!s.defined()) return torsh::zeros({c.num_layers * dirs, batch, size}, x.options());
    if (!batched) {
      TORSH_CHECK(s.dim() == 2, name, ": For unbatched 2-D input, ", what,
                  " should also be 2-D but got ", s.dim(), "-D tensor");
      s = s.unsqueeze(1);
    } else {
      TORSH_CHECK(s.dim() == 3, name, ": For batched 3-D input, ", what,
                  " should also be 3-D but got ", s.dim(), "-D tensor");
    }
    const std::vector<int64_t> want = {c.num_layers * dirs, batch, size};
    TORSH_CHECK(s.sizes().vec() == want, "Expected hidden size ", torsh::detail::shape_str(want),
                ", got ", torsh::detail::shape_str(s.sizes()));
    return s;
  };
  h0 = state(h0, real_hidden, "hx");
  if (lstm) c0 = state(c0, c.hidden_size, "cx");
  Tensor layer_in = x;
  std::vector<Tensor> hn, cn;
  for (int64_t layer = 0; layer < c.num_layers; ++layer) {
    std::vector<Tensor> dir_out;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      const std::vector<Tensor>& w = weights_[static_cast<size_t>(layer * dirs + dir)];
      const int64_t k = layer * dirs + dir;
      if (lstm && c.proj_size == 0 && steps > 0 && (x.dtype() == kFloat || x.dtype() == kDouble)) {
        // the whole direction in one op: one GEMM for w_hh's gradient over all steps; both
        // biases go into the input projection (the op saves no bias)
        Tensor bias = w[2].defined() ? w[2] + w[3] : Tensor();
        auto [out_d, h_d, c_d, cs_d, ws_d] =
            torsh::_lstm_layer(torsh::linear(layer_in, w[0], opt(bias)), h0.select(0, k),
                               c0.select(0, k), w[1], std::nullopt, dir == 1);
        dir_out.push_back(out_d);
        hn.push_back(h_d);
        cn.push_back(c_d);
        continue;
      }
      // the steps' gradients come back as one stack (unbind's single backward node)
      Tensor gi_all = torsh::linear(layer_in, w[0], opt(w[2]));  // [T, B, G]
      const std::vector<Tensor> gi = steps > 0 ? torsh::unbind(gi_all, 0) : std::vector<Tensor>();
      Tensor h = h0.select(0, k), cell = lstm ? c0.select(0, k) : Tensor();
      std::vector<Tensor> outs(static_cast<size_t>(steps));
      for (int64_t s = 0; s < steps; ++s) {
        const int64_t t = dir == 1 ? steps - 1 - s : s;
        auto [hy, cy] = cell_step(c.mode, gi[static_cast<size_t>(t)], h, cell, w[1], w[3], w[4]);
        h = hy;
        cell = cy;
        outs[static_cast<size_t>(t)] = hy;
      }
      dir_out.push_back(steps > 0 ? torsh::stack(outs, 0)
                                  : torsh::empty({0, batch, real_hidden}, x.options()));
      hn.push_back(h);
      if (lstm) cn.push_back(cell);
    }
    layer_in = dirs == 1 ? dir_out[0] : torsh::cat(dir_out, 2);
    if (c.dropout > 0 && training && layer + 1 < c.num_layers) {
      layer_in = torsh::dropout(layer_in, c.dropout, true);
    }
  }
  Tensor out = layer_in, h_n = torsh::stack(hn, 0), c_n = lstm ? torsh::stack(cn, 0) : Tensor();
  if (!batched) {
    out = out.squeeze(1);
    h_n = h_n.squeeze(1);
    if (lstm) c_n = c_n.squeeze(1);
  } else if (c.batch_first) {
    out = out.transpose(0, 1);
  }
  return {out, h_n, c_n};
}

std::tuple<utils::rnn::PackedSequence, Tensor, Tensor> RnnBase::run_packed(
    const utils::rnn::PackedSequence& input, Tensor h0, Tensor c0, bool training) const {
  const RnnConfig& c = config_;
  const char* name = mode_name(c.mode);
  const bool lstm = c.mode == RnnMode::kLstm;
  const Tensor& data = input.data();
  TORSH_CHECK(data.dim() == 2, name, ": packed input data must be 2-D, got ", data.dim(), "D");
  TORSH_CHECK(data.size(1) == c.input_size, name,
              ": input.size(-1) must be equal to input_size. Expected ", c.input_size, ", got ",
              data.size(1));
  Tensor bs_t = input.batch_sizes().to(kLong).contiguous();
  const std::vector<int64_t> bs(bs_t.data_ptr<int64_t>(), bs_t.data_ptr<int64_t>() + bs_t.numel());
  TORSH_CHECK(!bs.empty(), name, ": empty PackedSequence");
  const int64_t dirs = c.bidirectional ? 2 : 1, batch = bs.front();
  const int64_t real_hidden = c.proj_size > 0 ? c.proj_size : c.hidden_size;
  const Tensor& sorted = input.sorted_indices();
  auto state = [&](Tensor s, int64_t size) {
    if (!s.defined()) return torsh::zeros({c.num_layers * dirs, batch, size}, data.options());
    const std::vector<int64_t> want = {c.num_layers * dirs, batch, size};
    TORSH_CHECK(s.sizes().vec() == want, "Expected hidden size ", torsh::detail::shape_str(want),
                ", got ", torsh::detail::shape_str(s.sizes()));
    return sorted.defined() ? s.index_select(1, sorted) : s;  // into the sorted batch order
  };
  h0 = state(h0, real_hidden);
  if (lstm) c0 = state(c0, c.hidden_size);
  std::vector<int64_t> offsets;
  int64_t total = 0;
  for (int64_t n : bs) {
    offsets.push_back(total);
    total += n;
  }
  TORSH_CHECK(total == data.size(0), name, ": batch_sizes sum to ", total, " but data has ",
              data.size(0), " rows");
  const int64_t steps = static_cast<int64_t>(bs.size());
  // step t updates the first bs[t] rows (the sequences still running); the others keep their
  // state: in the reverse direction a sequence thus starts from h0 at its own last step
  auto keep = [](const Tensor& updated, const Tensor& old) {
    const int64_t n = updated.size(0), all = old.size(0);
    return n == all ? updated : torsh::cat({updated, old.narrow(0, n, all - n)}, 0);
  };
  Tensor layer_in = data;
  std::vector<Tensor> hn, cn;
  for (int64_t layer = 0; layer < c.num_layers; ++layer) {
    std::vector<Tensor> dir_out;
    for (int64_t dir = 0; dir < dirs; ++dir) {
      const std::vector<Tensor>& w = weights_[static_cast<size_t>(layer * dirs + dir)];
      const int64_t k = layer * dirs + dir;
      Tensor gi_all = torsh::linear(layer_in, w[0], opt(w[2]));  // [N, G]
      Tensor h = h0.select(0, k), cell = lstm ? c0.select(0, k) : Tensor();
      std::vector<Tensor> outs(static_cast<size_t>(steps));
      for (int64_t s = 0; s < steps; ++s) {
        const int64_t t = dir == 1 ? steps - 1 - s : s;
        const int64_t n = bs[static_cast<size_t>(t)];
        Tensor gi = gi_all.narrow(0, offsets[static_cast<size_t>(t)], n);
        auto [hy, cy] = cell_step(c.mode, gi, h.narrow(0, 0, n),
                                  lstm ? cell.narrow(0, 0, n) : Tensor(), w[1], w[3], w[4]);
        outs[static_cast<size_t>(t)] = hy;
        h = keep(hy, h);
        if (lstm) cell = keep(cy, cell);
      }
      dir_out.push_back(torsh::cat(outs, 0));
      hn.push_back(h);
      if (lstm) cn.push_back(cell);
    }
    layer_in = dirs == 1 ? dir_out[0] : torsh::cat(dir_out, 1);
    if (c.dropout > 0 && training && layer + 1 < c.num_layers) {
      layer_in = torsh::dropout(layer_in, c.dropout, true);
    }
  }
  Tensor h_n = torsh::stack(hn, 0), c_n = lstm ? torsh::stack(cn, 0) : Tensor();
  const Tensor& unsorted = input.unsorted_indices();
  if (unsorted.defined()) {  // back to the caller's batch order
    h_n = h_n.index_select(1, unsorted);
    if (lstm) c_n = c_n.index_select(1, unsorted);
  }
  return {utils::rnn::PackedSequence(layer_in, input.batch_sizes(), sorted, unsorted), h_n, c_n};
}

void RnnBase::print_rnn(std::ostream& s, const char* name) const {
  const RnnConfig& c = config_;
  s << "torch::nn::" << name << "(input_size=" << c.input_size << ", hidden_size=" << c.hidden_size
    << ", num_layers=" << c.num_layers << ", bias=" << (c.bias ? "true" : "false")
    << ", batch_first=" << (c.batch_first ? "true" : "false") << ", dropout=" << c.dropout
    << ", bidirectional=" << (c.bidirectional ? "true" : "false");
  if (c.proj_size > 0) s << ", proj_size=" << c.proj_size;
  s << ")";
}

void RnnCellBase::register_cell_parameters(Module& m, int64_t input_size, int64_t hidden_size,
                                           bool bias, int64_t gates) {
  TORSH_CHECK_VALUE(hidden_size > 0, "hidden_size must be greater than zero");
  weight_ih = m.register_parameter("weight_ih", torsh::empty({gates * hidden_size, input_size}));
  weight_hh = m.register_parameter("weight_hh", torsh::empty({gates * hidden_size, hidden_size}));
  bias_ih = bias_hh = Tensor();
  if (bias) {
    bias_ih = m.register_parameter("bias_ih", torsh::empty({gates * hidden_size}));
    bias_hh = m.register_parameter("bias_hh", torsh::empty({gates * hidden_size}));
  }
}

void RnnCellBase::reset_cell_parameters(Module& m, int64_t hidden_size) {
  const double stdv = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  NoGradGuard guard;
  for (Tensor& t : m.parameters()) t.uniform_(-stdv, stdv);
}

Tensor RnnCellBase::check_cell_input(const char* name, const Tensor& input,
                                     int64_t input_size) const {
  TORSH_CHECK(input.dim() == 1 || input.dim() == 2, name, ": Expected input to be 1D or 2D, got ",
              input.dim(), "D instead");
  TORSH_CHECK(input.size(-1) == input_size, "input has inconsistent input_size: got ",
              input.size(-1), " expected ", input_size);
  return input.dim() == 1 ? input.unsqueeze(0) : input;
}
}  // namespace detail

// ---- RNN, LSTM, GRU --------------------------------------------------------------------------
namespace {
std::vector<Tensor> flat(const std::vector<std::vector<Tensor>>& w) {
  std::vector<Tensor> r;
  for (const auto& layer : w) {
    for (const Tensor& t : layer) {
      if (t.defined()) r.push_back(t);
    }
  }
  return r;
}

// The options every layer stack shares, read into one config.
template <typename Options>
detail::RnnConfig config_of(const Options& o, detail::RnnMode mode) {
  detail::RnnConfig c;
  c.mode = mode;
  c.input_size = o.input_size();
  c.hidden_size = o.hidden_size();
  c.num_layers = o.num_layers();
  c.bias = o.bias();
  c.batch_first = o.batch_first();
  c.dropout = o.dropout();
  c.bidirectional = o.bidirectional();
  return c;
}
}  // namespace

RNNImpl::RNNImpl(const RNNOptions& options_) : options(options_) { reset(); }

void RNNImpl::reset() {
  const bool relu = std::holds_alternative<enumtype::kReLU>(options.nonlinearity());
  register_rnn_parameters(
      *this, config_of(options, relu ? detail::RnnMode::kRelu : detail::RnnMode::kTanh));
}

void RNNImpl::pretty_print(std::ostream& s) const { print_rnn(s, "RNN"); }

std::tuple<Tensor, Tensor> RNNImpl::forward(const Tensor& input, Tensor hx) {
  auto [out, h, c] = run(input, std::move(hx), Tensor(), is_training());
  (void)c;
  return {out, h};
}

std::tuple<utils::rnn::PackedSequence, Tensor> RNNImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, Tensor hx) {
  auto [out, h, c] = run_packed(packed_input, std::move(hx), Tensor(), is_training());
  (void)c;
  return {out, h};
}

std::vector<Tensor> RNNImpl::all_weights() const { return flat(weights_); }

LSTMImpl::LSTMImpl(const LSTMOptions& options_) : options(options_) { reset(); }

void LSTMImpl::reset() {
  detail::RnnConfig c = config_of(options, detail::RnnMode::kLstm);
  c.proj_size = options.proj_size();
  register_rnn_parameters(*this, c);
}

void LSTMImpl::pretty_print(std::ostream& s) const { print_rnn(s, "LSTM"); }

std::tuple<Tensor, std::tuple<Tensor, Tensor>> LSTMImpl::forward(
    const Tensor& input, std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  Tensor h0, c0;
  if (hx_opt) std::tie(h0, c0) = *hx_opt;
  auto [out, h, c] = run(input, h0, c0, is_training());
  return {out, {h, c}};
}

std::tuple<utils::rnn::PackedSequence, std::tuple<Tensor, Tensor>>
LSTMImpl::forward_with_packed_input(const utils::rnn::PackedSequence& packed_input,
                                    std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  Tensor h0, c0;
  if (hx_opt) std::tie(h0, c0) = *hx_opt;
  auto [out, h, c] = run_packed(packed_input, h0, c0, is_training());
  return {out, {h, c}};
}

std::vector<Tensor> LSTMImpl::all_weights() const { return flat(weights_); }

GRUImpl::GRUImpl(const GRUOptions& options_) : options(options_) { reset(); }

void GRUImpl::reset() { register_rnn_parameters(*this, config_of(options, detail::RnnMode::kGru)); }

void GRUImpl::pretty_print(std::ostream& s) const { print_rnn(s, "GRU"); }

std::tuple<Tensor, Tensor> GRUImpl::forward(const Tensor& input, Tensor hx) {
  auto [out, h, c] = run(input, std::move(hx), Tensor(), is_training());
  (void)c;
  return {out, h};
}

std::tuple<utils::rnn::PackedSequence, Tensor> GRUImpl::forward_with_packed_input(
    const utils::rnn::PackedSequence& packed_input, Tensor hx) {
  auto [out, h, c] = run_packed(packed_input, std::move(hx), Tensor(), is_training());
  (void)c;
  return {out, h};
}

std::vector<Tensor> GRUImpl::all_weights() const { return flat(weights_); }

// ---- cells -----------------------------------------------------------------------------------
namespace {
void print_cell(std::ostream& s, const char* name, int64_t in, int64_t hidden, bool bias,
                const char* nonlinearity) {
  s << "torch::nn::" << name << "(" << in << ", " << hidden;
  if (!bias) s << ", bias=false";
  if (nonlinearity != nullptr) s << ", nonlinearity=" << nonlinearity;
  s << ")";
}

// The cell's state: zeros when not given, else checked as ATen checks hidden<idx> (the input's
// rank, batch size and hidden_size) and made 2-D like the input.
Tensor state_or_zeros(const char* name, const Tensor& s, const Tensor& x, int64_t hidden,
                      bool unbatched, int idx) {
  if (!s.defined()) return torsh::zeros({x.size(0), hidden}, x.options());
  const int64_t want = unbatched ? 1 : 2;
  TORSH_CHECK(s.dim() == want, name, ": Expected hidden", idx, " to be ", want, "D for ", want,
              "D input, got ", s.dim(), "D instead");
  Tensor h = unbatched ? s.unsqueeze(0) : s;
  TORSH_CHECK(h.size(0) == x.size(0), "Input batch size ", x.size(0), " doesn't match hidden", idx,
              " batch size ", h.size(0));
  TORSH_CHECK(h.size(1) == hidden, "hidden", idx, " has inconsistent hidden_size: got ", h.size(1),
              ", expected ", hidden);
  return h;
}
}  // namespace

RNNCellImpl::RNNCellImpl(const RNNCellOptions& options_) : options(options_) { reset(); }

void RNNCellImpl::reset() {
  register_cell_parameters(*this, options.input_size(), options.hidden_size(), options.bias(), 1);
  reset_parameters();
}

void RNNCellImpl::pretty_print(std::ostream& s) const {
  const bool relu = std::holds_alternative<enumtype::kReLU>(options.nonlinearity());
  print_cell(s, "RNNCell", options.input_size(), options.hidden_size(), options.bias(),
             relu ? "kReLU" : nullptr);
}

Tensor RNNCellImpl::forward(const Tensor& input, Tensor hx) {
  Tensor x = check_cell_input("RNNCell", input, options.input_size());
  Tensor h = state_or_zeros("RNNCell", hx, x, options.hidden_size(), input.dim() == 1, 0);
  Tensor pre = torsh::linear(h, weight_hh, detail::opt(bias_hh)) +
               torsh::linear(x, weight_ih, detail::opt(bias_ih));
  const bool relu = std::holds_alternative<enumtype::kReLU>(options.nonlinearity());
  Tensor r = relu ? torsh::relu(pre) : torsh::tanh(pre);
  return input.dim() == 1 ? r.squeeze(0) : r;
}

LSTMCellImpl::LSTMCellImpl(const LSTMCellOptions& options_) : options(options_) { reset(); }

void LSTMCellImpl::reset() {
  register_cell_parameters(*this, options.input_size(), options.hidden_size(), options.bias(), 4);
  reset_parameters();
}

void LSTMCellImpl::pretty_print(std::ostream& s) const {
  print_cell(s, "LSTMCell", options.input_size(), options.hidden_size(), options.bias(), nullptr);
}

std::tuple<Tensor, Tensor> LSTMCellImpl::forward(const Tensor& input,
                                                 std::optional<std::tuple<Tensor, Tensor>> hx_opt) {
  Tensor x = check_cell_input("LSTMCell", input, options.input_size());
  const bool unbatched = input.dim() == 1;
  Tensor h0, c0;
  if (hx_opt) std::tie(h0, c0) = *hx_opt;
  h0 = state_or_zeros("LSTMCell", h0, x, options.hidden_size(), unbatched, 0);
  c0 = state_or_zeros("LSTMCell", c0, x, options.hidden_size(), unbatched, 1);
  Tensor gi = torsh::linear(x, weight_ih, detail::opt(bias_ih));
  auto [h, c] = detail::cell_step(detail::RnnMode::kLstm, gi, h0, c0, weight_hh, bias_hh, Tensor());
  if (unbatched) return {h.squeeze(0), c.squeeze(0)};
  return {h, c};
}

GRUCellImpl::GRUCellImpl(const GRUCellOptions& options_) : options(options_) { reset(); }

void GRUCellImpl::reset() {
  register_cell_parameters(*this, options.input_size(), options.hidden_size(), options.bias(), 3);
  reset_parameters();
}

void GRUCellImpl::pretty_print(std::ostream& s) const {
  print_cell(s, "GRUCell", options.input_size(), options.hidden_size(), options.bias(), nullptr);
}

Tensor GRUCellImpl::forward(const Tensor& input, Tensor hx) {
  Tensor x = check_cell_input("GRUCell", input, options.input_size());
  const bool unbatched = input.dim() == 1;
  Tensor h0 = state_or_zeros("GRUCell", hx, x, options.hidden_size(), unbatched, 0);
  Tensor gi = torsh::linear(x, weight_ih, detail::opt(bias_ih));
  auto [h, c] =
      detail::cell_step(detail::RnnMode::kGru, gi, h0, Tensor(), weight_hh, bias_hh, Tensor());
  (void)c;
  return unbatched ? h.squeeze(0) : h;
}

}  // namespace torsh::nn
