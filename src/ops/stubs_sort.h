#pragma once
// The kernel slot of the sorting and selection ops (sort.cpp): sort, topk, kthvalue, median,
// nanmedian and mode along one dim. The CPU's kernel is in cpu/sort_kernels.cpp.
#include "ops/stubs.h"

namespace torsh::detail {

enum class SelectOp { kSort, kTopk, kKthvalue, kMedian, kNanmedian, kMode };
/// The arguments of a SelectOp: k (topk, kthvalue), descending (sort) or largest (topk), stable
/// (sort), sorted (topk).
struct SelectArgs {
  int64_t k = 0;
  bool descending = false;
  bool stable = false;
  bool sorted = true;
};
/// values (self's dtype) and indices (int64), of self's shape with size n (sort), k (topk) or 1
/// (the others) along dim, from the lines of self (at least 1-d, any layout) along dim; torch's
/// orders and ties (NaN sorts as the largest value).
using SelectKernel = void (*)(const Tensor& values, const Tensor& indices, const Tensor& self,
                              int64_t dim, SelectOp op, const SelectArgs& args);
extern KernelStub<SelectKernel> select_stub;
/// out (int64 or int32, input's shape) = for each element of input (contiguous), the position
/// of the first boundary >= it (right: > it) in its row of boundaries (contiguous, input's dtype;
/// 1-d, or one row per input row along the last dim), read through sorter (int64, boundaries'
/// shape) when it is defined.
using SearchKernel = void (*)(const Tensor& out, const Tensor& input, const Tensor& boundaries,
                              const Tensor& sorter, bool right);
extern KernelStub<SearchKernel> search_stub;

namespace cpu {
/// Registers the CPU kernel of the slot above (called by register_cpu_kernels).
void register_sort_kernels();
}  // namespace cpu

}  // namespace torsh::detail
