// Pooling: max (with indices), average and their adaptive forms over 1-3 spatial dims. The ops
// describe each output position's window per dim (detail::PoolDim) and call one kernel
// (cpu/pool_kernels.cpp); max pooling's backward scatters by its indices (pool_indices_backward
// in autograd/formulas_nn.cpp), the average's is its own op, so both have second derivatives.
#include <string>

#include "ops/stubs_nn.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {
namespace {

struct PoolArgs {
  std::vector<int64_t> k, s, p, d;
};

const char* kOrdinal[] = {"", "one", "two", "three"};

std::vector<int64_t> pool_param(IntArrayRef v, int nd, const char* op, const char* what,
                                const char* phrase, IntArrayRef fallback) {
  if (v.empty() && !fallback.empty()) return fallback.vec();
  TORSH_CHECK(v.size() == 1 || static_cast<int>(v.size()) == nd, op, ": ", what, phrase,
              kOrdinal[nd], nd == 1 ? " int" : " ints");
  return v.size() == 1 ? std::vector<int64_t>(static_cast<size_t>(nd), v[0]) : v.vec();
}

PoolArgs pool_args(const char* op, int nd, IntArrayRef kernel_size, IntArrayRef stride,
                   IntArrayRef padding, IntArrayRef dilation) {
  PoolArgs a;
  a.k = pool_param(kernel_size, nd, op, "kernel_size",
                   " must either be a single int, or a tuple of ", {});
  a.s = pool_param(stride, nd, op, "stride",
                   " must either be omitted, a single int, or a tuple of ", a.k);
  a.p = pool_param(padding, nd, op, "padding", " must either be a single int, or a tuple of ", {});
  a.d =
      pool_param(dilation, nd, op, "dilation", " must either be a single int, or a tuple of ", {});
  for (int i = 0; i < nd; ++i) {
    TORSH_CHECK(a.k[i] > 0, op, ": kernel_size should be greater than zero, but got ",
                detail::shape_str(a.k));
    TORSH_CHECK(a.s[i] > 0, "stride should not be zero");
    TORSH_CHECK(a.d[i] > 0, op, ": dilation should be greater than zero, but got ",
                detail::shape_str(a.d));
    TORSH_CHECK(a.p[i] >= 0 && a.p[i] <= a.k[i] / 2,
                "pad should be at most half of kernel size, but got pad=", a.p[i],
                " and kernel_size=", a.k[i]);
  }
  return a;
}

// Checks the input's rank and dtype; returns it contiguous in the compute dtype (integers, which
// torch's average pooling takes, in double: the quotient truncates on the way back).
Tensor pool_input(const char* op, int nd, const Tensor& self, bool adaptive,
                  bool integral = false) {
  const bool rank = self.dim() == nd + 1 || self.dim() == nd + 2;
  bool nonempty = rank;
  for (int64_t d = self.dim() - nd - 1; rank && d < self.dim(); ++d) {
    if (d >= 1 || self.dim() == nd + 1) nonempty = nonempty && self.size(d) != 0;
  }
  if (adaptive) {
    TORSH_CHECK(rank, op, "(): Expected ", nd + 1, "D or ", nd + 2, "D tensor, but got ",
                detail::shape_str(self.sizes()));
    TORSH_CHECK(nonempty, op,
                "(): Expected input to have non-zero size for non-batch "
                "dimensions, but input has sizes ",
                detail::shape_str(self.sizes()));
  } else {
    TORSH_CHECK(rank && nonempty, "non-empty ", nd + 1, "D or ", nd + 2,
                "D (batch mode) tensor expected for input to ", op, ", but got ",
                detail::shape_str(self.sizes()));
  }
  const ScalarType t = self.dtype();
  // int64 (the integer type torch 1.13's average pooling takes) is summed in double: exact up to
  // 2^53
  if (integral && t == kLong) return self.to(kDouble).contiguous();
  TORSH_CHECK(t == kFloat || t == kDouble || t == kBFloat16, "\"", op, "\" not implemented for '",
              scalar_type_name(t), "'");
  return (t == kBFloat16 ? self.to(kFloat) : self).contiguous();
}

int64_t pooled_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  const int64_t span = in + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t o = (span >= 0 ? span / s : -((-span + s - 1) / s)) + 1;
  if (ceil_mode && (o - 1) * s >= in + p) --o;
  return o;
}

// The windows of a max (dilated) or average pooling along one dim.
detail::PoolDim window_dim(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d,
                           bool avg, bool count_include_pad) {
  detail::PoolDim r;
  r.in = in;
  r.out = out;
  r.step = avg ? 1 : d;
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * s - p;
    if (avg) {
      const int64_t end = std::min(start + k, in + p);
      const int64_t lo = std::max<int64_t>(start, 0), hi = std::min(end, in);
      r.begin.push_back(lo);
      r.count.push_back(std::max<int64_t>(hi - lo, 0));
      r.divisor.push_back(static_cast<double>(count_include_pad ? end - start : hi - lo));
    } else {
      const int64_t j0 = start < 0 ? (-start + d - 1) / d : 0;
      const int64_t j1 = start > in - 1 ? -1 : std::min(k - 1, (in - 1 - start) / d);
      r.begin.push_back(start + j0 * d);
      r.count.push_back(std::max<int64_t>(j1 - j0 + 1, 0));
      r.divisor.push_back(1.0);
    }
  }
  return r;
}

// The windows of an adaptive pooling along one dim: [floor(o * in / out), ceil((o + 1) * in /
// out)).
detail::PoolDim adaptive_dim(int64_t in, int64_t out) {
  detail::PoolDim r;
  r.in = in;
  r.out = out;
  for (int64_t o = 0; o < out; ++o) {
    const int64_t lo = (o * in) / out, hi = ((o + 1) * in + out - 1) / out;
    r.begin.push_back(lo);
    r.count.push_back(hi - lo);
    r.divisor.push_back(static_cast<double>(hi - lo));
  }
  return r;
}

// dims padded to the kernels' 3 spatial dims with leading dims of size 1.
void pad_to_3d(std::vector<detail::PoolDim>* dims) {
  while (dims->size() < 3) dims->insert(dims->begin(), detail::PoolDim{1, 1, 1, {0}, {1}, {1.0}});
}

// The average pooling's adjoint over dims (grad_output's windows into self's shape): the kernel
// in float for bfloat16 gradients.
Tensor avg_adjoint(const char* op, const Tensor& grad_output, const Tensor& self,
                   std::vector<detail::PoolDim> dims, int64_t divisor_override) {
  pad_to_3d(&dims);
  const bool low = grad_output.dtype() == kBFloat16;
  Tensor g = (low ? grad_output.to(kFloat) : grad_output).contiguous();
  Tensor gx = torsh::zeros(self.sizes(), g.options());
  if (g.numel() != 0) {
    detail::avg_pool_backward_stub(g.device().type, op)(gx, g, dims.data(), divisor_override);
  }
  return low ? gx.to(grad_output.dtype()) : gx;
}

// Runs the kernel: dims holds the nd real dims; leading ones are filled in.
std::tuple<Tensor, Tensor> run_pool(const char* op, const Tensor& self, const Tensor& x,
                                    std::vector<detail::PoolDim> dims, detail::PoolKind kind,
                                    bool with_indices, int64_t divisor_override) {
  const int nd = static_cast<int>(dims.size());
  std::vector<int64_t> out_sizes(self.sizes().begin(), self.sizes().end() - nd);
  for (const auto& d : dims) out_sizes.push_back(d.out);
  pad_to_3d(&dims);
  Tensor out = torsh::empty(out_sizes, x.options());
  Tensor idx = with_indices ? torsh::empty(out_sizes, x.options().dtype(kLong)) : Tensor();
  if (out.numel() != 0) {
    detail::pool_forward_stub(x.device().type, op)(out, idx, x, dims.data(), kind,
                                                   divisor_override);
  }
  if (out.dtype() != self.dtype()) out = out.to(self.dtype());
  return {out, idx};
}

// with_indices is false only where no gradient can flow (the values alone are asked for).
std::tuple<Tensor, Tensor> max_pool_nd(const char* op, int nd, const Tensor& self,
                                       IntArrayRef kernel_size, IntArrayRef stride,
                                       IntArrayRef padding, IntArrayRef dilation, bool ceil_mode,
                                       bool with_indices = true) {
  PoolArgs a = pool_args(op, nd, kernel_size, stride, padding, dilation);
  Tensor x = pool_input(op, nd, self, false);
  std::vector<detail::PoolDim> dims;
  std::string in_s, out_s;
  bool ok = true;
  for (int i = 0; i < nd; ++i) {
    const int64_t in = self.size(self.dim() - nd + i);
    const int64_t o = pooled_size(in, a.k[i], a.s[i], a.p[i], a.d[i], ceil_mode);
    ok = ok && o >= 1;
    in_s += "x" + std::to_string(in);
    out_s += "x" + std::to_string(o);
    dims.push_back(
        window_dim(in, std::max<int64_t>(o, 0), a.k[i], a.s[i], a.p[i], a.d[i], false, false));
  }
  const int64_t c = self.size(self.dim() - nd - 1);
  TORSH_CHECK(ok, "Given input size: (", c, in_s, "). Calculated output size: (", c, out_s,
              "). Output size is too small");
  return run_pool(op, self, x, std::move(dims), detail::PoolKind::kMax, with_indices, 0);
}

std::vector<detail::PoolDim> avg_dims(const char* op, int nd, const Tensor& self,
                                      IntArrayRef kernel_size, IntArrayRef stride,
                                      IntArrayRef padding, bool ceil_mode, bool count_include_pad) {
  PoolArgs a = pool_args(op, nd, kernel_size, stride, padding, {1});
  std::vector<detail::PoolDim> dims;
  std::string in_s, out_s;
  bool ok = true;
  for (int i = 0; i < nd; ++i) {
    const int64_t in = self.size(self.dim() - nd + i);
    const int64_t o = pooled_size(in, a.k[i], a.s[i], a.p[i], 1, ceil_mode);
    ok = ok && o >= 1;
    in_s += "x" + std::to_string(in);
    out_s += "x" + std::to_string(o);
    dims.push_back(window_dim(in, std::max<int64_t>(o, 0), a.k[i], a.s[i], a.p[i], 1, true,
                              count_include_pad));
  }
  const int64_t c = self.dim() > nd ? self.size(self.dim() - nd - 1) : 1;
  TORSH_CHECK(ok, "Given input size: (", c, in_s, "). Calculated output size: (", c, out_s,
              "). Output size is too small");
  return dims;
}

Tensor avg_pool_nd(const char* op, int nd, const Tensor& self, IntArrayRef kernel_size,
                   IntArrayRef stride, IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                   std::optional<int64_t> divisor_override) {
  TORSH_CHECK(!divisor_override || *divisor_override != 0, "divisor must be not zero");
  // torch's avg_pool2d reads dim -3 before checking the rank
  TORSH_CHECK_INDEX(nd != 2 || self.dim() >= 3, "Dimension out of range (expected to be in range ",
                    "of [", -std::max<int64_t>(self.dim(), 1), ", ",
                    std::max<int64_t>(self.dim(), 1) - 1, "], but got -3)");
  Tensor x = pool_input(op, nd, self, false, /*integral=*/true);
  auto dims = avg_dims(op, nd, self, kernel_size, stride, padding, ceil_mode, count_include_pad);
  return std::get<0>(run_pool(op, self, x, std::move(dims), detail::PoolKind::kAvg, false,
                              divisor_override.value_or(0)));
}

Tensor avg_pool_nd_backward(const char* op, int nd, const Tensor& grad_output, const Tensor& self,
                            IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                            bool ceil_mode, bool count_include_pad,
                            std::optional<int64_t> divisor_override) {
  TORSH_CHECK(!divisor_override || *divisor_override != 0, "divisor must be not zero");
  pool_input(op, nd, self, false);
  auto dims = avg_dims(op, nd, self, kernel_size, stride, padding, ceil_mode, count_include_pad);
  std::vector<int64_t> out_sizes(self.sizes().begin(), self.sizes().end() - nd);
  for (const auto& d : dims) out_sizes.push_back(d.out);
  TORSH_CHECK(grad_output.sizes().equals(out_sizes), op, ": expected grad_output of size ",
              detail::shape_str(out_sizes), ", but got ", detail::shape_str(grad_output.sizes()));
  return avg_adjoint(op, grad_output, self, std::move(dims), divisor_override.value_or(0));
}

std::vector<detail::PoolDim> adaptive_dims(const char* op, int nd, const Tensor& self,
                                           IntArrayRef output_size) {
  TORSH_CHECK(static_cast<int>(output_size.size()) == nd, op, "(): internal error: output_size ",
              "must have ", nd, " elements, but got ", detail::shape_str(output_size));
  std::vector<detail::PoolDim> dims;
  for (int i = 0; i < nd; ++i) {
    TORSH_CHECK(output_size[i] >= 0, op,
                "(): elements of output_size must be greater than or "
                "equal to 0 but received ",
                detail::shape_str(output_size));
    dims.push_back(adaptive_dim(self.size(self.dim() - nd + i), output_size[i]));
  }
  return dims;
}

}  // namespace

#define TORSH_POOL_ND(N)                                                                       \
  std::tuple<Tensor, Tensor> max_pool##N##d_with_indices(                                      \
      const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,    \
      IntArrayRef dilation, bool ceil_mode) {                                                  \
    return max_pool_nd("max_pool" #N "d", N, self, kernel_size, stride, padding, dilation,     \
                       ceil_mode);                                                             \
  }                                                                                            \
  Tensor max_pool##N##d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,       \
                        IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {           \
    if (!(GradMode::is_enabled() && self.requires_grad())) { /* no indices to keep */          \
      return std::get<0>(max_pool_nd("max_pool" #N "d", N, self, kernel_size, stride, padding, \
                                     dilation, ceil_mode, false));                             \
    }                                                                                          \
    return std::get<0>(torsh::max_pool##N##d_with_indices(self, kernel_size, stride, padding,  \
                                                          dilation, ceil_mode));               \
  }                                                                                            \
  Tensor adaptive_avg_pool##N##d(const Tensor& self, IntArrayRef output_size) {                \
    return torsh::_adaptive_avg_pool##N##d(self, output_size);                                 \
  }
TORSH_POOL_ND(2)
TORSH_POOL_ND(3)
#undef TORSH_POOL_ND

// 1-d pooling runs the 2-d op on a height of 1, as torch does.
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& self, IntArrayRef kernel_size,
                                                   IntArrayRef stride, IntArrayRef padding,
                                                   IntArrayRef dilation, bool ceil_mode) {
  TORSH_CHECK(self.dim() == 2 || self.dim() == 3, "max_pool1d() Expected 2D or 3D input tensor, ",
              "but got ", detail::shape_str(self.sizes()));
  auto one = [](IntArrayRef v, int64_t fill) {
    std::vector<int64_t> r{fill};
    r.insert(r.end(), v.begin(), v.end());
    return r;
  };
  for (auto [v, name] : {std::pair{padding, "padding"}, std::pair{dilation, "dilation"}}) {
    TORSH_CHECK(v.size() == 1, "max_pool1d() argument '", name, "' should contain one int (got ",
                v.size(), ")");
  }
  TORSH_CHECK(kernel_size.size() == 1,
              "max_pool1d() kernel_size must be an int, list of ints or "
              "tuple of ints of size 1 but got size ",
              kernel_size.size());
  auto [out, idx] =
      torsh::max_pool2d_with_indices(self.unsqueeze(-2), one(kernel_size, 1),
                                     stride.empty() ? one(kernel_size, 1) : one(stride, 1),
                                     one(padding, 0), one(dilation, 1), ceil_mode);
  return {out.squeeze(-2), idx.squeeze(-2)};
}

Tensor max_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(
      torsh::max_pool1d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor avg_pool1d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, bool ceil_mode, bool count_include_pad) {
  TORSH_CHECK(self.dim() == 2 || self.dim() == 3, "avg_pool1d() Expected 2D or 3D input tensor, ",
              "but got ", detail::shape_str(self.sizes()));
  for (auto [v, name] : {std::pair{kernel_size, "kernel_size"}, std::pair{padding, "padding"}}) {
    TORSH_CHECK(v.size() == 1, "avg_pool1d() argument '", name, "' should contain one int (got ",
                v.size(), ")");
  }
  TORSH_CHECK(stride.size() <= 1, "avg_pool1d() argument 'stride' should contain one int (got ",
              stride.size(), ")");
  std::vector<int64_t> k{1, kernel_size[0]};
  std::vector<int64_t> s{1, stride.empty() ? kernel_size[0] : stride[0]};
  std::vector<int64_t> p{0, padding[0]};
  return torsh::avg_pool2d(self.unsqueeze(-2), k, s, p, ceil_mode, count_include_pad, std::nullopt)
      .squeeze(-2);
}

Tensor avg_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                  std::optional<int64_t> divisor_override) {
  return avg_pool_nd("avg_pool2d", 2, self, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override);
}
Tensor avg_pool3d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                  std::optional<int64_t> divisor_override) {
  return avg_pool_nd("avg_pool3d", 3, self, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override);
}
Tensor avg_pool2d_backward(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size,
                           IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                           bool count_include_pad, std::optional<int64_t> divisor_override) {
  return avg_pool_nd_backward("avg_pool2d_backward", 2, grad_output, self, kernel_size, stride,
                              padding, ceil_mode, count_include_pad, divisor_override);
}
Tensor avg_pool3d_backward(const Tensor& grad_output, const Tensor& self, IntArrayRef kernel_size,
                           IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                           bool count_include_pad, std::optional<int64_t> divisor_override) {
  return avg_pool_nd_backward("avg_pool3d_backward", 3, grad_output, self, kernel_size, stride,
                              padding, ceil_mode, count_include_pad, divisor_override);
}

#define TORSH_ADAPTIVE_ND(N)                                                                     \
  Tensor _adaptive_avg_pool##N##d(const Tensor& self, IntArrayRef output_size) {                 \
    Tensor x = pool_input("adaptive_avg_pool" #N "d", N, self, true);                            \
    return std::get<0>(run_pool("adaptive_avg_pool" #N "d", self, x,                             \
                                adaptive_dims("adaptive_avg_pool" #N "d", N, self, output_size), \
                                detail::PoolKind::kAvg, false, 0));                              \
  }                                                                                              \
  Tensor _adaptive_avg_pool##N##d_backward(const Tensor& grad_output, const Tensor& self) {      \
    pool_input("adaptive_avg_pool" #N "d_backward", N, self, true);                              \
    bool same_lead = grad_output.dim() == self.dim();                                            \
    for (int64_t d = 0; same_lead && d < self.dim() - N; ++d) {                                  \
      same_lead = grad_output.size(d) == self.size(d);                                           \
    }                                                                                            \
    TORSH_CHECK(same_lead, "adaptive_avg_pool" #N "d_backward: grad_output ",                    \
                detail::shape_str(grad_output.sizes()), " does not match input ",                \
                detail::shape_str(self.sizes()));                                                \
    std::vector<int64_t> os(grad_output.sizes().end() - N, grad_output.sizes().end());           \
    return avg_adjoint("adaptive_avg_pool" #N "d_backward", grad_output, self,                   \
                       adaptive_dims("adaptive_avg_pool" #N "d_backward", N, self, os), 0);      \
  }                                                                                              \
  std::tuple<Tensor, Tensor> adaptive_max_pool##N##d(const Tensor& self,                         \
                                                     IntArrayRef output_size) {                  \
    Tensor x = pool_input("adaptive_max_pool" #N "d", N, self, true);                            \
    return run_pool("adaptive_max_pool" #N "d", self, x,                                         \
                    adaptive_dims("adaptive_max_pool" #N "d", N, self, output_size),             \
                    detail::PoolKind::kMax, true, 0);                                            \
  }
TORSH_ADAPTIVE_ND(2)
TORSH_ADAPTIVE_ND(3)
#undef TORSH_ADAPTIVE_ND

Tensor adaptive_avg_pool1d(const Tensor& self, IntArrayRef output_size) {
  TORSH_CHECK(self.dim() == 2 || self.dim() == 3, "adaptive_avg_pool1d(): Expected 2D or 3D ",
              "tensor, but got ", detail::shape_str(self.sizes()));
  TORSH_CHECK(output_size.size() == 1, "adaptive_avg_pool1d: output_size must be 1");
  return torsh::adaptive_avg_pool2d(self.unsqueeze(-2), {1, output_size[0]}).squeeze(-2);
}

std::tuple<Tensor, Tensor> adaptive_max_pool1d(const Tensor& self, IntArrayRef output_size) {
  TORSH_CHECK(self.dim() == 2 || self.dim() == 3, "adaptive_max_pool1d(): Expected 2D or 3D ",
              "tensor, but got ", detail::shape_str(self.sizes()));
  TORSH_CHECK(output_size.size() == 1, "adaptive_max_pool1d: output_size must be 1");
  auto [out, idx] = torsh::adaptive_max_pool2d(self.unsqueeze(-2), {1, output_size[0]});
  return {out.squeeze(-2), idx.squeeze(-2)};
}

}  // namespace native
}  // namespace torsh
