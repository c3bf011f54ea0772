"""torch.nn.RMSNorm and torch.nn.functional.rms_norm (torch 2.4):
``y = x / sqrt(mean(x^2 over the trailing normalized_shape dims) + eps) * weight``.

Written from differentiable ops, so autograd gives the gradients. As torch's kernel, float16
and bfloat16 inputs are computed in float32 and cast back before the weight is applied, and
eps defaults to the machine epsilon of that computation type.
"""
import numbers

import torsh
from torsh.nn import init
from torsh.nn.parameter import Parameter
from torsh.nn.modules.module import Module

__all__ = ["RMSNorm", "rms_norm"]

# Machine epsilon per floating dtype (2^-mantissa bits); torch's finfo(dtype).eps.
_EPSILON = {torsh.float64: 2.0 ** -52, torsh.float32: 2.0 ** -23, torsh.float16: 2.0 ** -10,
            torsh.bfloat16: 2.0 ** -7}
_LOW_PRECISION = (torsh.float16, torsh.bfloat16)


def _check_inputs(input, normalized_shape, weight):
    shape = list(normalized_shape)
    if len(shape) == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           f"containing at least one element, but got normalized_shape = {shape}")
    if weight is not None and list(weight.shape) != shape:
        raise RuntimeError("Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = {shape}")
    size = list(input.shape)
    if len(size) < len(shape) or size[len(size) - len(shape):] != shape:
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
                           f"{list(input.shape)}")


def rms_norm(input, normalized_shape, weight=None, eps=None):
    r"""Root mean square normalisation over the trailing ``normalized_shape`` dims, times
    ``weight`` when given. ``eps=None``: the machine epsilon of the computation dtype."""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    _check_inputs(input, normalized_shape, weight)
    compute = input.float() if input.dtype in _LOW_PRECISION else input
    if eps is None:
        eps = _EPSILON[compute.dtype]
    dims = tuple(range(input.dim() - len(normalized_shape), input.dim()))
    inv_rms = torsh.rsqrt(compute.pow(2).mean(dims, keepdim=True) + eps)
    result = (compute * inv_rms).type_as(input)
    if weight is not None:
        result = result * weight
    return result


class RMSNorm(Module):
    r"""Root mean square layer normalisation over the trailing ``normalized_shape`` dims,
    with an elementwise affine weight (ones) unless ``elementwise_affine=False``."""

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(torsh.empty(self.normalized_shape, **factory_kwargs))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, " \
            "elementwise_affine={elementwise_affine}".format(**self.__dict__)
