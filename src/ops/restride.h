#pragma once
// A view of t's storage with other sizes and strides (element strides, t's offset); unchecked:
// the callers (indexing, gather/scatter) build restrided operands for TensorIter themselves.
#include "torsh/core/tensor.h"

namespace torsh::detail {

inline Tensor restride(const Tensor& t, IntArrayRef sizes, IntArrayRef strides) {
  return Tensor(make_intrusive<TensorImpl>(t.unsafeGetTensorImpl()->storage(), t.dtype(), sizes,
                                           strides, t.storage_offset()));
}

}  // namespace torsh::detail
