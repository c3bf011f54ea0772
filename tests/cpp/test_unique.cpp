// unique, unique_consecutive, bincount and the histograms through the C++ API, against plain
// loops over the same data (values on many shapes and dtypes are checked against torch in
// tests/python/test_ops.py and test_unique.py).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "torsh/torsh.h"

using namespace torsh;

namespace {
std::vector<int64_t> longs(const Tensor& t) {
  Tensor c = t.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}
}  // namespace

TEST(Unique, SortedValuesInverseAndCountsMatchALoop) {
  Tensor x = torsh::randint(-20, 20, {7, 9});
  auto [values, inverse, counts] = torsh::unique(x, true, true, true);
  const std::vector<int64_t> in = longs(x), v = longs(values), inv = longs(inverse),
                             cnt = longs(counts);
  std::map<int64_t, int64_t> ref;
  for (int64_t e : in) ++ref[e];
  ASSERT_EQ(v.size(), ref.size());
  size_t i = 0;
  for (const auto& [value, count] : ref) {
    EXPECT_EQ(v[i], value);
    EXPECT_EQ(cnt[i], count);
    ++i;
  }
  EXPECT_EQ(inverse.sizes().vec(), x.sizes().vec());
  for (size_t k = 0; k < in.size(); ++k) EXPECT_EQ(v[static_cast<size_t>(inv[k])], in[k]);
}

TEST(Unique, AlongADimKeepsWholeSlices) {
  Tensor x = torsh::randint(0, 2, {12, 3});
  auto [rows, inverse, counts] = torsh::unique(x, true, true, true, 0);
  std::set<std::vector<int64_t>> ref;
  for (int64_t r = 0; r < 12; ++r) ref.insert(longs(x[r]));
  ASSERT_EQ(rows.sizes()[0], static_cast<int64_t>(ref.size()));
  int64_t r = 0;
  for (const auto& row : ref) EXPECT_EQ(longs(rows[r++]), row);
  EXPECT_EQ(torsh::sum(counts).item<int64_t>(), 12);
  EXPECT_TRUE(torsh::equal(rows.index_select(0, inverse), x));
}

TEST(Unique, ConsecutiveRuns) {
  Tensor x = torsh::tensor({1, 1, 2, 2, 2, 1, 3, 3});
  auto [values, inverse, counts] = torsh::unique_consecutive(x, true, true);
  EXPECT_EQ(longs(values), (std::vector<int64_t>{1, 2, 1, 3}));
  EXPECT_EQ(longs(counts), (std::vector<int64_t>{2, 3, 1, 2}));
  EXPECT_EQ(longs(inverse), (std::vector<int64_t>{0, 0, 1, 1, 1, 2, 3, 3}));
}

TEST(Bincount, CountsAndWeightsMatchALoop) {
  Tensor x = torsh::randint(0, 10, {50});
  Tensor w = torsh::rand({50}, TensorOptions().dtype(kDouble));
  const std::vector<int64_t> in = longs(x);
  std::vector<int64_t> ref(12, 0);
  std::vector<double> wref(12, 0);
  const double* wp = w.data_ptr<double>();
  for (size_t i = 0; i < in.size(); ++i) {
    ++ref[static_cast<size_t>(in[i])];
    wref[static_cast<size_t>(in[i])] += wp[i];
  }
  EXPECT_EQ(longs(torsh::bincount(x, std::nullopt, 12)), ref);
  Tensor ws = torsh::bincount(x, w, 12);
  ASSERT_EQ(ws.dtype(), kDouble);
  for (int64_t i = 0; i < 12; ++i) EXPECT_DOUBLE_EQ(ws.data_ptr<double>()[i], wref[i]);
  EXPECT_THROW(torsh::bincount(torsh::tensor({-1, 2})), Error);
}

TEST(Histogram, HistcAndHistogramCountEveryElementInRange) {
  Tensor x = torsh::randn({1000});
  Tensor h = torsh::histc(x, 10, -1, 1);
  const int64_t inside = torsh::logical_and(x >= -1, x <= 1).sum().item<int64_t>();
  EXPECT_EQ(static_cast<int64_t>(h.sum().item<double>()), inside);
  auto [hist, edges] = torsh::histogram(x, 7);
  EXPECT_EQ(static_cast<int64_t>(hist.sum().item<double>()), 1000);
  EXPECT_EQ(edges.numel(), 8);
  EXPECT_THROW(torsh::histc(x, 0), Error);
}
