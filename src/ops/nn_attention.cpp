// The fused scaled dot-product attention (torch's _scaled_dot_product_flash_attention_for_cpu):
// checks and layout here, the block kernels in cpu/attention_kernels.cpp. F.scaled_dot_product_
// attention takes it for float and double inputs without dropout; the composite formula
// covers the rest.
#include <cmath>
#include <limits>
#include <tuple>

#include "ops/nn_attention.h"
#include "ops/stubs_nn.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {

// The inputs' leading (batch) dims, checked equal across query, key and value.
std::vector<int64_t> attention_batch(const Tensor& q, const Tensor& k, const Tensor& v) {
  constexpr const char* kOp = "_scaled_dot_product_flash_attention_for_cpu(): ";
  TORSH_CHECK(q.dim() >= 2 && k.dim() == q.dim() && v.dim() == q.dim(), kOp,
              "expected query, key and value of one rank, at least 2, got ",
              detail::shape_str(q.sizes()), ", ", detail::shape_str(k.sizes()), " and ",
              detail::shape_str(v.sizes()));
  TORSH_CHECK(q.dtype() == k.dtype() && q.dtype() == v.dtype() &&
                  (q.dtype() == kFloat || q.dtype() == kDouble),
              kOp, "expected query, key and value of one dtype, float or double, got ", q.dtype(),
              ", ", k.dtype(), " and ", v.dtype());
  TORSH_CHECK(q.device().type == kCPU && k.device().type == kCPU && v.device().type == kCPU, kOp,
              "expected CPU tensors");
  const int64_t nd = q.dim();
  std::vector<int64_t> batch(q.sizes().begin(), q.sizes().end() - 2);
  bool same = true;
  for (int64_t d = 0; d < nd - 2; ++d)
    same = same && k.size(d) == q.size(d) && v.size(d) == q.size(d);
  TORSH_CHECK(same && k.size(-2) == v.size(-2) && k.size(-1) == q.size(-1), kOp,
              "expected query [..., L, E], key [..., S, E] and value [..., S, Ev] with the same "
              "leading dims, got ",
              detail::shape_str(q.sizes()), ", ", detail::shape_str(k.sizes()), " and ",
              detail::shape_str(v.sizes()));
  return batch;
}

}  // namespace
}  // namespace native

namespace detail {

double attention_scale(const Tensor& query, std::optional<double> scale) {
  return scale ? *scale : 1.0 / std::sqrt(static_cast<double>(query.size(-1)));
}

Tensor attention_kernel_mask(const Tensor& attn_mask, const Tensor& query, const Tensor& key) {
  if (!attn_mask.defined()) return Tensor();
  TORSH_CHECK(attn_mask.dtype() == kBool || is_floating_point(attn_mask.dtype()),
              "_scaled_dot_product_flash_attention_for_cpu(): expected a bool or float attn_mask, "
              "got ",
              attn_mask.dtype());
  Tensor m = attn_mask;
  if (m.dtype() != kBool && m.dtype() != query.dtype()) m = m.to(query.dtype());
  std::vector<int64_t> shape(query.sizes().begin(), query.sizes().end() - 1);
  shape.push_back(key.size(-2));
  return m.expand(shape);
}

}  // namespace detail

namespace native {

std::tuple<Tensor, Tensor> _scaled_dot_product_flash_attention_for_cpu(
    const Tensor& query, const Tensor& key, const Tensor& value, double dropout_p, bool is_causal,
    const std::optional<Tensor>& attn_mask, std::optional<double> scale) {
  TORSH_CHECK(dropout_p == 0.0,
              "_scaled_dot_product_flash_attention_for_cpu(): dropout is not supported by the "
              "fused kernel (scaled_dot_product_attention uses the composite formula for it), "
              "got dropout_p=",
              dropout_p);
  TORSH_CHECK(!(is_causal && attn_mask && attn_mask->defined()),
              "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
              "is_causal=True");
  TORSH_CHECK(!(attn_mask && attn_mask->defined() && attn_mask->requires_grad()),
              "_scaled_dot_product_flash_attention_for_cpu(): the fused kernel gives attn_mask no "
              "gradient; pass a mask that does not require grad (scaled_dot_product_attention "
              "uses the formula for one that does)");
  std::vector<int64_t> batch = attention_batch(query, key, value);
  const int64_t l = query.size(-2), s = key.size(-2), e = query.size(-1), ev = value.size(-1);
  Tensor mask = detail::attention_kernel_mask(attn_mask ? *attn_mask : Tensor(), query, key);
  std::vector<int64_t> oshape = batch, lshape = batch;
  oshape.push_back(l);
  oshape.push_back(ev);
  lshape.push_back(l);
  Tensor out = torsh::empty(oshape, query.options());
  Tensor lse = torsh::empty(lshape, query.options());
  if (out.numel() == 0 && lse.numel() == 0) return {out, lse};
  if (s == 0) {  // softmax over no keys: an empty sum, as the formula's matmul gives
    out.zero_();
    lse.fill_(-std::numeric_limits<double>::infinity());
    return {out, lse};
  }
  int64_t b = 1;
  for (int64_t x : batch) b *= x;
  Tensor q3 = query.reshape({b, l, e}).contiguous();
  Tensor k3 = key.reshape({b, s, e}).contiguous();
  Tensor v3 = value.reshape({b, s, ev}).contiguous();
  detail::attention_forward_stub(query.device().type, "scaled_dot_product_attention")(
      out, lse, q3, k3, v3, mask, is_causal, detail::attention_scale(query, scale));
  return {out, lse};
}

}  // namespace native
}  // namespace torsh
