"""Results computed outside the graph (on host NumPy arrays) attached to their inputs by a node whose backward
raises: asking for a gradient through such an op fails with a clear message instead of silently giving none."""
import autograd as ag


class _NoGradient(ag.Function):

    @staticmethod
    def forward(ctx, value, op, *inputs):
        ctx.op = op
        return ctx.xp.asarray(value)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(f"keras.ops.{ctx.op} is not differentiable in deepgrad (it is computed with NumPy); "
                           f"compute it on stop_gradient(x) or use a differentiable alternative")


def without_gradient(op, value, *inputs):
    """The NumPy array `value` as a Tensor on the inputs' device; a backward pass through it raises."""
    return _NoGradient.apply(value, op, *inputs)
