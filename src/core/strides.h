#pragma once
// Contiguous (row-major) strides of a shape. Size-0 and size-1 dims count as 1; an empty tensor
// may have huge other dims (its strides are never used to address memory), so the product wraps
// as unsigned arithmetic instead of overflowing (undefined behaviour for int64).
#include "torsh/core/small_vector.h"

namespace torsh::detail {

inline SizeVec contiguous_strides(IntArrayRef sizes) {
  SizeVec strides(sizes.size());
  uint64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = static_cast<int64_t>(acc);
    acc *= static_cast<uint64_t>(sizes[i] > 1 ? sizes[i] : 1);
  }
  return strides;
}

}  // namespace torsh::detail
