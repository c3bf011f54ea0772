// The reduction engine's split of an iterator into kept and reduced dims, and the logical index
// it tracks for argmax-style reductions (values are checked against torch in tests/python).
#include <gtest/gtest.h>

#include "iter/reduce.h"
#include "torsh/torsh.h"

using namespace torsh;

namespace {
detail::ReduceLayout layout_of(const Tensor& in, std::vector<int64_t> dims, bool track = false) {
  auto mask = detail::reduced_mask(in, IntArrayRef(dims), "test");
  Tensor out = torsh::empty(detail::keepdim_shape(in, mask).vec());
  auto it = detail::reduction_iter("test", in, &out, 1, track);
  return detail::reduce_layout(it);
}
}  // namespace

TEST(ReduceLayout, InnerWhenTheReducedDimIsUnitStride) {
  auto L = layout_of(torsh::zeros({64, 32}), {1});
  EXPECT_TRUE(L.inner);
  EXPECT_EQ(L.nkept, 64);
  EXPECT_EQ(L.nred, 32);
  EXPECT_EQ(L.rin[0], 4);
}

TEST(ReduceLayout, OuterWhenTheKeptDimIsUnitStride) {
  auto L = layout_of(torsh::zeros({64, 32}), {0});
  EXPECT_FALSE(L.inner);
  EXPECT_EQ(L.ksize[0], 32);
  EXPECT_EQ(L.kin[0], 4);
  EXPECT_EQ(L.rin[0], 32 * 4);
}

TEST(ReduceLayout, FollowsTheInputsMemoryOrder) {
  // Reducing dim 0 of a transposed tensor reads along its unit stride: an inner reduction.
  auto L = layout_of(torsh::zeros({32, 64}).t(), {0});
  EXPECT_TRUE(L.inner);
  EXPECT_EQ(L.rin[0], 4);
}

TEST(ReduceLayout, FullReductionOfAContiguousTensorIsOneRun) {
  auto L = layout_of(torsh::zeros({8, 16, 4}), {});
  EXPECT_TRUE(L.inner);
  EXPECT_EQ(L.rsize.size(), 1u);
  EXPECT_EQ(L.nred, 8 * 16 * 4);
  EXPECT_EQ(L.nkept, 1);
}

TEST(ReduceLayout, IndexStridesAreLogicalWhateverTheMemoryOrder) {
  // x.t() of a contiguous [3, 4] has shape [4, 3]; memory order walks its dim 0 fastest.
  Tensor x = torsh::zeros({3, 4}).t();
  auto L = layout_of(x, {}, true);
  ASSERT_EQ(L.rsize.size(), 2u);  // the logical index does not coalesce across the two dims
  EXPECT_EQ(L.rsize[0], 4);
  EXPECT_EQ(L.ridx[0], 3);
  EXPECT_EQ(L.ridx[1], 1);
  // Without index tracking memory order coalesces into one run.
  EXPECT_EQ(layout_of(x, {}).rsize.size(), 1u);
}

TEST(ReduceLayout, NothingReducedIsOneRunOfOne) {
  auto L = layout_of(torsh::zeros({5, 1}), {1});
  EXPECT_EQ(L.nred, 1);
  EXPECT_EQ(L.nkept, 5);
  EXPECT_EQ(L.rsize[0], 1);
}

TEST(Reduce, ThreadCountDoesNotChangeIntegerResults) {
  Tensor x = torsh::randint(-100, 100, {3, 50001});
  const int saved = get_num_threads();
  std::vector<Tensor> r;
  for (int nt : {1, 2, 3}) {
    set_num_threads(nt);
    r.push_back(torsh::stack({x.sum(), x.sum(std::vector<int64_t>{1}).sum(),
                              x.t().sum(std::vector<int64_t>{0}).sum(), x.argmax(), x.argmin()}));
  }
  set_num_threads(saved);
  EXPECT_TRUE(torsh::equal(r[0], r[1]));
  EXPECT_TRUE(torsh::equal(r[0], r[2]));
}

TEST(Reduce, MultiOutputOutVariantsWriteIntoTheGivenTensors) {
  // libtorch's spelling: sort_out(values, indices, self, dim, descending); the results go into
  // the given tensors (resized), the returned references are theirs.
  Tensor x = torsh::tensor(std::vector<float>{3, 1, 2, 0, 5, 4}).reshape({2, 3});
  Tensor v = torsh::empty({0}), i = torsh::empty({0}, TensorOptions(kLong));
  auto r = torsh::sort_out(v, i, x, 1, false);
  EXPECT_TRUE(std::get<0>(r).is_same(v));
  EXPECT_TRUE(torsh::equal(v, std::get<0>(torsh::sort(x, 1))));
  EXPECT_TRUE(torsh::equal(i, std::get<1>(torsh::sort(x, 1))));
  torsh::max_out(v, i, x, 0, false);
  EXPECT_EQ(v.sizes().vec(), (std::vector<int64_t>{3}));
  Tensor wrong = torsh::empty({0}, TensorOptions(kDouble));
  EXPECT_THROW(torsh::topk_out(wrong, i, x, 2), Error);
}
