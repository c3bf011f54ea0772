// MultiheadAttention and TransformerEncoderLayer of torsh/nn/transformer.h, computed as
// libtorch's F::multi_head_attention_forward: in-projection, q scaled by head_dim^-0.5, scores
// per head by bmm, masks, softmax, dropout, bmm with v, out-projection.
#include "torsh/nn/transformer.h"

#include <cmath>
#include <limits>
#include <optional>

#include "nn/layer_init.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/functional.h"
#include "torsh/nn/init.h"
#include "torsh/ops.h"

namespace torsh::nn {
namespace {
using detail::opt;
Tensor rows(const Tensor& t, int64_t start, int64_t len) {
  return t.defined() ? t.narrow(0, start, len) : Tensor();
}
// Pads the last dim of a mask with one column (for bias_k/bias_v and add_zero_attn).
Tensor pad_mask(const Tensor& m) {
  if (!m.defined()) return m;
  auto s = m.sizes().vec();
  s.back() = 1;
  return torsh::cat({m, torsh::zeros(s, m.options())}, -1);
}
}  // namespace

// ---- MultiheadAttention ----------------------------------------------------------------------
MultiheadAttentionImpl::MultiheadAttentionImpl(const MultiheadAttentionOptions& options_)
    : options(options_) {
  reset();
}

void MultiheadAttentionImpl::reset() {
  const int64_t e = options.embed_dim();
  _qkv_same_embed_dim = options.kdim() == e && options.vdim() == e;
  TORSH_CHECK(options.num_heads() > 0, "num_heads must be positive");
  head_dim = e / options.num_heads();
  TORSH_CHECK(head_dim * options.num_heads() == e, "embed_dim must be divisible by num_heads");
  if (!_qkv_same_embed_dim) {
    q_proj_weight = register_parameter("q_proj_weight", torsh::empty({e, e}));
    k_proj_weight = register_parameter("k_proj_weight", torsh::empty({e, options.kdim()}));
    v_proj_weight = register_parameter("v_proj_weight", torsh::empty({e, options.vdim()}));
    in_proj_weight = register_parameter("in_proj_weight", Tensor(), false);
  } else {
    in_proj_weight = register_parameter("in_proj_weight", torsh::empty({3 * e, e}));
    q_proj_weight = register_parameter("q_proj_weight", Tensor(), false);
    k_proj_weight = register_parameter("k_proj_weight", Tensor(), false);
    v_proj_weight = register_parameter("v_proj_weight", Tensor(), false);
  }
  in_proj_bias = register_parameter(
      "in_proj_bias", options.bias() ? torsh::empty({3 * e}) : Tensor(), options.bias());
  out_proj = register_module("out_proj", Linear(LinearOptions(e, e).bias(options.bias())));
  if (options.add_bias_kv()) {
    bias_k = register_parameter("bias_k", torsh::empty({1, 1, e}));
    bias_v = register_parameter("bias_v", torsh::empty({1, 1, e}));
  } else {
    bias_k = bias_v = Tensor();
  }
  reset_parameters();
}

void MultiheadAttentionImpl::reset_parameters() {
  if (_qkv_same_embed_dim) {
    init::xavier_uniform_(in_proj_weight);
  } else {
    init::xavier_uniform_(q_proj_weight);
    init::xavier_uniform_(k_proj_weight);
    init::xavier_uniform_(v_proj_weight);
  }
  if (in_proj_bias.defined()) {
    init::constant_(in_proj_bias, 0.);
    init::constant_(out_proj->bias, 0.);
  }
  if (bias_k.defined()) init::xavier_normal_(bias_k);
  if (bias_v.defined()) init::xavier_normal_(bias_v);
}

void MultiheadAttentionImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::MultiheadAttention";
}

std::tuple<Tensor, Tensor> MultiheadAttentionImpl::forward(
    const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& key_padding_mask,
    bool need_weights, const Tensor& attn_mask_in, bool average_attn_weights) {
  const int64_t e = options.embed_dim(), heads = options.num_heads();
  TORSH_CHECK(query.dim() == 3 && key.dim() == 3 && value.dim() == 3,
              "MultiheadAttention: expected 3-D query, key and value [L, N, E], got ", query.dim(),
              "-D, ", key.dim(), "-D and ", value.dim(), "-D");
  const int64_t tgt_len = query.size(0), bsz = query.size(1);
  TORSH_CHECK(query.size(2) == e, "MultiheadAttention: query's embed_dim ", query.size(2),
              " is not the module's ", e);
  TORSH_CHECK(key.size(0) == value.size(0) && key.size(1) == bsz && value.size(1) == bsz,
              "MultiheadAttention: key ", torsh::detail::shape_str(key.sizes()), " and value ",
              torsh::detail::shape_str(value.sizes()), " do not match query ",
              torsh::detail::shape_str(query.sizes()));
  const double scaling = 1.0 / std::sqrt(static_cast<double>(head_dim));
  Tensor q, k, v;
  if (_qkv_same_embed_dim) {
    if (query.is_same(key) && key.is_same(value)) {
      auto qkv = torsh::chunk(torsh::linear(query, in_proj_weight, opt(in_proj_bias)), 3, -1);
      q = qkv[0], k = qkv[1], v = qkv[2];
    } else if (key.is_same(value)) {
      q = torsh::linear(query, rows(in_proj_weight, 0, e), opt(rows(in_proj_bias, 0, e)));
      auto kv = torsh::chunk(
          torsh::linear(key, rows(in_proj_weight, e, 2 * e), opt(rows(in_proj_bias, e, 2 * e))), 2,
          -1);
      k = kv[0], v = kv[1];
    } else {
      q = torsh::linear(query, rows(in_proj_weight, 0, e), opt(rows(in_proj_bias, 0, e)));
      k = torsh::linear(key, rows(in_proj_weight, e, e), opt(rows(in_proj_bias, e, e)));
      v = torsh::linear(value, rows(in_proj_weight, 2 * e, e), opt(rows(in_proj_bias, 2 * e, e)));
    }
  } else {
    q = torsh::linear(query, q_proj_weight, opt(rows(in_proj_bias, 0, e)));
    k = torsh::linear(key, k_proj_weight, opt(rows(in_proj_bias, e, e)));
    v = torsh::linear(value, v_proj_weight, opt(rows(in_proj_bias, 2 * e, e)));
  }
  q = q * scaling;
  Tensor attn_mask = attn_mask_in, kpm = key_padding_mask;
  if (attn_mask.defined()) {
    if (attn_mask.dtype() == kByte) attn_mask = attn_mask.to(kBool);
    if (attn_mask.dim() == 2) {
      TORSH_CHECK(attn_mask.size(0) == tgt_len && attn_mask.size(1) == key.size(0),
                  "The size of the 2D attn_mask is not correct.");
      attn_mask = attn_mask.unsqueeze(0);
    } else {
      TORSH_CHECK(attn_mask.dim() == 3 && attn_mask.size(0) == bsz * heads &&
                      attn_mask.size(1) == tgt_len && attn_mask.size(2) == key.size(0),
                  attn_mask.dim() == 3 ? "The size of the 3D attn_mask is not correct."
                                       : "attn_mask's dimension is not supported");
    }
  }
  if (kpm.defined() && kpm.dtype() == kByte) kpm = kpm.to(kBool);
  if (bias_k.defined() && bias_v.defined()) {
    k = torsh::cat({k, bias_k.repeat({1, bsz, 1})});
    v = torsh::cat({v, bias_v.repeat({1, bsz, 1})});
    attn_mask = pad_mask(attn_mask);
    kpm = pad_mask(kpm);
  }
  q = q.contiguous().view({tgt_len, bsz * heads, head_dim}).transpose(0, 1);
  k = k.contiguous().view({-1, bsz * heads, head_dim}).transpose(0, 1);
  v = v.contiguous().view({-1, bsz * heads, head_dim}).transpose(0, 1);
  if (options.add_zero_attn()) {
    k = torsh::cat({k, torsh::zeros({k.size(0), 1, head_dim}, k.options())}, 1);
    v = torsh::cat({v, torsh::zeros({v.size(0), 1, head_dim}, v.options())}, 1);
    attn_mask = pad_mask(attn_mask);
    kpm = pad_mask(kpm);
  }
  const int64_t src_len = k.size(1);
  if (kpm.defined()) {
    TORSH_CHECK(kpm.dim() == 2 && kpm.size(0) == bsz && kpm.size(1) == src_len,
                "key_padding_mask should be [", bsz, ", ", src_len, "], got ",
                torsh::detail::shape_str(kpm.sizes()));
  }
  Tensor w = torsh::bmm(q, k.transpose(1, 2));  // [N * heads, L, S]
  const double inf = std::numeric_limits<double>::infinity();
  if (attn_mask.defined()) {
    w = attn_mask.dtype() == kBool ? w.masked_fill(attn_mask, -inf) : w + attn_mask;
  }
  if (kpm.defined()) {
    w = w.view({bsz, heads, tgt_len, src_len})
            .masked_fill(kpm.unsqueeze(1).unsqueeze(2), -inf)
            .view({bsz * heads, tgt_len, src_len});
  }
  w = torsh::softmax(w, -1);
  w = torsh::dropout(w, options.dropout(), is_training());
  Tensor out = torsh::bmm(w, v).transpose(0, 1).contiguous().view({tgt_len, bsz, e});
  out = out_proj->forward(out);
  if (!need_weights) return {out, Tensor()};
  w = w.view({bsz, heads, tgt_len, src_len});
  if (average_attn_weights) w = w.sum(1) / static_cast<double>(heads);
  return {out, w};
}

// ---- TransformerEncoderLayer -----------------------------------------------------------------
TransformerEncoderLayerImpl::TransformerEncoderLayerImpl(TransformerEncoderLayerOptions options_)
    : options(std::move(options_)) {
  reset();
}

void TransformerEncoderLayerImpl::reset() {
  self_attn = register_module(
      "self_attn", MultiheadAttention(MultiheadAttentionOptions(options.d_model(), options.nhead())
                                          .dropout(options.dropout())));
  linear1 = register_module("linear1", Linear(options.d_model(), options.dim_feedforward()));
  dropout = register_module("dropout", Dropout(options.dropout()));
  linear2 = register_module("linear2", Linear(options.dim_feedforward(), options.d_model()));
  norm1 = register_module("norm1", LayerNorm(LayerNormOptions({options.d_model()})));
  norm2 = register_module("norm2", LayerNorm(LayerNormOptions({options.d_model()})));
  dropout1 = register_module("dropout1", Dropout(options.dropout()));
  dropout2 = register_module("dropout2", Dropout(options.dropout()));
}

void TransformerEncoderLayerImpl::reset_parameters() {
  self_attn->reset();  // libtorch re-creates the attention's parameters here too
  linear1->reset_parameters();
  linear2->reset_parameters();
  norm1->reset_parameters();
  norm2->reset_parameters();
}

void TransformerEncoderLayerImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::TransformerEncoderLayerImpl";  // libtorch prints the Impl's name here
}

Tensor TransformerEncoderLayerImpl::forward(const Tensor& src, const Tensor& src_mask,
                                            const Tensor& src_key_padding_mask) {
  Tensor a = std::get<0>(self_attn->forward(src, src, src, src_key_padding_mask,
                                            /*need_weights=*/false, src_mask));
  Tensor x = norm1->forward(src + dropout1->forward(a));
  Tensor h = linear1->forward(x);
  if (std::holds_alternative<enumtype::kGELU>(options.activation())) {
    h = torsh::gelu(h);
  } else if (std::holds_alternative<enumtype::kReLU>(options.activation())) {
    h = torsh::relu(h);
  } else {
    h = std::get<std::function<Tensor(const Tensor&)>>(options.activation())(h);
  }
  Tensor f = linear2->forward(dropout->forward(h));
  return norm2->forward(x + dropout2->forward(f));
}

}  // namespace torsh::nn
