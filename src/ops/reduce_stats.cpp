// Statistics reductions: var, std, var_mean, std_mean, amax, amin, aminmax (checks, dtypes,
// outputs and the reduction iterator; the kernels are per device, the CPU's in
// cpu/reduce_stats_kernels.cpp; amax/amin reuse max/min's kernels). The input is read in place.
#include <cmath>

#include "iter/reduce.h"
#include "ops/complex.h"
#include "ops/stubs_stats.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::detail {
KernelStub<VarKernel> var_stub;
KernelStub<ReduceKernel> logsumexp_stub, nansum_stub, count_nonzero_stub;
KernelStub<NormKernel> norm_stub;
}  // namespace torsh::detail

namespace torsh::native {

namespace {
Tensor keepdim_output(const Tensor& in, const std::vector<bool>& mask, ScalarType t) {
  return detail::empty_strided_impl(detail::keepdim_shape(in, mask), t);
}

// out= of a reduction: the result resized into out and cast to out's dtype (torch's reductions
// compute in out's floating dtype; a non-floating out is refused).
void write_float_out(Tensor& out, const Tensor& r, const char* op) {
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(is_floating_point(out.dtype()), op, "(): expected a floating point out= tensor, got ",
              scalar_type_name(out.dtype()));
  out.resize_(r.sizes());
  out.copy_(r);
}

// out= whose dtype must equal the input's (amax/amin), checked before anything else as torch.
void check_same_dtype_out(const Tensor& out, const Tensor& self) {
  TORSH_CHECK(!out.defined() || out.dtype() == self.dtype(),
              "Expected the dtype for input and out to match, but got ",
              scalar_type_name(self.dtype()), " for input's dtype and ",
              scalar_type_name(out.defined() ? out.dtype() : self.dtype()), " for out's dtype.");
}

void write_same_dtype_out(Tensor& out, const Tensor& r) {
  if (!out.defined()) {
    out = r;
    return;
  }
  out.resize_(r.sizes());
  out.copy_(r);
}

// var/std (and the mean with with_mean): (var or std, mean).
std::tuple<Tensor, Tensor> var_impl(const Tensor& self, OptionalIntArrayRef dim, double correction,
                                    bool keepdim, bool take_sqrt, bool with_mean, const char* op) {
  if (self.is_complex()) {
    // the variance of the real parts plus that of the imaginary parts (a real result)
    Tensor v = torsh::add(
        std::get<0>(var_impl(torsh::real(self), dim, correction, keepdim, false, false, op)),
        std::get<0>(var_impl(torsh::imag(self), dim, correction, keepdim, false, false, op)));
    if (take_sqrt) v = v.sqrt();
    Tensor mean;
    if (with_mean) mean = torsh::mean(self, dim, keepdim);
    return {v, mean};
  }
  TORSH_CHECK(is_floating_point(self.dtype()), op,
              "(): std and var only support floating point and complex dtypes");
  auto mask = detail::reduced_mask(self, dim, op, false);
  Tensor outs[2];
  outs[0] = keepdim_output(self, mask, self.dtype());
  if (with_mean) outs[1] = keepdim_output(self, mask, self.dtype());
  auto it = detail::reduction_iter(op, self, outs, with_mean ? 2 : 1, false);
  detail::var_stub(self.device().type, op)(it, correction, take_sqrt);
  for (int k = 0; k < (with_mean ? 2 : 1) && !keepdim; ++k)
    detail::drop_reduced_(outs[k], mask, self.dim());
  return {outs[0], outs[1]};
}

double correction_of(std::optional<int64_t> c) { return c ? static_cast<double>(*c) : 1.0; }

// amax/amin: max/min over the dims of the list (all when empty).
template <bool kMax>
Tensor extreme_dims(const Tensor& self, IntArrayRef dim, bool keepdim, const char* op) {
  auto mask = detail::reduced_mask(self, dim, op);
  if (self.numel() == 0) {
    TORSH_CHECK(!dim.empty() && self.dim() > 0, op,
                "(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                "reduction dim with the 'dim' argument.");
    for (int64_t i = 0; i < self.dim(); ++i)
      TORSH_CHECK_INDEX(!mask[i] || self.sizes()[i] > 0, op, "(): Expected reduction dim ", i,
                        " to have non-zero size.");
  }
  Tensor out = keepdim_output(self, mask, self.dtype());
  auto it = detail::reduction_iter(op, self, &out, 1, false);
  (kMax ? detail::max_all_stub : detail::min_all_stub)(self.device().type, op)(it);
  if (!keepdim) detail::drop_reduced_(out, mask, self.dim());
  return out;
}
}  // namespace

Tensor var(const Tensor& self, bool unbiased) {
  return std::get<0>(var_impl(self, std::nullopt, unbiased, false, false, false, "var"));
}
void var_dim_out(Tensor& out, const Tensor& self, OptionalIntArrayRef dim, bool unbiased,
                 bool keepdim) {
  write_float_out(out, std::get<0>(var_impl(self, dim, unbiased, keepdim, false, false, "var")),
                  "var");
}
void var_correction_out(Tensor& out, const Tensor& self, OptionalIntArrayRef dim,
                        std::optional<int64_t> correction, bool keepdim) {
  write_float_out(
      out,
      std::get<0>(var_impl(self, dim, correction_of(correction), keepdim, false, false, "var")),
      "var");
}
Tensor std(const Tensor& self, bool unbiased) {
  return std::get<0>(var_impl(self, std::nullopt, unbiased, false, true, false, "std"));
}
void std_dim_out(Tensor& out, const Tensor& self, OptionalIntArrayRef dim, bool unbiased,
                 bool keepdim) {
  write_float_out(out, std::get<0>(var_impl(self, dim, unbiased, keepdim, true, false, "std")),
                  "std");
}
void std_correction_out(Tensor& out, const Tensor& self, OptionalIntArrayRef dim,
                        std::optional<int64_t> correction, bool keepdim) {
  write_float_out(
      out, std::get<0>(var_impl(self, dim, correction_of(correction), keepdim, true, false, "std")),
      "std");
}
std::tuple<Tensor, Tensor> var_mean(const Tensor& self, bool unbiased) {
  return var_impl(self, std::nullopt, unbiased, false, false, true, "var_mean");
}
std::tuple<Tensor, Tensor> var_mean(const Tensor& self, OptionalIntArrayRef dim, bool unbiased,
                                    bool keepdim) {
  return var_impl(self, dim, unbiased, keepdim, false, true, "var_mean");
}
std::tuple<Tensor, Tensor> var_mean(const Tensor& self, OptionalIntArrayRef dim,
                                    std::optional<int64_t> correction, bool keepdim) {
  return var_impl(self, dim, correction_of(correction), keepdim, false, true, "var_mean");
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& self, bool unbiased) {
  return var_impl(self, std::nullopt, unbiased, false, true, true, "std_mean");
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& self, OptionalIntArrayRef dim, bool unbiased,
                                    bool keepdim) {
  return var_impl(self, dim, unbiased, keepdim, true, true, "std_mean");
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& self, OptionalIntArrayRef dim,
                                    std::optional<int64_t> correction, bool keepdim) {
  return var_impl(self, dim, correction_of(correction), keepdim, true, true, "std_mean");
}

void amax_out(Tensor& out, const Tensor& self, IntArrayRef dim, bool keepdim) {
  check_same_dtype_out(out, self);
  write_same_dtype_out(out, extreme_dims<true>(self, dim, keepdim, "amax"));
}
void amin_out(Tensor& out, const Tensor& self, IntArrayRef dim, bool keepdim) {
  check_same_dtype_out(out, self);
  write_same_dtype_out(out, extreme_dims<false>(self, dim, keepdim, "amin"));
}

std::tuple<Tensor, Tensor> aminmax(const Tensor& self, std::optional<int64_t> dim, bool keepdim) {
  if (dim) {
    const int64_t d = detail::wrap_dim(*dim, self.dim(), "aminmax");
    TORSH_CHECK_INDEX(self.dim() == 0 || self.sizes()[d] > 0, "aminmax(): Expected reduction dim ",
                      d, " to have non-zero size.");
  } else {
    TORSH_CHECK(self.numel() > 0,
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                "no identity.");
  }
  std::vector<int64_t> d;
  if (dim) d.push_back(*dim);
  Tensor lo = extreme_dims<false>(self, d, keepdim, "aminmax");
  Tensor hi = extreme_dims<true>(self, d, keepdim, "aminmax");
  if (!dim && keepdim) {
    // torch keeps every dim (size 1) of the input over everything.
    SizeVec ones(static_cast<size_t>(self.dim()), 1);
    lo = lo.reshape(ones);
    hi = hi.reshape(ones);
  }
  return {lo, hi};
}

void logsumexp_out(Tensor& out, const Tensor& self, IntArrayRef dim, bool keepdim) {
  TORSH_CHECK(!out.defined() || is_floating_point(out.dtype()),
              "logsumexp(): Expected floating point type for result tensor, but got: ",
              scalar_type_name(out.defined() ? out.dtype() : self.dtype()));
  // torch 1.13 refuses an empty dim list without keepdim on a tensor with dims (its keepdim
  // max does not broadcast to the result).
  TORSH_CHECK(!dim.empty() || keepdim || self.dim() == 0,
              "logsumexp(): output with shape [] doesn't match the broadcast shape of an empty "
              "dim list");
  // Integers and bool are computed in the default float dtype, as torch.
  detail::check_not_complex(self, "logsumexp");
  Tensor in = is_floating_point(self.dtype()) ? self : self.to(get_default_dtype());
  auto mask = detail::reduced_mask(in, dim, "logsumexp");
  Tensor r = keepdim_output(in, mask, in.dtype());
  auto it = detail::reduction_iter("logsumexp", in, &r, 1, false);
  detail::logsumexp_stub(in.device().type, "logsumexp")(it);
  if (!keepdim) detail::drop_reduced_(r, mask, in.dim());
  write_float_out(out, r, "logsumexp");
}

void nansum_out(Tensor& out, const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
                std::optional<ScalarType> dtype) {
  // torch: with out=, a given dtype must be out's and the sum is computed in out's dtype;
  // integers and bool take sum's path (no NaN to skip).
  TORSH_CHECK(!out.defined() || !dtype || *dtype == out.dtype(),
              "nansum: provided dtype must match dtype of result. Got ",
              scalar_type_name(out.defined() ? out.dtype() : self.dtype()), " and ",
              scalar_type_name(dtype ? *dtype : self.dtype()), ".");
  detail::check_not_complex(self, "nansum");
  const std::optional<ScalarType> compute = out.defined() ? std::optional(out.dtype()) : dtype;
  Tensor r;
  if (!is_floating_point(self.dtype())) {
    r = torsh::sum(self, dim, keepdim, compute);
  } else {
    auto mask = detail::reduced_mask(self, dim, "nansum", false);  // dims before the dtype
    Tensor in = compute && *compute != self.dtype() ? self.to(*compute) : self;
    TORSH_CHECK(is_floating_point(in.dtype()), "\"nansum_cpu\" not implemented for '",
                scalar_type_name(in.dtype()), "'");
    r = keepdim_output(in, mask, in.dtype());
    auto it = detail::reduction_iter("nansum", in, &r, 1, false);
    detail::nansum_stub(in.device().type, "nansum")(it);
    if (!keepdim) detail::drop_reduced_(r, mask, in.dim());
  }
  if (!out.defined()) {
    out = r;
    return;
  }
  out.resize_(r.sizes());
  out.copy_(r);
}

void nanmean_out(Tensor& out, const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
                 std::optional<ScalarType> dtype) {
  TORSH_CHECK(is_floating_point(self.dtype()),
              "nanmean(): expected input to have floating point dtype but got ",
              scalar_type_name(self.dtype()));
  // Written with differentiable ops (torch's composite): the NaN-skipping sum over the count
  // of non-NaN elements; with out=, torch's nansum into out, divided in place.
  Tensor count = torsh::eq(self, self).sum(dim, keepdim);
  if (!out.defined()) {
    out = torsh::div(torsh::nansum(self, dim, keepdim, dtype), count);
    return;
  }
  native::nansum_out(out, self, dim, keepdim, dtype);
  out.div_(count);
}

namespace {
Tensor count_nonzero_impl(const Tensor& self, OptionalIntArrayRef dim) {
  if (self.is_complex()) {  // counts the values that are not zero, as for real inputs
    return count_nonzero_impl(torsh::ne(self, detail::wrap_scalar(Scalar(0))), dim);
  }
  auto mask = detail::reduced_mask(self, dim, "count_nonzero");
  Tensor r = keepdim_output(self, mask, kLong);
  auto it = detail::reduction_iter("count_nonzero", self, &r, 1, false);
  detail::count_nonzero_stub(self.device().type, "count_nonzero")(it);
  detail::drop_reduced_(r, mask, self.dim());
  return r;
}
}  // namespace

Tensor count_nonzero(const Tensor& self, std::optional<int64_t> dim) {
  std::vector<int64_t> d;
  if (dim) d.push_back(*dim);
  return count_nonzero_impl(self, dim ? OptionalIntArrayRef(d) : std::nullopt);
}
Tensor count_nonzero(const Tensor& self, IntArrayRef dim) { return count_nonzero_impl(self, dim); }

namespace {
// The p-norm over dims (all when empty) in dtype (the input cast to it) or the input's dtype.
Tensor norm_impl(const Tensor& self, const std::optional<Scalar>& p, OptionalIntArrayRef dim,
                 bool keepdim, std::optional<ScalarType> dtype, const char* op) {
  const bool vector_norm = op[0] == 'l';
  if (self.is_complex() && (!dtype || is_complex(*dtype))) {  // the norm of the moduli (real)
    return norm_impl(torsh::abs(dtype ? self.to(*dtype) : self), p, dim, keepdim, std::nullopt, op);
  }
  // torch.norm with a dtype converts any input to it first; linalg.vector_norm does not.
  TORSH_CHECK(is_floating_point(self.dtype()) || (dtype && !vector_norm), op,
              "(): input dtype should be either floating point or complex. Got ",
              scalar_type_name(self.dtype()), " instead.");
  if (dtype) {
    TORSH_CHECK(is_floating_point(*dtype), op,
                "(): the desired output dtype should be either floating point or complex. Got ",
                scalar_type_name(*dtype), " instead.");
  }
  Tensor in = dtype && *dtype != self.dtype() ? self.to(*dtype) : self;
  // p in the accumulation type, as torch's kernels take it: float unless the input is double
  // (so 1e-310 is 0 and 2**31 rounds in float).
  const double p_given = p ? p->to_double() : 2.0;
  const double pv =
      in.dtype() == kDouble ? p_given : static_cast<double>(static_cast<float>(p_given));
  auto mask = detail::reduced_mask(in, dim, op);  // dims checked before p, as torch
  TORSH_CHECK(!p || !p->is_boolean(), "norm_kernel_tensor_iterator_impl expects norm to be ",
              "integer or float");
  if (in.numel() == 0 && vector_norm && (pv < 0 || pv == INFINITY)) {
    // max/min (and negative powers) of nothing have no identity.
    TORSH_CHECK(dim && !dim->empty(), op, " cannot compute the ", pv,
                " norm on an empty tensor because the operation does not have an identity");
    for (int64_t i = 0; i < in.dim(); ++i)
      TORSH_CHECK(!mask[i] || in.sizes()[i] > 0, op, " cannot compute the ", pv,
                  " norm on the dimension ", i,
                  "because this dimension is empty and the operation does not have an identity");
  }
  if (in.numel() == 0 && !vector_norm) {
    // torch.norm of an empty tensor is 0 whatever p.
    Tensor z = torsh::zeros(detail::keepdim_shape(in, mask), TensorOptions().dtype(in.dtype()));
    if (!keepdim) detail::drop_reduced_(z, mask, in.dim());
    return z;
  }
  Tensor r = keepdim_output(in, mask, in.dtype());
  auto it = detail::reduction_iter(op, in, &r, 1, false);
  detail::norm_stub(in.device().type, op)(it, pv);
  if (!keepdim) detail::drop_reduced_(r, mask, in.dim());
  return r;
}
}  // namespace

void norm_dim_out(Tensor& out, const Tensor& self, const std::optional<Scalar>& p, IntArrayRef dim,
                  bool keepdim) {
  write_float_out(out, norm_impl(self, p, dim, keepdim, std::nullopt, "norm"), "norm");
}
void norm_dim_dtype_out(Tensor& out, const Tensor& self, const std::optional<Scalar>& p,
                        IntArrayRef dim, bool keepdim, ScalarType dtype) {
  write_float_out(out, norm_impl(self, p, dim, keepdim, dtype, "norm"), "norm");
}
void norm_scalar_out(Tensor& out, const Tensor& self, const Scalar& p) {
  write_float_out(out, norm_impl(self, p, std::nullopt, false, std::nullopt, "norm"), "norm");
}
void linalg_vector_norm_out(Tensor& out, const Tensor& self, const Scalar& ord,
                            OptionalIntArrayRef dim, bool keepdim,
                            std::optional<ScalarType> dtype) {
  write_float_out(out, norm_impl(self, ord, dim, keepdim, dtype, "linalg.vector_norm"),
                  "linalg.vector_norm");
}

}  // namespace torsh::native
