#pragma once
// The max_unpool ops' argument checks (ATen 1.13's wording), shared with the nn functionals,
// which run them before computing a default output size.
#include <cstddef>

#include "torsh/core/tensor.h"

namespace torsh::native {

void check_max_unpool(const Tensor& input, const Tensor& indices, IntArrayRef output_size,
                      IntArrayRef stride, size_t d);

}  // namespace torsh::native
