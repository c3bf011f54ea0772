#pragma once
// The kernel slots of the ops that are not table functors: one KernelStub per kernel, with the
// signature every backend implements. The ops (src/ops/*.cpp) do the device-independent work and
// call the slot of the input's device; the CPU kernels live in src/ops/cpu/ and are registered in
// src/ops/cpu/register.cpp.
#include <cstdint>

#include "iter/tensor_iter.h"
#include "ops/stub.h"
#include "torsh/core/scalar.h"

namespace torsh::detail {

// ---- reductions: an iterator in reduction mode (iter/reduce.h); dtypes from the iterator ------
/// sum, prod, any, all, max/min of everything; argmax/argmin write (values,) indices.
using ReduceKernel = void (*)(const TensorIter& it);
/// mean: the sum divided by count.
using MeanKernel = void (*)(const TensorIter& it, int64_t count);
extern KernelStub<ReduceKernel> sum_stub, prod_stub, any_stub, all_stub, max_all_stub, min_all_stub,
    argmax_stub, argmin_stub;
extern KernelStub<MeanKernel> mean_stub;

// ---- copy and fill ----------------------------------------------------------------------------
/// dst = src converted to dst's dtype; src's shape broadcasts to dst's (checked), no partial
/// overlap (checked).
using CopyKernel = void (*)(const Tensor& dst, const Tensor& src);
/// Every element of self = value (already checked against self's dtype).
using FillKernel = void (*)(const Tensor& self, const Scalar& value);
/// out = the inputs concatenated along dim (shapes checked, out allocated in the result dtype;
/// inputs of another ndim, torch's legacy 1-d empty ones, are skipped).
using CatKernel = void (*)(const Tensor& out, const TensorList& inputs, int64_t dim);
extern KernelStub<CopyKernel> copy_stub;
extern KernelStub<FillKernel> fill_stub;
extern KernelStub<CatKernel> cat_stub;
/// Zeroes the elements of self (at least 2-d) above (upper=false: tril) or below (upper=true:
/// triu) its k-th diagonal, in every matrix of the batch.
using TriKernel = void (*)(const Tensor& self, int64_t k, bool upper);
extern KernelStub<TriKernel> tri_stub;

// ---- pointwise ops without a table functor ----------------------------------------------------
/// allclose of two contiguous tensors of the same floating dtype and shape.
using AllcloseKernel = bool (*)(const Tensor& a, const Tensor& b, double rtol, double atol,
                                bool equal_nan);
/// self + value * t1 (* or /) t2 over (out, self, t1, t2) of the common dtype.
using AddcKernel = void (*)(const TensorIter& it, const Scalar& value);
extern KernelStub<AddcKernel> addcmul_stub, addcdiv_stub;
extern KernelStub<AllcloseKernel> allclose_stub;

// ---- advanced indexing (index.cpp): operands restrided to the result's shape ------------------
/// The indexed dims of self: their sizes and byte strides (index values are bounds-checked and
/// negatives wrapped by the kernel).
struct IndexedDims {
  const int64_t* sizes;
  const int64_t* strides;
  int n;
};
/// out (operand 0) = src (operand 1) at the offsets the index operands (2..) select.
using IndexKernel = void (*)(const TensorIter& it, const IndexedDims& dims);
/// dst (operand 0, self restrided) at the selected offsets = (or += with accumulate) values
/// (operand 1); index operands from 2.
using IndexPutKernel = void (*)(const TensorIter& it, const IndexedDims& dims, bool accumulate);
/// The int64 [count, max(dim, 1)] coordinates of self's nonzero elements, in row-major order.
using NonzeroKernel = Tensor (*)(const Tensor& self);
extern KernelStub<IndexKernel> index_stub;
/// out = self's slices along dim at index (int64, 1-d, in range), self and out contiguous: out
/// viewed as [outer, n, inner] takes self's [outer, size, inner] rows index[i].
using IndexSelectKernel = void (*)(const Tensor& self, int64_t dim, const Tensor& index,
                                   const Tensor& out);
extern KernelStub<IndexSelectKernel> index_select_stub;
extern KernelStub<IndexPutKernel> index_put_stub;
extern KernelStub<NonzeroKernel> nonzero_stub;

// ---- gather/scatter family (scatter.cpp): 0-dim operands viewed as 1-d ------------------------
enum class ScatterReduce { kNone, kSum, kProd, kMean, kMax, kMin };
/// How an index value is checked, and what is raised when it is out of range.
enum class IndexBounds {
  kScatterGather,  // RuntimeError "index v is out of bounds for dimension d with size s"
  kIndexAdd,       // IndexError "index out of range in self"
  kIndexCopy,      // IndexError "index_copy_(): index v is out of bounds ..."
  kIndexFill,      // negatives wrap; IndexError "index v is out of bounds ..."
};
/// out[i][j] = self[index[i][j]][j] (dim 0; likewise on any dim); out has index's shape.
using GatherKernel = void (*)(const Tensor& self, int64_t dim, const Tensor& index,
                              const Tensor& out);
/// out[index[i][j]][j] = (or reduced with) src[i][j]; index_copy passes its laid-out source.
using ScatterKernel = void (*)(const char* op, const Tensor& out, int64_t dim, const Tensor& index,
                               const Tensor& src, ScatterReduce r, IndexBounds bounds);
/// The same with one value (already checked against out's dtype) for every element.
using ScatterFillKernel = void (*)(const char* op, const Tensor& out, int64_t dim,
                                   const Tensor& index, const Scalar& value, ScatterReduce r,
                                   IndexBounds bounds);
/// out[index[i]] += alpha * src[i] along dim (index restrided to src's shape).
using IndexAddKernel = void (*)(const Tensor& out, int64_t dim, const Tensor& index,
                                const Tensor& src, const Scalar& alpha);
extern KernelStub<GatherKernel> gather_stub;
extern KernelStub<ScatterKernel> scatter_stub;
extern KernelStub<ScatterFillKernel> scatter_fill_stub;
extern KernelStub<IndexAddKernel> index_add_stub;

// ---- creation fills (creation.cpp): out is a fresh contiguous 1-d tensor --------------------
/// out[i] = start + i * step: integer dtypes in wrapping int64 arithmetic on the int64 values,
/// floating ones in double.
using ArangeKernel = void (*)(const Tensor& out, const Scalar& start, const Scalar& step);
/// out = numel() points from start to end (both already checked against out's dtype), with
/// PyTorch's CPU arithmetic.
using LinspaceKernel = void (*)(const Tensor& out, const Scalar& start, const Scalar& end);
extern KernelStub<ArangeKernel> arange_stub;
extern KernelStub<LinspaceKernel> linspace_stub;

// ---- random fills (random.cpp): arguments checked, self without internal overlap, and the
// generator's lock held by the caller -----------------------------------------------------------
struct GeneratorState;
/// Uniform in [from, to) (self floating).
using UniformKernel = void (*)(const Tensor& self, double from, double to, GeneratorState& g);
/// Normal with this mean and std (self floating).
using NormalKernel = void (*)(const Tensor& self, double mean, double std, GeneratorState& g);
/// 1 with probability p, else 0.
using BernoulliKernel = void (*)(const Tensor& self, double p, GeneratorState& g);
/// One draw per element, in double as PyTorch's serial CPU kernels compute it from a 53-bit
/// uniform u: exponential -log(1 - u) / a, geometric ceil(log(u) / log(1 - a)), Cauchy
/// a + b tan(pi (u - 1/2)), log-normal exp(a + b N) with N from Box-Muller (cached pair).
enum class Distribution { Exponential, Geometric, Cauchy, LogNormal };
using DistributionKernel = void (*)(const Tensor& self, Distribution d, double a, double b,
                                    GeneratorState& g);
/// 1 with probability p[i], p already expanded to self's shape: a 53-bit uniform per element for
/// float64 p, a 24-bit one for the other floating dtypes.
using BernoulliTensorKernel = void (*)(const Tensor& self, const Tensor& p, GeneratorState& g);
/// draw % range + base (range 0: every 64-bit value).
using RandomRangeKernel = void (*)(const Tensor& self, uint64_t range, int64_t base,
                                   GeneratorState& g);
/// out (1-d) = a random permutation of 0 .. numel() - 1.
using RandpermKernel = void (*)(const Tensor& out, GeneratorState& g);
extern KernelStub<UniformKernel> uniform_stub;
extern KernelStub<NormalKernel> normal_stub;
extern KernelStub<BernoulliKernel> bernoulli_stub;
extern KernelStub<DistributionKernel> distribution_stub;
extern KernelStub<BernoulliTensorKernel> bernoulli_tensor_stub;
extern KernelStub<RandomRangeKernel> random_range_stub;
extern KernelStub<RandpermKernel> randperm_stub;

// ---- matrix product ---------------------------------------------------------------------------
/// out[M,N] = a[M,K] @ b[K,N] for 2-D operands of one dtype; out is contiguous (M, N, K may be 0).
using MmKernel = void (*)(const Tensor& a, const Tensor& b, const Tensor& out);
extern KernelStub<MmKernel> mm_stub;
/// out = alpha * a @ b + beta * out for float or double 2-D operands with M, N, K > 0 (GEMM's
/// own alpha and beta, as torch's addmm calls it: the same bits, NaN in a or b kept when
/// alpha == 0, out's values ignored when beta == 0); out is contiguous.
using AddmmKernel = void (*)(const Tensor& a, const Tensor& b, const Tensor& out, double alpha,
                             double beta);
extern KernelStub<AddmmKernel> addmm_stub;

}  // namespace torsh::detail
