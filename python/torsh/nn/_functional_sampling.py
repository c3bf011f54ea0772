"""torch.nn.functional's grid_sample (over torsh's native grid_sampler kernels), ctc_loss and
fractional max pooling (composed from torsh tensor ops).

The compositions follow the arithmetic of torch's CPU kernel (the interval formula of fractional
pooling, the log-space alpha recursion of CTC)
so that values agree to rounding, and gets its gradients from autograd over the parts. Where
torch's hand-written backward differs from the derivative of its forward (CTC), a term of value
zero carries the difference. Re-exported by torsh.nn.functional.
"""
import math
import numbers
import warnings

import torsh
from torsh.nn import _reduction as _Reduction
from torsh.nn.modules.utils import _pair, _triple

__all__ = [
    "grid_sample", "ctc_loss", "fractional_max_pool2d", "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
]

_INF = float("inf")

_SCALAR_TYPE_NAMES = {
    torsh.float16: "Half", torsh.bfloat16: "BFloat16", torsh.float32: "Float",
    torsh.float64: "Double", torsh.int64: "Long", torsh.int32: "Int", torsh.int16: "Short",
    torsh.int8: "Char", torsh.uint8: "Byte", torsh.bool: "Bool",
    torsh.complex64: "ComplexFloat", torsh.complex128: "ComplexDouble",
}


def _scalar_type_name(dtype):
    return _SCALAR_TYPE_NAMES.get(dtype, str(dtype))


def _check_float_kernel(t, kernel):
    """torch's AT_DISPATCH_FLOATING_TYPES error for a kernel without half/bfloat16 support."""
    if t.dtype not in (torsh.float32, torsh.float64):
        raise RuntimeError('"{}" not implemented for \'{}\''.format(
            kernel, _scalar_type_name(t.dtype)))


def _check_same_scalar_type(expected, t):
    if t.dtype != expected.dtype:
        raise RuntimeError("expected scalar type {} but found {}".format(
            _scalar_type_name(expected.dtype), _scalar_type_name(t.dtype)))


def _sizes(t):
    return list(t.shape)


# grid_sample

_GRID_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_GRID_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    r"""Samples ``input`` (N, C, H, W) or (N, C, D, H, W) at the normalised [-1, 1] locations
    of ``grid`` (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3) (x first), with bilinear /
    trilinear, nearest or (4-D only) bicubic interpolation and zeros, border or reflection
    padding. Differentiable w.r.t. input and grid."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' "
                         "or 'bicubic', but got: '{}'".format(mode))
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         "'border', or 'reflection', but got: '{}'".format(padding_mode))
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                      "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                      "old behavior is desired. See the documentation of grid_sample for "
                      "details.")
        align_corners = False
    return torsh.grid_sampler(input, grid, _GRID_MODES[mode], _GRID_PADDINGS[padding_mode],
                              bool(align_corners))


# ctc_loss

def _ctc_lengths(input_lengths, target_lengths, arg_types):
    """The two length arguments as lists of ints, as torch's two ctc_loss overloads accept them:
    both integral tensors (any shape, read flat) or both sequences of ints."""
    if torsh.is_tensor(input_lengths) and torsh.is_tensor(target_lengths):
        for name, t in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
            if t.dtype.is_floating_point or t.dtype.is_complex or t.dtype == torsh.bool:
                raise RuntimeError("{} must be integral".format(name))
        return ([int(v) for v in input_lengths.reshape(-1).tolist()],
                [int(v) for v in target_lengths.reshape(-1).tolist()])

    def int_list(v):
        if isinstance(v, (list, tuple)) and all(
                isinstance(e, numbers.Integral) and not isinstance(e, bool) or
                (torsh.is_tensor(e) and e.dim() == 0 and not e.dtype.is_floating_point)
                for e in v):
            return [int(e) for e in v]
        return None

    il, tl = int_list(input_lengths), int_list(target_lengths)
    if il is None or tl is None:
        raise TypeError(
            "ctc_loss() received an invalid combination of arguments - got ({}), but expected one "
            "of:\n * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints "
            "target_lengths, int blank, int reduction, bool zero_infinity)\n * (Tensor log_probs, "
            "Tensor targets, Tensor input_lengths, Tensor target_lengths, int blank, int "
            "reduction, bool zero_infinity)".format(", ".join(arg_types)))
    return il, tl


def _type_label(v):
    if torsh.is_tensor(v):
        return "Tensor"
    return type(v).__name__


def _check_ctc(log_probs, targets, il, tl, blank):
    where = " (while checking arguments for ctc_loss_cpu)"
    _check_float_kernel(log_probs, "ctc_loss_cpu")
    if log_probs.dim() != 3:
        raise RuntimeError("Expected 3-dimensional tensor, but got {}-dimensional tensor for "
                           "argument #1 'log_probs'".format(log_probs.dim()) + where)
    if not 1 <= targets.dim() <= 2:
        raise RuntimeError("Expected 1 to 2 dimensions, but got {}-dimensional tensor for "
                           "argument #2 'targets'".format(targets.dim()) + where)
    batch, num_labels = log_probs.size(1), log_probs.size(2)
    if not 0 <= blank < num_labels:
        raise RuntimeError("blank must be in label range")
    if len(il) != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tl) != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    if any(v < 0 for v in il) or any(v < 0 for v in tl):
        raise RuntimeError("ctc_loss: input_lengths and target_lengths must be non-negative")
    max_tl = max(tl, default=0)
    if targets.dim() == 1:
        if targets.size(0) != sum(tl):
            raise RuntimeError("Expected tensor to have size {} at dimension 0, but got size {} "
                               "for argument #2 'targets'".format(sum(tl), targets.size(0))
                               + where)
    else:
        if targets.size(0) != batch:
            raise RuntimeError("Expected tensor to have size {} at dimension 0, but got size {} "
                               "for argument #2 'targets'".format(batch, targets.size(0)) + where)
        if targets.size(1) < max_tl:
            raise RuntimeError("Expected tensor to have size at least {} at dimension 1, but got "
                               "size {} for argument #2 'targets'".format(max_tl, targets.size(1))
                               + where)
    for v in il:
        if v > log_probs.size(0):
            raise RuntimeError("Expected input_lengths to have value at most {}, but got value "
                               "{}".format(log_probs.size(0), v) + where)


def _ctc_padded_targets(targets, tl, blank):
    """(N, S) int64 labels with S = max(tl), positions past each target length set to blank."""
    n, s = len(tl), max(tl, default=0)
    if s == 0:
        return torsh.zeros((n, 0), dtype=torsh.int64)
    if targets.dim() == 1:
        pos, flat = 0, []
        for length in tl:
            flat.extend(range(pos, pos + length))
            flat.extend([0] * (s - length))
            pos += length
        padded = torsh.index_select(targets, 0, torsh.tensor(flat, dtype=torsh.int64))
        padded = padded.reshape(n, s)
    else:
        padded = targets[:, :s]
    keep = torsh.arange(s).unsqueeze(0) < torsh.tensor(tl, dtype=torsh.int64).unsqueeze(1)
    return torsh.where(keep, padded, blank)


def _logsumexp_safe(*terms):
    """log(sum(exp(terms))) as the CTC kernel forms it (shifted by the max, the max taken as 0
    when it is -inf), with a zero rather than NaN gradient where every term is -inf."""
    m = terms[0].detach()
    for t in terms[1:]:
        m = torsh.maximum(m, t.detach())
    finite = m != -_INF
    m = torsh.where(finite, m, 0.0)
    total = torsh.exp(terms[0] - m)
    for t in terms[1:]:
        total = total + torsh.exp(t - m)
    return torsh.where(finite, torsh.log(torsh.where(finite, total, 1.0)) + m, -_INF)


class _NanGradWhere(torsh.autograd.Function):
    """Zeros of shape (N,) whose backward gives NaN to log_probs[t, b, :] for t < il[b] of the
    flagged batch entries: torch's CTC gradient of an infinite loss (without zero_infinity)."""

    @staticmethod
    def forward(ctx, log_probs, rows):
        ctx.rows = rows
        return torsh.zeros(log_probs.size(1), dtype=log_probs.dtype)

    @staticmethod
    def backward(ctx, grad):
        nan = torsh.full((), float("nan"), dtype=grad.dtype)
        return torsh.where(ctx.rows, nan, 0.0), None


def _ctc_nll(log_probs, targets, il, tl, blank, zero_infinity):
    """Per-sequence negative log likelihoods (N,) by the alpha recursion over time, vectorised
    over the batch and the blank-extended label sequence."""
    t_max, n, _ = log_probs.shape
    dtype = log_probs.dtype
    labels = _ctc_padded_targets(targets, tl, blank)
    s = labels.size(1)
    blanks = torsh.full((n, s), blank, dtype=torsh.int64)
    ext = torsh.cat([torsh.stack([blanks, labels], dim=2).reshape(n, 2 * s),
                     torsh.full((n, 1), blank, dtype=torsh.int64)], dim=1)
    width = 2 * s + 1
    # a state may be entered from two back when it is a label differing from that one
    skip = torsh.cat([torsh.zeros((n, 2), dtype=torsh.bool), ext[:, 2:] != ext[:, :-2]], dim=1)
    il_t = torsh.tensor(il, dtype=torsh.int64)
    tl_t = torsh.tensor(tl, dtype=torsh.int64)
    neg_inf = torsh.full((n, 1), -_INF, dtype=dtype)
    neg_inf2 = torsh.full((n, 2), -_INF, dtype=dtype)

    nll = torsh.zeros(n, dtype=dtype)
    steps = max(il, default=0)
    if steps > 0:
        lp = torsh.gather(log_probs, 2, ext.unsqueeze(0).expand(t_max, n, width))
        first = torsh.arange(width).unsqueeze(0) < 2
        alpha = torsh.where(first, lp[0], -_INF)
        for t in range(1, steps):
            a2 = torsh.cat([neg_inf, alpha[:, :-1]], dim=1)
            a3 = torsh.where(skip, torsh.cat([neg_inf2, alpha[:, :-2]], dim=1), -_INF)
            nxt = _logsumexp_safe(alpha, a2, a3) + lp[t]
            alpha = torsh.where((il_t > t).unsqueeze(1), nxt, alpha)
        last = torsh.gather(alpha, 1, (2 * tl_t).unsqueeze(1)).squeeze(1)
        before = torsh.gather(alpha, 1, (2 * tl_t - 1).clamp_min(0).unsqueeze(1)).squeeze(1)
        before = torsh.where(tl_t > 0, before, -_INF)
        nll = -_logsumexp_safe(last, before)
        # torch's backward returns exp(log_probs) - posterior, the gradient of the loss w.r.t.
        # the logits behind a log_softmax; the posterior part comes from the recursion above,
        # exp(log_probs) from this term of value zero.
        live = (torsh.arange(t_max).unsqueeze(1) < il_t.unsqueeze(0)).unsqueeze(2)
        e = torsh.exp(log_probs)
        nll = nll + torsh.where(live, e - e.detach(), 0.0).sum(dim=(0, 2))
    empty = torsh.where(tl_t == 0, 0.0, _INF).to(dtype)
    nll = torsh.where(il_t == 0, empty, nll)
    infinite = nll.detach() == _INF
    if zero_infinity:
        return torsh.where(infinite, 0.0, nll)
    if log_probs.requires_grad and bool(infinite.any()):
        live = (torsh.arange(t_max).unsqueeze(1) < il_t.unsqueeze(0)) & infinite.unsqueeze(0)
        nll = nll + _NanGradWhere.apply(log_probs, live.unsqueeze(2).expand(log_probs.shape))
    return nll


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    r"""Connectionist Temporal Classification loss of ``log_probs`` (T, N, C) or (T, C) against
    ``targets`` padded (N, S) or concatenated (sum(target_lengths),). ``reduction='mean'``
    divides each loss by its target length (at least 1) and averages over the batch."""
    reduction_enum = _Reduction.get_enum(reduction)
    il, tl = _ctc_lengths(input_lengths, target_lengths, [
        _type_label(v) for v in (log_probs, targets, input_lengths, target_lengths, blank,
                                 reduction_enum, zero_infinity)])
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    _check_ctc(lp, targets, il, tl, blank)
    targets = targets.to(torsh.int64)
    res = _ctc_nll(lp, targets, il, tl, blank, zero_infinity)
    if reduction_enum == 1:
        div = torsh.tensor(tl, dtype=res.dtype).clamp_min(1)
        return (res / div).mean()
    if reduction_enum == 2:
        return res.sum()
    return res if batched else res.squeeze(0)


# fractional max pooling

def _int_tuple(value, n, op, arg, position):
    """torch's int[n] argument parsing: an int repeats, a sequence must hold ints."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return [int(value)] * n
    if isinstance(value, (list, tuple)) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        return [int(v) for v in value]
    raise TypeError("{}(): argument '{}' (position {}) must be tuple of ints, not {}".format(
        op, arg, position, type(value).__name__))


def _fmp_intervals(samples, in_size, out_size, pool):
    """Window starts (N, C, out_size) from per-plane samples u (N, C) by torch's formula
    start_i = int((i + u) * alpha) - int(u * alpha), alpha = (in - pool) / (out - 1), evaluated
    in the samples' dtype, and the last window ending at the input's end."""
    n, c = samples.shape
    last = torsh.full((n, c, min(out_size, 1)), in_size - pool, dtype=torsh.int64)
    if out_size <= 1:
        return last
    dtype = samples.dtype
    alpha = torsh.tensor(float(in_size - pool), dtype=dtype) / \
        torsh.tensor(float(out_size - 1), dtype=dtype)
    i = torsh.arange(out_size - 1, dtype=dtype)
    u = samples.unsqueeze(2)
    starts = torsh.trunc((i + u) * alpha).to(torsh.int64) - torsh.trunc(u * alpha).to(torsh.int64)
    return torsh.cat([starts, last], dim=2)


def _fractional_max_pool(input, kernel, out_size, samples, nd):
    """The pooling proper for an (N, C, *spatial) input: per plane, the max of each window
    (first in row-major order among equals, the last NaN if any), with its flat index."""
    n, c = input.size(0), input.size(1)
    spatial = list(input.shape[2:])
    samples = samples.reshape(n, c, nd)
    # samples[..., 0] drives W in 2-D (then H), but T in 3-D (then H, W).
    order = [1, 0] if nd == 2 else [0, 1, 2]
    index = None
    for axis in range(nd):
        starts = _fmp_intervals(samples[:, :, order[axis]], spatial[axis], out_size[axis],
                                kernel[axis])
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + axis] = out_size[axis]
        pos = starts.reshape(shape)
        offs = [1] * (2 * nd)
        offs[nd + axis] = kernel[axis]
        pos = pos + torsh.arange(kernel[axis]).reshape([1, 1] + offs)
        index = pos if index is None else index * spatial[axis] + pos
    window = math.prod(kernel)
    points = math.prod(out_size)
    index = index.reshape(n, c, points * window)
    flat = input.reshape(n, c, math.prod(spatial))
    with torsh.no_grad():
        vals = torsh.gather(flat.detach(), 2, index).reshape(n, c, points, window)
        best = torsh.amax(vals, dim=3, keepdim=True) if window else vals[..., :1]
        nan_best = torsh.isnan(best)
        hit = (vals == best) | (torsh.isnan(vals) & nan_best)
        k = torsh.arange(window)
        rank = torsh.where(nan_best, k + 1, window - k)
        pick = torsh.argmax(torsh.where(hit, rank, 0), dim=3, keepdim=True)
        chosen = torsh.gather(index.reshape(n, c, points, window), 3, pick).reshape(n, c, points)
    out = torsh.gather(flat, 2, chosen)
    return out.reshape([n, c] + list(out_size)), chosen.reshape([n, c] + list(out_size))


def _fractional_max_pool_nd(input, kernel_size, output_size, samples, nd):
    op = "fractional_max_pool{}d".format(nd)
    kernel = _int_tuple(kernel_size, nd, op, "kernel_size", 2)
    out_size = _int_tuple(output_size, nd, op, "output_size", 3)
    what = "a single Int or tuple of Ints" if nd == 2 else "a single Int or tuple of three Ints"
    if len(kernel) != nd:
        raise RuntimeError("{}: kernel_size must either be {}".format(op, what))
    if len(out_size) != nd:
        raise RuntimeError("{}: output_size must either be {}".format(op, what))
    prefix = op + "()" if nd == 2 else "fractional_max_pool3d_out()"
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError("{}: Expected {}D or {}D tensor, but got: {}".format(
            prefix, nd + 1, nd + 2, _sizes(input)))
    for i in range(1, input.dim()):
        if input.size(i) <= 0:
            raise RuntimeError(
                "{}: Expected input to have non-zero size for non-batch dimensions, but got{} "
                "with dimension {} being empty.".format(prefix, _sizes(input), i))
    batched = input.dim() == nd + 2
    x = input if batched else input.unsqueeze(0)
    spatial = list(x.shape[2:])
    names = ["height", "width"] if nd == 2 else ["time", "height", "width"]
    # torch checks 2-D with <= in (H, W) order, 3-D with < in (T, W, H) order.
    check = [0, 1] if nd == 2 else [0, 2, 1]
    for axis in check:
        fits = out_size[axis] + kernel[axis] - 1
        if (fits > spatial[axis]) if nd == 2 else (fits >= spatial[axis]):
            raise RuntimeError("{}: pool {} {} too large relative to input {} {}".format(
                prefix, names[axis], kernel[axis], names[axis], spatial[axis]))
    if any(k <= 0 for k in kernel):
        raise RuntimeError("{}: kernel_size must be greater than zero, but got {}".format(
            op, kernel))
    if any(o < 0 for o in out_size):
        raise RuntimeError("Trying to create tensor with negative dimension {}: {}".format(
            min(o for o in out_size if o < 0), list(x.shape[:2]) + out_size))
    _check_float_kernel(input, "{}_out_frame".format(op))
    _check_same_scalar_type(input, samples)
    if samples.numel() != x.size(0) * x.size(1) * nd:
        raise RuntimeError("{}: expected _random_samples to hold {} values (N, C, {}), but got "
                           "sizes {}".format(op, x.size(0) * x.size(1) * nd, nd,
                                             _sizes(samples)))
    out, idx = _fractional_max_pool(x, kernel, out_size, samples, nd)
    return (out, idx) if batched else (out.squeeze(0), idx.squeeze(0))


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    r"""2-D fractional max pooling (Graham, 2014) of an (N, C, H, W) or (C, H, W) input:
    returns (output, indices into each flattened H*W plane)."""
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an "
                         "output_ratio")
    if output_size is None:
        ratio = _pair(output_ratio)
        output_size = [int(input.size(-2) * ratio[0]), int(input.size(-1) * ratio[1])]
    if _random_samples is None:
        n_batch = 1 if input.dim() == 3 else input.size(0)
        _random_samples = torsh.rand(n_batch, input.size(-3), 2, dtype=input.dtype)
    return _fractional_max_pool_nd(input, kernel_size, output_size, _random_samples, 2)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    r"""2-D fractional max pooling; with ``return_indices``, also the flat indices per plane.
    Windows of ``kernel_size`` start at pseudo-random, increasing offsets drawn from
    ``_random_samples`` (N, C, 2) (uniform [0, 1), drawn here when None)."""
    res = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return res if return_indices else res[0]


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    r"""3-D fractional max pooling of an (N, C, T, H, W) or (C, T, H, W) input: returns
    (output, indices into each flattened T*H*W volume)."""
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool3d requires specifying either an output_size or an "
                         "output_ratio")
    if output_size is None:
        ratio = _triple(output_ratio)
        output_size = [int(input.size(-3) * ratio[0]), int(input.size(-2) * ratio[1]),
                       int(input.size(-1) * ratio[2])]
    if _random_samples is None:
        n_batch = 1 if input.dim() == 4 else input.size(0)
        _random_samples = torsh.rand(n_batch, input.size(-4), 3, dtype=input.dtype)
    return _fractional_max_pool_nd(input, kernel_size, output_size, _random_samples, 3)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    r"""3-D fractional max pooling; with ``return_indices``, also the flat indices per volume.
    ``_random_samples`` is (N, C, 3) (T, H, W)."""
    res = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return res if return_indices else res[0]
