#pragma once
// libtorch's AnyModule: any module, held by pointer, whose forward takes and returns tensors
// (up to 8 tensor arguments; libtorch's AnyValue for other types is not supported).
#include <concepts>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "torsh/nn/module.h"

namespace torsh::nn {

class AnyModule {
 public:
  /// An empty AnyModule (is_empty()).
  AnyModule() = default;
  /// Holds module (shared, not copied).
  template <typename M, typename = std::enable_if_t<std::is_base_of_v<Module, M>>>
  explicit AnyModule(std::shared_ptr<M> module)
      : module_(std::move(module)), call_(&call<M>), rebind_(&same_type<M>) {}
  /// Holds the holder's module (shared, not copied).
  template <typename M>
  explicit AnyModule(const ModuleHolder<M>& holder) : AnyModule(holder.ptr()) {}

  bool is_empty() const noexcept { return module_ == nullptr; }
  /// The module (as Module, or as T: null when it is another type).
  std::shared_ptr<Module> ptr() const {
    TORSH_CHECK(!is_empty(), "Cannot call ptr() on an empty AnyModule");
    return module_;
  }
  template <typename T>
  std::shared_ptr<T> ptr() const {
    return std::dynamic_pointer_cast<T>(ptr());
  }
  /// The module as T; raises when it holds another type.
  template <typename T>
  T& get() const {
    auto p = ptr<T>();
    TORSH_CHECK(p != nullptr, "Attempted to cast module of type ", module_->name(),
                " to another type");
    return *p;
  }
  /// A deep copy of the module (Module::clone), held the same way.
  AnyModule clone(const std::optional<Device>& device = std::nullopt) const {
    AnyModule r;
    if (is_empty()) return r;
    r.module_ = module_->clone(device);
    TORSH_CHECK(rebind_(r.module_), "AnyModule::clone(): the clone of ", module_->name(),
                " has another type");
    r.call_ = call_;
    r.rebind_ = rebind_;
    return r;
  }
  /// The module's forward on tensor arguments (an undefined Tensor{} for an absent mask).
  template <typename Return = Tensor, typename... Args>
  Return forward(Args&&... args) const {
    static_assert(std::is_same_v<Return, Tensor>, "torsh's AnyModule returns a Tensor");
    TORSH_CHECK(!is_empty(), "Cannot call forward() on an empty AnyModule");
    return call_(*module_, std::vector<Tensor>{Tensor(std::forward<Args>(args))...});
  }

 private:
  using Call = Tensor (*)(Module&, const std::vector<Tensor>&);
  using Check = bool (*)(const std::shared_ptr<Module>&);

  template <typename M>
  static bool same_type(const std::shared_ptr<Module>& m) {
    return std::dynamic_pointer_cast<M>(m) != nullptr;
  }
  template <typename M>
  static Tensor call(Module& base, const std::vector<Tensor>& a) {
    M& m = static_cast<M&>(base);
#define TORSH_ANY_CASE(n, ...)                                               \
  if constexpr (requires {                                                   \
                  { m.forward(__VA_ARGS__) } -> std::convertible_to<Tensor>; \
                }) {                                                         \
    if (a.size() == n) return m.forward(__VA_ARGS__);                        \
  }
    TORSH_ANY_CASE(1, a[0])
    TORSH_ANY_CASE(2, a[0], a[1])
    TORSH_ANY_CASE(3, a[0], a[1], a[2])
    TORSH_ANY_CASE(4, a[0], a[1], a[2], a[3])
    TORSH_ANY_CASE(5, a[0], a[1], a[2], a[3], a[4])
    TORSH_ANY_CASE(6, a[0], a[1], a[2], a[3], a[4], a[5])
    TORSH_ANY_CASE(7, a[0], a[1], a[2], a[3], a[4], a[5], a[6])
    TORSH_ANY_CASE(8, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
#undef TORSH_ANY_CASE
    TORSH_CHECK(false, m.name(), "'s forward() does not take ", a.size(),
                " tensor arguments returning a tensor");
    return Tensor();
  }

  std::shared_ptr<Module> module_;
  Call call_ = nullptr;
  Check rebind_ = nullptr;
};

}  // namespace torsh::nn
