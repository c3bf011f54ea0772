#pragma once
// libtorch's layer modules (XImpl + TORSH_MODULE holder), with torch's parameter names, default
// initialisation (the same values as torch for the same seed) and printing.
#include <any>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "torsh/nn/any.h"
#include "torsh/nn/module.h"
#include "torsh/nn/options.h"

namespace torsh::nn {

namespace detail {
/// Whether H is a module holder (has ptr()): C++17's spelling of `requires { h.ptr(); }`.
template <typename H, typename = void>
struct HasPtr : std::false_type {};
template <typename H>
struct HasPtr<H, std::void_t<decltype(std::declval<H&>().ptr())>> : std::true_type {};
}  // namespace detail

class LinearImpl : public Cloneable<LinearImpl> {
 public:
  LinearImpl(int64_t in_features, int64_t out_features)
      : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LinearOptions options;
  Tensor weight;
  Tensor bias;
};
TORSH_MODULE(Linear);

class IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  IdentityImpl() { reset(); }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input) { return input; }
};
TORSH_MODULE(Identity);

class FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {}) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  FlattenOptions options;
};
TORSH_MODULE(Flatten);

template <size_t D, typename Derived>
class ConvNdImpl : public Cloneable<Derived> {
 public:
  explicit ConvNdImpl(ConvOptions<D> options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  ConvOptions<D> options;
  Tensor weight;
  Tensor bias;
};
class Conv1dImpl : public ConvNdImpl<1, Conv1dImpl> {
 public:
  Conv1dImpl(int64_t in, int64_t out, ExpandingArray<1> kernel)
      : Conv1dImpl(Conv1dOptions(in, out, kernel)) {}
  explicit Conv1dImpl(Conv1dOptions options) : ConvNdImpl(std::move(options)) {}
};
class Conv2dImpl : public ConvNdImpl<2, Conv2dImpl> {
 public:
  Conv2dImpl(int64_t in, int64_t out, ExpandingArray<2> kernel)
      : Conv2dImpl(Conv2dOptions(in, out, kernel)) {}
  explicit Conv2dImpl(Conv2dOptions options) : ConvNdImpl(std::move(options)) {}
};
class Conv3dImpl : public ConvNdImpl<3, Conv3dImpl> {
 public:
  Conv3dImpl(int64_t in, int64_t out, ExpandingArray<3> kernel)
      : Conv3dImpl(Conv3dOptions(in, out, kernel)) {}
  explicit Conv3dImpl(Conv3dOptions options) : ConvNdImpl(std::move(options)) {}
};
TORSH_MODULE(Conv1d);
TORSH_MODULE(Conv2d);
TORSH_MODULE(Conv3d);

/// Transposed convolution; forward's output_size (with or without the batch and channel dims)
/// picks the output padding, as libtorch.
template <size_t D, typename Derived>
class ConvTransposeNdImpl : public Cloneable<Derived> {
 public:
  explicit ConvTransposeNdImpl(ConvTransposeOptions<D> options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input, const std::optional<IntArrayRef>& output_size = std::nullopt);
  ConvTransposeOptions<D> options;
  Tensor weight;
  Tensor bias;
};
class ConvTranspose1dImpl : public ConvTransposeNdImpl<1, ConvTranspose1dImpl> {
 public:
  ConvTranspose1dImpl(int64_t in, int64_t out, ExpandingArray<1> kernel)
      : ConvTranspose1dImpl(ConvTranspose1dOptions(in, out, kernel)) {}
  explicit ConvTranspose1dImpl(ConvTranspose1dOptions options)
      : ConvTransposeNdImpl(std::move(options)) {}
};
class ConvTranspose2dImpl : public ConvTransposeNdImpl<2, ConvTranspose2dImpl> {
 public:
  ConvTranspose2dImpl(int64_t in, int64_t out, ExpandingArray<2> kernel)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in, out, kernel)) {}
  explicit ConvTranspose2dImpl(ConvTranspose2dOptions options)
      : ConvTransposeNdImpl(std::move(options)) {}
};
class ConvTranspose3dImpl : public ConvTransposeNdImpl<3, ConvTranspose3dImpl> {
 public:
  ConvTranspose3dImpl(int64_t in, int64_t out, ExpandingArray<3> kernel)
      : ConvTranspose3dImpl(ConvTranspose3dOptions(in, out, kernel)) {}
  explicit ConvTranspose3dImpl(ConvTranspose3dOptions options)
      : ConvTransposeNdImpl(std::move(options)) {}
};
TORSH_MODULE(ConvTranspose1d);
TORSH_MODULE(ConvTranspose2d);
TORSH_MODULE(ConvTranspose3d);

template <size_t D, typename Derived>
class MaxPoolNdImpl : public Cloneable<Derived> {
 public:
  MaxPoolNdImpl(ExpandingArray<D> kernel_size)
      : MaxPoolNdImpl(MaxPoolOptions<D>(kernel_size)) {}  // NOLINT
  explicit MaxPoolNdImpl(const MaxPoolOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  /// The pooled values and each one's flat index in its input plane (for MaxUnpool).
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  MaxPoolOptions<D> options;
};
#define TORSH_POOL_CLASS(Name, Base, D)           \
  class Name##Impl : public Base<D, Name##Impl> { \
   public:                                        \
    using Base<D, Name##Impl>::Base;              \
  };                                              \
  TORSH_MODULE(Name)
TORSH_POOL_CLASS(MaxPool1d, MaxPoolNdImpl, 1);
TORSH_POOL_CLASS(MaxPool2d, MaxPoolNdImpl, 2);
TORSH_POOL_CLASS(MaxPool3d, MaxPoolNdImpl, 3);

template <size_t D, typename Derived>
class AvgPoolNdImpl : public Cloneable<Derived> {
 public:
  AvgPoolNdImpl(ExpandingArray<D> kernel_size)
      : AvgPoolNdImpl(AvgPoolOptions<D>(kernel_size)) {}  // NOLINT
  explicit AvgPoolNdImpl(const AvgPoolOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  AvgPoolOptions<D> options;
};
TORSH_POOL_CLASS(AvgPool1d, AvgPoolNdImpl, 1);
TORSH_POOL_CLASS(AvgPool2d, AvgPoolNdImpl, 2);
TORSH_POOL_CLASS(AvgPool3d, AvgPoolNdImpl, 3);

template <size_t D, typename Derived>
class AdaptiveAvgPoolNdImpl : public Cloneable<Derived> {
 public:
  AdaptiveAvgPoolNdImpl(ExpandingArray<D> output_size)  // NOLINT
      : AdaptiveAvgPoolNdImpl(AdaptiveAvgPoolOptions<D>(output_size)) {}
  explicit AdaptiveAvgPoolNdImpl(const AdaptiveAvgPoolOptions<D>& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  AdaptiveAvgPoolOptions<D> options;
};
TORSH_POOL_CLASS(AdaptiveAvgPool1d, AdaptiveAvgPoolNdImpl, 1);
TORSH_POOL_CLASS(AdaptiveAvgPool2d, AdaptiveAvgPoolNdImpl, 2);
TORSH_POOL_CLASS(AdaptiveAvgPool3d, AdaptiveAvgPoolNdImpl, 3);
#undef TORSH_POOL_CLASS

template <size_t D, typename Derived>
class BatchNormNdImpl : public Cloneable<Derived> {
 public:
  explicit BatchNormNdImpl(int64_t num_features)
      : BatchNormNdImpl(BatchNormOptions(num_features)) {}
  explicit BatchNormNdImpl(const BatchNormOptions& options);
  void reset() override;
  void reset_running_stats();
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  BatchNormOptions options;
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;
};
#define TORSH_BN_CLASS(D)                                                      \
  class BatchNorm##D##dImpl : public BatchNormNdImpl<D, BatchNorm##D##dImpl> { \
   public:                                                                     \
    using BatchNormNdImpl<D, BatchNorm##D##dImpl>::BatchNormNdImpl;            \
  };                                                                           \
  TORSH_MODULE(BatchNorm##D##d)
TORSH_BN_CLASS(1);
TORSH_BN_CLASS(2);
TORSH_BN_CLASS(3);
#undef TORSH_BN_CLASS

class LayerNormImpl : public Cloneable<LayerNormImpl> {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape)  // NOLINT
      : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(LayerNormOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LayerNormOptions options;
  Tensor weight, bias;
};
TORSH_MODULE(LayerNorm);

class GroupNormImpl : public Cloneable<GroupNormImpl> {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels)
      : GroupNormImpl(GroupNormOptions(num_groups, num_channels)) {}
  explicit GroupNormImpl(const GroupNormOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  GroupNormOptions options;
  Tensor weight, bias;
};
TORSH_MODULE(GroupNorm);

class DropoutImpl : public Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  explicit DropoutImpl(const DropoutOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  DropoutOptions options;
};
TORSH_MODULE(Dropout);

/// Dropout2d, Dropout3d, AlphaDropout and FeatureAlphaDropout: DropoutOptions, applied in
/// training mode only, printed as libtorch prints them.
template <typename Derived>
class DropoutVariantImpl : public Cloneable<Derived> {
 public:
  explicit DropoutVariantImpl(double p) : DropoutVariantImpl(DropoutOptions(p)) {}
  explicit DropoutVariantImpl(const DropoutOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  DropoutOptions options;
};
class Dropout2dImpl : public DropoutVariantImpl<Dropout2dImpl> {
 public:
  using DropoutVariantImpl::DropoutVariantImpl;
};
class Dropout3dImpl : public DropoutVariantImpl<Dropout3dImpl> {
 public:
  using DropoutVariantImpl::DropoutVariantImpl;
};
class AlphaDropoutImpl : public DropoutVariantImpl<AlphaDropoutImpl> {
 public:
  using DropoutVariantImpl::DropoutVariantImpl;
};
class FeatureAlphaDropoutImpl : public DropoutVariantImpl<FeatureAlphaDropoutImpl> {
 public:
  using DropoutVariantImpl::DropoutVariantImpl;
};
TORSH_MODULE(Dropout2d);
TORSH_MODULE(Dropout3d);
TORSH_MODULE(AlphaDropout);
TORSH_MODULE(FeatureAlphaDropout);

class EmbeddingImpl : public Cloneable<EmbeddingImpl> {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(EmbeddingOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& indices);
  EmbeddingOptions options;
  Tensor weight;
};
/// The holder of EmbeddingImpl, with libtorch's Embedding::from_pretrained.
class Embedding : public ModuleHolder<EmbeddingImpl> {
 public:
  using ModuleHolder<EmbeddingImpl>::ModuleHolder;
  using Impl = EmbeddingImpl;
  /// An Embedding holding `embeddings` (2-D) as its weight, frozen (requires_grad false) by
  /// default.
  static Embedding from_pretrained(const Tensor& embeddings,
                                   const EmbeddingFromPretrainedOptions& options = {});
};

/// Activations without parameters: forward applies the function; printing as libtorch.
#define TORSH_ACTIVATION(Name, OptionsType)                                    \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
   public:                                                                     \
    explicit Name##Impl(const OptionsType& options = {}) : options(options) {} \
    void reset() override {}                                                   \
    void pretty_print(std::ostream& stream) const override;                    \
    Tensor forward(Tensor input);                                              \
    OptionsType options;                                                       \
  };                                                                           \
  TORSH_MODULE(Name)
struct NoOptions {};
TORSH_ACTIVATION(ReLU, ReLUOptions);
TORSH_ACTIVATION(LeakyReLU, LeakyReLUOptions);
TORSH_ACTIVATION(GELU, GELUOptions);
TORSH_ACTIVATION(Sigmoid, NoOptions);
TORSH_ACTIVATION(Tanh, NoOptions);
TORSH_ACTIVATION(SiLU, NoOptions);
#undef TORSH_ACTIVATION

class SoftmaxImpl : public Cloneable<SoftmaxImpl> {
 public:
  explicit SoftmaxImpl(int64_t dim) : options(dim) {}
  explicit SoftmaxImpl(const SoftmaxOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  SoftmaxOptions options;
};
TORSH_MODULE(Softmax);

class LogSoftmaxImpl : public Cloneable<LogSoftmaxImpl> {
 public:
  explicit LogSoftmaxImpl(int64_t dim) : options(dim) {}
  explicit LogSoftmaxImpl(const LogSoftmaxOptions& options) : options(options) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LogSoftmaxOptions options;
};
TORSH_MODULE(LogSoftmax);

/// Wraps a function of one tensor (with bound extra arguments) as a module.
class FunctionalImpl : public Cloneable<FunctionalImpl> {
 public:
  using Function = std::function<Tensor(Tensor)>;
  explicit FunctionalImpl(Function function) : function_(std::move(function)) {}
  template <typename F, typename Arg, typename... Args>
  explicit FunctionalImpl(F f, Arg arg, Args... args)
      : function_([f, arg, args...](Tensor input) { return f(input, arg, args...); }) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input) { return function_(std::move(input)); }
  Tensor operator()(Tensor input) { return forward(std::move(input)); }

 private:
  Function function_;
};
TORSH_MODULE(Functional);

/// Modules called one after the other, each forward taking and returning one tensor (the last
/// may return another type, read with forward<ReturnType>()).
/// A module with its name, for Sequential's initializer list (libtorch's NamedAnyModule):
/// {"fc", Linear(3, 4)}.
class NamedAnyModule {
 public:
  /// A module's forward on one tensor, as a tensor-to-tensor function (raising when the
  /// module returns something else, e.g. LSTM's tuple) and as one returning its value in a
  /// std::any (for Sequential::forward<ReturnType> when it is the last module).
  struct Bound {
    std::function<Tensor(Tensor)> tensor;
    std::function<std::any(Tensor)> any;
  };
  /// A module's forward bound to a pointer of its own type (given as a Module).
  using Bind = std::function<Bound(const std::shared_ptr<Module>&)>;
  template <typename T>
  static Bind bind_of() {
    return [](const std::shared_ptr<Module>& m) -> Bound {
      auto typed = std::dynamic_pointer_cast<T>(m);
      using R = decltype(typed->forward(std::declval<Tensor>()));
      Bound b;
      if constexpr (std::is_convertible_v<R, Tensor>) {
        b.tensor = [typed](Tensor x) -> Tensor { return typed->forward(std::move(x)); };
        b.any = [typed](Tensor x) -> std::any { return Tensor(typed->forward(std::move(x))); };
      } else {
        b.tensor = [name = m->name()](Tensor) -> Tensor {
          throw Error("Sequential: " + name +
                      "'s forward() does not return a Tensor: it can only be the last module, "
                      "called with forward<ReturnType>()");
        };
        b.any = [typed](Tensor x) -> std::any { return typed->forward(std::move(x)); };
      }
      return b;
    };
  }
  template <typename Holder, typename Contained = typename Holder::ContainedType>
  NamedAnyModule(std::string name, const Holder& holder)
      : name_(std::move(name)), module_(holder.ptr()), bind_(bind_of<Contained>()) {}
  /// {"fc", AnyModule(Linear(3, 4))}.
  NamedAnyModule(std::string name, const AnyModule& any)
      : name_(std::move(name)), module_(any.ptr()), bind_([any](const std::shared_ptr<Module>& m) {
          auto f = any.bind_to(m);
          return Bound{f, [f](Tensor x) -> std::any { return f(std::move(x)); }};
        }) {}
  /// {"fc", LinearImpl(3, 4)}: the module itself (moved into a shared_ptr).
  template <typename T, typename = std::enable_if_t<std::is_base_of_v<Module, T>>>
  NamedAnyModule(std::string name, T module)
      : name_(std::move(name)),
        module_(std::make_shared<T>(std::move(module))),
        bind_(bind_of<T>()) {}
  template <typename T, typename = std::enable_if_t<std::is_base_of_v<Module, T>>>
  NamedAnyModule(std::string name, std::shared_ptr<T> module)
      : name_(std::move(name)), module_(std::move(module)), bind_(bind_of<T>()) {}
  const std::string& name() const noexcept { return name_; }
  const std::shared_ptr<Module>& module() const noexcept { return module_; }
  Bind bind() const noexcept { return bind_; }

 private:
  std::string name_;
  std::shared_ptr<Module> module_;
  Bind bind_;
};

class SequentialImpl : public Cloneable<SequentialImpl> {
 public:
  SequentialImpl() = default;
  template <typename... Modules>
  explicit SequentialImpl(Modules&&... modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  /// Sequential({{"fc", Linear(3, 4)}, {"relu", ReLU()}}): modules under the given names.
  explicit SequentialImpl(std::initializer_list<NamedAnyModule> named_modules) {
    for (const NamedAnyModule& m : named_modules) add(m.name(), m.module(), m.bind());
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  template <typename M>
  void push_back(M&& module) {
    if constexpr (std::is_same_v<std::decay_t<M>, NamedAnyModule>) {
      add(module.name(), module.module(), module.bind());
    } else {
      push_back(std::to_string(forwards_.size()), std::forward<M>(module));
    }
  }
  template <typename Holder>
  void push_back(std::string name, Holder holder) {
    if constexpr (std::is_same_v<std::decay_t<Holder>, AnyModule>) {
      NamedAnyModule named(name, holder);
      add(std::move(name), named.module(), named.bind());
    } else if constexpr (detail::HasPtr<Holder>::value) {
      add_typed(std::move(name), holder.ptr());
    } else if constexpr (std::is_convertible_v<Holder, std::shared_ptr<Module>>) {
      add_typed(std::move(name), holder);
    } else {
      add_typed(std::move(name), std::make_shared<std::decay_t<Holder>>(std::move(holder)));
    }
  }
  /// Appends the modules of another Sequential (shared, not copied), named by position.
  void extend(const SequentialImpl& other) {
    const auto modules = other.modules_;  // a copy: extending a Sequential by itself
    const auto binds = other.binds_;
    for (size_t i = 0; i < modules.size(); ++i) {
      add(std::to_string(forwards_.size()), modules[i], binds[i]);
    }
  }
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& m : container) push_back(m);
  }
  /// Clones every module, keeping the names.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  Tensor forward(Tensor input);
  /// forward<ReturnType>(x), as libtorch spells a typed call: Tensor, or the type the last
  /// module's forward returns (e.g. LSTM's std::tuple<Tensor, std::tuple<Tensor, Tensor>>).
  template <typename ReturnType>
  ReturnType forward(Tensor input) {
    if constexpr (std::is_same_v<ReturnType, Tensor>) {
      return forward(std::move(input));
    } else {
      std::any r = forward_any(std::move(input));
      auto* value = std::any_cast<ReturnType>(&r);
      TORSH_CHECK(value != nullptr, "The type of the return value is ", r.type().name(),
                  ", but you asked for type ", typeid(ReturnType).name());
      return std::move(*value);
    }
  }
  size_t size() const noexcept { return forwards_.size(); }
  bool is_empty() const noexcept { return forwards_.empty(); }
  std::shared_ptr<Module> ptr(size_t index) const { return modules_.at(index); }
  template <typename T>
  T& at(size_t index) {
    auto* m = dynamic_cast<T*>(modules_.at(index).get());
    TORSH_CHECK(m != nullptr, "Sequential::at: module ", index, " has another type");
    return *m;
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 private:
  using Bind = NamedAnyModule::Bind;
  template <typename T>
  void add_typed(std::string name, std::shared_ptr<T> p) {
    add(std::move(name), std::move(p), NamedAnyModule::bind_of<T>());
  }
  void add(std::string name, std::shared_ptr<Module> module, Bind bind);
  std::vector<std::shared_ptr<Module>> modules_;
  /// Runs every module but the last as tensor-to-tensor, the last returning its value.
  std::any forward_any(Tensor input);
  std::vector<std::function<Tensor(Tensor)>> forwards_;
  std::vector<std::function<std::any(Tensor)>> any_forwards_;
  std::vector<Bind> binds_;
};
class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  using Impl = SequentialImpl;
  Sequential() : ModuleHolder<SequentialImpl>() {}
  /// Sequential({{"fc", Linear(3, 4)}, {"relu", ReLU()}}).
  Sequential(std::initializer_list<NamedAnyModule> named_modules)
      : ModuleHolder<SequentialImpl>(std::make_shared<SequentialImpl>(named_modules)) {}
};

/// A list of modules registered as "0", "1", ... (no forward of its own).
class ModuleListImpl : public Cloneable<ModuleListImpl> {
 public:
  ModuleListImpl() = default;
  template <typename... Modules>
  explicit ModuleListImpl(Modules&&... modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  template <typename Holder>
  void push_back(Holder holder) {
    if constexpr (detail::HasPtr<Holder>::value) {
      push_back_ptr(holder.ptr());
    } else if constexpr (std::is_convertible_v<Holder, std::shared_ptr<Module>>) {
      push_back_ptr(holder);
    } else {
      push_back_ptr(std::make_shared<std::decay_t<Holder>>(std::move(holder)));
    }
  }
  void push_back_ptr(std::shared_ptr<Module> module);
  /// Clones every module.
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  std::shared_ptr<Module> ptr(size_t index) const { return modules_.at(index); }
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    return std::dynamic_pointer_cast<T>(modules_.at(index));
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};
TORSH_MODULE(ModuleList);

/// Losses: forward(input, target) with the options' reduction.
#define TORSH_LOSS(Name, OptionsType)                                          \
  class Name##Impl : public Cloneable<Name##Impl> {                            \
   public:                                                                     \
    explicit Name##Impl(const OptionsType& options = {}) : options(options) {} \
    void reset() override {}                                                   \
    void pretty_print(std::ostream& stream) const override;                    \
    Tensor forward(const Tensor& input, const Tensor& target);                 \
    OptionsType options;                                                       \
  };                                                                           \
  TORSH_MODULE(Name)
TORSH_LOSS(MSELoss, MSELossOptions);
TORSH_LOSS(L1Loss, L1LossOptions);
TORSH_LOSS(NLLLoss, NLLLossOptions);
TORSH_LOSS(CrossEntropyLoss, CrossEntropyLossOptions);
TORSH_LOSS(BCELoss, BCELossOptions);
TORSH_LOSS(BCEWithLogitsLoss, BCEWithLogitsLossOptions);
#undef TORSH_LOSS

}  // namespace torsh::nn
