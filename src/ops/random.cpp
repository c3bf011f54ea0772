// Random sampling with PyTorch's CPU algorithms, so equal seeds give equal tensors.
#include <cmath>
#include <limits>
#include <mutex>

#include "core/dispatch.h"
#include "core/generator_state.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh {
namespace detail {
void normal_fill_16_avx2(float* data, float mean, float std);
}  // namespace detail

namespace native {

namespace {
using detail::GeneratorState;

GeneratorState& state_of(const std::optional<Generator>& g) {
  return g ? *g->state() : *default_generator().state();
}

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
    return x * (to - from) + from;
  }
};

// Box-Muller in double with the second sample cached in the generator.
double normal_double(GeneratorState& g, double mean, double std) {
  if (g.next_double_normal) {
    double r = *g.next_double_normal;
    g.next_double_normal.reset();
    return r * std + mean;
  }
  UniformReal<double> u{0.0, 1.0};
  const double u1 = u(g);
  const double u2 = u(g);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * M_PI * u1;
  g.next_double_normal = r * std::sin(theta);
  return r * std::cos(theta) * std + mean;
}

template <typename T>
void normal_fill_16(T* data, T mean, T std) {
  for (int j = 0; j < 8; ++j) {
    const T u1 = 1 - data[j];
    const T u2 = data[j + 8];
    const T radius = std::sqrt(-2 * std::log(u1));
    const T theta = static_cast<T>(2.0f * M_PI) * u2;
    data[j] = radius * std::cos(theta) * std + mean;
    data[j + 8] = radius * std::sin(theta) * std + mean;
  }
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

template <typename T, typename F>
void fill_serial(Tensor& self, F&& f) {
  // Elements are drawn in the tensor's logical (row-major) order, as PyTorch's serial kernel.
  Tensor c = self.is_contiguous() ? self : torsh::empty(self.sizes().vec(), self.dtype());
  T* p = c.data_ptr<T>();
  for (int64_t i = 0, n = c.numel(); i < n; ++i) p[i] = f();
  if (!c.is_same(self)) self.copy_(c);
}
}  // namespace

Tensor& uniform_(Tensor& self, double from, double to, std::optional<Generator> generator) {
  TORSH_CHECK(from <= to, "uniform_(): expects to return a [from, to) range, but found from=", from,
              " > to=", to);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::dispatch_floating(self.dtype(), "uniform_", [&](auto tag) {
    using T = decltype(tag);
    using Acc = typename UniformReal<T>::Acc;
    UniformReal<T> u{static_cast<Acc>(static_cast<T>(from)), static_cast<Acc>(static_cast<T>(to))};
    fill_serial<T>(self, [&] { return detail::convert<T>(u(g)); });
  });
  return self;
}

Tensor& normal_(Tensor& self, double mean, double std, std::optional<Generator> generator) {
  TORSH_CHECK(std >= 0.0, "normal_(): expects std >= 0.0, but found std ", std);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  const int64_t n = self.numel();
  detail::dispatch_floating(self.dtype(), "normal_", [&](auto tag) {
    using T = decltype(tag);
    if (n >= 16 && self.is_contiguous()) {
      // Fill with uniforms, transform blocks of 16; a ragged tail redoes the last 16.
      T* data = self.data_ptr<T>();
      UniformReal<T> u{0, 1};
      for (int64_t i = 0; i < n; ++i) data[i] = detail::convert<T>(u(g));
      auto block = [&](T* p) {
        if constexpr (std::is_same_v<T, float>) {
          if (cpu_has_avx2()) {
            detail::normal_fill_16_avx2(p, static_cast<float>(mean), static_cast<float>(std));
            return;
          }
        }
        normal_fill_16<T>(p, static_cast<T>(mean), static_cast<T>(std));
      };
      for (int64_t i = 0; i + 16 <= n; i += 16) block(data + i);
      if (n % 16 != 0) {
        T* tail = data + n - 16;
        for (int64_t i = 0; i < 16; ++i) tail[i] = detail::convert<T>(u(g));
        block(tail);
      }
    } else {
      fill_serial<T>(self, [&] { return detail::convert<T>(normal_double(g, mean, std)); });
    }
  });
  return self;
}

Tensor& bernoulli_(Tensor& self, double p, std::optional<Generator> generator) {
  TORSH_CHECK(p >= 0 && p <= 1, "bernoulli_(): expects p to be in [0, 1], but got p=", p);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::dispatch_all(self.dtype(), "bernoulli_", [&](auto tag) {
    using T = decltype(tag);
    UniformReal<double> u{0.0, 1.0};
    fill_serial<T>(self, [&] { return detail::convert<T>(u(g) < p ? 1 : 0); });
  });
  return self;
}

Tensor& random_(Tensor& self, int64_t from, std::optional<int64_t> to,
                std::optional<Generator> generator) {
  TORSH_CHECK(to.has_value(), "random_(): the unbounded form is not supported yet; pass `to`");
  TORSH_CHECK(from < *to, "random_(): expects 'from' to be less than 'to', but got from=", from,
              " >= to=", *to);
  const uint64_t range = static_cast<uint64_t>(*to) - static_cast<uint64_t>(from);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::dispatch_all(self.dtype(), "random_", [&](auto tag) {
    using T = decltype(tag);
    constexpr bool wide = std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                          std::is_same_v<T, float> || std::is_same_v<T, BFloat16>;
    fill_serial<T>(self, [&] {
      const uint64_t v = (wide && range >= (uint64_t(1) << 32)) ? g.random64() : g.random();
      return detail::convert<T>(static_cast<int64_t>(v % range) + from);
    });
  });
  return self;
}

Tensor rand(IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  Tensor t = torsh::empty(size, options);
  return uniform_(t, 0, 1, generator);
}

Tensor randn(IntArrayRef size, std::optional<Generator> generator, TensorOptions options) {
  Tensor t = torsh::empty(size, options);
  return normal_(t, 0, 1, generator);
}

Tensor randint(int64_t low, int64_t high, IntArrayRef size, std::optional<Generator> generator,
               TensorOptions options) {
  Tensor t = torsh::empty(size, options.has_dtype() ? options : options.dtype(kLong));
  return random_(t, low, high, generator);
}

Tensor randint(int64_t high, IntArrayRef size, std::optional<Generator> generator,
               TensorOptions options) {
  return native::randint(0, high, size, generator, options);
}

Tensor randperm(int64_t n, std::optional<Generator> generator, TensorOptions options) {
  TORSH_CHECK(n >= 0, "randperm(): n must be non-negative, got", n);
  Tensor t = torsh::empty({n}, options.has_dtype() ? options : options.dtype(kLong));
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::dispatch_all(t.dtype(), "randperm", [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_ptr<T>();
    std::vector<int64_t> r(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) r[i] = i;
    for (int64_t i = 0; i + 1 < n; ++i) {
      const int64_t z = static_cast<int64_t>(g.random() % static_cast<uint64_t>(n - i));
      std::swap(r[i], r[z + i]);
    }
    for (int64_t i = 0; i < n; ++i) p[i] = detail::convert<T>(r[i]);
  });
  return t;
}

}  // namespace native
}  // namespace torsh
