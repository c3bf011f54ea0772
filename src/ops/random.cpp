// Random sampling with PyTorch's CPU algorithms, so equal seeds give equal tensors.
#include <cmath>
#include <limits>
#include <mutex>

#include "core/dispatch.h"
#include "core/generator_state.h"
#include "iter/tensor_iter.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh {
namespace native {

namespace {
using detail::GeneratorState;

GeneratorState& state_of(const std::optional<Generator>& g) {
  return g ? *g->state() : *default_generator().state();
}

// The checks every random fill makes before its kernel runs.
void check_fill_target(const Tensor& self) {
  if (!self.is_contiguous()) detail::assert_no_internal_overlap(self);
}
}  // namespace

Tensor& uniform_(Tensor& self, double from, double to, std::optional<Generator> generator) {
  if (self.is_complex()) {  // as torch: both parts drawn, in storage order, from [from, to)
    Tensor parts = torsh::view_as_real(self);
    native::uniform_(parts, from, to, generator);
    return self;
  }
  // torch's checks: a floating dtype, both bounds finite values of the dtype, and to - from
  // within its range.
  TORSH_CHECK(is_floating_point(self.dtype()), "\"check_uniform_bounds\" not implemented for '",
              scalar_type_name(self.dtype()), "'");
  {
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
  check_fill_target(self);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::uniform_stub(self.device().type, "uniform_")(self, from, to, g);
  return self;
}

Tensor& normal_(Tensor& self, double mean, double std, std::optional<Generator> generator) {
  TORSH_CHECK(std >= 0.0, "normal_(): expects std >= 0.0, but found std ", std);
  if (self.is_complex()) {  // as torch: each part with std / sqrt(2), so |z| has variance std^2
    Tensor parts = torsh::view_as_real(self);
    native::normal_(parts, mean, std / std::sqrt(2.0), generator);
    return self;
  }
  TORSH_CHECK(is_floating_point(self.dtype()), "\"normal_kernel_cpu\" not implemented for '",
              scalar_type_name(self.dtype()), "'");
  check_fill_target(self);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::normal_stub(self.device().type, "normal_")(self, mean, std, g);
  return self;
}

Tensor& bernoulli_(Tensor& self, double p, std::optional<Generator> generator) {
  TORSH_CHECK(p >= 0 && p <= 1, "bernoulli_(): expects p to be in [0, 1], but got p=", p);
  check_fill_target(self);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::bernoulli_stub(self.device().type, "bernoulli_")(self, p, g);
  return self;
}

namespace {
// Draws d(a, b) into self after torch's dtype check (floating types; geometric also integers).
Tensor& fill_distribution(Tensor& self, detail::Distribution d, double a, double b,
                          std::optional<Generator> generator, const char* kernel) {
  const ScalarType t = self.dtype();
  const bool ok =
      d == detail::Distribution::Geometric ? !is_complex(t) && t != kBool : is_floating_point(t);
  TORSH_CHECK(ok, "\"", kernel, "\" not implemented for '", scalar_type_name(t), "'");
  check_fill_target(self);
  if (self.numel() == 0) return self;
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::distribution_stub(self.device().type, kernel)(self, d, a, b, g);
  return self;
}
}  // namespace

Tensor& exponential_(Tensor& self, double lambd, std::optional<Generator> generator) {
  TORSH_CHECK(lambd >= 0.0, "exponential_ expects lambda >= 0.0, but found lambda=", lambd);
  return fill_distribution(self, detail::Distribution::Exponential, lambd, 0, generator,
                           "exponential_cpu");
}

Tensor& geometric_(Tensor& self, double p, std::optional<Generator> generator) {
  TORSH_CHECK(p > 0 && p < 1, "geometric_ expects p to be in (0, 1), but got p=", p);
  return fill_distribution(self, detail::Distribution::Geometric, p, 0, generator, "geometric_cpu");
}

Tensor& cauchy_(Tensor& self, double median, double sigma, std::optional<Generator> generator) {
  return fill_distribution(self, detail::Distribution::Cauchy, median, sigma, generator,
                           "cauchy_cpu");
}

Tensor& log_normal_(Tensor& self, double mean, double std, std::optional<Generator> generator) {
  TORSH_CHECK(std > 0.0, "log_normal_ expects std > 0.0, but found std=", std);
  return fill_distribution(self, detail::Distribution::LogNormal, mean, std, generator,
                           "log_normal_cpu");
}

Tensor& bernoulli_(Tensor& self, const Tensor& p, std::optional<Generator> generator) {
  const ScalarType t = self.dtype();
  TORSH_CHECK(t != kHalf && !is_complex(t), "\"bernoulli_tensor_cpu_self_\" not implemented for '",
              scalar_type_name(t), "'");
  const ScalarType pt = p.dtype();
  TORSH_CHECK(pt == kDouble || pt == kFloat || pt == kBFloat16,
              "\"bernoulli_tensor_cpu_p_\" not implemented for '", scalar_type_name(pt), "'");
  Tensor probs = p.expand(self.sizes());
  TORSH_CHECK(
      probs.numel() == 0 || (probs.min().item<double>() >= 0 && probs.max().item<double>() <= 1),
      "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
      "message be improved?  If so, please report an enhancement request to PyTorch.)");
  if (pt == kBFloat16) probs = probs.to(kFloat);
  check_fill_target(self);
  if (self.numel() == 0) return self;
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::bernoulli_tensor_stub(self.device().type, "bernoulli_")(self, probs, g);
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
  check_fill_target(self);
  GeneratorState& g = state_of(generator);
  std::lock_guard<std::mutex> lock(g.mu);
  detail::random_range_stub(self.device().type, "random_")(self, range, base, g);
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
  if (from == std::numeric_limits<int64_t>::min()) {
    // torch's full 64-bit range: the raw draw as an int64, converted (unchecked)
    TORSH_CHECK(t == kLong || t == kDouble || t == kFloat || t == kBFloat16,
                "random_(): random_full_64_bits_range_kernel_cpu handles only int64, double, "
                "float and bfloat16");
    if (self.numel() > 0) random_range(self, 0, 0, generator);
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
  // PyTorch's uniform_int: the raw draw reduced modulo (the largest integer the dtype holds
  // exactly + 1), which is random_(0, None).
  return native::random_(self, 0, std::nullopt, generator);
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
  detail::randperm_stub(t.device().type, "randperm")(t, g);
  return t;
}

}  // namespace native
}  // namespace torsh
