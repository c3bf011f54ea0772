#pragma once
// How tensors print (torch.set_printoptions): digits after the point, the element count above
// which a tensor is summarised, the items kept at each end of a summarised dim, the line width,
// and scientific notation forced on or off (unset: chosen from the values, as torch).
#include <cstdint>
#include <optional>
#include <string>

namespace torsh {

class Tensor;

struct PrintOptions {
  int precision = 4;
  int64_t threshold = 1000;
  int64_t edgeitems = 3;
  int64_t linewidth = 80;
  std::optional<bool> sci_mode;
};

/// The options in force (process-wide).
PrintOptions get_printoptions();
/// Replaces the options (process-wide; printing takes a snapshot).
void set_printoptions(const PrintOptions& options);

/// Python's repr of a tensor under the options in force: "tensor([1., 2.])". (C++'s
/// `operator<<` prints libtorch's format instead.)
std::string repr(const Tensor& t);

}  // namespace torsh
