// torsh::alias (include/torsh/autograd/alias.h).
#include "torsh/autograd/alias.h"

#include <memory>
#include <string>

#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"

namespace torsh {
namespace {
// The gradient of an alias is the alias's gradient, unchanged.
class AliasBackward : public autograd::Node {
 public:
  autograd::variable_list apply(autograd::variable_list&& grads) override {
    return {grads.empty() ? Tensor() : grads[0]};
  }
  std::string name() const override { return "AliasBackward0"; }
};
}  // namespace

Tensor alias(const Tensor& self) {
  Tensor out;
  {
    detail::OpGuard guard;
    out = torsh::as_strided(self, self.sizes(), self.strides(), self.storage_offset());
  }
  if (!GradMode::is_enabled()) return out;
  if (autograd::requires_grad(self) && (self.is_floating_point() || self.is_complex())) {
    auto node = std::make_shared<AliasBackward>();
    autograd::add_input(*node, self);
    node->set_num_outputs(1);
    autograd::set_history(out, node, 0);
  }
  autograd::mark_view(out, self);
  return out;
}

}  // namespace torsh
