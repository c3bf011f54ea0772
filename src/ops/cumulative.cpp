// Cumulative ops along one dim: cumsum, cumprod, logcumsumexp (scans) and cummax, cummin
// (running extremes with indices): dtype rules, outputs, checks; the kernels are per device, the
// CPU's in cpu/cumulative_kernels.cpp.
#include <algorithm>
#include <vector>

#include "iter/tensor_iter.h"
#include "ops/scalar_check.h"
#include "ops/stubs_cumulative.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::detail {
KernelStub<ScanKernel> scan_stub;
KernelStub<CumExtremeKernel> cum_extreme_stub;
}  // namespace torsh::detail

namespace torsh::native {

namespace {
bool shares_memory(const Tensor& a, const Tensor& b) {
  return a.defined() && b.defined() &&
         a.unsafeGetTensorImpl()->storage().get() == b.unsafeGetTensorImpl()->storage().get();
}

// out = scan of self along dim, computed in out's dtype when out is given (torch casts the
// input to the result's dtype), else in dtype, else int64 for integers and bool.
void scan_out(Tensor& out, const Tensor& self, int64_t dim, std::optional<ScalarType> dtype,
              detail::ScanOp op, const char* name) {
  // torch's logcumsumexp out= must have self's dtype, checked first.
  TORSH_CHECK(op != detail::ScanOp::kLogSumExp || !out.defined() || out.dtype() == self.dtype(),
              name, "(): expected scalar_type ", scalar_type_name(self.dtype()), " but found ",
              scalar_type_name(out.defined() ? out.dtype() : self.dtype()));
  const int64_t d = detail::wrap_dim(dim, self.dim(), name);
  if (out.defined() && dtype) {
    TORSH_CHECK(*dtype == out.dtype(), "Expected out tensor to have dtype ",
                scalar_type_name(*dtype), ", but got ", scalar_type_name(out.dtype()), " instead");
  }
  const ScalarType rt = out.defined() ? out.dtype()
                        : dtype       ? *dtype
                        : is_integral(self.dtype(), true) && op != detail::ScanOp::kLogSumExp
                            ? kLong
                            : self.dtype();
  // torch dispatches on the dtype only where its kernel runs (not for 0-dim or empty input).
  TORSH_CHECK(rt != kBool || self.numel() == 0 || self.dim() == 0, "\"", name,
              "_out_cpu\" not implemented for 'Bool'");
  if (op == detail::ScanOp::kLogSumExp) {
    TORSH_CHECK(is_floating_point(rt), "\"logcumsumexp_out_cpu\" not implemented for '",
                scalar_type_name(rt), "'");
  }
  // torch fills the result of a 0-dim input with its value (a checked conversion: -1.5 does not
  // go into uint8)
  if (self.dim() == 0 && op != detail::ScanOp::kLogSumExp)
    detail::check_scalar_fits(self.item(), rt);
  Tensor in = self.dtype() == rt ? self : self.to(rt);
  if (!out.defined()) {
    out = torsh::empty(self.sizes(), TensorOptions().dtype(rt));
  } else if (shares_memory(out, in) && !out.is_same(in)) {
    Tensor tmp;
    scan_out(tmp, in, d, std::nullopt, op, name);
    out.resize_(self.sizes());
    out.copy_(tmp);
    return;
  } else if (!out.is_same(in)) {
    out.resize_(self.sizes());
  }
  detail::assert_no_internal_overlap(out);  // an expanded out= (or self) refuses, as torch
  if (is_complex(rt) && op == detail::ScanOp::kSum) {
    // a complex running sum is the running sums of the real and the imaginary parts
    if (in.dim() == 0) {
      out.copy_(in);
    } else {
      detail::scan_stub(self.device().type, name)(torsh::view_as_real(out), torsh::view_as_real(in),
                                                  d, op);
    }
    return;
  }
  detail::scan_stub(self.device().type, name)(out, in, d, op);
}

std::tuple<Tensor, Tensor> cum_extreme(const Tensor& self, int64_t dim, bool is_max) {
  const char* name = is_max ? "cummax" : "cummin";
  Tensor values = torsh::empty(self.sizes(), TensorOptions().dtype(self.dtype()));
  Tensor indices = torsh::empty(self.sizes(), TensorOptions().dtype(kLong));
  // torch looks at dim only for a non-empty input with dims: a 0-dim one is its own result.
  if (self.numel() == 0) return {values, indices};
  if (self.dim() == 0) return {self.clone(), indices.fill_(0)};
  const int64_t d = detail::wrap_dim(dim, self.dim(), name);
  detail::cum_extreme_stub(self.device().type, name)(values, indices, self, d, is_max);
  return {values, indices};
}
}  // namespace

void cumsum_out(Tensor& out, const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  scan_out(out, self, dim, dtype, detail::ScanOp::kSum, "cumsum");
}
void cumprod_out(Tensor& out, const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  scan_out(out, self, dim, dtype, detail::ScanOp::kProd, "cumprod");
}
void logcumsumexp_out(Tensor& out, const Tensor& self, int64_t dim) {
  scan_out(out, self, dim, std::nullopt, detail::ScanOp::kLogSumExp, "logcumsumexp");
}
std::tuple<Tensor, Tensor> cummax(const Tensor& self, int64_t dim) {
  return cum_extreme(self, dim, true);
}
std::tuple<Tensor, Tensor> cummin(const Tensor& self, int64_t dim) {
  return cum_extreme(self, dim, false);
}

void diff_out(Tensor& out, const Tensor& self, int64_t n, int64_t dim,
              const std::optional<Tensor>& prepend, const std::optional<Tensor>& append) {
  // Written with differentiable ops (torch's composite): narrowed differences, n times.
  TORSH_CHECK(self.dim() >= 1, "diff expects input to be at least one-dimensional");
  // torch reads dim only to difference or to check prepend/append: n = 0 alone copies self
  const bool reads_dim = n != 0 || prepend || append;
  const int64_t d = reads_dim ? detail::wrap_dim(dim, self.dim(), "diff") : 0;
  for (const auto* t : {&prepend, &append}) {
    if (!t->has_value()) continue;
    TORSH_CHECK((*t)->dim() == self.dim(),
                "diff expects prepend or append to be the same dimension as input");
    for (int64_t i = 0; i < self.dim(); ++i) {
      TORSH_CHECK(i == d || (*t)->sizes()[i] == self.sizes()[i],
                  "diff expects the shape of tensor to prepend or append to match that of input "
                  "except along the differencing dimension; input.size(",
                  i, ") = ", self.sizes()[i], ", but got tensor.size(", i,
                  ") = ", (*t)->sizes()[i]);
    }
  }
  Tensor r = self;
  if (n == 0) {
    r = self.clone(MemoryFormat::Contiguous);
  } else if (prepend || append) {
    std::vector<Tensor> parts;
    if (prepend) parts.push_back(*prepend);
    parts.push_back(self);
    if (append) parts.push_back(*append);
    r = torsh::cat(parts, d);
  }
  if (out.defined()) {
    // torch's out= form narrows once more than the function: a negative n asks for more than
    // the dim holds, and an empty dim cannot start a narrow at 1.
    const int64_t size = r.sizes()[d];
    TORSH_CHECK(n >= 0, "diff(): start (0) + length (", size - n, ") exceeds dimension size (",
                size, ").");
    TORSH_CHECK_INDEX(n == 0 || size > 0,
                      "diff(): Dimension out of range (expected to be in range of [-1, 0], but "
                      "got 1)");
    TORSH_CHECK(n != 0 || out.dtype() == self.dtype(), "diff(): expected scalar_type ",
                scalar_type_name(self.dtype()), " but found ", scalar_type_name(out.dtype()));
  }
  const int64_t steps = std::min(n, r.sizes()[d]);
  for (int64_t i = 0, len = r.sizes()[d] - 1; i < steps; ++i, --len) {
    Tensor hi = r.narrow(d, 1, len), lo = r.narrow(d, 0, len);
    r = r.dtype() == kBool ? torsh::ne(hi, lo) : torsh::sub(hi, lo);
  }
  if (!out.defined()) {
    out = r;
    return;
  }
  // torch's last step is sub_out/ne_out, whose iterator refuses an expanded out before resizing
  if (n > 0) detail::assert_no_internal_overlap(out);
  TORSH_CHECK(can_cast(r.dtype(), out.dtype()), "diff(): result type ", scalar_type_name(r.dtype()),
              " can't be cast to the desired output type ", scalar_type_name(out.dtype()));
  out.resize_(r.sizes());
  out.copy_(r);
}

}  // namespace torsh::native
