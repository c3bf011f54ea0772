// torsh::nn::Module: registration, traversal (pre-order, names joined with '.'), train/eval,
// zero_grad and libtorch's printing.
#include "torsh/nn/module.h"

#include <cxxabi.h>

#include <cstdlib>
#include <typeinfo>

#include "torsh/core/grad_mode.h"

namespace torsh::nn {

Module::Module() = default;

Module::Module(std::string name) : name_(std::move(name)), name_given_(true) {}

const std::string& Module::name() const noexcept {
  if (!name_given_ && name_.empty()) {
    const char* mangled = typeid(*this).name();
    int status = 0;
    char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    name_ = status == 0 && d != nullptr ? std::string(d) : std::string(mangled);
    std::free(d);
    // libtorch's spelling of its modules' names: torch::nn::Conv2dImpl
    if (name_.rfind("torsh::", 0) == 0) name_.replace(0, 5, "torch");
  }
  return name_;
}

void Module::check_name(const std::string& name, const char* what) const {
  TORSH_CHECK(!name.empty(), what, " name must not be empty");
  TORSH_CHECK(name.find('.') == std::string::npos, what, " name must not contain a dot (got \"",
              name, "\")");
}

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  check_name(name, "Parameter");
  if (tensor.defined()) {
    // libtorch sets the flag on leaves; a non-leaf that requires grad stays as it is
    if (tensor.is_leaf() || !tensor.requires_grad()) tensor.requires_grad_(requires_grad);
  }
  return parameters_.insert(std::move(name), std::move(tensor));
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  check_name(name, "Buffer");
  return buffers_.insert(std::move(name), std::move(tensor));
}

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  OrderedDict<std::string, Tensor> r;
  for (const auto& p : parameters_) {
    if (p.value().defined()) r.insert(p.key(), p.value());
  }
  if (recurse) {
    for (const auto& c : children_) {
      for (const auto& p : c.value()->named_parameters(true)) {
        r.insert(c.key() + "." + p.key(), p.value());
      }
    }
  }
  return r;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  return named_parameters(recurse).values();
}

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  OrderedDict<std::string, Tensor> r;
  for (const auto& b : buffers_) {
    if (b.value().defined()) r.insert(b.key(), b.value());
  }
  if (recurse) {
    for (const auto& c : children_) {
      for (const auto& b : c.value()->named_buffers(true)) {
        r.insert(c.key() + "." + b.key(), b.value());
      }
    }
  }
  return r;
}

std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const {
  return children_;
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(
    const std::string& name_prefix, bool include_self) {
  OrderedDict<std::string, std::shared_ptr<Module>> r;
  if (include_self) r.insert(name_prefix, shared_from_this());
  for (const auto& c : children_) {
    const std::string prefix = name_prefix.empty() ? c.key() : name_prefix + "." + c.key();
    for (const auto& m : c.value()->named_modules(prefix, true)) r.insert(m.key(), m.value());
  }
  return r;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  return named_modules("", include_self).values();
}

void Module::train(bool on) {
  is_training_ = on;
  for (auto& c : children_) c.value()->train(on);
}

void Module::to(ScalarType dtype, bool non_blocking) {
  // As libtorch: the children first, then this module's parameters and buffers take the dtype
  // in place (set_data), so the handles in the module's members and in optimizers see it.
  for (auto& child : children_) child.value()->to(dtype, non_blocking);
  NoGradGuard guard;
  for (auto& t : parameters_) {
    if (t.value().defined() && t.value().dtype() != dtype) t.value().set_data(t.value().to(dtype));
  }
  for (auto& t : buffers_) {
    if (t.value().defined() && t.value().dtype() != dtype) t.value().set_data(t.value().to(dtype));
  }
}

void Module::to(Device device, bool /*non_blocking*/) {
  TORSH_CHECK(device.type == kCPU, "Module::to(): torsh modules live on the CPU; device ",
              device.str(), " is not available");
}

void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  to(device, non_blocking);
  to(dtype, non_blocking);
}

std::shared_ptr<Module> Module::clone(const std::optional<Device>& /*device*/) const {
  TORSH_CHECK(false, "clone() has not been implemented for ", name(),
              ". Subclass torch::nn::Cloneable<", name(),
              "> instead of torch::nn::Module to inherit the ability to clone.");
  return nullptr;
}

void Module::clone_(Module& /*other*/, const std::optional<Device>& /*device*/) {
  TORSH_CHECK(false, "clone() has not been implemented for ", name(),
              ". Subclass torch::nn::Cloneable<", name(),
              "> instead of torch::nn::Module to inherit the ability to clone.");
}

void Module::zero_grad(bool set_to_none) {
  for (auto& p : parameters(true)) {
    Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    if (set_to_none) {
      g = Tensor();
    } else {
      NoGradGuard guard;
      g = g.detach();
      g.zero_();
    }
  }
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (auto& c : children_) c.value()->apply(fn);
}

void Module::apply(const std::function<void(const std::string&, Module&)>& fn,
                   const std::string& name_prefix) {
  fn(name_prefix, *this);
  for (auto& c : children_) {
    c.value()->apply(fn, name_prefix.empty() ? c.key() : name_prefix + "." + c.key());
  }
}

void Module::pretty_print(std::ostream& stream) const { stream << name(); }

void Module::print_tree(std::ostream& stream, const std::string& indent) const {
  pretty_print(stream);
  if (children_.is_empty()) return;
  stream << "(\n";
  const std::string next = indent + "  ";
  for (const auto& c : children_) {
    stream << next << "(" << c.key() << "): ";
    c.value()->print_tree(stream, next);
    stream << '\n';
  }
  stream << indent << ")";
}

std::ostream& operator<<(std::ostream& stream, const Module& module) {
  module.print_tree(stream, "");
  return stream;
}

}  // namespace torsh::nn
