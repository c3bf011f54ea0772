#pragma once
// libtorch's learning-rate schedulers (torch::optim::LRScheduler, StepLR): a scheduler holds a
// reference to its optimizer (which must outlive it) and sets every group's lr at each step().
#include <vector>

namespace torsh::optim {

class Optimizer;

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  /// Sets each group's lr to get_lrs(), then counts the step.
  void step();

 protected:
  /// The learning rate of each parameter group after this step.
  virtual std::vector<double> get_lrs() = 0;
  /// Each group's learning rate now.
  std::vector<double> get_current_lrs() const;
  /// The number of step() calls so far.
  unsigned step_count_ = 0;

 private:
  void set_optimizer_lrs(const std::vector<double>& learning_rates);
  Optimizer& optimizer_;
};

/// Multiplies every group's lr by gamma at each step() that finds step_count_ a positive
/// multiple of step_size (libtorch's rule: the first decay comes at call step_size + 1).
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, const unsigned step_size, const double gamma = 0.1);

 private:
  std::vector<double> get_lrs() override;
  const unsigned step_size_;
  const double gamma_;
};

}  // namespace torsh::optim
