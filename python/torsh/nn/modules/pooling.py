"""torch.nn pooling layers: max, average, power-average and adaptive pooling in 1, 2, 3 dims."""
from torsh.nn import functional as F
from torsh.nn.modules.module import Module
from torsh.nn.modules.utils import _single, _pair, _triple

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "LPPool1d", "LPPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "MaxUnpool1d",
           "MaxUnpool2d", "MaxUnpool3d"]


class _MaxPoolNd(Module):
    """Max pooling; the arguments are kept as given (stride defaults to kernel_size)."""

    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices",
                     "ceil_mode"]
    _pool = ""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return getattr(F, self._pool)(input, self.kernel_size, self.stride, self.padding,
                                      self.dilation, ceil_mode=self.ceil_mode,
                                      return_indices=self.return_indices)

    def extra_repr(self):
        return "kernel_size={kernel_size}, stride={stride}, padding={padding}, " \
            "dilation={dilation}, ceil_mode={ceil_mode}".format(**self.__dict__)


class MaxPool1d(_MaxPoolNd):
    r"""1D max pooling over an (N, C, L) or (C, L) input."""
    _pool = "max_pool1d"


class MaxPool2d(_MaxPoolNd):
    r"""2D max pooling over an (N, C, H, W) or (C, H, W) input."""
    _pool = "max_pool2d"


class MaxPool3d(_MaxPoolNd):
    r"""3D max pooling over an (N, C, D, H, W) or (C, D, H, W) input."""
    _pool = "max_pool3d"


class _AvgPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def extra_repr(self):
        return "kernel_size={}, stride={}, padding={}".format(self.kernel_size, self.stride,
                                                              self.padding)


class AvgPool1d(_AvgPoolNd):
    r"""1D average pooling; its sizes are kept as 1-tuples (as torch does)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(kernel_size if stride is None else stride)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class _AvgPoolWithDivisor(_AvgPoolNd):
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                     "divisor_override"]
    _pool = ""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return getattr(F, self._pool)(input, self.kernel_size, self.stride, self.padding,
                                      self.ceil_mode, self.count_include_pad,
                                      self.divisor_override)


class AvgPool2d(_AvgPoolWithDivisor):
    r"""2D average pooling over an (N, C, H, W) or (C, H, W) input."""
    _pool = "avg_pool2d"


class AvgPool3d(_AvgPoolWithDivisor):
    r"""3D average pooling over an (N, C, D, H, W) or (C, D, H, W) input."""
    _pool = "avg_pool3d"

    def __setstate__(self, d):
        super().__setstate__(d)
        self.__dict__.setdefault("padding", 0)
        self.__dict__.setdefault("ceil_mode", False)
        self.__dict__.setdefault("count_include_pad", True)


class _LPPoolNd(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]
    _pool = ""

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return getattr(F, self._pool)(input, float(self.norm_type), self.kernel_size,
                                      self.stride, self.ceil_mode)

    def extra_repr(self):
        return "norm_type={norm_type}, kernel_size={kernel_size}, stride={stride}, " \
            "ceil_mode={ceil_mode}".format(**self.__dict__)


class LPPool1d(_LPPoolNd):
    r"""1D power-average pooling: (sum over the window of x^p)^(1/p)."""
    _pool = "lp_pool1d"


class LPPool2d(_LPPoolNd):
    r"""2D power-average pooling: (sum over the window of x^p)^(1/p)."""
    _pool = "lp_pool2d"


class _AdaptiveMaxPoolNd(Module):
    __constants__ = ["output_size", "return_indices"]
    _pool = ""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input):
        return getattr(F, self._pool)(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return "output_size={}".format(self.output_size)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    r"""1D max pooling to a given output length."""
    _pool = "adaptive_max_pool1d"


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    r"""2D max pooling to a given output size (an entry of None keeps the input's)."""
    _pool = "adaptive_max_pool2d"


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    r"""3D max pooling to a given output size (an entry of None keeps the input's)."""
    _pool = "adaptive_max_pool3d"


class _AdaptiveAvgPoolNd(Module):
    __constants__ = ["output_size"]
    _pool = ""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return getattr(F, self._pool)(input, self.output_size)

    def extra_repr(self):
        return "output_size={}".format(self.output_size)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    r"""1D average pooling to a given output length."""
    _pool = "adaptive_avg_pool1d"


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    r"""2D average pooling to a given output size (an entry of None keeps the input's)."""
    _pool = "adaptive_avg_pool2d"


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    r"""3D average pooling to a given output size (an entry of None keeps the input's)."""
    _pool = "adaptive_avg_pool3d"


class _MaxUnpoolNd(Module):
    """A partial inverse of max pooling (stride defaults to kernel_size)."""

    _ntuple = staticmethod(_single)
    _fn = "max_unpool1d"

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = self._ntuple(kernel_size)
        self.stride = self._ntuple(stride if stride is not None else kernel_size)
        self.padding = self._ntuple(padding)

    def forward(self, input, indices, output_size=None):
        return getattr(F, self._fn)(input, indices, self.kernel_size, self.stride, self.padding,
                                    output_size)

    def extra_repr(self):
        return "kernel_size={}, stride={}, padding={}".format(self.kernel_size, self.stride,
                                                              self.padding)


class MaxUnpool1d(_MaxUnpoolNd):
    r"""Inverse of MaxPool1d on (N, C, L) or (C, L) with its indices."""


class MaxUnpool2d(_MaxUnpoolNd):
    r"""Inverse of MaxPool2d on (N, C, H, W) or (C, H, W) with its indices."""
    _ntuple = staticmethod(_pair)
    _fn = "max_unpool2d"


class MaxUnpool3d(_MaxUnpoolNd):
    r"""Inverse of MaxPool3d on (N, C, D, H, W) or (C, D, H, W) with its indices."""
    _ntuple = staticmethod(_triple)
    _fn = "max_unpool3d"
