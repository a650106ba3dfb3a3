"""RMSprop, as torch.optim.RMSprop: gradients scaled by a running root mean square, optionally centred.

`rmsprop_update` is the formula, on raw arrays through the device's array module.
"""
from autograd import arrays
from autograd.bf16_dtype import is_half

from . import _half_steps as half
from ._buffers import zeros_like_param
from .optimizer import Optimizer, _with_decay
from ._step_state import advance, scalar_state
from ._differentiable import rmsprop_graph_step


def rmsprop_update(xp, param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, momentum):
    """One RMSprop step as torch.optim.RMSprop, updating param, square_avg, grad_avg (centred; else
    None) and buf (momentum > 0; else None) in place; grad is only read.

    sq = alpha*sq + (1-alpha)*g*g; avg = sqrt(sq) (centred: sqrt(sq - mean_g**2), mean_g the running
    mean of g) + eps; p -= lr * g/avg, or with momentum buf = momentum*buf + g/avg, p -= lr*buf.
    """
    if is_half(param.dtype):
        return _rmsprop_update_half(param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, momentum)
    if param.ndim == 0:   # 1-element views: NumPy's ufuncs return scalars, not arrays, for 0-d operands
        one = [None if a is None else a.reshape(1) for a in (param, grad, square_avg, grad_avg, buf)]
        return rmsprop_update(xp, *one, lr, alpha, eps, weight_decay, momentum)
    if weight_decay != 0:
        grad = _with_decay(xp, grad, param, weight_decay)
    scratch = xp.multiply(grad, grad)  # the one temporary array, reused for every stage
    scratch *= 1 - alpha
    square_avg *= alpha
    square_avg += scratch
    if grad_avg is not None:
        xp.subtract(grad, grad_avg, out=scratch)
        scratch *= 1 - alpha
        grad_avg += scratch
        xp.multiply(grad_avg, grad_avg, out=scratch)
        xp.subtract(square_avg, scratch, out=scratch)
        xp.sqrt(scratch, out=scratch)
    else:
        xp.sqrt(square_avg, out=scratch)
    scratch += eps
    xp.divide(grad, scratch, out=scratch)
    if buf is not None:
        buf *= momentum
        buf += scratch
        xp.multiply(buf, lr, out=scratch)
    else:
        scratch *= lr
    param -= scratch


@half.quiet
def _rmsprop_update_half(param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, momentum):
    """rmsprop_update for float16 / bfloat16 arrays: PyTorch's op sequence, each op rounded to the dtype as its
    CPU kernel rounds it (_half_steps)."""
    g = half.plus(grad, weight_decay, param) if weight_decay != 0 else grad
    square_avg[...] = half.addcmul(half.scaled(square_avg, alpha), 1 - alpha, g, g)
    if grad_avg is not None:
        grad_avg[...] = half.lerp(grad_avg, g, 1 - alpha)
        avg = half.sqrt(half.addcmul(square_avg, -1, grad_avg, grad_avg))
    else:
        avg = half.sqrt(square_avg)
    avg = half.plus_scalar(avg, eps)
    if buf is not None:
        buf[...] = half.addcdiv(half.scaled(buf, momentum), 1, g, avg)
        param[...] = half.plus(param, -lr, buf)
    else:
        param[...] = half.addcdiv(param, -lr, g, avg)


class RMSprop(Optimizer):
    """RMSprop: sq = alpha*sq + (1-alpha)*g*g; avg = sqrt(sq) (centered: sqrt(sq - mean_g**2), mean_g the
    running mean of g) + eps; p -= lr * g/avg, or with momentum buf = momentum*buf + g/avg, p -= lr*buf."""

    _nonnegative = ("alpha", "eps", "weight_decay", "momentum")
    _graph_step = staticmethod(rmsprop_graph_step)   # differentiable=True

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p, grad, state, group):
        if not state:
            state["step"] = scalar_state(0.0)
            state["square_avg"] = zeros_like_param(p)
        momentum, centered = group["momentum"], group["centered"]
        for key, wanted in (("momentum_buffer", momentum > 0), ("grad_avg", centered)):
            if wanted and key not in state:
                state[key] = zeros_like_param(p)
        advance(state)
        grad_avg = arrays.array(state["grad_avg"]) if centered else None
        buf = arrays.array(state["momentum_buffer"]) if momentum > 0 else None
        rmsprop_update(p.device.xp, arrays.array(p), grad, arrays.array(state["square_avg"]), grad_avg, buf,
                       group["lr"], group["alpha"], group["eps"], group["weight_decay"], momentum)
