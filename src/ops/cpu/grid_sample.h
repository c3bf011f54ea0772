#pragma once
// What the 2-D and 3-D grid_sampler kernels share (ops/cpu/grid_sample_kernels*.cpp): mode
// numbers, the block of output points, masked taps, the geometry of a call.
#include <cstdint>

#include "torsh/core/tensor.h"

namespace torsh::detail::cpu::grid_sample {

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

// Taps of one point: per tap the input offset (kOutside when masked) and the contiguous offset
// into a gradient plane; weights per mode.
struct Taps {
  int64_t off[16];
  int64_t goff[16];
};

// The 3-D kernels (grid_sample_kernels_3d.cpp), float or double.
void forward_3d(const Tensor& out, const Tensor& input, const Tensor& grid, int64_t interp,
                int64_t padding, bool align);
void backward_3d(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad_output,
                 const Tensor& input, const Tensor& grid, int64_t interp, int64_t padding,
                 bool align);

}  // namespace torsh::detail::cpu::grid_sample
