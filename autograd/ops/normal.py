"""normal(mean, std) with tensor arguments: Gaussian draws as one graph node whose gradients are zero, as
PyTorch's (a draw, not a reparameterisation: write mean + std * randn_like(mean) for gradients)."""
import numpy as np

from ..function import Function


class Normal(Function):
    op_name = "normal"

    def forward(ctx, mean, std, noise, shape=None, dtype=None):
        if noise is None:   # the device's generator, drawn inside the op so that a jit replay draws anew
            noise = ctx.device.randn(shape, dtype)
        ctx.shapes = tuple(np.shape(v) if not np.isscalar(v) else None for v in (mean, std))
        return (noise * std + mean).astype(noise.dtype, copy=False)

    def backward(ctx, gy):
        zeros = [None if shape is None else ctx.device.xp.zeros(shape, gy.dtype)   # constants, also under create_graph
                 for shape in ctx.shapes]
        return zeros[0], zeros[1], None
