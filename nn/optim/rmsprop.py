"""RMSprop, as torch.optim.RMSprop: gradients scaled by a running root mean square, optionally centred."""
from autograd import Tensor

from .optimizer import Optimizer, _with_decay


class RMSprop(Optimizer):
    """RMSprop: sq = alpha*sq + (1-alpha)*g*g; avg = sqrt(sq) (centered: sqrt(sq - mean_g**2), mean_g the
    running mean of g) + eps; p -= lr * g/avg, or with momentum buf = momentum*buf + g/avg, p -= lr*buf."""

    _nonnegative = ("alpha", "eps", "weight_decay", "momentum")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, maximize=maximize))

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = p._data
        if not state:
            state["step"] = 0
            state["square_avg"] = Tensor._make(xp.zeros_like(param), p.device, None, 0, False)
        for key, wanted in (("momentum_buffer", group["momentum"] > 0), ("grad_avg", group["centered"])):
            if wanted and key not in state:
                state[key] = Tensor._make(xp.zeros_like(param), p.device, None, 0, False)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = _with_decay(xp, grad, param, group["weight_decay"])
        alpha = group["alpha"]
        square_avg = state["square_avg"]._data
        scratch = xp.multiply(grad, grad)  # the one temporary array, reused for every stage
        scratch *= 1 - alpha
        square_avg *= alpha
        square_avg += scratch
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            xp.subtract(grad, grad_avg, out=scratch)
            scratch *= 1 - alpha
            grad_avg += scratch
            xp.multiply(grad_avg, grad_avg, out=scratch)
            xp.subtract(square_avg, scratch, out=scratch)
            xp.sqrt(scratch, out=scratch)
        else:
            xp.sqrt(square_avg, out=scratch)
        scratch += group["eps"]
        xp.divide(grad, scratch, out=scratch)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            buf *= group["momentum"]
            buf += scratch
            xp.multiply(buf, group["lr"], out=scratch)
        else:
            scratch *= group["lr"]
        param -= scratch
