// Views of one tensor that share one backward node (torch's UnbindBackward0 /
// SplitWithSizesBackward0): the pieces' gradients are put together once, instead of each
// piece's gradient becoming a zero-filled copy of the whole tensor summed with the others
// (quadratic in the number of pieces, as with a loop over x.unbind(0)).
#include <string>
#include <utility>

#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"

namespace torsh::autograd {
namespace {
class MultiViewBackward : public Node {
 public:
  MultiViewBackward(const char* name, std::vector<SizeVec> shapes, TensorOptions options,
                    std::function<Tensor(const variable_list&)> combine)
      : name_(name), shapes_(std::move(shapes)), options_(options), combine_(std::move(combine)) {}
  variable_list apply(variable_list&& grads) override {
    bool any = false;
    for (const Tensor& g : grads) any = any || g.defined();
    if (!any) return {Tensor()};
    for (size_t i = 0; i < grads.size(); ++i) {
      if (!grads[i].defined()) grads[i] = torsh::zeros(shapes_[i], options_);
    }
    return {combine_(grads)};
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
  std::vector<SizeVec> shapes_;
  TensorOptions options_;
  std::function<Tensor(const variable_list&)> combine_;
};
}  // namespace

bool is_multi_view_node(const Node* node) {
  return dynamic_cast<const MultiViewBackward*>(node) != nullptr;
}

std::vector<Tensor> attach_multi_view(const Tensor& self, std::vector<Tensor> views,
                                      const char* name,
                                      std::function<Tensor(const variable_list&)> combine) {
  if (!GradMode::is_enabled() || views.empty()) return views;
  if (requires_grad(self) && (self.is_floating_point() || self.is_complex())) {
    std::vector<SizeVec> shapes;
    for (const Tensor& v : views) shapes.emplace_back(v.sizes());
    auto node = std::make_shared<MultiViewBackward>(
        name, std::move(shapes), self.options().requires_grad(false), std::move(combine));
    add_input(*node, self);
    node->set_num_outputs(static_cast<uint32_t>(views.size()));
    for (size_t i = 0; i < views.size(); ++i) set_history(views[i], node, static_cast<uint32_t>(i));
  }
  for (const Tensor& v : views) mark_view(v, self);
  return views;
}

}  // namespace torsh::autograd
