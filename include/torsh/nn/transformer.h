#pragma once
// libtorch's MultiheadAttention, the Transformer encoder and decoder layers and stacks, and
// Transformer ([L, N, E] layout, post-norm, as libtorch's C++ frontend), with its options,
// parameter names, initialisation order and printing.
#include <cstdint>
#include <functional>
#include <tuple>
#include <variant>

#include "torsh/nn/any.h"
#include "torsh/nn/init.h"
#include "torsh/nn/modules.h"

namespace torsh {
namespace enumtype {
struct kGELU {};
}  // namespace enumtype
inline constexpr enumtype::kGELU kGELU{};
}  // namespace torsh

namespace torsh::nn {

/// Options of MultiheadAttention (kdim and vdim default to embed_dim).
struct MultiheadAttentionOptions {
  MultiheadAttentionOptions(int64_t embed_dim, int64_t num_heads)
      : embed_dim_(embed_dim), num_heads_(num_heads), kdim_(embed_dim), vdim_(embed_dim) {}
  TORSH_ARG(int64_t, embed_dim);
  TORSH_ARG(int64_t, num_heads);
  TORSH_ARG(double, dropout) = 0.0;
  TORSH_ARG(bool, bias) = true;
  TORSH_ARG(bool, add_bias_kv) = false;
  TORSH_ARG(bool, add_zero_attn) = false;
  TORSH_ARG(int64_t, kdim);
  TORSH_ARG(int64_t, vdim);
};

class MultiheadAttentionImpl : public Cloneable<MultiheadAttentionImpl> {
 public:
  MultiheadAttentionImpl(int64_t embed_dim, int64_t num_heads)
      : MultiheadAttentionImpl(MultiheadAttentionOptions(embed_dim, num_heads)) {}
  explicit MultiheadAttentionImpl(const MultiheadAttentionOptions& options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  /// (attn_output [L, N, E], attn_weights [N, L, S] averaged over heads, or [N, heads, L, S],
  /// undefined without need_weights) for query [L, N, E], key [S, N, kdim], value [S, N, vdim];
  /// key_padding_mask [N, S] (true = ignore), attn_mask [L, S] or [N * heads, L, S] (bool: true
  /// = masked; float: added).
  std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const Tensor& key_padding_mask = {}, bool need_weights = true,
                                     const Tensor& attn_mask = {},
                                     bool average_attn_weights = true);
  /// Re-draws the parameters' initial values (libtorch's name).
  void _reset_parameters() { reset_parameters(); }
  MultiheadAttentionOptions options;
  bool _qkv_same_embed_dim = true;
  Tensor in_proj_weight, in_proj_bias, bias_k, bias_v;
  Linear out_proj = nullptr;
  Tensor q_proj_weight, k_proj_weight, v_proj_weight;
  int64_t head_dim = 0;

 private:
  void reset_parameters();
};
TORSH_MODULE(MultiheadAttention);

/// Options of TransformerEncoderLayer (post-norm, as libtorch 1.13's).
struct TransformerEncoderLayerOptions {
  using activation_t =
      std::variant<enumtype::kReLU, enumtype::kGELU, std::function<Tensor(const Tensor&)>>;
  TransformerEncoderLayerOptions(int64_t d_model, int64_t nhead)
      : d_model_(d_model), nhead_(nhead) {}
  TORSH_ARG(int64_t, d_model);
  TORSH_ARG(int64_t, nhead);
  TORSH_ARG(int64_t, dim_feedforward) = 2048;
  TORSH_ARG(double, dropout) = 0.1;
  TORSH_ARG(activation_t, activation) = torsh::kReLU;
};

class TransformerEncoderLayerImpl : public Cloneable<TransformerEncoderLayerImpl> {
 public:
  TransformerEncoderLayerImpl(int64_t d_model, int64_t nhead)
      : TransformerEncoderLayerImpl(TransformerEncoderLayerOptions(d_model, nhead)) {}
  explicit TransformerEncoderLayerImpl(TransformerEncoderLayerOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// norm2(x + dropout2(ff(x))) with x = norm1(src + dropout1(self_attn(src))), src [S, N, E].
  Tensor forward(const Tensor& src, const Tensor& src_mask = {},
                 const Tensor& src_key_padding_mask = {});
  TransformerEncoderLayerOptions options;
  MultiheadAttention self_attn = nullptr;
  Linear linear1 = nullptr;
  Dropout dropout = nullptr;
  Linear linear2 = nullptr;
  LayerNorm norm1 = nullptr;
  LayerNorm norm2 = nullptr;
  Dropout dropout1 = nullptr;
  Dropout dropout2 = nullptr;
};
TORSH_MODULE(TransformerEncoderLayer);

/// Options of TransformerDecoderLayer (post-norm, as libtorch 1.13's).
struct TransformerDecoderLayerOptions {
  using activation_t = TransformerEncoderLayerOptions::activation_t;
  TransformerDecoderLayerOptions(int64_t d_model, int64_t nhead)
      : d_model_(d_model), nhead_(nhead) {}
  TORSH_ARG(int64_t, d_model);
  TORSH_ARG(int64_t, nhead);
  TORSH_ARG(int64_t, dim_feedforward) = 2048;
  TORSH_ARG(double, dropout) = 0.1;
  TORSH_ARG(activation_t, activation) = torsh::kReLU;
};

class TransformerDecoderLayerImpl : public Cloneable<TransformerDecoderLayerImpl> {
 public:
  TransformerDecoderLayerImpl(int64_t d_model, int64_t nhead)
      : TransformerDecoderLayerImpl(TransformerDecoderLayerOptions(d_model, nhead)) {}
  explicit TransformerDecoderLayerImpl(const TransformerDecoderLayerOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// Self-attention over tgt [T, N, E], attention over memory [S, N, E], feed-forward; each
  /// followed by dropout, the residual and a LayerNorm.
  Tensor forward(Tensor tgt, const Tensor& memory, const Tensor& tgt_mask = {},
                 const Tensor& memory_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {});
  TransformerDecoderLayerOptions options;
  MultiheadAttention self_attn = nullptr;
  Dropout dropout1 = nullptr;
  LayerNorm norm1 = nullptr;
  MultiheadAttention multihead_attn = nullptr;
  Dropout dropout2 = nullptr;
  LayerNorm norm2 = nullptr;
  Linear linear1 = nullptr;
  Dropout dropout = nullptr;
  Linear linear2 = nullptr;
  Dropout dropout3 = nullptr;
  LayerNorm norm3 = nullptr;
};
TORSH_MODULE(TransformerDecoderLayer);

/// Options of TransformerEncoder: a layer cloned num_layers times, and an optional final norm.
struct TransformerEncoderOptions {
  TransformerEncoderOptions(TransformerEncoderLayer encoder_layer, int64_t num_layers)
      : encoder_layer_(std::move(encoder_layer)), num_layers_(num_layers) {}
  TransformerEncoderOptions(const TransformerEncoderLayerOptions& encoder_layer_options,
                            int64_t num_layers)
      : encoder_layer_(encoder_layer_options), num_layers_(num_layers) {}
  TORSH_ARG(TransformerEncoderLayer, encoder_layer) = nullptr;
  TORSH_ARG(int64_t, num_layers);
  TORSH_ARG(AnyModule, norm);
};

/// num_layers copies of an encoder layer (each starting from the given layer's weights), then
/// the norm if any.
class TransformerEncoderImpl : public Cloneable<TransformerEncoderImpl> {
 public:
  TransformerEncoderImpl(TransformerEncoderLayer encoder_layer, int64_t num_layers)
      : TransformerEncoderImpl(TransformerEncoderOptions(std::move(encoder_layer), num_layers)) {}
  explicit TransformerEncoderImpl(TransformerEncoderOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& src, const Tensor& src_mask = {},
                 const Tensor& src_key_padding_mask = {});
  TransformerEncoderOptions options;
  ModuleList layers = nullptr;
  AnyModule norm;
};
TORSH_MODULE(TransformerEncoder);

/// Options of TransformerDecoder: a layer cloned num_layers times, and an optional final norm.
struct TransformerDecoderOptions {
  TransformerDecoderOptions(TransformerDecoderLayer decoder_layer, int64_t num_layers)
      : decoder_layer_(std::move(decoder_layer)), num_layers_(num_layers) {}
  TransformerDecoderOptions(const TransformerDecoderLayerOptions& decoder_layer_options,
                            int64_t num_layers)
      : decoder_layer_(decoder_layer_options), num_layers_(num_layers) {}
  TORSH_ARG(TransformerDecoderLayer, decoder_layer) = nullptr;
  TORSH_ARG(int64_t, num_layers);
  TORSH_ARG(AnyModule, norm);
};

class TransformerDecoderImpl : public Cloneable<TransformerDecoderImpl> {
 public:
  TransformerDecoderImpl(TransformerDecoderLayer decoder_layer, int64_t num_layers)
      : TransformerDecoderImpl(TransformerDecoderOptions(std::move(decoder_layer), num_layers)) {}
  explicit TransformerDecoderImpl(TransformerDecoderOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask = {},
                 const Tensor& memory_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {});
  TransformerDecoderOptions options;
  ModuleList layers = nullptr;
  AnyModule norm;
};
TORSH_MODULE(TransformerDecoder);

/// Options of Transformer (libtorch's defaults: d_model 512, 8 heads, 6 + 6 layers).
struct TransformerOptions {
  using activation_t = TransformerEncoderLayerOptions::activation_t;
  TransformerOptions() = default;
  TransformerOptions(int64_t d_model, int64_t nhead) : d_model_(d_model), nhead_(nhead) {}
  TransformerOptions(int64_t d_model, int64_t nhead, int64_t num_encoder_layers,
                     int64_t num_decoder_layers)
      : d_model_(d_model),
        nhead_(nhead),
        num_encoder_layers_(num_encoder_layers),
        num_decoder_layers_(num_decoder_layers) {}
  TORSH_ARG(int64_t, d_model) = 512;
  TORSH_ARG(int64_t, nhead) = 8;
  TORSH_ARG(int64_t, num_encoder_layers) = 6;
  TORSH_ARG(int64_t, num_decoder_layers) = 6;
  TORSH_ARG(int64_t, dim_feedforward) = 2048;
  TORSH_ARG(double, dropout) = 0.1;
  TORSH_ARG(activation_t, activation) = torsh::kReLU;
  TORSH_ARG(AnyModule, custom_encoder);
  TORSH_ARG(AnyModule, custom_decoder);
};

/// An encoder and a decoder (each with a final LayerNorm unless custom), every parameter of
/// more than one dim re-initialised by xavier_uniform_.
class TransformerImpl : public Cloneable<TransformerImpl> {
 public:
  explicit TransformerImpl(TransformerOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  /// decoder(tgt, encoder(src)) for src [S, N, E], tgt [T, N, E].
  Tensor forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask = {},
                 const Tensor& tgt_mask = {}, const Tensor& memory_mask = {},
                 const Tensor& src_key_padding_mask = {}, const Tensor& tgt_key_padding_mask = {},
                 const Tensor& memory_key_padding_mask = {});
  /// [sz, sz] float: -inf above the diagonal, 0 elsewhere.
  static Tensor generate_square_subsequent_mask(int64_t sz);
  TransformerOptions options;
  AnyModule encoder;
  AnyModule decoder;
};
TORSH_MODULE(Transformer);

}  // namespace torsh::nn
