#pragma once
// Shared by the fused optimizer steps (fused.cpp, fused_adaptive.cpp): the checks that choose
// between one pass per parameter and the op-by-op path, the version counts torch's op-by-op
// step leaves, and the driver that splits a parameter's elements over the threads.
//
// A kernel is a struct K with `template <typename T> static void range(void* const* ptrs,
// const S& k, int64_t b, int64_t e)`: ptrs are the parameter, its gradient and its state
// tensors (null where absent), k the step's scalars. TORSH_FUSED_RANGES(name, K, S) compiles it
// for float and double, each for x86-64-v3 (AVX2 and FMA: the clone is chosen by the features
// the CPU supports; "arch=haswell" would test for that CPU model and miss every other one) and
// a baseline (where std::fma is libm's exact one, slower but giving the same bits). Kernels keep
// the op-by-op path's roundings: each op rounded to the parameter's dtype, scalars converted to it,
// add-with-alpha and addcmul as fused multiply-adds, addcdiv as self + (value * t1) / t2.
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <vector>

#include "cpu/parallel.h"
#include "torsh/core/tensor.h"

namespace torsh::optim::fused {

/// Every tensor defined, contiguous, of p's dtype (float or double) and shape.
bool fusable(const Tensor& p, std::initializer_list<const Tensor*> others);

/// Every params[i] fusable with grads[i] and lists[k][i] for each list.
bool all_fusable(const std::vector<Tensor>& params, const std::vector<Tensor>& grads,
                 std::initializer_list<const std::vector<Tensor>*> lists);

/// True where the op-by-op path must run: grad mode records (differentiable steps), a
/// parameter appears twice (each copy sees the other's update) or a gradient shares its
/// parameter's memory (an in-place decay would change the gradient first).
bool needs_op_by_op(const std::vector<Tensor>& params, const std::vector<Tensor>& grads);

/// Counts n in-place ops on t (the versions torch's op-by-op step leaves).
void bump(const Tensor& t, int n);

/// Calls f(std::integral_constant<bool, b>...) for the runtime bools given: a kernel's loop is
/// compiled once per combination, with no branch inside (so it vectorizes).
template <bool... Bs, typename F>
inline __attribute__((always_inline)) void static_flags(const F& f) {
  f(std::integral_constant<bool, Bs>{}...);
}
template <bool... Bs, typename F, typename... R>
inline __attribute__((always_inline)) void static_flags(const F& f, bool first, R... rest) {
  if (first) {
    static_flags<Bs..., true>(f, rest...);
  } else {
    static_flags<Bs..., false>(f, rest...);
  }
}

template <typename S>
using RangeFn = void (*)(void* const* ptrs, const S& k, int64_t b, int64_t e);

/// Runs the kernel over tensors[0]'s elements (tensors[0] the parameter; null entries absent).
template <typename S>
void run(std::initializer_list<const Tensor*> tensors, const S& k, RangeFn<S> f32, RangeFn<S> f64) {
  std::vector<void*> ptrs;
  for (const Tensor* t : tensors) ptrs.push_back(t != nullptr ? t->data_ptr() : nullptr);
  const Tensor& p = **tensors.begin();
  const RangeFn<S> f = p.dtype() == kFloat ? f32 : f64;
  detail::parallel_for(0, p.numel(), detail::kGrainSize,
                       [&](int64_t b, int64_t e) { f(ptrs.data(), k, b, e); });
}

}  // namespace torsh::optim::fused

#define TORSH_FUSED_RANGES(name, K, S)                                             \
  __attribute__((target_clones("arch=x86-64-v3", "default"))) void name##_f32(     \
      void* const* p, const S& k, int64_t b, int64_t e) {                          \
    const S local = k; /* a copy: stores cannot change it, so branches unswitch */ \
    K::range<float>(p, local, b, e);                                               \
  }                                                                                \
  __attribute__((target_clones("arch=x86-64-v3", "default"))) void name##_f64(     \
      void* const* p, const S& k, int64_t b, int64_t e) {                          \
    const S local = k;                                                             \
    K::range<double>(p, local, b, e);                                              \
  }
