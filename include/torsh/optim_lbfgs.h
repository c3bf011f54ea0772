#pragma once
// libtorch's LBFGS (torch::optim::LBFGS): limited-memory BFGS over all parameters flattened
// into one vector, with a fixed step or a strong-Wolfe line search; one parameter group only.
//   torch::optim::LBFGS opt(params, LBFGSOptions(1).line_search_fn("strong_wolfe"));
//   opt.step([&] { opt.zero_grad(); auto loss = f(); loss.backward(); return loss; });
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "torsh/optim.h"

namespace torsh::optim {

struct LBFGSOptions : public OptimizerOptions {
  LBFGSOptions(double lr = 1) : lr_(lr) {}  // NOLINT
  TORSH_ARG(double, lr);
  TORSH_ARG(int64_t, max_iter) = 20;
  /// Default: max_iter * 5 / 4.
  TORSH_ARG(std::optional<int64_t>, max_eval) = std::nullopt;
  TORSH_ARG(double, tolerance_grad) = 1e-7;
  TORSH_ARG(double, tolerance_change) = 1e-9;
  TORSH_ARG(int64_t, history_size) = 100;
  /// nullopt (a fixed step of lr) or "strong_wolfe".
  TORSH_ARG(std::optional<std::string>, line_search_fn) = std::nullopt;

 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<LBFGSOptions>(*this);
  }
  double get_lr() const override { return lr(); }
  void set_lr(double v) override { lr(v); }
};

/// The search state, kept under the first parameter (as libtorch keeps it).
struct LBFGSParamState : public OptimizerParamState {
  TORSH_ARG(int64_t, func_evals) = 0;
  TORSH_ARG(int64_t, n_iter) = 0;
  TORSH_ARG(double, t) = 0;
  TORSH_ARG(double, prev_loss) = 0;
  TORSH_ARG(Tensor, d) = {};
  TORSH_ARG(Tensor, H_diag) = {};
  TORSH_ARG(Tensor, prev_flat_grad) = {};
  TORSH_ARG(std::deque<Tensor>, old_dirs);
  TORSH_ARG(std::deque<Tensor>, old_stps);
  TORSH_ARG(std::deque<Tensor>, ro);
  TORSH_ARG(std::optional<std::vector<Tensor>>, al) = std::nullopt;
};

class LBFGS : public Optimizer {
 public:
  LBFGS(std::vector<Tensor> params, LBFGSOptions defaults = {});
  LBFGS(std::vector<OptimizerParamGroup> groups, LBFGSOptions defaults = {});
  /// Up to max_iter iterations; the closure re-evaluates the loss (and its gradients) and is
  /// required. Returns the loss of the first evaluation.
  Tensor step(LossClosure closure) override;

 private:
  int64_t numel();
  Tensor gather_flat_grad();
  void add_grad(double step_size, const Tensor& update);
  std::vector<Tensor> clone_params();
  void set_params(const std::vector<Tensor>& values);
  std::tuple<double, Tensor> directional_evaluate(const LossClosure& closure,
                                                  const std::vector<Tensor>& x, double t,
                                                  const Tensor& d);
  std::optional<int64_t> numel_cache_;
};

}  // namespace torsh::optim
