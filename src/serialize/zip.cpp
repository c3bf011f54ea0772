// Stored-only zip archives for checkpoints (see zip.h).
#include "serialize/zip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "torsh/core/error.h"

namespace torsh::serialize {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr size_t kAlign = 64;        // torch's writer starts every record's data on 64 bytes
constexpr uint16_t kDosDate = 0x21;  // 1980-01-01, as torch and zipfile write

void put16(std::vector<char>& o, uint16_t v) {
  o.push_back(static_cast<char>(v & 0xff));
  o.push_back(static_cast<char>(v >> 8));
}
void put32(std::vector<char>& o, uint32_t v) {
  put16(o, static_cast<uint16_t>(v & 0xffff));
  put16(o, static_cast<uint16_t>(v >> 16));
}

uint32_t crc_of(const void* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = static_cast<const Bytef*>(data);
  while (size > 0) {  // zlib takes 32-bit lengths
    const uInt n = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    crc = crc32(crc, p, n);
    p += n;
    size -= n;
  }
  return static_cast<uint32_t>(crc);
}

constexpr uint64_t kMax32 = std::numeric_limits<uint32_t>::max();

}  // namespace

void ZipWriter::add(const std::string& name, const void* data, size_t size) {
  const uint64_t offset = out_.size();
  TORSH_CHECK(size < kMax32 && offset + size + 4096 < kMax32 && entries_.size() < 0xfff0,
              "torsh.save: checkpoints of 4 GiB or more (zip64) are not supported");
  TORSH_CHECK(name.size() < 0x1000, "torsh.save: record name too long: ", name);
  const size_t head = static_cast<size_t>(offset) + 30 + name.size() + 4;
  const size_t pad = (kAlign - head % kAlign) % kAlign;
  const uint32_t crc = crc_of(data, size);
  put32(out_, kLocalSig);
  put16(out_, 20);  // version needed: 2.0
  put16(out_, 0);   // flags
  put16(out_, 0);   // stored
  put16(out_, 0);   // time
  put16(out_, kDosDate);
  put32(out_, crc);
  put32(out_, static_cast<uint32_t>(size));
  put32(out_, static_cast<uint32_t>(size));
  put16(out_, static_cast<uint16_t>(name.size()));
  put16(out_, static_cast<uint16_t>(4 + pad));
  out_.insert(out_.end(), name.begin(), name.end());
  out_.push_back('F');  // the padding block torch writes: id "FB", then 'Z's
  out_.push_back('B');
  put16(out_, static_cast<uint16_t>(pad));
  out_.insert(out_.end(), pad, 'Z');
  const char* p = static_cast<const char*>(data);
  out_.insert(out_.end(), p, p + size);
  entries_.push_back({name, crc, static_cast<uint32_t>(size), offset});
}

std::vector<char> ZipWriter::finish() {
  const uint64_t cd_offset = out_.size();
  for (const Entry& e : entries_) {
    put32(out_, kCentralSig);
    put16(out_, 20);  // made by
    put16(out_, 20);  // needed
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, kDosDate);
    put32(out_, e.crc);
    put32(out_, e.size);
    put32(out_, e.size);
    put16(out_, static_cast<uint16_t>(e.name.size()));
    put16(out_, 0);  // extra
    put16(out_, 0);  // comment
    put16(out_, 0);  // disk
    put16(out_, 0);  // internal attributes
    put32(out_, 0);  // external attributes
    put32(out_, static_cast<uint32_t>(e.offset));
    out_.insert(out_.end(), e.name.begin(), e.name.end());
  }
  const uint64_t cd_size = out_.size() - cd_offset;
  TORSH_CHECK(out_.size() + 22 < kMax32,
              "torsh.save: checkpoints of 4 GiB or more (zip64) are not supported");
  put32(out_, kEndSig);
  put16(out_, 0);
  put16(out_, 0);
  put16(out_, static_cast<uint16_t>(entries_.size()));
  put16(out_, static_cast<uint16_t>(entries_.size()));
  put32(out_, static_cast<uint32_t>(cd_size));
  put32(out_, static_cast<uint32_t>(cd_offset));
  put16(out_, 0);
  entries_.clear();
  return std::move(out_);
}

namespace {

struct Cursor {
  const std::vector<char>& d;
  uint64_t at;
  void need(uint64_t n, const char* what) const {
    TORSH_CHECK(at <= d.size() && n <= d.size() - at, "torsh.load: corrupt zip archive (", what,
                " past the end of the file)");
  }
  uint16_t u16() {
    need(2, "field");
    const auto* p = reinterpret_cast<const unsigned char*>(d.data() + at);
    at += 2;
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
  }
  uint32_t u32() {
    const uint32_t lo = u16();
    return lo | (static_cast<uint32_t>(u16()) << 16);
  }
};

}  // namespace

ZipReader::ZipReader(const std::vector<char>& data) : data_(data) {
  TORSH_CHECK(data.size() >= 22, "torsh.load: not a zip archive (", data.size(), " bytes); ",
              "torsh reads the zip format of torch.save (PyTorch 1.6 and later)");
  // the end record: its signature, scanning back over a possible comment
  uint64_t end = data.size() - 22;
  const uint64_t stop = end > 0xffff ? end - 0xffff : 0;
  for (;; --end) {
    Cursor c{data, end};
    if (c.u32() == kEndSig) break;
    TORSH_CHECK(end > stop, "torsh.load: not a zip archive (no end of central directory); ",
                "torsh reads the zip format of torch.save (PyTorch 1.6 and later)");
  }
  Cursor c{data, end + 4};
  c.u16();
  c.u16();
  c.u16();
  const uint16_t count = c.u16();
  const uint32_t cd_size = c.u32(), cd_offset = c.u32();
  TORSH_CHECK(count != 0xffff && cd_offset != 0xffffffffu,
              "torsh.load: zip64 archives (checkpoints of 4 GiB or more) are not supported");
  Cursor cd{data, cd_offset};
  cd.need(cd_size, "central directory");
  for (uint16_t i = 0; i < count; ++i) {
    TORSH_CHECK(cd.u32() == kCentralSig, "torsh.load: corrupt zip archive (central directory)");
    cd.u16();
    cd.u16();
    const uint16_t flags = cd.u16();
    Entry e;
    e.method = cd.u16();
    cd.u16();
    cd.u16();
    e.crc = cd.u32();
    const uint32_t compressed = cd.u32();
    e.size = cd.u32();
    const uint16_t name_len = cd.u16(), extra_len = cd.u16(), comment_len = cd.u16();
    cd.u16();
    cd.u16();
    cd.u32();
    e.local_offset = cd.u32();
    cd.need(name_len, "record name");
    e.name.assign(data.data() + cd.at, name_len);
    cd.at += name_len;
    cd.need(uint64_t(extra_len) + comment_len, "record extra field");
    cd.at += uint64_t(extra_len) + comment_len;
    TORSH_CHECK((flags & 1) == 0, "torsh.load: encrypted zip records are not supported");
    TORSH_CHECK(e.method != 0 || compressed == e.size, "torsh.load: corrupt zip record ", e.name);
    index_.emplace(e.name, entries_.size());
    entries_.push_back(std::move(e));
  }
}

std::vector<std::string> ZipReader::names() const {
  std::vector<std::string> r;
  for (const Entry& e : entries_) r.push_back(e.name);
  return r;
}

bool ZipReader::has(const std::string& name) const { return index_.count(name) > 0; }

std::pair<const char*, size_t> ZipReader::get(const std::string& name) const {
  const auto found = index_.find(name);
  TORSH_CHECK(found != index_.end(), "torsh.load: the archive has no record ", name);
  const Entry* it = &entries_[found->second];
  TORSH_CHECK(it->method == 0, "torsh.load: record ", name, " is compressed (method ", it->method,
              "); torch.save stores records uncompressed");
  Cursor c{data_, it->local_offset};
  TORSH_CHECK(c.u32() == kLocalSig, "torsh.load: corrupt zip archive (record ", name, ")");
  c.at += 22;
  const uint16_t name_len = c.u16(), extra_len = c.u16();
  c.at += uint64_t(name_len) + extra_len;
  c.need(it->size, "record data");
  const char* p = data_.data() + c.at;
  TORSH_CHECK(crc_of(p, static_cast<size_t>(it->size)) == it->crc, "torsh.load: record ", name,
              " fails its CRC check (corrupt file)");
  return {p, static_cast<size_t>(it->size)};
}

}  // namespace torsh::serialize
