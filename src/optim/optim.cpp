// torsh::optim: the optimizer base (groups, state, zero_grad) and SGD, Adam and AdamW with
// libtorch 1.13's update sequences, so a C++ training run follows libtorch's numbers.
#include "torsh/optim.h"

#include <cmath>
#include <set>
#include <sstream>

#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::optim {

Optimizer::Optimizer(std::vector<OptimizerParamGroup> param_groups,
                     std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (const auto& g : param_groups) add_param_group(g);
}

std::string Optimizer::key_of(const Tensor& p) {
  std::ostringstream s;
  s << static_cast<const void*>(p.unsafeGetTensorImpl());
  return s.str();
}

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  std::set<const void*> seen;
  for (const auto& g : param_groups_) {
    for (const auto& p : g.params()) seen.insert(p.unsafeGetTensorImpl());
  }
  // a parameter listed twice in one group (tied weights) is accepted, as libtorch does
  for (const auto& p : param_group.params()) {
    TORSH_CHECK(p.defined(), "optimizer: an undefined tensor was given as a parameter");
    TORSH_CHECK(p.is_leaf(), "can't optimize a non-leaf Tensor");
    TORSH_CHECK(seen.count(p.unsafeGetTensorImpl()) == 0,
                "some parameters appear in more than one parameter group");
  }
  OptimizerParamGroup g(param_group.params(), param_group.has_options()
                                                  ? param_group.options().clone()
                                                  : defaults_->clone());
  param_groups_.push_back(std::move(g));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& g : param_groups_) {
    for (auto& p : g.params()) {
      Tensor& grad = p.mutable_grad();
      if (!grad.defined()) continue;
      if (set_to_none) {
        grad = Tensor();
      } else {
        grad = grad.detach();
        grad.zero_();
      }
    }
  }
}

std::vector<Tensor> Optimizer::parameters() const {
  std::vector<Tensor> r;
  for (const auto& g : param_groups_) r.insert(r.end(), g.params().begin(), g.params().end());
  return r;
}

size_t Optimizer::size() const {
  size_t n = 0;
  for (const auto& g : param_groups_) n += g.params().size();
  return n;
}

Tensor Optimizer::run_closure(const LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable(true);
  return closure();
}

// ---- SGD ----------------------------------------------------------------------------------------
namespace {
void check_sgd(const SGDOptions& o) {
  TORSH_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  TORSH_CHECK(o.momentum() >= 0, "Invalid momentum value: ", o.momentum());
  TORSH_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: ", o.weight_decay());
  TORSH_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0),
              "Nesterov momentum requires a momentum and zero dampening");
}
}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions defaults)
    : Optimizer(std::move(params), std::make_unique<SGDOptions>(defaults)) {
  check_sgd(defaults);
}

SGD::SGD(std::vector<OptimizerParamGroup> groups, SGDOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<SGDOptions>(defaults)) {
  check_sgd(defaults);
}

bool SGD::sgd_fused(OptimizerParamGroup& group, const SGDOptions& o) {
  std::vector<Tensor> ps, gs, bufs;
  for (auto& p : group.params()) {
    if (!p.grad().defined()) continue;
    ps.push_back(p.detach());
    gs.push_back(p.grad().detach());
    auto* st = find_state<SGDParamState>(p);
    bufs.push_back(st != nullptr ? st->momentum_buffer() : Tensor());
  }
  const FusedSgdConfig c{o.lr(),
                         o.momentum(),
                         o.dampening(),
                         o.weight_decay(),
                         o.nesterov(),
                         /*maximize=*/false};
  if (!fused_sgd_step(ps, gs, bufs, c)) return false;
  size_t i = 0;
  for (auto& p : group.params()) {
    if (!p.grad().defined()) continue;
    if (bufs[i].defined() && find_state<SGDParamState>(p) == nullptr) {
      auto s = std::make_unique<SGDParamState>();
      s->momentum_buffer(bufs[i]);
      state_[key_of(p)] = std::move(s);
    }
    ++i;
  }
  return true;
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    auto& o = static_cast<SGDOptions&>(group.options());
    if (sgd_fused(group, o)) continue;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor d_p = p.grad().detach();
      if (o.weight_decay() != 0) d_p = d_p.add(p.detach(), o.weight_decay());
      if (o.momentum() != 0) {
        Tensor buf;
        auto* st = find_state<SGDParamState>(p);
        if (st == nullptr) {
          buf = d_p.clone().detach();
          auto s = std::make_unique<SGDParamState>();
          s->momentum_buffer(buf);
          state_[key_of(p)] = std::move(s);
        } else {
          buf = st->momentum_buffer();
          buf.mul_(o.momentum()).add_(d_p, 1 - o.dampening());
        }
        d_p = o.nesterov() ? d_p.add(buf, o.momentum()) : buf;
      }
      p.detach().add_(d_p, -1 * o.lr());
    }
  }
  return loss;
}

// ---- Adam and AdamW -----------------------------------------------------------------------------
namespace {
template <typename Options>
void check_adam(const Options& o) {
  TORSH_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  TORSH_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  const auto [b1, b2] = o.betas();
  TORSH_CHECK(0 <= b1 && b1 < 1, "Invalid beta parameter at index 0: ", b1);
  TORSH_CHECK(0 <= b2 && b2 < 1, "Invalid beta parameter at index 1: ", b2);
  TORSH_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: ", o.weight_decay());
}

// One Adam update of p (decoupled: AdamW's weight decay, applied to p before).
template <typename Options>
void adam_update(const Tensor& p, Tensor grad, AdamParamState& st, const Options& o,
                 bool decoupled) {
  if (decoupled) {
    p.detach().mul_(1 - o.lr() * o.weight_decay());
  }
  st.step(st.step() + 1);
  const auto [beta1, beta2] = o.betas();
  const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(st.step()));
  const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(st.step()));
  if (!decoupled && o.weight_decay() != 0) grad = grad.add(p.detach(), o.weight_decay());
  Tensor& exp_avg = st.exp_avg();
  Tensor& exp_avg_sq = st.exp_avg_sq();
  exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  Tensor denom;
  if (o.amsgrad()) {
    Tensor& max_sq = st.max_exp_avg_sq();
    max_sq.copy_(torsh::maximum(max_sq, exp_avg_sq));
    denom = (max_sq.sqrt() / std::sqrt(bias_correction2)).add_(o.eps());
  } else {
    denom = (exp_avg_sq.sqrt() / std::sqrt(bias_correction2)).add_(o.eps());
  }
  const double step_size = o.lr() / bias_correction1;
  p.detach().addcdiv_(exp_avg, denom, -step_size);
}
}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamOptions defaults)
    : Optimizer(std::move(params), std::make_unique<AdamOptions>(defaults)) {
  check_adam(defaults);
}
Adam::Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdamOptions>(defaults)) {
  check_adam(defaults);
}
AdamW::AdamW(std::vector<Tensor> params, AdamWOptions defaults)
    : Optimizer(std::move(params), std::make_unique<AdamWOptions>(defaults)) {
  check_adam(defaults);
}
AdamW::AdamW(std::vector<OptimizerParamGroup> groups, AdamWOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdamWOptions>(defaults)) {
  check_adam(defaults);
}

namespace {
template <typename Options>
Tensor adam_step(Optimizer& opt, std::vector<OptimizerParamGroup>& groups,
                 std::map<std::string, std::unique_ptr<OptimizerParamState>>& state,
                 const std::function<std::string(const Tensor&)>& key, bool decoupled) {
  (void)opt;
  NoGradGuard no_grad;
  for (auto& group : groups) {
    auto& o = static_cast<Options&>(group.options());
    std::vector<Tensor> ps, gs, ms, vs, xs;
    std::vector<double> steps;
    std::vector<AdamParamState*> states;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& slot = state[key(p)];
      if (!slot) {
        auto s = std::make_unique<AdamParamState>();
        s->exp_avg(torsh::zeros_like(p.detach()));
        s->exp_avg_sq(torsh::zeros_like(p.detach()));
        if (o.amsgrad()) s->max_exp_avg_sq(torsh::zeros_like(p.detach()));
        slot = std::move(s);
      }
      auto& st = static_cast<AdamParamState&>(*slot);
      states.push_back(&st);
      ps.push_back(p.detach());
      gs.push_back(p.grad().detach());
      ms.push_back(st.exp_avg());
      vs.push_back(st.exp_avg_sq());
      if (o.amsgrad()) xs.push_back(st.max_exp_avg_sq());
      steps.push_back(static_cast<double>(st.step() + 1));
    }
    const auto [beta1, beta2] = o.betas();
    const FusedAdamConfig c{
        o.lr(),   beta1, beta2, o.weight_decay(), o.eps(), o.amsgrad(), /*maximize=*/false,
        decoupled};
    if (fused_adam_step(ps, gs, ms, vs, xs, steps, c)) {
      for (AdamParamState* st : states) st->step(st->step() + 1);
      continue;
    }
    for (size_t i = 0; i < ps.size(); ++i) adam_update(ps[i], gs[i], *states[i], o, decoupled);
  }
  return Tensor();
}
}  // namespace

Tensor Adam::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  adam_step<AdamOptions>(*this, param_groups_, state_, key_of, false);
  return loss;
}

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  adam_step<AdamWOptions>(*this, param_groups_, state_, key_of, true);
  return loss;
}

}  // namespace torsh::optim
