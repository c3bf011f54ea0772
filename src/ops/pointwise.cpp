// Entry points of the functor kernels: build the iterator (promotion, broadcasting, output
// allocation; inputs converted per block in the loop), run the kernel, hand the output back.
#include "ops/functors/kernels.h"

namespace torsh::detail {

void unary_op(const char* op, Tensor& out, const Tensor& self, bool to_float, KernelFn kernel) {
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
  KernelArgs args;
  args.op = op;
  kernel(it, args);
  it.finish();
}

void binary_op(const char* op, Tensor& out, const Tensor& a, const Tensor& b, bool to_float,
               KernelFn kernel, const KernelArgs& args) {
  auto it = TensorIterConfig(op)
                .add_output(out)
                .add_input(a)
                .add_input(b)
                .promote_inputs_to_common_dtype()
                .promote_integer_inputs_to_float(to_float)
                .cast_in_loop()
                .build();
  KernelArgs named = args;
  named.op = op;
  kernel(it, named);
  it.finish();
}

}  // namespace torsh::detail
