// The CPU's sorting and selection kernel: every line of the input along dim is copied into a
// buffer of (key, index) pairs and sorted or selected there, lines in parallel. The algorithms
// and comparators are torch's (std::sort / std::stable_sort, partial_sort or nth_element for
// topk, a median-of-three quickselect for kthvalue, nth_element for median, sort and scan for
// mode), so ties and NaNs come out in torch's order.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/stubs_sort.h"

namespace torsh::detail {
KernelStub<SelectKernel> select_stub;
KernelStub<SearchKernel> search_stub;
}  // namespace torsh::detail

namespace torsh::detail::cpu {

namespace {

// Ascending with NaN as the largest value; descending with NaN first (torch's comparators).
template <typename K>
struct Asc {
  bool operator()(K a, K b) const { return (!is_nan(a) && is_nan(b)) || a < b; }
};
template <typename K>
struct Desc {
  bool operator()(K a, K b) const { return (is_nan(a) && !is_nan(b)) || a > b; }
};
// The same orders for lines without NaN (every comparison agrees, so the algorithms take the same
// steps), without the NaN tests.
template <typename K>
struct AscPlain {
  bool operator()(K a, K b) const { return a < b; }
};
template <typename K>
struct DescPlain {
  bool operator()(K a, K b) const { return a > b; }
};
template <class C>
struct ByKey {
  C c;
  template <class P>
  bool operator()(const P& a, const P& b) const {
    return c(a.first, b.first);
  }
};

// One line: its input (n elements, stride xs) and outputs (stride vs / is).
template <typename T>
struct Line {
  const T* x;
  int64_t xs, n;
  T* v;
  int64_t vs;
  int64_t* ix;
  int64_t is;
};

// Calls f(line, scratch) for every line of self along dim (scratch: an S per chunk of lines).
template <typename T, class S, class F>
void for_each_line(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim,
                   const F& f) {
  const int64_t nd = self.dim();
  const int64_t n = self.sizes()[dim];
  int64_t lines = 1;
  for (int64_t d = 0; d < nd; ++d) {
    if (d != dim) lines *= self.sizes()[d];
  }
  if (lines == 0 || n == 0 || values.numel() == 0) return;
  const T* xb = static_cast<const T*>(self.data_ptr());
  T* vb = static_cast<T*>(values.data_ptr());
  int64_t* ib = static_cast<int64_t*>(indices.data_ptr());
  const int64_t grain = std::max<int64_t>(1, kGrainSize / n);
  parallel_for(0, lines, grain, [&](int64_t b, int64_t e) {
    S scratch;
    for (int64_t l = b; l < e; ++l) {
      int64_t rem = l, xo = 0, vo = 0, io = 0;
      for (int64_t d = nd - 1; d >= 0; --d) {
        if (d == dim) continue;
        const int64_t s = self.sizes()[d], p = rem % s;
        rem /= s;
        xo += p * self.strides()[d];
        vo += p * values.strides()[d];
        io += p * indices.strides()[d];
      }
      f(Line<T>{xb + xo, self.strides()[dim], n, vb + vo, values.strides()[dim], ib + io,
                indices.strides()[dim]},
        scratch);
    }
  });
}

// buf = the first count (key, index) pairs of the line; true when a key is NaN.
template <typename T, typename K, typename P>
bool fill_pairs(std::vector<P>& buf, const Line<T>& ln, int64_t count) {
  buf.resize(static_cast<size_t>(count));
  bool nan = false;
  for (int64_t i = 0; i < count; ++i) {
    const K key = static_cast<K>(ln.x[i * ln.xs]);
    nan |= is_nan(key);
    buf[i] = P(key, static_cast<typename P::second_type>(i));
  }
  return nan;
}

template <typename T, typename P>
void write_pairs(const std::vector<P>& buf, const Line<T>& ln, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    ln.v[i * ln.vs] = convert<T>(buf[i].first);
    ln.ix[i * ln.is] = static_cast<int64_t>(buf[i].second);
  }
}

template <class C, class P>
void sort_pairs(std::vector<P>& buf, bool stable) {
  if (stable) {
    std::stable_sort(buf.begin(), buf.end(), ByKey<C>{});
  } else {
    std::sort(buf.begin(), buf.end(), ByKey<C>{});
  }
}

// float32 as an unsigned key of the same order (descending: reversed), -0.0 equal to 0.0 and
// every NaN one key above +inf.
inline uint32_t float_key(float f, bool descending) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if (f != f) {
    u = 0xFFFFFFFFu;
  } else if (f == 0.0f) {
    u = 0x80000000u;
  } else {
    u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  }
  return descending ? ~u : u;
}

// A float32 line sorted by an LSD radix sort of (key, index) words: the stable order. Returns
// false, writing nothing, when stable is false and two keys tie: torch's unstable order of ties
// is std::sort's, which the caller then runs.
bool radix_sort_line(const Line<float>& ln, bool descending, bool stable, std::vector<uint64_t>& a,
                     std::vector<uint64_t>& b) {
  const int64_t n = ln.n;
  a.resize(static_cast<size_t>(n));
  b.resize(static_cast<size_t>(n));
  uint32_t h0[2048] = {}, h1[2048] = {}, h2[1024] = {};
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t key = float_key(ln.x[i * ln.xs], descending);
    a[i] = (uint64_t(key) << 32) | uint64_t(i);
    ++h0[key & 2047];
    ++h1[(key >> 11) & 2047];
    ++h2[key >> 22];
  }
  auto pass = [n](const std::vector<uint64_t>& src, std::vector<uint64_t>& dst, uint32_t* h,
                  int buckets, int shift) {
    uint32_t sum = 0;
    for (int d = 0; d < buckets; ++d) {
      const uint32_t c = h[d];
      h[d] = sum;
      sum += c;
    }
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t w = src[i];
      dst[h[(w >> shift) & uint64_t(buckets - 1)]++] = w;
    }
  };
  pass(a, b, h0, 2048, 32);
  pass(b, a, h1, 2048, 43);
  pass(a, b, h2, 1024, 54);
  if (!stable) {
    for (int64_t i = 1; i < n; ++i) {
      if ((b[i] >> 32) == (b[i - 1] >> 32)) return false;
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    const int64_t idx = static_cast<int64_t>(b[i] & 0xFFFFFFFFu);
    ln.v[i * ln.vs] = ln.x[idx * ln.xs];
    ln.ix[i * ln.is] = idx;
  }
  return true;
}

template <typename T, typename K, typename I, class C, class CPlain>
void sort_lines(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim,
                bool stable) {
  using P = std::pair<K, I>;
  struct Scratch {
    std::vector<P> buf;
    std::vector<uint64_t> a, b;
  };
  auto line = [&](const Line<T>& ln, Scratch& sc) {
    if constexpr (std::is_same_v<T, float> && std::is_same_v<I, int32_t>) {
      constexpr bool kDesc = std::is_same_v<C, Desc<K>>;
      if (ln.n >= 64 && radix_sort_line(ln, kDesc, stable, sc.a, sc.b)) return;
    }
    if (fill_pairs<T, K>(sc.buf, ln, ln.n)) {
      sort_pairs<C>(sc.buf, stable);
    } else {
      sort_pairs<CPlain>(sc.buf, stable);
    }
    write_pairs(sc.buf, ln, ln.n);
  };
  for_each_line<T, Scratch>(values, indices, self, dim, line);
}

// topk as torch: a heap over the first k (partial_sort) when k * 64 <= n, else nth_element and
// a sort of the k - 1 before the k-th when sorted. The heap pass reads the line in place:
// pop_heap over k + 1 slots is partial_sort's own replacement step.
template <typename T, typename K, typename I, class C>
void topk_lines(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim,
                int64_t k, bool sorted) {
  using P = std::pair<K, I>;
  const ByKey<C> comp{};
  const C kc{};
  for_each_line<T, std::vector<P>>(
      values, indices, self, dim, [&](const Line<T>& ln, std::vector<P>& buf) {
        if (k * 64 <= ln.n) {
          fill_pairs<T, K>(buf, ln, k);
          buf.emplace_back();
          std::make_heap(buf.begin(), buf.begin() + k, comp);
          for (int64_t i = k; i < ln.n; ++i) {
            const K key = static_cast<K>(ln.x[i * ln.xs]);
            if (kc(key, buf[0].first)) {
              buf[k] = P(key, static_cast<I>(i));
              std::pop_heap(buf.begin(), buf.begin() + k + 1, comp);
            }
          }
          std::sort_heap(buf.begin(), buf.begin() + k, comp);
        } else {
          fill_pairs<T, K>(buf, ln, ln.n);
          std::nth_element(buf.begin(), buf.begin() + k - 1, buf.end(), comp);
          if (sorted) std::sort(buf.begin(), buf.begin() + k - 1, comp);
        }
        write_pairs(buf, ln, k);
      });
}

// The k-th smallest (0-based) of buf moved to buf[k]: median-of-three quickselect with NaN as the
// largest value (torch's kthvalue; the element moves decide which index wins among ties).
template <typename P>
void quick_select(std::vector<P>& a, int64_t k) {
  auto gt = [&](int64_t i, int64_t j) {
    const auto x = a[i].first, y = a[j].first;
    return (is_nan(x) && !is_nan(y)) || x > y;
  };
  auto gt_piv = [](auto x, auto y) { return (is_nan(x) && !is_nan(y)) || x > y; };
  int64_t lo = 0, hi = static_cast<int64_t>(a.size()) - 1;
  while (true) {
    if (hi <= lo) return;
    if (hi == lo + 1) {
      if (gt(lo, hi)) std::swap(a[lo], a[hi]);
      return;
    }
    const int64_t mid = lo + (hi - lo) / 2;
    std::swap(a[mid], a[lo + 1]);
    if (gt(lo + 1, hi)) std::swap(a[lo + 1], a[hi]);
    if (gt(lo, hi)) std::swap(a[lo], a[hi]);
    if (gt(lo + 1, lo)) std::swap(a[lo + 1], a[lo]);
    int64_t i = lo + 1, j = hi;
    const auto piv = a[lo].first;
    while (true) {
      do {
        ++i;
      } while (gt_piv(piv, a[i].first));
      do {
        --j;
      } while (gt_piv(a[j].first, piv));
      if (j < i) break;
      std::swap(a[i], a[j]);
    }
    std::swap(a[lo], a[j]);
    if (j <= k) lo = i;
    if (j >= k) hi = j - 1;
  }
}

template <typename T, typename K>
void reduce_lines(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim,
                  SelectOp op, int64_t k) {
  using P = std::pair<K, int64_t>;
  struct Scratch {
    std::vector<P> buf;
    std::vector<K> keys;
    std::vector<int64_t> order;
  };
  for_each_line<T, Scratch>(values, indices, self, dim, [&](const Line<T>& ln, Scratch& sc) {
    const int64_t n = ln.n;
    K val{};
    int64_t idx = 0;
    if (op == SelectOp::kKthvalue) {
      auto& buf = sc.buf;
      fill_pairs<T, K>(buf, ln, n);
      quick_select(buf, k - 1);
      val = buf[k - 1].first;
      idx = buf[k - 1].second;
    } else if (op == SelectOp::kMode) {
      auto& buf = sc.buf;
      fill_pairs<T, K>(buf, ln, n);
      std::sort(buf.begin(), buf.end(), [](const P& a, const P& b) { return a.first < b.first; });
      // The most frequent value (the smallest among equally frequent ones) and the index that
      // sorts last among its copies.
      int64_t run = 0, best = 0;
      for (int64_t i = 0; i < n; ++i) {
        ++run;
        if (i == n - 1 || buf[i].first != buf[i + 1].first) {
          if (run > best) {
            val = buf[i].first;
            idx = buf[i].second;
            best = run;
          }
          run = 0;
        }
      }
    } else {
      auto& keys = sc.keys;
      auto& order = sc.order;
      keys.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) keys[i] = static_cast<K>(ln.x[i * ln.xs]);
      const bool ignore_nan = op == SelectOp::kNanmedian;
      int64_t nans = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (!is_nan(keys[i])) continue;
        if (!ignore_nan) {  // median: the first NaN
          nans = -1;
          idx = i;
          break;
        }
        ++nans;
      }
      if (nans < 0) {
        val = keys[idx];
      } else {
        order.resize(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), int64_t(0));
        const auto nth = order.begin() + (n - nans - 1) / 2;
        std::nth_element(order.begin(), nth, order.end(), [&](int64_t i, int64_t j) {
          // Equal keys in index order, so the index is the lower median's first copy.
          return keys[i] < keys[j] || (keys[i] == keys[j] && i < j) ||
                 (is_nan(keys[j]) && !is_nan(keys[i]));
        });
        idx = *nth;
        val = keys[idx];
      }
    }
    ln.v[0] = convert<T>(val);
    ln.ix[0] = idx;
  });
}

template <typename T, typename I>
void run_sorting(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim,
                 SelectOp op, const SelectArgs& a) {
  using K = opmath_t<T>;
  if (op == SelectOp::kSort) {
    if (a.descending) {
      sort_lines<T, K, I, Desc<K>, DescPlain<K>>(values, indices, self, dim, a.stable);
    } else {
      sort_lines<T, K, I, Asc<K>, AscPlain<K>>(values, indices, self, dim, a.stable);
    }
  } else if (a.descending) {
    topk_lines<T, K, I, Desc<K>>(values, indices, self, dim, a.k, a.sorted);
  } else {
    topk_lines<T, K, I, Asc<K>>(values, indices, self, dim, a.k, a.sorted);
  }
}

void select_kernel(const Tensor& values, const Tensor& indices, const Tensor& self, int64_t dim,
                   SelectOp op, const SelectArgs& a) {
  dispatch_all(self.dtype(), "sort", [&](auto tag) {
    using T = decltype(tag);
    if (op == SelectOp::kSort || op == SelectOp::kTopk) {
      // 32-bit indices while they fit: half the bytes moved per swap.
      if (self.sizes()[dim] <= std::numeric_limits<int32_t>::max()) {
        run_sorting<T, int32_t>(values, indices, self, dim, op, a);
      } else {
        run_sorting<T, int64_t>(values, indices, self, dim, op, a);
      }
    } else {
      reduce_lines<T, opmath_t<T>>(values, indices, self, dim, op, a.k);
    }
  });
}

// torch's binary search: the first position whose boundary is not below the value (right: not
// at or below), NaN comparing false both ways.
template <typename T, typename O>
void search_rows(const Tensor& out, const Tensor& input, const Tensor& boundaries,
                 const Tensor& sorter, bool right) {
  const T* x = static_cast<const T*>(input.data_ptr());
  const T* bd = static_cast<const T*>(boundaries.data_ptr());
  const int64_t* so = sorter.defined() ? static_cast<const int64_t*>(sorter.data_ptr()) : nullptr;
  O* o = static_cast<O*>(out.data_ptr());
  const int64_t nb = boundaries.sizes().back();
  const int64_t row_len = input.dim() == 0 ? 1 : input.sizes().back();
  const bool one_row = boundaries.dim() == 1;
  parallel_for(0, input.numel(), kGrainSize / 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const int64_t base = one_row ? 0 : (i / row_len) * nb;
      const auto v = static_cast<opmath_t<T>>(x[i]);
      int64_t lo = 0, hi = nb;
      while (lo < hi) {
        const int64_t mid = lo + ((hi - lo) >> 1);
        const auto m = static_cast<opmath_t<T>>(so ? bd[base + so[base + mid]] : bd[base + mid]);
        if (right ? !(m > v) : !(m >= v)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      o[i] = static_cast<O>(lo);
    }
  });
}

void search_kernel(const Tensor& out, const Tensor& input, const Tensor& boundaries,
                   const Tensor& sorter, bool right) {
  dispatch_all(input.dtype(), "searchsorted", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      if (out.dtype() == kInt) {
        search_rows<T, int32_t>(out, input, boundaries, sorter, right);
      } else {
        search_rows<T, int64_t>(out, input, boundaries, sorter, right);
      }
    }
  });
}

}  // namespace

void register_sort_kernels() {
  select_stub.set(kCPU, &select_kernel);
  search_stub.set(kCPU, &search_kernel);
}

}  // namespace torsh::detail::cpu
