// Fused steps of the adaptive optimizers (torsh/optim_fused.h): Adagrad, RMSprop, Adadelta,
// Adamax, NAdam, RAdam, ASGD and Rprop, one pass per parameter with torch 1.13's
// single-tensor arithmetic in its order and roundings (see fused_common.h). The comment on each
// line names the op-by-op step it replaces.
#include <algorithm>
#include <cmath>
#include <vector>

#include "optim/fused_common.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/optim.h"

namespace torsh::optim {

namespace {

template <typename T>
inline T* at(void* const* ptrs, int k) {
  return static_cast<T*>(ptrs[k]);
}

// The gradient as the step sees it: times sgn (-1 for maximize: -g bit for bit), then
// grad.add(param, alpha=wd) where the step decays.
template <bool Decay, typename T>
inline __attribute__((always_inline)) T grad_of(T g, T p, T sgn, T wd) {
  g = g * sgn;
  if constexpr (Decay) g = std::fma(wd, p, g);
  return g;
}

template <typename T>
inline T sign_of(bool maximize) {
  return maximize ? T(-1) : T(1);
}

// ---- Adagrad: param, grad, state_sum -------------------------------------------------------
struct AdagradScalars {
  double neg_clr, wd, eps;
  bool decay, maximize;
};
struct AdagradKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs,
                                                          const AdagradScalars& k, int64_t b,
                                                          int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *sp = at<T>(ptrs, 2);
    const T neg_clr = static_cast<T>(k.neg_clr), wd = static_cast<T>(k.wd);
    const T eps = static_cast<T>(k.eps), sgn = sign_of<T>(k.maximize);
    fused::static_flags(
        [&](auto decay) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], sgn, wd);
            const T s = sp[i] = std::fma(g, g, sp[i]);  // state_sum.addcmul_(grad, grad, 1)
            const T std_ = std::sqrt(s) + eps;          // state_sum.sqrt().add_(eps)
            pp[i] = pp[i] + (neg_clr * g) / std_;       // param.addcdiv_(grad, std, -clr)
          }
        },
        k.decay);
  }
};
TORSH_FUSED_RANGES(adagrad_range, AdagradKernel, AdagradScalars)

// ---- RMSprop: param, grad, square_avg, grad_avg (centered), momentum_buffer (momentum) -----
struct RmspropScalars {
  double alpha, one_alpha, eps, wd, momentum, neg_lr;
  bool decay, maximize;
};
struct RmspropKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs,
                                                          const RmspropScalars& k, int64_t b,
                                                          int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *sq = at<T>(ptrs, 2);
    T *ga = at<T>(ptrs, 3), *bf = at<T>(ptrs, 4);
    const T alpha = static_cast<T>(k.alpha), one_alpha = static_cast<T>(k.one_alpha);
    const T eps = static_cast<T>(k.eps), wd = static_cast<T>(k.wd);
    const T mom = static_cast<T>(k.momentum), neg_lr = static_cast<T>(k.neg_lr);
    const T sgn = sign_of<T>(k.maximize);
    fused::static_flags(
        [&](auto decay, auto centered, auto momentum) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], sgn, wd);
            const T s = sq[i] = std::fma(one_alpha * g, g, sq[i] * alpha);  // mul_.addcmul_
            T avg;
            if constexpr (centered) {
              const T a = ga[i] = std::fma(one_alpha, g, ga[i] * alpha);  // mul_.add_(g, 1-a)
              avg = std::sqrt(std::fma(-a, a, s));  // square_avg.addcmul(ga, ga, -1).sqrt_()
            } else {
              avg = std::sqrt(s);
            }
            avg = avg + eps;  // add_(eps)
            if constexpr (momentum) {
              const T m = bf[i] = bf[i] * mom + g / avg;  // buf.mul_(momentum).addcdiv_(g, avg)
              pp[i] = std::fma(neg_lr, m, pp[i]);         // param.add_(buf, alpha=-lr)
            } else {
              pp[i] = pp[i] + (neg_lr * g) / avg;  // param.addcdiv_(grad, avg, value=-lr)
            }
          }
        },
        k.decay, ga != nullptr, bf != nullptr);
  }
};
TORSH_FUSED_RANGES(rmsprop_range, RmspropKernel, RmspropScalars)

// ---- Adadelta: param, grad, square_avg, acc_delta ------------------------------------------
struct AdadeltaScalars {
  double rho, one_rho, eps, wd, neg_lr;
  bool decay, maximize;
};
struct AdadeltaKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs,
                                                          const AdadeltaScalars& k, int64_t b,
                                                          int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *sq = at<T>(ptrs, 2), *ad = at<T>(ptrs, 3);
    const T rho = static_cast<T>(k.rho), one_rho = static_cast<T>(k.one_rho);
    const T eps = static_cast<T>(k.eps), wd = static_cast<T>(k.wd);
    const T neg_lr = static_cast<T>(k.neg_lr), sgn = sign_of<T>(k.maximize);
    fused::static_flags(
        [&](auto decay) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], sgn, wd);
            const T s = sq[i] = std::fma(one_rho * g, g, sq[i] * rho);  // mul_(rho).addcmul_
            const T std_ = std::sqrt(s + eps);                          // add(eps).sqrt_()
            const T delta = (std::sqrt(ad[i] + eps) / std_) * g;        // add.sqrt_.div_(std).mul_
            ad[i] = std::fma(one_rho * delta, delta, ad[i] * rho);      // acc.mul_(rho).addcmul_
            pp[i] = std::fma(neg_lr, delta, pp[i]);                     // param.add_(delta, -lr)
          }
        },
        k.decay);
  }
};
TORSH_FUSED_RANGES(adadelta_range, AdadeltaKernel, AdadeltaScalars)

// ---- Adamax: param, grad, exp_avg, exp_inf -------------------------------------------------
struct AdamaxScalars {
  double b1, one_b1, b2, eps, wd, neg_clr;
  bool decay, maximize;
};
struct AdamaxKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const AdamaxScalars& k,
                                                          int64_t b, int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *mp = at<T>(ptrs, 2), *ip = at<T>(ptrs, 3);
    const T b1 = static_cast<T>(k.b1), one_b1 = static_cast<T>(k.one_b1);
    const T b2 = static_cast<T>(k.b2), eps = static_cast<T>(k.eps), wd = static_cast<T>(k.wd);
    const T neg_clr = static_cast<T>(k.neg_clr), sgn = sign_of<T>(k.maximize);
    fused::static_flags(
        [&](auto decay) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], sgn, wd);
            const T m = mp[i] = std::fma(one_b1, g, mp[i] * b1);  // mul_(b1).add_(g, 1-b1)
            const T x = ip[i] * b2, y = std::abs(g) + eps;        // exp_inf.mul_(b2), |g|+eps
            // amax of the pair: NaN if either is
            const T inf = ip[i] = ((x != x) | (y != y)) ? x + y : (x < y ? y : x);
            pp[i] = pp[i] + (neg_clr * m) / inf;  // param.addcdiv_(exp_avg, exp_inf, -clr)
          }
        },
        k.decay);
  }
};
TORSH_FUSED_RANGES(adamax_range, AdamaxKernel, AdamaxScalars)

// ---- NAdam: param, grad, exp_avg, exp_avg_sq -----------------------------------------------
struct NadamScalars {
  double b1, one_b1, b2, one_b2, bc2, eps, wd, c_grad, c_avg;
  bool decay;
};
struct NadamKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const NadamScalars& k,
                                                          int64_t b, int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *mp = at<T>(ptrs, 2), *vp = at<T>(ptrs, 3);
    const T b1 = static_cast<T>(k.b1), one_b1 = static_cast<T>(k.one_b1);
    const T b2 = static_cast<T>(k.b2), one_b2 = static_cast<T>(k.one_b2);
    const T bc2 = static_cast<T>(k.bc2), eps = static_cast<T>(k.eps), wd = static_cast<T>(k.wd);
    const T c_grad = static_cast<T>(k.c_grad), c_avg = static_cast<T>(k.c_avg);
    fused::static_flags(
        [&](auto decay) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], T(1), wd);
            const T m = mp[i] = std::fma(one_b1, g, mp[i] * b1);
            const T v = vp[i] = std::fma(one_b2 * g, g, vp[i] * b2);
            const T denom = std::sqrt(v / bc2) + eps;  // exp_avg_sq.div(bc2).sqrt().add_(eps)
            const T p = pp[i] + (c_grad * g) / denom;  // param.addcdiv_(grad, denom, ...)
            pp[i] = p + (c_avg * m) / denom;           // param.addcdiv_(exp_avg, denom, ...)
          }
        },
        k.decay);
  }
};
TORSH_FUSED_RANGES(nadam_range, NadamKernel, NadamScalars)

// ---- RAdam: param, grad, exp_avg, exp_avg_sq -----------------------------------------------
struct RadamScalars {
  double b1, one_b1, b2, one_b2, bc1, lr, bc2_sqrt, eps, rect, wd;
  bool decay, rectified;
};
struct RadamKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const RadamScalars& k,
                                                          int64_t b, int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *mp = at<T>(ptrs, 2), *vp = at<T>(ptrs, 3);
    const T b1 = static_cast<T>(k.b1), one_b1 = static_cast<T>(k.one_b1);
    const T b2 = static_cast<T>(k.b2), one_b2 = static_cast<T>(k.one_b2);
    const T bc1 = static_cast<T>(k.bc1), lr = static_cast<T>(k.lr);
    const T bc2_sqrt = static_cast<T>(k.bc2_sqrt), eps = static_cast<T>(k.eps);
    const T rect = static_cast<T>(k.rect), wd = static_cast<T>(k.wd);
    fused::static_flags(
        [&](auto decay, auto rectified) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], T(1), wd);
            const T m = mp[i] = std::fma(one_b1, g, mp[i] * b1);
            const T v = vp[i] = std::fma(one_b2 * g, g, vp[i] * b2);
            T upd = (m / bc1) * lr;  // exp_avg / bias_correction1 * lr
            if constexpr (rectified) {
              // sqrt(bc2) / (exp_avg_sq.sqrt() + eps) is reciprocal(...) * sqrt(bc2), as
              // Python's scalar / tensor; then corrected * lr * adaptive_lr * rect
              const T adaptive = (T(1) / (std::sqrt(v) + eps)) * bc2_sqrt;
              upd = (upd * adaptive) * rect;
            }
            pp[i] = pp[i] - upd;  // param.add_(update, alpha=-1.0)
          }
        },
        k.decay, k.rectified);
  }
};
TORSH_FUSED_RANGES(radam_range, RadamKernel, RadamScalars)

// ---- ASGD: param, grad, ax ------------------------------------------------------------------
struct AsgdScalars {
  double decay_factor, neg_eta, mu, wd;
  bool decay, maximize, average;
};
struct AsgdKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const AsgdScalars& k,
                                                          int64_t b, int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *ax = at<T>(ptrs, 2);
    const T decay_factor = static_cast<T>(k.decay_factor), neg_eta = static_cast<T>(k.neg_eta);
    const T mu = static_cast<T>(k.mu), wd = static_cast<T>(k.wd), sgn = sign_of<T>(k.maximize);
    fused::static_flags(
        [&](auto decay, auto average) {
          for (int64_t i = b; i < e; ++i) {
            const T g = grad_of<decay>(gp[i], pp[i], sgn, wd);
            const T p = pp[i] = std::fma(neg_eta, g, pp[i] * decay_factor);  // mul_, add_
            if constexpr (average) {
              ax[i] = ax[i] + (p - ax[i]) * mu;  // ax.add_(param.sub(ax).mul(mu))
            } else {
              ax[i] = p;  // ax.copy_(param)
            }
          }
        },
        k.decay, k.average);
  }
};
TORSH_FUSED_RANGES(asgd_range, AsgdKernel, AsgdScalars)

// ---- Rprop: param, grad, prev, step_size ---------------------------------------------------
struct RpropScalars {
  double etaminus, etaplus, lo, hi;
  bool maximize;
};
struct RpropKernel {
  template <typename T>
  static inline __attribute__((always_inline)) void range(void* const* ptrs, const RpropScalars& k,
                                                          int64_t b, int64_t e) {
    T *pp = at<T>(ptrs, 0), *gp = at<T>(ptrs, 1), *pv = at<T>(ptrs, 2), *st = at<T>(ptrs, 3);
    const T etaminus = static_cast<T>(k.etaminus), etaplus = static_cast<T>(k.etaplus);
    const T lo = static_cast<T>(k.lo), hi = static_cast<T>(k.hi), sgn = sign_of<T>(k.maximize);
    // torch's sign: (0 < x) - (x < 0), so 0 for NaN
    auto sign = [](T x) { return T(T(0) < x) - T(x < T(0)); };
    for (int64_t i = b; i < e; ++i) {
      T g = gp[i] * sgn;
      // sign = grad.mul(prev).sign(), then >0 -> etaplus, <0 -> etaminus, ==0 -> 1, in turn
      T f = sign(g * pv[i]);
      f = f > T(0) ? etaplus : f;
      f = f < T(0) ? etaminus : f;
      f = f == T(0) ? T(1) : f;
      T s = st[i] * f;  // step_size.mul_(sign)
      // clamp_(min, max): min(max(s, lo), hi) as torch (hi wins when lo > hi), NaN kept
      s = st[i] = s != s ? s : std::min(std::max(s, lo), hi);
      g = f == etaminus ? T(0) : g;          // grad[sign.eq(etaminus)] = 0
      pp[i] = std::fma(-sign(g), s, pp[i]);  // param.addcmul_(grad.sign(), step_size, -1)
      pv[i] = g;                             // prev.copy_(grad)
    }
  }
};
TORSH_FUSED_RANGES(rprop_range, RpropKernel, RpropScalars)

bool scalars_ok(const std::vector<Tensor>& ts, size_t n) {
  if (ts.size() != n) return false;
  for (const Tensor& t : ts) {
    if (!t.defined() || t.numel() != 1 || t.requires_grad()) return false;
  }
  return true;
}

}  // namespace

bool fused_adagrad_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                        const std::vector<Tensor>& state_sums, const std::vector<double>& steps,
                        const FusedAdagradConfig& c) {
  if (steps.size() != params.size() || fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {&state_sums})) {
    return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    const double clr = c.lr / (1 + (steps[i] - 1) * c.lr_decay);
    const AdagradScalars k{-clr, c.weight_decay, c.eps, c.weight_decay != 0, c.maximize};
    fused::run({&params[i], &grads[i], &state_sums[i]}, k, adagrad_range_f32, adagrad_range_f64);
    fused::bump(params[i], 1);      // addcdiv_
    fused::bump(state_sums[i], 1);  // addcmul_
  }
  return true;
}

bool fused_rmsprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                        const std::vector<Tensor>& square_avgs,
                        const std::vector<Tensor>& grad_avgs,
                        const std::vector<Tensor>& momentum_buffers, const FusedRmspropConfig& c) {
  if (fused::needs_op_by_op(params, grads) || !fused::all_fusable(params, grads, {&square_avgs}) ||
      (c.centered && !fused::all_fusable(params, grads, {&grad_avgs})) ||
      (c.momentum > 0 && !fused::all_fusable(params, grads, {&momentum_buffers}))) {
    return false;
  }
  NoGradGuard no_grad;
  const RmspropScalars k{c.alpha, 1 - c.alpha,         c.eps,     c.weight_decay, c.momentum,
                         -c.lr,   c.weight_decay != 0, c.maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor* ga = c.centered ? &grad_avgs[i] : nullptr;
    const Tensor* bf = c.momentum > 0 ? &momentum_buffers[i] : nullptr;
    fused::run({&params[i], &grads[i], &square_avgs[i], ga, bf}, k, rmsprop_range_f32,
               rmsprop_range_f64);
    fused::bump(params[i], 1);       // add_ or addcdiv_
    fused::bump(square_avgs[i], 2);  // mul_, addcmul_
    if (ga != nullptr) fused::bump(*ga, 2);
    if (bf != nullptr) fused::bump(*bf, 2);
  }
  return true;
}

bool fused_adadelta_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                         const std::vector<Tensor>& square_avgs,
                         const std::vector<Tensor>& acc_deltas, const FusedAdadeltaConfig& c) {
  if (fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {&square_avgs, &acc_deltas})) {
    return false;
  }
  NoGradGuard no_grad;
  const AdadeltaScalars k{c.rho, 1 - c.rho,           c.eps,     c.weight_decay,
                          -c.lr, c.weight_decay != 0, c.maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    fused::run({&params[i], &grads[i], &square_avgs[i], &acc_deltas[i]}, k, adadelta_range_f32,
               adadelta_range_f64);
    fused::bump(params[i], 1);
    fused::bump(square_avgs[i], 2);
    fused::bump(acc_deltas[i], 2);
  }
  return true;
}

bool fused_adamax_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                       const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_infs,
                       const std::vector<double>& steps, const FusedAdamaxConfig& c) {
  if (steps.size() != params.size() || fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {&exp_avgs, &exp_infs})) {
    return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    const double clr = c.lr / (1 - std::pow(c.beta1, steps[i]));
    const AdamaxScalars k{c.beta1, 1 - c.beta1,         c.beta2,   c.eps, c.weight_decay,
                          -clr,    c.weight_decay != 0, c.maximize};
    fused::run({&params[i], &grads[i], &exp_avgs[i], &exp_infs[i]}, k, adamax_range_f32,
               adamax_range_f64);
    fused::bump(params[i], 1);
    fused::bump(exp_avgs[i], 2);
    fused::bump(exp_infs[i], 2);  // mul_, amax(out=)
  }
  return true;
}

bool fused_nadam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                      const std::vector<Tensor>& mu_products, const std::vector<double>& steps,
                      const FusedNadamConfig& c) {
  if (steps.size() != params.size() || !scalars_ok(mu_products, params.size()) ||
      fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {&exp_avgs, &exp_avg_sqs})) {
    return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    const double step = steps[i];
    const double mu = c.beta1 * (1. - 0.5 * std::pow(0.96, step * c.momentum_decay));
    const double mu_next = c.beta1 * (1. - 0.5 * std::pow(0.96, (step + 1) * c.momentum_decay));
    // the running product keeps its tensor's dtype, as `mu_product *= mu` does
    mu_products[i].mul_(mu);
    const double prod = mu_products[i].item<double>();
    const double prod_next = mu_products[i].mul(mu).mul(mu_next).item<double>();
    const NadamScalars k{c.beta1,
                         1 - c.beta1,
                         c.beta2,
                         1 - c.beta2,
                         1 - std::pow(c.beta2, step),
                         c.eps,
                         c.weight_decay,
                         -c.lr * (1. - mu) / (1. - prod),
                         (-c.lr * mu_next) / (1. - prod_next),
                         c.weight_decay != 0};
    fused::run({&params[i], &grads[i], &exp_avgs[i], &exp_avg_sqs[i]}, k, nadam_range_f32,
               nadam_range_f64);
    fused::bump(params[i], 2);  // two addcdiv_
    fused::bump(exp_avgs[i], 2);
    fused::bump(exp_avg_sqs[i], 2);
  }
  return true;
}

bool fused_radam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<Tensor>& exp_avgs, const std::vector<Tensor>& exp_avg_sqs,
                      const std::vector<double>& steps, const FusedRadamConfig& c) {
  if (steps.size() != params.size() || fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {&exp_avgs, &exp_avg_sqs})) {
    return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    const double step = steps[i];
    const double bc1 = 1 - std::pow(c.beta1, step), bc2 = 1 - std::pow(c.beta2, step);
    const double rho_inf = 2 / (1 - c.beta2) - 1;
    const double rho_t = rho_inf - 2 * step * std::pow(c.beta2, step) / bc2;
    const bool rectified = rho_t > 5.;
    const double rect = rectified ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                              ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                                  : 1.0;
    const RadamScalars k{
        c.beta1, 1 - c.beta1, c.beta2,        1 - c.beta2,         bc1,      c.lr, std::sqrt(bc2),
        c.eps,   rect,        c.weight_decay, c.weight_decay != 0, rectified};
    fused::run({&params[i], &grads[i], &exp_avgs[i], &exp_avg_sqs[i]}, k, radam_range_f32,
               radam_range_f64);
    fused::bump(params[i], 1);
    fused::bump(exp_avgs[i], 2);
    fused::bump(exp_avg_sqs[i], 2);
  }
  return true;
}

bool fused_asgd_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                     const std::vector<Tensor>& axs, const std::vector<Tensor>& mus,
                     const std::vector<Tensor>& etas, const std::vector<double>& steps,
                     const FusedAsgdConfig& c) {
  const size_t n = params.size();
  if (steps.size() != n || !scalars_ok(mus, n) || !scalars_ok(etas, n) ||
      fused::needs_op_by_op(params, grads) || !fused::all_fusable(params, grads, {&axs})) {
    return false;
  }
  NoGradGuard no_grad;
  for (size_t i = 0; i < n; ++i) {
    const double eta = etas[i].item<double>(), mu = mus[i].item<double>();
    const AsgdScalars k{1 - c.lambd * eta,   -eta,       mu,     c.weight_decay,
                        c.weight_decay != 0, c.maximize, mu != 1};
    fused::run({&params[i], &grads[i], &axs[i]}, k, asgd_range_f32, asgd_range_f64);
    fused::bump(params[i], 2);  // mul_, add_
    fused::bump(axs[i], 1);     // add_ or copy_
    // eta.copy_(tensor(...)) and mu.copy_(tensor(...)): the values pass through a tensor of
    // the default dtype
    const double step = steps[i];
    etas[i].copy_(torsh::scalar_tensor(c.lr / std::pow(1 + c.lambd * c.lr * step, c.alpha)));
    mus[i].copy_(torsh::scalar_tensor(1 / std::max(1.0, step - c.t0)));
  }
  return true;
}

bool fused_rprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                      const std::vector<Tensor>& prevs, const std::vector<Tensor>& step_sizes,
                      const FusedRpropConfig& c) {
  if (fused::needs_op_by_op(params, grads) ||
      !fused::all_fusable(params, grads, {&prevs, &step_sizes})) {
    return false;
  }
  NoGradGuard no_grad;
  const RpropScalars k{c.etaminus, c.etaplus, c.step_size_min, c.step_size_max, c.maximize};
  for (size_t i = 0; i < params.size(); ++i) {
    fused::run({&params[i], &grads[i], &prevs[i], &step_sizes[i]}, k, rprop_range_f32,
               rprop_range_f64);
    fused::bump(params[i], 1);      // addcmul_
    fused::bump(prevs[i], 1);       // copy_
    fused::bump(step_sizes[i], 2);  // mul_, clamp_
  }
  return true;
}

}  // namespace torsh::optim
