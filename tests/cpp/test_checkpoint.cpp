// Activation checkpointing in C++: gradients (inputs and captured tensors) equal those of the
// plain function, random ops recompute the forward's numbers, and the generator state API.
#include <gtest/gtest.h>

#include "torsh/autograd/node.h"
#include "torsh/torsh.h"

using namespace torsh;

namespace {
struct Grads {
  Tensor x, w, after;  // gradients, and random numbers drawn after backward
};

// (x @ w * noise).tanh() @ w summed, noise drawn inside the function; w is captured.
Grads run(int mode, uint64_t seed) {
  manual_seed(seed);
  Tensor x = rand({3, 4}, kDouble).requires_grad_();
  Tensor w = rand({4, 4}, kDouble).requires_grad_();
  auto fn = [w](const autograd::variable_list& in) {
    Tensor noise = rand({3, 4}, kDouble);
    return autograd::variable_list{(in[0].mm(w) * noise).tanh().mm(w)};
  };
  Tensor out = mode == 0   ? fn({x})[0]
               : mode == 1 ? utils::checkpoint(fn, {x}, /*use_reentrant=*/false)[0]
                           : utils::checkpoint(fn, {x}, /*use_reentrant=*/true)[0];
  rand({5});  // the stream moves on between forward and backward
  out.sum().backward();
  return {x.grad(), w.grad(), rand({6}, kDouble)};
}
}  // namespace

TEST(Checkpoint, CapturedTensorsAndRngMatchThePlainFunction) {
  Grads plain = run(0, 11);
  for (int mode : {1, 2}) {
    Grads ck = run(mode, 11);
    ASSERT_TRUE(ck.w.defined()) << "mode " << mode;
    EXPECT_TRUE(allclose(ck.x, plain.x, 1e-12, 1e-12)) << "mode " << mode;
    EXPECT_TRUE(allclose(ck.w, plain.w, 1e-12, 1e-12)) << "mode " << mode;
    EXPECT_TRUE(equal(ck.after, plain.after)) << "mode " << mode;
  }
}

TEST(Checkpoint, NonReentrantWorksWithGradAndReentrantRefuses) {
  Tensor x = tensor({0.3, -0.7, 1.1}, kDouble).requires_grad_();
  Tensor w = tensor({0.5, 0.2, -0.4}, kDouble).requires_grad_();
  auto fn = [w](const autograd::variable_list& in) {
    return autograd::variable_list{(in[0] * w).exp() * in[0]};
  };
  auto plain = autograd::grad({fn({x})[0].sum()}, {x, w}, {}, {}, /*create_graph=*/true);
  auto ck = autograd::grad({utils::checkpoint(fn, {x})[0].sum()}, {x, w}, {}, {}, true);
  EXPECT_TRUE(allclose(ck[0], plain[0], 1e-12, 1e-12));
  EXPECT_TRUE(allclose(ck[1], plain[1], 1e-12, 1e-12));
  // Second order through the recomputed graph.
  auto plain2 = autograd::grad({(plain[0] * plain[0]).sum()}, {w});
  auto ck2 = autograd::grad({(ck[0] * ck[0]).sum()}, {w});
  EXPECT_TRUE(allclose(ck2[0], plain2[0], 1e-12, 1e-12));

  Tensor out = utils::checkpoint(fn, {x}, /*use_reentrant=*/true)[0].sum();
  EXPECT_THROW(autograd::grad({out}, {x}), Error);
}

TEST(Checkpoint, ReentrantSharesACapturedParameterWithTheOuterGraph) {
  // w reaches the loss through the checkpoint's input and through the captured copy; the
  // nested backward must not disturb the outer pass's bookkeeping of w's accumulator.
  auto loss = [](bool ck, Tensor& w) {
    Tensor x = tensor({{0.1, 0.2}, {0.3, 0.4}}, kDouble).requires_grad_();
    w = tensor({{0.5, -0.6}, {0.7, 0.8}}, kDouble).requires_grad_();
    Tensor h = x.mm(w).tanh();
    auto fn = [w](const autograd::variable_list& in) {
      return autograd::variable_list{in[0].mm(w).sigmoid() * in[0]};
    };
    Tensor out = ck ? utils::checkpoint(fn, {h}, true)[0] : fn({h})[0];
    (out.sum() + h.sum()).backward();
    return x.grad();
  };
  Tensor w_plain, w_ck;
  Tensor gx_plain = loss(false, w_plain), gx_ck = loss(true, w_ck);
  EXPECT_TRUE(allclose(gx_ck, gx_plain, 1e-12, 1e-12));
  EXPECT_TRUE(allclose(w_ck.grad(), w_plain.grad(), 1e-12, 1e-12));
}

TEST(SavedTensorHooks, PackAndUnpackEverySavedTensor) {
  int packed = 0, unpacked = 0;
  Tensor a = tensor({1.0, 2.0}, kDouble).requires_grad_();
  Tensor b = tensor({3.0, -1.0}, kDouble).requires_grad_();
  Tensor y;
  {
    autograd::SavedTensorHooksGuard guard({[&](const Tensor& t) {
                                             ++packed;
                                             return autograd::PackedTensor(
                                                 std::make_shared<Tensor>(t.clone()));
                                           },
                                           [&](const autograd::PackedTensor& p) {
                                             ++unpacked;
                                             return *static_cast<Tensor*>(p.get());
                                           }});
    y = (a * b).exp().sum();  // mul saves a and b, exp its result
  }
  EXPECT_EQ(packed, 3);
  y.backward();
  EXPECT_EQ(unpacked, 3);
  Tensor e = (a * b).exp().detach();
  EXPECT_TRUE(allclose(a.grad(), e * b.detach()));
  EXPECT_TRUE(allclose(b.grad(), e * a.detach()));
}

TEST(GeneratorState, RoundTripAndErrors) {
  manual_seed(5);
  randn({3});  // leaves a cached normal sample
  Tensor state = get_rng_state();
  EXPECT_EQ(state.dtype(), kByte);
  EXPECT_EQ(state.numel(), 5056);
  Tensor first = randn({4}, kDouble);
  set_rng_state(state);
  EXPECT_TRUE(equal(randn({4}, kDouble), first));
  EXPECT_THROW(set_rng_state(state.to(kFloat)), TypeError);
  EXPECT_THROW(set_rng_state(state.narrow(0, 0, 100)), Error);
}
