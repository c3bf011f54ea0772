// The CPU's gather/scatter-family kernels: one TensorIter loop over restrided operands (torch's
// approach). The index tensor's shape drives the iteration with `dim` squashed to 1; the indexed
// tensor is viewed with stride 0 on `dim`, and each iteration element walks the index along
// `dim` itself. Iteration elements then never write the same slice, so the loop runs in parallel
// without races, and repeated indices along `dim` are applied in order (the last write wins,
// sums add up in order).
#include <cmath>
#include <string>

#include "core/dispatch.h"
#include "ops/cpu/kernels.h"
#include "ops/restride.h"

namespace torsh::detail::cpu {

namespace {
// Index elements per thread chunk (each walks the whole index along dim).
constexpr int64_t kGrainSizeIndex = 16384;

[[noreturn]] void out_of_bounds(IndexBounds b, int64_t v, int64_t dim, int64_t size) {
  std::string msg = "index " + std::to_string(v) + " is out of bounds for dimension " +
                    std::to_string(dim) + " with size " + std::to_string(size);
  switch (b) {
    case IndexBounds::kScatterGather:
      throw Error(msg);
    case IndexBounds::kIndexAdd:
      throw IndexError("index out of range in self");
    case IndexBounds::kIndexCopy:
      throw IndexError("index_copy_(): " + msg);
    case IndexBounds::kIndexFill:
      throw IndexError(msg);
  }
  throw Error(msg);
}

// Calls f(self_element, other_element) for every element of `index` (int64, same ndim as
// self, >= 1): self_element is self's element at index's position with the index value on
// `dim`; other_element is `other`'s element at index's position (other: gather's output,
// scatter's src; pass index itself when there is none).
template <int64_t ES, typename F>
void dim_loop(const char* op, IndexBounds bounds, const Tensor& self, int64_t dim,
              const Tensor& index, const Tensor& other, const F& f) {
  if (index.numel() == 0) return;
  SizeVec shape(index.sizes());
  const int64_t m = shape[dim];
  shape[dim] = 1;
  SizeVec ss(self.strides());
  ss[dim] = 0;
  Tensor self_r = restride(self, shape, ss);
  Tensor idx_r = restride(index, shape, index.strides());
  Tensor other_r = restride(other, shape, other.strides());
  auto it =
      detail::TensorIterConfig(op).add_input(self_r).add_input(idx_r).add_input(other_r).build();
  const int64_t size = self.sizes()[dim];
  const int64_t self_d = self.strides()[dim] * self.element_size();
  const int64_t idx_d = index.strides()[dim] * static_cast<int64_t>(sizeof(int64_t));
  const int64_t oth_d = other.strides()[dim] * other.element_size();
  const int64_t lo = bounds == IndexBounds::kIndexFill ? -size : 0;
  // One unsigned compare per value; the throw is out of line.
  auto check = [=](int64_t v) {
    const uint64_t u = static_cast<uint64_t>(v) - static_cast<uint64_t>(lo);
    if (__builtin_expect(u >= static_cast<uint64_t>(size - lo), 0))
      out_of_bounds(bounds, v, dim, size);
  };
  constexpr int64_t IS = sizeof(int64_t);
  auto run = [&](auto wrap_tag) {
    auto offset = [=](const char* ip) {
      const int64_t v = *reinterpret_cast<const int64_t*>(ip);
      check(v);
      if constexpr (decltype(wrap_tag)::value) return (v + ((v >> 63) & size)) * self_d;
      return v * self_d;
    };
    auto loop = [&](char** d, const int64_t* s, int64_t n) {
      if (std::abs(s[2]) <= std::abs(oth_d)) {
        // `dim` is the slower one: stream the other dims for each position along dim.
        for (int64_t k = 0; k < m; ++k) {
          const char* ip = d[1] + k * idx_d;
          char* op = d[2] + k * oth_d;
          if (s[1] == 0) {
            char* dp = d[0] + offset(ip);
            if (s[0] == ES && s[2] == ES) {  // dense rows: constant strides vectorise
              for (int64_t i = 0; i < n; ++i) f(dp + i * ES, op + i * ES);
            } else {
              for (int64_t i = 0; i < n; ++i) f(dp + i * s[0], op + i * s[2]);
            }
          } else {
            for (int64_t i = 0; i < n; ++i)
              f(d[0] + i * s[0] + offset(ip + i * s[1]), op + i * s[2]);
          }
        }
        return;
      }
      for (int64_t i = 0; i < n; ++i) {
        char* sp = d[0] + i * s[0];
        const char* ip = d[1] + i * s[1];
        char* op = d[2] + i * s[2];
        if (idx_d == IS && oth_d == ES && self_d == ES && !decltype(wrap_tag)::value) {
          // all three dense along dim (gather/scatter on the last dim): constant strides
          const int64_t* iv = reinterpret_cast<const int64_t*>(ip);
#pragma GCC unroll 4
          for (int64_t k = 0; k < m; ++k) {
            check(iv[k]);
            f(sp + iv[k] * ES, op + k * ES);
          }
        } else if (idx_d == IS && oth_d == ES) {
#pragma GCC unroll 4
          for (int64_t k = 0; k < m; ++k) f(sp + offset(ip + k * IS), op + k * ES);
        } else {
          for (int64_t k = 0; k < m; ++k) f(sp + offset(ip + k * idx_d), op + k * oth_d);
        }
      }
    };
    it.for_each(loop, std::max<int64_t>(1, kGrainSizeIndex / std::max<int64_t>(m, 1)));
  };
  if (bounds == IndexBounds::kIndexFill) {
    run(std::true_type{});
  } else {
    run(std::false_type{});
  }
}

template <typename T>
T reduce_one(ScatterReduce r, T a, T b) {
  using M = opmath_t<T>;
  if constexpr (std::is_same_v<T, bool>) {
    return (r == ScatterReduce::kProd || r == ScatterReduce::kMin) ? (a && b) : (a || b);
  } else {
    const M x = static_cast<M>(a), y = static_cast<M>(b);
    switch (r) {
      case ScatterReduce::kProd:
        return convert<T>(x * y);
      case ScatterReduce::kMax:
        if constexpr (std::is_floating_point_v<M>) {
          if (std::isnan(y)) return b;
        }
        return x < y ? b : a;
      case ScatterReduce::kMin:
        if constexpr (std::is_floating_point_v<M>) {
          if (std::isnan(y)) return b;
        }
        return y < x ? b : a;
      default:
        return convert<T>(x + y);
    }
  }
}

}  // namespace

void gather_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& out) {
  dispatch_bits(self.element_size(), [&](auto tag) {
    using U = decltype(tag);
    dim_loop<sizeof(U)>(
        "gather", IndexBounds::kScatterGather, self, dim, index, out,
        [](char* a, char* b) { *reinterpret_cast<U*>(b) = *reinterpret_cast<const U*>(a); });
  });
}

void scatter_kernel(const char* op, const Tensor& out, int64_t dim, const Tensor& index,
                    const Tensor& src, ScatterReduce r, IndexBounds bounds) {
  if (r == ScatterReduce::kNone) {
    dispatch_bits(out.element_size(), [&](auto tag) {
      using U = decltype(tag);
      dim_loop<sizeof(U)>(op, bounds, out, dim, index, src, [](char* a, const char* b) {
        *reinterpret_cast<U*>(a) = *reinterpret_cast<const U*>(b);
      });
    });
    return;
  }
  if (is_complex(out.dtype()) && r == ScatterReduce::kSum) {  // scatter_add (a gradient too)
    dispatch_complex(out.dtype(), op, [&](auto tag) {
      using T = decltype(tag);
      dim_loop<sizeof(T)>(op, bounds, out, dim, index, src, [](char* a, const char* b) {
        *reinterpret_cast<T*>(a) += *reinterpret_cast<const T*>(b);
      });
    });
    return;
  }
  dispatch_all(out.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    if (r == ScatterReduce::kSum || r == ScatterReduce::kMean) {
      dim_loop<sizeof(T)>(op, bounds, out, dim, index, src, [](char* a, const char* b) {
        *reinterpret_cast<T*>(a) = reduce_one(ScatterReduce::kSum, *reinterpret_cast<T*>(a),
                                              *reinterpret_cast<const T*>(b));
      });
    } else {
      dim_loop<sizeof(T)>(op, bounds, out, dim, index, src, [r](char* a, const char* b) {
        *reinterpret_cast<T*>(a) =
            reduce_one(r, *reinterpret_cast<T*>(a), *reinterpret_cast<const T*>(b));
      });
    }
  });
}

void scatter_fill_kernel(const char* op, const Tensor& out, int64_t dim, const Tensor& index,
                         const Scalar& value, ScatterReduce r, IndexBounds bounds) {
  if (is_complex(out.dtype()) && r == ScatterReduce::kNone) {  // scatter(value), index_fill
    dispatch_complex(out.dtype(), op, [&](auto tag) {
      using T = decltype(tag);
      const T v = convert<T>(value.to_complex());
      dim_loop<sizeof(T)>(op, bounds, out, dim, index, index,
                          [v](char* a, const char*) { *reinterpret_cast<T*>(a) = v; });
    });
    return;
  }
  dispatch_all(out.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    const T v = convert<T>(value.to<opmath_t<T>>());
    if (r == ScatterReduce::kNone) {
      dim_loop<sizeof(T)>(op, bounds, out, dim, index, index,
                          [v](char* a, const char*) { *reinterpret_cast<T*>(a) = v; });
    } else {
      dim_loop<sizeof(T)>(op, bounds, out, dim, index, index, [v, r](char* a, const char*) {
        *reinterpret_cast<T*>(a) = reduce_one(r, *reinterpret_cast<T*>(a), v);
      });
    }
  });
}

void index_add_kernel(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src,
                      const Scalar& alpha) {
  if (is_complex(out.dtype())) {
    dispatch_complex(out.dtype(), "index_add_", [&](auto tag) {
      using T = decltype(tag);
      const T a = convert<T>(alpha.to_complex());
      dim_loop<sizeof(T)>("index_add_", IndexBounds::kIndexAdd, out, dim, index, src,
                          [a](char* p, const char* q) {
                            *reinterpret_cast<T*>(p) += *reinterpret_cast<const T*>(q) * a;
                          });
    });
    return;
  }
  dispatch_all(out.dtype(), "index_add_", [&](auto tag) {
    using T = decltype(tag);
    using M = opmath_t<T>;
    const M a = alpha.to<M>();
    dim_loop<sizeof(T)>("index_add_", IndexBounds::kIndexAdd, out, dim, index, src,
                        [a](char* p, const char* q) {
                          T* dst = reinterpret_cast<T*>(p);
                          const T v = *reinterpret_cast<const T*>(q);
                          if constexpr (std::is_same_v<T, bool>) {
                            *dst = *dst || (v && a);
                          } else {
                            *dst = convert<T>(static_cast<M>(*dst) + static_cast<M>(v) * a);
                          }
                        });
  });
}

}  // namespace torsh::detail::cpu
