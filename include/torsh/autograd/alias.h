#pragma once
// torch's alias(): a second tensor over the same elements (a view with self's sizes, strides
// and offset) whose gradient flows straight back to self through AliasBackward0. Tensor
// subclasses are made from it (Python's Tensor.as_subclass).
#include "torsh/core/tensor.h"

namespace torsh {

/// A view of self with self's geometry; recorded as AliasBackward0 when self requires grad.
Tensor alias(const Tensor& self);

}  // namespace torsh
