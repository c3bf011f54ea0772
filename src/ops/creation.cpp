// Creation ops: empty, zeros, ones, full, arange, linspace, eye, *_like, tensor().
#include <cmath>
#include <functional>
#include <limits>
#include <memory>

#include "core/dispatch.h"
#include "core/strides.h"
#include "ops/memory_layout.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh {
namespace native {

namespace {
Tensor make(IntArrayRef size, ScalarType dtype, const TensorOptions& o) {
  check_device_available(o.device());
  Tensor t = detail::empty_strided_impl(size, dtype);
  (void)o.requires_grad();  // recorded by the autograd layer once it exists
  return t;
}
ScalarType scalar_default_dtype(const Scalar& s) {
  if (s.is_floating_point()) return get_default_dtype();
  if (s.is_complex()) return get_default_complex_dtype();
  return s.type();
}
}  // namespace

Tensor empty(IntArrayRef size, TensorOptions options, std::optional<MemoryFormat> memory_format) {
  check_device_available(options.device());
  return empty_in_format(size, options.dtype(), memory_format.value_or(MemoryFormat::Contiguous));
}

Tensor zeros(IntArrayRef size, TensorOptions options) {
  Tensor t = make(size, options.dtype(), options);
  detail::fill_stub(t.device().type, "zeros")(t, 0);
  return t;
}

Tensor ones(IntArrayRef size, TensorOptions options) {
  return make(size, options.dtype(), options).fill_(1);
}

Tensor full(IntArrayRef size, const Scalar& fill_value, TensorOptions options) {
  ScalarType dt = options.has_dtype() ? options.dtype() : scalar_default_dtype(fill_value);
  return make(size, dt, options).fill_(fill_value);
}

Tensor arange(const Scalar& end, TensorOptions options) {
  return native::arange(0, end, 1, options);
}

Tensor arange(const Scalar& start, const Scalar& end, TensorOptions options) {
  return native::arange(start, end, 1, options);
}

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, TensorOptions options) {
  bool any_float = start.is_floating_point() || end.is_floating_point() || step.is_floating_point();
  ScalarType dt = options.has_dtype() ? options.dtype() : (any_float ? get_default_dtype() : kLong);
  const int64_t n = arange_length(start, end, step, dt);
  Tensor t = make({n}, dt, options);
  if (n > 0) detail::arange_stub(t.device().type, "arange")(t, start, step);
  return t;
}

int64_t arange_length(const Scalar& start, const Scalar& end, const Scalar& step, ScalarType dt) {
  TORSH_CHECK(dt != kBool, "\"arange_cpu\" not implemented for 'Bool'");  // as torch
  // As PyTorch: integer results take start, end and step truncated to int64 for the checks and
  // the values; the length is computed in int64 for int64 results and from the doubles otherwise.
  const bool integral = !is_floating_point(dt);
  if (integral) {  // torch reads the bounds and step as int64 (checked) for integer results
    for (const Scalar* s : {&start, &end, &step}) detail::check_scalar_fits(*s, kLong);
  }
  const int64_t is = start.to_long(), ie = end.to_long(), istep = step.to_long();
  double xs = start.to_double(), xe = end.to_double(), xstep = step.to_double();
  if (integral) {
    TORSH_CHECK(istep != 0, "arange(): step must be nonzero");
    TORSH_CHECK((istep > 0 && ie >= is) || (istep < 0 && ie <= is),
                "arange(): upper bound and larger bound inconsistent with step sign");
  }
  // torch checks the bounds and step in the dtype's CPU accumulate type, float for float16
  // and bfloat16 results (a double below float's range is 0 there); the size uses doubles.
  const bool half = dt == kHalf || dt == kBFloat16;
  auto acc = [half](double v) { return half ? static_cast<double>(static_cast<float>(v)) : v; };
  const double as = acc(xs), ae = acc(xe), astep = acc(xstep);
  TORSH_CHECK(astep > 0 || astep < 0, "arange(): step must be nonzero");
  TORSH_CHECK(std::isfinite(as) && std::isfinite(ae), "arange(): unsupported range: ", as, " -> ",
              ae);
  TORSH_CHECK(integral || (astep > 0 && ae >= as) || (astep < 0 && ae <= as),
              "arange(): upper bound and larger bound inconsistent with step sign");
  double size_d;
  if (dt == kLong) {
    // PyTorch's int64 formula, (end - start + step - sign(step)) / step in int64 arithmetic
    // (wrapping where it overflows, as its build does), then truncating division.
    const uint64_t sgn = static_cast<uint64_t>((istep > 0) - (istep < 0));
    const auto num = static_cast<int64_t>(static_cast<uint64_t>(ie) - static_cast<uint64_t>(is) +
                                          static_cast<uint64_t>(istep) - sgn);
    // INT64_MIN / -1 overflows; its quotient (2**63) is too large for a size either way.
    size_d = num == std::numeric_limits<int64_t>::min() && istep == -1
                 ? 9223372036854775808.0
                 : static_cast<double>(num / istep);
  } else {
    size_d = std::ceil((xe - xs) / xstep);
  }
  TORSH_CHECK(size_d >= 0 && size_d <= static_cast<double>(std::numeric_limits<int64_t>::max()),
              "arange(): invalid size, possible overflow?");
  return static_cast<int64_t>(size_d);
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, TensorOptions options) {
  TORSH_CHECK(steps >= 0, "linspace(): number of steps must be non-negative");
  ScalarType dt = options.dtype();
  Tensor t = make({steps}, dt, options);
  if (steps == 0) return t;
  detail::check_scalar_fits(start, dt);
  if (steps > 1) detail::check_scalar_fits(end, dt);
  detail::linspace_stub(t.device().type, "linspace")(t, start, end);
  return t;
}

Tensor eye(int64_t n, TensorOptions options) { return native::eye(n, n, options); }

Tensor eye(int64_t n, int64_t m, TensorOptions options) {
  TORSH_CHECK(n >= 0, "eye(): n must be greater or equal to 0, got ", n);
  TORSH_CHECK(m >= 0, "eye(): m must be greater or equal to 0, got ", m);
  Tensor t = native::zeros({n, m}, options);
  const int64_t k = std::min(n, m);
  if (k > 0) native::slice(t.view({-1}), 0, 0, (k - 1) * (m + 1) + 1, m + 1).fill_(1);  // diagonal
  return t;
}

Tensor empty_like(const Tensor& self, TensorOptions options,
                  std::optional<MemoryFormat> memory_format) {
  check_device_available(options.device());
  return empty_like_in_format(self, options.has_dtype() ? options.dtype() : self.dtype(),
                              memory_format);
}
Tensor zeros_like(const Tensor& self, TensorOptions options,
                  std::optional<MemoryFormat> memory_format) {
  Tensor t = native::empty_like(self, options, memory_format);
  detail::fill_stub(t.device().type, "zeros_like")(t, 0);
  return t;
}
Tensor ones_like(const Tensor& self, TensorOptions options,
                 std::optional<MemoryFormat> memory_format) {
  return native::empty_like(self, options, memory_format).fill_(1);
}
Tensor full_like(const Tensor& self, const Scalar& fill_value, TensorOptions options,
                 std::optional<MemoryFormat> memory_format) {
  return native::empty_like(self, options, memory_format).fill_(fill_value);
}

}  // namespace native

TensorData::TensorData(std::initializer_list<TensorData> l)
    : scalar_(0), is_scalar_(false), type_(kBool), children_(l) {
  bool any_float = false, any_int = false;
  for (const auto& c : children_) {
    any_float |= c.type_ == kFloat;
    any_int |= c.type_ == kLong;
  }
  type_ = any_float ? kFloat : (any_int ? kLong : kBool);
}

void TensorData::flatten(std::vector<Scalar>& values, std::vector<int64_t>& sizes,
                         size_t depth) const {
  if (is_scalar_) {
    TORSH_CHECK_VALUE(depth == sizes.size(), "tensor(): expected sequence of length ",
                      depth < sizes.size() ? sizes[depth] : 0, " at dim ", depth,
                      " (got a number)");
    values.push_back(scalar_);
    return;
  }
  if (depth == sizes.size()) {
    sizes.push_back(static_cast<int64_t>(children_.size()));
  } else {
    TORSH_CHECK_VALUE(sizes[depth] == static_cast<int64_t>(children_.size()),
                      "tensor(): expected sequence of length ", sizes[depth], " at dim ", depth,
                      " (got ", children_.size(), ")");
  }
  for (const auto& c : children_) c.flatten(values, sizes, depth + 1);
}

namespace {
// torch.tensor refuses values an integer target type cannot hold.
void check_fits(const Scalar& s, ScalarType dtype) {
  if (s.is_complex() && !is_complex(dtype)) {
    // As torch, which reads the value with Python's int() or float().
    TORSH_CHECK_TYPE(!is_integral(dtype, true),
                     "'complex' object cannot be interpreted as an integer");
    TORSH_CHECK_TYPE(false, "must be real number, not complex");
  }
  if (dtype == kBool || s.is_boolean() || is_complex(dtype)) return;
  double v = s.to_double();
  double lo, hi;
  switch (dtype) {
    case kByte:  // negative integers wrap, as in torch; negative floats do not fit
      lo = s.is_floating_point() ? 0 : -255, hi = 255;
      break;
    case kChar:
      lo = -128, hi = 127;
      break;
    case kShort:
      lo = -32768, hi = 32767;
      break;
    case kInt:
      lo = -2147483648.0, hi = 2147483647.0;
      break;
    case kLong:
      if (s.is_integral()) return;
      lo = -9223372036854775808.0, hi = 9223372036854775807.0;
      break;
    default:
      return;  // floating targets round (to inf if need be)
  }
  TORSH_CHECK(!std::isnan(v) && v >= lo && v <= hi, "tensor(): value cannot be converted to type ",
              dtype_name(dtype), " without overflow");
}
}  // namespace

Tensor tensor_from_scalars(const std::vector<Scalar>& values, IntArrayRef sizes, ScalarType dtype) {
  for (const Scalar& s : values) check_fits(s, dtype);
  // Sizes are checked against the values before anything is allocated.
  int64_t n = 1;
  for (int64_t d : sizes) {
    TORSH_CHECK(d >= 0 && !__builtin_mul_overflow(n, d, &n), "tensor(): invalid size ", d);
  }
  TORSH_CHECK(n == static_cast<int64_t>(values.size()), "tensor(): size mismatch: ", n,
              " elements for ", values.size(), " values");
  Tensor t = detail::empty_strided_impl(sizes, dtype);
  detail::dispatch_all_and_complex(dtype, "tensor", [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data_ptr<T>();
    for (size_t i = 0; i < values.size(); ++i) {
      const Scalar& s = values[i];
      if (s.is_complex()) {
        p[i] = detail::convert<T>(s.to_complex());
      } else if (s.is_floating_point()) {
        p[i] = detail::convert<T>(s.to_double());
      } else if (s.is_boolean()) {
        p[i] = detail::convert<T>(s.to_bool());
      } else {
        p[i] = detail::convert<T>(s.to_long());
      }
    }
  });
  return t;
}

Tensor tensor(const TensorData& data, TensorOptions options) {
  std::vector<Scalar> values;
  std::vector<int64_t> sizes;
  check_device_available(options.device());
  data.flatten(values, sizes, 0);
  ScalarType inferred = data.inferred_type() == kFloat ? get_default_dtype() : data.inferred_type();
  Tensor t = tensor_from_scalars(values, sizes, options.has_dtype() ? options.dtype() : inferred);
  if (options.requires_grad()) t.requires_grad_(true);
  return t;
}

template <typename T>
Tensor tensor(const std::vector<T>& values, TensorOptions options) {
  check_device_available(options.device());
  std::vector<Scalar> sv(values.begin(), values.end());
  ScalarType inferred = std::is_floating_point_v<T> ? get_default_dtype()
                        : std::is_same_v<T, bool>   ? kBool
                                                    : kLong;
  return tensor_from_scalars(sv, {static_cast<int64_t>(values.size())},
                             options.has_dtype() ? options.dtype() : inferred);
}
template Tensor tensor<float>(const std::vector<float>&, TensorOptions);
template Tensor tensor<double>(const std::vector<double>&, TensorOptions);
template Tensor tensor<int64_t>(const std::vector<int64_t>&, TensorOptions);
template Tensor tensor<int>(const std::vector<int>&, TensorOptions);

Tensor scalar_tensor(const Scalar& s, TensorOptions options) {
  check_device_available(options.device());
  return tensor_from_scalars({s}, {}, options.dtype());
}

namespace {
// Bytes spanned by a view of these sizes and strides; 0 for an empty tensor.
size_t blob_nbytes(IntArrayRef sizes, IntArrayRef strides, ScalarType dtype) {
  TORSH_CHECK(sizes.size() == strides.size(), "from_blob(): got ", sizes.size(), " sizes but ",
              strides.size(), " strides");
  int64_t extent = 1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    TORSH_CHECK(sizes[i] >= 0, "from_blob(): negative dimension ", sizes[i]);
    if (sizes[i] == 0) extent = 0;
    if (extent > 0) extent += (sizes[i] - 1) * strides[i];
  }
  return static_cast<size_t>(std::max<int64_t>(extent, 0) * element_size(dtype));
}
}  // namespace

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, ScalarType dtype,
                 DeleterFn deleter, void* ctx) {
  Storage st = make_intrusive<StorageImpl>(data, blob_nbytes(sizes, strides, dtype), deleter, ctx);
  return Tensor(make_intrusive<TensorImpl>(std::move(st), dtype, sizes, strides, 0));
}

namespace {
// Owns a std::function deleter until the storage dies, then calls it with the data pointer.
struct BlobDeleter {
  std::function<void(void*)> fn;
  void* data;
  static void call(void* ctx) {
    std::unique_ptr<BlobDeleter> d(static_cast<BlobDeleter*>(ctx));
    d->fn(d->data);
  }
};

Tensor blob(void* data, IntArrayRef sizes, IntArrayRef strides,
            const std::function<void(void*)>* deleter, const TensorOptions& options) {
  TORSH_CHECK(options.device().is_cpu(), "from_blob(): device ", options.device().str(),
              " is not available in this build");
  blob_nbytes(sizes, strides, options.dtype());  // argument errors throw before d exists
  auto* d = deleter && *deleter ? new BlobDeleter{*deleter, data} : nullptr;
  Tensor t = from_blob(data, sizes, strides, options.dtype(), d ? &BlobDeleter::call : nullptr, d);
  if (options.requires_grad()) t.requires_grad_(true);
  return t;
}
}  // namespace

Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options) {
  return blob(data, sizes, detail::contiguous_strides(sizes), nullptr, options);
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& options) {
  return blob(data, sizes, strides, nullptr, options);
}

Tensor from_blob(void* data, IntArrayRef sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& options) {
  return blob(data, sizes, detail::contiguous_strides(sizes), &deleter, options);
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides,
                 const std::function<void(void*)>& deleter, const TensorOptions& options) {
  return blob(data, sizes, strides, &deleter, options);
}

}  // namespace torsh
