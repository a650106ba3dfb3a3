"""The rounding of the scaled additions Keras's torch optimizers make in place: torch's `add_(y, alpha=a)` on
float32 is one fused multiply-add (x + a y rounded once, a taken as a float32), where NumPy's `x += a * y` rounds
the product first, so on some elements the updated weight differs by one float32 step."""
import numpy as np


def add_scaled_(xp, out, values, alpha):
    """out += alpha * values in place, rounded as torch's add_(values, alpha=alpha) rounds it; returns out."""
    if out.dtype == np.float32:
        # the product of two float32 values is exact in float64, so the sum is rounded (in effect) once
        wide = out.astype(xp.float64)
        wide += float(np.float32(alpha)) * values.astype(xp.float64)
        out[...] = wide
    else:
        out += alpha * values
    return out
