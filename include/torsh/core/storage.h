#pragma once
// Storage: a refcounted byte buffer shared by a tensor and all its views.
#include <cstddef>
#include <cstdint>

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
  /// Whether the bytes came from (and go back to) torsh's allocator.
  bool owned() const { return owned_; }
  /// Version counter shared by every view of this storage: bumped by in-place writes, checked
  /// by autograd's saved tensors.
  uint32_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  uint32_t version_ = 0;
  bool owned_ = false;
  void* data_;
  size_t nbytes_;
  DeleterFn deleter_ = nullptr;
  void* ctx_ = nullptr;
};
using Storage = IntrusivePtr<StorageImpl>;

/// CPU allocator: size-bucketed cache of freed blocks, bounded in total cached bytes.
namespace allocator {
/// Returns a 64-byte-aligned block of at least nbytes.
void* allocate(size_t nbytes);
/// Returns the block to the cache (or to the system when the cache is full).
void deallocate(void* p, size_t nbytes);
/// Frees every cached block (torch.cuda.empty_cache's CPU counterpart).
void empty_cache();
/// Bytes currently held in the cache, free for reuse.
size_t cached_bytes();
/// Sets the bound on cached bytes (default 2 GiB).
void set_cache_limit(size_t bytes);
}  // namespace allocator

/// Frees every cached block of the CPU allocator.
inline void empty_cache() { allocator::empty_cache(); }

}  // namespace torsh
