#pragma once
// Checks shared by the index_* ops (index_add_, index_reduce_): a vector index of int32/int64
// and a source of self's dtype, with torch's messages naming op.
#include "torsh/core/tensor.h"

namespace torsh::detail {
void check_index_source(const char* op, const Tensor& self, const Tensor& index,
                        const Tensor& source);
}  // namespace torsh::detail
