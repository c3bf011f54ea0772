// Fused optimizer steps (torsh/optim.h): each parameter's update is one pass over its elements,
// in the order and with the roundings of the op-by-op path (see fused_common.h), split over the
// threads for large tensors. This file: the shared checks, Adam/AdamW and SGD; the adaptive
// optimizers are in fused_adaptive.cpp.
#include <cmath>
#include <unordered_set>
#include <vector>

#include "optim/fused_common.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/optim.h"

namespace torsh::optim {

namespace fused {

bool fusable(const Tensor& p, std::initializer_list<const Tensor*> others) {
  if (!p.defined() || !p.is_contiguous() || (p.dtype() != kFloat && p.dtype() != kDouble)) {
    return false;
  }
  for (const Tensor* t : others) {
    if (!t->defined() || !t->is_contiguous() || t->dtype() != p.dtype() ||
        !t->sizes().equals(p.sizes())) {
      return false;
    }
  }
  return true;
}

bool all_fusable(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                 std::initializer_list<const std::vector<Tensor>*> lists) {
  if (grads.size() != params.size()) return false;
  for (const auto* l : lists) {
    if (l->size() != params.size()) return false;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (!fusable(params[i], {&grads[i]})) return false;
    for (const auto* l : lists) {
      if (!fusable(params[i], {&(*l)[i]})) return false;
    }
  }
  return true;
}

bool needs_op_by_op(const std::vector<Tensor>& params, const std::vector<Tensor>& grads) {
  if (GradMode::is_enabled()) return true;
  std::unordered_set<const void*> seen;
  for (size_t i = 0; i < params.size(); ++i) {
    if (!seen.insert(params[i].unsafeGetTensorImpl()->storage().get()).second) return true;
    if (i < grads.size() && grads[i].defined() &&
        grads[i].unsafeGetTensorImpl()->storage().get() ==
            params[i].unsafeGetTensorImpl()->storage().get()) {
      return true;
    }
  }
  return false;
}

void bump(const Tensor& t, int n) {
  for (int k = 0; k < n; ++k) t.unsafeGetTensorImpl()->storage()->bump_version();
}

}  // namespace fused

namespace {

// Adam: ptrs = param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq (amsgrad; else null).
struct AdamScalars {
  double step_size, bc2_sqrt, decay, wd, b1, b2, one_b1, one_b2, eps;
  bool l2, decoupled, maximize;
};

struct AdamKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const AdamScalars& k,
                                                          int64_t b, int64_t e) {
    T* pp = static_cast<T*>(ptrs[0]);
    const T* gp = static_cast<const T*>(ptrs[1]);
    T* mp = static_cast<T*>(ptrs[2]);
    T* vp = static_cast<T*>(ptrs[3]);
    T* xp = static_cast<T*>(ptrs[4]);
    const T step_size = static_cast<T>(k.step_size), bc2_sqrt = static_cast<T>(k.bc2_sqrt);
    const T decay = static_cast<T>(k.decay), wd = static_cast<T>(k.wd);
    const T b1 = static_cast<T>(k.b1), b2 = static_cast<T>(k.b2);
    const T one_b1 = static_cast<T>(k.one_b1), one_b2 = static_cast<T>(k.one_b2);
    const T eps = static_cast<T>(k.eps), sgn = k.maximize ? T(-1) : T(1);
    fused::static_flags(
        [&](auto decoupled, auto l2, auto amsgrad) {
          for (int64_t i = b; i < e; ++i) {
            T grad = gp[i] * sgn;  // -grad for maximize, bit for bit
            T param = pp[i];
            if constexpr (decoupled) param = param * decay;          // param.mul_(1 - lr * wd)
            if constexpr (l2) grad = std::fma(wd, param, grad);      // grad.add(param, alpha=wd)
            const T mi = std::fma(one_b1, grad, mp[i] * b1);         // mul_(b1).add_(grad, 1-b1)
            const T vi = std::fma(one_b2 * grad, grad, vp[i] * b2);  // mul_.addcmul_(g, g)
            mp[i] = mi;
            vp[i] = vi;
            T src = vi;
            if constexpr (amsgrad) {
              src = xp[i] = (vi > xp[i] || vi != vi) ? vi : xp[i];  // maximum, NaN first
            }
            const T denom = std::sqrt(src) / bc2_sqrt + eps;
            pp[i] = param + (step_size * mi) / denom;  // addcdiv_(exp_avg, denom, -step_size)
          }
        },
        k.decoupled, k.l2, xp != nullptr);
  }
};
TORSH_FUSED_RANGES(adam_range, AdamKernel, AdamScalars)

// SGD: ptrs = param, grad, momentum_buffer (null without momentum).
struct SgdScalars {
  double wd, mom, keep, lr;
  bool decay, nesterov, maximize, first;
};

struct SgdKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const SgdScalars& k,
                                                          int64_t b, int64_t e) {
    T* pp = static_cast<T*>(ptrs[0]);
    const T* gp = static_cast<const T*>(ptrs[1]);
    T* bp = static_cast<T*>(ptrs[2]);
    const T wd = static_cast<T>(k.wd), mom = static_cast<T>(k.mom);
    const T keep = static_cast<T>(k.keep), lr = static_cast<T>(k.lr);
    const T sgn = k.maximize ? T(-1) : T(1);  // g * -1 is -g, bit for bit
    const bool nesterov = k.nesterov;
    fused::static_flags(
        [&](auto decay, auto momentum, auto first) {
          for (int64_t i = b; i < e; ++i) {
            T d = gp[i] * sgn;
            if constexpr (decay) d = std::fma(wd, pp[i], d);  // d_p.add(param, alpha=wd)
            if constexpr (momentum) {
              // the first step's buffer is d_p itself; then mul_(momentum).add_(d_p, 1 - damp)
              T bi = d;
              if constexpr (!first) bi = std::fma(keep, d, bp[i] * mom);
              bp[i] = bi;
              d = nesterov ? std::fma(mom, bi, d) : bi;  // d_p.add(buf, alpha=momentum)
            }
            pp[i] = std::fma(lr, d, pp[i]);  // param.add_(d_p, alpha=-lr)
          }
        },
        k.decay, bp != nullptr, k.first);
  }
};
TORSH_FUSED_RANGES(sgd_range, SgdKernel, SgdScalars)

}  // namespace

bool fused_adam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                     const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                     const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<double>& steps,
                     const FusedAdamConfig& c) {
  if (steps.size() != params.size() || fused::needs_op_by_op(params, grads)) return false;
  if (!fused::all_fusable(params, grads, {&exp_avgs, &exp_avg_sqs}) ||
      (c.amsgrad && !fused::all_fusable(params, grads, {&max_exp_avg_sqs}))) {
    return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    const double bias_correction1 = 1 - std::pow(c.beta1, steps[i]);
    const double bias_correction2 = 1 - std::pow(c.beta2, steps[i]);
    const AdamScalars k{-(c.lr / bias_correction1),
                        std::sqrt(bias_correction2),
                        1 - c.lr * c.weight_decay,
                        c.weight_decay,
                        c.beta1,
                        c.beta2,
                        1 - c.beta1,
                        1 - c.beta2,
                        c.eps,
                        !c.decoupled && c.weight_decay != 0,
                        c.decoupled,
                        c.maximize};
    const Tensor* vmax = c.amsgrad ? &max_exp_avg_sqs[i] : nullptr;
    fused::run({&params[i], &grads[i], &exp_avgs[i], &exp_avg_sqs[i], vmax}, k, adam_range_f32,
               adam_range_f64);
    // as torch: mul_ (AdamW) and addcdiv_ on the parameter, mul_ and add_/addcmul_ on the
    // moments, maximum(out=) on max_exp_avg_sq
    fused::bump(params[i], c.decoupled ? 2 : 1);
    fused::bump(exp_avgs[i], 2);
    fused::bump(exp_avg_sqs[i], 2);
    if (vmax != nullptr) fused::bump(*vmax, 1);
  }
  return true;
}

bool fused_sgd_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    std::vector<Tensor>& momentum_buffers, const FusedSgdConfig& c) {
  const size_t n = params.size();
  if (momentum_buffers.size() != n || fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {})) {
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    const Tensor& b = momentum_buffers[i];
    if (c.momentum != 0 && b.defined() && !fused::fusable(params[i], {&b})) return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < n; ++i) {
    Tensor& buf = momentum_buffers[i];
    const bool first = c.momentum != 0 && !buf.defined();
    if (first) buf = torsh::empty(params[i].sizes(), params[i].options());
    const SgdScalars k{c.weight_decay,      c.momentum, 1 - c.dampening, -c.lr,
                       c.weight_decay != 0, c.nesterov, c.maximize,      first};
    fused::run({&params[i], &grads[i], c.momentum != 0 ? &buf : nullptr}, k, sgd_range_f32,
               sgd_range_f64);
    fused::bump(params[i], 1);                           // add_
    if (c.momentum != 0 && !first) fused::bump(buf, 2);  // mul_ and add_ on the buffer
  }
  return true;
}

}  // namespace torsh::optim
