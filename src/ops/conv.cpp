// Convolution: convolution (torch's aten::convolution, transposed or not), its two backward ops
// (each differentiable again, so double backward comes from the same three ops), conv1d/2d/3d
// (int or 'same'/'valid' padding) and conv_transpose1d/2d/3d. The kernels are in
// cpu/conv_kernels.cpp behind the slots of stubs_nn.h.
//
// Three primitives, for a forward convolution C(x, w) (x [N, Cin, I...], w [Cout, Cin/g, K...]):
// C itself, its adjoint in x, T(gy, w), and its derivative in w, W(gy, x). A transposed
// convolution is T, whose adjoint in x is C and whose derivative in w is W with the roles of
// grad and input swapped.
#include <string>

#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {
namespace {

std::string join_sizes(const int64_t* v, int64_t n, const char* sep) {
  std::string s;
  for (int64_t i = 0; i < n; ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

// A parameter list of 1 value (expanded) or nd values, as torch accepts it.
std::vector<int64_t> expand_param(IntArrayRef p, int nd, const char* name) {
  if (p.size() == 1) return std::vector<int64_t>(static_cast<size_t>(nd), p[0]);
  TORSH_CHECK(static_cast<int>(p.size()) == nd, "expected ", name,
              " to be a single integer value or a list of ", nd,
              " values to match the convolution dimensions, but got ", name, "=",
              detail::shape_str(p));
  return p.vec();
}

struct ConvSetup {
  detail::ConvGeometry g;
  std::vector<int64_t> output_padding;
};

// Checks the arguments shared by the three ops; nd spatial dims from the weight.
ConvSetup conv_setup(const Tensor& weight, IntArrayRef stride, IntArrayRef padding,
                     IntArrayRef dilation, IntArrayRef output_padding, int64_t groups) {
  TORSH_CHECK(weight.dim() >= 3, "weight should have at least three dimensions");
  TORSH_CHECK(weight.dim() <= 5, "convolution: only 1, 2 or 3 spatial dims are supported, got a ",
              "weight of size ", detail::shape_str(weight.sizes()));
  const int nd = static_cast<int>(weight.dim()) - 2;
  ConvSetup r;
  r.g.nd = nd;
  r.g.groups = groups;
  auto s = expand_param(stride, nd, "stride");
  auto p = expand_param(padding, nd, "padding");
  auto d = expand_param(dilation, nd, "dilation");
  r.output_padding = expand_param(output_padding, nd, "output_padding");
  for (int i = 0; i < nd; ++i) {
    TORSH_CHECK(p[i] >= 0, "negative padding is not supported");
    TORSH_CHECK(s[i] > 0, "non-positive stride is not supported");
    TORSH_CHECK(d[i] > 0, "dilation should be greater than zero");
    TORSH_CHECK(r.output_padding[i] >= 0, "negative output_padding is not supported");
    r.g.stride[i] = s[i];
    r.g.padding[i] = p[i];
    r.g.dilation[i] = d[i];
  }
  TORSH_CHECK(groups > 0, "non-positive groups is not supported");
  return r;
}

// The dtype the kernels compute in (16-bit floats in float), after torch's dtype checks.
ScalarType compute_dtype(const char* op, const Tensor& a, const Tensor& b) {
  TORSH_CHECK(a.dtype() == b.dtype(), "expected scalar type ", scalar_type_name(b.dtype()),
              " but found ", scalar_type_name(a.dtype()));
  const ScalarType t = a.dtype();
  // torch 1.13's CPU convolution: float, double, bfloat16 (and integers, which torsh refuses)
  TORSH_CHECK(t == kFloat || t == kDouble || t == kBFloat16, op, ": \"slow_conv2d_cpu\" not ",
              "implemented for '", scalar_type_name(t), "'",
              is_floating_point(t) ? "" : " (torsh convolves floating tensors only)");
  return t == kBFloat16 ? kFloat : t;
}

// The kernels' contract: x [N, Cin, I...], w [Cout, Cin / groups, K...] and y [N, Cout, O...]
// agree on batch, channels and rank, and no output position lies past the natural output size
// (smaller is allowed: a transposed convolution's output_padding can leave inputs unread).
void check_shapes(const char* op, IntArrayRef x, IntArrayRef w, IntArrayRef y,
                  const detail::ConvGeometry& g) {
  bool ok = x.size() == w.size() && y.size() == w.size() && x.size() >= 3 && x[0] == y[0] &&
            x[1] == w[1] * g.groups && y[1] == w[0] && w[0] % g.groups == 0;
  for (int i = 0; ok && i < g.nd; ++i) {
    const int64_t span = x[2 + i] + 2 * g.padding[i] - g.dilation[i] * (w[2 + i] - 1) - 1;
    ok = y[2 + i] >= 1 && span >= 0 && y[2 + i] <= span / g.stride[i] + 1;
  }
  TORSH_CHECK(ok, op, ": input ", detail::shape_str(x), ", weight ", detail::shape_str(w),
              " and output ", detail::shape_str(y),
              " do not describe one convolution (groups=", g.groups, ")");
}

Tensor in_dtype(const Tensor& t, ScalarType ct) {
  return (t.dtype() == ct ? t : t.to(ct)).contiguous();
}

// C: the forward convolution, output sizes from the geometry.
Tensor conv_forward(const Tensor& x, const Tensor& w, const Tensor& bias,
                    const detail::ConvGeometry& g) {
  const ScalarType ct = compute_dtype("convolution", x, w);
  std::vector<int64_t> out{x.size(0), w.size(0)};
  std::string in_s, k_s;
  bool fits = true;
  for (int i = 0; i < g.nd; ++i) {
    const int64_t padded = x.size(2 + i) + 2 * g.padding[i];
    const int64_t eff = g.dilation[i] * (w.size(2 + i) - 1) + 1;
    fits = fits && padded >= eff;
    in_s += (i ? " x " : "") + std::to_string(padded);
    k_s += (i ? " x " : "") + std::to_string(eff);
    out.push_back(padded < eff ? 0 : (padded - eff) / g.stride[i] + 1);
  }
  TORSH_CHECK(fits, "Calculated padded input size per channel: (", in_s, "). Kernel size: (", k_s,
              "). Kernel size can't be greater than actual input size");
  check_shapes("convolution", x.sizes(), w.sizes(), out, g);
  Tensor y = torsh::empty(out, x.options().dtype(ct));
  if (y.numel() == 0) return y.to(x.dtype());
  Tensor b = bias.defined() ? in_dtype(bias, ct) : Tensor();
  if (x.numel() == 0 || w.numel() == 0) {
    y.zero_();
    if (b.defined()) {
      std::vector<int64_t> bshape(out.size(), 1);
      bshape[1] = -1;
      y.add_(b.view(bshape));
    }
  } else {
    detail::conv_forward_stub(x.device().type, "convolution")(y, in_dtype(x, ct), in_dtype(w, ct),
                                                              b, g);
  }
  return y.dtype() == x.dtype() ? y : y.to(x.dtype());
}

// T: the adjoint of C in its input, with the input's sizes given.
Tensor conv_adjoint_input(const Tensor& gy, const Tensor& w, IntArrayRef input_sizes,
                          const detail::ConvGeometry& g) {
  const ScalarType ct = compute_dtype("convolution_backward_input", gy, w);
  check_shapes("convolution_backward_input", input_sizes, w.sizes(), gy.sizes(), g);
  Tensor gx = torsh::zeros(input_sizes, gy.options().dtype(ct));
  if (gx.numel() != 0 && gy.numel() != 0 && w.numel() != 0) {
    detail::conv_backward_input_stub(gy.device().type, "convolution_backward_input")(
        gx, in_dtype(gy, ct), in_dtype(w, ct), g);
  }
  return gx.dtype() == gy.dtype() ? gx : gx.to(gy.dtype());
}

// W: the derivative of C in its weight, with the weight's sizes given.
Tensor conv_weight_grad(const Tensor& gy, const Tensor& x, IntArrayRef weight_sizes,
                        const detail::ConvGeometry& g) {
  const ScalarType ct = compute_dtype("convolution_backward_weight", gy, x);
  check_shapes("convolution_backward_weight", x.sizes(), weight_sizes, gy.sizes(), g);
  Tensor gw = torsh::zeros(weight_sizes, gy.options().dtype(ct));
  if (gw.numel() != 0 && gy.numel() != 0 && x.numel() != 0) {
    detail::conv_backward_weight_stub(gy.device().type, "convolution_backward_weight")(
        gw, in_dtype(gy, ct), in_dtype(x, ct), g);
  }
  return gw.dtype() == gy.dtype() ? gw : gw.to(gy.dtype());
}

// The sizes of a transposed convolution's output.
std::vector<int64_t> transposed_sizes(const Tensor& x, const Tensor& w, const ConvSetup& s) {
  const auto& g = s.g;
  std::vector<int64_t> out{x.size(0), w.size(1) * g.groups};
  std::vector<int64_t> in_v, out_v;
  bool ok = true;
  for (int i = 0; i < g.nd; ++i) {
    const int64_t o = (x.size(2 + i) - 1) * g.stride[i] - 2 * g.padding[i] +
                      g.dilation[i] * (w.size(2 + i) - 1) + s.output_padding[i] + 1;
    ok = ok && o > 0;
    in_v.push_back(x.size(2 + i));
    out_v.push_back(o);
    out.push_back(o);
  }
  TORSH_CHECK(ok, "Given input size per channel: (",
              join_sizes(in_v.data(), static_cast<int64_t>(in_v.size()), " x "),
              "). Calculated output size per channel: (",
              join_sizes(out_v.data(), static_cast<int64_t>(out_v.size()), " x "),
              "). Output size is too small");
  return out;
}

void check_output_padding(const ConvSetup& s) {
  const auto& g = s.g;
  bool ok = true;
  for (int i = 0; i < g.nd; ++i) {
    ok = ok && (s.output_padding[i] < g.stride[i] || s.output_padding[i] < g.dilation[i]);
  }
  if (ok) return;
  static const char* kAxis[3][3] = {{"width"}, {"height", "width"}, {"depth", "height", "width"}};
  std::string m = "output padding must be smaller than either stride or dilation, but got";
  for (int i = 0; i < g.nd; ++i)
    m += std::string(" output_padding_") + kAxis[g.nd - 1][i] + ": " +
         std::to_string(s.output_padding[i]);
  for (int i = 0; i < g.nd; ++i)
    m += std::string(" stride_") + kAxis[g.nd - 1][i] + ": " + std::to_string(g.stride[i]);
  for (int i = 0; i < g.nd; ++i)
    m += std::string(" dilation_") + kAxis[g.nd - 1][i] + ": " + std::to_string(g.dilation[i]);
  TORSH_CHECK(false, m);
}

}  // namespace

Tensor convolution(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                   IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation, bool transposed,
                   IntArrayRef output_padding, int64_t groups) {
  ConvSetup s = conv_setup(weight, stride, padding, dilation, output_padding, groups);
  TORSH_CHECK(input.dim() == weight.dim(), "Expected ", weight.dim(), "-dimensional input for ",
              weight.dim(), "-dimensional weight ", detail::shape_str(weight.sizes()), ", but got ",
              input.dim(), "-dimensional input of size ", detail::shape_str(input.sizes()),
              " instead");
  const Tensor b = bias && bias->defined() ? *bias : Tensor();
  const int64_t cout = transposed ? weight.size(1) * groups : weight.size(0);
  if (!transposed) {
    TORSH_CHECK(weight.size(0) % groups == 0, "Given groups=", groups,
                ", expected weight to be divisible by ", groups,
                " at dimension 0, but got weight of size ", detail::shape_str(weight.sizes()),
                " instead");
    TORSH_CHECK(input.size(1) == weight.size(1) * groups, "Given groups=", groups,
                ", weight of size ", detail::shape_str(weight.sizes()), ", expected input",
                detail::shape_str(input.sizes()), " to have ", weight.size(1) * groups,
                " channels, but got ", input.size(1), " channels instead");
  } else {
    TORSH_CHECK(input.size(1) == weight.size(0), "Given transposed=1, weight of size ",
                detail::shape_str(weight.sizes()), ", expected input",
                detail::shape_str(input.sizes()), " to have ", weight.size(0),
                " channels, but got ", input.size(1), " channels instead");
    TORSH_CHECK(weight.size(0) % groups == 0, "Given groups=", groups,
                ", expected weight to be divisible by ", groups,
                " at dimension 0, but got weight of size ", detail::shape_str(weight.sizes()),
                " instead");
  }
  TORSH_CHECK(!b.defined() || (b.dim() == 1 && b.size(0) == cout), "Given weight of size ",
              detail::shape_str(weight.sizes()), ", expected bias to be 1-dimensional with ", cout,
              " elements, but got bias of size ",
              b.defined() ? detail::shape_str(b.sizes()) : std::string("[]"), " instead");
  if (b.defined()) compute_dtype("convolution", input, b);
  if (!transposed) return conv_forward(input, weight, b, s.g);
  check_output_padding(s);
  Tensor y = conv_adjoint_input(input, weight, transposed_sizes(input, weight, s), s.g);
  if (b.defined()) {
    std::vector<int64_t> bshape(static_cast<size_t>(y.dim()), 1);
    bshape[1] = -1;
    NoGradGuard guard;  // y is a fresh result: the bias' gradient comes from the table's formula
    y.add_(b.view(bshape));
  }
  return y;
}

Tensor convolution_backward_input(const Tensor& grad_output, const Tensor& weight,
                                  IntArrayRef input_size, IntArrayRef stride, IntArrayRef padding,
                                  IntArrayRef dilation, bool transposed, int64_t groups) {
  ConvSetup s = conv_setup(weight, stride, padding, dilation, {0}, groups);
  TORSH_CHECK(
      grad_output.dim() == weight.dim() && static_cast<int64_t>(input_size.size()) == weight.dim(),
      "convolution_backward_input: expected grad_output ", detail::shape_str(grad_output.sizes()),
      " and input size ", detail::shape_str(input_size), " of ", weight.dim(), " dims");
  if (!transposed) return conv_adjoint_input(grad_output, weight, input_size, s.g);
  // a transposed convolution's input gradient is the forward convolution of grad_output; with
  // output_padding >= stride (allowed when below the dilation) it has trailing positions that
  // no input element reached: cropped
  Tensor r = conv_forward(grad_output, weight, Tensor(), s.g);
  bool fits = r.dim() == static_cast<int64_t>(input_size.size()) && r.size(0) == input_size[0] &&
              r.size(1) == input_size[1];
  for (int64_t d = 2; fits && d < r.dim(); ++d) fits = r.size(d) >= input_size[d];
  TORSH_CHECK(fits, "convolution_backward_input: expected input size ",
              detail::shape_str(input_size), ", got ", detail::shape_str(r.sizes()));
  for (int64_t d = 2; d < r.dim(); ++d) {
    if (r.size(d) != input_size[d]) r = r.narrow(d, 0, input_size[d]);
  }
  return r.is_contiguous() ? r : r.contiguous();
}

Tensor convolution_backward_weight(const Tensor& grad_output, const Tensor& input,
                                   IntArrayRef weight_size, IntArrayRef stride, IntArrayRef padding,
                                   IntArrayRef dilation, bool transposed, int64_t groups) {
  TORSH_CHECK(
      static_cast<int64_t>(weight_size.size()) == input.dim() && grad_output.dim() == input.dim(),
      "convolution_backward_weight: expected grad_output ", detail::shape_str(grad_output.sizes()),
      ", input ", detail::shape_str(input.sizes()), " and weight size ",
      detail::shape_str(weight_size), " of one rank");
  Tensor w_shape = torsh::empty(weight_size, input.options());  // geometry only (no data read)
  ConvSetup s = conv_setup(w_shape, stride, padding, dilation, {0}, groups);
  // transposed: y = T(x, w), whose weight derivative is W with grad and input swapped
  return transposed ? conv_weight_grad(input, grad_output, weight_size, s.g)
                    : conv_weight_grad(grad_output, input, weight_size, s.g);
}

namespace {

// conv1d/2d/3d: unbatched inputs (nd + 1 dims) get a batch dim of 1, as torch does.
Tensor conv_nd(const char* name, int nd, const Tensor& input, const Tensor& weight,
               const std::optional<Tensor>& bias, IntArrayRef stride, IntArrayRef padding,
               IntArrayRef dilation, int64_t groups, bool transposed, IntArrayRef output_padding) {
  TORSH_CHECK(input.dim() == nd + 1 || input.dim() == nd + 2, "Expected ", nd + 1,
              "D (unbatched) or ", nd + 2, "D (batched) input to ", name,
              ", but got input of size: ", detail::shape_str(input.sizes()));
  const bool unbatched = input.dim() == nd + 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  Tensor y = torsh::convolution(x, weight, bias, stride, padding, dilation, transposed,
                                output_padding, groups);
  return unbatched ? y.squeeze(0) : y;
}

// padding='same' / 'valid' (torch's _convolution_mode): 'same' pads by dilation * (k - 1) in
// total, the odd element on the right (by padding the input first).
Tensor conv_nd_mode(const char* name, int nd, const Tensor& input, const Tensor& weight,
                    const std::optional<Tensor>& bias, IntArrayRef stride,
                    const std::string& padding, IntArrayRef dilation, int64_t groups) {
  if (padding == "valid") {
    return conv_nd(name, nd, input, weight, bias, stride, {0}, dilation, groups, false, {0});
  }
  TORSH_CHECK(padding == "same", "Invalid padding string: '", padding, "'");
  TORSH_CHECK(weight.dim() == nd + 2, "Expected ", nd + 2, "-dimensional weight for ", name,
              ", but got weight of size ", detail::shape_str(weight.sizes()));
  auto s = expand_param(stride, nd, "stride");
  auto d = expand_param(dilation, nd, "dilation");
  for (int i = 0; i < nd; ++i) {
    TORSH_CHECK(s[i] == 1, "padding='same' is not supported for strided convolutions");
  }
  std::vector<int64_t> pad(static_cast<size_t>(nd)), extra(2 * static_cast<size_t>(nd), 0);
  bool asym = false;
  for (int i = 0; i < nd; ++i) {
    const int64_t total = d[i] * (weight.size(2 + i) - 1);
    pad[i] = total / 2;
    if (total % 2 != 0) {
      asym = true;
      extra[2 * static_cast<size_t>(nd - 1 - i) + 1] = 1;  // F.pad order: last dim first
    }
  }
  Tensor x = asym ? torsh::constant_pad_nd(input, extra, 0) : input;
  return conv_nd(name, nd, x, weight, bias, stride, pad, dilation, groups, false, {0});
}

}  // namespace

#define TORSH_CONV_ND(N)                                                                          \
  Tensor conv##N##d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, \
                    IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,                \
                    int64_t groups) {                                                             \
    return conv_nd("conv" #N "d", N, input, weight, bias, stride, padding, dilation, groups,      \
                   false, {0});                                                                   \
  }                                                                                               \
  Tensor conv##N##d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, \
                    IntArrayRef stride, std::string_view padding, IntArrayRef dilation,           \
                    int64_t groups) {                                                             \
    return conv_nd_mode("conv" #N "d", N, input, weight, bias, stride, std::string(padding),      \
                        dilation, groups);                                                        \
  }                                                                                               \
  Tensor conv_transpose##N##d(const Tensor& input, const Tensor& weight,                          \
                              const std::optional<Tensor>& bias, IntArrayRef stride,              \
                              IntArrayRef padding, IntArrayRef output_padding, int64_t groups,    \
                              IntArrayRef dilation) {                                             \
    return conv_nd("conv_transpose" #N "d", N, input, weight, bias, stride, padding, dilation,    \
                   groups, true, output_padding);                                                 \
  }
TORSH_CONV_ND(1)
TORSH_CONV_ND(2)
TORSH_CONV_ND(3)
#undef TORSH_CONV_ND

}  // namespace native
}  // namespace torsh
