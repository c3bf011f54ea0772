"""torch.nn.utils.fusion: fold an eval-mode BatchNorm into the convolution or linear layer
before it, so that one layer computes what the pair computed.

BatchNorm in eval mode is the affine map  y = (x - mean) * gamma / sqrt(var + eps) + beta,
applied per channel. Written as a per-channel scale s = gamma / sqrt(var + eps), it becomes
y = x * s + (beta - mean * s). When x is itself w @ input + b, the scale folds into the rows
(output channels) of w and the shift into b.

skip_init (torch.nn.utils.init.skip_init) also lives here; torch.nn.utils re-exports it."""
import copy
import inspect

import torsh

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights", "skip_init"]


def _fill_missing(ref, bias, gamma, beta):
    """Default a missing layer bias / BN affine weight / BN affine bias (an identity BN)."""
    if bias is None:
        bias = torsh.zeros_like(ref)
    if gamma is None:
        gamma = torsh.ones_like(ref)
    if beta is None:
        beta = torsh.zeros_like(ref)
    return bias, gamma, beta


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The weight and bias (as Parameters) of a convolution equal to conv followed by the eval
    BatchNorm with running mean/var ``bn_rm``/``bn_rv``, ``bn_eps`` and affine ``bn_w``/``bn_b``
    (either may be None). A transposed convolution keeps its output channels in dim 1 of its
    weight, so ``transpose=True`` scales along that dim instead of dim 0."""
    conv_b, bn_w, bn_b = _fill_missing(bn_rm, conv_b, bn_w, bn_b)
    inv_std = torsh.rsqrt(bn_rv + bn_eps)
    spatial = [1] * (len(conv_w.shape) - 2)
    shape = ([1, -1] if transpose else [-1, 1]) + spatial
    scale = bn_w * inv_std
    new_w = conv_w * scale.reshape(shape)
    new_b = (conv_b - bn_rm) * inv_std * bn_w + bn_b
    return torsh.nn.Parameter(new_w), torsh.nn.Parameter(new_b)


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` (eval mode, as is ``bn``) whose weight and bias absorb ``bn``."""
    assert not (conv.training or bn.training), "Fusion only for eval!"
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias,
        transpose)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The weight and bias (as Parameters) of a linear layer equal to ``linear`` followed by the
    eval BatchNorm1d described by the other arguments. As torch 1.13, ``bn_w`` and ``bn_b`` must
    be tensors (an affine BatchNorm)."""
    if linear_b is None:
        linear_b = torsh.zeros_like(bn_rm)
    scale = bn_w * torsh.rsqrt(bn_rv + bn_eps)
    new_w = linear_w * scale.unsqueeze(-1)
    new_b = (linear_b - bn_rm) * scale + bn_b
    return torsh.nn.Parameter(new_w), torsh.nn.Parameter(new_b)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` (eval mode, as is ``bn``) whose weight and bias absorb ``bn``."""
    assert not (linear.training or bn.training), "Fusion only for eval!"
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused


def skip_init(module_cls, *args, **kwargs):
    """Builds ``module_cls(*args, **kwargs)`` without initialising its parameters and buffers:
    they have their normal shapes and dtypes but uninitialised values (as torch.empty).

    torch builds the module on the meta device (where init does nothing) and then allocates
    empty storage. torsh has no meta device, so the module is built for real and then given
    empty tensors; the global RNG state is saved before and restored after construction, so,
    as with torch, skip_init draws no random numbers. Like torch, the module must accept a
    ``device`` argument."""
    if not issubclass(module_cls, torsh.nn.Module):
        raise RuntimeError("Expected a Module; got {}".format(module_cls))
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    device = kwargs.pop("device", "cpu")
    kwargs["device"] = device
    state = torsh.get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        torsh.set_rng_state(state)
    # torch's Module.to_empty(device=...): every parameter and buffer becomes an empty tensor
    # of the same shape and dtype (parameters stay the same Parameter objects).
    return module._apply(lambda t: torsh.empty_like(t, device=device))
