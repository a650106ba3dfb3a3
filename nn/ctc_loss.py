"""CTCLoss: the connectionist temporal classification loss as a module."""
from . import functional as F
from .losses import _Loss


class CTCLoss(_Loss):
    """-log p(target | input) of log_probs (T, N, C) against class-index targets, summed over every alignment
    of the target with blanks (class `blank`) and repeats; see F.ctc_loss for the shapes and reductions."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)
