#pragma once
// Helpers shared by the libFuzzer targets: turning fuzzer bytes into dims, sizes and tensors.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "torsh/torsh.h"

namespace torsh_fuzz {

/// Largest element count a target materialises (contiguous, sum): keeps memory bounded.
constexpr int64_t kMaxMaterialize = int64_t{1} << 16;

/// An int64 that is usually small (a dim, index or size) and sometimes extreme.
inline int64_t small_int(FuzzedDataProvider& p, int64_t lo, int64_t hi) {
  uint8_t mode = p.ConsumeIntegral<uint8_t>();
  if (mode < 235) return p.ConsumeIntegralInRange<int64_t>(lo, hi);
  switch (mode % 6) {
    case 0:
      return std::numeric_limits<int64_t>::max();
    case 1:
      return std::numeric_limits<int64_t>::min();
    case 2:
      return int64_t{1} << 32;
    case 3:
      return -(int64_t{1} << 31);
    case 4:
      return int64_t{1} << 62;
    default:
      return p.ConsumeIntegral<int64_t>();
  }
}

/// A list of up to max_len small ints.
inline std::vector<int64_t> int_list(FuzzedDataProvider& p, size_t max_len, int64_t lo,
                                     int64_t hi) {
  size_t n = p.ConsumeIntegralInRange<size_t>(0, max_len);
  std::vector<int64_t> v;
  for (size_t i = 0; i < n; ++i) v.push_back(small_int(p, lo, hi));
  return v;
}

/// One of torsh's dtypes.
inline torsh::ScalarType pick_dtype(FuzzedDataProvider& p) {
  static const torsh::ScalarType kTypes[] = {
      torsh::kFloat, torsh::kDouble, torsh::kLong, torsh::kInt,     torsh::kShort,
      torsh::kInt8,  torsh::kUInt8,  torsh::kBool, torsh::kFloat16, torsh::kBFloat16};
  return kTypes[p.ConsumeIntegralInRange<size_t>(0, std::size(kTypes) - 1)];
}

/// Reads every element (ASan sees any out-of-bounds view) when the tensor is small enough.
inline void touch(const torsh::Tensor& t) {
  if (!t.defined() || t.numel() > kMaxMaterialize) return;
  torsh::Tensor c = t.contiguous();
  if (t.numel() > 0) (void)c.to(torsh::kDouble).sum().item();
}

}  // namespace torsh_fuzz
