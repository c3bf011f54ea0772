// Saved tensor hooks and the generator state API in C++.
#include <gtest/gtest.h>

#include "torsh/autograd/node.h"
#include "torsh/torsh.h"

using namespace torsh;

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
