// Entry points of the functor kernels: build the iterator (promotion, broadcasting, output
// allocation; inputs converted per block in the loop), run the kernel, hand the output back.
#include <initializer_list>
#include <string_view>

#include "ops/functors/kernels.h"

#include "ops/stub.h"

namespace torsh::detail {

namespace {
KernelFn g_kernels[static_cast<int>(KernelId::kCount)][kKernelDevices] = {};
KernelFn g_complex_kernels[static_cast<int>(KernelId::kCount)][kKernelDevices] = {};
}  // namespace

void register_kernel(KernelId id, DeviceType d, KernelFn fn) {
  g_kernels[static_cast<int>(id)][kernel_slot(d)] = fn;
}

void register_complex_kernel(KernelId id, DeviceType d, KernelFn fn) {
  g_complex_kernels[static_cast<int>(id)][kernel_slot(d)] = fn;
}

namespace {
// The complex kernel of id on d; torch's error when the op takes no complex dtype.
KernelFn complex_kernel_for(KernelId id, DeviceType d, const char* op, ScalarType t) {
  TORSH_CHECK(std::string_view(op) != "sign",
              "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
              "torch.sgn instead.");
  kernel_for(id, d, op);  // the device check
  KernelFn fn = g_complex_kernels[static_cast<int>(id)][kernel_slot(d)];
  TORSH_CHECK(fn, op, "(): not implemented for '", scalar_type_name(t), "'");
  return fn;
}
}  // namespace

KernelFn kernel_for(KernelId id, DeviceType d, const char* op) {
  ensure_kernels_registered();
  const int di = static_cast<int>(d);
  KernelFn fn = di >= 0 && di < kKernelDevices ? g_kernels[static_cast<int>(id)][di] : nullptr;
  if (!fn) throw_no_kernel(op, d);
  return fn;
}

void run_kernel(const char* op, TensorIter& it, DeviceType d, KernelId kernel, KernelArgs args) {
  args.op = op;
  if (is_complex(it.common_dtype())) {
    complex_kernel_for(kernel, d, op, it.common_dtype())(it, args);
  } else {
    kernel_for(kernel, d, op)(it, args);
  }
  it.finish();
}

namespace {

// A predicate over the promoted inputs, stored as bool (or cast into out='s dtype).
void bool_op(const char* op, Tensor& out, std::initializer_list<const Tensor*> inputs,
             KernelId kernel) {
  TensorIterConfig config(op);
  config.add_output(out);
  for (const Tensor* t : inputs) config.add_input(*t);
  auto it = config.promote_inputs_to_common_dtype().output_dtype(kBool).cast_in_loop().build();
  run_kernel(op, it, (*inputs.begin())->device().type, kernel, {});
}
}  // namespace

void unary_op(const char* op, Tensor& out, const Tensor& self, bool to_float, KernelId kernel,
              const KernelArgs& args) {
  if (is_complex(self.dtype()) &&
      (kernel == KernelId::Unary_Abs || kernel == KernelId::Unary_Angle)) {
    // |z| and arg(z) are real: the result has the complex type's real type.
    TORSH_CHECK(!out.defined() || !out.is_same(self), "In-place ", op,
                " is not supported for complex tensors.");
    auto it = TensorIterConfig(op)
                  .add_output(out)
                  .add_input(self)
                  .promote_inputs_to_common_dtype()
                  .output_dtype(to_real_value_type(self.dtype()))
                  .cast_in_loop()
                  .build();
    return run_kernel(op, it, self.device().type, kernel, args);
  }
  // PyTorch's unary ops that keep the input dtype write only into outputs of that dtype; the
  // float ones (exp, sin, ...) cast into any output the result can be cast to.
  TORSH_CHECK(to_float || !out.defined() || out.dtype() == self.dtype(), op, "(): Found dtype ",
              scalar_type_name(out.dtype()), " but expected ", scalar_type_name(self.dtype()));
  auto it = TensorIterConfig(op)
                .add_output(out)
                .add_input(self)
                .promote_inputs_to_common_dtype(to_float)
                .promote_integer_inputs_to_float(to_float)
                .cast_in_loop()
                .build();
  run_kernel(op, it, self.device().type, kernel, args);
}

void binary_op(const char* op, Tensor& out, const Tensor& a, const Tensor& b, bool to_float,
               KernelId kernel, const KernelArgs& args) {
  auto it = TensorIterConfig(op)
                .add_output(out)
                .add_input(a)
                .add_input(b)
                .promote_inputs_to_common_dtype()
                .promote_integer_inputs_to_float(to_float)
                .cast_in_loop()
                .build();
  run_kernel(op, it, a.device().type, kernel, args);
}

void unary_bool_op(const char* op, Tensor& out, const Tensor& self, KernelId kernel) {
  bool_op(op, out, {&self}, kernel);
}

void binary_bool_op(const char* op, Tensor& out, const Tensor& a, const Tensor& b,
                    KernelId kernel) {
  bool_op(op, out, {&a, &b}, kernel);
}

}  // namespace torsh::detail
