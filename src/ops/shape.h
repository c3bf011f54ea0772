#pragma once
// Helpers shared by the shape ops' files (shape.cpp, shape_repeat.cpp, join.cpp).
#include "torsh/core/tensor.h"

namespace torsh::native::detail_shape {

/// out= of a composite: out = r when out is undefined, else r's values written into out
/// (resized; r's dtype must be castable to out's, as torch's out= rule).
void assign_out(Tensor& out, const Tensor& r, const char* op);
/// The broadcast shape of a and b, with torch's infer_size error (no op name, as torch's).
SizeVec infer_size(IntArrayRef a, IntArrayRef b);

}  // namespace torsh::native::detail_shape
