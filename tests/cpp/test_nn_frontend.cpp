// The C++ frontend's checks that libtorch makes (batch_norm with one value per channel in
// training, optimizers over tied parameters, safetensors names) and a Conv2d with 'same' padding
// and a reflect padding mode equal to padding by hand then convolving.
#include <gtest/gtest.h>

#include "torsh/torsh.h"

namespace nn = torsh::nn;

TEST(NnFrontend, BatchNormNeedsMoreThanOneValuePerChannelWhenTraining) {
  nn::BatchNorm1d bn(4);
  EXPECT_THROW(bn(torsh::ones({1, 4})), torsh::Error);
  EXPECT_NO_THROW(bn(torsh::ones({2, 4})));
  bn->eval();
  EXPECT_NO_THROW(bn(torsh::ones({1, 4})));
  EXPECT_EQ(bn->running_var.isnan().sum().item<int64_t>(), 0);
}

TEST(NnFrontend, ConvSamePaddingWithReflectMode) {
  torsh::manual_seed(0);
  nn::Conv2d conv(
      nn::Conv2dOptions(1, 2, {3, 2}).padding(torsh::kSame).padding_mode(torsh::kReflect));
  torsh::Tensor x = torsh::randn({1, 1, 5, 6});
  torsh::Tensor y = conv(x);
  // 'same' for kernel (3, 2): height 1 + 1, width 0 + 1 (the odd one on the right)
  torsh::Tensor padded = torsh::pad(x, {0, 1, 1, 1}, "reflect", std::nullopt);
  torsh::Tensor want = torsh::conv2d(padded, conv->weight, conv->bias);
  ASSERT_EQ(y.sizes().vec(), (std::vector<int64_t>{1, 2, 5, 6}));
  EXPECT_TRUE(torsh::equal(y, want));
}

TEST(NnFrontend, OptimizersAcceptTiedParametersButNotSharedGroups) {
  torsh::Tensor w = torsh::ones({2}, torsh::TensorOptions().requires_grad(true));
  EXPECT_NO_THROW(torsh::optim::Adam({w, w}, torsh::optim::AdamOptions(0.1)));
  torsh::optim::SGD sgd({w}, torsh::optim::SGDOptions(0.1));
  EXPECT_THROW(sgd.add_param_group(torsh::optim::OptimizerParamGroup({w})), torsh::Error);
  EXPECT_THROW(torsh::optim::SGD({w}, torsh::optim::SGDOptions(-1)), torsh::Error);
}

TEST(NnFrontend, SafetensorsRefusesDuplicateNames) {
  torsh::Tensor a = torsh::ones({2});
  EXPECT_THROW(torsh::safetensors::save({{"a", a}, {"a", a}}, "/tmp/torsh_dup.safetensors"),
               torsh::Error);
}
