#pragma once
// TensorIter: broadcasting, type promotion, output allocation, dimension reordering and
// coalescing, solved once for every pointwise op and reduction.
#include <array>
#include <cstdint>
#include <functional>

#include "torsh/core/tensor.h"
#include "torsh/core/threads.h"

namespace torsh::detail {

constexpr int kMaxOperands = 8;

/// Broadcast shape of a and b with PyTorch's error wording; op names the caller.
SizeVec broadcast_shapes(IntArrayRef a, IntArrayRef b, const char* op);
/// torch.result_type over tensors (0-dim and wrapped numbers promote by category).
ScalarType result_type(const Tensor* const* tensors, int n);

/// True when the elements of t fill a memory block without gaps or repeats (PyTorch's
/// is_non_overlapping_and_dense, any dim order).
bool is_non_overlapping_and_dense(const Tensor& t);
/// Refuses a written-to tensor in which several elements share memory (a stride-0 dim), with
/// PyTorch's message.
void assert_no_internal_overlap(const Tensor& out);
/// Refuses an input that shares some, but not all, of its memory with the written-to tensor
/// (the same memory with the same layout is allowed), with PyTorch's message.
void assert_no_partial_overlap(const Tensor& out, const Tensor& in);

class TensorIter;

/// Builder for a TensorIter (outputs first, then inputs).
class TensorIterConfig {
 public:
  explicit TensorIterConfig(const char* op) : op_(op) {}
  /// out may be undefined: the iterator allocates it and writes it back.
  TensorIterConfig& add_output(Tensor& out);
  /// in is referenced, not copied: it must outlive build() (pass named tensors).
  TensorIterConfig& add_input(const Tensor& in);
  /// Casts inputs to the common dtype (computed from inputs as torch.result_type).
  TensorIterConfig& promote_inputs_to_common_dtype(bool v = true);
  /// With promotion: inputs keep their dtypes and outputs are written in theirs; the loop
  /// converts per block (no converted copies). Loops read TensorIter::dtype(k).
  TensorIterConfig& cast_in_loop(bool v = true);
  /// Promotes integral common dtypes to the default float dtype (true division, exp, ...).
  TensorIterConfig& promote_integer_inputs_to_float(bool v = true);
  /// Fixes the output dtype (bool for comparisons) instead of the common dtype.
  TensorIterConfig& output_dtype(ScalarType t);
  /// Reduction mode: outputs are given in the keepdim shape (size 1 where reduced, so stride 0
  /// there) and keep their own dtypes (the reduction kernel writes each one); see iter/reduce.h.
  TensorIterConfig& is_reduction(bool v = true);
  /// Reduction mode: also track the flat index over the reduced dims (TensorIter::index_stride);
  /// dims then coalesce only where that index is linear too.
  TensorIterConfig& track_reduced_index(bool v = true);
  /// Forces the computation dtype.
  TensorIterConfig& common_dtype(ScalarType t);
  /// With false, defined outputs take part in broadcasting and are never resized (fill_, copy_).
  TensorIterConfig& resize_outputs(bool v);
  /// With false, outputs may overlap themselves or the inputs (fill_ of an expanded tensor).
  TensorIterConfig& check_mem_overlap(bool v);
  TensorIter build();

 private:
  friend class TensorIter;
  bool try_fast_path(TensorIter& it);
  // Output strides of torch's fast setup (inputs of one shape, all contiguous, all channels-last
  // or all dense with equal strides); empty when the dim order decides.
  SizeVec same_shape_layout(IntArrayRef shape) const;
  bool casts_in_loop(ScalarType want, ScalarType out) const;
  bool try_reduction_fast_path(TensorIter& it);
  const char* op_;
  Tensor* outs_[kMaxOperands] = {};
  const Tensor* ins_[kMaxOperands] = {};
  Tensor casted_[kMaxOperands];  // inputs converted to the common dtype (moved into the iter)
  int nout_ = 0, nin_ = 0;
  bool promote_ = false, cast_in_loop_ = false, int_to_float_ = false, reduction_ = false,
       resize_outputs_ = true;
  bool track_index_ = false, check_overlap_ = true;
  ScalarType out_dtype_ = ScalarType::Undefined;
  ScalarType common_ = ScalarType::Undefined;
};

/// Signature of the inner loop: data pointers (outputs first), byte strides of the innermost
/// dim per operand, and the number of elements.
using Loop1d = std::function<void(char** data, const int64_t* strides, int64_t n)>;

/// A prepared iteration over broadcast operands.
class TensorIter {
 public:
  int ntensors() const { return nt_; }
  int noutputs() const { return nout_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t numel() const { return numel_; }
  IntArrayRef shape() const { return shape_; }
  /// Byte stride of operand k along (reordered, coalesced) dim d.
  int64_t stride(int k, int d) const { return strides_[k][d]; }
  /// With track_reduced_index: stride along dim d of the flat row-major index over the reduced
  /// dims (0 on kept dims), so argmax reports logical indices whatever the memory order.
  int64_t index_stride(int d) const { return index_strides_.empty() ? 0 : index_strides_[d]; }
  char* data(int k) const { return data_[k]; }
  ScalarType common_dtype() const { return common_; }
  /// Element dtype of operand k (differs from the common dtype only with cast_in_loop).
  ScalarType dtype(int k) const { return dtypes_[k]; }
  /// True when every operand is contiguous over the whole range (a single flat loop).
  bool is_contiguous() const;
  /// Runs the loop over [begin, end) of the flat iteration space (serially).
  void serial_for_each(const Loop1d& loop, int64_t begin, int64_t end) const;
  /// Runs the loop over the whole range, split across threads above the grain size. A flat
  /// range that stays on one thread calls the loop directly (no type erasure: per-op cost).
  template <typename F>
  void for_each(const F& loop, int64_t grain = 32768) const {
    if (numel_ == 0) return;
    if (shape_.size() <= 1 && (numel_ <= grain || get_num_threads() <= 1)) {
      char* ptrs[kMaxOperands];
      int64_t inner[kMaxOperands];
      for (int k = 0; k < nt_; ++k) {
        ptrs[k] = data_[k];
        inner[k] = shape_.empty() ? 0 : strides_[k][0];
      }
      loop(ptrs, inner, numel_);
      return;
    }
    for_each_erased(Loop1d(std::cref(loop)), grain);
  }
  void for_each_erased(const Loop1d& loop, int64_t grain) const;
  /// Copies computed outputs into the user's outputs when their dtype differed.
  void finish();

 private:
  friend class TensorIterConfig;
  int nt_ = 0, nout_ = 0;
  const char* op_ = "";
  Tensor ops_[kMaxOperands];  // outputs, and inputs only when the iterator had to convert them
  int64_t esize_[kMaxOperands] = {};
  ScalarType dtypes_[kMaxOperands] = {};
  Tensor* user_outs_[kMaxOperands] = {};
  bool writeback_[kMaxOperands] = {};
  char* data_[kMaxOperands] = {};
  SizeVec shape_;
  SizeVec strides_[kMaxOperands];
  SizeVec index_strides_;
  int64_t numel_ = 0;
  ScalarType common_ = ScalarType::Undefined;
};

}  // namespace torsh::detail
