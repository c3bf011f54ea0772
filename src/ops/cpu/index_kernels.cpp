// The CPU's advanced-indexing kernels: index and index_put_ (one TensorIter loop over operands
// restrided to the result's shape; the loop adds index * stride of each indexed dim to the
// element's address), and nonzero.
#include <algorithm>
#include <cstring>
#include <string>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"
#include "torsh/generated/functions.h"

namespace torsh::detail::cpu {

namespace {
// Runs f(data, strides, j, offset) over every element: offset is the byte offset the index
// operands (operands first.. of the iterator) select, bounds-checked and with negatives wrapped.
// One index tensor (the common case) has its own loop with everything hoisted.
template <typename F>
void for_each_indexed(const TensorIter& it, const IndexedDims& dims, int first, bool serial,
                      const F& f) {
  const int nk = dims.n;
  auto bad = [&](int64_t v, int k) {
    throw IndexError("index " + std::to_string(v) + " is out of bounds for dimension " +
                     std::to_string(k) + " with size " + std::to_string(dims.sizes[k]));
  };
  auto loop = [&](char** d, const int64_t* s, int64_t n) {
    if (nk == 1) {
      const int64_t size = dims.sizes[0], stride = dims.strides[0], is = s[first];
      const char* ip = d[first];
      for (int64_t j = 0; j < n; ++j) {
        int64_t v = *reinterpret_cast<const int64_t*>(ip + j * is);
        // One unsigned compare for -size <= v < size (added in uint64_t: no overflow).
        if (static_cast<uint64_t>(v) + static_cast<uint64_t>(size) >=
            static_cast<uint64_t>(2 * size))
          bad(v, 0);
        v += v < 0 ? size : 0;
        f(d, s, j, v * stride);
      }
      return;
    }
    for (int64_t j = 0; j < n; ++j) {
      int64_t off = 0;
      for (int k = 0; k < nk; ++k) {
        int64_t v = *reinterpret_cast<const int64_t*>(d[first + k] + j * s[first + k]);
        const int64_t size = dims.sizes[k];
        if (v < -size || v >= size) bad(v, k);
        off += (v < 0 ? v + size : v) * dims.strides[k];
      }
      f(d, s, j, off);
    }
  };
  if (serial) {
    it.serial_for_each(loop, 0, it.numel());
  } else {
    it.for_each(loop, 4096);
  }
}
}  // namespace

void index_kernel(const TensorIter& it, const IndexedDims& dims) {
  dispatch_bits(element_size(it.dtype(0)), [&](auto tag) {
    using U = decltype(tag);
    for_each_indexed(it, dims, 2, false, [&](char** d, const int64_t* s, int64_t j, int64_t off) {
      *reinterpret_cast<U*>(d[0] + j * s[0]) = *reinterpret_cast<const U*>(d[1] + j * s[1] + off);
    });
  });
}

void index_put_kernel(const TensorIter& it, const IndexedDims& dims, bool accumulate) {
  if (!accumulate) {
    dispatch_bits(element_size(it.dtype(0)), [&](auto tag) {
      using U = decltype(tag);
      for_each_indexed(it, dims, 2, false, [&](char** d, const int64_t* s, int64_t j, int64_t off) {
        *reinterpret_cast<U*>(d[0] + j * s[0] + off) = *reinterpret_cast<const U*>(d[1] + j * s[1]);
      });
    });
    return;
  }
  // Repeated indices add up: one thread, in order.
  dispatch_all_and_complex(it.dtype(0), "index_put_", [&](auto tag) {
    using T = decltype(tag);
    for_each_indexed(it, dims, 2, true, [&](char** d, const int64_t* s, int64_t j, int64_t off) {
      T* dst = reinterpret_cast<T*>(d[0] + j * s[0] + off);
      const T add = *reinterpret_cast<const T*>(d[1] + j * s[1]);
      if constexpr (std::is_same_v<T, bool>) {
        *dst = *dst || add;
      } else if constexpr (is_complex_v<T>) {
        *dst += add;
      } else {
        *dst = convert<T>(static_cast<opmath_t<T>>(*dst) + static_cast<opmath_t<T>>(add));
      }
    });
  });
}

Tensor nonzero_kernel(const Tensor& self) {
  Tensor c = self.contiguous();
  const int64_t nd = self.dim(), numel = c.numel();
  // Flat positions of the nonzeros, written branch-free into a buffer one longer than needed.
  Tensor flat_t;
  int64_t count = 0;
  dispatch_all(self.dtype(), "nonzero", [&](auto tag) {
    using T = decltype(tag);
    const T* p = c.data_ptr<T>();
    for (int64_t i = 0; i < numel; ++i) count += static_cast<opmath_t<T>>(p[i]) != 0;
    flat_t = torsh::empty({count + 1}, kLong);
    int64_t* flat = flat_t.data_ptr<int64_t>();
    int64_t j = 0;
    for (int64_t i = 0; i < numel; ++i) {
      flat[j] = i;
      j += static_cast<opmath_t<T>>(p[i]) != 0;
    }
  });
  const int64_t* flat = flat_t.data_ptr<int64_t>();
  if (nd == 1) return flat_t.narrow(0, 0, count).view({count, 1});
  Tensor out = torsh::empty({count, nd}, kLong);
  int64_t* o = out.data_ptr<int64_t>();
  for (int64_t j = 0; j < count; ++j) {
    int64_t rem = flat[j];
    for (int64_t k = nd - 1; k >= 0; --k) {
      const int64_t size = self.sizes()[k];
      o[j * nd + k] = rem % size;
      rem /= size;
    }
  }
  return out;
}

void index_select_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& out) {
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < dim; ++k) outer *= self.sizes()[k];
  for (int64_t k = dim + 1; k < self.dim(); ++k) inner *= self.sizes()[k];
  const int64_t size = self.sizes()[dim], n = index.numel();
  const int64_t* idx = index.data_ptr<int64_t>();
  const char* src = static_cast<const char*>(self.data_ptr());
  char* dst = static_cast<char*>(out.data_ptr());
  if (inner == 1) {  // single elements: a gather per output element
    dispatch_bits(self.element_size(), [&](auto tag) {
      using U = decltype(tag);
      const U* s = reinterpret_cast<const U*>(src);
      U* o = reinterpret_cast<U*>(dst);
      parallel_for(0, outer, std::max<int64_t>(1, 32768 / std::max<int64_t>(n, 1)),
                   [&](int64_t b, int64_t e) {
                     for (int64_t r = b; r < e; ++r)
                       for (int64_t i = 0; i < n; ++i) o[r * n + i] = s[r * size + idx[i]];
                   });
    });
    return;
  }
  // rows of inner elements: one copy each, split across threads by row
  const int64_t row = inner * self.element_size();
  parallel_for(0, outer * n, std::max<int64_t>(1, 65536 / row), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t o = r / n, i = r % n;
      std::memcpy(dst + r * row, src + (o * size + idx[i]) * row, static_cast<size_t>(row));
    }
  });
}

}  // namespace torsh::detail::cpu
