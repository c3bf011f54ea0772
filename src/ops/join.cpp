// cat and stack: checks and the result's shape; the copy is a per-device kernel (the CPU's in
// cpu/copy_kernels.cpp).
#include "ops/shape.h"
#include "ops/stubs.h"
#include "torsh/generated/functions.h"
#include "torsh/generated/native.h"
#include "torsh/ops.h"

namespace torsh::native {

Tensor cat(TensorList tensors, int64_t dim) {
  TORSH_CHECK(!tensors.empty(), "torch.cat(): expected a non-empty list of Tensors");
  // Legacy behaviour kept by PyTorch: 1-D empty tensors are skipped.
  auto skip = [](const Tensor& t) { return t.dim() == 1 && t.numel() == 0; };
  const Tensor* ref = nullptr;
  ScalarType dt = tensors[0].dtype();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    TORSH_CHECK(t.dim() > 0, "cat(): zero-dimensional tensor (at position ", i,
                ") cannot be concatenated");
    dt = i == 0 ? t.dtype() : promote_types(dt, t.dtype());
    if (!ref && !skip(t)) ref = &t;
  }
  if (!ref) return torsh::empty({0}, dt);
  const int64_t nd = ref->dim();
  const int64_t d = detail::wrap_dim(dim, nd, "cat");
  SizeVec shape(ref->sizes());
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skip(t)) continue;
    TORSH_CHECK(t.dim() == nd, "cat(): Tensors must have same number of dimensions: got ", nd,
                " and ", t.dim());
    for (int64_t k = 0; k < nd; ++k) {
      TORSH_CHECK(k == d || t.sizes()[k] == shape[k],
                  "cat(): Sizes of tensors must match except "
                  "in dimension ",
                  d, ". Expected size ", shape[k], " but got size ", t.sizes()[k],
                  " for tensor number ", i, " in the list.");
    }
    total += t.sizes()[d];
  }
  shape[d] = total;
  Tensor out = torsh::empty(shape.vec(), dt);
  detail::cat_stub(out.device().type, "cat")(out, tensors, d);
  return out;
}

void cat_out(Tensor& out, TensorList tensors, int64_t dim) {
  detail_shape::assign_out(out, native::cat(tensors, dim), "cat");
}

Tensor stack(TensorList tensors, int64_t dim) {
  TORSH_CHECK(!tensors.empty(), "stack(): stack expects a non-empty TensorList");
  const int64_t d = detail::wrap_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    TORSH_CHECK(tensors[i].sizes().equals(tensors[0].sizes()),
                "stack(): stack expects each tensor to be equal size, but got ",
                detail::shape_str(tensors[0].sizes()), " at entry 0 and ",
                detail::shape_str(tensors[i].sizes()), " at entry ", i);
    parts.push_back(tensors[i].unsqueeze(d));
  }
  return native::cat(parts, d);
}

void stack_out(Tensor& out, TensorList tensors, int64_t dim) {
  detail_shape::assign_out(out, native::stack(tensors, dim), "stack");
}

}  // namespace torsh::native
