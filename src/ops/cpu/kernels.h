#pragma once
// The CPU backend's kernels for the slots of ops/stubs.h (registered in cpu/register.cpp).
#include "ops/stubs.h"

namespace torsh::detail::cpu {

/// t's elements, or null for an undefined (absent optional) tensor.
template <typename T>
const T* ptr_or_null(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

// reduce_kernels.cpp
void sum_kernel(const TensorIter& it);
void prod_kernel(const TensorIter& it);
void mean_kernel(const TensorIter& it, int64_t count);
void any_kernel(const TensorIter& it);
void all_kernel(const TensorIter& it);
void max_all_kernel(const TensorIter& it);
void min_all_kernel(const TensorIter& it);
void argmax_kernel(const TensorIter& it);
void argmin_kernel(const TensorIter& it);

// copy_kernels.cpp
void copy_kernel(const Tensor& dst, const Tensor& src);
void fill_kernel(const Tensor& self, const Scalar& value);
void cat_kernel(const Tensor& out, const TensorList& inputs, int64_t dim);

// shape_kernels.cpp
void tri_kernel(const Tensor& self, int64_t k, bool upper);

// pointwise_kernels.cpp
void addcmul_kernel(const TensorIter& it, const Scalar& value);
/// Whether this CPU runs AVX2 and FMA (checked once; the avx2 code paths need both).
bool cpu_has_avx2();
void addcdiv_kernel(const TensorIter& it, const Scalar& value);
bool allclose_kernel(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan);

// index_kernels.cpp
void index_kernel(const TensorIter& it, const IndexedDims& dims);
void index_select_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& out);
void index_put_kernel(const TensorIter& it, const IndexedDims& dims, bool accumulate);
Tensor nonzero_kernel(const Tensor& self);

// scatter_kernels.cpp
void gather_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& out);
void scatter_kernel(const char* op, const Tensor& out, int64_t dim, const Tensor& index,
                    const Tensor& src, ScatterReduce r, IndexBounds bounds);
void scatter_fill_kernel(const char* op, const Tensor& out, int64_t dim, const Tensor& index,
                         const Scalar& value, ScatterReduce r, IndexBounds bounds);
void index_add_kernel(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src,
                      const Scalar& alpha);

// complex_kernels.cpp: the complex implementations of the table's functor kernels
void register_complex_kernels();

// matmul_kernels.cpp
void mm_kernel(const Tensor& a, const Tensor& b, const Tensor& out);
void addmm_kernel(const Tensor& a, const Tensor& b, const Tensor& out, double alpha, double beta);

// creation_kernels.cpp
void arange_kernel(const Tensor& out, const Scalar& start, const Scalar& step);
void linspace_kernel(const Tensor& out, const Scalar& start, const Scalar& end);

// random_kernels.cpp
void uniform_kernel(const Tensor& self, double from, double to, GeneratorState& g);
void normal_kernel(const Tensor& self, double mean, double std, GeneratorState& g);
void bernoulli_kernel(const Tensor& self, double p, GeneratorState& g);
void distribution_kernel(const Tensor& self, Distribution d, double a, double b, GeneratorState& g);
void bernoulli_tensor_kernel(const Tensor& self, const Tensor& p, GeneratorState& g);
void random_range_kernel(const Tensor& self, uint64_t range, int64_t base, GeneratorState& g);
void randperm_kernel(const Tensor& out, GeneratorState& g);

}  // namespace torsh::detail::cpu
