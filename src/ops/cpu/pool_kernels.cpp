// The CPU's pooling kernels: max (with indices) and average over windows described per spatial
// dim (ops/stubs_nn.h), one plane (batch x channel) per task, and the average's adjoint.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/dispatch.h"
#include "cpu/parallel.h"
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

// One plane's max (with indices into the plane) over every window: plain nested loops, the
// window walk inlined.
template <typename T>
void max_plane(const T* xp, T* yp, int64_t* ip, const PoolDim* dims) {
  const int64_t H = dims[1].in, W = dims[2].in;
  const int64_t sd = dims[0].step, sh = dims[1].step, sw = dims[2].step;
  const int64_t* b2 = dims[2].begin.data();
  const int64_t* c2 = dims[2].count.data();
  int64_t o = 0;
  for (int64_t od = 0; od < dims[0].out; ++od) {
    const int64_t d0 = dims[0].begin[od], nd = dims[0].count[od];
    for (int64_t oh = 0; oh < dims[1].out; ++oh) {
      const int64_t h0 = dims[1].begin[oh], nh = dims[1].count[oh];
      for (int64_t ow = 0; ow < dims[2].out; ++ow, ++o) {
        const int64_t w0 = b2[ow], nw = c2[ow];
        T best = -std::numeric_limits<T>::infinity();
        int64_t at = (d0 * H + h0) * W + w0;
        for (int64_t i = 0; i < nd; ++i) {
          for (int64_t j = 0; j < nh; ++j) {
            const int64_t base = ((d0 + i * sd) * H + h0 + j * sh) * W + w0;
            for (int64_t k = 0; k < nw; ++k) {
              // masks, not branches: which element wins is data-dependent (GCC turns a ?:
              // on floats into a mispredicted jump here)
              const T v = xp[base + k * sw];
              const bool take = (v > best) | (v != v);  // NaN wins, as in torch
              best = blend(take, v, best);
              const int64_t m = -static_cast<int64_t>(take);
              at = ((base + k * sw) & m) | (at & ~m);
            }
          }
        }
        yp[o] = best;
        if (ip != nullptr) ip[o] = at;
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
  parallel_for(0, planes, grain, [&](int64_t pb, int64_t pe) {
    for (int64_t p = pb; p < pe; ++p) {
      if (kind == PoolKind::kMax) {
        max_plane(x + p * isz, y + p * osz, ix == nullptr ? nullptr : ix + p * osz, dims);
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
