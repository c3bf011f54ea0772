// The fused attention kernels against the formula softmax(scale q k^T + mask) v written with
// torsh ops (values and gradients, several blocks of query rows); its values against torch are
// in tests/python/test_nn_attention.py. Here it also runs under the sanitizers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "torsh/torsh.h"

using namespace torsh;

namespace {

Tensor formula(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, bool causal) {
  Tensor s = torsh::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(q.size(-1)));
  Tensor neg = torsh::full({}, -std::numeric_limits<double>::infinity(), s.options());
  if (causal) {
    s = torsh::where(torsh::ones({s.size(-2), s.size(-1)}, s.options().dtype(kBool)).tril(), s,
                     neg);
  }
  if (mask.defined()) s = mask.dtype() == kBool ? torsh::where(mask, s, neg) : s + mask;
  return torsh::matmul(torsh::softmax(s, -1), v);
}

void expect_same_as_formula(std::vector<int64_t> qs, std::vector<int64_t> ks, int64_t ev,
                            const Tensor& mask, bool causal) {
  manual_seed(3);
  std::vector<int64_t> vs = ks;
  vs.back() = ev;
  Tensor q = randn(qs, TensorOptions().dtype(kDouble)).requires_grad_(true);
  Tensor k = randn(ks, TensorOptions().dtype(kDouble)).requires_grad_(true);
  Tensor v = randn(vs, TensorOptions().dtype(kDouble)).requires_grad_(true);
  auto [out, lse] = torsh::_scaled_dot_product_flash_attention_for_cpu(
      q, k, v, 0.0, causal, mask.defined() ? std::optional<Tensor>(mask) : std::nullopt);
  Tensor ref = formula(q, k, v, mask, causal);
  ASSERT_EQ(out.sizes().vec(), ref.sizes().vec());
  EXPECT_TRUE(torsh::allclose(out, ref, 1e-10, 1e-12));
  Tensor w = randn(ref.sizes(), ref.options());
  auto g = torsh::autograd::grad({(out * w).sum()}, {q, k, v});
  auto r = torsh::autograd::grad({(ref * w).sum()}, {q, k, v});
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(torsh::allclose(g[i], r[i], 1e-9, 1e-11)) << i;
}

}  // namespace

TEST(Attention, FusedMatchesFormula) {
  expect_same_as_formula({2, 3, 150, 8}, {2, 3, 70, 8}, 5, Tensor(), false);
  expect_same_as_formula({2, 130, 8}, {2, 100, 8}, 4, Tensor(), true);
  Tensor bmask = torsh::rand({130, 90}) > 0.3;
  bmask.select(1, 0).fill_(true);
  expect_same_as_formula({2, 130, 8}, {2, 90, 8}, 3, bmask, false);
  Tensor fmask = randn({3, 1, 90}, TensorOptions().dtype(kDouble));
  expect_same_as_formula({2, 3, 70, 4}, {2, 3, 90, 4}, 6, fmask, false);
}

TEST(Attention, BadInputsRaise) {
  Tensor q = randn({2, 4, 3}), k = randn({2, 5, 3}), v = randn({2, 5, 2});
  EXPECT_THROW(torsh::_scaled_dot_product_flash_attention_for_cpu(q, k, v, 0.5), Error);
  EXPECT_THROW(torsh::_scaled_dot_product_flash_attention_for_cpu(q, randn({2, 5, 4}), v), Error);
  EXPECT_THROW(torsh::_scaled_dot_product_flash_attention_for_cpu(q, k, randn({3, 5, 2})), Error);
  EXPECT_THROW(
      torsh::_scaled_dot_product_flash_attention_for_cpu(q.to(kInt), k.to(kInt), v.to(kInt)),
      Error);
}

TEST(Attention, MultiheadAttentionWithoutWeightsMatchesTheFormula) {
  // need_weights=false takes the fused kernel; a float mask that requires grad keeps the formula
  // (and gets its gradient)
  manual_seed(4);
  nn::MultiheadAttention mha(nn::MultiheadAttentionOptions(8, 2));
  mha->to(kDouble);
  Tensor x = randn({70, 3, 8}, TensorOptions().dtype(kDouble));
  Tensor kpm = torsh::zeros({3, 70}, TensorOptions().dtype(kBool));
  kpm.select(0, 1).narrow(0, 60, 10).fill_(true);
  Tensor causal = torsh::ones({70, 70}, TensorOptions().dtype(kBool)).triu(1);
  Tensor fused = std::get<0>(mha->forward(x, x, x, kpm, false, causal));
  Tensor formula = std::get<0>(mha->forward(x, x, x, kpm, true, causal));
  EXPECT_TRUE(torsh::allclose(fused, formula, 1e-10, 1e-12));
  Tensor bias = randn({70, 70}, TensorOptions().dtype(kDouble)).requires_grad_(true);
  std::get<0>(mha->forward(x, x, x, {}, false, bias)).sum().backward();
  ASSERT_TRUE(bias.grad().defined());
  Tensor g1 = bias.grad().clone();
  bias.mutable_grad() = Tensor();
  std::get<0>(mha->forward(x, x, x, {}, true, bias)).sum().backward();
  EXPECT_TRUE(torsh::allclose(g1, bias.grad(), 1e-10, 1e-12));
}
