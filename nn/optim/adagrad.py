"""Adagrad, as torch.optim.Adagrad: per-element learning rates from the running sum of squared gradients."""
from autograd import Tensor

from .optimizer import Optimizer, _with_decay


class Adagrad(Optimizer):
    """Adagrad: sum += g*g; p -= clr * g / (sqrt(sum) + eps) with clr = lr / (1 + (step-1)*lr_decay);
    weight_decay adds weight_decay*p to g; the sum starts at initial_accumulator_value."""

    _nonnegative = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize))

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = p._data
        if not state:
            state["step"] = 0
            state["sum"] = Tensor._make(xp.full_like(param, group["initial_accumulator_value"]), p.device,
                                        None, 0, False)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = _with_decay(xp, grad, param, group["weight_decay"])
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        total = state["sum"]._data
        scratch = xp.multiply(grad, grad)  # the one temporary array, reused for every stage
        total += scratch
        xp.sqrt(total, out=scratch)
        scratch += group["eps"]
        xp.divide(grad, scratch, out=scratch)
        scratch *= clr
        param -= scratch
