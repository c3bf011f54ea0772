// The CPU's batch norm (ops/stubs_nn.h): channels split over the threads; each channel's
// statistics and its transform run back to back, so the second pass over the channel's
// N blocks finds them in cache. Sums accumulate in double in eight independent lanes (which
// vectorize without reassociating); the elementwise parts keep torch's separate roundings
// (this file is compiled with -ffp-contract=off).
#include <cmath>

#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"
#include "ops/stubs_nn.h"

namespace torsh::detail {

KernelStub<BatchNormKernel> batch_norm_stub;
KernelStub<BatchNormBackwardKernel> batch_norm_backward_stub;

namespace cpu {
namespace {

constexpr int kLanes = 8;

// sum(p[i] - shift) and sum((p[i] - shift) * q[i]) over n elements (q null: the first only),
// in double.
template <typename T>
inline __attribute__((always_inline)) void sums(const T* p, const T* q, int64_t n, double shift,
                                                double& s1, double& s2) {
  double a[kLanes] = {}, b[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      const double d = static_cast<double>(p[i + j]) - shift;
      a[j] += d;
      if (q != nullptr) b[j] += d * static_cast<double>(q[i + j]);
    }
  }
  for (; i < n; ++i) {
    const double d = static_cast<double>(p[i]) - shift;
    a[0] += d;
    if (q != nullptr) b[0] += d * static_cast<double>(q[i]);
  }
  for (int j = 0; j < kLanes; ++j) {
    s1 += a[j];
    s2 += b[j];
  }
}

// sum((p[i] - shift)^2) over n elements, in double.
template <typename T>
inline __attribute__((always_inline)) double square_sum(const T* p, int64_t n, double shift) {
  double a[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      const double d = static_cast<double>(p[i + j]) - shift;
      a[j] += d * d;
    }
  }
  for (; i < n; ++i) {
    const double d = static_cast<double>(p[i]) - shift;
    a[0] += d * d;
  }
  double s = 0;
  for (int j = 0; j < kLanes; ++j) s += a[j];
  return s;
}

struct Shape {
  int64_t n, c, s;
};

// Channel ch: statistics (training) and y = x * alpha + beta.
template <typename T>
inline __attribute__((always_inline)) void forward_channel(T* y, T* mean, T* var, T* invstd,
                                                           const T* x, const T* w, const T* b,
                                                           const Shape& sh, int64_t ch,
                                                           bool training, double eps) {
  const int64_t stride = sh.c * sh.s;
  const T* xc = x + ch * sh.s;
  double m, v;
  if (training) {
    const double count = static_cast<double>(sh.n * sh.s);
    double s = 0, unused = 0;
    for (int64_t k = 0; k < sh.n; ++k) sums<T>(xc + k * stride, nullptr, sh.s, 0.0, s, unused);
    m = s / count;
    double ss = 0;
    for (int64_t k = 0; k < sh.n; ++k) ss += square_sum<T>(xc + k * stride, sh.s, m);
    v = ss / count;
    mean[ch] = static_cast<T>(m);
    var[ch] = static_cast<T>(v);
  } else {
    m = static_cast<double>(mean[ch]);
    v = static_cast<double>(var[ch]);
  }
  const T is = static_cast<T>(1 / std::sqrt(v + eps));
  invstd[ch] = is;
  const T alpha = w != nullptr ? is * w[ch] : is;
  const T beta = b != nullptr ? b[ch] - mean[ch] * alpha : -(mean[ch] * alpha);
  for (int64_t k = 0; k < sh.n; ++k) {
    const T* xi = xc + k * stride;
    T* yi = y + ch * sh.s + k * stride;
    for (int64_t i = 0; i < sh.s; ++i) yi[i] = xi[i] * alpha + beta;
  }
}

template <typename T>
inline __attribute__((always_inline)) void backward_channel(T* gx, T* gw, T* gb, const T* gy,
                                                            const T* x, const T* w, const T* mean,
                                                            const T* invstd, const Shape& sh,
                                                            int64_t ch, bool training) {
  const int64_t stride = sh.c * sh.s;
  const int64_t off = ch * sh.s;
  const T mu = mean[ch], is = invstd[ch];
  double sum = 0, dot = 0;
  if (training || gw != nullptr || gb != nullptr) {
    for (int64_t k = 0; k < sh.n; ++k) {
      double s_gy = 0, s_dot = 0;
      // sum(gy) and sum(gy * (x - mean)): the first from the gradient, the second pairing them
      sums<T>(gy + off + k * stride, nullptr, sh.s, 0.0, s_gy, s_dot);
      sum += s_gy;
      double unused = 0, d = 0;
      sums<T>(x + off + k * stride, gy + off + k * stride, sh.s, static_cast<double>(mu), unused,
              d);
      dot += d;
    }
  }
  if (gw != nullptr) gw[ch] = static_cast<T>(dot * static_cast<double>(is));
  if (gb != nullptr) gb[ch] = static_cast<T>(sum);
  if (gx == nullptr) return;
  const T scale = w != nullptr ? is * w[ch] : is;
  if (!training) {
    for (int64_t k = 0; k < sh.n; ++k) {
      const T* g = gy + off + k * stride;
      T* o = gx + off + k * stride;
      for (int64_t i = 0; i < sh.s; ++i) o[i] = g[i] * scale;
    }
    return;
  }
  const double count = static_cast<double>(sh.n * sh.s);
  const T kk = static_cast<T>(dot * static_cast<double>(is) * static_cast<double>(is) / count);
  const T gm = static_cast<T>(sum / count);
  for (int64_t k = 0; k < sh.n; ++k) {
    const T* g = gy + off + k * stride;
    const T* xi = x + off + k * stride;
    T* o = gx + off + k * stride;
    for (int64_t i = 0; i < sh.s; ++i) o[i] = ((g[i] - gm) - (xi[i] - mu) * kk) * scale;
  }
}

#define TORSH_BN_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))

TORSH_BN_CLONES void forward_f32(float* y, float* mean, float* var, float* invstd, const float* x,
                                 const float* w, const float* b, const Shape& sh, int64_t c0,
                                 int64_t c1, bool training, double eps) {
  for (int64_t ch = c0; ch < c1; ++ch) {
    forward_channel<float>(y, mean, var, invstd, x, w, b, sh, ch, training, eps);
  }
}
TORSH_BN_CLONES void forward_f64(double* y, double* mean, double* var, double* invstd,
                                 const double* x, const double* w, const double* b, const Shape& sh,
                                 int64_t c0, int64_t c1, bool training, double eps) {
  for (int64_t ch = c0; ch < c1; ++ch) {
    forward_channel<double>(y, mean, var, invstd, x, w, b, sh, ch, training, eps);
  }
}
TORSH_BN_CLONES void backward_f32(float* gx, float* gw, float* gb, const float* gy, const float* x,
                                  const float* w, const float* mean, const float* invstd,
                                  const Shape& sh, int64_t c0, int64_t c1, bool training) {
  for (int64_t ch = c0; ch < c1; ++ch) {
    backward_channel<float>(gx, gw, gb, gy, x, w, mean, invstd, sh, ch, training);
  }
}
TORSH_BN_CLONES void backward_f64(double* gx, double* gw, double* gb, const double* gy,
                                  const double* x, const double* w, const double* mean,
                                  const double* invstd, const Shape& sh, int64_t c0, int64_t c1,
                                  bool training) {
  for (int64_t ch = c0; ch < c1; ++ch) {
    backward_channel<double>(gx, gw, gb, gy, x, w, mean, invstd, sh, ch, training);
  }
}
#undef TORSH_BN_CLONES

Shape shape_of(const Tensor& x) {
  return {x.size(0), x.size(1), x.numel() / std::max<int64_t>(x.size(0) * x.size(1), 1)};
}

template <typename T>
T* ptr_or_null_mut(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

void batch_norm_kernel(const Tensor& y, const Tensor& mean, const Tensor& var, const Tensor& invstd,
                       const Tensor& x, const Tensor& w, const Tensor& b, bool training,
                       double eps) {
  const Shape sh = shape_of(x);
  parallel_for(0, sh.c, 1, [&](int64_t c0, int64_t c1) {
    if (x.dtype() == kFloat) {
      forward_f32(y.data_ptr<float>(), mean.data_ptr<float>(), var.data_ptr<float>(),
                  invstd.data_ptr<float>(), x.data_ptr<float>(), ptr_or_null<float>(w),
                  ptr_or_null<float>(b), sh, c0, c1, training, eps);
    } else {
      forward_f64(y.data_ptr<double>(), mean.data_ptr<double>(), var.data_ptr<double>(),
                  invstd.data_ptr<double>(), x.data_ptr<double>(), ptr_or_null<double>(w),
                  ptr_or_null<double>(b), sh, c0, c1, training, eps);
    }
  });
}

void batch_norm_backward_kernel(const Tensor& gx, const Tensor& gw, const Tensor& gb,
                                const Tensor& gy, const Tensor& x, const Tensor& w,
                                const Tensor& mean, const Tensor& invstd, bool training) {
  const Shape sh = shape_of(x);
  parallel_for(0, sh.c, 1, [&](int64_t c0, int64_t c1) {
    if (x.dtype() == kFloat) {
      backward_f32(ptr_or_null_mut<float>(gx), ptr_or_null_mut<float>(gw),
                   ptr_or_null_mut<float>(gb), gy.data_ptr<float>(), x.data_ptr<float>(),
                   ptr_or_null<float>(w), mean.data_ptr<float>(), invstd.data_ptr<float>(), sh, c0,
                   c1, training);
    } else {
      backward_f64(ptr_or_null_mut<double>(gx), ptr_or_null_mut<double>(gw),
                   ptr_or_null_mut<double>(gb), gy.data_ptr<double>(), x.data_ptr<double>(),
                   ptr_or_null<double>(w), mean.data_ptr<double>(), invstd.data_ptr<double>(), sh,
                   c0, c1, training);
    }
  });
}

}  // namespace

void register_batch_norm_kernels() {
  batch_norm_stub.set(kCPU, &batch_norm_kernel);
  batch_norm_backward_stub.set(kCPU, &batch_norm_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
