// The C++ API of memory formats (libtorch spelling): contiguous/clone/to/empty in a format keep
// the values and give dense strides of that format; the Python tests compare the strides with
// torch's.
#include <gtest/gtest.h>

#include "torsh/torsh.h"

using namespace torsh;

namespace {
bool same_values(const Tensor& a, const Tensor& b) { return torsh::equal(a, b); }
}  // namespace

TEST(MemoryFormat, ChannelsLastRoundTrip) {
  Tensor x = torsh::randn({2, 3, 4, 5});
  Tensor cl = x.contiguous(MemoryFormat::ChannelsLast);
  EXPECT_TRUE(cl.is_contiguous(MemoryFormat::ChannelsLast));
  EXPECT_FALSE(cl.is_contiguous());
  EXPECT_EQ(cl.suggest_memory_format(), MemoryFormat::ChannelsLast);
  EXPECT_EQ(cl.stride(1), 1);
  EXPECT_TRUE(same_values(cl, x));
  EXPECT_TRUE(cl.contiguous(MemoryFormat::ChannelsLast).is_same(cl));
  Tensor back = cl.contiguous();
  EXPECT_TRUE(back.is_contiguous());
  EXPECT_TRUE(same_values(back, x));
  // Preserve (the default) keeps a dense tensor's strides; pointwise outputs follow the input.
  EXPECT_TRUE(cl.clone().is_contiguous(MemoryFormat::ChannelsLast));
  EXPECT_TRUE(cl.to(kDouble).is_contiguous(MemoryFormat::ChannelsLast));
  EXPECT_TRUE(cl.to(kDouble, false, false, MemoryFormat::Contiguous).is_contiguous());
  EXPECT_TRUE((cl * 2).is_contiguous(MemoryFormat::ChannelsLast));
  EXPECT_TRUE(torsh::empty_like(cl).is_contiguous(MemoryFormat::ChannelsLast));
  EXPECT_TRUE(torsh::empty({2, 3, 4, 5}, {}, MemoryFormat::ChannelsLast)
                  .is_contiguous(MemoryFormat::ChannelsLast));
}

TEST(MemoryFormat, ChannelsLast3dAndErrors) {
  Tensor x = torsh::randn({2, 3, 2, 4, 3});
  Tensor cl = x.contiguous(MemoryFormat::ChannelsLast3d);
  EXPECT_TRUE(cl.is_contiguous(MemoryFormat::ChannelsLast3d));
  EXPECT_EQ(cl.suggest_memory_format(), MemoryFormat::ChannelsLast3d);
  EXPECT_TRUE(same_values(cl, x));
  EXPECT_THROW(x.contiguous(MemoryFormat::ChannelsLast), Error);
  EXPECT_THROW(torsh::randn({2, 3, 4}).clone(MemoryFormat::ChannelsLast), Error);
  EXPECT_FALSE(torsh::randn({2, 3, 4}).is_contiguous(MemoryFormat::ChannelsLast));
  EXPECT_THROW(torsh::empty({2, 3}, {}, MemoryFormat::Preserve), Error);
}
