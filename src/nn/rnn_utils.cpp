// torsh/nn/rnn_utils.h: packing and padding of variable-length sequences, with ATen's checks
// and messages; every step is an op, so gradients flow back to the padded input.
#include "torsh/nn/rnn_utils.h"

#include <algorithm>

#include "torsh/generated/functions.h"
#include "torsh/ops.h"

namespace torsh::nn::utils::rnn {

Tensor invert_permutation(const Tensor& permutation) {
  if (!permutation.defined()) return Tensor();
  Tensor out = torsh::empty_like(permutation);
  out.scatter_(0, permutation, torsh::arange(permutation.numel(), permutation.options()));
  return out;
}

PackedSequence::PackedSequence(Tensor data, Tensor batch_sizes, Tensor sorted_indices,
                               Tensor unsorted_indices)
    : data_(std::move(data)),
      batch_sizes_(std::move(batch_sizes)),
      sorted_indices_(std::move(sorted_indices)),
      unsorted_indices_(std::move(unsorted_indices)) {
  if (!unsorted_indices_.defined()) unsorted_indices_ = invert_permutation(sorted_indices_);
  TORSH_CHECK(!batch_sizes_.defined() || batch_sizes_.is_cpu(),
              "batch_sizes should always be on CPU. Instances of PackedSequence should never be "
              "created manually. They should be instantiated by functions like pack_sequence and "
              "pack_padded_sequences in nn::utils::rnn.");
}

PackedSequence PackedSequence::to(TensorOptions options) const {
  Tensor data = data_.to(options);
  const TensorOptions index_options = TensorOptions().device(options.device()).dtype(kLong);
  auto move = [&](const Tensor& t) { return t.defined() ? t.to(index_options) : t; };
  return PackedSequence(data, batch_sizes_, move(sorted_indices_), move(unsorted_indices_));
}

namespace {

std::vector<int64_t> to_vector(const Tensor& t) {
  Tensor c = t.to(kLong).contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

// ATen's _pack_padded_sequence over a time-major input with decreasing lengths.
std::tuple<Tensor, Tensor> pack_sorted(const Tensor& input, const Tensor& lengths) {
  TORSH_CHECK(lengths.dim() == 1 && lengths.scalar_type() == kLong,
              "'lengths' argument should be a 1D CPU int64 tensor, but got ", lengths.dim(),
              "D cpu ", scalar_type_name(lengths.scalar_type()), " tensor");
  TORSH_CHECK(input.numel() > 0, "Cannot pack empty tensors.");
  TORSH_CHECK(input.dim() >= 2, "pack_padded_sequence: expected input with at least 2 dims, got ",
              ::torsh::detail::shape_str(input.sizes()));
  const std::vector<int64_t> lens = to_vector(lengths);
  const int64_t batch = input.size(1);
  TORSH_CHECK(static_cast<int64_t>(lens.size()) == batch,
              "Expected `len(lengths)` to be equal to batch_size, but got ", lens.size(),
              " (batch_size=", batch, ")");
  TORSH_CHECK(lens.back() > 0,
              "Length of all samples has to be greater than 0, but found an element in "
              "'lengths' that is <= 0");
  for (size_t i = 0; i + 1 < lens.size(); ++i) {
    TORSH_CHECK(lens[i + 1] <= lens[i],
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.");
  }
  TORSH_CHECK(lens.front() <= input.size(0), "pack_padded_sequence: a length of ", lens.front(),
              " is longer than the input's ", input.size(0), " steps");
  std::vector<Tensor> steps;
  std::vector<int64_t> batch_sizes;
  for (int64_t t = 0; t < lens.front(); ++t) {
    const int64_t n = std::count_if(lens.begin(), lens.end(), [t](int64_t l) { return l > t; });
    steps.push_back(input.select(0, t).narrow(0, 0, n));
    batch_sizes.push_back(n);
  }
  return {torsh::cat(steps, 0), torsh::tensor(batch_sizes, TensorOptions().dtype(kLong))};
}

}  // namespace

PackedSequence pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first,
                                    bool enforce_sorted) {
  TORSH_CHECK(lengths.defined() && input.defined(), "pack_padded_sequence: undefined tensor");
  lengths = lengths.to(kLong);
  Tensor sorted_indices;
  if (!enforce_sorted) {
    TORSH_CHECK(lengths.dim() == 1, "'lengths' argument should be a 1D CPU int64 tensor, but got ",
                lengths.dim(), "D cpu Long tensor");
    auto [sorted, order] = torsh::sort(lengths, -1, /*descending=*/true);
    lengths = sorted;
    sorted_indices = order;
    input = input.index_select(batch_first ? 0 : 1, sorted_indices);
  }
  if (batch_first) input = input.transpose(0, 1);
  auto [data, batch_sizes] = pack_sorted(input, lengths);
  return PackedSequence(data, batch_sizes, sorted_indices, Tensor());
}

std::tuple<Tensor, Tensor> pad_packed_sequence(PackedSequence sequence, bool batch_first,
                                               double padding_value,
                                               std::optional<int64_t> total_length) {
  const std::vector<int64_t> bs = to_vector(sequence.batch_sizes());
  int64_t max_len = static_cast<int64_t>(bs.size());
  if (total_length) {
    TORSH_CHECK(*total_length >= max_len,
                "Expected total_length to be at least the length of the longest sequence in "
                "input, but got total_length=",
                *total_length, " and max sequence length being ", max_len);
    max_len = *total_length;
  }
  const Tensor& data = sequence.data();
  TORSH_CHECK(!bs.empty() && data.dim() >= 1, "pad_packed_sequence: empty PackedSequence");
  const int64_t batch = bs.front();
  std::vector<int64_t> row_shape = data.sizes().vec();
  row_shape[0] = batch;
  std::vector<Tensor> steps;
  int64_t offset = 0;
  for (int64_t n : bs) {
    Tensor step = data.narrow(0, offset, n);
    offset += n;
    if (n < batch) {
      std::vector<int64_t> fill = row_shape;
      fill[0] = batch - n;
      step = torsh::cat({step, torsh::full(fill, padding_value, data.options())}, 0);
    }
    steps.push_back(step);
  }
  for (int64_t t = static_cast<int64_t>(bs.size()); t < max_len; ++t) {
    steps.push_back(torsh::full(row_shape, padding_value, data.options()));
  }
  Tensor padded = torsh::stack(steps, 0);  // [T, B, *]
  std::vector<int64_t> lengths(static_cast<size_t>(batch), 0);
  for (int64_t n : bs) {
    for (int64_t b = 0; b < n; ++b) ++lengths[static_cast<size_t>(b)];
  }
  Tensor lens = torsh::tensor(lengths, TensorOptions().dtype(kLong));
  if (batch_first) padded = padded.transpose(0, 1);
  const Tensor& unsorted = sequence.unsorted_indices();
  if (unsorted.defined()) {
    padded = padded.index_select(batch_first ? 0 : 1, unsorted);
    lens = lens.index_select(0, unsorted.to(kLong));
  }
  return {padded, lens};
}

Tensor pad_sequence(const std::vector<Tensor>& sequences, bool batch_first, double padding_value) {
  TORSH_CHECK(!sequences.empty(), "received an empty list of sequences");
  const Tensor& first = sequences.front();
  int64_t max_len = 0;
  for (const Tensor& s : sequences) {
    TORSH_CHECK(s.dim() >= 1, "pad_sequence: expected each sequence to have at least 1 dim");
    max_len = std::max(max_len, s.size(0));
  }
  std::vector<Tensor> columns;
  for (const Tensor& s : sequences) {
    // each sequence broadcast to the first's trailing dims, as ATen's copy into the output
    std::vector<int64_t> shape = first.sizes().vec();
    shape[0] = s.size(0);
    Tensor seq = s.to(first.scalar_type()).expand(shape);
    if (seq.size(0) < max_len) {
      std::vector<int64_t> fill = first.sizes().vec();
      fill[0] = max_len - seq.size(0);
      seq = torsh::cat({seq, torsh::full(fill, padding_value, first.options())}, 0);
    }
    columns.push_back(seq);
  }
  return torsh::stack(columns, batch_first ? 0 : 1);
}

PackedSequence pack_sequence(const std::vector<Tensor>& sequences, bool enforce_sorted) {
  std::vector<int64_t> lengths;
  for (const Tensor& s : sequences) lengths.push_back(s.dim() > 0 ? s.size(0) : 0);
  return pack_padded_sequence(pad_sequence(sequences),
                              torsh::tensor(lengths, TensorOptions().dtype(kLong)),
                              /*batch_first=*/false, enforce_sorted);
}

}  // namespace torsh::nn::utils::rnn
