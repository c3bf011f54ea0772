// The reading half of torsh's torch.save format: a restricted unpickler (torch.load's
// weights_only=True) over the zip archive. It understands the opcodes checkpoints use (pickle
// protocols 2 to 5, and the protocol-0/1 forms of the same operations), resolves only an
// allow-list of globals, and checks every length, index and size against the file. A hostile
// file gets a torsh::Error, never a crash: memory is budgeted against the pickle's size, the
// result must be acyclic and at most kMaxDepth deep, and on any failure every container built
// is emptied before it is freed (so a cycle or a deep chain cannot leak or overflow the stack).
#include <bit>
#include <cstring>
#include <map>
#include <unordered_map>

#include "serialize/zip.h"
#include "torsh/core/grad_mode.h"
#include "torsh/ops.h"
#include "torsh/serialize.h"

namespace torsh {
namespace serialize {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the checkpoint reader reads host bytes: little-endian hosts only");

constexpr int kMaxDepth = 1000;  // nesting of containers, so freeing a value cannot overflow

const std::map<std::string, ScalarType>& storage_types() {
  static const std::map<std::string, ScalarType> m{{"DoubleStorage", kDouble},
                                                   {"FloatStorage", kFloat},
                                                   {"HalfStorage", kHalf},
                                                   {"BFloat16Storage", kBFloat16},
                                                   {"LongStorage", kLong},
                                                   {"IntStorage", kInt},
                                                   {"ShortStorage", kShort},
                                                   {"CharStorage", kChar},
                                                   {"ByteStorage", kByte},
                                                   {"BoolStorage", kBool},
                                                   {"ComplexFloatStorage", kComplexFloat},
                                                   {"ComplexDoubleStorage", kComplexDouble}};
  return m;
}

[[noreturn]] void bad(const std::string& what) {
  TORSH_CHECK(false, "torsh.load: malformed checkpoint pickle (", what, ")");
  __builtin_unreachable();
}

// An object on the unpickler's stack: a Value, or one of the things only the pickle sees.
struct Obj {
  enum class Kind { Value, Mark, Global, Storage, RawTuple };
  Kind kind = Kind::Value;
  Value value;
  std::string global;      // "module.name"
  Tensor storage;          // a storage: flat 1-d tensor
  std::vector<Obj> items;  // a tuple holding a global or a storage
  int depth = 0;           // of raw-tuple nesting
};

class Unpickler {
 public:
  Unpickler(const char* data, size_t size, const ZipReader& zip, std::string prefix)
      : p_(data),
        end_(data + size),
        zip_(zip),
        prefix_(std::move(prefix)),
        budget_(128 * static_cast<uint64_t>(size) + (uint64_t{256} << 20)) {}

  Unpickler(const Unpickler&) = delete;
  Unpickler& operator=(const Unpickler&) = delete;
  ~Unpickler() { dismantle(false); }

  Value run() {
    try {
      return run_ops();
    } catch (...) {
      dismantle(true);
      throw;
    }
  }

 private:
  Value run_ops() {
    while (true) {
      const char op = byte();
      switch (op) {
        case '\x80':
          byte();
          break;  // PROTO
        case '\x95':
          take(8);
          break;  // FRAME
        case '.':
          return finish();  // STOP
        case '(':
          marks_.push_back(stack_.size());
          break;
        case '0':
          pop();
          break;  // POP
        case '1':
          pop_mark();
          break;  // POP_MARK
        case '2':
          push(top());
          break;  // DUP
        case 'N':
          push_value(Value());
          break;
        case '\x88':
          push_value(Value(true));
          break;
        case '\x89':
          push_value(Value(false));
          break;
        case 'J':
          push_value(Value(static_cast<int64_t>(le<int32_t>())));
          break;
        case 'K':
          push_value(Value(static_cast<int64_t>(le<uint8_t>())));
          break;
        case 'M':
          push_value(Value(static_cast<int64_t>(le<uint16_t>())));
          break;
        case '\x8a':
          push_value(Value(long_bytes(le<uint8_t>())));
          break;
        case '\x8b':
          push_value(Value(long_bytes(le<uint32_t>())));
          break;
        case 'I':
          text_int();
          break;
        case 'L':
          push_value(Value(parse_int(line(), true)));
          break;
        case 'G':
          push_value(Value(be_double()));
          break;
        case 'F':
          push_value(Value(parse_double(line())));
          break;
        case 'X':
          push_value(Value(str(le<uint32_t>())));
          break;
        case '\x8c':
          push_value(Value(str(le<uint8_t>())));
          break;
        case '\x8d':
          push_value(Value(str(checked_len(le<uint64_t>()))));
          break;
        case 'T':
          push_value(Value(str(checked_len(le<int32_t>()))));
          break;
        case 'U':
          push_value(Value(str(le<uint8_t>())));
          break;
        case 'V': {  // UNICODE (protocol 0): plain ASCII only, never guessed at
          std::string s = line();
          for (char c : s) {
            if (c == '\\' || static_cast<unsigned char>(c) >= 0x80)
              bad("a protocol-0 string with escapes (save with protocol 2 or later)");
          }
          push_value(Value(std::move(s)));
          break;
        }
        case ')':
          push_value(Value::tuple());
          break;
        case 't':
          tuple(pop_mark());
          break;
        case '\x85':
          tuple(pop_n(1));
          break;
        case '\x86':
          tuple(pop_n(2));
          break;
        case '\x87':
          tuple(pop_n(3));
          break;
        case ']':
          push_value(Value::list());
          break;
        case 'l': {
          std::vector<Obj> items = pop_mark();
          push_value(Value::list());
          append(std::move(items));
          break;
        }
        case 'a':
          append(pop_n(1));
          break;
        case 'e':
          append(pop_mark());
          break;
        case '}':
          push_value(Value::dict({}, false));
          break;
        case 'd': {
          std::vector<Obj> kv = pop_mark();
          push_value(Value::dict({}, false));
          set_items(std::move(kv));
          break;
        }
        case 's':
          set_items(pop_n(2));
          break;
        case 'u':
          set_items(pop_mark());
          break;
        case 'c': {
          std::string module = line();
          std::string name = line();
          push_global(module, name);
          break;
        }
        case '\x93': {  // STACK_GLOBAL
          Obj name = pop(), module = pop();
          if (name.kind != Obj::Kind::Value || module.kind != Obj::Kind::Value ||
              name.value.kind() != Value::Kind::String ||
              module.value.kind() != Value::Kind::String)
            bad("STACK_GLOBAL needs two strings");
          push_global(module.value.toStringRef(), name.value.toStringRef());
          break;
        }
        case 'R':
          reduce();
          break;
        case 'b':
          build();
          break;
        case 'Q':
          persistent(pop());
          break;
        case 'q':
          memo_put(le<uint8_t>());
          break;
        case 'r':
          memo_put(le<uint32_t>());
          break;
        case 'p':
          memo_put(static_cast<uint64_t>(parse_int(line(), false)));
          break;
        case '\x94':
          memo_put(memo_.size());
          break;  // MEMOIZE
        case 'h':
          memo_get(le<uint8_t>());
          break;
        case 'j':
          memo_get(le<uint32_t>());
          break;
        case 'g':
          memo_get(static_cast<uint64_t>(parse_int(line(), false)));
          break;
        default: {
          const auto code = static_cast<unsigned>(static_cast<unsigned char>(op));
          TORSH_CHECK(false, "torsh.load: the checkpoint's pickle uses opcode 0x", std::hex, code,
                      ", which a weights-only load does not support");
        }
      }
    }
  }

  // ---- reading the byte stream ----
  const char* take(uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - p_)) bad("truncated");
    const char* r = p_;
    p_ += n;
    return r;
  }
  char byte() { return *take(1); }
  template <typename T>
  T le() {
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  uint64_t checked_len(int64_t n) {
    if (n < 0) bad("negative length");
    return static_cast<uint64_t>(n);
  }
  std::string str(uint64_t n) {
    const char* s = take(n);
    return std::string(s, n);
  }
  std::string line() {
    const char* nl = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
    if (nl == nullptr) bad("unterminated line");
    std::string s(p_, nl);
    p_ = nl + 1;
    return s;
  }
  double be_double() {
    const char* b = take(8);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<unsigned char>(b[i]);
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  int64_t long_bytes(uint64_t n) {
    TORSH_CHECK(n <= 8, "torsh.load: an integer of ", n, " bytes does not fit in 64 bits");
    const char* b = take(n);
    uint64_t v = 0;
    for (uint64_t i = 0; i < n; ++i) v |= uint64_t(static_cast<unsigned char>(b[i])) << (8 * i);
    if (n > 0 && n < 8 && (static_cast<unsigned char>(b[n - 1]) & 0x80)) v |= ~0ull << (8 * n);
    return static_cast<int64_t>(v);
  }
  static int64_t parse_int(std::string s, bool long_suffix) {
    if (long_suffix && !s.empty() && s.back() == 'L') s.pop_back();
    size_t used = 0;
    int64_t v = 0;
    try {
      v = std::stoll(s, &used);
    } catch (const std::exception&) {
      bad("bad integer '" + s + "'");
    }
    if (used != s.size()) bad("bad integer '" + s + "'");
    return v;
  }
  static double parse_double(const std::string& s) {
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      bad("bad float '" + s + "'");
    }
    if (used != s.size()) bad("bad float '" + s + "'");
    return v;
  }
  void text_int() {
    const std::string s = line();
    if (s == "01" || s == "00") {
      push_value(Value(s == "01"));
    } else {
      push_value(Value(parse_int(s, false)));
    }
  }

  // ---- the stack ----
  // Memory a copy of o costs (its own bytes, a string's, a raw tuple's items): the budget
  // bounds what DUP and memo gets can multiply.
  void charge(const Obj& o) {
    uint64_t bytes = sizeof(Obj) + o.items.size() * sizeof(Obj) + o.global.size();
    if (o.value.kind() == Value::Kind::String) bytes += o.value.toStringRef().size();
    TORSH_CHECK(bytes <= budget_,
                "torsh.load: the checkpoint's pickle would need more memory "
                "than a pickle of its size can describe (a hostile file?)");
    budget_ -= bytes;
  }
  void push(Obj o) {
    charge(o);
    stack_.push_back(std::move(o));
  }
  void push_value(Value v) {
    const Value::Kind k = v.kind();
    if (k == Value::Kind::List || k == Value::Kind::Dict || k == Value::Kind::Tuple) {
      containers_.push_back(v);  // emptied by dismantle() when the load fails
    }
    Obj o{};
    o.value = std::move(v);
    push(std::move(o));
  }
  Obj pop() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) bad("stack underflow");
    Obj o = std::move(stack_.back());
    stack_.pop_back();
    return o;
  }
  Obj& top() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) bad("empty stack");
    return stack_.back();
  }
  std::vector<Obj> pop_n(size_t n) {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) bad("stack underflow");
    std::vector<Obj> r(std::make_move_iterator(stack_.end() - static_cast<ptrdiff_t>(n)),
                       std::make_move_iterator(stack_.end()));
    stack_.resize(stack_.size() - n);
    return r;
  }
  std::vector<Obj> pop_mark() {
    if (marks_.empty()) bad("no mark");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Obj> r(std::make_move_iterator(stack_.begin() + static_cast<ptrdiff_t>(m)),
                       std::make_move_iterator(stack_.end()));
    stack_.resize(m);
    return r;
  }

  static Value as_value(Obj& o, const char* where) {
    if (o.kind != Obj::Kind::Value) bad(std::string("a global or storage inside a ") + where);
    return o.value;
  }
  void tuple(std::vector<Obj> items) {
    bool plain = true;
    for (const Obj& o : items) plain = plain && o.kind == Obj::Kind::Value;
    Obj t{};
    if (!plain) {
      t.kind = Obj::Kind::RawTuple;
      // only raw tuples can nest without a Value container in between: containers are emptied
      // by dismantle() before they are freed, and check_shape() bounds the result
      for (const Obj& o : items) t.depth = std::max(t.depth, o.depth + 1);
      TORSH_CHECK(t.depth <= kMaxDepth, "torsh.load: containers nested more than ", kMaxDepth,
                  " deep");
      t.items = std::move(items);
      push(std::move(t));
      return;
    }
    List values;
    for (Obj& o : items) values.push_back(std::move(o.value));
    t.value = Value::tuple(std::move(values));
    containers_.push_back(t.value);
    push(std::move(t));
  }
  void append(std::vector<Obj> items) {
    Obj& list = top();
    if (list.kind != Obj::Kind::Value || list.value.kind() != Value::Kind::List)
      bad("APPEND to a non-list");
    for (Obj& o : items) list.value.toList().push_back(as_value(o, "list"));
  }
  void set_items(std::vector<Obj> kv) {
    if (kv.size() % 2) bad("odd SETITEMS");
    Obj& dict = top();
    if (dict.kind != Obj::Kind::Value || dict.value.kind() != Value::Kind::Dict)
      bad("SETITEM on a non-dict");
    Dict& entries = dict.value.toDict();
    auto& index = key_index_[&entries];
    for (size_t i = 0; i < kv.size(); i += 2) {
      Value k = as_value(kv[i], "dict key"), v = as_value(kv[i + 1], "dict");
      std::string id;  // a repeated str or int key replaces the entry, as in Python
      if (k.kind() == Value::Kind::String) id = "s" + k.toStringRef();
      if (k.kind() == Value::Kind::Int) id = "i" + std::to_string(k.toInt());
      if (!id.empty()) {
        auto [it, fresh] = index.emplace(id, entries.size());
        if (!fresh) {
          entries[it->second].second = std::move(v);
          continue;
        }
      }
      entries.emplace_back(std::move(k), std::move(v));
    }
  }

  void memo_put(uint64_t i) {
    TORSH_CHECK(i < (1u << 24), "torsh.load: memo index ", i, " out of range");
    charge(top());
    memo_[i] = top();
  }
  void memo_get(uint64_t i) {
    auto it = memo_.find(i);
    if (it == memo_.end()) bad("memo index " + std::to_string(i) + " was never stored");
    push(it->second);
  }

  // ---- globals, REDUCE, BUILD, persistent storages ----
  void push_global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    const bool storage = module == "torch" && storage_types().count(name) > 0;
    const bool allowed =
        storage || full == "collections.OrderedDict" || full == "torch._utils._rebuild_tensor_v2" ||
        full == "torch._utils._rebuild_parameter" ||
        full == "torch._utils._rebuild_parameter_with_state" || full == "torch.Size";
    TORSH_CHECK(allowed, "torsh.load: the checkpoint names ", full,
                ", which a weights-only load does not allow (it reads tensors, numbers, ",
                "strings, and lists, tuples and dicts of them)");
    Obj o{};
    o.kind = Obj::Kind::Global;
    o.global = full;
    push(std::move(o));
  }

  static std::vector<Obj> tuple_items(Obj& args) {
    if (args.kind == Obj::Kind::RawTuple) return std::move(args.items);
    if (args.kind != Obj::Kind::Value || args.value.kind() != Value::Kind::Tuple)
      bad("REDUCE arguments are not a tuple");
    std::vector<Obj> r;
    for (const Value& v : args.value.toList()) {
      Obj o{};
      o.value = v;
      r.push_back(std::move(o));
    }
    return r;
  }
  static std::vector<int64_t> ints(const Obj& o, const char* what) {
    if (o.kind != Obj::Kind::Value || o.value.kind() != Value::Kind::Tuple)
      bad(std::string(what) + " is not a tuple");
    std::vector<int64_t> r;
    for (const Value& v : o.value.toList()) {
      if (v.kind() != Value::Kind::Int) bad(std::string(what) + " holds a non-integer");
      r.push_back(v.toInt());
    }
    return r;
  }
  static bool flag(const Obj& o) {
    if (o.kind != Obj::Kind::Value || o.value.kind() != Value::Kind::Bool) bad("expected a bool");
    return o.value.toBool();
  }
  static Tensor tensor_arg(const Obj& o) {
    if (o.kind != Obj::Kind::Value || o.value.kind() != Value::Kind::Tensor)
      bad("expected a tensor");
    return o.value.toTensor();
  }

  void reduce() {
    Obj args = pop(), fn = pop();
    if (fn.kind != Obj::Kind::Global) bad("REDUCE of a non-callable");
    std::vector<Obj> a = tuple_items(args);
    const std::string& f = fn.global;
    if (f == "collections.OrderedDict") {
      if (!a.empty()) bad("OrderedDict with arguments");
      push_value(Value::dict({}, true));
    } else if (f == "torch._utils._rebuild_tensor_v2") {
      if (a.size() < 5 || a[0].kind != Obj::Kind::Storage) bad("_rebuild_tensor_v2 arguments");
      if (a[1].kind != Obj::Kind::Value || a[1].value.kind() != Value::Kind::Int)
        bad("storage offset");
      const std::vector<int64_t> size = ints(a[2], "size"), stride = ints(a[3], "stride");
      if (size.size() != stride.size()) bad("size and stride differ in length");
      const int64_t offset = a[1].value.toInt();
      if (offset < 0 || offset > a[0].storage.numel()) bad("storage offset out of range");
      Tensor t;
      {
        NoGradGuard no_grad;  // as_strided checks the view against the storage
        t = torsh::as_strided(a[0].storage, size, stride, a[1].value.toInt()).detach();
      }
      if (flag(a[4])) t.requires_grad_(true);
      push_value(Value(std::move(t)));
    } else if (f == "torch._utils._rebuild_parameter" ||
               f == "torch._utils._rebuild_parameter_with_state") {
      if (a.size() < 2) bad("_rebuild_parameter arguments");
      Tensor t = tensor_arg(a[0]).detach();
      if (flag(a[1])) t.requires_grad_(true);
      push_value(Value(std::move(t)));
    } else if (f == "torch.Size") {
      if (a.size() != 1) bad("torch.Size arguments");
      ints(a[0], "torch.Size");
      push(std::move(a[0]));
    } else {
      bad("REDUCE of " + f);
    }
  }

  void build() {
    Obj state = pop();
    Obj& target = top();
    (void)state;  // a state_dict's _metadata, or a tensor's python attributes: not kept
    if (target.kind != Obj::Kind::Value ||
        (target.value.kind() != Value::Kind::Dict && target.value.kind() != Value::Kind::Tensor))
      bad("BUILD of an unsupported object");
  }

  void persistent(Obj pid) {
    std::vector<Obj> a = tuple_items(pid);
    if (a.size() < 5 || a[0].kind != Obj::Kind::Value || a[0].value.kind() != Value::Kind::String ||
        a[0].value.toStringRef() != "storage" || a[1].kind != Obj::Kind::Global ||
        a[2].kind != Obj::Kind::Value || a[2].value.kind() != Value::Kind::String ||
        a[4].kind != Obj::Kind::Value || a[4].value.kind() != Value::Kind::Int)
      bad("persistent id is not a storage");
    const std::string type = a[1].global.substr(a[1].global.rfind('.') + 1);
    const auto it = storage_types().find(type);
    TORSH_CHECK(it != storage_types().end(), "torsh.load: unsupported storage type ", type);
    const std::string& key = a[2].value.toStringRef();
    auto cached = storages_.find(key);
    Obj o{};
    o.kind = Obj::Kind::Storage;
    if (cached != storages_.end()) {
      TORSH_CHECK(cached->second.dtype() == it->second, "torsh.load: storage ", key,
                  " is read as two different types");
      o.storage = cached->second;
      push(std::move(o));
      return;
    }
    const int64_t numel = a[4].value.toInt();
    const auto [data, size] = zip_.get(prefix_ + "data/" + key);
    const size_t item = element_size(it->second);
    // torch accepts a record longer than numel elements (a storage viewed as a wider dtype)
    TORSH_CHECK(numel >= 0 && static_cast<uint64_t>(numel) <= size / item, "torsh.load: storage ",
                key, " should hold ", numel, " elements of ", item, " bytes but its record has ",
                size, " bytes");
    Tensor flat = torsh::empty({numel}, TensorOptions(it->second));
    const size_t used = static_cast<size_t>(numel) * item;
    if (it->second == kBool) {  // any nonzero byte is true: a bool holds only 0 and 1
      auto* dst = static_cast<uint8_t*>(flat.data_ptr());
      for (size_t i = 0; i < used; ++i) dst[i] = data[i] != 0;
    } else if (used > 0) {
      std::memcpy(flat.data_ptr(), data, used);
    }
    storages_.emplace(key, flat);
    o.storage = flat;
    push(std::move(o));
  }

  Value finish() {
    if (!marks_.empty() || stack_.size() != 1) bad("unbalanced stack at STOP");
    Obj o = pop();
    Value result = as_value(o, "result");
    check_shape(result);
    dismantle(false);  // what the memo kept but the result does not hold
    return result;
  }

  static const void* node_of(const Value& v) {
    const Value::Kind k = v.kind();
    if (k == Value::Kind::List || k == Value::Kind::Tuple) return &v.toList();
    if (k == Value::Kind::Dict) return &v.toDict();
    return nullptr;
  }

  // The result must be a tree-or-DAG of containers at most kMaxDepth deep: an iterative walk
  // (each container once), so a hostile structure cannot overflow the stack here either.
  void check_shape(const Value& root) {
    struct Frame {
      const Value* v;
      size_t next;
    };
    std::vector<Frame> path;
    if (node_of(root) == nullptr) return;
    path.push_back({&root, 0});
    reachable_.emplace(node_of(root), 1);  // 1: on the path, 2: done
    while (!path.empty()) {
      Frame& f = path.back();
      const Value* child = nullptr;
      const Value::Kind k = f.v->kind();
      if (k == Value::Kind::Dict) {
        const Dict& d = f.v->toDict();
        if (f.next < 2 * d.size()) {
          child = f.next % 2 ? &d[f.next / 2].second : &d[f.next / 2].first;
          ++f.next;
        }
      } else {
        const List& l = f.v->toList();
        if (f.next < l.size()) child = &l[f.next++];
      }
      if (child == nullptr) {
        reachable_[node_of(*f.v)] = 2;
        path.pop_back();
        continue;
      }
      const void* id = node_of(*child);
      if (id == nullptr) continue;
      auto [it, fresh] = reachable_.emplace(id, 1);
      if (!fresh) {
        if (it->second == 1) bad("a container holds itself (a reference cycle)");
        continue;
      }
      TORSH_CHECK(path.size() < static_cast<size_t>(kMaxDepth),
                  "torsh.load: containers nested more than ", kMaxDepth, " deep");
      path.push_back({child, 0});
    }
  }

  // Empties every container built (all of them after a failure, otherwise those the result
  // does not reach), so that freeing them never recurses deeply nor leaks a cycle.
  void dismantle(bool all) {
    for (Value& c : containers_) {
      const void* id = node_of(c);
      if (!all && reachable_.count(id)) continue;
      if (c.kind() == Value::Kind::Dict) {
        Dict().swap(c.toDict());
      } else {
        List().swap(c.toList());
      }
    }
    containers_.clear();
    memo_.clear();
    stack_.clear();
  }

  const char* p_;
  const char* end_;
  const ZipReader& zip_;
  std::string prefix_;
  std::vector<Obj> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Obj> memo_;
  std::map<std::string, Tensor> storages_;
  uint64_t budget_;
  std::vector<Value> containers_;
  std::unordered_map<const void*, int> reachable_;
  std::unordered_map<const Dict*, std::unordered_map<std::string, size_t>> key_index_;
};

}  // namespace
}  // namespace serialize

serialize::Value pickle_load(const std::vector<char>& data) {
  serialize::ZipReader zip(data);
  // torch's rule: the archive's folder is the first record's, and data.pkl sits in it
  const std::vector<std::string> names = zip.names();
  TORSH_CHECK(!names.empty(), "torsh.load: the archive is empty (not a torch.save checkpoint?)");
  const std::string folder = names[0].substr(0, names[0].find('/') + 1);
  const std::string pkl = folder + "data.pkl";
  TORSH_CHECK(!folder.empty() && zip.has(pkl), "torsh.load: the archive has no ", pkl,
              " record (not a torch.save checkpoint?)");
  if (zip.has(folder + "byteorder")) {  // written by torch 2.1 and later
    const auto [order, n] = zip.get(folder + "byteorder");
    TORSH_CHECK(std::string(order, n) == "little", "torsh.load: the checkpoint was saved on a ",
                std::string(order, n), "-endian machine; torsh reads little-endian ones");
  }
  const auto [bytes, size] = zip.get(pkl);
  serialize::Unpickler u(bytes, size, zip, pkl.substr(0, pkl.size() - 8));
  return u.run();
}

}  // namespace torsh
