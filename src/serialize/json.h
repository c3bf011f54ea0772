#pragma once
// A small, strict JSON reader for checkpoint headers (safetensors): objects (duplicate keys
// refused), arrays, strings (with escapes, UTF-8 out), integers, and the literals; numbers with
// a fraction or exponent, and nesting deeper than 64, are refused. Every error is a torsh::Error
// naming the offset.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace torsh::serialize {

struct Json {
  using Object = std::vector<std::pair<std::string, Json>>;
  using Array = std::vector<Json>;
  // null, bool, non-negative or negative integer, string, array, object
  std::variant<std::monostate, bool, int64_t, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      v;

  bool is_object() const { return v.index() == 5; }
  bool is_array() const { return v.index() == 4; }
  bool is_string() const { return v.index() == 3; }
  bool is_int() const { return v.index() == 2; }
  const Object& object() const { return *std::get<5>(v); }
  const Array& array() const { return *std::get<4>(v); }
  const std::string& string() const { return std::get<3>(v); }
  int64_t integer() const { return std::get<2>(v); }
};

/// Parses text (all of it: trailing non-space is an error); who names the caller in errors.
Json parse_json(const std::string& text, const char* who);

}  // namespace torsh::serialize
