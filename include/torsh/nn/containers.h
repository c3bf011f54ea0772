#pragma once
// libtorch's keyed and parameter containers: ModuleDict (named submodules in insertion order),
// ParameterDict and ParameterList (parameters registered under their key or index, so
// parameters() and named_parameters() see them as libtorch's do).
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "torsh/nn/modules.h"

namespace torsh::nn {

class ModuleDictImpl : public Cloneable<ModuleDictImpl> {
 public:
  ModuleDictImpl() = default;
  explicit ModuleDictImpl(
      const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    update(modules);
  }
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) {
    for (const auto& it : modules) insert(it.key(), it.value());
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override { stream << "torch::nn::ModuleDict"; }
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;

  /// Adds (or replaces) the module under key.
  std::shared_ptr<Module> insert(const std::string& key, std::shared_ptr<Module> module);
  template <typename Holder, typename = std::enable_if_t<detail::HasPtr<Holder>::value>>
  std::shared_ptr<Module> insert(const std::string& key, Holder holder) {
    return insert(key, std::shared_ptr<Module>(holder.ptr()));
  }
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    for (const auto& [k, m] : modules) insert(k, m);
  }
  std::shared_ptr<Module> operator[](const std::string& key) const { return children_[key]; }
  template <typename T>
  T& at(const std::string& key) {
    auto p = std::dynamic_pointer_cast<T>(children_[key]);
    TORSH_CHECK(p != nullptr, "Unable to cast module[", key, "] to the requested type");
    return *p;
  }
  bool contains(const std::string& key) const noexcept { return children_.contains(key); }
  size_t size() const noexcept { return children_.size(); }
  bool empty() const noexcept { return children_.is_empty(); }
  std::vector<std::string> keys() const { return children_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return children_.values(); }
  const auto& items() const noexcept { return children_.items(); }
  auto begin() const { return children_.begin(); }
  auto end() const { return children_.end(); }
};
TORSH_MODULE(ModuleDict);

class ParameterDictImpl : public Cloneable<ParameterDictImpl> {
 public:
  ParameterDictImpl() = default;
  explicit ParameterDictImpl(const OrderedDict<std::string, Tensor>& params) {
    for (const auto& it : params) insert(it.key(), it.value());
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  /// Registers tensor as the parameter `key`, keeping its requires_grad (a key given twice
  /// raises, as libtorch's).
  Tensor& insert(const std::string& key, Tensor tensor);
  Tensor& get(const std::string& key) { return parameters_[key]; }
  Tensor& operator[](const std::string& key) { return parameters_[key]; }
  const Tensor& operator[](const std::string& key) const { return parameters_[key]; }
  bool contains(const std::string& key) const noexcept { return parameters_.contains(key); }
  size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.is_empty(); }
  std::vector<std::string> keys() const { return parameters_.keys(); }
  std::vector<Tensor> values() const { return parameters_.values(); }
  const auto& items() const noexcept { return parameters_.items(); }
  auto begin() const { return parameters_.begin(); }
  auto end() const { return parameters_.end(); }
};
TORSH_MODULE(ParameterDict);

class ParameterListImpl : public Cloneable<ParameterListImpl> {
 public:
  ParameterListImpl() = default;
  template <typename... Tensors>
  explicit ParameterListImpl(Tensors&&... params) {
    (append(std::forward<Tensors>(params)), ...);
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  /// Registers tensor as the next parameter (named by its index), keeping its requires_grad.
  void append(Tensor tensor) {
    const bool requires_grad = tensor.defined() && tensor.requires_grad();
    register_parameter(std::to_string(parameters_.size()), std::move(tensor), requires_grad);
  }
  void extend(const std::vector<Tensor>& tensors) {
    for (const Tensor& t : tensors) append(t);
  }
  Tensor& at(size_t index) { return parameters_[index].value(); }
  Tensor& operator[](size_t index) { return at(index); }
  size_t size() const noexcept { return parameters_.size(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }
  auto begin() const { return parameters_.begin(); }
  auto end() const { return parameters_.end(); }
};
TORSH_MODULE(ParameterList);

}  // namespace torsh::nn
