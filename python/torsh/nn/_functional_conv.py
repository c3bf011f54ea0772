"""torch.nn.functional's convolution, pooling, normalisation and padding functions.

torch 1.13 binds most of these straight to ATen ops; here each is a thin function over the
torsh op of the same name and argument order (looked up at call time), plus the few checks and
composites torch writes in Python: ``stride=None`` meaning "the kernel size", ``return_indices``
choosing the ``*_with_indices`` op, ``None`` entries of an adaptive pool's output size, the
batch-size checks of the normalisations and lp_pool as a power of an average pool.
Re-exported by torsh.nn.functional.
"""
import torsh
from torsh.nn.modules.utils import _single, _pair, _triple, _list_with_default

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "batch_norm",
    "instance_norm", "group_norm", "pad",
]

# cuDNN is never used; torch passes torch.backends.cudnn.enabled, which is True by default.
_CUDNN_ENABLED = True


# Convolutions

def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""1D convolution over an (N, C_in, L) or (C_in, L) input; padding may be 'same'/'valid'."""
    return torsh.conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""2D convolution over an (N, C_in, H, W) or (C_in, H, W) input."""
    return torsh.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""3D convolution over an (N, C_in, D, H, W) or (C_in, D, H, W) input."""
    return torsh.conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    r"""1D transposed convolution ("deconvolution"); weight is (C_in, C_out / groups, kW)."""
    return torsh.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups,
                                  dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    r"""2D transposed convolution; weight is (C_in, C_out / groups, kH, kW)."""
    return torsh.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups,
                                  dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    r"""3D transposed convolution; weight is (C_in, C_out / groups, kT, kH, kW)."""
    return torsh.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups,
                                  dilation)


# Max pooling. ATen's default stride is the empty list, which means "kernel_size".

def _stride_or_empty(stride):
    return [] if stride is None else stride


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return torsh.max_pool1d_with_indices(input, kernel_size, _stride_or_empty(stride), padding,
                                         dilation, ceil_mode)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return torsh.max_pool2d_with_indices(input, kernel_size, _stride_or_empty(stride), padding,
                                         dilation, ceil_mode)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return torsh.max_pool3d_with_indices(input, kernel_size, _stride_or_empty(stride), padding,
                                         dilation, ceil_mode)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    r"""1D max pooling; with return_indices, (output, indices into the flattened length)."""
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return torsh.max_pool1d(input, kernel_size, _stride_or_empty(stride), padding, dilation,
                            ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    r"""2D max pooling; with return_indices, (output, indices into each flattened H*W plane)."""
    if return_indices:
        return max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return torsh.max_pool2d(input, kernel_size, _stride_or_empty(stride), padding, dilation,
                            ceil_mode)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    r"""3D max pooling; with return_indices, (output, indices into each flattened volume)."""
    if return_indices:
        return max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return torsh.max_pool3d(input, kernel_size, _stride_or_empty(stride), padding, dilation,
                            ceil_mode)


# Average pooling

def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    r"""1D average pooling."""
    return torsh.avg_pool1d(input, kernel_size, _stride_or_empty(stride), padding, ceil_mode,
                            count_include_pad)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    r"""2D average pooling; divisor_override replaces the window size as the divisor."""
    return torsh.avg_pool2d(input, kernel_size, _stride_or_empty(stride), padding, ceil_mode,
                            count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    r"""3D average pooling; divisor_override replaces the window size as the divisor."""
    return torsh.avg_pool3d(input, kernel_size, _stride_or_empty(stride), padding, ceil_mode,
                            count_include_pad, divisor_override)


# Adaptive pooling. For 2D/3D an output size entry of None keeps that input size.

def adaptive_avg_pool1d(input, output_size):
    return torsh.adaptive_avg_pool1d(input, output_size)


def adaptive_avg_pool2d(input, output_size):
    return torsh.adaptive_avg_pool2d(input, _list_with_default(output_size, input.size()))


def adaptive_avg_pool3d(input, output_size):
    return torsh.adaptive_avg_pool3d(input, _list_with_default(output_size, input.size()))


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return torsh.adaptive_max_pool1d(input, output_size)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return torsh.adaptive_max_pool2d(input, _list_with_default(output_size, input.size()))


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return torsh.adaptive_max_pool3d(input, _list_with_default(output_size, input.size()))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    out = adaptive_max_pool1d_with_indices(input, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool2d(input, output_size, return_indices=False):
    out = adaptive_max_pool2d_with_indices(input, output_size)
    return out if return_indices else out[0]


def adaptive_max_pool3d(input, output_size, return_indices=False):
    out = adaptive_max_pool3d_with_indices(input, output_size)
    return out if return_indices else out[0]


# Power-average pooling: (sum over the window of x^p)^(1/p), as the window's mean of x^p times
# the window size. A negative mean (odd p, negative inputs) is clamped to 0 the way torch's
# sign(out) * relu(|out|) does, so the results and gradients are torch's.

def _lp_from_mean(mean, window, norm_type):
    clamped = torsh.sign(mean) * torsh.relu(torsh.abs(mean))
    return clamped.mul(window).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""1D power-average pooling."""
    if stride is None:
        mean = avg_pool1d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    else:
        mean = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_from_mean(mean, kernel_size, norm_type)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    r"""2D power-average pooling."""
    kh, kw = _pair(kernel_size)
    if stride is None:
        mean = avg_pool2d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    else:
        mean = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_from_mean(mean, kh * kw, norm_type)


# Max unpooling: the output size checked (or defaulted) here, then the op scatters each value
# to its index in a zeroed plane (1-D runs as 2-D with a trailing size-1 dim, as torch).

def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    default = [(input.size(-len(kernel_size) + d) - 1) * stride[d] + kernel_size[d] -
               2 * padding[d] for d in range(len(kernel_size))]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == len(kernel_size) + 2:
        output_size = output_size[2:]
    if len(output_size) != len(kernel_size):
        raise ValueError("output_size should be a sequence containing {} or {} elements, but it "
                         "has a length of '{}'".format(len(kernel_size), len(kernel_size) + 2,
                                                       len(output_size)))
    for d in range(len(kernel_size)):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError('invalid output_size "{}" (dim {} must be between {} and {})'.format(
                output_size, d, lo, hi))
    return output_size


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""A partial inverse of max_pool1d: each value put back at its index, zeros elsewhere."""
    kernel_size = _single(kernel_size)
    stride = kernel_size if stride is None else _single(stride)
    size = _unpool_output_size(input, kernel_size, stride, _single(padding), output_size)
    return torsh.max_unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1),
                              list(size) + [1]).squeeze(-1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""A partial inverse of max_pool2d: each value put back at its index, zeros elsewhere."""
    kernel_size = _pair(kernel_size)
    stride = kernel_size if stride is None else _pair(stride)
    size = _unpool_output_size(input, kernel_size, stride, _pair(padding), output_size)
    return torsh.max_unpool2d(input, indices, size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    r"""A partial inverse of max_pool3d: each value put back at its index, zeros elsewhere."""
    kernel_size = _triple(kernel_size)
    stride = kernel_size if stride is None else _triple(stride)
    padding = _triple(padding)
    size = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return torsh.max_unpool3d(input, indices, size, stride, padding)


# Normalisation

def _verify_batch_size(size):
    per_channel = size[0]
    for s in list(size)[2:]:
        per_channel *= s
    if per_channel == 1:
        raise ValueError("Expected more than 1 value per channel when training, got input size "
                         "{}".format(size))


def _verify_spatial_size(size):
    spatial = 1
    for s in list(size)[2:]:
        spatial *= s
    if spatial == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         "{}".format(size))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    r"""Batch normalisation over dim 1; in training the running stats (if given) are updated
    in place with ``momentum``."""
    if training:
        _verify_batch_size(input.size())
    return torsh.batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                            eps, _CUDNN_ENABLED)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    r"""Normalisation of each (sample, channel) plane over its spatial dims."""
    if use_input_stats:
        _verify_spatial_size(input.size())
    return torsh.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                               momentum, eps, _CUDNN_ENABLED)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    r"""Normalisation over groups of channels (and the spatial dims) of each sample."""
    size = input.size()
    _verify_batch_size([size[0] * size[1] // num_groups, num_groups] + list(size[2:]))
    return torsh.group_norm(input, num_groups, weight, bias, eps, _CUDNN_ENABLED)


# Padding

def pad(input, pad, mode="constant", value=None):
    r"""Pads the last len(pad) // 2 dims, last dim first: (left, right, top, bottom, ...);
    mode is 'constant', 'reflect', 'replicate' or 'circular'."""
    return torsh.pad(input, pad, mode, value)
