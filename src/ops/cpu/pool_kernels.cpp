// The CPU's pooling kernels: max (with indices) and average over windows described per spatial
// dim (ops/stubs_nn.h), one plane (batch x channel) per task, and the average's adjoint.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/functors/pool_simd.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<PoolForwardKernel> pool_forward_stub;
KernelStub<AvgPoolBackwardKernel> avg_pool_backward_stub;

namespace cpu {
namespace {

// Calls f(output offset, d, h, w window dims' output positions) for every output position.
template <typename F>
void for_each_out(const PoolDim* dims, const F& f) {
  int64_t o = 0;
  for (int64_t od = 0; od < dims[0].out; ++od) {
    for (int64_t oh = 0; oh < dims[1].out; ++oh) {
      for (int64_t ow = 0; ow < dims[2].out; ++ow) f(o++, od, oh, ow);
    }
  }
}

// The average's divisor at one output position.
inline double divisor_at(const PoolDim* dims, int64_t od, int64_t oh, int64_t ow,
                         int64_t divisor_override) {
  if (divisor_override != 0) return static_cast<double>(divisor_override);
  return dims[0].divisor[od] * dims[1].divisor[oh] * dims[2].divisor[ow];
}

// take ? a : b through the bits, without a branch.
template <typename T>
inline T blend(bool take, T a, T b) {
  using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  U ua, ub;
  std::memcpy(&ua, &a, sizeof(T));
  std::memcpy(&ub, &b, sizeof(T));
  const U m = U(0) - static_cast<U>(take);
  const U r = (ua & m) | (ub & ~m);
  T out;
  std::memcpy(&out, &r, sizeof(T));
  return out;
}

// The max (and its index into the plane) of one window; NaN wins and the first maximum is kept,
// as in torch.
template <typename T>
inline void max_window(const T* xp, int64_t H, int64_t W, const PoolDim* dims, int64_t od,
                       int64_t oh, int64_t ow, T* y, int64_t* at_out) {
  const int64_t d0 = dims[0].begin[od], nd = dims[0].count[od], sd = dims[0].step;
  const int64_t h0 = dims[1].begin[oh], nh = dims[1].count[oh], sh = dims[1].step;
  const int64_t w0 = dims[2].begin[ow], nw = dims[2].count[ow], sw = dims[2].step;
  T best = -std::numeric_limits<T>::infinity();
  int64_t at = (d0 * H + h0) * W + w0;
  for (int64_t i = 0; i < nd; ++i) {
    for (int64_t j = 0; j < nh; ++j) {
      const int64_t base = ((d0 + i * sd) * H + h0 + j * sh) * W + w0;
      for (int64_t k = 0; k < nw; ++k) {
        // masks, not branches: which element wins is data-dependent (GCC turns a ?: on floats
        // into a mispredicted jump here)
        const T v = xp[base + k * sw];
        const bool take = (v > best) | (v != v);
        best = blend(take, v, best);
        const int64_t m = -static_cast<int64_t>(take);
        at = ((base + k * sw) & m) | (at & ~m);
      }
    }
  }
  *y = best;
  *at_out = at;
}

// The 2-D windows of a KH x KW kernel without dilation: along W the outputs [lo, hi) have full
// windows starting at w_first + (ow - lo) * stride (hi == lo when there is no such run).
struct FullRun {
  int64_t lo = 0, hi = 0, w_first = 0, stride = 1;
};

FullRun full_run(const PoolDim& d, int64_t k) {
  FullRun r;
  if (d.step != 1) return r;
  int64_t o = 0;
  while (o < d.out && d.count[o] != k) ++o;
  r.lo = r.hi = o;
  if (o == d.out) return r;
  r.w_first = d.begin[o];
  r.stride = o + 1 < d.out ? d.begin[o + 1] - d.begin[o] : 1;
  while (r.hi < d.out && d.count[r.hi] == k &&
         d.begin[r.hi] == r.w_first + (r.hi - r.lo) * r.stride) {
    ++r.hi;
  }
  return r;
}

// One output row of full KH x KW windows, unrolled: rows point at the window's first input row.
template <typename T, int KH, int KW>
void max_row_full(const T* xp, int64_t h0, int64_t W, const FullRun& run, T* y, int64_t* ip) {
  const T* row0 = xp + h0 * W;
  if constexpr (std::is_same_v<T, float> && KH == 2 && KW == 2) {
    if (run.stride == 2) {  // vectorised, in chunks whose window positions fit on the stack
      constexpr int64_t kChunk = 256;
      int32_t code[kChunk];
      for (int64_t c0 = run.lo; c0 < run.hi; c0 += kChunk) {
        const int64_t n = std::min(kChunk, run.hi - c0);
        const int64_t w0 = run.w_first + (c0 - run.lo) * 2;
        pool_simd::max_2x2_row_f32(row0 + w0, row0 + W + w0, n, y + c0,
                                   ip == nullptr ? nullptr : code);
        if (ip == nullptr) continue;
        for (int64_t i = 0; i < n; ++i) {
          ip[c0 + i] = (h0 + (code[i] >> 1)) * W + w0 + 2 * i + (code[i] & 1);
        }
      }
      return;
    }
  }
  for (int64_t ow = run.lo; ow < run.hi; ++ow) {
    const int64_t w0 = run.w_first + (ow - run.lo) * run.stride;
    T best = row0[w0];
    int64_t at = h0 * W + w0;
    for (int i = 0; i < KH; ++i) {
      for (int k = (i == 0 ? 1 : 0); k < KW; ++k) {
        const int64_t pos = (h0 + i) * W + w0 + k;
        const T v = xp[pos];
        const bool take = (v > best) | (v != v);  // NaN wins (the last one), as in torch
        best = blend(take, v, best);
        const int64_t m = -static_cast<int64_t>(take);
        at = (pos & m) | (at & ~m);
      }
    }
    y[ow] = best;
    if (ip != nullptr) ip[ow] = at;
  }
}

template <typename T>
using MaxRowFn = void (*)(const T*, int64_t, int64_t, const FullRun&, T*, int64_t*);

// The unrolled row kernel for a 2-D KH x KW window, or null when there is none.
template <typename T>
MaxRowFn<T> max_row_fn(int64_t kh, int64_t kw) {
  if (kh == 2 && kw == 2) return &max_row_full<T, 2, 2>;
  if (kh == 3 && kw == 3) return &max_row_full<T, 3, 3>;
  if (kh == 1 && kw == 2) return &max_row_full<T, 1, 2>;
  if (kh == 2 && kw == 1) return &max_row_full<T, 2, 1>;
  return nullptr;
}

// One plane's max (with indices into the plane) over every window. The 2-D windows of the common
// kernels (2x2, 3x3, ...) that lie wholly inside the input take an unrolled row kernel; the rest
// (borders, dilation, 3-D, other sizes) walk the window.
template <typename T>
void max_plane(const T* xp, T* yp, int64_t* ip, const PoolDim* dims, int64_t kh, MaxRowFn<T> row_fn,
               const FullRun& run) {
  const int64_t H = dims[1].in, W = dims[2].in;
  const int64_t OW = dims[2].out;
  int64_t scratch = 0;
  int64_t o = 0;
  for (int64_t od = 0; od < dims[0].out; ++od) {
    for (int64_t oh = 0; oh < dims[1].out; ++oh, o += OW) {
      const bool fast = row_fn != nullptr && dims[1].count[oh] == kh && dims[1].step == 1;
      int64_t* irow = ip == nullptr ? nullptr : ip + o;
      if (fast) row_fn(xp, dims[1].begin[oh], W, run, yp + o, irow);
      for (int64_t ow = 0; ow < OW; ++ow) {
        if (fast && ow >= run.lo && ow < run.hi) continue;
        max_window(xp, H, W, dims, od, oh, ow, yp + o + ow, irow == nullptr ? &scratch : irow + ow);
      }
    }
  }
}

template <typename T>
void avg_plane(const T* xp, T* yp, const PoolDim* dims, int64_t divisor_override) {
  const int64_t H = dims[1].in, W = dims[2].in;
  const int64_t* b2 = dims[2].begin.data();
  const int64_t* c2 = dims[2].count.data();
  int64_t o = 0;
  for (int64_t od = 0; od < dims[0].out; ++od) {
    const int64_t d0 = dims[0].begin[od], nd = dims[0].count[od];
    for (int64_t oh = 0; oh < dims[1].out; ++oh) {
      const int64_t h0 = dims[1].begin[oh], nh = dims[1].count[oh];
      for (int64_t ow = 0; ow < dims[2].out; ++ow, ++o) {
        const int64_t w0 = b2[ow], nw = c2[ow];
        T sum = 0;
        for (int64_t i = 0; i < nd; ++i) {
          for (int64_t j = 0; j < nh; ++j) {
            const T* row = xp + ((d0 + i) * H + h0 + j) * W + w0;
            for (int64_t k = 0; k < nw; ++k) sum += row[k];
          }
        }
        yp[o] =
            static_cast<T>(sum / static_cast<T>(divisor_at(dims, od, oh, ow, divisor_override)));
      }
    }
  }
}

template <typename T>
void pool_forward_impl(const Tensor& out, const Tensor& indices, const Tensor& input,
                       const PoolDim* dims, PoolKind kind, int64_t divisor_override) {
  const int64_t isz = dims[0].in * dims[1].in * dims[2].in;
  const int64_t osz = dims[0].out * dims[1].out * dims[2].out;
  const int64_t planes = osz == 0 ? 0 : out.numel() / osz;
  const T* x = input.data_ptr<T>();
  T* y = out.data_ptr<T>();
  int64_t* ix = indices.defined() ? indices.data_ptr<int64_t>() : nullptr;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(isz, 1));
  // the window's size along H and W, read from the first full window (2-D pooling only)
  int64_t kh = 0, kw = 0;
  MaxRowFn<T> row_fn = nullptr;
  FullRun run;
  if (kind == PoolKind::kMax && dims[0].in == 1 && dims[0].out == 1) {
    for (int64_t c : dims[1].count) kh = std::max(kh, c);
    for (int64_t c : dims[2].count) kw = std::max(kw, c);
    run = full_run(dims[2], kw);
    if (run.hi > run.lo) row_fn = max_row_fn<T>(kh, kw);
  }
  parallel_for(0, planes, grain, [&](int64_t pb, int64_t pe) {
    for (int64_t p = pb; p < pe; ++p) {
      if (kind == PoolKind::kMax) {
        max_plane(x + p * isz, y + p * osz, ix == nullptr ? nullptr : ix + p * osz, dims, kh,
                  row_fn, run);
      } else {
        avg_plane(x + p * isz, y + p * osz, dims, divisor_override);
      }
    }
  });
}

template <typename T>
void avg_backward_impl(const Tensor& grad_input, const Tensor& grad_output, const PoolDim* dims,
                       int64_t divisor_override) {
  const int64_t H = dims[1].in, W = dims[2].in;
  const int64_t isz = dims[0].in * H * W;
  const int64_t osz = dims[0].out * dims[1].out * dims[2].out;
  const int64_t planes = osz == 0 ? 0 : grad_output.numel() / osz;
  const T* gy = grad_output.data_ptr<T>();
  T* gx = grad_input.data_ptr<T>();
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(isz, 1));
  parallel_for(0, planes, grain, [&](int64_t pb, int64_t pe) {
    for (int64_t p = pb; p < pe; ++p) {
      T* gp = gx + p * isz;
      const T* yp = gy + p * osz;
      for_each_out(dims, [&](int64_t o, int64_t od, int64_t oh, int64_t ow) {
        const int64_t d0 = dims[0].begin[od], nd = dims[0].count[od], sd = dims[0].step;
        const int64_t h0 = dims[1].begin[oh], nh = dims[1].count[oh], sh = dims[1].step;
        const int64_t w0 = dims[2].begin[ow], nw = dims[2].count[ow], sw = dims[2].step;
        const T g =
            static_cast<T>(yp[o] / static_cast<T>(divisor_at(dims, od, oh, ow, divisor_override)));
        for (int64_t i = 0; i < nd; ++i) {
          for (int64_t j = 0; j < nh; ++j) {
            T* row = gp + ((d0 + i * sd) * H + h0 + j * sh) * W + w0;
            for (int64_t k = 0; k < nw; ++k) row[k * sw] += g;
          }
        }
      });
    }
  });
}

void pool_forward_kernel(const Tensor& out, const Tensor& indices, const Tensor& input,
                         const PoolDim* dims, PoolKind kind, int64_t divisor_override) {
  if (input.dtype() == kFloat) {
    return pool_forward_impl<float>(out, indices, input, dims, kind, divisor_override);
  }
  pool_forward_impl<double>(out, indices, input, dims, kind, divisor_override);
}

void avg_pool_backward_kernel(const Tensor& grad_input, const Tensor& grad_output,
                              const PoolDim* dims, int64_t divisor_override) {
  if (grad_output.dtype() == kFloat) {
    return avg_backward_impl<float>(grad_input, grad_output, dims, divisor_override);
  }
  avg_backward_impl<double>(grad_input, grad_output, dims, divisor_override);
}

}  // namespace

void register_pool_kernels() {
  pool_forward_stub.set(kCPU, &pool_forward_kernel);
  avg_pool_backward_stub.set(kCPU, &avg_pool_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
