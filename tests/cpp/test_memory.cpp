// Memory ownership and the caching allocator's bound: from_blob never hands foreign memory to
// the allocator; the cache holds at most max(floor, ratio * live) plus a learnt allowance;
// in-place methods work on const tensors (libtorch's constness).
#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

#include "torsh/torsh.h"

using namespace torsh;

namespace {

constexpr size_t kMiB = size_t(1) << 20;

// Restores the default cache policy when a test changes it.
struct PolicyGuard {
  ~PolicyGuard() {
    allocator::set_cache_ratio(1.0, 32 * kMiB);
    allocator::set_cache_limit(size_t(2) << 30);
    allocator::empty_cache();
  }
};

std::vector<float> pattern(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = 0.5f * static_cast<float>(i) + 1;
  return v;
}

// Allocates enough tensors of n floats to drain every cache level (a thread's small-block
// cache holds 32 per size class) and checks that none is served the caller's buffer.
void expect_never_reused(const void* buf, int64_t n) {
  std::vector<Tensor> keep;
  for (int i = 0; i < 40; ++i) {
    keep.push_back(zeros({n}));
    EXPECT_NE(keep.back().data_ptr(), buf) << "allocation " << i << " got the caller's buffer";
    keep.push_back(ones({n}) + 1);
    EXPECT_NE(keep.back().data_ptr(), buf) << "op output " << i << " got the caller's buffer";
  }
}

}  // namespace

// One size per allocator path: 4 KiB (per-thread small-block cache) and 4 MiB (shared cache).
class FromBlob : public ::testing::TestWithParam<int64_t> {};

TEST_P(FromBlob, WithoutDeleterTheMemoryIsNeverFreedNorReused) {
  const int64_t n = GetParam();
  std::vector<float> buf = pattern(n);
  const std::vector<float> expected = buf;
  {
    Tensor t = from_blob(buf.data(), {n});
    EXPECT_EQ(t.data_ptr(), buf.data());
    EXPECT_EQ(t.dtype(), kFloat);
    Tensor view = t.view({2, n / 2}).select(0, 1);
    EXPECT_EQ(view[0].item<float>(), expected[static_cast<size_t>(n / 2)]);
  }
  expect_never_reused(buf.data(), n);
  EXPECT_EQ(buf, expected);
}

TEST_P(FromBlob, DeleterRunsExactlyOnceWhenTheLastViewDies) {
  const int64_t n = GetParam();
  std::vector<float> buf = pattern(n);
  const std::vector<float> expected = buf;
  int calls = 0;
  void* seen = nullptr;
  {
    Tensor t = from_blob(buf.data(), {n}, [&](void* p) {
      ++calls;
      seen = p;
    });
    Tensor view = t.narrow(0, 0, n / 2);
    t = Tensor();
    EXPECT_EQ(calls, 0) << "the deleter ran while a view was alive";
    EXPECT_EQ(view[n / 2 - 1].item<float>(), expected[static_cast<size_t>(n / 2 - 1)]);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, buf.data());
  expect_never_reused(buf.data(), n);
  EXPECT_EQ(buf, expected);
}

TEST_P(FromBlob, StridedAndCDeleterOverloadsNeverOwnTheMemory) {
  const int64_t n = GetParam();
  std::vector<float> buf = pattern(n);
  const std::vector<float> expected = buf;
  const int64_t rows = 4, cols = n / 4;
  {
    // Column-major view: element (i, j) is buf[i + rows * j].
    Tensor t = from_blob(buf.data(), {rows, cols}, {1, rows});
    EXPECT_FALSE(t.is_contiguous());
    EXPECT_EQ(t[3][2].item<float>(), expected[3 + 4 * 2]);
  }
  int calls = 0;
  {
    Tensor t = from_blob(
        buf.data(), {rows, cols}, {1, rows}, [&](void*) { ++calls; }, kFloat);
    Tensor c = t.contiguous();
  }
  EXPECT_EQ(calls, 1);
  int c_calls = 0;
  {
    Tensor t = from_blob(
        buf.data(), {n}, {1}, kFloat, [](void* ctx) { ++*static_cast<int*>(ctx); }, &c_calls);
  }
  EXPECT_EQ(c_calls, 1);
  expect_never_reused(buf.data(), n);
  EXPECT_EQ(buf, expected);
}

INSTANTIATE_TEST_SUITE_P(SmallAndLarge, FromBlob, ::testing::Values(1024, int64_t(1) << 20));

TEST(FromBlobOptions, DtypeAndRequiresGrad) {
  std::vector<double> buf = {1.5, -2.0, 4.0};
  Tensor t = from_blob(buf.data(), {3}, dtype(kDouble).requires_grad(true));
  EXPECT_EQ(t.dtype(), kDouble);
  EXPECT_TRUE(t.requires_grad());
  EXPECT_TRUE(t.is_leaf());
  EXPECT_EQ(t[1].item<double>(), buf[1]);
  std::vector<int64_t> empty;
  Tensor e = from_blob(empty.data(), {0, 3}, kLong);
  EXPECT_EQ(e.numel(), 0);
}

TEST(Allocator, FreedBlocksBeyondTheBoundGoBackToTheSystem) {
  PolicyGuard restore;
  allocator::empty_cache();
  allocator::set_cache_ratio(1.0, 32 * kMiB);
  const size_t live0 = allocator::live_bytes();
  ASSERT_EQ(live0, 0u) << "a tensor over 4 KiB outlived an earlier test";
  void* big = allocator::allocate(64 * kMiB);
  EXPECT_EQ(allocator::live_bytes(), 64 * kMiB);
  allocator::deallocate(big, 64 * kMiB);  // nothing live: bound = floor < 64 MiB
  EXPECT_EQ(allocator::live_bytes(), 0u);
  EXPECT_EQ(allocator::cached_bytes(), 0u);
  void* small = allocator::allocate(8 * kMiB);
  allocator::deallocate(small, 8 * kMiB);  // within the floor: kept
  EXPECT_EQ(allocator::cached_bytes(), 8 * kMiB);
  allocator::set_cache_ratio(1.0, 0);  // lowering the bound trims at once
  EXPECT_EQ(allocator::cached_bytes(), 0u);
}

TEST(Allocator, BoundFollowsLiveBytesAndEvictsLeastRecentlyFreed) {
  PolicyGuard restore;
  allocator::empty_cache();
  allocator::set_cache_ratio(1.0, 0);
  ASSERT_EQ(allocator::live_bytes(), 0u);
  const size_t keep_sz = 4 * kMiB, x_sz = 2 * kMiB, y_sz = 5 * kMiB / 2, z_sz = 3 * kMiB;
  void* keep = allocator::allocate(keep_sz);
  void* x = allocator::allocate(x_sz);
  void* y = allocator::allocate(y_sz);
  void* z = allocator::allocate(z_sz);
  allocator::deallocate(x, x_sz);
  EXPECT_EQ(allocator::cached_bytes(), x_sz);
  allocator::deallocate(y, y_sz);
  EXPECT_EQ(allocator::cached_bytes(), x_sz + y_sz);
  // Now live is keep_sz: z fits only after x and y (freed earlier) are evicted.
  allocator::deallocate(z, z_sz);
  EXPECT_EQ(allocator::live_bytes(), keep_sz);
  EXPECT_EQ(allocator::cached_bytes(), z_sz);
  void* z2 = allocator::allocate(z_sz);
  EXPECT_EQ(z2, z);
  EXPECT_EQ(allocator::cached_bytes(), 0u);
  allocator::deallocate(z2, z_sz);
  allocator::deallocate(keep, keep_sz);  // nothing live, floor 0: everything goes back
  EXPECT_EQ(allocator::cached_bytes(), 0u);
  EXPECT_EQ(allocator::live_bytes(), 0u);
}

TEST(Allocator, RecurringShapesOfALoopHitTheCache) {
  allocator::empty_cache();
  Tensor x = ones({int64_t(1) << 24});  // 64 MiB live: a 64 MiB temporary may stay cached
  void* first = nullptr;
  for (int step = 0; step < 4; ++step) {
    Tensor y = x + 1;
    if (step == 0) first = y.data_ptr();
    EXPECT_EQ(y.data_ptr(), first) << "step " << step << " missed the cache";
  }
  EXPECT_GE(allocator::cached_bytes(), size_t(64) * kMiB);
  x = Tensor();  // the last live tensor: the cached block goes back too
  EXPECT_LT(allocator::cached_bytes(), size_t(64) * kMiB);
}

TEST(Allocator, ReRequestedBlocksRaiseTheBoundUntilNothingIsLive) {
  // A step whose temporaries (3 x 16 MiB) dwarf what it keeps alive (4 MiB) over a floor of
  // 8 MiB: the first step's blocks go back to the OS, the next steps ask for them again, and
  // from then on the step runs from the cache without calls to the system.
  PolicyGuard restore;
  allocator::empty_cache();
  allocator::set_cache_ratio(1.0, 8 * kMiB);
  ASSERT_EQ(allocator::live_bytes(), 0u);
  const size_t keep_sz = 4 * kMiB, t_sz = 16 * kMiB;
  void* keep = allocator::allocate(keep_sz);
  int from_cache = 0;
  for (int step = 0; step < 6; ++step) {
    void* t[3];
    const size_t before = allocator::cached_bytes();
    for (void*& p : t) p = allocator::allocate(t_sz);
    // all three came from the cache when its content shrank by them
    if (step >= 4 && before >= 3 * t_sz && allocator::cached_bytes() == before - 3 * t_sz) {
      ++from_cache;
    }
    for (void* p : t) allocator::deallocate(p, t_sz);
  }
  EXPECT_EQ(from_cache, 2) << "steps 5 and 6 should run wholly from the cache";
  EXPECT_GE(allocator::cached_bytes(), 3 * t_sz);
  allocator::deallocate(keep, keep_sz);  // nothing live: the allowance goes, back to the floor
  EXPECT_LE(allocator::cached_bytes(), 8 * kMiB);
  // A block asked for once and freed (nothing re-requested) stays under the plain bound.
  void* once = allocator::allocate(64 * kMiB);
  allocator::deallocate(once, 64 * kMiB);
  EXPECT_LE(allocator::cached_bytes(), 8 * kMiB);
}

// libtorch declares in-place methods const (they change the data, not the handle), so they
// work through grad()'s const reference; operator+= and friends are non-const there and here.
static_assert(std::is_same_v<decltype(std::declval<const Tensor&>().zero_()), Tensor&>);
static_assert(std::is_same_v<decltype(std::declval<const Tensor&>().fill_(1)), Tensor&>);
static_assert(std::is_same_v<decltype(std::declval<const Tensor&>().copy_(Tensor())), Tensor&>);
static_assert(std::is_same_v<decltype(std::declval<const Tensor&>().detach_()), Tensor&>);
static_assert(
    std::is_same_v<decltype(std::declval<const Tensor&>().requires_grad_()), const Tensor&>);
static_assert(
    std::is_same_v<decltype(std::declval<const Tensor&>().set_requires_grad(true)), const Tensor&>);
static_assert(std::is_same_v<decltype(std::declval<const Tensor&>().resize_({2})), const Tensor&>);

TEST(ConstInPlace, GradZeroAfterBackward) {
  Tensor w = rand({3}, dtype(kDouble).requires_grad(true));
  (w * w).sum().backward();
  const Tensor expected = w.detach() * 2;
  EXPECT_TRUE(equal(w.grad(), expected));
  w.grad().zero_();
  EXPECT_TRUE(equal(w.grad(), zeros_like(expected)));
  w.grad().fill_(0.25);
  EXPECT_TRUE(equal(w.grad(), full_like(expected, 0.25)));
  w.grad().copy_(expected);
  w.grad().add_(1);
  EXPECT_TRUE(equal(w.grad(), expected + 1));
  // The next backward accumulates into the same (const-reference-modified) gradient.
  (w * w).sum().backward();
  EXPECT_TRUE(allclose(w.grad(), expected * 2 + 1));
}

TEST(ConstInPlace, FlagsAndResizeOnConstTensors) {
  const Tensor a = ones({2, 2});
  a.requires_grad_();
  EXPECT_TRUE(a.requires_grad());
  a.set_requires_grad(false);
  EXPECT_FALSE(a.requires_grad());
  const Tensor leaf = ones({2}).requires_grad_();
  const Tensor y = leaf * 3;
  EXPECT_FALSE(y.is_leaf());
  y.detach_();
  EXPECT_TRUE(y.is_leaf());
  EXPECT_FALSE(y.requires_grad());
  const Tensor r = arange(6);
  r.resize_({2, 2});
  EXPECT_EQ(r.sizes().vec(), (std::vector<int64_t>{2, 2}));
}
