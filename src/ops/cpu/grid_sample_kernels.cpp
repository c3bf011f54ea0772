// The CPU's grid_sampler kernels, in the arithmetic of torch's: the 2-D ones follow its vectorised
// kernel (coordinate mapping and gradient multipliers per padding mode, masked reads of the 4 or
// 16 taps, weights and sums in its order), the 3-D ones its scalar kernel (fmod reflection, a
// clamp that sends NaN to the border, coordinates beyond the int range read as outside).
// Points go in blocks: a block's taps and weights are computed once, then every channel is read
// through them, so that one input plane is walked at a time. The forward splits batch x blocks
// over threads; the backward splits the batch, as each sample's input gradient is summed into.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/parallel.h"
#include "ops/stubs_grid.h"

namespace torsh::detail {

KernelStub<GridSamplerForwardKernel> grid_sampler_forward_stub;
KernelStub<GridSamplerBackwardKernel> grid_sampler_backward_stub;

namespace cpu {
namespace {

constexpr int64_t kBilinear = 0;
constexpr int64_t kNearest = 1;
constexpr int64_t kBicubic = 2;
constexpr int64_t kBorder = 1;
constexpr int64_t kReflection = 2;
constexpr int64_t kBlock = 64;    // output points per block
constexpr int64_t kOutside = -1;  // the offset of a tap outside the input

// A floored or rounded coordinate as an index (truncating, as the kernels' int conversion);
// values beyond any index, and NaN, give -2, which every bounds check rejects.
template <typename T>
inline int64_t to_index(T v) {
  return (v > T(-2) && v < T(4.0e18)) ? static_cast<int64_t>(v) : -2;
}

inline bool inside(int64_t i, int64_t size) { return i >= 0 && i < size; }

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

// A masked read: zero for a tap outside the input.
template <typename T>
inline T at(const T* plane, int64_t off) {
  return off == kOutside ? T(0) : plane[off];
}

// The geometry of one call: sizes and strides, the output points' count, the grid's strides.
struct Geometry {
  int64_t n = 0, c = 0;
  int64_t in[3] = {1, 1, 1};         // D, H, W (D = 1 for 4-D)
  int64_t in_s[3] = {0, 0, 0};       // their strides in input
  int64_t out[3] = {1, 1, 1};        // output D, H, W
  int64_t grid_s[4] = {0, 0, 0, 0};  // grid strides of D, H, W and the coordinate dim
  int64_t in_sn = 0, in_sc = 0, grid_sn = 0;
  int64_t points = 0, planes = 0;  // output points per plane, input elements per plane

  Geometry(const Tensor& input, const Tensor& grid) {
    const int64_t nd = input.dim() - 2;
    n = input.size(0);
    c = input.size(1);
    in_sn = input.stride(0);
    in_sc = input.stride(1);
    grid_sn = grid.stride(0);
    for (int64_t k = 0; k < nd; ++k) {
      in[3 - nd + k] = input.size(2 + k);
      in_s[3 - nd + k] = input.stride(2 + k);
      out[3 - nd + k] = grid.size(1 + k);
      grid_s[3 - nd + k] = grid.stride(1 + k);
    }
    grid_s[3] = grid.stride(-1);
    points = out[0] * out[1] * out[2];
    planes = in[0] * in[1] * in[2];
  }
  // Walks the grid's coordinates (x first) of sample b's output points from p on, without a
  // division per point.
  template <typename T>
  struct Cursor {
    const Geometry& geo;
    const T* base;
    int64_t d, h, w;
    Cursor(const Geometry& g, const T* grid, int64_t b, int64_t p)
        : geo(g),
          base(grid + b * g.grid_sn),
          d(p / (g.out[1] * g.out[2])),
          h((p / g.out[2]) % g.out[1]),
          w(p % g.out[2]) {}
    const T* next() {
      const T* c = base + d * geo.grid_s[0] + h * geo.grid_s[1] + w * geo.grid_s[2];
      if (++w == geo.out[2]) {
        w = 0;
        if (++h == geo.out[1]) {
          h = 0;
          ++d;
        }
      }
      return c;
    }
  };
};

// ---- 2-D forward ------------------------------------------------------------------------------

// Taps of one point: per tap the input offset (kOutside when masked) and the contiguous offset
// into a gradient plane; weights per mode.
struct Taps {
  int64_t off[16];
  int64_t goff[16];
};

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
  const int64_t col[2] = {ix * g.in_s[2], (ix + 1) * g.in_s[2]};
  const int64_t row[2] = {iy * g.in_s[1], (iy + 1) * g.in_s[1]};
  const int64_t grow[2] = {iy * g.in[2], (iy + 1) * g.in[2]};
  for (int k = 0; k < 4; ++k) {
    const int r = k >> 1, c = k & 1;
    const bool ok = row_ok[r] && col_ok[c];
    q.t.off[k] = ok ? row[r] + col[c] : kOutside;
    q.t.goff[k] = ok ? grow[r] + ix + c : kOutside;
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

// ---- the 3-D kernel's coordinates along one axis ----------------------------------------------

// Whether floor(q) cast to int is odd (an out-of-range cast reads as INT_MIN: even).
template <typename T>
inline bool odd_floor(T q) {
  const T f = std::floor(q);
  if (!(f >= T(-2147483648.0) && f < T(2147483648.0))) return false;
  return (static_cast<int64_t>(f) & 1) != 0;
}

template <typename T>
struct Axis3 {
  int64_t size, padding;
  bool align;

  T unnormalize(T c) const {
    if (align) return ((c + T(1)) / T(2)) * static_cast<T>(size - 1);
    return ((c + T(1)) * static_cast<T>(size) - T(1)) / T(2);
  }
  T unnormalize_grad() const {
    return align ? static_cast<T>(size - 1) / T(2) : static_cast<T>(size) / T(2);
  }
  // std::min(size - 1, std::max(x, 0)): NaN goes to size - 1.
  T clip(T in) const { return std::min(static_cast<T>(size - 1), std::max(in, T(0))); }
  // The clamp with its gradient (0 at and beyond the borders); NaN passes with gradient 1.
  T clip_grad(T in, T* grad) const {
    const T hi = static_cast<T>(size - 1);
    if (in <= T(0)) {
      *grad = T(0);
      return T(0);
    }
    if (in >= hi) {
      *grad = T(0);
      return hi;
    }
    *grad = T(1);
    return in;
  }
  // Reflection by fmod of the span, odd flip counts mirrored; gradient +-1 when asked.
  T reflect(T in, T* grad) const {
    const int64_t twice_low = align ? 0 : -1;
    const int64_t twice_high = align ? 2 * (size - 1) : 2 * size - 1;
    if (twice_low == twice_high) {
      if (grad) *grad = T(0);
      return T(0);
    }
    const T low = static_cast<T>(twice_low) / T(2);
    const T span = static_cast<T>(twice_high - twice_low) / T(2);
    T v = in - low;
    T mult = T(1);
    if (v < T(0)) {
      mult = T(-1);
      v = -v;
    }
    const T extra = std::fmod(v, span);
    const bool odd = odd_floor(v / span);
    if (grad) *grad = odd ? -mult : mult;
    return odd ? span - extra + low : extra + low;
  }
  // A non-finite or out-of-int-range coordinate reads as outside.
  static T safe(T x) {
    if (!std::isfinite(x) || x > static_cast<T>(2147483646) || x < static_cast<T>(-2147483648.0)) {
      return T(-100);
    }
    return x;
  }
  T source(T c) const {
    T x = unnormalize(c);
    if (padding == kBorder) x = clip(x);
    if (padding == kReflection) x = clip(reflect(x, nullptr));
    return safe(x);
  }
  T source_grad(T c, T* grad) const {
    T x = unnormalize(c);
    *grad = unnormalize_grad();
    T gc = T(1);
    if (padding == kBorder) {
      x = clip_grad(x, &gc);
      *grad = *grad * gc;
    } else if (padding == kReflection) {
      T gr = T(1);
      x = reflect(x, &gr);
      x = clip_grad(x, &gc);
      *grad = *grad * gr * gc;
    }
    return safe(x);
  }
};

// Taps and weights of one 3-D point: corners in torch's order (tnw, tne, tsw, tse, bnw, bne,
// bsw, bse: z, then y, then x, low before high), per-axis weights (low corner, high corner).
template <typename T>
struct Point3 {
  Taps t;
  T wx[2], wy[2], wz[2];
  T gmult[3];
};

inline void set_tap3(Taps& t, int k, int64_t iz, int64_t iy, int64_t ix, const Geometry& g) {
  const bool ok = inside(iz, g.in[0]) && inside(iy, g.in[1]) && inside(ix, g.in[2]);
  t.off[k] = ok ? iz * g.in_s[0] + iy * g.in_s[1] + ix * g.in_s[2] : kOutside;
  t.goff[k] = ok ? (iz * g.in[1] + iy) * g.in[2] + ix : kOutside;
}

template <typename T>
void point3(Point3<T>& q, T x, T y, T z, int64_t interp, const Geometry& g) {
  if (interp == kNearest) {
    set_tap3(q.t, 0, static_cast<int64_t>(std::round(z)), static_cast<int64_t>(std::round(y)),
             static_cast<int64_t>(std::round(x)), g);
    return;
  }
  const T fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
  q.wx[0] = (fx + T(1)) - x;
  q.wx[1] = x - fx;
  q.wy[0] = (fy + T(1)) - y;
  q.wy[1] = y - fy;
  q.wz[0] = (fz + T(1)) - z;
  q.wz[1] = z - fz;
  const auto ix = static_cast<int64_t>(fx), iy = static_cast<int64_t>(fy);
  const auto iz = static_cast<int64_t>(fz);
  for (int k = 0; k < 8; ++k) set_tap3(q.t, k, iz + (k >> 2), iy + ((k >> 1) & 1), ix + (k & 1), g);
}

template <typename T>
void forward_3d(const Tensor& out, const Tensor& input, const Tensor& grid, int64_t interp,
                int64_t padding, bool align) {
  const Geometry g(input, grid);
  const Axis3<T> ax{g.in[2], padding, align}, ay{g.in[1], padding, align};
  const Axis3<T> az{g.in[0], padding, align};
  const T* inp = input.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  T* op = out.data_ptr<T>();
  const int64_t blocks = (g.points + kBlock - 1) / kBlock;
  const int64_t grain = std::max<int64_t>(1, kGrainSize / (kBlock * 8 * std::max<int64_t>(1, g.c)));
  parallel_for(0, g.n * blocks, grain, [&](int64_t b0, int64_t b1) {
    Point3<T> pts[kBlock];
    for (int64_t blk = b0; blk < b1; ++blk) {
      const int64_t b = blk / blocks;
      const int64_t p0 = (blk % blocks) * kBlock;
      const int64_t np = std::min(kBlock, g.points - p0);
      Geometry::Cursor<T> cur(g, gp, b, p0);
      for (int64_t i = 0; i < np; ++i) {
        const T* c = cur.next();
        const int64_t s = g.grid_s[3];
        point3(pts[i], ax.source(c[0]), ay.source(c[s]), az.source(c[2 * s]), interp, g);
      }
      for (int64_t ch = 0; ch < g.c; ++ch) {
        const T* plane = inp + b * g.in_sn + ch * g.in_sc;
        T* o = op + (b * g.c + ch) * g.points + p0;
        for (int64_t i = 0; i < np; ++i) {
          const Point3<T>& q = pts[i];
          if (interp == kNearest) {
            o[i] = at(plane, q.t.off[0]);
            continue;
          }
          T acc = T(0);
          for (int k = 0; k < 8; ++k) {
            if (q.t.off[k] == kOutside) continue;
            acc += plane[q.t.off[k]] * (q.wx[k & 1] * q.wy[(k >> 1) & 1] * q.wz[k >> 2]);
          }
          o[i] = acc;
        }
      }
    }
  });
}

template <typename T>
void backward_3d(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad_output,
                 const Tensor& input, const Tensor& grid, int64_t interp, int64_t padding,
                 bool align) {
  const Geometry g(input, grid);
  const Axis3<T> ax{g.in[2], padding, align}, ay{g.in[1], padding, align};
  const Axis3<T> az{g.in[0], padding, align};
  const T* inp = input.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  const T* go = grad_output.data_ptr<T>();
  T* gi = grad_input.defined() ? grad_input.data_ptr<T>() : nullptr;
  T* gg = grad_grid.data_ptr<T>();
  parallel_for(0, g.n, 1, [&](int64_t n0, int64_t n1) {
    Point3<T> pts[kBlock];
    T acc[kBlock][3];
    for (int64_t b = n0; b < n1; ++b) {
      for (int64_t p0 = 0; p0 < g.points; p0 += kBlock) {
        const int64_t np = std::min(kBlock, g.points - p0);
        Geometry::Cursor<T> cur(g, gp, b, p0);
        for (int64_t i = 0; i < np; ++i) {
          const T* c = cur.next();
          const int64_t s = g.grid_s[3];
          Point3<T>& q = pts[i];
          const T x = ax.source_grad(c[0], &q.gmult[0]);
          const T y = ay.source_grad(c[s], &q.gmult[1]);
          const T z = az.source_grad(c[2 * s], &q.gmult[2]);
          point3(q, x, y, z, interp, g);
          acc[i][0] = acc[i][1] = acc[i][2] = T(0);
        }
        for (int64_t ch = 0; ch < g.c; ++ch) {
          const T* plane = inp + b * g.in_sn + ch * g.in_sc;
          T* gplane = gi ? gi + (b * g.c + ch) * g.planes : nullptr;
          const T* gop = go + (b * g.c + ch) * g.points + p0;
          for (int64_t i = 0; i < np; ++i) {
            const Point3<T>& q = pts[i];
            const T gout = gop[i];
            if (interp == kNearest) {
              if (gplane && q.t.goff[0] != kOutside) gplane[q.t.goff[0]] += gout;
              continue;
            }
            for (int k = 0; k < 8; ++k) {
              const T wx = q.wx[k & 1], wy = q.wy[(k >> 1) & 1], wz = q.wz[k >> 2];
              if (gplane && q.t.goff[k] != kOutside) gplane[q.t.goff[k]] += wx * wy * wz * gout;
            }
            for (int k = 0; k < 8; ++k) {
              if (q.t.off[k] == kOutside) continue;
              const T v = plane[q.t.off[k]];
              const T wx = q.wx[k & 1], wy = q.wy[(k >> 1) & 1], wz = q.wz[k >> 2];
              const T tx = v * wy * wz * gout, ty = v * wx * wz * gout, tz = v * wx * wy * gout;
              acc[i][0] = (k & 1) ? acc[i][0] + tx : acc[i][0] - tx;
              acc[i][1] = ((k >> 1) & 1) ? acc[i][1] + ty : acc[i][1] - ty;
              acc[i][2] = (k >> 2) ? acc[i][2] + tz : acc[i][2] - tz;
            }
          }
        }
        T* out = gg + (b * g.points + p0) * 3;
        for (int64_t i = 0; i < np; ++i) {
          for (int k = 0; k < 3; ++k) {
            out[3 * i + k] = interp == kNearest ? T(0) : pts[i].gmult[k] * acc[i][k];
          }
        }
      }
    }
  });
}

void grid_sampler_forward_kernel(const Tensor& out, const Tensor& input, const Tensor& grid,
                                 int64_t interp, int64_t padding, bool align) {
  if (out.numel() == 0) return;
  const bool two = input.dim() == 4;
  if (input.scalar_type() == kFloat) {
    two ? forward_2d<float>(out, input, grid, interp, padding, align)
        : forward_3d<float>(out, input, grid, interp, padding, align);
  } else {
    two ? forward_2d<double>(out, input, grid, interp, padding, align)
        : forward_3d<double>(out, input, grid, interp, padding, align);
  }
}

void grid_sampler_backward_kernel(const Tensor& grad_input, const Tensor& grad_grid,
                                  const Tensor& grad_output, const Tensor& input,
                                  const Tensor& grid, int64_t interp, int64_t padding, bool align) {
  if (grad_grid.numel() == 0 || grad_output.numel() == 0) {
    if (grad_grid.numel() != 0) grad_grid.zero_();
    return;
  }
  const bool two = input.dim() == 4;
  if (input.scalar_type() == kFloat) {
    two ? backward_2d<float>(grad_input, grad_grid, grad_output, input, grid, interp, padding,
                             align)
        : backward_3d<float>(grad_input, grad_grid, grad_output, input, grid, interp, padding,
                             align);
  } else {
    two ? backward_2d<double>(grad_input, grad_grid, grad_output, input, grid, interp, padding,
                              align)
        : backward_3d<double>(grad_input, grad_grid, grad_output, input, grid, interp, padding,
                              align);
  }
}

}  // namespace

void register_grid_sample_kernels() {
  grid_sampler_forward_stub.set(kCPU, &grid_sampler_forward_kernel);
  grid_sampler_backward_stub.set(kCPU, &grid_sampler_backward_kernel);
}

}  // namespace cpu
}  // namespace torsh::detail
