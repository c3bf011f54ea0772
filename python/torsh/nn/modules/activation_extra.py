"""torch.nn.RReLU (the randomized leaky ReLU)."""
from torsh.nn import functional as F
from torsh.nn.modules.module import Module

__all__ = ["RReLU"]


class RReLU(Module):
    r"""Leaky ReLU whose negative slope is drawn from U(lower, upper) per element in training,
    and is (lower + upper) / 2 in evaluation."""

    __constants__ = ["lower", "upper", "inplace"]

    def __init__(self, lower=1. / 8, upper=1. / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return "lower={}, upper={}{}".format(self.lower, self.upper, inplace_str)
