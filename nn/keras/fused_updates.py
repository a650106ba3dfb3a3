"""The rounding of the scaled additions Keras's torch optimizers make in place: torch's `add_(y, alpha=a)` on
float32 is one fused multiply-add (x + a y rounded once, a taken as a float32), where NumPy's `x += a * y` rounds
the product first, so on some elements the updated weight differs by one float32 step.

The device's fused SGD update (`param -= lr * grad` rounded once: a BLAS axpy on `cpu`, a compiled fma loop on
`numba`) is that operation with lr = -a, one pass over memory; a float64 sum stands in where the device has none
for the arrays (8-13x slower on 1M float32 weights)."""
import numpy as np


def add_scaled_(device, out, values, alpha):
    """out += alpha * values in place on `device`, rounded as torch's add_(values, alpha=alpha) rounds it;
    returns out."""
    fused = device.sgd_step
    if fused is not None and fused(out, values, None, -alpha, 0, 0, False, 0, False):
        return out
    if out.dtype == np.float32:
        # the product of two float32 values is exact in float64, so the sum is rounded (in effect) once
        wide = out.astype(device.xp.float64)
        wide += float(np.float32(alpha)) * values.astype(device.xp.float64)
        out[...] = wide
    else:
        out += alpha * values
    return out
