// Value reductions: sum, mean, prod, any, all (dtype rules, outputs and the reduction iterator;
// the kernels are per device, the CPU's in cpu/reduce_kernels.cpp).
#include "iter/reduce.h"
#include "ops/complex.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
// self cast to the requested dtype (torch casts the input too); a view when nothing changes.
Tensor cast_input(const Tensor& self, std::optional<ScalarType> dtype) {
  return dtype && *dtype != self.dtype() ? self.to(*dtype) : self;
}

// The keepdim output of a reduction of `in` over `mask`, in dtype t.
Tensor keepdim_output(const Tensor& in, const std::vector<bool>& mask, ScalarType t) {
  return detail::empty_strided_impl(detail::keepdim_shape(in, mask), t);
}

Tensor finish(const Tensor& out, const std::vector<bool>& mask, const Tensor& in, bool keepdim,
              ScalarType result) {
  Tensor r = out.dtype() == result ? out : out.to(result);
  if (!keepdim) detail::drop_reduced_(r, mask, in.dim());
  return r;
}

// sum and prod: torch's dtype rules (integers -> int64 unless dtype= is given).
template <bool kProd>
Tensor sum_or_prod(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
                   std::optional<ScalarType> dtype, const char* op) {
  Tensor in = cast_input(self, dtype);
  auto mask = detail::reduced_mask(in, dim, op);
  if (!kProd && in.is_complex()) return detail::complex_sum(in, mask, keepdim);
  const ScalarType rt = dtype ? *dtype : (is_integral(self.dtype(), true) ? kLong : self.dtype());
  const ScalarType ot = is_integral(in.dtype(), true) ? kLong : in.dtype();
  Tensor out = keepdim_output(in, mask, ot);
  auto it = detail::reduction_iter(op, in, &out, 1, false);
  (kProd ? detail::prod_stub : detail::sum_stub)(in.device().type, op)(it);
  return finish(out, mask, in, keepdim, rt);
}

// any/all.
template <bool kAll>
Tensor any_or_all(const Tensor& self, std::optional<int64_t> dim, bool keepdim, const char* op) {
  // A complex value is true when it is not zero (torch reduces complex inputs too).
  if (self.is_complex()) {
    return any_or_all<kAll>(torsh::ne(self, detail::wrap_scalar(Scalar(0))), dim, keepdim, op);
  }
  std::vector<int64_t> d;
  if (dim) d.push_back(*dim);
  auto mask = detail::reduced_mask(self, dim ? OptionalIntArrayRef(d) : std::nullopt, op);
  // Bool results (uint8 for uint8 inputs, as torch 1.13).
  Tensor out = keepdim_output(self, mask, self.dtype() == kByte ? kByte : kBool);
  auto it = detail::reduction_iter(op, self, &out, 1, false);
  (kAll ? detail::all_stub : detail::any_stub)(self.device().type, op)(it);
  return finish(out, mask, self, keepdim, out.dtype());
}
}  // namespace

Tensor sum(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
           std::optional<ScalarType> dtype) {
  return sum_or_prod<false>(self, dim, keepdim, dtype, "sum");
}

Tensor sum(const Tensor& self, std::optional<ScalarType> dtype) {
  return native::sum(self, std::nullopt, false, dtype);
}

Tensor mean(const Tensor& self, OptionalIntArrayRef dim, bool keepdim,
            std::optional<ScalarType> dtype) {
  const ScalarType rt = dtype ? *dtype : self.dtype();
  TORSH_CHECK(is_floating_point(rt) || is_complex(rt),
              "mean(): could not infer output dtype. Input dtype must be either a floating point "
              "or complex dtype. Got: ",
              scalar_type_name(rt));
  Tensor in = cast_input(self, rt);
  auto mask = detail::reduced_mask(in, dim, "mean");
  int64_t count = 1;
  for (int64_t i = 0; i < in.dim(); ++i)
    if (mask[i]) count *= in.sizes()[i];
  if (in.is_complex()) return torsh::div(detail::complex_sum(in, mask, keepdim), Scalar(count));
  Tensor out = keepdim_output(in, mask, rt);
  auto it = detail::reduction_iter("mean", in, &out, 1, false);
  detail::mean_stub(in.device().type, "mean")(it, count);
  if (!keepdim) detail::drop_reduced_(out, mask, in.dim());
  return out;
}

Tensor mean(const Tensor& self, std::optional<ScalarType> dtype) {
  return native::mean(self, std::nullopt, false, dtype);
}

Tensor prod(const Tensor& self, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  return sum_or_prod<true>(self, IntArrayRef(dim), keepdim, dtype, "prod");
}

Tensor prod(const Tensor& self, std::optional<ScalarType> dtype) {
  return sum_or_prod<true>(self, std::nullopt, false, dtype, "prod");
}

Tensor any(const Tensor& self, int64_t dim, bool keepdim) {
  return any_or_all<false>(self, dim, keepdim, "any");
}
Tensor any(const Tensor& self) { return any_or_all<false>(self, std::nullopt, false, "any"); }
Tensor all(const Tensor& self, int64_t dim, bool keepdim) {
  return any_or_all<true>(self, dim, keepdim, "all");
}
Tensor all(const Tensor& self) { return any_or_all<true>(self, std::nullopt, false, "all"); }

}  // namespace torsh::native
