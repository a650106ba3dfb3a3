"""SGD and Adam/AdamW parameter updates, in place, with torch.optim's formulas and operation order.

`grad` is only read. Each step allocates at most two scratch arrays of the parameter's shape.
"""
import math

import numpy as np


def _check(op, param, **state):
    for name, a in state.items():
        if a is not None and a.shape != param.shape:
            raise ValueError(f"{op}: {name} has shape {tuple(a.shape)} but the parameter has shape "
                             f"{tuple(param.shape)}; optimiser state must match its parameter")


def sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """One SGD step as torch.optim.SGD, updating param (and buf when momentum != 0) in place.

    d = grad + wd * param; buf = d on the first step, else momentum * buf + (1 - dampening) * d;
    the step is d + momentum * buf with nesterov, else buf; param -= lr * step.
    """
    _check("sgd_step", param, grad=grad, buf=buf if momentum != 0 else None)
    if param.ndim == 0:   # 1-element views: ufuncs return scalars, not arrays, for 0-d operands
        return sgd_step(param.reshape(1), grad.reshape(1), None if buf is None else buf.reshape(1), lr, momentum,
                        dampening, nesterov, weight_decay, first)
    if weight_decay != 0:
        d = np.multiply(param, weight_decay)
        d += grad
    else:
        d = grad
    if momentum != 0:
        if first:
            np.copyto(buf, d)
        else:
            buf *= momentum
            buf += d if dampening == 0 else (1 - dampening) * d
        if nesterov:
            step = np.multiply(buf, momentum)
            step += d
            d = step
        else:
            d = buf
    if d is grad or d is buf:
        param -= lr * d
    else:
        d *= lr
        param -= d


def adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """One Adam (decoupled=False) or AdamW (decoupled=True) step as PyTorch's, in place.

    `step` is the 1-based count after this update. m += (1 - b1)(g - m); v = b2 v + (1 - b2) g^2;
    param -= lr / (1 - b1^step) * m / (sqrt(v or max(vmax, v)) / sqrt(1 - b2^step) + eps).
    """
    _check("adam_step", param, grad=grad, m=m, v=v, vmax=vmax if amsgrad else None)
    if param.ndim == 0:
        return adam_step(param.reshape(1), grad.reshape(1), m.reshape(1), v.reshape(1),
                         vmax.reshape(1) if amsgrad else vmax, step, lr, beta1, beta2, eps, weight_decay,
                         decoupled, amsgrad)
    if weight_decay != 0 and decoupled:
        param *= 1 - lr * weight_decay
    if weight_decay != 0 and not decoupled:
        g = np.multiply(param, weight_decay)
        g += grad
    else:
        g = grad
    # m.lerp_(g, 1 - beta1) as torch evaluates it, then v += (1 - beta2) * g * g
    weight = 1 - beta1
    scratch = np.subtract(g, m)
    if weight < 0.5:
        scratch *= weight
        m += scratch
    else:
        scratch *= 1 - weight
        np.subtract(g, scratch, out=m)
    v *= beta2
    np.multiply(g, 1 - beta2, out=scratch)
    scratch *= g
    v += scratch
    if amsgrad:
        np.maximum(vmax, v, out=vmax)
    denom = np.sqrt(vmax if amsgrad else v, out=scratch)
    denom /= math.sqrt(1 - beta2 ** step)
    denom += eps
    np.divide(m, denom, out=denom)
    denom *= lr / (1 - beta1 ** step)
    param -= denom
