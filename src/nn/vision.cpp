// torsh/nn/vision.h: affine_grid and grid_sample composed from torsh's differentiable ops.
//
// grid_sample follows torch's CPU kernels step by step: the 2-D one is the vectorised kernel
// (its unnormalisation, clipping with gradient 0 on the borders, reflection by whole double
// spans, round-half-to-even nearest, cubic coefficients in its operation order), the 3-D one the
// scalar kernel (fmod reflection, round-half-away nearest, out-of-int-range coordinates read as
// outside). Input values are gathered at integer coordinates from each flattened plane with a
// zero appended, which every outside point reads, and weighted in the kernels' accumulation
// order; the gradients w.r.t. input and grid come from autograd over these parts.
#include "torsh/nn/vision.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "torsh/core/warning.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh {

namespace {

using detail::shape_str;

// ---- coordinates --------------------------------------------------------------------------------

// Zeros shaped like x that stay in its graph with a zero gradient.
Tensor zero_value(const Tensor& x) { return torsh::where(torsh::isfinite(x), x, 0.0) * 0.0; }

// Exact zeros that keep t (a rounded coordinate, gradient zero) in the graph, so that the grid
// receives a (zero) gradient as from torch's kernel.
Tensor zero_link(const Tensor& t) {
  Tensor f = torsh::where(torsh::isfinite(t), t, 0.0);
  return f - f.detach();
}

// The 2-D kernel's clip to [0, size - 1]: gradient 1 strictly inside, 0 on or beyond the borders,
// NaN going to 0.
Tensor clip_vec(const Tensor& x, int64_t size) {
  const double hi = static_cast<double>(size - 1);
  return torsh::where(x > 0, torsh::where(x < hi, x, hi), 0.0);
}

// The 3-D kernel's std::min(size - 1, std::max(x, 0)) (NaN goes to size - 1), gradient 0 at and
// beyond both borders.
Tensor clip_scalar(const Tensor& x, int64_t size) {
  const double hi = static_cast<double>(size - 1);
  return torsh::where(x <= 0, 0.0, torsh::where(x < hi, x, hi));
}

// The 2-D kernel's reflection: |x - low| folded by whole double spans (trunc), the remainder then
// mirrored once if it lies in the second half.
Tensor reflect_vec(const Tensor& x, int64_t size, bool align_corners) {
  double low = 0.0;
  double twice_span = 0.0;
  if (align_corners) {
    if (size <= 1) return zero_value(x);
    twice_span = static_cast<double>(2 * (size - 1));
  } else {
    low = -0.5;
    twice_span = static_cast<double>(2 * size);
  }
  Tensor d = align_corners ? x : x - low;
  Tensor a = torsh::where(d < 0, -d, d);
  Tensor flips = torsh::trunc(a.detach() / twice_span);
  Tensor extra = a - flips * twice_span;
  Tensor mirrored = twice_span - extra;
  Tensor out = torsh::where(extra > mirrored, mirrored, extra);
  return align_corners ? out : out + low;
}

// GridSampler.h's reflect_coordinates: fmod by the span, odd flip counts mirrored.
Tensor reflect_scalar(const Tensor& x, int64_t size, bool align_corners) {
  double low = 0.0;
  double span = 0.0;
  if (align_corners) {
    if (size <= 1) return zero_value(x);
    span = static_cast<double>(size - 1);
  } else {
    low = -0.5;
    span = static_cast<double>(size);
  }
  Tensor d = x - low;
  Tensor a = torsh::where(d < 0, -d, d);
  Tensor extra = torsh::fmod(a, span);
  Tensor flips = torsh::floor(a.detach() / span);
  Tensor even = torsh::fmod(flips, 2.0) == 0;
  return torsh::where(even, extra + low, (span - extra) + low);
}

// [-1, 1] to pixel coordinates, in the 2-D kernel's operation order.
Tensor unnormalize_vec(const Tensor& coord, int64_t size, bool align_corners) {
  if (align_corners) return (coord + 1.0) * (static_cast<double>(size - 1) / 2.0);
  return (coord + 1.0) * (static_cast<double>(size) / 2.0) - 0.5;
}

// [-1, 1] to pixel coordinates, in the 3-D kernel's operation order.
Tensor unnormalize_scalar(const Tensor& coord, int64_t size, bool align_corners) {
  if (align_corners) return ((coord + 1.0) / 2.0) * static_cast<double>(size - 1);
  return ((coord + 1.0) * static_cast<double>(size) - 1.0) / 2.0;
}

Tensor pad_coords_vec(const Tensor& x, int64_t size, int64_t padding_mode, bool align_corners) {
  if (padding_mode == 1) return clip_vec(x, size);
  if (padding_mode == 2) return clip_vec(reflect_vec(x, size, align_corners), size);
  return x;
}

Tensor pad_coords_scalar(Tensor x, int64_t size, int64_t padding_mode, bool align_corners) {
  if (padding_mode == 1) {
    x = clip_scalar(x, size);
  } else if (padding_mode == 2) {
    x = clip_scalar(reflect_scalar(x, size, align_corners), size);
  }
  // safe_downgrade_to_int_range: a non-finite or huge coordinate reads as outside.
  Tensor ok = torsh::logical_and(torsh::logical_and(torsh::isfinite(x), x >= -2147483648.0),
                                 x <= 2147483646.0);
  return torsh::where(ok, x, -100.0);
}

// ---- gathering ----------------------------------------------------------------------------------

// Reads input values at integer (float-valued) coordinates of the output points, zero where a
// point falls outside the input: such points read a zero appended to each flattened plane.
class Sampler {
 public:
  explicit Sampler(const Tensor& input) : n_(input.size(0)), c_(input.size(1)) {
    for (int64_t d = 2; d < input.dim(); ++d) {
      spatial_.push_back(input.size(d));
      numel_ *= input.size(d);
    }
    Tensor zero = torsh::zeros({n_, c_, 1}, input.options());
    flat_ = torsh::cat({input.reshape({n_, c_, numel_}), zero}, 2);
  }
  const std::vector<int64_t>& spatial() const { return spatial_; }

  /// coords: per spatial dim (slowest first) a float tensor shaped as the grid without its last
  /// dim, carrying no gradient; returns (N, C, *out).
  Tensor operator()(const std::vector<Tensor>& coords) const {
    Tensor valid;
    for (size_t k = 0; k < coords.size(); ++k) {
      Tensor inside = torsh::logical_and(coords[k] > -1, coords[k] < spatial_[k]);
      valid = valid.defined() ? torsh::logical_and(valid, inside) : inside;
    }
    Tensor index;
    for (size_t k = 0; k < coords.size(); ++k) {
      Tensor xi = torsh::where(valid, coords[k], 0.0).to(kLong);
      index = index.defined() ? index * spatial_[k] + xi : xi;
    }
    index = torsh::where(valid, index, numel_);
    std::vector<int64_t> out_shape = {n_, c_};
    int64_t points = 1;
    for (int64_t d = 1; d < index.dim(); ++d) {
      out_shape.push_back(index.size(d));
      points *= index.size(d);
    }
    index = index.reshape({n_, 1, points}).expand({n_, c_, points});
    return torsh::gather(flat_, 2, index).reshape(out_shape);
  }

 private:
  int64_t n_;
  int64_t c_;
  int64_t numel_ = 1;
  std::vector<int64_t> spatial_;
  Tensor flat_;
};

// Cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for fraction t, in the 2-D
// kernel's operation order.
std::array<Tensor, 4> cubic_coeffs(const Tensor& t) {
  constexpr double a = -0.75;
  auto outer = [](const Tensor& x) { return ((x * a - 5 * a) * x + 8 * a) * x - 4 * a; };
  auto inner = [](const Tensor& x) { return ((x * (a + 2) - (a + 3)) * x) * x + 1.0; };
  return {outer(t + 1.0), inner(t), inner(1.0 - t), outer(2.0 - t)};
}

Tensor grid_sample_2d(const Tensor& input, const Tensor& grid, int64_t mode, int64_t padding_mode,
                      bool align_corners) {
  const Sampler sample(input);
  const int64_t h = sample.spatial()[0];
  const int64_t w = sample.spatial()[1];
  Tensor gx = grid.select(-1, 0);
  Tensor gy = grid.select(-1, 1);
  if (mode == 2) {  // bicubic
    Tensor x = unnormalize_vec(gx, w, align_corners);
    Tensor y = unnormalize_vec(gy, h, align_corners);
    Tensor x0 = torsh::floor(x.detach());
    Tensor y0 = torsh::floor(y.detach());
    auto cx = cubic_coeffs(x - x0);
    auto cy = cubic_coeffs(y - y0);
    std::array<Tensor, 4> xs;
    std::array<Tensor, 4> ys;
    for (int k = 0; k < 4; ++k) {
      xs[k] = pad_coords_vec(x0 + (k - 1), w, padding_mode, align_corners);
      ys[k] = pad_coords_vec(y0 + (k - 1), h, padding_mode, align_corners);
    }
    Tensor out;
    for (int j = 0; j < 4; ++j) {
      Tensor row;
      for (int i = 0; i < 4; ++i) {
        Tensor term = cx[i].unsqueeze(1) * sample({ys[j], xs[i]});
        row = row.defined() ? row + term : term;
      }
      Tensor term = cy[j].unsqueeze(1) * row;
      out = out.defined() ? out + term : term;
    }
    return out;
  }
  Tensor x = pad_coords_vec(unnormalize_vec(gx, w, align_corners), w, padding_mode, align_corners);
  Tensor y = pad_coords_vec(unnormalize_vec(gy, h, align_corners), h, padding_mode, align_corners);
  if (mode == 1) {  // nearest: round() is half-to-even, as the kernel's vectorised round
    Tensor xr = torsh::round(x);
    Tensor yr = torsh::round(y);
    return sample({yr.detach(), xr.detach()}) + zero_link(xr + yr).unsqueeze(1);
  }
  Tensor x0 = torsh::floor(x.detach());
  Tensor y0 = torsh::floor(y.detach());
  Tensor wx = x - x0;
  Tensor ny = y - y0;
  Tensor ex = 1.0 - wx;
  Tensor sy = 1.0 - ny;
  Tensor x1 = x0 + 1.0;
  Tensor y1 = y0 + 1.0;
  Tensor nw = (sy * ex).unsqueeze(1);
  Tensor ne = (sy * wx).unsqueeze(1);
  Tensor sw = (ny * ex).unsqueeze(1);
  Tensor se = (ny * wx).unsqueeze(1);
  return sample({y0, x0}) * nw + sample({y0, x1}) * ne + sample({y1, x0}) * sw +
         sample({y1, x1}) * se;
}

// std::round (halves away from zero), which the 3-D kernel's nearest mode uses. No gradient.
Tensor round_half_away(const Tensor& x_) {
  Tensor x = x_.detach();
  Tensor r = torsh::trunc(x);
  return torsh::where(torsh::abs(x - r) >= 0.5, r + torsh::sign(x), r);
}

Tensor grid_sample_3d(const Tensor& input, const Tensor& grid, int64_t mode, int64_t padding_mode,
                      bool align_corners) {
  const Sampler sample(input);
  const auto& sp = sample.spatial();
  const std::array<int64_t, 3> sizes = {sp[2], sp[1], sp[0]};  // x (W), y (H), z (D)
  std::array<Tensor, 3> c;
  for (int k = 0; k < 3; ++k) {
    Tensor u = unnormalize_scalar(grid.select(-1, k), sizes[k], align_corners);
    c[k] = pad_coords_scalar(u, sizes[k], padding_mode, align_corners);
  }
  const Tensor& x = c[0];
  const Tensor& y = c[1];
  const Tensor& z = c[2];
  if (mode == 1) {
    Tensor link = zero_link(torsh::round(x) + torsh::round(y) + torsh::round(z));
    return sample({round_half_away(z), round_half_away(y), round_half_away(x)}) + link.unsqueeze(1);
  }
  // Corners and their weights per axis: (low, high - v), (high, v - low).
  auto corners = [](const Tensor& v) {
    Tensor lo = torsh::floor(v.detach());
    Tensor hi = lo + 1.0;
    return std::array<std::array<Tensor, 2>, 2>{{{lo, hi - v}, {hi, v - lo}}};
  };
  auto fx = corners(x);
  auto fy = corners(y);
  auto fz = corners(z);
  Tensor out;
  for (const auto& [zc, wz] : fz) {  // the kernel's order: tnw, tne, tsw, tse, bnw, ...
    for (const auto& [yc, wy] : fy) {
      for (const auto& [xc, wx] : fx) {
        Tensor term = sample({zc, yc, xc}) * (wx * wy * wz).unsqueeze(1);
        out = out.defined() ? out + term : term;
      }
    }
  }
  return out;
}

// AT_DISPATCH's error for a kernel without the dtype.
void check_float_kernel(const Tensor& t, const char* kernel) {
  const ScalarType s = t.scalar_type();
  TORSH_CHECK(s == kFloat || s == kDouble, "\"", kernel, "\" not implemented for '",
              scalar_type_name(s), "'");
}

void check_grid_sampler(const Tensor& input, const Tensor& grid, int64_t mode) {
  TORSH_CHECK(input.defined(), "grid_sampler(): expected input to not be undefined");
  TORSH_CHECK(grid.defined(), "grid_sampler(): expected grid to not be undefined");
  TORSH_CHECK(input.size(0) == grid.size(0),
              "grid_sampler(): expected grid and input to have same batch size, but got input "
              "with sizes ",
              shape_str(input.sizes()), " and grid with sizes ", shape_str(grid.sizes()));
  TORSH_CHECK(grid.size(-1) == input.dim() - 2, "grid_sampler(): expected grid to have size ",
              input.dim() - 2, " in last dimension, but got grid with sizes ",
              shape_str(grid.sizes()));
  for (int64_t i = 2; i < input.dim(); ++i) {
    TORSH_CHECK(input.size(i) > 0,
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input "
                "has sizes ",
                shape_str(input.sizes()), " with dimension ", i, " being empty");
  }
  if (input.dim() == 4) {
    TORSH_CHECK(grid.dim() == 4,
                "grid_sampler(): expected 4D input and grid with same number of dimensions, but "
                "got input with sizes ",
                shape_str(input.sizes()), " and grid with sizes ", shape_str(grid.sizes()));
    const ScalarType s = input.scalar_type();
    TORSH_CHECK(s == kFloat || s == kDouble, "grid_sampler_2d_cpu not implemented for ",
                scalar_type_name(s));
  } else {
    TORSH_CHECK(input.dim() == 5 && grid.dim() == 5,
                "grid_sampler(): expected 5D input and grid with same number of dimensions, but "
                "got input with sizes ",
                shape_str(input.sizes()), " and grid with sizes ", shape_str(grid.sizes()));
    TORSH_CHECK(mode != 2, "grid_sampler(): bicubic interpolation only supports 4D input");
    check_float_kernel(input, "grid_sampler3d_cpu");
  }
  TORSH_CHECK(grid.scalar_type() == input.scalar_type(), "expected scalar type ",
              scalar_type_name(input.scalar_type()), " but found ",
              scalar_type_name(grid.scalar_type()));
}

// ATen's linspace_from_neg_one: the pixel centres (or corners) in [-1, 1]; one step gives 0.
Tensor linspace_from_neg_one(const Tensor& theta, int64_t steps, bool align_corners) {
  if (steps <= 1) return torsh::zeros({}, theta.options());
  Tensor r = torsh::linspace(-1, 1, steps, theta.options());
  if (!align_corners) r = r * (steps - 1) / steps;
  return r;
}

}  // namespace

Tensor affine_grid_generator(const Tensor& theta, IntArrayRef size, bool align_corners) {
  TORSH_CHECK(size.size() == 4 || size.size() == 5,
              "AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.");
  const int64_t n = size[0];
  const int64_t nd = static_cast<int64_t>(size.size()) - 2;
  std::vector<int64_t> spatial(size.begin() + 2, size.end());
  // The base grid (*spatial, nd + 1) of (x, y[, z], 1), x running over the last dim.
  std::vector<int64_t> base_shape = spatial;
  base_shape.push_back(nd + 1);
  Tensor base = torsh::empty(base_shape, theta.options());
  for (int64_t k = 0; k < nd; ++k) {
    Tensor line = linspace_from_neg_one(theta, spatial[nd - 1 - k], align_corners);
    for (int64_t j = 0; j < k && line.dim() > 0; ++j) line = line.unsqueeze(-1);
    base.select(-1, k).copy_(line);
  }
  base.select(-1, nd).fill_(1);
  int64_t points = 1;
  for (int64_t s : spatial) points *= s;
  TORSH_CHECK(theta.dim() == 3 && theta.size(0) == n && theta.size(2) == nd + 1,
              "Expected size for first two dimensions of batch2 tensor to be: [", n, ", ", nd + 1,
              "] but got: [", theta.dim() > 0 ? theta.size(0) : 0, ", ",
              theta.dim() > 2 ? theta.size(2) : 0, "].");
  Tensor flat = base.reshape({1, points, nd + 1}).expand({n, points, nd + 1});
  std::vector<int64_t> out_shape = {n};
  out_shape.insert(out_shape.end(), spatial.begin(), spatial.end());
  out_shape.push_back(nd);
  return torsh::bmm(flat, theta.transpose(1, 2)).reshape(out_shape);
}

Tensor grid_sampler(const Tensor& input, const Tensor& grid, int64_t interpolation_mode,
                    int64_t padding_mode, bool align_corners) {
  check_grid_sampler(input, grid, interpolation_mode);
  if (input.dim() == 4) {
    return grid_sample_2d(input, grid, interpolation_mode, padding_mode, align_corners);
  }
  return grid_sample_3d(input, grid, interpolation_mode, padding_mode, align_corners);
}

namespace nn::functional {

Tensor affine_grid(const Tensor& theta, const IntArrayRef& size, bool align_corners) {
  TORSH_CHECK(theta.is_floating_point(), "Expected theta to have floating point type, but got ",
              theta.dtype());
  if (size.size() == 4) {
    TORSH_CHECK(theta.dim() == 3 && theta.size(-2) == 2 && theta.size(-1) == 3,
                "Expected a batch of 2D affine matrices of shape Nx2x3 for size ", shape_str(size),
                ". Got ", shape_str(theta.sizes()), ".");
  } else if (size.size() == 5) {
    TORSH_CHECK(theta.dim() == 3 && theta.size(-2) == 3 && theta.size(-1) == 4,
                "Expected a batch of 3D affine matrices of shape Nx3x4 for size ", shape_str(size),
                ". Got ", shape_str(theta.sizes()), ".");
  } else {
    TORSH_CHECK(false, "affine_grid only supports 4D and 5D sizes, ",
                "for 2D and 3D affine transforms, respectively. ", "Got size ", shape_str(size));
  }
  TORSH_CHECK(*std::min_element(size.begin(), size.end()) > 0,
              "Expected non-zero, positive output size. Got ", shape_str(size));
  return affine_grid_generator(theta, size, align_corners);
}

Tensor grid_sample(const Tensor& input, const Tensor& grid, const GridSampleFuncOptions& options) {
  // The variants' alternatives are in grid_sampler's order: bilinear, nearest; zeros, border,
  // reflection.
  const auto mode = static_cast<int64_t>(options.mode().index());
  const auto padding = static_cast<int64_t>(options.padding_mode().index());
  bool align_corners = false;
  if (options.align_corners().has_value()) {
    align_corners = *options.align_corners();
  } else {
    warn(
        "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
        "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
        "documentation of grid_sample for details.");
  }
  return grid_sampler(input, grid, mode, padding, align_corners);
}

}  // namespace nn::functional

}  // namespace torsh
