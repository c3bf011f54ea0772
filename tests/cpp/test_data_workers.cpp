// DataLoaderOptions().workers(n): batches built on worker threads (each with its own copy of
// the dataset) come out as on the calling thread, in sampler order or (enforce_ordering off) as
// they finish; an exception thrown by the dataset reaches the loop; a pass restarted half way
// starts from the sampler's beginning; a timeout raises.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "torsh/torsh.h"

namespace {

namespace D = torsh::data;

// Sample i: data [i, 2i], target i; index `poison` throws; each get sleeps `delay_us`.
class Numbers : public D::datasets::Dataset<Numbers> {
 public:
  Numbers(int64_t n, int64_t poison = -1, int delay_us = 0)
      : n_(n), poison_(poison), delay_us_(delay_us) {}
  D::Example<> get(size_t index) override {
    if (static_cast<int64_t>(index) == poison_) throw std::runtime_error("bad sample");
    if (delay_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us_));
    const double i = static_cast<double>(index);
    return {torsh::tensor({i, 2 * i}), torsh::tensor(i)};
  }
  std::optional<size_t> size() const override { return static_cast<size_t>(n_); }

 private:
  int64_t n_, poison_;
  int delay_us_;
};

template <typename Loader>
std::vector<std::vector<int64_t>> targets_of(Loader& loader) {
  std::vector<std::vector<int64_t>> out;
  for (auto& batch : loader) {
    EXPECT_TRUE(torsh::equal(batch.data.select(1, 1), batch.target * 2));
    const auto t = batch.target.to(torsh::kLong).contiguous();
    out.emplace_back(t.template data_ptr<int64_t>(), t.template data_ptr<int64_t>() + t.numel());
  }
  return out;
}

TEST(DataWorkers, SameBatchesAsTheCallingThreadInSamplerOrder) {
  for (bool drop_last : {false, true}) {
    torsh::manual_seed(3);
    auto serial = D::make_data_loader(Numbers(103).map(D::transforms::Stack<>()),
                                      D::DataLoaderOptions(8).drop_last(drop_last));
    const auto expected = targets_of(*serial);
    torsh::manual_seed(3);
    auto loader = D::make_data_loader(Numbers(103, -1, 50).map(D::transforms::Stack<>()),
                                      D::DataLoaderOptions(8).workers(3).drop_last(drop_last));
    EXPECT_EQ(targets_of(*loader), expected);
    EXPECT_EQ(expected.size(), drop_last ? 12u : 13u);
  }
}

TEST(DataWorkers, UnorderedGivesEveryBatchOnce) {
  auto loader = D::make_data_loader<D::samplers::SequentialSampler>(
      Numbers(64, -1, 20).map(D::transforms::Stack<>()),
      D::DataLoaderOptions(4).workers(4).max_jobs(8).enforce_ordering(false));
  for (int pass = 0; pass < 2; ++pass) {
    auto batches = targets_of(*loader);
    ASSERT_EQ(batches.size(), 16u);
    std::set<int64_t> seen;
    for (const auto& b : batches) seen.insert(b.begin(), b.end());
    EXPECT_EQ(seen.size(), 64u);
    EXPECT_EQ(*seen.begin(), 0);
    EXPECT_EQ(*seen.rbegin(), 63);
  }
}

TEST(DataWorkers, DatasetErrorReachesTheLoop) {
  auto loader = D::make_data_loader<D::samplers::SequentialSampler>(
      Numbers(40, 17).map(D::transforms::Stack<>()), D::DataLoaderOptions(5).workers(2));
  int batches = 0;
  try {
    for (auto& batch : *loader) {
      (void)batch;
      ++batches;
    }
    FAIL() << "the dataset's exception was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "bad sample");
  }
  EXPECT_EQ(batches, 3);  // batches 0-2 come out before the one holding index 17
}

TEST(DataWorkers, RestartedPassBeginsAgainAndTimeoutRaises) {
  auto loader = D::make_data_loader<D::samplers::SequentialSampler>(
      Numbers(30, -1, 100).map(D::transforms::Stack<>()), D::DataLoaderOptions(3).workers(2));
  {
    auto it = loader->begin();
    ++it;  // stop half way, with batches in flight
  }
  const auto all = targets_of(*loader);
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all.front(), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(all.back(), (std::vector<int64_t>{27, 28, 29}));

  auto slow = D::make_data_loader<D::samplers::SequentialSampler>(
      Numbers(4, -1, 200000).map(D::transforms::Stack<>()),
      D::DataLoaderOptions(2).workers(1).timeout(std::chrono::milliseconds(20)));
  EXPECT_THROW(slow->begin(), torsh::Error);
}

}  // namespace
