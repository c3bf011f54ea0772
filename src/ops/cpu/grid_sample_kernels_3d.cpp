// The CPU's 3-D grid_sampler kernels, in the arithmetic of torch's scalar kernel: fmod
// reflection, a clamp that sends NaN to the border, coordinates beyond the int range read as
// outside, the corners summed in its order (ops/cpu/grid_sample.h has what they share with 2-D).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/parallel.h"
#include "ops/cpu/grid_sample.h"

namespace torsh::detail::cpu::grid_sample {
namespace {

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

}  // namespace

void forward_3d(const Tensor& out, const Tensor& input, const Tensor& grid, int64_t interp,
                int64_t padding, bool align) {
  if (input.scalar_type() == kFloat) {
    forward_3d<float>(out, input, grid, interp, padding, align);
  } else {
    forward_3d<double>(out, input, grid, interp, padding, align);
  }
}

void backward_3d(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad_output,
                 const Tensor& input, const Tensor& grid, int64_t interp, int64_t padding,
                 bool align) {
  if (input.scalar_type() == kFloat) {
    backward_3d<float>(grad_input, grad_grid, grad_output, input, grid, interp, padding, align);
  } else {
    backward_3d<double>(grad_input, grad_grid, grad_output, input, grid, interp, padding, align);
  }
}

}  // namespace torsh::detail::cpu::grid_sample
