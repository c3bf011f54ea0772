// The body of the functor kernel translation units (kernels_<k>.cpp): instantiates the functor
// kernels of one part of the op table's list (TORSH_KERNEL_PART, set by the including file) for
// each Highway target (AVX2 and a portable baseline) and exports one runtime-dispatched entry
// point per kernel. Included once per target by Highway's foreach_target; no include guard.
// clang-format off
#include <hwy/highway.h>
#include <hwy/cache_control.h>
#include <hwy/contrib/math/math-inl.h>
// clang-format on

#include <cmath>
#include <concepts>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/dispatch.h"
#include "ops/functors/kernels.h"
#include "torsh/generated/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace torsh::detail::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The loops first, then the functors they run (clang-format must not sort these).
// clang-format off
#include "ops/functors/loops-inl.h"  // NOLINT(build/include)
#include "ops/functors/unary-inl.h"  // NOLINT(build/include)
#include "ops/functors/binary-inl.h"  // NOLINT(build/include)
#include "ops/functors/math-inl.h"  // NOLINT(build/include)
#include "ops/functors/binary_math-inl.h"  // NOLINT(build/include)
#include "ops/functors/select-inl.h"  // NOLINT(build/include)
#include "ops/functors/activation-inl.h"  // NOLINT(build/include)
// clang-format on

#define TORSH_KERNEL(runner, Op) \
  void runner##_##Op(const TensorIter& it, const KernelArgs& a) { Run##runner<Op>(it, a); }
TORSH_KERNEL_PART(TORSH_KERNEL)
#undef TORSH_KERNEL

}  // namespace HWY_NAMESPACE
}  // namespace torsh::detail::kernels
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace torsh::detail::kernels {
#define TORSH_KERNEL(runner, Op)                                  \
  HWY_EXPORT(runner##_##Op);                                      \
  void runner##_##Op(const TensorIter& it, const KernelArgs& a) { \
    HWY_DYNAMIC_DISPATCH(runner##_##Op)(it, a);                   \
  }
TORSH_KERNEL_PART(TORSH_KERNEL)
#undef TORSH_KERNEL
}  // namespace torsh::detail::kernels

#endif
