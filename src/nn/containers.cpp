// torsh/nn/containers.h: ModuleDict, ParameterDict and ParameterList (libtorch 1.13's).
#include "torsh/nn/containers.h"

namespace torsh::nn {

void ModuleDictImpl::insert(const std::string& key, std::shared_ptr<Module> module) {
  if (modules_.contains(key)) {
    modules_[key] = module;
    replace_module(key, std::move(module));
  } else {
    modules_.insert(key, module);
    register_module(key, std::move(module));
  }
}

std::shared_ptr<Module> ModuleDictImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleDictImpl>();
  for (const auto& it : modules_) copy->insert(it.key(), it.value()->clone(device));
  return copy;
}

namespace {
void print_parameters(std::ostream& s, const char* name,
                      const OrderedDict<std::string, Tensor>& params) {
  s << "torch::nn::" << name << "(" << std::endl;
  for (const auto& it : params) {
    s << "(" << it.key() << "): Parameter containing: ["
      << scalar_type_name(it.value().scalar_type()) << " of size "
      << ::torsh::detail::shape_str(it.value().sizes()) << "]" << std::endl;
  }
  s << ")";
}
}  // namespace

Tensor& ParameterDictImpl::insert(const std::string& key, Tensor tensor) {
  const bool requires_grad = tensor.defined() && tensor.requires_grad();
  return register_parameter(key, std::move(tensor), requires_grad);
}

void ParameterDictImpl::pretty_print(std::ostream& s) const {
  print_parameters(s, "ParameterDict", parameters_);
}

void ParameterListImpl::pretty_print(std::ostream& s) const {
  print_parameters(s, "ParameterList", parameters_);
}

}  // namespace torsh::nn
