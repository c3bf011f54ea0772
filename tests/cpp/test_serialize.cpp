// torsh::save / torsh::load in PyTorch's checkpoint format, in process (the ASan build runs
// these): round trips of every kind of value and of a module, and malformed archives (every
// truncation, flipped bytes, a hand-made pickle naming a forbidden global) that must raise
// torsh::Error and never read out of bounds. Interop with torch itself is in
// tests/python/test_checkpoint_cpp.py.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

#include "serialize/zip.h"
#include "torsh/torsh.h"

using namespace torsh;
using serialize::Value;
using namespace std::string_literals;

namespace {

Value sample() {
  manual_seed(3);
  Tensor base = randn({3, 4});
  return Value::dict({{"w", base},
                      {"col", base.select(1, 2)},
                      {"ints", arange(4)},
                      {"half", ones({2}).to(kHalf)},
                      {"n", int64_t{-70000}},
                      {"big", int64_t{1} << 50},
                      {"x", 0.25},
                      {"s", "text"},
                      {"flags", Value::list({true, false, Value()})},
                      {"t", Value::tuple({1, 2})},
                      {"plain", Value::dict({{1, "one"}}, false)}});
}

}  // namespace

TEST(Serialize, ValueRoundTrip) {
  const Value v = sample();
  const Value r = pickle_load(pickle_save(v));
  ASSERT_EQ(r.kind(), Value::Kind::Dict);
  EXPECT_TRUE(r.is_ordered_dict());
  const Tensor& w = r.find("w")->toTensor();
  EXPECT_TRUE(torsh::equal(w, v.find("w")->toTensor()));
  const Tensor& col = r.find("col")->toTensor();
  EXPECT_TRUE(torsh::equal(col, w.select(1, 2)));
  EXPECT_EQ(col.stride(0), 4);
  w.fill_(1.0);  // the views share one storage again
  EXPECT_EQ(col[0].item<float>(), 1.0f);
  EXPECT_EQ(r.find("ints")->toTensor().dtype(), kLong);
  EXPECT_EQ(r.find("half")->toTensor().dtype(), kHalf);
  EXPECT_EQ(r.find("n")->toInt(), -70000);
  EXPECT_EQ(r.find("big")->toInt(), int64_t{1} << 50);
  EXPECT_EQ(r.find("x")->toDouble(), 0.25);
  EXPECT_EQ(r.find("s")->toStringRef(), "text");
  EXPECT_EQ(r.find("flags")->toList().size(), 3u);
  EXPECT_TRUE(r.find("flags")->toList()[2].is_none());
  EXPECT_EQ(r.find("t")->kind(), Value::Kind::Tuple);
  EXPECT_FALSE(r.find("plain")->is_ordered_dict());
  EXPECT_EQ(r.find("plain")->toDict()[0].first.toInt(), 1);
  EXPECT_THROW(r.find("s")->toInt(), Error);
}

TEST(Serialize, ModuleRoundTripAndStrictLoad) {
  manual_seed(0);
  nn::Linear a(3, 2);
  const std::string path = testing::TempDir() + "/torsh_module.pt";
  save(a, path);
  manual_seed(1);
  nn::Linear b(3, 2);
  EXPECT_FALSE(torsh::equal(a->weight, b->weight));
  load(b, path);
  EXPECT_TRUE(torsh::equal(a->weight, b->weight));
  EXPECT_TRUE(torsh::equal(a->bias, b->bias));
  EXPECT_TRUE(b->weight.requires_grad());  // still the module's parameter
  nn::Linear wrong(4, 2);
  const Tensor before = wrong->weight.clone();
  try {
    load(wrong, path);
    FAIL() << "a shape mismatch must raise";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("size mismatch for weight"), std::string::npos);
  }
  EXPECT_TRUE(torsh::equal(before, wrong->weight));  // nothing copied
  std::remove(path.c_str());
}

TEST(Serialize, MalformedArchivesRaise) {
  const std::vector<char> good = pickle_save(sample());
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    std::vector<char> bad(good.begin(), good.begin() + static_cast<ptrdiff_t>(cut));
    EXPECT_THROW(pickle_load(bad), Error) << cut;
  }
  for (size_t i = 0; i < good.size(); i += 3) {  // flipped bytes: an error or a value, no crash
    std::vector<char> bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      pickle_load(bad);
    } catch (const Error&) {
    }
  }
}

TEST(Serialize, ForbiddenGlobalsAndBadPicklesRaise) {
  auto archive = [](const std::string& pkl) {
    serialize::ZipWriter zip;
    zip.add("archive/data.pkl", pkl.data(), pkl.size());
    zip.add("archive/version", "3\n", 2);
    return zip.finish();
  };
  // os.system("id"), as a protocol-2 pickle: refused at the GLOBAL, before anything runs
  const std::string evil = std::string(
      "\x80\x02"
      "cposix\nsystem\n"
      "X\x02\x00\x00\x00"
      "id\x85R.",
      22);
  try {
    pickle_load(archive(evil));
    FAIL() << "a forbidden global must raise";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("posix.system"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(pickle_load(archive(std::string("\x80\x02K\x07.", 5))));
  EXPECT_EQ(pickle_load(archive(std::string("\x80\x02K\x07.", 5))).toInt(), 7);
  for (const std::string& bad : {std::string("\x80\x02."),             // empty stack at STOP
                                 std::string("\x80\x02h\x05."),        // memo never stored
                                 std::string("\x80\x02(K\x01u."),      // SETITEMS without a dict
                                 std::string("\x80\x02\x8a\x09.", 5),  // a 9-byte integer
                                 std::string("\x80\x02\xff."),         // unknown opcode
                                 std::string("\x80\x02X\xff\xff\xff\xff."),  // length past end
                                 std::string("\x80\x02]K\x01"
                                             "a")}) {  // no STOP
    EXPECT_THROW(pickle_load(archive(bad)), Error) << bad.size();
  }
}

TEST(Serialize, SafetensorsRoundTripAndBadHeaders) {
  manual_seed(2);
  const std::string path = testing::TempDir() + "/torsh_st.safetensors";
  const Tensor w = randn({3, 2}), ids = arange(4), mask = tensor({true, false});
  safetensors::save({{"w", w}, {"ids", ids}, {"mask", mask}}, path, {{"format", "pt"}});
  std::map<std::string, std::string> meta;
  const auto got = safetensors::load(path, &meta);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(meta.at("format"), "pt");
  for (const auto& [name, t] : got) {
    const Tensor& want = name == "w" ? w : name == "ids" ? ids : mask;
    EXPECT_TRUE(torsh::equal(t, want)) << name;
  }
  // every truncation raises; a header that is not JSON raises
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::vector<char> bytes(4096);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  std::fclose(f);
  for (size_t cut = 0; cut < bytes.size(); cut += 5) {
    f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, cut, f);
    std::fclose(f);
    EXPECT_THROW(safetensors::load(path), Error) << cut;
  }
  std::remove(path.c_str());
}

namespace {

std::vector<char> archive_of(const std::string& pkl, const std::string& storage = "") {
  serialize::ZipWriter zip;
  zip.add("archive/data.pkl", pkl.data(), pkl.size());
  if (!storage.empty()) zip.add("archive/data/0", storage.data(), storage.size());
  zip.add("archive/version", "3\n", 2);
  return zip.finish();
}

std::string repeat(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

}  // namespace

// Hostile structures: deep nesting (through raw tuples, or through the memo, which shares lists
// between copies), reference cycles, and memory blow-up by DUP: each raises, and (under ASan
// and LeakSanitizer) neither overflows the stack nor leaks.
TEST(Serialize, HostileStructuresRaiseWithoutCrashOrLeak) {
  const std::string proto = "\x80\x02"s;
  // 200,000 nested 1-tuples around a global
  EXPECT_THROW(pickle_load(archive_of(proto + "ctorch\nSize\n"s + repeat("\x85"s, 200000) + "."s)),
               Error);
  // [[[...]]] 100,000 deep, each level built from the previous one through the memo
  std::string deep = proto +
                     "]q\x00"s
                     "0"s;
  for (int k = 1; k <= 100000; ++k) {
    deep += "]q"s;
    deep += static_cast<char>(k % 2);
    deep += "h"s;
    deep += static_cast<char>((k - 1) % 2);
    deep += "a0"s;
  }
  deep += "h"s;
  deep += static_cast<char>(100000 % 2);
  deep += "."s;
  EXPECT_THROW(pickle_load(archive_of(deep)), Error);
  // L = [L] and D = {0: D}
  EXPECT_THROW(pickle_load(archive_of(proto + "]q\x00h\x00"s
                                              "a."s)),
               Error);
  EXPECT_THROW(pickle_load(archive_of(proto + "}q\x00K\x00h\x00s."s)), Error);
  // a 1 MiB string duplicated 10,000 times: refused by the memory budget
  std::string big = proto + "X"s;
  const uint32_t n = 1 << 20;
  big.append(reinterpret_cast<const char*>(&n), 4);
  big += std::string(n, 'a') + repeat("2"s, 10000) + "."s;
  EXPECT_THROW(pickle_load(archive_of(big)), Error);
  // a shared (not cyclic) list is fine, and so is a deep-but-allowed nesting
  const Value shared = pickle_load(archive_of(proto + "]q\x00"s + "0(h\x00h\x00t."s));
  ASSERT_EQ(shared.toList().size(), 2u);
  EXPECT_EQ(&shared.toList()[0].toList(), &shared.toList()[1].toList());
}

TEST(Serialize, ProtocolZeroListsBoolStoragesAndLongRecords) {
  const std::string proto = "\x80\x02"s;
  // LIST after a MARK: [1, 2]
  const Value l = pickle_load(archive_of(proto + "(K\x01K\x02l."s));
  ASSERT_EQ(l.toList().size(), 2u);
  EXPECT_EQ(l.toList()[1].toInt(), 2);
  // a bool storage holding a 2 byte loads as true (stored as 1), and a record longer than the
  // storage's elements is accepted as torch accepts it
  auto str = [](const std::string& v) {  // BINUNICODE
    const uint32_t n = static_cast<uint32_t>(v.size());
    return "X"s + std::string(reinterpret_cast<const char*>(&n), 4) + v;
  };
  const std::string pkl = proto + "ctorch._utils\n_rebuild_tensor_v2\n(("s + str("storage") +
                          "ctorch\nBoolStorage\n"s + str("0") + str("cpu") + "K\x02tQ"s +
                          "K\x00K\x02\x85K\x01\x85\x89"s + "ccollections\nOrderedDict\n)RtR."s;
  const Tensor b = pickle_load(archive_of(pkl, "\x02\x00\x07"s)).toTensor();
  EXPECT_EQ(b.dtype(), kBool);
  EXPECT_TRUE(b[0].item<bool>());
  EXPECT_FALSE(b[1].item<bool>());
  EXPECT_EQ(b.to(kByte)[0].item<int64_t>(), 1);
}

TEST(Serialize, AtomicWriteKeepsModeAndFollowsSymlinks) {
  const std::string dir = testing::TempDir();
  const std::string file = dir + "/torsh_mode.pt"s, link = dir + "/torsh_link.pt"s;
  save(tensor({1.0}), file);
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  save(tensor({2.0}), file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::remove(link.c_str());
  ASSERT_EQ(::symlink(file.c_str(), link.c_str()), 0);
  save(tensor({3.0}), link);  // written through the link, which stays a link
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  Tensor t;
  load(t, file);
  EXPECT_EQ(t[0].item<float>(), 3.0f);
  std::remove(link.c_str());
  std::remove(file.c_str());
}
