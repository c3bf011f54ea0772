#pragma once
// libtorch's torch::nn::utils::rnn: PackedSequence (the time-major concatenation of a batch of
// sequences sorted by decreasing length, with the batch size at each step), pack_padded_sequence,
// pad_packed_sequence, pad_sequence and pack_sequence. RNN, LSTM and GRU take a PackedSequence
// through forward_with_packed_input.
#include <optional>
#include <tuple>
#include <vector>

#include "torsh/core/tensor.h"

namespace torsh::nn::utils::rnn {

/// The inverse of a permutation (undefined for an undefined one).
Tensor invert_permutation(const Tensor& permutation);

class PackedSequence {
 public:
  /// data [sum of lengths, *]; batch_sizes (int64, CPU) the number of sequences still running at
  /// each step; sorted_indices the order the batch was sorted into (undefined: already sorted).
  explicit PackedSequence(Tensor data, Tensor batch_sizes, Tensor sorted_indices = {},
                          Tensor unsorted_indices = {});
  const Tensor& data() const { return data_; }
  const Tensor& batch_sizes() const { return batch_sizes_; }
  const Tensor& sorted_indices() const { return sorted_indices_; }
  const Tensor& unsorted_indices() const { return unsorted_indices_; }
  /// The same sequence with data (and the indices) converted; batch_sizes stays on the CPU.
  PackedSequence to(TensorOptions options) const;
  PackedSequence cpu() const { return to(TensorOptions().device(kCPU)); }
  /// torsh runs on the CPU only: raises as Tensor::to(kCUDA) does.
  PackedSequence cuda() const { return to(TensorOptions().device(Device(DeviceType::CUDA))); }
  bool is_cuda() const { return data_.is_cuda(); }
  bool is_pinned() const { return false; }
  PackedSequence pin_memory() const { return *this; }

 private:
  Tensor data_, batch_sizes_, sorted_indices_, unsorted_indices_;
};

/// Packs input ([T, B, *], or [B, T, *] with batch_first) whose b-th sequence has lengths[b]
/// steps. With enforce_sorted the lengths must decrease; otherwise the batch is sorted first.
PackedSequence pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first = false,
                                    bool enforce_sorted = true);

/// The inverse of pack_padded_sequence: (padded [T, B, *] or [B, T, *], lengths int64), in the
/// original batch order; T is total_length when given.
std::tuple<Tensor, Tensor> pad_packed_sequence(PackedSequence sequence, bool batch_first = false,
                                               double padding_value = 0.0,
                                               std::optional<int64_t> total_length = std::nullopt);

/// Stacks sequences of shape [L_i, *] into [max L, B, *] ([B, max L, *] with batch_first),
/// padding with padding_value.
Tensor pad_sequence(const std::vector<Tensor>& sequences, bool batch_first = false,
                    double padding_value = 0);

/// pack_padded_sequence of pad_sequence(sequences) with their lengths.
PackedSequence pack_sequence(const std::vector<Tensor>& sequences, bool enforce_sorted = true);

}  // namespace torsh::nn::utils::rnn
