"""torch.nn.functional: torch 1.13's signatures over torsh's functional ops.

Each function checks its arguments as torch's does and calls one torsh op; the composites that
torch's own functional writes in Python (relu6, softmin, mish, hardswish, ...) are written
here from torsh ops the same way.
"""
import math
import warnings

import torsh
from torsh.nn import _reduction as _Reduction
from torsh.nn import _functional_conv
from torsh.nn._functional_conv import *  # noqa: F401,F403  convolution, pooling, norms, pad
from torsh.nn._functional_attention import (  # noqa: F401
    multi_head_attention_forward, scaled_dot_product_attention)

__all__ = [
    "linear", "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu",
    "celu", "gelu", "silu", "mish", "hardswish", "hardsigmoid", "hardtanh", "hardtanh_",
    "softplus", "softsign", "tanhshrink", "threshold", "threshold_", "logsigmoid", "softmax",
    "log_softmax", "softmin", "sigmoid", "tanh", "hardshrink", "softshrink", "glu", "dropout",
    "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "layer_norm",
    "embedding", "normalize", "one_hot", "multi_head_attention_forward",
    "selu_", "celu_", "channel_shuffle", "native_channel_shuffle",
] + _functional_conv.__all__


# y = x A^T + b: the table op itself, as torch's F.linear is its C++ builtin (no Python frame)
linear = torsh.linear


# Activations

def relu(input, inplace=False):
    return input.relu_() if inplace else torsh.relu(input)


def relu_(input):
    return input.relu_()


def hardtanh(input, min_val=-1., max_val=1., inplace=False):
    if inplace:
        return input.hardtanh_(min_val, max_val)
    return torsh.hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1., max_val=1.):
    return input.hardtanh_(min_val, max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0., 6., inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    if inplace:
        return input.leaky_relu_(negative_slope)
    return torsh.leaky_relu(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return input.leaky_relu_(negative_slope)


def elu(input, alpha=1.0, inplace=False):
    return input.elu_(alpha) if inplace else torsh.elu(input, alpha)


def elu_(input, alpha=1.):
    return input.elu_(alpha)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    # torch's selu kernel is elu with these constants.
    if inplace:
        return input.elu_(_SELU_ALPHA, _SELU_SCALE)
    return torsh.elu(input, _SELU_ALPHA, _SELU_SCALE)


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    # torch's celu kernel is elu(x, alpha, scale=1, input_scale=1/alpha).
    if inplace:
        return input.elu_(alpha, 1.0, 1.0 / alpha)
    return torsh.elu(input, alpha, 1.0, 1.0 / alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


def channel_shuffle(input, groups):
    r"""(N, C, *) with C = g * m: channels regrouped as (N, m, g, *) read in order."""
    return torsh.channel_shuffle(input, groups)


native_channel_shuffle = channel_shuffle


def gelu(input, approximate="none"):
    return torsh.gelu(input, approximate=approximate)


def silu(input, inplace=False):
    return input.silu_() if inplace else torsh.silu(input)


def softplus(input, beta=1, threshold=20):
    return torsh.softplus(input, beta, threshold)


def mish(input, inplace=False):
    out = input * torsh.tanh(softplus(input))
    return input.copy_(out) if inplace else out


def hardsigmoid(input, inplace=False):
    out = torsh.clamp(input + 3.0, 0.0, 6.0) / 6.0
    return input.copy_(out) if inplace else out


def hardswish(input, inplace=False):
    out = input * (torsh.clamp(input + 3.0, 0.0, 6.0) / 6.0)
    return input.copy_(out) if inplace else out


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):
    r"""y = value where x <= threshold (both cast to x's dtype), else x (NaN passes)."""
    from torsh._aliases import threshold as thresholded
    out = thresholded(input, threshold, value)
    return input.copy_(out) if inplace else out


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, True)


def logsigmoid(input):
    # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), stable for large |x|.
    return torsh.clamp_max(input, 0.0) - torsh.log1p(torsh.exp(-input.abs()))


def hardshrink(input, lambd=0.5):
    from torsh._aliases import hardshrink as shrunk  # 0 inside [-lambd, lambd]; NaN passes
    return shrunk(input, lambd)


def softshrink(input, lambd=0.5):
    return torsh.where(input > lambd, input - lambd,
                       torsh.where(input < -lambd, input + lambd, torsh.zeros_like(input)))


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def glu(input, dim=-1):
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    a, b = torsh.chunk(input, 2, dim)
    return a * torsh.sigmoid(b)


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn("Implicit dimension choice for {} has been deprecated. "
                  "Change the call to include dim=X as an argument.".format(name),
                  stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return torsh.softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return torsh.softmax(-input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return torsh.log_softmax(input, dim, dtype=dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    if inplace:
        # torsh has no dropout_: the mask is drawn by dropout and written back into input.
        if not training or p == 0:
            return input
        return input.copy_(torsh.dropout(input, p, True))
    return torsh.dropout(input, p, training)


def _dropout_impl(input, p, train, inplace, feature, alpha):
    # ATen's _dropout_impl: a Bernoulli(1 - p) noise of the input's shape (feature: one draw
    # per (sample, channel)), drawn with bernoulli_ so the stream matches torch's.
    _check_p(p)
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = torsh.zeros((), dtype=input.dtype)
        return input.mul_(zero) if inplace else input * zero
    if feature:
        shape = [input.size(0), input.size(1)] + [1] * (input.dim() - 2)
        noise = torsh.empty(shape, dtype=input.dtype)
    else:
        noise = torsh.empty_like(input)
    noise.bernoulli_(1 - p)
    b = None
    if alpha:
        alpha_c = 1.7580993408473766
        a = 1. / math.sqrt((alpha_c * alpha_c * p + 1) * (1 - p))
        b = noise.add(-1).mul_(alpha_c * a).add_(alpha_c * a * p)
        noise.mul_(a)
    else:
        noise.div_(1 - p)
    out = input.mul_(noise) if inplace else input * noise
    if alpha:
        out = out.add_(b)
    return out


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError("dropout probability has to be between 0 and 1, but got {}".format(p))


def _feature_dropout_maybe_unbatched(input, p, training, inplace, is_batched):
    """Channel-wise dropout; an unbatched input gets a batch dim for the call, as torch."""
    if not is_batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout_impl(input, p, training, inplace, True, False)
    if not is_batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. "
                           "Note that dropout1d exists to provide channel-wise dropout on inputs "
                           "with 1 spatial dimension, a channel dimension, and an optional batch "
                           "dimension (i.e. 2D or 3D inputs).")
    is_batched = inp_dim == 3
    return _feature_dropout_maybe_unbatched(input, p, training, inplace, is_batched)


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that dropout2d "
                      "exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                      "or 4D inputs).")
    if inp_dim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                      "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                      "where C is the channel dim. This behavior will change in a future release "
                      "to interpret the input as one without a batch dimension, i.e. shape "
                      "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch "
                      "to using dropout1d instead.")
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that dropout3d "
                      "exists to provide channel-wise dropout on inputs with 3 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D "
                      "or 5D inputs).")
    is_batched = inp_dim == 5
    return _feature_dropout_maybe_unbatched(input, p, training, inplace, is_batched)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _dropout_impl(input, p, training, inplace, False, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    return _dropout_impl(input, p, training, inplace, True, True)


# Losses

def _warn_size(input, target):
    if not (target.size() == input.size()):
        warnings.warn("Using a target size ({}) that is different to the input size ({}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.".format(target.size(), input.size()),
                      stacklevel=3)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    expanded_input, expanded_target = torsh.broadcast_tensors(input, target)
    return torsh.l1_loss(expanded_input, expanded_target, _Reduction.get_enum(reduction))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    expanded_input, expanded_target = torsh.broadcast_tensors(input, target)
    return torsh.mse_loss(expanded_input, expanded_target, _Reduction.get_enum(reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    expanded_input, expanded_target = torsh.broadcast_tensors(input, target)
    return torsh.smooth_l1_loss(expanded_input, expanded_target, _Reduction.get_enum(reduction),
                                beta)


def huber_loss(input, target, reduction="mean", delta=1.0):
    _warn_size(input, target)
    expanded_input, expanded_target = torsh.broadcast_tensors(input, target)
    return torsh.huber_loss(expanded_input, expanded_target, _Reduction.get_enum(reduction),
                            delta)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    return torsh.nll_loss(input, target, weight, _Reduction.get_enum(reduction), ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    if size_average is not None or reduce is not None:
        reduction = _Reduction.legacy_get_string(size_average, reduce)
    return torsh.cross_entropy_loss(input, target, weight, _Reduction.get_enum(reduction),
                                    ignore_index, label_smoothing)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    if size_average is not None or reduce is not None:
        reduction_enum = _Reduction.legacy_get_enum(size_average, reduce)
    else:
        reduction_enum = _Reduction.get_enum(reduction)
    if target.size() != input.size():
        raise ValueError(
            "Using a target size ({}) that is different to the input size ({}) is deprecated. "
            "Please ensure they have the same size.".format(target.size(), input.size()))
    if weight is not None:
        new_size = torsh.broadcast_shapes(target.size(), weight.size())
        weight = weight.expand(new_size)
    return torsh.binary_cross_entropy(input, target, weight, reduction_enum)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    if size_average is not None or reduce is not None:
        reduction_enum = _Reduction.legacy_get_enum(size_average, reduce)
    else:
        reduction_enum = _Reduction.get_enum(reduction)
    if not (target.size() == input.size()):
        raise ValueError("Target size ({}) must be the same as input size ({})".format(
            target.size(), input.size()))
    return torsh.binary_cross_entropy_with_logits(input, target, weight, pos_weight,
                                                  reduction_enum)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction_enum = _Reduction.legacy_get_enum(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.")
        if reduction == "batchmean":
            reduction_enum = _Reduction.get_enum("sum")
        else:
            reduction_enum = _Reduction.get_enum(reduction)
    reduced = torsh.kl_div(input, target, reduction_enum, log_target=log_target)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.size()[0]
    return reduced


# Normalization, embeddings

def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return torsh.layer_norm(input, list(normalized_shape), weight, bias, eps)


def _no_grad_embedding_renorm_(weight, input, max_norm, norm_type):
    # torch.embedding_renorm_: rows of `weight` used by `input` whose norm exceeds max_norm are
    # scaled to max_norm / (norm + 1e-7).
    with torsh.no_grad():
        rows = torsh.unique(input.reshape(-1))
        selected = weight.index_select(0, rows)
        norms = torsh.linalg.vector_norm(selected, norm_type, dim=1, keepdim=True)
        scale = torsh.where(norms > max_norm, max_norm / (norms + 1e-7), torsh.ones_like(norms))
        weight.index_copy_(0, rows, selected * scale)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()
        _no_grad_embedding_renorm_(weight, input, max_norm, norm_type)
    return torsh.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return torsh.div(input, denom, out=out)


def one_hot(tensor, num_classes=-1):
    if tensor.dtype != torsh.int64:
        raise RuntimeError("one_hot is only applicable to index tensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max()) + 1
    elif tensor.numel() > 0 and int(tensor.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    if tensor.numel() > 0 and int(tensor.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    out = torsh.zeros(*tensor.shape, num_classes, dtype=torsh.int64)
    return out.scatter_(-1, tensor.unsqueeze(-1), 1)


# Resampling, distances, embedding_bag and the margin/likelihood losses live in their own modules.
from torsh.nn import _functional_extra, _functional_losses  # noqa: E402
from torsh.nn._functional_extra import *  # noqa: F401,F403,E402
from torsh.nn._functional_losses import *  # noqa: F401,F403,E402

__all__ += _functional_extra.__all__ + _functional_losses.__all__

from torsh.nn import _functional_sampling  # noqa: E402
from torsh.nn._functional_sampling import *  # noqa: F401,F403,E402

__all__ += _functional_sampling.__all__

from torsh import _tf_wrap  # noqa: E402
_tf_wrap.wrap_namespace(globals())  # the __torch_function__ check (torch.overrides)
