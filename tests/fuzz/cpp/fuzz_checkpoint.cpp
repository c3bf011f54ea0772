// libFuzzer target: the checkpoint readers on hostile bytes. Half the inputs are a whole file
// for torsh::pickle_load (the zip layer), the other half a pickle stream placed inside a valid
// archive next to two storage records (so mutations reach the unpickler past the CRC check);
// a leading byte picks safetensors::load_buffer for some inputs. torsh::Error is the expected
// answer to bad input; anything else (a crash, ASan/UBSan report, leak, hang) is a finding.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "serialize/zip.h"
#include "torsh/serialize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  std::vector<char> bytes(reinterpret_cast<const char*>(data) + 1,
                          reinterpret_cast<const char*>(data) + size);
  try {
    if (mode == 0) {
      torsh::pickle_load(bytes);
    } else if (mode == 1) {
      torsh::serialize::ZipWriter zip;
      zip.add("archive/data.pkl", bytes.data(), bytes.size());
      const float floats[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
      zip.add("archive/data/0", floats, sizeof(floats));
      zip.add("archive/data/1", floats, 6);
      zip.add("archive/version", "3\n", 2);
      torsh::pickle_load(zip.finish());
    } else {
      torsh::safetensors::load_buffer(bytes);
    }
  } catch (const torsh::Error&) {
  }
  return 0;
}
