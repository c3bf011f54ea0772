// Reductions: sum and mean over any set of dims; max, min, argmax, argmin.
#include <cmath>
#include <limits>

#include "cpu/parallel.h"
#include "iter/loops.h"
#include "ops/functors/simd_math.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::opmath_t;

// Pairwise (cascade) summation of n values at byte stride s: error grows with log(n).
template <typename Acc, typename T>
Acc pairwise_sum(const char* p, int64_t s, int64_t n) {
  constexpr int64_t kBlock = 128;
  if (n <= kBlock) {
    Acc lanes[8] = {};
    int64_t i = 0;
    if (s == static_cast<int64_t>(sizeof(T))) {
      const T* x = reinterpret_cast<const T*>(p);
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) lanes[j] += static_cast<Acc>(x[i + j]);
    }
    Acc tail = 0;
    for (; i < n; ++i) tail += static_cast<Acc>(*reinterpret_cast<const T*>(p + i * s));
    return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
           ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])) + tail;
  }
  int64_t half = (n / 2 + kBlock - 1) / kBlock * kBlock;
  return pairwise_sum<Acc, T>(p, s, half) + pairwise_sum<Acc, T>(p + half * s, s, n - half);
}

// A contiguous or strided run: float/double dense runs use the SIMD cascade sum.
template <typename Acc, typename T>
Acc run_sum(const char* p, int64_t s, int64_t n) {
  if constexpr (std::is_same_v<T, float> && std::is_same_v<Acc, float>) {
    if (s == 4) return detail::simd::sum_f32(reinterpret_cast<const float*>(p), n);
  } else if constexpr (std::is_same_v<T, double> && std::is_same_v<Acc, double>) {
    if (s == 8) return detail::simd::sum_f64(reinterpret_cast<const double*>(p), n);
  }
  return pairwise_sum<Acc, T>(p, s, n);
}

// Marks reduced dims; an empty list (or none) means all dims.
std::vector<bool> reduced_mask(const Tensor& self, OptionalIntArrayRef dim, const char* op) {
  const int64_t nd = self.dim();
  std::vector<bool> mask(static_cast<size_t>(std::max<int64_t>(nd, 1)), false);
  if (!dim || dim->empty()) {
    std::fill(mask.begin(), mask.end(), true);
    return mask;
  }
  for (int64_t d : *dim) {
    int64_t w = detail::wrap_dim(d, nd, op);
    TORSH_CHECK(!mask[w], op, "(): dim ", w, " appears multiple times in the list of dims");
    mask[w] = true;
  }
  return mask;
}

SizeVec keepdim_shape(const Tensor& self, const std::vector<bool>& mask) {
  SizeVec s(self.sizes());
  for (int64_t i = 0; i < self.dim(); ++i)
    if (mask[i]) s[i] = 1;
  return s;
}

Tensor drop_dims(const Tensor& t, const std::vector<bool>& mask, int64_t nd) {
  SizeVec s;
  for (int64_t i = 0; i < nd; ++i)
    if (!mask[i]) s.push_back(t.sizes()[i]);
  return t.view(s.vec());
}

ScalarType acc_type(ScalarType t) {
  if (t == kDouble) return kDouble;
  if (is_floating_point(t)) return kFloat;
  return kLong;
}

// Sums self over the masked dims into a keepdim tensor of the accumulation dtype.
Tensor sum_keepdim(const Tensor& self, const std::vector<bool>& mask) {
  const ScalarType acc = acc_type(self.dtype());
  Tensor out = torsh::zeros(keepdim_shape(self, mask).vec(), acc);
  if (self.numel() == 0) return out;
  Tensor expanded = out.expand(self.sizes());
  auto it = detail::TensorIterConfig("sum")
                .add_output(expanded)
                .add_input(self)
                .is_reduction()
                .output_dtype(acc)
                .build();
  detail::dispatch_all(self.dtype(), "sum", [&](auto tag) {
    using T = decltype(tag);
    detail::dispatch_all(acc, "sum", [&](auto acc_tag) {
      using A = decltype(acc_tag);
      if constexpr (std::is_same_v<A, float> || std::is_same_v<A, double> ||
                    std::is_same_v<A, int64_t>) {
        auto loop = [](char** d, const int64_t* s, int64_t n) {
          A* o = reinterpret_cast<A*>(d[0]);
          if (s[0] == 0) {
            *o += run_sum<A, T>(d[1], s[1], n);
          } else {
            for (int64_t i = 0; i < n; ++i)
              *reinterpret_cast<A*>(d[0] + i * s[0]) +=
                  static_cast<A>(*reinterpret_cast<const T*>(d[1] + i * s[1]));
          }
        };
        const int nd = it.ndim();
        const int64_t numel = it.numel();
        if (out.numel() == 1 && numel > detail::kGrainSize && get_num_threads() > 1) {
          // Full reduction: each thread sums its own chunk, partials combined in order.
          const int nt = get_num_threads();
          std::vector<A> partial(static_cast<size_t>(nt), A(0));
          const int64_t per = (numel + nt - 1) / nt;
          detail::parallel_for(0, nt, 1, [&](int64_t b, int64_t e) {
            for (int64_t t = b; t < e; ++t) {
              A local = 0;
              it.serial_for_each([&](char** d, const int64_t* s,
                                     int64_t n) { local += run_sum<A, T>(d[1], s[1], n); },
                                 t * per, std::min(numel, (t + 1) * per));
              partial[t] = local;
            }
          });
          A total = 0;
          for (A p : partial) total += p;
          *out.data_ptr<A>() = total;
        } else if (nd > 1 && it.stride(0, nd - 1) != 0) {
          // Split over the outermost dim, which is not reduced: threads own disjoint outputs.
          const int64_t outer = it.shape()[nd - 1], inner = numel / outer;
          detail::parallel_for(
              0, outer, std::max<int64_t>(1, detail::kGrainSize / inner),
              [&](int64_t b, int64_t e) { it.serial_for_each(loop, b * inner, e * inner); });
        } else {
          it.serial_for_each(loop, 0, numel);
        }
      }
    });
  });
  return out;
}

ScalarType sum_result_type(const Tensor& self, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_integral(self.dtype(), true) ? kLong : self.dtype();
}
}  // namespace

Tensor sum(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
           std::optional<ScalarType> dtype) {
  Tensor in = dtype && *dtype != self.dtype() ? self.to(*dtype) : self;
  auto mask = reduced_mask(in, dim, "sum");
  Tensor r = sum_keepdim(in, mask).to(sum_result_type(self, dtype));
  return keepdim ? r : drop_dims(r, mask, in.dim());
}

Tensor sum(const Tensor& self, std::optional<ScalarType> dtype) {
  return native::sum(self, std::nullopt, false, dtype);
}

Tensor mean(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
            std::optional<ScalarType> dtype) {
  ScalarType rt = dtype ? *dtype : self.dtype();
  TORSH_CHECK(is_floating_point(rt),
              "mean(): could not infer output dtype. Input dtype must be either a floating point "
              "or complex dtype. Got: ",
              scalar_type_name(rt));
  Tensor in = rt != self.dtype() ? self.to(rt) : self;
  auto mask = reduced_mask(in, dim, "mean");
  int64_t count = 1;
  for (int64_t i = 0; i < in.dim(); ++i)
    if (mask[i]) count *= in.sizes()[i];
  Tensor s = sum_keepdim(in, mask);
  Tensor r = torsh::div(s, detail::wrap_scalar(static_cast<double>(count))).to(rt);
  return keepdim ? r : drop_dims(r, mask, in.dim());
}

Tensor mean(const Tensor& self, std::optional<ScalarType> dtype) {
  return native::mean(self, std::nullopt, false, dtype);
}

namespace {
// Index of the first maximum (minimum) of row[0..n); a NaN wins, first NaN first. Two passes:
// a branch-free lane reduction for the value (vectorised), then a search for its first index.
template <bool kMax, typename T>
int64_t best_index(const T* row, int64_t n) {
  using M = opmath_t<T>;
  bool nan = false;
  M best;
  if constexpr (std::is_same_v<T, float>) {
    best = detail::simd::extreme_f32(kMax, row, n, &nan);
  } else if constexpr (std::is_same_v<T, double>) {
    best = detail::simd::extreme_f64(kMax, row, n, &nan);
  } else {
    constexpr int kLanes = 8;
    M lanes[kLanes];
    // probe[j] accumulates v - v: NaN once any NaN (or an infinity) was seen; the search
    // below then checks for a real NaN.
    M probe[kLanes] = {};
    for (int j = 0; j < kLanes; ++j) lanes[j] = static_cast<M>(row[0]);
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      for (int j = 0; j < kLanes; ++j) {
        const M v = static_cast<M>(row[i + j]);
        lanes[j] = kMax ? (v > lanes[j] ? v : lanes[j]) : (v < lanes[j] ? v : lanes[j]);
        if constexpr (std::is_floating_point_v<M>) probe[j] += v - v;
      }
    }
    if constexpr (std::is_floating_point_v<M>) {
      for (int j = 0; j < kLanes; ++j) nan |= probe[j] != probe[j];
    }
    best = lanes[0];
    for (int j = 1; j < kLanes; ++j)
      best = kMax ? (lanes[j] > best ? lanes[j] : best) : (lanes[j] < best ? lanes[j] : best);
    for (; i < n; ++i) {
      const M v = static_cast<M>(row[i]);
      best = kMax ? (v > best ? v : best) : (v < best ? v : best);
      if constexpr (std::is_floating_point_v<M>) nan |= v != v;
    }
  }
  // Second pass: the first NaN when there may be one, else the first occurrence of best.
  if (nan) {
    for (int64_t k = 0; k < n; ++k)
      if (static_cast<M>(row[k]) != static_cast<M>(row[k])) return k;
  }
  for (int64_t k = 0; k < n; ++k)
    if (static_cast<M>(row[k]) == best) return k;
  return 0;
}

// Reduces each row of a contiguous [rows, n] layout to (value, index).
template <bool kMax>
void arg_reduce_rows(const Tensor& x, int64_t rows, int64_t n, Tensor* values, Tensor* indices) {
  detail::dispatch_all(x.dtype(), kMax ? "max" : "min", [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data_ptr<T>();
    T* vp = values ? values->data_ptr<T>() : nullptr;
    int64_t* ip = indices ? indices->data_ptr<int64_t>() : nullptr;
    detail::parallel_for(0, rows,
                         std::max<int64_t>(1, detail::kGrainSize / std::max<int64_t>(n, 1)),
                         [&](int64_t b, int64_t e) {
                           for (int64_t r = b; r < e; ++r) {
                             const T* row = p + r * n;
                             const int64_t bi = best_index<kMax, T>(row, n);
                             if (vp) vp[r] = row[bi];
                             if (ip) ip[r] = bi;
                           }
                         });
  });
}

// Moves dim to the end, makes rows contiguous and reduces them.
template <bool kMax>
std::tuple<Tensor, Tensor> dim_reduce(const Tensor& self, std::optional<int64_t> dim, bool keepdim,
                                      bool want_values, const char* op) {
  if (!dim) {
    TORSH_CHECK_INDEX(self.numel() > 0, op,
                      "(): Expected reduction dim to be specified for "
                      "input.numel() == 0.");
    Tensor flat = self.contiguous().reshape({self.numel()});
    Tensor v = want_values ? torsh::empty({}, self.dtype()) : Tensor();
    Tensor i = torsh::empty({}, kLong);
    arg_reduce_rows<kMax>(flat, 1, self.numel(), want_values ? &v : nullptr, &i);
    if (keepdim) {
      SizeVec ones(static_cast<size_t>(self.dim()), 1);
      i = i.reshape(ones.vec());
      if (want_values) v = v.reshape(ones.vec());
    }
    return {v, i};
  }
  int64_t d = detail::wrap_dim(*dim, self.dim(), op);
  const int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  TORSH_CHECK_INDEX(n > 0, op, "(): Expected reduction dim ", d, " to have non-zero size.");
  Tensor moved = self.dim() == 0 ? self.reshape({1}) : self.transpose(d, -1).contiguous();
  SizeVec out_shape(self.sizes());
  if (self.dim() > 0) out_shape[d] = 1;
  const int64_t rows = n == 0 ? 0 : moved.numel() / n;
  // The result is laid out like `moved` without its last dim, then moved back.
  SizeVec tmp_shape(moved.sizes());
  tmp_shape.back() = 1;
  Tensor v = want_values ? torsh::empty(tmp_shape.vec(), self.dtype()) : Tensor();
  Tensor i = torsh::empty(tmp_shape.vec(), kLong);
  arg_reduce_rows<kMax>(moved, rows, n, want_values ? &v : nullptr, &i);
  if (self.dim() == 0) {
    return {want_values ? v.reshape({}) : v, i.reshape({})};
  }
  auto finish = [&](Tensor t) {
    t = t.transpose(d, -1);
    return keepdim ? t : t.squeeze(d);
  };
  return {want_values ? finish(v) : v, finish(i)};
}
}  // namespace

Tensor max(const Tensor& self) {
  TORSH_CHECK(self.numel() > 0,
              "max(): Expected reduction dim to be specified for input.numel() "
              "== 0. Specify the reduction dim with the 'dim' argument.");
  return std::get<0>(dim_reduce<true>(self, std::nullopt, false, true, "max"));
}
Tensor min(const Tensor& self) {
  TORSH_CHECK(self.numel() > 0,
              "min(): Expected reduction dim to be specified for input.numel() "
              "== 0. Specify the reduction dim with the 'dim' argument.");
  return std::get<0>(dim_reduce<false>(self, std::nullopt, false, true, "min"));
}
std::tuple<Tensor, Tensor> max(const Tensor& self, int64_t dim, bool keepdim) {
  return dim_reduce<true>(self, dim, keepdim, true, "max");
}
std::tuple<Tensor, Tensor> min(const Tensor& self, int64_t dim, bool keepdim) {
  return dim_reduce<false>(self, dim, keepdim, true, "min");
}
Tensor argmax(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  TORSH_CHECK(self.dtype() != kBool, "argmax(): \"argmax_cpu\" not implemented for 'Bool'");
  return std::get<1>(dim_reduce<true>(self, dim, keepdim, false, "argmax"));
}
Tensor argmin(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  TORSH_CHECK(self.dtype() != kBool, "argmin(): \"argmin_cpu\" not implemented for 'Bool'");
  return std::get<1>(dim_reduce<false>(self, dim, keepdim, false, "argmin"));
}

}  // namespace torsh::native
