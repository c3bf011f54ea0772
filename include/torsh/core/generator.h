#pragma once
// Generator: PyTorch's CPU random generator (mt19937 and its normal-sample cache).
#include <cstdint>
#include <memory>
#include <optional>

namespace torsh {

class Tensor;

namespace detail {
/// The state of one CPU generator: mt19937 plus the cached second Box-Muller sample.
struct GeneratorState;
}  // namespace detail

/// A handle to a CPU random generator; copies share state (torch.Generator).
class Generator {
 public:
  /// A new generator seeded with 67280421310721, as torch.Generator().
  Generator();
  explicit Generator(uint64_t seed);
  /// Seeds the generator and clears cached normal samples.
  void set_current_seed(uint64_t seed);
  uint64_t current_seed() const;
  /// Next 32 random bits.
  uint32_t random();
  /// Next 64 random bits (two 32-bit draws).
  uint64_t random64();
  /// The state as a uint8 tensor laid out like torch's CPU generator state (5056 bytes), so
  /// states move between torch and torsh (torch.Generator.get_state).
  Tensor get_state() const;
  /// Restores a state from get_state (or torch's, including its legacy 5048-byte layout).
  void set_state(const Tensor& state);
  detail::GeneratorState* state() const { return state_.get(); }

 private:
  std::shared_ptr<detail::GeneratorState> state_;
};

/// The process-wide default CPU generator.
Generator& default_generator();
/// Seeds the default generator (torch.manual_seed).
void manual_seed(uint64_t seed);
/// The default generator's state (torch.get_rng_state).
Tensor get_rng_state();
/// Sets the default generator's state (torch.set_rng_state).
void set_rng_state(const Tensor& state);

}  // namespace torsh
