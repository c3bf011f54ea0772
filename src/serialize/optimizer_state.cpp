// Optimizer state in PyTorch's state_dict format, for torsh::save / torsh::load of SGD, Adam,
// AdamW, Adagrad and RMSprop: the same group keys and per-parameter entries as torch 1.13
// writes, parameters named by their index across the groups.
#include <cmath>
#include <map>

#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/optim.h"
#include "torsh/serialize.h"

namespace torsh {
namespace {

using optim::Adagrad;
using optim::AdagradOptions;
using optim::AdagradParamState;
using optim::Adam;
using optim::AdamOptions;
using optim::AdamParamState;
using optim::AdamW;
using optim::AdamWOptions;
using optim::Optimizer;
using optim::RMSprop;
using optim::RMSpropOptions;
using optim::RMSpropParamState;
using optim::SGD;
using optim::SGDOptions;
using optim::SGDParamState;
using serialize::Dict;
using serialize::List;
using serialize::Value;

enum class Kind { Sgd, Adam, AdamW, Adagrad, Rmsprop };

Kind kind_of(const Optimizer& opt) {
  if (dynamic_cast<const SGD*>(&opt)) return Kind::Sgd;
  if (dynamic_cast<const AdamW*>(&opt)) return Kind::AdamW;
  if (dynamic_cast<const Adam*>(&opt)) return Kind::Adam;
  if (dynamic_cast<const Adagrad*>(&opt)) return Kind::Adagrad;
  if (dynamic_cast<const RMSprop*>(&opt)) return Kind::Rmsprop;
  TORSH_CHECK(false,
              "optimizer state_dict: only SGD, Adam, AdamW, Adagrad and RMSprop are supported");
  return Kind::Sgd;
}

template <typename O>
Dict adam_options(const O& o, Kind kind) {
  Dict g{{"lr", o.lr()},
         {"betas", Value::tuple({std::get<0>(o.betas()), std::get<1>(o.betas())})},
         {"eps", o.eps()},
         {"weight_decay", o.weight_decay()},
         {"amsgrad", o.amsgrad()}};
  if (kind == Kind::Adam) {
    g.insert(g.end(), {{"maximize", false},
                       {"foreach", Value()},
                       {"capturable", false},
                       {"differentiable", false},
                       {"fused", false}});
  } else {
    g.insert(g.end(), {{"foreach", Value()}, {"maximize", false}, {"capturable", false}});
  }
  return g;
}

Dict group_options(const optim::OptimizerOptions& options, Kind kind) {
  if (kind == Kind::Sgd) {
    const auto& o = static_cast<const SGDOptions&>(options);
    return {{"lr", o.lr()},
            {"momentum", o.momentum()},
            {"dampening", o.dampening()},
            {"weight_decay", o.weight_decay()},
            {"nesterov", o.nesterov()},
            {"maximize", false},
            {"foreach", Value()},
            {"differentiable", false}};
  }
  if (kind == Kind::Adagrad) {
    const auto& o = static_cast<const AdagradOptions&>(options);
    return {{"lr", o.lr()},
            {"lr_decay", o.lr_decay()},
            {"eps", o.eps()},
            {"weight_decay", o.weight_decay()},
            {"initial_accumulator_value", o.initial_accumulator_value()},
            {"foreach", Value()},
            {"maximize", false}};
  }
  if (kind == Kind::Rmsprop) {
    const auto& o = static_cast<const RMSpropOptions&>(options);
    return {{"lr", o.lr()},       {"momentum", o.momentum()}, {"alpha", o.alpha()},
            {"eps", o.eps()},     {"centered", o.centered()}, {"weight_decay", o.weight_decay()},
            {"foreach", Value()}, {"maximize", false},        {"differentiable", false}};
  }
  if (kind == Kind::Adam) return adam_options(static_cast<const AdamOptions&>(options), kind);
  return adam_options(static_cast<const AdamWOptions&>(options), kind);
}

const Value& entry(const Value& dict, const char* key, const char* where) {
  const Value* v = dict.find(key);
  TORSH_CHECK(v != nullptr, "optimizer load_state_dict: ", where, " has no '", key, "'");
  return *v;
}

// The saved options applied to a copy of the group's options (nothing changes until all pass).
std::unique_ptr<optim::OptimizerOptions> read_options(const optim::OptimizerOptions& current,
                                                      const Value& g, Kind kind) {
  auto opts = current.clone();
  auto num = [&](const char* k) { return entry(g, k, "a param group").toDouble(); };
  if (const Value* m = g.find("maximize")) {
    TORSH_CHECK(m->is_none() || !m->toBool(),
                "optimizer load_state_dict: maximize=True is not supported by torsh's C++ ",
                "optimizers");
  }
  auto check = [](bool ok, const char* what, double v) {
    TORSH_CHECK(ok, "optimizer load_state_dict: invalid ", what, ": ", v);
  };
  if (kind == Kind::Sgd) {
    auto& o = static_cast<SGDOptions&>(*opts);
    o.lr(num("lr")).momentum(num("momentum")).dampening(num("dampening"));
    o.weight_decay(num("weight_decay")).nesterov(entry(g, "nesterov", "a param group").toBool());
    check(o.lr() >= 0, "learning rate", o.lr());
    check(o.momentum() >= 0, "momentum value", o.momentum());
    check(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
    return opts;
  }
  if (kind == Kind::Adagrad) {
    auto& o = static_cast<AdagradOptions&>(*opts);
    o.lr(num("lr")).lr_decay(num("lr_decay")).eps(num("eps")).weight_decay(num("weight_decay"));
    o.initial_accumulator_value(num("initial_accumulator_value"));
    check(o.lr() >= 0, "learning rate", o.lr());
    check(o.lr_decay() >= 0, "lr_decay value", o.lr_decay());
    check(o.eps() >= 0, "epsilon value", o.eps());
    check(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
    return opts;
  }
  if (kind == Kind::Rmsprop) {
    auto& o = static_cast<RMSpropOptions&>(*opts);
    o.lr(num("lr")).momentum(num("momentum")).alpha(num("alpha")).eps(num("eps"));
    o.weight_decay(num("weight_decay")).centered(entry(g, "centered", "a param group").toBool());
    check(o.lr() >= 0, "learning rate", o.lr());
    check(o.momentum() >= 0, "momentum value", o.momentum());
    check(o.alpha() >= 0, "alpha value", o.alpha());
    check(o.eps() >= 0, "epsilon value", o.eps());
    check(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
    return opts;
  }
  const List& betas = entry(g, "betas", "a param group").toList();
  TORSH_CHECK(betas.size() == 2, "optimizer load_state_dict: betas must hold two numbers");
  auto set = [&](auto& o) {
    o.lr(num("lr")).eps(num("eps")).weight_decay(num("weight_decay"));
    o.betas(std::make_tuple(betas[0].toDouble(), betas[1].toDouble()));
    o.amsgrad(entry(g, "amsgrad", "a param group").toBool());
    check(o.lr() >= 0, "learning rate", o.lr());
    check(o.eps() >= 0, "epsilon value", o.eps());
    check(std::get<0>(o.betas()) >= 0 && std::get<0>(o.betas()) < 1, "beta parameter at index 0",
          std::get<0>(o.betas()));
    check(std::get<1>(o.betas()) >= 0 && std::get<1>(o.betas()) < 1, "beta parameter at index 1",
          std::get<1>(o.betas()));
    check(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
  };
  if (kind == Kind::Adam) {
    set(static_cast<AdamOptions&>(*opts));
  } else {
    set(static_cast<AdamWOptions&>(*opts));
  }
  return opts;
}

// A saved state tensor, as torch loads it: floating ones cast to the parameter's dtype.
Tensor state_tensor(const Value& v, const Tensor& p, const char* key) {
  const Tensor& t = v.toTensor();
  TORSH_CHECK(t.sizes().vec() == p.sizes().vec(), "optimizer load_state_dict: '", key,
              "' has shape ", detail::shape_str(t.sizes()), " but its parameter has shape ",
              detail::shape_str(p.sizes()));
  NoGradGuard no_grad;
  return t.to(p.dtype()).clone(MemoryFormat::Contiguous);
}

// A saved step count: a number or (torch >= 1.12) a one-element tensor.
int64_t read_step(const Value& s) {
  const Value& step = entry(s, "step", "a parameter's state");
  const double steps =
      step.kind() == Value::Kind::Tensor
          ? (step.toTensor().numel() == 1 ? step.toTensor().to(kDouble).item<double>()
                                          : std::nan(""))
          : step.toDouble();
  TORSH_CHECK(steps >= 0 && steps <= 9007199254740992.0 && steps == std::floor(steps),
              "optimizer load_state_dict: 'step' must be a whole number of steps, got ", steps);
  return static_cast<int64_t>(steps);
}

// A parameter's saved state; nullptr where torch holds nothing to resume from (SGD's
// momentum_buffer None: the next step starts the buffer, as torsh's SGD does without a state).
std::unique_ptr<optim::OptimizerParamState> read_state(const Value& s, const Tensor& p, Kind kind,
                                                       bool amsgrad) {
  TORSH_CHECK(s.kind() == Value::Kind::Dict, "optimizer load_state_dict: a state is not a dict");
  if (kind == Kind::Sgd) {
    const Value* buf = s.find("momentum_buffer");
    if (buf == nullptr || buf->is_none()) return nullptr;
    auto st = std::make_unique<SGDParamState>();
    st->momentum_buffer(state_tensor(*buf, p, "momentum_buffer"));
    return st;
  }
  const auto tensor_at = [&](const char* key) {
    return state_tensor(entry(s, key, "a parameter's state"), p, key);
  };
  if (kind == Kind::Adagrad) {
    auto st = std::make_unique<AdagradParamState>();
    st->step(read_step(s));
    st->sum(tensor_at("sum"));
    return st;
  }
  if (kind == Kind::Rmsprop) {
    auto st = std::make_unique<RMSpropParamState>();
    st->step(read_step(s));
    st->square_avg(tensor_at("square_avg"));
    if (s.find("momentum_buffer") != nullptr) st->momentum_buffer(tensor_at("momentum_buffer"));
    if (s.find("grad_avg") != nullptr) st->grad_avg(tensor_at("grad_avg"));
    return st;
  }
  auto st = std::make_unique<AdamParamState>();
  st->step(read_step(s));
  st->exp_avg(state_tensor(entry(s, "exp_avg", "a parameter's state"), p, "exp_avg"));
  st->exp_avg_sq(state_tensor(entry(s, "exp_avg_sq", "a parameter's state"), p, "exp_avg_sq"));
  const Value* m = s.find("max_exp_avg_sq");
  TORSH_CHECK(!amsgrad || m != nullptr,
              "optimizer load_state_dict: amsgrad is on but a state has no 'max_exp_avg_sq'");
  if (m != nullptr) st->max_exp_avg_sq(state_tensor(*m, p, "max_exp_avg_sq"));
  return st;
}

}  // namespace

Value optimizer_state_dict(const Optimizer& opt) {
  const Kind kind = kind_of(opt);
  Dict state;
  List groups;
  int64_t index = 0;
  for (const auto& group : opt.param_groups()) {
    Dict g = group_options(group.options(), kind);
    List ids;
    for (const Tensor& p : group.params()) {
      auto it = opt.state().find(Optimizer::key_of(p));
      if (it != opt.state().end()) {
        Dict s;
        if (kind == Kind::Sgd) {
          const auto& st = static_cast<const SGDParamState&>(*it->second);
          s.emplace_back("momentum_buffer",
                         st.momentum_buffer().defined() ? Value(st.momentum_buffer()) : Value());
        } else if (kind == Kind::Adagrad) {
          const auto& st = static_cast<const AdagradParamState&>(*it->second);
          s.emplace_back("step",
                         torsh::tensor(static_cast<double>(st.step()), TensorOptions(kFloat)));
          s.emplace_back("sum", st.sum());
        } else if (kind == Kind::Rmsprop) {
          const auto& st = static_cast<const RMSpropParamState&>(*it->second);
          s.emplace_back("step", st.step());  // torch 1.13's RMSprop counts in a Python int
          s.emplace_back("square_avg", st.square_avg());
          if (st.momentum_buffer().defined()) {
            s.emplace_back("momentum_buffer", st.momentum_buffer());
          }
          if (st.grad_avg().defined()) s.emplace_back("grad_avg", st.grad_avg());
        } else {
          const auto& st = static_cast<const AdamParamState&>(*it->second);
          // torch 1.13 keeps the step count as a float32 scalar tensor
          s.emplace_back("step",
                         torsh::tensor(static_cast<double>(st.step()), TensorOptions(kFloat)));
          s.emplace_back("exp_avg", st.exp_avg());
          s.emplace_back("exp_avg_sq", st.exp_avg_sq());
          if (st.max_exp_avg_sq().defined()) s.emplace_back("max_exp_avg_sq", st.max_exp_avg_sq());
        }
        state.emplace_back(index, Value::dict(std::move(s), false));
      }
      ids.emplace_back(index++);
    }
    g.emplace_back("params", Value::list(std::move(ids)));
    groups.push_back(Value::dict(std::move(g), false));
  }
  return Value::dict({{"state", Value::dict(std::move(state), false)},
                      {"param_groups", Value::list(std::move(groups))}},
                     false);
}

void load_optimizer_state_dict(Optimizer& opt, const Value& sd) {
  const Kind kind = kind_of(opt);
  TORSH_CHECK(sd.kind() == Value::Kind::Dict, "optimizer load_state_dict: expected a dict");
  const List& groups = entry(sd, "param_groups", "the state dict").toList();
  auto& own = opt.param_groups();
  TORSH_CHECK(groups.size() == own.size(),
              "loaded state dict has a different number of parameter groups");
  std::map<int64_t, std::pair<Tensor, bool>> by_id;  // the parameter, its group's amsgrad
  std::vector<std::unique_ptr<optim::OptimizerOptions>> options;
  for (size_t i = 0; i < own.size(); ++i) {
    const List& ids = entry(groups[i], "params", "a param group").toList();
    TORSH_CHECK(ids.size() == own[i].params().size(),
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group");
    options.push_back(read_options(own[i].options(), groups[i], kind));
    const bool amsgrad =
        kind == Kind::Adam    ? static_cast<const AdamOptions&>(*options.back()).amsgrad()
        : kind == Kind::AdamW ? static_cast<const AdamWOptions&>(*options.back()).amsgrad()
                              : false;
    for (size_t j = 0; j < ids.size(); ++j) {
      TORSH_CHECK(by_id.emplace(ids[j].toInt(), std::make_pair(own[i].params()[j], amsgrad)).second,
                  "optimizer load_state_dict: parameter ", ids[j].toInt(), " is listed twice");
    }
  }
  std::map<std::string, std::unique_ptr<optim::OptimizerParamState>> state;
  for (const auto& [k, s] : entry(sd, "state", "the state dict").toDict()) {
    auto it = by_id.find(k.toInt());
    TORSH_CHECK(it != by_id.end(), "optimizer load_state_dict: state for parameter ", k.toInt(),
                ", which no group holds");
    auto st = read_state(s, it->second.first, kind, it->second.second);
    if (st) state[Optimizer::key_of(it->second.first)] = std::move(st);
  }
  for (size_t i = 0; i < own.size(); ++i) own[i].set_options(std::move(options[i]));
  opt.state() = std::move(state);
}

void save(const Optimizer& optimizer, const std::string& path) {
  save(optimizer_state_dict(optimizer), path);
}

void load(Optimizer& optimizer, const std::string& path) {
  load_optimizer_state_dict(optimizer, load(path));
}

}  // namespace torsh
