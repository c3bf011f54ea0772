// gather/scatter/index_add family through the C++ API, against plain loops over the same data
// (values on many shapes and dtypes are checked against torch in tests/python/test_ops.py).
#include <gtest/gtest.h>

#include "torsh/torsh.h"

using namespace torsh;

namespace {
// A 2-d float tensor and its values, row-major.
struct Mat {
  Tensor t;
  std::vector<float> v;
  int64_t rows, cols;
};

Mat mat(int64_t rows, int64_t cols) {
  Mat m{torsh::rand({rows, cols}), {}, rows, cols};
  const float* p = m.t.data_ptr<float>();
  m.v.assign(p, p + rows * cols);
  return m;
}

std::vector<int64_t> indices(const Tensor& t) {
  Tensor c = t.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

std::vector<float> values(const Tensor& t) {
  Tensor c = t.contiguous();
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}
}  // namespace

TEST(Scatter, GatherAlongColumnsOfATransposedInput) {
  Mat m = mat(5, 7);
  Tensor self = m.t.t();  // 7 x 5, non-contiguous
  Tensor idx = torsh::randint(0, 7, {3, 4});
  Tensor out = self.gather(0, idx);
  ASSERT_EQ(out.sizes().vec(), (std::vector<int64_t>{3, 4}));
  auto iv = indices(idx);
  auto ov = values(out);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(ov[i * 4 + j], m.v[j * 7 + iv[i * 4 + j]]);
}

TEST(Scatter, ScatterAddSumsRepeatedIndicesAndKeepsTheIndex) {
  Mat m = mat(4, 6);
  Tensor self = torsh::zeros({4, 3});
  Tensor idx = torsh::randint(0, 3, {4, 6});
  auto before = indices(idx);
  Tensor out = self.scatter_add(1, idx, m.t);
  std::vector<float> ref(12, 0.0f);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 6; ++j) ref[i * 3 + before[i * 6 + j]] += m.v[i * 6 + j];
  auto ov = values(out);
  for (size_t k = 0; k < ref.size(); ++k) EXPECT_FLOAT_EQ(ov[k], ref[k]);
  EXPECT_EQ(indices(idx), before);
  EXPECT_EQ(values(self), std::vector<float>(12, 0.0f));
}

TEST(Scatter, IndexAddInPlaceWithAlpha) {
  Mat src = mat(3, 5);
  Tensor self = torsh::ones({4, 5});
  Tensor idx = torsh::tensor({2, 0, 2});
  self.index_add_(0, idx, src.t, 2.0);
  std::vector<float> ref(20, 1.0f);
  const int64_t rows[3] = {2, 0, 2};
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 5; ++j) ref[rows[i] * 5 + j] += 2.0f * src.v[i * 5 + j];
  auto ov = values(self);
  for (size_t k = 0; k < ref.size(); ++k) EXPECT_FLOAT_EQ(ov[k], ref[k]);
}

TEST(Scatter, IndexFillWrapsNegativeIndices) {
  Tensor out = torsh::zeros({2, 4}).index_fill(1, torsh::tensor({-1, 1}), 3);
  auto ov = values(out);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(ov[i * 4 + j], (j == 3 || j == 1) ? 3.0f : 0.0f);
}

TEST(Scatter, OutOfBoundsIndicesRaise) {
  Tensor self = torsh::zeros({2, 3});
  EXPECT_THROW(self.gather(1, torsh::tensor({{0, 3}})), Error);
  EXPECT_THROW(self.index_add(0, torsh::tensor({2}), torsh::ones({1, 3})), IndexError);
  EXPECT_THROW(self.index_fill(1, torsh::tensor({-4}), Scalar(1.0)), IndexError);
  EXPECT_THROW(self.scatter(0, torsh::tensor({{0, 1}}), torsh::ones({1, 2}, kDouble)), Error);
}

TEST(Scatter, ScatterValueAndGatherRoundTrip) {
  // libtorch spellings: a plain number selects the Scalar overloads.
  Tensor idx = torsh::tensor({{2, 0}, {1, 3}});
  Tensor out = torsh::zeros({2, 4}).scatter(1, idx, 1);
  Tensor back = out.gather(1, idx);
  EXPECT_EQ(values(back), std::vector<float>(4, 1.0f));
  EXPECT_FLOAT_EQ(out.sum().item<float>(), 4.0f);
}
