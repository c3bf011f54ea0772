#pragma once
// libtorch's C++ module frontend: torsh::nn::Module (parameters, buffers and submodules registered
// by name, in order), OrderedDict, ModuleHolder and TORSH_MODULE (the `Linear` / `LinearImpl`
// pair), TORSH_ARG (option builders).
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "torsh/core/error.h"
#include "torsh/core/grad_mode.h"
#include "torsh/core/tensor.h"

/// An option field with a getter `name()` and a chaining setter `name(value)`, as TORCH_ARG.
#define TORSH_ARG(T, name)                                        \
 public:                                                          \
  inline auto name(const T& new_##name)->decltype(*this) {        \
    this->name##_ = new_##name;                                   \
    return *this;                                                 \
  }                                                               \
  inline auto name(T&& new_##name)->decltype(*this) {             \
    this->name##_ = std::move(new_##name);                        \
    return *this;                                                 \
  }                                                               \
  inline const T& name() const noexcept { return this->name##_; } \
  inline T& name() noexcept { return this->name##_; }             \
                                                                  \
 private:                                                         \
  T name##_ /* NOLINT */

namespace torsh::nn {

/// Insertion-ordered key/value pairs (libtorch's torch::OrderedDict): iterate items with
/// .key()/.value(), look up with [key].
template <typename Key, typename Value>
class OrderedDict {
 public:
  class Item {
   public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key& key() const noexcept { return pair_.first; }
    Value& value() noexcept { return pair_.second; }
    const Value& value() const noexcept { return pair_.second; }
    Value& operator*() noexcept { return pair_.second; }
    Value* operator->() noexcept { return &pair_.second; }
    const std::pair<Key, Value>& pair() const noexcept { return pair_; }

   private:
    std::pair<Key, Value> pair_;
  };

  using Iterator = typename std::vector<Item>::iterator;
  using ConstIterator = typename std::vector<Item>::const_iterator;

  OrderedDict() = default;
  explicit OrderedDict(std::string key_description) : what_(std::move(key_description)) {}
  /// OrderedDict<std::string, Tensor>{{"a", t}, {"b", u}}: inserted in order (a key twice
  /// raises).
  OrderedDict(std::initializer_list<Item> items) {  // NOLINT
    for (const Item& it : items) insert(it.key(), it.value());
  }

  Value& insert(Key key, Value value) {
    TORSH_CHECK(find(key) == nullptr, what_, " '", key, "' already defined");
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().value();
  }
  Value* find(const Key& key) noexcept {
    for (auto& it : items_) {
      if (it.key() == key) return &it.value();
    }
    return nullptr;
  }
  const Value* find(const Key& key) const noexcept {
    for (const auto& it : items_) {
      if (it.key() == key) return &it.value();
    }
    return nullptr;
  }
  bool contains(const Key& key) const noexcept { return find(key) != nullptr; }
  Value& operator[](const Key& key) {
    Value* v = find(key);
    TORSH_CHECK(v != nullptr, what_, " '", key, "' is not defined");
    return *v;
  }
  const Value& operator[](const Key& key) const {
    const Value* v = find(key);
    TORSH_CHECK(v != nullptr, what_, " '", key, "' is not defined");
    return *v;
  }
  Item& operator[](size_t index) { return items_.at(index); }
  const Item& operator[](size_t index) const { return items_.at(index); }
  size_t size() const noexcept { return items_.size(); }
  bool is_empty() const noexcept { return items_.empty(); }
  std::vector<Key> keys() const {
    std::vector<Key> r;
    for (const auto& it : items_) r.push_back(it.key());
    return r;
  }
  std::vector<Value> values() const {
    std::vector<Value> r;
    for (const auto& it : items_) r.push_back(it.value());
    return r;
  }
  const std::vector<Item>& items() const noexcept { return items_; }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  void clear() { items_.clear(); }
  /// Removes key's entry; raises if there is none.
  void erase(const Key& key) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->key() == key) {
        items_.erase(it);
        return;
      }
    }
    TORSH_CHECK(false, what_, " '", key, "' is not defined");
  }

 private:
  std::vector<Item> items_;
  std::string what_ = "Key";
};

/// The base of every module: parameters, buffers and child modules registered by name.
namespace detail {
/// Whether T is a module holder (nn::Linear and friends: it names its Impl as ContainedType).
/// C++17, as the public headers must build for libtorch programs compiled as C++17.
template <typename T, typename = void>
struct is_module_holder : std::false_type {};
template <typename T>
struct is_module_holder<T, std::void_t<typename T::ContainedType>> : std::true_type {};
}  // namespace detail

class Module : public std::enable_shared_from_this<Module> {
 public:
  Module();
  explicit Module(std::string name);
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  /// The module's name: the one given, else its demangled C++ type name (without "Impl").
  const std::string& name() const noexcept;

  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  Tensor& register_buffer(std::string name, Tensor tensor);
  template <typename ModuleType>
  std::shared_ptr<ModuleType> register_module(std::string name,
                                              std::shared_ptr<ModuleType> module) {
    TORSH_CHECK(module != nullptr, "Submodule '", name, "' is null");
    check_name(name, "Submodule");
    children_.insert(std::move(name), module);
    return module;
  }
  template <typename Holder, typename = typename Holder::ContainedType>
  std::shared_ptr<typename Holder::ContainedType> register_module(std::string name, Holder holder) {
    return register_module(std::move(name), holder.ptr());
  }
  /// Replaces a registered submodule (libtorch's replace_module).
  template <typename ModuleType>
  std::shared_ptr<ModuleType> replace_module(const std::string& name,
                                             std::shared_ptr<ModuleType> module) {
    children_[name] = module;
    return module;
  }

  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(
      const std::string& name_prefix = "", bool include_self = true);

  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return is_training_; }
  /// Converts every parameter and buffer (floating ones for a dtype) in place of the module.
  virtual void to(ScalarType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);
  virtual void zero_grad(bool set_to_none = false);
  void apply(const std::function<void(Module&)>& fn);
  void apply(const std::function<void(const std::string&, Module&)>& fn,
             const std::string& name_prefix = "");

  /// A deep copy: new parameters, buffers and children holding copies of this module's values
  /// (libtorch's clone; modules derived from Cloneable<Derived> implement it, others raise).
  virtual std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const;
  /// One line describing this module (its children are printed by operator<<).
  virtual void pretty_print(std::ostream& stream) const;

  /// The parameter/buffer/child slots, by name.
  OrderedDict<std::string, Tensor>& parameter_slots() { return parameters_; }
  OrderedDict<std::string, Tensor>& buffer_slots() { return buffers_; }

  /// This module as ModuleType (an Impl class, or a holder such as nn::Linear for its Impl), or
  /// null when it is not one (libtorch's Module::as).
  template <typename ModuleType>
  auto as() noexcept {
    if constexpr (detail::is_module_holder<ModuleType>::value) {
      return dynamic_cast<typename ModuleType::ContainedType*>(this);
    } else {
      return dynamic_cast<ModuleType*>(this);
    }
  }
  template <typename ModuleType>
  auto as() const noexcept {
    if constexpr (detail::is_module_holder<ModuleType>::value) {
      return dynamic_cast<const typename ModuleType::ContainedType*>(this);
    } else {
      return dynamic_cast<const ModuleType*>(this);
    }
  }

 protected:
  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};

  /// Makes this freshly reset child a deep copy of other (Cloneable's recursion).
  virtual void clone_(Module& other, const std::optional<Device>& device);
  template <typename Derived>
  friend class Cloneable;

 private:
  void check_name(const std::string& name, const char* what) const;
  void print_tree(std::ostream& stream, const std::string& indent) const;
  friend std::ostream& operator<<(std::ostream& stream, const Module& module);

  mutable std::string name_;
  bool name_given_ = false;
  bool is_training_ = true;
};

/// Prints the module and its children, indented, as libtorch does.
std::ostream& operator<<(std::ostream& stream, const Module& module);

/// libtorch's Cloneable<Derived>: a module that knows how to rebuild its parameters, buffers and
/// children (reset), and so how to deep-copy itself (clone).
template <typename Derived>
class Cloneable : public Module {
 public:
  using Module::Module;
  /// (Re)creates the parameters, buffers and submodules from the options.
  virtual void reset() = 0;
  /// A copy of Derived whose reset() built new parameters, buffers and children, which then
  /// take copies of this module's values.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override {
    NoGradGuard no_grad;
    auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
    copy->parameters_.clear();
    copy->buffers_.clear();
    copy->children_.clear();
    copy->reset();
    check_same_count(copy->parameters_.size(), parameters_.size(), "parameters",
                     "register_parameter");
    for (const auto& p : parameters_) {
      if (p.value().defined()) copy->parameters_[p.key()].set_data(copy_of(p.value(), device));
    }
    check_same_count(copy->buffers_.size(), buffers_.size(), "buffers", "register_buffer");
    for (const auto& b : buffers_) {
      if (b.value().defined()) copy->buffers_[b.key()].set_data(copy_of(b.value(), device));
    }
    check_same_count(copy->children_.size(), children_.size(), "child modules", "register_module");
    for (const auto& c : children_) copy->children_[c.key()]->clone_(*c.value(), device);
    return copy;
  }

 private:
  void clone_(Module& other, const std::optional<Device>& device) final {
    auto copy = std::dynamic_pointer_cast<Derived>(other.clone(device));
    TORSH_CHECK(copy != nullptr,
                "Attempted to clone submodule, but it is of a different type than the submodule "
                "it was to be cloned into");
    static_cast<Derived&>(*this) = std::move(*copy);
  }
  static Tensor copy_of(const Tensor& t, const std::optional<Device>& device) {
    return device && t.device() != *device ? t.to(*device) : t.clone();
  }
  static void check_same_count(size_t got, size_t want, const char* what, const char* call) {
    TORSH_CHECK(got == want, "The cloned module does not have the same number of ", what,
                " as the original module after calling reset(). Are you sure you called ", call,
                "() inside reset() and not the constructor?");
  }
};

/// Holds a shared_ptr to an XImpl module: `Linear fc(3, 4); fc->weight; fc(x)`.
template <typename Contained>
class ModuleHolder {
 public:
  using ContainedType = Contained;

  /// An empty holder for `Linear fc{nullptr};`.
  ModuleHolder(std::nullptr_t) : impl_(nullptr) {}  // NOLINT
  /// Default-constructs the module when it can be (`Sequential seq;`).
  ModuleHolder() : impl_(default_construct()) {}
  template <typename Head, typename... Tail,
            typename = std::enable_if_t<!(std::is_same_v<std::decay_t<Head>, std::nullptr_t> &&
                                          sizeof...(Tail) == 0) &&
                                        !std::is_base_of_v<ModuleHolder, std::decay_t<Head>>>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}  // NOLINT

  explicit operator bool() const noexcept { return !is_empty(); }
  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  /// Forwards to the module's operator[] (ModuleList, ModuleDict, ParameterDict, ...).
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*get())[std::forward<Arg>(arg)];
  }
  const std::shared_ptr<Contained>& ptr() const {
    TORSH_CHECK(!is_empty(), "Accessing empty ModuleHolder");
    return impl_;
  }
  Contained* get() {
    TORSH_CHECK(!is_empty(), "Accessing empty ModuleHolder");
    return impl_.get();
  }
  const Contained* get() const {
    TORSH_CHECK(!is_empty(), "Accessing empty ModuleHolder");
    return impl_.get();
  }
  template <typename... Args, typename C = Contained>
  auto operator()(Args&&... args) -> decltype(std::declval<C&>().forward(args...)) {
    return get()->forward(std::forward<Args>(args)...);
  }
  bool is_empty() const noexcept { return impl_ == nullptr; }

 protected:
  std::shared_ptr<Contained> impl_;

 private:
  static std::shared_ptr<Contained> default_construct() {
    if constexpr (std::is_default_constructible_v<Contained>) {
      return std::make_shared<Contained>();
    } else {
      return nullptr;
    }
  }
};

template <typename Contained>
std::ostream& operator<<(std::ostream& stream, const ModuleHolder<Contained>& module) {
  return stream << *module;
}

}  // namespace torsh::nn

/// Declares `Name` as the holder of `ImplType` (TORCH_MODULE_IMPL).
#define TORSH_MODULE_IMPL(Name, ImplType)                  \
  class Name : public torsh::nn::ModuleHolder<ImplType> {  \
   public:                                                 \
    using torsh::nn::ModuleHolder<ImplType>::ModuleHolder; \
    using Impl = ImplType;                                 \
  }
/// Declares `Name` as the holder of `NameImpl` (TORCH_MODULE).
#define TORSH_MODULE(Name) TORSH_MODULE_IMPL(Name, Name##Impl)

namespace torsh {
/// torch::OrderedDict, as libtorch spells it.
using nn::OrderedDict;
}  // namespace torsh
