// The CPU's grid_sampler kernels, in the arithmetic of torch's: the 2-D ones (here) follow its
// vectorised AVX2 kernel (coordinate mapping and gradient multipliers per padding mode, masked
// reads of the 4 or 16 taps, weights and sums in its order and with its build's FMA
// contractions), the 3-D ones (grid_sample_kernels_3d.cpp) its scalar kernel.
// Points go in blocks: a block's taps and weights are computed once, then every channel is read
// through them, so that one input plane is walked at a time. The forward splits batch x blocks
// over threads; the backward splits the batch, as each sample's input gradient is summed into.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/parallel.h"
#include "ops/cpu/grid_sample.h"
#include "ops/stubs_grid.h"

namespace torsh::detail {

KernelStub<GridSamplerForwardKernel> grid_sampler_forward_stub;
KernelStub<GridSamplerBackwardKernel> grid_sampler_backward_stub;

namespace cpu {
namespace {

using namespace grid_sample;  // NOLINT

// Runs body(b0, b1) (an always-inline lambda) compiled for AVX2 and FMA when the CPU has them,
// else for the baseline: the same results, as every fused product is a std::fma (one instruction
// there, a libm call here).
#define TORSH_INLINE __attribute__((always_inline))
template <typename F>
__attribute__((target("avx2,fma"))) void run_fma(const F& body, int64_t b0, int64_t b1) {
  body(b0, b1);
}
template <typename F>
void run_baseline(const F& body, int64_t b0, int64_t b1) {
  body(b0, b1);
}
template <typename F>
void run_best(const F& body, int64_t b0, int64_t b1) {
  static const bool fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (fma) {
    run_fma(body, b0, b1);
  } else {
    run_baseline(body, b0, b1);
  }
}

// ---- the 2-D kernel's coordinates along one axis --------------------------------------------

template <typename T>
struct Axis2 {
  int64_t padding;
  bool align;
  T max_val, scale, low, twice_span;
  bool empty;

  Axis2(int64_t n, int64_t pad, bool align_corners)
      : padding(pad),
        align(align_corners),
        max_val(static_cast<T>(n - 1)),
        scale(align_corners ? static_cast<T>(n - 1) / 2 : static_cast<T>(n) / 2),
        low(align_corners ? T(0) : T(-0.5)),
        twice_span(align_corners ? static_cast<T>(n - 1) * 2 : static_cast<T>(n) * 2),
        empty(align_corners ? n <= 1 : n <= 0) {}

  TORSH_INLINE T unnormalize(T in) const {
    return align ? (in + T(1)) * scale : std::fma(in + T(1), scale, T(-0.5));
  }
  // Clamp to [0, max]; NaN goes to 0.
  TORSH_INLINE T clip(T in) const {
    const T lo = in > T(0) ? in : T(0);
    return lo < max_val ? lo : max_val;
  }
  // The clamp with its gradient: 1 strictly inside, 0 on or beyond a border; NaN stays NaN with
  // gradient 1.
  TORSH_INLINE T clip_grad(T in, bool* in_bounds) const {
    if (std::isnan(in)) {
      *in_bounds = true;
      return in;
    }
    if (!(in > T(0))) {
      *in_bounds = false;
      return T(0);
    }
    *in_bounds = in < max_val;
    return *in_bounds ? in : max_val;
  }
  // |x - low| folded by whole double spans (trunc), then mirrored once in the second half.
  TORSH_INLINE T reflect(T in, T* grad) const {
    if (empty) {
      if (grad) *grad = T(0);
      return T(0);
    }
    const T d = align ? in : in - low;
    const T a = std::abs(d);
    const T flips = std::trunc(a / twice_span);
    const T extra = a - flips * twice_span;
    const T mirrored = twice_span - extra;
    const bool more = extra > mirrored;
    if (grad) *grad = (more != (d < T(0))) ? T(-1) : T(1);
    const T r = more ? mirrored : extra;
    return align ? r : r + low;
  }
  // The padding of an unnormalised coordinate.
  TORSH_INLINE T coordinates(T in) const {
    if (padding == kBorder) return clip(in);
    if (padding == kReflection) return clip(reflect(in, nullptr));
    return in;
  }
  // A grid value's sampling coordinate.
  TORSH_INLINE T apply(T in) const { return coordinates(unnormalize(in)); }
  // apply, with d coordinate / d grid value in *grad.
  TORSH_INLINE T apply_grad(T in, T* grad) const {
    const T u = unnormalize(in);
    bool in_bounds = false;
    if (padding == kBorder) {
      const T r = clip_grad(u, &in_bounds);
      *grad = in_bounds ? scale : T(0);
      return r;
    }
    if (padding == kReflection) {
      T g = T(0);
      const T r = reflect(u, &g);
      g = g * scale;
      const T c = clip_grad(r, &in_bounds);
      *grad = in_bounds ? g : T(0);
      return c;
    }
    *grad = scale;
    return u;
  }
};

// The cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for fraction t. The
// products and sums fuse as in torch's AVX2 build (its intrinsics contract to FMA).
template <typename T>
TORSH_INLINE inline void cubic_coeffs(T t, T* c) {
  const T a = T(-0.75);
  auto outer = [a](T x) TORSH_INLINE { return ((a * x - T(5) * a) * x + T(8) * a) * x - T(4) * a; };
  auto inner = [a](T x) TORSH_INLINE {
    return std::fma(std::fma(a + T(2), x, -(a + T(3))) * x, x, T(1));
  };
  c[0] = outer(t + T(1));
  c[1] = inner(t);
  c[2] = inner(T(1) - t);
  c[3] = outer(T(2) - t);
}

// Minus the derivatives of the cubic weights w.r.t. t, as torch's kernel writes them.
template <typename T>
TORSH_INLINE inline void cubic_coeffs_grad(T t, T* c) {
  const T a = T(-0.75);
  const T two_a3 = -(T(2) * (a + T(3)));
  T x = T(-1) - t;
  c[0] = (T(-3) * a * x - T(10) * a) * x - T(8) * a;
  x = T(0) - t;
  c[1] = (T(-3) * (a + T(2)) * x + two_a3) * x;
  x = T(1) - t;
  c[2] = (T(3) * (a + T(2)) * x + two_a3) * x;
  x = T(2) - t;
  c[3] = (T(3) * a * x - T(10) * a) * x + T(8) * a;
}

// w0 v0 + w1 v1 + w2 v2 + w3 v3, fused as torch's AVX2 build sums the bilinear corners and the
// cubic rows.
template <typename T>
TORSH_INLINE inline T dot4(const T* w, T v0, T v1, T v2, T v3) {
  return std::fma(w[3], v3, std::fma(w[2], v2, std::fma(w[1], v1, w[0] * v0)));
}

// The same sum as that build forms it along a cubic row (only the first two products fuse).
template <typename T>
TORSH_INLINE inline T dot4_row(const T* w, T v0, T v1, T v2, T v3) {
  return std::fma(w[0], v0, w[1] * v1) + w[2] * v2 + w[3] * v3;
}

// ---- 2-D forward ------------------------------------------------------------------------------

template <typename T>
struct Point2 {
  Taps t;
  T w[8];      // bilinear: nw, ne, sw, se; bicubic: cx[4], cy[4]
  T dist[4];   // bilinear: n, s, w, e
  T gmult[2];  // d x / d grid x, d y / d grid y
};

// Sets tap k to (iy, ix) when inside, else kOutside.
inline void set_tap(Taps& t, int k, int64_t iy, int64_t ix, const Geometry& g) {
  const bool ok = inside(iy, g.in[1]) && inside(ix, g.in[2]);
  t.off[k] = ok ? iy * g.in_s[1] + ix * g.in_s[2] : kOutside;
  t.goff[k] = ok ? iy * g.in[2] + ix : kOutside;
}

template <typename T>
TORSH_INLINE inline void bilinear_point2(Point2<T>& q, T x, T y, const Geometry& g) {
  const T xw = std::floor(x);
  const T yn = std::floor(y);
  const T w = x - xw;
  const T e = T(1) - w;
  const T n = y - yn;
  const T s = T(1) - n;
  q.w[0] = s * e;
  q.w[1] = s * w;
  q.w[2] = n * e;
  q.w[3] = n * w;
  q.dist[0] = n;
  q.dist[1] = s;
  q.dist[2] = w;
  q.dist[3] = e;
  const int64_t ix = to_index(xw);
  const int64_t iy = to_index(yn);
  // west/east columns and north/south rows: inside, input offset, gradient offset
  const bool col_ok[2] = {inside(ix, g.in[2]), ix >= -1 && inside(ix + 1, g.in[2])};
  const bool row_ok[2] = {inside(iy, g.in[1]), iy >= -1 && inside(iy + 1, g.in[1])};
  // offsets from indices clamped next to the input (no overflow for far points; a used tap is
  // inside, where the clamp changes nothing)
  const int64_t cx = std::clamp<int64_t>(ix, -1, g.in[2]);
  const int64_t cy = std::clamp<int64_t>(iy, -1, g.in[1]);
  const int64_t col[2] = {cx * g.in_s[2], (cx + 1) * g.in_s[2]};
  const int64_t row[2] = {cy * g.in_s[1], (cy + 1) * g.in_s[1]};
  const int64_t grow[2] = {cy * g.in[2], (cy + 1) * g.in[2]};
  for (int k = 0; k < 4; ++k) {
    const int r = k >> 1, c = k & 1;
    const bool ok = row_ok[r] && col_ok[c];
    q.t.off[k] = ok ? row[r] + col[c] : kOutside;
    q.t.goff[k] = ok ? grow[r] + cx + c : kOutside;
  }
}

// The 16 taps (row-major: y tap, then x tap) and the cubic weights of one point.
template <typename T>
TORSH_INLINE inline void bicubic_point2(Point2<T>& q, T x, T y, const Axis2<T>& ax,
                                        const Axis2<T>& ay, const Geometry& g) {
  const T fx = std::floor(x);
  const T fy = std::floor(y);
  cubic_coeffs(x - fx, q.w);
  cubic_coeffs(y - fy, q.w + 4);
  for (int i = 0; i < 4; ++i) {
    const int64_t iy = to_index(ay.coordinates(fy + T(-1 + i)));
    for (int j = 0; j < 4; ++j) {
      set_tap(q.t, i * 4 + j, iy, to_index(ax.coordinates(fx + T(-1 + j))), g);
    }
  }
}

template <typename T>
void forward_2d(const Tensor& out, const Tensor& input, const Tensor& grid, int64_t interp,
                int64_t padding, bool align) {
  const Geometry g(input, grid);
  const Axis2<T> ax(g.in[2], padding, align);
  const Axis2<T> ay(g.in[1], padding, align);
  const T* inp = input.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  T* op = out.data_ptr<T>();
  const int64_t blocks = (g.points + kBlock - 1) / kBlock;
  const int64_t taps = interp == kBicubic ? 16 : 4;
  const int64_t grain =
      std::max<int64_t>(1, kGrainSize / (kBlock * taps * std::max<int64_t>(1, g.c)));
  auto body = [&](int64_t b0, int64_t b1) TORSH_INLINE {
    Point2<T> pts[kBlock];
    for (int64_t blk = b0; blk < b1; ++blk) {
      const int64_t b = blk / blocks;
      const int64_t p0 = (blk % blocks) * kBlock;
      const int64_t np = std::min(kBlock, g.points - p0);
      Geometry::Cursor<T> cur(g, gp, b, p0);
      for (int64_t i = 0; i < np; ++i) {
        const T* c = cur.next();
        Point2<T>& q = pts[i];
        if (interp == kBicubic) {
          bicubic_point2(q, ax.unnormalize(c[0]), ay.unnormalize(c[g.grid_s[3]]), ax, ay, g);
        } else if (interp == kNearest) {
          const T x = std::nearbyint(ax.apply(c[0]));
          const T y = std::nearbyint(ay.apply(c[g.grid_s[3]]));
          set_tap(q.t, 0, to_index(y), to_index(x), g);
        } else {
          bilinear_point2(q, ax.apply(c[0]), ay.apply(c[g.grid_s[3]]), g);
        }
      }
      // point by point, its taps and weights held while the channels are read through them
      const T* sample = inp + b * g.in_sn;
      T* o = op + b * g.c * g.points + p0;
      for (int64_t i = 0; i < np; ++i) {
        const Point2<T>& q = pts[i];
        const int64_t* off = q.t.off;
        if (interp == kNearest) {
          for (int64_t ch = 0; ch < g.c; ++ch)
            o[ch * g.points + i] = at(sample + ch * g.in_sc, off[0]);
        } else if (interp == kBilinear) {
          if (off[0] != kOutside && off[1] != kOutside && off[2] != kOutside &&
              off[3] != kOutside) {
            for (int64_t ch = 0; ch < g.c; ++ch) {
              const T* plane = sample + ch * g.in_sc;
              o[ch * g.points + i] =
                  dot4(q.w, plane[off[0]], plane[off[1]], plane[off[2]], plane[off[3]]);
            }
            continue;
          }
          for (int64_t ch = 0; ch < g.c; ++ch) {
            const T* plane = sample + ch * g.in_sc;
            o[ch * g.points + i] = dot4(q.w, at(plane, off[0]), at(plane, off[1]),
                                        at(plane, off[2]), at(plane, off[3]));
          }
        } else {
          for (int64_t ch = 0; ch < g.c; ++ch) {
            const T* plane = sample + ch * g.in_sc;
            T rows[4];
            for (int r = 0; r < 4; ++r) {
              const int64_t* ro = off + r * 4;
              rows[r] = dot4_row(q.w, at(plane, ro[0]), at(plane, ro[1]), at(plane, ro[2]),
                                 at(plane, ro[3]));
            }
            o[ch * g.points + i] = dot4(q.w + 4, rows[0], rows[1], rows[2], rows[3]);
          }
        }
      }
    }
  };
  parallel_for(0, g.n * blocks, grain, [&](int64_t b0, int64_t b1) { run_best(body, b0, b1); });
}

// ---- 2-D backward -----------------------------------------------------------------------------

// Whether torch's 2-D kernel walks a sample's grid points as one sequence (the grid slice, or its
// x and y planes, contiguous) rather than row by row: its vectors of points start accordingly.
bool flat_grid(const Tensor& grid) {
  const int64_t sizes[3] = {grid.size(1), grid.size(2), 2};
  const int64_t strides[3] = {grid.stride(1), grid.stride(2), grid.stride(3)};
  auto contiguous = [&](int n) {  // ATen's geometry_is_contiguous over the first n dims
    int64_t expected = 1;
    for (int i = n - 1; i >= 0; --i) {
      if (sizes[i] == 0) return true;
      if (sizes[i] != 1 && strides[i] != expected) return false;
      expected *= sizes[i];
    }
    return true;
  };
  if (contiguous(3)) return true;
  return (strides[1] == 1 || sizes[1] == 1) && contiguous(2);
}

// Adds one channel's gradient of a block's points into its input-gradient plane in the order of
// torch's AVX2 kernel: by vectors of 32 bytes of points, tap by tap, point by point (the cubic
// taps x-major).
template <typename T>
void scatter_2d(T* gplane, const Point2<T>* pts, int64_t np, const T* gop, int64_t interp) {
  constexpr int64_t lanes = 32 / sizeof(T);
  const int taps = interp == kNearest ? 1 : interp == kBilinear ? 4 : 16;
  for (int64_t v0 = 0; v0 < np; v0 += lanes) {
    const int64_t v1 = std::min(np, v0 + lanes);
    for (int t = 0; t < taps; ++t) {
      const int xi = t >> 2, yi = t & 3;
      const int k = interp == kBicubic ? yi * 4 + xi : t;
      for (int64_t i = v0; i < v1; ++i) {
        const Point2<T>& q = pts[i];
        if (q.t.goff[k] == kOutside) continue;
        T d = gop[i];
        if (interp == kBilinear) d = q.w[t] * d;
        if (interp == kBicubic) d = d * q.w[xi] * q.w[4 + yi];
        gplane[q.t.goff[k]] += d;
      }
    }
  }
}

template <typename T>
void backward_2d(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad_output,
                 const Tensor& input, const Tensor& grid, int64_t interp, int64_t padding,
                 bool align) {
  const Geometry g(input, grid);
  const Axis2<T> ax(g.in[2], padding, align);
  const Axis2<T> ay(g.in[1], padding, align);
  const T* inp = input.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  const T* go = grad_output.data_ptr<T>();
  T* gi = grad_input.defined() ? grad_input.data_ptr<T>() : nullptr;
  T* gg = grad_grid.data_ptr<T>();
  const bool flat = flat_grid(grid);
  auto body = [&](int64_t n0, int64_t n1) TORSH_INLINE {
    Point2<T> pts[kBlock];
    T gx[kBlock];
    T gy[kBlock];
    T cxg[kBlock][4];
    T cyg[kBlock][4];
    for (int64_t b = n0; b < n1; ++b) {
      // blocks start where torch's vectors of points start: flat, or at each row's start
      for (int64_t p0 = 0, np = 0; p0 < g.points; p0 += np) {
        np = std::min(kBlock, (flat ? g.points : (p0 / g.out[2] + 1) * g.out[2]) - p0);
        Geometry::Cursor<T> cur(g, gp, b, p0);
        for (int64_t i = 0; i < np; ++i) {
          const T* c = cur.next();
          Point2<T>& q = pts[i];
          gx[i] = T(0);
          gy[i] = T(0);
          if (interp == kBicubic) {
            const T x = ax.unnormalize(c[0]);
            const T y = ay.unnormalize(c[g.grid_s[3]]);
            bicubic_point2(q, x, y, ax, ay, g);
            cubic_coeffs_grad(x - std::floor(x), cxg[i]);
            cubic_coeffs_grad(y - std::floor(y), cyg[i]);
            q.gmult[0] = ax.scale;
            q.gmult[1] = ay.scale;
          } else if (interp == kNearest) {
            const T x = std::nearbyint(ax.apply(c[0]));
            const T y = std::nearbyint(ay.apply(c[g.grid_s[3]]));
            set_tap(q.t, 0, to_index(y), to_index(x), g);
          } else {
            const T x = ax.apply_grad(c[0], &q.gmult[0]);
            const T y = ay.apply_grad(c[g.grid_s[3]], &q.gmult[1]);
            bilinear_point2(q, x, y, g);
          }
        }
        for (int64_t ch = 0; ch < g.c; ++ch) {
          const T* plane = inp + b * g.in_sn + ch * g.in_sc;
          T* gplane = gi ? gi + (b * g.c + ch) * g.planes : nullptr;
          const T* gop = go + (b * g.c + ch) * g.points + p0;
          if (gplane) scatter_2d(gplane, pts, np, gop, interp);
          for (int64_t i = 0; i < np && interp != kNearest; ++i) {
            const Point2<T>& q = pts[i];
            const T gout = gop[i];
            if (interp == kBilinear) {
              const T nw = at(plane, q.t.off[0]);
              const T ne = at(plane, q.t.off[1]);
              const T sw = at(plane, q.t.off[2]);
              const T se = at(plane, q.t.off[3]);
              const T n = q.dist[0], s = q.dist[1], w = q.dist[2], e = q.dist[3];
              gx[i] = std::fma(std::fma(se - sw, n, (ne - nw) * s), gout, gx[i]);
              gy[i] = std::fma(std::fma(se - ne, w, (sw - nw) * e), gout, gy[i]);
              continue;
            }
            for (int xi = 0; xi < 4; ++xi) {
              for (int yi = 0; yi < 4; ++yi) {
                const T v = at(plane, q.t.off[yi * 4 + xi]);
                gx[i] = std::fma(-(v * gout * cxg[i][xi]), q.w[4 + yi], gx[i]);
                gy[i] = std::fma(-(v * gout * cyg[i][yi]), q.w[xi], gy[i]);
              }
            }
          }
        }
        T* out = gg + (b * g.points + p0) * 2;
        for (int64_t i = 0; i < np; ++i) {
          const bool zero = interp == kNearest;
          out[2 * i] = zero ? T(0) : gx[i] * pts[i].gmult[0];
          out[2 * i + 1] = zero ? T(0) : gy[i] * pts[i].gmult[1];
        }
      }
    }
  };
  parallel_for(0, g.n, 1, [&](int64_t n0, int64_t n1) { run_best(body, n0, n1); });
}

void grid_sampler_forward_kernel(const Tensor& out, const Tensor& input, const Tensor& grid,
                                 int64_t interp, int64_t padding, bool align) {
  if (out.numel() == 0) return;
  if (input.dim() == 5) {
    grid_sample::forward_3d(out, input, grid, interp, padding, align);
  } else if (input.scalar_type() == kFloat) {
    forward_2d<float>(out, input, grid, interp, padding, align);
  } else {
    forward_2d<double>(out, input, grid, interp, padding, align);
  }
}

void grid_sampler_backward_kernel(const Tensor& grad_input, const Tensor& grad_grid,
                                  const Tensor& grad_output, const Tensor& input,
                                  const Tensor& grid, int64_t interp, int64_t padding, bool align) {
  if (grad_grid.numel() == 0 || grad_output.numel() == 0) {
    if (grad_grid.numel() != 0) grad_grid.zero_();
    return;
  }
  if (input.dim() == 5) {
    grid_sample::backward_3d(grad_input, grad_grid, grad_output, input, grid, interp, padding,
                             align);
  } else if (input.scalar_type() == kFloat) {
    backward_2d<float>(grad_input, grad_grid, grad_output, input, grid, interp, padding, align);
  } else {
    backward_2d<double>(grad_input, grad_grid, grad_output, input, grid, interp, padding, align);
  }
}

}  // namespace

void register_grid_sample_kernels() {
  grid_sampler_forward_stub.set(kCPU, &grid_sampler_forward_kernel);
  grid_sampler_backward_stub.set(kCPU, &grid_sampler_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
