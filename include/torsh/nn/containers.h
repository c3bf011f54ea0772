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
  using Iterator = OrderedDict<std::string, std::shared_ptr<Module>>::Iterator;
  using ConstIterator = OrderedDict<std::string, std::shared_ptr<Module>>::ConstIterator;

  ModuleDictImpl() = default;
  explicit ModuleDictImpl(
      const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    update(modules);
  }
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) {
    update(modules);
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override { stream << "torch::nn::ModuleDict"; }
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;

  std::vector<std::pair<std::string, std::shared_ptr<Module>>> items() const {
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> r;
    for (const auto& it : modules_) r.emplace_back(it.key(), it.value());
    return r;
  }
  std::vector<std::string> keys() const { return modules_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return modules_.values(); }
  Iterator begin() { return modules_.begin(); }
  ConstIterator begin() const { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator end() const { return modules_.end(); }
  size_t size() const noexcept { return modules_.size(); }
  bool empty() const noexcept { return modules_.is_empty(); }
  bool contains(const std::string& key) const noexcept { return modules_.contains(key); }
  /// Empties the dict; as libtorch's, the modules stay registered as children.
  void clear() { modules_.clear(); }
  std::shared_ptr<Module> operator[](const std::string& key) const { return modules_[key]; }
  template <typename T>
  T& at(const std::string& key) {
    return cast<T>(key);
  }
  template <typename T>
  const T& at(const std::string& key) const {
    return cast<T>(key);
  }
  /// Removes key's module from the dict and returns it (it stays registered, as libtorch's).
  std::shared_ptr<Module> pop(const std::string& key) {
    auto module = modules_[key];
    modules_.erase(key);
    return module;
  }
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    for (const auto& [k, m] : modules) insert(k, m);
  }
  /// Any container of OrderedDict items (another ModuleDict, an OrderedDict).
  template <typename Container>
  void update(const Container& container) {
    for (const auto& item : container) insert(item.key(), item.value());
  }
  /// Adds (or replaces) the module under key.
  void insert(const std::string& key, std::shared_ptr<Module> module);
  template <typename Holder, typename = std::enable_if_t<detail::HasPtr<Holder>::value>>
  void insert(const std::string& key, Holder holder) {
    insert(key, std::shared_ptr<Module>(holder.ptr()));
  }

 private:
  template <typename T>
  T& cast(const std::string& key) const {
    auto p = std::dynamic_pointer_cast<T>(modules_[key]);
    TORSH_CHECK(p != nullptr, "Unable to cast module[", key, "] to the requested type");
    return *p;
  }
  OrderedDict<std::string, std::shared_ptr<Module>> modules_{"Key"};
};
TORSH_MODULE(ModuleDict);

class ParameterDictImpl : public Cloneable<ParameterDictImpl> {
 public:
  using Iterator = OrderedDict<std::string, Tensor>::Iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::ConstIterator;
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
  const Tensor& get(const std::string& key) const { return parameters_[key]; }
  Tensor& operator[](const std::string& key) { return parameters_[key]; }
  const Tensor& operator[](const std::string& key) const { return parameters_[key]; }
  /// Removes key's parameter (it is no longer a parameter of the module) and returns it.
  Tensor pop(const std::string& key) {
    Tensor v = parameters_[key];
    parameters_.erase(key);
    return v;
  }
  /// Overwrites each key's value from any container of OrderedDict items; as libtorch's, a
  /// key not in the dict raises.
  template <typename Container>
  void update(const Container& container) {
    for (const auto& item : container) parameters_[item.key()] = item.value();
  }
  void clear() { parameters_.clear(); }
  bool contains(const std::string& key) const noexcept { return parameters_.contains(key); }
  size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.is_empty(); }
  std::vector<std::string> keys() const { return parameters_.keys(); }
  std::vector<Tensor> values() const { return parameters_.values(); }
  const auto& items() const noexcept { return parameters_.items(); }
  Iterator begin() { return parameters_.begin(); }
  ConstIterator begin() const { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator end() const { return parameters_.end(); }
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
  void append(const OrderedDict<std::string, Tensor>::Item& item) { append(item.value()); }
  /// Appends every element of any container of tensors (or of OrderedDict items).
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& t : container) append(t);
  }
  template <typename Container>
  Container& operator+=(const Container& other) {
    extend(other);
    return *this;
  }
  Tensor& at(size_t index) {
    TORSH_CHECK(index < size(), "Index out of range");
    return parameters_[index].value();
  }
  const Tensor& at(size_t index) const {
    TORSH_CHECK(index < size(), "Index out of range");
    return parameters_[index].value();
  }
  Tensor& operator[](size_t index) { return at(index); }
  const Tensor& operator[](size_t index) const { return at(index); }
  size_t size() const noexcept { return parameters_.size(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }
  auto begin() { return parameters_.begin(); }
  auto begin() const { return parameters_.begin(); }
  auto end() { return parameters_.end(); }
  auto end() const { return parameters_.end(); }
};
TORSH_MODULE(ParameterList);

}  // namespace torsh::nn
