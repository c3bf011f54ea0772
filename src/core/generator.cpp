#include "torsh/core/generator.h"
#include "torsh/core/thread_generator.h"

#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>

#include "core/generator_state.h"
#include "torsh/core/tensor.h"

namespace torsh {

namespace detail {
void GeneratorState::seed(uint64_t s) {
  current_seed = s;
  state[0] = static_cast<uint32_t>(s & 0xffffffffu);
  for (int j = 1; j < kN; ++j) {
    state[j] = 1812433253u * (state[j - 1] ^ (state[j - 1] >> 30)) + static_cast<uint32_t>(j);
  }
  left = 1;
  next = 0;
  next_double_normal.reset();
  next_float_normal.reset();
}

void GeneratorState::next_state() {
  uint32_t* p = state;
  left = kN;
  next = 0;
  auto mix = [](uint32_t u, uint32_t v) {
    return (((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
  };
  int j = kN - kM + 1;
  for (; --j; ++p) *p = p[kM] ^ mix(p[0], p[1]);
  for (j = kM; --j; ++p) *p = p[kM - kN] ^ mix(p[0], p[1]);
  *p = p[kM - kN] ^ mix(p[0], state[0]);
}

uint32_t GeneratorState::random() {
  if (--left == 0) next_state();
  uint32_t y = state[next++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= (y >> 18);
  return y;
}

uint64_t GeneratorState::random64() {
  uint32_t hi = random();
  uint32_t lo = random();
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
}  // namespace detail

Generator::Generator() : Generator(67280421310721ull) {}

Generator::Generator(uint64_t seed) : state_(std::make_shared<detail::GeneratorState>()) {
  state_->seed(seed);
}

void Generator::set_current_seed(uint64_t seed) {
  std::lock_guard<std::mutex> g(state_->mu);
  state_->seed(seed);
}

uint64_t Generator::current_seed() const { return state_->current_seed; }

uint32_t Generator::random() {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->random();
}

uint64_t Generator::random64() {
  std::lock_guard<std::mutex> g(state_->mu);
  return state_->random64();
}

namespace {
// torch's serialised CPU generator state (CPUGeneratorImplState and its legacy part): the
// layout get_rng_state returns, byte for byte.
struct LegacyState {
  int64_t the_initial_seed;
  int left;
  int seeded;
  uint64_t next;
  uint64_t state[detail::GeneratorState::kN];
  double normal_x;
  double normal_y;
  double normal_rho;
  int normal_is_valid;
};
struct CurrentState {
  LegacyState legacy_pod;
  float next_float_normal_sample;
  bool is_next_float_normal_sample_valid;
};
static_assert(sizeof(LegacyState) == 5048 && sizeof(CurrentState) == 5056);
}  // namespace

Tensor Generator::get_state() const {
  CurrentState st{};  // zeroed, padding included
  {
    std::lock_guard<std::mutex> g(state_->mu);
    const detail::GeneratorState& s = *state_;
    st.legacy_pod.the_initial_seed = static_cast<int64_t>(s.current_seed);
    st.legacy_pod.left = s.left;
    st.legacy_pod.seeded = 1;
    st.legacy_pod.next = static_cast<uint64_t>(s.next);
    for (int i = 0; i < detail::GeneratorState::kN; ++i) st.legacy_pod.state[i] = s.state[i];
    if (s.next_double_normal) {
      st.legacy_pod.normal_is_valid = 1;
      st.legacy_pod.normal_y = *s.next_double_normal;
    }
    if (s.next_float_normal) {
      st.is_next_float_normal_sample_valid = true;
      st.next_float_normal_sample = *s.next_float_normal;
    }
  }
  Tensor r = detail::empty_strided_impl({static_cast<int64_t>(sizeof(st))}, kByte);
  std::memcpy(r.data_ptr<uint8_t>(), &st, sizeof(st));
  return r;
}

void Generator::set_state(const Tensor& new_state) {
  TORSH_CHECK_TYPE(new_state.defined() && new_state.dtype() == kByte,
                   "RNG state must be a torch.ByteTensor");
  const int64_t n = new_state.numel();
  TORSH_CHECK(n == static_cast<int64_t>(sizeof(LegacyState)) ||
                  n == static_cast<int64_t>(sizeof(CurrentState)),
              "Expected either a CPUGeneratorImplStateLegacy of size ", sizeof(LegacyState),
              " or a CPUGeneratorImplState of size ", sizeof(CurrentState),
              " but found the input RNG state size to be ", n);
  CurrentState st{};
  std::memcpy(&st, new_state.contiguous().data_ptr<uint8_t>(), static_cast<size_t>(n));
  const LegacyState& l = st.legacy_pod;
  std::optional<double> next_double;
  std::optional<float> next_float;
  if (n == static_cast<int64_t>(sizeof(LegacyState))) {
    // The legacy layout kept Box-Muller's intermediates; its cached sample is r * sin(theta).
    if (l.normal_is_valid) next_double = l.normal_rho * std::sin(2.0 * M_PI * l.normal_x);
  } else {
    if (st.is_next_float_normal_sample_valid) next_float = st.next_float_normal_sample;
    if (l.normal_is_valid) next_double = l.normal_y;
  }
  const uint32_t next = static_cast<uint32_t>(l.next);
  TORSH_CHECK(l.seeded && l.left > 0 && l.left <= detail::GeneratorState::kN &&
                  next <= static_cast<uint32_t>(detail::GeneratorState::kN),
              "Invalid mt19937 state");
  std::lock_guard<std::mutex> g(state_->mu);
  detail::GeneratorState& s = *state_;
  s.current_seed = static_cast<uint64_t>(l.the_initial_seed);
  s.left = l.left;
  s.next = static_cast<int>(next);
  for (int i = 0; i < detail::GeneratorState::kN; ++i)
    s.state[i] = static_cast<uint32_t>(l.state[i]);
  s.next_double_normal = next_double;
  s.next_float_normal = next_float;
}

Tensor get_rng_state() { return default_generator().get_state(); }

void set_rng_state(const Tensor& state) { default_generator().set_state(state); }

namespace {
thread_local std::optional<Generator> t_thread_generator;
}  // namespace

void set_thread_default_generator(std::optional<Generator> g) { t_thread_generator = std::move(g); }

Generator& default_generator() {
  if (t_thread_generator) return *t_thread_generator;
  // as torch's default CPU generator: seeded from the OS's random device at start-up, so an
  // unseeded program draws differently each run (torch.initial_seed() tells the seed)
  static Generator* g = [] {
    std::random_device rd;
    const uint64_t seed = (static_cast<uint64_t>(rd()) << 32) | static_cast<uint64_t>(rd());
    return new Generator(seed);
  }();
  return *g;
}

void manual_seed(uint64_t seed) { default_generator().set_current_seed(seed); }

}  // namespace torsh
