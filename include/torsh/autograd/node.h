#pragma once
// Autograd graph: nodes (one per recorded op), edges to the nodes of their inputs, saved
// tensors with version checks, and the per-tensor autograd metadata.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::autograd {

class Node;
using variable_list = std::vector<Tensor>;

/// Where a gradient goes: input `input_nr` of `function` (null: the input needs no gradient).
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool is_valid() const { return static_cast<bool>(function); }
};

/// Shape and dtype of a forward input: the engine sums and casts gradients to them.
struct InputMeta {
  SizeVec sizes;
  ScalarType dtype = ScalarType::Undefined;
};

/// One backward function of the graph (PyTorch's torch::autograd::Node).
class Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  /// Frees the nodes below that only this one holds one after another, not one destructor inside
  /// the next: a graph a million ops long would overflow the stack (as torch's deleteNode).
  virtual ~Node();
  /// Gradients for the forward inputs, given the gradients of the forward outputs.
  virtual variable_list apply(variable_list&& grads) = 0;
  /// PyTorch's class name, e.g. "MulBackward0".
  virtual std::string name() const = 0;
  /// Frees saved tensors after a backward pass without retain_graph.
  virtual void release_variables() {}
  /// Moves nodes this one holds besides its edges (CopySlices' fn) onto `stack` where it holds
  /// the last reference, so that ~Node frees them iteratively too; only on a node being freed.
  virtual void take_owned_nodes(std::vector<std::shared_ptr<Node>>& stack) { (void)stack; }
  const std::vector<Edge>& next_edges() const { return next_edges_; }
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  std::vector<InputMeta>& input_meta() { return input_meta_; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  /// Number of forward outputs this node receives gradients for.
  uint32_t num_outputs() const { return num_outputs_; }
  void set_num_outputs(uint32_t n) { num_outputs_ = n; }
  /// Hooks run on the gradients this node produces for its inputs... (pre-hooks on outputs).
  std::vector<std::function<Tensor(const Tensor&)>>& pre_hooks(uint32_t output_nr);
  /// Name of the op that created the node, reported by anomaly mode.
  std::string forward_trace;
  /// Hooks run after apply (torch's Node.register_hook): hook(grad_inputs, grad_outputs) may
  /// return replacements for the gradients the node produced (empty: keep them); removed hooks
  /// are null.
  std::vector<std::function<variable_list(const variable_list&, const variable_list&)>> post_hooks;

  // Per-run engine state, valid while `run_id` matches the running backward pass (a graph is
  // backpropagated by one thread at a time).
  uint64_t run_id = 0;
  int dependencies = 0;
  int needed = -1;  // -1 unknown, 0 no, 1 yes
  bool queued = false;
  variable_list buffer;

 protected:
  std::vector<Edge> next_edges_;
  std::vector<InputMeta> input_meta_;
  uint64_t sequence_nr_;
  uint32_t num_outputs_ = 1;
  std::vector<std::vector<std::function<Tensor(const Tensor&)>>> pre_hooks_;
};

/// The sink of a leaf's gradients: accumulates into `.grad`.
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(IntrusivePtr<TensorImpl> leaf);
  variable_list apply(variable_list&& grads) override;
  std::string name() const override { return "torch::autograd::AccumulateGrad"; }
  const IntrusivePtr<TensorImpl>& variable() const { return leaf_; }

 private:
  IntrusivePtr<TensorImpl> leaf_;
};

/// What a pack hook made of a saved tensor: handed back to the matching unpack hook.
using PackedTensor = std::shared_ptr<void>;

/// Hooks applied to every tensor saved for backward while they are installed
/// (torch.autograd.graph.saved_tensors_hooks): pack runs when the tensor is saved, under no
/// grad; unpack runs when backward needs it and must give back a tensor with its values.
struct SavedTensorHooks {
  std::function<PackedTensor(const Tensor&)> pack;
  std::function<Tensor(const PackedTensor&)> unpack;
};

/// Installs hooks for tensors saved on this thread, on top of (and hiding) earlier ones.
void push_saved_tensor_hooks(SavedTensorHooks hooks);
/// Removes the hooks installed last.
void pop_saved_tensor_hooks();

/// Scoped push_saved_tensor_hooks / pop_saved_tensor_hooks.
class SavedTensorHooksGuard {
 public:
  explicit SavedTensorHooksGuard(SavedTensorHooks hooks) {
    push_saved_tensor_hooks(std::move(hooks));
  }
  ~SavedTensorHooksGuard() { pop_saved_tensor_hooks(); }
  SavedTensorHooksGuard(const SavedTensorHooksGuard&) = delete;
  SavedTensorHooksGuard& operator=(const SavedTensorHooksGuard&) = delete;
};

/// A tensor saved for backward; unpack() checks that no in-place op changed it since. With
/// saved-tensor hooks installed, it keeps what the pack hook returned instead of the tensor
/// (and, as torch, cannot check versions).
class SavedVariable {
 public:
  SavedVariable() = default;
  /// is_output: the tensor is an output of `node` (saved without a reference cycle).
  SavedVariable(const Tensor& t, bool is_output, const std::shared_ptr<Node>& node = nullptr);
  Tensor unpack(const char* node_name) const;
  void reset();
  bool defined() const { return saved_; }

 private:
  Tensor data_;  // shares storage and geometry, no autograd meta
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool saved_ = false;  // a defined tensor was saved (an undefined one unpacks as undefined)
  bool requires_grad_ = false;
  bool is_output_ = false;
  bool is_leaf_ = false;
  std::weak_ptr<Node> grad_fn_weak_;
  std::shared_ptr<Node> grad_fn_;  // inputs keep their producer alive
  IntrusivePtr<TensorImpl> leaf_;  // leaf inputs: the original, for grad accumulation
  std::shared_ptr<const SavedTensorHooks> hooks_;
  PackedTensor packed_;
  bool released_ = false;
};

/// Per-tensor autograd state, allocated on first use.
struct AutogradMeta : AutogradMetaInterface {
  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::weak_ptr<Node> grad_accumulator;
  uint32_t output_nr = 0;
  bool is_view = false;
  /// For views: the tensor whose storage they view (the root of a chain of views).
  Tensor base;
  /// The storage version when grad_fn was set: a view whose storage was written in place since
  /// has its history regenerated from its base's (torch's lazy view regeneration).
  uint32_t attr_version = 0;
  /// Expires with this metadata: lets graph hooks refer to the tensor without owning it.
  std::shared_ptr<int> alive_token;                         // created by retain_grad
  std::vector<std::function<Tensor(const Tensor&)>> hooks;  // leaf hooks
  /// Leaf hooks run after a gradient was accumulated into .grad (null: removed).
  std::vector<std::function<void(const Tensor&)>> post_accumulate_hooks;
  std::string grad_fn_name() const override { return grad_fn ? grad_fn->name() : ""; }
  bool leaf_requires_grad() const override { return requires_grad && !grad_fn; }
};

/// The meta of t, or null if it has none.
AutogradMeta* meta(const Tensor& t);
/// The meta of t, created if needed.
AutogradMeta& meta_or_create(const Tensor& t);
/// The edge a gradient for t follows: its grad_fn output, or its leaf accumulator.
Edge gradient_edge(const Tensor& t);
/// True when t takes part in the graph (requires grad, leaf or not).
bool requires_grad(const Tensor& t);
/// Makes t an output of node (output output_nr) and marks it requiring grad.
void set_history(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr = 0);
/// After a random fill wrote self in place: a node named `name` (torch's, e.g.
/// "ExponentialBackward0") that gives self's previous history a zero gradient, as a view's base
/// region when self is a view. Nothing when grad mode is off or self does not require grad.
void set_zero_gradient_history(const Tensor& self, const char* name);
/// torch's Tensor.register_post_accumulate_grad_hook: fn(leaf) runs each time backward has
/// accumulated a gradient into leaf.grad (after leaf's register_hook hooks). Returns a handle
/// for remove_post_accumulate_grad_hook. Throws for tensors that are not leaves requiring grad.
unsigned register_post_accumulate_grad_hook(const Tensor& leaf,
                                            std::function<void(const Tensor&)> fn);
void remove_post_accumulate_grad_hook(const Tensor& leaf, unsigned handle);
/// A callable removing the hook that t.register_hook placed at pos, from the node (or leaf) it
/// was registered on, even after an in-place op gave t another grad_fn.
std::function<void()> hook_remover(const Tensor& t, unsigned pos);
/// Records one input of a new node: its edge and shape/dtype.
void add_input(Node& node, const Tensor& t);
/// Prepares an in-place op on self: errors for leaves that require grad.
void check_inplace(const Tensor& self, const char* op);
/// Marks out as a view of in (records the root base for in-place rebasing).
void mark_view(const Tensor& out, const Tensor& in);
/// Gives `views` of self (computed without autograd) one backward node named `name`: self's
/// gradient is combine(the views' gradients, zeros for those that got none). Marks each a view
/// of self when grad mode is on. Returns the views.
std::vector<Tensor> attach_multi_view(const Tensor& self, std::vector<Tensor> views,
                                      const char* name,
                                      std::function<Tensor(const variable_list&)> combine);
/// Whether node is the shared backward of attach_multi_view (whose views, as torch's, may not
/// be modified in place while recorded).
bool is_multi_view_node(const Node* node);
/// After an in-place op recorded as `fn` on a view: the base's history goes through a
/// CopySlices node and the view is re-derived from the base (PyTorch's rebase_history).
/// Returns false (and does nothing) when self is not a view of a tensor in the graph.
bool rebase_view(const Tensor& self, const std::shared_ptr<Node>& fn);
/// Sums grad to sizes (undoing broadcasting) and casts it to dtype.
Tensor reduce_grad(const Tensor& grad, const InputMeta& meta);

/// Anomaly mode: backward checks every node's outputs for NaN and names the forward op.
void set_detect_anomaly(bool enabled);
bool is_anomaly_enabled();

/// False while a backward pass that cannot run a reentrant checkpoint is running on this
/// thread: autograd::grad, or backward with `inputs` (torch.autograd._is_checkpoint_valid).
bool is_checkpoint_valid();

/// Computes gradients of roots w.r.t. the graph leaves (Tensor::backward).
void backward(const variable_list& roots, const variable_list& grad_roots, bool keep_graph,
              bool create_graph, const variable_list& inputs = {});
/// torch::autograd::grad: gradients of outputs w.r.t. inputs, returned instead of accumulated.
variable_list grad(const variable_list& outputs, const variable_list& inputs,
                   const variable_list& grad_outputs = {}, std::optional<bool> retain_graph = {},
                   bool create_graph = false, bool allow_unused = false);

}  // namespace torsh::autograd
