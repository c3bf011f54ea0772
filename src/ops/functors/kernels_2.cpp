// Part 2 of the functor kernels (the generator deals the op table's kernels into 4 parts, so
// the two cores of a build share the heaviest compile). The body is kernels_body-inl.h.
// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/functors/kernels_2.cpp"
#define HWY_DISABLED_TARGETS (HWY_AVX3 | HWY_AVX3_DL | HWY_SSSE3 | HWY_SSE4)
#define TORSH_KERNEL_PART TORSH_KERNEL_PART_2
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include "ops/functors/kernels_body-inl.h"  // NOLINT(build/include)
// clang-format on
