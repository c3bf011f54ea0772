// Autograd: grad mode, nodes, saved variables, per-tensor metadata and the Tensor methods.
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/tls.h"
#include "reduce_grad.h"
#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh {

namespace {
TORSH_TLS_FAST thread_local bool t_grad_enabled = true;
TORSH_TLS_FAST thread_local int t_op_depth = 0;
TORSH_TLS_FAST thread_local bool t_inference_mode = false;
std::atomic<uint64_t> g_sequence_nr{0};
}  // namespace

bool GradMode::is_enabled() { return t_grad_enabled; }
void GradMode::set_enabled(bool enabled) { t_grad_enabled = enabled; }
bool InferenceMode::is_enabled() { return t_inference_mode; }
void InferenceMode::set_enabled(bool enabled) { t_inference_mode = enabled; }
void StorageImpl::check_inference_write() const {
  TORSH_CHECK(t_op_depth > 0 || t_inference_mode,
              "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
              "make a clone to get a normal tensor before doing inplace update.See "
              "https://github.com/pytorch/rfcs/pull/17 for more details.");
}
int detail::OpDepth::get() { return t_op_depth; }
void detail::OpDepth::enter() { ++t_op_depth; }
void detail::OpDepth::leave() { --t_op_depth; }

namespace autograd {

namespace {
// The version counter without the inference-tensor check of Tensor::_version().
uint32_t storage_version(const Tensor& t) { return t.unsafeGetTensorImpl()->storage()->version(); }
}  // namespace

Node::Node() : sequence_nr_(g_sequence_nr.fetch_add(1, std::memory_order_relaxed)) {}

namespace {
// Moves n's edges whose node only n holds onto stack (to be freed by the caller's loop) and
// drops the others.
void take_unique_edges(Node& n, std::vector<std::shared_ptr<Node>>& stack) {
  for (Edge& e : n.mutable_next_edges()) {
    if (e.function.use_count() == 1) {
      stack.push_back(std::move(e.function));
    } else {
      e.function.reset();
    }
  }
}
}  // namespace

Node::~Node() {
  // The derived node's saved tensors are gone already (they may have held the producers below);
  // each node taken here releases its own first, so that its edges become the last references.
  std::vector<std::shared_ptr<Node>> stack;
  take_unique_edges(*this, stack);
  while (!stack.empty()) {
    std::shared_ptr<Node> n = std::move(stack.back());
    stack.pop_back();
    n->release_variables();
    n->take_owned_nodes(stack);
    take_unique_edges(*n, stack);
  }  // n is freed at the end of each turn, with no edges left to recurse into
}

std::vector<std::function<Tensor(const Tensor&)>>& Node::pre_hooks(uint32_t output_nr) {
  if (pre_hooks_.size() <= output_nr) pre_hooks_.resize(output_nr + 1);
  return pre_hooks_[output_nr];
}

AutogradMeta* meta(const Tensor& t) {
  if (!t.defined()) return nullptr;
  return static_cast<AutogradMeta*>(t.unsafeGetTensorImpl()->autograd_meta());
}

AutogradMeta& meta_or_create(const Tensor& t) {
  AutogradMeta* m = meta(t);
  if (!m) {
    m = new AutogradMeta();
    t.unsafeGetTensorImpl()->set_autograd_meta(m);
  }
  return *m;
}

bool requires_grad(const Tensor& t) {
  AutogradMeta* m = meta(t);
  return m && (m->requires_grad || m->grad_fn);
}

namespace {
void refresh_view_history(const Tensor& t, AutogradMeta& m);
}  // namespace

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = meta(t);
  if (!m) return {};
  if (m->grad_fn && m->is_view) refresh_view_history(t, *m);
  if (m->grad_fn) return {m->grad_fn, m->output_nr};
  if (!m->requires_grad) return {};
  std::shared_ptr<Node> acc = m->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl());
    m->grad_accumulator = acc;
  }
  return {acc, 0};
}

void set_history(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  AutogradMeta& m = meta_or_create(t);
  m.grad_fn = node;
  m.output_nr = output_nr;
  m.requires_grad = true;
  m.attr_version = storage_version(t);
}

void add_input(Node& node, const Tensor& t) {
  node.mutable_next_edges().push_back(requires_grad(t) ? gradient_edge(t) : Edge{});
  // An absent optional operand (clamp(x, None, hi)) has no edge and no shape.
  node.input_meta().push_back(t.defined() ? InputMeta{SizeVec(t.sizes()), t.dtype()}
                                          : InputMeta{SizeVec(), kFloat});
}

void check_inplace(const Tensor& self, const char* op) {
  AutogradMeta* m = meta(self);
  if (!m || !GradMode::is_enabled()) return;
  TORSH_CHECK(!(m->requires_grad && !m->grad_fn), op,
              "(): a leaf Variable that requires grad is being used in an in-place operation.");
  TORSH_CHECK(!(m->grad_fn && is_multi_view_node(m->grad_fn.get())), "Output ", m->output_nr,
              " of ", m->grad_fn ? m->grad_fn->name() : std::string(),
              " is a view and is being modified inplace. This view is the output of a function "
              "that returns multiple views. Such functions do not allow the output views to be "
              "modified inplace. You should replace the inplace operation by an out-of-place "
              "one.");
  // Views of tensors in the graph are rebased (see rebase_view) when their base is contiguous;
  // other layouts are refused rather than differentiated wrongly.
  if (m->is_view && m->base.defined() && requires_grad(m->base)) {
    AutogradMeta* bm = meta(m->base);
    TORSH_CHECK(!(bm->requires_grad && !bm->grad_fn), op,
                "(): a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.");
  }
}

void mark_view(const Tensor& out, const Tensor& in) {
  AutogradMeta& m = meta_or_create(out);
  m.is_view = true;
  AutogradMeta* im = meta(in);
  m.base = (im && im->is_view && im->base.defined()) ? im->base : in;
}

namespace {
// Geometry of a view relative to its base's storage offset, and the base's own layout: a
// gradient buffer laid out like the base lets the view geometry address it directly.
struct ViewGeometry {
  SizeVec sizes, strides;
  int64_t offset = 0;
  SizeVec base_sizes, base_strides;
  ScalarType base_dtype = ScalarType::Undefined;
  // A view of another dtype (a real view of a complex base, or a complex view of a real one):
  // sizes/strides/offset count real elements, and apply to the base read as real values.
  bool real_frame = false;
  bool view_complex = false;  // in the real frame, the last dim (2, stride 1) is the complex value
  bool odd_base = false;      // a complex view of a real base at an odd storage offset
};

// The geometry of view `v` in `base`'s storage.
ViewGeometry geometry_of(const Tensor& v, const Tensor& base) {
  ViewGeometry g{
      SizeVec(v.sizes()),    SizeVec(v.strides()),    v.storage_offset() - base.storage_offset(),
      SizeVec(base.sizes()), SizeVec(base.strides()), base.dtype()};
  if (v.is_complex() == base.is_complex()) return g;
  g.real_frame = true;
  if (base.is_complex()) {  // a real view (view_as_real, .real, .imag) of a complex base
    g.offset = v.storage_offset() - 2 * base.storage_offset();
  } else {  // a complex view (view_as_complex) of a real base
    g.view_complex = true;
    for (auto& s : g.strides) s *= 2;
    g.sizes.push_back(2);
    g.strides.push_back(1);
    g.offset = 2 * v.storage_offset() - base.storage_offset();
    g.odd_base = base.storage_offset() % 2 != 0;
  }
  return g;
}

Tensor like_base(const ViewGeometry& g, ScalarType dtype) {
  if (!g.odd_base) return detail::empty_strided_impl(g.base_sizes, g.base_strides, dtype);
  // A complex view of a real base at an odd offset: the base-like tensor starts at offset 1, so
  // the view's real elements sit at even offsets as view_as_complex needs.
  int64_t extent = 1;
  for (size_t i = 0; i < g.base_sizes.size(); ++i) {
    if (g.base_sizes[i] == 0) extent = 0;
    if (extent) extent += (g.base_sizes[i] - 1) * g.base_strides[i];
  }
  Tensor buf = torsh::empty({extent + 1}, TensorOptions().dtype(dtype));
  return Tensor(make_intrusive<TensorImpl>(buf.unsafeGetTensorImpl()->storage(), dtype,
                                           g.base_sizes, g.base_strides, 1));
}

// The view region of t (laid out as the base), through the real frame when the view changed
// dtype; `recorded` takes it with a recorded op (as_strided), for double backward.
Tensor region_of(const Tensor& t, const ViewGeometry& g, bool recorded) {
  const Tensor frame = g.real_frame && t.is_complex() ? torsh::view_as_real(t) : t;
  Tensor r =
      recorded ? frame.as_strided(g.sizes.vec(), g.strides.vec(), frame.storage_offset() + g.offset)
               : Tensor(make_intrusive<TensorImpl>(frame.unsafeGetTensorImpl()->storage(),
                                                   frame.dtype(), g.sizes, g.strides,
                                                   frame.storage_offset() + g.offset));
  return g.view_complex ? torsh::view_as_complex(r) : r;
}
Tensor view_of(const Tensor& t, const ViewGeometry& g) { return region_of(t, g, false); }

// For double backward: a fresh copy of grad (the base's shape) laid out with the base's strides,
// made with recorded ops (a dense base's strides are a permutation of contiguous ones). Undefined
// when the base is not dense (its geometry cannot be rebuilt this way).
Tensor recorded_base_layout(const Tensor& grad, const ViewGeometry& g) {
  const int64_t nd = static_cast<int64_t>(g.base_sizes.size());
  std::vector<int64_t> perm(static_cast<size_t>(nd));
  for (int64_t i = 0; i < nd; ++i) perm[static_cast<size_t>(i)] = i;
  // outermost first: larger strides first, size-1 dims anywhere stable
  std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    return g.base_strides[static_cast<size_t>(a)] > g.base_strides[static_cast<size_t>(b)];
  });
  int64_t expect = 1;
  for (int64_t i = nd - 1; i >= 0; --i) {
    const auto d = static_cast<size_t>(perm[static_cast<size_t>(i)]);
    if (g.base_sizes[d] != 1 && g.base_strides[d] != expect) return Tensor();
    expect *= g.base_sizes[d];
  }
  bool identity = true;
  for (int64_t i = 0; i < nd; ++i) identity = identity && perm[static_cast<size_t>(i)] == i;
  if (identity) return grad.clone(MemoryFormat::Contiguous);
  std::vector<int64_t> inv(static_cast<size_t>(nd));
  for (int64_t i = 0; i < nd; ++i) inv[static_cast<size_t>(perm[static_cast<size_t>(i)])] = i;
  return grad.permute(perm).clone(MemoryFormat::Contiguous).permute(inv);
}

// The view region of a tensor laid out as the base, as a recorded as_strided view.
Tensor recorded_view(const Tensor& t, const ViewGeometry& g) { return region_of(t, g, true); }

// Gradient of base after an in-place op `fn` wrote into the view region: the region's
// gradient comes from fn, the rest passes through. Also routes fn's other inputs' gradients.
class CopySlices : public Node {
 public:
  CopySlices(const Tensor& base, ViewGeometry view, std::shared_ptr<Node> fn)
      : view_(std::move(view)), fn_(std::move(fn)) {
    add_input(*this, base);
    const auto& fe = fn_->next_edges();
    for (size_t i = 1; i < fe.size(); ++i) {
      next_edges_.push_back(fe[i]);
      input_meta_.push_back(fn_->input_meta()[i]);
    }
  }
  variable_list apply(variable_list&& grads) override {
    variable_list r(next_edges_.size());
    if (!grads[0].defined()) return r;
    if (GradMode::is_enabled()) {
      // create_graph: the same computation with recorded ops, so it can be differentiated again
      Tensor result = recorded_base_layout(grads[0], view_);
      TORSH_CHECK(result.defined(),
                  "CopySlices: double backward through an in-place op on a view of a base that "
                  "is not dense is not supported");
      Tensor region = recorded_view(result, view_);
      variable_list fg = fn_->apply({region.clone(MemoryFormat::Contiguous)});
      if (!fg.empty() && fg[0].defined()) {
        region._assign_(reduce_grad(fg[0], fn_->input_meta()[0]));
      } else {
        region._assign_(Scalar(0));
      }
      r[0] = result;
      for (size_t i = 1; i < fg.size() && i < r.size(); ++i) r[i] = fg[i];
      return r;
    }
    Tensor result = like_base(view_, grads[0].dtype());
    result.copy_(grads[0]);
    Tensor region = view_of(result, view_);
    variable_list fg = fn_->apply({region.clone(MemoryFormat::Contiguous)});
    if (!fg.empty() && fg[0].defined()) {
      region.copy_(reduce_grad(fg[0], fn_->input_meta()[0]));
    } else {
      region.zero_();
    }
    r[0] = result;
    for (size_t i = 1; i < fg.size() && i < r.size(); ++i) r[i] = fg[i];
    return r;
  }
  std::string name() const override { return "CopySlices"; }
  void release_variables() override { fn_->release_variables(); }
  void take_owned_nodes(std::vector<std::shared_ptr<Node>>& stack) override {
    if (fn_.use_count() == 1) stack.push_back(std::move(fn_));  // fn_ is not used after this
  }

 private:
  ViewGeometry view_;
  std::shared_ptr<Node> fn_;
};

// The view re-derived from its rebased base: its gradient lands in the view region.
class AsStridedBackward : public Node {
 public:
  AsStridedBackward(const Tensor& base, ViewGeometry view) : view_(std::move(view)) {
    add_input(*this, base);
  }
  variable_list apply(variable_list&& grads) override {
    if (!grads[0].defined()) return {Tensor()};
    Tensor result = like_base(view_, view_.real_frame ? view_.base_dtype : grads[0].dtype());
    {
      AutoGradMode no_grad(false);
      result.zero_();
    }
    if (GradMode::is_enabled() && grads[0].requires_grad()) {
      // create_graph: a recorded copy into the region, differentiable again
      recorded_view(result, view_)._assign_(grads[0]);
      return {result};
    }
    AutoGradMode no_grad(false);
    view_of(result, view_).copy_(grads[0]);
    return {result};
  }
  std::string name() const override { return "AsStridedBackward0"; }

 private:
  ViewGeometry view_;
};

// A view taken before its storage was written in place still holds the history it was made
// with; its gradient must flow through the base's current history instead (y = c.t(); y[0].mul_(w)
// changes y). Regenerated lazily, when an edge to the view is taken, as torch does.
void refresh_view_history(const Tensor& t, AutogradMeta& m) {
  if (!m.base.defined() || storage_version(t) == m.attr_version || !requires_grad(m.base)) return;
  const Tensor& base = m.base;
  ViewGeometry g = geometry_of(t, base);
  m.grad_fn = std::make_shared<AsStridedBackward>(base, std::move(g));
  m.output_nr = 0;
  m.attr_version = storage_version(t);
}
}  // namespace

namespace {
// The backward of a random fill: its input (self before the write) gets zeros.
class ZeroGradient : public Node {
 public:
  ZeroGradient(const Tensor& self, const char* name) : name_(name) { add_input(*this, self); }
  variable_list apply(variable_list&& grads) override {
    if (!grads[0].defined()) return {Tensor()};
    return {torsh::zeros_like(grads[0])};
  }
  std::string name() const override { return name_; }

 private:
  std::string name_;
};
}  // namespace

void set_zero_gradient_history(const Tensor& self, const char* name) {
  if (!GradMode::is_enabled() || !requires_grad(self)) return;
  auto node = std::make_shared<ZeroGradient>(self, name);
  node->set_num_outputs(1);
  if (!rebase_view(self, node)) set_history(self, node, 0);
}

bool rebase_view(const Tensor& self, const std::shared_ptr<Node>& fn) {
  AutogradMeta* m = meta(self);
  if (!m || !m->is_view || !m->base.defined()) return false;
  const Tensor& base = m->base;
  ViewGeometry g = geometry_of(self, base);
  auto cs = std::make_shared<CopySlices>(base, g, fn);
  set_history(base, cs, 0);
  auto view_fn = std::make_shared<AsStridedBackward>(base, g);
  set_history(self, view_fn, 0);
  return true;
}

namespace {
Tensor reduce_grad_impl(const Tensor& grad, const InputMeta& im, const Node* fn, size_t index) {
  Tensor g = grad;
  if (!g.sizes().equals(im.sizes)) {
    const int64_t lead = g.dim() - static_cast<int64_t>(im.sizes.size());
    // As torch: the input's shape must broadcast to the gradient's, which is then summed back.
    bool expandable = lead >= 0;
    for (int64_t i = 0; expandable && i < static_cast<int64_t>(im.sizes.size()); ++i) {
      const int64_t want = im.sizes[static_cast<size_t>(i)];
      expandable = want == 1 || want == g.sizes()[static_cast<size_t>(i + lead)];
    }
    TORSH_CHECK(expandable, "Function ", fn ? fn->name() : std::string(),
                fn ? " returned an invalid gradient at index " : "returned an invalid gradient",
                fn ? std::to_string(index) : std::string(), " - got ", detail::shape_str(g.sizes()),
                " but expected shape compatible with ",
                detail::shape_str(IntArrayRef(im.sizes.data(), im.sizes.size())));
    std::vector<int64_t> dims;
    for (int64_t i = 0; i < g.dim(); ++i) {
      if (i < lead || (im.sizes[i - lead] == 1 && g.sizes()[i] != 1)) dims.push_back(i);
    }
    if (!dims.empty()) g = torsh::sum(g, dims, /*keepdim=*/true);
    if (lead > 0 || !g.sizes().equals(im.sizes)) g = g.reshape(im.sizes);
  }
  if (im.dtype != ScalarType::Undefined && g.dtype() != im.dtype) {
    // A real input of a complex result takes the real part of its gradient (torch's
    // handle_r_to_c); a complex input of a real result gets a zero imaginary part.
    if (g.is_complex() && !is_complex(im.dtype)) g = torsh::real(g);
    if (g.dtype() != im.dtype) g = g.to(im.dtype);
  }
  return g;
}
}  // namespace

Tensor reduce_grad(const Tensor& grad, const InputMeta& im) {
  return reduce_grad_impl(grad, im, nullptr, 0);
}

Tensor reduce_grad_of(const Tensor& grad, Node& fn, size_t index) {
  return reduce_grad_impl(grad, fn.input_meta()[index], &fn, index);
}

namespace {
bool dense(const Tensor& t) { return detail::is_non_overlapping_and_dense(t.sizes(), t.strides()); }

// torch's obeys_layout_contract: a dense leaf's gradient has its strides (dims of size 1 aside);
// any other leaf's is contiguous.
bool obeys_layout_contract(const Tensor& grad, const Tensor& leaf) {
  if (!dense(leaf)) return grad.is_contiguous();
  for (int64_t i = 0; i < grad.dim(); ++i) {
    const int64_t gs = grad.strides()[static_cast<size_t>(i)];
    const int64_t ls = leaf.strides()[static_cast<size_t>(i)];
    if (grad.sizes()[static_cast<size_t>(i)] != 1 ? gs != ls : (gs > 1 && ls > 1)) return false;
  }
  return true;
}

Tensor clone_obey_contract(const Tensor& grad, const Tensor& leaf) {
  if (!dense(leaf)) return grad.detach().clone(MemoryFormat::Contiguous);
  Tensor out = torsh::empty_strided(leaf.sizes(), leaf.strides(), grad.options());
  out.copy_(grad.detach());
  return out;
}
}  // namespace

AccumulateGrad::AccumulateGrad(IntrusivePtr<TensorImpl> leaf) : leaf_(std::move(leaf)) {
  input_meta_.push_back({SizeVec(leaf_->sizes()), leaf_->dtype()});
}

variable_list AccumulateGrad::apply(variable_list&& grads) {
  Tensor leaf(leaf_);
  AutogradMeta& m = meta_or_create(leaf);
  Tensor g = std::move(grads[0]);
  if (!g.defined()) return {};
  for (auto& hook : m.hooks) {
    if (!hook) continue;  // removed
    Tensor r = hook(g);
    if (r.defined()) g = r;
  }
  g = reduce_grad(g, input_meta_[0]);
  if (!m.grad.defined()) {
    // Steal the incoming buffer when nothing else can see it and it has the leaf's layout (as
    // torch does); else copy it into the leaf's layout (a dense leaf's strides, else
    // contiguous), torch's layout contract for .grad.
    const bool private_buffer = g.use_count() == 1 && obeys_layout_contract(g, leaf) &&
                                g.unsafeGetTensorImpl()->storage().use_count() == 1 &&
                                meta(g) == nullptr;
    m.grad = GradMode::is_enabled() ? g : (private_buffer ? g : clone_obey_contract(g, leaf));
  } else if (GradMode::is_enabled()) {
    m.grad = m.grad + g;
  } else {
    m.grad.add_(g);
  }
  // By index: a hook may register another (the vector can grow).
  for (size_t i = 0; i < m.post_accumulate_hooks.size(); ++i) {
    if (auto hook = m.post_accumulate_hooks[i]) hook(leaf);
  }
  return {};
}

namespace {
thread_local std::vector<std::shared_ptr<const SavedTensorHooks>> t_saved_hooks;
}  // namespace

void push_saved_tensor_hooks(SavedTensorHooks hooks) {
  t_saved_hooks.push_back(std::make_shared<const SavedTensorHooks>(std::move(hooks)));
}

void pop_saved_tensor_hooks() {
  TORSH_CHECK(!t_saved_hooks.empty(), "pop_saved_tensor_hooks(): no hooks are installed");
  t_saved_hooks.pop_back();
}

SavedVariable::SavedVariable(const Tensor& t, bool is_output, const std::shared_ptr<Node>& node) {
  if (!t.defined()) return;
  TORSH_CHECK(!t.is_inference() || InferenceMode::is_enabled(),
              "Inference tensors cannot be saved for backward. To work around you can make a "
              "clone to get a normal tensor and use it in autograd.");
  saved_ = true;
  version_ = storage_version(t);
  requires_grad_ = autograd::requires_grad(t);
  is_output_ = is_output;
  if (requires_grad_) {
    AutogradMeta* m = meta(t);
    output_nr_ = m->output_nr;
    if (is_output) {
      grad_fn_weak_ = node;
    } else if (m->grad_fn) {
      grad_fn_ = m->grad_fn;
    } else {
      is_leaf_ = true;
      leaf_ = t.impl();
    }
  }
  if (!t_saved_hooks.empty()) {
    hooks_ = t_saved_hooks.back();
    // A leaf's unpacked values accumulate through its accumulator, kept alive here.
    if (is_leaf_) grad_fn_ = gradient_edge(t).function;
    AutoGradMode no_grad(false);
    // An output is handed over without its history: keeping it would tie the node to itself.
    packed_ = hooks_->pack(is_output ? t.detach() : t);
    return;
  }
  data_ = t.detach();
}

void SavedVariable::reset() {
  // Never saved (an undefined tensor, or a value no computed gradient needs): stays empty
  // rather than reporting a freed graph, as torch.
  if (!saved_) return;
  data_ = Tensor();
  packed_.reset();
  hooks_.reset();
  grad_fn_.reset();
  leaf_.reset();
  released_ = true;
}

Tensor SavedVariable::unpack(const char* node_name) const {
  TORSH_CHECK(!released_,
              "Trying to backward through the graph a second time (or directly access saved "
              "tensors after they have already been freed). Saved intermediate values of the graph "
              "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True "
              "if you need to backward through the graph a second time or if you need to access "
              "saved tensors after calling backward.");
  if (!saved_) return Tensor();
  Tensor data;
  if (hooks_) {
    data = hooks_->unpack(packed_);
    TORSH_CHECK(data.defined(), "unpack hook of a saved tensor of ", node_name,
                " returned no tensor");
    data = data.detach();
  } else {
    const uint32_t now = storage_version(data_);
    TORSH_CHECK(now == version_,
                "one of the variables needed for gradient computation has been modified by an "
                "inplace operation: [",
                scalar_type_name(data_.dtype()), " ", detail::shape_str(data_.sizes()),
                "], which is ",
                is_output_ ? "output " + std::to_string(output_nr_) + " of " : "an input of ",
                node_name, ", is at version ", now, "; expected version ", version_,
                " instead. Hint: enable anomaly detection to find the operation that failed to "
                "compute its gradient, with torch.autograd.set_detect_anomaly(True).");
    if (!requires_grad_) return data_;
    if (is_leaf_) return Tensor(leaf_);
    data = data_.detach();
  }
  if (!requires_grad_) return data;
  if (is_leaf_) {
    // The unpacked values, accumulating into the saved leaf (as torch's saved leaves do).
    AutogradMeta& m = meta_or_create(data);
    m.requires_grad = true;
    m.grad_accumulator = grad_fn_;
    return data;
  }
  // A fresh alias carrying the history, so double backward sees the graph.
  std::shared_ptr<Node> fn = is_output_ ? grad_fn_weak_.lock() : grad_fn_;
  if (fn) set_history(data, fn, output_nr_);
  return data;
}

}  // namespace autograd

using autograd::meta;
using autograd::meta_or_create;

bool Tensor::requires_grad() const { return autograd::requires_grad(*this); }

const Tensor& Tensor::requires_grad_(bool r) const {
  auto* am = meta(*this);
  TORSH_CHECK(!(am && am->grad_fn) || r,
              "requires_grad_(): you can only change requires_grad flags of leaf variables. If you "
              "want to use a computed variable in a subgraph that doesn't require differentiation "
              "use var_no_grad = var.detach().");
  TORSH_CHECK(!r || is_floating_point() || is_complex(),
              "requires_grad_(): only Tensors of floating point and complex dtype can require "
              "gradients");
  TORSH_CHECK(!r || !is_inference() || InferenceMode::is_enabled(),
              "Setting requires_grad=True on inference tensor outside InferenceMode is not "
              "allowed.");
  if (!r && !am) return *this;
  meta_or_create(*this).requires_grad = r;
  return *this;
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  auto* m = meta(*this);
  return m ? m->grad : undefined;
}

Tensor& Tensor::mutable_grad() const { return meta_or_create(*this).grad; }

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  auto* m = meta(*this);
  if (m && m->grad_fn && m->is_view) autograd::refresh_view_history(*this, *m);
  return m ? m->grad_fn : nullptr;
}

bool Tensor::is_leaf() const {
  auto* m = meta(*this);
  return !m || !m->grad_fn;
}

uint32_t Tensor::output_nr() const {
  auto* m = meta(*this);
  return m ? m->output_nr : 0;
}

uint32_t Tensor::_version() const {
  TORSH_CHECK(!is_inference(), "Inference tensors do not track version counter.");
  return impl_->storage()->version();
}

bool Tensor::is_inference() const { return impl_->storage()->is_inference(); }

void Tensor::set_data(const Tensor& new_data) const {
  TORSH_CHECK(defined() && new_data.defined(), "set_data(): both tensors must be defined");
  TORSH_CHECK(
      !(is_leaf() && requires_grad() && !new_data.is_floating_point() && !new_data.is_complex()),
      "set_data(): data set to a tensor that requires gradients must be floating point "
      "or complex dtype");
  TensorImpl* src = new_data.unsafeGetTensorImpl();
  impl_->set_storage(src->storage());
  impl_->set_dtype(src->dtype());
  impl_->set_geometry(src->sizes(), src->strides(), src->storage_offset());
}

bool Tensor::is_view() const {
  auto* m = meta(*this);
  return m && m->is_view && m->base.defined();
}

Tensor Tensor::_base() const { return is_view() ? meta(*this)->base : Tensor(); }

Tensor Tensor::detach() const {
  return Tensor(
      make_intrusive<TensorImpl>(impl_->storage(), dtype(), sizes(), strides(), storage_offset()));
}

Tensor& Tensor::detach_() const {
  auto* m = meta(*this);
  TORSH_CHECK(!(m && m->is_view), "detach_(): Can't detach views in-place. Use detach() instead.");
  if (m) {
    m->grad_fn.reset();
    m->requires_grad = false;
    m->output_nr = 0;
  }
  return const_cast<Tensor&>(*this);
}

void Tensor::retain_grad() const {
  TORSH_CHECK(requires_grad(),
              "retain_grad(): can't retain_grad on Tensor that has "
              "requires_grad=False");
  auto& m = meta_or_create(*this);
  if (!m.grad_fn || m.retains_grad) return;
  m.retains_grad = true;
  // The hook copies the gradient flowing into this tensor's node into its .grad. It must not
  // own the tensor (that would be a cycle through the node), so it holds a weak token that
  // dies with the tensor's metadata.
  if (!m.alive_token) m.alive_token = std::make_shared<int>(0);
  std::weak_ptr<int> alive = m.alive_token;
  m.grad_fn->pre_hooks(m.output_nr).push_back([impl = impl_.get(), alive](const Tensor& g) {
    if (alive.expired()) return Tensor();
    auto* mm = static_cast<autograd::AutogradMeta*>(impl->autograd_meta());
    if (mm)
      mm->grad = mm->grad.defined() ? mm->grad + g : g.detach().clone(MemoryFormat::Contiguous);
    return Tensor();
  });
}

bool Tensor::retains_grad() const {
  auto* m = meta(*this);
  return m && m->retains_grad;
}

namespace {
// The hooks of t's gradient: its grad_fn's pre-hooks for its output, or a leaf's own.
std::vector<std::function<Tensor(const Tensor&)>>& hook_list(autograd::AutogradMeta& m) {
  return m.grad_fn ? m.grad_fn->pre_hooks(m.output_nr) : m.hooks;
}
}  // namespace

unsigned Tensor::register_hook(std::function<Tensor(const Tensor&)> fn) const {
  TORSH_CHECK(requires_grad(),
              "register_hook(): cannot register a hook on a tensor that doesn't "
              "require gradient");
  auto& hooks = hook_list(meta_or_create(*this));
  hooks.push_back(std::move(fn));
  return static_cast<unsigned>(hooks.size() - 1);
}

void Tensor::remove_hook(unsigned pos) const {
  auto* m = meta(*this);
  TORSH_CHECK(m && pos < hook_list(*m).size() && hook_list(*m)[pos],
              "remove_hook(): invalid hook position ", pos);
  hook_list(*m)[pos] = nullptr;  // positions of the other hooks stay valid
}

namespace autograd {
unsigned register_post_accumulate_grad_hook(const Tensor& leaf,
                                            std::function<void(const Tensor&)> fn) {
  TORSH_CHECK(leaf.requires_grad(),
              "cannot register a hook on a tensor that doesn't require gradient");
  TORSH_CHECK(leaf.is_leaf(),
              "post accumulate grad hooks cannot be registered on non-leaf tensors");
  auto& hooks = meta_or_create(leaf).post_accumulate_hooks;
  hooks.push_back(std::move(fn));
  return static_cast<unsigned>(hooks.size() - 1);
}

void remove_post_accumulate_grad_hook(const Tensor& leaf, unsigned handle) {
  auto* m = meta(leaf);
  TORSH_CHECK(m && handle < m->post_accumulate_hooks.size() && m->post_accumulate_hooks[handle],
              "remove_post_accumulate_grad_hook(): invalid hook handle ", handle);
  m->post_accumulate_hooks[handle] = nullptr;  // the other handles stay valid
}

std::function<void()> hook_remover(const Tensor& t, unsigned pos) {
  auto* m = meta(t);
  TORSH_CHECK(m, "hook_remover(): the tensor has no hooks");
  if (!m->grad_fn) return [t, pos] { t.remove_hook(pos); };  // a leaf keeps its hook list
  // A later in-place op gives t a new grad_fn: the hook stays with the node it was put on.
  std::weak_ptr<Node> node = m->grad_fn;
  const uint32_t nr = m->output_nr;
  return [node, nr, pos] {
    if (auto n = node.lock()) {
      auto& hooks = n->pre_hooks(nr);
      if (pos < hooks.size()) hooks[pos] = nullptr;
    }
  };
}
}  // namespace autograd

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      const std::vector<Tensor>& inputs) const {
  autograd::backward({*this}, {gradient}, retain_graph.value_or(create_graph), create_graph,
                     inputs);
}

}  // namespace torsh
