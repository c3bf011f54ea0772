#pragma once
// MemoryFormat: the dim order of a tensor's strides (libtorch's c10::MemoryFormat).
#include <cstdint>
#include <ostream>

#include "torsh/core/small_vector.h"

namespace torsh {

/// The physical layout asked of a new tensor: row-major, the source's own (clone, *_like, to),
/// or channels-last (NHWC for 4-D, NDHWC for 5-D).
enum class MemoryFormat : int8_t { Contiguous, Preserve, ChannelsLast, ChannelsLast3d };

/// "Contiguous", "Preserve", "ChannelsLast", "ChannelsLast3d" (libtorch's spelling).
const char* memory_format_name(MemoryFormat f);
inline std::ostream& operator<<(std::ostream& os, MemoryFormat f) {
  return os << memory_format_name(f);
}

namespace detail {
/// Strides of a dense tensor of these sizes in format f (Contiguous, ChannelsLast or
/// ChannelsLast3d); throws torch's "required rank 4 tensor to use channels_last format" for a
/// wrong rank and refuses Preserve.
SizeVec strides_for_format(IntArrayRef sizes, MemoryFormat f);
/// Whether strides are those of a dense tensor in format f (torch's is_contiguous(memory_format)).
bool is_contiguous_as(IntArrayRef sizes, IntArrayRef strides, MemoryFormat f);
/// torch's suggest_memory_format(): ChannelsLast(3d) when the strides order dims that way.
MemoryFormat suggest_memory_format(IntArrayRef sizes, IntArrayRef strides);
/// Whether the elements fill their span exactly once in some dim order (torch's rule).
bool is_non_overlapping_and_dense(IntArrayRef sizes, IntArrayRef strides);
}  // namespace detail

}  // namespace torsh
