// Memory formats: channels-last strides, the contiguity checks per format and torch's
// suggest_memory_format, with torch's rules for ambiguous (size-1) dims.
#include <algorithm>

#include "core/strides.h"
#include "torsh/core/tensor.h"

namespace torsh {

const char* memory_format_name(MemoryFormat f) {
  switch (f) {
    case MemoryFormat::Contiguous:
      return "Contiguous";
    case MemoryFormat::Preserve:
      return "Preserve";
    case MemoryFormat::ChannelsLast:
      return "ChannelsLast";
    case MemoryFormat::ChannelsLast3d:
      return "ChannelsLast3d";
  }
  return "Unknown";
}

namespace detail {

namespace {
// The dims of a channels-last tensor from fastest to slowest: C, then the spatial dims from
// the last, then N.
constexpr int64_t kOrder2d[] = {1, 3, 2, 0};
constexpr int64_t kOrder3d[] = {1, 4, 3, 2, 0};

IntArrayRef order_of(MemoryFormat f) {
  return f == MemoryFormat::ChannelsLast ? IntArrayRef(kOrder2d, 4) : IntArrayRef(kOrder3d, 5);
}

// torch's is_channels_last_strides_2d/3d: the strides order the dims as channels-last would.
bool strides_like(IntArrayRef sizes, IntArrayRef strides, MemoryFormat f) {
  const size_t rank = f == MemoryFormat::ChannelsLast ? 4 : 5;
  if (sizes.size() != rank || strides[1] == 0) return false;  // a trivial C: NCHW by default
  int64_t min = 0;
  for (int64_t d : order_of(f)) {
    const auto i = static_cast<size_t>(d);
    if (sizes[i] == 0 || strides[i] < min) return false;
    // N111 (or a W-sliced N11W) tensor with equal strides is ambiguous: contiguous wins.
    if (d == 0 && min == strides[1]) return false;
    min = strides[i];
    if (sizes[i] > 1) min *= sizes[i];
  }
  return true;
}
}  // namespace

SizeVec strides_for_format(IntArrayRef sizes, MemoryFormat f) {
  TORSH_CHECK(f != MemoryFormat::Preserve, "unsupported memory format ", f);
  switch (f) {
    case MemoryFormat::ChannelsLast:
    case MemoryFormat::ChannelsLast3d: {
      const bool two = f == MemoryFormat::ChannelsLast;
      TORSH_CHECK(sizes.size() == (two ? 4u : 5u), "required rank ", two ? 4 : 5, " tensor to use ",
                  two ? "channels_last" : "channels_last_3d", " format");
      // As torch: the products of the sizes themselves (an empty dim gives zero strides).
      SizeVec st(sizes.size());
      int64_t acc = 1;
      for (int64_t d : order_of(f)) {
        st[static_cast<size_t>(d)] = acc;
        acc = static_cast<int64_t>(static_cast<uint64_t>(acc) *
                                   static_cast<uint64_t>(sizes[static_cast<size_t>(d)]));
      }
      return st;
    }
    default:
      return contiguous_strides(sizes);
  }
}

bool is_contiguous_as(IntArrayRef sizes, IntArrayRef strides, MemoryFormat f) {
  if (f != MemoryFormat::ChannelsLast && f != MemoryFormat::ChannelsLast3d) {
    int64_t expected = 1;  // row-major; size-1 dims take any stride, an empty tensor is dense
    bool ok = true;
    for (size_t i = sizes.size(); i-- > 0;) {
      if (sizes[i] == 0) return true;
      if (sizes[i] == 1) continue;
      ok = ok && strides[i] == expected;
      expected *= sizes[i];
    }
    return ok;
  }
  if (sizes.size() != (f == MemoryFormat::ChannelsLast ? 4u : 5u)) return false;
  int64_t expected = 1;
  for (int64_t d : order_of(f)) {
    const auto i = static_cast<size_t>(d);
    if (sizes[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= sizes[i];
  }
  return true;
}

MemoryFormat suggest_memory_format(IntArrayRef sizes, IntArrayRef strides) {
  if (strides_like(sizes, strides, MemoryFormat::ChannelsLast)) return MemoryFormat::ChannelsLast;
  if (strides_like(sizes, strides, MemoryFormat::ChannelsLast3d)) {
    return MemoryFormat::ChannelsLast3d;
  }
  return MemoryFormat::Contiguous;
}

bool is_non_overlapping_and_dense(IntArrayRef sz, IntArrayRef st) {
  const auto nd = static_cast<int64_t>(sz.size());
  if (nd == 1) return sz[0] < 2 || st[0] == 1;
  SizeVec perm(static_cast<size_t>(nd));
  for (int64_t i = 0; i < nd; ++i) perm[i] = i;
  // Dims of size < 2 go last (they end the check); the others by increasing stride.
  std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    if (sz[a] < 2) return false;
    if (sz[b] < 2) return true;
    return st[a] < st[b];
  });
  int64_t want = 1;
  for (int64_t d : perm) {
    if (sz[d] < 2) return true;
    if (st[d] != want) return false;
    want *= sz[d];
  }
  return true;
}

}  // namespace detail

bool Tensor::is_contiguous(MemoryFormat memory_format) const {
  if (memory_format == MemoryFormat::ChannelsLast ||
      memory_format == MemoryFormat::ChannelsLast3d) {
    return detail::is_contiguous_as(sizes(), strides(), memory_format);
  }
  return is_contiguous();
}

MemoryFormat Tensor::suggest_memory_format() const {
  return detail::suggest_memory_format(sizes(), strides());
}

bool Tensor::is_non_overlapping_and_dense() const {
  return is_contiguous() || detail::is_non_overlapping_and_dense(sizes(), strides());
}

}  // namespace torsh
