"""torch.nn's fractional max pooling layers (Graham, 2014) over F.fractional_max_pool2d/3d."""
from torsh.nn import functional as F
from torsh.nn.modules.module import Module
from torsh.nn.modules.utils import _pair, _triple

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d"]


class _FractionalMaxPoolNd(Module):
    """Stores the arguments as torch does (tuples, ``_random_samples`` as a buffer) and checks
    that exactly one of output_size / output_ratio is given, the ratio inside (0, 1)."""

    __constants__ = ["kernel_size", "return_indices", "output_size", "output_ratio"]
    _tuple = None
    _fn = ""

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        self.kernel_size = self._tuple(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = self._tuple(output_size) if output_size is not None else None
        self.output_ratio = self._tuple(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError("{} requires specifying either an output size, or a pooling "
                             "ratio".format(type(self).__name__))
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None:
            if not all(0 < r < 1 for r in self.output_ratio):
                raise ValueError("output_ratio must be between 0 and 1 (got {})".format(
                    output_ratio))

    def forward(self, input):
        return getattr(F, self._fn)(input, self.kernel_size, self.output_size, self.output_ratio,
                                    self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    r"""2D fractional max pooling over an (N, C, H, W) or (C, H, W) input."""
    _tuple = staticmethod(_pair)
    _fn = "fractional_max_pool2d"


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    r"""3D fractional max pooling over an (N, C, T, H, W) or (C, T, H, W) input."""
    _tuple = staticmethod(_triple)
    _fn = "fractional_max_pool3d"
