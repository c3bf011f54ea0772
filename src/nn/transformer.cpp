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
  const double inf = std::numeric_limits<double>::infinity();
  if (!need_weights && !(is_training() && options.dropout() > 0) &&
      (q.dtype() == kFloat || q.dtype() == kDouble) &&
      !(attn_mask.defined() && attn_mask.requires_grad())) {
    // no weights asked for: the fused attention (a bool mask there keeps where true)
    Tensor keep = attn_mask;
    if (keep.defined() && keep.dtype() == kBool) keep = keep.logical_not();
    if (kpm.defined()) {
      Tensor pad = kpm.view({bsz, 1, 1, src_len})
                       .expand({bsz, heads, 1, src_len})
                       .reshape({bsz * heads, 1, src_len});
      if (!keep.defined()) {
        keep = pad.logical_not();
      } else if (keep.dtype() == kBool) {
        keep = keep.logical_and(pad.logical_not());
      } else {
        keep = torsh::where(pad, torsh::full({}, -inf, keep.options()), keep);
      }
    }
    Tensor out = std::get<0>(
        torsh::_scaled_dot_product_flash_attention_for_cpu(q, k, v, 0.0, false, opt(keep), 1.0));
    return {out_proj->forward(out.transpose(0, 1).contiguous().view({tgt_len, bsz, e})), Tensor()};
  }
  Tensor w = torsh::bmm(q, k.transpose(1, 2));  // [N * heads, L, S]
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

namespace {
// The feed-forward activation of the Transformer layers' options.
Tensor apply_activation(const TransformerEncoderLayerOptions::activation_t& a, const Tensor& x) {
  if (std::holds_alternative<enumtype::kGELU>(a)) return torsh::gelu(x);
  if (std::holds_alternative<enumtype::kReLU>(a)) return torsh::relu(x);
  return std::get<std::function<Tensor(const Tensor&)>>(a)(x);
}
}  // namespace

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
  self_attn->_reset_parameters();
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
  Tensor h = apply_activation(options.activation(), linear1->forward(x));
  Tensor f = linear2->forward(dropout->forward(h));
  return norm2->forward(x + dropout2->forward(f));
}

// ---- TransformerDecoderLayer -----------------------------------------------------------------
TransformerDecoderLayerImpl::TransformerDecoderLayerImpl(
    const TransformerDecoderLayerOptions& options_)
    : options(options_) {
  reset();
}

void TransformerDecoderLayerImpl::reset() {
  auto attention = [&] {
    return MultiheadAttention(
        MultiheadAttentionOptions(options.d_model(), options.nhead()).dropout(options.dropout()));
  };
  auto norm = [&] { return LayerNorm(LayerNormOptions({options.d_model()})); };
  // libtorch 1.13's registration order
  self_attn = register_module("self_attn", attention());
  multihead_attn = register_module("multihead_attn", attention());
  linear1 = register_module("linear1", Linear(options.d_model(), options.dim_feedforward()));
  dropout = register_module("dropout", Dropout(options.dropout()));
  linear2 = register_module("linear2", Linear(options.dim_feedforward(), options.d_model()));
  norm1 = register_module("norm1", norm());
  norm2 = register_module("norm2", norm());
  norm3 = register_module("norm3", norm());
  dropout1 = register_module("dropout1", Dropout(options.dropout()));
  dropout2 = register_module("dropout2", Dropout(options.dropout()));
  dropout3 = register_module("dropout3", Dropout(options.dropout()));
}

void TransformerDecoderLayerImpl::reset_parameters() {
  self_attn->_reset_parameters();
  multihead_attn->_reset_parameters();
  linear1->reset_parameters();
  linear2->reset_parameters();
  norm1->reset_parameters();
  norm2->reset_parameters();
  norm3->reset_parameters();
}

void TransformerDecoderLayerImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::TransformerDecoderLayerImpl";
}

Tensor TransformerDecoderLayerImpl::forward(Tensor tgt, const Tensor& memory,
                                            const Tensor& tgt_mask, const Tensor& memory_mask,
                                            const Tensor& tgt_key_padding_mask,
                                            const Tensor& memory_key_padding_mask) {
  Tensor a = std::get<0>(
      self_attn->forward(tgt, tgt, tgt, tgt_key_padding_mask, /*need_weights=*/false, tgt_mask));
  tgt = norm1->forward(tgt + dropout1->forward(a));
  a = std::get<0>(multihead_attn->forward(tgt, memory, memory, memory_key_padding_mask,
                                          /*need_weights=*/false, memory_mask));
  tgt = norm2->forward(tgt + dropout2->forward(a));
  Tensor h = apply_activation(options.activation(), linear1->forward(tgt));
  return norm3->forward(tgt + dropout3->forward(linear2->forward(dropout->forward(h))));
}

// ---- TransformerEncoder / TransformerDecoder --------------------------------------------------
namespace {
// Registers "layers" (num_layers clones of layer) and, when given, a clone of norm as "norm".
template <typename Layer>
void build_stack(Module& m, const Layer& layer, int64_t num_layers, const AnyModule& norm_option,
                 ModuleList& layers, AnyModule& norm) {
  TORSH_CHECK(!layer.is_empty(), "Transformer stack: the layer to clone is empty");
  layers = m.register_module("layers", ModuleList());
  for (int64_t i = 0; i < num_layers; ++i) layers->push_back_ptr(layer->clone());
  norm = AnyModule();
  if (!norm_option.is_empty()) {
    norm = norm_option.clone();
    m.register_module("norm", norm.ptr());
  }
}

// Resets every layer's parameters and replaces the norm by a fresh clone of the option's.
template <typename LayerImpl>
void reset_stack_parameters(Module& m, ModuleList& layers, const AnyModule& norm_option,
                            AnyModule& norm) {
  for (const auto& l : *layers) std::dynamic_pointer_cast<LayerImpl>(l)->reset_parameters();
  if (!norm_option.is_empty()) {
    norm = norm_option.clone();
    m.replace_module("norm", norm.ptr());
  }
}
}  // namespace

TransformerEncoderImpl::TransformerEncoderImpl(TransformerEncoderOptions options_)
    : options(std::move(options_)) {
  reset();
}

void TransformerEncoderImpl::reset() {
  build_stack(*this, options.encoder_layer(), options.num_layers(), options.norm(), layers, norm);
}

void TransformerEncoderImpl::reset_parameters() {
  reset_stack_parameters<TransformerEncoderLayerImpl>(*this, layers, options.norm(), norm);
}

void TransformerEncoderImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::TransformerEncoderImpl";
}

Tensor TransformerEncoderImpl::forward(const Tensor& src, const Tensor& src_mask,
                                       const Tensor& src_key_padding_mask) {
  Tensor out = src;
  for (const auto& l : *layers) {
    out = std::static_pointer_cast<TransformerEncoderLayerImpl>(l)->forward(out, src_mask,
                                                                            src_key_padding_mask);
  }
  return norm.is_empty() ? out : norm.forward(out);
}

TransformerDecoderImpl::TransformerDecoderImpl(TransformerDecoderOptions options_)
    : options(std::move(options_)) {
  reset();
}

void TransformerDecoderImpl::reset() {
  build_stack(*this, options.decoder_layer(), options.num_layers(), options.norm(), layers, norm);
}

void TransformerDecoderImpl::reset_parameters() {
  reset_stack_parameters<TransformerDecoderLayerImpl>(*this, layers, options.norm(), norm);
}

void TransformerDecoderImpl::pretty_print(std::ostream& s) const {
  s << "torch::nn::TransformerDecoderImpl";
}

Tensor TransformerDecoderImpl::forward(const Tensor& tgt, const Tensor& memory,
                                       const Tensor& tgt_mask, const Tensor& memory_mask,
                                       const Tensor& tgt_key_padding_mask,
                                       const Tensor& memory_key_padding_mask) {
  Tensor out = tgt;
  for (const auto& l : *layers) {
    out = std::static_pointer_cast<TransformerDecoderLayerImpl>(l)->forward(
        out, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask);
  }
  return norm.is_empty() ? out : norm.forward(out);
}

// ---- Transformer ------------------------------------------------------------------------------
TransformerImpl::TransformerImpl(TransformerOptions options_) : options(std::move(options_)) {
  reset();
}

void TransformerImpl::reset() {
  if (options.custom_encoder().is_empty()) {
    LayerNorm norm(LayerNormOptions({options.d_model()}));
    TransformerEncoder enc(
        TransformerEncoderOptions(TransformerEncoderLayerOptions(options.d_model(), options.nhead())
                                      .dim_feedforward(options.dim_feedforward())
                                      .dropout(options.dropout())
                                      .activation(options.activation()),
                                  options.num_encoder_layers())
            .norm(AnyModule(norm)));
    encoder = AnyModule(enc);
  } else {
    encoder = options.custom_encoder().clone();
  }
  register_module("encoder", encoder.ptr());
  if (options.custom_decoder().is_empty()) {
    LayerNorm norm(LayerNormOptions({options.d_model()}));
    TransformerDecoder dec(
        TransformerDecoderOptions(TransformerDecoderLayerOptions(options.d_model(), options.nhead())
                                      .dim_feedforward(options.dim_feedforward())
                                      .dropout(options.dropout())
                                      .activation(options.activation()),
                                  options.num_decoder_layers())
            .norm(AnyModule(norm)));
    decoder = AnyModule(dec);
  } else {
    decoder = options.custom_decoder().clone();
  }
  register_module("decoder", decoder.ptr());
  reset_parameters();
}

void TransformerImpl::reset_parameters() {
  for (auto& p : parameters()) {
    if (p.dim() > 1) init::xavier_uniform_(p);
  }
}

void TransformerImpl::pretty_print(std::ostream& s) const { s << "torch::nn::TransformerImpl"; }

Tensor TransformerImpl::forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask,
                                const Tensor& tgt_mask, const Tensor& memory_mask,
                                const Tensor& src_key_padding_mask,
                                const Tensor& tgt_key_padding_mask,
                                const Tensor& memory_key_padding_mask) {
  TORSH_CHECK(src.dim() == 3 && tgt.dim() == 3, "src and tgt should have 3 dimensions, but got ",
              src.dim(), " and ", tgt.dim());
  TORSH_CHECK(src.size(1) == tgt.size(1),
              "src and tgt should have equal batch size (at dim 1), but got ", src.size(1), " and ",
              tgt.size(1));
  TORSH_CHECK(src.size(2) == options.d_model() && tgt.size(2) == options.d_model(),
              "src and tgt should have same feature size as d_model (at dim 2), but got ",
              src.size(2), " and ", tgt.size(2), " while d_model is ", options.d_model());
  Tensor memory = encoder.forward(src, src_mask, src_key_padding_mask);
  return decoder.forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask,
                         memory_key_padding_mask);
}

Tensor TransformerImpl::generate_square_subsequent_mask(int64_t sz) {
  TORSH_CHECK(sz >= 0,
              "Input size must be non-negative to generate a valid square subsequent mask, but "
              "got ",
              sz);
  return torsh::triu(torsh::full({sz, sz}, -std::numeric_limits<float>::infinity()), 1);
}

}  // namespace torsh::nn
