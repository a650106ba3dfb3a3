"""The cpu device's optimiser steps, rounded as PyTorch's CPU kernels round: SGD with each `a + alpha * b` as one
BLAS axpy (bit for bit, and no temporary for the step), and Adam/AdamW with PyTorch's fused multiply-adds.

PyTorch's single-tensor Adam rounds once in `m.lerp_(g, 1 - beta1)` and in `v.mul_(beta2).addcmul_(g, g, value=1 -
beta2)` (fused multiply-adds), and its update is `p + (-step_size * m) / denom`. Here the lerp is an axpy and the
update keeps PyTorch's order; the addcmul rounds twice (see _addcmul), and PyTorch takes the square root through
MKL's vector math (within one ulp, not always correctly rounded). After five float32 steps of 50,000 parameters
about 60 elements differ from PyTorch's in the last bit, against about 400 with NumPy's rounding of each step (the
formula in nn/optim/adam.py); the numba device's kernel, with the addcmul fused too, about 6.
"""
import math

import numpy as np

from . import axpy


def sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """One torch.optim.SGD step, updating param (and buf when momentum != 0) in place -> True, or False,
    touching nothing, for arrays axpy does not take (the caller then runs the NumPy formula).

    d = grad + wd * param; buf = d on the first step, else momentum * buf + (1 - dampening) * d;
    the step is d + momentum * buf with nesterov, else buf; param -= lr * step.
    """
    if not axpy.takes(param, grad, *((buf,) if momentum != 0 else ())):
        return False
    d = grad
    if weight_decay != 0:
        d = axpy.axpy(weight_decay, param, grad.copy())
    if momentum != 0:
        if first:
            np.copyto(buf, d)
        else:
            buf *= momentum
            axpy.axpy(1 - dampening, d, buf)
        if nesterov:
            d = axpy.axpy(momentum, buf, grad.copy() if d is grad else d)
        else:
            d = buf
    axpy.axpy(-lr, d, param)
    return True


def _lerp(m, g, weight, scratch):
    """m.lerp_(g, weight) as PyTorch's vector kernel rounds it: fma(weight, g - m, m), or from the far end
    fma(weight - 1, g - m, g) when |weight| >= 0.5."""
    np.subtract(g, m, out=scratch)
    if abs(weight) < 0.5:
        axpy.axpy(weight, scratch, m)
    else:
        np.copyto(m, g)
        axpy.axpy(weight - 1, scratch, m)


def _addcmul(v, g, value, scratch):
    """v += (value * g) * g, PyTorch's addcmul_ with two roundings: its fused multiply-add would take float64
    temporaries here (2x the step's time for float32), for the last bit of about one element in a thousand."""
    np.multiply(g, value, out=scratch)
    scratch *= g
    v += scratch


def adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """One torch.optim.Adam (decoupled=False) or AdamW (decoupled=True) step in place -> True, or False, touching
    nothing, for arrays axpy does not take (the caller then runs the NumPy formula). `step` is the 1-based count
    after this update."""
    if not axpy.takes(param, grad, m, v, *((vmax,) if amsgrad else ())):
        return False
    scratch = np.empty_like(param)
    if weight_decay != 0 and decoupled:
        param *= 1 - lr * weight_decay
    elif weight_decay != 0:
        grad = axpy.axpy(weight_decay, param, grad.copy())
    _lerp(m, grad, 1 - beta1, scratch)
    v *= beta2
    _addcmul(v, grad, 1 - beta2, scratch)
    if amsgrad:
        np.maximum(vmax, v, out=vmax)
    denom = np.sqrt(vmax if amsgrad else v, out=scratch)
    denom /= math.sqrt(1 - beta2 ** step)
    denom += eps
    update = np.multiply(m, -(lr / (1 - beta1 ** step)))
    update /= denom
    param += update
    return True
