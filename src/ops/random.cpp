// Random sampling with PyTorch's CPU algorithms, so equal seeds give equal tensors.
#include <cmath>
#include <limits>
#include <mutex>

#include "core/dispatch.h"
#include "core/generator_state.h"
#include "iter/tensor_iter.h"
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

template <typename T, typename F>
void fill_serial(Tensor& self, F&& f) {
  T* p = self.data_ptr<T>();
  const int64_t n = self.numel();
  if (self.is_contiguous()) {
    for (int64_t i = 0; i < n; ++i) p[i] = f();
    return;
  }
  detail::assert_no_internal_overlap(self);
  const SizeVec perm = memory_order(self);
  const size_t nd = perm.size();
  SizeVec idx(nd, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    p[off] = f();
    for (size_t k = 0; k < nd; ++k) {
      const int64_t d = perm[k];
      off += self.strides()[d];
      if (++idx[k] < self.sizes()[d]) break;
      off -= self.strides()[d] * idx[k];
      idx[k] = 0;
    }
  }
}
}  // namespace

Tensor& uniform_(Tensor& self, double from, double to, std::optional<Generator> generator) {
  // torch's checks: both bounds finite values of the dtype, and to - from within its range.
  if (is_floating_point(self.dtype())) {
    const ScalarType t = self.dtype();
    const double hi = t == kHalf       ? 65504.0
                      : t == kBFloat16 ? 3.3895313892515355e38
                      : t == kFloat    ? 3.4028234663852886e38
                                       : std::numeric_limits<double>::max();
    const char* name = t == kHalf       ? "c10::Half"
                       : t == kBFloat16 ? "c10::BFloat16"
                       : t == kFloat    ? "float"
                                        : "double";
    TORSH_CHECK(from >= -hi && from <= hi, "from is out of bounds for ", name);
    TORSH_CHECK(to >= -hi && to <= hi, "to is out of bounds for ", name);
    TORSH_CHECK(from <= to,
                "uniform_(): expects to return a [from, to) range, but found from=", from,
                " > to=", to);
    TORSH_CHECK(to - from <= hi, "uniform_ expects to-from <= std::numeric_limits<",
                scalar_type_name(t), ">::max(), but found to=", to, " and from=", from,
                " which result in to-from to exceed the limit");
  }
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

namespace {
template <typename T>
constexpr int float_digits() {
  return std::is_same_v<T, double>  ? 53
         : std::is_same_v<T, float> ? 24
         : std::is_same_v<T, Half>  ? 11
                                    : 8;
}

// An int64 rounded to T and back, as static_cast<scalar_t> in PyTorch (half types via float).
template <typename T>
int64_t round_trip(int64_t v) {
  if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
    return static_cast<int64_t>(static_cast<T>(v));
  } else {
    return static_cast<int64_t>(static_cast<float>(T(static_cast<float>(v))));
  }
}

// PyTorch's update_from / update_to: bounds of a floating range move to values the dtype holds.
template <typename T>
int64_t update_from(int64_t from) {
  // from + 1 would overflow (torch 1.13 then loops forever); the range check refuses it.
  if (from == std::numeric_limits<int64_t>::max()) return from;
  const int64_t from_plus_1 = round_trip<T>(from + 1);
  if (from_plus_1 < from) {
    int64_t v = std::abs(from + 1);
    int n = 0;
    while (v >>= 1) ++n;
    from = from_plus_1 + (int64_t(1) << (n - float_digits<T>() + 1));
  }
  return from;
}
template <typename T>
int64_t update_to(int64_t to) {
  if (to == std::numeric_limits<int64_t>::min()) return to;  // to - 1 would overflow
  const int64_t to_minus_1 = round_trip<T>(to - 1);
  if (to_minus_1 >= to) {
    int64_t v = std::abs(to - 1);
    int n = 0;
    while (v >>= 1) ++n;
    to = to_minus_1 - (int64_t(1) << (n - float_digits<T>() + 1));
  }
  return to;
}

// Integer results must hold both ends of the range (floating ones only warn in PyTorch).
void check_from_to_in_range(int64_t from, int64_t to_inc, ScalarType t) {
  if (t == kHalf) {
    TORSH_CHECK(from >= -65504 && from <= 65504, "random_(): from is out of bounds for Half");
    TORSH_CHECK(to_inc >= -65504 && to_inc <= 65504, "random_(): to - 1 is out of bounds for Half");
  }
  if (is_floating_point(t) || t == kLong) return;
  detail::dispatch_all(t, "random_", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T>) {
      const int64_t lo = std::is_same_v<T, bool> ? 0 : std::numeric_limits<T>::lowest();
      const int64_t hi = std::is_same_v<T, bool> ? 1 : std::numeric_limits<T>::max();
      TORSH_CHECK(from >= lo && from <= hi, "random_(): from is out of bounds for ",
                  scalar_type_name(t));
      TORSH_CHECK(to_inc >= lo && to_inc <= hi, "random_(): to - 1 is out of bounds for ",
                  scalar_type_name(t));
    }
  });
}

// Draws val % range + base into every element (range 0 means all 2^64 values).
void random_range(Tensor& self, uint64_t range, int64_t base, std::optional<Generator> generator) {
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::dispatch_all(self.dtype(), "random_", [&](auto tag) {
    using T = decltype(tag);
    constexpr bool wide = std::is_same_v<T, int64_t> || std::is_same_v<T, double> ||
                          std::is_same_v<T, float> || std::is_same_v<T, BFloat16>;
    fill_serial<T>(self, [&] {
      if (range == 0) return detail::convert<T>(static_cast<int64_t>(g.random64()));
      const uint64_t v = (wide && range >= (uint64_t(1) << 32)) ? g.random64() : g.random();
      return detail::convert<T>(static_cast<int64_t>(v % range + static_cast<uint64_t>(base)));
    });
  });
}
}  // namespace

Tensor& random_(Tensor& self, int64_t from, std::optional<int64_t> to,
                std::optional<Generator> generator) {
  const ScalarType t = self.dtype();
  if (to) {
    TORSH_CHECK(from < *to, "random_(): expects 'from' to be less than 'to', but got from=", from,
                " >= to=", *to);
    int64_t hi = *to;
    if (is_floating_point(t)) {
      detail::dispatch_floating(t, "random_", [&](auto tag) {
        using T = decltype(tag);
        from = update_from<T>(from);
        hi = update_to<T>(hi);
      });
      TORSH_CHECK(from < hi,
                  "random_(): expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                  "but got from=",
                  from, " >= to=", hi);
    }
    check_from_to_in_range(from, hi - 1, t);
    if (self.numel() == 0) return self;
    random_range(self, static_cast<uint64_t>(hi) - static_cast<uint64_t>(from), from, generator);
    return self;
  }
  // [from, the largest integer the dtype holds exactly]
  int64_t to_inc = 0;
  if (is_floating_point(t)) {
    detail::dispatch_floating(t, "random_", [&](auto tag) {
      using T = decltype(tag);
      to_inc = float_digits<T>() >= 63 ? std::numeric_limits<int64_t>::max()
                                       : int64_t(1) << float_digits<T>();
      from = update_from<T>(from);
    });
    TORSH_CHECK(from < to_inc,
                "random_(): expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                "casted to dtype, but got from=",
                from, " > to_inc=", to_inc);
  } else {
    detail::dispatch_all(t, "random_", [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, bool>) {
        to_inc = 1;
      } else if constexpr (std::is_integral_v<T>) {
        to_inc = static_cast<int64_t>(std::numeric_limits<T>::max());
      }
    });
  }
  check_from_to_in_range(from, to_inc, t);
  if (self.numel() == 0) return self;
  random_range(self, static_cast<uint64_t>(to_inc) - static_cast<uint64_t>(from) + 1, from,
               generator);
  return self;
}

Tensor& random_(Tensor& self, int64_t to, std::optional<Generator> generator) {
  return native::random_(self, 0, to, generator);
}

Tensor& random_(Tensor& self, std::optional<Generator> generator) {
  // PyTorch's uniform_int: the raw draw reduced modulo (max exact integer + 1) of the dtype.
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::dispatch_all(self.dtype(), "random_", [&](auto tag) {
    using T = decltype(tag);
    fill_serial<T>(self, [&]() -> T {
      if constexpr (std::is_same_v<T, bool>) {
        return (g.random() & 1) != 0;
      } else if constexpr (std::is_integral_v<T>) {
        const uint64_t v = std::is_same_v<T, int64_t> ? g.random64() : g.random();
        return static_cast<T>(v % (static_cast<uint64_t>(std::numeric_limits<T>::max()) + 1));
      } else {
        const uint64_t v = std::is_same_v<T, double> ? g.random64() : g.random();
        return detail::convert<T>(
            static_cast<int64_t>(v % ((uint64_t(1) << float_digits<T>()) + 1)));
      }
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
