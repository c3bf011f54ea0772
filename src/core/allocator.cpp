// Caching CPU allocator: freed blocks are kept in size buckets and handed out again, so large
// temporaries do not pay fresh page faults on every op. The cache is bounded.
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <vector>

#include "torsh/core/error.h"
#include "torsh/core/storage.h"

namespace torsh {
namespace {

constexpr size_t kAlign = 64;

// Rounds to a bucket: multiples of 64 B below 4 KiB, then 8 steps per power of two, so that
// reuse wastes at most 12.5%.
size_t bucket_size(size_t n) {
  if (n <= 4096) return (n + kAlign - 1) & ~(kAlign - 1);
  size_t p = size_t(1) << (63 - __builtin_clzll(n));
  size_t step = p / 8;
  return (n + step - 1) / step * step;
}

struct Cache {
  std::mutex mu;
  std::map<size_t, std::vector<void*>> free_blocks;
  size_t cached = 0;
  size_t limit = size_t(2) << 30;

  ~Cache() { release_all(); }
  void release_all() {
    std::lock_guard<std::mutex> g(mu);
    for (auto& [sz, v] : free_blocks)
      for (void* p : v) std::free(p);
    free_blocks.clear();
    cached = 0;
  }
};

Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: storages may die during static teardown
  return *c;
}

// Small blocks (<= 4 KiB) also get a per-thread cache: no lock on the per-op hot path.
constexpr size_t kSmallMax = 4096;
constexpr size_t kSmallBuckets = kSmallMax / kAlign;
constexpr int kSmallPerBucket = 32;

struct SmallCache {
  void* blocks[kSmallBuckets][kSmallPerBucket];
  int count[kSmallBuckets] = {};
  bool alive = true;  // blocks freed during thread teardown go to the shared cache
  ~SmallCache() {
    alive = false;
    for (size_t b = 0; b < kSmallBuckets; ++b)
      for (int i = 0; i < count[b]; ++i) std::free(blocks[b][i]);
  }
  void release() {
    for (size_t b = 0; b < kSmallBuckets; ++b) {
      for (int i = 0; i < count[b]; ++i) std::free(blocks[b][i]);
      count[b] = 0;
    }
  }
};
thread_local SmallCache t_small;

// Large blocks are 2 MiB aligned and marked for transparent huge pages: a fresh 64 MiB tensor
// then costs 32 page faults instead of 16384, and fewer TLB misses when streamed.
constexpr size_t kHuge = size_t(2) << 20;
void* system_alloc(size_t sz) {
  if (sz < 8 * kHuge) return std::aligned_alloc(kAlign, sz);
  void* p = std::aligned_alloc(kHuge, (sz + kHuge - 1) / kHuge * kHuge);
  if (p) madvise(p, (sz + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);
  return p;
}

}  // namespace

namespace detail {
namespace {
// Objects of up to 256 bytes, in 32-byte classes, at most 64 cached per class and thread.
constexpr size_t kPoolClass = 32, kPoolClasses = 8, kPoolDepth = 64;
struct ObjectPool {
  void* items[kPoolClasses][kPoolDepth];
  size_t count[kPoolClasses] = {};
  bool alive = true;  // objects freed during thread teardown bypass the pool
  ~ObjectPool() {
    alive = false;
    for (size_t c = 0; c < kPoolClasses; ++c)
      for (size_t i = 0; i < count[c]; ++i) ::operator delete(items[c][i]);
  }
};
thread_local ObjectPool t_pool;
}  // namespace

void* pool_allocate(size_t size) {
  const size_t c = (size - 1) / kPoolClass;
  if (c < kPoolClasses && t_pool.count[c] > 0) return t_pool.items[c][--t_pool.count[c]];
  return ::operator new(c < kPoolClasses ? (c + 1) * kPoolClass : size);
}

void pool_deallocate(void* p, size_t size) noexcept {
  const size_t c = (size - 1) / kPoolClass;
  if (c < kPoolClasses && t_pool.alive && t_pool.count[c] < kPoolDepth) {
    t_pool.items[c][t_pool.count[c]++] = p;
    return;
  }
  ::operator delete(p);
}
}  // namespace detail

namespace allocator {

void* allocate(size_t nbytes) {
  size_t sz = bucket_size(nbytes == 0 ? 1 : nbytes);
  if (sz <= kSmallMax) {
    const size_t b = sz / kAlign - 1;
    if (t_small.count[b] > 0) return t_small.blocks[b][--t_small.count[b]];
  }
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> g(c.mu);
    auto it = c.free_blocks.find(sz);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.cached -= sz;
      return p;
    }
  }
  void* p = system_alloc(sz);
  if (!p) {
    empty_cache();
    p = system_alloc(sz);
  }
  TORSH_CHECK(p != nullptr,
              "allocate(): DefaultCPUAllocator: can't allocate memory: you tried to allocate ",
              nbytes, " bytes.");
  return p;
}

void deallocate(void* p, size_t nbytes) {
  if (!p) return;
  size_t sz = bucket_size(nbytes == 0 ? 1 : nbytes);
  if (sz <= kSmallMax) {
    const size_t b = sz / kAlign - 1;
    if (t_small.alive && t_small.count[b] < kSmallPerBucket) {
      t_small.blocks[b][t_small.count[b]++] = p;
      return;
    }
  }
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> g(c.mu);
    if (c.cached + sz <= c.limit) {
      c.free_blocks[sz].push_back(p);
      c.cached += sz;
      return;
    }
  }
  std::free(p);
}

void empty_cache() {
  t_small.release();
  cache().release_all();
}

size_t cached_bytes() {
  std::lock_guard<std::mutex> g(cache().mu);
  return cache().cached;
}

void set_cache_limit(size_t bytes) {
  {
    std::lock_guard<std::mutex> g(cache().mu);
    cache().limit = bytes;
  }
  if (cached_bytes() > bytes) empty_cache();
}

}  // namespace allocator

StorageImpl::StorageImpl(size_t nbytes)
    : owned_(true), data_(allocator::allocate(nbytes)), nbytes_(nbytes) {}

StorageImpl::StorageImpl(void* data, size_t nbytes, DeleterFn deleter, void* ctx)
    : data_(data), nbytes_(nbytes), deleter_(deleter), ctx_(ctx) {}

StorageImpl::~StorageImpl() {
  if (owned_) {
    allocator::deallocate(data_, nbytes_);
  } else if (deleter_) {
    deleter_(ctx_);
  }
}

}  // namespace torsh
