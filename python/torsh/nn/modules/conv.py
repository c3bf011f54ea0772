"""torch.nn convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d."""
import math

import torsh
from torsh.nn import functional as F
from torsh.nn import init
from torsh.nn.parameter import Parameter
from torsh.nn.modules.module import Module
from torsh.nn.modules.utils import _single, _pair, _triple, _reverse_repeat_tuple

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d"]

_TUPLE = {1: _single, 2: _pair, 3: _triple}


class _ConvNd(Module):
    r"""What the convolutions share: argument checks, the weight of shape
    (out, in / groups, *kernel) (transposed: (in, out / groups, *kernel)), the optional bias,
    torch's default initialisation and repr."""

    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding",
                     "in_channels", "out_channels", "kernel_size"]

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in padding_strings:
                raise ValueError("Invalid padding string {!r}, should be one of {}".format(
                    padding, padding_strings))
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in padding_modes:
            raise ValueError("padding_mode must be one of {}, but got padding_mode='{}'".format(
                padding_modes, padding_mode))
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        self._reversed_padding_repeated_twice = self._pad_for_f_pad()
        if transposed:
            shape = (in_channels, out_channels // groups) + tuple(kernel_size)
        else:
            shape = (out_channels, in_channels // groups) + tuple(kernel_size)
        self.weight = Parameter(torsh.empty(shape, **factory_kwargs))
        if bias:
            self.bias = Parameter(torsh.empty(out_channels, **factory_kwargs))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _pad_for_f_pad(self):
        """The padding as F.pad's list (last dim first, each dim's (before, after)), used when
        padding_mode is not 'zeros'. 'same' puts the odd extra element after."""
        if not isinstance(self.padding, str):
            return _reverse_repeat_tuple(self.padding, 2)
        out = []
        if self.padding == "same":
            for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                total = d * (k - 1)
                out += [total // 2, total - total // 2]
        else:
            out = [0, 0] * len(self.kernel_size)
        return out

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        parts = ["{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"]
        if self.padding != (0,) * len(self.padding):
            parts.append("padding={padding}")
        if self.dilation != (1,) * len(self.dilation):
            parts.append("dilation={dilation}")
        if self.output_padding != (0,) * len(self.output_padding):
            parts.append("output_padding={output_padding}")
        if self.groups != 1:
            parts.append("groups={groups}")
        if self.bias is None:
            parts.append("bias=False")
        if self.padding_mode != "zeros":
            parts.append("padding_mode={padding_mode}")
        return ", ".join(parts).format(**self.__dict__)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _ConvNdForward(_ConvNd):
    """Conv1d/2d/3d: ``_dims`` spatial dims, ``_conv`` the functional name."""

    _dims = 0
    _conv = ""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        as_tuple = _TUPLE[self._dims]
        super().__init__(in_channels, out_channels, as_tuple(kernel_size), as_tuple(stride),
                         padding if isinstance(padding, str) else as_tuple(padding),
                         as_tuple(dilation), False, as_tuple(0), groups, bias, padding_mode,
                         device=device, dtype=dtype)

    def _conv_forward(self, input, weight, bias):
        conv = getattr(F, self._conv)
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, (0,) * self._dims, self.dilation,
                        self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_ConvNdForward):
    r"""1D convolution over an (N, C_in, L) or (C_in, L) input."""
    _dims = 1
    _conv = "conv1d"


class Conv2d(_ConvNdForward):
    r"""2D convolution over an (N, C_in, H, W) or (C_in, H, W) input."""
    _dims = 2
    _conv = "conv2d"


class Conv3d(_ConvNdForward):
    r"""3D convolution over an (N, C_in, D, H, W) or (C_in, D, H, W) input."""
    _dims = 3
    _conv = "conv3d"


class _ConvTransposeNd(_ConvNd):
    """ConvTranspose1d/2d/3d: ``_dims`` spatial dims, ``_conv`` the functional name; forward
    takes an optional output_size that picks the output padding."""

    _dims = 0
    _conv = ""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError('Only "zeros" padding mode is supported for {}'.format(
                self.__class__.__name__))
        as_tuple = _TUPLE[self._dims]
        super().__init__(in_channels, out_channels, as_tuple(kernel_size), as_tuple(stride),
                         as_tuple(padding), as_tuple(dilation), True, as_tuple(output_padding),
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims,
                        dilation=None):
        if output_size is None:
            return _single(self.output_padding)
        batched = input.dim() == num_spatial_dims + 2
        leading = 2 if batched else 1
        if len(output_size) == leading + num_spatial_dims:
            output_size = output_size[leading:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(
                "ConvTranspose{}D: for {}D input, output_size must have {} or {} elements "
                "(got {})".format(num_spatial_dims, input.dim(), num_spatial_dims,
                                  leading + num_spatial_dims, len(output_size)))
        smallest, largest = [], []
        for d in range(num_spatial_dims):
            dil = 1 if dilation is None else dilation[d]
            size = ((input.size(d + leading) - 1) * stride[d] - 2 * padding[d]
                    + dil * (kernel_size[d] - 1) + 1)
            smallest.append(size)
            largest.append(size + stride[d] - 1)
        for d in range(num_spatial_dims):
            if not smallest[d] <= output_size[d] <= largest[d]:
                raise ValueError(
                    "requested an output size of {}, but valid sizes range from {} to {} "
                    "(for an input of {})".format(output_size, smallest, largest,
                                                  input.size()[2:]))
        return [output_size[d] - smallest[d] for d in range(num_spatial_dims)]

    def forward(self, input, output_size=None):
        if self.padding_mode != "zeros":
            raise ValueError("Only `zeros` padding mode is supported for {}".format(
                self.__class__.__name__))
        output_padding = self._output_padding(input, output_size, self.stride, self.padding,
                                              self.kernel_size, self._dims, self.dilation)
        return getattr(F, self._conv)(input, self.weight, self.bias, self.stride, self.padding,
                                      output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    r"""1D transposed convolution over an (N, C_in, L) or (C_in, L) input."""
    _dims = 1
    _conv = "conv_transpose1d"


class ConvTranspose2d(_ConvTransposeNd):
    r"""2D transposed convolution over an (N, C_in, H, W) or (C_in, H, W) input."""
    _dims = 2
    _conv = "conv_transpose2d"


class ConvTranspose3d(_ConvTransposeNd):
    r"""3D transposed convolution over an (N, C_in, D, H, W) or (C_in, D, H, W) input."""
    _dims = 3
    _conv = "conv_transpose3d"
