// Inputs found by the libFuzzer targets (tests/fuzz/cpp): each used to overflow a signed
// integer or allocate without checking; each must now give torch's answer or torsh::Error.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "torsh/torsh.h"

using namespace torsh;

namespace {
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
}

TEST(FuzzRegressions, ViewWithOverflowingShapeIsAnError) {
  Tensor t = arange(16, dtype(kFloat));
  EXPECT_THROW(t.view({int64_t{1} << 62, 16}), Error);
  EXPECT_THROW(t.reshape({-1, int64_t{1} << 62, 4}), Error);
}

TEST(FuzzRegressions, EmptyTensorWithHugeDims) {
  Tensor e = zeros({0}, dtype(kFloat));
  // As torch: the running product of the sizes must not overflow.
  EXPECT_THROW(e.view({int64_t{1} << 32, int64_t{1} << 32, 0}), Error);
  Tensor v = e.view({int64_t{1} << 32, 0, int64_t{1} << 32});
  EXPECT_EQ(v.numel(), 0);
  EXPECT_TRUE(v.is_contiguous());
  Tensor w = e.view({kInt64Max, 0, 7});
  EXPECT_EQ(w.numel(), 0);
}

TEST(FuzzRegressions, SliceWithHugeStep) {
  Tensor t = arange(5, dtype(kLong));
  Tensor s = slice(t, 0, 1, std::nullopt, kInt64Max);
  ASSERT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item().to<int64_t>(), 1);
  EXPECT_EQ(slice(t, 0, 0, 5, kInt64Max - 1).numel(), 1);
}

TEST(FuzzRegressions, TensorFromScalarsChecksSizesBeforeAllocating) {
  std::vector<Scalar> values{Scalar(1.0), Scalar(2.0)};
  EXPECT_THROW(tensor_from_scalars(values, {int64_t{1} << 40}, kFloat), Error);
  EXPECT_THROW(tensor_from_scalars(values, {-1, -2}, kFloat), Error);
  EXPECT_THROW(tensor_from_scalars(values, {int64_t{1} << 62, 8}, kFloat), Error);
  EXPECT_EQ(tensor_from_scalars(values, {2, 1}, kFloat).numel(), 2);
}

TEST(FuzzRegressions, IntegerMatmulWrapsAsTorch) {
  // 52352 * 52352 overflows int16 arithmetic: the result wraps (two's complement), as torch.
  Tensor a = full({1, 1}, 52352, dtype(kLong)).to(kShort);
  Tensor r = mm(a, a);
  int16_t x = static_cast<int16_t>(52352);
  int16_t expect = static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint64_t>(x) * x));
  EXPECT_EQ(r.item().to<int64_t>(), expect);
  Tensor b = full({1, 2}, int64_t{1} << 31, dtype(kLong)).to(kInt);
  Tensor rb = mm(b, b.t());  // (-2^31)^2 * 2 wraps to 0 in int32
  EXPECT_EQ(rb.item().to<int64_t>(), 0);
}

TEST(FuzzRegressions, IndexWithExtremeValuesIsAnIndexError) {
  Tensor t = arange(4, dtype(kFloat));
  OptionalTensorList idx{tensor(std::vector<int64_t>{kInt64Max}, dtype(kLong))};
  EXPECT_THROW(index(t, idx), IndexError);
  OptionalTensorList idx2{
      tensor(std::vector<int64_t>{std::numeric_limits<int64_t>::min()}, dtype(kLong))};
  EXPECT_THROW(index(t, idx2), IndexError);
}

TEST(FuzzRegressions, HugeStrideOfSizeOneOrEmptyDimsDoesNotOverflow) {
  // libFuzzer (fuzz_views, UBSan): a size-1 dim may carry a stride near INT64_MAX (only its
  // order matters); its byte stride overflowed in TensorIter. Same for an empty tensor.
  Tensor a = empty_strided({1, 3}, {kInt64Max - 8, 1}, dtype(kHalf));
  a.fill_(2);
  Tensor c = a.clone();
  EXPECT_EQ(c.sizes().vec(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(c.sum().item<double>(), 6.0);
  Tensor e = empty_strided({0, 3, 5}, {kInt64Max / 4, kInt64Max / 2, 1}, dtype(kDouble));
  EXPECT_EQ(e.clone().numel(), 0);
  EXPECT_EQ((e + 1).numel(), 0);
  EXPECT_EQ(e.sum().item<double>(), 0.0);
}
