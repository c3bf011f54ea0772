// Sorting and selection along one dim: sort, argsort, msort, topk, kthvalue, median, nanmedian,
// mode (checks and outputs here, the per-line kernel per device, the CPU's in
// cpu/sort_kernels.cpp), and quantile/nanquantile, written with ops as torch's composite.
#include <cmath>
#include <limits>
#include <string>

#include "iter/tensor_iter.h"
#include "ops/stubs_sort.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"

namespace torsh::native {

namespace {
using detail::SelectArgs;
using detail::SelectOp;

// (values, indices) of self with `size` elements along dim (kept as a dim of that size), from
// the kernel; a 0-dim self is run as one element of a 1-d line.
std::tuple<Tensor, Tensor> run_select(const Tensor& self, int64_t d, int64_t size, SelectOp op,
                                      const SelectArgs& a, const char* name) {
  const bool scalar = self.dim() == 0;
  Tensor in = scalar ? self.reshape({1}) : self;
  std::vector<int64_t> shape = in.sizes().vec();
  shape[d] = size;
  Tensor values = detail::empty_strided_impl(shape, self.dtype());
  Tensor indices = detail::empty_strided_impl(shape, kLong);
  detail::select_stub(self.device().type, name)(values, indices, in, d, op, a);
  if (scalar) return {values.reshape({}), indices.reshape({})};
  return {values, indices};
}

void check_not_bool(const Tensor& self, const char* kernel) {
  TORSH_CHECK(self.dtype() != kBool, "\"", kernel, "\" not implemented for 'Bool'");
}

// A reduction along dim to one (value, index): torch's checks for an empty dim, keepdim;
// bool_kernel: the kernel name of torch's error for bool inputs (nullptr: bool allowed).
std::tuple<Tensor, Tensor> select_reduce(const Tensor& self, int64_t dim, bool keepdim, SelectOp op,
                                         int64_t k, const char* name, const char* bool_kernel) {
  const int64_t d = detail::wrap_dim(dim, self.dim(), name);
  const int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  TORSH_CHECK_INDEX(n > 0, name, "(): Expected reduction dim ", d, " to have non-zero size.");
  // torch's kthvalue copies a 0-dim input without its kernel (no dtype check).
  if (bool_kernel && (op != SelectOp::kKthvalue || self.dim() > 0)) {
    check_not_bool(self, bool_kernel);
  }
  if (op == SelectOp::kKthvalue) {
    TORSH_CHECK(k >= 1 && k <= n, "kthvalue(): selected number k out of range for dimension ", d);
  }
  SelectArgs a;
  a.k = k;
  auto [values, indices] = run_select(self, d, std::min<int64_t>(n, 1), op, a, name);
  if (self.dim() > 0 && n == 0) {  // an empty input with an empty dim: empty results
    std::vector<int64_t> shape = self.sizes().vec();
    shape[d] = 1;
    values = detail::empty_strided_impl(shape, self.dtype());
    indices = detail::empty_strided_impl(shape, kLong);
  }
  if (!keepdim && self.dim() > 0) return {values.squeeze(d), indices.squeeze(d)};
  return {values, indices};
}

// median()/nanmedian() of every element: the lower median. An empty input gives torch's NaN
// converted to the dtype as x86 converts it (the integer minimum through int32 or int64 bits).
Tensor median_all(const Tensor& self, bool ignore_nan) {
  const char* name = ignore_nan ? "nanmedian" : "median";
  if (self.numel() == 0) {
    const ScalarType t = self.dtype();
    const TensorOptions opts = TensorOptions().dtype(t);
    if (is_floating_point(t))
      return torsh::full({}, std::numeric_limits<double>::quiet_NaN(), opts);
    if (t == kBool) return torsh::full({}, true, opts);
    if (t == kLong) return torsh::full({}, std::numeric_limits<int64_t>::min(), opts);
    if (t == kInt) return torsh::full({}, std::numeric_limits<int32_t>::min(), opts);
    return torsh::zeros({}, opts);
  }
  check_not_bool(self, "median_cpu");
  Tensor flat = self.reshape({-1});
  auto r = select_reduce(flat, 0, false, ignore_nan ? SelectOp::kNanmedian : SelectOp::kMedian, 0,
                         name, nullptr);
  return std::get<0>(r);
}

std::tuple<Tensor, Tensor> sort_impl(const Tensor& self, bool stable, int64_t dim,
                                     bool descending) {
  const int64_t d = detail::wrap_dim(dim, self.dim(), "sort");
  SelectArgs a;
  a.descending = descending;
  a.stable = stable;
  return run_select(self, d, self.dim() == 0 ? 1 : self.sizes()[d], SelectOp::kSort, a, "sort");
}
}  // namespace

std::tuple<Tensor, Tensor> sort(const Tensor& self, int64_t dim, bool descending) {
  return sort_impl(self, false, dim, descending);
}
std::tuple<Tensor, Tensor> sort(const Tensor& self, std::optional<bool> stable, int64_t dim,
                                bool descending) {
  TORSH_CHECK(stable.has_value(), "sort(): c10::optional<bool> for stable has to have value.");
  return sort_impl(self, *stable, dim, descending);
}
Tensor argsort(const Tensor& self, int64_t dim, bool descending) {
  return std::get<1>(torsh::sort(self, dim, descending));
}
Tensor argsort(const Tensor& self, bool stable, int64_t dim, bool descending) {
  return std::get<1>(torsh::sort(self, std::optional<bool>(stable), dim, descending));
}
void msort_out(Tensor& out, const Tensor& self) {
  Tensor r = std::get<0>(torsh::sort(self, 0, false));
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(out.dtype() == r.dtype(), "msort(): expected out tensor to have dtype ",
              scalar_type_name(r.dtype()), ", but got ", scalar_type_name(out.dtype()), " instead");
  if (out.sizes().vec() == r.sizes().vec()) detail::assert_no_internal_overlap(out);
  out.resize_(r.sizes());
  out.copy_(r);
}

std::tuple<Tensor, Tensor> topk(const Tensor& self, int64_t k, int64_t dim, bool largest,
                                bool sorted) {
  const int64_t d = detail::wrap_dim(dim, self.dim(), "topk");
  const int64_t n = self.dim() == 0 ? 1 : self.sizes()[d];
  TORSH_CHECK(k >= 0 && k <= n, "selected index k out of range");
  if (self.dim() == 0) {  // torch copies a 0-dim input whatever k (0 or 1) and dtype
    return {self.clone(MemoryFormat::Contiguous), torsh::zeros({}, TensorOptions().dtype(kLong))};
  }
  check_not_bool(self, "topk_cpu");
  SelectArgs a;
  a.k = k;
  a.descending = largest;
  a.sorted = sorted;
  return run_select(self, d, k, SelectOp::kTopk, a, "topk");
}

std::tuple<Tensor, Tensor> kthvalue(const Tensor& self, int64_t k, int64_t dim, bool keepdim) {
  return select_reduce(self, dim, keepdim, SelectOp::kKthvalue, k, "kthvalue", "kthvalue_cpu");
}
Tensor median(const Tensor& self) { return median_all(self, false); }
Tensor nanmedian(const Tensor& self) { return median_all(self, true); }
std::tuple<Tensor, Tensor> median(const Tensor& self, int64_t dim, bool keepdim) {
  return select_reduce(self, dim, keepdim, SelectOp::kMedian, 0, "median", "median_out");
}
std::tuple<Tensor, Tensor> nanmedian(const Tensor& self, int64_t dim, bool keepdim) {
  return select_reduce(self, dim, keepdim, SelectOp::kNanmedian, 0, "nanmedian", "median_out");
}
std::tuple<Tensor, Tensor> mode(const Tensor& self, int64_t dim, bool keepdim) {
  return select_reduce(self, dim, keepdim, SelectOp::kMode, 0, "mode", nullptr);
}

namespace {
enum class Interp { kLinear, kLower, kHigher, kMidpoint, kNearest };

Interp parse_interpolation(std::string_view s, const char* name) {
  if (s == "linear") return Interp::kLinear;
  if (s == "lower") return Interp::kLower;
  if (s == "higher") return Interp::kHigher;
  if (s == "midpoint") return Interp::kMidpoint;
  TORSH_CHECK(s == "nearest", name,
              "() interpolation must be one of linear, lower, higher, midpoint or nearest, but "
              "got ",
              s);
  return Interp::kNearest;
}

// torch's quantile: sort along the reduced dim (moved last), ranks q * (count - 1), the values
// at the ranks below and above, interpolated; the q dim first.
Tensor quantile_impl(const Tensor& self, const Tensor& q, std::optional<int64_t> dim, bool keepdim,
                     std::string_view interpolation, bool ignore_nan) {
  const char* name = ignore_nan ? "nanquantile" : "quantile";
  const Interp mode = parse_interpolation(interpolation, name);
  TORSH_CHECK(self.numel() > 0, name, "() input tensor must be non-empty");
  TORSH_CHECK(q.dim() <= 1, name, "() q must be a scalar or 1D tensor");
  TORSH_CHECK(self.dtype() == kFloat || self.dtype() == kDouble, name,
              "() input tensor must be either float or double dtype");
  TORSH_CHECK(self.dtype() == q.dtype(), name,
              "() q tensor must be same dtype as the input tensor");
  const int64_t d = dim ? detail::wrap_dim(*dim, self.dim(), name) : 0;  // before q's values
  const TensorOptions qopts = TensorOptions().dtype(q.dtype());
  {
    AutoGradMode guard(false);
    Tensor ok = torsh::logical_and(torsh::ge(q, torsh::zeros({}, qopts)),
                                   torsh::le(q, torsh::ones({}, qopts)));
    TORSH_CHECK(ok.all().item<bool>(), name, "() q values must be in the range [0, 1]");
  }
  std::vector<int64_t> out_shape;
  Tensor sorted;
  if (dim) {
    if (self.dim() > 0) {
      out_shape = self.sizes().vec();
      if (keepdim) {
        out_shape[d] = 1;
      } else {
        out_shape.erase(out_shape.begin() + d);
      }
    }
    sorted = std::get<0>(torsh::sort(self.unsqueeze(-1).transpose(d, -1), -1, false));
  } else {
    if (keepdim) out_shape.assign(static_cast<size_t>(self.dim()), 1);
    sorted = std::get<0>(torsh::sort(self.flatten(), -1, false));
  }
  std::vector<int64_t> in_shape(out_shape);
  in_shape.push_back(sorted.sizes().back());
  sorted = sorted.reshape(in_shape);
  TORSH_CHECK(sorted.sizes().back() <= (int64_t(1) << 24), name, "() input tensor is too large");

  Tensor ranks;
  if (ignore_nan) {
    Tensor count = torsh::sum(torsh::logical_not(torsh::isnan(sorted)), IntArrayRef{-1}, true);
    ranks = torsh::mul(q, torsh::sub(count, Scalar(1)));
    ranks = torsh::where(torsh::lt(ranks, torsh::zeros({}, qopts)), Scalar(0), ranks);
  } else {
    const int64_t last = sorted.sizes().back() - 1;
    auto tl = torsh::broadcast_tensors(
        {torsh::mul(q, Scalar(last)), torsh::any(torsh::isnan(sorted), -1, true)});
    ranks = torsh::where(tl[1], Scalar(last), tl[0]);
  }
  if (mode == Interp::kLower) {
    ranks = torsh::floor(ranks);
  } else if (mode == Interp::kHigher) {
    ranks = torsh::ceil(ranks);
  } else if (mode == Interp::kNearest) {
    ranks = torsh::round(ranks);
  }
  Tensor below = ranks.to(kLong);
  Tensor result = torsh::gather(sorted, -1, below);
  if (mode == Interp::kLinear || mode == Interp::kMidpoint) {
    Tensor weights =
        mode == Interp::kMidpoint ? torsh::full_like(ranks, 0.5) : torsh::sub(ranks, below);
    Tensor above = torsh::gather(sorted, -1, torsh::ceil(ranks).to(kLong));
    result = torsh::lerp(result, above, weights);
  }
  if (q.dim() == 0) return result.squeeze(-1);
  return result.unsqueeze(0).transpose(0, -1).squeeze(-1);
}

void quantile_into(Tensor& out, const Tensor& r, const char* name) {
  if (!out.defined()) {
    out = r;
    return;
  }
  TORSH_CHECK(out.dtype() == r.dtype(), name,
              "() out tensor must be same dtype as the input tensor");
  if (out.sizes().vec() == r.sizes().vec()) detail::assert_no_internal_overlap(out);
  out.resize_(r.sizes());
  out.copy_(r);
}

Tensor scalar_q(const Tensor& self, double q, const char* name) {
  TORSH_CHECK(q >= 0 && q <= 1, name, "() q must be in the range [0, 1] but got ", q);
  return torsh::full({}, q, TensorOptions().dtype(self.dtype()));
}
}  // namespace

void quantile_out(Tensor& out, const Tensor& self, const Tensor& q, std::optional<int64_t> dim,
                  bool keepdim, std::string_view interpolation) {
  quantile_into(out, quantile_impl(self, q, dim, keepdim, interpolation, false), "quantile");
}
void quantile_out(Tensor& out, const Tensor& self, double q, std::optional<int64_t> dim,
                  bool keepdim, std::string_view interpolation) {
  quantile_into(
      out, quantile_impl(self, scalar_q(self, q, "quantile"), dim, keepdim, interpolation, false),
      "quantile");
}
void nanquantile_out(Tensor& out, const Tensor& self, const Tensor& q, std::optional<int64_t> dim,
                     bool keepdim, std::string_view interpolation) {
  quantile_into(out, quantile_impl(self, q, dim, keepdim, interpolation, true), "nanquantile");
}
void nanquantile_out(Tensor& out, const Tensor& self, double q, std::optional<int64_t> dim,
                     bool keepdim, std::string_view interpolation) {
  quantile_into(
      out, quantile_impl(self, scalar_q(self, q, "nanquantile"), dim, keepdim, interpolation, true),
      "nanquantile");
}

}  // namespace torsh::native
