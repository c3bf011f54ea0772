// Creation and conversion ops: Tensor.new_*, empty_strided, range, logspace, rand_like,
// randn_like, type_as, mvlgamma and the in-place swapaxes_/swapdims_.
#include <cmath>
#include <numbers>

#include "core/dispatch.h"
#include "ops/memory_layout.h"
#include "ops/scalar_check.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
constexpr int64_t kLastDim[] = {-1};

// new_*: dtype (and device) default to self's.
TensorOptions new_options(const Tensor& self, TensorOptions o) {
  return o.has_dtype() ? o : o.dtype(self.dtype());
}

// Writes r into out (allocating it when undefined): out's dtype, resized to r's shape.
void write_out(Tensor& out, const Tensor& r) {
  if (!out.defined()) {
    out = r;
    return;
  }
  if (!out.sizes().equals(r.sizes())) out.resize_(r.sizes());
  out.copy_(r);
}

// range/logspace out=: torch resizes out only when its numel differs (an out of another shape
// with as many elements keeps that shape, a 0-dim one of one element stays 0-dim).
void write_flat_out(Tensor& out, const Tensor& r) {
  if (!out.defined()) {
    out = r;
    return;
  }
  if (out.numel() != r.numel()) out.resize_(r.sizes());
  out.copy_(r.reshape(out.sizes()));
}

[[noreturn]] void not_implemented(const char* kernel, ScalarType t) {
  throw Error(std::string("\"") + kernel + "\" not implemented for '" + scalar_type_name(t) + "'");
}
}  // namespace

Tensor new_empty(const Tensor& self, IntArrayRef size, TensorOptions options) {
  return native::empty(size, new_options(self, options), std::nullopt);
}
Tensor new_zeros(const Tensor& self, IntArrayRef size, TensorOptions options) {
  return native::zeros(size, new_options(self, options));
}
Tensor new_ones(const Tensor& self, IntArrayRef size, TensorOptions options) {
  return native::ones(size, new_options(self, options));
}
Tensor new_full(const Tensor& self, IntArrayRef size, const Scalar& fill_value,
                TensorOptions options) {
  return native::full(size, fill_value, new_options(self, options));
}

Tensor empty_strided(IntArrayRef size, IntArrayRef stride, TensorOptions options) {
  check_device_available(options.device());
  TORSH_CHECK(size.size() == stride.size(), "dimensionality of sizes (", size.size(),
              ") must match dimensionality of strides (", stride.size(), ")");
  return detail::empty_strided_impl(size, stride, options.dtype());
}

// torch.range: end inclusive; the bounds and step in the dtype's accumulate type (int64 for
// integers, double otherwise), size floor((end - start) / step) + 1.
void range_out(Tensor& out, const Scalar& start, const Scalar& end, const Scalar& step,
               TensorOptions options) {
  check_device_available(options.device());
  const ScalarType dt = out.defined() ? out.dtype() : options.dtype();
  if (dt == kBool || dt == kHalf || dt == kBFloat16) not_implemented("range_cpu", dt);
  Tensor r;
  if (is_integral(dt)) {
    for (const Scalar* s : {&start, &end, &step}) detail::check_scalar_fits(*s, kLong);
    const int64_t xs = start.to_long(), xe = end.to_long(), xstep = step.to_long();
    TORSH_CHECK(xstep != 0, "step must be nonzero");
    TORSH_CHECK((xstep > 0 && xe >= xs) || (xstep < 0 && xe <= xs),
                "upper bound and lower bound inconsistent with step sign");
    const int64_t n = (xe - xs) / xstep + 1;
    r = detail::empty_strided_impl({n}, kLong);
    auto* p = r.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = xs + i * xstep;
    r = r.to(dt);
  } else {
    const double xs = start.to_double(), xe = end.to_double(), xstep = step.to_double();
    TORSH_CHECK(xstep > 0 || xstep < 0, "step must be nonzero");
    TORSH_CHECK(std::isfinite(xs) && std::isfinite(xe), "unsupported range: ", xs, " -> ", xe);
    TORSH_CHECK((xstep > 0 && xe >= xs) || (xstep < 0 && xe <= xs),
                "upper bound and lower bound inconsistent with step sign");
    const auto n = static_cast<int64_t>((xe - xs) / xstep + 1);
    r = detail::empty_strided_impl({n}, kDouble);
    auto* p = r.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = xs + static_cast<double>(i) * xstep;
    r = r.to(dt);
  }
  write_flat_out(out, r);
  if (options.requires_grad()) out.requires_grad_(true);
}

// torch.logspace: base ** linspace(start, end, steps), each half computed from its own end
// (torch's CPU kernel, whose rounding this follows: float base for integer results).
void logspace_out(Tensor& out, const Scalar& start, const Scalar& end, int64_t steps, double base,
                  TensorOptions options) {
  check_device_available(options.device());
  TORSH_CHECK(steps >= 0, "number of steps must be non-negative");
  const ScalarType dt = out.defined() ? out.dtype() : options.dtype();
  // torch's kernel (steps > 1) has no bool and no float16 instance.
  if (steps > 1 && (dt == kBool || dt == kHalf)) not_implemented("logspace_cpu", dt);
  Tensor r = detail::empty_strided_impl({steps}, dt);
  if (steps == 1) {
    r.fill_(std::pow(base, start.to_double()));
  } else if (steps > 1) {
    detail::check_scalar_fits(start, dt);  // torch reads the bounds in the result's type
    detail::check_scalar_fits(end, dt);
    detail::dispatch_all(dt, "logspace", [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, bool>) {
        T* p = r.data_ptr<T>();
        const T s = detail::convert<T>(
            start.is_floating_point() ? start.to_double() : static_cast<double>(start.to_long()));
        const T e = detail::convert<T>(
            end.is_floating_point() ? end.to_double() : static_cast<double>(end.to_long()));
        using M = detail::opmath_t<T>;
        const double step = static_cast<double>(static_cast<M>(e) - static_cast<M>(s)) /
                            static_cast<double>(steps - 1);
        const int64_t half = steps / 2;
        for (int64_t i = 0; i < steps; ++i) {
          const double x = i < half ? static_cast<double>(static_cast<M>(s)) + step * i
                                    : static_cast<double>(static_cast<M>(e)) -
                                          step * static_cast<double>(steps - i - 1);
          if constexpr (std::is_integral_v<T>) {
            p[i] = static_cast<T>(std::pow(static_cast<float>(base), x));
          } else {
            p[i] = detail::convert<T>(std::pow(base, x));
          }
        }
      }
    });
  }
  write_flat_out(out, r);
  if (options.requires_grad()) out.requires_grad_(true);
}

Tensor rand_like(const Tensor& self, TensorOptions options,
                 std::optional<MemoryFormat> memory_format) {
  Tensor t = native::empty_like(self, options, memory_format);
  return native::uniform_(t, 0, 1, std::nullopt);
}

Tensor randn_like(const Tensor& self, TensorOptions options,
                  std::optional<MemoryFormat> memory_format) {
  Tensor t = native::empty_like(self, options, memory_format);
  return native::normal_(t, 0, 1, std::nullopt);
}

Tensor type_as(const Tensor& self, const Tensor& other) { return self.to(other.dtype()); }

// torch's mvlgamma: sum over j < p of lgamma(self - j/2), plus p(p-1)/4 log(pi); integer inputs
// give the default float dtype (the in-place form keeps self's dtype, as torch's).
void mvlgamma_out(Tensor& out, const Tensor& self, int64_t p) {
  TORSH_CHECK(self.dtype() != kBool, "The input tensor may not be a boolean tensor.");
  TORSH_CHECK(p >= 1, "p has to be greater than or equal to 1");
  const bool inplace = out.defined() && out.is_same(self);
  const ScalarType dt = inplace || !is_integral(self.dtype()) ? self.dtype() : get_default_dtype();
  Tensor args = torsh::arange(-0.5 * static_cast<double>(p) + 0.5, 0.5, 0.5, TensorOptions(dt))
                    .add(self.unsqueeze(-1));
  Tensor r = args.lgamma_()
                 .sum(IntArrayRef(kLastDim, 1))
                 .add_(static_cast<double>(p * (p - 1)) * std::log(std::numbers::pi) * 0.25);
  if (out.defined() && !inplace) {
    TORSH_CHECK(can_cast(r.dtype(), out.dtype()), "mvlgamma: result type ",
                scalar_type_name(r.dtype()), " can't be cast to the desired output type ",
                scalar_type_name(out.dtype()));
  }
  write_out(out, r);
}

// transpose_ of the view metadata: sizes and strides of the two dims trade places.
void swapaxes_inplace_out(Tensor& out, const Tensor& self, int64_t axis0, int64_t axis1) {
  (void)self;  // in-place only: out is self
  const int64_t nd = out.dim();
  const int64_t a = detail::wrap_dim(axis0, nd), b = detail::wrap_dim(axis1, nd);
  SizeVec sizes(out.sizes()), strides(out.strides());
  std::swap(sizes[a], sizes[b]);
  std::swap(strides[a], strides[b]);
  out.unsafeGetTensorImpl()->set_geometry(sizes, strides, out.storage_offset());
}

}  // namespace torsh::native
