#pragma once
// libtorch's C++ indexing API: t.index({Slice(1, None), None, Ellipsis, 0, idx}) and
// t.index_put_({...}, value), with torsh::indexing::{Slice, None, Ellipsis}.
#include <cstdint>
#include <optional>
#include <string_view>

#include "torsh/core/error.h"
#include "torsh/core/tensor.h"

namespace torsh::indexing {

/// Python's `start:stop:step`; an omitted bound is nullopt (step defaults to 1).
struct Slice {
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt)
      : start(start), stop(stop), step(step.value_or(1)) {}
  std::optional<int64_t> start, stop;
  int64_t step;
};

/// `...` in a subscript.
struct EllipsisIndexType {};
inline constexpr EllipsisIndexType Ellipsis{};
/// `None` in a subscript: a new dim of size 1.
inline constexpr std::nullopt_t None = std::nullopt;

/// One entry of a subscript: None, Ellipsis ("..." too), an integer, a bool, a Slice or a
/// tensor (long indices or a bool mask).
class TensorIndex {
 public:
  enum class Kind { kNone, kEllipsis, kInteger, kBoolean, kSlice, kTensor };
  TensorIndex(std::nullopt_t) : kind_(Kind::kNone) {}         // NOLINT: implicit like libtorch
  TensorIndex(EllipsisIndexType) : kind_(Kind::kEllipsis) {}  // NOLINT
  TensorIndex(const char* s) : kind_(Kind::kEllipsis) {       // NOLINT
    TORSH_CHECK_VALUE(std::string_view(s) == "...", "Expected \"...\" to represent an ellipsis ",
                      "index, but got \"", s, "\"");
  }
  TensorIndex(int64_t i) : kind_(Kind::kInteger), integer_(i) {}          // NOLINT
  TensorIndex(int i) : TensorIndex(static_cast<int64_t>(i)) {}            // NOLINT
  TensorIndex(bool b) : kind_(Kind::kBoolean), boolean_(b) {}             // NOLINT
  TensorIndex(Slice s) : kind_(Kind::kSlice), slice_(s) {}                // NOLINT
  TensorIndex(Tensor t) : kind_(Kind::kTensor), tensor_(std::move(t)) {}  // NOLINT

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  bool boolean() const { return boolean_; }
  const Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  int64_t integer_ = 0;
  bool boolean_ = false;
  Slice slice_;
  Tensor tensor_;
};

/// A subscript applied: the view the basic entries give, and the tensor entries per remaining
/// dim (nullopt for a dim taken whole), to be passed to index / index_put_.
struct Subscript {
  Tensor view;
  OptionalTensorList indices;
  bool advanced = false;
};

/// Applies the basic entries of a subscript (ints select, slices, None, Ellipsis, bools) and
/// collects the tensor entries, with torch's rules; raises IndexError on bad subscripts.
Subscript apply_subscript(const Tensor& self, const std::vector<TensorIndex>& items);
/// self[items] = value for a tensor value (leading size-1 dims of value dropped, as torch).
void assign_subscript(const Tensor& self, const std::vector<TensorIndex>& items,
                      const Tensor& value);
/// self[items] = value for a number (converted to self's dtype).
void assign_subscript(const Tensor& self, const std::vector<TensorIndex>& items,
                      const Scalar& value);

}  // namespace torsh::indexing
