#pragma once
// Helpers the fused attention's forward (ops/nn_attention.cpp) and backward formula share.
#include <optional>

#include "torsh/core/tensor.h"

namespace torsh::detail {

/// The scores' factor: scale, or 1 / sqrt(E) for query [..., L, E].
double attention_scale(const Tensor& query, std::optional<double> scale);
/// attn_mask as the attention kernels read it: undefined when absent, else of query's dtype
/// (bool kept) and expanded to [..., L, S] for query [..., L, E] and key [..., S, E].
Tensor attention_kernel_mask(const Tensor& attn_mask, const Tensor& query, const Tensor& key);

}  // namespace torsh::detail
