#pragma once
// A vector of int64 with inline storage for up to kInline elements (sizes and strides).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace torsh {

/// Non-owning view of int64 values (c10::IntArrayRef).
class IntArrayRef {
 public:
  IntArrayRef() = default;
  IntArrayRef(const int64_t* d, size_t n) : data_(d), size_(n) {}
  IntArrayRef(const std::vector<int64_t>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  // Like c10::IntArrayRef: valid for the full expression that holds the braced list.
  IntArrayRef(std::initializer_list<int64_t> l) : data_(l.begin()), size_(l.size()) {}  // NOLINT
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  IntArrayRef(const int64_t& single) : data_(&single), size_(1) {}  // NOLINT
  const int64_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }
  int64_t operator[](size_t i) const { return data_[i]; }
  int64_t back() const { return data_[size_ - 1]; }
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }
  bool equals(IntArrayRef o) const {
    return size_ == o.size_ && std::equal(begin(), end(), o.begin());
  }

 private:
  const int64_t* data_ = nullptr;
  size_t size_ = 0;
};

/// Small vector of int64: allocates only above kInline elements.
class SizeVec {
 public:
  static constexpr size_t kInline = 6;
  SizeVec() = default;
  explicit SizeVec(size_t n, int64_t v = 0) { resize(n, v); }
  SizeVec(IntArrayRef r) { assign(r.data(), r.size()); }  // NOLINT
  SizeVec(std::initializer_list<int64_t> l) { assign(l.begin(), l.size()); }
  SizeVec(const SizeVec& o) { assign(o.data(), o.size()); }
  SizeVec(SizeVec&& o) noexcept { move_from(o); }
  SizeVec& operator=(const SizeVec& o) {
    if (this != &o) assign(o.data(), o.size());
    return *this;
  }
  SizeVec& operator=(SizeVec&& o) noexcept {
    if (this != &o) {
      release();
      move_from(o);
    }
    return *this;
  }
  ~SizeVec() { release(); }

  int64_t* data() { return heap_ ? heap_ : inline_; }
  const int64_t* data() const { return heap_ ? heap_ : inline_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + size_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + size_; }
  int64_t& back() { return data()[size_ - 1]; }
  operator IntArrayRef() const { return IntArrayRef(data(), size_); }  // NOLINT
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }

  void reserve(size_t n) {
    if (n <= cap()) return;
    int64_t* p = static_cast<int64_t*>(std::malloc(n * sizeof(int64_t)));
    if (size_) std::memcpy(p, data(), size_ * sizeof(int64_t));
    std::free(heap_);
    heap_ = p;
    heap_cap_ = n;
  }
  void resize(size_t n, int64_t v = 0) {
    reserve(n);
    for (size_t i = size_; i < n; ++i) data()[i] = v;
    size_ = n;
  }
  void push_back(int64_t v) {
    if (size_ == cap()) reserve(cap() * 2);
    data()[size_++] = v;
  }
  void insert(size_t pos, int64_t v) {
    push_back(0);
    int64_t* d = data();
    std::memmove(d + pos + 1, d + pos, (size_ - 1 - pos) * sizeof(int64_t));
    d[pos] = v;
  }
  void erase(size_t pos) {
    int64_t* d = data();
    std::memmove(d + pos, d + pos + 1, (size_ - pos - 1) * sizeof(int64_t));
    --size_;
  }
  void clear() { size_ = 0; }
  bool operator==(const SizeVec& o) const {
    return size_ == o.size_ && std::equal(begin(), end(), o.begin());
  }
  bool operator!=(const SizeVec& o) const { return !(*this == o); }

 private:
  size_t cap() const { return heap_ ? heap_cap_ : kInline; }
  void assign(const int64_t* p, size_t n) {
    size_ = 0;
    reserve(n);
    if (n) std::memcpy(data(), p, n * sizeof(int64_t));
    size_ = n;
  }
  void release() {
    if (heap_) std::free(heap_);  // inline vectors skip the call (iterators hold a dozen)
    heap_ = nullptr;
    size_ = 0;
  }
  void move_from(SizeVec& o) {
    size_ = o.size_;
    if (o.heap_) {
      heap_ = o.heap_;
      heap_cap_ = o.heap_cap_;
      o.heap_ = nullptr;
    } else {
      std::memcpy(inline_, o.inline_, size_ * sizeof(int64_t));
    }
    o.size_ = 0;
  }

  int64_t inline_[kInline];
  int64_t* heap_ = nullptr;
  size_t heap_cap_ = 0;
  size_t size_ = 0;
};

}  // namespace torsh
