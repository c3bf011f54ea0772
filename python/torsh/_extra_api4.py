"""torch.histogramdd, the functional RNNs
(torch.lstm / gru / rnn_tanh / rnn_relu in both overloads and their cells, over
torsh.nn._rnn_impl), the aten forms of embedding_bag (its four outputs) and ctc_loss (an
integer reduction), and torch.svd_lowrank / pca_lowrank (Halko et al.'s randomized range
finder with torch's draws and steps). Installed by _extra_api3._install()."""
import builtins
import math

import torsh
from torsh._extra_api3 import _scalar_name
from torsh._linalg_decomp import _result_type

# ---- histogramdd ---------------------------------------------------------------------------

_HistogramDD = _result_type("histogramdd", ["hist", "bin_edges"])
_C_NAMES = {torsh.float32: "float", torsh.float64: "double"}


def _cname(dtype):
    return _C_NAMES.get(dtype, _scalar_name(dtype))


def _fmt(x):
    return repr(int(x)) if float(x).is_integer() else repr(float(x))


def _uniform_edges(x, counts, range):
    n = x.size(1)
    lo, hi = [0.0] * n, [1.0] * n
    if range is not None:
        range = [float(r) for r in range]
        if len(range) != 2 * n:
            raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram range "
                               f"should have {2 * n} elements, but got {len(range)}")
        lo, hi = range[0::2], range[1::2]
    elif x.size(0) > 0:
        lo = x.amin(0).tolist()
        hi = x.amax(0).tolist()
    edges = []
    for d in builtins.range(n):
        if not (math.isfinite(lo[d]) and math.isfinite(hi[d])):
            raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{_fmt(lo[d])}, "
                               f"{_fmt(hi[d])}] is not finite")
        if lo[d] > hi[d]:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min "
                               f"{_fmt(lo[d])} max {_fmt(hi[d])} for dimension {d}")
        if lo[d] == hi[d]:
            lo[d] -= 0.5
            hi[d] += 0.5
        edges.append(torsh.linspace(lo[d], hi[d], counts[d] + 1, dtype=x.dtype))
    return edges


def _bin_counts(bins, n):
    if isinstance(bins, int) and not isinstance(bins, bool):
        return [bins] * n
    for i, b in enumerate(bins):
        if not isinstance(b, int) or isinstance(b, bool):
            raise TypeError(f"histogramdd(): argument 'bins' must be tuple of ints, but found "
                            f"element of type {type(b).__name__} at pos {i + 1}")
    bins = list(bins)
    if len(bins) != n:
        raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram bins should "
                           f"have {n} elements, but got {len(bins)}")
    return bins


def histogramdd(input, bins, range=None, weight=None, density=False):
    """The N-dimensional histogram of the points input[..., :] (N = input.size(-1)): bins
    per dim (an int, N ints, or N increasing edge tensors), range (2N floats) or the data's
    extent, each bin closed on the left (the last one on both sides)."""
    if input.dim() < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    if input.dtype not in (torsh.float32, torsh.float64):
        raise RuntimeError(f"histogramdd(): \"histogramdd\" not implemented for "
                           f"'{_scalar_name(input.dtype)}'")
    n = input.size(-1)
    tensor_bins = not isinstance(bins, int) and len(bins) > 0 and all(
        isinstance(b, torsh.Tensor) for b in bins)
    if tensor_bins:
        if len(bins) != n:
            raise RuntimeError(f"torch.histogramdd: expected {n} sequences of bin edges for a "
                               f"{n}-dimensional histogram but got {len(bins)}")
        for d, b in enumerate(bins):
            if b.dtype != input.dtype:
                raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should "
                                   f"have the same dtype, but got input with dtype "
                                   f"{_cname(input.dtype)} and bins for dimension {d} with "
                                   f"dtype {_cname(b.dtype)}")
            if b.dim() != 1:
                raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, "
                                   f"but got {b.dim()} dimensions in the bins tensor for "
                                   f"dimension {d}")
            if b.numel() == 0:
                raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 "
                                   f"element, but got 0 elements in the bins tensor for "
                                   f"dimension {d}")
    if weight is not None:
        if weight.dtype != input.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor "
                               f"and weight tensor should have the same dtype, but got input("
                               f"{_cname(input.dtype)}), and weight({_cname(weight.dtype)})")
        if tuple(weight.shape or (1,)) != tuple(input.shape[:-1]):
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have "
                               f"the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape {list(input.shape)} and "
                               f"weight with shape {list(weight.shape)}")
    counts = [b.numel() - 1 for b in bins] if tensor_bins else _bin_counts(bins, n)
    for d, c in enumerate(counts):
        if c <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {c} for "
                               f"dimension {d}")
    if n == 0:
        return _HistogramDD(torsh.zeros((), dtype=input.dtype), ())
    with torsh.no_grad():
        x = input.detach().reshape(-1, n)
        edges = [b.detach().clone() for b in bins] if tensor_bins else \
            _uniform_edges(x, counts, range)
        keep = torsh.ones(x.size(0), dtype=torsh.bool)
        flat = torsh.zeros(x.size(0), dtype=torsh.int64)
        for d in builtins.range(n):
            e, v = edges[d], x[:, d].contiguous()
            keep &= ~((v < e[0]) | (v > e[-1]))  # NaN is kept: torch bins it last
            pos = torsh.searchsorted(e.contiguous(), v, right=True) - 1
            pos = pos.clamp(0, counts[d] - 1)
            flat = flat * counts[d] + pos
        w = torsh.ones(x.size(0), dtype=input.dtype) if weight is None else \
            weight.detach().reshape(-1)
        hist = torsh.zeros(math.prod(counts), dtype=input.dtype)
        hist.index_add_(0, flat[keep], w[keep])
        hist = hist.reshape(counts)
        if density:
            hist = hist / hist.sum()
            for d in builtins.range(n):
                shape = [1] * n
                shape[d] = counts[d]
                hist = hist / edges[d].diff().reshape(shape)
    return _HistogramDD(hist, tuple(edges))


# ---- functional RNNs -----------------------------------------------------------------------

def _rnn_checks(op, params, has_biases, has_projections, hx_list, input):
    per = (4 if has_biases else 2) + (1 if has_projections else 0)
    if len(params) % per != 0:
        raise RuntimeError(f"{op}(): got an incorrect number of RNN parameters")
    for t in list(params) + list(hx_list):
        if t.dtype != input.dtype:
            raise RuntimeError(f"{op}(): expected scalar type {_scalar_name(input.dtype)} but "
                               f"found {_scalar_name(t.dtype)}")


def _run(op, mode, input, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
         bidirectional, batch_first):
    from torsh.nn import _rnn_impl
    is_lstm = mode == "LSTM"
    if is_lstm:
        if len(hx) != 2:
            raise RuntimeError("lstm(): lstm expects two hidden states")
        hx = tuple(hx)
        hx_list = list(hx)
        has_projections = hx[0].size(2) != hx[1].size(2)
    else:
        hx_list = [hx]
        has_projections = False
    params = list(params)
    _rnn_checks(op, params, has_biases, has_projections, hx_list, input)
    sizes = None
    if batch_sizes is not None:
        sizes = [int(b) for b in batch_sizes.tolist()]
    try:
        res = _rnn_impl.rnn_forward(mode, input, sizes, hx, params, has_biases, num_layers,
                                    dropout, train, bidirectional, batch_first,
                                    has_projections=has_projections)
    except RuntimeError as e:
        raise RuntimeError(f"{op}(): {e}") from None
    return tuple(res)


def _recurrent(op, mode):
    def packed(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
               bidirectional):
        return _run(op, mode, data, batch_sizes, hx, params, has_biases, num_layers, dropout,
                    train, bidirectional, False)

    def padded(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
               batch_first):
        return _run(op, mode, input, None, hx, params, has_biases, num_layers, dropout, train,
                    bidirectional, batch_first)

    def fn(*args, **kwargs):
        # lstm(data, batch_sizes: Tensor, hx, ...) vs lstm(input, hx: (h, c), ...);
        # gru/rnn(data, batch_sizes, hx: Tensor, params, ...) vs (input, hx, params: list, ...)
        probe = 1 if mode == "LSTM" else 2
        is_packed = "batch_sizes" in kwargs or (
            len(args) > probe and isinstance(args[probe], torsh.Tensor))
        return packed(*args, **kwargs) if is_packed else padded(*args, **kwargs)
    for f in (packed, padded, fn):
        f.__name__ = f.__qualname__ = op
    fn.__doc__ = (f"torch.{op}: the multi-layer recurrence over a padded (T, B, *) input "
                  f"(batch_first: (B, T, *)) or a packed sequence's data and batch_sizes.")
    return fn


lstm = _recurrent("lstm", "LSTM")
gru = _recurrent("gru", "GRU")
rnn_tanh = _recurrent("rnn_tanh", "RNN_TANH")
rnn_relu = _recurrent("rnn_relu", "RNN_RELU")


def _cell(op):
    def fn(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
        from torsh.nn import _rnn_impl
        try:
            res = getattr(_rnn_impl, op)(input, hx, w_ih, w_hh, b_ih, b_hh)
        except RuntimeError as e:
            raise RuntimeError(f"{op}(): {e}") from None
        return tuple(res) if isinstance(res, (tuple, list)) else res
    fn.__name__ = fn.__qualname__ = op
    fn.__doc__ = f"torch.{op}: one step of the cell, (input, hx) -> the new hidden state."
    return fn


lstm_cell = _cell("lstm_cell")
gru_cell = _cell("gru_cell")
rnn_tanh_cell = _cell("rnn_tanh_cell")
rnn_relu_cell = _cell("rnn_relu_cell")


# ---- embedding_bag / ctc_loss (aten forms) ----------------------------------------------------

def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """(output, offset2bag, bag_size, max_indices) as torch's CPU kernel gives them: offset2bag
    (each index's bag) is empty on the fast 'sum' path (float/half weight with unit column
    stride, no padding_idx); bag_size holds the bag lengths less their padding entries for
    'mean'/'max' (and when weight requires grad), zeros for 'sum'; max_indices is the row
    chosen per bag and feature for 'max', a copy of bag_size otherwise."""
    from torsh.nn._functional_extra import _embedding_bag_impl
    if mode not in (0, 1, 2):
        raise RuntimeError(f"embedding_bag(): mode has to be 0 (sum), 1 (mean) or 2 (max), but "
                           f"got {mode}")
    if per_sample_weights is not None and mode != 0:
        raise RuntimeError("embedding_bag: per_sample_weights only supported with mode='sum'")
    if indices.dtype != offsets.dtype and indices.dtype in (torsh.int32, torsh.int64) and \
            offsets.dtype in (torsh.int32, torsh.int64):
        indices, offsets = indices.to(torsh.int64), offsets.to(torsh.int64)
    output = _embedding_bag_impl(weight, indices, offsets, scale_grad_by_freq, mode, sparse,
                                 per_sample_weights, include_last_offset, padding_idx)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.size(0)
    with torsh.no_grad():
        aux = _embedding_bag_aux(weight, indices, offsets, mode, per_sample_weights,
                                 include_last_offset, padding_idx)
    return (output,) + aux


def _embedding_bag_aux(weight, indices, offsets, mode, psw, include_last_offset, padding_idx):
    itype = offsets.dtype
    n = indices.size(0)
    fast_sum = (weight.dtype in (torsh.float32, torsh.float16) and weight.stride(1) == 1
                and (psw is None or psw.stride(0) == 1) and padding_idx is None)
    if mode in (1, 2) or not fast_sum:
        o2b = torsh.zeros(n + 1, dtype=itype)
        o2b.index_add_(0, offsets.to(torsh.int64), torsh.ones_like(offsets))
        o2b[0] -= 1
        offset2bag = o2b.cumsum(0).to(itype)[:n]
    else:
        offset2bag = torsh.empty(0, dtype=itype)
    num_bags = offsets.size(0) - (1 if include_last_offset else 0)
    if weight.requires_grad or mode in (1, 2):
        bag_size = torsh.zeros(max(num_bags, 0), dtype=itype)
        if num_bags > 1:
            bag_size[:-1] = offsets[1:num_bags] - offsets[:num_bags - 1]
        if num_bags > 0:
            bag_size[-1] = n - offsets[num_bags - 1]
        if padding_idx is not None and n > 0:
            padded = offset2bag[indices == padding_idx].to(torsh.int64)
            bag_size -= torsh.bincount(padded, minlength=num_bags)[:num_bags].to(itype)
    else:
        bag_size = torsh.zeros(offsets.size(0), dtype=itype)
    if mode == 0:
        bag_size = torsh.zeros_like(bag_size)
    if mode != 2:
        return offset2bag, bag_size, bag_size.clone()
    dim = weight.size(1)
    max_indices = torsh.zeros(num_bags, dim, dtype=itype)
    bags = offset2bag.to(torsh.int64)
    idx = indices.to(torsh.int64)
    if padding_idx is not None:
        keep = idx != padding_idx
        bags, idx = bags[keep], idx[keep]
    if idx.numel() == 0:
        return offset2bag, bag_size, max_indices
    rows = weight.detach()[idx]
    index = bags.unsqueeze(1).expand(-1, dim)
    best = torsh.zeros(num_bags, dim, dtype=weight.dtype).scatter_reduce(
        0, index, rows, "amax", include_self=False)
    # the first position holding the bag's maximum (torch's kernel replaces on a strict >)
    pos = torsh.arange(idx.numel()).unsqueeze(1).expand(-1, dim)
    pos = torsh.where(rows == best[bags], pos, idx.numel())
    first = torsh.full((num_bags, dim), idx.numel(), dtype=torsh.int64).scatter_reduce(
        0, index, pos, "amin", include_self=True)
    found = first < idx.numel()
    chosen = idx[first.clamp_max(idx.numel() - 1)]
    max_indices = torsh.where(found, chosen, 0).to(itype)
    return offset2bag, bag_size, max_indices


_REDUCTIONS = {1: "mean", 2: "sum"}


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
             zero_infinity=False):
    """The aten form: reduction is an int (1 mean, 2 sum, anything else none); its default
    acts as none, as torch 1.13's binding gives."""
    if not isinstance(reduction, int) or isinstance(reduction, bool):
        raise TypeError(f"ctc_loss(): argument 'reduction' (position 6) must be int, not "
                        f"{type(reduction).__name__}")
    from torsh.nn import functional as F
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                      _REDUCTIONS.get(reduction, "none"), zero_infinity)


# ---- svd_lowrank / pca_lowrank -------------------------------------------------------------

def _floating(A):
    return A.dtype if A.dtype in (torsh.float16, torsh.float32, torsh.float64) else \
        torsh.float32


def _mT(A):
    return A.transpose(-1, -2)


def _conj(A):
    return A.conj() if A.is_complex() else A


def _range_basis(A, q, niter, M=None):
    """Q with q orthonormal columns spanning (approximately) the range of A - M: a Gaussian
    sketch, then niter rounds of power iteration, orthonormalised (QR) at every step."""
    niter = 2 if niter is None else niter
    n = A.shape[-1]
    R = torsh.randn(n, q, dtype=_floating(A), device=A.device)
    A_H = _conj(_mT(A))

    def apply(X, Y, Z):
        return torsh.matmul(X, Z) if Y is None else torsh.matmul(X, Z) - torsh.matmul(Y, Z)
    M_H = None if M is None else _conj(_mT(M))
    Q = torsh.linalg.qr(apply(A, M, R)).Q
    for _ in builtins.range(niter):
        Q = torsh.linalg.qr(apply(A_H, M_H, Q)).Q
        Q = torsh.linalg.qr(apply(A, M, Q)).Q
    return Q


def _svd_lowrank(A, q=6, niter=2, M=None):
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    M_t = None if M is None else _mT(M)
    A_t = _mT(A)
    if m < n or n > q:
        # sketch the row space: A^T's range, then a small SVD of A Q
        Q = _range_basis(A_t, q, niter, M_t)
        Q_c = _conj(Q)
        B_t = torsh.matmul(A, Q_c) if M is None else \
            torsh.matmul(A, Q_c) - torsh.matmul(M, Q_c)
        U, S, Vh = torsh.linalg.svd(B_t, full_matrices=False)
        V = Q.matmul(Vh.mH)
    else:
        Q = _range_basis(A, q, niter, M)
        Q_c = _conj(Q)
        B = torsh.matmul(A_t, Q_c) if M is None else \
            torsh.matmul(A_t, Q_c) - torsh.matmul(M_t, Q_c)
        U, S, Vh = torsh.linalg.svd(_mT(B), full_matrices=False)
        V = Vh.mH
        U = Q.matmul(U)
    return U, S, V


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A ~ U diag(S) V^T (of A - M when M is given), q a slightly
    overestimated rank (Halko et al. 2009, algorithm 5.1)."""
    return _svd_lowrank(A, q, niter, M)


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of the (centred, by default) data matrix A: V's columns are the principal
    directions, S**2 / (m - 1) the variances along them."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)"
                         f"={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    C = A.mean(dim=(-2,), keepdim=True)
    return _svd_lowrank(A - C, q, niter, None)


__all__ = ["histogramdd", "lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell",
           "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "embedding_bag", "ctc_loss",
           "svd_lowrank", "pca_lowrank"]


def _install():
    for name in __all__:
        setattr(torsh, name, globals()[name])
