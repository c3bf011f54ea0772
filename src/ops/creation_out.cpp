// The out= forms of the factories (torch.zeros(..., out=t), torch.arange(..., out=t), range,
// logspace, the random factories): the result takes out's dtype, out is resized to the result's
// sizes and written through its strides. The range-like ops (arange, range, linspace, logspace)
// resize out only when its element count differs, as torch.
#include <cmath>
#include <limits>

#include "core/dispatch.h"
#include "ops/memory_layout.h"
#include "ops/scalar_check.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

namespace {
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

// The other factories' out=: out resized to the result's sizes (kept where they are equal,
// strides included), then written through its strides.
void write_shaped_out(Tensor& out, const Tensor& r) {
  if (!out.defined()) {
    out = r;
    return;
  }
  out.resize_(r.sizes());
  out.copy_(r);
}

// The result's dtype is out's (torch.arange(5, out=float_tensor) counts in float).
TensorOptions out_options(const Tensor& out, TensorOptions o) {
  return out.defined() ? o.dtype(out.dtype()) : o;
}

// out resized for a fill in place (rand, randn, randint: the draws follow out's strides, as
// torch's).
Tensor& resized(Tensor& out, IntArrayRef size, TensorOptions o) {
  check_device_available(o.device());
  if (!out.defined()) out = native::empty(size, o, std::nullopt);
  out.resize_(size);
  return out;
}

[[noreturn]] void not_implemented(const char* kernel, ScalarType t) {
  throw Error(std::string("\"") + kernel + "\" not implemented for '" + scalar_type_name(t) + "'");
}
// requires_grad=True beside out= marks out, as torch's binding.
void mark_grad(Tensor& out, const TensorOptions& o) {
  if (o.requires_grad()) out.requires_grad_(true);
}

// torch's conversion of a double to an integer type on x86 (cvttsd2si): out of range or NaN
// gives INT64_MIN for int64; narrower types truncate the int32 conversion (INT32_MIN when out
// of its range).
template <typename T>
T x86_trunc(double v) {
  if constexpr (sizeof(T) == 8) {
    const bool bad = !(v >= -0x1p63 && v < 0x1p63);
    return bad ? std::numeric_limits<T>::min() : static_cast<T>(v);
  } else {
    const bool bad = !(v > -0x1p31 - 1 && v < 0x1p31);
    return static_cast<T>(bad ? std::numeric_limits<int32_t>::min() : static_cast<int32_t>(v));
  }
}
}  // namespace

void empty_out(Tensor& out, IntArrayRef size, TensorOptions options,
               std::optional<MemoryFormat> memory_format) {
  TORSH_CHECK(!memory_format,
              "'memory_format' argument is incompatible with 'out' tensor argument");
  resized(out, size, options);
  mark_grad(out, options);
}

void zeros_out(Tensor& out, IntArrayRef size, TensorOptions options) {
  resized(out, size, options).zero_();
  mark_grad(out, options);
}

void ones_out(Tensor& out, IntArrayRef size, TensorOptions options) {
  resized(out, size, options).fill_(1);
  mark_grad(out, options);
}

void full_out(Tensor& out, IntArrayRef size, const Scalar& fill_value, TensorOptions options) {
  resized(out, size, options).fill_(fill_value);
  mark_grad(out, options);
}

void arange_out(Tensor& out, const Scalar& end, TensorOptions options) {
  native::arange_out(out, 0, end, 1, options);
}

void arange_out(Tensor& out, const Scalar& start, const Scalar& end, TensorOptions options) {
  native::arange_out(out, start, end, 1, options);
}

// A contiguous out (after the resize, when its element count differs) is filled in place, as
// torch: no second buffer of the result's size.
void arange_out(Tensor& out, const Scalar& start, const Scalar& end, const Scalar& step,
                TensorOptions options) {
  if (!out.defined()) {
    out = native::arange(start, end, step, options);
  } else {
    check_device_available(options.device());
    const int64_t n = arange_length(start, end, step, out.dtype());
    if (out.numel() != n) out.resize_({n});
    if (!out.is_contiguous())
      out.copy_(native::arange(start, end, step, out_options(out, options)).reshape(out.sizes()));
    else if (n > 0)
      detail::arange_stub(out.device().type, "arange")(out, start, step);
  }
  mark_grad(out, options);
}

void linspace_out(Tensor& out, const Scalar& start, const Scalar& end, int64_t steps,
                  TensorOptions options) {
  write_flat_out(out, native::linspace(start, end, steps, out_options(out, options)));
  mark_grad(out, options);
}

void eye_out(Tensor& out, int64_t n, TensorOptions options) {
  write_shaped_out(out, native::eye(n, n, out_options(out, options)));
  mark_grad(out, options);
}

void eye_out(Tensor& out, int64_t n, int64_t m, TensorOptions options) {
  write_shaped_out(out, native::eye(n, m, out_options(out, options)));
  mark_grad(out, options);
}

void rand_out(Tensor& out, IntArrayRef size, std::optional<Generator> generator,
              TensorOptions options) {
  native::uniform_(resized(out, size, options), 0, 1, generator);
  mark_grad(out, options);
}

void randn_out(Tensor& out, IntArrayRef size, std::optional<Generator> generator,
               TensorOptions options) {
  native::normal_(resized(out, size, options), 0, 1, generator);
  mark_grad(out, options);
}

void randint_out(Tensor& out, int64_t low, int64_t high, IntArrayRef size,
                 std::optional<Generator> generator, TensorOptions options) {
  native::random_(resized(out, size, options.has_dtype() ? options : options.dtype(kLong)), low,
                  high, generator);
  mark_grad(out, options);
}

void randint_out(Tensor& out, int64_t high, IntArrayRef size, std::optional<Generator> generator,
                 TensorOptions options) {
  native::randint_out(out, 0, high, size, generator, options);
}

void randperm_out(Tensor& out, int64_t n, std::optional<Generator> generator,
                  TensorOptions options) {
  const TensorOptions o = out_options(out, options.has_dtype() ? options : options.dtype(kLong));
  write_shaped_out(out, native::randperm(n, generator, o));
  mark_grad(out, options);
}

namespace {
// range's n values value(i), converted to the result's dtype as they are written: into out when
// it is contiguous (after a resize when its element count differs), else through one buffer.
template <typename F>
void fill_range(Tensor& out, ScalarType dt, int64_t n, F value) {
  Tensor dst;
  if (out.defined()) {
    if (out.numel() != n) out.resize_({n});
    dst = out.is_contiguous() ? out : detail::empty_strided_impl({n}, dt);
  } else {
    out = dst = detail::empty_strided_impl({n}, dt);
  }
  detail::dispatch_all(dt, "range", [&](auto tag) {
    using T = decltype(tag);
    T* p = dst.data_ptr<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = detail::convert<T>(value(i));
  });
  if (!dst.is_same(out)) out.copy_(dst.reshape(out.sizes()));
}
}  // namespace

// torch.range: end inclusive; the bounds and step in the dtype's accumulate type (int64 for
// integers, double otherwise), size floor((end - start) / step) + 1.
void range_out(Tensor& out, const Scalar& start, const Scalar& end, const Scalar& step,
               TensorOptions options) {
  check_device_available(options.device());
  const ScalarType dt = out.defined() ? out.dtype() : options.dtype();
  if (dt == kBool || dt == kHalf) not_implemented("range_cpu", dt);
  if (is_integral(dt)) {
    for (const Scalar* s : {&start, &end, &step}) detail::check_scalar_fits(*s, kLong);
    const int64_t xs = start.to_long(), xe = end.to_long(), xstep = step.to_long();
    TORSH_CHECK(xstep != 0, "step must be nonzero");
    TORSH_CHECK((xstep > 0 && xe >= xs) || (xstep < 0 && xe <= xs),
                "upper bound and lower bound inconsistent with step sign");
    // Wrapping int64 arithmetic, as torch's build (no signed overflow here).
    const auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
    const int64_t n = wrap(
        static_cast<uint64_t>(wrap(static_cast<uint64_t>(xe) - static_cast<uint64_t>(xs)) / xstep) +
        1);
    fill_range(out, dt, n, [&](int64_t i) {
      return wrap(static_cast<uint64_t>(xs) +
                  static_cast<uint64_t>(i) * static_cast<uint64_t>(xstep));
    });
  } else if (dt == kBFloat16) {  // torch's accumulate type for bfloat16 is float: all in float
    for (const Scalar* s : {&start, &end, &step}) detail::check_scalar_fits(*s, kFloat);
    const auto xs = static_cast<float>(start.to_double()), xe = static_cast<float>(end.to_double()),
               xstep = static_cast<float>(step.to_double());
    TORSH_CHECK(xstep > 0 || xstep < 0, "step must be nonzero");
    TORSH_CHECK(std::isfinite(xs) && std::isfinite(xe), "unsupported range: ", xs, " -> ", xe);
    TORSH_CHECK((xstep > 0 && xe >= xs) || (xstep < 0 && xe <= xs),
                "upper bound and lower bound inconsistent with step sign");
    const int64_t n = x86_trunc<int64_t>(static_cast<double>((xe - xs) / xstep + 1));
    fill_range(out, dt, n, [&](int64_t i) { return xs + static_cast<float>(i) * xstep; });
  } else {
    const double xs = start.to_double(), xe = end.to_double(), xstep = step.to_double();
    TORSH_CHECK(xstep > 0 || xstep < 0, "step must be nonzero");
    TORSH_CHECK(std::isfinite(xs) && std::isfinite(xe), "unsupported range: ", xs, " -> ", xe);
    TORSH_CHECK((xstep > 0 && xe >= xs) || (xstep < 0 && xe <= xs),
                "upper bound and lower bound inconsistent with step sign");
    const int64_t n = x86_trunc<int64_t>((xe - xs) / xstep + 1);
    fill_range(out, dt, n, [&](int64_t i) { return xs + static_cast<double>(i) * xstep; });
  }
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
        // An integer bound is read as an integer (2**63 - 1 stays exact in int64).
        auto read = [](const Scalar& v) -> T {
          if (!v.is_floating_point()) {
            if constexpr (std::is_integral_v<T>) return static_cast<T>(v.to_long());
            return detail::convert<T>(static_cast<double>(v.to_long()));
          }
          return detail::convert<T>(v.to_double());
        };
        const T s = read(start), e = read(end);
        using M = detail::opmath_t<T>;
        double diff;  // e - s in C's arithmetic (int for narrow types), wrapping for int64
        if constexpr (std::is_integral_v<M>) {
          using W = decltype(M() + 0);
          using U = std::make_unsigned_t<W>;
          diff = static_cast<double>(static_cast<W>(static_cast<U>(static_cast<W>(e)) -
                                                    static_cast<U>(static_cast<W>(s))));
        } else {
          diff = static_cast<double>(static_cast<M>(e) - static_cast<M>(s));
        }
        const double step = diff / static_cast<double>(steps - 1);
        const int64_t half = steps / 2;
        for (int64_t i = 0; i < steps; ++i) {
          const double x = i < half ? static_cast<double>(static_cast<M>(s)) + step * i
                                    : static_cast<double>(static_cast<M>(e)) -
                                          step * static_cast<double>(steps - i - 1);
          if constexpr (std::is_integral_v<T>) {
            p[i] = x86_trunc<T>(std::pow(static_cast<float>(base), x));
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

}  // namespace torsh::native
