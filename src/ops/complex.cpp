// Complex tensors: the views between complex and real dtypes (view_as_real, view_as_complex,
// real, imag), construction from parts (complex, polar), conjugation, and the complex paths of
// the reductions (sum, mean over the real view).
#include "ops/complex.h"
#include "torsh/core/grad_mode.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
// self's storage read as dtype with the given geometry (in elements of dtype).
Tensor retyped_view(const Tensor& self, ScalarType dtype, IntArrayRef sizes, IntArrayRef strides,
                    int64_t offset) {
  return Tensor(make_intrusive<TensorImpl>(self.unsafeGetTensorImpl()->storage(), dtype, sizes,
                                           strides, offset));
}

// The parts of a complex result: torch requires two float or two double tensors.
ScalarType parts_dtype(const Tensor& a, const Tensor& b, const char* op) {
  const ScalarType ta = a.dtype(), tb = b.dtype();
  TORSH_CHECK(ta == kFloat || ta == kDouble || ta == kHalf, op,
              "(): Expected both inputs to be Half, Float or Double tensors but got ",
              scalar_type_name(ta), " and ", scalar_type_name(tb));
  TORSH_CHECK(ta == tb, op, "(): Expected object of scalar type ", scalar_type_name(ta),
              " but got scalar type ", scalar_type_name(tb), " for second argument");
  TORSH_CHECK(ta != kHalf, op, "(): not implemented for 'ComplexHalf'");
  return to_complex_type(ta);
}

// Writes re + i*im (broadcast) into out, resized to the broadcast shape.
void fill_parts(Tensor& out, const Tensor& re, const Tensor& im, ScalarType t, const char* op) {
  const auto shape = torsh::broadcast_shapes(re.sizes(), im.sizes());
  if (!out.defined()) {
    out = torsh::empty(shape, t);
  } else {
    TORSH_CHECK(out.dtype() == t, op, "(): Expected object of scalar type ", scalar_type_name(t),
                " but got scalar type ", scalar_type_name(out.dtype()), " for argument 'out'");
    out.resize_(shape);
  }
  Tensor parts = torsh::view_as_real(out);
  // parts of out itself (complex(z.imag, z.real, out=z)) are read before either is written
  const auto* st = out.unsafeGetTensorImpl()->storage().get();
  auto own = [&](const Tensor& t) {
    return t.unsafeGetTensorImpl()->storage().get() == st ? t.clone() : t;
  };
  const Tensor r = own(re), i = own(im);
  parts.select(-1, 0).copy_(r);
  parts.select(-1, 1).copy_(i);
}
}  // namespace

Tensor view_as_real(const Tensor& self) {
  TORSH_CHECK(self.is_complex(), "view_as_real is only supported for complex tensors");
  SizeVec sizes(self.sizes()), strides;
  for (int64_t s : self.strides()) strides.push_back(2 * s);
  sizes.push_back(2);
  strides.push_back(1);
  return retyped_view(self, to_real_value_type(self.dtype()), sizes, strides,
                      2 * self.storage_offset());
}

Tensor view_as_complex(const Tensor& self) {
  const ScalarType t = self.dtype();
  TORSH_CHECK(t == kFloat || t == kDouble || t == kHalf,
              "view_as_complex is only supported for float and double tensors, but got a tensor "
              "of scalar type: ",
              scalar_type_name(t));
  TORSH_CHECK(t != kHalf, "view_as_complex(): ComplexHalf is not supported");
  const int64_t nd = self.dim();
  TORSH_CHECK(nd > 0, "Input tensor must have one or more dimensions");
  TORSH_CHECK(self.sizes()[nd - 1] == 2, "Tensor must have a last dimension of size 2");
  TORSH_CHECK(self.strides()[nd - 1] == 1, "Tensor must have a last dimension with stride 1");
  SizeVec sizes, strides;
  for (int64_t d = 0; d < nd - 1; ++d) {
    TORSH_CHECK(self.strides()[d] % 2 == 0,
                "Tensor must have a stride divisible by 2 for all but "
                "last dimension");
    sizes.push_back(self.sizes()[d]);
    strides.push_back(self.strides()[d] / 2);
  }
  TORSH_CHECK(self.storage_offset() % 2 == 0, "Tensor must have a storage_offset divisible by 2");
  return retyped_view(self, to_complex_type(t), sizes, strides, self.storage_offset() / 2);
}

Tensor real(const Tensor& self) {
  if (!self.is_complex()) return self;
  return torsh::view_as_real(self).select(-1, 0);
}

Tensor imag(const Tensor& self) {
  TORSH_CHECK(self.is_complex(), "imag is not implemented for tensors with non-complex dtypes.");
  return torsh::view_as_real(self).select(-1, 1);
}

void complex_out(Tensor& out, const Tensor& real, const Tensor& imag) {
  fill_parts(out, real, imag, parts_dtype(real, imag, "complex"), "complex");
}

Tensor complex(const Tensor& real, const Tensor& imag) {
  Tensor out;
  native::complex_out(out, real, imag);
  return out;
}

void polar_out(Tensor& out, const Tensor& abs, const Tensor& angle) {
  const ScalarType t = parts_dtype(abs, angle, "polar");
  fill_parts(out, torsh::mul(abs, torsh::cos(angle)), torsh::mul(abs, torsh::sin(angle)), t,
             "polar");
}

Tensor polar(const Tensor& abs, const Tensor& angle) {
  Tensor out;
  native::polar_out(out, abs, angle);
  return out;
}

Tensor conj_physical(const Tensor& self) {
  Tensor r = torsh::clone(self, MemoryFormat::Preserve);
  if (self.is_complex()) torsh::view_as_real(r).select(-1, 1).neg_();
  return r;
}

Tensor conj(const Tensor& self) {
  if (!self.is_complex()) return self;
  return native::conj_physical(self);
}

Tensor resolve_conj(const Tensor& self) { return self; }

Tensor resolve_neg(const Tensor& self) { return self; }

}  // namespace torsh::native

namespace torsh::detail {

void check_not_complex(const Tensor& t, const char* op) {
  TORSH_CHECK(!t.is_complex(), op, "(): not implemented for '", scalar_type_name(t.dtype()), "'");
}

Tensor complex_sum(const Tensor& in, const std::vector<bool>& mask, bool keepdim) {
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < in.dim(); ++d)
    if (mask[static_cast<size_t>(d)]) dims.push_back(d);
  if (dims.empty()) return in.clone();
  // The real and imaginary parts sum independently: reduce the real view, keep its last dim.
  Tensor parts = torsh::sum(torsh::view_as_real(in), IntArrayRef(dims), keepdim);
  return torsh::view_as_complex(parts.contiguous());
}

}  // namespace torsh::detail
