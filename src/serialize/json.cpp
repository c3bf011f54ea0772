// The strict JSON reader of json.h.
#include "serialize/json.h"

#include <limits>
#include <unordered_set>

#include "torsh/core/error.h"

namespace torsh::serialize {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const std::string& s, const char* who) : s_(s), who_(who) {}

  Json document() {
    Json j = value(0);
    space();
    if (i_ != s_.size()) fail("unexpected text after the JSON value");
    return j;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    TORSH_CHECK(false, who_, ": invalid JSON header at byte ", i_, ": ", what);
    __builtin_unreachable();
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    space();
    if (i_ >= s_.size()) fail("unexpected end");
    const char c = s_[i_];
    Json j;
    if (c == '{') {
      ++i_;
      auto obj = std::make_shared<Json::Object>();
      std::unordered_set<std::string> keys;
      if (!eat('}')) {
        do {
          space();
          if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string key");
          std::string key = string();
          if (!keys.insert(key).second) fail("the key \"" + key + "\" is repeated");
          expect(':');
          obj->emplace_back(std::move(key), value(depth + 1));
        } while (eat(','));
        expect('}');
      }
      j.v = obj;
    } else if (c == '[') {
      ++i_;
      auto arr = std::make_shared<Json::Array>();
      if (!eat(']')) {
        do {
          arr->push_back(value(depth + 1));
        } while (eat(','));
        expect(']');
      }
      j.v = arr;
    } else if (c == '"') {
      j.v = string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      j.v = integer();
    } else if (literal("true")) {
      j.v = true;
    } else if (literal("false")) {
      j.v = false;
    } else if (literal("null")) {
      j.v = std::monostate{};
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    return j;
  }

  int64_t integer() {
    const bool neg = s_[i_] == '-';
    if (neg) ++i_;
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') fail("expected a digit");
    if (s_[i_] == '0' && i_ + 1 < s_.size() && s_[i_ + 1] >= '0' && s_[i_ + 1] <= '9')
      fail("leading zero");
    uint64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      const uint64_t d = static_cast<uint64_t>(s_[i_++] - '0');
      if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) fail("integer too large");
      v = v * 10 + d;
    }
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
      fail("only integers are expected here");
    const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    if (v > limit) fail("integer does not fit in 64 bits");
    return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        fail("bad \\u escape");
      }
    }
    return v;
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::string string() {
    ++i_;  // the opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00) {  // a surrogate pair
            if (!(i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u'))
              fail("unpaired surrogate");
            i_ += 2;
            const unsigned lo = hex4();
            if (lo < 0xdc00 || lo >= 0xe000) fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            fail("unpaired surrogate");
          }
          utf8(out, cp);
          break;
        }
        default:
          fail(std::string("bad escape \\") + e);
      }
    }
  }

  const std::string& s_;
  const char* who_;
  size_t i_ = 0;
};

}  // namespace

Json parse_json(const std::string& text, const char* who) { return Parser(text, who).document(); }

}  // namespace torsh::serialize
