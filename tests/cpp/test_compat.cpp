// A libtorch-style program, compiled against the compat header with only the include changed.
#include <gtest/gtest.h>

#include "torsh/compat/torch/torch.h"

TEST(Compat, LibtorchSpellingsBuildAndRun) {
  torch::manual_seed(0);
  torch::Tensor a = torch::ones({2, 3}, torch::dtype(torch::kFloat32));
  torch::Tensor b = torch::arange(3, torch::kFloat64);
  auto c = (a * 2 + b).sum();
  EXPECT_EQ(c.scalar_type(), torch::kDouble);
  EXPECT_DOUBLE_EQ(c.item<double>(), 2 * 6 + 2 * (0 + 1 + 2));
  auto [values, indices] = torch::max(torch::tensor({{1.0, 5.0}, {7.0, 2.0}}), 1);
  EXPECT_EQ(indices[0].item<int64_t>(), 1);
  EXPECT_EQ(values[1].item<float>(), 7.0f);
  torch::Tensor r = torch::randn({3}, torch::kFloat64);
  EXPECT_EQ(r.dim(), 1);
}
