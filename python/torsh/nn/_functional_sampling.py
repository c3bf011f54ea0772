"""torch.nn.functional's grid_sample, ctc_loss and fractional max pooling, composed from torsh
tensor ops.

Each follows the arithmetic of torch's CPU kernel (coordinate unnormalisation and padding of the
grid sampler, the interval formula of fractional pooling, the log-space alpha recursion of CTC)
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

def _check_grid_sampler(input, grid, mode):
    if input.size(0) != grid.size(0):
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input with "
            "sizes {} and grid with sizes {}".format(_sizes(input), _sizes(grid)))
    if grid.size(-1) != input.dim() - 2:
        raise RuntimeError(
            "grid_sampler(): expected grid to have size {} in last dimension, but got grid with "
            "sizes {}".format(input.dim() - 2, _sizes(grid)))
    for i in range(2, input.dim()):
        if input.size(i) <= 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial dimensions, but input "
                "has sizes {} with dimension {} being empty".format(_sizes(input), i))
    if input.dim() == 4:
        if grid.dim() != 4:
            raise RuntimeError(
                "grid_sampler(): expected 4D input and grid with same number of dimensions, but "
                "got input with sizes {} and grid with sizes {}".format(_sizes(input),
                                                                          _sizes(grid)))
        if input.dtype not in (torsh.float32, torsh.float64):
            raise RuntimeError("grid_sampler_2d_cpu not implemented for {}".format(
                _scalar_type_name(input.dtype)))
    else:
        if input.dim() != 5 or grid.dim() != 5:
            raise RuntimeError(
                "grid_sampler(): expected 5D input and grid with same number of dimensions, but "
                "got input with sizes {} and grid with sizes {}".format(_sizes(input),
                                                                          _sizes(grid)))
        if mode == "bicubic":
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
        _check_float_kernel(input, "grid_sampler3d_cpu")
    _check_same_scalar_type(input, grid)


def _zero_value(x):
    """Zeros shaped like x that stay in its graph with a zero gradient."""
    return torsh.where(torsh.isfinite(x), x, 0.0) * 0.0


def _clip_open(x, size):
    """Clamp to [0, size - 1] with gradient 1 strictly inside and 0 on or beyond the borders,
    NaN going to 0, as the vectorised 2-D kernel does."""
    hi = float(size - 1)
    return torsh.where(x > 0, torsh.where(x < hi, x, hi), 0.0)


def _clip_scalar(x, size):
    # std::min(size - 1, std::max(x, 0)) of the scalar 3-D kernel (NaN goes to size - 1), with
    # torch's set_grad rule: gradient 0 at and beyond both borders.
    hi = float(size - 1)
    return torsh.where(x <= 0, 0.0, torsh.where(x < hi, x, hi))


def _reflect_vec(x, size, align_corners):
    """The 2-D kernel's reflection: fold |x - low| by whole double spans (trunc), then mirror the
    remainder once if it lies in the second half."""
    if align_corners:
        if size <= 1:
            return _zero_value(x)
        low, twice_span = 0.0, float(2 * (size - 1))
    else:
        low, twice_span = -0.5, float(2 * size)
    d = x - low if low else x
    a = torsh.where(d < 0, -d, d)
    flips = torsh.trunc(a.detach() / twice_span)
    extra = a - flips * twice_span
    mirrored = twice_span - extra
    out = torsh.where(extra > mirrored, mirrored, extra)
    return out + low if low else out


def _reflect_scalar(x, size, align_corners):
    """GridSampler.h's reflect_coordinates: fmod by the span, odd flip counts mirrored."""
    if align_corners:
        if size <= 1:
            return _zero_value(x)
        low, span = 0.0, float(size - 1)
    else:
        low, span = -0.5, float(size)
    d = x - low
    a = torsh.where(d < 0, -d, d)
    extra = torsh.fmod(a, span)
    flips = torsh.floor(a.detach() / span)
    even = torsh.fmod(flips, 2.0) == 0
    return torsh.where(even, extra + low, (span - extra) + low)


def _unnormalize_vec(coord, size, align_corners):
    if align_corners:
        return (coord + 1.0) * ((size - 1) / 2.0)
    return (coord + 1.0) * (size / 2.0) - 0.5


def _unnormalize_scalar(coord, size, align_corners):
    if align_corners:
        return ((coord + 1.0) / 2.0) * float(size - 1)
    return ((coord + 1.0) * float(size) - 1.0) / 2.0


def _pad_coords_vec(x, size, padding_mode, align_corners):
    if padding_mode == "border":
        return _clip_open(x, size)
    if padding_mode == "reflection":
        return _clip_open(_reflect_vec(x, size, align_corners), size)
    return x


def _pad_coords_scalar(x, size, padding_mode, align_corners):
    if padding_mode == "border":
        x = _clip_scalar(x, size)
    elif padding_mode == "reflection":
        x = _clip_scalar(_reflect_scalar(x, size, align_corners), size)
    # safe_downgrade_to_int_range: a non-finite or huge coordinate reads as out of bounds.
    ok = torsh.isfinite(x) & (x >= -2147483648.0) & (x <= 2147483646.0)
    return torsh.where(ok, x, -100.0)


class _Sampler:
    """Gathers input values at integer (float-valued) coordinates of the output grid, zero where
    a coordinate falls outside the input: such points read a zero appended to each flattened
    plane, so no per-corner masking of the (N, C, ...) values is needed."""

    def __init__(self, input):
        self.n, self.c = input.size(0), input.size(1)
        self.spatial = list(input.shape[2:])
        self.numel = math.prod(self.spatial)
        zero = torsh.zeros((self.n, self.c, 1), dtype=input.dtype)
        self.flat = torsh.cat([input.reshape(self.n, self.c, self.numel), zero], dim=2)

    def __call__(self, coords):
        """coords: per spatial dim (slowest first) a float tensor of the grid's (N, *out) shape,
        without grad; returns (N, C, *out)."""
        valid = None
        index = None
        for size, x in zip(self.spatial, coords):
            inside = (x > -1) & (x < size)
            valid = inside if valid is None else valid & inside
        for size, x in zip(self.spatial, coords):
            xi = torsh.where(valid, x, 0.0).to(torsh.int64)
            index = xi if index is None else index * size + xi
        index = torsh.where(valid, index, self.numel)
        out_shape = list(index.shape[1:])
        points = math.prod(out_shape)
        index = index.reshape(self.n, 1, points).expand(self.n, self.c, points)
        return torsh.gather(self.flat, 2, index).reshape([self.n, self.c] + out_shape)


def _zero_link(t):
    """Exact zeros that keep ``t`` (whose gradient is zero, e.g. a rounded coordinate) in the
    graph, so the grid still receives a (zero) gradient as from torch's kernel."""
    t = torsh.where(torsh.isfinite(t), t, 0.0)
    return t - t.detach()


def _cubic_coeffs(t):
    """Cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for fraction t, in the
    2-D kernel's operation order."""
    a = -0.75

    def outer(x):
        return ((x * a - 5 * a) * x + 8 * a) * x - 4 * a

    def inner(x):
        return ((x * (a + 2) - (a + 3)) * x) * x + 1.0

    return [outer(t + 1.0), inner(t), inner(1.0 - t), outer(2.0 - t)]


def _grid_sample_2d(input, grid, mode, padding_mode, align_corners):
    sample = _Sampler(input)
    h, w = sample.spatial
    gx, gy = grid[..., 0], grid[..., 1]
    if mode == "bicubic":
        x = _unnormalize_vec(gx, w, align_corners)
        y = _unnormalize_vec(gy, h, align_corners)
        x0, y0 = torsh.floor(x.detach()), torsh.floor(y.detach())
        cx, cy = _cubic_coeffs(x - x0), _cubic_coeffs(y - y0)
        with torsh.no_grad():
            xs = [_pad_coords_vec(x0 + k, w, padding_mode, align_corners) for k in (-1, 0, 1, 2)]
            ys = [_pad_coords_vec(y0 + k, h, padding_mode, align_corners) for k in (-1, 0, 1, 2)]
        rows = []
        for j in range(4):
            terms = [cx[i].unsqueeze(1) * sample((ys[j], xs[i])) for i in range(4)]
            rows.append(terms[0] + terms[1] + terms[2] + terms[3])
        return (cy[0].unsqueeze(1) * rows[0] + cy[1].unsqueeze(1) * rows[1]
                + cy[2].unsqueeze(1) * rows[2] + cy[3].unsqueeze(1) * rows[3])
    x = _pad_coords_vec(_unnormalize_vec(gx, w, align_corners), w, padding_mode, align_corners)
    y = _pad_coords_vec(_unnormalize_vec(gy, h, align_corners), h, padding_mode, align_corners)
    if mode == "nearest":
        # round() is half-to-even, as the kernel's vectorised round; its gradient is zero.
        xr, yr = torsh.round(x), torsh.round(y)
        return sample((yr.detach(), xr.detach())) + _zero_link(xr + yr).unsqueeze(1)
    x0, y0 = torsh.floor(x.detach()), torsh.floor(y.detach())
    wx = x - x0
    ny = y - y0
    ex = 1.0 - wx
    sy = 1.0 - ny
    x1, y1 = x0 + 1.0, y0 + 1.0
    nw = (sy * ex).unsqueeze(1)
    ne = (sy * wx).unsqueeze(1)
    sw = (ny * ex).unsqueeze(1)
    se = (ny * wx).unsqueeze(1)
    return (sample((y0, x0)) * nw + sample((y0, x1)) * ne + sample((y1, x0)) * sw
            + sample((y1, x1)) * se)


def _round_half_away(x):
    """std::round (halves away from zero), which the 3-D kernel's nearest mode uses; the 2-D
    kernel rounds halves to even. Gradient zero."""
    x = x.detach()
    r = torsh.trunc(x)
    return torsh.where(torsh.abs(x - r) >= 0.5, r + torsh.sign(x), r)


def _grid_sample_3d(input, grid, mode, padding_mode, align_corners):
    sample = _Sampler(input)
    d, h, w = sample.spatial
    coords = []
    for k, size in enumerate((w, h, d)):
        c = _unnormalize_scalar(grid[..., k], size, align_corners)
        coords.append(_pad_coords_scalar(c, size, padding_mode, align_corners))
    x, y, z = coords
    if mode == "nearest":
        xr, yr, zr = _round_half_away(x), _round_half_away(y), _round_half_away(z)
        return sample((zr, yr, xr)) \
            + _zero_link(torsh.round(x) + torsh.round(y) + torsh.round(z)).unsqueeze(1)
    x0, y0, z0 = torsh.floor(x.detach()), torsh.floor(y.detach()), torsh.floor(z.detach())
    x1, y1, z1 = x0 + 1.0, y0 + 1.0, z0 + 1.0
    fx = ((x0, x1 - x), (x1, x - x0))
    fy = ((y0, y1 - y), (y1, y - y0))
    fz = ((z0, z1 - z), (z1, z - z0))
    out = None
    for zc, wz in fz:  # the kernel's accumulation order: tnw, tne, tsw, tse, bnw, ...
        for yc, wy in fy:
            for xc, wx in fx:
                term = sample((zc, yc, xc)) * (wx * wy * wz).unsqueeze(1)
                out = term if out is None else out + term
    return out


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
    _check_grid_sampler(input, grid, mode)
    align_corners = bool(align_corners)
    if input.dim() == 4:
        return _grid_sample_2d(input, grid, mode, padding_mode, align_corners)
    return _grid_sample_3d(input, grid, mode, padding_mode, align_corners)


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
