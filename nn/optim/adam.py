"""Adam and AdamW, as torch.optim.Adam / AdamW (bias-corrected moments, optional AMSGrad).

`adam_update` is the formula, on raw arrays through the device's array module; a device that offers
a fused `adam_step` kernel of it (numba, cuda) runs that instead.
"""
import math

import numpy as np

from autograd import arrays
from autograd.bf16_dtype import is_half

from . import _half_steps as half
from ._buffers import lerp_, zeros_like_param
from ._differentiable import adam_graph_step
from .optimizer import Optimizer, _check_grad, _with_decay
from ._step_state import advance, scalar_state


def adam_update(xp, param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """One Adam (decoupled=False) or AdamW (decoupled=True) step as PyTorch's, updating param, m, v
    (and vmax with amsgrad) in place; grad is only read.

    `step` is the 1-based count after this update. m += (1 - b1)(g - m); v = b2 v + (1 - b2) g^2;
    param -= lr / (1 - b1^step) * m / (sqrt(v or max(vmax, v)) / sqrt(1 - b2^step) + eps).
    """
    _check_grad("adam_update", param, grad)
    if is_half(param.dtype):
        return _adam_update_half(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled,
                                 amsgrad)
    if param.ndim == 0:   # 1-element views: NumPy's ufuncs return scalars, not arrays, for 0-d operands
        return adam_update(xp, param.reshape(1), grad.reshape(1), m.reshape(1), v.reshape(1),
                           vmax.reshape(1) if amsgrad else vmax, step, lr, beta1, beta2, eps, weight_decay,
                           decoupled, amsgrad)
    if weight_decay != 0 and decoupled:
        param *= 1 - lr * weight_decay
    g = _with_decay(xp, grad, param, weight_decay) if weight_decay != 0 and not decoupled else grad
    # m.lerp_(g, 1 - beta1) as torch evaluates it, then v += (1 - beta2) * g * g
    scratch = lerp_(xp, m, g, 1 - beta1)
    v *= beta2
    xp.multiply(g, 1 - beta2, out=scratch)
    scratch *= g
    v += scratch
    if amsgrad:
        xp.maximum(vmax, v, out=vmax)
    denom = xp.sqrt(vmax if amsgrad else v, out=scratch)
    denom /= math.sqrt(1 - beta2 ** step)
    denom += eps
    xp.divide(m, denom, out=denom)
    denom *= lr / (1 - beta1 ** step)
    param -= denom


@half.quiet
def _adam_update_half(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """adam_update for float16 / bfloat16 arrays: PyTorch's op sequence, each op rounded to the dtype as its CPU
    kernel rounds it (_half_steps)."""
    if weight_decay != 0 and decoupled:
        param[...] = half.scaled(param, 1 - lr * weight_decay)
    g = half.plus(grad, weight_decay, param) if weight_decay != 0 and not decoupled else grad
    m[...] = half.lerp(m, g, 1 - beta1)
    v[...] = half.addcmul(half.scaled(v, beta2), 1 - beta2, g, g)
    if amsgrad:
        vmax[...] = np.maximum(vmax, v)
    denom = half.divided(half.sqrt(vmax if amsgrad else v), (1 - beta2 ** step) ** 0.5)
    param[...] = half.addcdiv(param, -(lr / (1 - beta1 ** step)), m, half.plus_scalar(denom, eps))


class Adam(Optimizer):
    """Adam: m, v = running averages of g and g*g (betas), p -= lr * m_hat / (sqrt(v_hat) + eps) with
    bias-corrected m_hat, v_hat; weight_decay adds weight_decay*p to g (L2); `amsgrad` divides by the
    running maximum of v instead; `maximize` ascends; decoupled_weight_decay=True is AdamW. `foreach`, `fused`
    and `capturable` are accepted and change nothing (the devices pick their kernels); `differentiable=True`
    records the step in the graph."""

    _nonnegative = ("eps", "weight_decay")
    _graph_step = staticmethod(adam_graph_step)   # differentiable=True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _version_writes(self, group):
        """PyTorch's decoupled weight decay is one more in-place write of each parameter (p.mul_(1 - lr * wd))."""
        return 2 if group["decoupled_weight_decay"] and group["weight_decay"] != 0 else 1

    def _update(self, p, grad, state, group):
        if not state:
            state["step"] = scalar_state(0.0)
            for key in ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ()):
                state[key] = zeros_like_param(p)
        step_count = advance(state)
        amsgrad = group["amsgrad"]
        if amsgrad and "max_exp_avg_sq" not in state:  # amsgrad switched on after the first step
            state["max_exp_avg_sq"] = zeros_like_param(p)
        device = p.device
        beta1, beta2 = group["betas"]
        step = (arrays.array(p), grad, arrays.array(state["exp_avg"]), arrays.array(state["exp_avg_sq"]),
                arrays.array(state["max_exp_avg_sq"]) if amsgrad else None, step_count, group["lr"], beta1, beta2,
                group["eps"], group["weight_decay"], group["decoupled_weight_decay"], amsgrad)
        fused = None if is_half(step[0].dtype) else device.adam_step   # PyTorch's rounding: adam_update's
        if fused is None or not fused(*step):
            adam_update(device.xp, *step)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr*weight_decay before the Adam step."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
