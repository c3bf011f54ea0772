"""torch.nn padding layers: constant (and zero), reflection and replication padding."""
from torsh.nn import functional as F
from torsh.nn.modules.module import Module
from torsh.nn.modules.utils import _pair, _quadruple, _ntuple

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d",
           "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad2d"]

_sextuple = _ntuple(6)


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]

    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return "padding={}, value={}".format(self.padding, self.value)


class ConstantPad1d(_ConstantPadNd):
    r"""Pads the last dim with a constant: padding (left, right) or one int for both."""

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _pair(padding)


class ConstantPad2d(_ConstantPadNd):
    r"""Pads the last two dims with a constant: (left, right, top, bottom)."""

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _quadruple(padding)


class ConstantPad3d(_ConstantPadNd):
    r"""Pads the last three dims with a constant: (left, right, top, bottom, front, back)."""

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _sextuple(padding)


class ZeroPad2d(ConstantPad2d):
    r"""Pads the last two dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return "{}".format(self.padding)


class _ModePadNd(Module):
    """Reflection/replication padding: ``_mode`` is F.pad's mode."""

    __constants__ = ["padding"]
    _mode = ""
    _expand = None

    def __init__(self, padding):
        super().__init__()
        self.padding = type(self)._expand(padding)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return "{}".format(self.padding)


class ReflectionPad1d(_ModePadNd):
    r"""Pads the last dim with its reflection (the edge not repeated)."""
    _mode = "reflect"
    _expand = staticmethod(_pair)


class ReflectionPad2d(_ModePadNd):
    r"""Pads the last two dims with their reflection."""
    _mode = "reflect"
    _expand = staticmethod(_quadruple)


class ReflectionPad3d(_ModePadNd):
    r"""Pads the last three dims with their reflection."""
    _mode = "reflect"
    _expand = staticmethod(_sextuple)


class ReplicationPad1d(_ModePadNd):
    r"""Pads the last dim by repeating its edge values."""
    _mode = "replicate"
    _expand = staticmethod(_pair)


class ReplicationPad2d(_ModePadNd):
    r"""Pads the last two dims by repeating their edge values."""
    _mode = "replicate"
    _expand = staticmethod(_quadruple)


class ReplicationPad3d(_ModePadNd):
    r"""Pads the last three dims by repeating their edge values."""
    _mode = "replicate"
    _expand = staticmethod(_sextuple)
