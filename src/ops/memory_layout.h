#pragma once
// Allocation in a memory format, shared by the creation ops, clone and _to_copy; arange's length.
#include <optional>

#include "torsh/core/tensor.h"

namespace torsh::native {

/// An uninitialised tensor of these sizes, dense in format f (Contiguous, ChannelsLast(3d)).
Tensor empty_in_format(IntArrayRef sizes, ScalarType dtype, MemoryFormat f);
/// torch's empty_like layout: Preserve (the default) keeps a dense tensor's strides and gives
/// others self.suggest_memory_format(); any other format is allocated as asked.
Tensor empty_like_in_format(const Tensor& self, ScalarType dtype,
                            std::optional<MemoryFormat> memory_format);

/// arange's element count for a result of dtype dt, after torch's checks of the bounds and step
/// (shared by arange and its out= form, which fills a contiguous out in place).
int64_t arange_length(const Scalar& start, const Scalar& end, const Scalar& step, ScalarType dt);

}  // namespace torsh::native
