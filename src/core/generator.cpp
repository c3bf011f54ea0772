#include "torsh/core/generator.h"

#include <mutex>
#include <optional>

#include "core/generator_state.h"

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

Generator& default_generator() {
  static Generator* g = new Generator();
  return *g;
}

void manual_seed(uint64_t seed) { default_generator().set_current_seed(seed); }

}  // namespace torsh
