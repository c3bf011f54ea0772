// libtorch's LBFGS (torsh/optim_lbfgs.h), with libtorch 1.13's arithmetic: losses, step
// lengths and line-search values are doubles (item<double>()), curvature pairs and the
// two-loop coefficients are tensors of the parameters' dtype.
#include "torsh/optim_lbfgs.h"

#include <algorithm>
#include <cmath>

#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"

namespace torsh::optim {

namespace {

double val(const Tensor& t) { return t.item<double>(); }

void check_lbfgs(const std::vector<OptimizerParamGroup>& groups) {
  TORSH_CHECK(groups.size() == 1, "LBFGS doesn't support per-parameter options (parameter groups)");
}

// max_eval's default, written into the group's options and the defaults as libtorch does.
void default_max_eval(OptimizerOptions& group, OptimizerOptions& defaults) {
  auto& g = static_cast<LBFGSOptions&>(group);
  if (!g.max_eval()) g.max_eval((g.max_iter() * 5) / 4);
  auto& d = static_cast<LBFGSOptions&>(defaults);
  if (!d.max_eval()) d.max_eval((d.max_iter() * 5) / 4);
}

// The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to the
// bounds (default: the interval between the points); their midpoint without a real minimizer.
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         std::optional<std::tuple<double, double>> bounds = std::nullopt) {
  const auto [xmin, xmax] =
      bounds ? *bounds : (x1 <= x2 ? std::make_tuple(x1, x2) : std::make_tuple(x2, x1));
  const double d1 = (g1 + g2) - (3 * (f1 - f2) / (x1 - x2));
  const double d2_square = std::pow(d1, 2) - g1 * g2;
  if (d2_square >= 0) {
    const double d2 = std::sqrt(d2_square);
    const double min_pos = x1 <= x2 ? x2 - ((x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)))
                                    : x1 - ((x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2)));
    return std::min(std::max(min_pos, xmin), xmax);
  }
  return (xmin + xmax) / 2.;
}

using ObjFunc =
    std::function<std::tuple<double, Tensor>(const std::vector<Tensor>&, double, const Tensor&)>;

// A point of the line search: step length, loss, flat gradient, directional derivative.
struct Point {
  double t, f;
  Tensor g, gtd;
};

// The strong-Wolfe line search along d from the parameters x (loss f, gradient g, slope gtd):
// (loss, flat gradient, step, evaluations).
std::tuple<double, Tensor, double, int64_t> strong_wolfe(
    const ObjFunc& obj_func, const std::vector<Tensor>& x, double t, const Tensor& d, double f,
    Tensor g, const Tensor& gtd, double c1 = 1e-4, double c2 = 0.9, double tolerance_change = 1e-9,
    double max_ls = 25) {
  const double d_norm = val(d.abs().max());
  g = g.clone(MemoryFormat::Contiguous);
  auto [f_new, g_new] = obj_func(x, t, d);
  int64_t ls_func_evals = 1;
  Tensor gtd_new = g_new.dot(d);
  double t_prev = 0, f_prev = f;
  Tensor g_prev = g, gtd_prev = gtd;
  bool done = false;
  int64_t ls_iter = 0;
  std::vector<Point> bracket;  // two points (or one, repeated, when done)
  while (ls_iter < max_ls) {
    if (f_new > (f + c1 * t * val(gtd)) || (ls_iter > 1 && f_new >= f_prev)) {
      bracket = {{t_prev, f_prev, g_prev, gtd_prev}, {t, f_new, g_new.clone(), gtd_new}};
      break;
    }
    if (std::abs(val(gtd_new)) <= -c2 * val(gtd)) {
      bracket = {{t, f_new, g_new, gtd_new}, {t, f_new, g_new, gtd_new}};
      done = true;
      break;
    }
    if (val(gtd_new) >= 0) {
      bracket = {{t_prev, f_prev, g_prev, gtd_prev}, {t, f_new, g_new.clone(), gtd_new}};
      break;
    }
    // extrapolate, at least 1% beyond t and at most 10x
    const double min_step = t + 0.01 * (t - t_prev);
    const double max_step = t * 10;
    const double tmp = t;
    t = cubic_interpolate(t_prev, f_prev, val(gtd_prev), t, f_new, val(gtd_new),
                          std::make_tuple(min_step, max_step));
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new.clone(MemoryFormat::Contiguous);
    gtd_prev = gtd_new;
    std::tie(f_new, g_new) = obj_func(x, t, d);
    ls_func_evals += 1;
    gtd_new = g_new.dot(d);
    ls_iter += 1;
  }
  if (ls_iter == max_ls) bracket = {{0, f, g, gtd}, {t, f_new, g_new, gtd_new}};

  // zoom: shrink the bracket until a point satisfies the conditions
  bool insuf_progress = false;
  auto order = [&] {
    return bracket[0].f <= bracket[1].f ? std::make_pair(0, 1) : std::make_pair(1, 0);
  };
  auto [low, high] = order();
  while (!done && ls_iter < max_ls) {
    t = cubic_interpolate(bracket[0].t, bracket[0].f, val(bracket[0].gtd), bracket[1].t,
                          bracket[1].f, val(bracket[1].gtd));
    const double bmax = std::max(bracket[0].t, bracket[1].t);
    const double bmin = std::min(bracket[0].t, bracket[1].t);
    const double eps = 0.1 * (bmax - bmin);
    if (std::min(bmax - t, t - bmin) < eps) {
      if (insuf_progress || t >= bmax || t <= bmin) {
        t = std::abs(t - bmax) < std::abs(t - bmin) ? bmax - eps : bmin + eps;
        insuf_progress = false;
      } else {
        insuf_progress = true;
      }
    } else {
      insuf_progress = false;
    }
    std::tie(f_new, g_new) = obj_func(x, t, d);
    ls_func_evals += 1;
    gtd_new = g_new.dot(d);
    ls_iter += 1;
    if (f_new > (f + c1 * t * val(gtd)) || f_new >= bracket[low].f) {
      bracket[high] = {t, f_new, g_new.clone(MemoryFormat::Contiguous), gtd_new};
      std::tie(low, high) = order();
    } else {
      if (std::abs(val(gtd_new)) <= -c2 * val(gtd)) {
        done = true;
      } else if (val(gtd_new) * (bracket[high].t - bracket[low].t) >= 0) {
        bracket[high] = bracket[low];
      }
      bracket[low] = {t, f_new, g_new.clone(MemoryFormat::Contiguous), gtd_new};
    }
    if (std::abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change) break;
  }
  return {bracket[low].f, bracket[low].g, bracket[low].t, ls_func_evals};
}

}  // namespace

LBFGS::LBFGS(std::vector<Tensor> params, LBFGSOptions defaults)
    : Optimizer(std::move(params), std::make_unique<LBFGSOptions>(defaults)) {
  check_lbfgs(param_groups_);
  default_max_eval(param_groups_[0].options(), *defaults_);
}

LBFGS::LBFGS(std::vector<OptimizerParamGroup> groups, LBFGSOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<LBFGSOptions>(defaults)) {
  check_lbfgs(param_groups_);
  default_max_eval(param_groups_[0].options(), *defaults_);
}

int64_t LBFGS::numel() {
  if (!numel_cache_) {
    int64_t n = 0;
    for (const auto& p : param_groups_.at(0).params()) n += p.numel();
    numel_cache_ = n;
  }
  return *numel_cache_;
}

Tensor LBFGS::gather_flat_grad() {
  std::vector<Tensor> views;
  for (const auto& p : param_groups_.at(0).params()) {
    views.push_back(p.grad().defined() ? p.grad().reshape({-1})
                                       : torsh::zeros({p.numel()}, p.options()));
  }
  return torsh::cat(views, 0);
}

void LBFGS::add_grad(double step_size, const Tensor& update) {
  int64_t offset = 0;
  for (const auto& p : param_groups_.at(0).params()) {
    const int64_t n = p.numel();
    p.detach().add_(update.narrow(0, offset, n).view_as(p), step_size);
    offset += n;
  }
  TORSH_CHECK(offset == numel(), "LBFGS: the parameters changed size between steps");
}

std::vector<Tensor> LBFGS::clone_params() {
  std::vector<Tensor> r;
  for (const auto& p : param_groups_.at(0).params()) {
    r.push_back(p.detach().clone(MemoryFormat::Contiguous));
  }
  return r;
}

void LBFGS::set_params(const std::vector<Tensor>& values) {
  const auto& ps = param_groups_.at(0).params();
  for (size_t i = 0; i < ps.size(); ++i) ps[i].detach().copy_(values[i]);
}

std::tuple<double, Tensor> LBFGS::directional_evaluate(const LossClosure& closure,
                                                       const std::vector<Tensor>& x, double t,
                                                       const Tensor& d) {
  add_grad(t, d);
  double loss;
  {
    AutoGradMode enable(true);
    loss = val(closure());
  }
  Tensor flat_grad = gather_flat_grad();
  set_params(x);
  return {loss, flat_grad};
}

Tensor LBFGS::step(LossClosure closure) {
  NoGradGuard no_grad;
  TORSH_CHECK(closure != nullptr, "LBFGS requires a closure function");
  TORSH_CHECK(param_groups_.size() == 1,
              "LBFGS doesn't support per-parameter options (parameter groups)");
  const auto& o = static_cast<const LBFGSOptions&>(param_groups_[0].options());
  const double lr = o.lr(), tolerance_grad = o.tolerance_grad();
  const double tolerance_change = o.tolerance_change();
  const int64_t max_iter = o.max_iter(), history_size = o.history_size();
  const int64_t max_eval = o.max_eval() ? *o.max_eval() : (max_iter * 5) / 4;
  const auto line_search_fn = o.line_search_fn();
  TORSH_CHECK(!line_search_fn || *line_search_fn == "strong_wolfe",
              "only 'strong_wolfe' is supported");
  TORSH_CHECK(!param_groups_[0].params().empty(), "LBFGS: the parameter group is empty");
  TORSH_CHECK(history_size > 0, "LBFGS: history_size must be positive, got ", history_size);

  auto& slot = state_[key_of(param_groups_[0].params()[0])];
  if (!slot) slot = std::make_unique<LBFGSParamState>();
  auto& state = static_cast<LBFGSParamState&>(*slot);

  Tensor orig_loss;
  {
    AutoGradMode enable(true);
    orig_loss = closure();
  }
  double loss = val(orig_loss);
  int64_t current_evals = 1;
  state.func_evals(state.func_evals() + 1);
  Tensor flat_grad = gather_flat_grad();
  bool opt_cond = val(flat_grad.abs().max()) <= tolerance_grad;
  if (opt_cond) return orig_loss;  // already optimal

  Tensor& d = state.d();
  double t = state.t();
  auto& old_dirs = state.old_dirs();
  auto& old_stps = state.old_stps();
  auto& ro = state.ro();
  Tensor& H_diag = state.H_diag();
  Tensor& prev_flat_grad = state.prev_flat_grad();
  double prev_loss = state.prev_loss();

  int64_t n_iter = 0;
  while (n_iter < max_iter) {
    ++n_iter;
    state.n_iter(state.n_iter() + 1);
    if (state.n_iter() == 1) {
      d = flat_grad.neg();
      H_diag = torsh::scalar_tensor(1, TensorOptions(kLong));
      old_dirs.clear();
      old_stps.clear();
      ro.clear();
    } else {
      // the curvature pair of the last step, if it is positive enough
      const Tensor y = flat_grad.sub(prev_flat_grad);
      const Tensor s = d.mul(t);
      const Tensor ys = y.dot(s);
      if (val(ys) > 1e-10) {
        if (static_cast<int64_t>(old_dirs.size()) == history_size) {
          old_dirs.pop_front();
          old_stps.pop_front();
          ro.pop_front();
        }
        old_dirs.push_back(y);
        old_stps.push_back(s);
        ro.push_back(1. / ys);
        H_diag = ys / y.dot(y);
      }
      // the two-loop recursion: d = -H g with the implicit inverse Hessian
      const int64_t num_old = static_cast<int64_t>(old_dirs.size());
      if (!state.al()) state.al(std::vector<Tensor>(static_cast<size_t>(history_size)));
      auto& al = *state.al();
      if (static_cast<int64_t>(al.size()) < num_old) al.resize(static_cast<size_t>(num_old));
      Tensor q = flat_grad.neg();
      for (int64_t i = num_old - 1; i >= 0; --i) {
        al[i] = old_stps[i].dot(q) * ro[i];
        q.add_(old_dirs[i], -val(al[i]));
      }
      Tensor r = torsh::mul(q, H_diag);
      d = r;
      for (int64_t i = 0; i < num_old; ++i) {
        const Tensor be_i = old_dirs[i].dot(r) * ro[i];
        r.add_(old_stps[i], val(al[i] - be_i));
      }
    }
    if (!prev_flat_grad.defined()) {
      prev_flat_grad = flat_grad.clone(MemoryFormat::Contiguous);
    } else {
      prev_flat_grad.copy_(flat_grad);
    }
    prev_loss = loss;

    // the step length: a first step scaled by the gradient's size, then lr
    t = state.n_iter() == 1 ? std::min(1., 1. / val(flat_grad.abs().sum())) * lr : lr;
    const Tensor gtd = flat_grad.dot(d);
    if (val(gtd) > -tolerance_change) break;  // not a descent direction

    int64_t ls_func_evals = 0;
    if (line_search_fn) {
      const std::vector<Tensor> x_init = clone_params();
      const ObjFunc obj_func = [&](const std::vector<Tensor>& x, double t_, const Tensor& d_) {
        return directional_evaluate(closure, x, t_, d_);
      };
      std::tie(loss, flat_grad, t, ls_func_evals) =
          strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd);
      add_grad(t, d);
      opt_cond = val(flat_grad.abs().max()) <= tolerance_grad;
    } else {
      add_grad(t, d);
      if (n_iter != max_iter) {
        {
          AutoGradMode enable(true);
          loss = val(closure());
        }
        flat_grad = gather_flat_grad();
        opt_cond = val(flat_grad.abs().max()) <= tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    state.func_evals(state.func_evals() + ls_func_evals);

    if (n_iter == max_iter) break;
    if (current_evals >= max_eval) break;
    if (opt_cond) break;
    if (val(d.mul(t).abs().max()) <= tolerance_change) break;  // the step is negligible
    if (std::abs(loss - prev_loss) < tolerance_change) break;  // the loss stopped changing
  }
  state.t(t);
  state.prev_loss(prev_loss);
  return orig_loss;
}

}  // namespace torsh::optim
