// Padding (torch.nn.functional.pad): constant_pad_nd (negative pads crop), and the reflect,
// replicate and circular modes as one index_select per padded dim, so their gradients (and
// second derivatives) come from index_select's.
#include <string>

#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

Tensor constant_pad_nd(const Tensor& self, IntArrayRef pad, const Scalar& value) {
  const int64_t n = static_cast<int64_t>(pad.size());
  TORSH_CHECK(n % 2 == 0, "Length of pad must be even but instead it equals ", n);
  TORSH_CHECK(n / 2 <= self.dim(),
              "Length of pad should be no more than twice the number of dimensions of the input. "
              "Pad length is ",
              n, " while the input has ", self.dim(), " dimensions.");
  std::vector<int64_t> sizes = self.sizes().vec();
  Tensor src = self;
  for (int64_t i = 0; i < n / 2; ++i) {
    const int64_t d = self.dim() - 1 - i;
    const int64_t lo = pad[static_cast<size_t>(2 * i)], hi = pad[static_cast<size_t>(2 * i + 1)];
    const int64_t size = self.size(d) + lo + hi;
    // torch narrows first: a negative size surfaces as an IndexError
    TORSH_CHECK_INDEX(size >= 0, "The input size ", self.size(d), ", plus negative padding ", lo,
                      " and ", hi,
                      " resulted in a negative output size, which is invalid. Check dimension ", d,
                      " of your input.");
    sizes[static_cast<size_t>(d)] = size;
    // negative pads crop the input
    const int64_t start = std::max<int64_t>(-lo, 0),
                  stop = self.size(d) - std::max<int64_t>(-hi, 0);
    src = src.narrow(d, std::min(start, self.size(d)), std::max<int64_t>(stop - start, 0));
  }
  Tensor out = torsh::full(sizes, value, self.options());
  Tensor dst = out;
  for (int64_t i = 0; i < n / 2; ++i) {
    const int64_t d = self.dim() - 1 - i;
    dst = dst.narrow(d, std::max<int64_t>(pad[static_cast<size_t>(2 * i)], 0), src.size(d));
  }
  if (src.numel() != 0) dst.copy_(src);
  return out;
}

Tensor pad(const Tensor& self, IntArrayRef pad, std::string_view mode,
           std::optional<double> value) {
  const int64_t n = static_cast<int64_t>(pad.size());
  if (mode == "constant") return torsh::constant_pad_nd(self, pad, value ? *value : 0.0);
  const std::string m(mode);
  TORSH_CHECK_T(NotImplementedError, m == "reflect" || m == "replicate" || m == "circular",
                "Unrecognised padding mode ", m);
  TORSH_CHECK(!value || *value == 0.0, "Padding mode \"", m, "\" doesn't take in value argument");
  TORSH_CHECK(n % 2 == 0, "Padding length must be divisible by 2");
  TORSH_CHECK(n / 2 <= self.dim(), "Padding length too large");
  const int64_t npad = n / 2;
  TORSH_CHECK_T(NotImplementedError,
                npad >= 1 && npad <= 3 && (self.dim() == npad + 1 || self.dim() == npad + 2),
                "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  Tensor x = self;
  for (int64_t i = 0; i < npad; ++i) {
    const int64_t d = self.dim() - 1 - i;
    const int64_t lo = pad[static_cast<size_t>(2 * i)], hi = pad[static_cast<size_t>(2 * i + 1)];
    const int64_t size = self.size(d);
    if (m == "reflect") {
      TORSH_CHECK(lo < size && hi < size,
                  "Argument #4: Padding size should be less than the corresponding input "
                  "dimension, but got: padding (",
                  lo, ", ", hi, ") at dimension ", d, " of input ",
                  detail::shape_str(self.sizes()));
    } else if (m == "circular") {
      TORSH_CHECK(lo <= size && hi <= size, "Padding value causes wrapping around more than once.");
      TORSH_CHECK(size - std::max<int64_t>(-lo, 0) - std::max<int64_t>(-hi, 0) > 0,
                  "Negative padding value is resulting in an empty dimension.");
    } else {
      TORSH_CHECK(size > 0 || (lo <= 0 && hi <= 0), "replication pad: input dimension ", d,
                  " of input ", detail::shape_str(self.sizes()), " is empty");
    }
    const int64_t out = size + lo + hi;
    TORSH_CHECK(out >= 0, "pad: the input size ", size, ", plus padding ", lo, " and ", hi,
                " gives a negative output size at dimension ", d);
    std::vector<int64_t> idx(static_cast<size_t>(out));
    for (int64_t j = 0; j < out; ++j) {
      int64_t p = j - lo;  // the position in the input this output element mirrors
      if (m == "reflect") {
        const int64_t period = 2 * (size - 1);
        if (period == 0) {
          p = 0;
        } else {
          p = ((p % period) + period) % period;
          if (p >= size) p = period - p;
        }
      } else if (m == "replicate") {
        p = std::min(std::max<int64_t>(p, 0), size - 1);
      } else {
        // torch wraps around the cropped input (negative pads crop first)
        const int64_t c0 = std::max<int64_t>(-lo, 0);
        const int64_t csize = size - c0 - std::max<int64_t>(-hi, 0);
        const int64_t q = j - std::max<int64_t>(lo, 0);
        p = c0 + ((q % csize) + csize) % csize;
      }
      idx[static_cast<size_t>(j)] = p;
    }
    x = x.index_select(d, torsh::tensor(idx));
  }
  return x;
}

}  // namespace native
}  // namespace torsh
