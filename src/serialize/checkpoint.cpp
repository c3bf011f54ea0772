// serialize::Value, and the file and module forms of torsh::save / torsh::load.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "serialize/file_io.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/serialize.h"

namespace torsh {
namespace serialize {
namespace {

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::None:
      return "None";
    case Value::Kind::Bool:
      return "bool";
    case Value::Kind::Int:
      return "int";
    case Value::Kind::Double:
      return "float";
    case Value::Kind::String:
      return "str";
    case Value::Kind::Tensor:
      return "Tensor";
    case Value::Kind::List:
      return "list";
    case Value::Kind::Tuple:
      return "tuple";
    case Value::Kind::Dict:
      return "dict";
  }
  return "?";
}

}  // namespace

Value Value::list(List items) {
  Value v;
  v.v_ = std::make_shared<Seq>(Seq{std::move(items), false});
  return v;
}
Value Value::tuple(List items) {
  Value v;
  v.v_ = std::make_shared<Seq>(Seq{std::move(items), true});
  return v;
}
Value Value::dict(Dict entries, bool ordered) {
  Value v;
  v.v_ = std::make_shared<Map>(Map{std::move(entries), ordered});
  return v;
}

Value::Kind Value::kind() const noexcept {
  switch (v_.index()) {
    case 0:
      return Kind::None;
    case 1:
      return Kind::Bool;
    case 2:
      return Kind::Int;
    case 3:
      return Kind::Double;
    case 4:
      return Kind::String;
    case 5:
      return Kind::Tensor;
    case 6:
      return std::get<6>(v_)->tuple ? Kind::Tuple : Kind::List;
    default:
      return Kind::Dict;
  }
}

#define TORSH_VALUE_AS(cond, want) \
  TORSH_CHECK(cond, "serialize::Value: expected ", want, " but got ", kind_name(kind()))

bool Value::toBool() const {
  TORSH_VALUE_AS(kind() == Kind::Bool, "bool");
  return std::get<bool>(v_);
}
int64_t Value::toInt() const {
  TORSH_VALUE_AS(kind() == Kind::Int, "int");
  return std::get<int64_t>(v_);
}
double Value::toDouble() const {
  if (kind() == Kind::Int) return static_cast<double>(std::get<int64_t>(v_));
  TORSH_VALUE_AS(kind() == Kind::Double, "float");
  return std::get<double>(v_);
}
const std::string& Value::toStringRef() const {
  TORSH_VALUE_AS(kind() == Kind::String, "str");
  return std::get<std::string>(v_);
}
const Tensor& Value::toTensor() const {
  TORSH_VALUE_AS(kind() == Kind::Tensor, "Tensor");
  return std::get<Tensor>(v_);
}
const List& Value::toList() const {
  TORSH_VALUE_AS(kind() == Kind::List || kind() == Kind::Tuple, "list or tuple");
  return std::get<6>(v_)->items;
}
List& Value::toList() {
  TORSH_VALUE_AS(kind() == Kind::List || kind() == Kind::Tuple, "list or tuple");
  return std::get<6>(v_)->items;
}
const Dict& Value::toDict() const {
  TORSH_VALUE_AS(kind() == Kind::Dict, "dict");
  return std::get<7>(v_)->entries;
}
Dict& Value::toDict() {
  TORSH_VALUE_AS(kind() == Kind::Dict, "dict");
  return std::get<7>(v_)->entries;
}
bool Value::is_ordered_dict() const { return kind() == Kind::Dict && std::get<7>(v_)->ordered; }

const Value* Value::find(const std::string& key) const {
  for (const auto& [k, v] : toDict()) {
    if (k.kind() == Kind::String && k.toStringRef() == key) return &v;
  }
  return nullptr;
}

#undef TORSH_VALUE_AS

}  // namespace serialize

void save(const serialize::Value& value, const std::string& path) {
  const std::vector<char> bytes = pickle_save(value);
  serialize::write_atomically(path, {{bytes.data(), bytes.size()}}, "torsh.save");
}

serialize::Value load(const std::string& path) {
  return pickle_load(serialize::read_file(path, "torsh.load"));
}

void save(const Tensor& tensor, const std::string& path) { save(serialize::Value(tensor), path); }

void save(const std::vector<Tensor>& tensors, const std::string& path) {
  serialize::List items(tensors.begin(), tensors.end());
  save(serialize::Value::list(std::move(items)), path);
}

void load(std::vector<Tensor>& tensors, const std::string& path) {
  const serialize::Value v = load(path);
  TORSH_CHECK(v.kind() == serialize::Value::Kind::List || v.kind() == serialize::Value::Kind::Tuple,
              "torsh.load: ", path, " does not hold a list of tensors");
  std::vector<Tensor> out;
  for (const auto& item : v.toList()) {
    TORSH_CHECK(item.kind() == serialize::Value::Kind::Tensor, "torsh.load: ", path,
                " holds a list with an entry that is not a tensor");
    out.push_back(item.toTensor());
  }
  tensors = std::move(out);
}

void load(Tensor& tensor, const std::string& path) {
  const serialize::Value v = load(path);
  TORSH_CHECK(v.kind() == serialize::Value::Kind::Tensor, "torsh.load: ", path,
              " does not hold a tensor");
  tensor = v.toTensor();
}

namespace {

void collect_state(const nn::Module& m, const std::string& prefix,
                   std::vector<std::pair<std::string, Tensor>>& out) {
  for (const auto& p : m.named_parameters(false)) {
    if (p.value().defined()) out.emplace_back(prefix + p.key(), p.value());
  }
  for (const auto& b : m.named_buffers(false)) {
    if (b.value().defined()) out.emplace_back(prefix + b.key(), b.value());
  }
  for (const auto& c : m.named_children()) collect_state(*c.value(), prefix + c.key() + ".", out);
}

std::string shape_of(const Tensor& t) {
  std::ostringstream s;
  s << "torch.Size([";
  for (int64_t d = 0; d < t.dim(); ++d) s << (d ? ", " : "") << t.size(d);
  s << "])";
  return s.str();
}

}  // namespace

std::vector<std::pair<std::string, Tensor>> state_dict(const nn::Module& module) {
  std::vector<std::pair<std::string, Tensor>> out;
  collect_state(module, "", out);
  for (auto& [name, t] : out) t = t.detach();
  return out;
}

void load_state_dict(nn::Module& module, const serialize::Value& state) {
  TORSH_CHECK(state.kind() == serialize::Value::Kind::Dict,
              "load_state_dict: expected a dict of tensors");
  std::vector<std::pair<std::string, Tensor>> own;
  collect_state(module, "", own);
  std::vector<std::string> missing, unexpected, mismatched;
  std::vector<std::pair<Tensor, Tensor>> copies;
  std::unordered_map<std::string, const serialize::Value*> saved;
  for (const auto& [k, v] : state.toDict()) {
    if (k.kind() == serialize::Value::Kind::String) saved.emplace(k.toStringRef(), &v);
  }
  for (const auto& [name, dest] : own) {
    const auto found = saved.find(name);
    const serialize::Value* v = found == saved.end() ? nullptr : found->second;
    if (v == nullptr) {
      missing.push_back(name);
      continue;
    }
    TORSH_CHECK(v->kind() == serialize::Value::Kind::Tensor, "load_state_dict: '", name,
                "' is not a tensor in the checkpoint");
    const Tensor& src = v->toTensor();
    if (src.sizes().vec() != dest.sizes().vec()) {
      mismatched.push_back("size mismatch for " + name + ": copying a param with shape " +
                           shape_of(src) + " from checkpoint, the shape in current model is " +
                           shape_of(dest) + ".");
      continue;
    }
    copies.emplace_back(dest, src);
  }
  std::unordered_set<std::string> own_names;
  for (const auto& o : own) own_names.insert(o.first);
  for (const auto& [k, v] : state.toDict()) {
    if (k.kind() == serialize::Value::Kind::String && !own_names.count(k.toStringRef())) {
      unexpected.push_back(k.toStringRef());
    }
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::ostringstream msg;
    msg << "Error(s) in loading state_dict for " << module.name() << ":";
    auto keys = [&](const char* what, const std::vector<std::string>& names) {
      if (names.empty()) return;
      msg << "\n\t" << what << " key(s) in state_dict: ";
      for (size_t i = 0; i < names.size(); ++i) msg << (i ? ", " : "") << '"' << names[i] << '"';
      msg << ".";
    };
    keys("Missing", missing);
    keys("Unexpected", unexpected);
    for (const auto& m : mismatched) msg << "\n\t" << m;
    TORSH_CHECK(false, msg.str());
  }
  NoGradGuard no_grad;  // all checked first: a failed load leaves the module unchanged
  for (auto& [dest, src] : copies) dest.copy_(src);
}

void save(const nn::Module& module, const std::string& path) {
  serialize::Dict entries;
  for (auto& [name, t] : state_dict(module)) entries.emplace_back(name, t);
  save(serialize::Value::dict(std::move(entries), true), path);
}

void load(nn::Module& module, const std::string& path) { load_state_dict(module, load(path)); }

}  // namespace torsh
