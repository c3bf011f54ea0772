// torsh::safetensors::load: the reader of the reference layout, with the reference reader's
// checks (the same rules as python/torsh/safetensors.py).
#include <algorithm>
#include <cstring>
#include <set>
#include <tuple>

#include "serialize/file_io.h"
#include "serialize/json.h"
#include "torsh/ops.h"
#include "torsh/safetensors.h"

namespace torsh::safetensors {
namespace {

constexpr uint64_t kMaxHeader = 100000000;  // the reference reader's limit

bool dtype_of(const std::string& code, ScalarType* t) {
  static const std::pair<const char*, ScalarType> table[] = {
      {"F64", kDouble}, {"F32", kFloat}, {"F16", kHalf}, {"BF16", kBFloat16}, {"I64", kLong},
      {"I32", kInt},    {"I16", kShort}, {"I8", kChar},  {"U8", kByte},       {"BOOL", kBool}};
  for (const auto& [c, dt] : table) {
    if (code == c) {
      *t = dt;
      return true;
    }
  }
  return false;
}

struct Entry {
  std::string name;
  ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;
};

uint64_t non_negative(const serialize::Json& j, const char* what, const std::string& name) {
  TORSH_CHECK(j.is_int() && j.integer() >= 0, "safetensors: tensor '", name, "': ", what,
              " must hold non-negative ints");
  return static_cast<uint64_t>(j.integer());
}

}  // namespace

std::vector<std::pair<std::string, Tensor>> load(const std::string& path,
                                                 std::map<std::string, std::string>* metadata) {
  return load_buffer(serialize::read_file(path, "safetensors"), metadata);
}

std::vector<std::pair<std::string, Tensor>> load_buffer(
    const std::vector<char>& data, std::map<std::string, std::string>* metadata) {
  const uint64_t total = data.size();
  TORSH_CHECK(total >= 8, "safetensors: data too small (", total,
              " bytes) for the 8-byte header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(data[i]);
  TORSH_CHECK(n <= kMaxHeader, "safetensors: header length ", n, " exceeds the limit ", kMaxHeader);
  TORSH_CHECK(8 + n <= total, "safetensors: header length ", n, " runs past the end of the data (",
              total, " bytes)");
  const std::string text(data.data() + 8, static_cast<size_t>(n));
  TORSH_CHECK(!text.empty() && text[0] == '{',
              "safetensors: header must be a JSON object starting with '{'");
  const serialize::Json header = serialize::parse_json(text, "safetensors");
  TORSH_CHECK(header.is_object(), "safetensors: header must be a JSON object");
  std::vector<Entry> entries;
  std::map<std::string, std::string> meta;  // handed out only once the whole file checks out
  for (const auto& [name, info] : header.object()) {
    if (name == "__metadata__") {
      TORSH_CHECK(info.is_object(), "safetensors: __metadata__ must be an object of str -> str");
      for (const auto& [k, v] : info.object()) {
        TORSH_CHECK(v.is_string(), "safetensors: __metadata__ must be an object of str -> str");
        meta[k] = v.string();
      }
      continue;
    }
    std::set<std::string> keys;
    if (info.is_object()) {
      for (const auto& kv : info.object()) keys.insert(kv.first);
    }
    TORSH_CHECK(keys == std::set<std::string>({"dtype", "shape", "data_offsets"}),
                "safetensors: tensor '", name,
                "': expected exactly the keys dtype, shape and data_offsets");
    const serialize::Json *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
    for (const auto& [k, v] : info.object()) {
      (k == "dtype" ? dtype : k == "shape" ? shape : offsets) = &v;
    }
    Entry e{name, kFloat, {}, 0, 0};
    TORSH_CHECK(dtype->is_string() && dtype_of(dtype->string(), &e.dtype), "safetensors: tensor '",
                name, "': dtype is not supported by torsh (supported: F64, F32, F16, BF16, I64, ",
                "I32, I16, I8, U8, BOOL)");
    TORSH_CHECK(shape->is_array() && offsets->is_array() && offsets->array().size() == 2,
                "safetensors: tensor '", name,
                "': shape must be a list and data_offsets a list [begin, end]");
    uint64_t bytes = element_size(e.dtype);
    for (const auto& s : shape->array()) {
      const uint64_t d = non_negative(s, "shape", name);
      TORSH_CHECK(d == 0 || bytes <= total / d, "safetensors: tensor '", name,
                  "': shape describes more bytes than the file holds");
      bytes *= d;
      e.shape.push_back(static_cast<int64_t>(d));
    }
    e.begin = non_negative(offsets->array()[0], "data_offsets", name);
    e.end = non_negative(offsets->array()[1], "data_offsets", name);
    TORSH_CHECK(e.end >= e.begin && e.end - e.begin == bytes, "safetensors: tensor '", name,
                "': data_offsets [", e.begin, ", ", e.end, "] do not match its dtype and shape (",
                bytes, " bytes)");
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  uint64_t expected = 0;
  for (const Entry& e : entries) {
    TORSH_CHECK(e.begin == expected, "safetensors: tensor '", e.name, "': data_offsets [", e.begin,
                ", ", e.end, "] ",
                e.begin < expected ? "overlap the previous tensor" : "leave a gap",
                " (expected it to start at ", expected, ")");
    expected = e.end;
  }
  TORSH_CHECK(8 + n + expected == total, "safetensors: buffer holds ", total - 8 - n,
              " bytes but the header describes ", expected);
  if (metadata != nullptr) *metadata = std::move(meta);
  std::vector<std::pair<std::string, Tensor>> out;
  const char* buffer = data.data() + 8 + n;
  for (const Entry& e : entries) {
    Tensor t = torsh::empty(e.shape, TensorOptions(e.dtype));
    const size_t size = static_cast<size_t>(e.end - e.begin);
    if (e.dtype == kBool) {  // any nonzero byte is true: a bool tensor holds only 0 and 1
      auto* dst = static_cast<uint8_t*>(t.data_ptr());
      for (size_t i = 0; i < size; ++i) dst[i] = buffer[e.begin + i] != 0;
    } else if (size > 0) {
      std::memcpy(t.data_ptr(), buffer + e.begin, size);  // little-endian host
    }
    out.emplace_back(e.name, std::move(t));
  }
  return out;
}

}  // namespace torsh::safetensors
