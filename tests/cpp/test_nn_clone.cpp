// Module::clone (deep copies through Cloneable, Sequential and ModuleList; modules that are not
// Cloneable raise), Module::to(dtype) in place (the module's members and an optimizer's handles
// see it), Tensor::set_data and AnyModule, as libtorch defines them.
#include <gtest/gtest.h>

#include <memory>

#include "torsh/torsh.h"

namespace nn = torsh::nn;
using torsh::Tensor;

namespace {
struct Plain : nn::Module {
  Plain() { w = register_parameter("w", torsh::ones({2})); }
  Tensor w;
};
}  // namespace

TEST(NnClone, CloneIsADeepCopyWithTheSameValues) {
  torsh::manual_seed(0);
  nn::Sequential seq(nn::Linear(3, 4), nn::ReLU(), nn::BatchNorm1d(4));
  seq->train();
  seq->forward(torsh::randn({5, 3}));  // running stats move away from their initial values
  auto copy = std::dynamic_pointer_cast<nn::SequentialImpl>(seq->clone());
  ASSERT_NE(copy, nullptr);
  ASSERT_EQ(copy->size(), 3u);
  auto a = seq->named_parameters(), b = copy->named_parameters();
  ASSERT_EQ(a.keys(), b.keys());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torsh::equal(a[i].value(), b[i].value()));
    EXPECT_NE(a[i].value().data_ptr(), b[i].value().data_ptr());
    EXPECT_TRUE(b[i].value().requires_grad());
  }
  auto ab = seq->named_buffers(), bb = copy->named_buffers();
  ASSERT_EQ(ab.keys(), bb.keys());
  for (size_t i = 0; i < ab.size(); ++i) EXPECT_TRUE(torsh::equal(ab[i].value(), bb[i].value()));
  seq->eval();
  copy->eval();
  Tensor x = torsh::randn({2, 3});
  EXPECT_TRUE(torsh::equal(seq->forward(x), copy->forward(x)));
  // the clone's forward runs its own modules: writing the clone leaves the original alone
  {
    torsh::NoGradGuard g;
    copy->named_parameters()["0.weight"].zero_();
  }
  EXPECT_FALSE(torsh::equal(seq->forward(x), copy->forward(x)));
  EXPECT_TRUE(copy->at<nn::LinearImpl>(0).weight.eq(0).all().item<bool>());
}

TEST(NnClone, ModuleListAndNonCloneableModules) {
  nn::ModuleList list(nn::Linear(2, 2), nn::Linear(2, 3));
  auto copy = std::dynamic_pointer_cast<nn::ModuleListImpl>(list->clone());
  ASSERT_EQ(copy->size(), 2u);
  EXPECT_TRUE(
      torsh::equal(copy->ptr<nn::LinearImpl>(1)->weight, list->ptr<nn::LinearImpl>(1)->weight));
  Plain p;
  EXPECT_THROW(p.clone(), torsh::Error);
}

TEST(NnClone, ToDtypeConvertsInPlace) {
  nn::Linear lin(3, 2);
  Tensor handle = lin->weight;  // what an optimizer holds
  lin->to(torsh::kDouble);
  EXPECT_EQ(lin->weight.dtype(), torsh::kDouble);
  EXPECT_EQ(handle.dtype(), torsh::kDouble);
  EXPECT_TRUE(handle.requires_grad());
  Tensor y = lin->forward(torsh::ones({1, 3}, torsh::kDouble));
  EXPECT_EQ(y.dtype(), torsh::kDouble);
  y.sum().backward();
  EXPECT_EQ(handle.grad().dtype(), torsh::kDouble);
  nn::BatchNorm1d bn(2);
  bn->to(torsh::kDouble);
  EXPECT_EQ(bn->running_mean.dtype(), torsh::kDouble);
}

TEST(NnClone, SetDataKeepsAutogradState) {
  Tensor p = torsh::ones({2}).requires_grad_(true);
  p.set_data(torsh::zeros({3}, torsh::kDouble));
  EXPECT_EQ(p.sizes().vec(), (std::vector<int64_t>{3}));
  EXPECT_EQ(p.dtype(), torsh::kDouble);
  EXPECT_TRUE(p.requires_grad());
  EXPECT_THROW(p.set_data(torsh::zeros({3}, torsh::kLong)), torsh::Error);
}

TEST(NnClone, AnyModuleForwardsAndClones) {
  torsh::manual_seed(1);
  nn::AnyModule any(nn::Linear(4, 2));
  Tensor x = torsh::randn({3, 4});
  EXPECT_TRUE(torsh::equal(any.forward(x), any.get<nn::LinearImpl>().forward(x)));
  nn::AnyModule copy = any.clone();
  EXPECT_NE(copy.ptr().get(), any.ptr().get());
  EXPECT_TRUE(torsh::equal(copy.forward(x), any.forward(x)));
  EXPECT_THROW(any.forward(x, x), torsh::Error);  // Linear's forward takes one tensor
  EXPECT_THROW(nn::AnyModule().forward(x), torsh::Error);
  EXPECT_EQ(any.ptr<nn::ReLUImpl>(), nullptr);
}

TEST(NnClone, TransformerEncoderLayersStartAsCopiesAndResetApart) {
  torsh::manual_seed(2);
  nn::TransformerEncoder enc(
      nn::TransformerEncoderOptions(nn::TransformerEncoderLayerOptions(8, 2).dim_feedforward(16), 3)
          .norm(nn::AnyModule(nn::LayerNorm(nn::LayerNormOptions({8})))));
  auto p = enc->named_parameters();
  EXPECT_TRUE(torsh::equal(p["layers.0.linear1.weight"], p["layers.2.linear1.weight"]));
  EXPECT_NE(p["layers.0.linear1.weight"].data_ptr(), p["layers.2.linear1.weight"].data_ptr());
  const size_t count = p.size();
  enc->reset_parameters();
  auto q = enc->named_parameters();
  EXPECT_EQ(q.size(), count);
  EXPECT_FALSE(torsh::equal(q["layers.0.linear1.weight"], q["layers.2.linear1.weight"]));
  EXPECT_TRUE(q.contains("norm.weight"));
}
