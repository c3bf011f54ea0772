// torsh::optim's Adagrad and RMSprop with libtorch 1.13's update sequences. Each group runs
// through the one-pass step (optim_fused.h) where its tensors qualify, else op by op; both give
// the same bits.
#include <cmath>

#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/optim.h"

namespace torsh::optim {

// ---- Adagrad ----------------------------------------------------------------------------------
namespace {
void check_adagrad(const AdagradOptions& o) {
  TORSH_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  TORSH_CHECK(o.lr_decay() >= 0, "Invalid lr_decay value: ", o.lr_decay());
  TORSH_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: ", o.weight_decay());
  TORSH_CHECK(o.initial_accumulator_value() >= 0,
              "Invalid initial_accumulator_value value: ", o.initial_accumulator_value());
  TORSH_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
}

std::unique_ptr<AdagradParamState> adagrad_state(const Tensor& p, double init) {
  auto s = std::make_unique<AdagradParamState>();
  NoGradGuard no_grad;
  s->sum(torsh::full_like(p.detach(), init));
  return s;
}

void init_adagrad(std::vector<OptimizerParamGroup>& groups,
                  std::map<std::string, std::unique_ptr<OptimizerParamState>>& state, double init) {
  for (const auto& g : groups) {
    for (const auto& p : g.params()) state[Optimizer::key_of(p)] = adagrad_state(p, init);
  }
}
}  // namespace

Adagrad::Adagrad(std::vector<Tensor> params, AdagradOptions defaults)
    : Optimizer(std::move(params), std::make_unique<AdagradOptions>(defaults)) {
  check_adagrad(defaults);
  init_adagrad(param_groups_, state_, defaults.initial_accumulator_value());
}

Adagrad::Adagrad(std::vector<OptimizerParamGroup> groups, AdagradOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdagradOptions>(defaults)) {
  check_adagrad(defaults);
  init_adagrad(param_groups_, state_, defaults.initial_accumulator_value());
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  const double init = static_cast<const AdagradOptions&>(defaults()).initial_accumulator_value();
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdagradOptions&>(group.options());
    std::vector<Tensor> ps, gs, sums;
    std::vector<double> steps;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& slot = state_[key_of(p)];
      if (!slot) slot = adagrad_state(p, init);
      auto& st = static_cast<AdagradParamState&>(*slot);
      st.step(st.step() + 1);  // per entry: a parameter listed twice counts twice, as libtorch
      ps.push_back(p.detach());
      gs.push_back(p.grad().detach());
      sums.push_back(st.sum());
      steps.push_back(static_cast<double>(st.step()));
    }
    const FusedAdagradConfig c{o.lr(), o.lr_decay(), o.weight_decay(), o.eps(), false};
    if (fused_adagrad_step(ps, gs, sums, steps, c)) continue;
    for (size_t i = 0; i < ps.size(); ++i) {
      Tensor grad = gs[i];
      if (o.weight_decay() != 0) grad = grad.add(ps[i], o.weight_decay());
      const double clr = o.lr() / (1 + (steps[i] - 1) * o.lr_decay());
      sums[i].addcmul_(grad, grad, 1.0);
      const Tensor std_ = sums[i].sqrt().add_(o.eps());
      ps[i].addcdiv_(grad, std_, -clr);
    }
  }
  return loss;
}

// ---- RMSprop ----------------------------------------------------------------------------------
namespace {
void check_rmsprop(const RMSpropOptions& o) {
  TORSH_CHECK(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  TORSH_CHECK(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  TORSH_CHECK(o.momentum() >= 0, "Invalid momentum value: ", o.momentum());
  TORSH_CHECK(o.weight_decay() >= 0, "Invalid weight_decay value: ", o.weight_decay());
  TORSH_CHECK(o.alpha() >= 0, "Invalid alpha value: ", o.alpha());
}
}  // namespace

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions defaults)
    : Optimizer(std::move(params), std::make_unique<RMSpropOptions>(defaults)) {
  check_rmsprop(defaults);
}

RMSprop::RMSprop(std::vector<OptimizerParamGroup> groups, RMSpropOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RMSpropOptions>(defaults)) {
  check_rmsprop(defaults);
}

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const RMSpropOptions&>(group.options());
    std::vector<Tensor> ps, gs, sq, ga, bufs;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& slot = state_[key_of(p)];
      if (!slot) {
        auto s = std::make_unique<RMSpropParamState>();
        const Tensor d = p.detach();
        s->square_avg(torsh::zeros_like(d));
        if (o.momentum() > 0) s->momentum_buffer(torsh::zeros_like(d));
        if (o.centered()) s->grad_avg(torsh::zeros_like(d));
        slot = std::move(s);
      }
      auto& st = static_cast<RMSpropParamState&>(*slot);
      st.step(st.step() + 1);
      ps.push_back(p.detach());
      gs.push_back(p.grad().detach());
      sq.push_back(st.square_avg());
      ga.push_back(st.grad_avg());
      bufs.push_back(st.momentum_buffer());
    }
    const FusedRmspropConfig c{o.lr(),       o.alpha(),    o.eps(), o.weight_decay(),
                               o.momentum(), o.centered(), false};
    if (fused_rmsprop_step(ps, gs, sq, ga, bufs, c)) continue;
    for (size_t i = 0; i < ps.size(); ++i) {
      Tensor grad = gs[i];
      if (o.weight_decay() != 0) grad = grad.add(ps[i], o.weight_decay());
      sq[i].mul_(o.alpha()).addcmul_(grad, grad, 1 - o.alpha());
      Tensor avg;
      if (o.centered()) {
        TORSH_CHECK(ga[i].defined(), "RMSprop: centered is on but a state has no grad_avg");
        ga[i].mul_(o.alpha()).add_(grad, 1 - o.alpha());
        avg = sq[i].addcmul(ga[i], ga[i], -1).sqrt_().add_(o.eps());
      } else {
        avg = sq[i].sqrt().add_(o.eps());
      }
      if (o.momentum() > 0) {
        TORSH_CHECK(bufs[i].defined(),
                    "RMSprop: momentum is on but a state has no momentum_buffer");
        bufs[i].mul_(o.momentum()).addcdiv_(grad, avg);
        ps[i].add_(bufs[i], -o.lr());
      } else {
        ps[i].addcdiv_(grad, avg, -o.lr());
      }
    }
  }
  return loss;
}

}  // namespace torsh::optim
