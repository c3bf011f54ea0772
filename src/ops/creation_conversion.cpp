// Creation and conversion ops: Tensor.new_*, empty_strided, rand_like, randn_like, type_as,
// mvlgamma and the in-place swapaxes_/swapdims_.
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
