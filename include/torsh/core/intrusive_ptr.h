#pragma once
// Intrusive reference counting for TensorImpl and StorageImpl.
#include <atomic>
#include <cstddef>
#include <utility>

namespace torsh {

/// Base class carrying the reference count.
class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  virtual ~RefCounted() = default;
  void incref() const { refcount_.fetch_add(1, std::memory_order_relaxed); }
  bool decref() const { return refcount_.fetch_sub(1, std::memory_order_acq_rel) == 1; }
  size_t use_count() const { return refcount_.load(std::memory_order_relaxed); }

 private:
  mutable std::atomic<size_t> refcount_{0};
};

/// Owning pointer to a RefCounted object.
template <typename T>
class IntrusivePtr {
 public:
  IntrusivePtr() = default;
  explicit IntrusivePtr(T* p) : p_(p) {
    if (p_) p_->incref();
  }
  IntrusivePtr(const IntrusivePtr& o) : p_(o.p_) {
    if (p_) p_->incref();
  }
  IntrusivePtr(IntrusivePtr&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  IntrusivePtr& operator=(const IntrusivePtr& o) {
    IntrusivePtr(o).swap(*this);
    return *this;
  }
  IntrusivePtr& operator=(IntrusivePtr&& o) noexcept {
    IntrusivePtr(std::move(o)).swap(*this);
    return *this;
  }
  ~IntrusivePtr() { reset(); }
  void reset() {
    if (p_ && p_->decref()) delete p_;
    p_ = nullptr;
  }
  void swap(IntrusivePtr& o) noexcept { std::swap(p_, o.p_); }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  size_t use_count() const { return p_ ? p_->use_count() : 0; }
  bool operator==(const IntrusivePtr& o) const { return p_ == o.p_; }

 private:
  T* p_ = nullptr;
};

namespace detail {
/// Per-thread free list of fixed-size objects: TensorImpl and StorageImpl are created and
/// destroyed on every op, and malloc/free was a third of the per-op cost.
void* pool_allocate(size_t size);
void pool_deallocate(void* p, size_t size) noexcept;
}  // namespace detail

/// Mixin giving a class pooled operator new/delete.
template <typename Derived>
struct Pooled {
  static void* operator new(size_t size) { return detail::pool_allocate(size); }
  static void operator delete(void* p, size_t size) noexcept { detail::pool_deallocate(p, size); }
};

template <typename T, typename... Args>
IntrusivePtr<T> make_intrusive(Args&&... args) {
  return IntrusivePtr<T>(new T(std::forward<Args>(args)...));
}

}  // namespace torsh
