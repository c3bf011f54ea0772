// Reliability in the C++ API (issue 7): sizes checked for overflow, overlapping outputs refused,
// out= dtypes checked, absent optional operands with autograd, as libtorch behaves.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "iter/tensor_iter.h"
#include "torsh/torsh.h"

using namespace torsh;

namespace {

// Runs f, expecting a torsh::Error whose message contains `needle`.
template <typename F>
void expect_error(F&& f, const std::string& needle) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    return;
  }
  ADD_FAILURE() << "expected an error containing: " << needle;
}

constexpr int64_t k62 = int64_t(1) << 62;
constexpr int64_t k32 = int64_t(1) << 32;

}  // namespace

TEST(Reliability, CreationSizesOverflow) {
  expect_error([] { empty({k62}); }, "Storage size calculation overflowed");
  expect_error([] { empty({k32, k32}); }, "Storage size calculation overflowed");
  expect_error([] { zeros({int64_t(1) << 31, int64_t(1) << 31}); }, "overflowed");
  expect_error([] { ones({k62, k62, 0}); }, "overflowed");
  expect_error([] { full({k62}, 1.0); }, "overflowed");
  expect_error([] { arange(k62); }, "overflowed");
  EXPECT_EQ(zeros({k62, 0, k62}).numel(), 0);
}

TEST(Reliability, StridedAndResizeOverflow) {
  expect_error([] { detail::empty_strided_impl({k62}, {2}, kFloat); }, "overflowed");
  expect_error([] { detail::empty_strided_impl({2}, {-1}, kFloat); }, "overflowed");
  expect_error([] { zeros({0}).resize_({k62}); }, "overflowed");
  expect_error([] { zeros({1}).expand({k32, k32}); }, "numel: integer multiplication overflow");
  expect_error([] { zeros({1}).expand({k62}).contiguous(); }, "overflowed");
  expect_error(
      [] {
        zeros({1, 1}).expand({k32, 1}) + zeros({1, 1}).expand({1, k32});
      },
      "overflowed");
}

TEST(Reliability, AllocationFailureIsOutOfMemory) {
  expect_error([] { empty({int64_t(1) << 40}); }, "can't allocate memory");
}

TEST(Reliability, WrittenTensorMayNotOverlapItself) {
  const std::string msg = "more than one element of the written-to tensor refers to a single";
  expect_error([] { zeros({1}).expand({5}).add_(1); }, msg);
  expect_error([] { zeros({1}).expand({5}).copy_(ones({5})); }, msg);
  expect_error([] { zeros({1}).expand({5}).normal_(); }, msg);
  Tensor a = zeros({1}).expand({39});
  expect_error([&] { abs_out(a, a); }, msg);
  // fill_ of an expanded tensor is allowed, as in libtorch.
  Tensor e = zeros({1}).expand({5});
  e.fill_(2);
  EXPECT_EQ(e[4].item<float>(), 2.0f);
}

TEST(Reliability, PartialOverlapRefusedFullOverlapAllowed) {
  const std::string msg = "some elements of the input tensor and the written-to tensor refer";
  Tensor x = arange(5.0);
  expect_error([&] { x.narrow(0, 1, 4).copy_(x.narrow(0, 0, 4)); }, msg);
  expect_error([&] { x.narrow(0, 1, 4).add_(x.narrow(0, 0, 4)); }, msg);
  Tensor z = ones({3, 3});
  expect_error([&] { z.add_(z.t()); }, msg);
  x.add_(x);  // the same memory with the same layout is fine
  EXPECT_EQ(x[4].item<float>(), 8.0f);
  EXPECT_TRUE(detail::is_non_overlapping_and_dense(ones({3, 4}).t()));
  EXPECT_FALSE(detail::is_non_overlapping_and_dense(ones({6, 2}).select(1, 0)));
}

TEST(Reliability, OutDtypeOfSameDtypeOps) {
  Tensor o = empty({2});
  expect_error(
      [&] {
        neg_out(o, tensor({int64_t(1), int64_t(2)}));
      },
      "Found dtype Float but expected Long");
  expect_error([&] { clamp_out(o, ones({2}, kBFloat16), Scalar(0), Scalar(1)); },
               "Found dtype Float but expected BFloat16");
  // Float ops and binary ops cast into any output the result can be cast to.
  Tensor d = empty({2}, kDouble);
  exp_out(d, ones({2}));
  add_out(o, tensor({int64_t(1), int64_t(2)}), tensor({int64_t(1), int64_t(2)}));
  EXPECT_EQ(o[1].item<float>(), 4.0f);
}

TEST(Reliability, ClampWithAbsentTensorBoundRecordsGradient) {
  Tensor a = tensor({-1.0f, 0.5f, 2.0f}).requires_grad_();
  Tensor hi = tensor({0.0f, 1.0f, 1.0f});
  Tensor y = clamp(a, std::optional<Tensor>(), std::optional<Tensor>(hi));
  y.sum().backward();
  EXPECT_EQ(a.grad()[0].item<float>(), 1.0f);
  EXPECT_EQ(a.grad()[1].item<float>(), 1.0f);
  EXPECT_EQ(a.grad()[2].item<float>(), 0.0f);  // 2 clamped to 1
}

TEST(Reliability, NumbersMatchLibtorch) {
  EXPECT_FALSE(allclose(tensor({1.0f}), tensor(std::vector<float>{INFINITY})));
  EXPECT_TRUE(allclose(tensor(std::vector<float>{INFINITY}), tensor(std::vector<float>{INFINITY})));
  expect_error([] { allclose(tensor({1.0f}), tensor({1.0}, kDouble)); },
               "Float did not match Double");
  EXPECT_EQ(arange(7.5, kLong).numel(), 7);
  EXPECT_EQ(arange(7.5, kInt).numel(), 8);
  expect_error([] { full({2}, 300, kChar); }, "without overflow");
  EXPECT_EQ(full({2}, -1, kByte)[0].item<int64_t>(), 255);
  Tensor a = arange(5.0).requires_grad_();
  a.narrow(0, -2, 2).sum().backward();
  EXPECT_EQ(a.grad()[3].item<float>(), 1.0f);
  EXPECT_EQ(a.grad()[0].item<float>(), 0.0f);
  EXPECT_EQ(max(tensor({1.0f, 5.0f}), tensor({3.0f, 2.0f}))[0].item<float>(), 3.0f);
}
