#pragma once
// One-pass optimizer steps over a parameter group (src/optim/fused*.cpp): torch.optim's
// optimizers (Python) and torsh::optim's (C++) run on them. Each updates every parameter and
// its state in place with torch 1.13's single-tensor arithmetic, in its order and roundings,
// and counts versions as that op-by-op step does. Each returns false, changing nothing, unless
// every tensor is a contiguous float or double tensor of its parameter's dtype and shape, grad
// mode is off, no parameter is listed twice and no gradient shares its parameter's memory; the
// caller then takes the op-by-op path. steps[i] is parameter i's step count after this step.
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::optim {

/// The hyperparameters of one fused Adam/AdamW step (decoupled: AdamW's weight decay).
struct FusedAdamConfig {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, weight_decay = 0, eps = 1e-8;
  bool amsgrad = false, maximize = false, decoupled = false;
};

/// One Adam (or AdamW) step over a group: for each parameter, one pass over its elements
/// updating the parameter, exp_avg, exp_avg_sq and (amsgrad) max_exp_avg_sq in place, with
/// torch's single-tensor arithmetic; steps[i] is the parameter's step count after this step.
/// Returns false, changing nothing, unless every tensor is a contiguous float or double tensor
/// of its parameter's dtype and shape (the caller then takes the op-by-op path).
bool fused_adam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                     const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                     const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<double>& steps,
                     const FusedAdamConfig& config);

/// The hyperparameters of one fused SGD step.
struct FusedSgdConfig {
  double lr = 1e-3, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false, maximize = false;
};

/// One SGD step over a group, one pass per parameter; with momentum, an undefined entry of
/// momentum_buffers gets the new buffer (torch's first step: the gradient itself). Returns
/// false, changing nothing, under the same conditions as fused_adam_step.
bool fused_sgd_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    std::vector<Tensor>& momentum_buffers, const FusedSgdConfig& config);

/// Adagrad: state_sums accumulate grad^2.
struct FusedAdagradConfig {
  double lr = 1e-2, lr_decay = 0, weight_decay = 0, eps = 1e-10;
  bool maximize = false;
};
bool fused_adagrad_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                        const std::vector<Tensor>& state_sums, const std::vector<double>& steps,
                        const FusedAdagradConfig& config);

/// RMSprop: grad_avgs are read only when centered, momentum_buffers only when momentum > 0.
struct FusedRmspropConfig {
  double lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0;
  bool centered = false, maximize = false;
};
bool fused_rmsprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                        const std::vector<Tensor>& square_avgs,
                        const std::vector<Tensor>& grad_avgs,
                        const std::vector<Tensor>& momentum_buffers,
                        const FusedRmspropConfig& config);

struct FusedAdadeltaConfig {
  double lr = 1.0, rho = 0.9, eps = 1e-6, weight_decay = 0;
  bool maximize = false;
};
bool fused_adadelta_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                         const std::vector<Tensor>& square_avgs,
                         const std::vector<Tensor>& acc_deltas, const FusedAdadeltaConfig& config);

struct FusedAdamaxConfig {
  double lr = 2e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  bool maximize = false;
};
bool fused_adamax_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                       const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_infs,
                       const std::vector<double>& steps, const FusedAdamaxConfig& config);

/// NAdam: mu_products are one-element tensors, multiplied by this step's mu in place.
struct FusedNadamConfig {
  double lr = 2e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0, momentum_decay = 4e-3;
};
bool fused_nadam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                      const std::vector<Tensor>& mu_products, const std::vector<double>& steps,
                      const FusedNadamConfig& config);

struct FusedRadamConfig {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
};
bool fused_radam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                      const std::vector<double>& steps, const FusedRadamConfig& config);

/// ASGD: mus and etas are one-element tensors, read and then set to the next step's values.
struct FusedAsgdConfig {
  double lr = 1e-2, lambd = 1e-4, alpha = 0.75, t0 = 1e6, weight_decay = 0;
  bool maximize = false;
};
bool fused_asgd_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                     const std::vector<Tensor>& axs, const std::vector<Tensor>& mus,
                     const std::vector<Tensor>& etas, const std::vector<double>& steps,
                     const FusedAsgdConfig& config);

struct FusedRpropConfig {
  double etaminus = 0.5, etaplus = 1.2, step_size_min = 1e-6, step_size_max = 50;
  bool maximize = false;
};
bool fused_rprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<Tensor>& prevs, const std::vector<Tensor>& step_sizes,
                      const FusedRpropConfig& config);

}  // namespace torsh::optim
