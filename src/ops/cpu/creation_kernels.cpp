// The CPU fills of arange and linspace, with PyTorch's CPU arithmetic (so the same arguments give
// the same bits).
#include <cmath>
#include <type_traits>

#include "core/dispatch.h"
#include "cpu/parallel.h"
#include "ops/cpu/kernels.h"

namespace torsh::detail::cpu {

void arange_kernel(const Tensor& out, const Scalar& start, const Scalar& step) {
  const int64_t n = out.numel();
  dispatch_all(out.dtype(), "arange", [&](auto tag) {
    using T = decltype(tag);
    T* p = out.data_ptr<T>();
    // Each element is a function of its index alone, so the fill splits across threads.
    parallel_for(0, n, 32768, [&](int64_t b, int64_t e) {
      if constexpr (std::is_same_v<T, bool>) {
        const auto is = static_cast<uint64_t>(start.to_long());
        const auto istep = static_cast<uint64_t>(step.to_long());
        for (int64_t i = b; i < e; ++i) p[i] = (is + istep * static_cast<uint64_t>(i)) != 0;
      } else if constexpr (std::is_integral_v<T>) {
        // int64 wrapping arithmetic, as torch's; only the low bits of T are kept, so T's width
        // suffices (and an induction variable vectorises).
        using U = std::make_unsigned_t<T>;
        const auto istep = static_cast<U>(step.to_long());
        U v = static_cast<U>(static_cast<uint64_t>(start.to_long()) +
                             static_cast<uint64_t>(step.to_long()) * static_cast<uint64_t>(b));
        for (int64_t i = b; i < e; ++i) {
          p[i] = static_cast<T>(v);
          v = static_cast<U>(v + istep);
        }
      } else {
        // PyTorch's AVX2 kernel: in its CPU accumulate type (double for float, float for
        // float16/bfloat16), fused multiply-adds; per thread chunk, pairs of 32-byte vectors,
        // each an arange from its first element rounded to T, then a scalar tail. parallel_for
        // splits as torch's does, so the same thread count gives the same bits.
        using A = std::conditional_t<std::is_same_v<T, float>, double, opmath_t<T>>;
        const A xs = start.to<A>(), xstep = step.to<A>();
        constexpr int64_t V = 32 / static_cast<int64_t>(sizeof(T));
        int64_t i = b;
        for (; i + 2 * V <= e; i += 2 * V) {
          for (int64_t v = i; v < i + 2 * V; v += V) {
            const A base = static_cast<A>(convert<T>(std::fma(xstep, static_cast<A>(v), xs)));
            for (int64_t j = 0; j < V; ++j)
              p[v + j] = convert<T>(std::fma(static_cast<A>(j), xstep, base));
          }
        }
        for (; i < e; ++i) p[i] = convert<T>(std::fma(xstep, static_cast<A>(i), xs));
      }
    });
  });
}

void linspace_kernel(const Tensor& out, const Scalar& start, const Scalar& end) {
  const int64_t steps = out.numel();
  dispatch_all(out.dtype(), "linspace", [&](auto tag) {
    using T = decltype(tag);
    // Same arithmetic as PyTorch's CPU kernel: start and end converted to the output type
    // (integers truncate, -1 wraps into uint8), step in the output type (double for integers),
    // the first half counted from start and the second half back from end.
    using step_t = std::conditional_t<std::is_integral_v<T>, double, opmath_t<T>>;
    const step_t s = static_cast<step_t>(start.to<T>());
    const step_t e = static_cast<step_t>(end.to<T>());
    T* p = out.data_ptr<T>();
    if (steps == 1) {  // torch fills with start itself (an int64 start kept exactly)
      p[0] = start.to<T>();
      return;
    }
    const step_t step = (e - s) / static_cast<step_t>(steps - 1);
    const int64_t half = steps / 2;
    auto at = [&](int64_t i) {
      // Fused as torch's AVX2 build compiles it (an int16 linspace(5, -3, 7) hits a case).
      return i < half ? std::fma(step, static_cast<step_t>(i), s)
                      : std::fma(-step, static_cast<step_t>(steps - i - 1), e);
    };
    // PyTorch's AVX2 kernel: pairs of 32-byte vectors, each an arange from its first element
    // (so the first half's rule can run past the midpoint, and inf steps give its NaNs), then
    // a scalar tail.
    constexpr int64_t V = 32 / static_cast<int64_t>(sizeof(T));
    int64_t i = 0;
    for (; i + 2 * V <= steps; i += 2 * V) {
      for (int64_t v = i; v < i + 2 * V; v += V) {
        const T base = convert<T>(at(v));
        p[v] = base;
        // Each element base + k * step, not fused (torch's Vectorized::arange; a fused form
        // differs in the last bit, e.g. linspace(-8.2, 9.1, 51) in float32).
        for (int64_t k = 1; k < V; ++k) {
          const step_t ks = static_cast<step_t>(k) * step;
          p[v + k] = convert<T>(static_cast<step_t>(base) + ks);
        }
      }
    }
    for (; i < steps; ++i) p[i] = convert<T>(at(i));
  });
}

}  // namespace torsh::detail::cpu
