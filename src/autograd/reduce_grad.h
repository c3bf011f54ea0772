#pragma once
// The engine's form of reduce_grad (torsh/autograd/node.h): an invalid gradient is reported
// with the node's name and the input's index, as torch's validate_outputs does.
#include <cstddef>

#include "torsh/autograd/node.h"

namespace torsh::autograd {

Tensor reduce_grad_of(const Tensor& grad, Node& fn, size_t index);

}  // namespace torsh::autograd
