// Cumulative ops along one dim: cumsum, cumprod, logcumsumexp (scans) and cummax, cummin
// (running extremes with indices): dtype rules, outputs, checks; the kernels are per device, the
// CPU's in cpu/cumulative_kernels.cpp.
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
  TORSH_CHECK(rt != kBool, "\"", name, "_out_cpu\" not implemented for 'Bool'");
  if (op == detail::ScanOp::kLogSumExp) {
    TORSH_CHECK(is_floating_point(rt), "\"logcumsumexp_out_cpu\" not implemented for '",
                scalar_type_name(rt), "'");
  }
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
  detail::scan_stub(self.device().type, name)(out, in, d, op);
}

std::tuple<Tensor, Tensor> cum_extreme(const Tensor& self, int64_t dim, bool is_max) {
  const char* name = is_max ? "cummax" : "cummin";
  const int64_t d = detail::wrap_dim(dim, self.dim(), name);
  Tensor values = torsh::empty(self.sizes(), TensorOptions().dtype(self.dtype()));
  Tensor indices = torsh::empty(self.sizes(), TensorOptions().dtype(kLong));
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

}  // namespace torsh::native
