// Unary pointwise ops: neg, abs, exp, log, sqrt, tanh, sigmoid, relu.
#include <cmath>

#include "iter/loops.h"
#include "ops/functors/simd_math.h"
#include "torsh/core/threads.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::opmath_t;
using detail::simd::UnaryFn;

// Runs f elementwise with out dtype == computation dtype. Integer inputs become float when
// to_float; float/double contiguous runs go to the SIMD kernel when one is given.
template <typename F>
void run_unary(const char* op, Tensor& out, const Tensor& self, bool to_float, bool allow_bool,
               const UnaryFn* simd_fn, F&& f) {
  auto it = detail::TensorIterConfig(op)
                .add_output(out)
                .add_input(self)
                .promote_inputs_to_common_dtype(to_float)
                .promote_integer_inputs_to_float(to_float)
                .build();
  ScalarType t = it.common_dtype();
  TORSH_CHECK(allow_bool || t != kBool, op, "(): not implemented for 'Bool'");
  detail::dispatch_all(t, op, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      if (simd_fn) {
        const UnaryFn fn = *simd_fn;
        // Streaming stores only for the memory-bound relu: for the transcendental ops they
        // measured slower in bench/ (the loads stall behind the write-combining traffic).
        const bool stream = fn == UnaryFn::Relu && it.numel() * static_cast<int64_t>(sizeof(T)) >=
                                                       detail::simd::kStreamBytes;
        it.for_each([&](char** d, const int64_t* s, int64_t n) {
          if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
            if constexpr (std::is_same_v<T, float>) {
              detail::simd::unary_f32(fn, reinterpret_cast<const float*>(d[1]),
                                      reinterpret_cast<float*>(d[0]), n, stream);
            } else {
              detail::simd::unary_f64(fn, reinterpret_cast<const double*>(d[1]),
                                      reinterpret_cast<double*>(d[0]), n, stream);
            }
          } else {
            for (int64_t i = 0; i < n; ++i)
              *reinterpret_cast<T*>(d[0] + i * s[0]) = f(*reinterpret_cast<T*>(d[1] + i * s[1]));
          }
        });
        return;
      }
    }
    detail::unary_loop<T, T>(
        it, [&f](T x) { return detail::convert<T>(f(static_cast<opmath_t<T>>(x))); });
  });
  it.finish();
}

constexpr UnaryFn kExp = UnaryFn::Exp, kLog = UnaryFn::Log, kTanh = UnaryFn::Tanh,
                  kSigmoid = UnaryFn::Sigmoid, kRelu = UnaryFn::Relu;
}  // namespace

void neg_out(Tensor& out, const Tensor& self) {
  TORSH_CHECK(self.dtype() != kBool,
              "neg(): Negation, the `-` operator, on a bool tensor is not supported. If you are "
              "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  run_unary("neg", out, self, false, false, nullptr, [](auto x) { return -x; });
}

void abs_out(Tensor& out, const Tensor& self) {
  run_unary("abs", out, self, false, false, nullptr, [](auto x) {
    using M = decltype(x);
    if constexpr (std::is_floating_point_v<M>) {
      return std::abs(x);
    } else if constexpr (std::is_signed_v<M>) {
      return x < 0 ? static_cast<M>(-x) : x;
    } else {
      return x;
    }
  });
}

void exp_out(Tensor& out, const Tensor& self) {
  run_unary("exp", out, self, true, false, &kExp, [](auto x) { return std::exp(x); });
}

void log_out(Tensor& out, const Tensor& self) {
  run_unary("log", out, self, true, false, &kLog, [](auto x) { return std::log(x); });
}

void sqrt_out(Tensor& out, const Tensor& self) {
  run_unary("sqrt", out, self, true, false, nullptr, [](auto x) { return std::sqrt(x); });
}

void tanh_out(Tensor& out, const Tensor& self) {
  run_unary("tanh", out, self, true, false, &kTanh, [](auto x) { return std::tanh(x); });
}

void sigmoid_out(Tensor& out, const Tensor& self) {
  run_unary("sigmoid", out, self, true, false, &kSigmoid, [](auto x) {
    using M = decltype(x);
    return M(1) / (M(1) + std::exp(-x));
  });
}

void relu_out(Tensor& out, const Tensor& self) {
  TORSH_CHECK(self.dtype() != kBool, "relu(): not implemented for 'Bool'");
  run_unary("relu", out, self, false, false, &kRelu, [](auto x) {
    using M = decltype(x);
    if constexpr (std::is_floating_point_v<M>) {
      if (std::isnan(x)) return x;
    }
    return x > M(0) ? x : M(0);
  });
}

}  // namespace torsh::native
