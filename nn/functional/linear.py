"""The fully connected layer as one graph node: y = x @ weight.T + bias."""
from autograd import Function


class Linear(Function):
    op_name = "linear"

    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        y = x @ weight.T
        if bias is not None:
            y += bias
        return y

    def backward(ctx, gy):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gy @ weight if need[0] else None
        gw = gb = None
        if need[1] or need[2]:
            g2 = gy.reshape((-1, gy.shape[-1])) if gy.ndim != 2 else gy
            if need[1]:
                x2 = x.reshape((-1, x.shape[-1])) if x.ndim != 2 else x
                gw = g2.T @ x2
            if need[2]:
                gb = g2.sum(axis=0)
        return gx, gw, gb

    @staticmethod
    def explain_error(args, exc):
        x, weight = args[0], args[1]
        if x.ndim and weight.ndim == 2 and x.shape[-1] == weight.shape[1]:
            return None   # not a size mismatch: the generic message describes it
        return (f"linear: input has {x.shape[-1] if x.ndim else 0} features (shape {x.shape}) but the weight "
                f"expects {weight.shape[1]} (weight shape {weight.shape}); the last input dimension must equal "
                "in_features")


def linear(x, weight, bias=None):
    """x @ weight.T + bias for x of shape (..., in_features) and weight (out_features, in_features)."""
    return Linear.apply(x, weight, bias)
