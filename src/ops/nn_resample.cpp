// Resampling layers of torch.nn.functional: the upsample ops behind F.interpolate (nearest,
// nearest-exact, linear/bilinear/trilinear, bicubic, antialiased bilinear/bicubic),
// pixel_shuffle/pixel_unshuffle and im2col/col2im (F.unfold/F.fold). Composed of torsh ops
// (index_select taps with per-position weights, views, slices), so gradients come from the parts.
// The interpolation weights are computed as torch 1.13 computes them (float for float tensors), and
// the taps combined in its order, innermost dim first.
#include <cmath>
#include <string>

#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {
namespace {

enum class Mode { kNearest, kNearestExact, kLinear, kCubic };

// One output position's taps along a dim: input indices and weights.
struct Taps {
  std::vector<std::vector<int64_t>> index;  // [tap][out]
  std::vector<std::vector<double>> weight;  // [tap][out] (empty for nearest)
};

template <typename Acc>
Acc scale_value(std::optional<double> scale, int64_t in, int64_t out) {
  return scale && *scale > 0 ? static_cast<Acc>(1.0 / *scale)
                             : static_cast<Acc>(in) / static_cast<Acc>(out);
}

template <typename Acc>
Acc area_scale(int64_t in, int64_t out, bool align_corners, std::optional<double> scale) {
  if (align_corners) {
    return out > 1 ? static_cast<Acc>(in - 1) / static_cast<Acc>(out - 1) : Acc(0);
  }
  return scale_value<Acc>(scale, in, out);
}

template <typename Acc>
Acc source_index(Acc scale, int64_t dst, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<Acc>(dst);
  const Acc src = scale * (static_cast<Acc>(dst) + Acc(0.5)) - Acc(0.5);
  return (!cubic && src < 0) ? Acc(0) : src;
}

template <typename Acc>
Taps make_taps(Mode mode, int64_t in, int64_t out, bool align_corners,
               std::optional<double> scale) {
  Taps t;
  if (mode == Mode::kNearest || mode == Mode::kNearestExact) {
    t.index.assign(1, std::vector<int64_t>(static_cast<size_t>(out)));
    const float s = scale_value<float>(scale, in, out);
    for (int64_t o = 0; o < out; ++o) {
      int64_t i;
      if (mode == Mode::kNearest) {
        i = out == in ? o
            : out == 2 * in
                ? o >> 1
                : std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * s)), in - 1);
      } else {
        i = std::min(static_cast<int64_t>(std::floor((static_cast<float>(o) + 0.5f) * s)), in - 1);
      }
      t.index[0][static_cast<size_t>(o)] = i;
    }
    return t;
  }
  const Acc s = area_scale<Acc>(in, out, align_corners, scale);
  const int ntaps = mode == Mode::kLinear ? 2 : 4;
  t.index.assign(static_cast<size_t>(ntaps), std::vector<int64_t>(static_cast<size_t>(out)));
  t.weight.assign(static_cast<size_t>(ntaps), std::vector<double>(static_cast<size_t>(out)));
  for (int64_t o = 0; o < out; ++o) {
    const size_t u = static_cast<size_t>(o);
    const Acc src = source_index<Acc>(s, o, align_corners, mode == Mode::kCubic);
    if (mode == Mode::kLinear) {
      const int64_t i0 = static_cast<int64_t>(src);
      const int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
      const Acc l1 = src - static_cast<Acc>(i0);
      t.index[0][u] = i0;
      t.index[1][u] = i1;
      t.weight[0][u] = static_cast<double>(Acc(1) - l1);
      t.weight[1][u] = static_cast<double>(l1);
    } else {
      const int64_t i = static_cast<int64_t>(std::floor(src));
      const Acc x = src - static_cast<Acc>(i);
      const Acc a = Acc(-0.75);
      auto conv1 = [a](Acc v) { return ((a + 2) * v - (a + 3)) * v * v + 1; };
      auto conv2 = [a](Acc v) { return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a; };
      const Acc w[4] = {conv2(x + 1), conv1(x), conv1(1 - x), conv2(2 - x)};
      for (int k = 0; k < 4; ++k) {
        t.index[static_cast<size_t>(k)][u] = std::min(std::max<int64_t>(i - 1 + k, 0), in - 1);
        t.weight[static_cast<size_t>(k)][u] = static_cast<double>(w[k]);
      }
    }
  }
  return t;
}

// x resampled along dim d to out elements: the taps' index_selects, weighted and summed in order.
Tensor resample_dim(const Tensor& x, int64_t d, int64_t out, Mode mode, bool align_corners,
                    std::optional<double> scale) {
  const int64_t in = x.size(d);
  const bool dbl = x.dtype() == kDouble;
  Taps t = dbl ? make_taps<double>(mode, in, out, align_corners, scale)
               : make_taps<float>(mode, in, out, align_corners, scale);
  Tensor r;
  std::vector<int64_t> wshape(static_cast<size_t>(x.dim()), 1);
  wshape[static_cast<size_t>(d)] = out;
  for (size_t k = 0; k < t.index.size(); ++k) {
    Tensor tap = x.index_select(d, torsh::tensor(t.index[k]));
    if (!t.weight.empty()) {
      tap = tap * torsh::tensor(t.weight[k], TensorOptions(kDouble)).to(x.dtype()).view(wshape);
    }
    r = k == 0 ? tap : r + tap;
  }
  return r;
}

Tensor upsample(const char* op, int nd, const Tensor& self, IntArrayRef output_size,
                std::vector<std::optional<double>> scales, Mode mode, bool align_corners) {
  TORSH_CHECK(static_cast<int>(output_size.size()) == nd, "It is expected output_size equals to ",
              nd, ", but got size ", output_size.size());
  bool nonempty = self.dim() == nd + 2;
  for (int64_t i = 1; nonempty && i < self.dim(); ++i) nonempty = self.size(i) > 0;
  TORSH_CHECK(nonempty, op, ": Non-empty ", nd + 2,
              "D data tensor expected but got a tensor with sizes ",
              detail::shape_str(self.sizes()));
  bool positive = true;
  for (int i = 0; i < nd; ++i) positive = positive && output_size[i] > 0;
  TORSH_CHECK(positive, op, ": Input and output sizes should be greater than 0, but got input ",
              detail::shape_str(self.sizes()), " output ", detail::shape_str(output_size));
  // torch 1.13's CPU kernels: float, double, bfloat16, and uint8 for nearest
  const ScalarType t = self.dtype();
  const bool nearest = mode == Mode::kNearest || mode == Mode::kNearestExact;
  TORSH_CHECK(t == kFloat || t == kDouble || t == kBFloat16 || (nearest && t == kByte), "\"", op,
              "\" not implemented for '", scalar_type_name(t), "'");
  const bool low = t == kBFloat16;
  Tensor x = low ? self.to(kFloat) : self;
  for (int i = nd - 1; i >= 0; --i) {  // innermost dim first, as torch combines the taps
    x = resample_dim(x, 2 + i, output_size[i], mode, align_corners, scales[static_cast<size_t>(i)]);
  }
  return low ? x.to(self.dtype()) : x;
}

// Antialiased bilinear/bicubic (torch's _upsample_{bilinear,bicubic}2d_aa): a separable
// resampling whose filter support widens by the downscaling factor, as one dense [out, in]
// weight matrix per spatial dim (rows normalised to sum to 1), applied with two matmuls.
Tensor aa_weights(int64_t in, int64_t out, bool align_corners, std::optional<double> scale_opt,
                  bool bicubic, ScalarType dtype) {
  const double scale = area_scale<double>(in, out, align_corners, scale_opt);
  const double interp = bicubic ? 4.0 : 2.0;
  const double support = scale >= 1.0 ? interp * 0.5 * scale : interp * 0.5;
  const double invscale = scale >= 1.0 ? 1.0 / scale : 1.0;
  auto filter = [bicubic](double x) {
    x = std::abs(x);
    if (!bicubic) return x < 1.0 ? 1.0 - x : 0.0;
    const double a = -0.5;
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
  };
  std::vector<double> w(static_cast<size_t>(in * out), 0.0);
  std::vector<double> row;
  for (int64_t i = 0; i < out; ++i) {
    const double center = scale * (static_cast<double>(i) + 0.5);
    const int64_t lo = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
    const int64_t hi = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in);
    row.clear();
    double total = 0.0;
    for (int64_t j = lo; j < hi; ++j) {
      row.push_back(filter((static_cast<double>(j) - center + 0.5) * invscale));
      total += row.back();
    }
    for (int64_t j = lo; j < hi; ++j) {
      const double v = row[static_cast<size_t>(j - lo)];
      w[static_cast<size_t>(i * in + j)] = total != 0.0 ? v / total : v;
    }
  }
  return torsh::tensor(w, TensorOptions(kDouble)).reshape({out, in}).to(dtype);
}

Tensor upsample_aa(const char* op, const Tensor& self, IntArrayRef output_size, bool align_corners,
                   std::optional<double> scales_h, std::optional<double> scales_w, bool bicubic) {
  TORSH_CHECK(output_size.size() == 2, op,
              ": It is expected output_size equals to 2, but got size ", output_size.size());
  TORSH_CHECK(self.dim() == 4, op, ": It is expected input_size equals to 4, but got size ",
              self.dim());
  const int64_t in_h = self.size(2), in_w = self.size(3);
  const int64_t out_h = output_size[0], out_w = output_size[1];
  TORSH_CHECK(in_h > 0 && in_w > 0 && out_h > 0 && out_w > 0, op,
              ": Input and output sizes should be greater than 0, but got input (H: ", in_h,
              ", W: ", in_w, ") output (H: ", out_h, ", W: ", out_w, ")");
  TORSH_CHECK(self.numel() > 0, op,
              ": Non-empty 4D data tensor expected but got a tensor with sizes ",
              detail::shape_str(self.sizes()));
  const ScalarType t = self.dtype();
  TORSH_CHECK(t == kFloat || t == kDouble, "\"compute_indices_weights_aa\" not implemented for '",
              scalar_type_name(t), "'");
  const Tensor wh = aa_weights(in_h, out_h, align_corners, scales_h, bicubic, t);
  const Tensor ww = aa_weights(in_w, out_w, align_corners, scales_w, bicubic, t);
  return torsh::matmul(torsh::matmul(wh, self), ww.t());
}

}  // namespace

Tensor upsample_nearest1d(const Tensor& self, IntArrayRef output_size,
                          std::optional<double> scales) {
  return upsample("upsample_nearest1d", 1, self, output_size, {scales}, Mode::kNearest, false);
}
Tensor upsample_nearest2d(const Tensor& self, IntArrayRef output_size,
                          std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample("upsample_nearest2d", 2, self, output_size, {scales_h, scales_w}, Mode::kNearest,
                  false);
}
Tensor upsample_nearest3d(const Tensor& self, IntArrayRef output_size,
                          std::optional<double> scales_d, std::optional<double> scales_h,
                          std::optional<double> scales_w) {
  return upsample("upsample_nearest3d", 3, self, output_size, {scales_d, scales_h, scales_w},
                  Mode::kNearest, false);
}
Tensor _upsample_nearest_exact1d(const Tensor& self, IntArrayRef output_size,
                                 std::optional<double> scales) {
  return upsample("_upsample_nearest_exact1d", 1, self, output_size, {scales}, Mode::kNearestExact,
                  false);
}
Tensor _upsample_nearest_exact2d(const Tensor& self, IntArrayRef output_size,
                                 std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample("_upsample_nearest_exact2d", 2, self, output_size, {scales_h, scales_w},
                  Mode::kNearestExact, false);
}
Tensor _upsample_nearest_exact3d(const Tensor& self, IntArrayRef output_size,
                                 std::optional<double> scales_d, std::optional<double> scales_h,
                                 std::optional<double> scales_w) {
  return upsample("_upsample_nearest_exact3d", 3, self, output_size, {scales_d, scales_h, scales_w},
                  Mode::kNearestExact, false);
}
Tensor upsample_linear1d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                         std::optional<double> scales) {
  return upsample("upsample_linear1d", 1, self, output_size, {scales}, Mode::kLinear,
                  align_corners);
}
Tensor upsample_bilinear2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                           std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample("upsample_bilinear2d", 2, self, output_size, {scales_h, scales_w}, Mode::kLinear,
                  align_corners);
}
Tensor upsample_trilinear3d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                            std::optional<double> scales_d, std::optional<double> scales_h,
                            std::optional<double> scales_w) {
  return upsample("upsample_trilinear3d", 3, self, output_size, {scales_d, scales_h, scales_w},
                  Mode::kLinear, align_corners);
}
Tensor upsample_bicubic2d(const Tensor& self, IntArrayRef output_size, bool align_corners,
                          std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample("upsample_bicubic2d", 2, self, output_size, {scales_h, scales_w}, Mode::kCubic,
                  align_corners);
}

Tensor _upsample_bilinear2d_aa(const Tensor& self, IntArrayRef output_size, bool align_corners,
                               std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample_aa("_upsample_bilinear2d_aa", self, output_size, align_corners, scales_h,
                     scales_w, false);
}
Tensor _upsample_bicubic2d_aa(const Tensor& self, IntArrayRef output_size, bool align_corners,
                              std::optional<double> scales_h, std::optional<double> scales_w) {
  return upsample_aa("_upsample_bicubic2d_aa", self, output_size, align_corners, scales_h, scales_w,
                     true);
}

Tensor pixel_shuffle(const Tensor& self, int64_t upscale_factor) {
  TORSH_CHECK(self.dim() >= 3,
              "pixel_shuffle expects input to have at least 3 dimensions, but "
              "got input with ",
              self.dim(), " dimension(s)");
  TORSH_CHECK(upscale_factor > 0, "pixel_shuffle expects a positive upscale_factor, but got ",
              upscale_factor);
  const int64_t r = upscale_factor, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  int64_t rr = 0;
  TORSH_CHECK(!__builtin_mul_overflow(r, r, &rr) && c % rr == 0,
              "pixel_shuffle expects its input's 'channel' dimension to be "
              "divisible by the square of upscale_factor, but input.size(-3)=",
              c, " is not divisible by ", r, "^2");
  std::vector<int64_t> lead(self.sizes().begin(), self.sizes().end() - 3);
  const int64_t nl = static_cast<int64_t>(lead.size());
  std::vector<int64_t> split = lead;
  for (int64_t v : {c / (r * r), r, r, h, w}) split.push_back(v);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < nl; ++i) perm.push_back(i);
  for (int64_t v : {0, 3, 1, 4, 2}) perm.push_back(nl + v);
  std::vector<int64_t> out = lead;
  for (int64_t v : {c / (r * r), h * r, w * r}) out.push_back(v);
  return self.reshape(split).permute(perm).reshape(out);
}

Tensor pixel_unshuffle(const Tensor& self, int64_t downscale_factor) {
  TORSH_CHECK(self.dim() >= 3,
              "pixel_unshuffle expects input to have at least 3 dimensions, "
              "but got input with ",
              self.dim(), " dimension(s)");
  TORSH_CHECK(downscale_factor > 0,
              "pixel_unshuffle expects a positive downscale_factor, but "
              "got ",
              downscale_factor);
  const int64_t r = downscale_factor, c = self.size(-3), h = self.size(-2), w = self.size(-1);
  TORSH_CHECK(h % r == 0,
              "pixel_unshuffle expects height to be divisible by downscale_factor, "
              "but input.size(-2)=",
              h, " is not divisible by ", r);
  TORSH_CHECK(w % r == 0,
              "pixel_unshuffle expects width to be divisible by downscale_factor, "
              "but input.size(-1)=",
              w, " is not divisible by ", r);
  if (self.numel() == 0) return self.clone();  // torch returns empty inputs as they are
  std::vector<int64_t> lead(self.sizes().begin(), self.sizes().end() - 3);
  const int64_t nl = static_cast<int64_t>(lead.size());
  std::vector<int64_t> split = lead;
  for (int64_t v : {c, h / r, r, w / r, r}) split.push_back(v);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < nl; ++i) perm.push_back(i);
  for (int64_t v : {0, 2, 4, 1, 3}) perm.push_back(nl + v);
  std::vector<int64_t> out = lead;
  for (int64_t v : {c * r * r, h / r, w / r}) out.push_back(v);
  return self.reshape(split).permute(perm).reshape(out);
}

namespace {
struct Window2d {
  int64_t kh, kw, dh, dw, ph, pw, sh, sw;
};

Window2d window2d(const char* op, IntArrayRef kernel_size, IntArrayRef dilation,
                  IntArrayRef padding, IntArrayRef stride) {
  for (auto* v : {&kernel_size, &dilation, &padding, &stride}) {
    TORSH_CHECK(v->size() == 2, op,
                ": expected each of kernel_size, dilation, padding and "
                "stride to have 2 elements");
  }
  Window2d w{kernel_size[0], kernel_size[1], dilation[0], dilation[1],
             padding[0],     padding[1],     stride[0],   stride[1]};
  TORSH_CHECK(w.kh > 0 && w.kw > 0, op,
              ": kernel size should be greater than zero, but got "
              "kernel_height: ",
              w.kh, " kernel_width: ", w.kw);
  TORSH_CHECK(w.dh > 0 && w.dw > 0, op,
              ": dilation should be greater than zero, but got "
              "dilation_height: ",
              w.dh, " dilation_width: ", w.dw);
  TORSH_CHECK(w.ph >= 0 && w.pw >= 0, op,
              ": padding should be non-negative, but got "
              "pad_height: ",
              w.ph, " pad_width: ", w.pw);
  TORSH_CHECK(w.sh > 0 && w.sw > 0, op,
              ": stride should be greater than zero, but got "
              "stride_height: ",
              w.sh, " stride_width: ", w.sw);
  return w;
}
}  // namespace

Tensor im2col(const Tensor& self, IntArrayRef kernel_size, IntArrayRef dilation,
              IntArrayRef padding, IntArrayRef stride) {
  Window2d w = window2d("im2col", kernel_size, dilation, padding, stride);
  bool ok = self.dim() == 3 || self.dim() == 4;
  for (int64_t i = 1; ok && i < self.dim(); ++i) ok = self.size(i) > 0;
  TORSH_CHECK(ok,
              "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
              "input, but got: ",
              detail::shape_str(self.sizes()));
  const bool unbatched = self.dim() == 3;
  Tensor x = unbatched ? self.unsqueeze(0) : self;
  const int64_t h = x.size(2), wd = x.size(3);
  const int64_t oh = (h + 2 * w.ph - (w.dh * (w.kh - 1) + 1)) / w.sh + 1;
  const int64_t ow = (wd + 2 * w.pw - (w.dw * (w.kw - 1) + 1)) / w.sw + 1;
  TORSH_CHECK(oh >= 1 && ow >= 1, "Given input with spatial size (", h, ", ", wd,
              "), kernel_size=(", w.kh, ", ", w.kw, "), dilation=(", w.dh, ", ", w.dw,
              "), padding=(", w.ph, ", ", w.pw,
              "), calculated shape of the array of sliding "
              "blocks as (",
              oh, ", ", ow, "), but its components must be at least one.");
  Tensor xp = torsh::constant_pad_nd(x, {w.pw, w.pw, w.ph, w.ph}, 0);
  std::vector<Tensor> taps;
  for (int64_t i = 0; i < w.kh; ++i) {
    for (int64_t j = 0; j < w.kw; ++j) {
      Tensor rows = torsh::slice(xp, 2, i * w.dh, i * w.dh + (oh - 1) * w.sh + 1, w.sh);
      taps.push_back(torsh::slice(rows, 3, j * w.dw, j * w.dw + (ow - 1) * w.sw + 1, w.sw));
    }
  }
  // [N, C, kh * kw, oh, ow] -> [N, C * kh * kw, oh * ow]
  Tensor cols = torsh::stack(taps, 2).reshape({x.size(0), x.size(1) * w.kh * w.kw, oh * ow});
  return unbatched ? cols.squeeze(0) : cols;
}

Tensor col2im(const Tensor& self, IntArrayRef output_size, IntArrayRef kernel_size,
              IntArrayRef dilation, IntArrayRef padding, IntArrayRef stride) {
  Window2d w = window2d("col2im", kernel_size, dilation, padding, stride);
  TORSH_CHECK(output_size.size() == 2, "col2im: expected output_size to have 2 elements");
  bool ok = self.dim() == 2 || self.dim() == 3;
  for (int64_t i = self.dim() - 2; ok && i < self.dim(); ++i) ok = self.size(i) > 0;
  TORSH_CHECK(ok,
              "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size "
              "and non-zero dimensions for input, but got: ",
              detail::shape_str(self.sizes()));
  const bool unbatched = self.dim() == 2;
  Tensor cols = unbatched ? self.unsqueeze(0) : self;
  const int64_t k = w.kh * w.kw;
  TORSH_CHECK(cols.size(1) % k == 0,
              "Expected size of input's dimension 1 to be divisible by the "
              "product of kernel_size, but got input.size(1)=",
              cols.size(1), " and kernel_size=(", w.kh, ", ", w.kw, ")");
  const int64_t h = output_size[0], wd = output_size[1];
  const int64_t oh = (h + 2 * w.ph - (w.dh * (w.kh - 1) + 1)) / w.sh + 1;
  const int64_t ow = (wd + 2 * w.pw - (w.dw * (w.kw - 1) + 1)) / w.sw + 1;
  TORSH_CHECK(oh >= 1 && ow >= 1 && oh * ow == cols.size(2), "Given output_size=(", h, ", ", wd,
              "), kernel_size=(", w.kh, ", ", w.kw, "), dilation=(", w.dh, ", ", w.dw,
              "), padding=(", w.ph, ", ", w.pw, "), stride=(", w.sh, ", ", w.sw,
              "), expected size of input's dimension 2 to match the calculated number of sliding "
              "blocks ",
              oh, " * ", ow, " = ", oh * ow, ", but got input.size(2)=", cols.size(2), ".");
  const int64_t n = cols.size(0), c = cols.size(1) / k;
  Tensor blocks = cols.reshape({n, c, w.kh, w.kw, oh, ow});
  // every tap added into its strided slice of the padded output, then the padding cropped
  Tensor out = torsh::zeros({n, c, h + 2 * w.ph, wd + 2 * w.pw}, cols.options());
  for (int64_t i = 0; i < w.kh; ++i) {
    for (int64_t j = 0; j < w.kw; ++j) {
      Tensor rows = torsh::slice(out, 2, i * w.dh, i * w.dh + (oh - 1) * w.sh + 1, w.sh);
      Tensor dst = torsh::slice(rows, 3, j * w.dw, j * w.dw + (ow - 1) * w.sw + 1, w.sw);
      dst.add_(blocks.select(2, i).select(2, j));
    }
  }
  Tensor r = torsh::slice(torsh::slice(out, 2, w.ph, w.ph + h), 3, w.pw, w.pw + wd);
  return unbatched ? r.squeeze(0) : r;
}

}  // namespace native
}  // namespace torsh
