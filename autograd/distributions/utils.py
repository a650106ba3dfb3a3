"""torch.distributions.utils: the helpers distributions are written with (broadcast_all, probs/logits
conversions, clamp_probs)."""
from .constrained import clamp_probs, logits_to_probs, probs_to_logits
from .distribution import broadcast_all, sum_rightmost

__all__ = ["broadcast_all", "clamp_probs", "logits_to_probs", "probs_to_logits", "sum_rightmost"]
