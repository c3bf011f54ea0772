// Max unpooling (torch's max_unpool2d / max_unpool3d, behind F.max_unpool1d/2d/3d and the
// MaxUnpool modules), channel_shuffle and CrossMapLRN2d's normalisation (_cross_map_lrn2d).
// Unpooling scatters each value to its index in a zeroed plane of prod(output_size) elements, so
// its gradient (the output gradient gathered at the indices) comes from scatter's.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/nn_misc.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {
namespace {

int64_t product(IntArrayRef values) {
  int64_t p = 1;
  for (int64_t v : values) p *= v;
  return p;
}

// "4x4" / "1x4x4", as ATen's unpooling messages print output sizes.
std::string by(IntArrayRef sizes) {
  std::string s;
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? "x" : "") + std::to_string(sizes[i]);
  return s;
}

// max_unpool2d / max_unpool3d proper: each value scattered to its index in its zeroed
// [prod(output_size)] plane. The gradient is the output gradient gathered at the indices.
Tensor unpool(const Tensor& input, const Tensor& indices, IntArrayRef output_size, size_t d) {
  const bool batched = input.dim() == static_cast<int64_t>(d) + 2;
  const Tensor x = batched ? input : input.unsqueeze(0);
  const Tensor idx = (batched ? indices : indices.unsqueeze(0)).contiguous();
  const int64_t n = x.size(0), c = x.size(1), plane = product(output_size);
  const int64_t* p = idx.data_ptr<int64_t>();
  for (int64_t i = 0, count = idx.numel(); i < count; ++i) {
    TORSH_CHECK(p[i] >= 0 && p[i] < plane, "Found an invalid max index: ", p[i],
                " (output volumes are of size ", by(output_size));
  }
  Tensor out = torsh::zeros({n, c, plane}, x.options());
  if (x.numel() > 0) out = out.scatter(2, idx.reshape({n, c, -1}), x.reshape({n, c, -1}));
  std::vector<int64_t> shape{n, c};
  shape.insert(shape.end(), output_size.begin(), output_size.end());
  out = out.view(shape);
  return batched ? out : out.squeeze(0);
}

}  // namespace

// ATen's max_unpool2d / max_unpool3d argument checks (1.13 wording).
void check_max_unpool(const Tensor& input, const Tensor& indices, IntArrayRef output_size,
                      IntArrayRef stride, size_t d) {
  const char* fn =
      d == 2 ? "max_unpooling2d_forward_out_cpu()" : "max_unpooling3d_forward_out_cpu()";
  if (d == 2) {
    TORSH_CHECK(indices.scalar_type() == kLong,
                "elements in indices should be type int64 but got: ",
                scalar_type_name(indices.scalar_type()));
    TORSH_CHECK(input.dim() == 3 || input.dim() == 4,
                "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ",
                input.dim(), " dimensions.");
    TORSH_CHECK(output_size.size() == 2,
                "There should be exactly two elements (height, width) in output_size, but got ",
                output_size.size(), " elements.");
  } else {
    TORSH_CHECK(indices.scalar_type() == kLong, "elements in indices should be type int64");
    TORSH_CHECK(input.dim() == 4 || input.dim() == 5,
                "Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with ",
                input.dim(), " dimensions.");
    TORSH_CHECK(output_size.size() == 3,
                "There should be exactly three elements (depth, height, width) in output_size, but "
                "got ",
                output_size.size(), " elements.");
  }
  TORSH_CHECK(input.sizes().vec() == indices.sizes().vec(),
              "Expected shape of indices to be same as that of the input tensor (",
              detail::shape_str(input.sizes()),
              ") but got indices tensor with shape: ", detail::shape_str(indices.sizes()));
  for (int64_t i = 1; i < input.dim(); ++i) {
    TORSH_CHECK(input.size(i) > 0, fn,
                ": Expected input to have non-zero size for non-batch dimensions, but got ",
                detail::shape_str(input.sizes()), " with dimension ", i, " being empty.");
  }
  if (d == 3) {
    TORSH_CHECK(stride[0] > 0 && stride[1] > 0 && stride[2] > 0,
                "strides should be greater than zero, but got stride: ", detail::shape_str(stride));
  }
}

Tensor max_unpool2d(const Tensor& self, const Tensor& indices, IntArrayRef output_size) {
  check_max_unpool(self, indices, output_size, {}, 2);
  return unpool(self, indices, output_size, 2);
}

Tensor max_unpool3d(const Tensor& self, const Tensor& indices, IntArrayRef output_size,
                    IntArrayRef stride, IntArrayRef padding) {
  check_max_unpool(self, indices, output_size, stride, 3);
  TORSH_CHECK(padding.size() == 3,
              "There should be exactly three elements (depth, height, width) "
              "in padding, but got: ",
              padding.size());
  return unpool(self, indices, output_size, 3);
}

Tensor channel_shuffle(const Tensor& self, int64_t groups) {
  TORSH_CHECK(self.dim() > 2,
              "channel_shuffle expects input with > 2 dims, but got input with sizes ",
              detail::shape_str(self.sizes()));
  TORSH_CHECK(groups > 0, "Number of groups to divide channels in must be positive.",
              " Value of groups:", groups);
  const int64_t c = self.size(1);
  TORSH_CHECK(c % groups == 0, "Number of channels must be divisible by groups. Got ", c,
              " channels and ", groups, " groups.");
  std::vector<int64_t> split{self.size(0), groups, c / groups};
  for (int64_t i = 2; i < self.dim(); ++i) split.push_back(self.size(i));
  return self.reshape(split).transpose(1, 2).reshape(self.sizes());
}

Tensor _cross_map_lrn2d(const Tensor& self, int64_t size, double alpha, double beta, double k) {
  TORSH_CHECK(self.dim() == 4,
              "Expected input.dim() == 4 to be true, but got false.  (Could this "
              "error message be improved?  If so, please report an enhancement request to "
              "PyTorch.)");
  // torch's running window: channel c sums the squares of channels [c - pre + 1, c + pre - 1]
  // (clipped), but channel 0 is never taken out of the sum.
  const int64_t channels = self.size(1);
  const int64_t pre = (size - 1) / 2 + 1;
  Tensor window = torsh::zeros({channels, channels}, TensorOptions(kDouble));
  auto* w = window.data_ptr<double>();
  for (int64_t c = 0; c < channels; ++c) {
    const int64_t hi = std::min(c + pre - 1, channels - 1);
    const int64_t lo = c > pre ? c - pre + 1 : 0;
    for (int64_t j = lo; j <= hi; ++j) w[c * channels + j] = 1;
    w[c * channels] = 1;
  }
  const Tensor squares = self.mul(self).reshape({self.size(0), channels, -1});
  const Tensor sums = torsh::matmul(window.to(self.scalar_type()), squares).view(self.sizes());
  const Tensor scale = sums.mul(alpha / static_cast<double>(size)).add(Scalar(k));
  return self * scale.pow(-beta);
}

}  // namespace torsh::native
