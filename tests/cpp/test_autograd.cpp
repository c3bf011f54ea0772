// Autograd engine semantics in C++ (values checked against hand-derived gradients).
#include <gtest/gtest.h>

#include <cmath>

#include "torsh/autograd/alias.h"
#include "torsh/autograd/engine.h"
#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/torsh.h"

using namespace torsh;

TEST(Autograd, SimpleChainAndAccumulation) {
  Tensor x = tensor({1.0, 2.0, 3.0}).requires_grad_();
  Tensor y = (x * x).sum();
  EXPECT_EQ(y.grad_fn()->name(), "SumBackward0");
  y.backward();
  EXPECT_TRUE(allclose(x.grad(), tensor({2.0, 4.0, 6.0})));
  // A second graph accumulates into the same .grad.
  (x * 3).sum().backward();
  EXPECT_TRUE(allclose(x.grad(), tensor({5.0, 7.0, 9.0})));
}

TEST(Autograd, DiamondRunsEachNodeOnce) {
  Tensor x = tensor({2.0}).requires_grad_();
  Tensor a = x.exp();
  Tensor y = a * a + a;  // dy/dx = (2a + 1) * a
  y.sum().backward();
  const double av = std::exp(2.0);
  EXPECT_NEAR(x.grad().item<double>(), (2 * av + 1) * av, 1e-3);
}

TEST(Autograd, BroadcastGradientsAreSummedToInputShape) {
  Tensor a = ones({3, 1}).requires_grad_();
  Tensor b = ones({4}).requires_grad_();
  (a + b).sum().backward();
  EXPECT_EQ(a.grad().sizes().vec(), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(a.grad()[0][0].item<float>(), 4.0f);
  EXPECT_EQ(b.grad()[0].item<float>(), 3.0f);
}

TEST(Autograd, SecondBackwardWithoutRetainGraphFails) {
  Tensor x = tensor({1.0, 2.0}).requires_grad_();
  Tensor y = (x * x).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  EXPECT_THROW(y.backward(), Error);
}

TEST(Autograd, InplaceModificationOfSavedTensorIsDetected) {
  Tensor x = tensor({1.0, 2.0}).requires_grad_();
  Tensor e = x.exp();
  Tensor y = e * 2;  // does not save e... but exp saved its result
  e.add_(1);
  try {
    y.sum().backward();
    FAIL();
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("modified by an inplace operation"), std::string::npos);
  }
}

TEST(Autograd, NoGradGuardAndLeafInplaceError) {
  Tensor x = ones({2}).requires_grad_();
  {
    NoGradGuard g;
    Tensor y = x * 2;
    EXPECT_FALSE(y.requires_grad());
  }
  EXPECT_THROW(x.add_(1), Error);
}

TEST(Autograd, GradWithCreateGraphGivesSecondDerivative) {
  Tensor x = tensor({3.0}, kDouble).requires_grad_();
  Tensor y = x * x * x;
  auto g = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true);
  EXPECT_NEAR(g[0].item<double>(), 27.0, 1e-12);
  auto g2 = autograd::grad({g[0]}, {x});
  EXPECT_NEAR(g2[0].item<double>(), 18.0, 1e-12);
}

namespace {
struct MulConst : public autograd::Function<MulConst> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x, double c) {
    ctx->saved_data["c"] = c;
    ctx->save_for_backward({x});
    return x * c;
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx,
                                          autograd::variable_list grads) {
    return {grads[0] * ctx->saved_data["c"].toDouble(), Tensor()};
  }
};
}  // namespace

TEST(Autograd, CustomFunctionAndCheckpoint) {
  Tensor x = tensor({1.0, -2.0}, kDouble).requires_grad_();
  Tensor y = MulConst::apply(x, 3.0);
  y.sum().backward();
  EXPECT_TRUE(allclose(x.grad(), full({2}, 3.0, kDouble)));

  Tensor a = tensor({0.3, 0.7}, kDouble).requires_grad_();
  auto fn = [](const autograd::variable_list& in) {
    return autograd::variable_list{(in[0].exp() * in[0]).tanh()};
  };
  Tensor plain = fn({a})[0].sum();
  auto expected = autograd::grad({plain}, {a});
  Tensor ck = utils::checkpoint(fn, {a})[0].sum();
  auto got = autograd::grad({ck}, {a});
  EXPECT_TRUE(allclose(got[0], expected[0], 1e-12, 1e-12));
}

#include "torsh/autograd/gradcheck.h"

TEST(Autograd, GradcheckAndGradgradcheckInCpp) {
  manual_seed(3);
  Tensor a = rand({2, 3}, kDouble).requires_grad_();
  Tensor b = rand({3, 2}, kDouble).requires_grad_();
  auto fn = [](const autograd::variable_list& in) {
    return autograd::variable_list{(in[0].mm(in[1]).tanh() * in[0].sum()).sigmoid()};
  };
  EXPECT_TRUE(autograd::gradcheck(fn, {a, b}));
  EXPECT_TRUE(autograd::gradgradcheck(fn, {a, b}));
  // A wrong formula is caught: a function whose "backward" is off by a factor.
  struct Wrong : public autograd::Function<Wrong> {
    static Tensor forward(autograd::AutogradContext*, Tensor x) { return x * x; }
    static autograd::variable_list backward(autograd::AutogradContext*, autograd::variable_list g) {
      return {g[0] * 3};
    }
  };
  Tensor x = rand({3}, kDouble).requires_grad_();
  EXPECT_THROW(autograd::gradcheck(
                   [](const autograd::variable_list& in) {
                     return autograd::variable_list{Wrong::apply(in[0])};
                   },
                   {x}),
               Error);
}

TEST(Autograd, RetainGradOnATensorThatDiesBeforeBackward) {
  Tensor x = tensor({1.0, 2.0}).requires_grad_();
  Tensor y;
  {
    Tensor h = x * 2;
    h.retain_grad();
    y = (h * h).sum();
  }  // h is gone; the hook must not touch it
  y.backward();
  EXPECT_TRUE(allclose(x.grad(), tensor({8.0, 16.0})));
}

TEST(Autograd, MillionOpGraphIsFreedAndDifferentiatedWithoutRecursion) {
  // Freeing a graph one destructor inside the next overflowed the stack near 300,000 nodes.
  Tensor x = ones({1}).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 1000000; ++i) y = y * 1.0;
  y = Tensor();  // frees the whole chain
  for (int i = 0; i < 1000000; ++i) y = (i == 0 ? x : y) + 1.0;
  y.backward();
  EXPECT_TRUE(allclose(x.grad(), ones({1})));
  EXPECT_EQ(y.item().to_double(), 1000001.0);
}

TEST(Autograd, LongChainsOfCustomFunctionsAndViewWritesAreFreedIteratively) {
  // A custom function's saved input keeps its producer alive, and CopySlices holds the in-place
  // op's node: both used to free the graph one destructor inside the next.
  Tensor x = ones({1}, kDouble).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 300000; ++i) y = MulConst::apply(y, 1.0);
  y = Tensor();
  Tensor h = x * 1.0;
  for (int i = 0; i < 300000; ++i) h.narrow(0, 0, 1).mul_(1.0);
  h.sum().backward();
  h = Tensor();
  EXPECT_TRUE(allclose(x.grad(), ones({1}, kDouble)));
}

// queue_callback runs after the pass has accumulated every gradient, in order, once.
TEST(Autograd, QueueCallbackRunsAfterAccumulation) {
  using torsh::Tensor;
  Tensor w = torsh::ones({3}).requires_grad_(true);
  Tensor v = torsh::ones({2}).requires_grad_(true);
  std::vector<std::string> seen;
  w.register_hook([&](const Tensor&) {
    torsh::autograd::queue_callback([&] {
      // both leaves have their gradients by now
      seen.push_back("first " + std::to_string(w.grad().sum().item<double>()) + " " +
                     std::to_string(v.grad().sum().item<double>()));
      torsh::autograd::queue_callback([&] { seen.push_back("queued by a callback"); });
    });
    return Tensor();
  });
  ((w * 2).sum() + (v * 3).sum()).backward();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "first 6.000000 6.000000");
  EXPECT_EQ(seen[1], "queued by a callback");
  EXPECT_THROW(torsh::autograd::queue_callback([] {}), torsh::Error);  // outside backward
  seen.clear();
  ((w * 2).sum() + (v * 3).sum()).backward();
  EXPECT_EQ(seen.size(), 2u);  // a new pass, new callbacks; none left over from the last
}

// Inference tensors (c10::InferenceMode): made under the guard, refused afterwards for in-place
// writes, saving for backward, requires_grad and the version counter, as libtorch's.
TEST(Autograd, InferenceTensors) {
  Tensor normal = ones({3});
  Tensor inf, view_of_normal, computed;
  {
    InferenceMode guard;
    EXPECT_TRUE(InferenceMode::is_enabled());
    EXPECT_FALSE(GradMode::is_enabled());
    inf = ones({3});
    view_of_normal = normal.narrow(0, 0, 2);
    computed = normal * 2;
    inf.add_(1);  // in-place inside inference mode is allowed
    {
      InferenceMode off(false);
      EXPECT_FALSE(InferenceMode::is_enabled());
      EXPECT_FALSE(ones({1}).is_inference());
    }
  }
  EXPECT_FALSE(InferenceMode::is_enabled());
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_TRUE(inf.is_inference());
  EXPECT_TRUE(computed.is_inference());
  EXPECT_TRUE(inf.narrow(0, 0, 1).is_inference());
  EXPECT_FALSE(view_of_normal.is_inference());
  EXPECT_FALSE(normal.is_inference());
  EXPECT_FALSE(inf.clone().is_inference());
  EXPECT_TRUE(allclose(inf, full({3}, 2.0)));
  EXPECT_THROW(inf.add_(1), Error);
  EXPECT_THROW(inf.copy_(normal), Error);
  EXPECT_THROW(inf.fill_(0), Error);
  EXPECT_THROW(inf.narrow(0, 0, 1).mul_(2), Error);
  EXPECT_THROW(add_out(inf, normal, normal), Error);
  EXPECT_TRUE(allclose(inf, full({3}, 2.0)));  // nothing was written by the refused calls
  EXPECT_THROW(inf.requires_grad_(true), Error);
  EXPECT_THROW(inf._version(), Error);
  Tensor w = ones({3}).requires_grad_(true);
  EXPECT_THROW(w * inf, Error);  // mul saves inf for w's gradient
  (w + inf).sum().backward();    // add saves nothing
  EXPECT_TRUE(allclose(w.grad(), ones({3})));
}

TEST(Autograd, AliasSharesStorageAndPassesGradientThrough) {
  Tensor x = tensor({1.0, 2.0, 3.0}).requires_grad_();
  Tensor a = torsh::alias(x);
  EXPECT_EQ(a.grad_fn()->name(), "AliasBackward0");
  EXPECT_EQ(a.data_ptr(), x.data_ptr());
  EXPECT_TRUE(a.sizes().equals(x.sizes()));
  (a * a).sum().backward();  // d/dx sum(x^2) = 2x, hand-derived
  EXPECT_TRUE(allclose(x.grad(), tensor({2.0, 4.0, 6.0})));
  Tensor plain = tensor({1.0, 2.0});
  Tensor b = torsh::alias(plain);
  EXPECT_EQ(b.grad_fn(), nullptr);
  plain.add_(1);  // a view: sees the write and shares the version counter
  EXPECT_TRUE(allclose(b, tensor({2.0, 3.0})));
  EXPECT_EQ(b._version(), plain._version());
}
