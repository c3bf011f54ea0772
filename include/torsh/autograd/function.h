#pragma once
// Custom autograd functions in C++, spelled as in libtorch:
//   struct MyFn : torsh::autograd::Function<MyFn> {
//     static Tensor forward(AutogradContext* ctx, Tensor x, double s);
//     static variable_list backward(AutogradContext* ctx, variable_list grads);
//   };
//   Tensor y = MyFn::apply(x, 2.0);
#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"

namespace torsh::autograd {

/// A value kept in AutogradContext::saved_data (a small subset of c10::IValue).
class IValue {
 public:
  IValue() = default;
  IValue(double v) : v_(v) {}                           // NOLINT
  IValue(int64_t v) : v_(v) {}                          // NOLINT
  IValue(int v) : v_(static_cast<int64_t>(v)) {}        // NOLINT
  IValue(bool v) : v_(v) {}                             // NOLINT
  IValue(Tensor v) : v_(std::move(v)) {}                // NOLINT
  IValue(std::string v) : v_(std::move(v)) {}           // NOLINT
  IValue(std::vector<int64_t> v) : v_(std::move(v)) {}  // NOLINT
  double toDouble() const;
  int64_t toInt() const;
  bool toBool() const;
  const Tensor& toTensor() const;
  const std::string& toStringRef() const;
  const std::vector<int64_t>& toIntVector() const;

 private:
  std::variant<std::monostate, double, int64_t, bool, Tensor, std::string, std::vector<int64_t>> v_;
};

/// The ctx of a custom function: saved tensors (version-checked), free-form saved data.
class AutogradContext {
 public:
  /// Saves tensors for backward (inputs or outputs of forward).
  void save_for_backward(variable_list to_save) { to_save_ = std::move(to_save); }
  /// The tensors saved by save_for_backward, checked against in-place changes.
  variable_list get_saved_variables() const;
  /// Declares inputs modified in place by forward.
  void mark_dirty(const variable_list& inputs) { dirty_ = inputs; }
  /// Declares outputs that have no gradient.
  void mark_non_differentiable(const variable_list& outputs) { non_diff_ = outputs; }
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  /// Whether input i (counting every forward argument) needs a gradient.
  bool needs_input_grad(size_t i) const { return i < needs_.size() && needs_[i]; }
  std::unordered_map<std::string, IValue> saved_data;

  // Used by Function<T>::apply.
  void finalize(const variable_list& outputs, const std::shared_ptr<Node>& node);
  /// Frees the saved tensors (after backward without retain_graph, and when the node is freed).
  void release_saved() {
    for (auto& s : saved_) s.reset();
  }
  std::vector<bool> needs_;
  variable_list non_diff_;
  bool materialize_grads_ = true;

 private:
  variable_list to_save_, dirty_;
  std::vector<SavedVariable> saved_;
  std::string node_name_ = "CppNode";
};

/// The node behind a custom function: calls T::backward.
template <class T>
class CppNode : public Node {
 public:
  variable_list apply(variable_list&& grads) override {
    if (ctx.materialize_grads_) {
      for (size_t i = 0; i < grads.size(); ++i) {
        if (!grads[i].defined() && i < output_meta.size())
          grads[i] = torsh::zeros(output_meta[i].sizes, output_meta[i].dtype);
      }
    }
    variable_list all = T::backward(&ctx, std::move(grads));
    // Keep the gradients of tensor arguments only, in order.
    variable_list r;
    for (size_t i = 0; i < is_tensor_arg.size(); ++i) {
      if (is_tensor_arg[i]) r.push_back(i < all.size() ? all[i] : Tensor());
    }
    return r;
  }
  std::string name() const override { return "CppNode<" + std::string(typeid(T).name()) + ">"; }
  void release_variables() override { ctx.release_saved(); }
  AutogradContext ctx;
  std::vector<bool> is_tensor_arg;
  std::vector<InputMeta> output_meta;
};

namespace detail {
inline void collect(std::vector<bool>&, variable_list&) {}
template <typename A, typename... Rest>
void collect(std::vector<bool>& is_tensor, variable_list& tensors, const A& a,
             const Rest&... rest) {
  if constexpr (std::is_same_v<std::decay_t<A>, Tensor>) {
    is_tensor.push_back(true);
    tensors.push_back(a);
  } else {
    is_tensor.push_back(false);
  }
  collect(is_tensor, tensors, rest...);
}
inline variable_list as_list(const Tensor& t) { return {t}; }
inline variable_list as_list(const variable_list& v) { return v; }
}  // namespace detail

/// CRTP base of custom functions (torch::autograd::Function<T>).
template <class T>
struct Function {
  template <typename... Args>
  static auto apply(Args&&... args) {
    auto node = std::make_shared<CppNode<T>>();
    variable_list tensors;
    detail::collect(node->is_tensor_arg, tensors, args...);
    bool any = false;
    for (size_t i = 0, t = 0; i < node->is_tensor_arg.size(); ++i) {
      bool need = node->is_tensor_arg[i] && requires_grad(tensors[t]);
      if (node->is_tensor_arg[i]) ++t;
      node->ctx.needs_.push_back(need);
      any |= need;
    }
    const bool record = any && GradMode::is_enabled();
    auto out = [&] {
      AutoGradMode guard(false);
      return T::forward(&node->ctx, std::forward<Args>(args)...);
    }();
    variable_list outs = detail::as_list(out);
    if (record) {
      for (const Tensor& t : tensors) add_input(*node, t);
      node->set_num_outputs(static_cast<uint32_t>(outs.size()));
      for (size_t i = 0; i < outs.size(); ++i) {
        node->output_meta.push_back({SizeVec(outs[i].sizes()), outs[i].dtype()});
        bool non_diff = false;
        for (const Tensor& n : node->ctx.non_diff_) non_diff |= n.is_same(outs[i]);
        if (!non_diff && outs[i].is_floating_point())
          set_history(outs[i], node, static_cast<uint32_t>(i));
      }
    }
    node->ctx.finalize(outs, record ? std::static_pointer_cast<Node>(node) : nullptr);
    return out;
  }
};

/// Runs fn without keeping its intermediates; backward recomputes them (activation
/// checkpointing, torch.utils.checkpoint.checkpoint). Gradients reach the inputs and the
/// tensors fn captures. use_reentrant=false (the default here) records fn's graph with its
/// saved tensors swapped for slots that the first unpack in backward refills by rerunning fn;
/// it works with autograd::grad and double backward. use_reentrant=true runs fn without a
/// graph and reruns it in backward under a nested backward() (not with autograd::grad, as
/// torch). preserve_rng_state: the rerun draws the forward's random numbers.
variable_list checkpoint(const std::function<variable_list(const variable_list&)>& fn,
                         const variable_list& inputs, bool use_reentrant = false,
                         bool preserve_rng_state = true);

}  // namespace torsh::autograd

namespace torsh::utils {
using autograd::checkpoint;
}  // namespace torsh::utils
