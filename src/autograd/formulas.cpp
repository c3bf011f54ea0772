#include "autograd/formulas.h"

#include <cmath>
#include <limits>

#include "torsh/autograd/node.h"
#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::autograd {
bool any_requires_grad(const std::vector<Tensor>& ts) {
  for (const auto& t : ts)
    if (requires_grad(t)) return true;
  return false;
}
}  // namespace torsh::autograd

namespace torsh::autograd::formulas {

Scalar cj(const Scalar& s) { return s.is_complex() ? Scalar(std::conj(s.to_complex())) : s; }

Tensor scale(const Tensor& grad, const Scalar& alpha) {
  if (!alpha.is_floating_point() && !alpha.is_complex() && alpha.to_long() == 1) return grad;
  return grad * cj(alpha);
}

Tensor sgn_backward(const Tensor& grad, const Tensor& self, const Tensor& result) {
  if (!self.is_complex()) return torsh::zeros_like(grad);
  // d sgn: (grad - re(grad * conj(sgn)) * sgn) / |z|, as torch's sgn_backward
  const Tensor a = self.abs();
  const Tensor g = (grad - torsh::real(grad * result.conj()) * result) / a;
  return torsh::where(a == 0.0, torsh::zeros_like(g), g);
}

Tensor acosh_backward(const Tensor& grad, const Tensor& self) {
  if (self.is_complex()) return grad * cj((self - 1).rsqrt() * (self + 1).rsqrt());
  return grad * (self * self - 1).rsqrt();
}

Tensor angle_backward(const Tensor& grad, const Tensor& self) {
  if (!self.is_complex()) return torsh::zeros_like(grad);
  const Tensor a = self.abs();
  const Tensor g = grad * self / (a * a) * Scalar(std::complex<double>(0.0, 1.0));
  return torsh::where(a == 0.0, torsh::zeros_like(g), g);
}

Tensor div_other_backward(const Tensor& grad, const Tensor& self, const Tensor& other) {
  return -grad * cj((self / other) / other);  // as torch: no overflow in other * other
}

Tensor div_mode_self_backward(const Tensor& grad, const Tensor& other,
                              const std::optional<std::string>& mode) {
  return mode ? torsh::zeros_like(grad) : grad / cj(other);
}

Tensor div_mode_other_backward(const Tensor& grad, const Tensor& self, const Tensor& other,
                               const std::optional<std::string>& mode) {
  return mode ? torsh::zeros_like(grad) : div_other_backward(grad, self, other);
}

namespace {
// exponent >= 0, a complex exponent counting when it is real and >= 0 (torch's rule)
Tensor nonneg(const Tensor& exponent) {
  if (!exponent.is_complex()) return exponent >= 0;
  return torsh::mul(torsh::imag(exponent) == 0.0, torsh::real(exponent) >= 0);
}
}  // namespace

Tensor pow_self_backward(const Tensor& grad, const Tensor& self, const Tensor& exponent) {
  // exponent == 0 gives 0 even where self^(exponent-1) is inf or nan.
  Tensor g = grad * cj(exponent * torsh::pow(self, exponent - 1));  // torch's order of rounding
  return torsh::where(exponent == 0.0, torsh::zeros_like(g), g);
}

Tensor pow_exponent_backward(const Tensor& grad, const Tensor& self, const Tensor& exponent,
                             const Tensor& result) {
  // d/de b^e = b^e log b, as PyTorch: grad * (result * log b), 0 where b == 0 and e >= 0.
  Tensor g = result * torsh::log(self);  // an integer base takes a float32 log, as in PyTorch
  g = torsh::where(torsh::mul(self == 0.0, nonneg(exponent)), torsh::zeros_like(g), g);
  return grad * cj(g);
}

Tensor pow_self_scalar_backward(const Tensor& grad, const Tensor& self, const Scalar& exponent) {
  // As torch: a zero exponent gives zeros, but a bool one (False) is never "equal to 0.0" there
  // and takes the formula (0 * self^-1: NaN at 0). The exponent is used as a double.
  if (exponent.is_complex()) {
    const std::complex<double> e = exponent.to_complex();
    if (e == 0.0) return torsh::zeros_like(grad);
    return grad * cj(torsh::pow(self, Scalar(e - 1.0)) * exponent);
  }
  const double e = exponent.to_double();
  if (e == 0.0 && !exponent.is_boolean()) return torsh::zeros_like(grad);
  return grad * cj(torsh::pow(self, Scalar(e - 1.0)) * Scalar(e));
}

Tensor pow_scalar_base_backward(const Tensor& grad, const Scalar& base, const Tensor& exponent,
                                const Tensor& result) {
  if (base.is_complex()) return grad * cj(result * Scalar(std::log(base.to_complex())));
  Tensor g = result * std::log(base.to_double());
  if (base.to_double() == 0.0) g = torsh::where(nonneg(exponent), torsh::zeros_like(g), g);
  return grad * cj(g);
}

Tensor masked_grad(const Tensor& grad, const Tensor& mask) {
  return torsh::where(mask, grad, torsh::zeros_like(grad));
}

Tensor extremum_backward(const Tensor& grad, const Tensor& self, const Tensor& other, bool is_max) {
  // PyTorch's formula: ties share the gradient, the losing side gets 0, and a NaN on either
  // side (no comparison holds) passes the gradient to both.
  Tensor loses = is_max ? (self < other) : (self > other);
  Tensor g = torsh::where(self == other, grad / 2, grad);
  return torsh::where(loses, torsh::zeros_like(g), g);
}

Tensor clamp_backward(const Tensor& grad, const Tensor& self, const std::optional<Scalar>& min,
                      const std::optional<Scalar>& max) {
  Tensor mask;
  if (min) mask = self >= *min;
  if (max) mask = mask.defined() ? torsh::mul(mask, self <= *max) : (self <= *max);
  return masked_grad(grad, mask);
}

Tensor clamp_tensor_backward(const Tensor& grad, const Tensor& self, const Tensor& min,
                             const Tensor& max, int which) {
  // PyTorch's masks (clamp_backward and clamp_backward_min_max): self gets the gradient where
  // min <= self <= max, min where self < min < max, max where self > max or max < min. A NaN
  // anywhere, or self outside min == max, passes the gradient to no one.
  Tensor pick;
  if (min.defined() && max.defined()) {
    if (which == 0) pick = torsh::mul(self >= min, self <= max);
    if (which == 1) pick = torsh::mul(self < min, min < max);
    if (which == 2) pick = torsh::maximum(self > max, max < min);
  } else if (min.defined()) {
    pick = which == 0 ? (self >= min) : (self < min);
  } else if (max.defined()) {
    pick = which == 0 ? (self <= max) : (self > max);
  } else {
    return grad;
  }
  return masked_grad(grad, pick);
}

Tensor sign_of(const Tensor& self) {
  if (self.is_complex()) return self.sgn();  // z / |z|: d|z| in torch's convention
  return (self > 0).to(self.dtype()) - (self < 0).to(self.dtype());
}

namespace {
Tensor unsqueeze_reduced(const Tensor& grad, size_t ndim,
                         const std::optional<std::vector<int64_t>>& dims, bool keepdim) {
  if (keepdim || ndim == 0) return grad;
  std::vector<bool> reduced(ndim, !dims || dims->empty());
  if (dims) {
    for (int64_t d : *dims) reduced[d < 0 ? d + static_cast<int64_t>(ndim) : d] = true;
  }
  Tensor g = grad;
  for (size_t i = 0; i < ndim; ++i)
    if (reduced[i]) g = g.unsqueeze(static_cast<int64_t>(i));
  return g;
}
}  // namespace

Tensor sum_backward(const Tensor& grad, const std::vector<int64_t>& sizes,
                    const std::optional<std::vector<int64_t>>& dims, bool keepdim) {
  return unsqueeze_reduced(grad, sizes.size(), dims, keepdim).expand(sizes);
}

Tensor mean_backward(const Tensor& grad, const std::vector<int64_t>& sizes,
                     const std::optional<std::vector<int64_t>>& dims, bool keepdim) {
  int64_t count = 1;
  const auto nd = static_cast<int64_t>(sizes.size());
  std::vector<bool> reduced(sizes.size(), !dims || dims->empty());
  if (dims) {
    // A 0-dim input reduced over dim 0 or -1 has no dim to count.
    for (int64_t d : *dims) {
      const int64_t w = detail::wrap_dim(d, nd, "mean");
      if (w < nd) reduced[static_cast<size_t>(w)] = true;
    }
  }
  for (size_t i = 0; i < sizes.size(); ++i)
    if (reduced[i]) count *= sizes[i];
  return sum_backward(grad, sizes, dims, keepdim) / static_cast<double>(count);
}

Tensor evenly_distribute_backward(const Tensor& grad, const Tensor& self, const Tensor& result) {
  Tensor mask = (self == result);
  if (self.is_floating_point() && std::isnan(result.item<double>())) mask = self != self;
  Tensor count = mask.sum().to(grad.dtype());
  return masked_grad(grad.expand(self.sizes().vec()), mask) / count;
}

Tensor value_selecting_backward(const Tensor& grad, int64_t dim, const Tensor& indices,
                                const std::vector<int64_t>& sizes, bool keepdim) {
  if (sizes.empty()) return grad;
  const int64_t nd = static_cast<int64_t>(sizes.size());
  const int64_t d = dim < 0 ? dim + nd : dim;
  Tensor g = keepdim ? grad : grad.unsqueeze(d);
  Tensor idx = keepdim ? indices : indices.unsqueeze(d);
  // One-hot along dim: positions equal to the selected index receive the gradient.
  std::vector<int64_t> shape(static_cast<size_t>(nd), 1);
  shape[d] = sizes[d];
  Tensor positions = torsh::arange(sizes[d]).view(shape);
  Tensor hit = positions == idx;
  return masked_grad(g.expand(sizes), hit);
}

Tensor prod_backward(const Tensor& grad, const Tensor& self, std::optional<int64_t> dim,
                     bool keepdim) {
  if (self.dim() == 0) return grad;
  // d prod / d x_j = the product of the other elements. With Z the zeros of a slice and p the
  // product of its non-zero elements: p / x_j * prod(Z) off Z, p * prod(Z without j) on Z. Each
  // term keeps its dependence on the zeros, so the formula is differentiable (double backward).
  Tensor zero = self == 0;
  Tensor ones = torsh::ones_like(self), none = torsh::zeros_like(self);
  Tensor safe = torsh::where(zero, ones, self);
  Tensor of_zeros = torsh::where(zero, self, ones);
  auto reduce = [&](const Tensor& t, bool product) {
    if (!dim) return product ? torsh::prod(t) : t.sum();
    const int64_t d = *dim < 0 ? *dim + self.dim() : *dim;
    return product ? torsh::prod(t, d, true) : t.sum(std::vector<int64_t>{d}, true);
  };
  Tensor p = reduce(safe, true), q = reduce(of_zeros, true), count = reduce(zero, false);
  // prod(Z without j) for j in Z: 1 with one zero, the other zero with two, 0 beyond.
  Tensor zsum = reduce(torsh::where(zero, self, none), false);
  Tensor rest = torsh::where(count == 1, ones, torsh::where(count == 2, zsum - self, none));
  Tensor others = torsh::where(zero, p * rest, p / safe * q);
  Tensor g = grad;
  if (dim && !keepdim) g = g.unsqueeze(*dim < 0 ? *dim + self.dim() : *dim);
  return g * others;
}

namespace {
bool column_major(const std::vector<int64_t>& strides) {
  return strides.size() == 2 && strides[0] == 1 && strides[1] != 1;
}
}  // namespace

Tensor mm_mat1_backward(const Tensor& grad, const Tensor& mat2,
                        const std::vector<int64_t>& self_strides) {
  if (mat2.is_complex()) return grad.mm(mat2.t().conj());
  if (column_major(self_strides)) return mat2.mm(grad.t()).t();
  return grad.mm(mat2.t());
}

Tensor mm_mat2_backward(const Tensor& grad, const Tensor& self,
                        const std::vector<int64_t>& mat2_strides) {
  if (self.is_complex()) return self.t().conj().mm(grad);
  if (column_major(mat2_strides)) return grad.t().mm(self).t();
  return self.t().mm(grad);
}

Tensor permute_backward(const Tensor& grad, const std::vector<int64_t>& dims) {
  const int64_t nd = static_cast<int64_t>(dims.size());
  std::vector<int64_t> inv(dims.size());
  for (int64_t i = 0; i < nd; ++i) inv[dims[i] < 0 ? dims[i] + nd : dims[i]] = i;
  return grad.permute(inv);
}

std::vector<Tensor> cat_backward(const Tensor& grad, int64_t dim,
                                 const std::vector<std::vector<int64_t>>& sizes) {
  std::vector<Tensor> r;
  int64_t nd = 0;
  for (const auto& s : sizes) nd = std::max<int64_t>(nd, static_cast<int64_t>(s.size()));
  const int64_t d = dim < 0 ? dim + nd : dim;
  int64_t off = 0;
  for (const auto& s : sizes) {
    if (s.size() == 1 && s[0] == 0) {  // skipped legacy empty input
      r.push_back(torsh::zeros(s, grad.dtype()));
      continue;
    }
    r.push_back(grad.narrow(d, off, s[d]));
    off += s[d];
  }
  return r;
}

std::vector<Tensor> stack_backward(const Tensor& grad, int64_t dim, size_t n) {
  const int64_t d = dim < 0 ? dim + grad.dim() : dim;
  std::vector<Tensor> r;
  for (size_t i = 0; i < n; ++i) r.push_back(grad.select(d, static_cast<int64_t>(i)));
  return r;
}

Tensor slice_backward_of(const Tensor& grad, const std::vector<int64_t>& sizes, int64_t dim,
                         std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  return torsh::slice_backward(grad, sizes, dim, start.value_or(0),
                               end.value_or(std::numeric_limits<int64_t>::max()), step);
}

Tensor narrow_backward(const Tensor& grad, const std::vector<int64_t>& sizes, int64_t dim,
                       int64_t start, int64_t length) {
  // narrow has already checked dim and start; a negative start counts from the end, as torch.
  const int64_t d = detail::wrap_dim(dim, static_cast<int64_t>(sizes.size()), "narrow");
  const int64_t s = start < 0 ? start + sizes[static_cast<size_t>(d)] : start;
  return torsh::slice_backward(grad, sizes, d, s, s + length, 1);
}

Tensor index_put_self_backward(const Tensor& grad, const OptionalTensorList& indices,
                               bool accumulate) {
  if (accumulate) return grad;
  return torsh::index_put(grad, indices, torsh::zeros({}, grad.options()), false);
}

Tensor not_implemented_backward(const char* op) {
  throw Error(std::string("derivative for aten::") + op + " is not implemented");
}

Tensor not_implemented_formula(const char* op) {
  throw NotImplementedError(std::string("the derivative for '") + op + "' is not implemented.");
}

Tensor scatter_reduce_backward(const Tensor& grad, const Tensor& self, int64_t dim,
                               const Tensor& index, const Tensor& src, const std::string& reduce,
                               bool include_self, const Tensor& result, int which) {
  auto replace = [](const Tensor& mask, const Tensor& x, const Scalar& v) {
    return torsh::where(mask, torsh::full(IntArrayRef(), v, x.dtype()), x);
  };
  Tensor gself, gsrc;
  if (reduce == "sum") {
    gself = grad;
    gsrc = grad.gather(dim, index);
  } else if (reduce == "mean") {
    Tensor n = include_self ? torsh::ones_like(grad) : torsh::zeros_like(grad);
    n = n.scatter_add(dim, index, torsh::ones_like(src));
    n = replace(n == Scalar(0), n, Scalar(1));
    gself = grad / n;
    gsrc = grad.gather(dim, index) / n.gather(dim, index);
  } else if (reduce == "amax" || reduce == "amin") {
    // Tied elements (in self and src) share the gradient evenly.
    Tensor value = result.gather(dim, index);
    Tensor self_is = self == result, src_is = src == value;
    Tensor count = self_is.to(self.dtype()).scatter_add(dim, index, src_is.to(self.dtype()));
    Tensor share = grad / count;
    gself = self_is.to(grad.dtype()) * share;
    gsrc = src_is.to(grad.dtype()) * share.gather(dim, index);
  } else {
    // prod: the product of the others, exact where self or src holds a (single) zero.
    Tensor masked_self = replace(self == Scalar(0), self, Scalar(1));
    gself = grad * masked_self.scatter_reduce(dim, index, src, reduce, include_self) / masked_self;
    Tensor src_zero = src == Scalar(0);
    Tensor zeros_per = torsh::zeros_like(self)
                           .scatter_add(dim, index, src_zero.to(self.dtype()))
                           .gather(dim, index);
    Tensor single = torsh::where(src_zero, zeros_per == Scalar(1), src_zero);
    Tensor masked_src_result =
        self.scatter_reduce(dim, index, replace(single, src, Scalar(1)), reduce, include_self);
    gsrc = torsh::where(single, (grad * masked_src_result).gather(dim, index),
                        (grad * result).gather(dim, index) / replace(src_zero, src, Scalar(1)));
  }
  if (which == 0) return include_self ? gself : gself.scatter(dim, index, Scalar(0));
  return gsrc;
}

Tensor index_source_backward(const Tensor& grad, int64_t dim, const Tensor& index,
                             const std::vector<int64_t>& source_sizes, const Scalar& alpha) {
  Tensor g = grad.dim() > 0 ? grad.index_select(dim, index.reshape({-1})) : grad;
  if (!source_sizes.empty()) g = g.expand(source_sizes);
  return scale(g, alpha);
}

}  // namespace torsh::autograd::formulas
