// The CPU's kernels of unique and the histograms: sort-based unique (one sort of (value, index)
// pairs), torch's row sort for unique along a dim, and single-pass bincount and histograms
// (torch's bin search and accumulation order, so float sums come out as torch's).
#include <algorithm>
#include <cstring>
#include <numeric>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/stubs_unique.h"

namespace torsh::detail {
KernelStub<UniqueKernel> unique_stub;
KernelStub<UniqueDimKernel> unique_dim_stub;
KernelStub<BincountKernel> bincount_stub;
KernelStub<HistogramKernel> histogram_stub;
}  // namespace torsh::detail

namespace torsh::detail::cpu {

namespace {

// Element storage of a std::vector (no vector<bool> packing: bool is stored as its byte).
template <typename T>
using Store = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;

Tensor long_tensor(const std::vector<int64_t>& v) {
  Tensor t = empty_strided_impl({static_cast<int64_t>(v.size())}, kLong);
  if (!v.empty()) std::memcpy(t.data_ptr(), v.data(), v.size() * sizeof(int64_t));
  return t;
}

template <typename T>
Tensor values_tensor(const std::vector<T>& v, ScalarType dtype) {
  Tensor t = empty_strided_impl({static_cast<int64_t>(v.size())}, dtype);
  if (!v.empty()) std::memcpy(t.data_ptr(), v.data(), v.size() * sizeof(T));
  return t;
}

// Sorted unique: (key, index) pairs ordered by key, ties by index, so the first of equal
// elements represents them (as torch's hash set keeps the first inserted). Inputs with NaN go
// to unique_hashed; NaN is still ordered last here so that the sort is well defined.
template <typename T>
std::tuple<Tensor, Tensor, Tensor> unique_sorted(const Tensor& self, bool want_inverse,
                                                 bool want_counts) {
  using K = opmath_t<T>;
  const int64_t n = self.numel();
  const T* x = static_cast<const T*>(self.data_ptr());
  std::vector<std::pair<K, int64_t>> buf(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) buf[i] = {static_cast<K>(x[i]), i};
  std::sort(buf.begin(), buf.end(), [](const auto& a, const auto& b) {
    const bool na = is_nan(a.first), nb = is_nan(b.first);
    if (na || nb) return na == nb ? a.second < b.second : nb;
    if (a.first < b.first) return true;
    if (b.first < a.first) return false;
    return a.second < b.second;
  });
  std::vector<Store<T>> values;
  std::vector<int64_t> counts, inverse(want_inverse ? static_cast<size_t>(n) : 0);
  for (int64_t i = 0; i < n; ++i) {
    const auto& [k, idx] = buf[i];
    if (values.empty() || !(k == static_cast<K>(values.back()))) {
      values.push_back(x[idx]);
      counts.push_back(0);
    }
    ++counts.back();
    if (want_inverse) inverse[idx] = static_cast<int64_t>(values.size()) - 1;
  }
  return {values_tensor(values, self.dtype()), want_inverse ? long_tensor(inverse) : Tensor(),
          want_counts ? long_tensor(counts) : Tensor()};
}

// std::unordered_set's hash and equality as torch's build instantiates them: bfloat16 hashes its
// bits (so -0.0 and 0.0 are two values) and compares as float.
template <typename T>
struct TorchHash {
  size_t operator()(T v) const {
    if constexpr (std::is_same_v<T, BFloat16> || std::is_same_v<T, Half>) {
      return std::hash<uint16_t>()(v.x);
    } else {
      return std::hash<T>()(v);
    }
  }
};
template <typename T>
struct TorchEq {
  bool operator()(T a, T b) const {
    return static_cast<opmath_t<T>>(a) == static_cast<opmath_t<T>>(b);
  }
};

// torch 1.13's CPU unique: the values in a std::unordered_set (libstdc++'s, as torch's build),
// copied in its iteration order (sorted=False) or std::sort'ed, the inverse and counts looked up
// in maps (a NaN finds no entry there: 0). Used where the order or NaN make it differ from the
// sorted path.
template <typename T>
std::tuple<Tensor, Tensor, Tensor> unique_hashed(const Tensor& self, bool sorted, bool want_inverse,
                                                 bool want_counts) {
  using K = opmath_t<T>;
  const int64_t n = self.numel();
  const T* x = static_cast<const T*>(self.data_ptr());
  const std::unordered_set<T, TorchHash<T>, TorchEq<T>> set(x, x + n);
  std::vector<T> values(set.begin(), set.end());
  if (sorted) {
    std::sort(values.begin(), values.end(),
              [](T a, T b) { return static_cast<K>(a) < static_cast<K>(b); });
  }
  const int64_t k = static_cast<int64_t>(values.size());
  std::vector<int64_t> inverse, counts;
  if (want_inverse) {
    std::unordered_map<T, int64_t, TorchHash<T>, TorchEq<T>> index;
    index.reserve(values.size());
    for (int64_t i = 0; i < k; ++i) index[values[i]] = i;
    inverse.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) inverse[i] = index[x[i]];
  }
  if (want_counts) {
    std::unordered_map<T, int64_t, TorchHash<T>, TorchEq<T>> count;
    count.reserve(values.size());
    for (int64_t i = 0; i < k; ++i) count[values[i]] = 0;
    for (int64_t i = 0; i < n; ++i) count[x[i]] += 1;
    counts.resize(values.size());
    for (int64_t i = 0; i < k; ++i) counts[i] = count[values[i]];
  }
  return {values_tensor(values, self.dtype()), want_inverse ? long_tensor(inverse) : Tensor(),
          want_counts ? long_tensor(counts) : Tensor()};
}

// torch's unique_consecutive: a new value wherever an element differs from the last kept one.
template <typename T>
std::tuple<Tensor, Tensor, Tensor> unique_runs(const Tensor& self, bool want_inverse,
                                               bool want_counts) {
  using K = opmath_t<T>;
  const int64_t n = self.numel();
  const T* x = static_cast<const T*>(self.data_ptr());
  std::vector<Store<T>> values;
  std::vector<int64_t> counts, inverse(want_inverse ? static_cast<size_t>(n) : 0);
  for (int64_t i = 0; i < n; ++i) {
    if (values.empty() || static_cast<K>(x[i]) != static_cast<K>(values.back())) {
      values.push_back(x[i]);
      counts.push_back(0);
    }
    ++counts.back();
    if (want_inverse) inverse[i] = static_cast<int64_t>(values.size()) - 1;
  }
  return {values_tensor(values, self.dtype()), want_inverse ? long_tensor(inverse) : Tensor(),
          want_counts ? long_tensor(counts) : Tensor()};
}

template <typename T>
bool has_nan(const Tensor& self) {
  if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
    (void)self;
    return false;
  } else {
    const T* x = static_cast<const T*>(self.data_ptr());
    for (int64_t i = 0, n = self.numel(); i < n; ++i) {
      if (is_nan(static_cast<opmath_t<T>>(x[i]))) return true;
    }
    return false;
  }
}

std::tuple<Tensor, Tensor, Tensor> unique_kernel(const Tensor& self, bool sorted, bool consecutive,
                                                 bool want_inverse, bool want_counts) {
  return dispatch_all(self.dtype(), "unique", [&](auto tag) {
    using T = decltype(tag);
    if (consecutive) return unique_runs<T>(self, want_inverse, want_counts);
    // torch's bool kernel always sorts; elsewhere the sort gives torch's hash-set result
    // unless the set's order shows: sorted=False, NaN (unordered by std::sort), bfloat16 zeros.
    if constexpr (!std::is_same_v<T, bool>) {
      if (!sorted || std::is_same_v<T, BFloat16> || has_nan<T>(self)) {
        return unique_hashed<T>(self, sorted, want_inverse, want_counts);
      }
    }
    return unique_sorted<T>(self, want_inverse, want_counts);
  });
}

// torch's unique_dim: row indices sorted with its lexicographic comparator (a NaN compares
// neither less nor greater: the next element decides), then runs of rows equal elementwise to the
// run's first row.
template <typename T>
std::tuple<Tensor, Tensor, Tensor> unique_rows(const Tensor& flat, bool consecutive) {
  using K = opmath_t<T>;
  const int64_t n = flat.sizes()[0], m = flat.sizes()[1];
  const T* x = static_cast<const T*>(flat.data_ptr());
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), int64_t(0));
  if (!consecutive) {
    std::sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
      for (int64_t i = 0; i < m; ++i) {
        const K l = static_cast<K>(x[a * m + i]), r = static_cast<K>(x[b * m + i]);
        if (l < r) return true;
        if (l > r) return false;
      }
      return false;
    });
  }
  auto equal = [&](int64_t a, int64_t b) {
    for (int64_t i = 0; i < m; ++i) {
      if (!(static_cast<K>(x[a * m + i]) == static_cast<K>(x[b * m + i]))) return false;
    }
    return true;
  };
  std::vector<int64_t> rows{idx[0]}, counts, inverse(static_cast<size_t>(n));
  int64_t start = 0;
  inverse[idx[0]] = 0;
  for (int64_t p = 1; p < n; ++p) {
    if (!equal(idx[p], rows.back())) {
      counts.push_back(p - start);
      start = p;
      rows.push_back(idx[p]);
    }
    inverse[idx[p]] = static_cast<int64_t>(rows.size()) - 1;
  }
  counts.push_back(n - start);
  return {long_tensor(rows), long_tensor(inverse), long_tensor(counts)};
}

std::tuple<Tensor, Tensor, Tensor> unique_dim_kernel(const Tensor& flat, bool consecutive) {
  return dispatch_all(flat.dtype(), "unique_dim",
                      [&](auto tag) { return unique_rows<decltype(tag)>(flat, consecutive); });
}

template <typename I, typename W>
void bincount_sum(const Tensor& out, const Tensor& self, const Tensor& weights) {
  const I* x = static_cast<const I*>(self.data_ptr());
  const W* w = weights.defined() ? static_cast<const W*>(weights.data_ptr()) : nullptr;
  W* o = static_cast<W*>(out.data_ptr());
  const int64_t n = self.numel();
  for (int64_t i = 0; i < n; ++i) o[static_cast<int64_t>(x[i])] += w ? w[i] : W(1);
}

Tensor bincount_kernel(const Tensor& self, const Tensor& weights, int64_t nbins) {
  const ScalarType t = weights.defined() ? weights.dtype() : kLong;
  Tensor out = empty_strided_impl({nbins}, t);
  if (nbins > 0) std::memset(out.data_ptr(), 0, static_cast<size_t>(nbins) * element_size(t));
  dispatch_all(self.dtype(), "bincount", [&](auto tag) {
    using I = decltype(tag);
    if constexpr (std::is_integral_v<I> && !std::is_same_v<I, bool>) {
      if (t == kFloat) {
        bincount_sum<I, float>(out, self, weights);
      } else if (t == kDouble) {
        bincount_sum<I, double>(out, self, weights);
      } else {
        bincount_sum<I, int64_t>(out, self, weights);
      }
    }
  });
  return out;
}

// a + b rounded to T once per operation, as c10's 16-bit operators do.
template <typename T>
inline T add(T a, T b) {
  return static_cast<T>(static_cast<opmath_t<T>>(a) + static_cast<opmath_t<T>>(b));
}

// torch's interpolated bin (elt - lo) / (hi - lo) * (edges - 1), each operation in T (c10's
// bfloat16 operators round every result).
template <typename T>
inline int64_t linear_bin(T elt, T lo, T hi, int64_t edges) {
  if constexpr (std::is_same_v<T, BFloat16>) {
    auto r = [](float v) { return static_cast<float>(BFloat16(v)); };
    const float d = r(static_cast<float>(elt) - static_cast<float>(lo));
    const float w = r(static_cast<float>(hi) - static_cast<float>(lo));
    return static_cast<int64_t>(r(r(d / w) * r(static_cast<float>(edges - 1))));
  } else {
    return static_cast<int64_t>((elt - lo) / (hi - lo) * static_cast<T>(edges - 1));
  }
}

template <typename T>
void histogram_fill(const Tensor& hist, const Tensor& input, const Tensor& weight,
                    const Tensor& edges_t, HistBins how) {
  using K = opmath_t<T>;
  const T* x = static_cast<const T*>(input.data_ptr());
  const T* w = weight.defined() ? static_cast<const T*>(weight.data_ptr()) : nullptr;
  const T* e = static_cast<const T*>(edges_t.data_ptr());
  const int64_t ne = edges_t.numel(), nbins = ne - 1, n = input.numel();
  const T lo = e[0], hi = e[ne - 1];
  const K klo = static_cast<K>(lo), khi = static_cast<K>(hi);
  auto upper = [&](int64_t from, int64_t to, K v) {
    return std::upper_bound(e + from, e + to, v, [](K a, T b) { return a < static_cast<K>(b); }) -
           e - 1;
  };
  auto run = [&](int64_t b, int64_t end, T* h) {
    for (int64_t i = b; i < end; ++i) {
      const K v = static_cast<K>(x[i]);
      if (v < klo || v > khi) continue;
      int64_t pos;
      if (is_nan(v)) {
        // torch 1.13's range test lets NaN through; its bin is where torch's search ends: past
        // the edges (the last bin), or where x86 converts NaN to INT64_MIN (histc: bin 0, as
        // the index wraps; with the local search, which then scans three edges: bin 1).
        pos = how == HistBins::kBinarySearch ? nbins - 1 : how == HistBins::kLinear ? 0 : 1;
      } else if (how == HistBins::kBinarySearch) {
        pos = upper(0, ne, v);
      } else {
        pos = linear_bin<T>(x[i], lo, hi, ne);
        if (how == HistBins::kLinearLocalSearch) {
          pos = upper(std::max<int64_t>(0, pos - 1), std::min<int64_t>(pos + 2, ne), v);
        }
      }
      pos = std::clamp<int64_t>(pos, 0, nbins - 1);  // the last bin includes its right edge
      h[pos] = add<T>(h[pos], w ? w[i] : static_cast<T>(1.0f));
    }
  };
  T* out = static_cast<T*>(hist.data_ptr());
  if (n <= kGrainSize) {
    run(0, n, out);
    return;
  }
  // One histogram per thread's contiguous range, summed in range order (torch's scheme).
  const int64_t chunks = std::min<int64_t>(get_num_threads(), (n + kGrainSize - 1) / kGrainSize);
  const int64_t per = (n + chunks - 1) / chunks;
  std::vector<T> local(static_cast<size_t>(chunks * nbins), static_cast<T>(0.0f));
  parallel_for(0, chunks, 1, [&](int64_t b, int64_t end) {
    for (int64_t c = b; c < end; ++c) {
      run(c * per, std::min(n, (c + 1) * per), local.data() + c * nbins);
    }
  });
  for (int64_t c = 0; c < chunks; ++c) {
    for (int64_t j = 0; j < nbins; ++j) out[j] = add<T>(out[j], local[c * nbins + j]);
  }
}

void histogram_kernel(const Tensor& hist, const Tensor& input, const Tensor& weight,
                      const Tensor& edges, HistBins how) {
  dispatch_floating(input.dtype(), "histogram_cpu", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, Half>) histogram_fill<T>(hist, input, weight, edges, how);
  });
}

}  // namespace

void register_unique_kernels() {
  unique_stub.set(kCPU, &unique_kernel);
  unique_dim_stub.set(kCPU, &unique_dim_kernel);
  bincount_stub.set(kCPU, &bincount_kernel);
  histogram_stub.set(kCPU, &histogram_kernel);
}

}  // namespace torsh::detail::cpu
