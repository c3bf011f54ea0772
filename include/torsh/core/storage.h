#pragma once
// Storage: a refcounted byte buffer shared by a tensor and all its views.
#include <cstddef>
#include <cstdint>

#include "torsh/core/grad_mode.h"
#include "torsh/core/intrusive_ptr.h"

namespace torsh {

/// Frees external memory (e.g. a numpy array's) when a Storage that wraps it dies.
using DeleterFn = void (*)(void* ctx);

/// 64-byte-aligned bytes from the caching CPU allocator, or external memory torsh never owns.
class StorageImpl : public RefCounted, public Pooled<StorageImpl> {
 public:
  /// Allocates nbytes from the caching allocator; they return to it when the storage dies.
  explicit StorageImpl(size_t nbytes);
  /// Wraps external memory. When the storage dies, deleter(ctx) runs if given, and nothing
  /// else: the memory never enters the allocator (libtorch's from_blob semantics).
  StorageImpl(void* data, size_t nbytes, DeleterFn deleter, void* ctx);
  ~StorageImpl() override;
  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  /// Reallocates to at least nbytes, keeping the contents; every view sees the new bytes.
  /// External memory cannot grow: raises "Trying to resize storage that is not resizable".
  void grow(size_t nbytes);
  /// Whether the bytes came from (and go back to) torsh's allocator.
  bool owned() const { return owned_; }
  /// Version counter shared by every view of this storage: bumped by in-place writes, checked
  /// by autograd's saved tensors.
  uint32_t version() const { return version_; }
  /// Counts an in-place write, unless an op's implementation makes it (detail::OpDepth).
  void bump_version() {
    if (detail::OpDepth::get() == 0) {
      check_write();
      ++version_;
    }
  }
  /// Whether this is an inference tensor's storage (allocated under InferenceMode).
  bool is_inference() const { return inference_; }
  /// Raises torch's error for a user's in-place write to an inference tensor outside inference
  /// mode; in-place ops call it before writing.
  void check_write() const {
    if (inference_) check_inference_write();
  }

 private:
  void check_inference_write() const;
  uint32_t version_ = 0;
  bool inference_ = InferenceMode::is_enabled();
  bool owned_ = false;
  void* data_;
  size_t nbytes_;
  DeleterFn deleter_ = nullptr;
  void* ctx_ = nullptr;
};
using Storage = IntrusivePtr<StorageImpl>;

/// CPU allocator with a bounded cache of freed blocks (docs/memory.md).
///
/// Policy: blocks of up to 4 KiB are cached per thread (at most 32 per 64-byte size class).
/// Other freed blocks (larger ones, or small ones finding their thread's cache full) go to one
/// shared cache that holds at most
///     min(limit, max(floor, ratio * live_bytes()) + adaptive)
/// bytes, where live_bytes() counts the blocks over 4 KiB currently in use and adaptive grows
/// by a block's size each time a block given back to the OS is asked for again soon after
/// (shrinking to what each window of 4096 large allocations needed, and to 0 when nothing is
/// live). A free that would
/// exceed the bound first returns the least recently freed blocks to the OS (a block larger
/// than the bound itself goes straight back). Blocks of 1 MiB and more are mmap'd, so their
/// pages return to the OS when released. Defaults: ratio 1, floor 32 MiB, limit 2 GiB; the
/// environment variables TORSH_CACHE_RATIO, TORSH_CACHE_FLOOR and TORSH_CACHE_LIMIT (bytes,
/// or with a K/M/G suffix) set them at start-up. So after every tensor is freed at most the
/// floor stays cached, while a loop whose temporaries are no larger than what it keeps alive
/// reuses them without page faults.
namespace allocator {
/// Returns a 64-byte-aligned block of at least nbytes.
void* allocate(size_t nbytes);
/// Returns the block to the cache, or to the system when the cache's bound does not allow it.
void deallocate(void* p, size_t nbytes);
/// Frees every cached block (torch.cuda.empty_cache's CPU counterpart): the shared cache and
/// the calling thread's small-block cache.
void empty_cache();
/// Bytes currently held in the shared cache, free for reuse.
size_t cached_bytes();
/// Bytes of blocks over 4 KiB currently handed out: the live term of the cache bound.
size_t live_bytes();
/// Sets the absolute bound on cached bytes (TORSH_CACHE_LIMIT; default 2 GiB).
void set_cache_limit(size_t bytes);
/// Sets the relative bound: at most max(floor_bytes, ratio * live_bytes()) cached, plus the
/// learnt allowance while ratio > 0 (TORSH_CACHE_RATIO, TORSH_CACHE_FLOOR; defaults 1 and
/// 32 MiB). Resets the allowance.
void set_cache_ratio(double ratio, size_t floor_bytes);
}  // namespace allocator

/// Frees every cached block of the CPU allocator.
inline void empty_cache() { allocator::empty_cache(); }

}  // namespace torsh
