// The backward engine: dependency counting, execution by decreasing sequence number (the most
// recent op first, as PyTorch), gradient accumulation in input buffers, capture for grad().
#include <atomic>
#include <cmath>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "reduce_grad.h"
#include "torsh/autograd/engine.h"
#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::autograd {

namespace {
bool g_anomaly = false;

struct ByRecency {
  bool operator()(const Node* a, const Node* b) const {
    return a->sequence_nr() < b->sequence_nr();
  }
};

bool has_nan(const Tensor& t) {
  if (!t.defined() || !(t.is_floating_point() || t.is_complex())) return false;
  Tensor d = (t.is_complex() ? torsh::view_as_real(t) : t).to(kDouble).contiguous();
  const double* p = d.data_ptr<double>();
  for (int64_t i = 0; i < d.numel(); ++i)
    if (std::isnan(p[i])) return true;
  return false;
}

std::atomic<uint64_t> g_run_id{1};

// Backward passes running on this thread, innermost last. A node's backward may start another
// pass (a reentrant checkpoint), whose graph can share nodes with the outer one.
struct ActiveRun {
  uint64_t id;
  bool can_checkpoint;
  std::vector<std::function<void()>> callbacks;  // queue_callback's, run when the pass ends
};
thread_local std::vector<ActiveRun> t_runs;

// Marks a pass active for its lifetime and, on exit, gives the shared nodes back the outer
// pass's state that the inner pass overwrote.
class RunScope {
 public:
  RunScope(uint64_t id, bool can_checkpoint) { t_runs.push_back({id, can_checkpoint, {}}); }
  ~RunScope() {
    for (auto it = stash_.rbegin(); it != stash_.rend(); ++it) {
      Node* n = it->node;
      n->run_id = it->run_id;
      n->dependencies = it->dependencies;
      n->needed = it->needed;
      n->queued = it->queued;
      n->buffer = std::move(it->buffer);
    }
    t_runs.pop_back();
  }
  RunScope(const RunScope&) = delete;
  RunScope& operator=(const RunScope&) = delete;
  // Keeps n's state if an enclosing pass on this thread is using it.
  void save_if_outer(Node* n) {
    if (t_runs.size() < 2 || n->run_id == 0) return;
    for (size_t i = 0; i + 1 < t_runs.size(); ++i) {
      if (t_runs[i].id == n->run_id) {
        stash_.push_back({n, n->run_id, n->dependencies, n->needed, n->queued, n->buffer});
        return;
      }
    }
  }

 private:
  struct Saved {
    Node* node;
    uint64_t run_id;
    int dependencies;
    int needed;
    bool queued;
    variable_list buffer;
  };
  std::vector<Saved> stash_;
};

// Runs the graph from the root edges. With `capture` non-empty, the gradients arriving at
// those (node, input_nr) pairs are returned instead of being accumulated into leaves. The
// per-run state (dependency counts, input buffers) lives in the nodes, stamped with a run id.
variable_list run(const std::vector<Edge>& roots, const variable_list& root_grads, bool keep_graph,
                  bool create_graph, const std::vector<Edge>& capture, bool accumulate,
                  const std::unordered_set<const Node*>* only_leaves) {
  const uint64_t id = g_run_id.fetch_add(1);
  // torch's GraphTask::can_checkpoint: every reachable node runs and leaves accumulate.
  RunScope scope(id, capture.empty() && accumulate && !only_leaves);
  auto touch = [id, &scope](Node* n) {
    if (n->run_id == id) return false;
    scope.save_if_outer(n);
    n->run_id = id;
    n->dependencies = 0;
    n->needed = -1;
    n->queued = false;
    n->buffer.clear();
    return true;
  };
  std::vector<Node*> order;  // every reachable node, in discovery order
  std::vector<Node*> stack;
  for (const Edge& e : roots) {
    if (e.function && touch(e.function.get())) stack.push_back(e.function.get());
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    order.push_back(n);
    for (const Edge& e : n->next_edges()) {
      Node* next = e.function.get();
      if (!next) continue;
      if (touch(next)) stack.push_back(next);
      ++next->dependencies;
    }
  }
  // Which nodes lead to a capture target or to an accumulating leaf. Plain backward() with
  // no `inputs` needs every node (each one leads to the leaves that made it).
  const bool filter = !capture.empty() || !accumulate || only_leaves;
  auto is_target = [&](Node* n) {
    for (const Edge& c : capture)
      if (c.function.get() == n) return true;
    if (accumulate && dynamic_cast<AccumulateGrad*>(n))
      return !only_leaves || only_leaves->count(n) > 0;
    return false;
  };
  if (filter) {
    // Producers are mostly discovered after their consumers, so a reverse sweep settles most
    // graphs in one pass; the loop repeats until nothing changes.
    bool changed = true;
    for (Node* n : order) n->needed = is_target(n) ? 1 : 0;
    while (changed) {
      changed = false;
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node* n = *it;
        if (n->needed) continue;
        for (const Edge& e : n->next_edges()) {
          if (e.function && e.function->needed) {
            n->needed = 1;
            changed = true;
            break;
          }
        }
      }
    }
  } else {
    for (Node* n : order) n->needed = 1;
  }

  auto add_to = [](Node* n, uint32_t slot, const Tensor& g) {
    auto& buf = n->buffer;
    if (buf.size() < std::max<size_t>(n->num_outputs(), slot + 1))
      buf.resize(std::max<size_t>(n->num_outputs(), slot + 1));
    buf[slot] = buf[slot].defined() ? buf[slot] + g : g;
  };
  std::priority_queue<Node*, std::vector<Node*>, ByRecency> ready;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (roots[i].function) add_to(roots[i].function.get(), roots[i].input_nr, root_grads[i]);
  }
  for (const Edge& e : roots) {
    Node* n = e.function.get();
    if (n && n->dependencies == 0 && !n->queued) {
      n->queued = true;
      ready.push(n);
    }
  }

  variable_list captured(capture.size());
  AutoGradMode mode(create_graph);
  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    variable_list grads = std::move(n->buffer);
    n->buffer.clear();
    grads.resize(std::max<size_t>(grads.size(), n->num_outputs()));
    for (uint32_t k = 0; k < grads.size(); ++k) {
      for (auto& hook : n->pre_hooks(k)) {
        if (!grads[k].defined() || !hook) continue;
        Tensor r = hook(grads[k]);
        if (r.defined()) grads[k] = r;
      }
    }
    // Gradients arrive already summed to the captured tensor's shape by their sender.
    for (size_t i = 0; i < capture.size(); ++i) {
      if (capture[i].function.get() == n && capture[i].input_nr < grads.size())
        captured[i] = grads[capture[i].input_nr];
    }
    const bool is_leaf_sink = dynamic_cast<AccumulateGrad*>(n) != nullptr;
    variable_list outs;
    if (n->needed && !(is_leaf_sink && (!accumulate || (only_leaves && !only_leaves->count(n))))) {
      variable_list grad_outputs;
      if (!n->post_hooks.empty()) grad_outputs = grads;
      outs = n->apply(std::move(grads));
      if (!n->post_hooks.empty()) {  // the hooks see gradients in the inputs' shapes, as torch
        for (size_t i = 0; i < outs.size() && i < n->next_edges().size(); ++i) {
          if (outs[i].defined() && n->next_edges()[i].function) {
            outs[i] = reduce_grad_of(outs[i], *n, i);
          }
        }
      }
      for (auto& hook : n->post_hooks) {
        if (!hook) continue;
        variable_list r = hook(outs, grad_outputs);
        if (!r.empty()) outs = std::move(r);
      }
      if (g_anomaly) {
        for (size_t i = 0; i < outs.size(); ++i) {
          TORSH_CHECK(!has_nan(outs[i]), "Function '", n->name(), "' returned nan values in its ",
                      i, "th output.",
                      n->forward_trace.empty() ? "" : " Forward op: ", n->forward_trace);
        }
      }
      if (!keep_graph) n->release_variables();
    }
    const auto& edges = n->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      Node* next = edges[i].function.get();
      if (!next) continue;
      if (i < outs.size() && outs[i].defined() && next->needed) {
        add_to(next, edges[i].input_nr, reduce_grad_of(outs[i], *n, i));
      }
      if (--next->dependencies == 0 && !next->queued) {
        next->queued = true;
        ready.push(next);
      }
    }
  }
  // The pass is done: its final callbacks run (and may queue more).
  for (size_t i = 0; i < t_runs.back().callbacks.size(); ++i) {
    auto callback = std::move(t_runs.back().callbacks[i]);
    callback();
  }
  return captured;
}

std::vector<Edge> root_edges(const variable_list& roots, const char* op) {
  std::vector<Edge> edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    TORSH_CHECK(requires_grad(roots[i]), op, "(): element ", i,
                " of tensors does not require grad and does not have a grad_fn");
    edges.push_back(gradient_edge(roots[i]));
  }
  return edges;
}

variable_list root_gradients(const variable_list& roots, const variable_list& given) {
  variable_list r;
  for (size_t i = 0; i < roots.size(); ++i) {
    Tensor g = i < given.size() ? given[i] : Tensor();
    if (!g.defined()) {
      TORSH_CHECK(roots[i].numel() == 1, "grad can be implicitly created only for scalar outputs");
      g = torsh::ones_like(roots[i]);
    } else {
      TORSH_CHECK(g.is_complex() == roots[i].is_complex(),
                  "For complex Tensors, both grad_output and output are required to have the "
                  "same dtype. Mismatch in dtype: grad_output[",
                  i, "] has a dtype of torch.", dtype_name(g.dtype()), " and output[", i,
                  "] has a dtype of torch.", dtype_name(roots[i].dtype()), ".");
      TORSH_CHECK(g.sizes().equals(roots[i].sizes()), "Mismatch in shape: grad_output[", i,
                  "] has a shape of ", detail::shape_str(g.sizes()), " and output[", i,
                  "] has a shape of ", detail::shape_str(roots[i].sizes()), ".");
    }
    r.push_back(g);
  }
  return r;
}
}  // namespace

void queue_callback(std::function<void()> fn) {
  TORSH_CHECK(!t_runs.empty(), "Final callbacks can only be installed during backward pass.");
  t_runs.back().callbacks.push_back(std::move(fn));
}

bool is_checkpoint_valid() { return t_runs.empty() || t_runs.back().can_checkpoint; }

void set_detect_anomaly(bool enabled) { g_anomaly = enabled; }
bool is_anomaly_enabled() { return g_anomaly; }

void backward(const variable_list& roots, const variable_list& grad_roots, bool keep_graph,
              bool create_graph, const variable_list& inputs) {
  auto edges = root_edges(roots, "backward");
  auto grads = root_gradients(roots, grad_roots);
  std::unordered_set<const Node*> leaves;
  for (const Tensor& t : inputs) {
    TORSH_CHECK(t.requires_grad(),
                "backward(): One of the differentiated Tensors does not "
                "require grad");
    Edge e = gradient_edge(t);
    leaves.insert(e.function.get());
  }
  // Non-leaf inputs: their gradient is captured and stored in .grad like retain_grad.
  std::vector<Edge> capture;
  std::vector<Tensor> capture_tensors;
  for (const Tensor& t : inputs) {
    if (!t.is_leaf()) {
      capture.push_back(gradient_edge(t));
      capture_tensors.push_back(t);
    }
  }
  auto got = run(edges, grads, keep_graph, create_graph, capture, true,
                 inputs.empty() ? nullptr : &leaves);
  for (size_t i = 0; i < capture_tensors.size(); ++i) {
    if (!got[i].defined()) continue;
    Tensor& g = capture_tensors[i].mutable_grad();
    g = g.defined() ? g + got[i] : got[i];
  }
}

variable_list grad(const variable_list& outputs, const variable_list& inputs,
                   const variable_list& grad_outputs, std::optional<bool> retain_graph,
                   bool create_graph, bool allow_unused) {
  auto edges = root_edges(outputs, "grad");
  auto grads = root_gradients(outputs, grad_outputs);
  std::vector<Edge> capture;
  for (size_t i = 0; i < inputs.size(); ++i) {
    TORSH_CHECK(inputs[i].requires_grad(),
                "grad(): One of the differentiated Tensors does not "
                "require grad");
    capture.push_back(gradient_edge(inputs[i]));
  }
  auto got =
      run(edges, grads, retain_graph.value_or(create_graph), create_graph, capture, false, nullptr);
  for (size_t i = 0; i < got.size(); ++i) {
    TORSH_CHECK(got[i].defined() || allow_unused,
                "grad(): One of the differentiated Tensors appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior.");
  }
  return got;
}

}  // namespace torsh::autograd
