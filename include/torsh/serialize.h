#pragma once
// Checkpoints in PyTorch's own format (torch.save's zip archive with a pickle inside), from C++:
// a file written here loads in PyTorch with torch.load, and a torch.save file loads here.
//
//   torsh::save(model, "model.pt");          // model.state_dict(), as torch.save writes it
//   torsh::load(model, "model.pt");          // strict: every key present, every shape equal
//   torsh::save(tensor, "t.pt");  torsh::load(tensor, "t.pt");
//   auto v = torsh::load("any.pt");          // a serialize::Value: dicts, lists, tensors, ...
//
// Reading is restricted as torch.load(weights_only=True): only the names a checkpoint of
// tensors and containers needs (OrderedDict, torch's tensor rebuild functions, the storage
// types, torch.Size) are accepted; anything else is an error naming it, and no code runs.
// Files are written atomically (temporary file, fsync, rename).
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/nn/module.h"

namespace torsh {
namespace optim {
class Optimizer;
}  // namespace optim
namespace serialize {

class Value;
using List = std::vector<Value>;
/// A dict's entries in insertion order (Python dicts keep it; state_dicts are OrderedDicts).
using Dict = std::vector<std::pair<Value, Value>>;

/// One value of a checkpoint: None, bool, int, float, str, Tensor, list, tuple or dict.
class Value {
 public:
  enum class Kind { None, Bool, Int, Double, String, Tensor, List, Tuple, Dict };

  Value() = default;
  Value(bool v) : v_(v) {}  // NOLINT
  /// Any integer type (an unsigned one above INT64_MAX raises).
  template <typename I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                             !std::is_same_v<I, char>,
                                         int> = 0>
  Value(I v) : v_(checked_int(v)) {}            // NOLINT
  Value(double v) : v_(v) {}                    // NOLINT
  Value(std::string v) : v_(std::move(v)) {}    // NOLINT
  Value(const char* v) : v_(std::string(v)) {}  // NOLINT
  Value(char* v) : v_(std::string(v)) {}        // NOLINT
  Value(Tensor v) : v_(std::move(v)) {}         // NOLINT
  /// Pointers would otherwise turn into bools: save(&tensor, path) must not write True.
  template <typename T>
  Value(T*) = delete;
  Value(std::nullptr_t) = delete;
  static Value list(List items = {});
  static Value tuple(List items = {});
  /// ordered: written as collections.OrderedDict (what state_dict() returns) or a plain dict.
  static Value dict(Dict entries = {}, bool ordered = true);

  Kind kind() const noexcept;
  bool is_none() const noexcept { return kind() == Kind::None; }
  bool toBool() const;
  int64_t toInt() const;
  /// An int or a float, as a double.
  double toDouble() const;
  const std::string& toStringRef() const;
  const Tensor& toTensor() const;
  /// A list's or a tuple's items.
  const List& toList() const;
  List& toList();
  const Dict& toDict() const;
  Dict& toDict();
  bool is_ordered_dict() const;
  /// The value under a string key of a dict, or nullptr.
  const Value* find(const std::string& key) const;

 private:
  template <typename I>
  static int64_t checked_int(I v) {
    if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(int64_t)) {
      TORSH_CHECK(v <= static_cast<I>(INT64_MAX), "serialize::Value: ", v,
                  " does not fit in a 64-bit signed integer");
    }
    return static_cast<int64_t>(v);
  }
  struct Seq {
    List items;
    bool tuple;
  };
  struct Map {
    Dict entries;
    bool ordered;
  };
  // Lists and dicts are shared between copies, as Python objects are (a pickle's memo relies
  // on it).
  std::variant<std::monostate, bool, int64_t, double, std::string, Tensor, std::shared_ptr<Seq>,
               std::shared_ptr<Map>>
      v_;
};

}  // namespace serialize

/// torch.save's bytes for value: a zip archive (archive/data.pkl, archive/data/<n>, version).
std::vector<char> pickle_save(const serialize::Value& value);
/// The value in torch.save's bytes (restricted as weights_only=True; see above).
serialize::Value pickle_load(const std::vector<char>& data);

/// Writes value to path as torch.save does, atomically.
void save(const serialize::Value& value, const std::string& path);
/// Reads a torch.save file (zip format).
serialize::Value load(const std::string& path);

void save(const Tensor& tensor, const std::string& path);
/// Replaces tensor with the one in the file.
void load(Tensor& tensor, const std::string& path);
/// A list of tensors (torch.save of a Python list; libtorch's save of a std::vector<Tensor>).
void save(const std::vector<Tensor>& tensors, const std::string& path);
/// Replaces tensors with the list (or tuple) of tensors in the file.
void load(std::vector<Tensor>& tensors, const std::string& path);

/// The module's state_dict (parameters then buffers of each module, depth first, with dotted
/// names; undefined ones left out), as PyTorch's Module.state_dict() orders it.
std::vector<std::pair<std::string, Tensor>> state_dict(const nn::Module& module);
/// Copies a state_dict into the module's parameters and buffers, as load_state_dict(strict=True):
/// missing or unexpected keys and shape mismatches raise, naming them all.
void load_state_dict(nn::Module& module, const serialize::Value& state);

/// torch.save(model.state_dict(), path).
void save(const nn::Module& module, const std::string& path);
/// model.load_state_dict(torch.load(path)).
void load(nn::Module& module, const std::string& path);
/// optimizer.state_dict() in PyTorch's format ({"state": {index: {...}}, "param_groups": [...]},
/// the keys torch 1.13's SGD, Adam and AdamW write), so torch's optimizers load it.
serialize::Value optimizer_state_dict(const optim::Optimizer& optimizer);
/// optimizer.load_state_dict(state): the groups' options and the per-parameter state (cast to
/// each parameter's dtype), all checked before anything changes.
void load_optimizer_state_dict(optim::Optimizer& optimizer, const serialize::Value& state);
/// torch.save(optimizer.state_dict(), path).
void save(const optim::Optimizer& optimizer, const std::string& path);
/// optimizer.load_state_dict(torch.load(path)).
void load(optim::Optimizer& optimizer, const std::string& path);

template <typename Contained>
void save(const nn::ModuleHolder<Contained>& module, const std::string& path) {
  save(static_cast<const nn::Module&>(*module), path);
}
template <typename Contained>
void load(nn::ModuleHolder<Contained>& module, const std::string& path) {
  load(static_cast<nn::Module&>(*module), path);
}
/// torch::save(std::make_shared<Net>(), path) and the matching load, as libtorch takes them.
template <typename M, typename = std::enable_if_t<std::is_base_of_v<nn::Module, M>>>
void save(const std::shared_ptr<M>& module, const std::string& path) {
  TORSH_CHECK(module != nullptr, "torsh.save: the module pointer is null");
  save(static_cast<const nn::Module&>(*module), path);
}
template <typename M, typename = std::enable_if_t<std::is_base_of_v<nn::Module, M>>>
void load(const std::shared_ptr<M>& module, const std::string& path) {
  TORSH_CHECK(module != nullptr, "torsh.load: the module pointer is null");
  load(static_cast<nn::Module&>(*module), path);
}

}  // namespace torsh
