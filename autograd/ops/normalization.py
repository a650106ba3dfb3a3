"""Normalisation ops: batch and layer normalisation, each one fused graph node with a closed-form backward."""
from ..function import Function


class BatchNorm(Function):
    op_name = "batch_norm"
    differentiable_backward = False

    def forward(ctx, x, running_mean, running_var, weight, bias, training, momentum, eps):
        xp = ctx.xp
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)   # per-channel values broadcast over x
        if training:
            mean = x.mean(axis=axes)
            xhat = x - mean.reshape(shape)
            var = xp.mean(xhat * xhat, axis=axes)
            invstd = 1.0 / xp.sqrt(var + eps)
            xhat *= invstd.reshape(shape)
            if running_mean is not None:
                count = x.size // x.shape[1]
                running_mean *= 1.0 - momentum
                running_mean += momentum * mean
                running_var *= 1.0 - momentum
                running_var += (momentum * count / (count - 1)) * var   # PyTorch tracks the unbiased variance
        else:
            invstd = 1.0 / xp.sqrt(running_var + eps)
            xhat = (x - running_mean.reshape(shape)) * invstd.reshape(shape).astype(x.dtype, copy=False)
        ctx.training = training
        ctx.axes = axes
        ctx.bshape = shape
        ctx.save_for_backward(xhat, invstd.astype(x.dtype, copy=False), weight)
        y = xhat * weight.reshape(shape) if weight is not None else xhat.copy()
        if bias is not None:
            y += bias.reshape(shape)
        return y

    def backward(ctx, gy):
        xhat, invstd, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        axes, shape = ctx.axes, ctx.bshape
        g_bias = gy.sum(axis=axes)
        g_weight = (gy * xhat).sum(axis=axes)
        gx = None
        if need[0]:
            scale = invstd if weight is None else invstd * weight
            if ctx.training:
                count = gy.size // gy.shape[1]
                gx = gy - (g_bias / count).reshape(shape)
                gx -= xhat * (g_weight / count).reshape(shape)
                gx *= scale.reshape(shape)
            else:
                gx = gy * scale.reshape(shape)
        return (gx, None, None, g_weight if need[3] else None, g_bias if need[4] else None, None, None, None)


class LayerNorm(Function):
    op_name = "layer_norm"
    differentiable_backward = False

    def forward(ctx, x, weight, bias, n_axes, eps):
        xp = ctx.xp
        axes = tuple(range(x.ndim - n_axes, x.ndim))
        xhat = x - x.mean(axis=axes, keepdims=True)
        invstd = 1.0 / xp.sqrt(xp.mean(xhat * xhat, axis=axes, keepdims=True) + eps)
        xhat *= invstd
        ctx.axes = axes
        ctx.save_for_backward(xhat, invstd, weight)
        y = xhat * weight if weight is not None else xhat.copy()
        if bias is not None:
            y += bias
        return y

    def backward(ctx, gy):
        xhat, invstd, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        lead = tuple(range(gy.ndim - len(ctx.axes)))
        g_weight = (gy * xhat).sum(axis=lead) if need[1] else None
        g_bias = gy.sum(axis=lead) if need[2] else None
        gx = None
        if need[0]:
            g = gy * weight if weight is not None else gy
            gx = g - g.mean(axis=ctx.axes, keepdims=True)
            gx -= xhat * (g * xhat).mean(axis=ctx.axes, keepdims=True)
            gx *= invstd
        return gx, g_weight, g_bias, None, None
