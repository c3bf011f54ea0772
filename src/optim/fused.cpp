// Fused optimizer steps (torsh/optim.h: fused_adam_step, fused_sgd_step): each parameter's
// update is one pass over its elements, in the order and with the roundings of the op-by-op
// path (torch's single-tensor one: each op rounded to the parameter's dtype, scalars converted
// to it, add-with-alpha and addcmul as fused multiply-adds), split over the threads for large
// tensors. torch.optim's Adam, AdamW and SGD (Python) and
// torsh::optim's (C++) run on them.
#include <cmath>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "cpu/parallel.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/optim.h"

namespace torsh::optim {

namespace {

// Every tensor defined, contiguous, of p's dtype (float or double) and shape.
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

// Adam's per-element arithmetic as torsh's (and torch's) op-by-op path rounds it: add with
// alpha and addcmul are fused multiply-adds, addcdiv is s + (v * a) / b.
struct AdamScalars {
  double step_size, bc2_sqrt, decay, wd, b1, b2, one_b1, one_b2, eps;
  bool l2, decoupled, maximize;
};

template <typename T>
inline __attribute__((always_inline)) void adam_range(T* pp, const T* gp, T* mp, T* vp, T* xp,
                                                      const AdamScalars& k, int64_t b, int64_t e) {
  const T step_size = static_cast<T>(k.step_size), bc2_sqrt = static_cast<T>(k.bc2_sqrt);
  const T decay = static_cast<T>(k.decay), wd = static_cast<T>(k.wd);
  const T b1 = static_cast<T>(k.b1), b2 = static_cast<T>(k.b2);
  const T one_b1 = static_cast<T>(k.one_b1), one_b2 = static_cast<T>(k.one_b2);
  const T eps = static_cast<T>(k.eps);
  for (int64_t i = b; i < e; ++i) {
    T grad = k.maximize ? -gp[i] : gp[i];
    T param = pp[i];
    if (k.decoupled) param = param * decay;           // param.mul_(1 - lr * weight_decay)
    if (k.l2) grad = std::fma(wd, param, grad);       // grad.add(param, alpha=weight_decay)
    const T mi = std::fma(one_b1, grad, mp[i] * b1);  // mul_(beta1).add_(grad, alpha=1-beta1)
    const T vi = std::fma(one_b2 * grad, grad, vp[i] * b2);  // mul_(beta2).addcmul_(g, g, 1-b2)
    mp[i] = mi;
    vp[i] = vi;
    T src = vi;
    if (xp != nullptr) src = xp[i] = (vi > xp[i] || std::isnan(vi)) ? vi : xp[i];  // maximum
    const T denom = std::sqrt(src) / bc2_sqrt + eps;
    pp[i] = param + (step_size * mi) / denom;  // addcdiv_(exp_avg, denom, value=-step_size)
  }
}

// Compiled for FMA hardware and a baseline (where std::fma is libm's, exact and slower).
__attribute__((target_clones("arch=haswell", "default"))) void adam_range_f32(
    float* pp, const float* gp, float* mp, float* vp, float* xp, const AdamScalars& k, int64_t b,
    int64_t e) {
  adam_range(pp, gp, mp, vp, xp, k, b, e);
}
__attribute__((target_clones("arch=haswell", "default"))) void adam_range_f64(
    double* pp, const double* gp, double* mp, double* vp, double* xp, const AdamScalars& k,
    int64_t b, int64_t e) {
  adam_range(pp, gp, mp, vp, xp, k, b, e);
}

template <typename T>
void adam_one(const Tensor& p, const Tensor& g, const Tensor& m, const Tensor& v,
              const Tensor& vmax, double step, const FusedAdamConfig& c) {
  const double bias_correction1 = 1 - std::pow(c.beta1, step);
  const double bias_correction2 = 1 - std::pow(c.beta2, step);
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
  T* pp = p.data_ptr<T>();
  const T* gp = g.data_ptr<T>();
  T* mp = m.data_ptr<T>();
  T* vp = v.data_ptr<T>();
  T* xp = c.amsgrad ? vmax.data_ptr<T>() : nullptr;
  detail::parallel_for(0, p.numel(), detail::kGrainSize, [&](int64_t b, int64_t e) {
    if constexpr (std::is_same_v<T, float>) {
      adam_range_f32(pp, gp, mp, vp, xp, k, b, e);
    } else {
      adam_range_f64(pp, gp, mp, vp, xp, k, b, e);
    }
  });
}

// SGD's per-element arithmetic as the op-by-op path rounds it (add with alpha: an FMA).
struct SgdScalars {
  double wd, mom, keep, lr;
  bool decay, nesterov, maximize, first;
};

template <typename T>
inline __attribute__((always_inline)) void sgd_range(T* pp, const T* gp, T* bp, const SgdScalars& k,
                                                     int64_t b, int64_t e) {
  const T wd = static_cast<T>(k.wd), mom = static_cast<T>(k.mom);
  const T keep = static_cast<T>(k.keep), lr = static_cast<T>(k.lr);
  for (int64_t i = b; i < e; ++i) {
    T d = k.maximize ? -gp[i] : gp[i];
    if (k.decay) d = std::fma(wd, pp[i], d);  // d_p.add(param, alpha=weight_decay)
    if (bp != nullptr) {
      // the first step's buffer is d_p itself; then mul_(momentum).add_(d_p, 1 - dampening)
      const T bi = k.first ? d : std::fma(keep, d, bp[i] * mom);
      bp[i] = bi;
      d = k.nesterov ? std::fma(mom, bi, d) : bi;  // d_p.add(buf, alpha=momentum)
    }
    pp[i] = std::fma(lr, d, pp[i]);  // param.add_(d_p, alpha=-lr)
  }
}

__attribute__((target_clones("arch=haswell", "default"))) void sgd_range_f32(
    float* pp, const float* gp, float* bp, const SgdScalars& k, int64_t b, int64_t e) {
  sgd_range(pp, gp, bp, k, b, e);
}
__attribute__((target_clones("arch=haswell", "default"))) void sgd_range_f64(
    double* pp, const double* gp, double* bp, const SgdScalars& k, int64_t b, int64_t e) {
  sgd_range(pp, gp, bp, k, b, e);
}

template <typename T>
void sgd_one(const Tensor& p, const Tensor& g, const Tensor& buf, bool first,
             const FusedSgdConfig& c) {
  const SgdScalars k{c.weight_decay,      c.momentum, 1 - c.dampening, -c.lr,
                     c.weight_decay != 0, c.nesterov, c.maximize,      first};
  T* pp = p.data_ptr<T>();
  const T* gp = g.data_ptr<T>();
  T* bp = buf.defined() ? buf.data_ptr<T>() : nullptr;
  detail::parallel_for(0, p.numel(), detail::kGrainSize, [&](int64_t b, int64_t e) {
    if constexpr (std::is_same_v<T, float>) {
      sgd_range_f32(pp, gp, bp, k, b, e);
    } else {
      sgd_range_f64(pp, gp, bp, k, b, e);
    }
  });
}

// The op-by-op path is needed when grad mode records (differentiable steps), when a parameter
// appears twice (each copy then sees the other's update and its own step count) or when a
// gradient shares memory with its parameter (AdamW's decay would change the gradient first).
bool needs_op_by_op(const std::vector<Tensor>& params, const std::vector<Tensor>& grads) {
  if (GradMode::is_enabled()) return true;
  std::unordered_set<const void*> seen;
  for (size_t i = 0; i < params.size(); ++i) {
    if (!seen.insert(params[i].unsafeGetTensorImpl()->storage().get()).second) return true;
    if (grads[i].defined() && grads[i].unsafeGetTensorImpl()->storage().get() ==
                                  params[i].unsafeGetTensorImpl()->storage().get()) {
      return true;
    }
  }
  return false;
}

// Counts n in-place ops on t (the versions torch's op-by-op step leaves).
void bump(const Tensor& t, int n) {
  for (int k = 0; k < n; ++k) t.unsafeGetTensorImpl()->storage()->bump_version();
}

}  // namespace

bool fused_adam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                     const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                     const std::vector<Tensor>& max_exp_avg_sqs, const std::vector<double>& steps,
                     const FusedAdamConfig& c) {
  const size_t n = params.size();
  if (grads.size() != n || exp_avgs.size() != n || exp_avg_sqs.size() != n || steps.size() != n ||
      (c.amsgrad && max_exp_avg_sqs.size() != n)) {
    return false;
  }
  if (needs_op_by_op(params, grads)) return false;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& x = c.amsgrad ? max_exp_avg_sqs[i] : exp_avg_sqs[i];
    if (!fusable(params[i], {&grads[i], &exp_avgs[i], &exp_avg_sqs[i], &x})) return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < n; ++i) {
    const Tensor vmax = c.amsgrad ? max_exp_avg_sqs[i] : Tensor();
    if (params[i].dtype() == kFloat) {
      adam_one<float>(params[i], grads[i], exp_avgs[i], exp_avg_sqs[i], vmax, steps[i], c);
    } else {
      adam_one<double>(params[i], grads[i], exp_avgs[i], exp_avg_sqs[i], vmax, steps[i], c);
    }
    // as torch: mul_ (AdamW) and addcdiv_ on the parameter, mul_ and add_/addcmul_ on the
    // moments, maximum(out=) on max_exp_avg_sq
    bump(params[i], c.decoupled ? 2 : 1);
    bump(exp_avgs[i], 2);
    bump(exp_avg_sqs[i], 2);
    if (c.amsgrad) bump(vmax, 1);
  }
  return true;
}

bool fused_sgd_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                    std::vector<Tensor>& momentum_buffers, const FusedSgdConfig& c) {
  const size_t n = params.size();
  if (grads.size() != n || momentum_buffers.size() != n || needs_op_by_op(params, grads)) {
    return false;
  }
  for (size_t i = 0; i < n; ++i) {
    const Tensor& b = momentum_buffers[i];
    if (!fusable(params[i], {&grads[i]}) ||
        (c.momentum != 0 && b.defined() && !fusable(params[i], {&b}))) {
      return false;
    }
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < n; ++i) {
    Tensor& buf = momentum_buffers[i];
    const bool first = c.momentum != 0 && !buf.defined();
    if (first) buf = torsh::empty(params[i].sizes(), params[i].options());
    const Tensor use = c.momentum != 0 ? buf : Tensor();
    if (params[i].dtype() == kFloat) {
      sgd_one<float>(params[i], grads[i], use, first, c);
    } else {
      sgd_one<double>(params[i], grads[i], use, first, c);
    }
    bump(params[i], 1);                         // add_
    if (use.defined() && !first) bump(use, 2);  // mul_ and add_ on the buffer
  }
  return true;
}

}  // namespace torsh::optim
