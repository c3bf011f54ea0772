// The CPU random fills, with PyTorch's CPU algorithms (mt19937 draws, its uniform and Box-Muller
// arithmetic, its element order), so equal seeds give equal tensors. The caller holds g.mu.
#include <cmath>
#include <type_traits>
#include <vector>

#include "core/dispatch.h"
#include "core/generator_state.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail {
void normal_fill_16_avx2(float* data, float mean, float std);  // cpu/random_avx2.cpp
}  // namespace torsh::detail

namespace torsh::detail::cpu {
namespace {

// uniform in [from, to) from the low `digits` bits of one draw (53-bit doubles use 64 bits).
// The arithmetic is in double for float and double (PyTorch's CPU accumulation type).
template <typename T>
struct UniformReal {
  using Acc =
      std::conditional_t<std::is_same_v<T, double> || std::is_same_v<T, float>, double, float>;
  Acc from, to;
  Acc operator()(GeneratorState& g) const {
    constexpr int digits = std::is_same_v<T, double>  ? 53
                           : std::is_same_v<T, float> ? 24
                           : std::is_same_v<T, Half>  ? 11
                                                      : 8;
    const uint64_t mask = (uint64_t(1) << digits) - 1;
    const Acc divisor = Acc(1) / static_cast<Acc>(uint64_t(1) << digits);
    const uint64_t v = std::is_same_v<T, double> ? g.random64() : g.random();
    const Acc x = static_cast<Acc>(v & mask) * divisor;
    return std::fma(x, to - from, from);  // torch's kernel is contracted to an FMA
  }
};

// Box-Muller in double with the second sample cached in the generator.
double normal_double(GeneratorState& g, double mean, double std) {
  if (g.next_double_normal) {
    double r = *g.next_double_normal;
    g.next_double_normal.reset();
    return std::fma(r, std, mean);  // contracted in torch's build
  }
  UniformReal<double> u{0.0, 1.0};
  const double u1 = u(g);
  const double u2 = u(g);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * M_PI * u1;
  g.next_double_normal = r * std::sin(theta);
  return std::fma(r * std::cos(theta), std, mean);
}

// Rounds a float to T and back.
template <typename T>
float rnd(float v) {
  return static_cast<float>(T(v));
}

// PyTorch's normal_fill_16 in c10's 16-bit arithmetic: a BFloat16 op BFloat16 (and an int
// operand) rounds to BFloat16, as do std::log/sqrt/sin/cos of a BFloat16; Half has no such math
// overloads (they take and return float); mixing with float or double computes in that type;
// a double is narrowed to float, then rounded to 16 bits.
template <typename T>
void normal_fill_16_reduced(T* data, T mean, T std) {
  constexpr bool bf = std::is_same_v<T, BFloat16>;
  const float m = static_cast<float>(mean), sd = static_cast<float>(std);
  for (int j = 0; j < 8; ++j) {
    const float u1 = rnd<T>(1.0f - static_cast<float>(data[j]));
    const double u2 = static_cast<float>(data[j + 8]);
    const float lg = bf ? rnd<T>(std::log(u1)) : std::log(u1);
    const float radius = rnd<T>(std::sqrt(bf ? rnd<T>(-2.0f * lg) : -2.0f * lg));
    const float theta = rnd<T>(static_cast<float>(static_cast<double>(2.0f * M_PI) * u2));
    const float c = bf ? rnd<T>(std::cos(theta)) : std::cos(theta);
    const float s = bf ? rnd<T>(std::sin(theta)) : std::sin(theta);
    if constexpr (bf) {
      data[j] = T(rnd<T>(rnd<T>(rnd<T>(radius * c) * sd) + m));
      data[j + 8] = T(rnd<T>(rnd<T>(rnd<T>(radius * s) * sd) + m));
    } else {
      data[j] = T(radius * c * sd + m);
      data[j + 8] = T(radius * s * sd + m);
    }
  }
}

template <typename T>
void normal_fill_16(T* data, T mean, T std) {
  if constexpr (std::is_same_v<T, BFloat16> || std::is_same_v<T, Half>) {
    normal_fill_16_reduced(data, mean, std);
  } else {
    for (int j = 0; j < 8; ++j) {
      const T u1 = 1 - data[j];
      const T u2 = data[j + 8];
      const T radius = std::sqrt(-2 * std::log(u1));
      const T theta = static_cast<T>(2.0 * M_PI * static_cast<double>(u2));  // in double
      // torch's build contracts the last multiply-add to an FMA
      data[j] = std::fma(radius * std::cos(theta), std, mean);
      data[j + 8] = std::fma(radius * std::sin(theta), std, mean);
    }
  }
}

// PyTorch's serial kernel visits elements in memory order: dims sorted by increasing stride
// (its TensorIterator's insertion sort; equal strides put the smaller dim first).
SizeVec memory_order(const Tensor& t) {
  const int64_t nd = t.dim();
  IntArrayRef sz = t.sizes(), st = t.strides();
  SizeVec perm(static_cast<size_t>(nd));
  for (int64_t i = 0; i < nd; ++i) perm[i] = nd - 1 - i;
  auto should_swap = [&](int64_t d0, int64_t d1) {
    if (st[d0] == 0 || st[d1] == 0) return 0;
    if (st[d0] != st[d1]) return st[d0] < st[d1] ? -1 : 1;
    return sz[d0] > sz[d1] ? 1 : 0;
  };
  for (int64_t i = 1; i < nd; ++i) {
    int64_t d1 = i;
    for (int64_t d0 = i - 1; d0 >= 0; --d0) {
      const int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  return perm;
}

// f(offset in self, offset in other) for every element of self in PyTorch's order (memory order),
// with other (self's shape, any strides) walked alongside.
template <typename F>
void walk_serial(const Tensor& self, IntArrayRef other_strides, F&& f) {
  const int64_t n = self.numel();
  const SizeVec perm = memory_order(self);
  const size_t nd = perm.size();
  SizeVec idx(nd, 0);
  int64_t off = 0, other = 0;
  for (int64_t i = 0; i < n; ++i) {
    f(off, other);
    for (size_t k = 0; k < nd; ++k) {
      const int64_t d = perm[k];
      off += self.strides()[d];
      other += other_strides[d];
      if (++idx[k] < self.sizes()[d]) break;
      off -= self.strides()[d] * idx[k];
      other -= other_strides[d] * idx[k];
      idx[k] = 0;
    }
  }
}

// Every element of self = f(), in PyTorch's order.
template <typename T, typename F>
void fill_serial(const Tensor& self, F&& f) {
  T* p = self.data_ptr<T>();
  const int64_t n = self.numel();
  if (self.is_contiguous()) {
    for (int64_t i = 0; i < n; ++i) p[i] = f();
    return;
  }
  walk_serial(self, self.strides(), [&](int64_t off, int64_t) { p[off] = f(); });
}

}  // namespace

void uniform_kernel(const Tensor& self, double from, double to, GeneratorState& g) {
  dispatch_floating(self.dtype(), "uniform_", [&](auto tag) {
    using T = decltype(tag);
    using Acc = typename UniformReal<T>::Acc;
    UniformReal<T> u{static_cast<Acc>(static_cast<T>(from)), static_cast<Acc>(static_cast<T>(to))};
    fill_serial<T>(self, [&] { return convert<T>(u(g)); });
  });
}

void normal_kernel(const Tensor& self, double mean, double std, GeneratorState& g) {
  const int64_t n = self.numel();
  dispatch_floating(self.dtype(), "normal_", [&](auto tag) {
    using T = decltype(tag);
    if (n >= 16 && self.is_contiguous()) {
      // Fill with uniforms, transform blocks of 16; a ragged tail redoes the last 16.
      T* data = self.data_ptr<T>();
      UniformReal<T> u{0, 1};
      for (int64_t i = 0; i < n; ++i) data[i] = convert<T>(u(g));
      auto block = [&](T* p) {
        if constexpr (std::is_same_v<T, float>) {
          if (cpu_has_avx2()) {
            normal_fill_16_avx2(p, static_cast<float>(mean), static_cast<float>(std));
            return;
          }
        }
        normal_fill_16<T>(p, static_cast<T>(mean), static_cast<T>(std));
      };
      for (int64_t i = 0; i + 16 <= n; i += 16) block(data + i);
      if (n % 16 != 0) {
        T* tail = data + n - 16;
        for (int64_t i = 0; i < 16; ++i) tail[i] = convert<T>(u(g));
        block(tail);
      }
    } else {
      fill_serial<T>(self, [&] { return convert<T>(normal_double(g, mean, std)); });
    }
  });
}

void bernoulli_kernel(const Tensor& self, double p, GeneratorState& g) {
  dispatch_all(self.dtype(), "bernoulli_", [&](auto tag) {
    using T = decltype(tag);
    UniformReal<double> u{0.0, 1.0};
    fill_serial<T>(self, [&] { return convert<T>(u(g) < p ? 1 : 0); });
  });
}

void distribution_kernel(const Tensor& self, Distribution d, double a, double b,
                         GeneratorState& g) {
  UniformReal<double> u{0.0, 1.0};
  auto draw = [&]() -> double {
    switch (d) {
      case Distribution::Exponential:
        return -1.0 / a * std::log(1.0 - u(g));
      case Distribution::Geometric:
        return std::ceil(std::log(u(g)) / std::log(1.0 - a));
      case Distribution::Cauchy:
        return std::fma(b, std::tan(M_PI * (u(g) - 0.5)), a);  // contracted in torch's build
      case Distribution::LogNormal:
        return std::exp(normal_double(g, a, b));
    }
    return 0.0;
  };
  dispatch_all(self.dtype(), "distribution", [&](auto tag) {
    using T = decltype(tag);
    fill_serial<T>(self, [&] { return convert<T>(draw()); });
  });
}

void bernoulli_tensor_kernel(const Tensor& self, const Tensor& p, GeneratorState& g) {
  dispatch_all(self.dtype(), "bernoulli_", [&](auto tag) {
    using T = decltype(tag);
    auto run = [&](auto ptag) {
      using P = decltype(ptag);  // float64 p: 53-bit uniforms, float32 p: 24-bit ones
      UniformReal<P> uni{0, 1};
      const P* pv = p.data_ptr<P>();
      T* out = self.data_ptr<T>();
      walk_serial(self, p.strides(), [&](int64_t off, int64_t poff) {
        out[off] = convert<T>(static_cast<double>(uni(g)) < static_cast<double>(pv[poff]) ? 1 : 0);
      });
    };
    if (p.dtype() == kDouble) {
      run(double{});
    } else {
      run(float{});
    }
  });
}

void random_range_kernel(const Tensor& self, uint64_t range, int64_t base, GeneratorState& g) {
  dispatch_all(self.dtype(), "random_", [&](auto tag) {
    using T = decltype(tag);
    constexpr bool wide = std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                          std::is_same_v<T, float> || std::is_same_v<T, BFloat16>;
    fill_serial<T>(self, [&] {
      if (range == 0) return convert<T>(static_cast<int64_t>(g.random64()));
      const uint64_t v = (wide && range >= (uint64_t(1) << 32)) ? g.random64() : g.random();
      return convert<T>(static_cast<int64_t>(v % range + static_cast<uint64_t>(base)));
    });
  });
}

void randperm_kernel(const Tensor& out, GeneratorState& g) {
  const int64_t n = out.numel();
  std::vector<int64_t> r(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) r[i] = i;
  for (int64_t i = 0; i + 1 < n; ++i) {
    const int64_t z = static_cast<int64_t>(g.random() % static_cast<uint64_t>(n - i));
    std::swap(r[i], r[z + i]);
  }
  dispatch_all(out.dtype(), "randperm", [&](auto tag) {
    using T = decltype(tag);
    T* p = out.data_ptr<T>();
    const int64_t s = out.dim() == 0 ? 1 : out.strides()[0];
    for (int64_t i = 0; i < n; ++i) p[i * s] = convert<T>(r[i]);
  });
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

}  // namespace torsh::detail::cpu
