#include "torsh/autograd/function.h"

#include <optional>

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
using CheckpointFn = std::function<variable_list(const variable_list&)>;

// Sets the default generator to `state` (when given) and puts the state it had back on exit:
// recomputation draws the forward's random numbers without moving the outer stream.
class ForkRng {
 public:
  explicit ForkRng(const std::optional<Tensor>& state) {
    if (!state) return;
    outer_ = get_rng_state();
    set_rng_state(*state);
  }
  ~ForkRng() {
    if (outer_) set_rng_state(*outer_);
  }
  ForkRng(const ForkRng&) = delete;
  ForkRng& operator=(const ForkRng&) = delete;

 private:
  std::optional<Tensor> outer_;
};

// Reentrant mode: the forward runs without a graph; this node's backward recomputes it with
// one and runs backward() through it, which also reaches tensors fn captured.
class CheckpointNode : public Node {
 public:
  CheckpointFn fn;
  variable_list inputs;  // detached copies of the forward inputs
  std::vector<bool> needs;
  std::optional<Tensor> rng_state;
  variable_list apply(variable_list&& grads) override {
    TORSH_CHECK(is_checkpoint_valid(),
                "Checkpointing is not compatible with .grad() or when an `inputs` parameter is "
                "passed to .backward(). Please use .backward() and do not pass its `inputs` "
                "argument.");
    variable_list args, outs;
    {
      ForkRng fork(rng_state);
      AutoGradMode enable(true);
      for (size_t i = 0; i < inputs.size(); ++i) {
        Tensor a = inputs[i].detach();
        if (needs[i]) a.requires_grad_(true);
        args.push_back(a);
      }
      outs = fn(args);
    }
    variable_list used_outs, used_grads;
    for (size_t i = 0; i < outs.size(); ++i) {
      if (!outs[i].requires_grad()) continue;
      used_outs.push_back(outs[i]);
      // Gradients of unused outputs are zeros, as torch materializes them.
      used_grads.push_back(i < grads.size() && grads[i].defined() ? grads[i]
                                                                  : torsh::zeros_like(outs[i]));
    }
    TORSH_CHECK(!used_outs.empty(),
                "none of output has requires_grad=True, this checkpoint() is not necessary");
    autograd::backward(used_outs, used_grads, false, false);
    variable_list r;
    for (size_t i = 0; i < inputs.size(); ++i) r.push_back(needs[i] ? args[i].grad() : Tensor());
    return r;
  }
  std::string name() const override { return "CheckpointFunctionBackward"; }
};

variable_list checkpoint_reentrant(const CheckpointFn& fn, const variable_list& inputs,
                                   std::optional<Tensor> rng_state) {
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
  node->rng_state = std::move(rng_state);
  for (const Tensor& t : inputs) {
    node->inputs.push_back(t.detach());
    node->needs.push_back(requires_grad(t));
    add_input(*node, t);
  }
  node->set_num_outputs(static_cast<uint32_t>(outs.size()));
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].is_floating_point() || outs[i].is_complex()) {
      set_history(outs[i], node, static_cast<uint32_t>(i));
    }
  }
  return outs;
}

// Non-reentrant mode: the forward records its graph as usual, but the tensors its nodes save
// are replaced by empty slots; the first unpack in backward reruns fn to fill them all.
struct CheckpointFrame {
  struct Slot {
    Tensor value;
  };
  CheckpointFn fn;
  variable_list inputs;
  std::optional<Tensor> rng_state;
  std::vector<std::weak_ptr<Slot>> slots;  // in the order the forward saved them
  bool recomputed = false;

  void recompute() {
    recomputed = true;
    SavedTensorHooks fill;
    fill.pack = [this, k = size_t{0}](const Tensor& t) mutable {
      // A slot whose saved variable is gone (its node freed) is not filled.
      if (k < slots.size()) {
        if (auto slot = slots[k].lock()) slot->value = t.detach();
      }
      ++k;
      return PackedTensor();
    };
    fill.unpack = [](const PackedTensor&) -> Tensor {
      TORSH_CHECK(false,
                  "You are calling backwards on a tensor that is never exposed. Please open an "
                  "issue.");
      return Tensor();
    };
    ForkRng fork(rng_state);
    SavedTensorHooksGuard hooks(std::move(fill));
    AutoGradMode enable(true);
    fn(inputs);
  }
};

variable_list checkpoint_non_reentrant(const CheckpointFn& fn, const variable_list& inputs,
                                       std::optional<Tensor> rng_state) {
  auto frame = std::make_shared<CheckpointFrame>();
  frame->fn = fn;
  frame->inputs = inputs;
  frame->rng_state = std::move(rng_state);
  SavedTensorHooks hooks;
  hooks.pack = [frame](const Tensor&) {
    auto slot = std::make_shared<CheckpointFrame::Slot>();
    frame->slots.push_back(slot);
    return PackedTensor(slot);
  };
  hooks.unpack = [frame](const PackedTensor& packed) {
    if (!frame->recomputed) frame->recompute();
    const Tensor& v = static_cast<CheckpointFrame::Slot*>(packed.get())->value;
    TORSH_CHECK(v.defined(),
                "Attempt to retrieve a tensor saved by autograd multiple times without checkpoint "
                "recomputation being triggered in between, this is not currently supported.");
    return v;
  };
  SavedTensorHooksGuard guard(std::move(hooks));
  return fn(inputs);
}
}  // namespace

variable_list checkpoint(const CheckpointFn& fn, const variable_list& inputs, bool use_reentrant,
                         bool preserve_rng_state) {
  std::optional<Tensor> rng_state;
  if (preserve_rng_state) rng_state = get_rng_state();
  return use_reentrant ? checkpoint_reentrant(fn, inputs, std::move(rng_state))
                       : checkpoint_non_reentrant(fn, inputs, std::move(rng_state));
}

}  // namespace torsh::autograd
