"""Adafactor, as torch.optim.Adafactor (PyTorch 2.5 and later): Adam-like steps whose second moment is kept
factored, as row and column means over the last two dims, so a matrix costs memory for one row and one column
(Shazeer & Stern, 2018); no first moment."""
import math

import numpy as np

from autograd import arrays

from . import _extra_state
from ._buffers import lerp_
from .optimizer import Optimizer
from ._step_state import advance, scalar_state


class Adafactor(Optimizer):
    """Adafactor: at step t, beta2_t = 1 - t ** beta2_decay, rho_t = min(lr, 1 / sqrt(t)) and
    alpha = max(eps[1], RMS(p)) * rho_t. A parameter with 2 or more dims keeps row and column averages of g**2
    (over its last dim, and its last but one), whose product over the row average's mean estimates the
    variance; others keep it whole. update = g / sqrt(max(variance, eps[0]**2)), divided by
    max(1, RMS(update) / d); p -= alpha * update. eps[0] None means the dtype's machine epsilon; weight_decay
    shrinks p by 1 - lr*weight_decay; `maximize` ascends; `foreach` is accepted and changes nothing."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=tuple(eps), d=d,
                                      weight_decay=weight_decay, foreach=foreach, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        eps1, eps2 = group["eps"]
        checks = [(group["beta2_decay"] <= 0, f"beta2_decay must be <= 0, got {group['beta2_decay']!r}"),
                  (eps1 is None or eps1 >= 0, f"eps[0] (epsilon1) must be None or >= 0, got {eps1!r}"),
                  (eps2 >= 0, f"eps[1] (epsilon2) must be >= 0, got {eps2!r}"),
                  (group["d"] >= 1, f"the clipping threshold d must be >= 1, got {group['d']!r}"),
                  (group["weight_decay"] >= 0, f"weight_decay must be >= 0, got {group['weight_decay']!r}")]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"Adafactor: {message}")

    def _version_writes(self, group):
        """PyTorch's weight decay is one more in-place write of each parameter (p.mul_(1 - lr * wd))."""
        return 2 if group["weight_decay"] != 0 else 1

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        factored = grad.ndim > 1
        if not state:
            state["step"] = scalar_state(0.0)
            if factored:
                state["row_var"] = arrays.wrap(xp.zeros(grad.shape[:-1] + (1,), param.dtype), p.device)
                state["col_var"] = arrays.wrap(xp.zeros(grad.shape[:-2] + (1,) + grad.shape[-1:], param.dtype),
                                               p.device)
            else:
                state["variance"] = arrays.wrap(xp.zeros_like(param), p.device)
        step, lr = advance(state), group["lr"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(param.dtype).eps)
        beta2_t = step ** group["beta2_decay"]     # the weight of the new g**2: 1 - beta2
        rho = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, float(xp.sqrt((param * param).sum())) / math.sqrt(max(param.size, 1))) * rho
        if group["weight_decay"] != 0:
            param *= 1 - lr * group["weight_decay"]
        if factored:
            row_var, col_var = arrays.array(state["row_var"]), arrays.array(state["col_var"])
            # the squared norm over the dim, squared back from its root as PyTorch computes it
            lerp_(xp, row_var, xp.sqrt((grad * grad).sum(axis=-1, keepdims=True)) ** 2 / grad.shape[-1], beta2_t)
            lerp_(xp, col_var, xp.sqrt((grad * grad).sum(axis=-2, keepdims=True)) ** 2 / grad.shape[-2], beta2_t)
            estimate = xp.matmul(row_var, col_var)
            estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = arrays.array(state["variance"])
            lerp_(xp, variance, grad * grad, beta2_t)
            estimate = variance.copy()
        update = 1 / xp.sqrt(xp.maximum(estimate, eps1 * eps1))
        update *= grad
        denom = max(1.0, float(xp.sqrt((update * update).sum())) / (math.sqrt(max(update.size, 1)) * group["d"]))
        update *= alpha / denom
        param -= update

    def load_state_dict(self, state_dict):
        """As Optimizer.load_state_dict; the factored 'row_var' and 'col_var' keep their own shapes."""
        _extra_state.load_state_dict(self, state_dict, {"row_var": _extra_state.as_buffer,
                                                        "col_var": _extra_state.as_buffer})
