"""The cpu device's fused SGD step: torch.optim.SGD's formula with each `a + alpha * b` as one BLAS
axpy, so each update rounds as PyTorch's does (bit for bit) and makes no temporary for the step."""
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
