#include "torsh/autograd/function.h"

#include "torsh/generated/functions.h"

namespace torsh::autograd {

namespace {
template <typename T, typename V>
const T& get(const V& v, const char* what) {
  const T* p = std::get_if<T>(&v);
  TORSH_CHECK(p != nullptr, "IValue: expected ", what);
  return *p;
}
}  // namespace

double IValue::toDouble() const {
  if (const int64_t* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  return get<double>(v_, "a double");
}
int64_t IValue::toInt() const { return get<int64_t>(v_, "an int"); }
bool IValue::toBool() const { return get<bool>(v_, "a bool"); }
const Tensor& IValue::toTensor() const { return get<Tensor>(v_, "a Tensor"); }
const std::string& IValue::toStringRef() const { return get<std::string>(v_, "a string"); }
const std::vector<int64_t>& IValue::toIntVector() const {
  return get<std::vector<int64_t>>(v_, "an int list");
}

void AutogradContext::finalize(const variable_list& outputs, const std::shared_ptr<Node>& node) {
  for (const Tensor& t : to_save_) {
    bool is_output = false;
    for (const Tensor& o : outputs) is_output |= o.is_same(t);
    saved_.emplace_back(t, is_output && node, node);
  }
  to_save_.clear();
  if (node) node_name_ = node->name();
}

variable_list AutogradContext::get_saved_variables() const {
  variable_list r;
  for (const auto& s : saved_) r.push_back(s.unpack(node_name_.c_str()));
  return r;
}

namespace {
// Recomputes the wrapped function in backward and differentiates it there.
class CheckpointNode : public Node {
 public:
  std::function<variable_list(const variable_list&)> fn;
  variable_list inputs;  // detached copies of the forward inputs
  std::vector<bool> needs;
  variable_list apply(variable_list&& grads) override {
    variable_list args, wrt;
    AutoGradMode enable(true);
    for (size_t i = 0; i < inputs.size(); ++i) {
      Tensor a = inputs[i].detach();
      if (needs[i]) {
        a.requires_grad_(true);
        wrt.push_back(a);
      }
      args.push_back(a);
    }
    variable_list outs = fn(args);
    variable_list used_outs, used_grads;
    for (size_t i = 0; i < outs.size() && i < grads.size(); ++i) {
      if (outs[i].requires_grad() && grads[i].defined()) {
        used_outs.push_back(outs[i]);
        used_grads.push_back(grads[i]);
      }
    }
    variable_list g = used_outs.empty() ? variable_list(wrt.size())
                                        : autograd::grad(used_outs, wrt, used_grads, false,
                                                         GradMode::is_enabled(), true);
    variable_list r;
    for (size_t i = 0, k = 0; i < inputs.size(); ++i) r.push_back(needs[i] ? g[k++] : Tensor());
    return r;
  }
  std::string name() const override { return "CheckpointFunctionBackward"; }
};
}  // namespace

variable_list checkpoint(const std::function<variable_list(const variable_list&)>& fn,
                         const variable_list& inputs) {
  variable_list outs;
  {
    AutoGradMode guard(false);
    outs = fn(inputs);
  }
  bool any = false;
  for (const Tensor& t : inputs) any |= requires_grad(t);
  if (!any || !GradMode::is_enabled()) return outs;
  auto node = std::make_shared<CheckpointNode>();
  node->fn = fn;
  for (const Tensor& t : inputs) {
    node->inputs.push_back(t.detach());
    node->needs.push_back(requires_grad(t));
    add_input(*node, t);
  }
  node->set_num_outputs(static_cast<uint32_t>(outs.size()));
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].is_floating_point()) set_history(outs[i], node, static_cast<uint32_t>(i));
  }
  return outs;
}

}  // namespace torsh::autograd
