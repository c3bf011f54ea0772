#pragma once
// Backward formulas too long for a line of ops.yaml, written with torsh ops so that they are
// differentiable themselves (double backward).
#include <optional>
#include <string>
#include <vector>

#include "autograd/formulas_creation.h"
#include "autograd/formulas_linalg.h"
#include "autograd/formulas_nn.h"
#include "autograd/formulas_reduce2.h"
#include "autograd/formulas_rnn.h"
#include "autograd/formulas_sort.h"
#include "torsh/core/tensor.h"

namespace torsh::autograd {
/// True when any tensor of the list takes part in the graph.
bool any_requires_grad(const std::vector<Tensor>& ts);
}  // namespace torsh::autograd

namespace torsh::autograd::formulas {

// Complex gradients follow torch's convention, grad = dL/d(re z) + i dL/d(im z): the formula of
// a holomorphic f multiplies grad by conj(f'(z)), so formulas conjugate their factors with cj.
/// The complex conjugate of a complex tensor; a real one unchanged.
inline Tensor cj(const Tensor& t) { return t.is_complex() ? t.conj() : t; }
/// The complex conjugate of a complex scalar; a real one unchanged.
Scalar cj(const Scalar& s);
/// grad * conj(alpha), with alpha == 1 passing grad through.
Tensor scale(const Tensor& grad, const Scalar& alpha);
/// sgn(z) = z / |z| for complex z (0 at 0); real inputs get zeros.
Tensor sgn_backward(const Tensor& grad, const Tensor& self, const Tensor& result);
/// acosh: grad / conj(sqrt(z - 1) sqrt(z + 1)) for complex z (torch's branch), else
/// grad / sqrt(x^2 - 1).
Tensor acosh_backward(const Tensor& grad, const Tensor& self);
/// angle(z): i z grad / |z|^2 for complex z (0 at 0); real inputs get zeros.
Tensor angle_backward(const Tensor& grad, const Tensor& self);
Tensor div_other_backward(const Tensor& grad, const Tensor& self, const Tensor& other);
Tensor div_mode_self_backward(const Tensor& grad, const Tensor& other,
                              const std::optional<std::string>& mode);
Tensor div_mode_other_backward(const Tensor& grad, const Tensor& self, const Tensor& other,
                               const std::optional<std::string>& mode);
Tensor pow_self_backward(const Tensor& grad, const Tensor& self, const Tensor& exponent);
Tensor pow_exponent_backward(const Tensor& grad, const Tensor& self, const Tensor& exponent,
                             const Tensor& result);
Tensor pow_self_scalar_backward(const Tensor& grad, const Tensor& self, const Scalar& exponent);
Tensor pow_scalar_base_backward(const Tensor& grad, const Scalar& base, const Tensor& exponent,
                                const Tensor& result);
/// maximum/minimum: the larger (smaller) side gets grad, ties split it in half.
Tensor extremum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool is_max);
Tensor masked_grad(const Tensor& grad, const Tensor& mask);
Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                      const std::optional<Scalar>& max);
Tensor sign_of(const Tensor& self);
/// index_put: grad flows to self except where values overwrote it (all of it with accumulate).
Tensor index_put_self_backward(const Tensor& grad, const OptionalTensorList& indices,
                               bool accumulate);
/// clamp with tensor bounds: which = 0 (self), 1 (min) or 2 (max) receives grad where it
/// determined the result (max wins where min > max).
Tensor clamp_tensor_backward(const Tensor& grad, const Tensor& self, const Tensor& min,
                             const Tensor& max, int which);
Tensor sum_backward(const Tensor& grad, const std::vector<int64_t>& sizes,
                    const std::optional<std::vector<int64_t>>& dims, bool keepdim);
Tensor mean_backward(const Tensor& grad, const std::vector<int64_t>& sizes,
                     const std::optional<std::vector<int64_t>>& dims, bool keepdim);
/// max()/min() over everything: the gradient is shared evenly by the tied elements.
Tensor evenly_distribute_backward(const Tensor& grad, const Tensor& self, const Tensor& result);
/// max/min along dim: the gradient goes to the selected index.
Tensor value_selecting_backward(const Tensor& grad, int64_t dim, const Tensor& indices,
                                const std::vector<int64_t>& sizes, bool keepdim);
/// prod (over dim, or everything): grad times the product of the other elements, exact
/// when the slice holds zeros.
Tensor prod_backward(const Tensor& grad, const Tensor& self, std::optional<int64_t> dim,
                     bool keepdim);
/// mm's gradients, laid out like the forward operand (a transposed weight gets a gradient
/// that is contiguous once transposed back, as PyTorch does).
Tensor mm_mat1_backward(const Tensor& grad, const Tensor& mat2,
                        const std::vector<int64_t>& self_strides);
Tensor mm_mat2_backward(const Tensor& grad, const Tensor& self,
                        const std::vector<int64_t>& mat2_strides);
Tensor permute_backward(const Tensor& grad, const std::vector<int64_t>& dims);
std::vector<Tensor> cat_backward(const Tensor& grad, int64_t dim,
                                 const std::vector<std::vector<int64_t>>& sizes);
std::vector<Tensor> stack_backward(const Tensor& grad, int64_t dim, size_t n);
/// narrow's backward: grad placed at [start, start + length) of dim (negative start wraps).
Tensor narrow_backward(const Tensor& grad, const std::vector<int64_t>& sizes, int64_t dim,
                       int64_t start, int64_t length);
Tensor slice_backward_of(const Tensor& grad, const std::vector<int64_t>& sizes, int64_t dim,
                         std::optional<int64_t> start, std::optional<int64_t> end, int64_t step);
/// Raises torch's error for ops without a derivative (scatter with reduce=).
Tensor not_implemented_backward(const char* op);
/// torch's `not_implemented("op")` derivative: NotImplementedError when backward reaches it.
Tensor not_implemented_formula(const char* op);
/// scatter_reduce: gradient of self (which = 0) or src (which = 1), as torch 1.13 for sum,
/// mean, amax/amin (ties share the gradient) and prod.
Tensor scatter_reduce_backward(const Tensor& grad, const Tensor& self, int64_t dim,
                               const Tensor& index, const Tensor& src, const std::string& reduce,
                               bool include_self, const Tensor& result, int which);
/// index_add/index_copy: the source's gradient, grad's slices at index (times alpha),
/// expanded to the source's shape as torch does (a broadcast source raises, as in torch).
Tensor index_source_backward(const Tensor& grad, int64_t dim, const Tensor& index,
                             const std::vector<int64_t>& source_sizes, const Scalar& alpha);

// Pointwise math (formulas_math.cpp).
/// sinc'(x) = (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at 0.
Tensor sinc_backward(const Tensor& grad, const Tensor& self);
/// grad / (x (1 - x)), 0 outside [eps, 1 - eps] when eps is given (NaN outside [0, 1] without).
Tensor masked_fill_backward(const Tensor& grad, const Tensor& mask);
Tensor masked_fill_value_backward(const Tensor& grad, const Tensor& mask);
Tensor masked_select_backward(const Tensor& grad, const Tensor& self, const Tensor& mask);
Tensor masked_scatter_source_backward(const Tensor& grad, const Tensor& mask, const Tensor& source);
Tensor take_backward(const Tensor& grad, const Tensor& self, const Tensor& index);
Tensor xlogy_self_backward(const Tensor& grad, const Tensor& self, const Tensor& other);
Tensor xlogy_self_backward(const Tensor& grad, const Tensor& self, const Scalar& other);
Tensor logit_backward(const Tensor& grad, const Tensor& self, std::optional<double> eps);
/// grad * result / self, 0 where self is 0.
Tensor copysign_backward(const Tensor& grad, const Tensor& self, const Tensor& result);

// ---- shape ops (formulas_shape.cpp) ----
/// roll's backward: grad rolled back by the negated shifts.
Tensor roll_backward(const Tensor& grad, const std::vector<int64_t>& shifts,
                     const std::vector<int64_t>& dims);
/// repeat's backward: grad summed over the repeated blocks, in self's shape.
Tensor repeat_backward(const Tensor& grad, const std::vector<int64_t>& repeats,
                       const std::vector<int64_t>& self_sizes);
/// as_strided's backward: grad accumulated into a buffer spanning both geometries (overlapping
/// output elements add up), read back with self's geometry (each element shared by k aliases
/// of self gets 1/k of it, as torch). Only self's geometry is saved, not its values (an in-place
/// write into self after the view does not invalidate it).
Tensor as_strided_backward(const Tensor& grad, const std::vector<int64_t>& self_sizes,
                           const std::vector<int64_t>& self_strides, int64_t self_storage_offset,
                           const std::vector<int64_t>& size, const std::vector<int64_t>& stride,
                           std::optional<int64_t> storage_offset);

}  // namespace torsh::autograd::formulas
