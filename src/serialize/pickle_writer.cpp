// The writing half of torsh's torch.save format: a protocol-2 pickle of the value, as PyTorch's
// pickler writes it (tensors as torch._utils._rebuild_tensor_v2 over persistent storages, dicts
// as collections.OrderedDict or dict), and the zip archive around it.
#include <bit>
#include <cstring>
#include <unordered_map>

#include "serialize/zip.h"
#include "torsh/ops.h"
#include "torsh/serialize.h"

namespace torsh {
namespace serialize {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the checkpoint writer stores host bytes: little-endian hosts only");

// torch's storage class for each dtype
const char* storage_name(ScalarType t) {
  switch (t) {
    case kDouble:
      return "DoubleStorage";
    case kFloat:
      return "FloatStorage";
    case kHalf:
      return "HalfStorage";
    case kBFloat16:
      return "BFloat16Storage";
    case kLong:
      return "LongStorage";
    case kInt:
      return "IntStorage";
    case kShort:
      return "ShortStorage";
    case kChar:
      return "CharStorage";
    case kByte:
      return "ByteStorage";
    case kBool:
      return "BoolStorage";
    case kComplexFloat:
      return "ComplexFloatStorage";
    case kComplexDouble:
      return "ComplexDoubleStorage";
    default:
      break;
  }
  TORSH_CHECK(false, "torsh.save: no torch storage type for dtype ", scalar_type_name(t));
  return "";
}

class Pickler {
 public:
  std::vector<char> out;

  struct SavedStorage {
    std::string key;
    Storage storage;
    ScalarType dtype;
    size_t nbytes;
  };
  std::vector<SavedStorage> storages;

  void op(char c) { out.push_back(c); }
  void raw(const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    out.insert(out.end(), c, c + n);
  }
  void u32(uint32_t v) { raw(&v, 4); }  // little-endian host (asserted above)

  void global(const char* module, const char* name) {
    op('c');
    raw(module, std::strlen(module));
    op('\n');
    raw(name, std::strlen(name));
    op('\n');
  }
  void string(const std::string& s) {
    TORSH_CHECK(s.size() < (1ull << 32), "torsh.save: string too long");
    op('X');
    u32(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void integer(int64_t v) {
    if (v >= 0 && v <= 0xff) {
      op('K');
      op(static_cast<char>(v));
    } else if (v >= 0 && v <= 0xffff) {
      op('M');
      op(static_cast<char>(v & 0xff));
      op(static_cast<char>(v >> 8));
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      op('J');
      const int32_t w = static_cast<int32_t>(v);
      raw(&w, 4);
    } else {  // LONG1: the shortest little-endian two's complement
      char bytes[8];
      std::memcpy(bytes, &v, 8);
      int n = 8;
      while (n > 1) {
        const bool top_zero = bytes[n - 1] == 0 && (bytes[n - 2] & 0x80) == 0;
        const bool top_ones = bytes[n - 1] == static_cast<char>(0xff) && (bytes[n - 2] & 0x80);
        if (!top_zero && !top_ones) break;
        --n;
      }
      op('\x8a');
      op(static_cast<char>(n));
      raw(bytes, static_cast<size_t>(n));
    }
  }
  void floating(double d) {
    op('G');
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int i = 7; i >= 0; --i) op(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void ints_tuple(IntArrayRef v) {
    op('(');
    for (int64_t x : v) integer(x);
    op('t');
  }
  void empty_ordered_dict() {
    global("collections", "OrderedDict");
    op(')');
    op('R');
  }

  // A storage's record: one per storage however many tensors view it.
  const SavedStorage& storage_of(const Tensor& t) {
    const Storage& st = t.unsafeGetTensorImpl()->storage();
    const void* id = st.get();
    auto it = index_.find(id);
    if (it != index_.end()) {
      const SavedStorage& s = storages[it->second];
      TORSH_CHECK(s.dtype == t.dtype(), "torsh.save: cannot save tensors that view the same ",
                  "storage as different dtypes (", scalar_type_name(s.dtype), " and ",
                  scalar_type_name(t.dtype()), ")");
      return s;
    }
    const size_t nbytes = st ? st->nbytes() : 0;
    storages.push_back({std::to_string(storages.size()), st, t.dtype(), nbytes});
    if (id != nullptr) index_.emplace(id, storages.size() - 1);
    return storages.back();
  }

  void tensor(const Tensor& t) {
    TORSH_CHECK(t.defined(), "torsh.save: cannot save an undefined tensor");
    const SavedStorage& s = storage_of(t);
    const size_t item = element_size(t.dtype());
    global("torch._utils", "_rebuild_tensor_v2");
    op('(');
    // persistent id ('storage', torch.<Type>Storage, key, location, numel)
    op('(');
    string("storage");
    global("torch", storage_name(t.dtype()));
    string(s.key);
    string("cpu");
    integer(static_cast<int64_t>(s.nbytes / item));
    op('t');
    op('Q');
    integer(t.storage_offset());
    ints_tuple(t.sizes());
    ints_tuple(t.strides());
    op(t.requires_grad() ? '\x88' : '\x89');
    empty_ordered_dict();  // backward hooks
    op('t');
    op('R');
  }

  void value(const Value& v, int depth = 0) {
    // a Value can be made to hold itself (lists and dicts are shared): refuse, do not recurse
    TORSH_CHECK(depth <= 1000, "torsh.save: containers nested more than 1000 deep (a value that ",
                "holds itself?)");
    switch (v.kind()) {
      case Value::Kind::None:
        op('N');
        break;
      case Value::Kind::Bool:
        op(v.toBool() ? '\x88' : '\x89');
        break;
      case Value::Kind::Int:
        integer(v.toInt());
        break;
      case Value::Kind::Double:
        floating(v.toDouble());
        break;
      case Value::Kind::String:
        string(v.toStringRef());
        break;
      case Value::Kind::Tensor:
        tensor(v.toTensor());
        break;
      case Value::Kind::Tuple: {
        const List& items = v.toList();
        if (items.empty()) {
          op(')');
          break;
        }
        op('(');
        for (const Value& x : items) value(x, depth + 1);
        op('t');
        break;
      }
      case Value::Kind::List: {
        op(']');
        const List& items = v.toList();
        if (items.empty()) break;
        op('(');
        for (const Value& x : items) value(x, depth + 1);
        op('e');
        break;
      }
      case Value::Kind::Dict: {
        if (v.is_ordered_dict()) {
          empty_ordered_dict();
        } else {
          op('}');
        }
        const Dict& entries = v.toDict();
        if (entries.empty()) break;
        op('(');
        for (const auto& [k, x] : entries) {
          value(k, depth + 1);
          value(x, depth + 1);
        }
        op('u');
        break;
      }
    }
  }

 private:
  std::unordered_map<const void*, size_t> index_;
};

}  // namespace
}  // namespace serialize

std::vector<char> pickle_save(const serialize::Value& value) {
  serialize::Pickler p;
  p.op('\x80');
  p.op('\x02');
  p.value(value);
  p.op('.');
  serialize::ZipWriter zip;
  zip.add("archive/data.pkl", p.out.data(), p.out.size());
  for (const auto& s : p.storages) {
    zip.add("archive/data/" + s.key, s.storage ? s.storage->data() : nullptr, s.nbytes);
  }
  zip.add("archive/version", "3\n", 2);
  return zip.finish();
}

}  // namespace torsh
