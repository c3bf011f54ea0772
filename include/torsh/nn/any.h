#pragma once
// libtorch's AnyModule: any module, held by pointer, whose forward takes and returns tensors
// (up to 8 tensor arguments; libtorch's AnyValue for other types is not supported).
#include <functional>
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
  /// The one-tensor forward of m (a module of the held type, e.g. a clone) as a function.
  std::function<Tensor(Tensor)> bind_to(std::shared_ptr<Module> m) const {
    TORSH_CHECK(!is_empty(), "Cannot bind an empty AnyModule");
    return [call = call_, m = std::move(m)](Tensor x) {
      return call(*m, std::vector<Tensor>{std::move(x)});
    };
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
  // Whether M::forward takes N tensors and returns something convertible to a Tensor (C++17:
  // the header also serves libtorch programs built as C++17).
  template <size_t>
  using TensorArg = const Tensor&;
  template <typename M, typename Seq, typename = void>
  struct Forwards : std::false_type {};
  template <typename M, size_t... I>
  struct Forwards<
      M, std::index_sequence<I...>,
      std::enable_if_t<std::is_convertible_v<
          decltype(std::declval<M&>().forward(std::declval<TensorArg<I>>()...)), Tensor>>>
      : std::true_type {};

  template <typename M, size_t... I>
  static Tensor call_with(M& m, const std::vector<Tensor>& a, std::index_sequence<I...>) {
    return m.forward(a[I]...);
  }
  // The forward taking n = a.size() tensors, n in 1..8.
  template <typename M, size_t... N>
  static Tensor call_arity(M& m, const std::vector<Tensor>& a, std::index_sequence<N...>) {
    Tensor r;
    bool done = false;
    auto try_n = [&](auto n) {
      constexpr size_t k = decltype(n)::value + 1;
      if constexpr (Forwards<M, std::make_index_sequence<k>>::value) {
        if (!done && a.size() == k) {
          r = call_with(m, a, std::make_index_sequence<k>{});
          done = true;
        }
      }
    };
    (try_n(std::integral_constant<size_t, N>{}), ...);
    TORSH_CHECK(done, m.name(), "'s forward() does not take ", a.size(),
                " tensor arguments returning a tensor");
    return r;
  }
  template <typename M>
  static Tensor call(Module& base, const std::vector<Tensor>& a) {
    return call_arity(static_cast<M&>(base), a, std::make_index_sequence<8>{});
  }

  std::shared_ptr<Module> module_;
  Call call_ = nullptr;
  Check rebind_ = nullptr;
};

}  // namespace torsh::nn
