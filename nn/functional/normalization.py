"""Batch and layer normalisation, each one fused graph node (forward and a closed-form backward)."""
import numbers

from autograd import Function, Tensor


class BatchNormOp(Function):
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


class LayerNormOp(Function):
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


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel of input (N, C), (N, C, L) or (N, C, H, W) to zero mean and unit variance,
    then scale by weight and shift by bias (both (C,), optional).

    training: use the batch statistics and update running_mean / running_var in place (when given) as
    running = (1 - momentum) * running + momentum * batch (the variance unbiased); otherwise use the
    running statistics.
    """
    op = "batch_norm"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 2:
        raise ValueError(f"{op}: expects an input (N, C, ...) with at least 2 dimensions, got shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(f"{op}: input has {channels} channels (shape {input.shape}) but {name} has shape "
                             f"{tuple(t.shape)}; expected ({channels},): build the layer with num_features="
                             f"{channels}")
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{op}: pass both running_mean and running_var, or neither")
    if training:
        if input.size // channels <= 1:
            raise ValueError(f"{op}: expected more than 1 value per channel when training, got input shape "
                             f"{input.shape}; use a larger batch or eval mode")
    elif running_mean is None:
        raise ValueError(f"{op}: evaluation (training=False) needs running_mean and running_var")
    if running_mean is not None and training:
        running_mean, running_var = _updated_in_place(running_mean), _updated_in_place(running_var)
    return BatchNormOp.apply(input, running_mean, running_var, weight, bias, bool(training), float(momentum),
                             float(eps))


def _updated_in_place(t):
    """A running-statistics tensor that batch_norm is about to update in place, with the change recorded."""
    if t.requires_grad:
        raise ValueError("batch_norm: running statistics must not require grad (they are buffers)")
    t._bump_version()
    return t


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise input over its last dimensions `normalized_shape` to zero mean and unit variance,
    then scale by weight and shift by bias (both of shape normalized_shape, optional)."""
    op = "layer_norm"
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(normalized_shape)
    n = len(normalized_shape)
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if n == 0 or input.ndim < n or input.shape[input.ndim - n:] != normalized_shape:
        raise ValueError(f"{op}: normalized_shape {normalized_shape} must equal the last dimensions of the "
                         f"input, got input shape {input.shape}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise ValueError(f"{op}: {name} has shape {tuple(t.shape)}, expected normalized_shape "
                             f"{normalized_shape}")
    return LayerNormOp.apply(input, weight, bias, n, float(eps))
