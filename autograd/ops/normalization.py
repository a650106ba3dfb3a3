"""Normalisation ops: batch and layer normalisation, each one fused graph node with a closed-form backward."""
import math

from ..function import Function
from ..tensor import Tensor
from ..type_objects import channels_last_like


class BatchNorm(Function):
    """Batch normalisation over the channel axis 1 of (N, C, ...): the passes over memory are the
    device's batch_norm_* kernels (statistics in float64); the input is saved, not the normalised
    output, so forward writes one array."""
    op_name = "batch_norm"
    torch_name = "NativeBatchNormBackward0"   # PyTorch's CPU node, in training and in eval alike
    differentiable_backward = False
    half_writes = (1, 2)   # forward updates the running statistics in place (see autograd/half_forms.py)

    def forward(ctx, x, running_mean, running_var, weight, bias, training, momentum, eps):
        xp, dev = ctx.xp, ctx.device
        x3 = x.reshape(x.shape[0], x.shape[1], -1)
        if training:
            mean, var = dev.batch_norm_stats(x3)
            invstd = 1.0 / xp.sqrt(var + eps)
            if running_mean is not None:
                count = x3.shape[0] * x3.shape[2]
                running_mean *= 1.0 - momentum
                running_mean += momentum * mean
                running_var *= 1.0 - momentum
                running_var += (momentum * count / (count - 1)) * var   # PyTorch tracks the unbiased variance
        else:
            mean, invstd = running_mean.astype(xp.float64), 1.0 / xp.sqrt(running_var.astype(xp.float64) + eps)
        dtype = x.dtype
        mean, invstd = mean.astype(dtype, copy=False), invstd.astype(dtype)
        scale = invstd if weight is None else invstd * weight
        ctx.training = training
        ctx.save_for_backward(x3, mean, invstd, scale)
        return channels_last_like(xp, dev.batch_norm_normalize(x3, mean, scale, bias).reshape(x.shape), x)

    def backward(ctx, gy):
        x3, mean, invstd, scale = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx, sum_gy, sum_gyd = ctx.device.batch_norm_backward(gy.reshape(x3.shape), x3, mean, scale, invstd,
                                                            ctx.training, need[0])
        dtype = x3.dtype
        g_weight = (sum_gyd * invstd).astype(dtype) if need[3] else None
        g_bias = sum_gy.astype(dtype) if need[4] else None
        if gx is not None:
            gx = gx.reshape(gy.shape)
        return gx, None, None, g_weight, g_bias, None, None, None


class LayerNorm(Function):
    """Layer normalisation over the last n_axes; under create_graph its backward recomputes the statistics
    from the saved input as recorded ops, so gradient penalties differentiate through it."""
    op_name = "layer_norm"
    torch_name = "NativeLayerNormBackward0"

    def forward(ctx, x, weight, bias, n_axes, eps):
        # the normalised dims flattened into one: the device normalises rows of x (M, D)
        ctx.axes = tuple(range(x.ndim - n_axes, x.ndim))
        ctx.eps = eps
        ctx.normalized_shape = x.shape[x.ndim - n_axes:]
        y, mean, invstd = ctx.device.layer_norm(_rows(ctx, x), None if weight is None else weight.reshape(-1),
                                                None if bias is None else bias.reshape(-1), eps)
        ctx.save_for_backward(mean, invstd, weight, x)
        return y.reshape(x.shape)

    def backward(ctx, gy):
        mean, invstd, weight, x = ctx.saved_tensors
        if isinstance(gy, Tensor):
            return _layer_norm_recorded_grads(ctx, gy, x, weight)
        need = ctx.needs_input_grad
        gx, g_weight, g_bias = ctx.device.layer_norm_backward(
            _rows(ctx, gy), _rows(ctx, x), mean, invstd, None if weight is None else weight.reshape(-1),
            need[0], need[1], need[2])
        shape = ctx.normalized_shape
        return (None if gx is None else gx.reshape(x.shape), None if g_weight is None else g_weight.reshape(shape),
                None if g_bias is None else g_bias.reshape(shape), None, None)


def _rows(ctx, a):
    """a (..., *normalized_shape) as a C-contiguous (M, D) array of rows (either may be 0)."""
    lead = a.shape[:a.ndim - len(ctx.normalized_shape)]
    return ctx.xp.ascontiguousarray(a.reshape(math.prod(lead), math.prod(ctx.normalized_shape)))


def _layer_norm_recorded_grads(ctx, gy, x, weight):
    """LayerNorm's gradients as recorded Tensor ops (create_graph), the statistics rebuilt from the input x."""
    axes, need = ctx.axes, ctx.needs_input_grad
    lead = tuple(range(gy.ndim - len(axes)))
    centred = x - x.mean(dim=axes, keepdim=True)
    invstd = ((centred * centred).mean(dim=axes, keepdim=True) + ctx.eps).rsqrt()
    xhat = centred * invstd
    g_weight = (gy * xhat).sum(dim=lead) if need[1] else None
    g_bias = gy.sum(dim=lead) if need[2] else None
    gx = None
    if need[0]:
        g = gy * weight if weight is not None else gy
        gx = (g - g.mean(dim=axes, keepdim=True) - xhat * (g * xhat).mean(dim=axes, keepdim=True)) * invstd
    return gx, g_weight, g_bias, None, None
