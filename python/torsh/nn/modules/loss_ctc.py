"""torch.nn.CTCLoss over F.ctc_loss."""
from torsh.nn import functional as F
from torsh.nn.modules.loss import _Loss

__all__ = ["CTCLoss"]


class CTCLoss(_Loss):
    r"""Connectionist Temporal Classification loss; forward(log_probs (T, N, C) or (T, C),
    targets, input_lengths, target_lengths). ``zero_infinity`` zeroes infinite losses and
    their gradients."""

    __constants__ = ["blank", "reduction"]

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                          self.reduction, self.zero_infinity)
