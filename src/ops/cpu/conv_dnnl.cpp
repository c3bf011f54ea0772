// Float32 convolution through oneDNN (Debian's libdnnl, the library and version PyTorch 1.13's CPU
// convolution uses): the primitive picks its own blocked layouts (format_tag::any), our plain
// NC[D]HW tensors are reordered in and out. Each function returns false when oneDNN is not built
// in, is disabled (TORSH_CONV_BACKEND=im2col), or refuses the geometry; the caller then runs
// im2col + GEMM.
#include "ops/cpu/conv_dnnl.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#ifdef TORSH_HAVE_DNNL
#include <dnnl.hpp>
#include <unordered_map>
#endif

namespace torsh::detail::cpu {

#ifdef TORSH_HAVE_DNNL
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("TORSH_CONV_BACKEND");
    return v == nullptr || std::strcmp(v, "im2col") != 0;
  }();
  return on;
}

dnnl::engine& cpu_engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

// The oneDNN description of one convolution: x [N, Cin, I...] -> y [N, Cout, O...].
struct ConvDesc {
  memory::dims src, wei, dst, strides, dilates, pad_l, pad_r;
  Tag src_tag, wei_tag;
  bool ok = true;
};

ConvDesc describe(const Tensor& x, const Tensor& w, const Tensor& y, const ConvGeometry& g) {
  ConvDesc d;
  d.src = x.sizes().vec();
  d.dst = y.sizes().vec();
  const bool grouped = g.groups > 1;
  if (grouped) {
    d.wei = {g.groups, w.size(0) / g.groups};
    for (int64_t i = 1; i < w.dim(); ++i) d.wei.push_back(w.size(i));
  } else {
    d.wei = w.sizes().vec();
  }
  for (int i = 0; i < g.nd; ++i) {
    const int64_t in = x.size(2 + i), out = y.size(2 + i), k = w.size(2 + i);
    d.strides.push_back(g.stride[i]);
    d.dilates.push_back(g.dilation[i] - 1);  // oneDNN counts the gaps
    d.pad_l.push_back(g.padding[i]);
    const int64_t r = (out - 1) * g.stride[i] + (k - 1) * g.dilation[i] + 1 - in - g.padding[i];
    d.ok = d.ok && r >= 0;
    d.pad_r.push_back(r);
  }
  static const Tag kSrc[] = {Tag::ncw, Tag::nchw, Tag::ncdhw};
  static const Tag kWei[] = {Tag::oiw, Tag::oihw, Tag::oidhw};
  static const Tag kGWei[] = {Tag::goiw, Tag::goihw, Tag::goidhw};
  d.src_tag = kSrc[g.nd - 1];
  d.wei_tag = grouped ? kGWei[g.nd - 1] : kWei[g.nd - 1];
  return d;
}

constexpr auto kF32 = memory::data_type::f32;

memory::desc any(const memory::dims& dims) { return memory::desc(dims, kF32, Tag::any); }

memory user_memory(const memory::dims& dims, Tag tag, const Tensor& t) {
  return memory(memory::desc(dims, kF32, tag), cpu_engine(), t.data_ptr());
}

// user reordered into the layout the primitive wants (or user itself when it is that layout).
memory reordered_in(const memory& user, const memory::desc& want, dnnl::stream& s) {
  if (user.get_desc() == want) return user;
  memory m(want, cpu_engine());
  dnnl::reorder(user, m).execute(s, const_cast<memory&>(user), m);
  return m;
}

// The primitive's output memory: user itself when the layouts agree, else a scratch one.
memory output_memory(const memory& user, const memory::desc& want) {
  return user.get_desc() == want ? user : memory(want, cpu_engine());
}

void copy_out(memory& result, memory& user, dnnl::stream& s) {
  if (result.get() != user.get()) dnnl::reorder(result, user).execute(s, result, user);
  s.wait();
}

dnnl::convolution_forward::primitive_desc forward_pd(const ConvDesc& d, bool bias,
                                                     dnnl::prop_kind kind) {
  using F = dnnl::convolution_forward;
  auto alg = dnnl::algorithm::convolution_direct;
  F::desc fd =
      bias ? F::desc(kind, alg, any(d.src), any(d.wei), memory::desc({d.dst[1]}, kF32, Tag::x),
                     any(d.dst), d.strides, d.dilates, d.pad_l, d.pad_r)
           : F::desc(kind, alg, any(d.src), any(d.wei), any(d.dst), d.strides, d.dilates, d.pad_l,
                     d.pad_r);
  return F::primitive_desc(fd, cpu_engine());
}

// Runs body(desc, stream) for the convolution x -> y with weight w when oneDNN is enabled and
// takes the geometry; false (the caller's im2col path runs) otherwise or on a oneDNN error.
template <typename Body>
bool guarded(const Tensor& x, const Tensor& w, const Tensor& y, const ConvGeometry& g,
             const Body& body) {
  if (!enabled()) return false;
  try {
    const ConvDesc d = describe(x, w, y, g);
    if (!d.ok) return false;
    dnnl::stream s(cpu_engine());
    body(d, s);
    return true;
  } catch (const dnnl::error&) {
    return false;
  }
}

}  // namespace

namespace {
bool conv_forward_once(const Tensor& out, const Tensor& input, const Tensor& weight,
                       const Tensor& bias, const ConvGeometry& g) {
  return guarded(input, weight, out, g, [&](const ConvDesc& d, dnnl::stream& s) {
    auto pd = forward_pd(d, bias.defined(), dnnl::prop_kind::forward_inference);
    memory dst_u = user_memory(d.dst, d.src_tag, out);
    memory dst = output_memory(dst_u, pd.dst_desc());
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, reordered_in(user_memory(d.src, d.src_tag, input), pd.src_desc(), s)},
        {DNNL_ARG_WEIGHTS,
         reordered_in(user_memory(d.wei, d.wei_tag, weight), pd.weights_desc(), s)},
        {DNNL_ARG_DST, dst}};
    if (bias.defined()) args[DNNL_ARG_BIAS] = user_memory({d.dst[1]}, Tag::x, bias);
    dnnl::convolution_forward(pd).execute(s, args);
    copy_out(dst, dst_u, s);
  });
}

// Output bytes per slice of images above which a forward runs slice by slice.
constexpr int64_t kSliceBytes = int64_t(16) << 20;
}  // namespace

bool dnnl_conv_forward(const Tensor& out, const Tensor& input, const Tensor& weight,
                       const Tensor& bias, const ConvGeometry& g) {
  // A large batch (inference over many images) runs in slices of images: the primitive's
  // blocked output and reordered input then take one slice's memory, not a second copy of the
  // whole output (the results are the same: images are independent).
  const int64_t n = input.dim() > 0 ? input.size(0) : 0;
  const int64_t per_image = n > 0 ? out.nbytes() / n : 0;
  const int64_t slice = std::max<int64_t>(1, kSliceBytes / std::max<int64_t>(per_image, 1));
  if (n <= slice || !out.is_contiguous() || !input.is_contiguous()) {
    return conv_forward_once(out, input, weight, bias, g);
  }
  for (int64_t i = 0; i < n; i += slice) {
    const int64_t c = std::min(slice, n - i);
    if (!conv_forward_once(out.narrow(0, i, c), input.narrow(0, i, c), weight, bias, g)) {
      return false;  // the caller's path recomputes the whole output
    }
  }
  return true;
}

bool dnnl_conv_backward_input(const Tensor& grad_input, const Tensor& grad_output,
                              const Tensor& weight, const ConvGeometry& g) {
  return guarded(grad_input, weight, grad_output, g, [&](const ConvDesc& d, dnnl::stream& s) {
    using B = dnnl::convolution_backward_data;
    B::desc bd(dnnl::algorithm::convolution_direct, any(d.src), any(d.wei), any(d.dst), d.strides,
               d.dilates, d.pad_l, d.pad_r);
    B::primitive_desc pd(bd, cpu_engine(), forward_pd(d, false, dnnl::prop_kind::forward_training));
    memory gx_u = user_memory(d.src, d.src_tag, grad_input);
    memory gx = output_memory(gx_u, pd.diff_src_desc());
    B(pd).execute(s, {{DNNL_ARG_DIFF_DST, reordered_in(user_memory(d.dst, d.src_tag, grad_output),
                                                       pd.diff_dst_desc(), s)},
                      {DNNL_ARG_WEIGHTS,
                       reordered_in(user_memory(d.wei, d.wei_tag, weight), pd.weights_desc(), s)},
                      {DNNL_ARG_DIFF_SRC, gx}});
    copy_out(gx, gx_u, s);
  });
}

bool dnnl_conv_backward_weight(const Tensor& grad_weight, const Tensor& grad_output,
                               const Tensor& input, const ConvGeometry& g) {
  return guarded(input, grad_weight, grad_output, g, [&](const ConvDesc& d, dnnl::stream& s) {
    using B = dnnl::convolution_backward_weights;
    B::desc bd(dnnl::algorithm::convolution_direct, any(d.src), any(d.wei), any(d.dst), d.strides,
               d.dilates, d.pad_l, d.pad_r);
    B::primitive_desc pd(bd, cpu_engine(), forward_pd(d, false, dnnl::prop_kind::forward_training));
    memory gw_u = user_memory(d.wei, d.wei_tag, grad_weight);
    memory gw = output_memory(gw_u, pd.diff_weights_desc());
    B(pd).execute(
        s, {{DNNL_ARG_SRC, reordered_in(user_memory(d.src, d.src_tag, input), pd.src_desc(), s)},
            {DNNL_ARG_DIFF_DST,
             reordered_in(user_memory(d.dst, d.src_tag, grad_output), pd.diff_dst_desc(), s)},
            {DNNL_ARG_DIFF_WEIGHTS, gw}});
    copy_out(gw, gw_u, s);
  });
}

#else  // no oneDNN: the caller runs im2col + GEMM

bool dnnl_conv_forward(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                       const ConvGeometry&) {
  return false;
}
bool dnnl_conv_backward_input(const Tensor&, const Tensor&, const Tensor&, const ConvGeometry&) {
  return false;
}
bool dnnl_conv_backward_weight(const Tensor&, const Tensor&, const Tensor&, const ConvGeometry&) {
  return false;
}

#endif

}  // namespace torsh::detail::cpu
