"""SGD and Adam/AdamW parameter updates as single fused passes, in place: the numba device's optional
fused versions of nn.optim's SGD and Adam formulas (torch.optim's).

Hyper-parameters are cast to the parameter's dtype first so float32 updates round as float32 ones.
"""
import math

import numpy as np

from . import jit


@jit.kernel
def _sgd(p, g, buf, lr, momentum, undampened, nesterov, weight_decay, first):
    if momentum != 0 and weight_decay == 0 and not nesterov and not first:
        # the common momentum step, without the loop-invariant branches below (which kept the
        # general loop from vectorising)
        for k in range(p.size):
            b = momentum * buf[k] + undampened * g[k]
            buf[k] = b
            p[k] = p[k] - lr * b
        return
    for k in range(p.size):
        d = g[k]
        if weight_decay != 0:
            d = d + weight_decay * p[k]
        if momentum != 0:
            b = d if first else momentum * buf[k] + undampened * d
            buf[k] = b
            d = d + momentum * b if nesterov else b
        p[k] = p[k] - lr * d


@jit.kernel
def _adam(p, g, m, v, vmax, step_size, one_minus_beta1, beta2, one_minus_beta2, eps, bias2_sqrt,
          weight_decay, decay_factor, decoupled, amsgrad):
    for k in range(p.size):
        d = g[k]
        if decoupled:
            p[k] = p[k] * decay_factor
        elif weight_decay != 0:
            d = d + weight_decay * p[k]
        m[k] = m[k] + one_minus_beta1 * (d - m[k])      # torch's lerp
        v[k] = beta2 * v[k] + one_minus_beta2 * d * d
        second = v[k]
        if amsgrad:
            if second > vmax[k] or math.isnan(second):
                vmax[k] = second
            second = vmax[k]
        p[k] = p[k] - step_size * (m[k] / (math.sqrt(second) / bias2_sqrt + eps))


def in_place_ok(param, grad, *state):
    """True when grad has param's shape and param and each state array given (None skips one) are
    C-contiguous arrays of param's dtype and shape, which the kernels update through flat views."""
    return isinstance(grad, np.ndarray) and grad.shape == param.shape and all(
        a is None or (isinstance(a, np.ndarray) and a.flags.c_contiguous and a.dtype == param.dtype
                      and a.shape == param.shape) for a in (param,) + state)


def _flat(a):
    """A writable 1-D view of a C-contiguous array (the in-place kernels need views, not copies)."""
    if not a.flags.c_contiguous:
        raise ValueError(f"in-place optimiser update needs C-contiguous arrays; got strides {a.strides} "
                         f"for shape {a.shape} (use the NumPy kernel or np.ascontiguousarray first)")
    return a.reshape(-1)


def sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """One SGD step as torch.optim.SGD, updating param (and buf when momentum != 0) in place."""
    t = param.dtype.type
    p = _flat(param)
    b = _flat(buf) if momentum != 0 else p   # unused without momentum; any array of the right type
    _sgd(p, np.ascontiguousarray(grad, dtype=param.dtype).reshape(-1), b, t(lr), t(momentum), t(1 - dampening),
         bool(nesterov), t(weight_decay), bool(first))


def adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """One Adam (decoupled=False) or AdamW (decoupled=True) step as PyTorch's, in place."""
    t = param.dtype.type
    p = _flat(param)
    ms = _flat(vmax) if amsgrad else p       # unused without amsgrad
    _adam(p, np.ascontiguousarray(grad, dtype=param.dtype).reshape(-1), _flat(m), _flat(v), ms,
          t(lr / (1 - beta1 ** step)), t(1 - beta1), t(beta2), t(1 - beta2), t(eps),
          t(math.sqrt(1 - beta2 ** step)),
          t(weight_decay), t(1 - lr * weight_decay), bool(decoupled), bool(amsgrad))
