#pragma once
// libtorch's torch::optim: Optimizer with parameter groups and per-parameter state, and SGD,
// Adam, AdamW, Adagrad and RMSprop with torch's update formulas (LBFGS: optim_lbfgs.h; the
// learning-rate schedulers: optim_schedulers.h) (torch::optim::SGD(params, SGDOptions(0.1)
// .momentum(0.9)); optimizer.zero_grad(); loss.backward(); optimizer.step();).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"
#include "torsh/optim_fused.h"
#include "torsh/optim_schedulers.h"

namespace torsh::optim {

/// The options of a parameter group (each optimizer derives its own).
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
};

/// One parameter's optimizer state (each optimizer derives its own).
class OptimizerParamState {
 public:
  virtual ~OptimizerParamState() = default;
};

/// Parameters sharing one set of options.
class OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& o)
      : params_(o.params_), options_(o.options_ ? o.options_->clone() : nullptr) {}
  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options() {
    TORSH_CHECK(has_options(), "param group has no options");
    return *options_;
  }
  const OptimizerOptions& options() const {
    TORSH_CHECK(has_options(), "param group has no options");
    return *options_;
  }
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

using LossClosure = std::function<Tensor()>;

class Optimizer {
 public:
  Optimizer(std::vector<OptimizerParamGroup> param_groups,
            std::unique_ptr<OptimizerOptions> defaults);
  Optimizer(std::vector<Tensor> parameters, std::unique_ptr<OptimizerOptions> defaults)
      : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(parameters))},
                  std::move(defaults)) {}
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Adds a group; options it lacks come from the defaults. A parameter in two groups raises.
  void add_param_group(const OptimizerParamGroup& param_group);
  /// One update of every parameter with a gradient; the closure (re)computes the loss.
  virtual Tensor step(LossClosure closure = nullptr) = 0;
  /// Zeroes (or, with set_to_none, drops) every parameter's gradient.
  void zero_grad(bool set_to_none = false);
  std::vector<Tensor> parameters() const;
  size_t size() const;
  OptimizerOptions& defaults() { return *defaults_; }
  std::vector<OptimizerParamGroup>& param_groups() { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const { return param_groups_; }
  /// Per-parameter state, keyed by the parameter's identity (as libtorch keys it).
  std::map<std::string, std::unique_ptr<OptimizerParamState>>& state() { return state_; }
  const std::map<std::string, std::unique_ptr<OptimizerParamState>>& state() const {
    return state_;
  }
  /// The key of a parameter's entry in state().
  static std::string key_of(const Tensor& p);

 protected:
  template <typename S>
  S* find_state(const Tensor& p) {
    auto it = state_.find(key_of(p));
    return it == state_.end() ? nullptr : static_cast<S*>(it->second.get());
  }
  Tensor run_closure(const LossClosure& closure);

  std::vector<OptimizerParamGroup> param_groups_;
  std::map<std::string, std::unique_ptr<OptimizerParamState>> state_;
  std::unique_ptr<OptimizerOptions> defaults_;
};

#define TORSH_OPTIONS_COMMON(Options)                        \
  std::unique_ptr<OptimizerOptions> clone() const override { \
    return std::make_unique<Options>(*this);                 \
  }                                                          \
  double get_lr() const override { return lr(); }            \
  void set_lr(double v) override { lr(v); }

struct SGDOptions : public OptimizerOptions {
  SGDOptions(double lr) : lr_(lr) {}  // NOLINT
  TORSH_ARG(double, lr);
  TORSH_ARG(double, momentum) = 0;
  TORSH_ARG(double, dampening) = 0;
  TORSH_ARG(double, weight_decay) = 0;
  TORSH_ARG(bool, nesterov) = false;

 public:
  TORSH_OPTIONS_COMMON(SGDOptions)
};

struct SGDParamState : public OptimizerParamState {
  TORSH_ARG(Tensor, momentum_buffer);
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions defaults);
  SGD(std::vector<OptimizerParamGroup> groups, SGDOptions defaults);
  Tensor step(LossClosure closure = nullptr) override;

 private:
  // One group's step through fused_sgd_step (false: not fusable, nothing changed).
  bool sgd_fused(OptimizerParamGroup& group, const SGDOptions& o);
};

/// Adam's (beta1, beta2).
using betas_t = std::tuple<double, double>;

struct AdamOptions : public OptimizerOptions {
  AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT
  TORSH_ARG(double, lr);
  TORSH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORSH_ARG(double, eps) = 1e-8;
  TORSH_ARG(double, weight_decay) = 0;
  TORSH_ARG(bool, amsgrad) = false;

 public:
  TORSH_OPTIONS_COMMON(AdamOptions)
};

struct AdamWOptions : public OptimizerOptions {
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT
  TORSH_ARG(double, lr);
  TORSH_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  TORSH_ARG(double, eps) = 1e-8;
  TORSH_ARG(double, weight_decay) = 1e-2;
  TORSH_ARG(bool, amsgrad) = false;

 public:
  TORSH_OPTIONS_COMMON(AdamWOptions)
};
struct AdagradOptions : public OptimizerOptions {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT
  TORSH_ARG(double, lr);
  TORSH_ARG(double, lr_decay) = 0;
  TORSH_ARG(double, weight_decay) = 0;
  TORSH_ARG(double, initial_accumulator_value) = 0;
  TORSH_ARG(double, eps) = 1e-10;

 public:
  TORSH_OPTIONS_COMMON(AdagradOptions)
};

struct RMSpropOptions : public OptimizerOptions {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT
  TORSH_ARG(double, lr);
  TORSH_ARG(double, alpha) = 0.99;
  TORSH_ARG(double, eps) = 1e-8;
  TORSH_ARG(double, weight_decay) = 0;
  TORSH_ARG(double, momentum) = 0;
  TORSH_ARG(bool, centered) = false;

 public:
  TORSH_OPTIONS_COMMON(RMSpropOptions)
};
#undef TORSH_OPTIONS_COMMON

struct AdamParamState : public OptimizerParamState {
  TORSH_ARG(int64_t, step) = 0;
  TORSH_ARG(Tensor, exp_avg);
  TORSH_ARG(Tensor, exp_avg_sq);
  TORSH_ARG(Tensor, max_exp_avg_sq) = {};
};
using AdamWParamState = AdamParamState;

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions defaults = {});
  Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {});
  AdamW(std::vector<OptimizerParamGroup> groups, AdamWOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

struct AdagradParamState : public OptimizerParamState {
  TORSH_ARG(Tensor, sum);
  TORSH_ARG(int64_t, step) = 0;
};

/// libtorch's Adagrad: every parameter's state (sum = initial_accumulator_value) exists from
/// construction, as libtorch creates it; a group added later gets its state at its first step.
class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {});
  Adagrad(std::vector<OptimizerParamGroup> groups, AdagradOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

struct RMSpropParamState : public OptimizerParamState {
  TORSH_ARG(int64_t, step) = 0;
  TORSH_ARG(Tensor, square_avg);
  TORSH_ARG(Tensor, momentum_buffer) = {};
  TORSH_ARG(Tensor, grad_avg) = {};
};

/// libtorch's RMSprop (centered and momentum variants); state is created at a parameter's
/// first step.
class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {});
  RMSprop(std::vector<OptimizerParamGroup> groups, RMSpropOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace torsh::optim
