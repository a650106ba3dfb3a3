"""Keras's rule for lining up sample weights (and masks) with per-example losses before it multiplies them."""


def same_rank(x1, x2):
    """(x1, x2) as Keras's squeeze_or_expand_to_same_rank leaves them: when their ranks differ by exactly one and
    the higher-ranked has a trailing axis of 1, a rank-1 partner gains that axis and otherwise the axis is
    squeezed; anything else is left to broadcasting, aligned from the right (so in Keras 3 (N,) weights meet the
    last axis of (N, T) losses, not the first)."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1:
            x2 = x2.reshape(tuple(x2.shape) + (1,))
        else:
            x1 = x1.reshape(tuple(x1.shape)[:-1])
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1:
            x1 = x1.reshape(tuple(x1.shape) + (1,))
        else:
            x2 = x2.reshape(tuple(x2.shape)[:-1])
    return x1, x2
