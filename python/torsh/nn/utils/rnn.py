"""torch.nn.utils.rnn: PackedSequence and the pack / pad helpers, written with torsh ops so
that gradients flow through packing and padding."""
from collections import namedtuple
from collections.abc import Iterable

import torsh

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]

PackedSequence_ = namedtuple("PackedSequence_",
                             ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    r"""Holds the data and the ``batch_sizes`` of a packed batch of variable length sequences.

    ``data`` holds the time steps one after another, each with the sequences still running at
    that step (``batch_sizes[t]`` of them, longest first); ``sorted_indices`` orders the
    original batch by decreasing length and ``unsorted_indices`` is its inverse. Instances are
    made by :func:`pack_padded_sequence` and :func:`pack_sequence`.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(
            data, batch_sizes, sorted_indices, unsorted_indices))

    def pin_memory(self):
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          bind(self.sorted_indices, lambda t: t.pin_memory()),
                          bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def cuda(self, *args, **kwargs):
        return self.to(*args, device="cuda", **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, device="cpu", **kwargs)

    def double(self):
        return self.to(dtype=torsh.double)

    def float(self):
        return self.to(dtype=torsh.float)

    def half(self):
        return self.to(dtype=torsh.half)

    def long(self):
        return self.to(dtype=torsh.long)

    def int(self):
        return self.to(dtype=torsh.int)

    def short(self):
        return self.to(dtype=torsh.short)

    def char(self):
        return self.to(dtype=torsh.int8)

    def byte(self):
        return self.to(dtype=torsh.uint8)

    def to(self, *args, **kwargs):
        r"""Converts ``data`` (dtype and/or device) as Tensor.to does; ``batch_sizes`` stays an
        int64 CPU tensor. Returns self when ``data`` is unchanged."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        kwargs = {k: v for k, v in kwargs.items() if k not in ("device", "dtype")}
        sorted_indices = bind(self.sorted_indices, lambda t: t.to(data.device, **kwargs))
        unsorted_indices = bind(self.unsorted_indices, lambda t: t.to(data.device, **kwargs))
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return self.data.is_pinned()


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None,
                               unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. "
                "Instances of PackedSequence should never be created manually. "
                "They should be instantiated by functions like pack_sequence "
                "and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    # PackedSequence((data, batch_sizes), sorted_indices=...)
    assert isinstance(data, (list, tuple)) and len(data) == 2
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    data, batch_sizes, sorted_indices, unsorted_indices = _packed_sequence_init_args(
        data, batch_sizes, sorted_indices, unsorted_indices)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def invert_permutation(permutation):
    if permutation is None:
        return None
    output = torsh.empty_like(permutation)
    return output.scatter_(0, permutation, torsh.arange(0, permutation.numel()))


def _check_lengths(lengths):
    if lengths.dim() != 1 or lengths.dtype != torsh.int64:
        type_name = {torsh.int64: "Long", torsh.int32: "Int", torsh.int16: "Short",
                     torsh.int8: "Char", torsh.uint8: "Byte", torsh.bool: "Bool",
                     torsh.float32: "Float", torsh.float64: "Double"}.get(lengths.dtype, "")
        raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                           "{}D cpu {} tensor".format(lengths.dim(), type_name))


def _pack_padded(input, lengths, batch_first):
    """(data, batch_sizes) of a padded (T, B, *) input (B, T, * when batch_first) whose
    sequences have the given lengths, longest first."""
    if batch_first:
        input = input.transpose(0, 1)
    _check_lengths(lengths)
    lens = [int(v) for v in lengths.tolist()]
    batch_size = input.size(1)
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if len(lens) != batch_size:
        raise RuntimeError("Expected `len(lengths)` to be equal to batch_size, but got "
                           "{} (batch_size={})".format(len(lens), batch_size))
    if lens[batch_size - 1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    for i in range(batch_size - 1):
        if lens[i + 1] > lens[i]:
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
    trailing = list(input.shape[2:])
    blocks, batch_sizes, prev_l = [], [], 0
    # Scan the sequences from the shortest: each increase of the length adds the block of
    # time steps [prev_l, l) of the sequences at least l long (time-major within the block).
    for i in range(batch_size):
        l = lens[batch_size - 1 - i]
        if l > prev_l:
            current = batch_size - i
            blocks.append(input[prev_l:l, :current].reshape([-1] + trailing))
            batch_sizes.extend([current] * (l - prev_l))
            prev_l = l
    return torsh.cat(blocks), torsh.tensor(batch_sizes, dtype=torsh.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    r"""Packs a (T, B, *) (or (B, T, *) with ``batch_first``) padded batch of sequences of the
    given ``lengths``. With ``enforce_sorted`` the lengths must decrease; otherwise the batch
    is sorted first and the permutation is kept in the PackedSequence."""
    lengths = torsh.as_tensor(lengths, dtype=torsh.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = torsh.sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def _pad_packed(data, batch_sizes, batch_first, padding_value, total_length):
    bs = [int(v) for v in batch_sizes.tolist()]
    max_batch = bs[0]
    trailing = list(data.shape[1:])
    steps = len(bs)

    def pad_block(n_t, n_b):
        return torsh.full([n_t, n_b] + trailing, padding_value, dtype=data.dtype,
                          device=data.device)

    pieces, lengths = [], [0] * max_batch
    offset, start = 0, 0
    for i in range(1, steps + 1):
        if i == steps or bs[i] != bs[start]:
            n_t, n_b = i - start, bs[start]
            block = data[offset:offset + n_t * n_b].reshape([n_t, n_b] + trailing)
            if n_b < max_batch:
                block = torsh.cat([block, pad_block(n_t, max_batch - n_b)], 1)
            pieces.append(block)
            for b in range(n_b):
                lengths[b] = i
            offset += n_t * n_b
            start = i
    if total_length > steps:
        pieces.append(pad_block(total_length - steps, max_batch))
    output = torsh.cat(pieces, 0) if len(pieces) > 1 else pieces[0]
    if batch_first:
        output = output.transpose(0, 1)
    return output, torsh.tensor(lengths, dtype=torsh.int64)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    r"""Inverse of :func:`pack_padded_sequence`: the padded (T, B, *) tensor (B, T, * with
    ``batch_first``), batch in the original order, and the int64 lengths. ``total_length``
    pads the time dimension further."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length "
                             "of the longest sequence in input, but got "
                             "total_length={} and max sequence length being {}"
                             .format(total_length, max_seq_length))
        max_seq_length = total_length
    padded_output, lengths = _pad_packed(sequence.data, sequence.batch_sizes, batch_first,
                                         padding_value, max_seq_length)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return (padded_output.index_select(batch_dim, unsorted_indices),
                lengths[unsorted_indices.cpu()])
    return padded_output, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    r"""Stacks a list of (L_i, *) tensors into (T, B, *) (or (B, T, *)), T = max L_i, padding
    with ``padding_value``; the result has the first sequence's dtype."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of "
                           f"type: {type(sequences)}")
    sequences = tuple(sequences)
    if len(sequences) == 0:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    trailing = list(first.shape[1:])
    max_len = max(s.size(0) for s in sequences)
    columns = []
    for seq in sequences:
        seq = seq.to(first.dtype)
        n = seq.size(0)
        if n < max_len:
            pad = torsh.full([max_len - n] + trailing, padding_value, dtype=first.dtype,
                             device=first.device)
            seq = torsh.cat([seq, pad], 0)
        columns.append(seq)
    return torsh.stack(columns, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    r"""Splits a padded (T, B, *) (or (B, T, *)) tensor back into the list of its sequences.
    As torch's, it transposes a time-first ``padded_sequences`` in place."""
    unpadded_sequences = []
    if not batch_first:
        # torch transposes the caller's tensor in place (transpose_; torsh has swapaxes_)
        padded_sequences.swapaxes_(0, 1)
    max_length = padded_sequences.shape[1]
    idx = torsh.arange(max_length)
    for seq, length in zip(padded_sequences, lengths):
        mask = idx < length
        unpadded_sequences.append(seq[mask])
    return unpadded_sequences


def pack_sequence(sequences, enforce_sorted=True):
    r"""Packs a list of (L_i, *) tensors: pad_sequence then pack_padded_sequence."""
    lengths = torsh.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    r"""The list of the sequences of a PackedSequence, in their original order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
