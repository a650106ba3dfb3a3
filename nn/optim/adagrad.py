"""Adagrad, as torch.optim.Adagrad: per-element learning rates from the running sum of squared gradients.

`adagrad_update` is the formula, on raw arrays through the device's array module.
"""
from autograd import arrays
from autograd.bf16_dtype import is_half

from . import _half_steps as half
from .optimizer import Optimizer, _with_decay
from ._step_state import advance, scalar_state
from ._differentiable import adagrad_graph_step


def adagrad_update(xp, param, grad, total, clr, eps, weight_decay):
    """One Adagrad step as torch.optim.Adagrad at learning rate `clr` (already decayed), updating param
    and the running sum of squares `total` in place; grad is only read.

    g = grad + weight_decay * param; total += g*g; param -= clr * g / (sqrt(total) + eps).
    """
    if is_half(param.dtype):
        return _adagrad_update_half(param, grad, total, clr, eps, weight_decay)
    if param.ndim == 0:   # 1-element views: NumPy's ufuncs return scalars, not arrays, for 0-d operands
        return adagrad_update(xp, param.reshape(1), grad.reshape(1), total.reshape(1), clr, eps, weight_decay)
    if weight_decay != 0:
        grad = _with_decay(xp, grad, param, weight_decay)
    scratch = xp.multiply(grad, grad)  # the one temporary array, reused for every stage
    total += scratch
    xp.sqrt(total, out=scratch)
    scratch += eps
    xp.divide(grad, scratch, out=scratch)
    scratch *= clr
    param -= scratch


@half.quiet
def _adagrad_update_half(param, grad, total, clr, eps, weight_decay):
    """adagrad_update for float16 / bfloat16 arrays: PyTorch's op sequence, each op rounded to the dtype as its
    CPU kernel rounds it (_half_steps)."""
    g = half.plus(grad, weight_decay, param) if weight_decay != 0 else grad
    total[...] = half.addcmul(total, 1, g, g)
    param[...] = half.addcdiv(param, -clr, g, half.plus_scalar(half.sqrt(total), eps))


class Adagrad(Optimizer):
    """Adagrad: sum += g*g; p -= clr * g / (sqrt(sum) + eps) with clr = lr / (1 + (step-1)*lr_decay);
    weight_decay adds weight_decay*p to g; the sum starts at initial_accumulator_value."""

    _nonnegative = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")
    _graph_step = staticmethod(adagrad_graph_step)   # differentiable=True
    _sparse_gradients = "dense"   # rows without a gradient add 0 to the sum and move by 0, as in PyTorch

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))

    def _update(self, p, grad, state, group):
        param = arrays.array(p)
        if not state:
            state["step"] = scalar_state(0.0)
            state["sum"] = arrays.wrap(p.device.xp.full_like(param, group["initial_accumulator_value"]), p.device)
        clr = group["lr"] / (1 + (advance(state) - 1) * group["lr_decay"])
        adagrad_update(p.device.xp, param, grad, arrays.array(state["sum"]), clr, group["eps"],
                       group["weight_decay"])
