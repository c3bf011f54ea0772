// torsh/nn/vision.h: affine_grid composed from torsh's differentiable ops; grid_sample over the
// native kernels of ops/cpu/grid_sample_kernels.cpp (torch's CPU arithmetic), with their
// backward as a custom autograd function whose own derivative raises, as torch's does.
#include "torsh/nn/vision.h"

#include <algorithm>
#include <string>
#include <vector>

#include "ops/stubs_grid.h"
#include "torsh/autograd/function.h"
#include "torsh/core/grad_mode.h"
#include "torsh/core/warning.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh {

namespace {

using detail::shape_str;

// grid_sampler's forward: (N, C, *grid's middle dims), contiguous.
Tensor grid_sampler_forward(const Tensor& input, const Tensor& grid, int64_t mode, int64_t padding,
                            bool align_corners) {
  std::vector<int64_t> shape = {input.size(0), input.size(1)};
  for (int64_t d = 1; d + 1 < grid.dim(); ++d) shape.push_back(grid.size(d));
  Tensor out = torsh::empty(shape, input.options());
  detail::grid_sampler_forward_stub(input.device().type, "grid_sampler")(out, input, grid, mode,
                                                                         padding, align_corners);
  return out;
}

// grid_sampler's gradients {grad_input, grad_grid}, or {grad_grid} without input_grad.
autograd::variable_list grid_sampler_backward(const Tensor& grad, const Tensor& input,
                                              const Tensor& grid, int64_t mode, int64_t padding,
                                              bool align_corners, bool input_grad) {
  Tensor go = grad.contiguous();
  Tensor gi = input_grad ? torsh::zeros(input.sizes(), input.options()) : Tensor();
  Tensor gg = torsh::empty(grid.sizes(), grid.options());
  detail::grid_sampler_backward_stub(input.device().type, "grid_sampler_backward")(
      gi, gg, go, input, grid, mode, padding, align_corners);
  if (input_grad) return {gi, gg};
  return {gg};
}

// The backward as a graph node under create_graph, whose own derivative raises as torch's does.
struct GridSamplerBackwardFn : autograd::Function<GridSamplerBackwardFn> {
  static autograd::variable_list forward(autograd::AutogradContext* ctx, const Tensor& grad,
                                         const Tensor& input, const Tensor& grid, int64_t mode,
                                         int64_t padding, bool align_corners, bool input_grad) {
    ctx->saved_data["dims"] = input.dim() - 2;
    return grid_sampler_backward(grad, input, grid, mode, padding, align_corners, input_grad);
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx,
                                          const autograd::variable_list&) {
    TORSH_CHECK(false, "derivative for aten::grid_sampler_", ctx->saved_data["dims"].toInt(),
                "d_backward is not implemented");
    return {};
  }
};

// grid_sampler with torch's kernels' gradients w.r.t. input and grid.
struct GridSamplerFn : autograd::Function<GridSamplerFn> {
  static Tensor forward(autograd::AutogradContext* ctx, const Tensor& input, const Tensor& grid,
                        int64_t mode, int64_t padding, bool align_corners) {
    ctx->save_for_backward({input, grid});
    ctx->saved_data["mode"] = mode;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["align"] = align_corners;
    return grid_sampler_forward(input, grid, mode, padding, align_corners);
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx,
                                          const autograd::variable_list& grads) {
    const autograd::variable_list saved = ctx->get_saved_variables();
    const int64_t mode = ctx->saved_data["mode"].toInt();
    const int64_t padding = ctx->saved_data["padding"].toInt();
    const bool align = ctx->saved_data["align"].toBool();
    const bool input_grad = ctx->needs_input_grad(0);
    autograd::variable_list r =
        GradMode::is_enabled()
            ? GridSamplerBackwardFn::apply(grads[0], saved[0], saved[1], mode, padding, align,
                                           input_grad)
            : grid_sampler_backward(grads[0], saved[0], saved[1], mode, padding, align, input_grad);
    Tensor gi = input_grad ? r[0] : Tensor();
    Tensor gg = ctx->needs_input_grad(1) ? r.back() : Tensor();
    return {gi, gg, Tensor(), Tensor(), Tensor()};
  }
};

// AT_DISPATCH's error for a kernel without the dtype.
void check_float_kernel(const Tensor& t, const char* kernel) {
  const ScalarType s = t.scalar_type();
  TORSH_CHECK(s == kFloat || s == kDouble, "\"", kernel, "\" not implemented for '",
              scalar_type_name(s), "'");
}

void check_grid_sampler(const Tensor& input, const Tensor& grid, int64_t mode, int64_t padding) {
  // torch 1.13 leaves the output uninitialised for other values; torsh refuses them
  TORSH_CHECK(mode >= 0 && mode <= 2,
              "grid_sampler(): expected interpolation_mode to be 0 (bilinear), 1 (nearest) or 2 "
              "(bicubic), but got: ",
              mode);
  TORSH_CHECK(padding >= 0 && padding <= 2,
              "grid_sampler(): expected padding_mode to be 0 (zeros), 1 (border) or 2 "
              "(reflection), but got: ",
              padding);
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
  check_grid_sampler(input, grid, interpolation_mode, padding_mode);
  return GridSamplerFn::apply(input, grid, interpolation_mode, padding_mode, align_corners);
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
