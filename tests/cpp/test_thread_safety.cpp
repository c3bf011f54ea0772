// Thread-safe inference: a model in eval mode under NoGradGuard called from several threads at
// once gives, bit for bit, what a single-threaded run gives (no shared mutable state in the
// forward path: the allocator is locked, generators are not touched in eval mode).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "torsh/torsh.h"

namespace nn = torsh::nn;

namespace {
struct SmallCnnImpl : nn::Module {
  SmallCnnImpl()
      : conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1)))),
        conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(8, 16, 3)))),
        bn(register_module("bn", nn::BatchNorm2d(16))),
        drop(register_module("drop", nn::Dropout(0.5))),
        fc(register_module("fc", nn::Linear(16 * 5 * 5, 10))) {}
  torsh::Tensor forward(torsh::Tensor x) {
    x = torsh::max_pool2d(torsh::relu(conv1->forward(x)), {2, 2});
    x = torsh::relu(bn->forward(conv2->forward(x)));
    x = torsh::adaptive_avg_pool2d(x, {5, 5}).flatten(1);
    return torsh::log_softmax(fc->forward(drop->forward(x)), 1);
  }
  nn::Conv2d conv1, conv2;
  nn::BatchNorm2d bn;
  nn::Dropout drop;
  nn::Linear fc;
};
TORSH_MODULE(SmallCnn);
}  // namespace

TEST(ThreadSafety, FourThreadsOfInferenceMatchASingleThreadBitForBit) {
  torsh::manual_seed(0);
  SmallCnn model;
  {
    // running statistics that are not the defaults, so the eval path uses them
    torsh::NoGradGuard g;
    model->bn->running_mean.uniform_(-0.5, 0.5);
    model->bn->running_var.uniform_(0.5, 2.0);
  }
  model->eval();
  constexpr int kThreads = 4, kCalls = 100;
  std::vector<torsh::Tensor> inputs, want;
  {
    torsh::NoGradGuard g;
    for (int t = 0; t < kThreads; ++t) {
      inputs.push_back(torsh::randn({3 + t, 1, 14, 14}));
      want.push_back(model->forward(inputs.back()));
    }
  }
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      torsh::NoGradGuard g;
      for (int i = 0; i < kCalls; ++i)
        if (!torsh::equal(model->forward(inputs[t]), want[t])) ++mismatches[t];
    });
  }
  for (auto& th : pool) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}
