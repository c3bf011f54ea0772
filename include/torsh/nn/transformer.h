#pragma once
// libtorch's MultiheadAttention and TransformerEncoderLayer ([L, N, E] layout, as libtorch's C++
// frontend), with its options, parameter names, initialisation order and printing.
#include <cstdint>
#include <functional>
#include <tuple>
#include <variant>

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

}  // namespace torsh::nn
