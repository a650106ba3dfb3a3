"""torch.binomial: elementwise draws from Binomial(count, prob)."""
import numpy as np

from backends import torch_samplers

from . import capture
from .ops.dims import check_tensor
from .ops.no_grad_op import no_grad_op
from .random_generator import check_generator, host_stream


def binomial(count, prob, generator=None):
    """Samples of Binomial(count, prob) elementwise (count and prob: float tensors of one dtype, broadcast
    together), as floats of that dtype; no gradient. Draws from the device's generator (ag.manual_seed), or
    from `generator` (an ag.Generator): PyTorch's CPU numbers on the host devices."""
    check_tensor("binomial", count, "count")
    check_tensor("binomial", prob, "prob")
    if count.dtype.kind != "f":
        raise TypeError(f"binomial: count must be a floating-point tensor, got {count.dtype}; convert it with "
                        f".float()")
    if prob.dtype != count.dtype:
        raise TypeError(f"binomial: count and prob must have one dtype, got {count.dtype} and {prob.dtype}; convert "
                        f"one with .to(other.dtype)")
    if count.device != prob.device:
        raise ValueError(f"binomial: count is on {count.device} and prob on {prob.device}; move one with .to(...)")
    try:
        np.broadcast_shapes(count.shape, prob.shape)
    except ValueError:
        raise ValueError(f"binomial: count {tuple(count.shape)} and prob {tuple(prob.shape)} cannot be broadcast "
                         "together") from None
    d, rng = count.device, check_generator("binomial", generator)
    if d.host_memory and capture.state.recorder is None:
        if count.numel() and not bool((count >= 0).all()):
            raise ValueError("binomial: every count must be >= 0 (and not nan)")
        if prob.numel() and not bool(((prob >= 0) & (prob <= 1)).all()):
            raise ValueError("binomial: every prob must lie in [0, 1] (and not be nan)")

    def draw(xp, n, p):   # inside the op, so that an ag.jit replay draws afresh
        n, p = np.broadcast_arrays(np.asarray(d.to_host(n)), np.asarray(d.to_host(p)))
        dtype = n.dtype if n.dtype in (np.float32, np.float64) else np.dtype(np.float32)
        values = torch_samplers.binomial(host_stream(d, rng), n.astype(dtype), p.astype(dtype))
        return d.asarray(values.astype(count.dtype))
    return no_grad_op("binomial", draw, count, prob)
