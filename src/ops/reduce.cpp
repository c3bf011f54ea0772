// Value reductions on the reduction engine (iter/reduce.h): sum, mean, prod, any, all.
#include "iter/reduce.h"

#include "ops/functors/reduce_simd.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::convert;

// Accumulation type: float for the 16-bit floats, double for double, int64 for integers.
template <typename T>
using acc_t = std::conditional_t<std::is_same_v<T, double>, double,
                                 std::conditional_t<std::is_integral_v<T>, int64_t, float>>;

// Floats keep their dtype; integers (and bool) give int64, as torch.
template <typename T>
using sum_out_t = std::conditional_t<std::is_integral_v<T>, int64_t, T>;

// Vectorised sums of float/double runs and rows; other types use the engine's scalar loops.
template <typename T>
struct SumSimd : detail::NoSimd {};
template <>
struct SumSimd<float> {
  static float run(const float* p, int64_t n) { return detail::reduce_simd::sum_f32(p, n); }
  static void runs(const float* p, int64_t n, int64_t stride, int64_t count, float* out) {
    detail::reduce_simd::sum_runs_f32(p, n, stride, count, out);
  }
  static void rows(float* a, const float* r, int64_t w) {
    detail::reduce_simd::sum_rows_f32(a, r, w);
  }
};
template <>
struct SumSimd<double> {
  static double run(const double* p, int64_t n) { return detail::reduce_simd::sum_f64(p, n); }
  static void runs(const double* p, int64_t n, int64_t stride, int64_t count, double* out) {
    detail::reduce_simd::sum_runs_f64(p, n, stride, count, out);
  }
  static void rows(double* a, const double* r, int64_t w) {
    detail::reduce_simd::sum_rows_f64(a, r, w);
  }
};

struct Plus {
  template <typename A>
  A operator()(A a, A b) const {
    if constexpr (std::is_integral_v<A>) {  // wraps on overflow like torch, without UB
      return static_cast<A>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    } else {
      return a + b;
    }
  }
};
struct Times {
  template <typename A>
  A operator()(A a, A b) const {
    if constexpr (std::is_integral_v<A>) {
      return static_cast<A>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
    } else {
      return a * b;
    }
  }
};

// self cast to the requested dtype (torch casts the input too); a view when nothing changes.
Tensor cast_input(const Tensor& self, std::optional<ScalarType> dtype) {
  return dtype && *dtype != self.dtype() ? self.to(*dtype) : self;
}

// The keepdim output of a reduction of `in` over `mask`, in dtype t.
Tensor keepdim_output(const Tensor& in, const std::vector<bool>& mask, ScalarType t) {
  return detail::empty_strided_impl(detail::keepdim_shape(in, mask), t);
}

Tensor finish(const Tensor& out, const std::vector<bool>& mask, const Tensor& in, bool keepdim,
              ScalarType result) {
  Tensor r = out.dtype() == result ? out : out.to(result);
  if (!keepdim) detail::drop_reduced_(r, mask, in.dim());
  return r;
}

// sum and prod: torch's dtype rules (integers -> int64 unless dtype= is given).
template <bool kProd>
Tensor sum_or_prod(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
                   std::optional<ScalarType> dtype, const char* op) {
  Tensor in = cast_input(self, dtype);
  auto mask = detail::reduced_mask(in, dim, op);
  const ScalarType rt = dtype ? *dtype : (is_integral(self.dtype(), true) ? kLong : self.dtype());
  Tensor out;
  detail::dispatch_all(in.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    using O = sum_out_t<T>;
    out = keepdim_output(in, mask, CppTypeToScalarType<O>::value);
    auto it = detail::reduction_iter(op, in, &out, 1, false);
    auto project = [](A a) { return convert<O>(a); };
    if constexpr (kProd) {
      detail::reduce_kernel<T, A, O>(it, A(1), Times(), project);
    } else {
      detail::reduce_kernel<T, A, O, SumSimd<T>>(it, A(0), Plus(), project);
    }
  });
  return finish(out, mask, in, keepdim, rt);
}

// any/all: bool results (uint8 for uint8 inputs, as torch 1.13).
template <bool kAll>
Tensor any_or_all(const Tensor& self, std::optional<int64_t> dim, bool keepdim, const char* op) {
  std::vector<int64_t> d;
  if (dim) d.push_back(*dim);
  auto mask = detail::reduced_mask(self, dim ? OptionalIntArrayRef(d) : std::nullopt, op);
  Tensor out;
  detail::dispatch_all(self.dtype(), op, [&](auto tag) {
    using T = decltype(tag);
    using O = std::conditional_t<std::is_same_v<T, uint8_t>, uint8_t, bool>;
    out = keepdim_output(self, mask, CppTypeToScalarType<O>::value);
    auto it = detail::reduction_iter(op, self, &out, 1, false);
    auto combine = [](bool a, bool b) { return kAll ? (a && b) : (a || b); };
    detail::reduce_kernel<T, bool, O>(it, kAll, combine, [](bool a) { return O(a); });
  });
  return finish(out, mask, self, keepdim, out.dtype());
}
}  // namespace

Tensor sum(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
           std::optional<ScalarType> dtype) {
  return sum_or_prod<false>(self, dim, keepdim, dtype, "sum");
}

Tensor sum(const Tensor& self, std::optional<ScalarType> dtype) {
  return native::sum(self, std::nullopt, false, dtype);
}

Tensor mean(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
            std::optional<ScalarType> dtype) {
  const ScalarType rt = dtype ? *dtype : self.dtype();
  TORSH_CHECK(is_floating_point(rt),
              "mean(): could not infer output dtype. Input dtype must be either a floating point "
              "or complex dtype. Got: ",
              scalar_type_name(rt));
  Tensor in = cast_input(self, rt);
  auto mask = detail::reduced_mask(in, dim, "mean");
  int64_t count = 1;
  for (int64_t i = 0; i < in.dim(); ++i)
    if (mask[i]) count *= in.sizes()[i];
  Tensor out = keepdim_output(in, mask, rt);
  auto it = detail::reduction_iter("mean", in, &out, 1, false);
  detail::dispatch_floating(rt, "mean", [&](auto tag) {
    using T = decltype(tag);
    using A = acc_t<T>;
    const A n = static_cast<A>(count);
    detail::reduce_kernel<T, A, T, SumSimd<T>>(it, A(0), Plus(),
                                               [n](A a) { return convert<T>(a / n); });
  });
  if (!keepdim) detail::drop_reduced_(out, mask, in.dim());
  return out;
}

Tensor mean(const Tensor& self, std::optional<ScalarType> dtype) {
  return native::mean(self, std::nullopt, false, dtype);
}

Tensor prod(const Tensor& self, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  return sum_or_prod<true>(self, IntArrayRef(dim), keepdim, dtype, "prod");
}

Tensor prod(const Tensor& self, std::optional<ScalarType> dtype) {
  return sum_or_prod<true>(self, std::nullopt, false, dtype, "prod");
}

Tensor any(const Tensor& self, int64_t dim, bool keepdim) {
  return any_or_all<false>(self, dim, keepdim, "any");
}
Tensor any(const Tensor& self) { return any_or_all<false>(self, std::nullopt, false, "any"); }
Tensor all(const Tensor& self, int64_t dim, bool keepdim) {
  return any_or_all<true>(self, dim, keepdim, "all");
}
Tensor all(const Tensor& self) { return any_or_all<true>(self, std::nullopt, false, "all"); }

}  // namespace torsh::native
