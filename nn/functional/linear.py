"""The fully connected layer as one graph node: y = x @ weight.T + bias."""
from autograd import Function


class Linear(Function):
    op_name = "linear"

    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        y = _rows(x) @ weight.T     # one (rows, in) x (in, out) product: NumPy would loop over a 3-D batch
        if bias is not None:
            y += bias
        return y.reshape(x.shape[:-1] + (weight.shape[0],)) if x.ndim > 2 else y

    def backward(ctx, gy):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = (_rows(gy) @ weight).reshape(x.shape) if need[0] else None
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


def _rows(a):
    """`a` as a 2-D (rows, features) array when it has more than 2 dimensions (no copy if contiguous)."""
    if a.ndim <= 2:
        return a
    rows = 1
    for n in a.shape[:-1]:
        rows *= n
    return a.reshape(rows, a.shape[-1])


def linear(x, weight, bias=None):
    """x @ weight.T + bias for x of shape (..., in_features) and weight (out_features, in_features)."""
    return Linear.apply(x, weight, bias)
