"""torch.nn.functional's resampling, distance, embedding-bag and miscellaneous functions.

torch 1.13 binds several of these straight to ATen ops (pixel_shuffle, cosine_similarity,
pairwise_distance, pdist, prelu, bilinear); here they call the torsh op of the same name.
interpolate follows torch's Python argument handling (size / scale_factor /
recompute_scale_factor / align_corners) and then calls torsh's upsample op with the output size
and the scales ATen's ``.vec`` overloads would pass. The rest (rrelu, local_response_norm,
gumbel_softmax, embedding_bag and affine_grid) are composed here
from torsh ops. Re-exported by torsh.nn.functional.
"""
import math
import warnings

import torsh
from torsh.nn.modules.utils import _pair
from torsh.nn import _functional_conv as _conv

__all__ = [
    "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
    "pixel_unshuffle", "unfold", "fold", "cosine_similarity", "pairwise_distance", "pdist",
    "prelu", "rrelu", "rrelu_", "bilinear", "local_response_norm", "gumbel_softmax",
    "embedding_bag", "affine_grid",
]


# Resampling

def _output_size_from_scales(input, scale_factors):
    # ATen's compute_output_size: the double product input_size * scale, truncated to int64.
    sizes = []
    for i, scale in enumerate(scale_factors):
        odim = float(input.size(i + 2)) * scale
        if not math.isfinite(odim) or abs(odim) >= 2.0 ** 63:
            raise RuntimeError("value cannot be converted to type int64_t without overflow")
        sizes.append(int(odim))
    return sizes


def _upsample_call(op, input, output_size, scale_factors, *extra):
    """op(input, output_size, *extra, *scales) as ATen's `.vec` overload calls it: an explicit
    size with no scales, or the size computed from the scales and the scales themselves."""
    dim = input.dim() - 2
    if output_size is not None:
        return op(input, list(output_size), *extra, *([None] * dim))
    osize = _output_size_from_scales(input, scale_factors)
    return op(input, osize, *extra, *[float(s) for s in scale_factors])


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    r"""Down/up samples the input to the given ``size`` or by ``scale_factor``; modes nearest,
    nearest-exact, linear, bilinear, bicubic, trilinear and area (an adaptive average pool)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False

    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    elif size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format.")
            output_size = size
        else:
            output_size = [size] * max(dim, 0)
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. Please provide input tensor in (N, C, "
                    "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = scale_factor
        else:
            scale_factors = [scale_factor] * max(dim, 0)
    else:
        raise ValueError("either size or scale_factor should be defined")

    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    # 'area' needs an explicit size: it takes the recompute path.
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [int(math.floor(float(input.size(i + 2)) * scale_factors[i]))
                       for i in range(dim)]
        scale_factors = None

    if antialias and not (mode in ("bilinear", "bicubic") and input.dim() == 4):
        raise ValueError("Anti-alias option is only supported for bilinear and bicubic modes")

    nd = input.dim()
    if mode == "nearest" and nd in (3, 4, 5):
        op = {3: torsh.upsample_nearest1d, 4: torsh.upsample_nearest2d,
              5: torsh.upsample_nearest3d}[nd]
        return _upsample_call(op, input, output_size, scale_factors)
    if mode == "nearest-exact" and nd in (3, 4, 5):
        op = getattr(torsh._C, "_upsample_nearest_exact{}d".format(nd - 2))
        return _upsample_call(op, input, output_size, scale_factors)
    if mode == "area" and nd in (3, 4, 5):
        pool = {3: _conv.adaptive_avg_pool1d, 4: _conv.adaptive_avg_pool2d,
                5: _conv.adaptive_avg_pool3d}[nd]
        return pool(input, output_size)
    if (mode, nd) in (("linear", 3), ("bilinear", 4), ("trilinear", 5), ("bicubic", 4)):
        if antialias:
            op = torsh._C._upsample_bicubic2d_aa if mode == "bicubic" else \
                torsh._C._upsample_bilinear2d_aa
            return _upsample_call(op, input, output_size, scale_factors, align_corners)
        op = {"linear": torsh.upsample_linear1d, "bilinear": torsh.upsample_bilinear2d,
              "trilinear": torsh.upsample_trilinear3d, "bicubic": torsh.upsample_bicubic2d}[mode]
        return _upsample_call(op, input, output_size, scale_factors, align_corners)

    needs = {"linear": 3, "bilinear": 4, "trilinear": 5}
    if nd in (3, 4, 5) and mode in needs:
        raise NotImplementedError("Got {}D input, but {} mode needs {}D input".format(
            nd, mode, needs[mode]))
    raise NotImplementedError(
        "Input Error: Only 3D, 4D and 5D input Tensors supported (got {}D) for the modes: "
        "nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got {})".format(
            nd, mode))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate "
                  "instead.")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate "
                  "instead.")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input, upscale_factor):
    r"""(*, C * r^2, H, W) -> (*, C, H * r, W * r)."""
    return torsh.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    r"""(*, C, H * r, W * r) -> (*, C * r^2, H, W)."""
    return torsh.pixel_unshuffle(input, downscale_factor)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    r"""Sliding local blocks of a (N, C, H, W) or (C, H, W) input as columns (im2col)."""
    return torsh.im2col(input, _pair(kernel_size), _pair(dilation), _pair(padding),
                        _pair(stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    r"""Sums columns of sliding local blocks back into a (N, C, H, W) tensor (col2im)."""
    return torsh.col2im(input, _pair(output_size), _pair(kernel_size), _pair(dilation),
                        _pair(padding), _pair(stride))


# Distances, parametric activations, bilinear

def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    return torsh.cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return torsh.pairwise_distance(x1, x2, p, eps, keepdim)


def pdist(input, p=2):
    return torsh.pdist(input, p)


def prelu(input, weight):
    return torsh.prelu(input, weight)


def bilinear(input1, input2, weight, bias=None):
    r"""y = x1^T A x2 + b, with weight A of shape (out, in1, in2)."""
    return torsh.bilinear(input1, input2, weight, bias)


def _rrelu_noise(input, lower, upper):
    """ATen's _rrelu_with_noise_train noise: 1 where x > 0; elsewhere one draw each, in
    row-major order, of the double uniform(lower, upper) (bounds first rounded to the input's
    dtype), computed as u * (upper - lower) + lower from the 53-bit double uniform u."""
    if input.dtype == torsh.float64:
        lo, hi = float(lower), float(upper)
    else:
        lo = float(torsh.tensor(lower, dtype=input.dtype))
        hi = float(torsh.tensor(upper, dtype=input.dtype))
    with torsh.no_grad():
        nonpos = input <= 0
        count = int(nonpos.sum())
        noise = torsh.ones_like(input)
        if count:
            u = torsh.empty(count, dtype=torsh.float64).uniform_()
            noise[nonpos] = (u * (hi - lo) + lo).to(input.dtype)
    return noise


def _check_rrelu(input, lower, upper, training):
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not input.is_floating_point():
        name = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
        raise RuntimeError('"{}" not implemented for \'{}\''.format(
            name, _dtype_name(input.dtype)))


def _dtype_name(dtype):
    names = {torsh.int64: "Long", torsh.int32: "Int", torsh.int16: "Short", torsh.int8: "Char",
             torsh.uint8: "Byte", torsh.bool: "Bool"}
    return names.get(dtype, str(dtype))


def rrelu(input, lower=1. / 8, upper=1. / 3, training=False, inplace=False):
    r"""Randomized leaky ReLU: in training each non-positive element is scaled by a slope drawn
    from U(lower, upper); in evaluation the slope is (lower + upper) / 2."""
    if inplace:
        return rrelu_(input, lower, upper, training)
    _check_rrelu(input, lower, upper, training)
    if not training:
        return torsh.leaky_relu(input, (lower + upper) / 2)
    return input * _rrelu_noise(input, lower, upper)


def rrelu_(input, lower=1. / 8, upper=1. / 3, training=False):
    _check_rrelu(input, lower, upper, training)
    if not training:
        return input.leaky_relu_((lower + upper) / 2)
    return input.mul_(_rrelu_noise(input, lower, upper))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    r"""Normalises each element by a power of the mean of squares over ``size`` neighbouring
    channels (zero-padded at the ends)."""
    dim = input.dim()
    if dim < 3:
        raise ValueError("Expected 3D or higher dimensionality                          input "
                         "(got {} dimensions)".format(dim))
    if input.numel() == 0:
        return input
    div = input.mul(input).unsqueeze(1)
    if dim == 3:
        div = _conv.pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = _conv.avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = _conv.pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = _conv.avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


def _standard_exponential_like(t):
    """What torch's empty_like(t).exponential_() draws on CPU: per element one 53-bit double
    uniform u (the stream of a float64 uniform_) mapped to -log(1 - u) in double, then cast.
    torch evaluates the log with glibc's scalar log; torsh.log may differ from it in the last
    bit of the double, so the noise equals torch's to within an ulp of float64."""
    u = torsh.empty(tuple(t.shape), dtype=torsh.float64).uniform_()
    return torsh.log(1.0 - u).neg_().to(t.dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    r"""Samples from the Gumbel-Softmax distribution; with ``hard`` the one-hot argmax with the
    soft sample's gradient (straight-through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.")
    with torsh.no_grad():
        gumbels = _standard_exponential_like(logits).log().neg_()
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = torsh.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# embedding_bag

_TYPE_NAMES = {torsh.float16: "torch.HalfTensor", torsh.float32: "torch.FloatTensor",
               torsh.float64: "torch.DoubleTensor", torsh.int64: "torch.LongTensor",
               torsh.int32: "torch.IntTensor", torsh.int16: "torch.ShortTensor",
               torsh.int8: "torch.CharTensor", torsh.uint8: "torch.ByteTensor",
               torsh.bool: "torch.BoolTensor"}


def _type_name(t):
    return _TYPE_NAMES.get(t.dtype, str(t.dtype))


def _check_embedding_bag_args(weight, indices, offsets, per_sample_weights,
                              include_last_offset):
    suffix = " (while checking arguments for embedding_bag)"
    for name, t in (("indices", indices), ("offsets", offsets)):
        if t.dtype not in (torsh.int64, torsh.int32):
            raise RuntimeError("Expected tensor for argument #1 '{}' to have one of the following "
                               "scalar types: Long, Int; but got {} instead{}".format(
                                   name, _type_name(t), suffix))
    if weight.dtype not in (torsh.float16, torsh.bfloat16, torsh.float32, torsh.float64):
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the following "
                           "scalar types: Half, Float, Double; but got {} instead{}".format(
                               _type_name(weight), suffix))
    if per_sample_weights is not None:
        if per_sample_weights.dtype != weight.dtype:
            raise RuntimeError(
                "Expected tensor for argument #1 'weight' to have the same type as tensor for "
                "argument #1 'per_sample_weights'; but type {} does not equal {}{}".format(
                    _type_name(weight), _type_name(per_sample_weights), suffix))
    if include_last_offset and offsets.size(0) < 1:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    if offsets.size(0) > 0:
        first, last = int(offsets[0]), int(offsets[-1])
        if first != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the "
                               "mini-batch has to start from position 0. However, got "
                               "{}".format(first))
        if last > indices.size(0):
            raise RuntimeError("offsets[-1] can not be greater than input's length {} but got "
                               "offsets[-1] of {}".format(indices.size(0), last))
        if offsets.size(0) > 1 and bool((offsets[1:] < offsets[:-1]).any()):
            raise RuntimeError("embedding_bag: offsets have to be non-decreasing")
    num = weight.size(0)
    if indices.numel() > 0:
        bad = (indices < 0) | (indices >= num)
        if bool(bad.any()):
            raise RuntimeError("embedding_bag: Expected idx >= 0 && idx < num_embeddings but "
                               "found idx to be {}".format(int(indices[bad][0])))


def _embedding_bag_impl(weight, indices, offsets, scale_grad_by_freq, mode_enum, sparse,
                        per_sample_weights, include_last_offset, padding_idx):
    """ATen's embedding_bag (CPU) from embedding/index_add/scatter_reduce: bag b holds the
    indices at positions [offsets[b], offsets[b + 1]) (the last bag runs to the end, or to the
    extra last offset); entries equal to padding_idx are skipped (and not counted by 'mean');
    an empty bag gives zeros."""
    if padding_idx is not None:
        num = weight.size(0)
        if not (-num <= padding_idx < num):
            raise RuntimeError("padding_idx must be within the number of embeddings, -{} through "
                               "{}, but got {}".format(num, num - 1, padding_idx))
        if padding_idx < 0:
            padding_idx += num
    _check_embedding_bag_args(weight, indices, offsets, per_sample_weights, include_last_offset)
    indices = indices.to(torsh.int64)
    offsets = offsets.to(torsh.int64)
    if include_last_offset:
        starts, end = offsets[:-1], int(offsets[-1])
    else:
        starts, end = offsets, indices.size(0)
    num_bags, dim = starts.size(0), weight.size(1)
    out = torsh.zeros((num_bags, dim), dtype=weight.dtype)
    if num_bags == 0:
        return out
    positions = torsh.arange(end)
    bag_of = torsh.searchsorted(starts, positions, right=True) - 1
    keep = indices[:end] != padding_idx if padding_idx is not None else None
    idx = indices[:end]
    psw = per_sample_weights[:end] if per_sample_weights is not None else None
    if keep is not None:
        bag_of, idx = bag_of[keep], idx[keep]
        psw = psw[keep] if psw is not None else None
    rows = torsh.embedding(weight, idx, -1, scale_grad_by_freq, sparse)
    if psw is not None:
        rows = rows * psw.unsqueeze(1)
    if mode_enum == 2:
        index = bag_of.unsqueeze(1).expand(bag_of.size(0), dim)
        return out.scatter_reduce(0, index, rows, "amax", include_self=False)
    out = out.index_add(0, bag_of, rows)
    if mode_enum == 1:
        counts = torsh.bincount(bag_of, minlength=num_bags).clamp_min(1).to(weight.dtype)
        out = out / counts.unsqueeze(1)
    return out


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    r"""Sums, averages or takes the max of "bags" of embeddings: a 2D ``input`` is one bag per
    row; a 1D ``input`` is split into bags at ``offsets``."""
    if weight.dtype == torsh.int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.")
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError("embedding_bag: If per_sample_weights ({}) is not None, then it must "
                         "have the same shape as the input ({})".format(
                             per_sample_weights.shape, input.shape))
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is "
                             "a mini-batch of fixed length sequences. However, found offsets of "
                             "type {}".format(str(type(offsets))))
        offsets = torsh.arange(0, input.numel(), input.size(1), dtype=input.dtype)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError("input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         "{}".format(input.dim()))
    if mode == "sum":
        mode_enum = 0
    elif mode == "mean":
        mode_enum = 1
    elif mode == "max":
        mode_enum = 2
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    else:
        raise ValueError("mode has to be one of sum, mean or max")
    if max_norm is not None:
        from torsh.nn import functional as _F
        _F._no_grad_embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported "
            "for mode='sum' (got mode='{}'). Please open a feature request on GitHub.".format(mode))
    return _embedding_bag_impl(weight, input, offsets, scale_grad_by_freq, mode_enum, sparse,
                               per_sample_weights, include_last_offset, padding_idx)


# affine_grid

def _linspace_from_neg_one(num_steps, align_corners, dtype):
    if num_steps <= 1:
        return torsh.zeros(1, dtype=dtype) if num_steps == 1 else torsh.zeros(0, dtype=dtype)
    r = torsh.linspace(-1, 1, num_steps, dtype=dtype)
    if not align_corners:
        r = r * (num_steps - 1) / num_steps
    return r


def _affine_base_grid(spatial, align_corners, dtype):
    """The (*spatial, ndim + 1) grid of normalised coordinates (x, y[, z], 1), x varying
    along the last spatial dim."""
    nd = len(spatial)
    coords = []
    for axis in range(nd):
        size = spatial[nd - 1 - axis]  # x runs over the last dim, y the one before, ...
        line = _linspace_from_neg_one(size, align_corners, dtype)
        shape = [1] * nd
        shape[nd - 1 - axis] = size
        coords.append(line.reshape(shape).expand(*spatial))
    coords.append(torsh.ones(list(spatial), dtype=dtype))
    return torsh.stack(coords, dim=-1)


def affine_grid(theta, size, align_corners=None):
    r"""The sampling grid (N, H, W, 2) or (N, D, H, W, 3) of the affine maps ``theta``
    (N, 2, 3) or (N, 3, 4), in normalised [-1, 1] coordinates, for grid_sample."""
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                      "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                      "old behavior is desired. See the documentation of grid_sample for "
                      "details.")
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError("Expected theta to have floating point type, but got {}".format(
            theta.dtype))
    size = list(size)
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError("Expected a batch of 2D affine matrices of shape Nx2x3 for size {}. "
                             "Got {}.".format(size, theta.shape))
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError("Expected a batch of 3D affine matrices of shape Nx3x4 for size {}. "
                             "Got {}.".format(size, theta.shape))
        spatial = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  "affine transforms, respectively. Got size {}.".format(size))
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.")
    elif min(size) <= 0:
        raise ValueError("Expected non-zero, positive output size. Got {}".format(size))
    n = size[0]
    if theta.size(0) != n:  # torch's bmm of the (N, H * W, 3) base grid with theta^T
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           "[{}, {}] but got: [{}, {}].".format(n, len(spatial) + 1, theta.size(0),
                                                               theta.size(2)))
    base = _affine_base_grid(spatial, align_corners, theta.dtype)
    npts = 1
    for s in spatial:
        npts *= s
    flat = base.reshape(1, npts, len(spatial) + 1)
    grid = torsh.matmul(flat, theta.transpose(1, 2))
    return grid.reshape([n] + list(spatial) + [len(spatial)])
