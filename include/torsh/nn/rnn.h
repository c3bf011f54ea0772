#pragma once
// libtorch's recurrent modules: RNN, LSTM, GRU (multi-layer, bidirectional, batch_first, dropout
// between layers, LSTM's proj_size) and the RNNCell / LSTMCell / GRUCell, with torch's parameter
// names (weight_ih_l0, bias_hh_l1_reverse, weight_hr_l0, ...), initialisation (every parameter
// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in registration order) and printing.
#include <cstdint>
#include <optional>
#include <tuple>
#include <variant>
#include <vector>

#include "torsh/nn/init.h"
#include "torsh/nn/module.h"
#include "torsh/nn/options.h"
#include "torsh/nn/rnn_utils.h"

namespace torsh::nn {

/// Options of RNN (tanh or relu), as libtorch's RNNOptions.
struct RNNOptions {
  using nonlinearity_t = std::variant<enumtype::kTanh, enumtype::kReLU>;
  RNNOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORSH_ARG(int64_t, input_size);
  TORSH_ARG(int64_t, hidden_size);
  TORSH_ARG(int64_t, num_layers) = 1;
  TORSH_ARG(nonlinearity_t, nonlinearity) = torsh::kTanh;
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(bool, batch_first) = false;
  TORSH_ARG(double, dropout) = 0.0;
  TORSH_ARG(bool, bidirectional) = false;
};

/// Options of LSTM, as libtorch's LSTMOptions (proj_size > 0 projects h to proj_size).
struct LSTMOptions {
  LSTMOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORSH_ARG(int64_t, input_size);
  TORSH_ARG(int64_t, hidden_size);
  TORSH_ARG(int64_t, num_layers) = 1;
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(bool, batch_first) = false;
  TORSH_ARG(double, dropout) = 0.0;
  TORSH_ARG(bool, bidirectional) = false;
  TORSH_ARG(int64_t, proj_size) = 0;
};

/// Options of GRU, as libtorch's GRUOptions.
struct GRUOptions {
  GRUOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORSH_ARG(int64_t, input_size);
  TORSH_ARG(int64_t, hidden_size);
  TORSH_ARG(int64_t, num_layers) = 1;
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(bool, batch_first) = false;
  TORSH_ARG(double, dropout) = 0.0;
  TORSH_ARG(bool, bidirectional) = false;
};

/// Options of RNNCell, as libtorch's RNNCellOptions.
struct RNNCellOptions {
  using nonlinearity_t = std::variant<enumtype::kTanh, enumtype::kReLU>;
  RNNCellOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORSH_ARG(int64_t, input_size);
  TORSH_ARG(int64_t, hidden_size);
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(nonlinearity_t, nonlinearity) = torsh::kTanh;
};

/// Options of LSTMCell and GRUCell.
struct LSTMCellOptions {
  LSTMCellOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORSH_ARG(int64_t, input_size);
  TORSH_ARG(int64_t, hidden_size);
  TORSH_ARG(bool, bias) = true;
};
struct GRUCellOptions {
  GRUCellOptions(int64_t input_size, int64_t hidden_size)
      : input_size_(input_size), hidden_size_(hidden_size) {}
  TORSH_ARG(int64_t, input_size);
  TORSH_ARG(int64_t, hidden_size);
  TORSH_ARG(bool, bias) = true;
};

namespace detail {
/// The recurrence a layer runs.
enum class RnnMode { kTanh, kRelu, kLstm, kGru };

/// What RNN, LSTM and GRU share: the per-layer, per-direction parameters and the run over time.
struct RnnConfig {
  RnnMode mode = RnnMode::kTanh;
  int64_t input_size = 0, hidden_size = 0, num_layers = 1, proj_size = 0;
  bool bias = true, batch_first = false, bidirectional = false;
  double dropout = 0;
};

class RnnBase {
 protected:
  /// Registers weight_ih_l{k}{_reverse}, weight_hh_..., bias_ih_..., bias_hh_... (and weight_hr_
  /// with a projection) on m in torch's order, then initialises them.
  void register_rnn_parameters(Module& m, const RnnConfig& c);
  /// Every parameter U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in registration order.
  void reset_rnn_parameters();
  /// Runs the layers over input ([T, B, I], [B, T, I] when batch_first, or unbatched [T, I])
  /// from h0 (and c0 for an LSTM; undefined means zeros). Returns output, h_n, c_n.
  std::tuple<Tensor, Tensor, Tensor> run(const Tensor& input, Tensor h0, Tensor c0,
                                         bool training) const;
  /// Runs the layers over a PackedSequence from h0 (and c0), given in the original batch
  /// order. Returns the output sequence, h_n, c_n (in the original order).
  std::tuple<utils::rnn::PackedSequence, Tensor, Tensor> run_packed(
      const utils::rnn::PackedSequence& input, Tensor h0, Tensor c0, bool training) const;
  void print_rnn(std::ostream& stream, const char* name) const;
  RnnConfig config_;
  /// Per layer and direction: w_ih, w_hh, b_ih, b_hh (undefined without bias), w_hr.
  std::vector<std::vector<Tensor>> weights_;
};

/// What the cells share: weight_ih, weight_hh, bias_ih, bias_hh (as libtorch's cells).
class RnnCellBase {
 public:
  Tensor weight_ih, weight_hh, bias_ih, bias_hh;

 protected:
  /// Registers weight_ih, weight_hh (and bias_ih, bias_hh) for gates x hidden_size rows.
  void register_cell_parameters(Module& m, int64_t input_size, int64_t hidden_size, bool bias,
                                int64_t gates);
  /// Every parameter of m U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).
  static void reset_cell_parameters(Module& m, int64_t hidden_size);
  Tensor check_cell_input(const char* name, const Tensor& input, int64_t input_size) const;
};
}  // namespace detail

class RNNImpl : public Cloneable<RNNImpl>, public detail::RnnBase {
 public:
  RNNImpl(int64_t input_size, int64_t hidden_size) : RNNImpl(RNNOptions(input_size, hidden_size)) {}
  explicit RNNImpl(const RNNOptions& options);
  void reset() override;
  void reset_parameters() { reset_rnn_parameters(); }
  void pretty_print(std::ostream& stream) const override;
  /// (output, h_n) for input and h0 (zeros when undefined).
  std::tuple<Tensor, Tensor> forward(const Tensor& input, Tensor hx = {});
  /// (output, h_n) for a PackedSequence (from pack_padded_sequence or pack_sequence).
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_with_packed_input(
      const utils::rnn::PackedSequence& packed_input, Tensor hx = {});
  /// The parameters, per layer and direction, in torch's order.
  std::vector<Tensor> all_weights() const;
  RNNOptions options;
};
TORSH_MODULE(RNN);

class LSTMImpl : public Cloneable<LSTMImpl>, public detail::RnnBase {
 public:
  LSTMImpl(int64_t input_size, int64_t hidden_size)
      : LSTMImpl(LSTMOptions(input_size, hidden_size)) {}
  explicit LSTMImpl(const LSTMOptions& options);
  void reset() override;
  void reset_parameters() { reset_rnn_parameters(); }
  void pretty_print(std::ostream& stream) const override;
  /// (output, (h_n, c_n)) for input and (h0, c0) (zeros when not given).
  std::tuple<Tensor, std::tuple<Tensor, Tensor>> forward(
      const Tensor& input, std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  std::tuple<utils::rnn::PackedSequence, std::tuple<Tensor, Tensor>> forward_with_packed_input(
      const utils::rnn::PackedSequence& packed_input,
      std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  std::vector<Tensor> all_weights() const;
  LSTMOptions options;
};
TORSH_MODULE(LSTM);

class GRUImpl : public Cloneable<GRUImpl>, public detail::RnnBase {
 public:
  GRUImpl(int64_t input_size, int64_t hidden_size) : GRUImpl(GRUOptions(input_size, hidden_size)) {}
  explicit GRUImpl(const GRUOptions& options);
  void reset() override;
  void reset_parameters() { reset_rnn_parameters(); }
  void pretty_print(std::ostream& stream) const override;
  std::tuple<Tensor, Tensor> forward(const Tensor& input, Tensor hx = {});
  std::tuple<utils::rnn::PackedSequence, Tensor> forward_with_packed_input(
      const utils::rnn::PackedSequence& packed_input, Tensor hx = {});
  std::vector<Tensor> all_weights() const;
  GRUOptions options;
};
TORSH_MODULE(GRU);

class RNNCellImpl : public Cloneable<RNNCellImpl>, public detail::RnnCellBase {
 public:
  RNNCellImpl(int64_t input_size, int64_t hidden_size)
      : RNNCellImpl(RNNCellOptions(input_size, hidden_size)) {}
  explicit RNNCellImpl(const RNNCellOptions& options);
  void reset() override;
  void reset_parameters() { reset_cell_parameters(*this, options.hidden_size()); }
  void pretty_print(std::ostream& stream) const override;
  /// h' for input [B, I] (or [I]) and hx (zeros when undefined).
  Tensor forward(const Tensor& input, Tensor hx = {});
  RNNCellOptions options;
};
TORSH_MODULE(RNNCell);

class LSTMCellImpl : public Cloneable<LSTMCellImpl>, public detail::RnnCellBase {
 public:
  LSTMCellImpl(int64_t input_size, int64_t hidden_size)
      : LSTMCellImpl(LSTMCellOptions(input_size, hidden_size)) {}
  explicit LSTMCellImpl(const LSTMCellOptions& options);
  void reset() override;
  void reset_parameters() { reset_cell_parameters(*this, options.hidden_size()); }
  void pretty_print(std::ostream& stream) const override;
  /// (h', c') for input and (hx, cx) (zeros when not given).
  std::tuple<Tensor, Tensor> forward(const Tensor& input,
                                     std::optional<std::tuple<Tensor, Tensor>> hx_opt = {});
  LSTMCellOptions options;
};
TORSH_MODULE(LSTMCell);

class GRUCellImpl : public Cloneable<GRUCellImpl>, public detail::RnnCellBase {
 public:
  GRUCellImpl(int64_t input_size, int64_t hidden_size)
      : GRUCellImpl(GRUCellOptions(input_size, hidden_size)) {}
  explicit GRUCellImpl(const GRUCellOptions& options);
  void reset() override;
  void reset_parameters() { reset_cell_parameters(*this, options.hidden_size()); }
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input, Tensor hx = {});
  GRUCellOptions options;
};
TORSH_MODULE(GRUCell);

}  // namespace torsh::nn
