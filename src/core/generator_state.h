#pragma once
// The mt19937 state behind torsh::Generator, as PyTorch's CPU generator keeps it.
#include <cstdint>
#include <mutex>
#include <optional>

namespace torsh::detail {

struct GeneratorState {
  static constexpr int kN = 624;
  static constexpr int kM = 397;
  std::mutex mu;
  uint64_t current_seed = 0;
  uint32_t state[kN];
  int left = 1;
  int next = 0;
  std::optional<double> next_double_normal;
  std::optional<float> next_float_normal;

  void seed(uint64_t s);
  void next_state();
  /// Next 32 bits; the caller holds mu.
  uint32_t random();
  /// Two draws, the first in the high half; the caller holds mu.
  uint64_t random64();
};

}  // namespace torsh::detail
